"""Regional-statistics widgets: the dataset, year, base year (with the reason of its default) and
LQ benchmark, kept in the URL; tables with their CSV; the five views of the regional statistics
page. The import page's widgets are in :mod:`clusterdash.ui.stats_import`.

Every title names the dataset's own groups (``cluster_term``: "NAICS subsectors", "NACE
sections"; "traded clusters" only with a crosswalk), every LQ its benchmark; growth flagged as
distorted by withheld cells carries its note in tables, CSVs and charts.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from clusterdash import fields, queries, stats
from clusterdash.charts import maps
from clusterdash.charts import stats as chart
from clusterdash.errors import UserError
from clusterdash.store import Store
from clusterdash.ui import shell
from clusterdash.safe_text import clean_invisible
from clusterdash.ui.output import download_csv, plain, show_error, show_table, source_line

VIEWS = ["Cluster map", "Region profile", "Compare regions", "Related clusters", "Data"]
ss = st.session_state
GROWTH_FLAGS = ["is_growth_distorted", "growth_note"]


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


@dataclass
class DatasetView:
    """A dataset as a page shows it: the dataset and how to read it, its regions and groups, and
    how to name them. Regional statistics (:class:`StatsView`) and Cluster analysis
    (``ui.analysis.Analysis``) build on it."""

    ds: dict
    profile: dict
    dataset_code: str
    regions: pd.DataFrame
    clusters: pd.DataFrame
    presenting: bool

    @property
    def years(self) -> list[int]:
        return list(range(int(self.ds["year_min"]), int(self.ds["year_max"]) + 1))

    @property
    def is_us(self) -> bool:
        return self.ds["region_type"] == "U.S. state"

    @property
    def at_country_position(self) -> bool:
        """NUTS regions: only their country's position is known (the map aggregates to countries)."""
        pos = self.regions.get("position")
        return pos is not None and bool((pos == "country").any()) and not bool((pos == "region").any())

    @property
    def region_names(self) -> dict:
        return dict(zip(self.regions["region_code"], self.regions["region_name"]))

    def region_label(self, code) -> str:
        return stats.region_label(self.region_names.get(code), code)

    @property
    def cluster_names(self) -> dict:
        return dict(zip(self.clusters["cluster_code"], self.clusters["cluster_name"]))

    @property
    def is_establishments_in_source(self) -> bool:
        return bool(self.profile.get("is_establishments_in_source", True))

    @property
    def traded(self) -> bool:
        return bool((self.clusters["cluster_type"] == "traded").any())

    @property
    def term(self) -> str:
        """'traded clusters' with a crosswalk, else the dataset's own groups ('NAICS subsectors')."""
        return stats.cluster_title_term(self.clusters["cluster_type"], self.profile.get("cluster_term") or "clusters")

    @property
    def term_singular(self) -> str:
        return "cluster" if self.traded else (self.profile.get("cluster_term_singular") or "cluster")

    @property
    def source(self) -> str:
        return stats.citation(self.ds)

    @property
    def labels(self) -> dict:
        """Column labels in the dataset's own terms (no "cluster" or "traded" for NAICS subsectors)."""
        if self.traded or self.term == "clusters":
            return {}
        one, many = self.term_singular, self.term
        One, Many = one[:1].upper() + one[1:], many[:1].upper() + many[1:]
        return {"cluster_code": f"{One} code", "cluster_name": One, "cluster_type": "Type",
                "traded_employment": "Employment", "strong_clusters": f"Strong {many}",
                "strong_employment": f"Employment in strong {many}", "top_strong_cluster": f"Top strong {one}",
                "cluster_strength_pct": f"Share of employment in strong {many} (%)", "is_strong": f"Strong {one}",
                "clusters_counted": Many, "clusters_paying_above": f"{Many} paying above the benchmark",
                "clusters_with_wages": f"{Many} with wages"}



