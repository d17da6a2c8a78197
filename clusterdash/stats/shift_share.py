"""Shift-share analysis of employment per region × cluster between two years, in DuckDB SQL on
the indicator chain (:mod:`clusterdash.stats.indicators`: the same finest-level sums, benchmark
groups, completeness rule and withheld-cell estimates). No Streamlit.

For a region *r*, a cluster *i*, base year 0 and end year 1, with *E* employment, *N* the
benchmark (the nation, or the region's country for NUTS regions) and *N·* its total over all
clusters:

- ``national_growth_effect``  NS = E_ri0 · g_N     (g_N = E_N·1 / E_N·0 − 1, growth of all employment)
- ``industry_mix_effect``     IM = E_ri0 · (g_Ni − g_N)   (g_Ni: the cluster's national growth)
- ``regional_shift_effect``   RS = E_ri0 · (g_ri − g_Ni)  (the region's own, competitive, shift)

NS + IM + RS = E_ri1 − E_ri0 = ``employment_change`` (RS is computed as the change minus NS and
IM, so the three parts add up to the change for every row).

**Esteban-Marquillas** (1972), ``variant="esteban-marquillas"``: the regional shift is split with
the *homothetic* employment E*_ri0 = E_r·0 · E_Ni0 / E_N·0 (what the region would employ in the
cluster with the nation's structure) into a ``competitive_effect`` E*_ri0 · (g_ri − g_Ni) and an
``allocation_effect`` (E_ri0 − E*_ri0) · (g_ri − g_Ni), the part due to being specialised
(E_ri0 > E*_ri0) in a cluster where the region grows faster than the nation. They sum to RS.

Honesty rules (as for growth in the indicators): a region × cluster without any row in one of the
two years counts as 0 there (CBP leaves out cells without establishments; the note says so); a
cluster whose every cell is withheld in one year has no employment, so no decomposition
(``is_decomposed`` false); ``is_growth_distorted`` flags rows where withheld cells hold more than
:data:`clusterdash.stats.coverage.DISTORTION_SHARE_PCT` % of the region's or the benchmark's
cluster employment in either year, where withheld cells are of unknown size, or where a year's
benchmark is incomplete (then nothing is decomposed either).
"""

from __future__ import annotations

import pandas as pd

from clusterdash.errors import UserError
from clusterdash.stats import indicators

VARIANTS = ("classic", "esteban-marquillas")

COLUMNS = [
    "region_code", "region_name", "cluster_code", "cluster_name", "cluster_type", "from_year", "to_year",
    "base_year_employment", "employment", "employment_change", "national_growth_effect", "industry_mix_effect",
    "regional_shift_effect", "national_growth_pct", "cluster_national_growth_pct", "region_cluster_growth_pct",
    "homothetic_employment", "competitive_effect", "allocation_effect", "benchmark", "is_decomposed",
    "is_growth_distorted", "growth_note",
]
EM_COLUMNS = ("homothetic_employment", "competitive_effect", "allocation_effect")

SUMMARY_COLUMNS = [
    "region_code", "region_name", "from_year", "to_year", "base_year_employment", "employment", "employment_change",
    "national_growth_effect", "industry_mix_effect", "regional_shift_effect", "national_growth_pct",
    "industry_mix_pct", "regional_shift_pct", "clusters_counted", "clusters_growing_faster", "clusters_not_decomposed",
    "change_not_decomposed", "clusters_distorted",
]

EXPLANATIONS = {
    "national_growth_effect": "Jobs the region would have gained (or lost) in the cluster had it grown like all "
                              "employment in the benchmark.",
    "industry_mix_effect": "Jobs gained or lost because the cluster itself grew faster or slower nationally than "
                           "employment as a whole.",
    "regional_shift_effect": "Jobs gained or lost because the cluster grew faster or slower in the region than in "
                             "the nation: the region's own (competitive) performance.",
    "competitive_effect": "Esteban-Marquillas: the regional shift the region would have with the nation's structure "
                          "(homothetic employment).",
    "allocation_effect": "Esteban-Marquillas: the rest of the regional shift, due to the region being specialised "
                         "(or not) in a cluster where it grows faster (or slower) than the nation.",
}

