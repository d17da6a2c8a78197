"""Workspaces: list, create, the default one, rename, archive, restore, duplicate, overview.

A workspace holds everything a group saves (checklist answers, assessments, financing entries,
toolkit tools, value chains). Archived workspaces are read-only: every write elsewhere in this
package goes through :func:`clusterdash.queries.common.write_in_workspace`. Naming rules and the
duplication plan are domain rules in :mod:`clusterdash.workspaces`.
"""

from __future__ import annotations

import secrets

import pandas as pd

from clusterdash import workspaces
from clusterdash.errors import UserError
from clusterdash.queries.common import require_workspace, utcnow
from clusterdash.store import Store

__all__ = [
    "DEFAULT_WORKSPACE_NAME", "list_workspaces", "get_workspace", "new_workspace_id", "create_workspace",
    "default_workspace", "is_workspace_archived", "rename_workspace", "archive_workspace", "restore_workspace",
    "duplicate_workspace", "workspace_overview",
]

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
    name = workspaces.clean_name(name)
    occasion = workspaces.clean_occasion(occasion)
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


# ---- lifecycle: rename, archive, restore, duplicate --------------------------------------------

def is_workspace_archived(store: Store, workspace_id: str) -> bool:
    return store.value("SELECT archived_at IS NOT NULL FROM workspace WHERE workspace_id = ?", [workspace_id]) is True


def rename_workspace(store: Store, workspace_id: str, name: str, *, occasion: str | None = None) -> None:
    name = workspaces.clean_name(name)
    occasion = workspaces.clean_occasion(occasion)

    def apply(cur):
        require_workspace(cur, workspace_id)
        cur.execute("UPDATE workspace SET name = ?, occasion = ? WHERE workspace_id = ?", [name, occasion, workspace_id])

    store.write(apply)


def archive_workspace(store: Store, workspace_id: str) -> None:
    """Archive (hide from lists, make read-only). The last active workspace cannot be archived."""

    def apply(cur):
        ws = require_workspace(cur, workspace_id)
        others = cur.execute(
            "SELECT count(*) FROM workspace WHERE archived_at IS NULL AND workspace_id <> ?", [workspace_id]
        ).fetchall()[0][0]
        if not others:
            raise UserError(
                f"“{ws['name']}” is the only active workspace: create or restore another one before archiving it."
            )
        cur.execute("UPDATE workspace SET archived_at = ? WHERE workspace_id = ?", [utcnow(), workspace_id])

    store.write(apply)


def restore_workspace(store: Store, workspace_id: str) -> None:
    def apply(cur):
        require_workspace(cur, workspace_id, active=False)
        cur.execute("UPDATE workspace SET archived_at = NULL WHERE workspace_id = ?", [workspace_id])

    store.write(apply)


def duplicate_workspace(store: Store, workspace_id: str, name: str | None = None) -> str:
    """Copy a workspace with everything that belongs to it (every user table that declares a
    workspace_column, see clusterdash.workspaces), in one transaction. Returns the new id."""
    plan = workspaces.plan_duplication()
    new_id = new_workspace_id()

    def apply(cur):
        src = require_workspace(cur, workspace_id, active=False)
        existing = [r[0] for r in cur.execute("SELECT name FROM workspace").fetchall()]
        new_name = workspaces.clean_name(name) if name else workspaces.copy_name(src["name"], existing)
        cur.execute(
            "INSERT INTO workspace (workspace_id, name, initiative_id, occasion, created_at) VALUES (?, ?, ?, ?, ?)",
            [new_id, new_name, src["initiative_id"], src["occasion"], utcnow()],
        )
        maps: dict[str, pd.DataFrame] = {}
        for c in plan.copies:  # new identifiers for tables with their own keys
            if not c.new_key:
                continue
            old = [r[0] for r in cur.execute(
                f"SELECT {c.new_key} FROM {c.table} WHERE {c.workspace_column} = ? ORDER BY {c.new_key}", [workspace_id]
            ).fetchall()]
            top = 0
            if c.new_key_type in ("INTEGER", "BIGINT"):
                top = cur.execute(f"SELECT coalesce(max({c.new_key}), 0) FROM {c.table}").fetchall()[0][0]
            new = [workspaces.new_identifier(o, c.new_key_type, top, i) for i, o in enumerate(old)]
            maps[c.new_key] = pd.DataFrame({"old": pd.Series(old, dtype=object), "new": pd.Series(new, dtype=object)})
        for key, frame in maps.items():  # every remapped column is some table's own key (see the plan)
            cur.register(f"_map_{key}", frame)
        try:
            for c in plan.copies:
                cur.execute(copy_sql(c), [new_id, workspace_id])
        finally:
            for key in maps:
                cur.unregister(f"_map_{key}")
        return new_id

    return store.write(apply)


def copy_sql(copy: workspaces.TableCopy) -> str:
    """INSERT ... SELECT for one table of a duplication plan (``workspaces.plan_duplication``):
    the workspace column takes the new id (first ``?``), the source workspace is the second
    ``?``; a live-state column takes NULL or another column of the row; a remapped column ``c`` is looked up in a registered relation ``_map_<c>(old, new)``.
    Identifiers come from the declared schema only."""
    select = []
    joins = []
    reset = dict(copy.reset)
    for c in copy.columns:
        if c == copy.workspace_column:
            select.append("?")
        elif c in reset:  # live state: NULL, or another column of the row (workspaces.LIVE_STATE)
            select.append("NULL" if reset[c] is None else f"src.{reset[c]}")
        elif c in copy.remap:
            select.append(f"coalesce(m_{c}.new, src.{c})")
            joins.append(f"LEFT JOIN _map_{c} AS m_{c} ON m_{c}.old = src.{c}")
        else:
            select.append(f"src.{c}")
    cols = ", ".join(copy.columns)
    return (
        f"INSERT INTO {copy.table} ({cols}) SELECT {', '.join(select)} FROM {copy.table} AS src "
        + " ".join(joins)
        + f" WHERE src.{copy.workspace_column} = ?"
    )


def workspace_overview(store: Store, *, include_archived: bool = False) -> pd.DataFrame:
    """Workspaces with the number of saved entries in each (rows of every workspace table)."""
    counts = [
        f"SELECT {t.workspace_column} AS workspace_id, count(*) AS n FROM {t.name} GROUP BY 1"
        for t in workspaces.workspace_tables()
        if t.name not in workspaces.HISTORY_TABLES  # history, not entries
    ]
    entries = " UNION ALL ".join(counts) if counts else "SELECT NULL AS workspace_id, 0 AS n WHERE false"
    sql = (
        "SELECT w.workspace_id, w.name, w.occasion, w.initiative_id, w.created_at, w.archived_at, "
        f"CAST(coalesce(sum(e.n), 0) AS BIGINT) AS saved_entries FROM workspace w LEFT JOIN ({entries}) e USING (workspace_id)"
    )
    if not include_archived:
        sql += " WHERE w.archived_at IS NULL"
    sql += " GROUP BY ALL ORDER BY w.archived_at NULLS FIRST, w.created_at, w.workspace_id"
    return store.df(sql)
