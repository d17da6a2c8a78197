"""Cluster indicators in DuckDB SQL, per dataset × region × cluster × year.

Definitions (U.S. Cluster Mapping Project, Delgado, Porter & Stern 2016, and its website's
methodology):

- **employment, establishments, payroll** — sums over the dataset's *finest-level* industries
  of the cluster (withheld cells are missing, not zero; ``withheld_cells`` counts them).
- **avg_wage** — payroll / employment, over cells that have both (CBP: USD per employee);
  **avg_firm_size** — employment / establishments, over cells with employment.
- **lq** (location quotient) — (region cluster employment / region *traded* employment) ÷
  (national cluster employment / national *traded* employment) for traded clusters; *local*
  employment is the base of local clusters; fallback groups (no traded/local split) use all
  cluster employment. "National" = the dataset's national region when the file gives one,
  else the sum over the dataset's regions.
- **national_share_pct** — the region's share of national cluster employment, in %.
- **withheld_cells**, **withheld_establishments_pct** — how many of the cluster's cells the source
  withheld, and the share of its establishments in them (a proxy of the undercount).
- Growth from a chosen **base year** to each later year: ``employment_change``,
  ``cagr_pct`` (compound annual growth), ``national_share_change_pp`` (percentage points),
  ``expected_change`` (base-year employment grown at the national cluster growth rate) and
  ``job_creation_relative`` = actual − expected change (the USCMP "job creation relative to
  national growth").
- **is_strong** (strong cluster), per cluster and year among the regions with employment > 0:
  LQ ≥ 75th percentile AND LQ ≥ 1 AND employment > 25th percentile AND establishments > 25th
  percentile; **is_strong_top10**: the same with the 90th percentile of LQ. Percentiles are
  linear-interpolated (``quantile_cont``). Strong-cluster flags apply to traded (and fallback)
  clusters, never to local clusters, as in the USCMP.
- **cluster_strength_pct** (per region × year) — share of the region's traded employment in
  its strong clusters (fallback datasets: of all cluster employment).

No indicator is stored: every call computes them from the region × cluster × year sums of the
finest-level cells, which :mod:`clusterdash.stats.cells` keeps in ``stats_cluster_cell`` (rewritten
with every import or change of a dataset's clusters), so a query never aggregates the observations
again (well under a second for every state × cluster × year of CBP 2017–2021; about 2 s for 1 M
county × cluster × year rows, bench/results.md).
"""

from __future__ import annotations

import pandas as pd

from clusterdash.stats import coverage