_SHIFT_SHARE = """
, ss_cells AS (  -- both years of each region × cluster in one pass over the cells (lq2 is not needed:
                   -- it holds one row per regional cell, and only two years are used)
    SELECT region_code, cluster_code,
           count(*) FILTER (WHERE year = $base_year) = 0 AS absent0,
           count(*) FILTER (WHERE year = $to_year) = 0 AS absent1,
           max(employment) FILTER (WHERE year = $base_year) AS emp0,
           max(employment) FILTER (WHERE year = $to_year) AS emp1,
           max(withheld_share_pct) FILTER (WHERE year = $base_year) AS ws0,
           max(withheld_share_pct) FILTER (WHERE year = $to_year) AS ws1,
           max(unknown_withheld_cells) FILTER (WHERE year = $base_year) AS u0,
           max(unknown_withheld_cells) FILTER (WHERE year = $to_year) AS u1
    FROM (SELECT region_code, cluster_code, year, employment, unknown_withheld_cells,
                 100.0 * withheld_employment_est / nullif(coalesce(employment, 0) + withheld_employment_est, 0)
                     AS withheld_share_pct
          FROM typed WHERE NOT is_national AND (year = $base_year OR year = $to_year))
    GROUP BY ALL
),
ss_rows AS (
    SELECT k.region_code, k.cluster_code, g.bgroup, k.absent0, k.absent1,
           CASE WHEN k.absent0 THEN 0 ELSE k.emp0 END AS e0,
           CASE WHEN k.absent1 THEN 0 ELSE k.emp1 END AS e1,
           coalesce(k.ws0, 0) AS w0, coalesce(k.ws1, 0) AS w1,
           coalesce(k.u0, 0) + coalesce(k.u1, 0) AS unknown_cells
    FROM ss_cells k
    JOIN region_group g USING (region_code)
),
ss_nat AS (
    SELECT r.*, c.cluster_name, c.cluster_type, rg.region_name,
           n0.national_employment AS n0, n1.national_employment AS n1,
           coalesce(n0.national_withheld_share_pct, 0) AS nw0, coalesce(n1.national_withheld_share_pct, 0) AS nw1,
           coalesce(n0.national_unknown_withheld_cells, 0) + coalesce(n1.national_unknown_withheld_cells, 0) AS nunknown,
           t0.total AS nt0, t1.total AS nt1, rb.total AS rt0,
           coalesce(c0.is_benchmark_complete, false) AND coalesce(c1.is_benchmark_complete, false) AS complete
    FROM ss_rows r
    JOIN clusters c USING (cluster_code)
    JOIN regions rg USING (region_code)
    LEFT JOIN national n0 ON n0.bgroup = r.bgroup AND n0.cluster_code = r.cluster_code AND n0.year = $base_year
    LEFT JOIN national n1 ON n1.bgroup = r.bgroup AND n1.cluster_code = r.cluster_code AND n1.year = $to_year
    LEFT JOIN national_base t0 ON t0.bgroup = r.bgroup AND t0.year = $base_year
    LEFT JOIN national_base t1 ON t1.bgroup = r.bgroup AND t1.year = $to_year
    LEFT JOIN region_base rb ON rb.region_code = r.region_code AND rb.year = $base_year
    LEFT JOIN complete c0 ON c0.bgroup = r.bgroup AND c0.year = $base_year
    LEFT JOIN complete c1 ON c1.bgroup = r.bgroup AND c1.year = $to_year
),
ss_rates AS (
    SELECT *,
           e0 IS NOT NULL AND e1 IS NOT NULL AND complete AND n0 > 0 AND nt0 > 0 AS ok,
           nt1 / nullif(nt0, 0) - 1 AS g_n,
           n1 / nullif(n0, 0) - 1 AS g_ni,
           CASE WHEN e0 > 0 THEN e1 / e0 - 1 END AS g_ri
    FROM ss_nat
),
ss_parts AS (
    SELECT *,
           CASE WHEN ok THEN e0 * g_n END AS ns,
           CASE WHEN ok THEN e0 * (g_ni - g_n) END AS im,
           CASE WHEN ok THEN rt0 * n0 / nt0 END AS homothetic
    FROM ss_rates
),
shift_share AS (
    SELECT region_code, region_name, cluster_code, cluster_name, cluster_type,
           CAST($base_year AS INTEGER) AS from_year, CAST($to_year AS INTEGER) AS to_year,
           e0 AS base_year_employment, e1 AS employment, e1 - e0 AS employment_change,
           ns AS national_growth_effect, im AS industry_mix_effect,
           CASE WHEN ok THEN (e1 - e0) - ns - im END AS regional_shift_effect,
           CASE WHEN ok THEN 100.0 * g_n END AS national_growth_pct,
           CASE WHEN ok THEN 100.0 * g_ni END AS cluster_national_growth_pct,
           CASE WHEN ok THEN 100.0 * g_ri END AS region_cluster_growth_pct,
           homothetic AS homothetic_employment,
           CASE WHEN ok AND g_ri IS NOT NULL THEN homothetic * (g_ri - g_ni) END AS competitive_effect,
           CASE WHEN ok AND g_ri IS NOT NULL THEN ((e1 - e0) - ns - im) - homothetic * (g_ri - g_ni) END
               AS allocation_effect,
           bgroup AS benchmark_code,
           CASE $benchmark WHEN 'country' THEN 'the region''s country (' || bgroup || ', sum of its regions)'
                WHEN 'eu28' THEN 'EU28 (sum of the regions of the 28 member states)'
                ELSE $nation_text END AS benchmark,
           ok AS is_decomposed,
           (greatest(w0, w1, nw0, nw1) > $distortion_pct OR unknown_cells + nunknown > 0 OR NOT complete
            OR e0 IS NULL OR e1 IS NULL) AS is_growth_distorted,
           nullif(concat_ws('; ',
               CASE WHEN NOT complete THEN 'benchmark incomplete in ' || $base_year || ' or ' || $to_year
                    || ' (far fewer regions): not decomposed' END,
               CASE WHEN e0 IS NULL THEN $base_year || ': every cell withheld, employment unknown' END,
               CASE WHEN e1 IS NULL THEN $to_year || ': every cell withheld, employment unknown' END,
               CASE WHEN absent0 THEN 'no row in ' || $base_year || ' (counted as 0)' END,
               CASE WHEN absent1 THEN 'no row in ' || $to_year || ' (counted as 0)' END,
               CASE WHEN greatest(w0, w1) > $distortion_pct
                    THEN '~' || round(greatest(w0, w1), 1) || ' % of the region''s employment in withheld cells' END,
               CASE WHEN greatest(nw0, nw1) > $distortion_pct
                    THEN '~' || round(greatest(nw0, nw1), 1) || ' % of the benchmark total in withheld cells' END,
               CASE WHEN unknown_cells + nunknown > 0 THEN 'withheld cells of unknown size' END,
               CASE WHEN ok AND n0 > 0 AND e0 = 0 THEN 'no base-year employment: the whole change is regional shift' END
           ), '') AS growth_note
    FROM ss_parts
)
SELECT * FROM shift_share
"""


