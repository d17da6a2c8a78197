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

# Labels of the columns as shown on the pages: the field registry's (clusterdash/fields.py).
# alias for ui/pages; lead removes after merge (pages can call fields.label / fields.column_labels)
LABELS = fields.column_labels((
    "region_code", "region_name", "cluster_code", "cluster_name", "cluster_type", "year", "employment",
    "establishments", "payroll", "avg_wage", "avg_firm_size", "lq", "national_share_pct", "is_strong",
    "is_strong_top10", "employment_change", "cagr_pct", "national_share_change_pp", "expected_change",
    "job_creation_relative", "withheld_cells", "base_year_withheld_cells", "withheld_establishments_pct",
    "benchmark", "is_benchmark_complete", "withheld_share_pct", "national_withheld_share_pct", "base_year",
    "is_growth_distorted", "growth_note",
    "base_year_withheld_establishments_pct", "cluster_strength_pct", "traded_employment", "strong_employment",
    "strong_clusters", "top_strong_cluster", "rank", "links", "related_strong_clusters", "industries",
    "coordinate_source", "is_national", "latitude", "longitude",
))


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
    parts = [dataset["source"], f"cluster definitions: {dataset['cluster_definition']}"]
    if relatedness and dataset.get("relatedness_source"):
        parts.append(f"cluster relatedness: {dataset['relatedness_source']}")
    return "; ".join(parts)


def wage_unit(dataset: dict) -> str | None:
    unit = dataset.get("payroll_unit")
    if not unit:
        return None
    return "USD per employee and year" if "thousand" in unit.lower() and "usd" in unit.lower() else f"{unit} per person"


def units_line(dataset: dict, columns) -> str:
    """Units of the columns shown, for the caption and the CSV header."""
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
        parts.append("LQ: ratio (1 = national average specialisation)")
    if cols & {"national_share_pct", "cagr_pct", "cluster_strength_pct"}:
        parts.append("shares and growth rates: %")
    if "national_share_change_pp" in cols:
        parts.append("share change: percentage points")
    return "; ".join(parts)


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
    out = sel[sel["cluster_code"].isin(top)][
        ["region_code", "region_name", "cluster_code", "cluster_name", "year", measure, "employment", "is_strong"]
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
