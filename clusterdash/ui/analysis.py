"""The Cluster analysis pages (issue #12): cluster profile, region × cluster with its drill-down,
shift-share, economic structure, wages, counties and economic areas, clusters from your data.

Each page body is one function here (the page files in pages/ only call it). Every figure comes
with its source line and every table with a CSV of exactly what is shown (through
:func:`clusterdash.ui.statistics.data_table`); the choices (dataset, years, benchmark, region,
cluster) are kept in the URL, as on the regional statistics page. Groups are named in the
dataset's own terms: "NAICS subsectors" without a crosswalk, "traded clusters" with one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from clusterdash import queries, stats
from clusterdash.charts import analysis as chart
from clusterdash.charts import maps
from clusterdash.charts import stats as stats_chart
from clusterdash.errors import UserError
from clusterdash.store import Store
from clusterdash.ui import shell
from clusterdash.ui import statistics as stats_ui
from clusterdash.ui.output import download_csv, plain, show_error, show_table, source_line

query_default, remember = stats_ui.query_default, stats_ui.remember
ss = st.session_state

# columns rounded before they are shown (and written to the CSV, which is the same frame)
JOBS = ("national_growth_effect", "industry_mix_effect", "regional_shift_effect", "competitive_effect",
        "allocation_effect", "homothetic_employment", "base_year_employment", "change_not_decomposed",
        "national_avg_wage", "base_year_avg_wage", "traded_avg_wage", "national_traded_avg_wage",
        "candidate_employment", "national_employment", "payroll")
PCT = ("national_growth_pct", "industry_mix_pct", "regional_shift_pct", "cluster_national_growth_pct",
       "region_cluster_growth_pct", "wage_premium_pct", "wage_cagr_pct", "national_wage_cagr_pct",
       "traded_wage_premium_pct", "top5_share_pct", "employment_index", "national_employment_index",
       "share_in_main_pct")
INDEX = ("hhi", "shannon_entropy", "related_variety", "unrelated_variety", "krugman_index", "within_corr",
         "between_corr", "silhouette", "strength")


@dataclass
class Analysis(stats_ui.DatasetView):
    """The dataset an analysis page works on (a :class:`ui.statistics.DatasetView`) and its LQ benchmark."""

    benchmark: str

    @property
    def is_county(self) -> bool:
        return stats.is_county_type(self.ds["region_type"])


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def rounded(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if c in JOBS:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float).round(0)
        elif c in PCT:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float).round(2)
        elif c in INDEX:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float).round(3)
        elif c.startswith("is_") and out[c].dtype == object:  # flags with gaps (a level without one)
            out[c] = out[c].astype("boolean")
    return out


def table(a: Analysis, df: pd.DataFrame, *, key: str, filename: str, columns: list[str], method: str | None = None,
          height: int | None = None) -> None:
    """The table of exactly ``columns`` with its source line (the dataset's, plus what ClusterDash
    computed: ``method``) and its CSV (the same rows, columns and rounding)."""
    shown = rounded(df[[c for c in columns if c in df.columns]])
    ds = a.ds if not method else {**a.ds, "cluster_definition": f"{a.ds['cluster_definition']}; {method}"}
    stats_ui.data_table(shown, key=key, filename=filename, ds=ds, columns=list(shown.columns), height=height,
                        benchmark=a.benchmark, is_establishments_in_source=a.is_establishments_in_source, labels=a.labels)


def sourced(a: Analysis, method: str | None = None) -> str:
    """The source line of a figure: the dataset's, plus what ClusterDash computed."""
    return a.source + (f"; {method}" if method else "")


def figure(fig, key: str) -> None:
    st.plotly_chart(fig, width="stretch", key=key)


# ---- the choices -------------------------------------------------------------------------------

def choose_dataset(store: Store, *, key: str, region_types: tuple[str, ...] | None = None,
                   column=None) -> Analysis | None:
    """Dataset and LQ benchmark (kept in the URL); None with a note when there is none to show."""
    datasets = queries.stats_datasets(store)
    if region_types is not None:
        datasets = datasets[datasets["region_type"].isin(region_types)]
    if datasets.empty:
        if region_types is None:
            stats_ui.no_data(store)
        return None
    codes = datasets["dataset_code"].tolist()
    titles = dict(zip(datasets["dataset_code"], datasets["title"]))
    box = column or st
    code = box.selectbox("Dataset", codes, index=codes.index(query_default("ds", codes)), key=f"{key}_ds",
                         format_func=lambda c: f"{titles[c]} ({c})")
    remember("ds", code)
    ds = queries.stats_dataset(store, code)
    profile = queries.stats_dataset_profile(store, code)
    clusters = queries.stats_clusters(store, code)
    if clusters.empty:
        st.warning("This dataset has no employment in any group (check its crosswalk on the Import statistics page).")
        return None
    options = stats.benchmark_options(ds, profile)
    benchmark = options[0]
    if len(options) > 1:
        benchmark = st.selectbox("LQ benchmark", options, index=options.index(query_default("bench", options)),
                                 key=f"{key}_bench_{code}", format_func=lambda b: stats.BENCHMARK_NAMES[b] + (
                                     " (default)" if b == options[0] else ""),
                                 help="What location quotients, shares and growth compare with")
        remember("bench", benchmark)
    a = Analysis(ds=ds, profile=profile, dataset_code=code, regions=queries.stats_regions(store, code),
                 clusters=clusters, presenting=shell.is_presenting(), benchmark=benchmark)
    if not ds["has_crosswalk"] and not a.traded:
        st.caption(f"The groups are **{plain(a.term)}**, the classification's own (no cluster crosswalk is attached; "
                   "attach one on the Import statistics page).")
    return a