_CHAIN = """
WITH
clusters AS (
    SELECT cluster_code, cluster_name, cluster_type FROM stats_cluster WHERE dataset_code = $dataset
),
regions AS (
    SELECT r.region_code, r.region_name, r.is_national, coalesce(rc.country_code, 'ALL') AS country_code
    FROM stats_region r
    LEFT JOIN stats_region_country rc ON rc.dataset_code = r.dataset_code AND rc.region_code = r.region_code
    WHERE r.dataset_code = $dataset
),
has_national AS (SELECT count(*) FILTER (WHERE is_national) > 0 AND $benchmark = 'nation' AS yes FROM regions),
region_group AS (  -- the benchmark each region's LQ is computed against
    SELECT region_code,
           CASE $benchmark WHEN 'country' THEN country_code WHEN 'eu28' THEN 'EU28' ELSE 'ALL' END AS bgroup
    FROM regions WHERE NOT is_national
),
members AS (  -- the regions whose sums form each benchmark
    SELECT CASE $benchmark WHEN 'country' THEN country_code WHEN 'eu28' THEN 'EU28' ELSE 'ALL' END AS bgroup,
           region_code
    FROM regions
    WHERE CASE WHEN (SELECT yes FROM has_national) THEN is_national
               WHEN $benchmark = 'eu28' THEN NOT is_national AND list_contains($eu28, country_code)
               ELSE NOT is_national END
),
rc AS (  -- region × cluster × year sums of the finest-level industries, kept by clusterdash.stats.cells
    SELECT region_code, cluster_code, year, employment, establishments, payroll, employment_with_payroll,
           establishments_with_employment, withheld_cells, withheld_establishments, withheld_employment_est,
           unknown_withheld_cells
    FROM stats_cluster_cell WHERE dataset_code = $dataset
),
typed AS (  -- names are joined at the end (indicators): wide text columns make every step dearer
    SELECT rc.*, c.cluster_type, r.is_national
    FROM rc JOIN clusters c USING (cluster_code) JOIN regions r USING (region_code)
),
national_rows AS (
    SELECT m.bgroup, t.* FROM typed t JOIN members m USING (region_code)
),
region_year AS (  -- per region × year (national regions too): the LQ bases and whether it has employment
    SELECT region_code, year, is_national,
           sum(employment) FILTER (WHERE cluster_type = 'traded') AS traded,
           sum(employment) FILTER (WHERE cluster_type = 'local') AS local,
           sum(employment) AS total,
           count(employment) > 0 AS is_present
    FROM typed GROUP BY ALL
),
national AS (  -- one pass over the cells, the members joined on the fly (national_rows is not copied)
    SELECT m.bgroup, t.cluster_code, t.year, sum(t.employment) AS national_employment,
           100.0 * sum(t.withheld_employment_est)
               / nullif(coalesce(sum(t.employment), 0) + sum(t.withheld_employment_est), 0) AS national_withheld_share_pct,
           CAST(sum(t.unknown_withheld_cells) AS BIGINT) AS national_unknown_withheld_cells
    FROM typed t JOIN members m USING (region_code) GROUP BY ALL
),
national_base AS (  -- from the region × year sums: a few thousand rows, not the cells again
    SELECT m.bgroup, y.year, sum(y.traded) AS traded, sum(y.local) AS local, sum(y.total) AS total
    FROM region_year y JOIN members m USING (region_code) GROUP BY ALL
),
presence AS (  -- benchmark completeness: member regions with employment, per benchmark × year
    SELECT m.bgroup, y.year, CAST(count(*) FILTER (WHERE y.is_present) AS BIGINT) AS present
    FROM region_year y JOIN members m USING (region_code) GROUP BY ALL
),
complete AS (
    SELECT bgroup, year, present, max(present) OVER (PARTITION BY bgroup) AS most,
           (SELECT yes FROM has_national) OR present >= $complete_share * max(present) OVER (PARTITION BY bgroup)
               AS is_benchmark_complete
    FROM presence
),
region_base AS (
    SELECT region_code, year, traded, local, total FROM region_year WHERE NOT is_national
),
lq AS NOT MATERIALIZED (  -- inlined into lq2: one 1 M-row copy less at county scale
    SELECT t.*, g.bgroup,
           CASE t.cluster_type WHEN 'traded' THEN b.traded WHEN 'local' THEN b.local ELSE b.total END AS base_employment,
           n.national_employment, n.national_withheld_share_pct, n.national_unknown_withheld_cells,
           CASE t.cluster_type WHEN 'traded' THEN nb.traded WHEN 'local' THEN nb.local ELSE nb.total END AS national_base_employment,
           coalesce(cp.is_benchmark_complete, false) AS is_benchmark_complete
    FROM typed t
    JOIN region_base b USING (region_code, year)
    JOIN region_group g USING (region_code)
    LEFT JOIN national n ON n.bgroup = g.bgroup AND n.cluster_code = t.cluster_code AND n.year = t.year
    LEFT JOIN national_base nb ON nb.bgroup = g.bgroup AND nb.year = t.year
    LEFT JOIN complete cp ON cp.bgroup = g.bgroup AND cp.year = t.year
    WHERE NOT t.is_national
),
lq2 AS MATERIALIZED (  -- read three times (percentiles, flags, base year): computed once, not inlined
    SELECT *,
           CASE WHEN is_benchmark_complete THEN
               (employment / nullif(base_employment, 0))
                 / nullif(national_employment / nullif(national_base_employment, 0), 0) END AS lq,
           CASE WHEN is_benchmark_complete THEN 100.0 * employment / nullif(national_employment, 0) END
               AS national_share_pct,
           100.0 * withheld_employment_est / nullif(coalesce(employment, 0) + withheld_employment_est, 0)
               AS withheld_share_pct
    FROM lq
),
pct0 AS (  -- per cluster and year, among regions with employment > 0 (both LQ percentiles in one sort)
    SELECT cluster_code, year,
           quantile_cont(lq, [0.75, 0.90]) AS lq_q,
           quantile_cont(employment, 0.25) AS employment_p25,
           quantile_cont(establishments, 0.25) AS establishments_p25
    FROM lq2 WHERE employment > 0 GROUP BY ALL
),
pct AS (
    SELECT cluster_code, year, lq_q[1] AS lq_p75, lq_q[2] AS lq_p90, employment_p25, establishments_p25 FROM pct0
),
flagged AS (
    SELECT l.*, p.lq_p75, p.lq_p90, p.employment_p25, p.establishments_p25,
           coalesce(l.cluster_type <> 'local' AND l.employment > 0 AND l.lq >= p.lq_p75 AND l.lq >= 1
                    AND l.employment > p.employment_p25
                    AND (NOT $is_establishments_in_source OR l.establishments > p.establishments_p25), false) AS is_strong,
           coalesce(l.cluster_type <> 'local' AND l.employment > 0 AND l.lq >= p.lq_p90 AND l.lq >= 1
                    AND l.employment > p.employment_p25
                    AND (NOT $is_establishments_in_source OR l.establishments > p.establishments_p25), false) AS is_strong_top10
    FROM lq2 l LEFT JOIN pct p USING (cluster_code, year)
),
base AS (  -- the base year's values of each region × cluster (lq2 is kept anyway for the percentiles)
    SELECT region_code, cluster_code,
           employment AS base_year_employment,
           national_share_pct AS base_year_share_pct,
           national_employment AS base_year_national_employment,
           withheld_cells AS base_year_withheld_cells,
           100.0 * withheld_establishments / nullif(establishments, 0) AS base_year_withheld_establishments_pct,
           coalesce(withheld_share_pct, 0) AS base_year_withheld_share_pct,
           coalesce(national_withheld_share_pct, 0) AS base_year_national_withheld_share_pct,
           CAST(coalesce(unknown_withheld_cells, 0) + coalesce(national_unknown_withheld_cells, 0) AS BIGINT)
               AS base_year_unknown_cells,
           coalesce(is_benchmark_complete, false) AS base_year_benchmark_complete
    FROM lq2 WHERE year = $base_year
),
grown AS (
    SELECT f.*, b.base_year_employment, b.base_year_share_pct, b.base_year_national_employment,
           b.base_year_withheld_cells, b.base_year_withheld_establishments_pct,
           coalesce(b.base_year_withheld_share_pct, 0) AS base_year_withheld_share_pct,
           coalesce(b.base_year_national_withheld_share_pct, 0) AS base_year_national_withheld_share_pct,
           coalesce(b.base_year_unknown_cells, CAST(0 AS BIGINT)) AS base_year_unknown_cells,
           coalesce(b.base_year_benchmark_complete, false) AS base_year_benchmark_complete
    FROM flagged f
    LEFT JOIN base b ON b.region_code = f.region_code AND b.cluster_code = f.cluster_code
),
judged AS (
    SELECT *,
           year > $base_year AND (
               greatest(base_year_withheld_share_pct, coalesce(withheld_share_pct, 0),
                        base_year_national_withheld_share_pct, coalesce(national_withheld_share_pct, 0))
                   > $distortion_pct
               OR base_year_unknown_cells + unknown_withheld_cells + coalesce(national_unknown_withheld_cells, CAST(0 AS BIGINT)) > 0
               OR NOT base_year_benchmark_complete OR NOT is_benchmark_complete) AS is_growth_distorted
    FROM grown
),
indicators AS (
    SELECT region_code, region_name, cluster_code, cluster_name, cluster_type, year,
           employment, establishments, payroll,
           $wage_factor * payroll / nullif(employment_with_payroll, 0) AS avg_wage,
           employment / nullif(establishments_with_employment, 0) AS avg_firm_size,
           lq, national_share_pct, national_employment,
           is_strong, is_strong_top10,
           base_year_employment,
           CASE WHEN year > $base_year THEN employment - base_year_employment END AS employment_change,
           CASE WHEN year > $base_year AND base_year_employment > 0 AND employment > 0
                THEN 100.0 * (power(employment / base_year_employment, 1.0 / (year - $base_year)) - 1) END AS cagr_pct,
           CASE WHEN year > $base_year AND base_year_national_employment > 0 AND national_employment > 0
                     AND base_year_benchmark_complete AND is_benchmark_complete
                THEN 100.0 * (power(national_employment / base_year_national_employment, 1.0 / (year - $base_year)) - 1)
           END AS national_cagr_pct,
           CASE WHEN year > $base_year THEN national_share_pct - base_year_share_pct END AS national_share_change_pp,
           CASE WHEN year > $base_year AND base_year_national_employment > 0
                     AND base_year_benchmark_complete AND is_benchmark_complete
                THEN base_year_employment * (national_employment / base_year_national_employment - 1) END AS expected_change,
           CASE WHEN year > $base_year AND base_year_national_employment > 0
                     AND base_year_benchmark_complete AND is_benchmark_complete
                THEN (employment - base_year_employment)
                     - base_year_employment * (national_employment / base_year_national_employment - 1) END AS job_creation_relative,
           withheld_cells, base_year_withheld_cells,
           100.0 * withheld_establishments / nullif(establishments, 0) AS withheld_establishments_pct,
           base_year_withheld_establishments_pct,
           lq_p75, lq_p90, employment_p25, establishments_p25,
           -- issue #11: benchmark, coverage and honesty columns
           bgroup AS benchmark_code,
           CASE $benchmark WHEN 'country' THEN 'the region''s country (' || bgroup || ', sum of its regions)'
                WHEN 'eu28' THEN 'EU28 (sum of the regions of the 28 member states)'
                ELSE $nation_text END AS benchmark,
           is_benchmark_complete,
           coalesce(withheld_share_pct, 0) AS withheld_share_pct,
           coalesce(national_withheld_share_pct, 0) AS national_withheld_share_pct,
           CAST($base_year AS INTEGER) AS base_year,
           coalesce(is_growth_distorted, false) AS is_growth_distorted,
           CASE WHEN is_growth_distorted THEN concat_ws('; ',
                CASE WHEN NOT base_year_benchmark_complete THEN 'base year ' || $base_year || ': benchmark incomplete (far fewer regions)' END,
                CASE WHEN NOT is_benchmark_complete THEN year || ': benchmark incomplete (far fewer regions)' END,
                CASE WHEN base_year_withheld_share_pct > $distortion_pct
                     THEN 'base year ' || $base_year || ': ~' || round(base_year_withheld_share_pct, 1) || ' % of the region''s employment in withheld cells' END,
                CASE WHEN coalesce(withheld_share_pct, 0) > $distortion_pct
                     THEN year || ': ~' || round(withheld_share_pct, 1) || ' % of the region''s employment in withheld cells' END,
                CASE WHEN base_year_national_withheld_share_pct > $distortion_pct
                     THEN 'base year ' || $base_year || ': ~' || round(base_year_national_withheld_share_pct, 1) || ' % of the benchmark total in withheld cells' END,
                CASE WHEN coalesce(national_withheld_share_pct, 0) > $distortion_pct
                     THEN year || ': ~' || round(national_withheld_share_pct, 1) || ' % of the benchmark total in withheld cells' END,
                CASE WHEN base_year_unknown_cells + unknown_withheld_cells + coalesce(national_unknown_withheld_cells, CAST(0 AS BIGINT)) > 0
                     THEN 'withheld cells of unknown size' END) END AS growth_note
    FROM judged
    JOIN (SELECT cluster_code, cluster_name FROM clusters) cn USING (cluster_code)
    JOIN (SELECT region_code, region_name FROM regions) rn USING (region_code)
)
"""

