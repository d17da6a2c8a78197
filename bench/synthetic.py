"""SYNTHETIC region × industry × year datasets for the scaling benchmark, generated inside
DuckDB (no file, no Python loop). The numbers are deterministic pseudo-random values from
DuckDB's ``hash()``: they are NOT statistics of any real place, and every dataset row says so
(title, source, notes).

Shape: ``regions × industries × years`` observations, every industry at the finest level and in
one of 67 clusters (51 traded, 16 local, like the U.S. Cluster Mapping Project's), about 1 % of
cells withheld (employment NULL). Rows are scaled through the number of regions (think county
level data), so the output (region × cluster × year) grows with the input. Rows are stored in the
order County Business Patterns files come in (one file per year, sorted by region, then
industry), as an import of such files stores them.
"""

from __future__ import annotations

from datetime import datetime, timezone

from clusterdash.stats import cells

SYNTHETIC_LABEL = "SYNTHETIC benchmark data (deterministic pseudo-random numbers, not real statistics)"
SYNTHETIC_SOURCE = "SYNTHETIC: generated inside DuckDB by bench/synthetic.py; not real statistics"
TRADED_CLUSTERS = 51
LOCAL_CLUSTERS = 16
INDUSTRIES = 1000
YEARS = 5
FIRST_YEAR = 2017


def shape_for(rows: int, *, industries: int = INDUSTRIES, years: int = YEARS) -> tuple[int, int, int]:
    """(regions, industries, years) with regions × industries × years == rows."""
    per_region = industries * years
    if rows % per_region:
        raise ValueError(f"{rows} rows is not a multiple of {industries} industries × {years} years")
    return rows // per_region, industries, years


def u(expr: str) -> str:
    """SQL: a deterministic pseudo-random number in [0, 1) from the hash of ``expr``."""
    return f"(hash({expr}) % 1000003) / 1000003.0"


