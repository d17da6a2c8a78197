"""Clusters found in a dataset's own figures (ClusterDash's method): industries that are located
together across the dataset's regions are grouped into candidate clusters. Pure Python (numpy)
on a matrix read with DuckDB SQL; no Streamlit.

**Method.** For each finest-level industry, its location quotient in every region (its share of
the region's employment over its national share; pooled over the chosen years) forms a vector
over the regions. Two industries are *co-located* when these vectors go together: their
similarity is the Pearson correlation of the LQs (``measure="lq"``; equal to the correlation of
the regional employment shares) or of their ranks (``measure="rank"``, Spearman: less driven by a
few regions with extreme LQs). Industries are then grouped by average-linkage hierarchical
clustering on the distance 1 − correlation (implemented here: the nearest-neighbour-chain
algorithm, exact for average linkage), and the tree is cut into the number of groups the user
chooses. Each group is named after its largest industries (by employment in the dataset).

**Fit.** Per group: the mean correlation of its industries with each other (``within_corr``),
with the industries outside it (``between_corr``) and the mean silhouette of its industries
(``silhouette``: from −1, closer to another group, to 1, far closer to its own; singletons 0).

**What it can and cannot show.** Co-location only: industries found in the same places. It does
not see input-output links, shared occupations or skills (the U.S. Cluster Mapping definitions
combine all three, Delgado, Porter & Stern 2016), nor cause: two industries can be co-located
because both follow population, a port or a natural resource. With few regions (50 states) the
correlations are noisy; with coarse industries (NACE sections) the groups are coarse too.
Withheld cells are missing, not zero: they are filled with the industry's mean LQ (or mean rank),
which neither adds to nor removes from its co-location; industries present (employment > 0) in
fewer than ``min_regions`` regions are not grouped (listed as such).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from clusterdash.errors import UserError
from clusterdash.stats import titles

# What the page says about the method, in plain words (one paragraph each).
ABOUT = (
    "This is ClusterDash's own method, not an official cluster definition. It looks only at where "
    "industries are located: two industries count as related when they are over-represented in the same "
    "regions (their location quotients go up and down together across the dataset's regions).",
    "How it works: for every industry, the location quotient in each region (pooled over the chosen years) is "
    "compared with every other industry's by correlation; industries are then joined step by step, always the "
    "two groups that are most alike on average (average-linkage hierarchical clustering), until the number of "
    "groups you chose is left. Each group is named after its largest industries; its fit says how much more "
    "alike its industries are with each other than with the rest.",
    "What it can show: which industries tend to sit together in your regions — candidate clusters where no "
    "official definition exists, or a check of an official one against your own data.",
    "What it cannot show: links through supply chains, shared skills or technology (official definitions such as "
    "the U.S. Cluster Mapping Project's combine those with co-location), or why industries sit together — both may "
    "simply follow population, a port or a natural resource. With few regions (e.g. 50 states) the correlations are "
    "noisy; with coarse industries the groups are coarse too. Treat the groups as a starting point for "
    "conversations with firms and experts, not as a result.",
)

MEASURES = ("lq", "rank")
MIN_REGIONS = 10  # a dataset needs at least this many regions to find clusters in
MAX_GROUPS = 200
METHOD = ("ClusterDash co-location clustering: Pearson correlation of the industries' regional location "
          "quotients{rank}, pooled over {years}; average-linkage hierarchical clustering on 1 − correlation; "
          "{k} groups; industries present in fewer than {min_regions} regions not grouped")


@dataclass
class Candidates:
    dataset_code: str
    n_groups: int
    measure: str
    years: list[int]
    min_regions: int
    industries: pd.DataFrame  # industry_code, industry_name, candidate_code, candidate_name, national_employment, regions_present, silhouette
    groups: pd.DataFrame  # candidate_code, candidate_name, candidate_industries, candidate_employment, within_corr, between_corr, silhouette, top_industries
    not_grouped: pd.DataFrame  # industry_code, industry_name, national_employment, regions_present, not_grouped_reason
    mean_silhouette: float
    regions: int
    method: str = ""
    parameters: dict = field(default_factory=dict)


# ---- the data ------------------------------------------------------------------------------------

_MATRIX = """
SELECT o.region_code, o.industry_code, sum(o.employment) AS employment,
       count(*) FILTER (WHERE o.employment IS NULL) AS withheld
