"""Coverage of a statistics dataset: which regions each year has, how much employment sits in
withheld cells, which base year growth can honestly start from. DuckDB SQL; no Streamlit.

**Withheld employment is unknown**, so it is *estimated* only to measure coverage (never to
replace a figure): a withheld finest-level cell gets the residual of its nearest published
parent in the file — the parent's employment minus the published finest cells under it and
minus the estimates already given to withheld cells under it through a nearer parent — shared
among the parent's withheld cells in proportion to their establishments (equally where the source
has none, e.g. Eurostat), never below zero. For CBP the parents are the 5-, 4-, 3-, 2-digit rows
and the state total (NAICS ``00``) the file carries; for Eurostat the region's ``TOTAL``. The
residual also holds employment of cells the source left out altogether, so the estimate is an
upper bound of what is withheld. Cells without a published parent stay "unknown"
(``estimated_employment`` NULL) and are counted as such.

From the estimates (table ``stats_withheld_estimate``, written at import):

- :func:`year_coverage` — per year: regions present (and missing, against the year with most),
  finest cells and withheld cells, published employment, estimated withheld employment and its
  share, and whether the year is *comparable* (:data:`COMPARABLE_MARGIN_PP`) and *complete*
  (:data:`COMPLETE_SHARE`).
- :func:`cluster_coverage` — the same per cluster × year over the whole dataset.
- :func:`default_base_year` — the first comparable, complete year, with the reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

# A year is *complete* when it has at least this share of the regions of the year with most
# regions; a year below is refused as the denominator of location quotients and shares.
COMPLETE_SHARE = 0.9
# A year's coverage is *comparable* to the others when the share of employment in its
# withheld cells (estimated) exceeds the median over the dataset's years by at most this
# many percentage points.
COMPARABLE_MARGIN_PP = 0.5
# Growth, CAGR and job creation are flagged (is_growth_distorted) when, in the base or the end
# year, more than this share (%) of the cluster's employment — in the region or in the
# benchmark (national) total — is in withheld cells.
DISTORTION_SHARE_PCT = 1.0

ESTIMATE_METHOD = ("residual of the nearest published parent row (parent employment minus its published finest "
                   "cells and earlier estimates), shared by establishments (equally when the source has none)")

EU28 = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU",
        "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "UK")


# ---- the estimates (written at import; also by migration v009 for older datasets) ----------

_ANCESTORS = r"""
CREATE OR REPLACE TEMP TABLE _anc AS
WITH ind AS (SELECT industry_code, industry_level, is_finest FROM stats_industry WHERE dataset_code = $d)
SELECT f.industry_code AS code, a.industry_code AS ancestor, a.industry_level AS alevel
FROM ind f JOIN ind a ON f.is_finest AND NOT a.is_finest AND a.industry_level < f.industry_level AND (
       a.industry_level = 0
    OR (regexp_full_match(a.industry_code, '\d+') AND starts_with(f.industry_code, a.industry_code))
    OR (regexp_full_match(a.industry_code, '\d\d-\d\d')
        AND substr(f.industry_code, 1, 2) BETWEEN substr(a.industry_code, 1, 2) AND substr(a.industry_code, 4, 2)))