def create_synthetic_dataset(store, rows: int, dataset_code: str | None = None, *, industries: int = INDUSTRIES,
                             years: int = YEARS, refresh_cells: bool = True) -> str:
    """Write one SYNTHETIC dataset of ``rows`` observations into the store's statistics tables
    (one transaction) and return its dataset_code. ``refresh_cells``: also write its region ×
    cluster × year sums (``stats_cluster_cell``), as every import does; False leaves that to the
    caller (the benchmark times it apart with :func:`refresh_cells`)."""
    n_regions, n_industries, n_years = shape_for(rows, industries=industries, years=years)
    code = dataset_code or (f"synthetic_{rows // 1_000_000}m" if rows % 1_000_000 == 0 else f"synthetic_{rows}")
    n_clusters = TRADED_CLUSTERS + LOCAL_CLUSTERS
    now = datetime.now(timezone.utc).replace(tzinfo=None)

    def write(cur) -> None:
        for t in ("stats_observation", "stats_industry", "stats_cluster", "stats_region", "stats_cluster_cell",
                  "stats_dataset"):
            cur.execute(f"DELETE FROM {t} WHERE dataset_code = ?", [code])
        cur.execute(
            """INSERT INTO stats_dataset (dataset_code, title, format, classification, region_type, source,
                   cluster_definition, has_crosswalk, relatedness_source, employment_unit, payroll_unit,
                   national_region_code, files, options, imported_at, row_count, rejected_count, withheld_count,
                   region_count, industry_count, year_min, year_max, notes)
               VALUES (?, ?, 'long', 'SYNTHETIC classification', 'SYNTHETIC region', ?, ?, true, NULL,
                       'persons (SYNTHETIC)', 'USD thousands (SYNTHETIC)', NULL, NULL, '{}', ?, ?, 0, 0, ?, ?, ?, ?, ?)""",
            [code, f"{SYNTHETIC_LABEL}: {n_regions} regions × {n_industries} industries × {n_years} years",
             SYNTHETIC_SOURCE, f"SYNTHETIC: industry i in cluster i mod {n_clusters}", now, rows, n_regions,
             n_industries, FIRST_YEAR, FIRST_YEAR + n_years - 1, SYNTHETIC_LABEL],
        )
        cur.execute(
            f"""INSERT INTO stats_cluster (dataset_code, cluster_code, cluster_name, cluster_type)
                SELECT ?, CAST(CASE WHEN c < {TRADED_CLUSTERS} THEN c + 1 ELSE 101 + c - {TRADED_CLUSTERS} END AS VARCHAR),
                       'SYNTHETIC cluster ' || c, CASE WHEN c < {TRADED_CLUSTERS} THEN 'traded' ELSE 'local' END
                FROM range({n_clusters}) t(c)""",
            [code],
        )
        cur.execute(
            f"""INSERT INTO stats_industry (dataset_code, industry_code, industry_name, industry_level, is_finest, cluster_code)
                SELECT ?, 'S' || lpad(CAST(i AS VARCHAR), 5, '0'), 'SYNTHETIC industry ' || i, 6, true,
                       CAST(CASE WHEN i % {n_clusters} < {TRADED_CLUSTERS} THEN i % {n_clusters} + 1
                                 ELSE 101 + i % {n_clusters} - {TRADED_CLUSTERS} END AS VARCHAR)
                FROM range({n_industries}) t(i)""",
            [code],
        )
        cur.execute(
            """INSERT INTO stats_region (dataset_code, region_code, region_name, latitude, longitude, coordinate_source, is_national)
               SELECT ?, 'R' || lpad(CAST(r AS VARCHAR), 5, '0'), 'SYNTHETIC region ' || r, NULL, NULL, ?, false
               FROM range(?) t(r)""",
            [code, SYNTHETIC_SOURCE, n_regions],
        )
        # employment: a region × industry level (log-uniform, 0–~3000) with a little yearly noise;
        # ~1 % withheld (NULL), ~5 % zero.
        level = f"floor(exp({u('r * 7919 + i')} * 8.0) - 1)"
        noise = f"(0.9 + 0.2 * {u('r * 104729 + i * 31 + y')})"
        withheld = f"{u('r * 15485863 + i * 17 + y * 3')} < 0.01"
        for y in range(n_years):  # one year at a time: a sort of regions × industries rows, not of all of them
            cur.execute(
                f"""INSERT INTO stats_observation (dataset_code, region_code, industry_code, year, employment,
                        establishments, payroll, is_withheld, flags, source_line)
                    SELECT ?, 'R' || lpad(CAST(r AS VARCHAR), 5, '0'), 'S' || lpad(CAST(i AS VARCHAR), 5, '0'),
                           {FIRST_YEAR} + y,
                           CASE WHEN {withheld} THEN NULL ELSE floor({level} * {noise}) END,
                           CAST(1 + floor({level} / (4 + 20 * {u('r + i * 7')})) AS BIGINT),
                           CASE WHEN {withheld} THEN NULL ELSE floor({level} * {noise}) * (30 + 40 * {u('i * 13 + r')}) END,
                           {withheld}, CASE WHEN {withheld} THEN 'SYNTHETIC withheld' END,
                           CAST((r * {n_industries} + i) * {n_years} + y + 2 AS INTEGER)
                    FROM (SELECT CAST(? AS BIGINT) AS y) c, range({n_regions}) a(r), range({n_industries}) b(i)
                    ORDER BY r, i""",
                [code, y],
            )
        if refresh_cells:  # what an import does last (clusterdash.stats.importer.write_derived)
            cells.refresh(cur, code)

    store.write(write)
    return code


def lq_sql() -> str:
    """The engine's own indicator SQL (clusterdash.stats.indicators), up to the location
    quotients and strong-cluster flags."""
    from clusterdash.stats import indicators

    return indicators._CHAIN + (
        " SELECT region_code, cluster_code, cluster_type, year, employment, lq, national_share_pct,"
        " is_strong, is_strong_top10 FROM flagged"
    )


def refresh_cells(store, dataset_code: str) -> int:
    """The region × cluster × year sums of a dataset (one transaction), as an import writes them."""
    return store.write(lambda cur: cells.refresh(cur, dataset_code))
