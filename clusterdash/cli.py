"""Command line: ``python -m clusterdash <command>``.

build          create or upgrade the store and (re)load the knowledge base from data/
info           schema version and row counts of the store

Each command opens the store for its own duration; DuckDB lets one process write a file,
so a running dashboard holds it (the command then says so and exits with status 2).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from clusterdash import config
from clusterdash.errors import UserError, is_disk_full, is_lock_conflict, user_message


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None, help="store file (default: $CLUSTERDASH_DB or var/clusterdash.duckdb)")


def cmd_build(args) -> int:
    from clusterdash import knowledge
    from clusterdash.store import Store

    path = args.db or config.db_path()
    store = Store(path)
    try:
        applied = store.migrate()
        report = knowledge.load_knowledge(store)
    finally:
        store.close()
    print(f"store: {path}")
    print(f"schema version: {max(applied) if applied else 'unchanged'}" + (f" (applied {applied})" if applied else ""))
    print(f"knowledge rows loaded: {report.total_rows} in {len(report.tables)} tables")
    return 0


def cmd_info(args) -> int:
    from clusterdash.store import Store
    from clusterdash import schema

    path = args.db or config.db_path()
    store = Store(path, read_only=True)
    try:
        print(f"store: {path}")
        print(f"schema version: {store.schema_version()} (code knows {schema.latest_version()})")
        for name, n in store.row_counts([t.name for t in schema.all_tables()]).items():
            print(f"  {name:32s} {'missing' if n is None else n}")
    finally:
        store.close()
    return 0


# Other modules add their commands here: name -> (setup(parser), handler(args) -> int)
COMMANDS: dict[str, tuple] = {}


def register(name: str, help: str):
    def deco(fn):
        COMMANDS[name] = (help, fn)
        return fn
    return deco


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m clusterdash", description="ClusterDash store and data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="create/upgrade the store and (re)load the knowledge base")
    _add_db(p)
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("info", help="schema version and table row counts")
    _add_db(p)
    p.set_defaults(func=cmd_info)
    _load_plugins()
    for name, (help_, setup) in COMMANDS.items():
        p = sub.add_parser(name, help=help_)
        _add_db(p)
        setup(p)
    return parser


def _load_plugins() -> None:
    # Modules that register commands (imported for their side effect).
    import importlib

    for mod in ("clusterdash.stats.cli",):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name not in (mod, mod.rsplit('.', 1)[0]):
                raise


def main(argv: list[str] | None = None) -> int:
    """Run one command. Any error ends it with one line on stderr and a non-zero status: 2 for a
    problem the user can fix (bad input, a locked store), 1 for anything else (the traceback only
    with ``CLUSTERDASH_DEBUG=1``), 130 when interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing of an unfinished import or rebuild was saved", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 — the command line never shows a traceback by default
        if os.environ.get("CLUSTERDASH_DEBUG"):
            raise
        known = is_disk_full(exc) or is_lock_conflict(exc) or isinstance(exc, (RecursionError, MemoryError, OSError))
        msg = user_message(exc, details="run with CLUSTERDASH_DEBUG=1 to see the traceback")
        print(f"error: {_one_line(msg)}", file=sys.stderr)
        return 2 if known else 1


def _one_line(text: str) -> str:
    return " ".join(text.split())
