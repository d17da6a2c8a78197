"""Regional-statistics widgets: the dataset and years (kept in the URL), tables with their CSV,
the five views of the regional statistics page, and the import page's form and dataset list."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from clusterdash import queries
from clusterdash.charts import maps
from clusterdash.charts import stats as chart
from clusterdash.errors import UserError
from clusterdash.stats import FORMATS, analysis
from clusterdash.stats.importer import ImportSpec
from clusterdash.stats.readers import SourceFile
from clusterdash.store import Store
from clusterdash.ui import shell
from clusterdash.ui.output import download_csv, plain, show_error, source_line

VIEWS = ["Cluster map", "Region profile", "Compare regions", "Related clusters", "Data"]
ss = st.session_state


def query_default(key: str, options: list, fallback=None):
    """The value in the URL (``?key=``) when it is one of ``options``, else ``fallback``."""
    v = st.query_params.get(key)
    for o in options:
        if str(o) == v:
            return o
    return fallback if fallback is not None else (options[0] if options else None)


def remember(key: str, value) -> None:
    """Keep a choice in the URL so a reload or a shared link shows the same view."""
    if value is None:
        return
    if st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)


def load_demo(store: Store) -> None:
    """Load the demonstration dataset from ../shared/data (a write: checked at the moment of writing)."""
    if not shell.allowed():
        return
    bar = st.progress(0.0, text="Loading U.S. County Business Patterns 2017–2021…")
    try:
        summary = queries.load_stats_demo(store, progress=lambda f, m: bar.progress(min(f, 1.0), text=m))
    except UserError as exc:
        bar.empty()
        show_error(exc)
        return
    bar.empty()
    st.query_params["ds"] = summary.dataset_code
    st.rerun()


def data_table(df: pd.DataFrame, *, key: str, filename: str, ds: dict, columns: list[str], relatedness: bool = False,
          height: int | None = None) -> None:
    """A table of exactly ``columns`` and its CSV download (same rows, same columns, same rounding)."""
    shown = df[columns].copy()
    for c in shown.columns:
        if c in ("lq", "national_share_pct", "cagr_pct", "national_share_change_pp", "cluster_strength_pct",
                 "withheld_establishments_pct", "base_year_withheld_establishments_pct"):
            shown[c] = shown[c].astype(float).round(2)
        elif c in ("avg_wage", "expected_change", "job_creation_relative"):
            shown[c] = shown[c].astype(float).round(0)
        elif c == "avg_firm_size":
            shown[c] = shown[c].astype(float).round(1)
        elif c in ("employment", "establishments", "employment_change", "traded_employment", "strong_employment"):
            shown[c] = analysis.whole_numbers(shown[c])
    config = {c: st.column_config.Column(analysis.LABELS.get(c, c.replace("_", " ").capitalize())) for c in shown.columns}
    for c in ("employment", "establishments", "employment_change", "expected_change", "job_creation_relative", "avg_wage",
              "traded_employment", "strong_employment"):
        if c in shown.columns:
            config[c] = st.column_config.NumberColumn(analysis.LABELS.get(c, c), format="localized")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key=f"tbl-{key}",
                 height=height or "auto")
    source = analysis.citation(ds, relatedness=relatedness)
    units = analysis.units_line(ds, shown.columns)
    source_line(source, units or None)
    download_csv(shown, filename, source=source, units=units or None, key=f"dl-{key}")


@dataclass
class StatsView:
    """What every view works on: the dataset, its indicators, regions and clusters, the years."""

    ds: dict
    dataset_code: str
    year: int
    base_year: int
    ind: pd.DataFrame
    regions: pd.DataFrame
    clusters: pd.DataFrame
    presenting: bool

    @property
    def ind_year(self) -> pd.DataFrame:
        return self.ind[self.ind["year"] == self.year]

    @property
    def is_us(self) -> bool:
        return self.ds["region_type"] == "U.S. state"

    @property
    def region_names(self) -> dict:
        return dict(zip(self.regions["region_code"], self.regions["region_name"]))


def no_data(store: Store) -> None:
    """The page before any import: where to import, and the demonstration dataset."""
    with st.container(border=True):
        st.subheader("No statistics imported yet")
        st.markdown(
            "Import regional employment statistics — U.S. County Business Patterns, Eurostat regional tables "
            "or your own CSV — on the **Import statistics** page, optionally with a cluster crosswalk, "
            "region coordinates and cluster relatedness."
        )
        shell.page_link("import_stats")
        if queries.stats_demo_available():
            st.markdown(
                "For a demonstration, load **U.S. County Business Patterns 2017–2021** (50 states) with the "
                "U.S. Cluster Mapping cluster definitions and related clusters from `../shared/data`."
            )
            st.button("Load U.S. County Business Patterns 2017–2021 from ../shared/data", type="primary",
                      icon=":material/download:", key="stats_demo", disabled=not shell.can_edit(),
                      on_click=ss.__setitem__, args=("stats_demo_requested", True))
            if ss.pop("stats_demo_requested", False):
                load_demo(store)


def choose_view() -> str:
    view = st.segmented_control("View", VIEWS, default=query_default("view", VIEWS), key="stats_view") or VIEWS[0]
    remember("view", view)
    return view


def choose_dataset(store: Store, datasets: pd.DataFrame) -> StatsView | None:
    """Dataset, year and base year (kept in the URL); None (with a warning) when the dataset has
    no cluster employment."""
    codes = datasets["dataset_code"].tolist()
    titles = dict(zip(datasets["dataset_code"], datasets["title"]))
    top = st.columns([4, 1, 1])
    dataset_code = top[0].selectbox("Dataset", codes, index=codes.index(query_default("ds", codes)),
                                    format_func=lambda c: f"{titles[c]} ({c})", key="stats_ds")
    remember("ds", dataset_code)
    ds = queries.stats_dataset(store, dataset_code)
    years = list(range(int(ds["year_min"]), int(ds["year_max"]) + 1))
    year = top[1].selectbox("Year", years[::-1], index=years[::-1].index(query_default("year", years, years[-1])),
                            key="stats_year")
    remember("year", year)
    base_options = [y for y in years if y < year] or [year]
    base_year = top[2].selectbox("Growth since", base_options,
                                 index=base_options.index(query_default("base", base_options, base_options[0])),
                                 key="stats_base", help="Base year of growth, share change and job creation")
    remember("base", base_year)
    if not ds["has_crosswalk"]:
        st.info(f"No cluster crosswalk was imported with this dataset. {plain(ds['cluster_definition'])}. "
                "Location quotients use all employment as the base.", icon=":material/info:")
    ind = queries.stats_indicators(store, dataset_code, base_year=base_year)
    if ind.empty:
        st.warning("This dataset has no employment in any cluster (check the crosswalk on the Data view).")
        return None
    return StatsView(ds, dataset_code, year, base_year, ind, queries.stats_regions(store, dataset_code),
                     queries.stats_clusters(store, dataset_code), shell.is_presenting())


def choose_region(v: StatsView, key: str) -> str:
    options = v.regions["region_code"].tolist()
    default = query_default("region", options, options[0])
    names = v.region_names
    region_type = v.ds["region_type"]
    code = st.selectbox(region_type[:1].upper() + region_type[1:], options, index=options.index(default),
                        format_func=lambda c: f"{names.get(c, c)} ({c})", key=key)
    remember("region", code)
    return code


def cluster_map_view(store: Store, v: StatsView) -> None:
    """One cluster across the regions: map, legend, the regions ranked by location quotient."""
    ind, ind_year, regions, clusters, ds, dataset_code, year, is_us, presenting = (
        v.ind, v.ind_year, v.regions, v.clusters, v.ds, v.dataset_code, v.year, v.is_us, v.presenting)
    cl = clusters[clusters["cluster_type"] != "local"] if (clusters["cluster_type"] != "local").any() else clusters
    by_emp = ind_year.groupby("cluster_code")["employment"].sum()
    cl = cl.assign(_e=cl["cluster_code"].map(by_emp).fillna(0)).sort_values("cluster_name")
    names = dict(zip(clusters["cluster_code"], clusters["cluster_name"]))
    options = cl["cluster_code"].tolist() + [c for c in clusters["cluster_code"] if c not in set(cl["cluster_code"])]
    default = query_default("cluster", options, cl.sort_values("_e", ascending=False)["cluster_code"].iloc[0])
    c1, c2 = st.columns([3, 2])
    cluster_code = c1.selectbox("Cluster", options, index=options.index(default), key="stats_cluster",
                                format_func=lambda c: f"{names.get(c, c)}" + (" (local)" if c not in set(cl["cluster_code"]) else ""))
    remember("cluster", cluster_code)
    mapped, unmapped = analysis.cluster_map_frame(ind, regions, cluster_code, year)
    n_strong = int(mapped["is_strong"].sum() + unmapped["is_strong"].sum())
    c2.metric("Strong in", f"{n_strong} of {len(mapped) + len(unmapped)} regions")
    st.subheader(f"{plain(names.get(cluster_code, cluster_code))}, {year}")
    deck = chart.cluster_map(mapped, us_states=is_us, large=presenting, basemap=maps.basemap_setting())
    st.pydeck_chart(deck, height=chart.MAP_HEIGHT_LARGE_PX if presenting else chart.MAP_HEIGHT_PX,
                    key=f"stats_map_{dataset_code}", alt="Map: one bubble per region, coloured by location quotient, "
                    "sized by employment; strong clusters ringed and named")
    size = 17 if presenting else 14
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:14px;white-space:nowrap">'
        f'<span style="width:{size}px;height:{size}px;border-radius:50%;background:{i["color"]};display:inline-block;'
        f'margin-right:6px;box-shadow:0 0 0 1px #c7ccd4"></span>{i["label"]}</span>' for i in chart.lq_legend()
    )
    ring = (f'<span style="display:inline-flex;align-items:center;white-space:nowrap"><span style="width:{size}px;'
            f'height:{size}px;border-radius:50%;border:3px solid #1B2430;display:inline-block;margin-right:6px">'
            f'</span>strong cluster (ringed and named)</span>')
    # legend markup from constants only (no user text)
    st.markdown(f'<div data-testid="stats-map-legend" style="font-size:{size + 1}px;line-height:2"><b>Location quotient</b>'
                f'&nbsp;&nbsp;{swatches}<br><b>Bubble size</b>&nbsp;&nbsp;employment&nbsp;&nbsp;&nbsp;{ring}</div>',
                unsafe_allow_html=True)
    source_line(analysis.citation(ds) + "; " + maps.BASE_SOURCE
                   + ("; state outlines: " + chart.US_STATES_OUTLINE_SOURCE if is_us else ""))
    if len(unmapped):
        st.markdown("**Not on the map** (no coordinates; import a region file to place them): "
                    + ", ".join(plain(n) for n in unmapped["region_name"]))
    rows = pd.concat([mapped, unmapped]).sort_values("lq", ascending=False, na_position="last")
    st.markdown(f"**{len(rows)} regions**, highest location quotient first")
    data_table(rows, key="map", filename=f"{dataset_code}_{cluster_code}_{year}.csv", ds=ds, height=420,
          columns=["region_code", "region_name", "cluster_name", "year", "employment", "establishments", "lq",
                   "national_share_pct", "is_strong", "is_strong_top10", "cagr_pct", "avg_wage", "withheld_cells"])


def region_profile_view(store: Store, v: StatsView) -> None:
    """One region's clusters: strength, portfolio chart, ranked clusters, specialisation over time."""
    ind, ds, dataset_code, year, base_year, region_names, presenting = (
        v.ind, v.ds, v.dataset_code, v.year, v.base_year, v.region_names, v.presenting)
    c1, c2 = st.columns([2, 3])
    with c1:
        region = choose_region(v, "stats_region")
    strength = queries.stats_region_strength(store, dataset_code, year=year).set_index("region_code")
    port = analysis.region_portfolio(ind, region, year)
    name = region_names.get(region, region)
    with c2:
        m = st.columns(3)
        if region in strength.index:
            s = strength.loc[region]
            m[0].metric("Traded employment", chart.fmt_int(s["traded_employment"]))
            m[1].metric("Strong clusters", int(s["strong_clusters"]))
            m[2].metric("Cluster strength", f"{s['cluster_strength_pct']:.1f} %" if pd.notna(s["cluster_strength_pct"]) else "–",
                        help="Share of the region's traded employment in its strong clusters")
    if port.empty:
        st.info(f"{plain(name)} has no cluster employment in {year}.")
        return
    source = analysis.citation(ds)
    st.plotly_chart(chart.portfolio_chart(port, region_name=name, year=year, base_year=base_year, source=source,
                                          large=presenting), width="stretch", key="stats_portfolio")
    st.caption("Traded clusters; bubble area = employment. Right of the dashed line: more specialised than the "
               "nation; above zero: growing. Diamonds: in one of the two years, 5 % or more of the cluster's "
               "establishments are in cells the source withheld, so its employment is undercounted there and its "
               "growth is distorted.")
    with st.expander("Data of the portfolio chart"):
        data_table(port[port["cluster_type"] != "local"], key="portfolio", filename=f"{dataset_code}_{region}_{year}_portfolio.csv",
              ds=ds, columns=["cluster_code", "cluster_name", "lq", "cagr_pct", "employment", "is_strong",
                              "withheld_cells", "withheld_establishments_pct", "base_year_withheld_cells",
                              "base_year_withheld_establishments_pct"])
    st.subheader("Ranked clusters")
    rank_by = st.segmented_control(
        "Rank by", ["employment", "lq", "national_share_pct", "cagr_pct", "job_creation_relative"],
        default="employment", key="stats_rank_by", format_func=lambda c: analysis.LABELS[c]) or "employment"
    traded_only = st.toggle("Traded clusters only", value=True, key="stats_traded_only")
    ranked = analysis.rank_clusters(port, rank_by, traded_only=traded_only)
    data_table(ranked, key="ranked", filename=f"{dataset_code}_{region}_{year}_ranked.csv", ds=ds, height=460,
          columns=["rank", "cluster_code", "cluster_name", "cluster_type", "employment", "establishments", "lq",
                   "national_share_pct", "is_strong", "cagr_pct", "national_share_change_pp", "job_creation_relative",
                   "avg_wage", "avg_firm_size"])
    st.subheader("Specialisation over time")
    trend = analysis.specialisation_trend(ind, region, top_n=8, year=year)
    st.plotly_chart(chart.trend_chart(trend, region_name=name, source=source, large=presenting), width="stretch",
                    key="stats_trend")
    with st.expander("Data of the trend chart"):
        data_table(trend, key="trend", filename=f"{dataset_code}_{region}_trend.csv", ds=ds,
              columns=["cluster_code", "cluster_name", "year", "lq", "employment", "is_strong"])


