"""List the column names whose declared descriptions differ between tables, and what the field
registry stores for each instead.

    python scripts/list_column_conflicts.py            # summary and every conflicting name
    python scripts/list_column_conflicts.py --open     # only names the registry does not resolve

A name declared with different texts in two tables (the migrations' own ``col(...)`` text) is
documented in the store by one registry entry (``clusterdash/fields.py``), so the stored
comments agree. Exit status 1 when a name in two or more tables is not registered.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clusterdash import fields, schema  # noqa: E402


def conflicts() -> dict[str, dict[str, list[str]]]:
    """{column name: {declared description: [tables]}} for names declared with 2+ texts."""
    by_name: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in schema.all_tables():
        for c in t.columns:
            by_name[c.name][c.description].append(t.name)
    return {n: dict(v) for n, v in sorted(by_name.items()) if len(v) > 1}


def shared_names() -> list[str]:
    count: dict[str, int] = defaultdict(int)
    for t in schema.all_tables():
        for c in t.columns:
            count[c.name] += 1
    return sorted(n for n, k in count.items() if k > 1)


def main(argv: list[str]) -> int:
    only_open = "--open" in argv
    found = conflicts()
    shared = shared_names()
    unregistered = [n for n in shared if not fields.is_registered(n)]
    print(f"{len(found)} column names with differing declared descriptions; {len(shared)} names in 2+ tables; "
          f"{len(unregistered)} of them not in the field registry")
    for name, texts in found.items():
        if only_open and fields.is_registered(name):
            continue
        print(f"\n== {name}")
        for text, tables in texts.items():
            print(f"   declared in {', '.join(tables)}: {text}")
        print(f"   registry: {fields.description(name) if fields.is_registered(name) else '(not registered)'}")
    for name in unregistered:
        print(f"not registered: {name}")
    return 1 if unregistered else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
