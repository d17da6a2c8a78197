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
# Workspaces & checklists (issue 6): workspace lifecycle, checklist answers
# =====================================================================================

def _require_workspace(cur, workspace_id: str, *, active: bool = True) -> dict:
    """The workspace row (inside a write); UserError when missing, or archived and ``active``."""
    res = cur.execute("SELECT * FROM workspace WHERE workspace_id = ?", [workspace_id])
    names = [d[0] for d in res.description]
    rows = res.fetchall()
    if not rows:
        raise UserError(f"Workspace {workspace_id!r} does not exist.")
    ws = dict(zip(names, rows[0]))
    if active and ws["archived_at"] is not None:
        raise UserError(f"Workspace “{ws['name']}” is archived: restore it on the Workspaces page to change it.")
    return ws


def is_workspace_archived(store: Store, workspace_id: str) -> bool:
    return store.value("SELECT archived_at IS NOT NULL FROM workspace WHERE workspace_id = ?", [workspace_id]) is True


def rename_workspace(store: Store, workspace_id: str, name: str, *, occasion: str | None = None) -> None:
    from clusterdash import workspaces

    name = workspaces.clean_name(name)
    occasion = workspaces.clean_occasion(occasion)

    def apply(cur):
        _require_workspace(cur, workspace_id)
        cur.execute("UPDATE workspace SET name = ?, occasion = ? WHERE workspace_id = ?", [name, occasion, workspace_id])

    store.write(apply)


def archive_workspace(store: Store, workspace_id: str) -> None:
    """Archive (hide from lists, make read-only). The last active workspace cannot be archived."""

    def apply(cur):
        ws = _require_workspace(cur, workspace_id)
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
        _require_workspace(cur, workspace_id, active=False)
        cur.execute("UPDATE workspace SET archived_at = NULL WHERE workspace_id = ?", [workspace_id])

    store.write(apply)


def duplicate_workspace(store: Store, workspace_id: str, name: str | None = None) -> str:
    """Copy a workspace with everything that belongs to it (every user table that declares a
    workspace_column, see clusterdash.workspaces), in one transaction. Returns the new id."""
    from clusterdash import workspaces

    plan = workspaces.plan_duplication()
    new_id = new_workspace_id()

    def apply(cur):
        src = _require_workspace(cur, workspace_id, active=False)
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
                cur.execute(workspaces.copy_sql(c), [new_id, workspace_id])
        finally:
            for key in maps:
                cur.unregister(f"_map_{key}")
        return new_id

    return store.write(apply)


