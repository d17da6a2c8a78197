"""Print which ClusterDash modules import which, grouped by layer (top to bottom), from the source
(AST; nothing is imported, no extra packages). The layers and their rules are those of
tests/test_layering.py.

    .venv/bin/python scripts/package_graph.py            # every module and what it imports
    .venv/bin/python scripts/package_graph.py --layers   # only which layer imports which
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_layering import layer_of_module, layer_of, module_name, scan, source_files  # noqa: E402

ORDER = ["pages", "ui", "charts", "entry", "queries", "stats", "domain", "store", "base"]


def short(dotted: str) -> str:
    return dotted.removeprefix("clusterdash.") if dotted != "clusterdash" else dotted


def graph(root: Path = ROOT) -> dict[str, dict[str, set[str]]]:
    """layer -> module -> the clusterdash modules it imports."""
    out: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for path in source_files(root):
        rel = path.relative_to(root).as_posix()
        imports, _ = scan(path, root)
        name = "app" if rel == "app.py" else module_name(rel)
        deps = {i.module for i in imports if layer_of_module(root, i.module)}
        out[layer_of(rel)][short(name)] = {short(d) for d in deps if d != module_name(rel)}
    return out


def main(argv: list[str]) -> int:
    g = graph()
    layers = [name for name in ORDER if name in g] + sorted(set(g) - set(ORDER))
    if "--layers" in argv:
        for layer in layers:
            uses: dict[str, int] = defaultdict(int)
            for deps in g[layer].values():
                for d in deps:
                    uses[layer_of_module(ROOT, "clusterdash." + d if d != "clusterdash" else d)] += 1
            print(f"{layer:8} -> " + ", ".join(f"{t} ({n})" for t, n in sorted(uses.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else 99)))
        return 0
    for layer in layers:
        print(f"[{layer}]")
        for mod in sorted(g[layer]):
            deps = sorted(g[layer][mod])
            print(f"  {mod:30} -> {', '.join(deps) if deps else '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
