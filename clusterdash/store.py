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

import os
import random
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

import duckdb
import pandas as pd

from clusterdash import config, schema
from clusterdash.errors import UserError, is_disk_full

T = TypeVar("T")


class StoreError(UserError):
    """A problem the user can act on; the message says what and where."""


class StoreLocked(StoreError):
    pass


class StoreDamaged(StoreError):
    """The store file (or its write-ahead log) cannot be read. ClusterDash never rewrites or
    replaces such a file itself: the message says what to do."""


def damage_message(path: Path, exc: BaseException) -> str | None:
    """A plain explanation when ``exc`` (from DuckDB) says the store file is damaged or not a
    database; None for any other error. Names the file, not the server's folders."""
    text = str(exc)
    low = text.lower()
    name = path.name
    keep = (f"ClusterDash has not changed it. Restore a backup of {name}, or move it aside (rename it) and "
            "start again: a new, empty store is then built.")
    if "replaying wal" in low or "corrupt wal" in low:
        return (f"The store {name} cannot be opened: its write-ahead log {name}.wal is damaged (the store "
                f"itself is intact up to its last checkpoint). Move {name}.wal aside to open the store as it was "
                f"at that checkpoint (changes saved after it are lost), or restore a backup. ClusterDash has not "
                "changed either file.")
    if "not a valid duckdb database file" in low:
        return f"The store {name} cannot be opened: it is not a DuckDB database file (empty or overwritten). {keep}"
    if "could not read enough bytes" in low:
        return (f"The store {name} cannot be opened: the file is shorter than its own index says (cut short, e.g. by "
                f"a full disk or a copy that did not finish). {keep}")
    if "corrupt database file" in low or "checksum" in low:
        return f"The store {name} is damaged: a block of the file fails its checksum. {keep}"
    if "serialization" in low and "version" in low or "storage version" in low:
        return (f"The store {name} was written by another version of DuckDB that this one cannot read. {keep}")
    return None


class Store:
    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        self.read_only = read_only
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            msg = str(exc)
            if isinstance(exc, duckdb.IOException) and "lock" in msg.lower():  # held by another process
                raise StoreLocked(
                    f"The store {path} is open in another process (is the dashboard running?). "
                    "DuckDB lets one process write a database file: stop that process, or do this "
                    "through the dashboard, or point CLUSTERDASH_DB at another file."
                ) from exc
            damaged = damage_message(self.path, exc)
            if damaged:
                raise StoreDamaged(damaged) from exc
            if is_disk_full(exc):
                raise StoreError(f"The store {self.path.name} cannot be opened: the disk that holds it is full "
                                 "(no space left on device). Free some space and start again.") from exc
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

    def row_counts(self, table_names: Sequence[str]) -> dict[str, int | None]:
        """Rows in each of the given tables (declared names, not user input); None for a table
        the store does not have (yet)."""
        with self.cursor() as cur:
            present = {r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            return {name: cur.execute(f"SELECT count(*) FROM {name}").fetchone()[0] if name in present else None
                    for name in table_names}

    # ---- writes -----------------------------------------------------------------------
    def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T], *, retries: int = 20) -> T:
        """Run ``fn(cursor)`` in one transaction; commit, or roll back and re-raise.

        A write-write conflict with another session is retried (exponential back-off with
        jitter, capped at 0.25 s; up to ``retries`` times, about 4 s in all), so concurrent
        answers to different items are all kept and on the same item the last write wins.
        This is the app's only retry layer (the query modules have none). The budget is sized
        for a workshop: six sessions saving the same answer at once on a loaded 2-core machine
        still all succeed (tests/test_maturity_queries.py). Conflicts are:

        - "Conflict on update" (two sessions change the same row);
        - a duplicate key at COMMIT (two open transactions inserted the same new key: an
          ``INSERT ... ON CONFLICT`` sees committed rows only);
        - a duplicate key raised by the INSERT itself (the other session committed that key
          after this transaction began).

        In a fresh transaction the upsert sees the other session's row and updates it, so a
        duplicate key is retried at most :data:`DUPLICATE_KEY_RETRIES` times: one that comes
        back is a real one (e.g. the same key twice in one import) and is raised without the
        full back-off. ``fn`` is run again from the start and must not depend on state outside
        the cursor.
        """
        if self.read_only:
            raise StoreError("The store is open read-only.")
        attempt = duplicates = 0
        while True:
            with self.cursor() as cur:
                cur.execute("BEGIN TRANSACTION")
                try:
                    result = fn(cur)
                except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
                    _rollback(cur)
                    if not _retry(exc, attempt, retries, duplicates):
                        raise
                    duplicates += _is_duplicate_key(exc)
                except BaseException:
                    _rollback(cur)
                    raise
                else:
                    _pause_before_commit()
                    try:
                        cur.execute("COMMIT")
                        return result
                    except duckdb.Error as exc:
                        # Another session committed a write to the same row (or inserted the
                        # same new key) first: run the whole function again on fresh data.
                        _rollback(cur)
                        if not _retry(exc, attempt, retries, duplicates):
                            raise
                        duplicates += _is_duplicate_key(exc)
            attempt += 1
            # exponential back-off with jitter, so sessions that collided do not retry in step
            time.sleep(min(0.25, 0.005 * (2**attempt)) * random.uniform(0.5, 1.5))

    def execute_write(self, sql: str, params: Sequence[Any] | dict | None = None) -> None:
        self.write(lambda cur: cur.execute(sql, params or []))

    # ---- schema -----------------------------------------------------------------------
    def migrate(self, target: int | None = None) -> list[int]:
        return schema.migrate(self.conn, target)

    def schema_version(self) -> int:
        with self.cursor() as cur:
            return schema.current_version(cur)


DUPLICATE_KEY_RETRIES = 3

PAUSE_BEFORE_COMMIT_ENV = "CLUSTERDASH_PAUSE_BEFORE_COMMIT"


def _pause_before_commit() -> None:
    """The fault tests' hook: with ``CLUSTERDASH_PAUSE_BEFORE_COMMIT=<file>`` set, a process that
    has done all of a transaction's work writes ``<file>`` and waits (up to 10 min) instead of
    committing, so a test can kill it at exactly that point. Unset (always, outside the tests),
    it does nothing."""
    marker = os.environ.get(PAUSE_BEFORE_COMMIT_ENV)
    if not marker:
        return
    Path(marker).write_text(str(os.getpid()))
    time.sleep(600)


def _is_duplicate_key(exc: Exception) -> bool:
    return "duplicate key" in str(exc).lower()


def _is_conflict(exc: Exception) -> bool:
    return "conflict" in str(exc).lower() or _is_duplicate_key(exc)


def _retry(exc: Exception, attempt: int, retries: int, duplicates: int) -> bool:
    if not _is_conflict(exc) or attempt >= retries:
        return False
    return not _is_duplicate_key(exc) or duplicates < DUPLICATE_KEY_RETRIES


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
    try:
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
    except duckdb.Error as exc:
        store.close()
        damaged = damage_message(store.path, exc)
        if damaged:
            raise StoreDamaged(damaged) from exc
        if is_disk_full(exc):
            raise StoreError(f"The store {store.path.name} could not be prepared: the disk that holds it is full (no "
                             "space left on device). Free some space and start again; nothing was lost.") from exc
        raise
    return store
