"""Finer U.S. geographies: County Business Patterns by county (the Census county file layout
``cbpYYco.txt`` and the Census API JSON for ``for=county:*``), their aggregation to BEA Economic
Areas, and the shipped county and EA reference files for names, markers and maps. No Streamlit.

Shipped in ``data/geo/`` (derived by ``scripts/derive_us_counties.py``; provenance and checksums in
data/geo/README.md):

- ``us_counties.csv`` — 3,231 counties (2017 vintage, incl. Puerto Rico and the territories):
  name, state and a label point inside the county;
- ``bea_economic_areas_2004.csv`` — the U.S. Bureau of Economic Analysis 2004 Economic Area
  county definitions (179 EAs, public domain), plus the seven 2017 county codes the 2004 list
  predates, each in the EA of the county it succeeded; ``..._names.csv`` — the EAs' names and
  label points;
- ``us-counties-10m.json`` — the counties of us-atlas 3.0.1 (Census 2017 boundaries, ISC).

**County files.** Region code = state FIPS + county FIPS (5 digits). Rows of county ``999``
("statewide": establishments without a fixed location in one county) are not a county and are
rejected with that reason (the summary lists them), so a county dataset's national totals are the
sum of its counties. NAICS codes are read as the file writes them (``------`` = all sectors,
``31----`` = 31-33, ``113///`` = 113, ``11331/`` = 11331). A cell is *withheld* — employment and
payroll stored as missing, not zero — when its employment noise flag is ``D`` or ``S`` with
``emp = 0``, or (as in the state files) ``emp = 0`` and ``ap = 0`` with establishments. ``ap`` is
the annual payroll in $1,000.

**Economic areas.** :func:`aggregate_to_economic_areas` builds a new dataset whose regions are the
EAs: each EA × industry × year cell sums its counties' published employment, establishments and
payroll (so the EAs' employment equals the counties' exactly — checked in the transaction); a cell
is withheld only when every county cell in it is; a cell with some withheld counties carries
``flags`` saying how many, and the estimate of its withheld part is the sum of its counties'
estimates (``stats_withheld_estimate``), so coverage, distortion flags and growth honesty carry
over. Counties in no EA (Puerto Rico, territories) are left out and named in the notes.

**Within the region type.** Every dataset has one region type, and location quotients, strong-
cluster flags and their percentiles are computed among the dataset's own regions, as the U.S.
Cluster Mapping Project does: county LQs against the sum of counties, EA percentiles among EAs.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from clusterdash import config, geo
from clusterdash.stats import readers
from clusterdash.stats.readers import ReadReport, SourceFile, Stage, StatsImportError

COUNTIES_FILE = config.GEO_DIR / "us_counties.csv"
COUNTIES_TOPOJSON = config.GEO_DIR / "us-counties-10m.json"
EA_FILE = config.GEO_DIR / "bea_economic_areas_2004.csv"
EA_NAMES_FILE = config.GEO_DIR / "bea_economic_areas_2004_names.csv"

US_COUNTIES_SOURCE = ("U.S. Census Bureau 2017 county boundaries (us-atlas 3.0.1, ISC); label point computed by "
                      "ClusterDash (data/geo/README.md)")
EA_SOURCE = ("U.S. Bureau of Economic Analysis, Economic Areas, 2004 county definitions (public domain); "
             "counties aggregated by ClusterDash")
COUNTY_BOUNDARIES_SOURCE = "Boundaries: U.S. Census Bureau 2017 counties (us-atlas 3.0.1, ISC, Mike Bostock)"
REGION_TYPE_COUNTY = "U.S. county"
REGION_TYPE_EA = "BEA Economic Area (2004)"

COUNTY_REQUIRED = ["fipstate", "fipscty", "naics", "emp", "ap", "est"]
COUNTY_OPTIONAL = ["emp_nf", "ap_nf", "qp1", "qp1_nf"]
STATEWIDE = "999"
SECTOR_RANGES = {"31": "31-33", "44": "44-45", "48": "48-49"}
COUNTY_WITHHELD = "(emp = 0 AND estab > 0 AND payann_k = 0) OR (emp = 0 AND emp_nf IN ('D', 'S'))"


# ---- reference files ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def us_counties() -> dict[str, dict]:
    """County FIPS -> {name, state_fips, latitude, longitude}."""
    with COUNTIES_FILE.open(newline="", encoding="utf-8") as fh:
        return {r["region_code"]: {"name": r["region_name"], "state_fips": r["state_fips"],
                                   "latitude": float(r["latitude"]), "longitude": float(r["longitude"])}
                for r in csv.DictReader(fh)}


def county_names() -> dict[str, str]:
    return {k: v["name"] for k, v in us_counties().items()}


@lru_cache(maxsize=1)
def ea_of_county() -> dict[str, str]:
    """County FIPS -> BEA Economic Area code (2004 definitions, with the later county codes)."""
    with EA_FILE.open(newline="", encoding="utf-8") as fh:
        return {r["county_fips"]: r["ea_code"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def economic_areas() -> dict[str, dict]:
    """EA code -> {name, counties, latitude, longitude}."""
    with EA_NAMES_FILE.open(newline="", encoding="utf-8") as fh:
        return {r["ea_code"]: {"name": r["ea_name"], "counties": int(r["counties"]),
                               "latitude": float(r["latitude"]), "longitude": float(r["longitude"])}
                for r in csv.DictReader(fh)}


def name_source(region_type: str) -> str:
    return EA_SOURCE if region_type == REGION_TYPE_EA else US_COUNTIES_SOURCE


def is_county_type(region_type: str | None) -> bool:
    return region_type in (REGION_TYPE_COUNTY, REGION_TYPE_EA)


# ---- reading county files ------------------------------------------------------------------------

def naics_from_county_file(code: str) -> str:
    """NAICS as the county file writes it -> the code as in the state data."""
    c = code.strip().strip('"')
    if set(c) <= {"-"}:
        return "00"
    stem = c.rstrip("-/")
    if c.endswith("-") and len(stem) == 2:
        return SECTOR_RANGES.get(stem, stem)
    return stem


def _year_of(name: str, year: int | None) -> int:
    if year is not None:
        return int(year)
    m = re.search(r"cbp(\d\d)co", name.lower())
    if m:
        yy = int(m.group(1))
        return 1900 + yy if yy >= 86 else 2000 + yy
    found = set(re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", name))
    if len(found) == 1:
        return int(found.pop())
    raise StatsImportError(f"{name}: a county file has no year column; give the year of the data (--year, or the "
                           "year field), or keep the Census file name (cbp19co.txt = 2019)")


def read_cbp_county_file(stage: Stage, f: SourceFile, t: readers.CsvTable, *, year: int | None = None) -> ReadReport:
    """The Census county file layout (already read as a CSV table)."""
    lower = {h.lower(): h for h in t.header}
    missing = [c for c in COUNTY_REQUIRED if c not in lower]
    if missing:
        raise StatsImportError(
            f"{f.name} line 1: missing column(s) {', '.join(missing)}; the Census county file layout needs "
            f"{', '.join(COUNTY_REQUIRED)} (found: {', '.join(t.header)})")
    if not len(t):
        raise StatsImportError(f"{f.name}: the file has a header but no rows")
    yr = _year_of(f.name, year)
    report = ReadReport(rows_read=len(t), classification="NAICS 2017" if yr >= 2017 else "NAICS (vintage of the file)",
                        region_kind="county")
    if year is None:
        report.notes.append(f"{f.name}: year {yr} taken from the file name")
    col = {c: t.columns[lower[c]] for c in COUNTY_REQUIRED + COUNTY_OPTIONAL if c in lower}
    state = [s.strip().zfill(2) for s in col["fipstate"]]
    county = [s.strip().zfill(3) for s in col["fipscty"]]
    keep, statewide = [], []
    for k, c in enumerate(county):
        (statewide if c == STATEWIDE else keep).append(k)
    con = stage.con
    for k in statewide:
        con.execute("INSERT INTO rejected VALUES (?, ?, ?, ?)", [
            f.name, t.lines[k], f"county {STATEWIDE} of state {state[k]}: statewide establishments without a fixed "
            "county location, not a county",
            ",".join(t.columns[h][k] for h in t.header)])
    if statewide:
        report.skip("statewide rows (county 999) rejected: not a county", 0)
    import pyarrow as pa

    nf = col.get("emp_nf")
    raw = pa.table({
        "year": pa.array([str(yr)] * len(keep), pa.string()),
        "state_fips": pa.array([state[k] + county[k] for k in keep], pa.string()),
        "naics": pa.array([naics_from_county_file(col["naics"][k]) for k in keep], pa.string()),
        "estab": pa.array([col["est"][k] for k in keep], pa.string()),
        "emp": pa.array([col["emp"][k] for k in keep], pa.string()),
        "payann_k": pa.array([col["ap"][k] for k in keep], pa.string()),
        "emp_nf": pa.array([(nf[k].strip().upper() if nf else "") for k in keep], pa.string()),
        "raw_line": pa.array([",".join(t.columns[h][k] for h in t.header) for k in keep], pa.string()),
        "source_line": pa.array([t.lines[k] for k in keep], pa.int32()),
    })
    con.register("_raw", raw)
    con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM _raw")
    con.unregister("_raw")
    readers.check_numbers(con, "raw", f.name, {"estab": ("integer", True), "emp": ("integer", True),
                                               "payann_k": ("integer", True)})
    readers._stage_cbp(
        stage, f.name, county_names(), report, raw_text="", region_word="county FIPS", withheld=COUNTY_WITHHELD,
        typed_sql="SELECT source_line, raw_line AS raw_text, state_fips AS region_code, naics AS industry_code, "
                  "CAST(NULL AS VARCHAR) AS industry_name, CAST(year AS INTEGER) AS year, "
                  "CAST(trim(estab) AS BIGINT) AS estab, CAST(trim(emp) AS BIGINT) AS emp, "
                  "CAST(trim(payann_k) AS DOUBLE) AS payann_k, emp_nf FROM raw")
    if statewide:
        report.notes.append(f"{f.name}: {len(statewide)} statewide rows (county {STATEWIDE}) rejected — establishments "
                            "without a fixed county location are not in any county (see the rejected rows)")
    return report


# ---- counties → economic areas ---------------------------------------------------------------------

@dataclass
class AggregateSummary:
    dataset_code: str
    source_dataset: str
    economic_areas: int
    counties: int
    counties_without_ea: list[str]
    employment_counties: float
    employment_eas: float
    employment_left_out: float
    cells_partly_withheld: int

    def lines(self) -> list[str]:
        out = [f"dataset {self.dataset_code}: {self.source_dataset} aggregated to {self.economic_areas} BEA Economic Areas "
               f"({self.counties} counties)",
               f"employment (all years, finest industries): counties {self.employment_counties:,.0f}, "
               f"economic areas {self.employment_eas:,.0f}, left out {self.employment_left_out:,.0f}"]
        if self.counties_without_ea:
            out.append(f"counties in no economic area, left out: {len(self.counties_without_ea)} "
                       f"({', '.join(self.counties_without_ea[:10])}{' …' if len(self.counties_without_ea) > 10 else ''}),"
                       f" employment {self.employment_left_out:,.0f}")
        if self.cells_partly_withheld:
            out.append(f"cells with some withheld counties (published sum kept, flagged): {self.cells_partly_withheld:,}")
        return out


_AGGREGATE = """
CREATE OR REPLACE TEMP TABLE _ea_obs AS
WITH cells AS (
    SELECT m.ea_code AS region_code, o.industry_code, o.year,
           sum(o.employment) AS employment, sum(o.establishments) AS establishments, sum(o.payroll) AS payroll,
           bool_and(o.is_withheld) AS is_withheld,
           count(*) FILTER (WHERE o.is_withheld) AS withheld_counties, count(*) AS counties
    FROM stats_observation o JOIN _ea_map m ON m.county_fips = o.region_code
    WHERE o.dataset_code = $src
    GROUP BY ALL
)
SELECT *, CAST(row_number() OVER (ORDER BY region_code, industry_code, year) AS INTEGER) AS source_line FROM cells
"""


def aggregate_to_economic_areas(store, source_dataset: str, dataset_code: str | None = None, *,
                                replace: bool = False) -> AggregateSummary:
    """A new dataset of the county dataset ``source_dataset`` summed to BEA Economic Areas, in one
    transaction (see the module docs). Raises StatsImportError."""
    from clusterdash.stats import cells, importer

    ds = store.rows("SELECT * FROM stats_dataset WHERE dataset_code = ?", [source_dataset])
    if not ds:
        raise StatsImportError(f"there is no dataset {source_dataset!r}")
    src = ds[0]
    if src["region_type"] != REGION_TYPE_COUNTY:
        raise StatsImportError(f"{source_dataset} is a dataset of {src['region_type']} regions; economic areas are "
                               "made of U.S. counties (import a County Business Patterns county file)")
    code = dataset_code or f"{source_dataset}_ea"
    if not importer.DATASET_CODE.match(code):
        raise StatsImportError(f"dataset name {code!r}: use 1–60 letters, digits, '-', '_' or '.'")
    mapping = ea_of_county()
    eas = economic_areas()

    def run(cur):
        if cur.execute("SELECT count(*) FROM stats_dataset WHERE dataset_code = ?", [code]).fetchall()[0][0]:
            if not replace:
                raise StatsImportError(f"a dataset named {code!r} exists already; choose another name or replace it")
            importer._delete(cur, code)
        cur.execute("CREATE OR REPLACE TEMP TABLE _ea_map (county_fips VARCHAR, ea_code VARCHAR)")
        cur.executemany("INSERT INTO _ea_map VALUES (?, ?)", list(mapping.items()))
        p = {"src": source_dataset}
        cur.execute(_AGGREGATE, p)
        left = cur.execute(
            "SELECT r.region_code, coalesce(sum(o.employment) FILTER (WHERE i.is_finest), 0) FROM stats_region r "
            "LEFT JOIN stats_observation o ON o.dataset_code = r.dataset_code AND o.region_code = r.region_code "
            "LEFT JOIN stats_industry i ON i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code "
            "WHERE r.dataset_code = $src AND NOT r.is_national AND r.region_code NOT IN (SELECT county_fips FROM _ea_map) "
            "GROUP BY 1 ORDER BY 1", p).fetchall()
        n_obs = cur.execute("SELECT count(*) FROM _ea_obs").fetchall()[0][0]
        if not n_obs:
            raise StatsImportError(f"no county of {source_dataset} is in a BEA Economic Area")
        regions = [r[0] for r in cur.execute("SELECT DISTINCT region_code FROM _ea_obs ORDER BY 1").fetchall()]
        n_counties = cur.execute("SELECT count(DISTINCT region_code) FROM stats_observation o JOIN _ea_map m "
                                 "ON m.county_fips = o.region_code WHERE o.dataset_code = $src", p).fetchall()[0][0]
        partly = cur.execute("SELECT count(*) FROM _ea_obs WHERE withheld_counties > 0 AND NOT is_withheld").fetchall()[0][0]
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        notes = [f"Aggregated from {source_dataset} ({src['title']}) to BEA Economic Areas (2004 county definitions, "
                 "data/geo/bea_economic_areas_2004.csv): every cell is the sum of its counties' published figures."]
        if left:
            notes.append(f"{len(left)} counties are in no economic area and are left out: "
                         + ", ".join(f"{c} ({e:,.0f} employees)" for c, e in left[:20]) + (" …" if len(left) > 20 else ""))
        if partly:
            notes.append(f"{partly:,} cells have some withheld counties: their employment is the sum of the published "
                         "counties (flags say how many were withheld; coverage estimates carry over).")
        title = f"{src['title'].replace(', counties', '')}, BEA Economic Areas"
        cur.execute(
            "INSERT INTO stats_dataset (dataset_code, title, format, classification, region_type, source, "
            "cluster_definition, has_crosswalk, relatedness_source, employment_unit, payroll_unit, national_region_code, "
            "files, options, imported_at, row_count, rejected_count, withheld_count, region_count, industry_count, "
            "year_min, year_max, notes) SELECT ?, ?, format, classification, ?, ?, cluster_definition, has_crosswalk, "
            "relatedness_source, employment_unit, payroll_unit, NULL, files, ?, ?, ?, 0, "
            "(SELECT count(*) FROM _ea_obs WHERE is_withheld), ?, industry_count, year_min, year_max, ? "
            "FROM stats_dataset WHERE dataset_code = ?",
            [code, title, REGION_TYPE_EA, f"{src['source']}; {EA_SOURCE}",
             json.dumps({"aggregated_from": source_dataset, "definitions": "BEA Economic Areas 2004"}), now, n_obs,
             len(regions), "\n".join(notes), source_dataset])
        cur.execute(
            "INSERT INTO stats_observation (dataset_code, region_code, industry_code, year, employment, establishments, "
            "payroll, is_withheld, flags, source_line) "
            "SELECT ?, region_code, industry_code, year, employment, establishments, payroll, is_withheld, "
            "CASE WHEN withheld_counties > 0 THEN withheld_counties || ' of ' || counties || ' county cells withheld'"
            " || CASE WHEN NOT is_withheld THEN ' (published counties summed)' ELSE '' END END, source_line FROM _ea_obs",
            [code])
        cur.executemany(
            "INSERT INTO stats_region (dataset_code, region_code, region_name, latitude, longitude, coordinate_source, "
            "is_national) VALUES (?, ?, ?, ?, ?, ?, false)",
            [(code, r, eas[r]["name"] if r in eas else r, eas[r]["latitude"] if r in eas else None,
              eas[r]["longitude"] if r in eas else None, EA_SOURCE) for r in regions])
        for table, cols in (("stats_industry", "industry_code, industry_name, industry_level, is_finest, cluster_code"),
                            ("stats_cluster", "cluster_code, cluster_name, cluster_type"),
                            ("stats_crosswalk", "industry_code, industry_name, cluster_code, cluster_name, cluster_type, "
                                                "subcluster_name, source_line"),
                            ("stats_relatedness", "cluster_code, related_cluster_code, relatedness_pctile, "
                                                  "is_strongly_related, is_weakly_related, source_line")):
            cur.execute(f"INSERT INTO {table} (dataset_code, {cols}) SELECT ?, {cols} FROM {table} "
                        "WHERE dataset_code = ?", [code, source_dataset])
        # conservation: the EAs hold exactly the employment of their counties
        a = cur.execute("SELECT coalesce(sum(employment), 0) FROM stats_observation WHERE dataset_code = ?",
                        [code]).fetchall()[0][0]
        b = cur.execute("SELECT coalesce(sum(o.employment), 0) FROM stats_observation o JOIN _ea_map m "
                        "ON m.county_fips = o.region_code WHERE o.dataset_code = $src", p).fetchall()[0][0]
        if a != b:
            raise StatsImportError(f"aggregation to economic areas lost employment ({a} against {b}); nothing written")
        finest = ("SELECT coalesce(sum(o.employment), 0) FROM stats_observation o JOIN stats_industry i "
                  "ON i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code AND i.is_finest "
                  "WHERE o.dataset_code = ?")
        ea_f = cur.execute(finest, [code]).fetchall()[0][0]
        county_f = cur.execute(finest, [source_dataset]).fetchall()[0][0]
        importer.write_derived(cur, code)
        # the withheld part of an EA cell: the sum of its counties' estimates (unknown if any is unknown)
        cur.execute("DELETE FROM stats_withheld_estimate WHERE dataset_code = ?", [code])
        cur.execute(
            "INSERT INTO stats_withheld_estimate (dataset_code, region_code, industry_code, year, estimated_employment, "
            "parent_industry_code, method) "
            "SELECT $code, m.ea_code, e.industry_code, e.year, "
            "CASE WHEN count(*) = count(e.estimated_employment) THEN sum(e.estimated_employment) END, "
            "'counties', 'sum of the estimates of its withheld county cells (' || count(*) || ' counties)' "
            "FROM stats_withheld_estimate e JOIN _ea_map m ON m.county_fips = e.region_code "
            "WHERE e.dataset_code = $src GROUP BY ALL", {"src": source_dataset, "code": code})
        cells.refresh(cur, code)  # the sums read the estimates just written
        for t in ("_ea_map", "_ea_obs"):
            cur.execute(f"DROP TABLE IF EXISTS {t}")
        return (len(regions), n_counties, [c for c, _ in left], float(county_f), float(ea_f),
                float(sum(e for _, e in left)), partly)

    n_ea, n_counties, left, county_emp, ea_emp, left_emp, partly = store.write(run)
    return AggregateSummary(code, source_dataset, n_ea, n_counties, left, county_emp, ea_emp, left_emp, partly)


# ---- maps ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=2)
def _county_topology() -> dict:
    return json.loads(COUNTIES_TOPOJSON.read_text(encoding="utf-8"))


def _dedupe(ring: list) -> list:
    out = [ring[0]]
    for p in ring[1:]:
        if p != out[-1]:
            out.append(p)
    return out if len(out) >= 4 else ring


def _thin(geometry: dict) -> dict:
    if geometry["type"] == "Polygon":
        return {**geometry, "coordinates": [_dedupe(r) for r in geometry["coordinates"]]}
    if geometry["type"] == "MultiPolygon":
        return {**geometry, "coordinates": [[_dedupe(r) for r in poly] for poly in geometry["coordinates"]]}
    return geometry


@lru_cache(maxsize=4)
def county_features(precision: int = 2) -> dict:
    """The counties as a GeoJSON FeatureCollection (``id`` = 5-digit FIPS), split at the
    antimeridian (the Aleutians), positions rounded to ``precision`` decimals (2 ≈ 1 km) and
    repeated positions dropped — small enough to send with every map."""
    fc = geo.split_at_antimeridian(geo.decode_object(_county_topology(), "counties", precision=precision))
    return {**fc, "features": [{**f, "geometry": _thin(f["geometry"])} for f in fc["features"]]}


@lru_cache(maxsize=4)
def ea_boundaries(precision: int = 2) -> dict:
    """The borders of the BEA Economic Areas as GeoJSON lines: the county arcs that separate two
    counties of different EAs, or bound a county on one side only (the coast, the border)."""
    topo = _county_topology()
    mapping = ea_of_county()
    users: dict[int, list] = {}

    def walk(arcs, ea):
        if isinstance(arcs, int):
            users.setdefault(arcs if arcs >= 0 else ~arcs, []).append(ea)
            return
        for a in arcs:
            walk(a, ea)

    for g in topo["objects"]["counties"]["geometries"]:
        ea = mapping.get(g["id"])
        if ea is not None:
            walk(g["arcs"], ea)
    decoded = geo._decode_arcs(topo)
    lines = []
    for i, eas in users.items():
        if len(eas) == 1 or len(set(eas)) > 1:
            line = _dedupe([[round(x, precision), round(y, precision)] for x, y, *_ in decoded[i]])
            if len(line) >= 2:
                lines.append(line)
    return {"type": "Feature", "properties": {"name": "BEA Economic Area borders"},
            "geometry": {"type": "MultiLineString", "coordinates": lines}}
