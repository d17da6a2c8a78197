"""The peer baseline of the benchmark: the cluster indicators of
:mod:`clusterdash.stats.indicators` written plainly in pandas (vectorised groupby/merge, no
loops), from the same imported tables. ``bench/run.py`` times it against the DuckDB engine in
the same run and checks that both give the same numbers (:func:`assert_same_indicators`).

Definitions as in the engine (U.S. Cluster Mapping Project): sums over the finest-level
industries of each cluster; LQ against traded (local) employment for traded (local) clusters,
all employment for unclassified groups; national = the national region when the dataset has
one, else the sum over its regions; strong = LQ ≥ p75 and LQ ≥ 1 and employment > p25 and
establishments > p25 among the regions with employment > 0 (linear-interpolated percentiles),
never for local clusters; growth from the base year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY = ["region_code", "cluster_code", "year"]


def load_frames(store, dataset_code: str) -> dict[str, pd.DataFrame]:
    """The four imported tables of one dataset, as plain pandas frames (numpy dtypes)."""
    q = {
        "obs": "SELECT region_code, industry_code, year, employment, establishments, payroll "
               "FROM stats_observation WHERE dataset_code = ?",
        "industry": "SELECT industry_code, is_finest, cluster_code FROM stats_industry WHERE dataset_code = ?",
        "cluster": "SELECT cluster_code, cluster_name, cluster_type FROM stats_cluster WHERE dataset_code = ?",
        "region": "SELECT region_code, region_name, is_national FROM stats_region WHERE dataset_code = ?",
    }
    out = {k: store.df(sql, [dataset_code]) for k, sql in q.items()}
    obs = out["obs"]
    obs["employment"] = obs["employment"].astype("float64")
    obs["establishments"] = obs["establishments"].astype("float64")
    obs["payroll"] = obs["payroll"].astype("float64")
    return out


def _nullif0(s: pd.Series) -> pd.Series:
    return s.where(s != 0)


def _sum(s: pd.Series):
    """SQL sum: NULL (NaN) when every value is NULL."""
    return s.sum(min_count=1)


def compute_indicators_pandas(frames: dict[str, pd.DataFrame], *, base_year: int, wage_factor: float) -> pd.DataFrame:
    obs, industry, cluster, region = frames["obs"], frames["industry"], frames["cluster"], frames["region"]
    finest = industry.loc[industry["is_finest"].astype(bool) & industry["cluster_code"].notna(),
                          ["industry_code", "cluster_code"]]
    o = obs.merge(finest, on="industry_code", how="inner")
    o["emp_with_payroll"] = o["employment"].where(o["payroll"].notna())
    o["estab_with_emp"] = o["establishments"].where(o["employment"].notna())
    o["is_withheld_cell"] = o["employment"].isna()
    o["estab_withheld"] = o["establishments"].where(o["employment"].isna())
    g = o.groupby(KEY, sort=False)
    rc = pd.DataFrame({
        "employment": g["employment"].sum(min_count=1),
        "establishments": g["establishments"].sum(min_count=1),
        "payroll": g["payroll"].sum(min_count=1),
        "employment_with_payroll": g["emp_with_payroll"].sum(min_count=1),
        "establishments_with_employment": g["estab_with_emp"].sum(min_count=1),
        "withheld_cells": g["is_withheld_cell"].sum(),
        "withheld_establishments": g["estab_withheld"].sum(min_count=1),
    }).reset_index()
    t = rc.merge(cluster, on="cluster_code").merge(region, on="region_code")
    t["is_national"] = t["is_national"].astype(bool)
    has_national = bool(region["is_national"].astype(bool).any())
    nat_rows = t[t["is_national"] == has_national]

    national = nat_rows.groupby(["cluster_code", "year"])["employment"].sum(min_count=1).rename("national_employment")

    def bases(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        e = df["employment"]
        parts = pd.DataFrame({
            "traded": e.where(df["cluster_type"] == "traded"),
            "local": e.where(df["cluster_type"] == "local"),
            "total": e,
        })
        for c in by:
            parts[c] = df[c].to_numpy()
        return parts.groupby(by).agg(traded=("traded", _sum), local=("local", _sum), total=("total", _sum))

    nb = bases(nat_rows, ["year"])
    rb = bases(t[~t["is_national"]], ["region_code", "year"])

    lq = t[~t["is_national"]].merge(rb.reset_index(), on=["region_code", "year"])
    lq = lq.merge(national.reset_index(), on=["cluster_code", "year"], how="left")
    lq = lq.merge(nb.reset_index().rename(columns={"traded": "n_traded", "local": "n_local", "total": "n_total"}),
                  on="year", how="left")
    ctype = lq["cluster_type"]
    lq["base_employment"] = np.select([ctype == "traded", ctype == "local"], [lq["traded"], lq["local"]], lq["total"])
    lq["national_base_employment"] = np.select([ctype == "traded", ctype == "local"], [lq["n_traded"], lq["n_local"]],
                                               lq["n_total"])
    regional = lq["employment"] / _nullif0(lq["base_employment"])
    nat = lq["national_employment"] / _nullif0(lq["national_base_employment"])
    lq["lq"] = regional / _nullif0(nat)
    lq["national_share_pct"] = 100.0 * lq["employment"] / _nullif0(lq["national_employment"])

    pos = lq[lq["employment"] > 0].groupby(["cluster_code", "year"])
    pct = pd.DataFrame({
        "lq_p75": pos["lq"].quantile(0.75),
        "lq_p90": pos["lq"].quantile(0.90),
        "employment_p25": pos["employment"].quantile(0.25),
        "establishments_p25": pos["establishments"].quantile(0.25),
    }).reset_index()
    f = lq.merge(pct, on=["cluster_code", "year"], how="left")
    common = ((f["cluster_type"] != "local") & (f["employment"] > 0) & (f["lq"] >= 1)
              & (f["employment"] > f["employment_p25"]) & (f["establishments"] > f["establishments_p25"]))
    f["is_strong"] = (common & (f["lq"] >= f["lq_p75"])).astype(bool)
    f["is_strong_top10"] = (common & (f["lq"] >= f["lq_p90"])).astype(bool)

    base = f.loc[f["year"] == base_year, ["region_code", "cluster_code", "employment", "national_share_pct",
                                          "national_employment", "withheld_cells", "withheld_establishments",
                                          "establishments"]].copy()
    base["base_year_withheld_establishments_pct"] = (100.0 * base["withheld_establishments"]
                                                     / _nullif0(base["establishments"]))
    base = base.drop(columns=["withheld_establishments", "establishments"]).rename(columns={
        "employment": "base_year_employment", "national_share_pct": "base_year_share_pct",
        "national_employment": "base_year_national_employment", "withheld_cells": "base_year_withheld_cells"})
    f = f.merge(base, on=["region_code", "cluster_code"], how="left")

    later = f["year"] > base_year
    span = (f["year"] - base_year).where(later)
    emp, b_emp = f["employment"], f["base_year_employment"]
    nat_emp, b_nat = f["national_employment"], f["base_year_national_employment"]
    out = f[["region_code", "region_name", "cluster_code", "cluster_name", "cluster_type", "year",
             "employment", "establishments", "payroll"]].copy()
    out["avg_wage"] = wage_factor * f["payroll"] / _nullif0(f["employment_with_payroll"])
    out["avg_firm_size"] = f["employment"] / _nullif0(f["establishments_with_employment"])
    out["lq"] = f["lq"]
    out["national_share_pct"] = f["national_share_pct"]
    out["national_employment"] = nat_emp
    out["is_strong"] = f["is_strong"]
    out["is_strong_top10"] = f["is_strong_top10"]
    out["base_year_employment"] = b_emp
    out["employment_change"] = (emp - b_emp).where(later)
    out["cagr_pct"] = (100.0 * ((emp / b_emp) ** (1.0 / span) - 1)).where(later & (b_emp > 0) & (emp > 0))
    out["national_cagr_pct"] = (100.0 * ((nat_emp / b_nat) ** (1.0 / span) - 1)).where(later & (b_nat > 0) & (nat_emp > 0))
    out["national_share_change_pp"] = (f["national_share_pct"] - f["base_year_share_pct"]).where(later)
    expected = b_emp * (nat_emp / b_nat - 1)
    out["expected_change"] = expected.where(later & (b_nat > 0))
    out["job_creation_relative"] = ((emp - b_emp) - expected).where(later & (b_nat > 0))
    out["withheld_cells"] = f["withheld_cells"]
    out["base_year_withheld_cells"] = f["base_year_withheld_cells"]
    out["withheld_establishments_pct"] = 100.0 * f["withheld_establishments"] / _nullif0(f["establishments"])
    out["base_year_withheld_establishments_pct"] = f["base_year_withheld_establishments_pct"]
    for c in ("lq_p75", "lq_p90", "employment_p25", "establishments_p25"):
        out[c] = f[c]
    return out.sort_values(["year", "region_code", "cluster_code"], kind="stable").reset_index(drop=True)


NUMERIC = ["employment", "establishments", "payroll", "avg_wage", "avg_firm_size", "lq", "national_share_pct",
           "national_employment", "base_year_employment", "employment_change", "cagr_pct", "national_cagr_pct",
           "national_share_change_pp", "expected_change", "job_creation_relative", "withheld_cells",
           "base_year_withheld_cells", "withheld_establishments_pct", "base_year_withheld_establishments_pct",
           "lq_p75", "lq_p90", "employment_p25", "establishments_p25"]
TEXT = ["region_name", "cluster_name", "cluster_type"]
FLAGS = ["is_strong", "is_strong_top10"]
# Coverage and benchmark annotations (issue #11): not recomputed here; tests/test_stats_embedded.py
# checks them against independent computations on the real data.
ANNOTATIONS = ["benchmark_code", "benchmark", "is_benchmark_complete", "withheld_share_pct",
               "national_withheld_share_pct", "base_year", "is_growth_distorted", "growth_note"]


def assert_same_indicators(engine: pd.DataFrame, baseline: pd.DataFrame, *, rtol: float = 1e-9) -> int:
    """Raise AssertionError unless both frames hold the same rows (region × cluster × year) and
    the same value in every indicator (numbers to ``rtol``, missing where missing; flags exactly).
    Returns the number of rows compared."""
    unknown = set(engine.columns) - set(KEY + NUMERIC + FLAGS + TEXT + ANNOTATIONS)
    assert not unknown, f"the engine has indicators the baseline does not compute: {sorted(unknown)}"
    a = engine.sort_values(KEY).reset_index(drop=True)
    b = baseline.sort_values(KEY).reset_index(drop=True)
    assert len(a) == len(b), f"engine {len(a)} rows, pandas {len(b)} rows"
    for c in KEY:
        assert (a[c].astype(str).to_numpy() == b[c].astype(str).to_numpy()).all(), f"keys differ in {c}"
    for c in NUMERIC:
        x = pd.to_numeric(a[c], errors="raise").astype("float64").to_numpy()
        y = pd.to_numeric(b[c], errors="raise").astype("float64").to_numpy()
        nx, ny = np.isnan(x), np.isnan(y)
        bad = (nx != ny) | (~nx & ~ny & ~np.isclose(x, y, rtol=rtol, atol=1e-9))
        assert not bad.any(), (f"{c}: {int(bad.sum())} rows differ, e.g. "
                               f"{a.loc[bad, KEY].head(3).to_dict('records')}: engine {x[bad][:3]} vs pandas {y[bad][:3]}")
    for c in TEXT:
        assert (a[c].astype(str).to_numpy() == b[c].astype(str).to_numpy()).all(), f"{c} differs"
    for c in FLAGS:
        x = a[c].astype(bool).to_numpy()
        y = b[c].astype(bool).to_numpy()
        assert (x == y).all(), f"{c}: {int((x != y).sum())} rows differ"
    return len(a)
