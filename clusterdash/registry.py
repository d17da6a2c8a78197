"""The page registry: one entry per page drives ``st.navigation`` in app.py.

Adding a page is one entry here plus one thin file under ``pages/``. No Streamlit import:
the registry is plain data, so tests can walk it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # file under the repo root
    title: str
    icon: str  # Material icon, e.g. ":material/home:"
    url_path: str
    section: str
    pillar_blurb: str = ""  # one line for the home page's entry points (pillar pages)
    default: bool = False
    enabled: bool = True


PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "Home", ":material/home:", "home", "Overview", default=True),
    PageSpec("pages/sources.py", "Sources", ":material/menu_book:", "sources", "Reference"),
    # ---- toolkit (issue 4: the guide's toolkit); icons and titles as in clusterdash.toolkit.TOOLS
    PageSpec("pages/toolkit.py", "Toolkit", ":material/handyman:", "toolkit", "Toolkit",
             pillar_blurb="Maturity-stage assessment"),
    PageSpec("pages/toolkit_swot.py", "SWOT board", ":material/grid_view:", "toolkit_swot", "Toolkit"),
    PageSpec("pages/toolkit_stakeholders.py", "Stakeholder analysis", ":material/groups:", "toolkit_stakeholders",
             "Toolkit"),
    PageSpec("pages/toolkit_canvas.py", "Business model canvas", ":material/dashboard:", "toolkit_canvas", "Toolkit"),
    PageSpec("pages/toolkit_legal_form.py", "Legal-form helper", ":material/gavel:", "toolkit_legal_form", "Toolkit"),
    PageSpec("pages/toolkit_services.py", "Service portfolio", ":material/category:", "toolkit_services", "Toolkit"),
    PageSpec("pages/toolkit_team.py", "Management team skills", ":material/badge:", "toolkit_team", "Toolkit"),
    # ---- mapping: cluster initiatives and value chains (issue 3 A, D)
    PageSpec("pages/initiatives.py", "Cluster initiatives", ":material/travel_explore:", "initiatives", "Mapping",
             pillar_blurb="Mapping"),
    PageSpec("pages/value_chains.py", "Value-chain coverage", ":material/account_tree:", "value_chains", "Mapping",
             pillar_blurb="Mapping"),
    # ---- mapping: regional cluster statistics (issue 3 B, C, D, E)
    PageSpec("pages/regional_stats.py", "Regional statistics", ":material/analytics:", "regional_stats", "Mapping",
             pillar_blurb="Mapping"),
    PageSpec("pages/import_stats.py", "Import statistics", ":material/upload_file:", "import_stats", "Mapping"),
    # ---- maturity assessment (issue 4)
    PageSpec("pages/assessment.py", "Maturity assessment", ":material/stairs:", "assessment", "Maturity assessment",
             pillar_blurb="Maturity-stage assessment"),
    PageSpec("pages/assessment_workshop.py", "Assessment workshop", ":material/groups_3:", "assessment_workshop",
             "Maturity assessment"),
    PageSpec("pages/assessment_history.py", "Assessment history", ":material/timeline:", "assessment_history",
             "Maturity assessment"),
    # ---- checklists, workshop cards, workspaces (issue 6)
    PageSpec("pages/checklists.py", "Dos & don'ts checklists", ":material/checklist:", "checklists",
             "Checklists & workshop", pillar_blurb="Dos-and-don'ts checklists"),
    PageSpec("pages/workshop.py", "Workshop cards", ":material/co_present:", "workshop", "Checklists & workshop"),
    PageSpec("pages/workspaces.py", "Workspaces", ":material/folder_open:", "workspaces", "Checklists & workshop"),
    # ---- financing (issue 5)
    PageSpec("pages/financing.py", "Financing patterns", ":material/payments:", "financing", "Financing",
             pillar_blurb="Financing patterns"),
    PageSpec("pages/financing_mix.py", "Your financing mix", ":material/account_balance:", "financing_mix",
             "Financing", pillar_blurb="Financing patterns"),
]


def enabled_pages() -> list[PageSpec]:
    return [p for p in PAGES if p.enabled]


# Navigation order: overview, the four pillars, the toolkit and workspace tools, reference.
SECTION_ORDER = ["Overview", "Mapping", "Maturity assessment", "Toolkit", "Financing",
                 "Checklists & workshop", "Reference"]


def sections() -> dict[str, list[PageSpec]]:
    out: dict[str, list[PageSpec]] = {}
    for p in enabled_pages():
        out.setdefault(p.section, []).append(p)
    rank = {name: i for i, name in enumerate(SECTION_ORDER)}
    return dict(sorted(out.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def pillar_pages() -> list[PageSpec]:
    return [p for p in enabled_pages() if p.pillar_blurb]
