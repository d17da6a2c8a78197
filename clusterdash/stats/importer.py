"""Import a statistics dataset: read and validate every file first (in a staging database),
then write it to the store in ONE transaction. Any problem raises
:class:`~clusterdash.stats.readers.StatsImportError` naming file, line and field, and the
store stays exactly as it was.

The summary (:class:`ImportSummary`) counts rows, rejected rows (with reasons, downloadable),
withheld/missing cells, regions (and those without coordinates), industries, clusters, years.

Decisions (see also the module docs of :mod:`clusterdash.stats.readers`):

- Rows are read at the *finest* industry level given (``stats_industry.is_finest``); coarser
  totals are stored as they came but never added to the finer rows (no double counting).
- Without a crosswalk, clusters fall back to the classification's own groups: NAICS 3-digit
  subsectors (cbp), NACE sections/A*10 aggregates (eurostat), the first two characters of
  numeric codes (long). They are ``unclassified`` (not traded/local): their location quotients
  use all employment as the base.
- U.S. state names and marker positions ship in ``data/geo/us_states.csv``; a region file
  overrides or adds names and coordinates; regions without coordinates are kept and listed.
"""

from __future__ import annotations

import csv
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pandas as pd

from clusterdash import config
from clusterdash.stats import FORMATS, readers
from clusterdash.stats.readers import Progress, SourceFile, StatsImportError

US_STATES_FILE = config.GEO_DIR / "us_states.csv"
US_STATES_SOURCE = ("U.S. Census Bureau 2017 state boundaries (us-atlas 3.0.1, ISC); "
                    "label point computed by ClusterDash (data/geo/README.md)")
CLASSIFICATION_DIR = config.DATA_DIR / "classifications"
NAICS_GROUPS_FILE = CLASSIFICATION_DIR / "naics2017_groups.csv"
NACE_GROUPS_FILE = CLASSIFICATION_DIR / "nace_r2_groups.csv"
NUTS_REGIONS_FILE = config.DATA_DIR / "stats" / "nuts2013_regions.csv"
NUTS_SOURCE = "NUTS 2013 names: Eurostat (data/stats/nuts2013_regions.csv, see data/stats/README.md)"

TOTAL_CODES = {"00", "TOTAL", "_T", "ALL", "T"}
DATASET_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")

CBP_EMPLOYMENT_UNIT = "paid employees (pay period including March 12)"
CBP_PAYROLL_UNIT = "USD thousands (annual payroll)"


@dataclass
class ImportSpec:
    """Everything one import needs. ``files`` may hold several files of the same format
    (e.g. one Census API response per year)."""

    format: str
    files: list[SourceFile]
    dataset_code: str | None = None
    title: str | None = None
    source: str | None = None
    crosswalk: SourceFile | None = None
    crosswalk_source: str | None = None
    regions: SourceFile | None = None
    related: SourceFile | None = None
    related_source: str | None = None
    year: int | None = None  # CBP API JSON without a YEAR column
    eurostat_slice: dict[str, str] = field(default_factory=dict)
    region_level: int = 2  # Eurostat: NUTS level of the regions
    national_region: str | None = None
    payroll_unit: str | None = None  # long format
    employment_unit: str | None = None  # long format
    replace: bool = False
    origin: str = "import"  # or "embedded" (clusterdash.stats.embedded)
    embedded_sha256: str | None = None


@dataclass
class ImportSummary:
    dataset_code: str
    title: str
    rows_read: int
    rows_imported: int
    rejected: pd.DataFrame  # file_name, source_line, reason, raw_text
    withheld: int
    skipped: dict[str, int]
    regions: int
    regions_without_coordinates: list[str]
    industries: int
    finest_industries: int
    unmapped_industries: list[str]
    clusters: int
    years: list[int]
    relatedness_pairs: int
    seconds: float
    notes: list[str]
    warnings: list[str] = field(default_factory=list)  # e.g. a year with far fewer regions

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    def lines(self) -> list[str]:
        """The summary as short lines of text (CLI and page)."""
        yrs = f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        out = [f"WARNING: {w}" for w in self.warnings] + [
            f"dataset {self.dataset_code}: {self.title}",
            f"rows read {self.rows_read:,}; observations imported {self.rows_imported:,}; rejected {self.rejected_count:,}",
            f"withheld or missing cells (stored as missing, not zero): {self.withheld:,}",
            f"regions {self.regions}" + (f" ({len(self.regions_without_coordinates)} without coordinates: "
                                         f"{', '.join(self.regions_without_coordinates[:10])}"
                                         f"{' …' if len(self.regions_without_coordinates) > 10 else ''})"
                                         if self.regions_without_coordinates else ""),
            f"industries {self.industries} ({self.finest_industries} at the finest level counted); clusters {self.clusters}; years {yrs}",
        ]
        if self.unmapped_industries:
            out.append(f"finest-level industries in no cluster: {len(self.unmapped_industries)} "
                       f"({', '.join(self.unmapped_industries[:8])}{' …' if len(self.unmapped_industries) > 8 else ''})")
        if self.relatedness_pairs:
            out.append(f"cluster relatedness pairs: {self.relatedness_pairs}")
        for reason, n in self.skipped.items():
            out.append(f"not imported: {n:,} rows — {reason}")
        out.extend(self.notes)
        out.append(f"time {self.seconds:.1f} s")
        return out


