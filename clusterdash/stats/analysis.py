"""The views of the regional statistics, as pure functions over the indicator table
(:func:`clusterdash.stats.indicators.compute_indicators`): the cluster map, a region's
portfolio, ranking and specialisation trend, the comparison of regions and the
diversification opportunities from cluster relatedness. Also the citation and units line of
every table, and the indicators CSV layout shared by the command line and the pages.
No Streamlit, no SQL.
"""

from __future__ import annotations

import pandas as pd

from clusterdash import export, fields
from clusterdash.errors import UserError

MAX_COMPARE = 10

# The indicators CSV (command line ``export indicators`` and the page downloads): the indicator
# columns under their own names (booleans are ``is_*`` here too).
EXPORT_COLUMNS: tuple[str, ...] = (
    "region_code", "region_name", "cluster_code", "cluster_name", "cluster_type", "year", "employment",
    "establishments", "payroll", "avg_wage", "avg_firm_size", "lq", "national_share_pct", "is_strong",
    "is_strong_top10", "employment_change", "cagr_pct", "national_share_change_pp", "expected_change",
    "job_creation_relative", "withheld_cells",
    # the benchmark of lq/shares and the honesty of growth, in every CSV (when computed)
    "benchmark", "is_benchmark_complete", "withheld_share_pct", "national_withheld_share_pct", "base_year",
    "is_growth_distorted", "growth_note",
)
OPTIONAL_EXPORT_COLUMNS = ("benchmark", "is_benchmark_complete", "withheld_share_pct", "national_withheld_share_pct",
                           "base_year", "is_growth_distorted", "growth_note")


def to_export_frame(ind: pd.DataFrame, *, dataset: dict | None = None) -> pd.DataFrame:
    """The indicators CSV layout: the columns of :data:`EXPORT_COLUMNS` (booleans
    ``is_strong``/``is_strong_top10`` as true/false) and, with ``dataset``, a ``source`` column on
    every row."""
    cols = [c for c in EXPORT_COLUMNS if c in ind.columns or c not in OPTIONAL_EXPORT_COLUMNS]
    out = ind[cols].copy()
    for c in ("is_strong", "is_strong_top10"):
        out[c] = out[c].astype(bool)
    for c in ("employment", "establishments", "employment_change", "withheld_cells"):
        out[c] = whole_numbers(out[c])
    if dataset is not None:
        out["source"] = citation(dataset)
    return out


def whole_numbers(values: pd.Series) -> pd.Series:
    """Counts as integers when every value is whole (CBP), else unchanged (Eurostat ×1000)."""
    v = pd.to_numeric(values, errors="coerce")
    if v.notna().any() and ((v.dropna() % 1) == 0).all():
        return v.round().astype("Int64")
    return v


def write_indicators_csv(df: pd.DataFrame, path) -> None:
    """Write the export frame as CSV through the one CSV writer (:func:`clusterdash.export.write_csv`:
    booleans as true/false, text that a spreadsheet would run as a formula neutralised)."""
    export.write_csv(df, path)


# ---- citation and units ------------------------------------------------------------------------

def citation(dataset: dict, *, relatedness: bool = False) -> str:
    """The source line of every figure from a dataset: publisher; cluster definitions (and
    relatedness when used)."""
    # the source line adds "Source: " (an embedded dataset's own source text starts with it)
    parts = [str(dataset["source"]).removeprefix("Source: "), f"cluster definitions: {dataset['cluster_definition']}"]
    if relatedness and dataset.get("relatedness_source"):
        parts.append(f"cluster relatedness: {dataset['relatedness_source']}")
    return "; ".join(parts)


def wage_unit(dataset: dict) -> str | None:
    unit = dataset.get("payroll_unit")
    if not unit:
        return None
    return "USD per employee and year" if "thousand" in unit.lower() and "usd" in unit.lower() else f"{unit} per person"