def choose_year(a: Analysis, column, *, key: str, label: str = "Year", default=None, years=None) -> int:
    years = years or a.years
    fallback = default if default in years else years[-1]
    y = column.selectbox(label, years[::-1], index=years[::-1].index(query_default(key, years, fallback)),
                         key=f"an_{key}_{a.dataset_code}")
    remember(key, y)
    return int(y)


def choose_region(a: Analysis, column, *, key: str = "an_region", default=None) -> str:
    options = a.regions["region_code"].tolist()
    code = column.selectbox(cap(a.ds["region_type"]), options, format_func=a.region_label, key=f"{key}_{a.dataset_code}",
                            index=options.index(query_default("region", options, default or options[0])))
    remember("region", code)
    return code


def choose_cluster(a: Analysis, column, ind_year: pd.DataFrame, *, key: str = "an_cluster") -> str:
    by_emp = ind_year.groupby("cluster_code")["employment"].sum()
    cl = a.clusters.assign(_e=a.clusters["cluster_code"].map(by_emp).fillna(0))
    if (cl["cluster_type"] == "traded").any():
        cl = cl[cl["cluster_type"] != "local"]
    options = cl.sort_values("cluster_name")["cluster_code"].tolist()
    default = cl.sort_values("_e", ascending=False)["cluster_code"].iloc[0]
    names = a.cluster_names
    code = column.selectbox(cap(a.term_singular), options, index=options.index(query_default("cluster", options, default)),
                            format_func=lambda c: str(names.get(c, c)), key=f"{key}_{a.dataset_code}")
    remember("cluster", code)
    return code


def explain(texts: dict, keys) -> None:
    """One sentence per measure, under its name (the sentence's own leading name dropped)."""
    lines = []
    for k in keys:
        name, text = stats_ui.column_label(k), texts[k]
        if text.lower().startswith(name.lower() + ":"):
            text = text[len(name) + 1:].strip()
            text = text[:1].upper() + text[1:]
        lines.append(f"- **{plain(name)}** — {plain(text)}")
    st.markdown("\n".join(lines))


# ---- maps ------------------------------------------------------------------------------------------

def legend(a: Analysis) -> None:
    """The LQ colour classes of the maps (constants only: no user text in the markup)."""
    import html

    size = 17 if a.presenting else 14
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:14px;white-space:nowrap">'
        f'<span style="width:{size}px;height:{size}px;border-radius:3px;background:{i["color"]};display:inline-block;'
        f'margin-right:6px;box-shadow:0 0 0 1px #c7ccd4"></span>{html.escape(i["label"])}</span>'
        for i in stats_chart.lq_legend(a.benchmark))
    st.markdown(f'<div data-testid="analysis-map-legend" style="font-size:{size + 1}px;line-height:2">'
                f'<b>{html.escape(stats_chart.lq_legend_title(a.benchmark))}</b><br>{items}</div>',
                unsafe_allow_html=True)


