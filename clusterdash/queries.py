"""The one shared query module: every page reads and writes the store through these functions.

Rules: SQL is parameterised (``?`` placeholders); identifiers (table and column names) only
ever come from fixed lists in this package, never from user input. Functions take the
:class:`~clusterdash.store.Store` first and return pandas DataFrames (reads) or plain values.
Writes go through ``store.write`` so that each is one transaction.

The module is organised in sections, one per pillar.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

import pandas as pd

from clusterdash.errors import UserError
from clusterdash.store import Store


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# =====================================================================================
# Knowledge base (read-only)
# =====================================================================================

def headline_facts(store: Store) -> pd.DataFrame:
    return store.df("SELECT fact_code, label, value_num, value_text, unit, source FROM kb_headline_fact ORDER BY value_num IS NULL, fact_code")


def source_documents(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_source_document ORDER BY source_file")


def knowledge_index(store: Store, *, search: str = "", topics: list[str] | None = None) -> pd.DataFrame:
    """Every knowledge record with its source; ``search`` matches text, figures, key or source
    (case-insensitive, all words must match); ``topics`` filters by topic."""
    sql = "SELECT topic, text, source, figures, record_key, table_name FROM knowledge_index WHERE 1=1"
    params: list = []
    for word in search.split():
        sql += (
            " AND (text ILIKE ? OR coalesce(figures, '') ILIKE ? OR record_key ILIKE ? OR source ILIKE ?)"
        )
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern] * 4
    if topics:
        sql += " AND topic IN (" + ", ".join("?" for _ in topics) + ")"
        params += list(topics)
    sql += " ORDER BY topic, table_name, record_key"
    # ILIKE with a backslash escape
    sql = sql.replace("ILIKE ?", "ILIKE ? ESCAPE '\\'")
    return store.df(sql, params)


def knowledge_topics(store: Store) -> list[str]:
    return [r["topic"] for r in store.rows("SELECT DISTINCT topic FROM knowledge_index ORDER BY topic")]


def knowledge_counts(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT topic, table_name, count(*) AS records FROM knowledge_index GROUP BY ALL ORDER BY topic, table_name"
    )


def maturity_stages(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_maturity_stage ORDER BY stage_order")


def guidance_lists(store: Store, audience: str | None = None) -> pd.DataFrame:
    sql = "SELECT * FROM kb_guidance_list"
    params: list = []
    if audience:
        sql += " WHERE audience = ?"
        params.append(audience)
    return store.df(sql + " ORDER BY list_code", params)


def guidance_items(store: Store, list_code: str | None = None) -> pd.DataFrame:
    sql = "SELECT * FROM kb_guidance_item"
    params: list = []
    if list_code:
        sql += " WHERE list_code = ?"
        params.append(list_code)
    return store.df(sql + " ORDER BY list_code, group_code, kind, seq", params)


# =====================================================================================
# Workspaces
# =====================================================================================

DEFAULT_WORKSPACE_NAME = "My workspace"


def list_workspaces(store: Store, *, include_archived: bool = False) -> pd.DataFrame:
    sql = "SELECT * FROM workspace"
    if not include_archived:
        sql += " WHERE archived_at IS NULL"
    return store.df(sql + " ORDER BY created_at, workspace_id")


def get_workspace(store: Store, workspace_id: str) -> dict | None:
    rows = store.rows("SELECT * FROM workspace WHERE workspace_id = ?", [workspace_id])
    return rows[0] if rows else None


def new_workspace_id() -> str:
    return "ws-" + secrets.token_urlsafe(6).replace("_", "x").replace("-", "y").lower()


def create_workspace(
    store: Store, name: str, *, initiative_id: str | None = None, occasion: str | None = None,
    workspace_id: str | None = None,
) -> str:
    name = (name or "").strip()
    if not name:
        raise UserError("A workspace needs a name.")
    if len(name) > 200:
        raise UserError("A workspace name can have at most 200 characters.")
    wid = workspace_id or new_workspace_id()
    store.execute_write(
        "INSERT INTO workspace (workspace_id, name, initiative_id, occasion, created_at) VALUES (?, ?, ?, ?, ?)",
        [wid, name, initiative_id, occasion, utcnow()],
    )
    return wid


def default_workspace(store: Store) -> str:
    """The oldest active workspace; creates 'My workspace' on a first visit."""
    wid = store.value(
        "SELECT workspace_id FROM workspace WHERE archived_at IS NULL ORDER BY created_at, workspace_id LIMIT 1"
    )
    if wid:
        return wid

    def create(cur):
        # re-check inside the transaction: two first visits at once create one workspace
        existing = cur.execute(
            "SELECT workspace_id FROM workspace WHERE archived_at IS NULL ORDER BY created_at LIMIT 1"
        ).fetchone()
        if existing:
            return existing[0]
        cur.execute(
            "INSERT INTO workspace (workspace_id, name, created_at) VALUES (?, ?, ?)",
            ["default", DEFAULT_WORKSPACE_NAME, utcnow()],
        )
        return "default"

    try:
        return store.write(create)
    except Exception:
        # a concurrent first visit inserted 'default' first
        wid = store.value("SELECT workspace_id FROM workspace WHERE workspace_id = 'default'")
        if wid:
            return wid
        raise


# =====================================================================================
# Cluster initiatives (catalogue + user-added)
# =====================================================================================

def initiatives(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM initiative ORDER BY country, name")


def get_initiative(store: Store, initiative_id: str) -> dict | None:
    rows = store.rows("SELECT * FROM initiative WHERE initiative_id = ?", [initiative_id])
    return rows[0] if rows else None