def units_line(dataset: dict, columns, *, benchmark: str | None = None) -> str:
    """Units of the columns shown, for the caption and the CSV header (the LQ's benchmark: the
    one given, else the dataset's ``default_benchmark`` when the dict carries it, else the nation)."""
    cols = set(columns)
    parts = []
    if cols & {"employment", "employment_change", "expected_change", "job_creation_relative", "base_year_employment",
               "traded_employment", "strong_employment"}:
        parts.append(f"employment: {dataset['employment_unit']}")
    if "payroll" in cols and dataset.get("payroll_unit"):
        parts.append(f"payroll: {dataset['payroll_unit']}")
    if "avg_wage" in cols and wage_unit(dataset):
        parts.append(f"average wage: {wage_unit(dataset)}")
    if "avg_firm_size" in cols:
        parts.append("average firm size: employees per establishment")
    if "lq" in cols:
        parts.append(f"LQ: ratio ({lq_one_means(benchmark or dataset.get('default_benchmark') or 'nation')} "
                     "specialisation)")
    if cols & {"national_share_pct", "cagr_pct", "cluster_strength_pct"}:
        parts.append("shares and growth rates: %")
    if "national_share_change_pp" in cols:
        parts.append("share change: percentage points")
    return "; ".join(parts)


# ---- the benchmark of location quotients, in words -----------------------------------------------

BENCHMARKS = ("nation", "country", "eu28")
BENCHMARK_NAMES = {"nation": "the nation", "country": "the region's country", "eu28": "the EU28 aggregate"}


def lq_label(benchmark: str = "nation") -> str:
    """'LQ vs the nation' / 'LQ vs the region's country' / 'LQ vs the EU28 aggregate'."""
    return f"LQ vs {BENCHMARK_NAMES.get(benchmark, BENCHMARK_NAMES['nation'])}"


def lq_one_means(benchmark: str = "nation") -> str:
    """What LQ 1 is: '1 = national average' only where the benchmark is the nation."""
    return {"country": "1 = the country's average", "eu28": "1 = EU28 average"}.get(benchmark, "1 = national average")


def lq_axis_title(benchmark: str = "nation", *, log: bool = True) -> str:
    """'Location quotient vs the region's country (log scale; 1 = the country's average)'."""
    scale = "log scale; " if log else ""
    return f"{fields.label('lq')} {lq_label(benchmark).removeprefix('LQ ')} ({scale}{lq_one_means(benchmark)})"


def share_label(benchmark: str = "nation") -> str:
    """The label of national_share_pct under the benchmark."""
    return {"country": "Share of the country's employment (%)",
            "eu28": "Share of EU28 employment (%)"}.get(benchmark, "Share of national employment (%)")


def region_label(name, code) -> str:
    """'Oberösterreich (AT31)'; the code alone when the region has no name of its own."""
    n, c = ("" if name is None else str(name)).strip(), str(code)
    return c if not n or n == c else f"{n} ({c})"


def cluster_title_term(cluster_types, cluster_term: str = "clusters") -> str:
    """'traded clusters' only where the dataset has traded clusters (a crosswalk), else its own
    term ('NAICS subsectors', 'NACE sections')."""
    return "traded clusters" if "traded" in set(cluster_types) else cluster_term


def establishments_text(value, is_establishments_in_source: bool = True) -> str:
    """Establishments for a table: a number, or 'not in the source' where the source has none."""
    if not is_establishments_in_source:
        return "not in the source"
    return "–" if value is None or pd.isna(value) else f"{value:,.0f}"


# ---- the map -------------------------------------------------------------------------------------