def cluster_map(a: Analysis, ind: pd.DataFrame, cluster_code: str, year: int, *, key: str) -> None:
    """One cluster across the dataset's regions: counties or economic areas filled (offline
    shapes), U.S. states as bubbles, NUTS regions at their country's position."""
    basemap = maps.basemap_setting()
    height = stats_chart.MAP_HEIGHT_LARGE_PX if a.presenting else stats_chart.MAP_HEIGHT_PX
    src = a.source + "; " + maps.BASE_SOURCE
    ranking = stats.cluster_ranking(ind, cluster_code, year)
    if a.is_county:
        is_ea = a.ds["region_type"] == stats.REGION_TYPE_EA
        deck = chart.county_map(stats.county_features(), ranking, borders=stats.ea_boundaries() if is_ea else None,
                                county_to_region=stats.ea_of_county() if is_ea else None, points=a.regions,
                                large=a.presenting, basemap=basemap)
        what = "economic areas (drawn as their counties, EA borders dark)" if is_ea else "counties"
        st.pydeck_chart(deck, height=height, key=f"{key}_county_{a.dataset_code}",
                        alt=f"Map: the {what} coloured by location quotient; grey: no data")
        src += "; " + stats.COUNTY_BOUNDARIES_SOURCE + ("; " + stats.EA_SOURCE if is_ea else "")
    elif a.at_country_position:  # NUTS regions: only their country's position is known
        countries, _ = stats.country_map_frame(ind, a.regions, cluster_code, year)
        deck = stats_chart.country_cluster_map(countries, large=a.presenting, basemap=basemap, benchmark=a.benchmark,
                                               employment_unit=a.ds["employment_unit"])
        st.pydeck_chart(deck, height=height, key=f"{key}_country_{a.dataset_code}",
                        alt="Map: one bubble per country at the country's position, coloured by its LQ")
        st.caption(stats_chart.COUNTRY_POSITION_NOTE)
    else:
        mapped, _ = stats.cluster_map_frame(ind, a.regions, cluster_code, year)
        us = a.ds["region_type"] == "U.S. state"
        deck = stats_chart.cluster_map(mapped, us_states=us, large=a.presenting, basemap=basemap, benchmark=a.benchmark)
        st.pydeck_chart(deck, height=height, key=f"{key}_bubbles_{a.dataset_code}",
                        alt="Map: the regions as bubbles sized by employment, coloured by location quotient")
        if us:
            src += "; state outlines: " + stats_chart.US_STATES_OUTLINE_SOURCE
    legend(a)
    source_line(src)


# ---- cluster profile ---------------------------------------------------------------------------------

def cluster_profile_page(store: Store) -> None:
    """Where in the nation one cluster is strong: map, ranking, trend, related clusters."""
    top = st.columns([3, 1, 3])
    a = choose_dataset(store, key="an_prof", column=top[0])
    if a is None:
        return
    year = choose_year(a, top[1], key="year")
    ind = queries.stats_indicators(store, a.dataset_code, benchmark=a.benchmark)
    code = choose_cluster(a, top[2], ind[ind["year"] == year])
    name = a.cluster_names.get(code, code)
    ranking = stats.cluster_ranking(ind, code, year)
    m = st.columns(3)
    m[0].metric("Employment, all regions", stats_chart.fmt_int(ranking["employment"].sum()))
    m[1].metric("Strong in", f"{int(ranking['is_strong'].sum())} of {len(ranking)} regions")
    m[2].metric("Highest LQ", stats_chart.fmt_num(ranking["lq"].max()) if len(ranking) else "–",
                help=plain(a.region_label(ranking["region_code"].iloc[0])) if len(ranking) else None)
    st.subheader(f"{plain(name)}, {year}")
    cluster_map(a, ind, code, year, key="an_prof_map")
    figure(chart.ranking_chart(ranking, cluster_name=name, year=year, source=a.source, large=a.presenting),
           "an_prof_ranking")
    table(a, ranking, key="an_prof_rank", filename=f"{a.dataset_code}_{code}_{year}_regions.csv", height=360,
          columns=["rank", "region_code", "region_name", "employment", "lq", "national_share_pct", "establishments",
                   "avg_wage", "is_strong", "is_strong_top10", "cagr_pct", "is_growth_distorted"])
    st.subheader("Over the years")
    trend = stats.cluster_trend(ind, code)
    figure(chart.trend_chart(trend, cluster_name=name, source=a.source, large=a.presenting), "an_prof_trend")
    with st.expander("Data of the trend chart"):
        table(a, trend, key="an_prof_trend", filename=f"{a.dataset_code}_{code}_trend.csv", columns=list(trend.columns))
    st.subheader(f"Related {plain(a.term.removeprefix('traded '))}")
    rel = queries.stats_relatedness(store, a.dataset_code)
    nodes, edges = stats.related_clusters(ind, rel, code, year)
    basis = "the imported cluster relatedness" if len(rel) else (
        "ClusterDash's co-location measure: the correlation of the two groups' LQs across the regions "
        f"in {year} (no relatedness file is attached)")
    st.caption(f"Links: {plain(basis)}. Orange: links of {plain(name)} (thicker = closer); grey: strong links among "
               "the others. Bubble area = employment.")
    method = None if len(rel) else "related groups: " + stats.COLOCATION_BASIS
    src = stats.citation(a.ds, relatedness=bool(len(rel))) + (f"; {method}" if method else "")
    figure(chart.network_chart(nodes, edges, source=src, large=a.presenting, term=a.term.removeprefix("traded ")),
           "an_prof_network")
    names = a.cluster_names
    links = edges.assign(cluster_name=edges["cluster_code"].map(names),
                         related_cluster_name=edges["related_cluster_code"].map(names))
    with st.expander("Data of the network"):
        table(a, links, key="an_prof_links", filename=f"{a.dataset_code}_{code}_{year}_related.csv", method=method,
              columns=["cluster_code", "cluster_name", "related_cluster_code", "related_cluster_name", "strength",
                       "basis"])