INDICATOR_COLUMNS = [
    "region_code", "region_name", "cluster_code", "cluster_name", "cluster_type", "year", "employment",
    "establishments", "payroll", "avg_wage", "avg_firm_size", "lq", "national_share_pct", "national_employment",
    "is_strong", "is_strong_top10", "base_year_employment", "employment_change", "cagr_pct", "national_cagr_pct",
    "national_share_change_pp", "expected_change", "job_creation_relative", "withheld_cells",
    "base_year_withheld_cells", "withheld_establishments_pct", "base_year_withheld_establishments_pct", "lq_p75", "lq_p90", "employment_p25", "establishments_p25",
    "benchmark_code", "benchmark", "is_benchmark_complete", "withheld_share_pct", "national_withheld_share_pct",
    "base_year", "is_growth_distorted", "growth_note",
]

BENCHMARKS = ("nation", "country", "eu28")


def _params(store, dataset_code: str, base_year: int | None, benchmark: str | None = None) -> dict:
    row = store.rows(
        "SELECT d.year_min, d.payroll_unit, d.region_count, d.national_region_code, p.default_base_year, "
        "p.default_benchmark, p.is_establishments_in_source "
        "FROM stats_dataset d LEFT JOIN stats_dataset_profile p USING (dataset_code) WHERE d.dataset_code = ?",
        [dataset_code])
    if not row:
        return {}
    r = row[0]
    unit = (r["payroll_unit"] or "").lower()
    bench = benchmark or r["default_benchmark"] or "nation"
    if bench not in BENCHMARKS:
        raise ValueError(f"benchmark {bench!r}: use one of {', '.join(BENCHMARKS)}")
    default = r["default_base_year"] if r["default_base_year"] is not None else r["year_min"]
    nation = (f"the nation (national region {r['national_region_code']})" if r["national_region_code"]
              else f"the nation (sum of the dataset's {r['region_count']} regions)")
    return {
        "dataset": dataset_code,
        "base_year": int(base_year if base_year is not None else default),
        "wage_factor": 1000.0 if "thousand" in unit else 1.0,
        "benchmark": bench,
        "eu28": list(coverage.EU28),
        "complete_share": coverage.COMPLETE_SHARE,
        "distortion_pct": coverage.DISTORTION_SHARE_PCT,
        "is_establishments_in_source": True if r["is_establishments_in_source"] is None else bool(r["is_establishments_in_source"]),
        "nation_text": nation,
    }


