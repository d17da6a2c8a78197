"""Read and validate statistics files into a *staging* database (an in-memory DuckDB).

Nothing here touches the store: :mod:`clusterdash.stats.importer` writes the staged rows in
one transaction once every file has passed. Every problem raises :class:`StatsImportError`
naming the file, the line (or JSON row) and the field; rows that are well-formed but cannot
be used (an unknown state code, an aggregate region) are *rejected* with a reason and listed
in the import summary instead.

Each reader appends to the staging table ``obs`` (one row per region × industry × year) with
the columns of :data:`OBS_COLUMNS`, and to ``rejected``.

Formats:

- ``cbp``: County Business Patterns by state × NAICS, either the CSV layout
  ``year, state_fips, naics[, naics_level], estab, emp, payann_k`` or the raw Census API JSON
  (first row = header ``NAICS2017, ESTAB, EMP, PAYANN, state`` and optionally
  ``NAICS2017_LABEL, NAME, YEAR``; PAYANN is annual payroll in $1,000). A withheld cell
  (``emp = 0`` and ``payann = 0`` with ``estab > 0``) is stored as missing, not zero.
- ``eurostat``: Eurostat's raw TSV (first column ``dim1,dim2,...,geo\\time``, one column per
  year, values like ``14.3 b`` or ``: u``; ``:`` is missing). One slice of the other
  dimensions is kept (default age ``Y_GE15``, sex ``T``, unit ``THS`` = thousand persons).
- ``long``: ``region_code, region_name, industry_code, year, employment`` and optionally
  ``establishments, payroll, industry_name, industry_level``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pyarrow as pa

from clusterdash.errors import UserError

Progress = Callable[[float, str], None]


class StatsImportError(UserError):
    """A statistics file cannot be imported; the message names file, line and field."""


OBS_COLUMNS = {
    "file_name": "VARCHAR",
    "source_line": "INTEGER",
    "region_code": "VARCHAR",
    "region_name": "VARCHAR",
    "industry_code": "VARCHAR",
    "industry_name": "VARCHAR",
    "industry_level": "INTEGER",
    "year": "INTEGER",
    "employment": "DOUBLE",
    "establishments": "BIGINT",
    "payroll": "DOUBLE",
    "is_withheld": "BOOLEAN",
    "flags": "VARCHAR",
}

MAX_LISTED = 3  # offending cells named in one error message


@dataclass
class SourceFile:
    """A file to import: a display name and its bytes (an upload or a file on disk)."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path) -> "SourceFile":
        from pathlib import Path

        p = Path(path)
        try:
            return cls(p.name, p.read_bytes())
        except FileNotFoundError:
            raise StatsImportError(f"{p}: file not found") from None
        except IsADirectoryError:
            raise StatsImportError(f"{p}: is a folder, not a file") from None


@dataclass
class ReadReport:
    """What a reader saw, beyond the staged rows."""

    rows_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows not imported (not errors)
    notes: list[str] = field(default_factory=list)
    classification: str | None = None
    year_from_name: int | None = None
    region_kind: str | None = None  # CBP: "county" for county files (default: states)

    def skip(self, reason: str, n: int = 1) -> None:
        if n:
            self.skipped[reason] = self.skipped.get(reason, 0) + n


class Stage:
    """The staging database of one import."""

    def __init__(self):
        self.con = duckdb.connect(":memory:")
        cols = ", ".join(f"{k} {v}" for k, v in OBS_COLUMNS.items())
        self.con.execute(f"CREATE TABLE obs ({cols})")
        self.con.execute(
            "CREATE TABLE rejected (file_name VARCHAR, source_line INTEGER, reason VARCHAR, raw_text VARCHAR)"
        )

    def close(self) -> None:
        self.con.close()

    def reject(self, file_name: str, line: int, reason: str, raw_text: str) -> None:
        self.con.execute("INSERT INTO rejected VALUES (?, ?, ?, ?)", [file_name, line, reason, raw_text])


# ---- text and CSV ------------------------------------------------------------------------