# ---- region × cluster ------------------------------------------------------------------------------

def region_cluster_page(store: Store) -> None:
    """One cluster in one region over the years against the benchmark, and its drill-down."""
    top = st.columns([3, 1, 2, 3])
    a = choose_dataset(store, key="an_rc", column=top[0])
    if a is None:
        return
    year = choose_year(a, top[1], key="year")
    ind = queries.stats_indicators(store, a.dataset_code, benchmark=a.benchmark)
    region = choose_region(a, top[2])
    code = choose_cluster(a, top[3], ind[(ind["year"] == year) & (ind["region_code"] == region)])
    rname, cname = a.region_names.get(region, region), a.cluster_names.get(code, code)
    wage_rows = queries.analysis_wages(store, a.dataset_code, benchmark=a.benchmark) if a.ds["payroll_unit"] else None
    series = stats.region_cluster_series(ind, wage_rows, region, code)
    now = series[series["year"] == year]
    m = st.columns(4)
    if len(now):
        r = now.iloc[0]
        m[0].metric("Employment", stats_chart.fmt_int(r["employment"]))
        m[1].metric("Establishments", stats_chart.fmt_int(r["establishments"]) if a.is_establishments_in_source
                     else stats.NOT_IN_SOURCE)
        m[2].metric(stats.lq_label(a.benchmark), stats_chart.fmt_num(r["lq"]))
        m[3].metric("Average wage", stats_chart.fmt_int(r["avg_wage"]) if pd.notna(r["avg_wage"]) else "–",
                    help=stats.wage_unit(a.ds) or "no payroll in this dataset")
    if series["employment"].fillna(0).sum() == 0:
        st.info(f"{plain(rname)} has no published employment in {plain(cname)}.")
        return
    st.subheader(f"{plain(cname)} in {plain(rname)}")
    figure(chart.region_vs_nation_chart(series, region_name=rname, cluster_name=cname, source=a.source,
                                        large=a.presenting), "an_rc_index")
    c1, c2 = st.columns(2)
    with c1:
        figure(chart.series_chart(series, "lq", benchmark_column=None, title=f"{stats.lq_label(a.benchmark)} over the years",
                                  source=a.source, large=a.presenting), "an_rc_lq")
    with c2:
        if series["avg_wage"].notna().any():
            figure(chart.series_chart(series, "avg_wage", benchmark_column="national_avg_wage",
                                      title="Average wage, region and benchmark", source=a.source + "; " + (
                                          stats.wage_unit(a.ds) or ""), large=a.presenting), "an_rc_wage")
        else:
            st.info("No wages: the dataset has no payroll.")
    table(a, series, key="an_rc_series", filename=f"{a.dataset_code}_{region}_{code}_series.csv",
          columns=["year", "employment", "establishments", "avg_wage", "national_avg_wage", "lq", "national_share_pct",
                   "national_employment", "employment_index", "national_employment_index", "is_strong",
                   "withheld_cells", "is_growth_distorted"])
    st.subheader(f"Drill-down, {year}")
    dd = queries.analysis_drilldown(store, a.dataset_code, region, code, year, benchmark=a.benchmark)
    subs = (dd["drill_level"] == "subcluster").any()
    st.caption(("Cluster → subclusters → industries" if subs else "Group → industries") + ": employment, LQ and the "
               "cells the source withheld at every level (withheld industries are in the table, not in the chart; "
               f"{dd.attrs.get('industries_absent', 0)} industries of the group have no cell in this region).")
    method = "drill-down computed by ClusterDash (subclusters from the crosswalk or NAICS 4-digit groups)"
    if len(dd) and dd["employment"].fillna(0).sum() > 0:
        figure(chart.drilldown_treemap(dd, region_name=rname, year=year, source=sourced(a, method), large=a.presenting),
               "an_rc_tree")
    table(a, dd, key="an_rc_drill", filename=f"{a.dataset_code}_{region}_{code}_{year}_drilldown.csv", method=method, height=400,
          columns=["drill_level", "drill_code", "drill_name", "parent_code", "employment", "establishments", "lq",
                   "national_share_pct", "withheld_cells", "withheld_share_pct", "industries", "is_withheld"])


# ---- shift-share ---------------------------------------------------------------------------------

SS_REGION_COLUMNS = ["region_code", "region_name", "base_year_employment", "employment", "employment_change",
                     "national_growth_effect", "industry_mix_effect", "regional_shift_effect", "national_growth_pct",
                     "industry_mix_pct", "regional_shift_pct", "clusters_counted", "clusters_growing_faster",
                     "clusters_not_decomposed", "change_not_decomposed", "clusters_distorted"]


