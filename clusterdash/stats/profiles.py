"""The cluster page and the region × cluster page, as pure functions over the indicator table
(:func:`clusterdash.stats.indicators.compute_indicators`) and the wage table
(:func:`clusterdash.stats.wages.compute_wages`). No Streamlit, no SQL.

- :func:`cluster_ranking` — where in the nation a cluster is strong: every region with its LQ,
  employment, share and the strong flags, ranked.
- :func:`cluster_trend` — the cluster nationally over the years: employment (sum of the
  regions), strong regions, the concentration of its employment in its top regions.
- :func:`related_clusters` — its related clusters as a network: the imported relatedness
  (USCMP) when the dataset has it, else ClusterDash's co-location measure (the correlation of the
  two clusters' LQs across the regions), each edge saying which.
- :func:`region_cluster_series` — one region × cluster over the years next to the benchmark:
  employment, establishments, average wage, LQ, and employment indexed to the first year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RANK_COLUMNS = ["rank", "region_code", "region_name", "employment", "lq", "national_share_pct", "establishments",
                "avg_wage", "is_strong", "is_strong_top10", "cagr_pct", "job_creation_relative", "is_growth_distorted"]
TREND_COLUMNS = ["year", "employment", "regions_with_employment", "strong_regions", "top5_share_pct", "withheld_cells"]
SERIES_COLUMNS = ["year", "employment", "establishments", "avg_wage", "national_avg_wage", "lq", "national_share_pct",
                  "national_employment", "employment_index", "national_employment_index", "is_strong",
                  "withheld_cells", "is_growth_distorted"]
NETWORK_NODE_COLUMNS = ["cluster_code", "cluster_name", "is_focus", "employment", "strong_regions"]
NETWORK_EDGE_COLUMNS = ["cluster_code", "related_cluster_code", "strength", "basis"]
COLOCATION_BASIS = "co-location in this dataset (ClusterDash: correlation of the two clusters' LQs across regions)"


def cluster_ranking(ind: pd.DataFrame, cluster_code: str, year: int, *, by: str = "lq") -> pd.DataFrame:
    """The regions of one cluster in one year, ranked by ``by`` (lq, employment, national_share_pct)."""
    sel = ind[(ind["cluster_code"] == str(cluster_code)) & (ind["year"] == int(year))]
    sel = sel[sel["employment"].fillna(0) > 0]
    sel = sel.sort_values([by, "employment"], ascending=[False, False], na_position="last").reset_index(drop=True)
    sel.insert(0, "rank", range(1, len(sel) + 1))
    return sel[[c for c in RANK_COLUMNS if c in sel.columns]]


def cluster_trend(ind: pd.DataFrame, cluster_code: str) -> pd.DataFrame:
    """Per year: the cluster's employment over the regions, regions with employment, strong
    regions, and the share of its employment in its five largest regions."""
    sel = ind[ind["cluster_code"] == str(cluster_code)]
    rows = []
    for year, g in sel.groupby("year", sort=True):
        e = g["employment"].fillna(0)
        total = float(e.sum())
        top5 = float(e.sort_values(ascending=False).head(5).sum())
        rows.append({"year": int(year), "employment": total, "regions_with_employment": int((e > 0).sum()),
                     "strong_regions": int(g["is_strong"].sum()),
                     "top5_share_pct": 100.0 * top5 / total if total else None,
                     "withheld_cells": int(g["withheld_cells"].sum())})
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def colocation(ind: pd.DataFrame, year: int) -> pd.DataFrame:
    """Correlation of the clusters' LQs across the regions in one year (clusters × clusters)."""
    sel = ind[ind["year"] == int(year)]
    wide = sel.pivot_table(index="region_code", columns="cluster_code", values="lq")
    wide = wide.loc[:, wide.notna().sum() >= 3]
    return wide.corr(min_periods=3)