def compare_view(store: Store, v: StatsView) -> None:
    """Up to MAX_COMPARE regions side by side: heatmap of a measure and cluster strength."""
    ind, regions, ds, dataset_code, year, region_names, presenting = (
        v.ind, v.regions, v.ds, v.dataset_code, v.year, v.region_names, v.presenting)
    options = regions["region_code"].tolist()
    wanted = [c for c in (st.query_params.get("compare") or "").split(",") if c in options]
    if not wanted:
        strength_all = queries.stats_region_strength(store, dataset_code, year=year)
        wanted = strength_all.sort_values("traded_employment", ascending=False)["region_code"].head(5).tolist()
    c1, c2 = st.columns([3, 1])
    chosen = c1.multiselect(f"Regions (up to {analysis.MAX_COMPARE})", options, default=wanted[: analysis.MAX_COMPARE],
                            max_selections=analysis.MAX_COMPARE, key="stats_compare",
                            format_func=lambda c: region_names.get(c, c))
    measure = c2.selectbox("Measure", ["lq", "employment", "national_share_pct", "cagr_pct", "avg_wage"],
                           format_func=lambda c: chart.MEASURE_TITLES[c], key="stats_measure")
    remember("compare", ",".join(chosen) if chosen else None)
    if not chosen:
        st.info("Choose one or more regions to compare.")
        return
    source = analysis.citation(ds)
    cmp_ = analysis.compare_regions(ind, chosen, year, measure=measure, top_n=15)
    st.plotly_chart(chart.compare_heatmap(cmp_, measure=measure, year=year, source=source, large=presenting),
                    width="stretch", key="stats_heatmap")
    st.caption("The 15 traded clusters with the most employment across the chosen regions.")
    with st.expander("Data of the heatmap"):
        data_table(cmp_, key="compare", filename=f"{dataset_code}_{year}_compare.csv", ds=ds,
              columns=list(dict.fromkeys(["region_code", "region_name", "cluster_code", "cluster_name", "year", measure,
                                          "employment", "is_strong"])))
    strength = queries.stats_region_strength(store, dataset_code, year=year)
    summary = analysis.compare_summary(ind, strength, chosen, year)
    st.plotly_chart(chart.strength_bars(summary, year=year, source=source, large=presenting), width="stretch",
                    key="stats_strength")
    data_table(summary, key="compare_summary", filename=f"{dataset_code}_{year}_cluster_strength.csv", ds=ds,
          columns=["region_code", "region_name", "year", "traded_employment", "strong_clusters", "strong_employment",
                   "cluster_strength_pct", "top_strong_cluster"])