def cluster_map_frame(ind: pd.DataFrame, regions: pd.DataFrame, cluster_code: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of one cluster in one year with the regions' positions: (mapped, not mapped).
    Regions without coordinates are returned separately (listed, not dropped)."""
    sel = ind[(ind["cluster_code"] == str(cluster_code)) & (ind["year"] == int(year))]
    pos = regions[["region_code", "latitude", "longitude"]]
    rows = sel.merge(pos, on="region_code", how="left")
    rows = rows.sort_values("employment", ascending=False, na_position="last").reset_index(drop=True)
    has = rows["latitude"].notna() & rows["longitude"].notna()
    return rows[has].reset_index(drop=True), rows[~has].reset_index(drop=True)


MAX_TOOLTIP_REGIONS = 12


def country_map_frame(ind: pd.DataFrame, regions: pd.DataFrame, cluster_code: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For datasets whose regions have only their country's position (NUTS regions): one row per
    country at its label point — employment (sum of its regions), regions, strong regions, the
    highest regional LQ and the list of its regions (highest LQ first) — and the regions that
    have no position at all. ``regions`` carries ``country_code``, ``country_name``, ``position``,
    ``country_latitude``, ``country_longitude`` (``queries.stats_regions``)."""
    cols = ["country_code", "country_name", "latitude", "longitude", "regions", "employment", "strong_regions",
            "max_lq", "country_lq", "top_region", "region_list"]
    sel = ind[(ind["cluster_code"] == str(cluster_code)) & (ind["year"] == int(year))]
    pos = regions[["region_code", "country_code", "country_name", "position", "country_latitude", "country_longitude"]]
    country_lq = country_lq_vs_eu28(ind, pos, cluster_code, year)
    rows = sel.merge(pos, on="region_code", how="left")
    has = rows["country_latitude"].notna() & rows["country_longitude"].notna()
    placed, unplaced = rows[has], rows[~has].reset_index(drop=True)
    out = []
    for cc, part in placed.groupby("country_code", sort=True):
        part = part.sort_values(["lq", "employment"], ascending=[False, False], na_position="last")
        lines = [f"{region_label(r.region_name, r.region_code)}: LQ {'–' if pd.isna(r.lq) else f'{r.lq:.2f}'}"
                 + (" ★ strong" if r.is_strong else "") for r in part.itertuples()]
        if len(lines) > MAX_TOOLTIP_REGIONS:
            lines = lines[:MAX_TOOLTIP_REGIONS] + [f"… and {len(lines) - MAX_TOOLTIP_REGIONS} more"]
        top = part.iloc[0]
        emp = part["employment"]
        out.append({
            "country_code": cc, "country_name": part["country_name"].dropna().iloc[0] if part["country_name"].notna().any() else cc,
            "latitude": float(part["country_latitude"].iloc[0]), "longitude": float(part["country_longitude"].iloc[0]),
            "regions": len(part), "employment": float(emp.sum()) if emp.notna().any() else None,
            "strong_regions": int(part["is_strong"].sum()),
            "max_lq": None if part["lq"].isna().all() else float(part["lq"].max()),
            "country_lq": country_lq.get(cc),
            "top_region": region_label(top["region_name"], top["region_code"]), "region_list": "\n".join(lines),
        })
    frame = pd.DataFrame(out, columns=cols)
    return frame.sort_values("employment", ascending=False, na_position="last").reset_index(drop=True), unplaced


def country_lq_vs_eu28(ind: pd.DataFrame, pos: pd.DataFrame, cluster_code: str, year: int) -> dict:
    """Each country's own LQ in the group against the EU28 aggregate, from the sums of its regions:
    (country's employment in the group / its employment in all groups) / (the same for the regions
    of the 28 member states). What a map at country positions can honestly colour."""
    from clusterdash.stats.coverage import EU28

    yr = ind[(ind["year"] == int(year)) & (ind["cluster_type"] != "local")][["region_code", "cluster_code", "employment"]]
    yr = yr.merge(pos[["region_code", "country_code"]], on="region_code", how="left")
    total = yr.groupby("country_code")["employment"].sum()
    part = yr[yr["cluster_code"] == str(cluster_code)].groupby("country_code")["employment"].sum()
    eu = [c for c in total.index if c in EU28]
    eu_total, eu_part = float(total[eu].sum()), float(part.reindex(eu).fillna(0).sum())
    if not eu_total or not eu_part:
        return {}
    base = eu_part / eu_total
    return {c: float(part.get(c, 0.0) / total[c] / base) for c in total.index if total[c] > 0 and c in part.index}


# ---- a region ------------------------------------------------------------------------------------

def region_portfolio(ind: pd.DataFrame, region_code: str, year: int) -> pd.DataFrame:
    """The region's clusters in ``year`` with LQ, growth since the base year and employment,
    largest first (the portfolio bubble chart and the ranked table)."""
    sel = ind[(ind["region_code"] == str(region_code)) & (ind["year"] == int(year))]
    sel = sel[sel["employment"].fillna(0) > 0]
    return sel.sort_values(["is_strong", "employment"], ascending=[False, False]).reset_index(drop=True)


def rank_clusters(portfolio: pd.DataFrame, by: str = "employment", *, traded_only: bool = False) -> pd.DataFrame:
    allowed = {"employment", "lq", "national_share_pct", "cagr_pct", "job_creation_relative", "avg_wage"}
    if by not in allowed:
        raise UserError(f"cannot rank by {by!r}; choose one of {', '.join(sorted(allowed))}")
    df = portfolio[portfolio["cluster_type"] != "local"] if traded_only else portfolio
    df = df.sort_values(by, ascending=False, na_position="last").reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df


def specialisation_trend(ind: pd.DataFrame, region_code: str, *, top_n: int = 8, year: int | None = None) -> pd.DataFrame:
    """LQ over the years of the region's ``top_n`` traded clusters (strong first, then by
    employment in ``year`` — default the last year)."""
    reg = ind[(ind["region_code"] == str(region_code)) & (ind["cluster_type"] != "local")]
    if reg.empty:
        return reg
    last = int(year if year is not None else reg["year"].max())
    latest = reg[reg["year"] == last].sort_values(["is_strong", "employment"], ascending=[False, False])
    keep = latest["cluster_code"].head(top_n).tolist()
    out = reg[reg["cluster_code"].isin(keep)][["cluster_code", "cluster_name", "year", "lq", "employment", "is_strong"]]
    return out.sort_values(["cluster_name", "year"]).reset_index(drop=True)


# ---- compare regions ------------------------------------------------------------------------------

def compare_regions(ind: pd.DataFrame, region_codes: list[str], year: int, *, measure: str = "lq",
                    top_n: int = 15) -> pd.DataFrame:
    """Long table of up to :data:`MAX_COMPARE` regions × the ``top_n`` traded clusters with the
    most employment across them, with ``measure`` and the strong flag."""
    if not region_codes:
        raise UserError("choose at least one region to compare")
    if len(region_codes) > MAX_COMPARE:
        raise UserError(f"compare at most {MAX_COMPARE} regions at once ({len(region_codes)} chosen)")
    if measure not in ("lq", "employment", "national_share_pct", "cagr_pct", "avg_wage"):
        raise UserError(f"cannot compare by {measure!r}")
    codes = [str(c) for c in region_codes]
    sel = ind[ind["region_code"].isin(codes) & (ind["year"] == int(year)) & (ind["cluster_type"] != "local")]
    top = sel.groupby("cluster_code")["employment"].sum().sort_values(ascending=False).head(top_n).index
    extra = [c for c in ("is_growth_distorted", "growth_note") if c in sel.columns]
    out = sel[sel["cluster_code"].isin(top)][
        ["region_code", "region_name", "cluster_code", "cluster_name", "year", measure, "employment", "is_strong", *extra]
    ].loc[:, lambda d: ~d.columns.duplicated()]
    order = {c: i for i, c in enumerate(codes)}
    out = out.assign(_o=out["region_code"].map(order)).sort_values(["_o", "cluster_name"]).drop(columns="_o")
    return out.reset_index(drop=True)


def compare_summary(ind: pd.DataFrame, strength: pd.DataFrame, region_codes: list[str], year: int) -> pd.DataFrame:
    """One row per compared region: traded employment, strong clusters, cluster strength,
    and its top cluster by LQ among its strong clusters."""
    codes = [str(c) for c in region_codes]
    st = strength[strength["region_code"].isin(codes) & (strength["year"] == int(year))].copy()
    sel = ind[ind["region_code"].isin(codes) & (ind["year"] == int(year)) & ind["is_strong"]]
    top = sel.sort_values("lq", ascending=False).groupby("region_code").head(1)[["region_code", "cluster_name"]]
    st = st.merge(top.rename(columns={"cluster_name": "top_strong_cluster"}), on="region_code", how="left")
    order = {c: i for i, c in enumerate(codes)}
    return st.assign(_o=st["region_code"].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


# ---- related clusters ---------------------------------------------------------------------------

def diversification_opportunities(ind: pd.DataFrame, relatedness: pd.DataFrame, region_code: str,
                                  year: int) -> pd.DataFrame:
    """Clusters strongly related to the region's strong clusters in which it is not (yet)
    strong: one row per opportunity with the strong clusters it is related to, the region's
    LQ and employment in it, ranked by the number of links, then LQ."""
    cols = ["cluster_code", "cluster_name", "related_strong_clusters", "links", "lq", "employment",
            "national_share_pct", "cagr_pct"]
    reg = ind[(ind["region_code"] == str(region_code)) & (ind["year"] == int(year))]
    if reg.empty or relatedness.empty:
        return pd.DataFrame(columns=cols)
    strong = reg.loc[reg["is_strong"], ["cluster_code", "cluster_name"]]
    if strong.empty:
        return pd.DataFrame(columns=cols)
    rel = relatedness[relatedness["is_strongly_related"]]
    rel = rel[rel["cluster_code"].isin(strong["cluster_code"])]
    names = dict(zip(strong["cluster_code"], strong["cluster_name"]))
    strong_codes = set(strong["cluster_code"])
    rel = rel[~rel["related_cluster_code"].isin(strong_codes)]
    if rel.empty:
        return pd.DataFrame(columns=cols)
    grouped = rel.groupby("related_cluster_code")["cluster_code"].agg(lambda s: sorted(set(s)))
    out = pd.DataFrame({"cluster_code": grouped.index, "via": grouped.values})
    out["links"] = out["via"].map(len)
    out["related_strong_clusters"] = out["via"].map(lambda v: "; ".join(names[c] for c in v))
    all_names = ind.drop_duplicates("cluster_code").set_index("cluster_code")["cluster_name"]
    out["cluster_name"] = out["cluster_code"].map(all_names)
    out = out.merge(reg[["cluster_code", "lq", "employment", "national_share_pct", "cagr_pct"]], on="cluster_code", how="left")
    out = out.sort_values(["links", "lq"], ascending=[False, False], na_position="last").reset_index(drop=True)
    return out[cols]


def strong_cluster_list(ind: pd.DataFrame, region_code: str, year: int) -> pd.DataFrame:
    reg = ind[(ind["region_code"] == str(region_code)) & (ind["year"] == int(year)) & ind["is_strong"]]
    return reg.sort_values("lq", ascending=False)[["cluster_code", "cluster_name", "lq", "employment", "is_strong_top10"]]


# ---- coverage, benchmark choice, display (issue #11) ------------------------------------------

def benchmark_options(dataset: dict, profile: dict | None = None) -> list[str]:
    """The benchmarks a dataset offers, its default first: NUTS regions the region's country and
    the EU28 aggregate; other datasets the nation (their regions' sum or national row)."""
    default = (profile or {}).get("default_benchmark") or "nation"
    if str(dataset.get("region_type") or "").startswith("NUTS"):
        opts = ["country", "eu28"]
    else:
        opts = ["nation"]
    return sorted(opts, key=lambda b: b != default)


def year_coverage_table(cov: pd.DataFrame) -> pd.DataFrame:
    """The per-year coverage (coverage.year_coverage) for a table and its CSV: the missing regions
    as text, shares rounded."""
    if cov is None or cov.empty:
        return pd.DataFrame(columns=["year", "regions_present", "regions_expected", "missing_regions", "cells",
                                     "withheld_cells", "unknown_withheld_cells", "withheld_share_pct",
                                     "is_complete", "is_comparable", "note"])
    out = cov.copy()
    out["missing_regions"] = [", ".join(m) if len(m) else "" for m in out["missing_regions"]]
    out["withheld_share_pct"] = out["withheld_share_pct"].astype(float).round(2)
    return out[["year", "regions_present", "regions_expected", "missing_regions", "cells", "withheld_cells",
                "unknown_withheld_cells", "withheld_share_pct", "is_complete", "is_comparable", "note"]]


def cluster_coverage_table(ccov: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Per cluster: withheld cells and the estimated share of employment in them, one pair of
    columns per year (``withheld_cells_<year>``, ``withheld_share_pct_<year>``), the clusters
    with most withheld employment first."""
    if ccov is None or ccov.empty:
        return pd.DataFrame(columns=["cluster_code", "cluster_name"])
    names = dict(zip(clusters["cluster_code"], clusters["cluster_name"]))
    years = sorted(ccov["year"].unique())
    wide = ccov.pivot_table(index="cluster_code", columns="year", values=["withheld_cells", "withheld_share_pct"],
                            aggfunc="first")
    out = pd.DataFrame({"cluster_code": wide.index})
    out["cluster_name"] = out["cluster_code"].map(names).fillna(out["cluster_code"])
    for y in years:
        out[f"withheld_cells_{y}"] = wide[("withheld_cells", y)].fillna(0).astype(int).to_numpy()
        out[f"withheld_share_pct_{y}"] = wide[("withheld_share_pct", y)].astype(float).round(2).to_numpy()
    share_cols = [f"withheld_share_pct_{y}" for y in years]
    out = out.assign(_m=out[share_cols].max(axis=1)).sort_values(["_m", "cluster_name"], ascending=[False, True])
    return out.drop(columns="_m").reset_index(drop=True)


NOT_IN_SOURCE = "not in the source"


def for_display(df: pd.DataFrame, *, is_establishments_in_source: bool = True) -> pd.DataFrame:
    """A table's frame as shown and downloaded: where the source has no establishment counts,
    establishments and average firm size say so instead of an empty (or "None") cell."""
    if is_establishments_in_source:
        return df
    out = df.copy()
    for c in ("establishments", "avg_firm_size"):
        if c in out.columns:
            out[c] = NOT_IN_SOURCE
    return out
