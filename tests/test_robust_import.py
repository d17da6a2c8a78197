"""Robustness of the importers (property-based, hypothesis): random malformed CSV/TSV/JSON —
wrong headers, text in numbers, negative counts, duplicate keys, broken quoting, huge fields,
wrong encodings and bytes, empty files — always give either a correct import or a clear
``UserError`` that names the file and the line/row/column (or says what is wrong with the file
as a whole), never another exception; and on error the store is unchanged (every table's
row count and content hash compared before and after).

Importers covered: statistics (cbp CSV and Census API JSON, eurostat TSV, long CSV, crosswalk),
the financing CSV import and the knowledge-base loader. The number of examples is fixed and
the search derandomized, so CI runs the same cases every time, in a few tens of seconds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from clusterdash import config, knowledge, queries
from clusterdash.errors import UserError
from clusterdash.stats import importer, indicators
from clusterdash.stats.readers import SourceFile
from clusterdash.store import Store

# Deterministic and quick: a fixed derandomized search, no example database, and no shrinking
# (a failure prints the drawn file instead; shrinking it could take minutes).
SETTINGS = dict(
    derandomize=True, deadline=None, database=None, print_blob=True, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)

HUGE = "9" * 140_000  # beyond Python's csv field limit (131,072 characters)
BAD_NUMBERS = ["abc", "n/a", "1,2,3", "nan", "NaN", "inf", "-inf", "1e400", "-1", "-0.5", "1.5", "12 000",
               "0x10", "", " ", "—", "1e3", "+5", "٣", "=1+1"]
WEIRD_TEXT = ["", " ", '"', '""', "a\"b", "x\ny", "ü€漢", "\t", ";", "'", "\\", "=cmd|'/c calc'!A0", HUGE,
              "\u2028", "\x7f"]
# Phrases of messages about a file as a whole (no line to point at).
FILE_LEVEL = re.compile(
    r"empty|no rows|UTF-16|not a text file|no usable rows|every row was rejected|dimension|no YEAR column|"
    r"expected the Census API layout|exists already|no row of the crosswalk|not UTF-8|not a Eurostat TSV|"
    r"several values|no industry dimension|not a count of persons|is not a cluster of this dataset|"
    r"does not occur in the data",
    re.IGNORECASE,
)
LOCATOR = re.compile(r"\b(line|lines|row|rows|column|columns)\b", re.IGNORECASE)


# ---- the store and its fingerprint ---------------------------------------------------------------

def fingerprint(store: Store) -> dict[str, tuple]:
    """Row count and an order-independent content hash of every table of the store (one query)."""
    names = [r[0] for r in store.conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY 1").fetchall()]
    # table names come from the catalogue, not from input
    sql = " UNION ALL ".join(f"SELECT '{n}', count(*), sum(hash({n})::HUGEINT) FROM {n}" for n in names)
    return {n: (c, h) for n, c, h in store.conn.execute(sql).fetchall()}


BASELINE_LONG = (
    "region_code,region_name,industry_code,year,employment,establishments,payroll\n"
    "A1,Alpha,11,2019,100,10,5000\nA1,Alpha,21,2019,50,5,2500\nB2,Beta,11,2019,30,3,900\nB2,Beta,21,2019,70,7,3100\n"
)


@pytest.fixture(scope="module")
def robust_store(template_db, tmp_path_factory):
    """One store for all examples of this module, holding a dataset called 'baseline' so that a
    failed import with ``replace`` must leave an existing dataset exactly as it was."""
    path = tmp_path_factory.mktemp("robust") / "store.duckdb"
    shutil.copy(template_db, path)
    store = Store(path)
    importer.import_dataset(store, importer.ImportSpec(
        format="long", files=[SourceFile("baseline.csv", BASELINE_LONG.encode())], dataset_code="baseline"))
    yield store
    store.close()


def check_error_message(exc: UserError, file_names: list[str]) -> str:
    msg = str(exc)
    assert msg.strip(), "empty error message"
    assert "Traceback" not in msg and len(msg) < 2000, msg[:300]
    if not FILE_LEVEL.search(msg):
        assert LOCATOR.search(msg), f"message names no line/row/column: {msg}"
        assert any(n in msg for n in file_names), f"message names no file: {msg}"
    return msg


def _gist(msg: str) -> str:
    """The kind of an error message (numbers, names and quoted values removed), for statistics."""
    msg = re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)", "…", msg)
    msg = re.sub(r"\S+\.(csv|tsv|json)\b", "FILE", msg)
    return re.sub(r"\d+", "N", msg)[:70]


def run_import(store: Store, spec: importer.ImportSpec, file_names: list[str]):
    """Import; on UserError check the message and that the store is unchanged. Returns the
    summary, or None after an error. Any other exception fails the test."""
    before = fingerprint(store)
    try:
        summary = importer.import_dataset(store, spec)
    except UserError as exc:
        msg = check_error_message(exc, file_names)
        event("error: " + _gist(msg))
        assert fingerprint(store) == before, "the store changed after a failed import"
        return None
    event("imported")
    check_imported_dataset(store, summary.dataset_code)
    return summary


def check_imported_dataset(store: Store, code: str) -> None:
    """Invariants of any successful import: counts agree, numbers are finite and not negative,
    every observation's industry and region are declared, the indicators compute."""
    ds = queries.stats_dataset(store, code)
    assert ds is not None
    n = store.value("SELECT count(*) FROM stats_observation WHERE dataset_code = ?", [code])
    assert n == ds["row_count"] > 0
    bad = store.value(
        "SELECT count(*) FROM stats_observation WHERE dataset_code = ? AND ("
        "employment < 0 OR NOT isfinite(employment) OR establishments < 0 OR payroll < 0 OR NOT isfinite(payroll))",
        [code])
    assert bad == 0, "negative or non-finite numbers were imported"
    orphans = store.value(
        "SELECT count(*) FROM stats_observation o WHERE dataset_code = ? AND ("
        "NOT EXISTS (SELECT 1 FROM stats_industry i WHERE i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code)"
        " OR NOT EXISTS (SELECT 1 FROM stats_region r WHERE r.dataset_code = o.dataset_code AND r.region_code = o.region_code))",
        [code])
    assert orphans == 0
    dupes = store.value(
        "SELECT count(*) FROM (SELECT region_code, industry_code, year FROM stats_observation WHERE dataset_code = ? "
        "GROUP BY ALL HAVING count(*) > 1)", [code])
    assert dupes == 0
    ind = indicators.compute_indicators(store, code)
    assert len(ind) == 0 or ind["lq"].dropna().map(lambda v: v == v and abs(v) != float("inf")).all()