# ---- reference files shipped in data/ -------------------------------------------------------

@lru_cache(maxsize=1)
def us_states() -> dict[str, dict]:
    """Shipped U.S. states (and DC, PR, territories): FIPS -> {name, latitude, longitude}."""
    with US_STATES_FILE.open(newline="", encoding="utf-8") as fh:
        return {r["region_code"]: {"name": r["region_name"], "latitude": float(r["latitude"]),
                                   "longitude": float(r["longitude"])} for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def nuts_regions() -> dict[str, dict]:
    """Shipped NUTS 2013 names (data/stats/nuts2013_regions.csv): code -> {name, country_code,
    country_name, name_source, name_vintage, latitude, longitude, position}; the position is the
    country's label point (no openly licensed NUTS centroids exist to ship)."""
    with NUTS_REGIONS_FILE.open(newline="", encoding="utf-8") as fh:
        out = {}
        for r in csv.DictReader(fh):
            out[r["region_code"]] = {
                "name": r["region_name"], "country_code": r["country_code"], "country_name": r["country_name"],
                "name_source": r["name_source"], "name_vintage": r["name_vintage"],
                "latitude": float(r["latitude"]) if r["latitude"] else None,
                "longitude": float(r["longitude"]) if r["longitude"] else None,
                "position": r["position"],
            }
        return out


@lru_cache(maxsize=2)
def classification_groups(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["industry_code"]: r["industry_name"] for r in csv.DictReader(fh)}


# ---- the import ------------------------------------------------------------------------------

def import_dataset(store, spec: ImportSpec, progress: Progress | None = None) -> ImportSummary:
    """Validate everything, then write the dataset in one transaction. Raises StatsImportError."""
    t0 = time.perf_counter()
    report = progress or (lambda f, m: None)
    if spec.format not in FORMATS:
        raise StatsImportError(f"unknown format {spec.format!r}; use one of {', '.join(FORMATS)}")
    if not spec.files:
        raise StatsImportError("no data file given")
    if spec.dataset_code is not None and not DATASET_CODE.match(spec.dataset_code):
        raise StatsImportError(
            f"dataset name {spec.dataset_code!r}: use 1–60 letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    stage = readers.Stage()
    try:
        return _import(store, spec, stage, report, t0)
    finally:
        stage.close()


def _import(store, spec: ImportSpec, stage: readers.Stage, report: Progress, t0: float) -> ImportSummary:
    con = stage.con
    n_files = len(spec.files)
    reports: list[readers.ReadReport] = []
    states = {k: v["name"] for k, v in us_states().items()}
    for k, f in enumerate(spec.files):
        def sub(frac: float, msg: str, k=k) -> None:
            report(0.6 * (k + frac) / n_files, msg)

        sub(0.0, f"Reading {f.name}…")
        if spec.format == "cbp":
            r = readers.read_cbp(stage, f, states, year=spec.year, progress=sub)
        elif spec.format == "eurostat":
            r = readers.read_eurostat(stage, f, slice_=spec.eurostat_slice, region_level=spec.region_level,
                                      national_region=spec.national_region, progress=sub)
        else:
            r = readers.read_long(stage, f, progress=sub)
        reports.append(r)
    report(0.6, "Checking keys, industries and regions…")

    n_obs = con.execute("SELECT count(*) FROM obs").fetchall()[0][0]
    if not n_obs:
        reasons = con.execute("SELECT reason FROM rejected LIMIT 1").fetchall()
        raise StatsImportError(
            "no usable rows in the file(s)" + (f": every row was rejected (e.g. {reasons[0][0]})" if reasons else "")
        )
    _check_duplicates(con)

    years = [r[0] for r in con.execute("SELECT DISTINCT year FROM obs ORDER BY 1").fetchall()]
    warnings = _incomplete_years(con, spec)
    classification = next((r.classification for r in reports if r.classification), None) or "user classification"
    notes = [n for r in reports for n in r.notes]
    skipped: dict[str, int] = {}
    for r in reports:
        for reason, n in r.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + n

    # ---- regions
    kinds = {r.region_kind or "state" for r in reports} if spec.format == "cbp" else set()
    if len(kinds) > 1:
        raise StatsImportError("the files mix state and county data; import counties and states as separate datasets")
    counties = kinds == {"county"}
    regions = _build_regions(con, spec, counties=counties)
    if spec.national_region:
        if spec.national_region not in regions["region_code"].values:
            raise StatsImportError(f"national region {spec.national_region!r} does not occur in the data")
        regions.loc[regions["region_code"] == spec.national_region, "is_national"] = True
    if spec.regions is not None:
        extra = _apply_region_file(regions, spec.regions)
        if extra:
            notes.append(f"{spec.regions.name}: {extra} region(s) not in the data were ignored")

    # ---- industries and clusters
    industries = _build_industries(con, spec, classification)
    crosswalk_rows: list[readers.CrosswalkRow] = []
    if spec.crosswalk is not None:
        crosswalk_rows = readers.read_crosswalk(spec.crosswalk)
        clusters = _apply_crosswalk(industries, crosswalk_rows)
        cluster_definition = spec.crosswalk_source or f"crosswalk file {spec.crosswalk.name}"
    else:
        clusters, cluster_definition = _fallback_clusters(industries, spec.format)
    finest = industries[industries["is_finest"]]
    unmapped = sorted(finest.loc[finest["cluster_code"].isna(), "industry_code"].tolist())

    # ---- relatedness
    related_rows: list[readers.RelatednessRow] = []
    related_source = None
    if spec.related is not None:
        related_rows, rule = readers.read_relatedness(spec.related)
        known = set(clusters["cluster_code"])
        for r in related_rows:
            for code in (r.cluster_code, r.related_cluster_code):
                if code not in known:
                    raise StatsImportError(
                        f"{spec.related.name} line {r.source_line}: cluster {code!r} is not a cluster of this dataset "
                        f"({'import the crosswalk that defines it' if spec.crosswalk is None else 'check the crosswalk'})"
                    )
        related_source = (spec.related_source or f"relatedness file {spec.related.name}") + f" ({rule})"

    # ---- the dataset row
    ymin, ymax = years[0], years[-1]
    period = f"{ymin}–{ymax}" if ymin != ymax else str(ymin)
    code = spec.dataset_code or (f"{spec.format}_{ymin}_{ymax}" if ymin != ymax else f"{spec.format}_{ymin}")
    withheld = con.execute("SELECT count(*) FROM obs WHERE is_withheld").fetchall()[0][0]
    rejected = con.execute("SELECT * FROM rejected ORDER BY file_name, source_line").df()
    regions_real = regions[~regions["is_national"]]
    no_coords = sorted(regions_real.loc[regions_real["latitude"].isna(), "region_code"].tolist())
    title, source, region_type, emp_unit, pay_unit = _describe(spec, period, counties=counties)
    has_payroll = con.execute("SELECT count(payroll) FROM obs").fetchall()[0][0] > 0
    files = "; ".join(
        [", ".join(f.name for f in spec.files)]
        + ([f"crosswalk {spec.crosswalk.name}"] if spec.crosswalk is not None else [])
        + ([f"regions {spec.regions.name}"] if spec.regions is not None else [])
        + ([f"relatedness {spec.related.name}"] if spec.related is not None else [])
    )
    options = {k: v for k, v in {
        "year": spec.year, "slice": spec.eurostat_slice or None,
        "region_level": spec.region_level if spec.format == "eurostat" else None,
        "national_region": spec.national_region}.items() if v}
    dataset = {
        "dataset_code": code, "title": title, "format": spec.format, "classification": classification,
        "region_type": region_type, "source": source, "cluster_definition": cluster_definition,
        "has_crosswalk": spec.crosswalk is not None, "relatedness_source": related_source,
        "employment_unit": emp_unit, "payroll_unit": pay_unit if has_payroll else None,
        "national_region_code": spec.national_region, "files": files, "options": json.dumps(options),
        "imported_at": datetime.now(timezone.utc).replace(tzinfo=None), "row_count": int(n_obs),
        "rejected_count": len(rejected), "withheld_count": int(withheld), "region_count": len(regions_real),
        "industry_count": len(industries), "year_min": ymin, "year_max": ymax,
        "notes": "\n".join([f"WARNING: {w}" for w in warnings] + notes) or None,
    }
    obs = con.sql(
        "SELECT ? AS dataset_code, region_code, industry_code, year, employment, establishments, payroll, "
        "is_withheld, flags, source_line FROM obs", params=[code]
    ).to_arrow_table()
    report(0.75, f"Writing {n_obs:,} observations…")

    def write(cur) -> None:
        exists = cur.execute("SELECT count(*) FROM stats_dataset WHERE dataset_code = ?", [code]).fetchall()[0][0]
        if exists and not spec.replace:
            raise StatsImportError(
                f"a dataset named {code!r} exists already; choose another name or replace it"
            )
        if exists:
            _delete(cur, code)
        cols = list(dataset)
        cur.execute(f"INSERT INTO stats_dataset ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                    [dataset[c] for c in cols])
        cur.register("_obs", obs)
        cur.execute("INSERT INTO stats_observation (dataset_code, region_code, industry_code, year, employment, "
                    "establishments, payroll, is_withheld, flags, source_line) SELECT * FROM _obs")
        cur.unregister("_obs")
        _insert_frame(cur, "stats_region", regions.assign(dataset_code=code))
        _insert_frame(cur, "stats_industry", industries.assign(dataset_code=code))
        _insert_frame(cur, "stats_cluster", clusters.assign(dataset_code=code))
        if crosswalk_rows:
            _insert_frame(cur, "stats_crosswalk", pd.DataFrame([r.__dict__ for r in crosswalk_rows]).assign(dataset_code=code))
        if related_rows:
            _insert_frame(cur, "stats_relatedness", pd.DataFrame([r.__dict__ for r in related_rows]).assign(dataset_code=code))
        if len(rejected):
            _insert_frame(cur, "stats_rejected_row", rejected.assign(dataset_code=code))
        report(0.9, "Estimating withheld cells and coverage…")
        write_derived(cur, code, origin=spec.origin, embedded_sha256=spec.embedded_sha256)

    store.write(write)
    report(1.0, "Done")
    return ImportSummary(
        dataset_code=code, title=title, rows_read=sum(r.rows_read for r in reports), rows_imported=int(n_obs),
        rejected=rejected, withheld=int(withheld), skipped=skipped, regions=len(regions_real),
        regions_without_coordinates=no_coords, industries=len(industries), finest_industries=len(finest),
        unmapped_industries=unmapped, clusters=len(clusters), years=years, relatedness_pairs=len(related_rows),
        seconds=time.perf_counter() - t0, notes=notes, warnings=warnings,
    )


def delete_dataset(store, dataset_code: str) -> None:
    """Remove a dataset and everything imported with it (one transaction)."""
    def run(cur):
        if not cur.execute("SELECT count(*) FROM stats_dataset WHERE dataset_code = ?", [dataset_code]).fetchall()[0][0]:
            raise StatsImportError(f"there is no dataset {dataset_code!r}")
        _delete(cur, dataset_code)

    store.write(run)


STATS_TABLES = ("stats_observation", "stats_industry", "stats_cluster", "stats_crosswalk", "stats_region",
                "stats_relatedness", "stats_rejected_row", "stats_dataset_profile", "stats_region_country",
                "stats_withheld_estimate", "stats_cluster_cell", "stats_grouping_industry", "stats_grouping_group",
                "stats_grouping", "stats_dataset")


def _delete(cur, code: str) -> None:
    for t in STATS_TABLES:  # fixed list of identifiers
        cur.execute(f"DELETE FROM {t} WHERE dataset_code = ?", [code])


def _insert_frame(cur, table: str, df: pd.DataFrame) -> None:
    from clusterdash import schema

    cols = [c for c in schema.table(table).column_names if c in df.columns]
    cur.register("_frame", df[cols])
    cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _frame")
    cur.unregister("_frame")


# ---- steps -------------------------------------------------------------------------------------

def _check_duplicates(con) -> None:
    dupes = con.execute(
        """WITH d AS (SELECT region_code, industry_code, year FROM obs GROUP BY ALL HAVING count(*) > 1)
           SELECT region_code, industry_code, year,
                  list(file_name || ' line ' || source_line ORDER BY file_name, source_line)[1:2] AS at
           FROM obs JOIN d USING (region_code, industry_code, year)
           GROUP BY ALL ORDER BY min(source_line) LIMIT 3"""
    ).fetchall()
    if dupes:
        listed = "; ".join(f"region {r!r}, industry {i!r}, year {y} on {' and '.join(at)}" for r, i, y, at in dupes)
        raise StatsImportError(f"duplicate keys (one row per region × industry × year): {listed}")


def _build_regions(con, spec: ImportSpec, *, counties: bool = False) -> pd.DataFrame:
    df = con.execute(
        "SELECT region_code, any_value(region_name) FILTER (WHERE region_name IS NOT NULL) AS region_name "
        "FROM obs GROUP BY 1 ORDER BY 1"
    ).df()
    df["latitude"] = None
    df["longitude"] = None
    df["coordinate_source"] = None
    df["is_national"] = False
    if spec.format == "cbp" and counties:
        from clusterdash.stats import geographies

        known = geographies.us_counties()
        df["latitude"] = df["region_code"].map(lambda c: known[c]["latitude"])
        df["longitude"] = df["region_code"].map(lambda c: known[c]["longitude"])
        df["coordinate_source"] = geographies.US_COUNTIES_SOURCE
    elif spec.format == "cbp":
        known = us_states()
        df["latitude"] = df["region_code"].map(lambda c: known[c]["latitude"])
        df["longitude"] = df["region_code"].map(lambda c: known[c]["longitude"])
        df["coordinate_source"] = US_STATES_SOURCE
    elif spec.format == "eurostat":
        known = nuts_regions()
        names, sources = [], []
        for code, name in zip(df["region_code"], df["region_name"]):
            r = known.get(code)
            names.append(name if isinstance(name, str) else (r["name"] if r else None))
            sources.append(f"name: {r['name_source']} ({r['name_vintage']}); no coordinates of the region "
                           "(see stats_region_country for its country's position)" if r else
                           "no name in the shipped NUTS 2013 list; no coordinates")
        df["region_name"] = names
        df["coordinate_source"] = sources
    else:
        df["coordinate_source"] = "name from the data file; no coordinates"
    df["region_name"] = df["region_name"].fillna(df["region_code"])
    df["latitude"] = df["latitude"].astype("Float64")
    df["longitude"] = df["longitude"].astype("Float64")
    return df


def _apply_region_file(regions: pd.DataFrame, f: SourceFile) -> int:
    rows = readers.read_regions(f)
    idx = {c: i for i, c in enumerate(regions["region_code"])}
    extra = 0
    for r in rows:
        i = idx.get(r.region_code)
        if i is None:
            extra += 1
            continue
        regions.at[i, "region_name"] = r.region_name
        if r.latitude is not None:
            regions.at[i, "latitude"] = r.latitude
            regions.at[i, "longitude"] = r.longitude
        regions.at[i, "coordinate_source"] = f"region file {f.name} line {r.source_line}"
    return extra


def _infer_level(code: str, fmt: str) -> int:
    if code.upper() in TOTAL_CODES:
        return 0
    if fmt == "eurostat" or not re.search(r"\d", code):
        return readers.nace_level(code)
    if re.fullmatch(r"\d{2}-\d{2}", code):
        return 2
    return len(re.sub(r"\D", "", code))


def _build_industries(con, spec: ImportSpec, classification: str) -> pd.DataFrame:
    df = con.execute(
        "SELECT industry_code, any_value(industry_name) FILTER (WHERE industry_name IS NOT NULL) AS industry_name, "
        "max(industry_level) AS industry_level, count(industry_level) AS n_level, count(*) AS n "
        "FROM obs GROUP BY 1 ORDER BY 1"
    ).df()
    codes = df["industry_code"].tolist()
    given = df["n_level"] == df["n"]
    df["industry_level"] = [int(l) if g and pd.notna(l) else _infer_level(c, spec.format)
                            for c, l, g in zip(codes, df["industry_level"], given)]
    if spec.format in ("cbp", "eurostat") or bool(given.all()):
        top = max([l for l in df["industry_level"] if l > 0], default=0)
        df["is_finest"] = df["industry_level"].eq(top) & df["industry_level"].gt(0)
    else:
        # long without levels: an industry is at the finest level when no other code extends it
        ordered = sorted(set(codes))
        finest = []
        for c in codes:
            if c.upper() in TOTAL_CODES:
                finest.append(False)
                continue
            finest.append(not any(o != c and o.startswith(c) for o in ordered))
        df["is_finest"] = finest
    names = {}
    if classification.startswith("NAICS"):
        names = classification_groups(NAICS_GROUPS_FILE)
    elif classification.startswith("NACE"):
        names = classification_groups(NACE_GROUPS_FILE)
    df["industry_name"] = [n if isinstance(n, str) else names.get(c) for c, n in zip(codes, df["industry_name"])]
    df["cluster_code"] = None
    return df[["industry_code", "industry_name", "industry_level", "is_finest", "cluster_code"]]


def _apply_crosswalk(industries: pd.DataFrame, rows: list[readers.CrosswalkRow]) -> pd.DataFrame:
    by_code = {r.industry_code: r for r in rows}
    prefixes = sorted(by_code, key=len, reverse=True)
    cluster_of = []
    for code, finest, name in zip(industries["industry_code"], industries["is_finest"], industries["industry_name"]):
        if not finest:
            cluster_of.append(None)
            continue
        r = by_code.get(code) or next((by_code[p] for p in prefixes if code.startswith(p)), None)
        cluster_of.append(r.cluster_code if r else None)
    industries["cluster_code"] = cluster_of
    titles = {r.industry_code: r.industry_name for r in rows if r.industry_name}
    industries["industry_name"] = [n if isinstance(n, str) else titles.get(c)
                                   for c, n in zip(industries["industry_code"], industries["industry_name"])]
    seen: dict[str, tuple] = {}
    for r in rows:
        if r.cluster_code and r.cluster_code not in seen:
            seen[r.cluster_code] = (r.cluster_name, r.cluster_type)
    return pd.DataFrame([{"cluster_code": c, "cluster_name": n, "cluster_type": t} for c, (n, t) in seen.items()])


def _fallback_clusters(industries: pd.DataFrame, fmt: str) -> tuple[pd.DataFrame, str]:
    finest = industries["is_finest"]
    groups = []
    names = {}
    if fmt == "cbp":
        names = classification_groups(NAICS_GROUPS_FILE)
        for code, f in zip(industries["industry_code"], finest):
            groups.append(code[:3] if f and re.fullmatch(r"\d{3,6}", code) else (code if f else None))
        definition = ("No crosswalk: the groups are the NAICS 2017 3-digit subsectors "
                      "(titles: U.S. Census Bureau, 2017 NAICS)")
    elif fmt == "eurostat":
        names = classification_groups(NACE_GROUPS_FILE)
        for code, f in zip(industries["industry_code"], finest):
            groups.append(code if f and code != "NRP" else None)
        definition = ("No crosswalk: the groups are the NACE Rev. 2 sections (A*10 aggregates) of the file; "
                      "employment with no NACE answer (NRP) is in none")
    else:
        for code, name, f in zip(industries["industry_code"], industries["industry_name"], finest):
            g = code[:2] if f and re.fullmatch(r"\d{3,}", code) else (code if f else None)
            groups.append(g)
        own = dict(zip(industries["industry_code"], industries["industry_name"]))
        names = {g: own.get(g) for g in set(groups) if g}
        definition = ("No crosswalk: the groups are the industry codes' own 2-digit groups "
                      "(codes of 3+ digits grouped by their first two digits)")
    industries["cluster_code"] = groups
    used = sorted({g for g in groups if g})
    clusters = pd.DataFrame({
        "cluster_code": used,
        "cluster_name": [names.get(g) or f"Industry group {g}" for g in used],
        "cluster_type": "unclassified",
    })
    return clusters, definition


def _describe(spec: ImportSpec, period: str, *, counties: bool = False) -> tuple[str, str, str, str, str | None]:
    """title, source, region type, employment unit, payroll unit."""
    names = ", ".join(f.name for f in spec.files)
    if spec.format == "cbp":
        title = spec.title or f"U.S. County Business Patterns {period}, {'counties' if counties else 'states'}"
        source = spec.source or f"U.S. Census Bureau, County Business Patterns {period}"
        return title, source, "U.S. county" if counties else "U.S. state", CBP_EMPLOYMENT_UNIT, CBP_PAYROLL_UNIT
    if spec.format == "eurostat":
        stem = Path(spec.files[0].name).stem
        code = stem if re.fullmatch(r"[a-z0-9_]+", stem) else "dataset"
        title = spec.title or f"Eurostat {code} {period}, NUTS {spec.region_level} regions"
        source = spec.source or f"Eurostat, {code} {period}"
        return title, source, f"NUTS {spec.region_level} region", "persons employed", None
    title = spec.title or f"{names} {period}"
    source = spec.source or f"{names} (imported by a user; no publisher given)"
    return (title, source, "region", spec.employment_unit or "persons (as given in the file)",
            spec.payroll_unit or "as given in the file")


# ---- coverage, countries, profile (issue #11) --------------------------------------------------

STRONG_RULE = ("U.S. Cluster Mapping rule: LQ ≥ 75th percentile of the regions with employment and LQ ≥ 1, "
               "employment above the 25th percentile and establishments above the 25th percentile")
STRONG_RULE_NO_ESTABLISHMENTS = (
    "LQ ≥ 75th percentile of the regions with employment and LQ ≥ 1, and employment above the 25th percentile. "
    "The source has no establishment counts, so the U.S. Cluster Mapping condition on establishments is dropped "
    "(like the European Cluster Panorama, which judges regions on size and specialisation of employment)")


def cluster_terms(fmt: str, has_crosswalk: bool) -> tuple[str, str]:
    """What the dataset's clusters are called in titles: (plural, singular)."""
    if has_crosswalk:
        return "clusters", "cluster"
    return {"cbp": ("NAICS subsectors", "NAICS subsector"),
            "eurostat": ("NACE sections", "NACE section")}.get(fmt, ("industry groups", "industry group"))


def write_derived(cur, code: str, *, origin: str = "import", embedded_sha256: str | None = None) -> None:
    """(Re)write the coverage tables of one dataset inside the caller's transaction: its regions'
    countries, the withheld-cell estimates, the profile (cluster term, benchmark, strong rule,
    default base year) and the region × cluster × year sums (clusterdash.stats.cells). Called by
    every import, by attach_crosswalk, by migration v009 and by every analysis write that changes
    a dataset's clusters or cells."""
    from clusterdash.stats import cells, coverage

    (fmt, has_cw, region_type, national), = cur.execute(
        "SELECT format, has_crosswalk, region_type, national_region_code FROM stats_dataset WHERE dataset_code = ?",
        [code]).fetchall()
    nuts = region_type.startswith("NUTS")
    name_source = US_STATES_SOURCE
    if fmt == "cbp" and region_type != "U.S. state":  # counties, economic areas (clusterdash.stats.geographies)
        from clusterdash.stats import geographies

        name_source = geographies.name_source(region_type)
    cur.execute("DELETE FROM stats_region_country WHERE dataset_code = ?", [code])
    rows = []
    for rcode, lat, is_national in cur.execute(
            "SELECT region_code, latitude, is_national FROM stats_region WHERE dataset_code = ?", [code]).fetchall():
        if fmt == "cbp":
            rows.append((code, rcode, "US", "United States", name_source, "region" if lat is not None else "none",
                         None, None))
        elif nuts:
            known = nuts_regions()
            r = known.get(rcode)
            country = known.get(rcode[:2])
            clat = r["latitude"] if r else (country["latitude"] if country else None)
            clon = r["longitude"] if r else (country["longitude"] if country else None)
            pos = "region" if lat is not None else ("country" if clat is not None else "none")
            rows.append((code, rcode, rcode[:2], (r or country or {}).get("country_name"),
                         (r["name_source"] + f" ({r['name_vintage']})") if r else None, pos, clat, clon))
        else:
            rows.append((code, rcode, "ALL", None, None, "region" if lat is not None else "none", None, None))
    if rows:
        cur.executemany("INSERT INTO stats_region_country (dataset_code, region_code, country_code, country_name, "
                        "name_source, position, country_latitude, country_longitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        rows)
    coverage.estimate_withheld(cur, code)
    has_estab = cur.execute("SELECT count(establishments) > 0 FROM stats_observation WHERE dataset_code = ?",
                            [code]).fetchall()[0][0]
    cov = coverage.year_coverage(cur, code)
    base = coverage.default_base_year(cov)
    plural, singular = cluster_terms(fmt, bool(has_cw))
    old = cur.execute("SELECT dataset_origin, embedded_sha256 FROM stats_dataset_profile WHERE dataset_code = ?",
                      [code]).fetchall()
    if old and origin == "import" and embedded_sha256 is None:
        origin, embedded_sha256 = old[0]  # a re-derivation keeps where the dataset came from
    cur.execute("DELETE FROM stats_dataset_profile WHERE dataset_code = ?", [code])
    cur.execute(
        "INSERT INTO stats_dataset_profile (dataset_code, dataset_origin, embedded_sha256, cluster_term, cluster_term_singular, "
        "default_benchmark, is_establishments_in_source, strong_rule, default_base_year, base_year_reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [code, origin, embedded_sha256, plural, singular, "country" if nuts and not national else "nation",
         bool(has_estab), STRONG_RULE if has_estab else STRONG_RULE_NO_ESTABLISHMENTS,
         base.year if base else None, base.reason if base else None])
    cells.refresh(cur, code)  # the region × cluster × year sums the indicators read


def _incomplete_years(con, spec: ImportSpec) -> list[str]:
    """A year with far fewer regions than the year with most (below coverage.COMPLETE_SHARE):
    one warning naming the missing regions. Location quotients and shares refuse such a year
    as their benchmark (indicators)."""
    from clusterdash.stats import coverage

    per_year = con.execute(
        "SELECT year, list(DISTINCT region_code) AS regions FROM obs WHERE employment IS NOT NULL "
        "AND (? IS NULL OR region_code <> ?) GROUP BY 1 ORDER BY 1",
        [spec.national_region, spec.national_region]).fetchall()
    if len(per_year) < 2:
        return []
    most = max(len(r) for _, r in per_year)
    best = set(next(r for _, r in per_year if len(r) == most))
    names = dict(con.execute("SELECT region_code, any_value(region_name) FROM obs GROUP BY 1").fetchall())
    out = []
    for year, regions in per_year:
        if len(regions) < coverage.COMPLETE_SHARE * most:
            missing = sorted(best - set(regions))
            listed = ", ".join(f"{names.get(m) or m} ({m})" if names.get(m) else m for m in missing[:100])
            out.append(f"{year} has {len(regions)} of {most} regions — missing {listed}"
                       f"{f' and {len(missing) - 100} more' if len(missing) > 100 else ''}. Is the file complete? "
                       f"Location quotients and shares are not computed for {year} (its sum of regions is no "
                       "benchmark); growth to or from it is flagged.")
    return out


@dataclass
class AttachSummary:
    dataset_code: str
    clusters: int
    industries_mapped: int
    unmapped_industries: list[str]
    relatedness_pairs: int
    cluster_definition: str

    def lines(self) -> list[str]:
        out = [f"dataset {self.dataset_code}: clusters now from {self.cluster_definition}",
               f"clusters {self.clusters}; finest-level industries in a cluster {self.industries_mapped}"]
        if self.unmapped_industries:
            out.append(f"finest-level industries in no cluster: {len(self.unmapped_industries)} "
                       f"({', '.join(self.unmapped_industries[:8])}{' …' if len(self.unmapped_industries) > 8 else ''})")
        if self.relatedness_pairs:
            out.append(f"cluster relatedness pairs: {self.relatedness_pairs}")
        return out


def attach_crosswalk(store, dataset_code: str, crosswalk, related=None, *, crosswalk_source: str | None = None,
                     related_source: str | None = None) -> AttachSummary:
    """Give an existing dataset the clusters of a crosswalk file (and optionally a cluster
    relatedness file), e.g. the U.S. Cluster Mapping crosswalk a user has, in ONE transaction:
    the industries' clusters, the clusters, the crosswalk and relatedness tables, the dataset's
    cluster definition and profile change together; the observations stay as they are.
    ``crosswalk``/``related``: a SourceFile or a path. Raises StatsImportError."""
    cw = crosswalk if isinstance(crosswalk, SourceFile) else SourceFile.from_path(crosswalk)
    rel = None if related is None else (related if isinstance(related, SourceFile) else SourceFile.from_path(related))
    ds = store.rows("SELECT files, format FROM stats_dataset WHERE dataset_code = ?", [dataset_code])
    if not ds:
        raise StatsImportError(f"there is no dataset {dataset_code!r}")
    industries = store.df("SELECT industry_code, industry_name, industry_level, is_finest FROM stats_industry "
                          "WHERE dataset_code = ? ORDER BY industry_code", [dataset_code])
    industries["cluster_code"] = None
    rows = readers.read_crosswalk(cw)
    clusters = _apply_crosswalk(industries, rows)
    finest = industries[industries["is_finest"]]
    mapped = finest["cluster_code"].notna()
    if not mapped.any():
        raise StatsImportError(f"{cw.name}: none of the dataset's {len(finest)} finest-level industry codes is in the "
                               "crosswalk (is it for another classification?)")
    unmapped = sorted(finest.loc[~mapped, "industry_code"].tolist())
    related_rows: list[readers.RelatednessRow] = []
    related_text = None
    if rel is not None:
        related_rows, rule = readers.read_relatedness(rel)
        known = set(clusters["cluster_code"])
        for r in related_rows:
            for c in (r.cluster_code, r.related_cluster_code):
                if c not in known:
                    raise StatsImportError(f"{rel.name} line {r.source_line}: cluster {c!r} is not a cluster of "
                                           f"the crosswalk {cw.name}")
        related_text = (related_source or f"relatedness file {rel.name}") + f" ({rule})"
    definition = crosswalk_source or f"crosswalk file {cw.name}"
    base_files = (ds[0]["files"] or "").split("; ")[0]
    files = "; ".join([base_files, f"crosswalk {cw.name}"] + ([f"relatedness {rel.name}"] if rel else []))

    def run(cur):
        for t in ("stats_industry", "stats_cluster", "stats_crosswalk", "stats_relatedness"):
            cur.execute(f"DELETE FROM {t} WHERE dataset_code = ?", [dataset_code])
        _insert_frame(cur, "stats_industry", industries.assign(dataset_code=dataset_code))
        _insert_frame(cur, "stats_cluster", clusters.assign(dataset_code=dataset_code))
        _insert_frame(cur, "stats_crosswalk", pd.DataFrame([r.__dict__ for r in rows]).assign(dataset_code=dataset_code))
        if related_rows:
            _insert_frame(cur, "stats_relatedness",
                          pd.DataFrame([r.__dict__ for r in related_rows]).assign(dataset_code=dataset_code))
        cur.execute("UPDATE stats_dataset SET cluster_definition = ?, has_crosswalk = true, relatedness_source = ?, "
                    "files = ? WHERE dataset_code = ?", [definition, related_text, files, dataset_code])
        write_derived(cur, dataset_code)

    store.write(run)
    return AttachSummary(dataset_code, len(clusters), int(mapped.sum()), unmapped, len(related_rows), definition)

