"""The Learn section, the world regions and the policy programmes: what each shows and where the
guide's lists are placed. Pure Python on DataFrames of the knowledge tables (read by
``clusterdash.queries``); no Streamlit, no SQL.

- :data:`GUIDANCE_PLACEMENTS` — every guidance list (kb_guidance_list) and the pages it is shown on,
  with where the guide uses it: the one registry of placements (pages call
  ``ui.learn.guidance_lists(<page key>)``; tests check every list is placed);
- :data:`LEARN_SECTIONS` / :func:`section_of_topic` — which tab of the Learn page shows a topic;
- :func:`search_mask` and :func:`filter_learn` — the Learn page's search (every word must match,
  quotes folded by the function the caller passes);
- :func:`glossary_terms` — definitions grouped by term, seeds side by side;
- :func:`learn_export` — the CSV of what the Learn page shows, one row per item with its source;
- :func:`filter_programmes`, :func:`programme_figures` — the programmes view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

import pandas as pd

from clusterdash import fields

Fold = Callable[[str], str]


def _identity(text: str) -> str:
    return text


# ---- where each guidance list is shown ------------------------------------------------------------

@dataclass(frozen=True)
class Placement:
    """A guidance list shown on a page (registry key) — ``where`` says where the guide uses it."""

    list_code: str
    page: str
    where: str


def _p(list_code: str, where: str, *pages: str) -> list[Placement]:
    return [Placement(list_code, page, where) for page in pages]


# The guide's stage › step › tool (or section) each list belongs to, and the ClusterDash pages that
# serve that step. "learn": the Learn page shows it inside its topic (kb_learn_topic.guidance_list_code).
GUIDANCE_PLACEMENTS: tuple[Placement, ...] = tuple(
    _p("policy_dos_donts", "Part 1, the role of cluster policy: dos & don'ts", "programmes")
    + _p("policy_success_factors", "Part 1, the role of cluster policy: key success factors", "programmes")
    + _p("success_factors", "Part 1: key drivers of cluster development", "learn")
    + _p("prerequisites", "Part 1: key drivers of cluster development", "learn")
    + _p("obstacles", "Part 1: key drivers of cluster development", "learn")
    + _p("clusters_qualifying_characteristics", "Part 1: shapes of cluster implementation", "learn")
    + _p("strategic_alliance_characteristics", "Part 1: strategic alliances, precursor of the cluster approach", "learn")
    + _p("cluster_policy_rationale", "Part 1, the role of cluster policy: introduction", "learn", "programmes")
    + _p("three_dimensions", "Part 1, the role of cluster policy: introduction", "learn")
    + _p("conducive_policies", "Part 1, the role of cluster policy: the interplay with other policies", "programmes")
    + _p("trust_progression", "Part 2: the four maturity stages of cluster development", "assessment")
    + _p("champion_types", "Initiation phase, introduction: who makes the first move", "toolkit_stakeholders")
    + _p("cluster_mapping_limitations", "Initiation phase › step 1 › cluster mapping", "regional_stats")
    + _p("intentions_goals_questions", "Initiation phase › step 1 › SWOT analysis", "toolkit_swot")
    + _p("stakeholder_analysis", "Initiation phase › step 2 › stakeholder analysis", "toolkit_stakeholders")
    + _p("first_event_agenda", "Initiation phase › step 2 › raise awareness (the first event)",
         "toolkit_stakeholders", "toolkit")
    + _p("cluster_actor_interests", "Initiation phase › step 3 › identify demands & needs", "toolkit_stakeholders")
    + _p("goal_setting", "Initiation phase › step 4 › develop goals", "toolkit_canvas", "toolkit")
    + _p("typical_goals", "Initiation phase › step 4 › develop goals", "toolkit_canvas", "toolkit")
    + _p("strategy_components", "Initiation phase › step 4 › cluster strategy + action plan", "toolkit_canvas", "toolkit")
    + _p("initiation_dos_donts", "Initiation phase: lessons learned", "toolkit")
    + _p("action_plan", "Establishment phase › step 1 › action plan", "toolkit")
    + _p("financial_planning_steps", "Establishment phase › step 1 › financial plan", "financing_mix")
    + _p("organisation_elements", "Establishment phase › step 2 › legal form", "toolkit_legal_form")
    + _p("legal_form_questions", "Establishment phase › step 2 › legal form", "toolkit_legal_form")
    + _p("governance_elements", "Establishment phase › step 2 › governance", "toolkit_legal_form", "toolkit_team")
    + _p("governance_indicators", "Establishment phase › step 2 › governance", "toolkit_legal_form")
    + _p("staffing_criteria", "Establishment phase › step 2 › staffing", "toolkit_team")
    + _p("staffing_lessons", "Establishment phase › step 2 › staffing", "toolkit_team")
    + _p("partnership_modes", "Establishment phase › step 2 › agreements with key actors", "toolkit_legal_form")
    + _p("membership_agreement", "Establishment phase › step 2 › agreements with key actors", "toolkit_legal_form")
    + _p("marketing_instruments", "Establishment phase › step 3 › marketing & PR", "toolkit_services")
    + _p("marketing_guidelines", "Establishment phase › step 3 › marketing & PR", "toolkit_services")
    + _p("branding_questions", "Establishment phase › step 3 › marketing & PR", "toolkit_services")
    + _p("branding_goals", "Establishment phase › step 3 › marketing & PR", "toolkit_services")
    + _p("monitoring_categories", "Establishment phase › step 4 › monitoring system", "toolkit", "assessment_history")
    + _p("monitoring_not_to_do", "Establishment phase › step 4 › monitoring system", "toolkit", "assessment_history")
    + _p("impact_monitoring_preconditions", "Establishment phase › step 4 › monitoring system", "toolkit",
         "assessment_history")
    + _p("cluster_project_types", "Operationalisation phase › step 1 › project management", "toolkit")
)

LEARN_PAGE = "learn"  # placements on the Learn page are shown inside their topic, not by guidance_lists()


def placements_on(page: str) -> list[Placement]:
    """The guidance lists placed on a page (registry key), in the registry's order."""
    return [p for p in GUIDANCE_PLACEMENTS if p.page == page]