def shift_share_page(store: Store) -> None:
    """The change between two years split into national growth, industry mix and regional shift."""
    top = st.columns([3, 1, 1, 2])
    a = choose_dataset(store, key="an_ss", column=top[0])
    if a is None:
        return
    if len(a.years) < 2:
        st.info("Shift-share needs two years; this dataset has one.")
        return
    default_from = a.profile.get("default_base_year")
    y0 = choose_year(a, top[1], key="from", label="From", default=default_from, years=a.years[:-1])
    y1 = choose_year(a, top[2], key="to", label="To", years=[y for y in a.years if y > y0])
    variants = list(stats.SHIFT_SHARE_VARIANTS)
    variant = top[3].radio("Method", variants, index=variants.index(query_default("variant", variants)),
                           key="an_ss_variant", horizontal=True, format_func=lambda v: {
                               "classic": "Classic", "esteban-marquillas": "Esteban-Marquillas"}[v])
    remember("variant", variant)
    ssd = queries.analysis_shift_share(store, a.dataset_code, y0, y1, variant=variant, benchmark=a.benchmark)
    parts = ["national_growth_effect", "industry_mix_effect", "regional_shift_effect"]
    em = ["competitive_effect", "allocation_effect"] if variant == "esteban-marquillas" else []
    explain(stats.SHIFT_SHARE_EXPLANATIONS, parts + em)
    st.caption("The three parts add up to the actual employment change of every row. Rows whose every cell is "
               "withheld in one year are not decomposed; rows distorted by withheld cells are flagged.")
    method = stats.analysis_method("shift-share", from_year=y0, to_year=y1, variant=variant)
    summary = stats.region_summary(ssd)
    st.subheader(f"Regions, {y0}–{y1}")
    figure(chart.shift_share_summary_chart(summary, years=(y0, y1), source=sourced(a, method), large=a.presenting),
           "an_ss_summary")
    with st.expander("Data of the regions chart"):
        table(a, summary.sort_values("regional_shift_pct", ascending=False), key="an_ss_regions",
              filename=f"{a.dataset_code}_shift_share_regions_{y0}_{y1}.csv", method=method, height=360,
              columns=SS_REGION_COLUMNS)
    region = choose_region(a, st.columns([2, 3])[0], default=summary.sort_values(
        "base_year_employment", ascending=False)["region_code"].iloc[0] if len(summary) else None)
    rname = a.region_names.get(region, region)
    st.subheader(f"{plain(rname)}: per {plain(a.term_singular)}, {y0}–{y1}")
    comp = stats.cluster_components(ssd, region, top_n=20)
    if comp.empty:
        st.info(f"No {plain(a.term)} of {plain(rname)} could be decomposed between {y0} and {y1}.")
    else:
        figure(chart.shift_share_chart(comp, region_name=rname, years=(y0, y1), source=sourced(a, method),
                                       large=a.presenting), "an_ss_clusters")
        st.caption(f"The 20 {plain(a.term)} with the largest change (absolute); bars: the three parts, diamond: the "
                   "actual change.")
    rows = ssd[ssd["region_code"] == region].assign(_abs=lambda d: d["employment_change"].abs())
    table(a, rows.sort_values("_abs", ascending=False), key="an_ss_rows", method=method, height=420,
          filename=f"{a.dataset_code}_{region}_shift_share_{y0}_{y1}.csv",
          columns=["cluster_code", "cluster_name", "base_year_employment", "employment", "employment_change", *parts,
                   *(["homothetic_employment", *em] if em else []), "cluster_national_growth_pct",
                   "region_cluster_growth_pct", "is_decomposed", "is_growth_distorted", "growth_note"])


# ---- economic structure ----------------------------------------------------------------------------

def structure_page(store: Store) -> None:
    """Concentration, diversity and specialisation of every region's economy, one index at a time."""
    top = st.columns([3, 1, 2])
    a = choose_dataset(store, key="an_st", column=top[0])
    if a is None:
        return
    year = choose_year(a, top[1], key="year")
    struct = queries.analysis_structure(store, a.dataset_code, year=year, benchmark=a.benchmark)
    indices = [i for i in stats.STRUCTURE_INDICES if struct[i].notna().any()]
    explain(stats.STRUCTURE_EXPLANATIONS, stats.STRUCTURE_INDICES)
    if "related_variety" not in indices:
        st.caption(f"Related variety needs industries nested in groups; every one of these {plain(a.term)} is a "
                   "single industry, so it is not computed (unrelated variety then equals the entropy).")
    region = choose_region(a, top[2])
    index = st.segmented_control("Index", indices, default=query_default("index", indices), key=f"an_st_index_{a.dataset_code}",
                                 format_func=stats_ui.column_label) or indices[0]
    remember("index", index)
    lo, hi = stats.STRUCTURE_RANGES[index]
    method = stats.analysis_method("structure")
    here = struct[struct["region_code"] == region]
    if len(here):
        m = st.columns(len(indices))
        for col, i in zip(m, indices):
            col.metric(stats_ui.column_label(i), stats_chart.fmt_num(here.iloc[0][i], 3))
    st.caption(f"{plain(stats_ui.column_label(index))} ranges from {plain(lo)} to {plain(hi)}. Shares are of the "
               "published employment; withheld cells are left out (their estimated share is in the table).")
    figure(chart.structure_chart(struct, index=index, region_code=region, year=year, source=sourced(a, method),
                                 large=a.presenting), "an_st_chart")
    ranked = stats.ranked_structure(struct, year, index)
    table(a, ranked, key="an_st_table", filename=f"{a.dataset_code}_structure_{year}.csv", method=method, height=420,
          columns=["rank", "region_code", "region_name", "year", "employment", "clusters_counted",
                   "industries_counted", *stats.STRUCTURE_INDICES, "withheld_cells", "withheld_share_pct"])