@dataclass
class StatsView(DatasetView):
    """What every Regional statistics view works on: a :class:`DatasetView` with the year shown,
    the growth base year, the LQ benchmark and the indicators."""

    year: int
    base_year: int
    benchmark: str
    ind: pd.DataFrame

    @property
    def ind_year(self) -> pd.DataFrame:
        return self.ind[self.ind["year"] == self.year]

# ---- tables --------------------------------------------------------------------------------------

ROUND2 = ("lq", "national_share_pct", "cagr_pct", "national_share_change_pp", "cluster_strength_pct",
          "withheld_establishments_pct", "base_year_withheld_establishments_pct", "withheld_share_pct",
          "national_withheld_share_pct")
COUNTS = ("employment", "establishments", "employment_change", "traded_employment", "strong_employment")
LOCALIZED = ("employment", "establishments", "employment_change", "expected_change", "job_creation_relative",
             "avg_wage", "traded_employment", "strong_employment")


def column_label(c: str, benchmark: str = "nation", overrides: dict | None = None) -> str:
    if overrides and c in overrides:
        return overrides[c]
    if c == "lq":
        return "LQ " + stats.lq_label(benchmark).removeprefix("LQ ")
    if c == "national_share_pct":
        return stats.share_label(benchmark)
    for prefix, label in (("withheld_cells_", "Withheld cells "), ("withheld_share_pct_", "In withheld cells (%) ")):
        if c.startswith(prefix) and c[len(prefix):].isdigit():
            return label + c[len(prefix):]
    return fields.label(c) if fields.is_registered(c) else c.replace("_", " ").capitalize()


def data_table(df: pd.DataFrame, *, key: str, filename: str, ds: dict, columns: list[str], relatedness: bool = False,
               height: int | None = None, benchmark: str = "nation", is_establishments_in_source: bool = True,
               labels: dict | None = None) -> None:
    """A table of exactly ``columns`` and its CSV download (same rows, same columns, same rounding);
    establishments say "not in the source" where the source has none; ``labels`` override the
    registry's column labels (the dataset's own term for its groups)."""
    shown = df[[c for c in columns if c in df.columns]].copy()
    for c in shown.columns:
        if c in ROUND2 or c.startswith("withheld_share_pct_"):
            shown[c] = pd.to_numeric(shown[c], errors="coerce").astype(float).round(2)
        elif c in ("avg_wage", "expected_change", "job_creation_relative"):
            shown[c] = pd.to_numeric(shown[c], errors="coerce").astype(float).round(0)
        elif c == "avg_firm_size":
            shown[c] = pd.to_numeric(shown[c], errors="coerce").astype(float).round(1)
        elif c in COUNTS:
            shown[c] = stats.whole_numbers(shown[c])
    shown = stats.for_display(shown, is_establishments_in_source=is_establishments_in_source)
    config = {c: st.column_config.Column(column_label(c, benchmark, labels)) for c in shown.columns}
    for c in LOCALIZED:
        if c in shown.columns and pd.api.types.is_numeric_dtype(shown[c]):
            config[c] = st.column_config.NumberColumn(column_label(c, benchmark, labels), format="localized")
    show_table(shown, column_config=config, key=f"tbl-{key}", height=height or "auto")
    source = stats.citation(ds, relatedness=relatedness)
    units = stats.units_line(ds, shown.columns, benchmark=benchmark)
    source_line(source, units or None)
    download_csv(shown, filename, source=source, units=units or None, key=f"dl-{key}")


def table(v: StatsView, df: pd.DataFrame, *, key: str, filename: str, columns: list[str], **kw) -> None:
    data_table(df, key=key, filename=filename, ds=v.ds, columns=columns, benchmark=v.benchmark,
               is_establishments_in_source=v.is_establishments_in_source, labels=v.labels, **kw)


# ---- the page before any data, the choices -------------------------------------------------------

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