FROM stats_observation o
JOIN stats_industry i ON i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code
JOIN stats_region r ON r.dataset_code = o.dataset_code AND r.region_code = o.region_code
WHERE o.dataset_code = $dataset AND i.is_finest AND NOT r.is_national AND list_contains($years, o.year)
  AND ($cluster_type IS NULL OR i.cluster_code IN (
      SELECT cluster_code FROM stats_cluster WHERE dataset_code = $dataset AND cluster_type = $cluster_type))
GROUP BY ALL
"""


def _years(store, dataset_code: str, years) -> list[int]:
    row = store.rows("SELECT year_min, year_max FROM stats_dataset WHERE dataset_code = ?", [dataset_code])
    if not row:
        raise UserError(f"there is no dataset {dataset_code!r}")
    lo, hi = row[0]["year_min"], row[0]["year_max"]
    if years is None:
        return list(range(lo, hi + 1))
    ys = sorted({int(y) for y in ([years] if isinstance(years, (int, np.integer)) else years)})
    bad = [y for y in ys if not lo <= y <= hi]
    if bad or not ys:
        raise UserError(f"years {bad or years}: the dataset has {lo}–{hi}")
    return ys


def lq_matrix(store, dataset_code: str, *, years=None, cluster_type: str | None = None):
    """(regions, industries, LQ matrix regions × industries with NaN for withheld cells,
    employment per region × industry, national employment per industry)."""
    ys = _years(store, dataset_code, years)
    cells = store.df(_MATRIX, {"dataset": dataset_code, "years": ys, "cluster_type": cluster_type})
    if cells.empty:
        raise UserError("the dataset has no finest-level employment to find clusters in")
    emp = cells.pivot(index="region_code", columns="industry_code", values="employment")
    withheld = cells.pivot(index="region_code", columns="industry_code", values="withheld").fillna(0) > 0
    # a cell withheld in any pooled year is unknown; a missing cell (no row) is no employment
    e = emp.where(~withheld)
    absent = emp.isna() & ~withheld
    e = e.mask(absent, 0.0)
    region_total = e.sum(axis=1, min_count=1)
    national = e.sum(axis=0, min_count=1)
    total = float(national.sum())
    share_r = e.div(region_total, axis=0)
    lq = share_r.div(national / total, axis=1)
    return list(emp.index), list(emp.columns), lq.to_numpy(dtype=float), e, national


def _correlation(x: np.ndarray, measure: str) -> np.ndarray:
    """Pearson correlation of the columns of ``x`` (NaN filled with the column mean); with
    ``rank``, of the columns' ranks (Spearman)."""
    x = x.copy()
    if measure == "rank":
        x = np.array(pd.DataFrame(x).rank(axis=0, method="average").to_numpy(), dtype=float)
    mean = np.nanmean(x, axis=0)
    idx = np.where(np.isnan(x))
    x[idx] = np.take(mean, idx[1])
    x = x - x.mean(axis=0)
    norm = np.sqrt((x * x).sum(axis=0))
    x = x / np.where(norm > 0, norm, 1.0)
    c = x.T @ x
    np.clip(c, -1.0, 1.0, out=c)
    np.fill_diagonal(c, 1.0)
    return c


# ---- average linkage (nearest-neighbour chain) ------------------------------------------------------

def average_linkage(dist: np.ndarray) -> list[tuple[int, int, float]]:
    """Average-linkage merges of a symmetric distance matrix, as (leaf of one side, leaf of the
    other side, height) sorted by height: the exact UPGMA tree (the nearest-neighbour chain
    algorithm, O(n²) time)."""
    n = len(dist)
    d = np.array(dist, dtype=float, copy=True)
    np.fill_diagonal(d, np.inf)
    size = np.ones(n)
    active = np.ones(n, dtype=bool)
    merges: list[tuple[int, int, float]] = []
    chain: list[int] = []
    for _ in range(n - 1):
        if not chain:
            chain.append(int(np.flatnonzero(active)[0]))
        while True:
            x = chain[-1]
            row = d[x]
            y = int(np.argmin(row))
            if len(chain) > 1 and row[chain[-2]] <= row[y]:
                y = chain[-2]
            if len(chain) > 1 and y == chain[-2]:
                break
            chain.append(y)
        y = chain.pop()
        x = chain.pop()
        merges.append((x, y, float(d[x, y])))
        new = (size[x] * d[x] + size[y] * d[y]) / (size[x] + size[y])
        d[x, :] = new
        d[:, x] = new
        d[x, x] = np.inf
        d[y, :] = np.inf
        d[:, y] = np.inf
        active[y] = False
        size[x] += size[y]
    merges.sort(key=lambda m: m[2])
    return merges


