"""Table metadata and the migration runner.

Every table is declared once, as a :class:`Table` with a description for the table and
each column. The DDL *and* the DuckDB ``COMMENT ON`` statements are generated from that
declaration, so the documentation stored in the database cannot drift from the schema
(the PUDL approach). A column whose name is in the field registry (:mod:`clusterdash.fields`)
is documented by the registry's description (one text per name, true in every table); the
column's own text is the fallback for names the registry does not hold. :func:`migrate` ends by
refreshing stored column comments that differ (a registry entry changed after the table was made).

Migrations live in :mod:`clusterdash.migrations`, one module per version
(``v001_core.py``, ``v002_stats.py``, ...). Each module defines ``VERSION``, ``NAME``, a
list ``TABLES`` of tables it creates, and optionally ``upgrade(cur)`` for anything else
(views, data moves, new columns). :func:`migrate` applies the pending ones in order, each in
its own transaction, and records them in ``schema_version``.

A later migration may *redeclare* a knowledge table (same name in its ``TABLES``, e.g. with a
new column): knowledge tables hold no user data and are rebuilt from ``data/knowledge/``, so the
migration drops the table and creates it from the new declaration, and the newest declaration is
the one :func:`all_tables` returns (in the place of the first). User and system tables are never
redeclared; they change through ``upgrade(cur)`` (``ALTER TABLE``).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable

from clusterdash import fields

LAYER_KNOWLEDGE = "knowledge"  # read-only reference knowledge, rebuilt from data/
LAYER_USER = "user"  # user data: never touched by a knowledge rebuild
LAYER_SYSTEM = "system"  # bookkeeping (schema_version, ...)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type: VARCHAR, INTEGER, BIGINT, DOUBLE, BOOLEAN, DATE, TIMESTAMP
    description: str
    nullable: bool = True
    default: str | None = None  # SQL expression, e.g. "current_timestamp"

    @property
    def comment(self) -> str:
        """The documentation stored for the column: the field registry's description of its name,
        else the column's own description."""
        return fields.description(self.name) if fields.is_registered(self.name) else self.description


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    layer: str = LAYER_USER
    unique: tuple[tuple[str, ...], ...] = ()
    # for knowledge tables: the CSV under data/knowledge/ it is loaded from
    csv: str | None = None
    # for user tables that belong to a workspace: duplicated with it
    workspace_column: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def create_sql(self) -> str:
        parts = []
        for c in self.columns:
            s = f"{c.name} {c.type}"
            if not c.nullable:
                s += " NOT NULL"
            if c.default is not None:
                s += f" DEFAULT {c.default}"
            parts.append(s)
        if self.primary_key:
            parts.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        for u in self.unique:
            parts.append(f"UNIQUE ({', '.join(u)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  " + ",\n  ".join(parts) + "\n)"

    def comment_sql(self) -> list[tuple[str, list]]:
        # COMMENT ON does not take parameters: quote the literal ourselves (descriptions are
        # our own constants, never user input).
        out = [(f"COMMENT ON TABLE {self.name} IS {sql_literal(self.description)}", [])]
        for c in self.columns:
            out.append((column_comment_sql(self.name, c.name, c.comment), []))
        return out


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_comment_sql(table_name: str, column_name: str, text: str) -> str:
    return f"COMMENT ON COLUMN {table_name}.{column_name} IS {sql_literal(text)}"


def col(name: str, type_: str, description: str, **kw) -> Column:
    return Column(name, type_, description, **kw)


SOURCE_COLUMN = Column(
    "source",
    "VARCHAR",
    "Where the row comes from: seed file and section/page (e.g. "
    "'004_8de2c7bdefb2b6f4.txt § PART 2 Establishment phase, Step 1/4, Financing patterns (I)') "
    "or the dataset's publisher.",
    nullable=False,
)

SCHEMA_VERSION = Table(
    name="schema_version",
    description="Applied schema migrations, one row per version.",
    layer=LAYER_SYSTEM,
    columns=(
        col("version", "INTEGER", "Migration version number.", nullable=False),
        col("name", "VARCHAR", "Short name of the migration.", nullable=False),
        col("applied_at", "TIMESTAMP", "When the migration was applied (UTC).", nullable=False),
    ),
    primary_key=("version",),
)


@dataclass
class Migration:
    version: int
    name: str
    tables: list[Table] = field(default_factory=list)
    upgrade: Callable | None = None

    @property
    def names(self) -> set[str]:
        return {t.name for t in self.tables}


def discover_migrations() -> list[Migration]:
    from clusterdash import migrations as pkg

    found: list[Migration] = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("v"):
            continue
        mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
        found.append(
            Migration(
                version=mod.VERSION,
                name=mod.NAME,
                tables=list(getattr(mod, "TABLES", [])),
                upgrade=getattr(mod, "upgrade", None),
            )
        )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return found


def all_tables() -> list[Table]:
    """Every declared table, in migration order; a redeclared knowledge table appears once, in
    its newest declaration."""
    out: dict[str, Table] = {SCHEMA_VERSION.name: SCHEMA_VERSION}
    for m in discover_migrations():
        for t in m.tables:
            if t.name in out and (t.layer != LAYER_KNOWLEDGE or out[t.name].layer != LAYER_KNOWLEDGE):
                raise RuntimeError(
                    f"migration {m.version} redeclares {t.name}: only knowledge tables may be redeclared"
                )
            out[t.name] = t  # dict keeps the first position, the value is the newest declaration
    return list(out.values())


def table(name: str) -> Table:
    for t in all_tables():
        if t.name == name:
            return t
    raise KeyError(f"no table {name!r} is declared")


def tables_in_layer(layer: str) -> list[Table]:
    return [t for t in all_tables() if t.layer == layer]


def current_version(cur) -> int:
    exists = cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version' AND schema_name = 'main'"
    ).fetchone()[0]
    if not exists:
        return 0
    v = cur.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    return int(v or 0)


