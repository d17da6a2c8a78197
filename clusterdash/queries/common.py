"""What every query module shares: the clock, the write guard, sequence numbers, row helpers.

The write guard
    Everything a user saves belongs to a workspace and may be saved only while that workspace
    exists and is active (not archived). :func:`write_in_workspace` runs a write as one
    transaction that checks this first, inside the transaction, so an archive by another
    session cannot slip in between the check and the write. :func:`require_workspace` is the
    check itself, for writes that need the workspace row (e.g. its name) or that may touch an
    archived workspace (restore, duplicate: ``active=False``).

Retries
    There is one retry layer, :meth:`clusterdash.store.Store.write`: it re-runs the whole
    transaction on a write-write conflict, including the duplicate-key error two sessions get
    when they insert the same new key at once (an ``INSERT ... ON CONFLICT`` sees committed rows
    only). Upserts therefore need no helper of their own: ``write_in_workspace`` (or
    ``store.write``) with an ``INSERT ... ON CONFLICT DO UPDATE`` is the upsert, and the last
    write wins. ``tests/test_store.py`` covers both orders in which two such inserts can meet.

Identifiers
    Table and column names in SQL come only from the schema metadata (``clusterdash.schema``)
    or fixed tuples in these modules, never from user input; values are always ``?`` parameters.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Sequence, TypeVar

from clusterdash import schema
from clusterdash.errors import UserError
from clusterdash.store import Store

T = TypeVar("T")

__all__ = ["utcnow", "require_workspace", "write_in_workspace", "next_seq", "fetch_row"]


def utcnow() -> datetime:
    """Now in UTC, without a time zone (how every ``*_at`` column is stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def fetch_row(cur, sql: str, params: Sequence[Any] = ()) -> dict | None:
    """The first row of a query run on a cursor (inside a write) as a dict, or None."""
    res = cur.execute(sql, list(params))
    names = [d[0] for d in res.description]
    row = res.fetchone()
    return None if row is None else dict(zip(names, row))


def require_workspace(cur, workspace_id: str, *, active: bool = True) -> dict:
    """The workspace row, read inside a write. UserError when it does not exist, or when it is
    archived and ``active`` (the default: only active workspaces can be changed)."""
    ws = fetch_row(cur, "SELECT * FROM workspace WHERE workspace_id = ?", [workspace_id])
    if ws is None:
        raise UserError(f"Workspace {workspace_id!r} does not exist.")
    if active and ws["archived_at"] is not None:
        raise UserError(f"Workspace “{ws['name']}” is archived: restore it on the Workspaces page to change it.")
    return ws


def write_in_workspace(store: Store, workspace_id: str, fn: Callable[[Any], T]) -> T:
    """Run ``fn(cursor)`` as one transaction (``store.write``: retried on conflicts) after
    checking, inside it, that the workspace exists and is active. Returns what ``fn`` returns."""

    def apply(cur):
        require_workspace(cur, workspace_id)
        return fn(cur)

    return store.write(apply)


def next_seq(cur, table: str, workspace_id: str, **scope: Any) -> int:
    """The next ``seq`` (1 + the largest so far) of the rows of a workspace table, optionally
    within ``scope`` (column = value, e.g. ``quadrant="strength"``). ``table`` and the scope's
    column names must be declared in the schema (they are not user input)."""
    t = schema.table(table)
    columns = ("workspace_id", "seq", *scope)
    if any(c not in t.column_names for c in columns):
        raise ValueError(f"next_seq: {table} has no column among {columns}")
    where = " AND ".join(f"{c} = ?" for c in ("workspace_id", *scope))
    row = cur.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {table} WHERE {where}",
                      [workspace_id, *scope.values()]).fetchone()
    return int(row[0])