def cut_tree(merges: list[tuple[int, int, float]], n: int, k: int) -> np.ndarray:
    """Group labels 0..k-1 of the ``n`` leaves after the first ``n - k`` merges (the tree cut into
    ``k`` groups), numbered by first leaf."""
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for x, y, _ in merges[: max(n - k, 0)]:
        parent[find(y)] = find(x)
    roots = [find(i) for i in range(n)]
    order: dict[int, int] = {}
    return np.array([order.setdefault(r, len(order)) for r in roots])


# ---- agreement -----------------------------------------------------------------------------------

def adjusted_rand_index(a, b) -> float:
    """Adjusted Rand index of two labellings of the same items (1 = identical partitions, about 0
    for chance agreement; Hubert & Arabie 1985)."""
    a = pd.Series(list(a), dtype=object)
    b = pd.Series(list(b), dtype=object)
    if len(a) != len(b):
        raise ValueError("the labellings have different lengths")
    n = len(a)
    if n < 2:
        return 1.0

    def c2(x):
        x = np.asarray(x, dtype=float)
        return float((x * (x - 1) / 2).sum())

    table = pd.crosstab(a, b)
    index = c2(table.to_numpy().ravel())
    sa, sb = c2(table.sum(axis=1)), c2(table.sum(axis=0))
    expected = sa * sb / (n * (n - 1) / 2)
    top = (sa + sb) / 2
    if top == expected:
        return 1.0
    return (index - expected) / (top - expected)


# ---- finding the candidates ------------------------------------------------------------------------

def _name(codes: list[str], names: dict[str, str], emp: pd.Series, top: int = 2) -> tuple[str, str]:
    ranked = sorted(codes, key=lambda c: -(emp.get(c, 0) or 0))
    first = [names.get(c) or c for c in ranked[:top]]
    label = " / ".join(first) + (f" and {len(codes) - top} more" if len(codes) > top else "")
    return label, "; ".join(names.get(c) or c for c in ranked[:5])


