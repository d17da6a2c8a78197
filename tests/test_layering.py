"""The layers of ClusterDash, checked on the source (AST, nothing is imported):

    app.py, pages/          Streamlit pages: layout only
    clusterdash/ui/         the app shell, output helpers, widgets (Streamlit)
    clusterdash/charts/     figure builders (plotly, pydeck; no Streamlit), and reports built from them
    clusterdash/queries/    all reads and writes of the app (SQL)
    clusterdash/stats/      statistics importers, readers and indicators (SQL on the stats tables)
    store layer             store.py, schema.py, migrations/, knowledge.py (SQL)
    domain modules          every other clusterdash/*.py: pure rules and computations
    base modules            config, errors, fields, export, registry: importable from anywhere
    entry points            cli.py, stats/cli.py, __main__.py: the command line

Rules: Streamlit only in app.py, pages/ and ui; nothing below the UI imports ui or pages, and
nothing below charts imports charts; domain modules never import queries, the store or the knowledge
loader (data is passed in; the table declarations in schema.py are fine); pages import ``clusterdash.stats`` (its public API), never its submodules; SQL only in
queries, stats and the store layer. ``python scripts/package_graph.py`` prints the import graph by layer.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tests.conftest import REPO

# Files whose violations other helpers' branches remove (issue #10: arch-queries moves the SQL of
# cli.py and workspaces.py into clusterdash/queries/, gives pages the clusterdash.stats API and
# takes the stage colours out of charts for initiatives.py). TEMPORARY: the lead empties this set
# after merging those branches (test_pending_allow_list_is_not_stale fails once an entry is fixed).
PENDING_ARCHITECTURE_MERGE: set[str] = set()

STREAMLIT = {"streamlit", "st_aggrid"}
BASE = {"config", "errors", "fields", "export", "frames", "registry", "__init__"}
ENTRY = {"cli", "__main__"}
STORE = {"store", "schema", "knowledge"}
REPORTS = {"maturity_brief"}  # an HTML brief assembled from chart SVGs: a chart-layer module
SQL = re.compile(
    r"\bSELECT\b[\s\S]*?\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\w*\s+)?TABLE\b",
    re.IGNORECASE,
)


def layer_of(rel: str) -> str:
    """The layer of a repository-relative path (``clusterdash/queries/maturity.py`` -> ``queries``)."""
    parts = Path(rel).with_suffix("").parts
    if parts == ("app",) or parts[0] == "pages":
        return "pages"
    if parts[0] != "clusterdash" or len(parts) == 1:
        return "other"
    top = parts[1]
    if parts[-1] in ENTRY:  # clusterdash/cli.py, clusterdash/stats/cli.py (a subcommand), __main__.py
        return "entry"
    if top in ("ui", "charts", "queries", "stats"):
        return top
    if top in REPORTS:
        return "charts"
    if top in STORE or top == "migrations":
        return "store"
    if len(parts) == 2 and top in BASE:
        return "base"
    return "domain"


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # absolute dotted name, resolved to a module where the name is a submodule


def source_files(root: Path = REPO) -> list[Path]:
    return [root / "app.py", *sorted((root / "pages").glob("*.py")), *sorted((root / "clusterdash").rglob("*.py"))]


def module_name(rel: str) -> str:
    parts = list(Path(rel).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(root: Path, dotted: str) -> bool:
    p = root.joinpath(*dotted.split("."))
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


def scan(path: Path, root: Path = REPO) -> tuple[list[Import], list[tuple[int, str]]]:
    """One pass over a file: its imports (also those inside functions; ``from a import b`` gives
    ``a.b`` when ``a/b.py`` or ``a/b/`` is a module of the repository, else ``a``) and its string
    literals that look like SQL (parts of f-strings too; docstrings are skipped)."""
    rel = path.relative_to(root).as_posix()
    package = module_name(rel) if path.name == "__init__.py" else module_name(rel).rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    found: list[Import] = []
    sql: list[tuple[int, str]] = []
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
        elif isinstance(node, ast.Import):
            found += [Import(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for a in node.names:
                sub = f"{base}.{a.name}"
                found.append(Import(node.lineno, sub if _is_module(root, sub) else base))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            m = SQL.search(node.value)
            if m:
                sql.append((node.lineno, " ".join(m.group(0).split())[:60]))
    return found, sorted(sql)


def layer_of_module(root: Path, dotted: str) -> str | None:
    """The layer of an imported clusterdash module (None for third-party modules)."""
    if dotted != "clusterdash" and not dotted.startswith("clusterdash."):
        return None
    parts = dotted.split(".")
    while len(parts) > 1 and not _is_module(root, ".".join(parts)):
        parts.pop()
    p = root.joinpath(*parts)
    rel = p.with_suffix(".py") if p.with_suffix(".py").exists() else p / "__init__.py"
    return layer_of(rel.relative_to(root).as_posix())


# importer layer -> layers it must not import
FORBIDDEN = {
    "charts": {"ui", "pages"},
    "queries": {"ui", "pages", "charts"},
    "stats": {"ui", "pages", "charts"},
    "store": {"ui", "pages", "charts"},
    "domain": {"ui", "pages", "charts", "queries"},
    "base": {"ui", "pages", "charts"},
    "entry": {"ui", "pages", "charts"},
}
# Domain modules may read the table declarations (clusterdash.schema) but not open or load a store.
FORBIDDEN_MODULES = {"domain": ("clusterdash.store", "clusterdash.knowledge", "clusterdash.migrations")}
SQL_LAYERS = {"queries", "stats", "store"}
STREAMLIT_LAYERS = {"pages", "ui"}


@lru_cache(maxsize=None)
def violations(root: Path = REPO) -> list[tuple[str, int, str]]:
    """(path, line, what) for every broken rule in the source under ``root``, sorted, each once."""
    out: set[tuple[str, int, str]] = set()
    for path in source_files(root):
        rel = path.relative_to(root).as_posix()
        layer = layer_of(rel)
        imports, sql = scan(path, root)
        for imp in imports:
            top = imp.module.split(".")[0]
            if top in STREAMLIT and layer not in STREAMLIT_LAYERS:
                out.add((rel, imp.line, f"imports {imp.module}: Streamlit only in app.py, pages/ and clusterdash/ui/"))
            target = layer_of_module(root, imp.module)
            if target and target in FORBIDDEN.get(layer, ()):
                out.add((rel, imp.line, f"{layer} module imports {imp.module} ({target} layer)"))
            elif any(imp.module == m or imp.module.startswith(m + ".") for m in FORBIDDEN_MODULES.get(layer, ())):
                out.add((rel, imp.line, f"{layer} module imports {imp.module}: pure rules get their data passed in"))
            if layer == "pages" and imp.module.startswith("clusterdash.stats.") and target == "stats":
                out.add((rel, imp.line, f"imports {imp.module}: pages use clusterdash.stats (public API) or queries"))
        if layer not in SQL_LAYERS:
            for line, text in sql:
                out.add((rel, line, f"SQL in a {layer} module: {text!r} (SQL belongs in clusterdash/queries/)"))
    return sorted(out)


def report(found: list[tuple[str, int, str]]) -> str:
    return f"{len(found)} layering violation(s):\n" + "\n".join(f"  {p}:{line}: {what}" for p, line, what in found)


# ---- the tests ------------------------------------------------------------------------------

def test_layers_are_respected():
    found = [v for v in violations() if v[0] not in PENDING_ARCHITECTURE_MERGE]
    assert not found, report(found)


def test_pending_allow_list_is_not_stale():
    """Every entry of PENDING_ARCHITECTURE_MERGE still has a violation: remove the ones that are fixed."""
    still = {p for p, _, _ in violations()}
    stale = sorted(PENDING_ARCHITECTURE_MERGE - still)
    assert not stale, f"fixed, remove from PENDING_ARCHITECTURE_MERGE: {stale}"


def test_the_checker_finds_each_kind_of_violation(tmp_path):
    """The rules catch what they claim to (on a made-up repository)."""
    files = {
        "app.py": "import streamlit as st\n",
        "pages/p.py": "from clusterdash.stats import importer\nfrom clusterdash import stats\nq = 'SELECT a FROM t'\n",
        "clusterdash/__init__.py": "",
        "clusterdash/ui.py": "import streamlit\nfrom st_aggrid import AgGrid\n",
        "clusterdash/charts/__init__.py": "",
        "clusterdash/charts/common.py": "from clusterdash import ui\n",
        "clusterdash/stats/__init__.py": "",
        "clusterdash/stats/importer.py": "SQL = 'INSERT INTO x VALUES (1)'\n",
        "clusterdash/queries/__init__.py": "from .common import guard\n",
        "clusterdash/queries/common.py": "def guard():\n    return 'DELETE FROM t'\n",
        "clusterdash/store.py": "",
        "clusterdash/schema.py": "",
        "clusterdash/domain.py": (
            '"""SELECT a FROM b in a docstring is prose."""\n'
            "def f():\n    from clusterdash.charts.common import x\n    import streamlit\n"
            "    return f'UPDATE t SET a = {1}'\n"
            "from clusterdash import queries, store, schema\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    got = {(p, line) for p, line, _ in violations(tmp_path)}
    assert got == {
        ("pages/p.py", 1), ("pages/p.py", 3),
        ("clusterdash/charts/common.py", 1),
        ("clusterdash/domain.py", 3), ("clusterdash/domain.py", 4), ("clusterdash/domain.py", 5),
        ("clusterdash/domain.py", 6),
    }, report(violations(tmp_path))
    assert len([v for v in violations(tmp_path) if v[0] == "clusterdash/domain.py" and v[1] == 6]) == 2


def test_layer_names():
    assert layer_of("clusterdash/ui.py") == layer_of("clusterdash/ui/shell.py") == "ui"
    assert layer_of("clusterdash/queries.py") == layer_of("clusterdash/queries/maturity.py") == "queries"
    assert layer_of("clusterdash/migrations/v001_core.py") == layer_of("clusterdash/knowledge.py") == "store"
    assert layer_of("clusterdash/maturity.py") == layer_of("clusterdash/access.py") == "domain"
    assert layer_of("clusterdash/maturity_brief.py") == "charts"
    assert layer_of("clusterdash/fields.py") == "base"
    assert layer_of("clusterdash/cli.py") == layer_of("clusterdash/stats/cli.py") == "entry"
    assert layer_of("app.py") == layer_of("pages/home.py") == "pages"


def test_package_graph_script_runs():
    """scripts/package_graph.py (CONTRIBUTING's one command for the import graph) uses these rules' layers."""
    import runpy

    graph = runpy.run_path(str(REPO / "scripts" / "package_graph.py"))["graph"]()
    assert {"registry", "ui"} <= graph["pages"]["app"]  # short names: app.py imports clusterdash.registry, .ui
    assert set(graph) <= {"pages", "ui", "charts", "entry", "queries", "stats", "domain", "store", "base"}


def test_every_table_goes_through_show_table():
    """Pages and ui modules show tables only with ui.show_table (output.shown_frame inside: no bidi
    override or zero-width character of a user's text reaches the screen); st.dataframe is called
    in one place."""
    callers = [p.relative_to(REPO).as_posix() for p in [*REPO.glob("pages/*.py"), *REPO.glob("clusterdash/ui/*.py"),
                                                        REPO / "app.py"]
               if "st.dataframe(" in p.read_text(encoding="utf-8")]
    assert callers == ["clusterdash/ui/output.py"]
