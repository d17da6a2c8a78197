"""The knowledge base (read-only): every ``kb_`` table through one function, the searchable index.

:func:`knowledge_table` reads any knowledge table by name, in a fixed default order per table
(:data:`KNOWLEDGE_ORDER`; tables not listed there come in the order of their CSV file). The name is
checked against the schema's knowledge layer: an unknown name is refused, never put into SQL.
The pillar modules keep their named readers (``financing_sources``, ``canvas_blocks``, ...) as
one-line calls to it, so the pages read the same names as before.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

from clusterdash import schema
from clusterdash.knowledge import fold_quotes
from clusterdash.store import Store

__all__ = [
    "KNOWLEDGE_ORDER", "knowledge_table_names", "knowledge_table",
    "headline_facts", "source_documents", "knowledge_index", "knowledge_topics", "knowledge_counts",
    "maturity_stages", "guidance_items", "cluster_obstacles",
    "glossary", "learn_topics", "learn_items", "cluster_shapes", "concept_timeline", "example_swot", "further_reading",
    "guidance_lists", "guidance_list", "guidance_list_items", "world_regions", "region_points", "country_regions", "region_initiatives",
    "policy_programmes", "programme_links",
]

# ORDER BY of each knowledge table when read whole (our constants: column names of the table).
# "rowid" is the order of the knowledge file, which is the guide's order where the guide has one.
KNOWLEDGE_ORDER: dict[str, str] = {
    "kb_source_document": "source_file",
    "kb_headline_fact": "value_num IS NULL, fact_code",
    "kb_maturity_stage": "stage_order",
    "kb_guidance_list": "list_code",
    "kb_guidance_item": "list_code, group_code, kind, seq",
    "kb_financing_source": "seq",
    "kb_financing_lever": "rowid",
    "kb_financing_pattern": "rowid",
    "kb_financing_mix": "rowid",
    "kb_financing_figure": "case_code, seq",
    "kb_financing_rule": "rowid",
    "kb_cost_category": "seq",
    "kb_initiative": "country, name",
    "kb_legal_form": "seq",
    "kb_canvas_block": "block_order, seq",
    "kb_assessment_dimension": "dimension_order",
    "kb_assessment_statement": "seq",
    "kb_assessment_check": "check_code",
    "kb_value_chain_template": "template_name",
    "kb_value_chain_template_stage": "template_code, seq",
    "kb_stakeholder_example": "seq",
    "kb_toolkit_note": "tool_code, seq",
    "kb_learn_topic": "topic_order",
    "kb_cluster_shape": "seq",
    "kb_concept_timeline": "timeline_order",
    "kb_region_approach": "seq",
    "kb_further_reading": "reading_list, seq",
}
FILE_ORDER = "rowid"


def knowledge_table_names() -> list[str]:
    """The knowledge tables declared in the schema (``kb_`` names), in migration order."""
    return [t.name for t in schema.tables_in_layer(schema.LAYER_KNOWLEDGE)]


def _knowledge_table(name: str) -> schema.Table:
    full = name if name.startswith("kb_") else f"kb_{name}"
    for t in schema.tables_in_layer(schema.LAYER_KNOWLEDGE):
        if t.name == full:
            return t
    raise ValueError(f"{name!r} is not a knowledge table (one of: {', '.join(knowledge_table_names())})")


def knowledge_table(store: Store, name: str, *, where: Mapping[str, Any] | None = None,
                    columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of one knowledge table (``"financing_source"`` or ``"kb_financing_source"``) in
    its default order, optionally only ``columns`` and only rows whose columns equal ``where``'s
    values. Table and column names must be declared in the schema (ValueError otherwise); values
    are parameters."""
    t = _knowledge_table(name)
    for c in [*(columns or ()), *(where or {})]:
        if c not in t.column_names:
            raise ValueError(f"{t.name} has no column {c!r}")
    select = ", ".join(columns) if columns else "*"
    sql = f"SELECT {select} FROM {t.name}"
    params: list = []
    if where:
        sql += " WHERE " + " AND ".join(f"{c} = ?" for c in where)
        params = list(where.values())
    return store.df(f"{sql} ORDER BY {KNOWLEDGE_ORDER.get(t.name, FILE_ORDER)}", params)


# ---- the guide's general knowledge -----------------------------------------------------------

