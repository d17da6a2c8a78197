import pandas as pd
import streamlit as st

from clusterdash import queries, ui
from clusterdash import stats as analysis  # the public API of clusterdash.stats
from clusterdash.charts import maps
from clusterdash.charts import stats as chart
from clusterdash.errors import UserError

VIEWS = ["Cluster map", "Region profile", "Compare regions", "Related clusters", "Data"]
ss = st.session_state
store = ui.get_store()
presenting = ui.is_presenting()

ui.page_intro(
    "Regional cluster statistics",
    "Where a cluster is concentrated and how strong it is, region by region, with the U.S. Cluster "
    "Mapping Project's measures: location quotients, strong clusters, growth and job creation. "
    "Every table and chart has a CSV download with its units and source.",
)


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


def load_demo() -> None:
    bar = st.progress(0.0, text="Loading U.S. County Business Patterns 2017–2021…")
    try:
        summary = queries.load_stats_demo(store, progress=lambda f, m: bar.progress(min(f, 1.0), text=m))
    except UserError as exc:
        bar.empty()
        ui.show_error(exc)
        return
    bar.empty()
    st.query_params["ds"] = summary.dataset_code
    st.rerun()


def table(df: pd.DataFrame, *, key: str, filename: str, ds: dict, columns: list[str], relatedness: bool = False,
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
    ui.source_line(source, units or None)
    ui.download_csv(shown, filename, source=source, units=units or None, key=f"dl-{key}")


# ---- which dataset -----------------------------------------------------------------------------
datasets = queries.stats_datasets(store)
if datasets.empty:
    with st.container(border=True):
        st.subheader("No statistics imported yet")
        st.markdown(
            "Import regional employment statistics — U.S. County Business Patterns, Eurostat regional tables "
            "or your own CSV — on the **Import statistics** page, optionally with a cluster crosswalk, "
            "region coordinates and cluster relatedness."
        )
        st.page_link("pages/import_stats.py", label="Import statistics", icon=":material/upload_file:")
        if queries.stats_demo_available():
            st.markdown(
                "For a demonstration, load **U.S. County Business Patterns 2017–2021** (50 states) with the "
                "U.S. Cluster Mapping cluster definitions and related clusters from `../shared/data`."
            )
            st.button("Load U.S. County Business Patterns 2017–2021 from ../shared/data", type="primary",
                      icon=":material/download:", key="stats_demo", disabled=not ui.can_edit(),
                      on_click=ss.__setitem__, args=("stats_demo_requested", True))
            if ss.pop("stats_demo_requested", False):
                load_demo()
    st.stop()

codes = datasets["dataset_code"].tolist()
titles = dict(zip(datasets["dataset_code"], datasets["title"]))
view = st.segmented_control("View", VIEWS, default=query_default("view", VIEWS), key="stats_view") or VIEWS[0]
remember("view", view)
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
    st.info(f"No cluster crosswalk was imported with this dataset. {ui.plain(ds['cluster_definition'])}. "
            "Location quotients use all employment as the base.", icon=":material/info:")

ind = queries.stats_indicators(store, dataset_code, base_year=base_year)
regions = queries.stats_regions(store, dataset_code)
clusters = queries.stats_clusters(store, dataset_code)
if ind.empty:
    st.warning("This dataset has no employment in any cluster (check the crosswalk on the Data view).")
    st.stop()
ind_year = ind[ind["year"] == year]
is_us = ds["region_type"] == "U.S. state"
region_names = dict(zip(regions["region_code"], regions["region_name"]))


def choose_region(key: str) -> str:
    options = regions["region_code"].tolist()
    default = query_default("region", options, options[0])
    code = st.selectbox(ds["region_type"][:1].upper() + ds["region_type"][1:], options, index=options.index(default),
                        format_func=lambda c: f"{region_names.get(c, c)} ({c})", key=key)
    remember("region", code)
    return code


# ---- views ---------------------------------------------------------------------------------------
if view == "Cluster map":
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
    st.subheader(f"{ui.plain(names.get(cluster_code, cluster_code))}, {year}")
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
    ui.source_line(analysis.citation(ds) + "; " + maps.BASE_SOURCE
                   + ("; state outlines: " + chart.US_STATES_OUTLINE_SOURCE if is_us else ""))
    if len(unmapped):
        st.markdown("**Not on the map** (no coordinates; import a region file to place them): "
                    + ", ".join(ui.plain(n) for n in unmapped["region_name"]))
    rows = pd.concat([mapped, unmapped]).sort_values("lq", ascending=False, na_position="last")
    st.markdown(f"**{len(rows)} regions**, highest location quotient first")
    table(rows, key="map", filename=f"{dataset_code}_{cluster_code}_{year}.csv", ds=ds, height=420,
          columns=["region_code", "region_name", "cluster_name", "year", "employment", "establishments", "lq",
                   "national_share_pct", "is_strong", "is_strong_top10", "cagr_pct", "avg_wage", "withheld_cells"])

elif view == "Region profile":
    c1, c2 = st.columns([2, 3])
    with c1:
        region = choose_region("stats_region")
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
        st.info(f"{ui.plain(name)} has no cluster employment in {year}.")
        st.stop()
    source = analysis.citation(ds)
    st.plotly_chart(chart.portfolio_chart(port, region_name=name, year=year, base_year=base_year, source=source,
                                          large=presenting), width="stretch", key="stats_portfolio")
    st.caption("Traded clusters; bubble area = employment. Right of the dashed line: more specialised than the "
               "nation; above zero: growing. Diamonds: in one of the two years, 5 % or more of the cluster's "
               "establishments are in cells the source withheld, so its employment is undercounted there and its "
               "growth is distorted.")
    with st.expander("Data of the portfolio chart"):
        table(port[port["cluster_type"] != "local"], key="portfolio", filename=f"{dataset_code}_{region}_{year}_portfolio.csv",
              ds=ds, columns=["cluster_code", "cluster_name", "lq", "cagr_pct", "employment", "is_strong",
                              "withheld_cells", "withheld_establishments_pct", "base_year_withheld_cells",
                              "base_year_withheld_establishments_pct"])
    st.subheader("Ranked clusters")
    rank_by = st.segmented_control(
        "Rank by", ["employment", "lq", "national_share_pct", "cagr_pct", "job_creation_relative"],
        default="employment", key="stats_rank_by", format_func=lambda c: analysis.LABELS[c]) or "employment"
    traded_only = st.toggle("Traded clusters only", value=True, key="stats_traded_only")
    ranked = analysis.rank_clusters(port, rank_by, traded_only=traded_only)
    table(ranked, key="ranked", filename=f"{dataset_code}_{region}_{year}_ranked.csv", ds=ds, height=460,
          columns=["rank", "cluster_code", "cluster_name", "cluster_type", "employment", "establishments", "lq",
                   "national_share_pct", "is_strong", "cagr_pct", "national_share_change_pp", "job_creation_relative",
                   "avg_wage", "avg_firm_size"])
    st.subheader("Specialisation over time")
    trend = analysis.specialisation_trend(ind, region, top_n=8, year=year)
    st.plotly_chart(chart.trend_chart(trend, region_name=name, source=source, large=presenting), width="stretch",
                    key="stats_trend")
    with st.expander("Data of the trend chart"):
        table(trend, key="trend", filename=f"{dataset_code}_{region}_trend.csv", ds=ds,
              columns=["cluster_code", "cluster_name", "year", "lq", "employment", "is_strong"])

elif view == "Compare regions":
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
        st.stop()
    source = analysis.citation(ds)
    cmp_ = analysis.compare_regions(ind, chosen, year, measure=measure, top_n=15)
    st.plotly_chart(chart.compare_heatmap(cmp_, measure=measure, year=year, source=source, large=presenting),
                    width="stretch", key="stats_heatmap")
    st.caption("The 15 traded clusters with the most employment across the chosen regions.")
    with st.expander("Data of the heatmap"):
        table(cmp_, key="compare", filename=f"{dataset_code}_{year}_compare.csv", ds=ds,
              columns=list(dict.fromkeys(["region_code", "region_name", "cluster_code", "cluster_name", "year", measure,
                                          "employment", "is_strong"])))
    strength = queries.stats_region_strength(store, dataset_code, year=year)
    summary = analysis.compare_summary(ind, strength, chosen, year)
    st.plotly_chart(chart.strength_bars(summary, year=year, source=source, large=presenting), width="stretch",
                    key="stats_strength")
    table(summary, key="compare_summary", filename=f"{dataset_code}_{year}_cluster_strength.csv", ds=ds,
          columns=["region_code", "region_name", "year", "traded_employment", "strong_clusters", "strong_employment",
                   "cluster_strength_pct", "top_strong_cluster"])

elif view == "Related clusters":
    rel = queries.stats_relatedness(store, dataset_code)
    if rel.empty:
        st.info("No cluster relatedness was imported with this dataset. Import a relatedness file (for example the "
                "U.S. Cluster Mapping related-clusters file) with the data on the Import statistics page to see each "
                "region's diversification opportunities.", icon=":material/hub:")
        st.stop()
    with st.columns([2, 3])[0]:
        region = choose_region("stats_rel_region")
    name = region_names.get(region, region)
    strong = analysis.strong_cluster_list(ind, region, year)
    opp = analysis.diversification_opportunities(ind, rel, region, year)
    st.markdown(f"**{ui.plain(name)}** is strong in **{len(strong)}** clusters in {year}. Clusters *strongly related* "
                "to them in which it is not (yet) strong are its diversification opportunities: related skills, "
                "suppliers and technologies are already there.")
    st.subheader("Diversification opportunities")
    if opp.empty:
        st.info("No cluster is strongly related to this region's strong clusters without being strong already.")
    else:
        table(opp, key="opportunities", filename=f"{dataset_code}_{region}_{year}_opportunities.csv", ds=ds,
              relatedness=True, height=420,
              columns=["cluster_code", "cluster_name", "links", "related_strong_clusters", "lq", "employment",
                       "national_share_pct", "cagr_pct"])
    st.subheader(f"Strong clusters of {ui.plain(name)}, {year}")
    table(strong.assign(year=year), key="strong", filename=f"{dataset_code}_{region}_{year}_strong.csv", ds=ds,
          columns=["cluster_code", "cluster_name", "lq", "employment", "is_strong_top10"])

else:  # Data
    st.subheader(ui.plain(ds["title"]))
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
    ui.download_csv(export, f"{dataset_code}_indicators.csv", source=source,
                    units=analysis.units_line(ds, export.columns), label="Download all indicators (CSV)", key="dl-all")
    st.subheader("Regions")
    reg_all = queries.stats_regions(store, dataset_code, include_national=True)
    table(reg_all, key="regions", filename=f"{dataset_code}_regions.csv", ds=ds, height=360,
          columns=["region_code", "region_name", "latitude", "longitude", "coordinate_source", "is_national"])
    st.subheader("Clusters")
    table(clusters, key="clusters", filename=f"{dataset_code}_clusters.csv", ds=ds, height=360,
          columns=["cluster_code", "cluster_name", "cluster_type", "industries"])