def restore(store: Store, code: str, before: dict) -> None:
    """Remove a dataset imported by an example (the store is then as before the import)."""
    if code != "baseline":
        importer.delete_dataset(store, code)
    assert fingerprint(store) == before


# ---- tables and their mutations -------------------------------------------------------------------

@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)  # what was done to it (shown on failure)

    def to_csv(self, sep: str = ",") -> str:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=sep, lineterminator="\n")
        w.writerow(self.header)
        w.writerows(self.rows)
        return buf.getvalue()


@st.composite
def table_mutation(draw, t: Table, numeric_cols: list[str]) -> None:
    """Change the table in one of the ways real files go wrong (in place)."""
    kind = draw(st.sampled_from([
        "text_in_number", "weird_cell", "drop_column", "rename_column", "duplicate_column", "shuffle_columns",
        "upper_header", "duplicate_row", "short_row", "long_row", "blank_row", "drop_all_rows",
    ]))
    nrows = len(t.rows)
    if kind == "text_in_number" and nrows and numeric_cols:
        r = draw(st.integers(0, nrows - 1))
        c = t.header.index(draw(st.sampled_from([c for c in numeric_cols if c in t.header] or t.header)))
        t.rows[r][c] = draw(st.sampled_from(BAD_NUMBERS))
        t.notes.append(f"{kind} row {r} col {t.header[c]} = {t.rows[r][c][:20]!r}")
    elif kind == "weird_cell" and nrows:
        r, c = draw(st.integers(0, nrows - 1)), draw(st.integers(0, len(t.header) - 1))
        t.rows[r][c] = draw(st.sampled_from(WEIRD_TEXT))
        t.notes.append(f"{kind} row {r} col {c} = {t.rows[r][c][:20]!r}")
    elif kind == "drop_column" and len(t.header) > 1:
        c = draw(st.integers(0, len(t.header) - 1))
        t.notes.append(f"drop column {t.header[c]}")
        del t.header[c]
        for row in t.rows:
            del row[c]
    elif kind == "rename_column":
        c = draw(st.integers(0, len(t.header) - 1))
        t.header[c] = draw(st.sampled_from(["", "x", "Emp ", "year2", "region code", "ü"]))
        t.notes.append(f"rename column {c} to {t.header[c]!r}")
    elif kind == "duplicate_column":
        c = draw(st.integers(0, len(t.header) - 1))
        t.header.append(t.header[c])
        for row in t.rows:
            row.append(row[c])
        t.notes.append(f"duplicate column {t.header[c]}")
    elif kind == "shuffle_columns":
        order = draw(st.permutations(range(len(t.header))))
        t.header = [t.header[i] for i in order]
        t.rows = [[row[i] for i in order] for row in t.rows]
        t.notes.append("shuffle columns")
    elif kind == "upper_header":
        t.header = [h.upper() for h in t.header]
        t.notes.append("upper-case header")
    elif kind == "duplicate_row" and nrows:
        r = draw(st.integers(0, nrows - 1))
        t.rows.insert(draw(st.integers(0, nrows)), list(t.rows[r]))
        t.notes.append(f"duplicate row {r}")
    elif kind == "short_row" and nrows:
        r = draw(st.integers(0, nrows - 1))
        t.rows[r] = t.rows[r][:-1]
        t.notes.append(f"short row {r}")
    elif kind == "long_row" and nrows:
        r = draw(st.integers(0, nrows - 1))
        t.rows[r] = t.rows[r] + ["extra"]
        t.notes.append(f"long row {r}")
    elif kind == "blank_row":
        t.rows.insert(draw(st.integers(0, nrows)), [""] * len(t.header))
        t.notes.append("blank row")
    elif kind == "drop_all_rows":
        t.rows = []
        t.notes.append("no rows")