"""


def estimate_withheld(cur, dataset_code: str) -> int:
    """(Re)write ``stats_withheld_estimate`` for one dataset, inside the caller's transaction.
    Returns the number of withheld finest-level cells."""
    p = {"d": dataset_code}
    cur.execute("DELETE FROM stats_withheld_estimate WHERE dataset_code = $d", p)
    cur.execute(_ANCESTORS, p)
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE _w AS
           SELECT o.region_code, o.industry_code, o.year, o.establishments
           FROM stats_observation o JOIN stats_industry i USING (dataset_code, industry_code)
           WHERE o.dataset_code = $d AND i.is_finest AND o.employment IS NULL""", p)
    cur.execute("CREATE OR REPLACE TEMP TABLE _est (region_code VARCHAR, industry_code VARCHAR, year INTEGER, "
                "est DOUBLE, parent VARCHAR)")
    levels = [r[0] for r in cur.execute("SELECT DISTINCT alevel FROM _anc ORDER BY 1 DESC").fetchall()]
    for level in levels:
        cur.execute(
            """CREATE OR REPLACE TEMP TABLE _cand AS
               SELECT w.region_code, w.industry_code, w.year, w.establishments, a.ancestor AS parent,
                      p.employment AS parent_emp
               FROM _w w
               JOIN _anc a ON a.code = w.industry_code AND a.alevel = $lvl
               JOIN stats_observation p ON p.dataset_code = $d AND p.region_code = w.region_code
                    AND p.year = w.year AND p.industry_code = a.ancestor AND p.employment IS NOT NULL
               ANTI JOIN _est e ON e.region_code = w.region_code AND e.industry_code = w.industry_code
                    AND e.year = w.year""", p | {"lvl": level})
        cur.execute(
            """INSERT INTO _est
               WITH parents AS (SELECT DISTINCT region_code, year, parent, parent_emp FROM _cand),
               known AS (
                   SELECT pa.region_code, pa.year, pa.parent, sum(o.employment) AS pub
                   FROM parents pa JOIN _anc a ON a.ancestor = pa.parent
                   JOIN stats_observation o ON o.dataset_code = $d AND o.region_code = pa.region_code
                        AND o.year = pa.year AND o.industry_code = a.code AND o.employment IS NOT NULL
                   GROUP BY ALL),
               prior AS (
                   SELECT pa.region_code, pa.year, pa.parent, sum(e.est) AS est
                   FROM parents pa JOIN _anc a ON a.ancestor = pa.parent
                   JOIN _est e ON e.region_code = pa.region_code AND e.year = pa.year AND e.industry_code = a.code
                   GROUP BY ALL),
               resid AS (
                   SELECT pa.region_code, pa.year, pa.parent,
                          greatest(pa.parent_emp - coalesce(k.pub, 0) - coalesce(pr.est, 0), 0) AS residual
                   FROM parents pa LEFT JOIN known k USING (region_code, year, parent)
                   LEFT JOIN prior pr USING (region_code, year, parent)),
               weights AS (
                   SELECT c.*, coalesce(CAST(nullif(c.establishments, 0) AS DOUBLE), 1.0) AS w
                   FROM _cand c)
               SELECT w.region_code, w.industry_code, w.year,
                      r.residual * w.w / sum(w.w) OVER (PARTITION BY w.region_code, w.year, w.parent), w.parent
               FROM weights w JOIN resid r USING (region_code, year, parent)""", p)
    cur.execute(
        """INSERT INTO stats_withheld_estimate
               (dataset_code, region_code, industry_code, year, estimated_employment, parent_industry_code, method)
           SELECT $d, w.region_code, w.industry_code, w.year, e.est, e.parent,
                  CASE WHEN e.est IS NULL THEN 'unknown: no published parent row' ELSE $m END
           FROM _w w LEFT JOIN _est e USING (region_code, industry_code, year)""", p | {"m": ESTIMATE_METHOD})
    n = cur.execute("SELECT count(*) FROM _w").fetchall()[0][0]
    for t in ("_anc", "_w", "_est", "_cand"):
        cur.execute(f"DROP TABLE IF EXISTS {t}")
    return int(n)


# ---- coverage per year and per cluster ------------------------------------------------------

def _df(src, sql: str, params: dict) -> pd.DataFrame:
    """A query on a Store or on an open DuckDB cursor (inside an import's transaction)."""
    if isinstance(src, duckdb.DuckDBPyConnection):
        return src.execute(sql, params).df()
    return src.df(sql, params)


_CELLS = """
WITH cells AS (
    SELECT o.region_code, o.year, i.cluster_code, o.employment, o.employment IS NULL AS is_withheld,
           e.estimated_employment AS est
    FROM stats_observation o
    JOIN stats_industry i ON i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code AND i.is_finest
    JOIN stats_region r ON r.dataset_code = o.dataset_code AND r.region_code = o.region_code AND NOT r.is_national
    LEFT JOIN stats_withheld_estimate e ON e.dataset_code = o.dataset_code AND e.region_code = o.region_code
         AND e.industry_code = o.industry_code AND e.year = o.year
    WHERE o.dataset_code = $d
)
"""


