"""Wages per region × cluster × year, in DuckDB SQL on the indicator chain: the average wage
against the benchmark's average wage *of the same cluster* (the wage premium), wage growth since
the base year, and the rankings. No Streamlit.

- ``avg_wage`` — payroll / employment over the cells that have both (as in the indicators;
  withheld cells have neither, so they are left out of both).
- ``national_avg_wage`` — the same over the benchmark's regions (the nation, or the region's
  country), for the same cluster and year.
- ``wage_premium_pct`` — 100 · (avg_wage / national_avg_wage − 1): how much more (or less) the
  cluster pays in the region than in the nation.
- ``wage_cagr_pct`` / ``national_wage_cagr_pct`` — compound annual growth of the average wage from
  the base year (nominal: payroll as reported, not adjusted for prices).
- ``wage_rank_in_region`` — the cluster's rank by average wage among the region's clusters
  (1 = best paid); ``wage_rank_in_nation`` — the region's rank among all regions for the cluster.
- ``is_growth_distorted`` / ``growth_note`` — the indicators' flags (withheld cells in the base or
  end year); wage growth is computed over the same cells.
"""

from __future__ import annotations

import pandas as pd

from clusterdash.stats import indicators

COLUMNS = [
    "region_code", "region_name", "cluster_code", "cluster_name", "cluster_type", "year", "employment", "payroll",
    "avg_wage", "national_avg_wage", "wage_premium_pct", "base_year", "base_year_avg_wage", "wage_cagr_pct",
    "national_wage_cagr_pct", "wage_rank_in_region", "wage_rank_in_nation", "lq", "is_strong", "is_growth_distorted",
    "growth_note", "benchmark",
]
REGION_COLUMNS = [
    "region_code", "region_name", "year", "employment", "avg_wage", "national_avg_wage", "wage_premium_pct",
    "traded_avg_wage", "national_traded_avg_wage", "traded_wage_premium_pct", "clusters_paying_above",
    "clusters_with_wages",
]

_WAGES = """
, wg_nat AS (
    SELECT bgroup, cluster_code, year, sum(payroll) AS np, sum(employment_with_payroll) AS nep
    FROM national_rows GROUP BY ALL
),
wg AS (
    SELECT i.region_code, i.region_name, i.cluster_code, i.cluster_name, i.cluster_type, i.year, i.employment,
           i.payroll, i.avg_wage, $wage_factor * n.np / nullif(n.nep, 0) AS national_avg_wage,
           i.lq, i.is_strong, i.is_growth_distorted, i.growth_note, i.benchmark, i.base_year
    FROM indicators i
    LEFT JOIN wg_nat n ON n.bgroup = i.benchmark_code AND n.cluster_code = i.cluster_code AND n.year = i.year
),
wages AS (
    SELECT w.*,
           100.0 * (w.avg_wage / nullif(w.national_avg_wage, 0) - 1) AS wage_premium_pct,
           b.avg_wage AS base_year_avg_wage,
           CASE WHEN w.year > $base_year AND b.avg_wage > 0 AND w.avg_wage > 0
                THEN 100.0 * (power(w.avg_wage / b.avg_wage, 1.0 / (w.year - $base_year)) - 1) END AS wage_cagr_pct,
           CASE WHEN w.year > $base_year AND b.national_avg_wage > 0 AND w.national_avg_wage > 0
                THEN 100.0 * (power(w.national_avg_wage / b.national_avg_wage, 1.0 / (w.year - $base_year)) - 1)
           END AS national_wage_cagr_pct,
           CASE WHEN w.avg_wage IS NOT NULL THEN
               rank() OVER (PARTITION BY w.region_code, w.year ORDER BY w.avg_wage DESC NULLS LAST) END
               AS wage_rank_in_region,
           CASE WHEN w.avg_wage IS NOT NULL THEN
               rank() OVER (PARTITION BY w.cluster_code, w.year ORDER BY w.avg_wage DESC NULLS LAST) END
               AS wage_rank_in_nation
    FROM wg w
    LEFT JOIN wg b ON b.region_code = w.region_code AND b.cluster_code = w.cluster_code AND b.year = $base_year
)
SELECT * FROM wages
"""