def no_data(store: Store) -> None:
    """The page when every dataset was deleted: where to import (and reload the embedded ones)."""
    with st.container(border=True):
        st.subheader("No statistics imported yet")
        st.markdown(
            "ClusterDash ships two datasets (U.S. County Business Patterns 2017–2021 and Eurostat's Labour Force "
            "Survey by NUTS 2 region); they were deleted from this store. Load them again, or import U.S. County "
            "Business Patterns, a Eurostat table or your own CSV, on the **Import statistics** page."
        )
        shell.page_link("import_stats")
        if queries.stats_demo_available():
            st.markdown(
                "For a demonstration with U.S. Cluster Mapping clusters, load **U.S. County Business Patterns "
                "2017–2021** (50 states) with the cluster definitions and related clusters from `../shared/data`."
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
    """Dataset, year, base year (default: the dataset's, with its reason) and benchmark, kept in the
    URL; None (with a warning) when the dataset has no employment in any group."""
    codes = datasets["dataset_code"].tolist()
    titles = dict(zip(datasets["dataset_code"], datasets["title"]))
    top = st.columns([4, 1, 1])
    dataset_code = top[0].selectbox("Dataset", codes, index=codes.index(query_default("ds", codes)),
                                    format_func=lambda c: f"{titles[c]} ({c})", key="stats_ds")
    remember("ds", dataset_code)
    ds = queries.stats_dataset(store, dataset_code)
    profile = queries.stats_dataset_profile(store, dataset_code)
    years = list(range(int(ds["year_min"]), int(ds["year_max"]) + 1))
    year = top[1].selectbox("Year", years[::-1], index=years[::-1].index(query_default("year", years, years[-1])),
                            key="stats_year")
    remember("year", year)
    base_options = [y for y in years if y < year] or [year]
    default_base = profile.get("default_base_year")
    fallback = default_base if default_base in base_options else base_options[0]
    reason = profile.get("base_year_reason") or ""
    base_year = top[2].selectbox("Growth since", base_options,
                                 index=base_options.index(query_default("base", base_options, fallback)),
                                 key=f"stats_base_{dataset_code}", help="Base year of growth, share change and job "
                                 f"creation. Default {default_base}: {reason}" if default_base else None)
    remember("base", base_year)
    options = stats.benchmark_options(ds, profile)
    benchmark = options[0]
    row = st.columns([4, 2]) if len(options) > 1 else [st.container()]
    if len(options) > 1:
        benchmark = row[1].selectbox(
            "LQ benchmark", options, index=options.index(query_default("bench", options, options[0])),
            format_func=lambda b: stats.BENCHMARK_NAMES[b] + (" (default)" if b == options[0] else ""),
            key=f"stats_bench_{dataset_code}", help="What location quotients and shares compare with")
        remember("bench", benchmark)
    with row[0]:
        base_note(profile, base_year, default_base)
    ind = queries.stats_indicators(store, dataset_code, base_year=base_year, benchmark=benchmark)
    if ind.empty:
        st.warning("This dataset has no employment in any group (check the crosswalk on the Data view).")
        return None
    v = StatsView(ds=ds, profile=profile, dataset_code=dataset_code, regions=queries.stats_regions(store, dataset_code),
                  clusters=queries.stats_clusters(store, dataset_code), presenting=shell.is_presenting(),
                  year=year, base_year=base_year, benchmark=benchmark, ind=ind)
    reading_note(v)
    return v


def base_note(profile: dict, base_year: int, default_base) -> None:
    """The base year's reason next to the control: why the default, and a caution when another
    year is chosen."""
    reason = profile.get("base_year_reason")
    if not default_base or not reason:
        return
    why = reason.removeprefix(f"{default_base}: ")
    if base_year == default_base:
        st.caption(f"Growth since {base_year}, the default: {plain(why)}.")
    else:
        st.caption(f"Growth since {base_year}; the default is {default_base}: {plain(why)}. Figures whose base or "
                   "end year is distorted by withheld cells are flagged (column “Growth distorted by withheld cells”).")


def reading_note(v: StatsView) -> None:
    """How to read the dataset's groups and its strong rule, once above every view."""
    parts = []
    if not v.ds["has_crosswalk"]:
        parts.append(f"The groups here are **{plain(v.profile.get('cluster_term') or 'industry groups')}**, the "
                     "classification's own: no cluster crosswalk is attached (attach one on the Import statistics "
                     "page). Location quotients use all employment as the base.")
    if not v.is_establishments_in_source:
        parts.append(f"Strong: {plain(v.profile.get('strong_rule') or '')}.")
    if parts:
        st.info(" ".join(parts), icon=":material/info:")


def choose_region(v: StatsView, key: str) -> str:
    options = v.regions["region_code"].tolist()
    default = query_default("region", options, options[0])
    region_type = v.ds["region_type"]
    code = st.selectbox(region_type[:1].upper() + region_type[1:], options, index=options.index(default),
                        format_func=v.region_label, key=key)
    remember("region", code)
    return code


# ---- the cluster map -----------------------------------------------------------------------------

def _legend(v: StatsView, *, country: bool) -> None:
    size = 17 if v.presenting else 14
    scale = "eu28" if country else v.benchmark  # a country against its own country would always be 1
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:14px;white-space:nowrap">'
        f'<span style="width:{size}px;height:{size}px;border-radius:50%;background:{i["color"]};display:inline-block;'
        f'margin-right:6px;box-shadow:0 0 0 1px #c7ccd4"></span>{i["label"]}</span>' for i in chart.lq_legend(scale)
    )
    title = chart.COUNTRY_LEGEND_TITLE if country else chart.lq_legend_title(v.benchmark)
    what = "the country's own LQ (sum of its regions)" if country else "the region's LQ"
    ring = (f"a country with a region strong against {stats.BENCHMARK_NAMES[v.benchmark]}" if country
            else f"strong {v.term_singular}")
    what, ring = html.escape(what), html.escape(ring)
    size_of = "the country's employment (sum of its regions)" if country else "employment"
    ring_html = (f'<span style="display:inline-flex;align-items:center;white-space:nowrap"><span style="width:{size}px;'
                 f'height:{size}px;border-radius:50%;border:3px solid #1B2430;display:inline-block;margin-right:6px">'
                 f'</span>ringed: {ring} (named where the label fits)</span>')
    # legend markup from constants and the dataset's own terms only (escaped), no user text
    st.markdown(f'<div data-testid="stats-map-legend" style="font-size:{size + 1}px;line-height:2">'
                f'<b>{html.escape(title)}</b> — colour: {what}<br>{swatches}<br>'
                f'<b>Bubble size</b>&nbsp;&nbsp;{size_of}&nbsp;&nbsp;&nbsp;{ring_html}</div>', unsafe_allow_html=True)


