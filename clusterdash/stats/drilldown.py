"""Drill-down of one region's cluster: cluster → subclusters → industries, each level with
employment, establishments, location quotient and the withheld cells in it. DuckDB SQL for the
rows, pure Python for the levels. No Streamlit.

**Subclusters** come from the imported crosswalk's ``subcluster`` column (the U.S. Cluster Mapping
crosswalk names 330 subclusters), matched like the clusters (exact code, else the longest code
prefix) and only where the crosswalk puts the industry in the cluster it is in now. Without a
crosswalk, for the NAICS 3-digit subsectors the importer falls back to, the subclusters are the
NAICS 4-digit industry groups. Datasets whose clusters are single industries (Eurostat sections)
have no subclusters; the drill-down then lists the industries only.

The location quotient at every level uses the cluster's base, as the indicators do: the region's
(and the benchmark's) traded employment for traded clusters, local for local ones, all for
fallback groups: LQ = (E_rx / base_r) / (E_Nx / base_N). Withheld cells are missing (never zero);
``withheld_cells`` counts them at each level and ``withheld_share_pct`` estimates the share of the
level's employment they hold (as :mod:`clusterdash.stats.coverage` does).
"""

from __future__ import annotations

import pandas as pd

from clusterdash.stats import indicators, titles

LEVELS = ("cluster", "subcluster", "industry")
COLUMNS = [
    "drill_level", "drill_code", "drill_name", "parent_code", "employment", "establishments", "national_employment", "lq",
    "national_share_pct", "withheld_cells", "withheld_share_pct", "industries", "is_withheld",
]

_SUBCLUSTERS = """
WITH fin AS (
    SELECT industry_code, industry_name, cluster_code FROM stats_industry
    WHERE dataset_code = $dataset AND is_finest AND cluster_code IS NOT NULL
),
cw AS (
    SELECT industry_code AS cw_code, cluster_code AS cw_cluster, subcluster_name
    FROM stats_crosswalk WHERE dataset_code = $dataset AND subcluster_name IS NOT NULL
),
m AS (
    SELECT f.industry_code, arg_max(cw.subcluster_name, length(cw.cw_code)) AS subcluster_name
    FROM fin f JOIN cw ON starts_with(f.industry_code, cw.cw_code) AND cw.cw_cluster = f.cluster_code
    GROUP BY 1
)
SELECT f.industry_code, f.industry_name, f.cluster_code, m.subcluster_name
FROM fin f LEFT JOIN m USING (industry_code)
ORDER BY f.cluster_code, f.industry_code
"""


def subclusters(store, dataset_code: str) -> pd.DataFrame:
    """Every finest-level industry in a cluster with its subcluster: industry_code, industry_name
    (filled from the shipped titles), cluster_code, subcluster_code, subcluster_name,
    subcluster_source (crosswalk, naics_group or NULL: none)."""
    ds = store.rows("SELECT classification FROM stats_dataset WHERE dataset_code = ?", [dataset_code])
    classification = ds[0]["classification"] if ds else None
    df = store.df(_SUBCLUSTERS, {"dataset": dataset_code})
    df = titles.fill_names(df, classification)
    codes, names, sources = [], [], []
    naics = bool(classification and classification.upper().startswith("NAICS"))
    for ind, cl, sub in zip(df["industry_code"], df["cluster_code"], df["subcluster_name"]):
        if isinstance(sub, str):
            codes.append(f"{cl}/{sub}")
            names.append(sub)
            sources.append("crosswalk")
        elif naics and ind.isdigit() and cl.isdigit() and ind.startswith(cl) and len(ind) > len(cl) + 1:
            group = ind[: len(cl) + 1]
            codes.append(group)
            names.append(titles.title_of(group, classification) or f"NAICS {group}")
            sources.append("naics_group")
        else:
            codes.append(None)
            names.append(None)
            sources.append(None)
    df["subcluster_code"] = codes
    df["subcluster_name"] = names
    df["subcluster_source"] = sources
    return df[["industry_code", "industry_name", "cluster_code", "subcluster_code", "subcluster_name",
               "subcluster_source"]]