def headline_facts(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "headline_fact",
                           columns=("fact_code", "label", "value_num", "value_text", "unit", "source"))


def source_documents(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "source_document")


def maturity_stages(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "maturity_stage")


def guidance_items(store: Store, list_code: str | None = None) -> pd.DataFrame:
    return knowledge_table(store, "guidance_item", where={"list_code": list_code} if list_code else None)


def cluster_obstacles(store: Store) -> pd.DataFrame:
    """The guide's potential obstacles to clusters and cluster development (all stages)."""
    return store.df(
        "SELECT group_name, seq, text, source FROM kb_guidance_item WHERE list_code = 'obstacles' ORDER BY group_code, seq"
    )


# ---- the searchable index over every knowledge record ------------------------------------------

def knowledge_index(store: Store, *, search: str = "", topics: list[str] | None = None) -> pd.DataFrame:
    """Every knowledge record with its source; ``search`` matches text, figures, key or source
    (case-insensitive, all words must match); ``topics`` filters by topic."""
    sql = "SELECT topic, text, source, figures, record_key, table_name FROM knowledge_index WHERE 1=1"
    params: list = []
    # search_text folds curly/straight quotes and apostrophes ("don't" finds "don’t")
    for word in fold_quotes(search).split():
        sql += " AND search_text ILIKE ? ESCAPE '\\'"
        params.append("%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if topics:
        sql += " AND topic IN (" + ", ".join("?" for _ in topics) + ")"
        params += list(topics)
    sql += " ORDER BY topic, table_name, record_key"
    return store.df(sql, params)


def knowledge_topics(store: Store) -> list[str]:
    return [r["topic"] for r in store.rows("SELECT DISTINCT topic FROM knowledge_index ORDER BY topic")]


def knowledge_counts(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT topic, table_name, count(*) AS records FROM knowledge_index GROUP BY ALL ORDER BY topic, table_name"
    )


# ---- the Learn section, world regions and policy programmes (issue 14) ----------------------------

def glossary(store: Store) -> pd.DataFrame:
    """Every definition of the glossary in the knowledge file's order (rows of one term_code from
    several seeds compare their definitions), with the seed's short title (``seed_title``)."""
    return store.df(
        "SELECT g.term_code, g.source_file, d.short_title AS seed_title, g.seq, g.term, g.definition, "
        "g.attributed_to, g.note, g.source "
        "FROM (SELECT *, rowid AS file_order FROM kb_glossary_term) g JOIN kb_source_document d USING (source_file) "
        "ORDER BY g.file_order"
    )


def learn_topics(store: Store) -> pd.DataFrame:
    """The Learn topics in their order, with the seed's short title and the number of their own
    items (topics whose items are a guidance list have none: see ``guidance_list_code``)."""
    return store.df(
        "SELECT t.topic_code, t.topic_order, t.title, t.source_file, d.short_title AS seed_title, t.intro, "
        "t.is_excerpt, t.guidance_list_code, t.note, t.source, "
        "(SELECT count(*) FROM kb_learn_item i WHERE i.topic_code = t.topic_code) AS items "
        "FROM kb_learn_topic t JOIN kb_source_document d USING (source_file) ORDER BY t.topic_order"
    )


def learn_items(store: Store) -> pd.DataFrame:
    """Every item of every Learn topic, by topic order and the seed's order."""
    return store.df(
        "SELECT i.topic_code, i.seq, i.title, i.text, i.source FROM kb_learn_item i "
        "JOIN kb_learn_topic t USING (topic_code) ORDER BY t.topic_order, i.seq"
    )


def cluster_shapes(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "cluster_shape")


def concept_timeline(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "concept_timeline")


def example_swot(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "example_swot")


def further_reading(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "further_reading")


def guidance_lists(store: Store) -> pd.DataFrame:
    """Every guidance list (kb_guidance_list) with its number of items."""
    return store.df(
        "SELECT l.*, (SELECT count(*) FROM kb_guidance_item i WHERE i.list_code = l.list_code) AS items "
        "FROM kb_guidance_list l ORDER BY l.rowid"
    )


def guidance_list(store: Store, list_code: str) -> dict | None:
    """One guidance list (title, audience, stage, description, source), or None."""
    rows = store.rows("SELECT * FROM kb_guidance_list WHERE list_code = ?", [list_code])
    return rows[0] if rows else None


def guidance_list_items(store: Store, list_codes: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The items of the given guidance lists (all when None) in the guide's order (the knowledge
    file's order), with the list's title."""
    sql = ("SELECT i.list_code, l.title AS list_title, i.group_code, i.group_name, i.kind, i.seq, i.title, i.text, "
           "i.source FROM (SELECT *, rowid AS file_order FROM kb_guidance_item) i JOIN kb_guidance_list l USING (list_code)")
    params: list = []
    if list_codes is not None:
        sql += " WHERE i.list_code IN (" + ", ".join("?" for _ in list_codes or [""]) + ")"
        params = list(list_codes) or [""]
    return store.df(sql + " ORDER BY i.file_order", params)


def world_regions(store: Store) -> pd.DataFrame:
    """The guide's world regions (kb_region_approach) in its order, with the number of catalogue
    initiatives and policy programmes in each (through kb_country_region)."""
    return store.df(
        "SELECT r.*, "
        "(SELECT count(*) FROM initiative i JOIN kb_country_region c USING (country) "
        " WHERE c.world_region = r.world_region) AS initiatives, "
        "(SELECT count(*) FROM kb_policy_programme p JOIN kb_country_region c USING (country) "
        " WHERE c.world_region = r.world_region) AS programmes "
        "FROM kb_region_approach r ORDER BY r.seq"
    )


def region_points(store: Store, world_region: str | None = None) -> pd.DataFrame:
    """The narrative of one world region (all regions when None), paragraph by paragraph, in the guide's order."""
    return knowledge_table(store, "region_approach_point", where={"world_region": world_region} if world_region else None)


def country_regions(store: Store) -> pd.DataFrame:
    """Every country or area with its world region, the region's name and the basis of the grouping."""
    return store.df(
        "SELECT c.country, c.country_code, c.world_region, r.region_name, c.region_basis, c.note, c.source "
        "FROM kb_country_region c JOIN kb_region_approach r USING (world_region) ORDER BY r.seq, c.rowid"
    )


def region_initiatives(store: Store, world_region: str) -> pd.DataFrame:
    """The initiatives (catalogue and user-added) whose country is in the world region, with the
    basis of the country's grouping."""
    return store.df(
        "SELECT i.*, c.world_region, c.region_basis FROM initiative i JOIN kb_country_region c USING (country) "
        "WHERE c.world_region = ? ORDER BY i.country, i.name",
        [world_region],
    )


def policy_programmes(store: Store) -> pd.DataFrame:
    """Every policy programme (kb_policy_programme, the knowledge file's order) with the world
    region of its country or area (NULL where it has none), the basis of that grouping and the
    number of catalogue initiatives the text links to it."""
    return store.df(
        "SELECT p.programme_code, p.name, p.country, c.world_region, r.region_name, c.region_basis, p.amount, "
        "p.currency, p.amount_text, p.period, p.description, p.source, "
        "(SELECT count(*) FROM kb_programme_initiative l WHERE l.programme_code = p.programme_code) AS initiatives "
        "FROM (SELECT *, rowid AS file_order FROM kb_policy_programme) p "
        "LEFT JOIN kb_country_region c USING (country) LEFT JOIN kb_region_approach r USING (world_region) "
        "ORDER BY p.file_order"
    )


def programme_links(store: Store, *, programme_code: str | None = None,
                    initiative_id: str | None = None) -> pd.DataFrame:
    """The links between programmes and catalogue initiatives (kb_programme_initiative), optionally
    of one programme or one initiative: names of both, the kind of link, its words and source."""
    sql = (
        "SELECT l.programme_code, p.name AS programme_name, l.initiative_id, i.name AS initiative_name, i.country, "
        "i.location_precision, l.link_kind, l.text, l.note, l.source "
        "FROM kb_programme_initiative l JOIN kb_policy_programme p USING (programme_code) "
        "JOIN kb_initiative i USING (initiative_id) WHERE 1=1"
    )
    params: list = []
    if programme_code is not None:
        sql += " AND l.programme_code = ?"
        params.append(programme_code)
    if initiative_id is not None:
        sql += " AND l.initiative_id = ?"
        params.append(initiative_id)
    return store.df(sql + " ORDER BY l.rowid", params)
