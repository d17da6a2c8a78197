"""The page registry: one entry per page drives ``st.navigation`` in app.py, and it is the only
place that names page files.

Adding a page is one entry here plus one thin file ``pages/<key>.py``. Everything else finds a
page through this module: by key (:func:`page`), by the guide's tool it serves
(:func:`page_for_tool`) or by its toolkit tool (:func:`page_for_toolkit_tool`). No Streamlit
import: the registry is plain data, so tests can walk it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str  # the page file is pages/<key>.py and its URL path /<key>
    title: str
    icon: str  # Material icon, e.g. ":material/home:"
    section: str
    pillar_blurb: str = ""  # one line for the home page's entry points (pillar pages)
    default: bool = False
    enabled: bool = True
    toolkit_tool: str | None = None  # the clusterdash.toolkit.TOOLS tool the page is (toolkit pages)
    tool_codes: tuple[str, ...] = ()  # further kb_phase_tool codes (the guide's tools) the page serves
    asks_participant: bool = False  # the page has its own "Your name" field (the sidebar then has none)

    @property
    def path(self) -> str:
        """The page file under the repo root."""
        return f"pages/{self.key}.py"

    @property
    def url_path(self) -> str:
        return self.key


PAGES: list[PageSpec] = [
    PageSpec("home", "Home", ":material/home:", "Overview", default=True),
    PageSpec("sources", "Sources", ":material/menu_book:", "Reference"),
    # ---- the whole guide, findable (issue 14)
    PageSpec("learn", "Learn", ":material/school:", "Learn"),
    PageSpec("world_regions", "Approaches by world region", ":material/public:", "Learn"),
    PageSpec("programmes", "Policy programmes", ":material/account_balance:", "Learn"),
    # ---- toolkit (issue 4: the guide's toolkit); titles as in clusterdash.toolkit.TOOLS
    PageSpec("toolkit", "Toolkit", ":material/handyman:", "Toolkit", pillar_blurb="Maturity-stage assessment"),
    PageSpec("toolkit_swot", "SWOT board", ":material/grid_view:", "Toolkit", toolkit_tool="swot_analysis"),
    PageSpec("toolkit_stakeholders", "Stakeholder analysis", ":material/groups:", "Toolkit",
             toolkit_tool="stakeholder_analysis"),
    PageSpec("toolkit_canvas", "Business model canvas", ":material/dashboard:", "Toolkit",
             toolkit_tool="business_model_canvas"),
    PageSpec("toolkit_legal_form", "Legal-form helper", ":material/gavel:", "Toolkit", toolkit_tool="legal_form"),
    PageSpec("toolkit_services", "Service portfolio", ":material/category:", "Toolkit",
             toolkit_tool="develop_services"),
    PageSpec("toolkit_team", "Management team skills", ":material/badge:", "Toolkit", toolkit_tool="staffing"),
    # ---- mapping: cluster initiatives and value chains (issue 3 A, D)
    PageSpec("initiatives", "Cluster initiatives", ":material/travel_explore:", "Mapping", pillar_blurb="Mapping"),
    PageSpec("value_chains", "Value-chain coverage", ":material/account_tree:", "Mapping", pillar_blurb="Mapping",
             tool_codes=("value_chain_mapping",)),
    # ---- mapping: regional cluster statistics (issue 3 B, C, D, E)
    PageSpec("regional_stats", "Regional statistics", ":material/analytics:", "Mapping", pillar_blurb="Mapping",
             tool_codes=("cluster_mapping",)),
    PageSpec("import_stats", "Import statistics", ":material/upload_file:", "Mapping"),
    # ---- cluster analysis (issue #12)
    PageSpec("cluster_profile", "Cluster profile", ":material/insights:", "Cluster analysis"),
    PageSpec("region_cluster", "Region × cluster", ":material/zoom_in:", "Cluster analysis"),
    PageSpec("shift_share", "Shift-share", ":material/stacked_bar_chart:", "Cluster analysis"),
    PageSpec("economic_structure", "Economic structure", ":material/pie_chart:", "Cluster analysis"),
    PageSpec("wages", "Wages", ":material/paid:", "Cluster analysis"),
    PageSpec("counties", "Counties and economic areas", ":material/map:", "Cluster analysis"),
    PageSpec("clusters_from_data", "Clusters from your data", ":material/bubble_chart:", "Cluster analysis"),
    # ---- maturity assessment (issue 4)
    PageSpec("assessment", "Maturity assessment", ":material/stairs:", "Maturity assessment",
             pillar_blurb="Maturity-stage assessment", asks_participant=True),
    PageSpec("assessment_workshop", "Assessment workshop", ":material/groups_3:", "Maturity assessment"),
    PageSpec("assessment_history", "Assessment history", ":material/timeline:", "Maturity assessment"),
    # ---- checklists, workshop cards, workspaces (issue 6)
    PageSpec("checklists", "Dos & don'ts checklists", ":material/checklist:", "Checklists & workshop",
             pillar_blurb="Dos-and-don'ts checklists"),
    PageSpec("workshop", "Workshop cards", ":material/co_present:", "Checklists & workshop"),
    PageSpec("workspaces", "Workspaces", ":material/folder_open:", "Checklists & workshop"),
    PageSpec("vote", "Dot-voting", ":material/how_to_vote:", "Checklists & workshop", asks_participant=True),
    PageSpec("join", "Join a workshop", ":material/qr_code_scanner:", "Checklists & workshop", asks_participant=True),
    # ---- financing (issue 5)
    PageSpec("financing", "Financing patterns", ":material/payments:", "Financing", pillar_blurb="Financing patterns"),
    PageSpec("financing_mix", "Your financing mix", ":material/account_balance:", "Financing",
             pillar_blurb="Financing patterns", tool_codes=("financial_plan",)),
]


def enabled_pages() -> list[PageSpec]:
    return [p for p in PAGES if p.enabled]


def page(key: str) -> PageSpec:
    """The enabled page with this key (``"assessment"`` -> pages/assessment.py). KeyError otherwise."""
    for p in enabled_pages():
        if p.key == key:
            return p
    raise KeyError(f"no enabled page {key!r} in clusterdash/registry.py")


def page_for_toolkit_tool(tool_code: str) -> PageSpec:
    """The page of a toolkit tool (clusterdash.toolkit.TOOLS). KeyError when it has none."""
    for p in enabled_pages():
        if p.toolkit_tool == tool_code:
            return p
    raise KeyError(f"no enabled page for toolkit tool {tool_code!r}")


def tool_codes_of(spec: PageSpec) -> tuple[str, ...]:
    """Every kb_phase_tool code (the guide's tools) a page serves: its toolkit tool's and its own."""
    from clusterdash import toolkit

    codes = toolkit.get_tool(spec.toolkit_tool).phase_tool_codes if spec.toolkit_tool else ()
    return tuple(dict.fromkeys((*codes, *spec.tool_codes)))


def page_for_tool(phase_tool_code: str) -> PageSpec | None:
    """The page that serves one of the guide's tools (a kb_phase_tool code, e.g. 'swot_analysis'
    -> the SWOT board), or None for the guide's tools ClusterDash has no page for."""
    for p in enabled_pages():
        if phase_tool_code in tool_codes_of(p):
            return p
    return None


# Navigation order: overview, the four pillars, the toolkit and workspace tools, learn, reference.
SECTION_ORDER = ["Overview", "Mapping", "Cluster analysis", "Maturity assessment", "Toolkit", "Financing",
                 "Checklists & workshop", "Learn", "Reference"]


def sections() -> dict[str, list[PageSpec]]:
    out: dict[str, list[PageSpec]] = {}
    for p in enabled_pages():
        out.setdefault(p.section, []).append(p)
    rank = {name: i for i, name in enumerate(SECTION_ORDER)}
    return dict(sorted(out.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def pillar_pages() -> list[PageSpec]:
    return [p for p in enabled_pages() if p.pillar_blurb]