@st.composite
def byte_mutation(draw, data: bytes, notes: list[str]) -> bytes:
    """Damage the bytes of a file: encodings, quoting, truncation, NUL, junk, empty."""
    if draw(st.integers(0, 9)) < 6:  # most files keep their bytes: the table mutations then matter
        notes.append("bytes: none")
        return data
    kind = draw(st.sampled_from([
        "truncate", "stray_quote", "latin1", "utf16", "nul", "junk", "empty", "whitespace",
        "bom", "crlf", "cr", "semicolons", "append_garbage_line",
    ]))
    notes.append(f"bytes: {kind}")
    if kind == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "stray_quote" and data:
        i = draw(st.integers(0, len(data)))
        return data[:i] + b'"' + data[i:]
    if kind == "latin1":
        text = data.decode("utf-8", errors="replace")
        i = draw(st.integers(0, len(text)))
        return (text[:i] + "Zürich é" + text[i:]).encode("latin-1", errors="replace")
    if kind == "utf16":
        return data.decode("utf-8", errors="replace").encode("utf-16")
    if kind == "nul" and data:
        i = draw(st.integers(0, len(data)))
        return data[:i] + b"\x00" + data[i:]
    if kind == "junk":
        return draw(st.binary(min_size=1, max_size=300))
    if kind == "empty":
        return b""
    if kind == "whitespace":
        return b" \n\n\t \r\n"
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n")
    if kind == "cr":
        return data.replace(b"\n", b"\r")
    if kind == "semicolons":
        return data.replace(b",", b";")
    if kind == "append_garbage_line":
        return data + draw(st.sampled_from([b'"unterminated,1,2\n', b",,,,,,,,,,,,\n", b"\xff\xfe\n", b"#\n"]))
    return data


# ---- generators of valid files ----------------------------------------------------------------------

STATES = ["01", "02", "04", "05", "06", "53", "56"]
NAICS = ["00", "11", "21", "31-33", "111", "112", "1111", "311", "3111", "311111", "336411", "541511"]


@st.composite
def cbp_table(draw) -> Table:
    keys = draw(st.lists(st.tuples(st.sampled_from([2017, 2018, 2019]), st.sampled_from(STATES + ["99"]),
                                   st.sampled_from(NAICS)), min_size=1, max_size=25, unique=True))
    rows = []
    for y, s, n in keys:
        estab = draw(st.integers(0, 50_000))
        emp = draw(st.integers(0, 2_000_000))
        pay = draw(st.integers(0, 90_000_000))
        level = "0" if n == "00" else ("2" if "-" in n else str(len(n)))
        rows.append([str(y), s, n, level, str(estab), str(emp), str(pay)])
    return Table(["year", "state_fips", "naics", "naics_level", "estab", "emp", "payann_k"], rows)