def related_clusters(ind: pd.DataFrame, relatedness: pd.DataFrame, cluster_code: str, year: int, *,
                     top_n: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, edges) of the cluster's network: the focus cluster, its ``top_n`` most related
    clusters, and the links among them. With imported relatedness: its strongly related clusters
    first, then weakly related ones (strength = the pair's relatedness percentile); else the
    co-location correlation (strength = the correlation, only positive ones)."""
    code = str(cluster_code)
    sel = ind[ind["year"] == int(year)]
    names = sel.drop_duplicates("cluster_code").set_index("cluster_code")["cluster_name"].to_dict()
    emp = sel.groupby("cluster_code")["employment"].sum()
    strong = sel.groupby("cluster_code")["is_strong"].sum()
    edges: list[dict] = []
    if relatedness is not None and len(relatedness):
        rel = relatedness[relatedness["is_strongly_related"].astype(bool) | relatedness["is_weakly_related"].astype(bool)]
        kind = {(a, b): ("strongly" if s else "weakly", p) for a, b, s, p in zip(
            rel["cluster_code"], rel["related_cluster_code"], rel["is_strongly_related"], rel["relatedness_pctile"])}
        mine = rel[rel["cluster_code"] == code].sort_values(["is_strongly_related", "relatedness_pctile"],
                                                             ascending=[False, False], na_position="last")
        members = [code] + [c for c in mine["related_cluster_code"].head(top_n) if c != code]
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                k = kind.get((a, b)) or kind.get((b, a))
                if k is None or (a != code and b != code and k[0] != "strongly"):
                    continue  # among the neighbours, only the strong links (a readable network)
                x, y = sorted((a, b))
                edges.append({"cluster_code": x, "related_cluster_code": y,
                              "strength": float(k[1]) if k[1] is not None and not pd.isna(k[1]) else None,
                              "basis": f"imported relatedness ({k[0]} related)"})
    else:
        corr = colocation(ind, year)
        if code not in corr.columns:
            members = [code]
        else:
            col = corr[code].drop(code).dropna().sort_values(ascending=False)
            members = [code] + [c for c, v in col.head(top_n).items() if v > 0]
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    v = corr.at[a, b]
                    if v > 0 and (a == code or b == code or v >= 0.5):
                        x, y = sorted((a, b))
                        edges.append({"cluster_code": x, "related_cluster_code": y, "strength": float(v),
                                      "basis": COLOCATION_BASIS})
    nodes = pd.DataFrame([{"cluster_code": c, "cluster_name": names.get(c, c), "is_focus": c == code,
                           "employment": float(emp.get(c, np.nan)), "strong_regions": int(strong.get(c, 0))}
                          for c in members], columns=NETWORK_NODE_COLUMNS)
    return nodes, pd.DataFrame(edges, columns=NETWORK_EDGE_COLUMNS)


def region_cluster_series(ind: pd.DataFrame, wage_rows: pd.DataFrame | None, region_code: str,
                          cluster_code: str) -> pd.DataFrame:
    """One region × cluster per year beside the benchmark (employment indexed to 100 in the first
    year the region has employment and no withheld cell)."""
    sel = ind[(ind["region_code"] == str(region_code)) & (ind["cluster_code"] == str(cluster_code))]
    sel = sel.sort_values("year").copy()
    if wage_rows is not None and len(wage_rows):
        w = wage_rows[(wage_rows["region_code"] == str(region_code)) & (wage_rows["cluster_code"] == str(cluster_code))]
        sel = sel.merge(w[["year", "national_avg_wage"]], on="year", how="left")
    else:
        sel["national_avg_wage"] = np.nan
    # index base: the first year with employment and no withheld cell (a year with withheld cells
    # undercounts the cluster; its points are flagged), else the first year with employment
    with_emp = sel[sel["employment"].fillna(0) > 0]
    clean = with_emp[with_emp["withheld_cells"].fillna(0) == 0]
    base = (clean if len(clean) else with_emp).head(1)
    if len(base):
        e0, n0 = float(base["employment"].iloc[0]), float(base["national_employment"].iloc[0] or np.nan)
        sel["employment_index"] = 100.0 * sel["employment"] / e0
        sel["national_employment_index"] = 100.0 * sel["national_employment"] / n0
    else:
        sel["employment_index"] = np.nan
        sel["national_employment_index"] = np.nan
    return sel[SERIES_COLUMNS].reset_index(drop=True)
