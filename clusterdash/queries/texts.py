"""Texts: compare and set, and the change history (``text_change``, migration v013).

Every write of a toolkit or value-chain text goes through :func:`set_text` inside the write's
transaction: it compares the stored text with the one the writer began from (``expected``; see
:mod:`clusterdash.texts`), writes with ``UPDATE … WHERE <field> IS NOT DISTINCT FROM <stored>``
and records the change. When the stored text is not the expected one, nothing is written over
it: the refused text is recorded (``is_saved = false``) and a :class:`TextConflict` is
returned, which the public function raises once the transaction has committed (so the record
stays). Adding or removing a row records its texts (:func:`record_row`).
"""

from __future__ import annotations

import secrets

import pandas as pd

from clusterdash import texts
from clusterdash.errors import TextConflict
from clusterdash.queries.common import fetch_row, utcnow
from clusterdash.store import Store

__all__ = ["TextConflict", "NOT_CHECKED", "text_changes", "raise_conflict"]

NOT_CHECKED = texts.NOT_CHECKED


def _clean_who(changed_by) -> str | None:
    text = " ".join(str(changed_by or "").split())
    return text or None


def record(cur, workspace_id: str, table: str, row_key: str, field: str, old, new, *, changed_by=None,
           row_label: str | None = None, applied: bool = True, loaded=None, at=None) -> None:
    """Append one change of one text (``table``/``field`` from :data:`clusterdash.texts.TEXT_FIELDS`)."""
    cur.execute(
        "INSERT INTO text_change (text_change_id, workspace_id, table_name, row_key, row_label, field, old_value, "
        "new_value, loaded_value, is_saved, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [f"tc-{secrets.token_hex(8)}", workspace_id, table, str(row_key), row_label, field,
         texts.norm(old) or None, texts.norm(new) or None, texts.norm(loaded) or None, applied,
         _clean_who(changed_by), at or utcnow()],
    )


def record_row(cur, workspace_id: str, table: str, row_key: str, values: dict, *, removed: bool = False,
               changed_by=None, row_label: str | None = None) -> None:
    """Record the texts of a row that was added (``values`` are its texts) or removed."""
    for field in texts.TEXT_FIELDS[table]:
        value = values.get(field)
        if texts.norm(value):
            old, new = (value, None) if removed else (None, value)
            record(cur, workspace_id, table, row_key, field, old, new, changed_by=changed_by, row_label=row_label)


def last_change(cur, workspace_id: str, table: str, row_key: str, field: str) -> dict | None:
    """Who wrote the text stored now, and when: the field's latest written change."""
    return fetch_row(
        cur,
        "SELECT changed_by, changed_at FROM text_change WHERE workspace_id = ? AND table_name = ? AND row_key = ? "
        "AND field = ? AND is_saved ORDER BY changed_at DESC LIMIT 1",
        [workspace_id, table, str(row_key), field],
    )


def conflict(cur, workspace_id: str, table: str, row_key: str, field: str, *, stored, mine, expected,
             changed_by=None, row_label: str | None = None, who_when: dict | None = None) -> TextConflict:
    """Record a refused text and return the conflict to raise after the commit. ``who_when``:
    who wrote the stored text and when, if the caller knows it better than this history."""
    record(cur, workspace_id, table, row_key, field, stored, mine, changed_by=changed_by, row_label=row_label,
           applied=False, loaded=expected)
    last = who_when if who_when is not None else (last_change(cur, workspace_id, table, row_key, field) or {})
    return TextConflict(what=row_label or str(row_key), field=texts.field_label(table, field).lower(),
                        mine=texts.norm(mine), theirs=texts.norm(stored), loaded=texts.norm(expected),
                        changed_by=last.get("changed_by"), changed_at=last.get("changed_at"))


def set_text(cur, workspace_id: str, table: str, key: dict, row_key: str, field: str, stored, new, *,
             expected=NOT_CHECKED, changed_by=None, row_label: str | None = None) -> TextConflict | None:
    """Compare and set one text of an existing row (``key``: column -> value of the row's key,
    from fixed lists). Returns the conflict (recorded, not raised) or None. Writing the text
    already stored is no change (nothing written, nothing recorded) — also when it differs from
    ``expected`` (both typed the same)."""
    if texts.same(stored, new):
        return None
    if texts.is_checked(expected) and not texts.same(stored, expected):
        return conflict(cur, workspace_id, table, row_key, field, stored=stored, mine=new, expected=expected,
                        changed_by=changed_by, row_label=row_label)
    where = " AND ".join(f"{c} = ?" for c in key)
    done = cur.execute(
        f"UPDATE {table} SET {field} = ?, updated_at = ? WHERE {where} AND {field} IS NOT DISTINCT FROM ? RETURNING 1",
        [new, utcnow(), *key.values(), stored],
    ).fetchall()
    if not done:  # cannot happen inside one transaction; never write blind
        raise RuntimeError(f"{table}.{field} of {row_key} changed inside its own transaction")
    record(cur, workspace_id, table, row_key, field, stored, new, changed_by=changed_by, row_label=row_label)
    return None


def raise_conflict(result):
    """Raise what a write's transaction returned if it is a conflict (after the commit, so the
    refused text stays recorded); else return it."""
    if isinstance(result, TextConflict):
        raise result
    return result


def text_changes(store: Store, workspace_id: str, *, tables=None, row_key: str | None = None,
                 field: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The latest changes of a workspace's texts, newest first; of the given tables (all when
    None), of one row and/or field. Columns as in ``text_change``; a missing text is None."""
    sql = "SELECT * FROM text_change WHERE workspace_id = ?"
    params: list = [workspace_id]
    if tables is not None:
        tables = list(tables) or [""]
        sql += " AND table_name IN (" + ", ".join("?" for _ in tables) + ")"
        params += tables
    if row_key is not None:
        sql += " AND row_key = ?"
        params.append(str(row_key))
    if field is not None:
        sql += " AND field = ?"
        params.append(field)
    sql += " ORDER BY changed_at DESC, text_change_id LIMIT ?"
    df = store.df(sql, params + [int(limit)])
    for c in ("row_label", "old_value", "new_value", "loaded_value", "changed_by"):  # missing: None, not NaN
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df