_CELLS = """
, dd_cells AS (  -- the cluster's finest cells of one year, in every region
    SELECT o.region_code, o.industry_code, o.employment, o.establishments,
           o.employment IS NULL AS is_withheld, e.estimated_employment AS est
    FROM stats_observation o
    JOIN stats_industry i ON i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code
    LEFT JOIN stats_withheld_estimate e ON e.dataset_code = o.dataset_code AND e.region_code = o.region_code
         AND e.industry_code = o.industry_code AND e.year = o.year
    WHERE o.dataset_code = $dataset AND i.is_finest AND i.cluster_code = $cluster AND o.year = $year
),
dd_group AS (SELECT bgroup FROM region_group WHERE region_code = $region),
dd_nat AS (
    SELECT c.industry_code, sum(c.employment) AS national_employment
    FROM dd_cells c JOIN members m USING (region_code) WHERE m.bgroup = (SELECT bgroup FROM dd_group)
    GROUP BY 1
),
dd_base AS (
    SELECT (SELECT CASE (SELECT cluster_type FROM clusters WHERE cluster_code = $cluster)
                     WHEN 'traded' THEN traded WHEN 'local' THEN local ELSE total END
            FROM region_base WHERE region_code = $region AND year = $year) AS region_base,
           (SELECT CASE (SELECT cluster_type FROM clusters WHERE cluster_code = $cluster)
                     WHEN 'traded' THEN traded WHEN 'local' THEN local ELSE total END
            FROM national_base WHERE bgroup = (SELECT bgroup FROM dd_group) AND year = $year) AS national_base
)
SELECT n.industry_code, r.employment, r.establishments, coalesce(r.is_withheld, false) AS is_withheld,
       r.region_code IS NOT NULL AS is_in_region, r.est, n.national_employment,
       (SELECT region_base FROM dd_base) AS region_base, (SELECT national_base FROM dd_base) AS national_base
FROM dd_nat n
LEFT JOIN (SELECT * FROM dd_cells WHERE region_code = $region) r USING (industry_code)
"""


def _lq(e, base_r, ne, base_n):
    if e is None or pd.isna(e) or not base_r or not ne or not base_n or pd.isna(ne):
        return None
    return (e / base_r) / (ne / base_n)


def drilldown(store, dataset_code: str, region_code: str, cluster_code: str, year: int, *,
              benchmark: str | None = None) -> pd.DataFrame:
    """Rows of the three levels for one region, cluster and year: the cluster (one row), its
    subclusters (none when the dataset has none) and its industries present in the region, with
    ``parent_code`` linking a level to the one above. Columns: :data:`COLUMNS`;
    ``attrs["industries_absent"]``: the cluster's industries without a row in the region."""
    params = indicators._params(store, dataset_code, None, benchmark)
    if not params:
        return pd.DataFrame(columns=COLUMNS)
    params |= {"region": str(region_code), "cluster": str(cluster_code), "year": int(year)}
    cells = store.df(indicators._CHAIN + _CELLS, params)
    subs = subclusters(store, dataset_code)
    subs = subs[subs["cluster_code"] == str(cluster_code)]
    cells = cells.merge(subs, on="industry_code", how="left")
    cname = store.rows("SELECT cluster_name FROM stats_cluster WHERE dataset_code = ? AND cluster_code = ?",
                       [dataset_code, str(cluster_code)])
    base_r = cells["region_base"].iloc[0] if len(cells) else None
    base_n = cells["national_base"].iloc[0] if len(cells) else None
    present = cells[cells["is_in_region"]]

    def row(level, code, name, parent, part, nat_part, n_industries, withheld=None):
        e = part["employment"].sum(min_count=1)
        ne = nat_part["national_employment"].sum(min_count=1)
        est = part["est"].fillna(0).sum()
        e0 = 0.0 if pd.isna(e) else float(e)
        return {
            "drill_level": level, "drill_code": code, "drill_name": name, "parent_code": parent,
            "employment": e, "establishments": part["establishments"].sum(min_count=1),
            "national_employment": ne, "lq": _lq(e, base_r, ne, base_n),
            "national_share_pct": (100.0 * e / ne) if ne and not pd.isna(e) else None,
            "withheld_cells": int(part["is_withheld"].sum()),
            "withheld_share_pct": (100.0 * est / (e0 + est)) if (e0 + est) > 0 else 0.0,
            "industries": n_industries,
            "is_withheld": withheld,
        }

    rows = [row("cluster", str(cluster_code), cname[0]["cluster_name"] if cname else str(cluster_code), None,
                present, cells, len(present))]
    has_subs = present["subcluster_code"].notna().any()
    if has_subs:
        for (scode, sname), part in present.groupby(["subcluster_code", "subcluster_name"], sort=False, dropna=True):
            nat = cells[cells["subcluster_code"] == scode]
            rows.append(row("subcluster", scode, sname, str(cluster_code), part, nat, len(part)))
    for r in present.itertuples():
        part = present[present["industry_code"] == r.industry_code]
        parent = r.subcluster_code if has_subs and isinstance(r.subcluster_code, str) else str(cluster_code)
        rows.append(row("industry", r.industry_code, r.industry_name, parent, part,
                        cells[cells["industry_code"] == r.industry_code], 1, bool(r.is_withheld)))
    out = pd.DataFrame(rows, columns=COLUMNS)
    order = {lvl: k for k, lvl in enumerate(LEVELS)}
    out["_l"] = out["drill_level"].map(order)
    out = out.sort_values(["_l", "employment"], ascending=[True, False], na_position="last").drop(columns="_l")
    out = out.reset_index(drop=True)
    # industries of the cluster with benchmark employment but no row in the region (the source
    # publishes no cell there: no establishments, or too few to show)
    out.attrs["industries_absent"] = int((~cells["is_in_region"]).sum())
    return out

