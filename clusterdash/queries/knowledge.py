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
