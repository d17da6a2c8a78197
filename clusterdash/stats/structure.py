"""The structure of a region's economy, per region × year, in DuckDB SQL: concentration
(Herfindahl-Hirschman), diversity (Shannon entropy, split into related and unrelated variety
where industries nest in clusters) and specialisation against the benchmark (Krugman). No
Streamlit.

Shares are of the region's *published* employment in the dataset's finest-level industries that
belong to a cluster (withheld cells are unknown, so they are left out; ``withheld_share_pct`` says
how much of the region's employment they hold, estimated as in :mod:`clusterdash.stats.coverage`).
With p_i the share of industry i, P_g the share of cluster g (the sum of its industries' shares),
s_g and S_g the region's and the benchmark's cluster shares:

- ``hhi`` = Σ_g P_g² over clusters, from 1/n (employment spread evenly over n clusters) to 1 (one
  cluster holds all).
- ``shannon_entropy`` = −Σ_i p_i ln p_i over industries (total variety), from 0 to ln(industries).
- ``unrelated_variety`` = −Σ_g P_g ln P_g (the entropy between clusters) and ``related_variety`` =
  Σ_g P_g H_g with H_g = −Σ_{i∈g} (p_i/P_g) ln(p_i/P_g) (the weighted entropy within clusters),
  after Frenken, Van Oort & Verburg (2007); they add up to ``shannon_entropy``. Related variety is
  NULL when no cluster of the dataset has more than one industry (nothing nests).
- ``krugman_index`` = Σ_g |s_g − S_g| against the benchmark's cluster shares (Krugman 1991), from
  0 (the benchmark's structure) to 2 (no cluster in common).
"""

from __future__ import annotations

import pandas as pd

from clusterdash.stats import indicators

COLUMNS = [
    "region_code", "region_name", "year", "employment", "clusters_counted", "industries_counted", "hhi",
    "shannon_entropy", "related_variety", "unrelated_variety", "krugman_index", "withheld_cells",
    "withheld_share_pct", "benchmark",
]
INDICES = ("hhi", "shannon_entropy", "related_variety", "unrelated_variety", "krugman_index")

# One sentence each, shown beside the figures on the page.
EXPLANATIONS = {
    "hhi": "Herfindahl-Hirschman index: the sum of the squared cluster shares of the region's employment — "
           "close to 0 when jobs are spread over many clusters, 1 when one cluster holds them all.",
    "shannon_entropy": "Shannon entropy: how evenly the region's jobs are spread over all its industries — "
                       "0 when one industry holds them all, higher the more industries share them evenly.",
    "related_variety": "Related variety: the diversity of industries inside the same clusters (weighted "
                       "entropy within clusters) — high when each cluster is made of many related industries.",
    "unrelated_variety": "Unrelated variety: the diversity between clusters (entropy of the cluster shares) — "
                         "high when jobs are spread over many unrelated clusters.",
    "krugman_index": "Krugman specialisation index: the sum of the absolute differences between the region's "
                     "and the benchmark's cluster shares — 0 for the benchmark's own structure, up to 2 for "
                     "nothing in common.",
}
RANGES = {  # (low, high) in words, for the page and the tests
    "hhi": ("1 / number of clusters", "1"),
    "shannon_entropy": ("0", "ln(number of industries)"),
    "related_variety": ("0", "ln(largest number of industries in a cluster)"),
    "unrelated_variety": ("0", "ln(number of clusters)"),
    "krugman_index": ("0", "2"),
}