def decode_text(f: SourceFile) -> str:
    """The file as text: UTF-8 (with or without BOM). Anything else is a clear error."""
    data = f.data
    if not data.strip():
        raise StatsImportError(f"{f.name}: the file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise StatsImportError(f"{f.name}: the file is UTF-16 encoded; save it as UTF-8 (CSV UTF-8) and import again")
    if b"\x00" in data[:4096]:
        raise StatsImportError(f"{f.name}: this is not a text file (it contains NUL bytes); expected CSV/TSV/JSON text in UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StatsImportError(
            f"{f.name} line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); the file seems to be in "
            "another encoding (e.g. Latin-1/Windows-1252): save it as UTF-8 and import again"
        ) from None
    return text.lstrip("\ufeff")


@dataclass
class CsvTable:
    name: str
    header: list[str]
    columns: dict[str, list[str]]
    lines: list[int]

    def __len__(self) -> int:
        return len(self.lines)


def read_csv_table(f: SourceFile, *, progress: Progress | None = None, what: str = "CSV") -> CsvTable:
    """Parse a comma-separated file with a header row (exact line numbers, every field as text)."""
    text = decode_text(f)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise StatsImportError(f"{f.name}: the file is empty") from None
    except csv.Error as exc:
        raise StatsImportError(f"{f.name} line 1: not a valid {what} file ({exc})") from None
    header = [h.strip().lower() for h in header]
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        raise StatsImportError(
            f"{f.name} line 1: expected comma-separated columns, found one column {header[0]!r} "
            "(is the file separated by semicolons or tabs?)"
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise StatsImportError(f"{f.name} line 1: column(s) {', '.join(dupes)} appear more than once")
    n = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    total_lines = max(text.count("\n"), 1)
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) != n:
                raise StatsImportError(
                    f"{f.name} line {reader.line_num}: {len(row)} fields, expected {n} ({', '.join(header)})"
                )
            rows.append(row)
            lines.append(reader.line_num)
            if progress and len(lines) % 50_000 == 0:
                progress(min(reader.line_num / total_lines, 1.0), f"{f.name}: {len(lines):,} rows read")
    except csv.Error as exc:
        raise StatsImportError(f"{f.name} line {reader.line_num}: not a valid {what} file ({exc})") from None
    cols = list(zip(*rows)) if rows else [() for _ in header]
    return CsvTable(f.name, header, {h: list(c) for h, c in zip(header, cols)}, lines)


def require_columns(t: CsvTable, required: list[str], optional: list[str], layout: str) -> list[str]:
    """Check the header; returns the unexpected columns (ignored, reported in the notes)."""
    missing = [c for c in required if c not in t.header]
    if missing:
        raise StatsImportError(
            f"{t.name} line 1: missing column(s) {', '.join(missing)}; the {layout} layout needs "
            f"{', '.join(required)}" + (f" and may have {', '.join(optional)}" if optional else "")
            + f" (found: {', '.join(t.header)})"
        )
    return [c for c in t.header if c not in required and c not in optional]


def to_arrow(t: CsvTable, columns: list[str]) -> pa.Table:
    data = {c: pa.array(t.columns[c], pa.string()) for c in columns if c in t.columns}
    data["source_line"] = pa.array(t.lines, pa.int32())
    return pa.table(data)


def check_numbers(con, table: str, file_name: str, specs: dict[str, tuple[str, bool]], line_label: str = "line") -> None:
    """Validate text columns of a staged raw table.

    ``specs``: column -> (kind, required); kind is 'integer' (whole numbers ≥ 0), 'count' (whole
    numbers ≥ 0, thousands separators "," allowed) or 'number' (≥ 0, "," allowed). Raises naming
    up to three offending lines and the column (long values shortened).
    """
    for column, (kind, required) in specs.items():
        sql_type = "DOUBLE" if kind == "number" else "BIGINT"
        word = "a number" if kind == "number" else "a whole number"
        cleaned = f"replace(trim({column}), ',', '')" if kind in ("number", "count") else f"trim({column})"
        bad = con.execute(
            f"SELECT source_line, {column} FROM {table} WHERE trim(coalesce({column}, '')) <> '' "
            f"AND (TRY_CAST({cleaned} AS {sql_type}) IS NULL OR NOT isfinite(TRY_CAST({cleaned} AS DOUBLE)) "
            f"OR TRY_CAST({cleaned} AS DOUBLE) <> TRY_CAST({cleaned} AS {sql_type})) ORDER BY source_line LIMIT {MAX_LISTED}"
        ).fetchall()
        if bad:
            listed = "; ".join(f"{line_label} {ln}: {v!r}" for ln, v in bad)
            raise StatsImportError(f"{file_name}, column {column}: text where {word} is expected ({listed})")
        neg = con.execute(
            f"SELECT source_line, {column} FROM {table} WHERE TRY_CAST({cleaned} AS DOUBLE) < 0 "
            f"ORDER BY source_line LIMIT {MAX_LISTED}"
        ).fetchall()
        if neg:
            listed = "; ".join(f"{line_label} {ln}: {v}" for ln, v in neg)
            raise StatsImportError(f"{file_name}, column {column}: negative counts are not allowed ({listed})")
        if required:
            blank = con.execute(
                f"SELECT source_line FROM {table} WHERE trim(coalesce({column}, '')) = '' ORDER BY source_line LIMIT {MAX_LISTED}"
            ).fetchall()
            if blank:
                listed = ", ".join(str(r[0]) for r in blank)
                raise StatsImportError(f"{file_name}, column {column}: a value is required ({line_label} {listed})")


def check_years(con, table: str, file_name: str, column: str = "year", line_label: str = "line") -> None:
    bad = con.execute(
        f"SELECT source_line, {column} FROM {table} WHERE TRY_CAST(trim({column}) AS INTEGER) IS NULL "
        f"OR TRY_CAST(trim({column}) AS INTEGER) NOT BETWEEN 1900 AND 2100 ORDER BY source_line LIMIT {MAX_LISTED}"
    ).fetchall()
    if bad:
        listed = "; ".join(f"{line_label} {ln}: {v!r}" for ln, v in bad)
        raise StatsImportError(f"{file_name}, column {column}: not a year between 1900 and 2100 ({listed})")


# ---- NAICS -------------------------------------------------------------------------------

NAICS_CODE = r"^(\d{2,6}|\d{2}-\d{2})$"


def naics_level_sql(code: str) -> str:
    """SQL expression: the NAICS level of a code column ('00' → 0, '31-33' → 2, '3361' → 4)."""
    return (f"CASE WHEN {code} = '00' THEN 0 WHEN {code} LIKE '__-__' THEN 2 "
            f"WHEN regexp_full_match({code}, '\\d{{2,6}}') THEN length({code}) END")


# ---- cbp: CSV layout ---------------------------------------------------------------------

CBP_REQUIRED = ["year", "state_fips", "naics", "estab", "emp", "payann_k"]
CBP_OPTIONAL = ["naics_level"]


def read_cbp(stage: Stage, f: SourceFile, states: dict[str, str], *, year: int | None = None,
             progress: Progress | None = None) -> ReadReport:
    """County Business Patterns: the CSV layout or the raw Census API JSON (detected by content)."""
    if is_parquet(f):
        return read_cbp_parquet(stage, f, states, progress=progress)
    head = f.data.lstrip()[:1]
    if head == b"[":
        return read_cbp_json(stage, f, states, year=year, progress=progress)
    t = read_csv_table(f, progress=progress)
    if "fipscty" in [h.lower() for h in t.header]:  # the Census county file layout (cbpYYco.txt)
        from clusterdash.stats import geographies

        return geographies.read_cbp_county_file(stage, f, t, year=year)
    extra = require_columns(t, CBP_REQUIRED, CBP_OPTIONAL, "CBP CSV")
    report = ReadReport(rows_read=len(t), classification="NAICS 2017")
    if extra:
        report.notes.append(f"{f.name}: columns ignored: {', '.join(extra)}")
    if not len(t):
        raise StatsImportError(f"{f.name}: the file has a header but no rows")
    con = stage.con
    con.register("_raw", to_arrow(t, CBP_REQUIRED + [c for c in CBP_OPTIONAL if c in t.columns]))
    con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM _raw")
    con.unregister("_raw")
    check_years(con, "raw", f.name)
    check_numbers(con, "raw", f.name, {"estab": ("integer", True), "emp": ("integer", True),
                                       "payann_k": ("integer", True)})
    _stage_cbp(stage, f.name, states, report,
               raw_text="concat_ws(',', " + ", ".join(c for c in t.header if c in CBP_REQUIRED + CBP_OPTIONAL) + ")")
    return report


CBP_WITHHELD = "emp = 0 AND estab > 0 AND payann_k = 0"


def _stage_cbp(stage: Stage, file_name: str, states: dict[str, str], report: ReadReport, *, raw_text: str,
               line_label: str = "line", typed_sql: str | None = None, region_width: int = 2,
               withheld: str = CBP_WITHHELD, region_word: str = "state FIPS") -> None:
    """From the validated text table ``raw`` (year, state_fips, naics, estab, emp, payann_k,
    [naics_title], source_line) — or, with ``typed_sql``, from a query giving the typed columns
    directly (typed Parquet) — to staged observations and rejected rows. ``states``: the known
    region codes and names (states, or counties with ``region_width`` 5); ``withheld``: the SQL
    condition of a withheld cell on the typed columns."""
    con = stage.con
    con.execute("CREATE OR REPLACE TEMP TABLE _states (code VARCHAR, name VARCHAR)")
    con.executemany("INSERT INTO _states VALUES (?, ?)", list(states.items()))
    if typed_sql is not None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {typed_sql}")
    has_title = typed_sql is None and "naics_title" in [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
    if typed_sql is None:
        con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE typed AS
        SELECT source_line, {raw_text} AS raw_text,
               lpad(trim(state_fips), {region_width}, '0') AS region_code,
               trim(naics) AS industry_code,
               {"nullif(trim(naics_title), '')" if has_title else "NULL"} AS industry_name,
               CAST(trim(year) AS INTEGER) AS year,
               CAST(trim(estab) AS BIGINT) AS estab,
               CAST(trim(emp) AS BIGINT) AS emp,
               CAST(trim(payann_k) AS DOUBLE) AS payann_k
        FROM raw
        """
        )
    naics_re = NAICS_CODE[1:-1]
    withheld_text = ("'withheld (emp = 0, payroll = 0, estab > 0)'" if withheld == CBP_WITHHELD
                     else "CASE WHEN emp = 0 AND estab > 0 AND payann_k = 0 THEN 'withheld (emp = 0, payroll = 0, estab > 0)' "
                          "ELSE 'withheld (noise flag ' || emp_nf || ', emp = 0)' END")
    con.execute(
        f"""
        INSERT INTO rejected
        SELECT ?, source_line,
               CASE WHEN NOT regexp_full_match(industry_code, '{naics_re}')
                        THEN 'industry code "' || industry_code || '" is not a NAICS code'
                    ELSE 'unknown {region_word} code "' || region_code || '"' END,
               raw_text
        FROM typed
        WHERE NOT regexp_full_match(industry_code, '{naics_re}')
           OR region_code NOT IN (SELECT code FROM _states)
        """,
        [file_name],
    )
    con.execute(
        f"""
        INSERT INTO obs
        SELECT ?, source_line, region_code, s.name, industry_code, industry_name,
               {naics_level_sql('industry_code')}, year,
               CASE WHEN {withheld} THEN NULL ELSE emp END,
               estab,
               CASE WHEN {withheld} THEN NULL ELSE payann_k END,
               ({withheld}),
               CASE WHEN {withheld} THEN {withheld_text} END
        FROM typed JOIN _states s ON s.code = typed.region_code
        WHERE regexp_full_match(industry_code, '{NAICS_CODE[1:-1]}')
        """,
        [file_name],
    )


# ---- Parquet (the embedded copies in data/stats/, or a user's file of the same layout) ------

PARQUET_MAGIC = b"PAR1"


def is_parquet(f: SourceFile) -> bool:
    return f.data[:4] == PARQUET_MAGIC and f.data[-4:] == PARQUET_MAGIC


def read_parquet_table(f: SourceFile) -> pa.Table:
    import pyarrow.parquet as pq

    try:
        return pq.read_table(pa.BufferReader(f.data))
    except Exception as exc:  # noqa: BLE001 — pyarrow raises several types for a damaged file
        raise StatsImportError(f"{f.name}: not a readable Parquet file ({exc})") from None


def _stage_parquet(stage: Stage, f: SourceFile, table: pa.Table, columns: list[str], optional: list[str],
                   layout: str) -> list[str]:
    """Register a Parquet table as the text table ``raw`` (every column CAST to VARCHAR, so the
    same validation and staging SQL as for CSV applies). Returns the columns present."""
    names = [n.lower() for n in table.column_names]
    table = table.rename_columns(names)
    missing = [c for c in columns if c not in names]
    if missing:
        raise StatsImportError(
            f"{f.name}: missing column(s) {', '.join(missing)}; the {layout} layout needs {', '.join(columns)}"
            + (f" and may have {', '.join(optional)}" if optional else "") + f" (found: {', '.join(names)})"
        )
    if not table.num_rows:
        raise StatsImportError(f"{f.name}: the file has no rows")
    present = columns + [c for c in optional if c in names]
    con = stage.con
    con.register("_pq", table)
    line = "CAST(source_line AS INTEGER)" if "source_line" in names else "CAST(row_number() OVER () AS INTEGER)"
    casts = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in present if c != "source_line")
    con.execute(f"CREATE OR REPLACE TEMP TABLE raw AS SELECT {casts}, {line} AS source_line FROM _pq")
    con.unregister("_pq")
    return present


def read_cbp_parquet(stage: Stage, f: SourceFile, states: dict[str, str], *,
                     progress: Progress | None = None) -> ReadReport:
    """CBP in Parquet with the CSV layout's columns (typed or text); ``source_line`` (the line
    of the original CSV) is kept when the file has it, else the row number."""
    table = read_parquet_table(f)
    if progress:
        progress(0.3, f"{f.name}: {table.num_rows:,} rows read")
    report = ReadReport(rows_read=table.num_rows, classification="NAICS 2017")
    names = [n.lower() for n in table.column_names]
    numeric = ("year", "estab", "emp", "payann_k")
    if all(c in names for c in CBP_REQUIRED) and all(
            pa.types.is_integer(table.schema.field(names.index(c)).type) for c in numeric) and table.num_rows:
        _stage_cbp_typed(stage, f, table.rename_columns(names), states, report)
        return report
    present = _stage_parquet(stage, f, table, CBP_REQUIRED, CBP_OPTIONAL + ["source_line"], "CBP")
    con = stage.con
    check_years(con, "raw", f.name, line_label="row")
    check_numbers(con, "raw", f.name, {"estab": ("integer", True), "emp": ("integer", True),
                                       "payann_k": ("integer", True)}, line_label="row")
    _stage_cbp(stage, f.name, states, report,
               raw_text="concat_ws(',', " + ", ".join(c for c in present if c != "source_line") + ")",
               line_label="row")
    return report


def _stage_cbp_typed(stage: Stage, f: SourceFile, table: pa.Table, states: dict[str, str], report: ReadReport) -> None:
    """Typed CBP Parquet (the embedded copy): validate in SQL, stage without a text round trip."""
    con = stage.con
    con.register("_pq", table)
    try:
        line = "source_line" if "source_line" in table.column_names else "CAST(row_number() OVER () AS INTEGER)"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _pqt AS SELECT *, {line} AS _line FROM _pq")
    finally:
        con.unregister("_pq")
    for c in ("year", "estab", "emp", "payann_k"):
        bad = con.execute(
            f"SELECT _line, {c} FROM _pqt WHERE {c} IS NULL OR {c} < 0"
            + (" OR year NOT BETWEEN 1900 AND 2100" if c == "year" else "") + f" ORDER BY _line LIMIT {MAX_LISTED}"
        ).fetchall()
        if bad:
            listed = "; ".join(f"row {ln}: {v!r}" for ln, v in bad)
            what = "a year between 1900 and 2100" if c == "year" else "a whole number ≥ 0"
            raise StatsImportError(f"{f.name}, column {c}: {what} is required ({listed})")
    _stage_cbp(stage, f.name, states, report, raw_text="", line_label="row", typed_sql=(
        "SELECT _line AS source_line, concat_ws(',', year, state_fips, naics, estab, emp, payann_k) AS raw_text, "
        "lpad(trim(CAST(state_fips AS VARCHAR)), 2, '0') AS region_code, trim(CAST(naics AS VARCHAR)) AS industry_code, "
        "CAST(NULL AS VARCHAR) AS industry_name, CAST(year AS INTEGER) AS year, CAST(estab AS BIGINT) AS estab, "
        "CAST(emp AS BIGINT) AS emp, CAST(payann_k AS DOUBLE) AS payann_k FROM _pqt"))
    con.execute("DROP TABLE _pqt")


# ---- cbp: raw Census API JSON ------------------------------------------------------------

JSON_MAX_DEPTH = 16  # the Census API layout needs 2; Python's parser fails near 1,000
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_too_deep(text: str, limit: int) -> int | None:
    """The line where ``text`` (JSON) nests deeper than ``limit`` arrays/objects, else None.
    Strings are skipped whole, so brackets inside them do not count."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group(0)
        if tok in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, m.start()) + 1
        elif tok in "]}":
            depth -= 1
    return None