# ---- wages ------------------------------------------------------------------------------------------

def wages_page(store: Store) -> None:
    """Wage premium against the same group in the benchmark, wage growth, rankings, portfolio by wage."""
    top = st.columns([3, 1, 1, 2])
    a = choose_dataset(store, key="an_wg", column=top[0])
    if a is None:
        return
    if not a.ds["payroll_unit"]:
        st.info("This dataset has no payroll, so no wages (the Eurostat Labour Force Survey counts people employed "
                "only). Choose a dataset with payroll, e.g. U.S. County Business Patterns.", icon=":material/info:")
        return
    year = choose_year(a, top[1], key="year")
    base = choose_year(a, top[2], key="base", label="Wage growth since", default=a.profile.get("default_base_year"),
                       years=[y for y in a.years if y < year] or [year])
    region = choose_region(a, top[3])
    w = queries.analysis_wages(store, a.dataset_code, base_year=base, benchmark=a.benchmark)
    w_year = w[w["year"] == year]
    rw = queries.analysis_region_wages(store, a.dataset_code, w_year, benchmark=a.benchmark)
    method = stats.analysis_method("wages")
    unit = stats.wage_unit(a.ds)
    rname = a.region_names.get(region, region)
    here = rw[rw["region_code"] == region]
    if len(here):
        r = here.iloc[0]
        m = st.columns(3)
        m[0].metric("Average wage", stats_chart.fmt_int(r["avg_wage"]), help=unit)
        m[1].metric("Against the benchmark", f"{r['wage_premium_pct']:+.1f} %" if pd.notna(r["wage_premium_pct"]) else "–")
        m[2].metric(f"{cap(a.term.removeprefix('traded '))} paying above the benchmark",
                    f"{int(r['clusters_paying_above'])} of {int(r['clusters_with_wages'])}")
    st.caption(f"Wage premium: how much more (or less) a {plain(a.term_singular)} pays in the region than the same "
               f"{plain(a.term_singular)} in {plain(stats.BENCHMARK_NAMES[a.benchmark])}. Wages are payroll per "
               f"employee ({plain(unit or '')}), nominal; growth since {base} is compound annual.")
    ranking = stats.wage_ranking(w, region, year)
    st.subheader(f"{plain(rname)}, {year}")
    figure(chart.wage_ranking_chart(ranking, region_name=rname, year=year, unit=unit, source=sourced(a, method),
                                    large=a.presenting, term=a.term.removeprefix("traded ")), "an_wg_ranking")
    figure(chart.wage_portfolio_chart(ranking, region_name=rname, year=year, source=sourced(a, method),
                                      large=a.presenting, term=a.term.removeprefix("traded ")), "an_wg_portfolio")
    st.caption("Bubble area = employment; right of the dotted line: more specialised than the benchmark; above zero: "
               "paid more than the same group in the benchmark.")
    table(a, ranking, key="an_wg_table", filename=f"{a.dataset_code}_{region}_{year}_wages.csv", method=method, height=420,
          columns=["wage_rank_in_region", "cluster_code", "cluster_name", "employment", "avg_wage", "national_avg_wage",
                   "wage_premium_pct", "wage_cagr_pct", "national_wage_cagr_pct", "wage_rank_in_nation", "lq",
                   "is_strong", "is_growth_distorted", "growth_note"])
    st.subheader(f"Every {plain(a.ds['region_type'])} by average wage, {year}")
    traded = ["traded_avg_wage", "traded_wage_premium_pct"] if rw["traded_avg_wage"].notna().any() else []
    table(a, rw.sort_values("avg_wage", ascending=False), key="an_wg_regions", method=method, height=360,
          filename=f"{a.dataset_code}_{year}_region_wages.csv",
          columns=["region_code", "region_name", "employment", "avg_wage", "national_avg_wage", "wage_premium_pct",
                   *traded, "clusters_paying_above", "clusters_with_wages"])