_REGION_WAGES = """
, rw AS (
    SELECT region_code, year,
           sum(payroll) AS p, sum(employment_with_payroll) AS e,
           sum(payroll) FILTER (WHERE cluster_type = 'traded') AS tp,
           sum(employment_with_payroll) FILTER (WHERE cluster_type = 'traded') AS te
    FROM typed WHERE NOT is_national GROUP BY ALL
),
nw AS (
    SELECT bgroup, year, sum(payroll) AS p, sum(employment_with_payroll) AS e,
           sum(payroll) FILTER (WHERE cluster_type = 'traded') AS tp,
           sum(employment_with_payroll) FILTER (WHERE cluster_type = 'traded') AS te
    FROM national_rows GROUP BY ALL
)
SELECT rw.region_code, r.region_name, rw.year, rw.e AS employment,
       $wage_factor * rw.p / nullif(rw.e, 0) AS avg_wage, $wage_factor * nw.p / nullif(nw.e, 0) AS national_avg_wage,
       $wage_factor * rw.tp / nullif(rw.te, 0) AS traded_avg_wage,
       $wage_factor * nw.tp / nullif(nw.te, 0) AS national_traded_avg_wage
FROM rw JOIN region_group g USING (region_code) JOIN regions r USING (region_code)
LEFT JOIN nw ON nw.bgroup = g.bgroup AND nw.year = rw.year
"""


def compute_wages(store, dataset_code: str, *, base_year: int | None = None, year: int | None = None,
                  benchmark: str | None = None) -> pd.DataFrame:
    """Every region × cluster × year with wages (see the module docs); empty columns when the
    dataset has no payroll."""
    params = indicators._params(store, dataset_code, base_year, benchmark)
    if not params:
        return pd.DataFrame(columns=COLUMNS)
    sql = "SELECT * FROM (" + indicators._CHAIN + _WAGES + ") WHERE 1 = 1"
    if year is not None:
        sql += " AND year = $year"
        params["year"] = int(year)
    df = store.df(sql, params)
    return df.sort_values(["year", "region_code", "cluster_code"], kind="stable", ignore_index=True)[COLUMNS]


def region_wages(store, dataset_code: str, wages: pd.DataFrame, *, benchmark: str | None = None) -> pd.DataFrame:
    """Per region × year: the average wage over all clusters and over the traded clusters, the
    benchmark's, the premiums, and how many clusters pay more than the same cluster nationally
    (for the years of ``wages``, the frame of :func:`compute_wages`)."""
    params = indicators._params(store, dataset_code, None, benchmark)
    if not params:
        return pd.DataFrame(columns=REGION_COLUMNS)
    df = store.df(indicators._CHAIN + _REGION_WAGES, params)
    if len(wages):  # the years of the wage rows given
        df = df[df["year"].isin(set(wages["year"]))]
    df["wage_premium_pct"] = 100.0 * (df["avg_wage"] / df["national_avg_wage"] - 1)
    df["traded_wage_premium_pct"] = 100.0 * (df["traded_avg_wage"] / df["national_traded_avg_wage"] - 1)
    w = wages.dropna(subset=["wage_premium_pct"])
    counts = w.assign(above=w["wage_premium_pct"] > 0).groupby(["region_code", "year"]).agg(
        clusters_paying_above=("above", "sum"), clusters_with_wages=("above", "count")).reset_index()
    df = df.merge(counts, on=["region_code", "year"], how="left")
    for c in ("clusters_paying_above", "clusters_with_wages"):
        df[c] = df[c].fillna(0).astype(int)
    return df.sort_values(["year", "region_code"], kind="stable", ignore_index=True)[REGION_COLUMNS]


def wage_ranking(wages: pd.DataFrame, region_code: str, year: int) -> pd.DataFrame:
    """The region's clusters in one year, best paid first (clusters without wages last)."""
    reg = wages[(wages["region_code"] == str(region_code)) & (wages["year"] == int(year))]
    reg = reg[reg["employment"].fillna(0) > 0]
    return reg.sort_values(["wage_rank_in_region", "employment"], ascending=[True, False],
                           na_position="last").reset_index(drop=True)