def read_cbp_json(stage: Stage, f: SourceFile, states: dict[str, str], *, year: int | None = None,
                  progress: Progress | None = None) -> ReadReport:
    text = decode_text(f)
    deep = json_too_deep(text, JSON_MAX_DEPTH)
    if deep is not None:
        raise StatsImportError(
            f"{f.name} line {deep}: nested more than {JSON_MAX_DEPTH} levels deep; the Census API layout is an array "
            "of rows, each an array of values (2 levels)")
    try:
        # numbers stay text (validated below like CSV cells: no float overflow to inf, no 4,300-digit
        # limit of int()); NaN/Infinity literals stay text too and are refused as not numbers
        data = json.loads(text, parse_float=str, parse_int=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise StatsImportError(f"{f.name} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:  # the pre-check above makes this unreachable; kept as the last line of defence
        raise StatsImportError(f"{f.name}: nested too deeply to be read (expected the Census API layout)") from None
    if not isinstance(data, list) or not data or not all(isinstance(r, list) for r in data):
        raise StatsImportError(f"{f.name}: expected the Census API layout: a JSON array of rows, the first row the header")
    for i, row in enumerate(data, start=1):
        for j, cell in enumerate(row, start=1):
            if isinstance(cell, (list, dict)):
                raise StatsImportError(
                    f"{f.name} row {i}, field {j}: a nested {'array' if isinstance(cell, list) else 'object'} "
                    "where a value is expected (the Census API layout has one value per field)")
    header = [str(h).strip() for h in data[0]]
    upper = [h.upper() for h in header]
    naics_col = next((h for h in upper if re.fullmatch(r"NAICS(2017|2012|2022)", h)), None)
    missing = [c for c in ("ESTAB", "EMP", "PAYANN") if c not in upper]
    if naics_col is None:
        missing.insert(0, "NAICS2017")
    if "STATE" not in upper:
        missing.append("state")
    if missing:
        raise StatsImportError(
            f"{f.name} row 1: missing column(s) {', '.join(missing)}; the Census API CBP layout needs "
            f"NAICS2017, ESTAB, EMP, PAYANN, state (found: {', '.join(header)})"
        )
    if len(data) < 2:
        raise StatsImportError(f"{f.name}: the file has a header but no rows")
    report = ReadReport(rows_read=len(data) - 1, classification=f"NAICS {naics_col[5:]}")
    idx = {h: upper.index(h) for h in upper}
    year_col = "YEAR" if "YEAR" in idx else ("TIME" if "TIME" in idx else None)
    if year_col is None:
        if year is None:
            m = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", f.name)
            if len(set(m)) == 1:
                year = int(m[0])
                report.year_from_name = year
                report.notes.append(f"{f.name}: year {year} taken from the file name (the API response has no YEAR column)")
            else:
                raise StatsImportError(
                    f"{f.name}: the Census API response has no YEAR column; give the year of the data (--year, or the year field)"
                )
    county = "COUNTY" in idx  # for=county:* (a state and a county column)
    if county:
        from clusterdash.stats import geographies

        states = geographies.county_names()
    n = len(header)
    cols = {k: [] for k in ("year", "state_fips", "naics", "estab", "emp", "payann_k", "naics_title")}
    lines = []
    for i, row in enumerate(data[1:], start=2):
        if len(row) != n:
            raise StatsImportError(f"{f.name} row {i}: {len(row)} fields, expected {n} ({', '.join(header)})")
        get = lambda c: "" if row[idx[c]] is None else str(row[idx[c]])  # noqa: E731
        cols["year"].append(get(year_col) if year_col else str(year))
        cols["state_fips"].append(get("STATE").strip().zfill(2) + get("COUNTY").strip().zfill(3) if county else get("STATE"))
        cols["naics"].append(get(naics_col))
        cols["estab"].append(get("ESTAB"))
        cols["emp"].append(get("EMP"))
        cols["payann_k"].append(get("PAYANN"))
        cols["naics_title"].append(get(f"{naics_col}_LABEL") if f"{naics_col}_LABEL" in idx else "")
        lines.append(i)
    t = CsvTable(f.name, list(cols), cols, lines)
    con = stage.con
    con.register("_raw", to_arrow(t, list(cols)))
    con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM _raw")
    con.unregister("_raw")
    check_years(con, "raw", f.name, line_label="row")
    check_numbers(con, "raw", f.name, {"estab": ("integer", True), "emp": ("integer", True),
                                       "payann_k": ("integer", True)}, line_label="row")
    _stage_cbp(stage, f.name, states, report,
               raw_text="concat_ws(',', year, state_fips, naics, estab, emp, payann_k)", line_label="row",
               region_width=5 if county else 2, region_word="county FIPS" if county else "state FIPS")
    if county:
        report.region_kind = "county"
    return report


# ---- eurostat: raw TSV -------------------------------------------------------------------

EUROSTAT_DEFAULT_SLICE = {"age": "Y_GE15", "sex": "T", "unit": "THS"}
EUROSTAT_UNITS = {"THS": 1000.0, "THS_PER": 1000.0, "NR": 1.0, "PER": 1.0}
_CELL = re.compile(r"^(:|-?\d+(?:\.\d+)?)\s*([a-z]*)$")
_AGGREGATE = re.compile(r"^(EU|EA|EEA|EFTA)\d*(_\d+)?$")


def nuts_level(code: str) -> int | None:
    """NUTS level of a Eurostat geo code (0 country … 3); None for aggregates like EU28, EA19."""
    if _AGGREGATE.match(code):
        return None
    if re.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}", code):
        return len(code) - 2
    return None


def nace_level(code: str) -> int:
    if code in ("TOTAL", "_T"):
        return 0
    digits = re.sub(r"\D", "", code)
    if not digits:
        return 1  # a section (A) or an aggregate of sections (B-E, M_N), or NRP
    return min(len(digits), 4) + (0 if len(digits) >= 2 else 1)


def read_eurostat(stage: Stage, f: SourceFile, *, slice_: dict[str, str] | None = None,
                  region_level: int = 2, national_region: str | None = None,
                  progress: Progress | None = None) -> ReadReport:
    """Eurostat's raw TSV, or the same table in long Parquet form (the embedded copy:
    dimension columns, ``year``, ``value`` (NULL = ':'), ``flags``, ``source_line``)."""
    if is_parquet(f):
        dims, years, keyed, values = _parse_eurostat_parquet(f)
    else:
        dims, years, keyed, values = _parse_eurostat_tsv(f)
    return _stage_eurostat(stage, f, dims, years, keyed, values, slice_=slice_, region_level=region_level,
                           national_region=national_region, progress=progress)


def _parse_eurostat_parquet(f: SourceFile):
    table = read_parquet_table(f)
    names = table.column_names
    needed = ["geo", "year", "value", "flags"]
    missing = [c for c in needed if c not in names]
    if missing:
        raise StatsImportError(f"{f.name}: missing column(s) {', '.join(missing)} of the long Eurostat layout "
                               f"(dimension columns …, geo, year, value, flags[, source_line]; found {', '.join(names)})")
    dims = [c for c in names if c not in ("year", "value", "flags", "is_missing", "source_line")]
    dims = [d for d in dims if d != "geo"] + ["geo"]
    if not any(d.startswith("nace") for d in dims):
        raise StatsImportError(f"{f.name}: no industry dimension (nace_r2) among {', '.join(dims)}")
    con = duckdb.connect(":memory:")
    try:
        con.register("_eu", table)
        line = "min(source_line)" if "source_line" in names else "min(_row)"
        src = "_eu" if "source_line" in names else "(SELECT *, row_number() OVER () AS _row FROM _eu)"
        keys = ", ".join(f"CAST({d} AS VARCHAR) AS {d}" for d in dims)
        years = sorted((int(r[0]) for r in con.execute("SELECT DISTINCT year FROM _eu").fetchall()), reverse=True)
        grouped = con.execute(
            f"SELECT {keys}, CAST({line} AS INTEGER), list(CAST(year AS INTEGER)), list(value), "
            f"list(coalesce(flags, '')) "
            f"FROM {src} GROUP BY ALL ORDER BY {len(dims) + 1}").fetchall()
    finally:
        con.close()
    pos = {y: j for j, y in enumerate(years)}
    values: dict[str, set] = {d: set() for d in dims}
    keyed = []
    nd = len(dims)
    for row in grouped:
        key = row[:nd]
        for d, v in zip(dims, key):
            values[d].add(v)
        cells: list = [(None, "")] * len(years)  # a year absent from the file = ':'
        for y, v, fl in zip(row[nd + 1], row[nd + 2], row[nd + 3]):
            cells[pos[y]] = (v, fl)
        keyed.append((row[nd], dict(zip(dims, key)), cells, ",".join(key)))
    return dims, years, keyed, values


def _parse_eurostat_tsv(f: SourceFile):
    text = decode_text(f)
    lines = text.splitlines()
    first = lines[0].split("\t")
    head = first[0].strip()
    if "\\" not in head:
        raise StatsImportError(
            f"{f.name} line 1: not a Eurostat TSV: the first column header must be like 'unit,nace_r2,age,geo\\time' "
            f"(found {head!r})"
        )
    dim_part, time_name = head.split("\\", 1)
    dims = [d.strip() for d in dim_part.split(",")]
    twice = sorted({d for d in dims if dims.count(d) > 1})
    if twice:
        raise StatsImportError(f"{f.name} line 1: dimension(s) {', '.join(twice)} appear more than once in the header "
                               f"({head!r}); each dimension must be named once")
    if any(not d for d in dims):
        raise StatsImportError(f"{f.name} line 1: a dimension name is blank in the header ({head!r})")
    if dims[-1] != "geo" or time_name.strip().lower() not in ("time", "time_period"):
        raise StatsImportError(f"{f.name} line 1: the last dimension must be geo\\time (found {head!r})")
    industry_dims = [d for d in dims if d.startswith("nace")]
    if not industry_dims:
        raise StatsImportError(f"{f.name} line 1: no industry dimension (nace_r2) among {', '.join(dims)}")
    years: list[int] = []
    for j, h in enumerate(first[1:], start=2):
        h = h.strip()
        if not re.fullmatch(r"\d{4}", h):
            raise StatsImportError(
                f"{f.name} line 1, column {j}: {h!r} is not a year (only annual data can be imported)"
            )
        years.append(int(h))
    if len(set(years)) != len(years):
        raise StatsImportError(f"{f.name} line 1: a year appears twice among the columns")
    rows = [(i, ln) for i, ln in enumerate(lines[1:], start=2) if ln.strip()]
    if not rows:
        raise StatsImportError(f"{f.name}: the file has a header but no rows")
    # first pass: keys and the values of each dimension
    keyed = []
    values: dict[str, set] = {d: set() for d in dims}
    for i, ln in rows:
        cells = ln.split("\t")
        if len(cells) != len(first):
            raise StatsImportError(f"{f.name} line {i}: {len(cells)} fields, expected {len(first)}")
        key = [k.strip() for k in cells[0].split(",")]
        if len(key) != len(dims):
            raise StatsImportError(
                f"{f.name} line {i}: {cells[0]!r} has {len(key)} dimension values, expected {len(dims)} ({','.join(dims)})"
            )
        for d, v in zip(dims, key):
            values[d].add(v)
        keyed.append((i, dict(zip(dims, key)), cells[1:], ln))
    return dims, years, keyed, values


def _stage_eurostat(stage: Stage, f: SourceFile, dims: list[str], years: list[int], keyed: list, values: dict,
                    *, slice_: dict[str, str] | None, region_level: int, national_region: str | None,
                    progress: Progress | None) -> ReadReport:
    ind_dim = next(d for d in dims if d.startswith("nace"))
    # the slice of the other dimensions
    chosen: dict[str, str] = {}
    given = dict(slice_ or {})
    for d in dims:
        if d in ("geo", ind_dim):
            continue
        vals = values[d]
        if d in given:
            if given[d] not in vals:
                raise StatsImportError(
                    f"{f.name}: dimension {d} has no value {given[d]!r} (it has: {', '.join(sorted(vals))})"
                )
            chosen[d] = given[d]
        elif len(vals) == 1:
            chosen[d] = next(iter(vals))
        elif EUROSTAT_DEFAULT_SLICE.get(d) in vals:
            chosen[d] = EUROSTAT_DEFAULT_SLICE[d]
        else:
            raise StatsImportError(
                f"{f.name}: dimension {d} has several values ({', '.join(sorted(vals))}); choose one ({d}=...)"
            )
    unknown = sorted(set(given) - set(chosen))
    # a default of the import form for a dimension this file does not have (e.g. sex = T for
    # lfst_r_lfe2en2, which has no sex dimension) is no error: there is nothing to choose
    ignored = [d for d in unknown if d not in dims and given[d] == EUROSTAT_DEFAULT_SLICE.get(d)]
    unknown = [d for d in unknown if d not in ignored]
    if unknown:
        raise StatsImportError(f"{f.name}: the file has no dimension {', '.join(unknown)} (it has: {', '.join(dims)})")
    factor = 1.0
    if "unit" in chosen:
        unit = chosen["unit"]
        if unit not in EUROSTAT_UNITS:
            raise StatsImportError(
                f"{f.name}: unit {unit!r} is not a count of persons; import a unit among {', '.join(EUROSTAT_UNITS)}"
            )
        factor = EUROSTAT_UNITS[unit]
    report = ReadReport(rows_read=len(keyed), classification="NACE Rev. 2" if ind_dim == "nace_r2" else ind_dim)
    if ignored:
        report.notes.append(f"{f.name}: the file has no dimension {', '.join(ignored)}; "
                            f"{', '.join(f'{d} = {given[d]}' for d in ignored)} ignored")
    report.notes.append(
        f"{f.name}: slice " + ", ".join(f"{d} = {v}" for d, v in chosen.items())
        + (f"; unit {chosen['unit']} × {factor:g} = persons" if "unit" in chosen else "")
    )
    out = {k: [] for k in ("source_line", "region_code", "industry_code", "industry_level", "year",
                           "employment", "is_withheld", "flags")}
    for n, (i, key, cells, ln) in enumerate(keyed):
        if any(key[d] != v for d, v in chosen.items()):
            report.skip("other slices of the file (" + ", ".join(f"{d} ≠ {v}" for d, v in chosen.items()) + ")")
            continue
        geo = key["geo"]
        if national_region and geo == national_region:
            pass
        else:
            lvl = nuts_level(geo)
            if lvl is None:
                stage.reject(f.name, i, f"aggregate of regions ({geo}); not a region (use it as the national benchmark with national region = {geo})", ln)
                continue
            if lvl != region_level:
                report.skip(f"regions at NUTS level {lvl} (the dataset uses NUTS {region_level}; coarser totals are not double counted)")
                continue
        industry = key[ind_dim]
        for y, cell in zip(years, cells):
            if isinstance(cell, tuple):  # Parquet: (value or None, flags)
                number, flags = cell
                raw = f"{number} {flags}".strip() if number is not None else f": {flags}".strip()
                missing = number is None
                value = ":" if missing else number
                if not missing and not math.isfinite(float(number)):
                    raise StatsImportError(f"{f.name} row {i}, year {y}: {number!r} is not a value")
            else:
                raw = cell.strip()
                m = _CELL.match(raw)
                if not m or (m.group(1) != ":" and float(m.group(1)) == float("inf")):  # e.g. 400 digits
                    shown = raw if len(raw) <= 40 else raw[:30] + f"… ({len(raw):,} characters)"
                    raise StatsImportError(
                        f"{f.name} line {i}, column {y}: {shown!r} is not a value (a number or ':' with optional flags b, u, p, c…)"
                    )
                value, flags = m.group(1), m.group(2)
                missing = value == ":"
            if not missing and float(value) < 0:
                raise StatsImportError(f"{f.name} line {i}, column {y}: negative counts are not allowed ({raw!r})")
            out["source_line"].append(i)
            out["region_code"].append(geo)
            out["industry_code"].append(industry)
            out["industry_level"].append(nace_level(industry))
            out["year"].append(y)
            out["employment"].append(None if missing else round(float(value) * factor, 6))
            out["is_withheld"].append(missing)
            out["flags"].append((":" if missing else "") + flags or None)
        if progress and n % 5000 == 0:
            progress(n / len(keyed), f"{f.name}: {n:,} of {len(keyed):,} rows read")
    tbl = pa.table({
        "source_line": pa.array(out["source_line"], pa.int32()),
        "region_code": pa.array(out["region_code"], pa.string()),
        "industry_code": pa.array(out["industry_code"], pa.string()),
        "industry_level": pa.array(out["industry_level"], pa.int32()),
        "year": pa.array(out["year"], pa.int32()),
        "employment": pa.array(out["employment"], pa.float64()),
        "is_withheld": pa.array(out["is_withheld"], pa.bool_()),
        "flags": pa.array(out["flags"], pa.string()),
    })
    con = stage.con
    con.register("_eu", tbl)
    con.execute(
        "INSERT INTO obs SELECT ?, source_line, region_code, NULL, industry_code, NULL, industry_level, year, "
        "employment, NULL, NULL, is_withheld, flags FROM _eu",
        [f.name],
    )
    con.unregister("_eu")
    return report


# ---- long: the generic layout --------------------------------------------------------------

LONG_REQUIRED = ["region_code", "region_name", "industry_code", "year", "employment"]
LONG_OPTIONAL = ["establishments", "payroll", "industry_name", "industry_level"]


def read_long(stage: Stage, f: SourceFile, *, progress: Progress | None = None) -> ReadReport:
    t = read_csv_table(f, progress=progress)
    extra = require_columns(t, LONG_REQUIRED, LONG_OPTIONAL, "long")
    if not len(t):
        raise StatsImportError(f"{f.name}: the file has a header but no rows")
    report = ReadReport(rows_read=len(t))
    if extra:
        report.notes.append(f"{f.name}: columns ignored: {', '.join(extra)}")
    present = [c for c in LONG_REQUIRED + LONG_OPTIONAL if c in t.columns]
    con = stage.con
    con.register("_raw", to_arrow(t, present))
    con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM _raw")
    con.unregister("_raw")
    for c in LONG_OPTIONAL:
        if c not in t.columns:
            con.execute(f"ALTER TABLE raw ADD COLUMN {c} VARCHAR")
    check_years(con, "raw", f.name)
    for c in ("region_code", "industry_code"):
        blank = con.execute(
            f"SELECT source_line FROM raw WHERE trim(coalesce({c}, '')) = '' ORDER BY 1 LIMIT {MAX_LISTED}"
        ).fetchall()
        if blank:
            raise StatsImportError(f"{f.name}, column {c}: a value is required (line {', '.join(str(r[0]) for r in blank)})")
    # employment is a head count: a whole number (thousands separators allowed), never 12.5 persons
    check_numbers(con, "raw", f.name, {"employment": ("count", False), "establishments": ("integer", False),
                                       "payroll": ("number", False), "industry_level": ("integer", False)})
    # one name per region code
    clash = con.execute(
        """SELECT trim(region_code), list(DISTINCT trim(region_name) ORDER BY trim(region_name)), min(source_line)
           FROM raw WHERE trim(coalesce(region_name, '')) <> '' GROUP BY 1
           HAVING count(DISTINCT trim(region_name)) > 1 ORDER BY 3 LIMIT 1"""
    ).fetchall()
    if clash:
        code, names, _ = clash[0]
        raise StatsImportError(f"{f.name}, column region_name: region {code!r} has different names: {', '.join(names)}")
    con.execute(
        """
        INSERT INTO obs
        SELECT ?, source_line, trim(region_code), nullif(trim(region_name), ''), trim(industry_code),
               nullif(trim(industry_name), ''), TRY_CAST(trim(industry_level) AS INTEGER),
               CAST(trim(year) AS INTEGER),
               TRY_CAST(replace(trim(employment), ',', '') AS DOUBLE),
               TRY_CAST(trim(establishments) AS BIGINT),
               TRY_CAST(replace(trim(payroll), ',', '') AS DOUBLE),
               trim(coalesce(employment, '')) = '',
               CASE WHEN trim(coalesce(employment, '')) = '' THEN 'employment not given' END
        FROM raw
        """,
        [f.name],
    )
    return report


# ---- crosswalk, regions, relatedness --------------------------------------------------------

CROSSWALK_INDUSTRY = ["industry_code", "naics", "nace", "nace_r2", "code"]
CROSSWALK_NAME = ["cluster_name", "cluster"]
CROSSWALK_TYPE = ["cluster_type", "traded_local"]


@dataclass
class CrosswalkRow:
    industry_code: str
    industry_name: str | None
    cluster_code: str | None
    cluster_name: str | None
    cluster_type: str | None
    subcluster_name: str | None
    source_line: int


def _first(header: list[str], names: list[str]) -> str | None:
    return next((n for n in names if n in header), None)


def read_crosswalk(f: SourceFile) -> list[CrosswalkRow]:
    """An industry → cluster crosswalk: columns industry_code (or naics/nace), cluster_code,
    cluster_name (or cluster), and optionally cluster_type (or traded_local: traded/local),
    subcluster, industry title (naics_title/industry_name). A blank cluster_code = in no cluster."""
    t = read_csv_table(f, what="crosswalk")
    ind = _first(t.header, CROSSWALK_INDUSTRY)
    name = _first(t.header, CROSSWALK_NAME)
    typ = _first(t.header, CROSSWALK_TYPE)
    missing = ([] if ind else ["industry_code"]) + ([] if "cluster_code" in t.header else ["cluster_code"]) + (
        [] if name else ["cluster_name"])
    if missing:
        raise StatsImportError(
            f"{f.name} line 1: missing column(s) {', '.join(missing)}; a crosswalk needs industry_code (or naics), "
            f"cluster_code, cluster_name (or cluster) and may have cluster_type (or traded_local) "
            f"(found: {', '.join(t.header)})"
        )
    if not len(t):
        raise StatsImportError(f"{f.name}: the crosswalk has a header but no rows")
    title = _first(t.header, ["industry_name", "naics_title", "title"])
    sub = _first(t.header, ["subcluster_name", "subcluster"])
    out: list[CrosswalkRow] = []
    seen: dict[str, int] = {}
    clusters: dict[str, tuple[str, str, int]] = {}
    for k, line in enumerate(t.lines):
        get = lambda c: (t.columns[c][k].strip() if c else "")  # noqa: E731
        code = get(ind)
        if not code:
            raise StatsImportError(f"{f.name} line {line}, column {ind}: a value is required")
        if code in seen:
            raise StatsImportError(f"{f.name} line {line}: duplicate industry code {code!r} (first on line {seen[code]})")
        seen[code] = line
        ccode = get("cluster_code") or None
        if ccode and re.fullmatch(r"\d+\.0", ccode):
            ccode = ccode[:-2]
        cname = get(name) or None
        ctype_raw = get(typ).lower() if typ else ""
        if not typ:
            ctype = "unclassified"
        elif ctype_raw in ("traded", "local", "unclassified"):
            ctype = ctype_raw
        elif ctype_raw == "" and not ccode:
            ctype = None
        else:
            raise StatsImportError(f"{f.name} line {line}, column {typ}: {get(typ)!r} is not traded or local")
        if ccode:
            if not cname:
                raise StatsImportError(f"{f.name} line {line}, column {name}: cluster {ccode!r} needs a name")
            if ccode in clusters and clusters[ccode][:2] != (cname, ctype):
                first_name, first_type, first_line = clusters[ccode]
                raise StatsImportError(
                    f"{f.name} line {line}: cluster {ccode!r} is {cname!r} ({ctype}) here but {first_name!r} "
                    f"({first_type}) on line {first_line}"
                )
            clusters.setdefault(ccode, (cname, ctype, line))
        out.append(CrosswalkRow(code, get(title) or None, ccode, cname if ccode else cname, ctype if ccode else None,
                                get(sub) or None, line))
    if not clusters:
        raise StatsImportError(f"{f.name}: no row of the crosswalk names a cluster_code")
    return out


@dataclass
class RegionRow:
    region_code: str
    region_name: str
    latitude: float | None
    longitude: float | None
    source_line: int


def read_regions(f: SourceFile) -> list[RegionRow]:
    """A region file: region_code (or code), region_name (or name), and optionally latitude
    (lat) and longitude (lon); blank coordinates are allowed (the region is listed, not mapped)."""
    t = read_csv_table(f, what="region")
    code = _first(t.header, ["region_code", "code", "geo", "fips"])
    name = _first(t.header, ["region_name", "name"])
    lat = _first(t.header, ["latitude", "lat"])
    lon = _first(t.header, ["longitude", "lon", "lng"])
    missing = ([] if code else ["region_code"]) + ([] if name else ["region_name"])
    if missing or (lat is None) != (lon is None):
        raise StatsImportError(
            f"{f.name} line 1: a region file needs region_code, region_name and optionally latitude and longitude "
            f"(found: {', '.join(t.header)})"
        )
    if not len(t):
        raise StatsImportError(f"{f.name}: the region file has a header but no rows")
    out: list[RegionRow] = []
    seen: dict[str, int] = {}
    for k, line in enumerate(t.lines):
        c = t.columns[code][k].strip()
        n = t.columns[name][k].strip()
        if not c:
            raise StatsImportError(f"{f.name} line {line}, column {code}: a value is required")
        if c in seen:
            raise StatsImportError(f"{f.name} line {line}: duplicate region code {c!r} (first on line {seen[c]})")
        seen[c] = line
        la = lo = None
        if lat:
            a, b = t.columns[lat][k].strip(), t.columns[lon][k].strip()
            if a or b:
                try:
                    la, lo = float(a), float(b)
                    if not (math.isfinite(la) and math.isfinite(lo)):
                        raise ValueError
                except ValueError:
                    raise StatsImportError(f"{f.name} line {line}: latitude/longitude {a!r}, {b!r} are not numbers") from None
                if not (-90 <= la <= 90 and -180 <= lo <= 180):
                    raise StatsImportError(f"{f.name} line {line}: latitude {la} / longitude {lo} out of range")
        out.append(RegionRow(c, n or c, la, lo, line))
    return out


@dataclass
class RelatednessRow:
    cluster_code: str
    related_cluster_code: str
    relatedness_pctile: float | None
    is_strongly_related: bool
    is_weakly_related: bool
    source_line: int


USCMP_RELATED = ["clustera", "clusterb", "cr_all_pc", "rel_all_90_v3", "rel_i20_all_min_90_v3"]


def read_relatedness(f: SourceFile) -> tuple[list[RelatednessRow], str]:
    """Cluster relatedness. Either the U.S. Cluster Mapping layout (clustera, clusterb,
    cr_all_pc, rel_all_90_v3, rel_i20_all_min_90_v3[, cr_lc_pc]): strongly related when
    cr_all_pc ≥ 90 and both rel_* are non-zero, weakly related when cr_all_pc > 50 and
    cr_lc_pc ≥ 25; or a plain list: cluster_code, related_cluster_code[, is_strongly_related].
    Returns the rows (without self-pairs) and a description of the rule applied."""
    t = read_csv_table(f, what="relatedness")
    if not len(t):
        raise StatsImportError(f"{f.name}: the relatedness file has a header but no rows")
    uscmp = all(c in t.header for c in USCMP_RELATED)
    if not uscmp and not all(c in t.header for c in ("cluster_code", "related_cluster_code")):
        raise StatsImportError(
            f"{f.name} line 1: a relatedness file needs either the U.S. Cluster Mapping columns "
            f"({', '.join(USCMP_RELATED)}) or cluster_code, related_cluster_code[, is_strongly_related] "
            f"(found: {', '.join(t.header)})"
        )

    def num(k: int, c: str, line: int, *, default=None) -> float | None:
        v = t.columns[c][k].strip() if c in t.columns else ""
        if v == "":
            return default
        try:
            x = float(v)
        except ValueError:
            raise StatsImportError(f"{f.name} line {line}, column {c}: {v!r} is not a number") from None
        if not math.isfinite(x):
            raise StatsImportError(f"{f.name} line {line}, column {c}: {v!r} is not a finite number")
        return x

    out: list[RelatednessRow] = []
    seen: dict[tuple, int] = {}
    for k, line in enumerate(t.lines):
        if uscmp:
            a, b = t.columns["clustera"][k].strip(), t.columns["clusterb"][k].strip()
            pc = num(k, "cr_all_pc", line)
            rel = num(k, "rel_all_90_v3", line, default=0.0)
            rel_min = num(k, "rel_i20_all_min_90_v3", line, default=0.0)
            lc = num(k, "cr_lc_pc", line) if "cr_lc_pc" in t.columns else None
            strong = bool(pc is not None and pc >= 90 and rel != 0 and rel_min != 0)
            weak = bool(pc is not None and lc is not None and pc > 50 and lc >= 25)
        else:
            a, b = t.columns["cluster_code"][k].strip(), t.columns["related_cluster_code"][k].strip()
            pc = num(k, "relatedness_pctile", line) if "relatedness_pctile" in t.columns else None
            s = t.columns["is_strongly_related"][k].strip().lower() if "is_strongly_related" in t.columns else "true"
            if s not in ("true", "false", "1", "0", "yes", "no", ""):
                raise StatsImportError(f"{f.name} line {line}, column is_strongly_related: {s!r} is not true/false")
            strong, weak = s in ("true", "1", "yes", ""), False
        for c, v in (("first", a), ("second", b)):
            if not v:
                raise StatsImportError(f"{f.name} line {line}: the {c} cluster code is blank")
        a, b = re.sub(r"\.0$", "", a), re.sub(r"\.0$", "", b)
        if a == b:
            continue
        if (a, b) in seen:
            raise StatsImportError(f"{f.name} line {line}: duplicate pair {a}–{b} (first on line {seen[(a, b)]})")
        seen[(a, b)] = line
        out.append(RelatednessRow(a, b, pc, strong, weak, line))
    rule = ("U.S. Cluster Mapping rule: strongly related when cr_all_pc ≥ 90 and rel_all_90_v3 and "
            "rel_i20_all_min_90_v3 are non-zero") if uscmp else "pairs as listed in the file"
    return out, rule