def compute_indicators(store, dataset_code: str, *, base_year: int | None = None, year: int | None = None,
                       cluster_code: str | None = None, region_codes: list[str] | None = None,
                       benchmark: str | None = None) -> pd.DataFrame:
    """Every indicator per region × cluster × year (filters are applied after the benchmark
    totals and percentiles, which always use all regions). Growth columns run from
    ``base_year`` (default: the dataset's default base year, the first year whose coverage is
    comparable to the later years — see :func:`clusterdash.stats.coverage.default_base_year`)
    to each row's year. ``benchmark``: nation, country or eu28 (default: the dataset's, i.e.
    the region's country for NUTS regions, the nation otherwise)."""
    params = _params(store, dataset_code, base_year, benchmark)
    if not params:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    sql = _CHAIN + "SELECT * FROM indicators WHERE 1 = 1"
    if year is not None:
        sql += " AND year = $year"
        params["year"] = int(year)
    if cluster_code is not None:
        sql += " AND cluster_code = $cluster"
        params["cluster"] = str(cluster_code)
    if region_codes:
        sql += " AND list_contains($regions, region_code)"
        params["regions"] = [str(r) for r in region_codes]
    # sorted in pandas, not SQL: DuckDB's compressed materialization of an ORDER BY can trust
    # column statistics that are stale after a dataset was replaced (a conversion error)
    df = store.df(sql, params)
    return df.sort_values(["year", "region_code", "cluster_code"], kind="stable", ignore_index=True)