def cluster_map_view(store: Store, v: StatsView) -> None:
    """One group across the regions: map (bubbles, U.S. state choropleth, or NUTS regions at their
    country's position), legend, the regions ranked by location quotient."""
    clusters = v.clusters
    cl = clusters[clusters["cluster_type"] != "local"] if (clusters["cluster_type"] != "local").any() else clusters
    by_emp = v.ind_year.groupby("cluster_code")["employment"].sum()
    cl = cl.assign(_e=cl["cluster_code"].map(by_emp).fillna(0)).sort_values("cluster_name")
    names = dict(zip(clusters["cluster_code"], clusters["cluster_name"]))
    options = cl["cluster_code"].tolist() + [c for c in clusters["cluster_code"] if c not in set(cl["cluster_code"])]
    default = query_default("cluster", options, cl.sort_values("_e", ascending=False)["cluster_code"].iloc[0])
    c1, c2, c3 = st.columns([3, 1, 2])
    code = c1.selectbox(v.term_singular[:1].upper() + v.term_singular[1:], options, index=options.index(default),
                        key="stats_cluster",
                        format_func=lambda c: f"{names.get(c, c)}" + (" (local)" if c not in set(cl["cluster_code"]) else ""))
    remember("cluster", code)
    choropleth = False
    if v.is_us:
        kinds = ["Bubbles", "States filled"]
        kind = c2.radio("Map", kinds, index=kinds.index(query_default("map", kinds, kinds[0])), key="stats_map_kind")
        remember("map", kind)
        choropleth = kind == "States filled"
    mapped, unmapped = stats.cluster_map_frame(v.ind, v.regions, code, v.year)
    rows = pd.concat([mapped, unmapped]).sort_values("lq", ascending=False, na_position="last")
    n_strong = int(mapped["is_strong"].sum() + unmapped["is_strong"].sum())
    c3.metric("Strong in", f"{n_strong} of {len(mapped) + len(unmapped)} regions")
    st.subheader(f"{plain(names.get(code, code))}, {v.year}")
    height = chart.MAP_HEIGHT_LARGE_PX if v.presenting else chart.MAP_HEIGHT_PX
    basemap = maps.basemap_setting()
    if v.at_country_position:
        countries, unplaced = stats.country_map_frame(v.ind, v.regions, code, v.year)
        deck = chart.country_cluster_map(countries, large=v.presenting, basemap=basemap, benchmark=v.benchmark,
                                         employment_unit=v.ds["employment_unit"])
        alt = ("Map: one bubble per country at the country's position (not the regions'), coloured by the country's "
               "location quotient against the EU28, sized by employment; countries with strong regions ringed")
        st.pydeck_chart(deck, height=height, key=f"stats_map_{v.dataset_code}", alt=alt)
        st.caption(chart.COUNTRY_POSITION_NOTE + " Hover a bubble for its regions, highest LQ first.")
        _legend(v, country=True)
        unmapped = unplaced
        left = []
    else:
        deck = chart.cluster_map(mapped, us_states=v.is_us, large=v.presenting, basemap=basemap, benchmark=v.benchmark,
                                 choropleth=choropleth)
        st.pydeck_chart(deck, height=height, key=f"stats_map_{v.dataset_code}_{int(choropleth)}",
                        alt="Map: the regions coloured by location quotient, bubbles sized by employment; strong "
                            "regions ringed and named")
        _legend(v, country=False)
        left = chart.unlabelled_strong(mapped, us_states=v.is_us, large=v.presenting, choropleth=choropleth)
    source_line(v.source + "; " + maps.BASE_SOURCE + ("; state outlines: " + chart.US_STATES_OUTLINE_SOURCE if v.is_us else ""))
    if left:
        st.markdown("**Strong, not named on the map for lack of room:** " + ", ".join(plain(n) for n in left))
    if len(unmapped):
        st.markdown("**Not on the map** (no position): " + ", ".join(plain(v.region_label(c)) for c in unmapped["region_code"]))
    st.markdown(f"**{len(rows)} regions**, highest location quotient first")
    table(v, rows, key="map", filename=f"{v.dataset_code}_{code}_{v.year}.csv", height=420,
          columns=["region_code", "region_name", "cluster_name", "year", "employment", "establishments", "lq",
                   "national_share_pct", "is_strong", "is_strong_top10", "cagr_pct", *GROWTH_FLAGS, "avg_wage",
                   "withheld_cells"])