def pages_of(list_code: str) -> list[str]:
    """The pages (registry keys) a guidance list is shown on."""
    return list(dict.fromkeys(p.page for p in GUIDANCE_PLACEMENTS if p.list_code == list_code))


def placement_pages() -> list[str]:
    """Every page that shows guidance lists (registry keys), each once."""
    return list(dict.fromkeys(p.page for p in GUIDANCE_PLACEMENTS))


def guidance_groups(items: pd.DataFrame) -> list[tuple[str | None, pd.DataFrame]]:
    """The items of one guidance list grouped as the guide groups them (``group_name``; None for a
    list without groups), in the list's order."""
    if items.empty:
        return []
    out = []
    for code in dict.fromkeys(items["group_code"]):
        part = items[items["group_code"] == code]
        name = part["group_name"].iloc[0]
        out.append((name if isinstance(name, str) and name and code != "all" else None, part))
    return out


def item_prefix(kind: str) -> str:
    """How an item's kind is shown before it: 'Do: ', 'Don't: ' … nothing for plain points."""
    if kind in ("point", "element", "component", "description"):
        return ""
    return f"{fields.value_label('kind', kind)}: "


# ---- the Learn page's sections ----------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    code: str
    title: str
    topics: tuple[str, ...] = ()  # kb_learn_topic codes shown in this section, in order


LEARN_SECTIONS: tuple[Section, ...] = (
    Section("definitions", "Definitions"),
    Section("development", "Cluster development",
            ("icd_key_features", "icd_benefits", "why_clusters", "qualifying_characteristics", "success_factors",
             "prerequisites", "obstacles", "development_cooperation")),
    Section("shapes", "Shapes of clusters", ("cluster_shapes", "clusters_vary")),
    Section("evolution", "Evolution of the concept", ("strategic_alliances",)),
    Section("policy", "Cluster policy: benefits and risks",
            ("policy_rationale", "policy_dimensions", "policy_objectives", "policy_benefits_risks", "policy_pillars",
             "policy_tool_lines", "regional_strategies", "specialisation_diversification", "innovation_audit",
             "innovation_audit_questions")),
    Section("unido", "UNIDO's approach and the SDGs",
            ("unido_inclusive_growth", "unido_joint_action", "unido_sdg_links")),
    Section("swot", "Example SWOT"),
    Section("reading", "Further reading"),
)
MORE_TOPICS = Section("more", "More topics")  # topics no section names (a new knowledge row shows up here)


def section_of_topic(topic_code: str) -> str:
    for s in LEARN_SECTIONS:
        if topic_code in s.topics:
            return s.code
    return MORE_TOPICS.code