# ---- clusters from your data -----------------------------------------------------------------------

def _write(what, *args, done: str) -> None:
    """One write of a grouping (a button's action), checked at the moment of writing."""
    if not shell.allowed():
        return
    try:
        what(*args)
    except UserError as exc:
        show_error(exc)
        return
    from clusterdash.ui.output import flash_success

    flash_success(done)
    st.rerun()


def clusters_from_data_page(store: Store) -> None:
    """Candidate clusters found by co-location, their fit, the comparison with the official
    groups; save one as the dataset's cluster definition (and undo)."""
    with st.expander("How this works, and what it can and cannot show", expanded=not shell.is_presenting()):
        for para in stats.CLUSTERS_FROM_DATA_ABOUT:
            st.markdown(plain(para))
    top = st.columns([3, 2, 2])
    a = choose_dataset(store, key="an_cf", column=top[0])
    if a is None:
        return
    n_default = int(query_default("groups", [str(k) for k in range(2, 61)], "12"))
    n = top[1].slider("Number of candidate clusters", 2, 60, n_default, key=f"an_cf_groups_{a.dataset_code}")
    remember("groups", n)
    measures = list(stats.CLUSTER_MEASURES)
    measure = top[2].radio("Similarity", measures, index=measures.index(query_default("measure", measures)),
                           horizontal=True, key="an_cf_measure", format_func=lambda m: {
                               "lq": "Correlation of LQs", "rank": "Correlation of ranks"}[m])
    remember("measure", measure)
    try:
        cands = queries.find_candidate_clusters(store, a.dataset_code, n, measure=measure)
    except UserError as exc:
        show_error(exc)
        return
    method = stats.analysis_method("candidate-clusters")
    src = sourced(a, cands.method)
    m = st.columns(3)
    m[0].metric("Industries grouped", f"{len(cands.industries):,}")
    m[1].metric("Regions compared", f"{cands.regions:,}")
    m[2].metric("Mean silhouette", f"{cands.mean_silhouette:.2f}", help="From −1 (industries closer to another "
                "group) to 1 (far closer to their own); around 0: groups that overlap")
    figure(chart.candidate_fit_chart(cands.groups, source=src, large=a.presenting), "an_cf_fit")
    span = f"{cands.years[0]}–{cands.years[-1]}" if len(cands.years) > 1 else str(cands.years[0])
    st.caption(f"Employment: the group's industries over all regions, summed over the years pooled ({span}). "
               "A tight group has a correlation within far above the correlation with the rest.")
    table(a, cands.groups, key="an_cf_groups", filename=f"{a.dataset_code}_candidate_clusters_{n}.csv", method=cands.method,
          height=360, columns=["candidate_code", "candidate_name", "candidate_industries", "candidate_employment",
                               "within_corr", "between_corr", "silhouette", "top_industries"])
    with st.expander(f"The {len(cands.industries):,} industries and their candidate cluster"):
        table(a, cands.industries, key="an_cf_industries", filename=f"{a.dataset_code}_candidate_industries_{n}.csv",
              method=cands.method, columns=list(cands.industries.columns))
    if len(cands.not_grouped):
        with st.expander(f"{len(cands.not_grouped):,} industries not grouped"):
            table(a, cands.not_grouped, key="an_cf_not_grouped", filename=f"{a.dataset_code}_not_grouped.csv",
                  method=cands.method, columns=list(cands.not_grouped.columns))
    official, text = queries.official_clusters(store, a.dataset_code)
    st.subheader("Against the official groups")
    try:
        cmp = stats.compare_groupings(cands, official, text)
    except UserError as exc:
        show_error(exc)
        cmp = None
    if cmp is not None:
        st.metric("Agreement (adjusted Rand index)", f"{cmp.ari:.2f}", help="1: the same partition; about 0: no "
                  "more alike than chance")
        st.caption(f"Compared with {plain(cmp.official)} over {cmp.industries_compared:,} industries. Per candidate "
                   "cluster: the official group most of its industries are in.")
        table(a, cmp.by_group, key="an_cf_by_group", filename=f"{a.dataset_code}_candidate_vs_official_{n}.csv",
              method=method, columns=list(cmp.by_group.columns), height=320)
        with st.expander(f"Where they differ: {len(cmp.differences):,} industries outside their group's main "
                         "official group"):
            table(a, cmp.differences, key="an_cf_diff", filename=f"{a.dataset_code}_candidate_differences_{n}.csv",
                  method=method, columns=list(cmp.differences.columns))
    grouping_actions(store, a, cands)