# ---- a region ------------------------------------------------------------------------------------

def region_profile_view(store: Store, v: StatsView) -> None:
    """One region's groups: strength, portfolio chart, ranked groups, specialisation over time."""
    c1, c2 = st.columns([2, 3])
    with c1:
        region = choose_region(v, "stats_region")
    strength = queries.stats_region_strength(store, v.dataset_code, year=v.year, benchmark=v.benchmark)
    strength = strength.set_index("region_code")
    port = stats.region_portfolio(v.ind, region, v.year)
    name = v.region_names.get(region, region)
    with c2:
        m = st.columns(3)
        if region in strength.index:
            s = strength.loc[region]
            m[0].metric("Traded employment" if v.traded else "Employment", chart.fmt_int(s["traded_employment"]))
            m[1].metric(f"Strong {v.term.removeprefix('traded ')}", int(s["strong_clusters"]))
            m[2].metric("Cluster strength" if v.traded else "Strength", f"{s['cluster_strength_pct']:.1f} %" if pd.notna(s["cluster_strength_pct"]) else "–",
                        help=f"Share of the region's {'traded ' if v.traded else ''}employment in strong {v.term}")
    if port.empty:
        st.info(f"{plain(name)} has no employment in {v.year}.")
        return
    st.plotly_chart(chart.portfolio_chart(port, region_name=name, year=v.year, base_year=v.base_year, source=v.source,
                                          large=v.presenting, cluster_term=v.term, benchmark=v.benchmark),
                    width="stretch", key="stats_portfolio")
    st.caption(f"Bubble area = employment. Right of the dashed line: more specialised than "
               f"{stats.BENCHMARK_NAMES[v.benchmark]} ({stats.lq_one_means(v.benchmark)}); above zero: growing. "
               "Diamonds: growth distorted by withheld cells in the base or end year (in the region or in the "
               "benchmark total; see “Why growth is flagged”). Triangles: growth beyond the axis, drawn at its edge "
               "and listed under the chart.")
    with st.expander("Data of the portfolio chart"):
        table(v, port[port["cluster_type"] != "local"], key="portfolio",
              filename=f"{v.dataset_code}_{region}_{v.year}_portfolio.csv",
              columns=["cluster_code", "cluster_name", "lq", "cagr_pct", *GROWTH_FLAGS, "employment", "is_strong",
                       "withheld_cells", "withheld_share_pct", "base_year_withheld_cells"])
    st.subheader(f"Ranked {v.term.removeprefix('traded ')}")
    rank_by = st.segmented_control(
        "Rank by", ["employment", "lq", "national_share_pct", "cagr_pct", "job_creation_relative"],
        default="employment", key="stats_rank_by", format_func=lambda c: column_label(c, v.benchmark)) or "employment"
    traded_only = st.toggle("Traded clusters only", value=True, key="stats_traded_only") if v.traded else False
    ranked = stats.rank_clusters(port, rank_by, traded_only=traded_only)
    table(v, ranked, key="ranked", filename=f"{v.dataset_code}_{region}_{v.year}_ranked.csv", height=460,
          columns=["rank", "cluster_code", "cluster_name", "cluster_type", "employment", "establishments", "lq",
                   "national_share_pct", "is_strong", "cagr_pct", *GROWTH_FLAGS, "national_share_change_pp",
                   "job_creation_relative", "avg_wage", "avg_firm_size"])
    st.subheader("Specialisation over time")
    trend = stats.specialisation_trend(v.ind, region, top_n=8, year=v.year)
    st.plotly_chart(chart.trend_chart(trend, region_name=name, source=v.source, large=v.presenting,
                                      benchmark=v.benchmark, cluster_term=v.term.removeprefix("traded ")),
                    width="stretch", key="stats_trend")
    with st.expander("Data of the trend chart"):
        table(v, trend, key="trend", filename=f"{v.dataset_code}_{region}_trend.csv",
              columns=["cluster_code", "cluster_name", "year", "lq", "employment", "is_strong"])