def _check_years(store, dataset_code: str, from_year: int, to_year: int) -> None:
    row = store.rows("SELECT year_min, year_max FROM stats_dataset WHERE dataset_code = ?", [dataset_code])
    if not row:
        raise UserError(f"there is no dataset {dataset_code!r}")
    lo, hi = row[0]["year_min"], row[0]["year_max"]
    if not (lo <= from_year <= hi and lo <= to_year <= hi):
        raise UserError(f"years {from_year}–{to_year}: the dataset has {lo}–{hi}")
    if from_year >= to_year:
        raise UserError(f"the start year ({from_year}) must come before the end year ({to_year})")


def compute_shift_share(store, dataset_code: str, from_year: int, to_year: int, *, variant: str = "classic",
                        benchmark: str | None = None, cluster_type: str | None = None) -> pd.DataFrame:
    """One row per region × cluster with employment in ``from_year`` or ``to_year`` (see the module
    docs). ``variant``: classic (the Esteban-Marquillas columns are then empty) or
    esteban-marquillas. ``cluster_type``: only traded / local / unclassified clusters."""
    if variant not in VARIANTS:
        raise UserError(f"shift-share variant {variant!r}: use one of {', '.join(VARIANTS)}")
    from_year, to_year = int(from_year), int(to_year)
    _check_years(store, dataset_code, from_year, to_year)
    params = indicators._params(store, dataset_code, from_year, benchmark)
    params["to_year"] = to_year
    df = store.df(indicators._CHAIN + _SHIFT_SHARE, params)
    if cluster_type:
        df = df[df["cluster_type"] == cluster_type]
    if variant == "classic":
        for c in EM_COLUMNS:
            df[c] = float("nan")
    df = df.sort_values(["region_code", "cluster_code"], kind="stable", ignore_index=True)
    return df[COLUMNS + ["benchmark_code"]]