def year_coverage(store, dataset_code: str) -> pd.DataFrame:
    """Per year: regions_present, regions_expected (the most of any year), missing_regions
    (list), is_complete, cells, withheld_cells, unknown_withheld_cells (no estimate possible),
    employment (published, finest level), withheld_employment_est, withheld_share_pct,
    is_comparable and a note."""
    df = _df(store,
        _CELLS + """
        , per_year AS (
            SELECT year, count(DISTINCT region_code) FILTER (WHERE employment IS NOT NULL) AS regions_present,
                   coalesce(list(DISTINCT region_code) FILTER (WHERE employment IS NOT NULL), []) AS present,
                   count(*) AS cells, count(*) FILTER (WHERE is_withheld) AS withheld_cells,
                   count(*) FILTER (WHERE is_withheld AND est IS NULL) AS unknown_withheld_cells,
                   sum(employment) AS employment, coalesce(sum(est), 0) AS withheld_employment_est
            FROM cells GROUP BY year
        )
        SELECT * FROM per_year ORDER BY year""", {"d": dataset_code})
    if df.empty:
        return df
    expected = int(df["regions_present"].max())
    best = df.loc[df["regions_present"].idxmax(), "present"]
    df["regions_expected"] = expected
    df["missing_regions"] = [sorted(set(best) - set(p)) for p in df["present"]]
    df["is_complete"] = df["regions_present"] >= COMPLETE_SHARE * expected
    total = df["employment"].fillna(0) + df["withheld_employment_est"]
    df["withheld_share_pct"] = (100.0 * df["withheld_employment_est"] / total.where(total > 0)).fillna(0.0)
    median = float(df["withheld_share_pct"].median())
    df["is_comparable"] = df["is_complete"] & (df["withheld_share_pct"] <= median + COMPARABLE_MARGIN_PP)
    notes = []
    for r in df.itertuples():
        parts = []
        if not r.is_complete:
            miss = r.missing_regions
            parts.append(f"{r.regions_present} of {expected} regions (missing: {', '.join(miss[:12])}"
                         f"{' …' if len(miss) > 12 else ''}); refused as the benchmark of location quotients and shares")
        if r.withheld_share_pct > median + COMPARABLE_MARGIN_PP:
            parts.append(f"{r.withheld_cells:,} withheld cells hold an estimated {r.withheld_share_pct:.1f} % of "
                         f"employment (median of the years {median:.1f} %)")
        notes.append("; ".join(parts) or None)
    df["note"] = notes
    cols = ["year", "regions_present", "regions_expected", "missing_regions", "is_complete", "cells",
            "withheld_cells", "unknown_withheld_cells", "employment", "withheld_employment_est",
            "withheld_share_pct", "is_comparable", "note"]
    return df[cols]


def cluster_coverage(store, dataset_code: str) -> pd.DataFrame:
    """Per cluster × year over all regions: cells, withheld_cells, unknown_withheld_cells,
    employment (published), withheld_employment_est, withheld_share_pct."""
    return _df(store,
        _CELLS + """
        SELECT cluster_code, year, count(*) AS cells, count(*) FILTER (WHERE is_withheld) AS withheld_cells,
               count(*) FILTER (WHERE is_withheld AND est IS NULL) AS unknown_withheld_cells,
               sum(employment) AS employment, coalesce(sum(est), 0) AS withheld_employment_est,
               100.0 * coalesce(sum(est), 0) / nullif(coalesce(sum(employment), 0) + coalesce(sum(est), 0), 0)
                   AS withheld_share_pct
        FROM cells WHERE cluster_code IS NOT NULL GROUP BY ALL ORDER BY cluster_code, year""", {"d": dataset_code})


@dataclass
class BaseYear:
    year: int
    reason: str


def default_base_year(coverage: pd.DataFrame) -> BaseYear | None:
    """The first year that is complete and whose withheld share is comparable to the others
    (see :func:`year_coverage`), with the reason in words; the first year when none is."""
    if coverage is None or coverage.empty:
        return None
    years = coverage["year"].tolist()
    ok = coverage[coverage["is_comparable"]]
    if ok.empty or len(years) == 1:
        return BaseYear(int(years[0]), f"{years[0]}: the first year of the dataset")
    first = int(ok["year"].iloc[0])
    if first == years[0]:
        return BaseYear(first, f"{first}: the first year; its coverage is comparable to the later years")
    skipped = coverage[coverage["year"] < first]
    later = coverage[coverage["year"] >= first]
    reasons = []
    for r in skipped.itertuples():
        if not r.is_complete:
            reasons.append(f"{r.year} has {r.regions_present} of {r.regions_expected} regions")
        else:
            reasons.append(f"{r.year} has {r.withheld_cells:,} withheld cells (an estimated {r.withheld_share_pct:.1f} % "
                           "of employment)")
    lo, hi = int(later["withheld_cells"].min()), int(later["withheld_cells"].max())
    span = f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"
    return BaseYear(first, f"{first}: the first year whose coverage is comparable to the later years — "
                           + "; ".join(reasons) + f", against {span} withheld cells a year in "
                           f"{later['year'].min()}–{later['year'].max()}")
