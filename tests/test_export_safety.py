"""Spreadsheet formula injection (OWASP "CSV injection"): every CSV ClusterDash writes goes through
``clusterdash.export`` and no cell of it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return unless it is a plain number.

- the property (hypothesis) over ``export.csv_bytes`` / ``export.write_csv``: random frames with
  text, numeric, boolean and missing cells; numeric columns are written unchanged, text round-trips
  exactly apart from the leading apostrophe of a neutralised cell;
- the enumeration: every CSV writer and every export call site in the code (AST): ``to_csv`` only in
  export.py, every ``download_csv`` / ``csv_bytes`` call site listed, ``ui.download_csv`` writes with
  ``csv_bytes``, the command line's two CSV outputs (``export indicators``, ``--rejected-out``) with
  ``export.write_csv``;
- end to end: the command line's exports of a dataset whose names are formulas.
"""

from __future__ import annotations

import ast
import csv
import io
import math
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterdash import cli, export
from tests.conftest import REPO, run_app

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?%?")
PAYLOADS = ['=HYPERLINK("http://x","click")', "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1",
            "=cmd|'/c calc'!A0", "-", "+", "@", "- bullet", "-5", "+3.2", "-1,234.5", "1e5", "'=already",
            "a=b", " =lead space", "\n=1", "=", "@@", "-inf", "--1"]


def data_cells(payload: bytes) -> tuple[list[str], list[list[str]]]:
    """(comment lines, CSV rows) of a written CSV, parsed as a spreadsheet would (csv module)."""
    text = payload.decode("utf-8")
    comments = []
    body = text
    while body.startswith("#"):
        line, _, body = body.partition("\n")
        comments.append(line)
    return comments, list(csv.reader(io.StringIO(body, newline="")))


def assert_no_formula(payload: bytes) -> None:
    comments, rows = data_cells(payload)
    for line in comments:
        assert "\r" not in line
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell.startswith(TRIGGERS):
                assert PLAIN_NUMBER.fullmatch(cell), f"row {r}, column {c}: {cell!r} would run as a formula"


# ---- the property ----------------------------------------------------------------------------

text_cells = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(alphabet=st.sampled_from("=+-@\t\r\n'\"ab1.,e %#;"), max_size=12),
    st.text(max_size=8),
    st.none(),
)


@st.composite
def frames(draw):
    n = draw(st.integers(0, 6))
    cols = {}
    for j in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["text", "int", "float", "bool", "mixed"]))
        name = draw(st.sampled_from([f"c{j}", f"=c{j}", f"-c{j}", f"@c{j}", f"c{j} note"]))
        if name in cols:
            continue
        if kind == "text":
            cols[name] = pd.Series(draw(st.lists(text_cells, min_size=n, max_size=n)), dtype=object)
        elif kind == "int":
            cols[name] = pd.Series(draw(st.lists(st.integers(-10**12, 10**12), min_size=n, max_size=n)), dtype="int64")
        elif kind == "float":
            cols[name] = pd.Series(draw(st.lists(st.floats(allow_infinity=False, width=64), min_size=n, max_size=n)),
                                   dtype="float64")
        elif kind == "bool":
            cols[name] = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        else:  # an object column of numbers and text (e.g. a 'value' column of a long table)
            cols[name] = pd.Series(draw(st.lists(st.one_of(text_cells, st.integers(-99, 99)), min_size=n, max_size=n)),
                                   dtype=object)
    return pd.DataFrame(cols)