def region_summary(ss: pd.DataFrame) -> pd.DataFrame:
    """Per region: the three parts summed over its decomposed clusters, as jobs and as % of the
    base-year employment of those clusters; how many clusters grew faster than nationally
    (regional shift > 0); what could not be decomposed (clusters and their change)."""
    if ss.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    d = ss.copy()
    dec = d["is_decomposed"].astype(bool)
    for c in ("base_year_employment", "employment", "employment_change", "national_growth_effect",
              "industry_mix_effect", "regional_shift_effect"):
        d[c + "_d"] = d[c].where(dec)
    d["faster"] = dec & (d["regional_shift_effect"] > 0)
    d["nd_change"] = d["employment_change"].where(~dec)
    g = d.groupby(["region_code", "region_name", "from_year", "to_year"], sort=True)
    out = g.agg(
        base_year_employment=("base_year_employment_d", "sum"), employment=("employment_d", "sum"),
        employment_change=("employment_change_d", "sum"), national_growth_effect=("national_growth_effect_d", "sum"),
        industry_mix_effect=("industry_mix_effect_d", "sum"), regional_shift_effect=("regional_shift_effect_d", "sum"),
        clusters_counted=("cluster_code", "count"), clusters_growing_faster=("faster", "sum"),
        clusters_not_decomposed=("is_decomposed", lambda s: int((~s.astype(bool)).sum())),
        change_not_decomposed=("nd_change", "sum"), clusters_distorted=("is_growth_distorted", "sum"),
    ).reset_index()
    base = out["base_year_employment"].where(out["base_year_employment"] > 0)
    out["national_growth_pct"] = 100.0 * out["national_growth_effect"] / base
    out["industry_mix_pct"] = 100.0 * out["industry_mix_effect"] / base
    out["regional_shift_pct"] = 100.0 * out["regional_shift_effect"] / base
    for c in ("clusters_counted", "clusters_growing_faster", "clusters_not_decomposed", "clusters_distorted"):
        out[c] = out[c].astype(int)
    return out[SUMMARY_COLUMNS]


def cluster_components(ss: pd.DataFrame, region_code: str, *, top_n: int | None = None) -> pd.DataFrame:
    """The decomposed clusters of one region in long form (cluster × component × jobs) for the
    stacked chart, largest absolute change first."""
    reg = ss[(ss["region_code"] == str(region_code)) & ss["is_decomposed"].astype(bool)].copy()
    reg["_abs"] = reg["employment_change"].abs()
    reg = reg.sort_values("_abs", ascending=False)
    if top_n:
        reg = reg.head(top_n)
    long = reg.melt(id_vars=["cluster_code", "cluster_name", "employment_change"],
                    value_vars=["national_growth_effect", "industry_mix_effect", "regional_shift_effect"],
                    var_name="component", value_name="jobs")
    return long.reset_index(drop=True)