def find_clusters(store, dataset_code: str, n_groups: int, *, years=None, measure: str = "lq",
                  min_regions: int | None = None, cluster_type: str | None = None) -> Candidates:
    """Group the dataset's finest-level industries into ``n_groups`` candidate clusters by
    co-location (see the module docs). Raises UserError when the dataset has too few regions or
    industries."""
    if measure not in MEASURES:
        raise UserError(f"measure {measure!r}: use one of {', '.join(MEASURES)}")
    regions, codes, lq, emp, national = lq_matrix(store, dataset_code, years=years, cluster_type=cluster_type)
    ys = _years(store, dataset_code, years)
    if len(regions) < MIN_REGIONS:
        raise UserError(f"the dataset has {len(regions)} regions; co-location needs at least {MIN_REGIONS}")
    min_regions = int(min_regions if min_regions is not None else max(5, round(0.1 * len(regions))))
    present = (emp.fillna(0) > 0).sum(axis=0).reindex(codes).to_numpy()
    finite = np.isfinite(lq)
    varied = np.array([np.nanstd(lq[:, j]) > 0 if finite[:, j].sum() > 1 else False for j in range(len(codes))])
    keep = (present >= min_regions) & varied
    info = store.rows("SELECT classification FROM stats_dataset WHERE dataset_code = ?", [dataset_code])
    classification = info[0]["classification"] if info else None
    given = dict(store.df("SELECT industry_code, industry_name FROM stats_industry WHERE dataset_code = ?",
                          [dataset_code]).itertuples(index=False, name=None))
    names = {c: titles.title_of(c, classification, given.get(c)) or c for c in codes}
    kept = [c for c, k in zip(codes, keep) if k]
    if len(kept) < 2:
        raise UserError(f"only {len(kept)} industries are present in at least {min_regions} regions; nothing to group")
    k = int(n_groups)
    if not 1 <= k <= min(MAX_GROUPS, len(kept)):
        raise UserError(f"choose between 1 and {min(MAX_GROUPS, len(kept))} groups ({k} asked)")
    corr = _correlation(lq[:, keep], measure)
    dist = 1.0 - corr
    labels = cut_tree(average_linkage(dist), len(kept), k)
    nat = national.reindex(kept).fillna(0)

    # groups ordered by employment, coded G01..
    group_emp = pd.Series(nat.to_numpy(), index=labels).groupby(level=0).sum().sort_values(ascending=False)
    code_of = {g: f"G{i + 1:0{max(2, len(str(k)))}d}" for i, g in enumerate(group_emp.index)}
    onehot = np.zeros((len(kept), k))
    onehot[np.arange(len(kept)), labels] = 1
    sizes = onehot.sum(axis=0)
    sum_d = dist @ onehot  # distance of each industry to each group, summed
    own = labels
    a = (sum_d[np.arange(len(kept)), own]) / np.maximum(sizes[own] - 1, 1)
    other = np.where(onehot.astype(bool), np.inf, sum_d / np.maximum(sizes, 1))
    b = other.min(axis=1) if k > 1 else np.zeros(len(kept))
    sil = np.where(sizes[own] > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    if k == 1:
        sil = np.zeros(len(kept))
    sum_c = corr @ onehot
    rows = []
    members: dict[int, list[str]] = {}
    for i, g in enumerate(labels):
        members.setdefault(int(g), []).append(kept[i])
    for g, codes_g in members.items():
        idx = np.flatnonzero(labels == g)
        n_g = len(idx)
        within = ((sum_c[idx, g].sum() - n_g) / (n_g * (n_g - 1))) if n_g > 1 else float("nan")
        outside = len(kept) - n_g
        between = ((corr[idx].sum() - sum_c[idx, g].sum()) / (n_g * outside)) if outside else float("nan")
        label, top = _name(codes_g, names, nat)
        rows.append({"candidate_code": code_of[g], "candidate_name": label, "candidate_industries": n_g,
                     "candidate_employment": float(nat.reindex(codes_g).sum()), "within_corr": float(within),
                     "between_corr": float(between), "silhouette": float(sil[idx].mean()), "top_industries": top})
    groups = pd.DataFrame(rows).sort_values("candidate_code", ignore_index=True)
    gname = dict(zip(groups["candidate_code"], groups["candidate_name"]))
    ind = pd.DataFrame({
        "industry_code": kept, "industry_name": [names[c] for c in kept],
        "candidate_code": [code_of[int(g)] for g in labels],
        "national_employment": nat.to_numpy(), "regions_present": present[keep].astype(int), "silhouette": sil,
    })
    ind["candidate_name"] = ind["candidate_code"].map(gname)
    ind = ind.sort_values(["candidate_code", "national_employment"], ascending=[True, False], ignore_index=True)
    out_codes = [c for c, kk in zip(codes, keep) if not kk]
    reasons = []
    for c in out_codes:
        j = codes.index(c)
        reasons.append(f"present in {int(present[j])} regions (fewer than {min_regions})" if present[j] < min_regions
                       else "the same LQ in every region (nothing to correlate)")
    not_grouped = pd.DataFrame({
        "industry_code": out_codes, "industry_name": [names[c] for c in out_codes],
        "national_employment": [float(national.get(c, 0) or 0) for c in out_codes],
        "regions_present": [int(present[codes.index(c)]) for c in out_codes], "not_grouped_reason": reasons,
    })
    span = f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])
    method = METHOD.format(rank=" (ranks, Spearman)" if measure == "rank" else "", years=span, k=k,
                           min_regions=min_regions)
    params = {"n_groups": k, "measure": measure, "years": ys, "min_regions": min_regions,
              "cluster_type": cluster_type}
    return Candidates(dataset_code, k, measure, ys, min_regions, ind[
        ["industry_code", "industry_name", "candidate_code", "candidate_name", "national_employment", "regions_present",
         "silhouette"]], groups, not_grouped, float(sil.mean()), len(regions), method, params)


# ---- the official definition and the comparison ---------------------------------------------------