def related_view(store: Store, v: StatsView) -> None:
    """A region's strong clusters and its diversification opportunities (strongly related clusters)."""
    ind, ds, dataset_code, year, region_names = v.ind, v.ds, v.dataset_code, v.year, v.region_names
    rel = queries.stats_relatedness(store, dataset_code)
    if rel.empty:
        st.info("No cluster relatedness was imported with this dataset. Import a relatedness file (for example the "
                "U.S. Cluster Mapping related-clusters file) with the data on the Import statistics page to see each "
                "region's diversification opportunities.", icon=":material/hub:")
        return
    with st.columns([2, 3])[0]:
        region = choose_region(v, "stats_rel_region")
    name = region_names.get(region, region)
    strong = analysis.strong_cluster_list(ind, region, year)
    opp = analysis.diversification_opportunities(ind, rel, region, year)
    st.markdown(f"**{plain(name)}** is strong in **{len(strong)}** clusters in {year}. Clusters *strongly related* "
                "to them in which it is not (yet) strong are its diversification opportunities: related skills, "
                "suppliers and technologies are already there.")
    st.subheader("Diversification opportunities")
    if opp.empty:
        st.info("No cluster is strongly related to this region's strong clusters without being strong already.")
    else:
        data_table(opp, key="opportunities", filename=f"{dataset_code}_{region}_{year}_opportunities.csv", ds=ds,
              relatedness=True, height=420,
              columns=["cluster_code", "cluster_name", "links", "related_strong_clusters", "lq", "employment",
                       "national_share_pct", "cagr_pct"])
    st.subheader(f"Strong clusters of {plain(name)}, {year}")
    data_table(strong.assign(year=year), key="strong", filename=f"{dataset_code}_{region}_{year}_strong.csv", ds=ds,
          columns=["cluster_code", "cluster_name", "lq", "employment", "is_strong_top10"])