@st.composite
def long_table(draw) -> Table:
    regions = {"R1": "North", "R2": "South", "R3": "East", "DE1": "Baden-Württemberg", "FR10": "Île-de-France"}
    keys = draw(st.lists(st.tuples(st.sampled_from(sorted(regions)), st.sampled_from(["11", "111", "21", "3111", "A", "C10"]),
                                   st.sampled_from([2015, 2016, 2020])), min_size=1, max_size=25, unique=True))
    rows = []
    for r, i, y in keys:
        emp = draw(st.one_of(st.integers(0, 10**7).map(str), st.floats(0, 1e6, allow_nan=False).map(lambda v: f"{v:.3f}"),
                             st.just("")))
        rows.append([r, regions[r], i, str(y), emp, str(draw(st.integers(0, 5000))), str(draw(st.integers(0, 10**8)))])
    return Table(["region_code", "region_name", "industry_code", "year", "employment", "establishments", "payroll"], rows)


EU_NACE = ["TOTAL", "A", "B-E", "F", "G-I", "M_N"]
EU_GEO = ["AT11", "AT12", "DE11", "DE21", "FR10", "DE1", "AT", "EU28"]


@st.composite
def eurostat_text(draw) -> tuple[str, list[str]]:
    years = draw(st.lists(st.sampled_from(range(2008, 2016)), min_size=1, max_size=4, unique=True))
    keys = draw(st.lists(st.tuples(st.sampled_from(EU_NACE), st.sampled_from(["Y_GE15", "Y15-24"]), st.sampled_from(EU_GEO)),
                         min_size=1, max_size=20, unique=True))
    cell = st.one_of(st.floats(0, 5000, allow_nan=False).map(lambda v: f"{v:.1f}"),
                     st.sampled_from([":", ": u", ": c", "12.5 b", "3.0 u", "0", "7 p"]))
    lines = ["unit,nace_r2,age,geo\\time\t" + "\t".join(str(y) for y in sorted(years, reverse=True))]
    for nace, age, geo in keys:
        lines.append(f"THS,{nace},{age},{geo}\t" + "\t".join(draw(cell) for _ in years))
    return "\n".join(lines) + "\n", lines


@st.composite
def crosswalk_table(draw) -> Table:
    clusters = {"1": ("Aerospace", "Traded"), "2": ("Agricultural Inputs", "Traded"), "101": ("Local Health", "Local")}
    codes = draw(st.lists(st.sampled_from(["111", "112", "311111", "336411", "541511", "1111", "3111", "21"]),
                          min_size=1, max_size=8, unique=True))
    rows = []
    for code in codes:
        c = draw(st.sampled_from([*sorted(clusters), ""]))
        name, typ = clusters.get(c, ("", ""))
        rows.append([code, f"Industry {code}", typ, c, name, "sub", "False"])
    if not any(r[3] for r in rows):
        rows[0][3:5] = ["1", "Aerospace"]
        rows[0][2] = "Traded"
    return Table(["naics", "naics_title", "traded_local", "cluster_code", "cluster", "subcluster", "emsi_specific"], rows)


def maybe_mutate(draw, t: Table, numeric: list[str]) -> None:
    for _ in range(draw(st.integers(0, 2))):
        draw(table_mutation(t, numeric))


# ---- the properties -------------------------------------------------------------------------------