def create_table(cur, t: Table) -> None:
    cur.execute(t.create_sql())
    for sql, params in t.comment_sql():
        cur.execute(sql, params)


def migrate(conn, target: int | None = None) -> list[int]:
    """Apply pending migrations (up to ``target``), each in its own transaction, in version
    order.

    Returns the versions applied. Idempotent: a store already at the newest version is
    left as it is.
    """
    cur = conn.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        create_table(cur, SCHEMA_VERSION)
        cur.execute("COMMIT")
        have = {r[0] for r in cur.execute("SELECT version FROM schema_version").fetchall()}
        applied: list[int] = []
        migrations = discover_migrations()
        for m in migrations:
            # every version not yet recorded, in order (not just those above the highest:
            # a store built from a tree that lacked a lower number still gets it)
            if m.version in have or (target is not None and m.version > target):
                continue
            cur.execute("BEGIN TRANSACTION")
            try:
                for t in m.tables:
                    earlier = [o for o in migrations if o.version < m.version and t.name in o.names]
                    later_applied = [o for o in migrations if o.version > m.version and o.version in have
                                     and t.name in o.names]
                    if later_applied:
                        continue  # a newer declaration of this knowledge table is already in place
                    if earlier:  # a redeclared knowledge table: rebuilt from data/knowledge anyway
                        cur.execute(f"DROP TABLE IF EXISTS {t.name}")
                    create_table(cur, t)
                if m.upgrade is not None:
                    m.upgrade(cur)
                cur.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [m.version, m.name, datetime.now(timezone.utc).replace(tzinfo=None)],
                )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            applied.append(m.version)
        refresh_column_comments(cur)
        return applied
    finally:
        cur.close()


def stale_column_comments(cur) -> list[tuple[str, str, str]]:
    """(table, column, comment it should have) for every stored column of a declared table
    whose comment differs from its declaration (e.g. after a field registry entry changed)."""
    have = {
        (t, c): comment
        for t, c, comment in cur.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'main'"
        ).fetchall()
    }
    out = []
    for t in all_tables():
        for c in t.columns:
            key = (t.name, c.name)
            if key in have and have[key] != c.comment:
                out.append((t.name, c.name, c.comment))
    return out


def refresh_column_comments(cur) -> int:
    """Rewrite the stored column comments that differ from the declarations, in one
    transaction; returns how many were rewritten (0 on a current store: one catalogue read)."""
    stale = stale_column_comments(cur)
    if not stale:
        return 0
    cur.execute("BEGIN TRANSACTION")
    try:
        for t, c, text in stale:
            cur.execute(column_comment_sql(t, c, text))
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    return len(stale)


def latest_version() -> int:
    ms = discover_migrations()
    return ms[-1].version if ms else 0


def describe(tables: Iterable[Table]) -> list[dict]:
    """Rows (table, column, type, description) for documentation views."""
    rows = []
    for t in tables:
        for c in t.columns:
            rows.append({"table": t.name, "column": c.name, "type": c.type, "description": c.comment})
    return rows