def data_view(store: Store, v: StatsView) -> None:
    """The dataset: its facts, all indicators as CSV, its regions and clusters."""
    ind, clusters, ds, dataset_code, base_year = v.ind, v.clusters, v.ds, v.dataset_code, v.base_year
    st.subheader(plain(ds["title"]))
    facts = pd.DataFrame([
        ("Source", ds["source"]), ("Cluster definitions", ds["cluster_definition"]),
        ("Cluster relatedness", ds["relatedness_source"] or "not imported"),
        ("Format / classification", f"{ds['format']} / {ds['classification']}"),
        ("Regions", f"{ds['region_count']} ({ds['region_type']})"), ("Years", f"{ds['year_min']}–{ds['year_max']}"),
        ("Employment unit", ds["employment_unit"]), ("Payroll unit", ds["payroll_unit"] or "no payroll"),
        ("Observations", f"{ds['row_count']:,}"), ("Withheld or missing cells", f"{ds['withheld_count']:,}"),
        ("Rejected rows", f"{ds['rejected_count']:,}"), ("Files", ds["files"]),
        ("Imported (UTC)", f"{ds['imported_at']:%Y-%m-%d %H:%M}"),
    ], columns=["item", "value"])
    st.dataframe(facts, hide_index=True, width="stretch", height=(len(facts) + 1) * 35 + 3)
    if ds["notes"]:
        st.text(ds["notes"])
    st.subheader("All indicators")
    st.caption(f"Every region × cluster × year ({len(ind):,} rows), growth since {base_year}: the same layout as "
               "`python -m clusterdash export indicators`.")
    export = analysis.to_export_frame(ind)
    source = analysis.citation(ds)
    download_csv(export, f"{dataset_code}_indicators.csv", source=source,
                    units=analysis.units_line(ds, export.columns), label="Download all indicators (CSV)", key="dl-all")
    st.subheader("Regions")
    reg_all = queries.stats_regions(store, dataset_code, include_national=True)
    data_table(reg_all, key="regions", filename=f"{dataset_code}_regions.csv", ds=ds, height=360,
          columns=["region_code", "region_name", "latitude", "longitude", "coordinate_source", "is_national"])
    st.subheader("Clusters")
    data_table(clusters, key="clusters", filename=f"{dataset_code}_clusters.csv", ds=ds, height=360,
          columns=["cluster_code", "cluster_name", "cluster_type", "industries"])