_STRUCTURE = """
, st_ri AS (  -- region × finest industry × year with published employment > 0, all regions
    SELECT o.region_code, o.industry_code, i.cluster_code, o.year, o.employment AS e
    FROM stats_observation o
    JOIN stats_industry i ON i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code
    JOIN clusters c ON c.cluster_code = i.cluster_code
    WHERE o.dataset_code = $dataset AND i.is_finest AND o.employment > 0
      AND ($cluster_type IS NULL OR c.cluster_type = $cluster_type)
),
st_rc AS (SELECT region_code, cluster_code, year, sum(e) AS e, count(*) AS n FROM st_ri GROUP BY ALL),
st_rt AS (SELECT region_code, year, sum(e) AS total, count(*) AS n_clusters, sum(n) AS n_industries
          FROM st_rc GROUP BY ALL),
st_cl AS (SELECT rc.region_code, rc.cluster_code, rc.year, rc.e / rt.total AS p
          FROM st_rc rc JOIN st_rt rt USING (region_code, year)),
st_in AS (
    SELECT ri.region_code, ri.year, ri.e / rt.total AS p, rc.e / rt.total AS pg
    FROM st_ri ri JOIN st_rt rt USING (region_code, year) JOIN st_rc rc USING (region_code, cluster_code, year)
),
st_ent AS (
    SELECT region_code, year, -sum(p * ln(p)) AS shannon_entropy, -sum(p * ln(p / pg)) AS related_variety
    FROM st_in GROUP BY ALL
),
st_conc AS (
    SELECT region_code, year, sum(p * p) AS hhi, -sum(p * ln(p)) AS unrelated_variety FROM st_cl GROUP BY ALL
),
st_n AS (SELECT m.bgroup, rc.cluster_code, rc.year, sum(rc.e) AS e
         FROM st_rc rc JOIN members m USING (region_code) GROUP BY ALL),
st_ns AS (SELECT bgroup, cluster_code, year, e / sum(e) OVER (PARTITION BY bgroup, year) AS q FROM st_n),
st_k AS (
    SELECT g.region_code, rt.year,
           sum(abs(coalesce(cl.p, 0) - coalesce(ns.q, 0))) AS krugman_index
    FROM region_group g
    JOIN st_rt rt ON rt.region_code = g.region_code
    JOIN (SELECT DISTINCT cluster_code FROM st_rc) k ON true
    LEFT JOIN st_cl cl ON cl.region_code = g.region_code AND cl.cluster_code = k.cluster_code AND cl.year = rt.year
    LEFT JOIN st_ns ns ON ns.bgroup = g.bgroup AND ns.cluster_code = k.cluster_code AND ns.year = rt.year
    WHERE cl.p IS NOT NULL OR ns.q IS NOT NULL
    GROUP BY ALL
),
st_w AS (  -- withheld finest cells in a cluster and their estimated employment, per region × year
    SELECT o.region_code, o.year,
           count(*) FILTER (WHERE o.employment IS NULL) AS withheld_cells,
           coalesce(sum(e.estimated_employment), 0) AS est, coalesce(sum(o.employment), 0) AS published
    FROM stats_observation o
    JOIN stats_industry i ON i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code
    JOIN clusters c ON c.cluster_code = i.cluster_code
    LEFT JOIN stats_withheld_estimate e ON e.dataset_code = o.dataset_code AND e.region_code = o.region_code
         AND e.industry_code = o.industry_code AND e.year = o.year
    WHERE o.dataset_code = $dataset AND i.is_finest AND ($cluster_type IS NULL OR c.cluster_type = $cluster_type)
    GROUP BY ALL
),
st_nests AS (SELECT count(*) FILTER (WHERE n > 1) > 0 AS yes FROM (
    SELECT cluster_code, count(*) AS n FROM stats_industry WHERE dataset_code = $dataset AND is_finest
    AND cluster_code IS NOT NULL GROUP BY 1))
SELECT rt.region_code, r.region_name, rt.year, rt.total AS employment, rt.n_clusters AS clusters_counted,
       rt.n_industries AS industries_counted, c.hhi, en.shannon_entropy,
       CASE WHEN (SELECT yes FROM st_nests) THEN greatest(en.related_variety, 0) END AS related_variety,
       c.unrelated_variety, k.krugman_index,
       coalesce(w.withheld_cells, 0) AS withheld_cells,
       100.0 * w.est / nullif(w.est + w.published, 0) AS withheld_share_pct,
       CASE $benchmark WHEN 'country' THEN 'the region''s country (' || g.bgroup || ', sum of its regions)'
            WHEN 'eu28' THEN 'EU28 (sum of the regions of the 28 member states)'
            ELSE $nation_text END AS benchmark
FROM st_rt rt
JOIN regions r ON r.region_code = rt.region_code AND NOT r.is_national
JOIN region_group g ON g.region_code = rt.region_code
JOIN st_conc c ON c.region_code = rt.region_code AND c.year = rt.year
JOIN st_ent en ON en.region_code = rt.region_code AND en.year = rt.year
LEFT JOIN st_k k ON k.region_code = rt.region_code AND k.year = rt.year
LEFT JOIN st_w w ON w.region_code = rt.region_code AND w.year = rt.year
"""


def compute_structure(store, dataset_code: str, *, year: int | None = None, benchmark: str | None = None,
                      cluster_type: str | None = None) -> pd.DataFrame:
    """The indices of every region (and year, or one ``year``); ``cluster_type``: only the
    traded (local, unclassified) clusters' industries."""
    params = indicators._params(store, dataset_code, None, benchmark)
    if not params:
        return pd.DataFrame(columns=COLUMNS)
    params["cluster_type"] = cluster_type
    sql = "SELECT * FROM (" + indicators._CHAIN + _STRUCTURE + ") WHERE 1 = 1"
    if year is not None:
        sql += " AND year = $year"
        params["year"] = int(year)
    df = store.df(sql, params)
    return df.sort_values(["year", "region_code"], kind="stable", ignore_index=True)[COLUMNS]


def ranked(structure: pd.DataFrame, year: int, index: str) -> pd.DataFrame:
    """Regions of one year ranked by one index (highest first)."""
    if index not in INDICES:
        raise ValueError(f"unknown index {index!r}")
    df = structure[structure["year"] == int(year)].sort_values(index, ascending=False, na_position="last")
    df = df.reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df