# ---- compare regions -----------------------------------------------------------------------------

def compare_view(store: Store, v: StatsView) -> None:
    """Up to MAX_COMPARE regions side by side: heatmap of a measure and strength."""
    options = v.regions["region_code"].tolist()
    wanted = [c for c in (st.query_params.get("compare") or "").split(",") if c in options]
    strength = queries.stats_region_strength(store, v.dataset_code, year=v.year, benchmark=v.benchmark)
    if not wanted:
        wanted = strength.sort_values("traded_employment", ascending=False)["region_code"].head(5).tolist()
    c1, c2 = st.columns([3, 1])
    chosen = c1.multiselect(f"Regions (up to {stats.MAX_COMPARE})", options, default=wanted[: stats.MAX_COMPARE],
                            max_selections=stats.MAX_COMPARE, key="stats_compare", format_func=v.region_label)
    measure = c2.selectbox("Measure", list(chart.COMPARE_MEASURES), key="stats_measure",
                           format_func=lambda c: chart.measure_title(c, v.benchmark))
    remember("compare", ",".join(chosen) if chosen else None)
    if not chosen:
        st.info("Choose one or more regions to compare.")
        return
    cmp_ = stats.compare_regions(v.ind, chosen, v.year, measure=measure, top_n=15)
    st.plotly_chart(chart.compare_heatmap(cmp_, measure=measure, year=v.year, source=v.source, large=v.presenting,
                                          benchmark=v.benchmark, cluster_term=v.term),
                    width="stretch", key="stats_heatmap")
    st.caption(f"The 15 {plain(v.term)} with the most employment across the chosen regions.")
    with st.expander("Data of the heatmap"):
        table(v, cmp_, key="compare", filename=f"{v.dataset_code}_{v.year}_compare.csv",
              columns=list(dict.fromkeys(["region_code", "region_name", "cluster_code", "cluster_name", "year", measure,
                                          "employment", "is_strong", *(GROWTH_FLAGS if measure == "cagr_pct" else [])])))
    summary = stats.compare_summary(v.ind, strength, chosen, v.year)
    st.plotly_chart(chart.strength_bars(summary, year=v.year, source=v.source, large=v.presenting,
                                        cluster_term=v.term.removeprefix("traded "), traded=v.traded),
                    width="stretch", key="stats_strength")
    table(v, summary, key="compare_summary", filename=f"{v.dataset_code}_{v.year}_cluster_strength.csv",
          columns=["region_code", "region_name", "year", "traded_employment", "strong_clusters", "strong_employment",
                   "cluster_strength_pct", "top_strong_cluster"])