def sections(topic_codes: Iterable[str]) -> list[Section]:
    """The Learn page's tabs: the fixed sections, and 'More topics' when some topic is in none."""
    extra = [c for c in topic_codes if section_of_topic(c) == MORE_TOPICS.code]
    return list(LEARN_SECTIONS) + ([Section(MORE_TOPICS.code, MORE_TOPICS.title, tuple(extra))] if extra else [])


# ---- search ----------------------------------------------------------------------------------------

def search_words(search: str, fold: Fold = _identity) -> list[str]:
    return fold(search or "").casefold().split()


def search_mask(df: pd.DataFrame, columns: Sequence[str], search: str, fold: Fold = _identity) -> pd.Series:
    """Rows where every word of ``search`` occurs in one of ``columns`` (case-insensitive; quotes
    folded by ``fold``, e.g. ``knowledge.fold_quotes``, so "don't" finds "don’t"). No words: all rows."""
    words = search_words(search, fold)
    mask = pd.Series(True, index=df.index)
    if not words or df.empty:
        return mask
    cols = [c for c in columns if c in df.columns]
    hay = df[cols].astype(object).where(df[cols].notna(), "").astype(str).agg(" ".join, axis=1)
    hay = hay.map(lambda t: fold(t).casefold())
    for w in words:
        mask &= hay.str.contains(w, regex=False)
    return mask


@dataclass
class LearnData:
    """What the Learn page shows (all frames as the queries return them)."""

    glossary: pd.DataFrame
    topics: pd.DataFrame
    items: pd.DataFrame  # kb_learn_item
    guidance: pd.DataFrame  # kb_guidance_item rows of the lists the topics point to (list_code, ...)
    shapes: pd.DataFrame
    timeline: pd.DataFrame
    swot: pd.DataFrame
    reading: pd.DataFrame
    search: str = ""
    counts: dict = field(default_factory=dict)  # section code -> records shown


GLOSSARY_TEXT = ("term", "definition", "attributed_to", "note", "seed_title")
TOPIC_TEXT = ("title", "intro", "note", "seed_title")
ITEM_TEXT = ("title", "text")
GUIDANCE_TEXT = ("group_name", "title", "text")
SHAPE_TEXT = ("shape_name", "abbreviation", "definition", "reference")
TIMELINE_TEXT = ("period_text", "actor", "text", "reference", "note")
SWOT_TEXT = ("quadrant", "text")
READING_TEXT = ("entry_label", "reference", "url", "note")


def filter_learn(data: LearnData, search: str, fold: Fold = _identity) -> LearnData:
    """The Learn data narrowed to ``search``: rows that match; a topic stays when its heading matches
    (then with all its items) or one of its items does (then with those items)."""
    if not search_words(search, fold):
        out = LearnData(**{**data.__dict__, "search": ""})
    else:
        topic_hit = data.topics[search_mask(data.topics, TOPIC_TEXT, search, fold)]["topic_code"]
        items = data.items[data.items["topic_code"].isin(topic_hit) | search_mask(data.items, ITEM_TEXT, search, fold)]
        list_hit = data.topics[data.topics["topic_code"].isin(topic_hit)]["guidance_list_code"].dropna()
        guidance = data.guidance[data.guidance["list_code"].isin(list_hit)
                                 | search_mask(data.guidance, GUIDANCE_TEXT, search, fold)]
        keep = set(topic_hit) | set(items["topic_code"]) | set(
            data.topics[data.topics["guidance_list_code"].isin(guidance["list_code"])]["topic_code"])
        # a topic holding the shapes shows them: the shapes tab keeps its topic when a shape matches
        shapes = data.shapes[search_mask(data.shapes, SHAPE_TEXT, search, fold)]
        out = LearnData(
            glossary=data.glossary[search_mask(data.glossary, GLOSSARY_TEXT, search, fold)],
            topics=data.topics[data.topics["topic_code"].isin(keep)],
            items=items,
            guidance=guidance,
            shapes=shapes,
            timeline=data.timeline[search_mask(data.timeline, TIMELINE_TEXT, search, fold)],
            swot=data.swot[search_mask(data.swot, SWOT_TEXT, search, fold)],
            reading=data.reading[search_mask(data.reading, READING_TEXT, search, fold)],
            search=search,
        )
    out.counts = _counts(out)
    return out


