"""Checklists: the items (guidance lists and the phases' key questions), each workspace's answers
and their change history.

An answer is one row per workspace and item; each field (status, note, owner) is written on its
own, so people answering different items or fields at once never overwrite each other. On the
same field a status click is last-write-wins; a note or owner saved with ``expected`` (the text
the writer's page showed) is compare and set: when someone else saved it meanwhile nothing is
written over their text, the refused text is kept (``text_change``, table ``checklist_answer``)
and :class:`~clusterdash.errors.TextConflict` is raised. Rules for the values:
:mod:`clusterdash.checklists`.
"""

from __future__ import annotations

import pandas as pd

from clusterdash import checklists, texts, workspaces
from clusterdash.checklists import ItemKey
from clusterdash.errors import UserError
from clusterdash.queries.common import fetch_row, utcnow, write_in_workspace
from clusterdash.queries.texts import NOT_CHECKED, conflict, raise_conflict
from clusterdash.store import Store

__all__ = [
    "checklist_board", "checklist_lists", "checklist_area_intros", "checklist_answer", "save_checklist_answer",
    "checklist_changes", "checklist_version", "save_action_due",
]


def _checklist_items_sql() -> tuple[str, list]:
    """SELECT of every checklist item (guidance items of the checklist lists, and the phase key
    questions) with its list, area and source; ``item_order`` is the guide's order."""
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
        SELECT items.*, a.status, a.note, a.owner, d.due_date, a.changed_by, a.changed_at
        FROM items LEFT JOIN checklist_answer a
          ON a.workspace_id = ? AND a.list_code = items.list_code AND a.group_code = items.group_code
         AND a.kind = items.kind AND a.seq = items.seq
        LEFT JOIN action_due d
          ON d.workspace_id = ? AND d.list_code = items.list_code AND d.group_code = items.group_code
         AND d.kind = items.kind AND d.seq = items.seq
        ORDER BY items.item_order
    """
    return store.df(sql, params + [workspace_id, workspace_id])


def save_action_due(store: Store, workspace_id: str, item, due, *, changed_by: str) -> None:
    """Set (or, with None, clear) the due date of one item of the action list (table action_due)."""
    k = item if isinstance(item, ItemKey) else ItemKey.parse(item)
    due = checklists.clean_due(due)
    who = workspaces.clean_participant(changed_by)
    key = [workspace_id, k.list_code, k.group_code, k.kind, k.seq]
    where = "workspace_id = ? AND list_code = ? AND group_code = ? AND kind = ? AND seq = ?"

    def apply(cur):
        cur.execute(f"DELETE FROM action_due WHERE {where}", key)
        if due is not None:
            cur.execute("INSERT INTO action_due (workspace_id, list_code, group_code, kind, seq, due_date, changed_by, "
                        "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", key + [due, who, utcnow()])

    write_in_workspace(store, workspace_id, apply)


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
    return store.df(sql, params + [checklists.KEY_QUESTIONS_PREFIX])


def checklist_area_intros(store: Store) -> pd.DataFrame:
    """The introduction ('description' items) of each area of a checklist, with its source."""
    lists = list(checklists.CHECKLIST_LISTS)
    return store.df(
        f"SELECT list_code, group_code, group_name, text, source FROM kb_guidance_item "
        f"WHERE kind = 'description' AND list_code IN ({', '.join('?' for _ in lists)}) ORDER BY rowid",
        lists,
    )


def checklist_answer(store: Store, workspace_id: str, item) -> dict | None:
    k = item if isinstance(item, ItemKey) else ItemKey.parse(item)
    rows = store.rows(
        "SELECT * FROM checklist_answer WHERE workspace_id = ? AND list_code = ? AND group_code = ? AND kind = ? AND seq = ?",
        [workspace_id, k.list_code, k.group_code, k.kind, k.seq],
    )
    return rows[0] if rows else None


def save_checklist_answer(store: Store, workspace_id: str, item, field: str, value, *, changed_by: str,
                          expected=NOT_CHECKED) -> dict:
    """Set one field (status, note or owner) of one item's answer, in one transaction, and append
    the change to checklist_change. Only that field is written: answers to other items, and other
    fields of this item, are left as they are (someone else may have just changed them). The same
    field written twice: the last write wins, unless ``expected`` is given (a note or owner:
    compare and set, TextConflict when the stored text is no longer ``expected``). Returns the
    answer row as stored."""
    k = item if isinstance(item, ItemKey) else ItemKey.parse(item)
    value = checklists.clean_answer(k, field, value)
    who = workspaces.clean_participant(changed_by)
    key = [workspace_id, k.list_code, k.group_code, k.kind, k.seq]
    items_sql, items_params = _checklist_items_sql()

    if texts.is_checked(expected) and not texts.is_text_field("checklist_answer", field):
        raise ValueError("expected= is for a note or owner")

    def apply(cur):
        item_row = fetch_row(
            cur, f"SELECT coalesce(title, text) AS text FROM ({items_sql}) "
                 "WHERE list_code = ? AND group_code = ? AND kind = ? AND seq = ?",
            items_params + key[1:],
        )
        if item_row is None:
            raise UserError(f"Checklist item {k} does not exist in the knowledge base.")
        where = "workspace_id = ? AND list_code = ? AND group_code = ? AND kind = ? AND seq = ?"
        found = cur.execute(f"SELECT {field} FROM checklist_answer WHERE {where}", key).fetchall()
        old = found[0][0] if found else None
        if found and old == value:
            return  # nothing changed: keep who/when of the last real change
        if texts.is_checked(expected) and not texts.same(old, value) and not texts.same(old, expected):
            last = fetch_row(cur, f"SELECT changed_by, changed_at FROM checklist_change WHERE {where} AND field = ? "
                                  "ORDER BY changed_at DESC LIMIT 1", key + [field])
            name = " ".join(str(item_row["text"] or k).split())
            label = "Checklist item “" + (name if len(name) <= 60 else name[:59] + "…") + "”"
            return conflict(cur, workspace_id, "checklist_answer", str(k), field, stored=old, mine=value,
                            expected=expected, changed_by=who, row_label=label, who_when=last or {})
        if found and texts.same(old, value):
            return  # the same text (NULL and empty are the same)
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

    raise_conflict(write_in_workspace(store, workspace_id, apply))
    return checklist_answer(store, workspace_id, k) or {}


def checklist_version(store: Store, workspace_id: str) -> tuple:
    """A stamp of a workspace's checklist answers that changes with every saved answer, cleared
    answer and refused text (the answers' count and latest change, the change history's and the
    refused texts' counts): a live board re-reads the answers only when it changed. One cheap
    query (counts over the workspace's rows), where re-reading the board costs ~30 ms."""
    row = store.rows(
        "SELECT (SELECT count(*) FROM checklist_answer WHERE workspace_id = ?) AS answers, "
        "(SELECT max(changed_at) FROM checklist_answer WHERE workspace_id = ?) AS last_changed_at, "
        "(SELECT count(*) FROM checklist_change WHERE workspace_id = ?) AS changes, "
        "(SELECT count(*) FROM text_change WHERE workspace_id = ? AND table_name = 'checklist_answer') AS refused",
        [workspace_id] * 4,
    )[0]
    return tuple(row.values())


def checklist_participants(store: Store, workspace_id: str) -> pd.DataFrame:
    """Everyone who changed a checklist answer of the workspace, with their number of changes
    (``answers``), by name: over every change (the changes of checklist_changes, applied and
    refused texts alike, without its limit)."""
    return store.df(
        """SELECT participant, count(*) AS answers FROM (
               SELECT trim(changed_by) AS participant FROM checklist_change WHERE workspace_id = ?
               UNION ALL
               SELECT trim(changed_by) FROM text_change
               WHERE workspace_id = ? AND table_name = 'checklist_answer' AND NOT is_saved)
           WHERE participant IS NOT NULL AND participant <> ''
           GROUP BY participant ORDER BY participant""",
        [workspace_id, workspace_id],
    )


def checklist_changes(store: Store, workspace_id: str, *, item=None, limit: int = 50) -> pd.DataFrame:
    """The latest changes of a workspace's checklist answers (of one item when ``item`` is given),
    newest first: checklist_change (``is_saved`` true) and the notes and owners refused because
    someone else had saved the field meanwhile (from text_change, ``is_saved`` false: old_value
    is the text stored then, new_value the refused one)."""
    applied = "SELECT *, true AS is_saved FROM checklist_change WHERE workspace_id = ?"
    refused = (
        "SELECT text_change_id AS change_id, workspace_id, split_part(row_key, '/', 1) AS list_code, "
        "split_part(row_key, '/', 2) AS group_code, split_part(row_key, '/', 3) AS kind, "
        "CAST(split_part(row_key, '/', 4) AS INTEGER) AS seq, field, old_value, new_value, changed_by, changed_at, "
        "false AS is_saved FROM text_change WHERE workspace_id = ? AND table_name = 'checklist_answer' "
        "AND NOT is_saved"
    )
    p_applied: list = [workspace_id]
    p_refused: list = [workspace_id]
    if item is not None:
        k = item if isinstance(item, ItemKey) else ItemKey.parse(item)
        applied += " AND list_code = ? AND group_code = ? AND kind = ? AND seq = ?"
        p_applied += [k.list_code, k.group_code, k.kind, k.seq]
        refused += " AND row_key = ?"
        p_refused.append(str(k))
    sql = (f"SELECT change_id, workspace_id, list_code, group_code, kind, seq, field, old_value, new_value, changed_by, "
           f"changed_at, is_saved FROM ({applied}) UNION ALL ({refused}) ORDER BY changed_at DESC, change_id LIMIT ?")
    return store.df(sql, p_applied + p_refused + [int(limit)])
