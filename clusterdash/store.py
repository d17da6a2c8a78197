"""The ClusterDash store: one DuckDB database file, one writing process.

The Streamlit server opens the file once (a cached resource) and gives every call its own
cursor; command-line tools open it for the length of one command. DuckDB allows a single
process to open a file for writing, so a second process gets :class:`StoreLocked` with a
message that says what to do.

Reads go through :meth:`Store.df` / :meth:`Store.rows`; every write goes through
:meth:`Store.write`, which runs a function inside one transaction and retries it when DuckDB
reports a write-write conflict between two sessions (last writer wins, nothing half-written).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

import duckdb
import pandas as pd

from clusterdash import config, schema
from clusterdash.errors import UserError

T = TypeVar("T")


class StoreError(UserError):
    """A problem the user can act on; the message says what and where."""


class StoreLocked(StoreError):
    pass


class Store:
    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        self.read_only = read_only
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:  # the file is locked by another process
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreLocked(
                    f"The store {path} is open in another process (is the dashboard running?). "
                    "DuckDB lets one process write a database file: stop that process, or do this "
                    "through the dashboard, or point CLUSTERDASH_DB at another file."
                ) from exc
            raise
        self._lock = threading.Lock()

    # ---- connections ------------------------------------------------------------------
    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            cur = self.conn.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        self.conn.close()

    # ---- reads ------------------------------------------------------------------------
    def df(self, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql, params or []).df()

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[dict]:
        with self.cursor() as cur:
            res = cur.execute(sql, params or [])
            names = [d[0] for d in res.description]
            return [dict(zip(names, r)) for r in res.fetchall()]

    def value(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        with self.cursor() as cur:
            row = cur.execute(sql, params or []).fetchone()
            return None if row is None else row[0]

    # ---- writes -----------------------------------------------------------------------
    def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T], *, retries: int = 8) -> T:
        """Run ``fn(cursor)`` in one transaction; commit, or roll back and re-raise.

        A write-write conflict with another session is retried (with a short back-off), so
        concurrent answers to different items are all kept and on the same item the last
        write wins.
        """
        if self.read_only:
            raise StoreError("The store is open read-only.")
        attempt = 0
        while True:
            with self.cursor() as cur:
                cur.execute("BEGIN TRANSACTION")
                try:
                    result = fn(cur)
                except duckdb.TransactionException as exc:
                    _rollback(cur)
                    if not _is_conflict(exc) or attempt >= retries:
                        raise
                except BaseException:
                    _rollback(cur)
                    raise
                else:
                    try:
                        cur.execute("COMMIT")
                        return result
                    except duckdb.Error as exc:
                        # Another session committed a write to the same row (or inserted the
                        # same new key) first: run the whole function again on fresh data.
                        _rollback(cur)
                        if not _is_conflict(exc) or attempt >= retries:
                            raise
            attempt += 1
            time.sleep(min(0.5, 0.005 * (2**attempt)))

    def execute_write(self, sql: str, params: Sequence[Any] | dict | None = None) -> None:
        self.write(lambda cur: cur.execute(sql, params or []))

    # ---- schema -----------------------------------------------------------------------
    def migrate(self, target: int | None = None) -> list[int]:
        return schema.migrate(self.conn, target)

    def schema_version(self) -> int:
        with self.cursor() as cur:
            return schema.current_version(cur)


def _is_conflict(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "conflict" in msg or "duplicate key" in msg


def _rollback(cur) -> None:
    try:
        cur.execute("ROLLBACK")
    except duckdb.Error:
        pass


def open_store(path: str | Path | None = None, *, build: bool = True) -> Store:
    """Open (creating if needed) the store, upgrade its schema, and load the knowledge base
    from ``data/`` when it is empty. Starting the dashboard on a fresh checkout just works."""
    from clusterdash import knowledge

    store = Store(path or config.db_path())
    store.migrate()
    # (Re)load the knowledge base when it is missing or the files in data/knowledge changed
    # (e.g. after an upgrade added knowledge tables): the dashboard always shows the shipped
    # knowledge. User data is never touched by this.
    if build and (not knowledge.is_loaded(store) or not knowledge.is_current(store)):
        knowledge.load_knowledge(store)
    if build and not store.read_only:
        # The embedded default statistics (data/stats/), once per store: a fresh start has data.
        from clusterdash.stats import embedded

        embedded.ensure_loaded(store)
    return store