def grouping_actions(store: Store, a: Analysis, cands) -> None:
    st.subheader("Use a grouping as the dataset's clusters")
    st.caption("Saving keeps these candidate clusters with their method. Applying one makes it the dataset's cluster "
               "definition on every page (LQs then use all employment as the base); *Restore* gives back the "
               "imported definition.")
    edit = shell.can_edit()
    if st.button(f"Save these {cands.n_groups} candidate clusters", icon=":material/save:", disabled=not edit,
                 key="an_cf_save"):
        _write(queries.save_candidate_grouping, store, cands, done="Candidate grouping saved.")
    saved = queries.candidate_groupings(store, a.dataset_code)
    if saved.empty:
        return
    stats_ui.data_table(saved, key="an_cf_saved", filename=f"{a.dataset_code}_groupings.csv", ds=a.ds,
                        columns=["grouping_code", "title", "n_groups", "mean_silhouette", "industries_grouped",
                                 "created_at", "is_applied"])
    c1, c2, c3 = st.columns([2, 1, 1])
    code = c1.selectbox("Saved grouping", saved["grouping_code"].tolist(), key=f"an_cf_pick_{a.dataset_code}")
    if c2.button("Apply as cluster definition", disabled=not edit, key="an_cf_apply"):
        _write(queries.apply_candidate_grouping, store, a.dataset_code, code, done=f"{code} is now the cluster definition.")
    if c3.button("Restore the imported definition", disabled=not edit or not saved["is_applied"].any(),
                 key="an_cf_restore"):
        _write(queries.restore_cluster_definition, store, a.dataset_code, done="The imported cluster definition is back.")


# ---- counties and economic areas ------------------------------------------------------------------

def counties_page(store: Store) -> None:
    """County datasets and their economic areas on offline maps; the shipped EA definitions."""
    types = (stats.REGION_TYPE_COUNTY, stats.REGION_TYPE_EA)
    top = st.columns([3, 1, 3])
    a = choose_dataset(store, key="an_co", region_types=types, column=top[0])
    if a is None:
        st.info("No county dataset yet. Import a County Business Patterns county file (`cbpYYco.txt`, or the Census "
                "API JSON for `for=county:*`) with the format *cbp* on the Import statistics page; it can then be "
                "summed to economic areas here.", icon=":material/map:")
        shell.page_link("import_stats")
        economic_area_definitions(a_presenting=shell.is_presenting())
        return
    year = choose_year(a, top[1], key="year")
    ind = queries.stats_indicators(store, a.dataset_code, benchmark=a.benchmark)
    code = choose_cluster(a, top[2], ind[ind["year"] == year])
    st.subheader(f"{plain(a.cluster_names.get(code, code))}, {year}")
    st.caption(f"LQs, strong flags and percentiles are computed among the dataset's {len(a.regions):,} "
               f"{plain(a.ds['region_type'])} regions (as the U.S. Cluster Mapping Project does).")
    cluster_map(a, ind, code, year, key="an_co_map")
    ranking = stats.cluster_ranking(ind, code, year)
    table(a, ranking, key="an_co_rank", filename=f"{a.dataset_code}_{code}_{year}_regions.csv", height=360,
          columns=["rank", "region_code", "region_name", "employment", "lq", "national_share_pct", "establishments",
                   "avg_wage", "is_strong"])
    if a.ds["region_type"] == stats.REGION_TYPE_COUNTY:
        target = f"{a.dataset_code}_ea"
        exists = target in set(queries.stats_datasets(store)["dataset_code"])
        if st.button(f"Sum the counties to BEA Economic Areas ({target})", disabled=exists or not shell.can_edit(),
                     icon=":material/join_inner:", key="an_co_aggregate",
                     help="Already done: choose it above" if exists else None):
            _write(queries.aggregate_counties_to_economic_areas, store, a.dataset_code, done=f"Dataset {target} created.")


def economic_area_definitions(*, a_presenting: bool = False) -> None:
    """The shipped BEA Economic Areas (2004 definitions): their borders and their counties."""
    st.subheader("BEA Economic Areas (2004 definitions, shipped)")
    eas = pd.DataFrame([{"Economic area code": k, "Economic area": v["name"], "Counties": v["counties"]}
                        for k, v in stats.economic_areas().items()]).sort_values("Economic area code")
    deck = chart.county_map(stats.county_features(), pd.DataFrame(columns=["region_code"]),
                            borders=stats.ea_boundaries(), county_to_region=stats.ea_of_county(), large=a_presenting,
                            basemap=maps.basemap_setting())
    st.pydeck_chart(deck, key="an_co_ea_map", alt="Map: the borders of the 179 BEA Economic Areas over the counties")
    source_line(f"{stats.EA_SOURCE}; {stats.COUNTY_BOUNDARIES_SOURCE}; {maps.BASE_SOURCE}")
    show_table(eas, height=320, key="an_co_eas")
    source_line(stats.EA_SOURCE)
    download_csv(eas, "bea_economic_areas_2004.csv", source=stats.EA_SOURCE, key="dl-an_co_eas")