_OFFICIAL = """
WITH fin AS (SELECT industry_code FROM stats_industry WHERE dataset_code = $dataset AND is_finest),
cw AS (SELECT industry_code AS cw_code, cluster_code, cluster_name FROM stats_crosswalk
       WHERE dataset_code = $dataset AND cluster_code IS NOT NULL)
SELECT f.industry_code, arg_max(cw.cluster_code, length(cw.cw_code)) AS cluster_code,
       arg_max(cw.cluster_name, length(cw.cw_code)) AS cluster_name
FROM fin f JOIN cw ON starts_with(f.industry_code, cw.cw_code) GROUP BY 1
"""


def official_grouping(store, dataset_code: str) -> tuple[pd.DataFrame, str]:
    """The dataset's official industry → cluster assignment and what it is: the imported crosswalk
    (kept as imported even when a candidate grouping is in use), else the classification's own
    groups the importer falls back to (e.g. the NAICS 3-digit subsectors)."""
    ds = store.rows("SELECT has_crosswalk, cluster_definition FROM stats_dataset WHERE dataset_code = ?",
                    [dataset_code])
    if not ds:
        raise UserError(f"there is no dataset {dataset_code!r}")
    cw = store.df(_OFFICIAL, {"dataset": dataset_code})
    if len(cw):
        src = store.rows("SELECT files FROM stats_dataset WHERE dataset_code = ?", [dataset_code])[0]["files"] or ""
        m = re.search(r"crosswalk ([^;]+)", src)
        return cw, f"the imported crosswalk{f' ({m.group(1).strip()})' if m else ''}"
    from clusterdash.stats import importer

    fmt = store.rows("SELECT format FROM stats_dataset WHERE dataset_code = ?", [dataset_code])[0]["format"]
    industries = store.df("SELECT industry_code, industry_name, industry_level, is_finest FROM stats_industry "
                          "WHERE dataset_code = ? ORDER BY industry_code", [dataset_code])
    clusters, definition = importer._fallback_clusters(industries, fmt)
    out = industries[industries["is_finest"] & industries["cluster_code"].notna()][["industry_code", "cluster_code"]]
    out = out.merge(clusters[["cluster_code", "cluster_name"]], on="cluster_code")
    return out.reset_index(drop=True), "the classification's own groups (" + definition.split(": ", 1)[-1] + ")"


@dataclass
class Comparison:
    ari: float
    industries_compared: int
    by_group: pd.DataFrame  # candidate_code, candidate_name, industries_compared, main_cluster_code, main_cluster_name, share_in_main_pct
    differences: pd.DataFrame  # industry_code, industry_name, candidate_code, candidate_name, cluster_code, cluster_name, main_cluster_name
    official: str


def compare(cands: Candidates, official: pd.DataFrame, official_text: str) -> Comparison:
    """Agreement of the candidate groups with an official assignment over the industries both
    have: the adjusted Rand index, per candidate group its main official cluster (the one most of
    its industries are in) and the share in it, and the industries that are not in their group's
    main cluster (where the two definitions differ)."""
    m = cands.industries.merge(official[["industry_code", "cluster_code", "cluster_name"]], on="industry_code")
    if m.empty:
        raise UserError("the candidate groups and the official clusters have no industry in common")
    ari = adjusted_rand_index(m["candidate_code"], m["cluster_code"])
    main = (m.groupby(["candidate_code", "cluster_code", "cluster_name"]).size().rename("n").reset_index()
            .sort_values(["candidate_code", "n", "cluster_code"], ascending=[True, False, True])
            .drop_duplicates("candidate_code"))
    sizes = m.groupby("candidate_code").size().rename("industries_compared")
    by = main.merge(sizes, on="candidate_code").merge(cands.groups[["candidate_code", "candidate_name"]], on="candidate_code")
    by["share_in_main_pct"] = 100.0 * by["n"] / by["industries_compared"]
    by = by.rename(columns={"cluster_code": "main_cluster_code", "cluster_name": "main_cluster_name"})
    by = by[["candidate_code", "candidate_name", "industries_compared", "main_cluster_code", "main_cluster_name",
             "share_in_main_pct"]]
    d = m.merge(by[["candidate_code", "main_cluster_code", "main_cluster_name"]], on="candidate_code")
    diff = d[d["cluster_code"] != d["main_cluster_code"]]
    diff = diff[["industry_code", "industry_name", "candidate_code", "candidate_name", "cluster_code", "cluster_name",
                 "main_cluster_name"]].sort_values(["candidate_code", "industry_code"], ignore_index=True)
    return Comparison(float(ari), len(m), by.sort_values("candidate_code", ignore_index=True), diff, official_text)