# ---- related clusters ----------------------------------------------------------------------------

def related_view(store: Store, v: StatsView) -> None:
    """A region's strong clusters and its diversification opportunities (strongly related clusters)."""
    rel = queries.stats_relatedness(store, v.dataset_code)
    if rel.empty:
        st.info("No cluster relatedness is attached to this dataset. Attach the U.S. Cluster Mapping crosswalk with "
                "its related-clusters file on the Import statistics page (or import data with a relatedness file) to "
                "see each region's diversification opportunities.", icon=":material/hub:")
        shell.page_link("import_stats")
        return
    with st.columns([2, 3])[0]:
        region = choose_region(v, "stats_rel_region")
    name = v.region_names.get(region, region)
    strong = stats.strong_cluster_list(v.ind, region, v.year)
    opp = stats.diversification_opportunities(v.ind, rel, region, v.year)
    st.markdown(f"**{plain(name)}** is strong in **{len(strong)}** clusters in {v.year}. Clusters *strongly related* "
                "to them in which it is not (yet) strong are its diversification opportunities: related skills, "
                "suppliers and technologies are already there.")
    st.subheader("Diversification opportunities")
    if opp.empty:
        st.info("No cluster is strongly related to this region's strong clusters without being strong already.")
    else:
        table(v, opp, key="opportunities", filename=f"{v.dataset_code}_{region}_{v.year}_opportunities.csv",
              relatedness=True, height=420,
              columns=["cluster_code", "cluster_name", "links", "related_strong_clusters", "lq", "employment",
                       "national_share_pct", "cagr_pct"])
    st.subheader(f"Strong clusters of {plain(name)}, {v.year}")
    table(v, strong.assign(year=v.year), key="strong", filename=f"{v.dataset_code}_{region}_{v.year}_strong.csv",
          columns=["cluster_code", "cluster_name", "lq", "employment", "is_strong_top10"])


# ---- the data ------------------------------------------------------------------------------------