def compute_region_strength(store, dataset_code: str, *, year: int | None = None,
                            benchmark: str | None = None) -> pd.DataFrame:
    """Per region × year: traded employment, employment in strong clusters, the number of strong
    clusters and ``cluster_strength_pct`` (share of traded employment in strong clusters)."""
    params = _params(store, dataset_code, None, benchmark)
    if not params:
        return pd.DataFrame(columns=["region_code", "region_name", "year", "traded_employment",
                                     "strong_employment", "strong_clusters", "cluster_strength_pct"])
    sql = _CHAIN + """
        , strength AS (
            SELECT region_code, region_name, year,
                   coalesce(sum(employment) FILTER (WHERE cluster_type = 'traded'),
                            sum(employment) FILTER (WHERE cluster_type = 'unclassified')) AS traded_employment,
                   coalesce(sum(employment) FILTER (WHERE is_strong), 0) AS strong_employment,
                   count(*) FILTER (WHERE is_strong) AS strong_clusters
            FROM indicators WHERE cluster_type <> 'local' GROUP BY ALL
        )
        SELECT *, 100.0 * strong_employment / nullif(traded_employment, 0) AS cluster_strength_pct
        FROM strength WHERE 1 = 1"""
    if year is not None:
        sql += " AND year = $year"
        params["year"] = int(year)
    df = store.df(sql, params)
    return df.sort_values(["year", "region_code"], kind="stable", ignore_index=True)