@settings(max_examples=20, **SETTINGS)
@given(data=st.data())
def test_cbp_csv_malformed_gives_clear_error_or_correct_import(robust_store, data):
    t = data.draw(cbp_table())
    pristine = [list(r) for r in t.rows]
    maybe_mutate(data.draw, t, ["estab", "emp", "payann_k", "year"])
    raw = data.draw(byte_mutation(t.to_csv().encode("utf-8"), t.notes))
    event("mutations: " + "; ".join(n.split(" row")[0].split(" col")[0] for n in t.notes))
    name = "cbp_states.csv"
    replace = data.draw(st.booleans())
    spec = importer.ImportSpec(format="cbp", files=[SourceFile(name, raw)], dataset_code="baseline" if replace else "cbp_x",
                               replace=replace)
    before = fingerprint(robust_store)
    baseline_time = robust_store.value("SELECT imported_at FROM stats_dataset WHERE dataset_code = 'baseline'")
    summary = run_import(robust_store, spec, [name])
    if summary is None:
        return
    if t.notes in (["bytes: none"], ["bytes: bom"], ["bytes: crlf"]):
        # an untouched file imports exactly: every valid-state row, withheld cells as missing
        good = [r for r in pristine if r[1] in STATES]
        assert summary.rows_imported == len(good)
        assert summary.rejected_count == len(pristine) - len(good)
        emp = robust_store.value("SELECT sum(coalesce(employment, 0)) FROM stats_observation WHERE dataset_code = ?",
                                 [summary.dataset_code])
        withheld = [r for r in good if r[5] == "0" and int(r[4]) > 0 and r[6] == "0"]
        assert (emp or 0) == sum(int(r[5]) for r in good) and summary.withheld == len(withheld)
    if replace:  # the import replaced the baseline dataset: put it back as it was
        importer.delete_dataset(robust_store, "baseline")
        importer.import_dataset(robust_store, importer.ImportSpec(
            format="long", files=[SourceFile("baseline.csv", BASELINE_LONG.encode())], dataset_code="baseline"))
        robust_store.execute_write("UPDATE stats_dataset SET imported_at = ? WHERE dataset_code = 'baseline'",
                                   [baseline_time])
        assert fingerprint(robust_store) == before
    else:
        restore(robust_store, summary.dataset_code, before)