def _counts(d: LearnData) -> dict[str, int]:
    """Records per section: the same rows as the CSV of what the page shows (:func:`learn_export`)."""
    counts = {s.code: 0 for s in sections(d.topics["topic_code"])}
    for rec in _export_records(d):
        counts[rec[0]] = counts.get(rec[0], 0) + 1
    return counts


# ---- the glossary: seeds side by side ---------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    term_code: str
    heading: str  # the term as the first definition writes it
    by_seed: tuple[tuple[str, pd.DataFrame], ...]  # (seed short title, its definitions) in file order

    @property
    def is_compared(self) -> bool:
        """Several seeds define the term: their definitions are shown side by side."""
        return len(self.by_seed) > 1


def glossary_terms(glossary: pd.DataFrame) -> list[Term]:
    """The glossary grouped by term (first appearance order), each term's definitions per seed."""
    out = []
    for code in dict.fromkeys(glossary["term_code"]):
        part = glossary[glossary["term_code"] == code]
        seeds = tuple((title, part[part["seed_title"] == title]) for title in dict.fromkeys(part["seed_title"]))
        out.append(Term(code, str(part["term"].iloc[0]), seeds))
    return out


# ---- the CSV of what the Learn page shows -----------------------------------------------------------

EXPORT_COLUMNS = ["section", "heading", "title", "text", "source", "cited_as"]


def _export_records(d: LearnData) -> list[tuple]:
    """(section code, heading, title, text, source) of every record the Learn page shows."""
    rows: list[tuple] = []

    def add(section, heading, title, text, source):
        rows.append((section, heading, title, text, source))

    for r in d.glossary.itertuples():
        add("definitions", r.term, r.seed_title, r.definition, r.source)
    for t in d.topics.itertuples():
        sec = section_of_topic(t.topic_code)
        own = d.items[d.items["topic_code"] == t.topic_code]
        lst = d.guidance[d.guidance["list_code"] == t.guidance_list_code] if isinstance(t.guidance_list_code, str) \
            else d.guidance.iloc[0:0]
        if isinstance(t.intro, str) and t.intro:
            add(sec, t.title, "", t.intro, t.source)
        for r in own.itertuples():
            add(sec, t.title, r.title, r.text, r.source)
        for r in lst.itertuples():
            add(sec, t.title, r.title, r.text, r.source)
    for r in d.shapes.itertuples():
        add("shapes", r.shape_name, r.abbreviation, r.definition, r.source)
    for r in d.timeline.itertuples():
        add("evolution", r.period_text if isinstance(r.period_text, str) else "(no period given)", r.actor, r.text,
            r.source)
    for r in d.swot.itertuples():
        add("swot", fields.value_label("quadrant", r.quadrant), "", r.text, r.source)
    for r in d.reading.itertuples():
        add("reading", r.entry_label, r.reading_kind, r.reference, r.source)
    return rows


def learn_export(d: LearnData, cite: Callable[[str], str] = _identity) -> pd.DataFrame:
    """One row per record the Learn page shows (after the search; the tabs count the same rows): its
    section, heading (term, topic, shape, timeline period, quadrant, list), title, text, the raw
    ``source`` and the citation the page shows (``cite``, e.g. ``knowledge.cite``)."""
    titles = {s.code: s.title for s in sections(d.topics["topic_code"])}
    rows = [{"section": titles.get(sec, sec), "heading": heading, "title": title, "text": text, "source": source,
             "cited_as": cite(source)} for sec, heading, title, text, source in _export_records(d)]
    out = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    return out.astype(object).where(out.notna(), None)


# ---- policy programmes --------------------------------------------------------------------------------

PROGRAMME_TEXT = ("name", "country", "region_name", "amount_text", "period", "description")


def filter_programmes(df: pd.DataFrame, *, regions: Sequence[str] = (), countries: Sequence[str] = (),
                      with_figure: bool = False, with_initiatives: bool = False, search: str = "",
                      fold: Fold = _identity) -> pd.DataFrame:
    """Programmes matching every filter: world region in ``regions``, country in ``countries``, a
    figure stated (``with_figure``: an amount or its words), initiatives of the catalogue linked
    (``with_initiatives``), every word of ``search``. Empty filters match everything."""
    mask = pd.Series(True, index=df.index)
    if regions:
        mask &= df["world_region"].isin(list(regions))
    if countries:
        mask &= df["country"].isin(list(countries))
    if with_figure:
        mask &= df["amount"].notna() | df["amount_text"].notna()
    if with_initiatives:
        mask &= df["initiatives"].fillna(0) > 0
    return df[mask & search_mask(df, PROGRAMME_TEXT, search, fold)]