VIEW_FUNCTIONS = {"Cluster map": cluster_map_view, "Region profile": region_profile_view, "Compare regions": compare_view,
                  "Related clusters": related_view, "Data": data_view}


# ---- the import page ---------------------------------------------------------------------------

FORMAT_LABELS = {
    "cbp": "U.S. County Business Patterns (CSV or Census API JSON)",
    "eurostat": "Eurostat raw TSV (e.g. lfst_r_lfe2en2)",
    "long": "Generic long CSV (your own regional statistics)",
}


def file_layouts() -> None:
    """The file formats the importer reads, in words."""
    with st.expander("File layouts", icon=":material/description:"):
        st.markdown(
            """
    **cbp** — County Business Patterns by state × NAICS, either
    * CSV with the columns `year, state_fips, naics, naics_level, estab, emp, payann_k` (payroll in $1,000), or
    * the raw Census API JSON (first row the header `NAICS2017, ESTAB, EMP, PAYANN, state`, optionally
      `NAICS2017_LABEL`; PAYANN in $1,000). It has no year column: give the year below (or keep it in the file name).

    A cell with `emp = 0` and `payann = 0` but establishments is *withheld* by the Census Bureau: it is stored as missing, not zero.

    **eurostat** — the raw TSV as Eurostat publishes it: the first column holds the comma-joined dimensions
    (`unit,nace_r2,age,geo\\time`), then one column per year; values carry flags (`b` break, `u` low reliability,
    `c` confidential, `p` provisional), `:` is missing. One age/sex slice is kept (default `Y_GE15` / `T`); thousands of persons become persons.

    **long** — a CSV with `region_code, region_name, industry_code, year, employment` and optionally
    `establishments, payroll, industry_name, industry_level`. An empty employment cell is missing.

    **Crosswalk** (optional) — `industry_code` (or `naics`), `cluster_code`, `cluster_name` (or `cluster`) and
    `cluster_type` (or `traded_local`: traded/local). Industries are matched exactly or by their longest code
    prefix. Without a crosswalk, clusters are the classification's own 2/3-digit groups.

    **Region file** (optional) — `region_code, region_name[, latitude, longitude]`. U.S. states are built in.

    **Relatedness** (optional) — the U.S. Cluster Mapping related-clusters file (`clustera, clusterb, cr_all_pc,
    rel_all_90_v3, rel_i20_all_min_90_v3`; strongly related when `cr_all_pc ≥ 90` and both `rel_*` are non-zero)
    or a plain `cluster_code, related_cluster_code` list.
    """
        )