@settings(max_examples=10, **SETTINGS)
@given(data=st.data())
def test_cbp_census_json_malformed_gives_clear_error_or_correct_import(robust_store, data):
    t = data.draw(cbp_table())
    header = ["NAICS2017", "ESTAB", "EMP", "PAYANN", "YEAR", "state"]
    rows = [[r[2], r[4], r[5], r[6], r[0], r[1]] for r in t.rows]
    jt = Table(header, rows)
    maybe_mutate(data.draw, jt, ["ESTAB", "EMP", "PAYANN", "YEAR"])
    as_numbers = data.draw(st.booleans())
    doc = [jt.header] + [[(int(v) if as_numbers and v.isdigit() else v) for v in r] for r in jt.rows]
    text = json.dumps(doc, ensure_ascii=False)
    shape = data.draw(st.sampled_from(["ok", "ok", "object", "truncated", "nested", "nulls"]))
    jt.notes.append(f"json: {shape}")
    if shape == "object":
        text = json.dumps({"data": doc})
    elif shape == "truncated":
        text = text[: max(1, len(text) // 2)]
    elif shape == "nested" and len(doc) > 1:
        doc[1][1] = {"a": [1, 2]}
        text = json.dumps(doc)
    elif shape == "nulls" and len(doc) > 1:
        doc[1] = [None] * len(doc[1])
        text = json.dumps(doc)
    raw = data.draw(byte_mutation(text.encode("utf-8"), jt.notes))
    name = "cbp_2019_api.json"
    before = fingerprint(robust_store)
    summary = run_import(robust_store, importer.ImportSpec(format="cbp", files=[SourceFile(name, raw)], dataset_code="cbp_json"),
                         [name])
    if summary is not None:
        restore(robust_store, summary.dataset_code, before)


@settings(max_examples=20, **SETTINGS)
@given(data=st.data())
def test_long_csv_malformed_gives_clear_error_or_correct_import(robust_store, data):
    t = data.draw(long_table())
    maybe_mutate(data.draw, t, ["employment", "establishments", "payroll", "year"])
    raw = data.draw(byte_mutation(t.to_csv().encode("utf-8"), t.notes))
    name = "regions_long.csv"
    before = fingerprint(robust_store)
    summary = run_import(robust_store, importer.ImportSpec(format="long", files=[SourceFile(name, raw)], dataset_code="long_x"),
                         [name])
    if summary is not None:
        restore(robust_store, summary.dataset_code, before)


@settings(max_examples=20, **SETTINGS)
@given(data=st.data())
def test_eurostat_tsv_malformed_gives_clear_error_or_correct_import(robust_store, data):
    text, lines = data.draw(eurostat_text())
    notes: list[str] = []
    kind = data.draw(st.sampled_from(["none", "none", "bad_cell", "negative", "bad_year", "bad_dims", "short", "dupe",
                                      "no_backslash", "huge", "space_sep"]))
    notes.append(kind)
    if kind != "none" and len(lines) > 1:
        i = data.draw(st.integers(1, len(lines) - 1))
        cells = lines[i].split("\t")
        if kind == "bad_cell":
            cells[-1] = data.draw(st.sampled_from(["abc", "1,5", "n/a", "1 2", "- ", "nan", "inf", "1e400 b"]))
        elif kind == "negative":
            cells[-1] = "-3.5 b"
        elif kind == "bad_year":
            lines[0] = lines[0].rsplit("\t", 1)[0] + "\t2015Q1"
        elif kind == "bad_dims":
            cells[0] = cells[0].rsplit(",", 1)[0]
        elif kind == "short":
            cells = cells[:-1] if len(cells) > 1 else cells + ["1", "2"]
        elif kind == "dupe":
            lines.append(lines[i])
        elif kind == "no_backslash":
            lines[0] = lines[0].replace("\\time", "")
        elif kind == "huge":
            cells[-1] = HUGE
        elif kind == "space_sep":
            cells = [" ".join(cells)]
        lines[i] = "\t".join(cells)
        text = "\n".join(lines) + "\n"
    raw = data.draw(byte_mutation(text.encode("utf-8"), notes))
    name = "lfst_r_lfe2en2.tsv"
    national = data.draw(st.sampled_from([None, None, "EU28", "XX99"]))
    before = fingerprint(robust_store)
    summary = run_import(robust_store, importer.ImportSpec(format="eurostat", files=[SourceFile(name, raw)],
                                                            dataset_code="eu_x", national_region=national), [name])
    if summary is not None:
        restore(robust_store, summary.dataset_code, before)


SMALL_CBP = (
    "year,state_fips,naics,naics_level,estab,emp,payann_k\n"
    "2019,01,111,3,5,50,2000\n2019,01,112,3,5,30,1000\n2019,02,111,3,4,10,300\n2019,02,112,3,6,60,2200\n"
    "2019,01,311111,6,2,20,800\n2019,02,336411,6,3,90,5000\n2019,01,541511,6,3,40,3000\n"
)


@settings(max_examples=12, **SETTINGS)
@given(data=st.data())
def test_crosswalk_malformed_gives_clear_error_or_correct_import(robust_store, data):
    t = data.draw(crosswalk_table())
    pristine = [list(r) for r in t.rows]
    maybe_mutate(data.draw, t, ["cluster_code"])
    raw = data.draw(byte_mutation(t.to_csv().encode("utf-8"), t.notes))
    name = "naics_crosswalk.csv"
    spec = importer.ImportSpec(format="cbp", files=[SourceFile("small_cbp.csv", SMALL_CBP.encode())],
                               crosswalk=SourceFile(name, raw), dataset_code="cw_x")
    before = fingerprint(robust_store)
    summary = run_import(robust_store, spec, [name, "small_cbp.csv"])
    if summary is None:
        return
    if t.notes == ["bytes: none"]:
        # untouched: every finest-level industry is in the cluster of its crosswalk row, or of the
        # longest crosswalk code it starts with (a coarser code covers its sub-industries), or in none
        mapped = {r[0]: (r[3] or None) for r in pristine}

        def expected(code: str):
            if code in mapped:
                return mapped[code]
            prefixes = sorted((c for c in mapped if code.startswith(c)), key=len, reverse=True)
            return mapped[prefixes[0]] if prefixes else None

        ind = queries.stats_industries(robust_store, "cw_x")
        for r in ind[ind["is_finest"]].itertuples():
            assert (r.cluster_code if isinstance(r.cluster_code, str) else None) == expected(r.industry_code), r
    restore(robust_store, summary.dataset_code, before)


@pytest.mark.parametrize("fmt,text,field_", [
    ("long", "region_code,region_name,industry_code,year,employment\nA,a,11,2019,5\nB,b,11,2019,{v}\n", "employment"),
    ("long", "region_code,region_name,industry_code,year,employment,payroll\nA,a,11,2019,5,1\nB,b,11,2019,4,{v}\n", "payroll"),
    ("cbp", "year,state_fips,naics,estab,emp,payann_k\n2019,01,11,1,5,1\n2019,02,11,1,{v},1\n", "emp"),
])
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e400"])
def test_non_finite_numbers_are_refused_naming_line_and_column(store, fmt, text, field_, value):
    """'nan' or 'inf' in a count is text, not a number (found by the properties above: imported,
    one 'nan' made every location quotient of the dataset NaN through the national totals)."""
    name = "numbers.csv"
    before = fingerprint(store)
    with pytest.raises(UserError) as err:
        importer.import_dataset(store, importer.ImportSpec(
            format=fmt, files=[SourceFile(name, text.format(v=value).encode())], dataset_code="nonfinite"))
    msg = str(err.value)
    assert name in msg and field_ in msg and "line 3" in msg, msg
    assert fingerprint(store) == before


@pytest.mark.parametrize("extra", ["naics_title", "x", "emp) FROM raw; --", "Unnamed: 0"])
def test_cbp_csv_with_an_extra_column_imports_and_ignores_it(store, extra):
    """An unexpected column is ignored and named in the notes (found by the properties above: a
    header name outside the layout went into SQL and failed with a DuckDB binder error)."""
    text = (f"year,state_fips,naics,\"{extra}\",estab,emp,payann_k\n"
            "2019,01,111,a,5,50,2000\n2019,02,111,b,4,10,300\n")
    summary = importer.import_dataset(store, importer.ImportSpec(
        format="cbp", files=[SourceFile("extra.csv", text.encode())], dataset_code="extra"))
    assert summary.rows_imported == 2 and summary.rejected_count == 0
    assert any(extra.lower() in n for n in summary.notes), summary.notes
    check_imported_dataset(store, "extra")


def test_fractional_counts_are_refused_not_rounded(store):
    """1.5 establishments is not a count (it was silently rounded to 2)."""
    name = "fraction.csv"
    text = "year,state_fips,naics,estab,emp,payann_k\n2019,01,11,1,5,1\n2019,02,11,1.5,5,1\n"
    before = fingerprint(store)
    with pytest.raises(UserError) as err:
        importer.import_dataset(store, importer.ImportSpec(format="cbp", files=[SourceFile(name, text.encode())],
                                                           dataset_code="fraction"))
    assert name in str(err.value) and "estab" in str(err.value) and "line 3" in str(err.value), str(err.value)
    assert fingerprint(store) == before


def test_eurostat_number_too_large_for_a_double_is_refused(store):
    """A 400-digit cell became float('inf') employment."""
    name = "lfst_r_lfe2en2.tsv"
    text = "unit,nace_r2,age,geo\\time\t2015\nTHS,A,Y_GE15,AT11\t12.5\nTHS,A,Y_GE15,AT12\t" + "9" * 400 + " b\n"
    before = fingerprint(store)
    with pytest.raises(UserError) as err:
        importer.import_dataset(store, importer.ImportSpec(format="eurostat", files=[SourceFile(name, text.encode())],
                                                           dataset_code="eu_inf"))
    assert name in str(err.value) and "line 3" in str(err.value) and "2015" in str(err.value), str(err.value)
    assert fingerprint(store) == before


# ---- financing CSV import -------------------------------------------------------------------------

@st.composite
def financing_table(draw) -> Table:
    from clusterdash import financing

    years = sorted(draw(st.lists(st.integers(2015, 2030), min_size=1, max_size=4, unique=True)))
    cats = [(k, c) for k, cs in financing.CATEGORIES.items() for c in cs]
    chosen = draw(st.lists(st.sampled_from(cats), min_size=1, max_size=8, unique=True))
    rows = []
    for kind, c in chosen:
        label = draw(st.sampled_from([c.name, c.code]))
        rows.append([kind, label] + [draw(st.one_of(st.just(""), st.integers(0, 10**7).map(str),
                                                    st.floats(0, 1e6, allow_nan=False).map(lambda v: f"{v:.2f}")))
                                     for _ in years])
    return Table(["kind", "category"] + [str(y) for y in years], rows)


@settings(max_examples=20, **SETTINGS)
@given(data=st.data())
def test_financing_csv_malformed_gives_clear_error_or_correct_import(robust_store, data):
    t = data.draw(financing_table())
    pristine = Table(list(t.header), [list(r) for r in t.rows])
    maybe_mutate(data.draw, t, t.header[2:])
    raw = data.draw(byte_mutation(t.to_csv().encode("utf-8"), t.notes))
    wid = queries.default_workspace(robust_store)
    before = fingerprint(robust_store)
    try:
        n, years = queries.import_financing_entries(robust_store, wid, raw)
    except UserError as exc:
        msg = str(exc)
        assert msg.strip() and len(msg) < 2000
        assert LOCATOR.search(msg) or re.search(r"empty|not UTF-8", msg), msg
        assert fingerprint(robust_store) == before
        return
    got = queries.financing_entries(robust_store, wid)
    assert len(got[got["year"].isin(years)]) == n
    if t.notes == ["bytes: none"]:
        expected = sum(1 for r in pristine.rows for v in r[2:] if v.strip())
        assert n == expected
    for y in years:
        queries.delete_financing_year(robust_store, wid, y)
    after = fingerprint(robust_store)
    assert {k: v for k, v in after.items() if k != "financing_entry"} == \
        {k: v for k, v in before.items() if k != "financing_entry"}
    assert after["financing_entry"][0] == before["financing_entry"][0]


def test_financing_csv_huge_field_is_a_clear_error(robust_store):
    wid = queries.default_workspace(robust_store)
    data = ("kind,category,2023\nincome,Membership fees," + HUGE + "\n").encode()
    with pytest.raises(UserError, match="line 2"):
        queries.import_financing_entries(robust_store, wid, data)


# ---- knowledge loader ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def knowledge_copy(tmp_path_factory):
    d = tmp_path_factory.mktemp("knowledge")
    for p in config.KNOWLEDGE_DIR.glob("*.csv"):
        shutil.copy(p, d / p.name)
    return d


KNOWLEDGE_FILES = ["headline_fact.csv", "maturity_stage.csv", "guidance_list.csv", "financing_figure.csv"]


@settings(max_examples=8, **SETTINGS)
@given(data=st.data())
def test_knowledge_loader_malformed_gives_clear_error_or_correct_load(robust_store, knowledge_copy, data):
    name = data.draw(st.sampled_from([n for n in KNOWLEDGE_FILES if (knowledge_copy / n).exists()]))
    path = knowledge_copy / name
    original = path.read_bytes()
    rows = list(csv.reader(io.StringIO(original.decode("utf-8"))))
    t = Table(rows[0], [r for r in rows[1:] if r])
    typed = [c.name for tb in knowledge.knowledge_tables() if tb.csv == name for c in tb.columns
             if c.type in ("INTEGER", "BIGINT", "DOUBLE", "BOOLEAN")]
    maybe_mutate(data.draw, t, typed)
    raw = data.draw(byte_mutation(t.to_csv().encode("utf-8"), t.notes))
    before = fingerprint(robust_store)
    path.write_bytes(raw)
    try:
        knowledge.load_knowledge(robust_store, knowledge_copy)
    except UserError as exc:
        msg = str(exc)
        assert name in msg and (LOCATOR.search(msg) or "empty" in msg or "missing" in msg), msg
        assert fingerprint(robust_store) == before
    else:
        knowledge.load_knowledge(robust_store, config.KNOWLEDGE_DIR)  # back to the real knowledge base
    finally:
        path.write_bytes(original)


def test_knowledge_file_in_latin1_is_a_clear_error(knowledge_copy, store):
    path = knowledge_copy / "headline_fact.csv"
    original = path.read_bytes()
    try:
        path.write_bytes(original.decode("utf-8").encode("latin-1", errors="replace") + "é\n".encode("latin-1"))
        with pytest.raises(UserError, match="headline_fact.csv"):
            knowledge.load_knowledge(store, knowledge_copy)
    finally:
        path.write_bytes(original)


def test_knowledge_file_with_huge_field_is_a_clear_error(knowledge_copy, store):
    path = knowledge_copy / "headline_fact.csv"
    original = path.read_bytes()
    try:
        path.write_bytes(original + HUGE.encode() + b"\n")
        with pytest.raises(UserError, match="headline_fact.csv"):
            knowledge.load_knowledge(store, knowledge_copy)
    finally:
        path.write_bytes(original)