@settings(max_examples=200, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(df=frames(), source=st.sampled_from(["s", "=evil\n=1+1", "your entries\r\n-2+3"]))
def test_no_written_cell_starts_a_formula_and_everything_else_round_trips(df, source):
    payload = export.csv_bytes(df, source=source, units="u")
    assert_no_formula(payload)
    comments, rows = data_cells(payload)
    assert len(comments) == 2 and comments[0].startswith("# source: ")
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    assert len(header) == len(df.columns) and len(body) == len(df)
    for j, name in enumerate(df.columns):
        assert header[j] == (("'" + name) if export.is_formula_risk(name) else name)
        col = df[name]
        for i, v in enumerate(col):
            cell = body[i][j]
            if pd.api.types.is_bool_dtype(col):
                assert cell == ("true" if v else "false")
            elif pd.api.types.is_float_dtype(col):
                assert (cell == "" and math.isnan(v)) or float(cell) == v  # numbers untouched
            elif pd.api.types.is_integer_dtype(col):
                assert int(cell) == v
            elif v is None:
                assert cell == ""
            elif isinstance(v, str):
                want = ("'" + v if export.is_formula_risk(v) else v).replace("\r\n", "\n").replace("\r", "\n")
                assert cell == want, (v, cell)
            else:
                assert cell == str(v)


def test_payloads_as_written():
    df = pd.DataFrame({"note": PAYLOADS, "amount": [-1.5] * len(PAYLOADS), "n": [-3] * len(PAYLOADS)})
    back = pd.read_csv(io.BytesIO(export.csv_bytes(df, source="s")), comment="#",
                       dtype={"note": str}, keep_default_na=False)
    got = dict(zip(PAYLOADS, back["note"]))
    assert got['=HYPERLINK("http://x","click")'] == '\'=HYPERLINK("http://x","click")'
    assert got["-1+1"] == "'-1+1" and got["@SUM(A1)"] == "'@SUM(A1)" and got["\t=1"] == "'\t=1"
    assert got["\r=1"] == "'\n=1"  # a carriage return is written as a line feed (inside quotes)
    assert got["- bullet"] == "'- bullet" and got["-inf"] == "'-inf" and got["--1"] == "'--1"
    # plain numbers in a text column, and text that does not start with a trigger: unchanged
    assert got["-5"] == "-5" and got["+3.2"] == "+3.2" and got["-1,234.5"] == "-1,234.5"
    assert got["a=b"] == "a=b" and got[" =lead space"] == " =lead space" and got["'=already"] == "'=already"
    assert (back["amount"] == -1.5).all() and (back["n"] == -3).all()  # numeric columns untouched
    assert_no_formula(export.csv_bytes(df, source="s"))


def test_string_and_categorical_columns_are_neutralised_too():
    df = pd.DataFrame({"s": pd.Series(["=1+1", None, "ok"], dtype="string"),
                       "c": pd.Series(["@x", "y", "@x"], dtype="category")})
    _, rows = data_cells(export.csv_bytes(df, source="s"))
    assert rows[1:] == [["'=1+1", "'@x"], ["", "y"], ["ok", "'@x"]]


def test_write_csv_to_a_path_is_the_same_writer(tmp_path):
    df = pd.DataFrame({"name": ["=1+1"], "is_x": [True]})
    export.write_csv(df, tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text() == "name,is_x\n'=1+1,true\n"


# ---- the enumeration: one writer, every export through it --------------------------------------

SCANNED = [REPO / "app.py", *sorted((REPO / "pages").rglob("*.py")), *sorted((REPO / "clusterdash").rglob("*.py")),
           *sorted((REPO / "scripts").rglob("*.py")), *sorted((REPO / "bench").rglob("*.py"))]


def calls(path, names: set[str]) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if name in names:
                out.append((name, node.lineno))
    return out


def test_to_csv_is_called_only_by_the_one_writer():
    found = [f"{p.relative_to(REPO)}:{ln}" for p in SCANNED for _, ln in calls(p, {"to_csv"})
             if p.relative_to(REPO).as_posix() not in ("clusterdash/export.py",) and "scripts" not in p.parts
             and "bench" not in p.parts]
    assert not found, "CSV written outside clusterdash/export.py: " + ", ".join(found)


def export_call_sites() -> list[str]:
    return [f"{p.relative_to(REPO)}:{ln} {name}" for p in SCANNED
            for name, ln in calls(p, {"download_csv", "csv_bytes", "write_csv", "write_indicators_csv"})]


def test_every_export_call_site_goes_through_the_writer():
    sites = export_call_sites()
    pages = [s for s in sites if s.startswith(("pages/", "clusterdash/ui/"))]
    # every page export is a ui.download_csv (or export.csv_bytes) call: the writer of the property above
    assert len(pages) >= 40, sites
    assert all(s.endswith((" download_csv", " csv_bytes")) for s in pages), pages
    # ui.download_csv writes with csv_bytes
    ui_files = [p for p in SCANNED if p.relative_to(REPO).as_posix().startswith("clusterdash/ui")]
    bodies = []
    for p in ui_files:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "download_csv":
                bodies.append(ast.unparse(node))
    assert len(bodies) == 1 and "csv_bytes(" in bodies[0]
    # the command line: both CSV outputs through export
    cli_src = (REPO / "clusterdash/stats/cli.py").read_text()
    assert "export.write_csv(summary.rejected" in cli_src and "write_indicators_csv(" in cli_src
    assert "export.write_csv(df, path)" in (REPO / "clusterdash/stats/analysis.py").read_text()


# ---- end to end: the command line's CSVs of a dataset named with formulas -----------------------

def test_cli_exports_neutralise_formulas_in_names(db_path, tmp_path, capsys):
    data = tmp_path / "long.csv"
    data.write_text(
        "region_code,region_name,industry_code,industry_name,year,employment\n"
        'R1,"=HYPERLINK(""http://x"",""c"")",11,@SUM(A1),2019,10\n'
        "R1,\"=HYPERLINK(\"\"http://x\"\",\"\"c\"\")\",21,-2+3,2019,30\n"
        "R2,+cmd,11,@SUM(A1),2019,20\nR2,+cmd,21,-2+3,2019,5\n", encoding="utf-8")
    assert cli.main(["import-stats", "--db", str(db_path), "--format", "long", "--file", str(data),
                     "--dataset", "evil", "--title", "=1+1"]) == 0
    out = tmp_path / "ind.csv"
    assert cli.main(["export", "indicators", "--db", str(db_path), "--dataset", "evil", "--out", str(out)]) == 0
    payload = out.read_bytes()
    assert_no_formula(payload)
    text = payload.decode()
    assert "'=HYPERLINK" in text and "'+cmd" in text


@pytest.mark.parametrize("site", ["pages/", "clusterdash/ui/", "clusterdash/stats/"])
def test_call_sites_are_listed(site):
    # the list the lead can read in the run's output (-rA): where every export comes from
    sites = [s for s in export_call_sites() if s.startswith(site)]
    print("\n".join(sites))
    assert sites


# ---- every export the pages offer, on a workspace full of formulas (AppTest, every page) -----------

@pytest.mark.slow
def test_every_page_export_of_a_formula_workspace_is_neutralised(db_path, monkeypatch):
    """Every page of the registry, on a workspace whose every free-text field (and its participant
    and currency) starts with a spreadsheet formula and a statistics dataset named with formulas:
    every CSV the pages build goes through the spy on the one writer and holds no live formula."""
    import sys


    from clusterdash import registry
    from clusterdash.store import Store
    from tests.hostile import formula_text, seed_workspace

    store = Store(db_path)
    try:
        w, stored = seed_workspace(store, 1, " formulas", make=formula_text)
        from clusterdash import queries
        from clusterdash.stats.importer import ImportSpec
        from clusterdash.stats.readers import SourceFile

        rows = "".join(f'R{i},"=HYPERLINK(""http://x"",""r{i}"")",{ind},@SUM(A1),2019,{10 + i}\n'
                       for i in range(3) for ind in ("11", "21"))
        queries.import_stats(store, ImportSpec(format="long", dataset_code="zq_formulas", title="=1+1",
                                               files=[SourceFile("f.csv", ("region_code,region_name,industry_code,"
                                                                           "industry_name,year,employment\n" + rows).encode())]))
    finally:
        store.close()
    written: list[tuple[str, bytes]] = []
    original = export.csv_bytes

    def spy(df, *, source, units=None):
        out = original(df, source=source, units=units)
        written.append((current[0], out))
        return out

    current = ["?"]
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("clusterdash") and getattr(mod, "csv_bytes", None) is original:
            monkeypatch.setattr(mod, "csv_bytes", spy)
    monkeypatch.setenv("CLUSTERDASH_DB", str(db_path))
    monkeypatch.delenv("CLUSTERDASH_PASSCODE", raising=False)
    per_page = {}
    for spec in registry.enabled_pages():
        current[0] = spec.url_path
        at = run_app(db_path, monkeypatch, spec.path, timeout=60, ws=w, who=stored["participant"])
        assert not at.exception, (spec.path, [e.value for e in at.exception][:1])
        per_page[spec.url_path] = sum(1 for p, _ in written if p == spec.url_path)
    assert written, "no export was built"
    for page, payload in written:
        assert_no_formula(payload)
    neutralised = [p for p, b in written if b"'=HYPERLINK" in b or b"'=1+1" in b or b"'@SUM" in b]
    print(f"{len(written)} CSVs from {sum(1 for n in per_page.values() if n)} pages; "
          f"{len(neutralised)} held user formulas, all neutralised: {per_page}")
    assert len(neutralised) >= 8, per_page  # the user text did reach the exports