def describe_programme_filters(region_names: Sequence[str] = (), countries: Sequence[str] = (),
                               with_figure: bool = False, with_initiatives: bool = False, search: str = "") -> str:
    parts = []
    if region_names:
        parts.append("world region = " + " | ".join(region_names))
    if countries:
        parts.append("country = " + " | ".join(countries))
    if with_figure:
        parts.append("with a stated figure")
    if with_initiatives:
        parts.append("with initiatives of the catalogue")
    if search.strip():
        parts.append(f"search = {search.strip()}")
    return "; ".join(parts) or "none"


def _given(v) -> bool:
    return v is not None and not (not isinstance(v, str) and pd.isna(v)) and str(v).strip() != ""


def programme_figures(row: Mapping) -> list[tuple[str, str]]:
    """(label, text) of a programme's figures exactly as the source gives them: the amount as
    printed, the stored number with its currency (or 'currency not stated'), the period as printed.
    Empty when the text gives no figure."""
    out = []
    if _given(row.get("amount_text")):
        out.append(("As printed", str(row["amount_text"])))
    if _given(row.get("amount")):
        cur = row.get("currency")
        out.append(("Amount", f"{float(row['amount']):,.0f} " + (str(cur) if _given(cur) else "(currency not stated)")))
    if _given(row.get("period")):
        out.append(("Period", str(row["period"])))
    return out


PROGRAMME_TABLE_COLUMNS = ["name", "country", "region_name", "region_basis", "amount_text", "amount", "currency",
                           "period", "initiatives", "description", "source", "programme_code"]


def programme_table(df: pd.DataFrame) -> pd.DataFrame:
    """The programmes grid (and its CSV): figures as stored, the region's basis in words."""
    out = df[[c for c in PROGRAMME_TABLE_COLUMNS if c in df.columns]].copy()
    out["region_basis"] = out["region_basis"].map(lambda v: fields.value_label("region_basis", v) if _given(v) else None)
    return out.reset_index(drop=True)


def region_basis_label(basis) -> str:
    return fields.value_label("region_basis", basis) if _given(basis) else "no world region"


# ---- world regions ------------------------------------------------------------------------------------

def region_countries(country_regions: pd.DataFrame, world_region: str) -> tuple[list[str], list[str]]:
    """The countries and areas of a world region: (those the guide places there, those ClusterDash
    groups there by continent)."""
    part = country_regions[country_regions["world_region"] == world_region]
    return (list(part[part["region_basis"] == "text"]["country"]),
            list(part[part["region_basis"] != "text"]["country"]))


REGION_EXPORT_COLUMNS = ["part", "name", "country", "text", "source"]


def region_export(region: Mapping, points: pd.DataFrame, statements: Sequence[Mapping], initiatives: pd.DataFrame,
                  programmes: pd.DataFrame, country_regions: pd.DataFrame) -> pd.DataFrame:
    """The CSV of what the world-regions page shows for one region, one row per record with its
    source: the narrative (paragraph by paragraph), the financing pattern's statements (the figure as
    stated, else the words), the region's initiatives and programmes, its countries and areas."""
    rows: list[dict] = []

    def add(part, name, country, text, source):
        rows.append({"part": part, "name": name, "country": country, "text": text, "source": source})

    for p in points.itertuples():
        add("narrative", region.get("region_name"), None, p.text, p.source)
    for s in statements:
        figure = s.get("figure_as_stated")
        add("financing pattern", s.get("measure"), None, f"{figure} · {s.get('words')}" if figure else s.get("words"),
            s.get("source"))
    for r in initiatives.to_dict("records"):
        add("initiative", r.get("name"), r.get("country"), r.get("place"), r.get("source"))
    for r in programmes.to_dict("records"):
        add("policy programme", r.get("name"), r.get("country"), r.get("amount_text"), r.get("source"))
    part = country_regions[country_regions["world_region"] == region.get("world_region")]
    for r in part.to_dict("records"):
        add("country or area", r.get("country"), r.get("country"), region_basis_label(r.get("region_basis")),
            r.get("source"))
    return pd.DataFrame(rows, columns=REGION_EXPORT_COLUMNS)