def request(flag: str) -> None:
    """Button callback: remember the request; the page acts on it in its next run."""
    ss[flag] = True


def progress_bar():
    bar = st.progress(0.0, text="Starting…")
    return bar, (lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))


def show_summary(summary) -> None:
    with st.container(border=True):
        st.success(f"Imported {plain(summary.title)} ({plain(summary.dataset_code)}) in {summary.seconds:.1f} s.",
                   icon=":material/check_circle:")
        st.text("\n".join(summary.lines()))
        if summary.rejected_count:
            download_csv(summary.rejected, f"{summary.dataset_code}_rejected_rows.csv",
                            source=f"rows of the imported file(s) not used, with the reason ({summary.dataset_code})",
                            label=f"Download the {summary.rejected_count:,} rejected rows (CSV)", key="dl-rejected-last")
        shell.page_link("regional_stats", label="Open the regional statistics")


def import_form(store: Store) -> None:
    """Format, files, names and options of a new import; the import itself (all or nothing) and
    the demonstration dataset. Writes are checked at the moment of writing."""
    st.subheader("New import")
    fmt = st.radio("Format", FORMATS, format_func=FORMAT_LABELS.get, key="imp_format", horizontal=False)
    data_files = st.file_uploader("Data file(s)", type=["csv", "json", "tsv", "txt"], accept_multiple_files=True,
                                  key=f"imp_files_{fmt}",
                                  help="Several files of the same format make one dataset (e.g. one Census API file per year)")
    c1, c2 = st.columns(2)
    dataset_code = c1.text_input("Dataset name", key="imp_name", placeholder="e.g. us_cbp_2017_2021",
                                 help="Letters, digits, '-', '_' or '.'; empty: <format>_<first year>_<last year>")
    title = c2.text_input("Title", key="imp_title", placeholder="e.g. Manufacturing employment, Upper Austria")
    source = st.text_input(
        "Source of the figures (publisher)", key="imp_source",
        placeholder={"cbp": "default: U.S. Census Bureau, County Business Patterns <years>",
                     "eurostat": "default: Eurostat, <dataset code> <years>",
                     "long": "e.g. Statistics Austria, regional employment survey 2022"}[fmt],
        help="Shown under every table and chart of this dataset")
    opts: dict = {}
    if fmt == "cbp":
        y = st.number_input("Year of a Census API JSON file (its response has no year column)", min_value=1986,
                            max_value=2100, value=None, step=1, key="imp_year")
        opts["year"] = int(y) if y else None
    elif fmt == "eurostat":
        e1, e2, e3, e4 = st.columns(4)
        age = e1.text_input("Age", value="Y_GE15", key="imp_age")
        sex = e2.text_input("Sex (if the file has it)", value="T", key="imp_sex")
        level = e3.selectbox("NUTS level of the regions", [2, 1, 0, 3], key="imp_nuts")
        national = e4.text_input("National benchmark (optional)", key="imp_national_eu", placeholder="e.g. EU28")
        opts.update(eurostat_slice={k: v.strip() for k, v in (("age", age), ("sex", sex)) if v.strip()},
                    region_level=int(level), national_region=national.strip() or None)
    else:
        l1, l2, l3 = st.columns(3)
        opts["employment_unit"] = l1.text_input("Employment unit", value="persons", key="imp_emp_unit") or None
        opts["payroll_unit"] = l2.text_input("Payroll unit (if given)", key="imp_pay_unit", placeholder="e.g. EUR thousands") or None
        opts["national_region"] = l3.text_input("Region code holding national totals (optional)", key="imp_national") or None
    with st.expander("Optional: crosswalk, regions, relatedness", expanded=False, icon=":material/add_link:"):
        cw = st.file_uploader("Industry → cluster crosswalk (CSV)", type=["csv"], key="imp_cw")
        cw_source = st.text_input("Citation of the crosswalk", key="imp_cw_source",
                                  placeholder="e.g. Delgado, Porter & Stern (2016)")
        reg = st.file_uploader("Region file (CSV: region_code, region_name, latitude, longitude)", type=["csv"], key="imp_reg")
        rel = st.file_uploader("Cluster relatedness (CSV)", type=["csv"], key="imp_rel")
        rel_source = st.text_input("Citation of the relatedness file", key="imp_rel_source",
                                   placeholder="e.g. U.S. Cluster Mapping, Harvard Business School")
    replace = st.checkbox("Replace a dataset of the same name", key="imp_replace")
    st.button("Import", type="primary", icon=":material/upload:", key="imp_go", disabled=not data_files,
              on_click=request, args=("imp_go_requested",))
    # (the request flag survives a rerun that would drop a plain button click)
    if ss.pop("imp_go_requested", False) and data_files and shell.allowed():
        spec = ImportSpec(
            format=fmt, files=[SourceFile(f.name, f.getvalue()) for f in data_files],
            dataset_code=dataset_code.strip() or None, title=title.strip() or None, source=source.strip() or None,
            crosswalk=SourceFile(cw.name, cw.getvalue()) if cw else None, crosswalk_source=cw_source.strip() or None,
            regions=SourceFile(reg.name, reg.getvalue()) if reg else None,
            related=SourceFile(rel.name, rel.getvalue()) if rel else None, related_source=rel_source.strip() or None,
            replace=replace, **opts,
        )
        bar, report = progress_bar()
        try:
            ss["imp_last"] = queries.import_stats(store, spec, report)
        except UserError as exc:
            bar.empty()
            ss.pop("imp_last", None)
            show_error(exc)
        else:
            bar.empty()
    if ss.get("imp_last") is not None:
        show_summary(ss["imp_last"])

    if queries.stats_demo_available():
        with st.container(border=True):
            st.markdown("**Demo data**: U.S. County Business Patterns 2017–2021 (50 states) with the U.S. Cluster Mapping "
                        "cluster definitions and related clusters, from `../shared/data` (read there, not copied).")
            st.button("Load U.S. County Business Patterns 2017–2021 from ../shared/data", key="imp_demo",
                      icon=":material/download:", on_click=request, args=("imp_demo_requested",))
            if ss.pop("imp_demo_requested", False) and shell.allowed():
                bar, report = progress_bar()
                try:
                    ss["imp_last"] = queries.load_stats_demo(store, report)
                except UserError as exc:
                    bar.empty()
                    show_error(exc)
                else:
                    bar.empty()
                    st.rerun()