# ---- saving and applying a grouping (tables of migration v011) ---------------------------------------

def save_grouping(store, cands: Candidates, *, title: str | None = None) -> str:
    """Store a candidate grouping (one transaction); returns its grouping_code."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)

    def run(cur):
        n = cur.execute("SELECT count(*) FROM stats_grouping WHERE dataset_code = ?", [cands.dataset_code]).fetchall()[0][0]
        code = f"candidate-{n + 1}"
        while cur.execute("SELECT count(*) FROM stats_grouping WHERE dataset_code = ? AND grouping_code = ?",
                          [cands.dataset_code, code]).fetchall()[0][0]:
            n += 1
            code = f"candidate-{n + 1}"
        cur.execute(
            "INSERT INTO stats_grouping (dataset_code, grouping_code, title, method, parameters, n_groups, "
            "mean_silhouette, industries_grouped, created_at, is_applied) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, false)",
            [cands.dataset_code, code, title or f"{cands.n_groups} candidate clusters ({cands.measure})", cands.method,
             json.dumps(cands.parameters), cands.n_groups, cands.mean_silhouette, len(cands.industries), now])
        g = cands.groups.assign(dataset_code=cands.dataset_code, grouping_code=code)
        cur.register("_g", g)
        cols = ("dataset_code, grouping_code, candidate_code, candidate_name, candidate_industries, candidate_employment, "
                "within_corr, between_corr, silhouette, top_industries")
        cur.execute(f"INSERT INTO stats_grouping_group ({cols}) SELECT {cols} FROM _g")
        cur.unregister("_g")
        i = cands.industries.assign(dataset_code=cands.dataset_code, grouping_code=code)
        cur.register("_i", i)
        cur.execute("INSERT INTO stats_grouping_industry (dataset_code, grouping_code, industry_code, candidate_code, "
                    "silhouette) SELECT dataset_code, grouping_code, industry_code, candidate_code, silhouette FROM _i")
        cur.unregister("_i")
        return code

    return store.write(run)


def groupings(store, dataset_code: str) -> pd.DataFrame:
    return store.df("SELECT * FROM stats_grouping WHERE dataset_code = ? ORDER BY created_at, grouping_code",
                    [dataset_code])


def grouping_members(store, dataset_code: str, grouping_code: str) -> pd.DataFrame:
    return store.df(
        "SELECT i.industry_code, i.candidate_code, g.candidate_name, i.silhouette FROM stats_grouping_industry i "
        "JOIN stats_grouping_group g USING (dataset_code, grouping_code, candidate_code) "
        "WHERE i.dataset_code = ? AND i.grouping_code = ? ORDER BY i.candidate_code, i.industry_code",
        [dataset_code, grouping_code])


def apply_grouping(store, dataset_code: str, grouping_code: str) -> str:
    """Make a saved grouping the dataset's cluster definition, in one transaction: every grouped
    finest-level industry moves to its group (industries not grouped belong to no cluster), the
    groups become the clusters (type unclassified: their LQs use all employment as the base), the
    dataset's cluster definition says so. The imported crosswalk rows are kept (the comparison reads
    them); an imported relatedness file refers to the old clusters and is removed. Returns the
    new cluster definition text."""
    from clusterdash.stats import importer

    info = store.rows("SELECT * FROM stats_grouping WHERE dataset_code = ? AND grouping_code = ?",
                      [dataset_code, grouping_code])
    if not info:
        raise UserError(f"there is no grouping {grouping_code!r} of {dataset_code!r}")
    definition = f"ClusterDash clusters from data, {info[0]['title']} ({info[0]['method']})"

    def run(cur):
        opts_row = cur.execute("SELECT options, cluster_definition FROM stats_dataset WHERE dataset_code = ?",
                               [dataset_code]).fetchall()[0]
        opts = json.loads(opts_row[0] or "{}")
        opts.setdefault("definition_before_grouping", opts_row[1])  # what restore_definition gives back
        cur.execute("UPDATE stats_dataset SET options = ? WHERE dataset_code = ?", [json.dumps(opts), dataset_code])
        cur.execute("UPDATE stats_industry SET cluster_code = NULL WHERE dataset_code = ?", [dataset_code])
        cur.execute(
            "UPDATE stats_industry SET cluster_code = m.candidate_code FROM stats_grouping_industry m "
            "WHERE stats_industry.dataset_code = m.dataset_code AND stats_industry.industry_code = m.industry_code "
            "AND m.dataset_code = ? AND m.grouping_code = ? AND stats_industry.is_finest", [dataset_code, grouping_code])
        cur.execute("DELETE FROM stats_cluster WHERE dataset_code = ?", [dataset_code])
        cur.execute(
            "INSERT INTO stats_cluster (dataset_code, cluster_code, cluster_name, cluster_type) "
            "SELECT dataset_code, candidate_code, candidate_name, 'unclassified' FROM stats_grouping_group "
            "WHERE dataset_code = ? AND grouping_code = ?", [dataset_code, grouping_code])
        cur.execute("DELETE FROM stats_relatedness WHERE dataset_code = ?", [dataset_code])
        cur.execute("UPDATE stats_dataset SET cluster_definition = ?, relatedness_source = NULL WHERE dataset_code = ?",
                    [definition, dataset_code])
        cur.execute("UPDATE stats_grouping SET is_applied = (grouping_code = ?) WHERE dataset_code = ?",
                    [grouping_code, dataset_code])
        importer.write_derived(cur, dataset_code)
        cur.execute("UPDATE stats_dataset_profile SET cluster_term = 'candidate clusters (from data)', "
                    "cluster_term_singular = 'candidate cluster' WHERE dataset_code = ?", [dataset_code])

    store.write(run)
    return definition


def restore_definition(store, dataset_code: str) -> str:
    """Undo :func:`apply_grouping`: the clusters of the imported crosswalk (its rows are kept in
    ``stats_crosswalk``), or the classification's own groups when none was imported, in one
    transaction. A relatedness file removed by the grouping is not restored (attach it again).
    Returns the cluster definition text."""
    from clusterdash.stats import importer, readers

    ds = store.rows("SELECT format, options, cluster_definition FROM stats_dataset WHERE dataset_code = ?",
                    [dataset_code])
    if not ds:
        raise UserError(f"there is no dataset {dataset_code!r}")
    opts = json.loads(ds[0]["options"] or "{}")
    industries = store.df("SELECT industry_code, industry_name, industry_level, is_finest FROM stats_industry "
                          "WHERE dataset_code = ? ORDER BY industry_code", [dataset_code])
    industries["cluster_code"] = None
    cw = store.df("SELECT * FROM stats_crosswalk WHERE dataset_code = ? ORDER BY source_line", [dataset_code])
    if len(cw):
        cw = cw.astype(object).where(cw.notna(), None)
        rows = [readers.CrosswalkRow(r.industry_code, r.industry_name, r.cluster_code, r.cluster_name, r.cluster_type,
                                     r.subcluster_name, int(r.source_line)) for r in cw.itertuples()]
        clusters = importer._apply_crosswalk(industries, rows)
        definition = opts.get("definition_before_grouping") or "the imported crosswalk"
    else:
        clusters, definition = importer._fallback_clusters(industries, ds[0]["format"])
    opts.pop("definition_before_grouping", None)

    def run(cur):
        cur.execute("DELETE FROM stats_industry WHERE dataset_code = ?", [dataset_code])
        cur.execute("DELETE FROM stats_cluster WHERE dataset_code = ?", [dataset_code])
        importer._insert_frame(cur, "stats_industry", industries.assign(dataset_code=dataset_code))
        importer._insert_frame(cur, "stats_cluster", clusters.assign(dataset_code=dataset_code))
        cur.execute("UPDATE stats_dataset SET cluster_definition = ?, options = ? WHERE dataset_code = ?",
                    [definition, json.dumps(opts), dataset_code])
        cur.execute("UPDATE stats_grouping SET is_applied = false WHERE dataset_code = ?", [dataset_code])
        importer.write_derived(cur, dataset_code)

    store.write(run)
    return definition