def data_view(store: Store, v: StatsView) -> None:
    """The dataset: its facts and how to read it, coverage per year (nationally and per group), all
    indicators as CSV, its regions and groups."""
    ds, p = v.ds, v.profile
    st.subheader(plain(ds["title"]))
    facts = pd.DataFrame([
        ("Source", ds["source"]), ("Origin", "shipped with ClusterDash (data/stats/)" if p.get("dataset_origin") ==
                                   "embedded" else "imported from the user's files"),
        ("Groups", f"{p.get('cluster_term')}: {ds['cluster_definition']}"),
        ("Cluster relatedness", ds["relatedness_source"] or "not attached"),
        ("LQ benchmark", f"{stats.BENCHMARK_NAMES[v.benchmark]} (default: "
                         f"{stats.BENCHMARK_NAMES.get(p.get('default_benchmark') or 'nation')})"),
        ("Strong rule", p.get("strong_rule") or ""),
        ("Default base year", p.get("base_year_reason") or "the first year"),
        ("Format / classification", f"{ds['format']} / {ds['classification']}"),
        ("Regions", f"{ds['region_count']} ({ds['region_type']})"), ("Years", f"{ds['year_min']}–{ds['year_max']}"),
        ("Employment unit", ds["employment_unit"]), ("Payroll unit", ds["payroll_unit"] or "no payroll"),
        ("Establishments", "in the source" if v.is_establishments_in_source else stats.NOT_IN_SOURCE),
        ("Observations", f"{ds['row_count']:,}"), ("Withheld or missing cells", f"{ds['withheld_count']:,}"),
        ("Rejected rows", f"{ds['rejected_count']:,}"), ("Files", ds["files"]),
        ("Imported (UTC)", f"{ds['imported_at']:%Y-%m-%d %H:%M}"),
    ], columns=["item", "value"])
    show_table(facts, height=(len(facts) + 1) * 35 + 3)
    if ds["notes"]:
        st.text(clean_invisible(ds["notes"]))
    st.subheader("Coverage per year")
    st.caption("Regions with data, cells the source withheld and the estimated share of employment in them (an upper "
               "bound: the residual of the nearest published parent row). A year with far fewer regions is refused as "
               "the benchmark of LQs and shares; a year whose withheld share stands out is no default base year.")
    table(v, stats.year_coverage_table(queries.stats_year_coverage(store, v.dataset_code)), key="coverage",
          filename=f"{v.dataset_code}_coverage_per_year.csv",
          columns=["year", "regions_present", "regions_expected", "missing_regions", "cells", "withheld_cells",
                   "unknown_withheld_cells", "withheld_share_pct", "is_complete", "is_comparable", "note"])
    st.markdown(f"**Per {plain(v.term_singular)}**, most withheld employment first (all regions)")
    ccov = stats.cluster_coverage_table(queries.stats_cluster_coverage(store, v.dataset_code), v.clusters)
    table(v, ccov, key="coverage_clusters", filename=f"{v.dataset_code}_coverage_per_group.csv", height=360,
          columns=list(ccov.columns))
    st.subheader("All indicators")
    st.caption(f"Every region × group × year ({len(v.ind):,} rows), growth since {v.base_year}, LQ vs "
               f"{stats.BENCHMARK_NAMES[v.benchmark]}: the layout of `python -m clusterdash export indicators`.")
    export = stats.for_display(stats.to_export_frame(v.ind), is_establishments_in_source=v.is_establishments_in_source)
    download_csv(export, f"{v.dataset_code}_indicators.csv", source=v.source,
                 units=stats.units_line(ds, export.columns, benchmark=v.benchmark), label="Download all indicators (CSV)",
                 key="dl-all")
    st.subheader("Regions")
    reg_all = queries.stats_regions(store, v.dataset_code, include_national=True)
    table(v, reg_all, key="regions", filename=f"{v.dataset_code}_regions.csv", height=360,
          columns=["region_code", "region_name", "country_code", "country_name", "position", "latitude", "longitude",
                   "coordinate_source", "is_national"])
    st.subheader(plain(v.term.removeprefix("traded ")).capitalize() if not v.traded else "Clusters")
    table(v, v.clusters, key="clusters", filename=f"{v.dataset_code}_clusters.csv", height=360,
          columns=["cluster_code", "cluster_name", "cluster_type", "industries"])


VIEW_FUNCTIONS = {"Cluster map": cluster_map_view, "Region profile": region_profile_view, "Compare regions": compare_view,
                  "Related clusters": related_view, "Data": data_view}