def datasets_section(store: Store) -> None:
    """The datasets in the store, their rejected rows, deleting one."""
    st.subheader("Datasets in the store")
    datasets = queries.stats_datasets(store)
    if datasets.empty:
        st.info("No statistics imported yet.")
    else:
        shown = datasets[["dataset_code", "title", "format", "region_count", "year_min", "year_max", "row_count",
                          "withheld_count", "rejected_count", "source", "cluster_definition", "imported_at"]]
        st.dataframe(shown, hide_index=True, width="stretch", key="imp_datasets", column_config={
            "dataset_code": "Dataset", "title": "Title", "format": "Format", "region_count": "Regions",
            "year_min": st.column_config.NumberColumn("From", format="%d"),
            "year_max": st.column_config.NumberColumn("To", format="%d"),
            "row_count": st.column_config.NumberColumn("Observations", format="localized"),
            "withheld_count": st.column_config.NumberColumn("Withheld cells", format="localized"),
            "rejected_count": st.column_config.NumberColumn("Rejected rows", format="localized"),
            "source": "Source", "cluster_definition": "Cluster definitions", "imported_at": "Imported (UTC)"})
        download_csv(shown, "clusterdash_stats_datasets.csv", source="ClusterDash store: imported statistics datasets",
                        key="dl-datasets")
        code = st.selectbox("Dataset", datasets["dataset_code"].tolist(), key="imp_manage")
        rejected = queries.stats_rejected_rows(store, code)
        if len(rejected):
            download_csv(rejected, f"{code}_rejected_rows.csv", source=f"rows of the imported file(s) not used ({code})",
                            label=f"Download the {len(rejected):,} rejected rows of {code} (CSV)", key="dl-rejected")
        else:
            st.caption("No rows of this dataset were rejected.")
        if shell.can_edit():
            confirm = st.checkbox(f"Yes, delete {code} and everything imported with it", key="imp_confirm_delete")
            st.button("Delete dataset", icon=":material/delete:", key="imp_delete", disabled=not confirm,
                      on_click=request, args=("imp_delete_requested",))
            if ss.pop("imp_delete_requested", False) and confirm and shell.allowed():
                try:
                    queries.delete_stats_dataset(store, code)
                except UserError as exc:
                    show_error(exc)
                else:
                    ss.pop("imp_last", None)
                    ss.pop("imp_confirm_delete", None)
                    st.rerun()