def workspace_overview(store: Store, *, include_archived: bool = False) -> pd.DataFrame:
    """Workspaces with the number of saved entries in each (rows of every workspace table)."""
    from clusterdash import workspaces

    counts = [
        f"SELECT {t.workspace_column} AS workspace_id, count(*) AS n FROM {t.name} GROUP BY 1"
        for t in workspaces.workspace_tables()
        if t.name != "checklist_change"  # history, not entries
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


def _checklist_items_sql() -> tuple[str, list]:
    """SELECT of every checklist item (guidance items of the checklist lists, and the phase key
    questions) with its list, area and source; ``item_order`` is the guide's order."""
    from clusterdash import checklists

    lists = list(checklists.CHECKLIST_LISTS)
    kinds = list(checklists.CHECKABLE_KINDS)
    sql = f"""
        SELECT i.list_code, l.title AS list_title, l.audience, i.group_code, i.group_name, i.kind, i.seq,
               i.title, i.text, i.source, CAST(i.rowid AS BIGINT) AS item_order
        FROM kb_guidance_item i JOIN kb_guidance_list l USING (list_code)
        WHERE i.list_code IN ({', '.join('?' for _ in lists)}) AND i.kind IN ({', '.join('?' for _ in kinds)})
        UNION ALL
        SELECT ? || q.stage_code, '10 key questions: ' || s.stage_name || ' phase', 'management', 'all', NULL,
               'key_question', q.seq, NULL, q.key_question, q.source,
               CAST(1000000 + s.stage_order * 1000 + q.seq AS BIGINT)
        FROM kb_phase_key_question q JOIN kb_maturity_stage s USING (stage_code)
    """
    return sql, lists + kinds + [checklists.KEY_QUESTIONS_PREFIX]


def checklist_board(store: Store, workspace_id: str) -> pd.DataFrame:
    """Every checklist item with this workspace's answer (status/note/owner/changed_by/changed_at,
    NULL while unanswered). See clusterdash.checklists.prepare_board for the derived columns."""
    items, params = _checklist_items_sql()
    sql = f"""
        WITH items AS ({items})
        SELECT items.*, a.status, a.note, a.owner, a.changed_by, a.changed_at
        FROM items LEFT JOIN checklist_answer a
          ON a.workspace_id = ? AND a.list_code = items.list_code AND a.group_code = items.group_code
         AND a.kind = items.kind AND a.seq = items.seq
        ORDER BY items.item_order
    """
    return store.df(sql, params + [workspace_id])


def checklist_lists(store: Store) -> pd.DataFrame:
    """The checklists: list_code, title, audience, description, source and number of items."""
    items, params = _checklist_items_sql()
    sql = f"""
        WITH items AS ({items}),
        lists AS (
            SELECT list_code, title, audience, description, source FROM kb_guidance_list
            UNION ALL
            SELECT ? || s.stage_code, '10 key questions: ' || s.stage_name || ' phase', 'management', NULL,
                   any_value(q.source)
            FROM kb_phase_key_question q JOIN kb_maturity_stage s USING (stage_code) GROUP BY s.stage_code, s.stage_name
        )
        SELECT lists.*, count(*) AS items, min(items.item_order) AS first_item
        FROM lists JOIN items USING (list_code) GROUP BY ALL ORDER BY first_item
    """
    from clusterdash import checklists

    return store.df(sql, params + [checklists.KEY_QUESTIONS_PREFIX])


def checklist_area_intros(store: Store) -> pd.DataFrame:
    """The introduction ('description' items) of each area of a checklist, with its source."""
    from clusterdash import checklists

    lists = list(checklists.CHECKLIST_LISTS)
    return store.df(
        f"SELECT list_code, group_code, group_name, text, source FROM kb_guidance_item "
        f"WHERE kind = 'description' AND list_code IN ({', '.join('?' for _ in lists)}) ORDER BY rowid",
        lists,
    )


def checklist_answer(store: Store, workspace_id: str, item) -> dict | None:
    from clusterdash.checklists import ItemKey

    k = item if isinstance(item, ItemKey) else ItemKey.parse(item)
    rows = store.rows(
        "SELECT * FROM checklist_answer WHERE workspace_id = ? AND list_code = ? AND group_code = ? AND kind = ? AND seq = ?",
        [workspace_id, k.list_code, k.group_code, k.kind, k.seq],
    )
    return rows[0] if rows else None


def save_checklist_answer(store: Store, workspace_id: str, item, field: str, value, *, changed_by: str) -> dict:
    """Set one field (status, note or owner) of one item's answer, in one transaction, and append
    the change to checklist_change. Only that field is written: answers to other items, and other
    fields of this item, are left as they are (someone else may have just changed them). The same
    field written twice: the last write wins. Returns the answer row as stored."""
    from clusterdash import checklists
    from clusterdash.checklists import ItemKey

    k = item if isinstance(item, ItemKey) else ItemKey.parse(item)
    value = checklists.clean_answer(k, field, value)
    who = checklists.clean_person(changed_by)
    key = [workspace_id, k.list_code, k.group_code, k.kind, k.seq]
    items_sql, items_params = _checklist_items_sql()

    def apply(cur):
        _require_workspace(cur, workspace_id)
        exists = cur.execute(
            f"SELECT count(*) FROM ({items_sql}) WHERE list_code = ? AND group_code = ? AND kind = ? AND seq = ?",
            items_params + key[1:],
        ).fetchall()[0][0]
        if not exists:
            raise UserError(f"Checklist item {k} does not exist in the knowledge base.")
        where = "workspace_id = ? AND list_code = ? AND group_code = ? AND kind = ? AND seq = ?"
        found = cur.execute(f"SELECT {field} FROM checklist_answer WHERE {where}", key).fetchall()
        old = found[0][0] if found else None
        if found and old == value:
            return  # nothing changed: keep who/when of the last real change
        now = utcnow()
        # field comes from checklists.FIELDS (validated above), never from user input
        cur.execute(
            f"INSERT INTO checklist_answer (workspace_id, list_code, group_code, kind, seq, {field}, changed_by, changed_at) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, list_code, group_code, kind, seq) "
            f"DO UPDATE SET {field} = excluded.{field}, changed_by = excluded.changed_by, changed_at = excluded.changed_at",
            key + [value, who, now],
        )
        cur.execute(
            "INSERT INTO checklist_change (change_id, workspace_id, list_code, group_code, kind, seq, field, old_value, "
            "new_value, changed_by, changed_at) VALUES (CAST(uuid() AS VARCHAR), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            key + [field, old, value, who, now],
        )

    _write_upsert(store, apply)
    return checklist_answer(store, workspace_id, k) or {}


def _write_upsert(store: Store, fn, attempts: int = 8):
    """store.write for a transaction that inserts-or-updates by primary key. Two sessions inserting
    the same new key at once both miss each other's uncommitted row (ON CONFLICT sees committed
    rows only); the second then fails with a duplicate-key error. That is a write-write conflict
    like any other: retry in a fresh transaction, which sees the first row and updates it (the
    last write wins)."""
    import time

    import duckdb

    for attempt in range(attempts):
        try:
            return store.write(fn)
        except (duckdb.ConstraintException, duckdb.TransactionException) as exc:
            msg = str(exc).lower()
            if "duplicate key" not in msg or attempt == attempts - 1:
                raise
            time.sleep(0.005 * (2 ** attempt))


def checklist_changes(store: Store, workspace_id: str, *, item=None, limit: int = 50) -> pd.DataFrame:
    """The latest changes of a workspace's checklist answers (of one item when ``item`` is given),
    newest first."""
    from clusterdash.checklists import ItemKey

    sql = "SELECT * FROM checklist_change WHERE workspace_id = ?"
    params: list = [workspace_id]
    if item is not None:
        k = item if isinstance(item, ItemKey) else ItemKey.parse(item)
        sql += " AND list_code = ? AND group_code = ? AND kind = ? AND seq = ?"
        params += [k.list_code, k.group_code, k.kind, k.seq]
    sql += " ORDER BY changed_at DESC, change_id LIMIT ?"
    return store.df(sql, params + [int(limit)])


# =====================================================================================
# Cluster initiatives (catalogue + user-added)
# =====================================================================================

def initiatives(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM initiative ORDER BY country, name")


def get_initiative(store: Store, initiative_id: str) -> dict | None:
    rows = store.rows("SELECT * FROM initiative WHERE initiative_id = ?", [initiative_id])
    return rows[0] if rows else None


# =====================================================================================
# Mapping (issue 3 A, D): user-added cluster initiatives and value-chain coverage.
# Validation lives in clusterdash.initiatives and clusterdash.value_chains.
# =====================================================================================

_INI_USER_COLUMNS = ("name", "country", "country_code", "place", "sector", "latitude", "longitude",
                            "members", "founding_year", "stage_code", "notes", "source")


def new_initiative_id() -> str:
    return "u-" + secrets.token_hex(6)


def add_user_initiative(store: Store, fields: dict) -> str:
    """Add a cluster initiative entered by a user (validated; UserError names the field).
    Returns its id."""
    from clusterdash import initiatives as ini

    clean = ini.clean_initiative(fields)
    iid = new_initiative_id()
    now = utcnow()
    cols = ("initiative_id",) + _INI_USER_COLUMNS + ("created_at", "updated_at")
    values = [iid] + [clean[c] for c in _INI_USER_COLUMNS] + [now, now]
    store.execute_write(
        f"INSERT INTO user_initiative ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", values
    )
    return iid


def _ini_require_user(cur, initiative_id: str) -> None:
    if cur.execute("SELECT count(*) FROM user_initiative WHERE initiative_id = ?", [initiative_id]).fetchone()[0]:
        return
    if cur.execute("SELECT count(*) FROM kb_initiative WHERE initiative_id = ?", [initiative_id]).fetchone()[0]:
        raise UserError("Catalogue initiatives come from the seed documents and are read-only: "
                        "add a copy to change it.")
    raise UserError(f"Initiative {initiative_id!r} does not exist (was it deleted?).")


def update_user_initiative(store: Store, initiative_id: str, fields: dict) -> None:
    """Replace the fields of a user initiative (validated; catalogue entries are read-only)."""
    from clusterdash import initiatives as ini

    clean = ini.clean_initiative(fields)

    def apply(cur):
        _ini_require_user(cur, initiative_id)
        sets = ", ".join(f"{c} = ?" for c in _INI_USER_COLUMNS)
        cur.execute(
            f"UPDATE user_initiative SET {sets}, updated_at = ? WHERE initiative_id = ?",
            [clean[c] for c in _INI_USER_COLUMNS] + [utcnow(), initiative_id],
        )

    store.write(apply)


def delete_user_initiative(store: Store, initiative_id: str) -> int:
    """Delete a user initiative and its value-chain lists (in every workspace), in one
    transaction. Returns the number of value-chain stages deleted with it."""

    def apply(cur):
        _ini_require_user(cur, initiative_id)
        n = cur.execute("SELECT count(*) FROM value_chain_stage WHERE initiative_id = ?", [initiative_id]).fetchone()[0]
        cur.execute("DELETE FROM value_chain_stage WHERE initiative_id = ?", [initiative_id])
        cur.execute("DELETE FROM user_initiative WHERE initiative_id = ?", [initiative_id])
        return int(n)

    return store.write(apply)


def value_chain_stage_count(store: Store, initiative_id: str) -> int:
    """Value-chain stages recorded for an initiative, over all workspaces."""
    return int(store.value("SELECT count(*) FROM value_chain_stage WHERE initiative_id = ?", [initiative_id]))


def value_chain_mapping_guidance(store: Store) -> dict | None:
    """What the guide says about the value chain mapping tool (kb_phase_tool), with its source."""
    rows = store.rows(
        "SELECT tool_name, how_to, source FROM kb_phase_tool WHERE tool_code = 'value_chain_mapping' "
        "ORDER BY stage_code, step_no LIMIT 1"
    )
    return rows[0] if rows else None


def value_chain_templates(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT t.*, (SELECT count(*) FROM kb_value_chain_template_stage s WHERE s.template_code = t.template_code) "
        "AS stages FROM kb_value_chain_template t ORDER BY t.template_name"
    )


def value_chain_template_stages(store: Store, template_code: str) -> pd.DataFrame:
    return store.df(
        "SELECT * FROM kb_value_chain_template_stage WHERE template_code = ? ORDER BY seq", [template_code]
    )


def value_chain_stages(store: Store, workspace_id: str, initiative_id: str) -> pd.DataFrame:
    """The value chain of an initiative in a workspace, upstream first (missing values are None)."""
    df = store.df(
        "SELECT * FROM value_chain_stage WHERE workspace_id = ? AND initiative_id = ? ORDER BY seq, stage_id",
        [workspace_id, initiative_id],
    )
    return df.astype(object).where(df.notna(), None)


def value_chain_overview(store: Store, workspace_id: str) -> pd.DataFrame:
    """Initiatives with a value-chain list in the workspace: stages, gaps and not-yet-assessed."""
    return store.df(
        """
        SELECT v.initiative_id, any_value(i.name) AS name, count(*) AS stages,
               count(*) FILTER (WHERE v.coverage_status = 'covered') AS covered,
               count(*) FILTER (WHERE v.coverage_status = 'partly_covered') AS partly_covered,
               count(*) FILTER (WHERE v.coverage_status = 'gap') AS gaps,
               count(*) FILTER (WHERE v.coverage_status IS NULL) AS not_assessed,
               max(v.updated_at) AS updated_at
        FROM value_chain_stage v LEFT JOIN initiative i USING (initiative_id)
        WHERE v.workspace_id = ? GROUP BY v.initiative_id ORDER BY updated_at DESC
        """,
        [workspace_id],
    )


def _vc_require_workspace(cur, workspace_id: str) -> None:
    """Value chains are written only in an existing, active (not archived) workspace."""
    row = cur.execute("SELECT name, archived_at FROM workspace WHERE workspace_id = ?", [workspace_id]).fetchone()
    if row is None:
        raise UserError(f"Workspace {workspace_id!r} does not exist.")
    if row[1] is not None:
        raise UserError(f"Workspace “{row[0]}” is archived: restore it on the Workspaces page to change it.")


def _vc_require_initiative(cur, initiative_id: str) -> None:
    if not cur.execute("SELECT count(*) FROM initiative WHERE initiative_id = ?", [initiative_id]).fetchone()[0]:
        raise UserError(f"Initiative {initiative_id!r} does not exist.")


def _vc_next_seq(cur, workspace_id: str, initiative_id: str) -> int:
    return int(cur.execute(
        "SELECT coalesce(max(seq), 0) + 1 FROM value_chain_stage WHERE workspace_id = ? AND initiative_id = ?",
        [workspace_id, initiative_id],
    ).fetchone()[0])


def _vc_check_room(cur, workspace_id: str, initiative_id: str, adding: int) -> None:
    from clusterdash import value_chains as vc

    have = _vc_next_seq(cur, workspace_id, initiative_id) - 1
    if have + adding > vc.MAX_STAGES:
        raise UserError(f"A value chain can have at most {vc.MAX_STAGES} stages (this one has {have}).")


def add_value_chain_stage(store: Store, workspace_id: str, initiative_id: str, stage_name: str, *,
                          local_actors: str | None = None, coverage_status: str | None = None,
                          notes: str | None = None) -> str:
    """Append a stage to the initiative's value chain in the workspace. Returns its id."""
    from clusterdash import value_chains as vc

    name = vc.clean_field("stage_name", stage_name)
    actors = vc.clean_field("local_actors", local_actors)
    status = vc.clean_field("coverage_status", coverage_status)
    note = vc.clean_field("notes", notes)
    sid = "vc-" + secrets.token_hex(6)

    def apply(cur):
        _vc_require_workspace(cur, workspace_id)
        _vc_require_initiative(cur, initiative_id)
        _vc_check_room(cur, workspace_id, initiative_id, 1)
        cur.execute(
            "INSERT INTO value_chain_stage (workspace_id, initiative_id, stage_id, seq, stage_name, local_actors, "
            "coverage_status, notes, template_code, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            [workspace_id, initiative_id, sid, _vc_next_seq(cur, workspace_id, initiative_id), name, actors, status,
             note, utcnow()],
        )
        return sid

    return store.write(apply)


def _vc_stage_row(cur, workspace_id: str, stage_id: str) -> dict:
    res = cur.execute("SELECT * FROM value_chain_stage WHERE workspace_id = ? AND stage_id = ?",
                      [workspace_id, stage_id])
    names = [d[0] for d in res.description]
    row = res.fetchone()
    if row is None:
        raise UserError("This value-chain stage no longer exists (deleted in another session?). Reload the page.")
    return dict(zip(names, row))


def update_value_chain_stage(store: Store, workspace_id: str, stage_id: str, field: str, value) -> None:
    """Save one field of a stage (stage_name, local_actors, coverage_status, notes) the moment it
    is given. UserError names the stage's position and the field; the store is unchanged."""
    from clusterdash import value_chains as vc

    if field not in vc.EDITABLE_FIELDS:  # the column name comes from this fixed list only
        raise UserError(f"{field}: not a field of a value-chain stage.")

    def apply(cur):
        _vc_require_workspace(cur, workspace_id)
        row = _vc_stage_row(cur, workspace_id, stage_id)
        clean = vc.clean_field(field, value, row=row["seq"])
        cur.execute(
            f"UPDATE value_chain_stage SET {field} = ?, updated_at = ? WHERE workspace_id = ? AND stage_id = ?",
            [clean, utcnow(), workspace_id, stage_id],
        )

    store.write(apply)


def _vc_renumber(cur, workspace_id: str, initiative_id: str, order: list[str]) -> None:
    for i, sid in enumerate(order, start=1):
        cur.execute("UPDATE value_chain_stage SET seq = ? WHERE workspace_id = ? AND stage_id = ? AND seq <> ?",
                    [i, workspace_id, sid, i])


def _vc_stage_order(cur, workspace_id: str, initiative_id: str) -> list[str]:
    return [r[0] for r in cur.execute(
        "SELECT stage_id FROM value_chain_stage WHERE workspace_id = ? AND initiative_id = ? ORDER BY seq, stage_id",
        [workspace_id, initiative_id],
    ).fetchall()]


def delete_value_chain_stage(store: Store, workspace_id: str, stage_id: str) -> None:
    def apply(cur):
        _vc_require_workspace(cur, workspace_id)
        row = _vc_stage_row(cur, workspace_id, stage_id)
        cur.execute("DELETE FROM value_chain_stage WHERE workspace_id = ? AND stage_id = ?", [workspace_id, stage_id])
        _vc_renumber(cur, workspace_id, row["initiative_id"], _vc_stage_order(cur, workspace_id, row["initiative_id"]))

    store.write(apply)


def move_value_chain_stage(store: Store, workspace_id: str, stage_id: str, delta: int) -> None:
    """Move a stage up (delta < 0, upstream) or down the chain; at either end it stays."""

    def apply(cur):
        _vc_require_workspace(cur, workspace_id)
        row = _vc_stage_row(cur, workspace_id, stage_id)
        order = _vc_stage_order(cur, workspace_id, row["initiative_id"])
        i = order.index(stage_id)
        j = max(0, min(len(order) - 1, i + int(delta)))
        order.insert(j, order.pop(i))
        _vc_renumber(cur, workspace_id, row["initiative_id"], order)
        cur.execute("UPDATE value_chain_stage SET updated_at = ? WHERE workspace_id = ? AND stage_id = ?",
                    [utcnow(), workspace_id, stage_id])

    store.write(apply)


def apply_value_chain_template(store: Store, workspace_id: str, initiative_id: str, template_code: str) -> int:
    """Append the template's stages that the chain does not have yet (same name, ignoring case),
    not yet assessed. Returns the number added."""

    def apply(cur):
        _vc_require_workspace(cur, workspace_id)
        _vc_require_initiative(cur, initiative_id)
        stages = cur.execute(
            "SELECT stage_name FROM kb_value_chain_template_stage WHERE template_code = ? ORDER BY seq",
            [template_code],
        ).fetchall()
        if not stages:
            raise UserError(f"Value-chain template {template_code!r} does not exist.")
        have = {r[0].casefold() for r in cur.execute(
            "SELECT stage_name FROM value_chain_stage WHERE workspace_id = ? AND initiative_id = ?",
            [workspace_id, initiative_id],
        ).fetchall()}
        new = [s[0] for s in stages if s[0].casefold() not in have]
        _vc_check_room(cur, workspace_id, initiative_id, len(new))
        seq = _vc_next_seq(cur, workspace_id, initiative_id)
        now = utcnow()
        for k, name in enumerate(new):
            cur.execute(
                "INSERT INTO value_chain_stage (workspace_id, initiative_id, stage_id, seq, stage_name, template_code, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [workspace_id, initiative_id, "vc-" + secrets.token_hex(6), seq + k, name, template_code, now],
            )
        return len(new)

    return store.write(apply)


# =====================================================================================
# Financing (issue 5): the guide's financing knowledge, and each workspace's own income,
# costs, planner inputs and liquidity settings. Validation lives in clusterdash.financing.
# =====================================================================================

def financing_sources(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_financing_source ORDER BY seq")


def financing_levers(store: Store) -> pd.DataFrame:
    # the options in the order the guide prints them (the order of the knowledge file)
    return store.df("SELECT * FROM kb_financing_lever ORDER BY rowid")


def financing_patterns(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_financing_pattern ORDER BY rowid")


def financing_mixes(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_financing_mix ORDER BY rowid")


def financing_figures(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_financing_figure ORDER BY case_code, seq")


def financing_rules(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_financing_rule ORDER BY rowid")


def cost_categories(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_cost_category ORDER BY seq")


FINANCING_DEFAULT_CURRENCY = "EUR"


def _fin_write(store: Store, workspace_id: str, fn) -> None:
    """One transaction that first checks the workspace exists and is not archived."""

    def apply(cur):
        _require_workspace(cur, workspace_id)
        fn(cur)

    store.write(apply)
_PROFILE_FIELDS = ("currency", "founding_year", "members")


def financing_profile(store: Store, workspace_id: str) -> dict:
    """Currency, founding year and members of the workspace's cluster organisation (defaults
    when nothing is entered yet: EUR, not entered, not entered)."""
    rows = store.rows(
        "SELECT currency, founding_year, members FROM financing_profile WHERE workspace_id = ?", [workspace_id]
    )
    if rows:
        return rows[0]
    return {"currency": FINANCING_DEFAULT_CURRENCY, "founding_year": None, "members": None}


def set_financing_profile(store: Store, workspace_id: str, field: str, value) -> None:
    """Change one field of the financing profile (one transaction). Raises UserError on bad input."""
    from clusterdash import financing

    if field not in _PROFILE_FIELDS:
        raise UserError(f"Unknown financing profile field {field!r}.")
    if field == "currency":
        value = " ".join(str(value or "").split())
        if not value:
            raise UserError("Currency: a value is required (e.g. EUR).")
        if len(value) > 12:
            raise UserError(f"Currency: at most 12 characters ({len(value)} given).")
    elif value is not None:
        if field == "founding_year":
            value = financing.validate_year(value, "Founding year")
            if value > utcnow().year:
                raise UserError(f"Founding year: {value} is in the future.")
        else:
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise UserError(f"Members: {value!r} is not a whole number.") from None
            if value < 0:
                raise UserError(f"Members: {value} is negative — the number of members must be zero or more.")
    now = utcnow()

    def apply(cur):
        cur.execute(
            "INSERT INTO financing_profile (workspace_id, currency, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [workspace_id, FINANCING_DEFAULT_CURRENCY, now],
        )
        # the column name comes from the fixed list _PROFILE_FIELDS
        cur.execute(f"UPDATE financing_profile SET {field} = ?, updated_at = ? WHERE workspace_id = ?",
                    [value, now, workspace_id])

    _fin_write(store, workspace_id, apply)


def financing_entries(store: Store, workspace_id: str) -> pd.DataFrame:
    """The workspace's income and cost amounts, long: year, entry_kind, category_code, amount."""
    return store.df(
        "SELECT year, entry_kind, category_code, amount FROM financing_entry WHERE workspace_id = ? "
        "ORDER BY year, entry_kind, category_code",
        [workspace_id],
    )


def set_financing_entry(store: Store, workspace_id: str, year, entry_kind: str, category_code: str, amount) -> None:
    """Save one amount (``None`` or blank removes it: 'not entered'). One transaction; a negative
    or non-numeric amount raises UserError and leaves the store unchanged."""
    from clusterdash import financing

    if entry_kind not in financing.ENTRY_KINDS:
        raise UserError(f"Unknown kind {entry_kind!r} (income or cost).")
    cat = financing.category(entry_kind, category_code)
    year = financing.validate_year(year)
    value = financing.validate_amount(amount, f"{cat.name} {year}")
    if value is None:
        _fin_write(store, workspace_id, lambda cur: cur.execute(
            "DELETE FROM financing_entry WHERE workspace_id = ? AND year = ? AND entry_kind = ? AND category_code = ?",
            [workspace_id, year, entry_kind, category_code],
        ))
        return
    _fin_write(store, workspace_id, lambda cur: cur.execute(
        "INSERT INTO financing_entry (workspace_id, year, entry_kind, category_code, amount, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at",
        [workspace_id, year, entry_kind, category_code, value, utcnow()],
    ))


def import_financing_entries(store: Store, workspace_id: str, data: bytes | str) -> tuple[int, list[int]]:
    """Import a CSV in the export's format: the years it covers are replaced by its amounts
    (other years are kept), all in one transaction. Returns (amounts saved, years). A problem
    raises UserError naming its line and column; the store is then unchanged."""
    from clusterdash import financing

    entries, years = financing.parse_entries_csv(data)
    now = utcnow()

    def apply(cur):
        for y in years:
            cur.execute("DELETE FROM financing_entry WHERE workspace_id = ? AND year = ?", [workspace_id, y])
        for r in entries.itertuples():
            cur.execute(
                "INSERT INTO financing_entry (workspace_id, year, entry_kind, category_code, amount, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [workspace_id, int(r.year), r.entry_kind, r.category_code, float(r.amount), now],
            )

    _fin_write(store, workspace_id, apply)
    return len(entries), years


def delete_financing_year(store: Store, workspace_id: str, year: int) -> None:
    _fin_write(store, workspace_id, lambda cur: cur.execute(
        "DELETE FROM financing_entry WHERE workspace_id = ? AND year = ?", [workspace_id, int(year)]))


def financing_plan_inputs(store: Store, workspace_id: str) -> dict:
    """The planner inputs saved for the workspace (only those set; NULL = default)."""
    from clusterdash import financing

    rows = store.rows("SELECT * FROM financing_plan WHERE workspace_id = ?", [workspace_id])
    if not rows:
        return {}
    return {k: v for k, v in rows[0].items() if k in financing.PLAN_FIELDS and v is not None}


def set_financing_plan_value(store: Store, workspace_id: str, field: str, value) -> None:
    from clusterdash import financing

    value = financing.validate_plan_value(field, value)  # also checks field against the fixed list
    now = utcnow()

    def apply(cur):
        cur.execute("INSERT INTO financing_plan (workspace_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [workspace_id, now])
        cur.execute(f"UPDATE financing_plan SET {field} = ?, updated_at = ? WHERE workspace_id = ?",
                    [value, now, workspace_id])

    _fin_write(store, workspace_id, apply)


def financing_opening_balance(store: Store, workspace_id: str, year: int) -> float | None:
    return store.value("SELECT opening_balance FROM financing_liquidity WHERE workspace_id = ? AND year = ?",
                       [workspace_id, int(year)])


def set_financing_opening_balance(store: Store, workspace_id: str, year: int, value) -> None:
    """Opening cash of the liquidity plan (may be negative: an overdraft). Blank removes it."""
    from clusterdash import financing

    year = financing.validate_year(year)
    if value is None or (isinstance(value, str) and not value.strip()):
        _fin_write(store, workspace_id, lambda cur: cur.execute(
            "DELETE FROM financing_liquidity WHERE workspace_id = ? AND year = ?", [workspace_id, year]))
        return
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise UserError(f"Cash at the start of {year}: {value!r} is not a number.") from None
    if v != v or v in (float("inf"), float("-inf")):
        raise UserError(f"Cash at the start of {year}: {value!r} is not a finite number.")
    _fin_write(store, workspace_id, lambda cur: cur.execute(
        "INSERT INTO financing_liquidity (workspace_id, year, opening_balance, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET opening_balance = excluded.opening_balance, updated_at = excluded.updated_at",
        [workspace_id, year, v, utcnow()],
    ))


def financing_timings(store: Store, workspace_id: str) -> dict:
    """{(entry_kind, category_code): Timing} for the categories whose timing was changed."""
    from clusterdash import financing

    out = {}
    for r in store.rows("SELECT entry_kind, category_code, timing_code, pay_month FROM financing_timing "
                        "WHERE workspace_id = ?", [workspace_id]):
        out[(r["entry_kind"], r["category_code"])] = financing.Timing(r["timing_code"], r["pay_month"])
    return out


def set_financing_timing(store: Store, workspace_id: str, entry_kind: str, category_code: str,
                         timing_code: str, pay_month=None) -> None:
    from clusterdash import financing

    if entry_kind not in financing.ENTRY_KINDS:
        raise UserError(f"Unknown kind {entry_kind!r} (income or cost).")
    financing.category(entry_kind, category_code)
    t = financing.validate_timing(timing_code, pay_month)
    _fin_write(store, workspace_id, lambda cur: cur.execute(
        "INSERT INTO financing_timing (workspace_id, entry_kind, category_code, timing_code, pay_month, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET timing_code = excluded.timing_code, "
        "pay_month = excluded.pay_month, updated_at = excluded.updated_at",
        [workspace_id, entry_kind, category_code, t.timing_code, t.pay_month, utcnow()],
    ))


# =====================================================================================
# Statistics (issue 3 B, C, D, E): imported regional datasets and their indicators.
# Import and SQL live in clusterdash.stats (importer, indicators); views in stats.analysis.
# =====================================================================================

def stats_datasets(store: Store) -> pd.DataFrame:
    """Imported statistics datasets, newest first."""
    return store.df("SELECT * FROM stats_dataset ORDER BY imported_at DESC, dataset_code")


def stats_dataset(store: Store, dataset_code: str) -> dict | None:
    rows = store.rows("SELECT * FROM stats_dataset WHERE dataset_code = ?", [dataset_code])
    return rows[0] if rows else None


def stats_regions(store: Store, dataset_code: str, *, include_national: bool = False) -> pd.DataFrame:
    sql = "SELECT * FROM stats_region WHERE dataset_code = ?"
    if not include_national:
        sql += " AND NOT is_national"
    return store.df(sql + " ORDER BY region_name, region_code", [dataset_code])


def stats_clusters(store: Store, dataset_code: str) -> pd.DataFrame:
    """Clusters of a dataset that have employment, with their number of finest-level industries."""
    return store.df(
        """SELECT c.cluster_code, c.cluster_name, c.cluster_type, count(i.industry_code) AS industries
           FROM stats_cluster c
           JOIN stats_industry i ON i.dataset_code = c.dataset_code AND i.cluster_code = c.cluster_code AND i.is_finest
           WHERE c.dataset_code = ? GROUP BY ALL ORDER BY c.cluster_type DESC, c.cluster_name""",
        [dataset_code],
    )


def stats_relatedness(store: Store, dataset_code: str) -> pd.DataFrame:
    return store.df(
        "SELECT * FROM stats_relatedness WHERE dataset_code = ? ORDER BY cluster_code, related_cluster_code",
        [dataset_code],
    )


def stats_rejected_rows(store: Store, dataset_code: str) -> pd.DataFrame:
    return store.df(
        "SELECT file_name, source_line, reason, raw_text FROM stats_rejected_row WHERE dataset_code = ? "
        "ORDER BY file_name, source_line",
        [dataset_code],
    )


def stats_industries(store: Store, dataset_code: str) -> pd.DataFrame:
    return store.df(
        """SELECT i.industry_code, i.industry_name, i.industry_level, i.is_finest, i.cluster_code, c.cluster_name
           FROM stats_industry i LEFT JOIN stats_cluster c USING (dataset_code, cluster_code)
           WHERE i.dataset_code = ? ORDER BY i.industry_code""",
        [dataset_code],
    )


def stats_indicators(store: Store, dataset_code: str, *, year: int | None = None, base_year: int | None = None,
                     cluster_code: str | None = None, region_codes: list[str] | None = None) -> pd.DataFrame:
    """All indicators per region × cluster × year (see clusterdash.stats.indicators)."""
    from clusterdash.stats import indicators

    return indicators.compute_indicators(store, dataset_code, year=year, base_year=base_year,
                                         cluster_code=cluster_code, region_codes=region_codes)


def stats_region_strength(store: Store, dataset_code: str, *, year: int | None = None) -> pd.DataFrame:
    from clusterdash.stats import indicators

    return indicators.compute_region_strength(store, dataset_code, year=year)


def import_stats(store: Store, spec, progress=None):
    """Import a dataset (one transaction); returns the ImportSummary. Raises StatsImportError."""
    from clusterdash.stats import importer

    return importer.import_dataset(store, spec, progress)


def delete_stats_dataset(store: Store, dataset_code: str) -> None:
    from clusterdash.stats import importer

    importer.delete_dataset(store, dataset_code)


def load_stats_demo(store: Store, progress=None):
    """Load U.S. County Business Patterns 2017–2021 with the USCMP crosswalk and relatedness
    from ../shared/data (demo); returns the ImportSummary."""
    from clusterdash.stats import demo

    return demo.load_cbp_demo(store, progress=progress)


def stats_demo_available() -> bool:
    from clusterdash.stats import demo

    return demo.demo_files() is not None


# =====================================================================================
# Toolkit (issue 4, the guide's toolkit): stakeholder analysis, SWOT board, business model
# canvas, legal-form helper, service portfolio, management team skills — per workspace.
# Rules and validation live in clusterdash.toolkit; every write is one transaction.
# =====================================================================================

from clusterdash import toolkit  # noqa: E402  (pure domain rules of the toolkit; no cycle)


def _toolkit_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def toolkit_phase_tools(store: Store, phase_tool_codes: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Where the guide uses the given tools (all of the guide's tools when None): stage, step
    (with its question), the tool's how-to and source, in stage and step order."""
    sql = (
        "SELECT t.stage_code, s.stage_name, s.stage_order, t.step_no, p.step_question, t.tool_code, t.tool_name, "
        "t.how_to, t.source FROM kb_phase_tool t JOIN kb_maturity_stage s USING (stage_code) "
        "LEFT JOIN kb_phase_step p ON p.stage_code = t.stage_code AND p.step_no = t.step_no"
    )
    params: list = []
    if phase_tool_codes is not None:
        if not phase_tool_codes:
            phase_tool_codes = [""]
        sql += " WHERE t.tool_code IN (" + ", ".join("?" for _ in phase_tool_codes) + ")"
        params = list(phase_tool_codes)
    # the guide's order of tools within a step is the knowledge file's order
    return store.df(sql + " ORDER BY s.stage_order, t.step_no, t.rowid", params)


def toolkit_notes(store: Store, tool_code: str) -> pd.DataFrame:
    return store.df("SELECT seq, heading, text, source FROM kb_toolkit_note WHERE tool_code = ? ORDER BY seq", [tool_code])


def stakeholder_examples(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_stakeholder_example ORDER BY seq")


def canvas_blocks(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_canvas_block ORDER BY block_order, seq")


def legal_forms(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_legal_form ORDER BY seq")


def legal_form_points(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT p.*, f.seq AS form_seq FROM kb_legal_form_point p JOIN kb_legal_form f USING (form_code) "
        "ORDER BY f.seq, CASE p.aspect WHEN 'precondition' THEN 1 WHEN 'advantage' THEN 2 ELSE 3 END, p.seq"
    )


def pre_assessed_services(store: Store) -> pd.DataFrame:
    """The guide's pre-assessment example (the services it gives a planned frequency / number of
    beneficiaries for), in the guide's order."""
    return store.df(
        "SELECT service_code, service_name, frequency_beneficiaries, note, source FROM kb_service_example "
        "WHERE frequency_beneficiaries IS NOT NULL ORDER BY rowid"
    )


def staffing_criteria(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT seq, text, source FROM kb_guidance_item WHERE list_code = 'staffing_criteria' AND kind = 'criterion' "
        "ORDER BY seq"
    )


def toolkit_counts(store: Store, workspace_id: str) -> dict[str, int]:
    """Saved entries per tool in a workspace (tool_code -> rows), for the toolkit overview."""
    row = store.rows(
        "SELECT "
        "(SELECT count(*) FROM stakeholder WHERE workspace_id = $w) AS stakeholder_analysis, "
        "(SELECT count(*) FROM swot_item WHERE workspace_id = $w) AS swot_analysis, "
        "(SELECT count(*) FROM canvas_entry WHERE workspace_id = $w) AS business_model_canvas, "
        "(SELECT count(*) FROM legal_form_answer WHERE workspace_id = $w) AS legal_form, "
        "(SELECT count(*) FROM cluster_service WHERE workspace_id = $w) AS develop_services, "
        "(SELECT count(*) FROM team_member WHERE workspace_id = $w) AS staffing",
        {"w": workspace_id},
    )[0]
    return {k: int(v) for k, v in row.items()}


def _toolkit_write(store: Store, workspace_id: str, fn):
    """Run ``fn(cur)`` in one transaction, refusing a missing or archived workspace inside it."""
    def apply(cur):
        _require_workspace(cur, workspace_id)
        return fn(cur)

    return store.write(apply)


def _next_seq(cur, table: str, workspace_id: str) -> int:
    return cur.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {table} WHERE workspace_id = ?", [workspace_id]).fetchone()[0]


def _toolkit_row(cur, table: str, id_col: str, workspace_id: str, row_id: str, what: str) -> dict:
    res = cur.execute(f"SELECT * FROM {table} WHERE workspace_id = ? AND {id_col} = ?", [workspace_id, row_id])
    names = [d[0] for d in res.description]
    row = res.fetchone()
    if row is None:
        raise UserError(f"{what} {row_id} no longer exists in this workspace (removed in another window?).")
    return dict(zip(names, row))


def _toolkit_update(store: Store, table: str, id_col: str, workspace_id: str, row_id: str, values: dict,
                    allowed: tuple[str, ...], clean, kind: str, name_col: str) -> None:
    """Validate and write some fields of one row; identifiers only from ``allowed``."""
    unknown = [k for k in values if k not in allowed]
    if unknown:
        raise UserError(f"{kind}: unknown field(s) {', '.join(unknown)}.")

    def apply(cur):
        row = _toolkit_row(cur, table, id_col, workspace_id, row_id, kind)
        label = toolkit.row_label(kind, row["seq"], row[name_col])
        cleaned = {k: clean(k, v, row=label) for k, v in values.items()}
        if not cleaned:
            return
        sets = ", ".join(f"{k} = ?" for k in cleaned)
        cur.execute(
            f"UPDATE {table} SET {sets}, updated_at = ? WHERE workspace_id = ? AND {id_col} = ?",
            [*cleaned.values(), utcnow(), workspace_id, row_id],
        )

    _toolkit_write(store, workspace_id, apply)


def _toolkit_delete(store: Store, table: str, id_col: str, workspace_id: str, row_id: str) -> None:
    _toolkit_write(store, workspace_id,
                   lambda cur: cur.execute(f"DELETE FROM {table} WHERE workspace_id = ? AND {id_col} = ?",
                                           [workspace_id, row_id]))


# ---- stakeholder analysis ---------------------------------------------------------------------

def stakeholders(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT stakeholder_id, seq, name, assessment, influence, description, measure, updated_at FROM stakeholder "
        "WHERE workspace_id = ? ORDER BY seq", [workspace_id]
    )


def add_stakeholder(store: Store, workspace_id: str, name: str, *, assessment: str = "neutral",
                    influence: str = "medium", description: str | None = None, measure: str | None = None) -> str:
    sid = _toolkit_id("sh")
    label = toolkit.row_label("New stakeholder")
    values = {f: toolkit.clean_stakeholder_field(f, v, row=label) for f, v in
              [("name", name), ("assessment", assessment), ("influence", influence),
               ("description", description), ("measure", measure)]}

    def apply(cur):
        now = utcnow()
        cur.execute(
            "INSERT INTO stakeholder (workspace_id, stakeholder_id, seq, name, assessment, influence, description, "
            "measure, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [workspace_id, sid, _next_seq(cur, "stakeholder", workspace_id), values["name"], values["assessment"],
             values["influence"], values["description"], values["measure"], now, now],
        )

    _toolkit_write(store, workspace_id, apply)
    return sid


def update_stakeholder(store: Store, workspace_id: str, stakeholder_id: str, **values) -> None:
    _toolkit_update(store, "stakeholder", "stakeholder_id", workspace_id, stakeholder_id, values,
                    toolkit.STAKEHOLDER_FIELDS, toolkit.clean_stakeholder_field, "Stakeholder", "name")


def delete_stakeholder(store: Store, workspace_id: str, stakeholder_id: str) -> None:
    _toolkit_delete(store, "stakeholder", "stakeholder_id", workspace_id, stakeholder_id)


def add_example_stakeholders(store: Store, workspace_id: str) -> int:
    """Copy the guide's example rows into the workspace (those whose name is not there yet), in
    one transaction. Returns how many were added."""
    examples = stakeholder_examples(store)

    def apply(cur):
        have = {r[0] for r in cur.execute("SELECT name FROM stakeholder WHERE workspace_id = ?", [workspace_id]).fetchall()}
        seq = _next_seq(cur, "stakeholder", workspace_id)
        added = 0
        for e in examples.itertuples():
            if e.name in have:
                continue
            now = utcnow()
            cur.execute(
                "INSERT INTO stakeholder (workspace_id, stakeholder_id, seq, name, assessment, influence, description, "
                "measure, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [workspace_id, _toolkit_id("sh"), seq, e.name, e.assessment, e.influence, e.description, e.measure,
                 now, now],
            )
            seq += 1
            added += 1
        return added

    return _toolkit_write(store, workspace_id, apply)


# ---- SWOT board -------------------------------------------------------------------------------

def swot_items(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT item_id, quadrant, seq, text, updated_at FROM swot_item WHERE workspace_id = ? "
        "ORDER BY CASE quadrant WHEN 'strength' THEN 1 WHEN 'weakness' THEN 2 WHEN 'opportunity' THEN 3 ELSE 4 END, seq",
        [workspace_id],
    )


def add_swot_item(store: Store, workspace_id: str, quadrant: str, text: str) -> str:
    quadrant = toolkit.clean_choice(quadrant, toolkit.QUADRANTS, row="New SWOT item", field="quadrant")
    text = toolkit.clean_swot_text(text, row=f"New {toolkit.QUADRANT_SINGULAR[quadrant]}")
    item_id = _toolkit_id("sw")

    def apply(cur):
        seq = cur.execute("SELECT coalesce(max(seq), 0) + 1 FROM swot_item WHERE workspace_id = ? AND quadrant = ?",
                          [workspace_id, quadrant]).fetchone()[0]
        now = utcnow()
        cur.execute(
            "INSERT INTO swot_item (workspace_id, item_id, quadrant, seq, text, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [workspace_id, item_id, quadrant, seq, text, now, now],
        )

    _toolkit_write(store, workspace_id, apply)
    return item_id


def update_swot_item(store: Store, workspace_id: str, item_id: str, text: str) -> None:
    def apply(cur):
        row = _toolkit_row(cur, "swot_item", "item_id", workspace_id, item_id, "SWOT item")
        label = toolkit.row_label(toolkit.QUADRANT_SINGULAR[row["quadrant"]].capitalize(), row["seq"])
        clean = toolkit.clean_swot_text(text, row=label)
        cur.execute("UPDATE swot_item SET text = ?, updated_at = ? WHERE workspace_id = ? AND item_id = ?",
                    [clean, utcnow(), workspace_id, item_id])

    _toolkit_write(store, workspace_id, apply)


def delete_swot_item(store: Store, workspace_id: str, item_id: str) -> None:
    _toolkit_delete(store, "swot_item", "item_id", workspace_id, item_id)


# ---- business model canvas --------------------------------------------------------------------

def canvas_entries(store: Store, workspace_id: str) -> dict[str, str]:
    return {r["block_code"]: r["text"] for r in store.rows(
        "SELECT block_code, text FROM canvas_entry WHERE workspace_id = ?", [workspace_id])}


def save_canvas_entry(store: Store, workspace_id: str, block_code: str, text: str | None) -> None:
    """Write one block of the canvas; empty text clears it."""
    names = {r["block_code"]: r["block_name"] for r in store.rows("SELECT DISTINCT block_code, block_name FROM kb_canvas_block")}
    if block_code not in names:
        raise UserError(f"Canvas: there is no block “{block_code}”.")
    clean = toolkit.clean_text(text, row=f"Canvas block “{names[block_code]}”", field="text")

    def apply(cur):
        if clean is None:
            cur.execute("DELETE FROM canvas_entry WHERE workspace_id = ? AND block_code = ?", [workspace_id, block_code])
        else:
            cur.execute(
                "INSERT INTO canvas_entry (workspace_id, block_code, text, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                [workspace_id, block_code, clean, utcnow()],
            )

    _toolkit_write(store, workspace_id, apply)


CANVAS_HEADER_FIELDS = ("author_name", "cluster_organisation", "canvas_date")


def canvas_header(store: Store, workspace_id: str) -> dict:
    rows = store.rows("SELECT author_name, cluster_organisation, canvas_date FROM canvas_header WHERE workspace_id = ?",
                      [workspace_id])
    return rows[0] if rows else {f: None for f in CANVAS_HEADER_FIELDS}


def save_canvas_header(store: Store, workspace_id: str, **values) -> None:
    from datetime import date

    unknown = [k for k in values if k not in CANVAS_HEADER_FIELDS]
    if unknown:
        raise UserError(f"Canvas header: unknown field(s) {', '.join(unknown)}.")
    clean = {}
    for k, v in values.items():
        if k == "canvas_date":
            if v is not None and not isinstance(v, date):
                raise UserError(f"Canvas header: date must be a date, not “{v}”.")
            clean[k] = v
        else:
            clean[k] = toolkit.clean_text(v, row="Canvas header", field=k.replace("_", " "), max_len=toolkit.MAX_NAME)

    def apply(cur):
        cur.execute("INSERT INTO canvas_header (workspace_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [workspace_id, utcnow()])
        if clean:
            sets = ", ".join(f"{k} = ?" for k in clean)
            cur.execute(f"UPDATE canvas_header SET {sets}, updated_at = ? WHERE workspace_id = ?",
                        [*clean.values(), utcnow(), workspace_id])

    _toolkit_write(store, workspace_id, apply)


# ---- legal-form helper ------------------------------------------------------------------------

def legal_form_answers(store: Store, workspace_id: str) -> dict[str, str]:
    return {r["question_code"]: r["answer_code"] for r in store.rows(
        "SELECT question_code, answer_code FROM legal_form_answer WHERE workspace_id = ?", [workspace_id])}


def save_legal_form_answer(store: Store, workspace_id: str, question_code: str, answer_code: str | None) -> None:
    """Write one answer; None clears it."""
    clean = toolkit.clean_legal_answer(question_code, answer_code)

    def apply(cur):
        if clean is None:
            cur.execute("DELETE FROM legal_form_answer WHERE workspace_id = ? AND question_code = ?",
                        [workspace_id, question_code])
        else:
            cur.execute(
                "INSERT INTO legal_form_answer (workspace_id, question_code, answer_code, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET answer_code = excluded.answer_code, "
                "updated_at = excluded.updated_at",
                [workspace_id, question_code, clean, utcnow()],
            )

    _toolkit_write(store, workspace_id, apply)


# ---- service portfolio ------------------------------------------------------------------------

def cluster_services(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT service_id, seq, service_name, service_code, frequency, beneficiaries, effort, relevance, "
        "placement_code, note, updated_at FROM cluster_service WHERE workspace_id = ? ORDER BY seq", [workspace_id]
    )


def _insert_service(cur, workspace_id: str, values: dict, service_code: str | None = None) -> str:
    sid = _toolkit_id("sv")
    now = utcnow()
    cur.execute(
        "INSERT INTO cluster_service (workspace_id, service_id, seq, service_name, service_code, frequency, "
        "beneficiaries, effort, relevance, placement_code, note, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [workspace_id, sid, _next_seq(cur, "cluster_service", workspace_id), values.get("service_name"), service_code,
         values.get("frequency"), values.get("beneficiaries"), values.get("effort"), values.get("relevance"),
         values.get("placement_code"), values.get("note"), now, now],
    )
    return sid


def add_cluster_service(store: Store, workspace_id: str, service_name: str, **values) -> str:
    values = {"service_name": service_name, **values}
    unknown = [k for k in values if k not in toolkit.SERVICE_FIELDS]
    if unknown:
        raise UserError(f"New service: unknown field(s) {', '.join(unknown)}.")
    label = toolkit.row_label("New service")
    clean = {k: toolkit.clean_service_field(k, v, row=label) for k, v in values.items()}
    return _toolkit_write(store, workspace_id, lambda cur: _insert_service(cur, workspace_id, clean))


def update_cluster_service(store: Store, workspace_id: str, service_id: str, **values) -> None:
    _toolkit_update(store, "cluster_service", "service_id", workspace_id, service_id, values,
                    toolkit.SERVICE_FIELDS, toolkit.clean_service_field, "Service", "service_name")


def delete_cluster_service(store: Store, workspace_id: str, service_id: str) -> None:
    _toolkit_delete(store, "cluster_service", "service_id", workspace_id, service_id)


def add_example_services(store: Store, workspace_id: str) -> int:
    """Add the guide's seven pre-assessed services (those not in the workspace yet) with the
    planned frequency / beneficiaries the guide gives; effort and relevance stay unrated (the
    guide's marks were lost in extraction). One transaction; returns how many were added."""
    examples = pre_assessed_services(store)

    def apply(cur):
        have = {r[0] for r in cur.execute(
            "SELECT service_code FROM cluster_service WHERE workspace_id = ? AND service_code IS NOT NULL",
            [workspace_id]).fetchall()}
        added = 0
        for e in examples.itertuples():
            if e.service_code in have:
                continue
            frequency, beneficiaries = toolkit.parse_frequency_beneficiaries(e.frequency_beneficiaries)
            _insert_service(cur, workspace_id, {"service_name": e.service_name, "frequency": frequency,
                                                "beneficiaries": beneficiaries}, e.service_code)
            added += 1
        return added

    return _toolkit_write(store, workspace_id, apply)


# ---- management team skills -------------------------------------------------------------------

def team_members(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT member_id, seq, member_name, role, fte_pct, updated_at FROM team_member WHERE workspace_id = ? "
        "ORDER BY seq", [workspace_id]
    )


def add_team_member(store: Store, workspace_id: str, member_name: str, *, fte_pct: float = 100,
                    role: str | None = None) -> str:
    label = toolkit.row_label("New team member")
    clean = {k: toolkit.clean_member_field(k, v, row=label)
             for k, v in [("member_name", member_name), ("role", role), ("fte_pct", fte_pct)]}
    mid = _toolkit_id("tm")

    def apply(cur):
        now = utcnow()
        cur.execute(
            "INSERT INTO team_member (workspace_id, member_id, seq, member_name, role, fte_pct, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [workspace_id, mid, _next_seq(cur, "team_member", workspace_id), clean["member_name"], clean["role"],
             clean["fte_pct"], now, now],
        )

    _toolkit_write(store, workspace_id, apply)
    return mid


def update_team_member(store: Store, workspace_id: str, member_id: str, **values) -> None:
    _toolkit_update(store, "team_member", "member_id", workspace_id, member_id, values,
                    toolkit.MEMBER_FIELDS, toolkit.clean_member_field, "Team member", "member_name")


def delete_team_member(store: Store, workspace_id: str, member_id: str) -> None:
    """Remove a team member and their scores, in one transaction."""
    def apply(cur):
        cur.execute("DELETE FROM team_skill_score WHERE workspace_id = ? AND member_id = ?", [workspace_id, member_id])
        cur.execute("DELETE FROM team_member WHERE workspace_id = ? AND member_id = ?", [workspace_id, member_id])

    _toolkit_write(store, workspace_id, apply)


def team_skill_scores(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT member_id, criterion_seq, score FROM team_skill_score WHERE workspace_id = ? "
        "ORDER BY member_id, criterion_seq", [workspace_id]
    )


def save_team_skill_score(store: Store, workspace_id: str, member_id: str, criterion_seq: int, score) -> None:
    """Write one score (0-5); None clears it."""
    criterion = store.value(
        "SELECT text FROM kb_guidance_item WHERE list_code = 'staffing_criteria' AND kind = 'criterion' AND seq = ?",
        [criterion_seq])
    if criterion is None:
        raise UserError(f"Team skills: there is no criterion {criterion_seq}.")

    def apply(cur):
        row = _toolkit_row(cur, "team_member", "member_id", workspace_id, member_id, "Team member")
        label = toolkit.row_label("Team member", row["seq"], row["member_name"])
        clean = toolkit.clean_score(score, row=label, criterion=criterion)
        if clean is None:
            cur.execute("DELETE FROM team_skill_score WHERE workspace_id = ? AND member_id = ? AND criterion_seq = ?",
                        [workspace_id, member_id, criterion_seq])
        else:
            cur.execute(
                "INSERT INTO team_skill_score (workspace_id, member_id, criterion_seq, score, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at",
                [workspace_id, member_id, criterion_seq, clean, utcnow()],
            )

    _toolkit_write(store, workspace_id, apply)


# ---- end of toolkit section (issue 4) ------------------------------------------------------------


# =====================================================================================
# Maturity assessment (migration 3): questionnaire, assessments, answers, recommendations
# =====================================================================================
# An assessment is identified by (workspace_id, assessment_id); answers are keyed by
# participant and statement and written one at a time, so several participants answering at
# once never overwrite each other. Answer codes: clusterdash.maturity.ANSWER_CODES.

MAX_PARTICIPANT_CHARS = 60
MAX_ASSESSMENT_LABEL_CHARS = 200


def assessment_statements(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_assessment_statement ORDER BY seq")


def assessment_dimensions(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_assessment_dimension ORDER BY dimension_order")


def assessment_checks(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM kb_assessment_check ORDER BY check_code")


def stage_characteristics(store: Store, stage_code: str | None = None) -> pd.DataFrame:
    sql = "SELECT c.*, s.stage_order FROM kb_stage_characteristic c JOIN kb_maturity_stage s USING (stage_code)"
    params: list = []
    if stage_code:
        sql += " WHERE c.stage_code = ?"
        params.append(stage_code)
    return store.df(sql + " ORDER BY s.stage_order, c.seq", params)


def list_assessments(store: Store, workspace_id: str, initiative_id: str | None = None) -> pd.DataFrame:
    """Assessments of a workspace (optionally of one initiative), newest first, with the
    initiative's name, the number of participants and answers, and the last answer's time."""
    sql = """
        SELECT a.assessment_id, a.initiative_id, i.name AS initiative_name, i.origin AS initiative_origin,
               a.assessed_on, a.label, a.created_at, a.updated_at,
               count(DISTINCT x.participant) AS participants, count(x.statement_code) AS answers,
               max(x.answered_at) AS last_answer_at
        FROM assessment a
        LEFT JOIN initiative i USING (initiative_id)
        LEFT JOIN assessment_answer x
               ON x.workspace_id = a.workspace_id AND x.assessment_id = a.assessment_id
        WHERE a.workspace_id = ?"""
    params: list = [workspace_id]
    if initiative_id:
        sql += " AND a.initiative_id = ?"
        params.append(initiative_id)
    sql += " GROUP BY ALL ORDER BY a.assessed_on DESC, a.created_at DESC"
    return store.df(sql, params)


def get_assessment(store: Store, workspace_id: str, assessment_id: str) -> dict | None:
    rows = store.rows(
        """SELECT a.*, i.name AS initiative_name, i.country AS initiative_country, i.origin AS initiative_origin,
                  i.stage_code AS initiative_stage_code, i.stage_basis AS initiative_stage_basis,
                  i.source AS initiative_source
           FROM assessment a LEFT JOIN initiative i USING (initiative_id)
           WHERE a.workspace_id = ? AND a.assessment_id = ?""",
        [workspace_id, assessment_id],
    )
    return rows[0] if rows else None


def _check_assessment_date(assessed_on):
    import datetime as _dt

    if isinstance(assessed_on, _dt.datetime):
        return assessed_on.date()
    if isinstance(assessed_on, _dt.date):
        return assessed_on
    try:
        return _dt.date.fromisoformat(str(assessed_on).strip())
    except ValueError:
        raise UserError(f"Field assessed_on: {assessed_on!r} is not a date (YYYY-MM-DD).") from None


def _check_label(label: str | None) -> str | None:
    label = (label or "").strip() or None
    if label and len(label) > MAX_ASSESSMENT_LABEL_CHARS:
        raise UserError(f"Field label: at most {MAX_ASSESSMENT_LABEL_CHARS} characters.")
    return label


def create_assessment(store: Store, workspace_id: str, initiative_id: str, assessed_on, label: str | None = None) -> str:
    """A new assessment of a cluster initiative (catalogue or user-added) on a date; returns its id."""
    day = _check_assessment_date(assessed_on)
    label = _check_label(label)
    if not initiative_id:
        raise UserError("Field initiative_id: choose the cluster initiative to assess.")
    aid = "as-" + secrets.token_urlsafe(6).replace("_", "x").replace("-", "y").lower()

    def fn(cur):
        _require_workspace(cur, workspace_id)  # exists and is not archived
        if not cur.execute("SELECT count(*) FROM initiative WHERE initiative_id = ?", [initiative_id]).fetchone()[0]:
            raise UserError(f"Field initiative_id: no cluster initiative {initiative_id!r}.")
        now = utcnow()
        cur.execute(
            "INSERT INTO assessment (workspace_id, assessment_id, initiative_id, assessed_on, label, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [workspace_id, aid, initiative_id, day, label, now, now],
        )
        return aid

    return store.write(fn)


def update_assessment(store: Store, workspace_id: str, assessment_id: str, *, assessed_on=None,
                      label: str | None = None, set_label: bool = False) -> None:
    """Change an assessment's date and/or label (``set_label=True`` to change the label, also to empty)."""
    sets, params = [], []
    if assessed_on is not None:
        sets.append("assessed_on = ?")
        params.append(_check_assessment_date(assessed_on))
    if set_label:
        sets.append("label = ?")
        params.append(_check_label(label))
    if not sets:
        return

    def fn(cur):
        _require_workspace(cur, workspace_id)
        n = cur.execute(
            f"UPDATE assessment SET {', '.join(sets)}, updated_at = ? WHERE workspace_id = ? AND assessment_id = ? RETURNING 1",
            params + [utcnow(), workspace_id, assessment_id],
        ).fetchall()
        if not n:
            raise UserError(f"Field assessment_id: no assessment {assessment_id!r} in this workspace.")

    store.write(fn)


def delete_assessment(store: Store, workspace_id: str, assessment_id: str) -> None:
    """Delete an assessment and all its answers (one transaction)."""
    def fn(cur):
        _require_workspace(cur, workspace_id)
        cur.execute("DELETE FROM assessment_answer WHERE workspace_id = ? AND assessment_id = ?", [workspace_id, assessment_id])
        cur.execute("DELETE FROM assessment WHERE workspace_id = ? AND assessment_id = ?", [workspace_id, assessment_id])

    store.write(fn)


def check_participant(participant: str | None) -> str:
    """The participant name as stored (surrounding and repeated spaces removed). Raises UserError."""
    name = " ".join((participant or "").split())
    if not name:
        raise UserError("Field participant: enter your name or your group's name before answering.")
    if len(name) > MAX_PARTICIPANT_CHARS:
        raise UserError(f"Field participant: at most {MAX_PARTICIPANT_CHARS} characters.")
    return name


def save_assessment_answer(store: Store, workspace_id: str, assessment_id: str, statement_code: str,
                           participant: str, answer_code: str | None) -> None:
    """Save one participant's answer to one statement, the moment it is given (one transaction).
    ``answer_code`` is one of clusterdash.maturity.ANSWER_CODES; None removes the answer.
    Bad input raises UserError naming the field; the store is then unchanged."""
    from clusterdash.maturity import ANSWER_CODES

    name = check_participant(participant)
    if answer_code is not None and answer_code not in ANSWER_CODES:
        raise UserError(f"Field answer_code: {answer_code!r} is not one of {', '.join(ANSWER_CODES)}.")

    def fn(cur):
        _require_workspace(cur, workspace_id)
        if not cur.execute(
            "SELECT count(*) FROM assessment WHERE workspace_id = ? AND assessment_id = ?", [workspace_id, assessment_id]
        ).fetchone()[0]:
            raise UserError(f"Field assessment_id: no assessment {assessment_id!r} in this workspace.")
        if not cur.execute(
            "SELECT count(*) FROM kb_assessment_statement WHERE statement_code = ?", [statement_code]
        ).fetchone()[0]:
            raise UserError(f"Field statement_code: no statement {statement_code!r} in the questionnaire.")
        if answer_code is None:
            cur.execute(
                "DELETE FROM assessment_answer WHERE workspace_id = ? AND assessment_id = ? AND participant = ? "
                "AND statement_code = ?",
                [workspace_id, assessment_id, name, statement_code],
            )
        else:
            cur.execute(
                """INSERT INTO assessment_answer (workspace_id, assessment_id, participant, statement_code, answer_code, answered_at)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (workspace_id, assessment_id, participant, statement_code)
                   DO UPDATE SET answer_code = excluded.answer_code, answered_at = excluded.answered_at""",
                [workspace_id, assessment_id, name, statement_code, answer_code, utcnow()],
            )

    _write_upsert(store, fn)


def _write_upsert(store: Store, fn, attempts: int = 5) -> None:
    """store.write for an INSERT … ON CONFLICT: when two sessions insert the same new key at once,
    DuckDB refuses the second commit as a duplicate key; run it again (it then updates: last
    write wins)."""
    import duckdb

    for attempt in range(attempts):
        try:
            store.write(fn)
            return
        except duckdb.Error as exc:
            if "duplicate key" not in str(exc).lower() or attempt == attempts - 1:
                raise


def assessment_answers(store: Store, workspace_id: str, assessment_id: str, participant: str | None = None) -> pd.DataFrame:
    """Answer rows (participant, statement_code, answer_code, answered_at) in questionnaire order."""
    sql = """SELECT x.participant, x.statement_code, x.answer_code, x.answered_at
             FROM assessment_answer x JOIN kb_assessment_statement s USING (statement_code)
             WHERE x.workspace_id = ? AND x.assessment_id = ?"""
    params: list = [workspace_id, assessment_id]
    if participant is not None:
        sql += " AND x.participant = ?"
        params.append(" ".join(participant.split()))
    return store.df(sql + " ORDER BY s.seq, x.participant", params)


def assessment_participants(store: Store, workspace_id: str, assessment_id: str) -> pd.DataFrame:
    """Participants of an assessment with their number of answers and last answer time."""
    return store.df(
        """SELECT participant, count(*) AS answers,
                  count(*) FILTER (WHERE answer_code = 'dont_know') AS dont_know_answers,
                  max(answered_at) AS last_answer_at
           FROM assessment_answer WHERE workspace_id = ? AND assessment_id = ?
           GROUP BY participant ORDER BY participant""",
        [workspace_id, assessment_id],
    )


def assessed_initiatives(store: Store, workspace_id: str) -> pd.DataFrame:
    """Initiatives with at least one assessment in the workspace."""
    return store.df(
        """SELECT a.initiative_id, i.name AS initiative_name, count(*) AS assessments,
                  min(a.assessed_on) AS first_assessed_on, max(a.assessed_on) AS last_assessed_on
           FROM assessment a LEFT JOIN initiative i USING (initiative_id)
           WHERE a.workspace_id = ? GROUP BY ALL ORDER BY initiative_name""",
        [workspace_id],
    )


def stage_recommendations(store: Store, stage_code: str) -> dict[str, pd.DataFrame]:
    """What the guide recommends for a maturity stage, each row with its source: characteristics,
    key actions, steps, tools (with how-to), 10 key questions, policy support, lessons learned,
    and the stage's dos & don'ts."""
    p = [stage_code]
    policy = store.df(
        """SELECT ps.seq AS support_seq, ps.fit_reason, ps.source AS fit_source,
                  l.title AS list_title, i.group_name, i.kind, i.seq AS item_seq, i.title, i.text, i.source
           FROM kb_stage_policy_support ps
           JOIN kb_guidance_item i
             ON i.list_code = ps.list_code AND i.group_code = ps.group_code
            AND (ps.kind IS NULL OR i.kind = ps.kind) AND (ps.item_seq IS NULL OR i.seq = ps.item_seq)
           JOIN kb_guidance_list l ON l.list_code = i.list_code
           WHERE ps.stage_code = ?
           ORDER BY ps.seq,
                    CASE i.kind WHEN 'description' THEN 0 WHEN 'factor' THEN 1 WHEN 'do' THEN 2
                                WHEN 'dont' THEN 3 WHEN 'instrument' THEN 4 ELSE 5 END, i.seq""",
        p,
    )
    frames = {
        "characteristics": store.df("SELECT seq, characteristic, source FROM kb_stage_characteristic WHERE stage_code = ? ORDER BY seq", p),
        "key_actions": store.df("SELECT seq, key_action, description, source FROM kb_phase_key_action WHERE stage_code = ? ORDER BY seq", p),
        "steps": store.df("SELECT step_no, step_question, description, source FROM kb_phase_step WHERE stage_code = ? ORDER BY step_no", p),
        "tools": store.df(
            """SELECT t.step_no, s.step_question, t.tool_code, t.tool_name, t.how_to, t.source
               FROM kb_phase_tool t LEFT JOIN kb_phase_step s USING (stage_code, step_no)
               WHERE t.stage_code = ? ORDER BY t.step_no, t.tool_code""", p),
        "key_questions": store.df("SELECT seq, key_question, source FROM kb_phase_key_question WHERE stage_code = ? ORDER BY seq", p),
        "policy_support": policy,
        "lessons": store.df("SELECT seq, title, lesson, case_name, source FROM kb_lesson_learned WHERE stage_code = ? ORDER BY seq", p),
        "dos_donts": store.df(
            """SELECT l.title AS list_title, i.kind, i.seq, i.text, i.source
               FROM kb_guidance_item i JOIN kb_guidance_list l USING (list_code)
               WHERE l.stage_code = ? AND i.kind IN ('do', 'dont')
               ORDER BY l.list_code, CASE i.kind WHEN 'do' THEN 0 ELSE 1 END, i.seq""", p),
    }
    # missing text is None (not NaN), so `x or ""` and `if x:` read as intended
    return {k: df.astype(object).where(df.notna(), None) for k, df in frames.items()}


def cluster_obstacles(store: Store) -> pd.DataFrame:
    """The guide's potential obstacles to clusters and cluster development (all stages)."""
    return store.df(
        "SELECT group_name, seq, text, source FROM kb_guidance_item WHERE list_code = 'obstacles' ORDER BY group_code, seq"
    )
