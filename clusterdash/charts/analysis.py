"""Charts of the analysis pages (issue #12): the shift-share parts per cluster and per region, the
structure indices across regions, wage rankings and the portfolio coloured by wage premium, the
drill-down treemap, a cluster's ranking, trend and related-cluster network, a region × cluster
against the benchmark, the county / economic-area choropleth (offline) and the fit of candidate
clusters. Builders take the frames of :mod:`clusterdash.stats` and return figures; no Streamlit.

Names from imported files are data: escaped for plotly (safe_text.plotly_text), canvas text on maps.
Every figure carries its source line (:func:`clusterdash.charts.stats.finish`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from clusterdash import fields
from clusterdash.charts import maps
from clusterdash.charts.common import hex_to_rgba
from clusterdash.charts.stats import LQ_CLASSES, MAP_HEIGHT_PX, MAP_WIDTH_PX, finish, fmt_int, fmt_num, lq_color
from clusterdash.safe_text import plotly_text as esc

COMPONENT_COLORS = {
    "national_growth_effect": "#7f8fa6",
    "industry_mix_effect": "#f0a202",
    "regional_shift_effect": "#1b9e77",
}
NEGATIVE_SHIFT = "#d95f02"
FOCUS_COLOR = "#d95f02"
OTHER_COLOR = "#7f8fa6"
NATION_COLOR = "#1B2430"
PREMIUM_SCALE = [[0.0, "#2c7bb6"], [0.5, "#f7f7f7"], [1.0, "#d7191c"]]


def _top_legend(fig: go.Figure) -> go.Figure:
    """The legend on its own line between the title and the plot (after :func:`finish`)."""
    fig.update_layout(legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left"),
                      margin=dict(t=96), title=dict(y=0.99, yanchor="top", yref="container"))
    return fig


def _label(name: str, width: int = 38) -> str:
    s = str(name)
    return esc(s if len(s) <= width else s[: width - 1] + "…")


# ---- shift-share ------------------------------------------------------------------------------------

def shift_share_chart(components: pd.DataFrame, *, region_name: str, years: tuple[int, int], source: str,
                      large: bool = False) -> go.Figure:
    """Per cluster (rows, largest change first): the three parts as stacked horizontal bars
    (positive right, negative left) and the actual change as a black diamond — so which part
    drives a cluster's change is visible at a glance."""
    fig = go.Figure()
    order = components.drop_duplicates("cluster_code")
    labels = [_label(n) for n in order["cluster_name"]]
    for comp, color in COMPONENT_COLORS.items():
        part = components[components["component"] == comp].set_index("cluster_code").reindex(order["cluster_code"])
        fig.add_bar(y=labels, x=part["jobs"], orientation="h", name=fields.label(comp), marker_color=color,
                    hovertemplate="%{y}<br>" + esc(fields.label(comp)) + ": %{x:,.0f} jobs<extra></extra>")
    fig.add_scatter(y=labels, x=order["employment_change"], mode="markers", name=fields.label("employment_change"),
                    marker=dict(symbol="diamond", size=10 if not large else 14, color=NATION_COLOR),
                    hovertemplate="%{y}<br>Employment change: %{x:,.0f}<extra></extra>")
    fig.update_layout(barmode="relative", yaxis=dict(autorange="reversed"),
                      xaxis=dict(title="jobs", zeroline=True, zerolinecolor="#1B2430"),
                      showlegend=True)
    height = max(320, 26 * len(labels) + 140)
    return _top_legend(finish(fig, title=f"Shift-share {years[0]}–{years[1]}: {esc(region_name)}", source=source,
                  height=height, large=large))


def shift_share_summary_chart(summary: pd.DataFrame, *, years: tuple[int, int], source: str, top_n: int = 25,
                              large: bool = False) -> go.Figure:
    """Per region: the three parts in % of base-year employment, regions sorted by regional shift."""
    d = summary.dropna(subset=["regional_shift_pct"]).sort_values("regional_shift_pct", ascending=False)
    if len(d) > top_n:
        d = pd.concat([d.head(top_n // 2 + top_n % 2), d.tail(top_n // 2)])
    labels = [_label(n, 28) for n in d["region_name"]]
    fig = go.Figure()
    for col, comp in (("national_growth_pct", "national_growth_effect"), ("industry_mix_pct", "industry_mix_effect"),
                      ("regional_shift_pct", "regional_shift_effect")):
        fig.add_bar(y=labels, x=d[col], orientation="h", name=fields.label(comp), marker_color=COMPONENT_COLORS[comp],
                    hovertemplate="%{y}<br>" + esc(fields.label(comp)) + ": %{x:.2f} % of base<extra></extra>")
    fig.update_layout(barmode="group", yaxis=dict(autorange="reversed"),
                      xaxis=dict(title="% of base-year employment", zeroline=True),
                      showlegend=True)
    title = f"Shift-share by region, {years[0]}–{years[1]}"
    title += (f": the {top_n // 2 + top_n % 2} highest and {top_n // 2} lowest regional shifts" if len(summary) > top_n
              else ", highest regional shift first")
    return _top_legend(finish(fig, title=title, source=source, height=max(360, 30 * len(labels) + 140), large=large))


# ---- structure ------------------------------------------------------------------------------------

def structure_chart(structure: pd.DataFrame, *, index: str, region_code: str | None, year: int, source: str,
                    large: bool = False) -> go.Figure:
    """One index across all regions in one year, sorted, the chosen region highlighted."""
    d = structure[structure["year"] == int(year)].dropna(subset=[index]).sort_values(index, ascending=False)
    colors = [FOCUS_COLOR if c == region_code else OTHER_COLOR for c in d["region_code"]]
    fig = go.Figure(go.Bar(x=[_label(n, 24) for n in d["region_name"]], y=d[index], marker_color=colors,
                           hovertemplate="%{x}<br>" + esc(fields.label(index)) + ": %{y:.3f}<extra></extra>"))
    fig.update_layout(yaxis=dict(title=esc(fields.label(index))), xaxis=dict(tickangle=-60, showticklabels=len(d) <= 60),
                      showlegend=False)
    return finish(fig, title=f"{fields.label(index)} of every region, {year}", source=source, height=420,
                  large=large, bottom_px=110 if len(d) <= 60 else 50)


# ---- wages ---------------------------------------------------------------------------------------------

def wage_ranking_chart(ranking: pd.DataFrame, *, region_name: str, year: int, unit: str | None, source: str,
                       top_n: int = 25, large: bool = False, term: str = "clusters") -> go.Figure:
    """The region's best-paid clusters: average wage (bars) against the benchmark's wage of the
    same cluster (black ticks)."""
    d = ranking.dropna(subset=["avg_wage"]).head(top_n)
    labels = [_label(n) for n in d["cluster_name"]]
    colors = ["#1b9e77" if (p or 0) > 0 else "#2c7bb6" for p in d["wage_premium_pct"].fillna(0)]
    fig = go.Figure()
    fig.add_bar(y=labels, x=d["avg_wage"], orientation="h", name=fields.label("avg_wage"), marker_color=colors,
                customdata=np.stack([d["wage_premium_pct"].fillna(np.nan), d["employment"]], axis=-1),
                hovertemplate="%{y}<br>Average wage: %{x:,.0f}<br>Premium: %{customdata[0]:+.1f} %"
                              "<br>Employment: %{customdata[1]:,.0f}<extra></extra>")
    fig.add_scatter(y=labels, x=d["national_avg_wage"], mode="markers", name=fields.label("national_avg_wage"),
                    marker=dict(symbol="line-ns-open", size=18, color=NATION_COLOR, line=dict(width=3, color=NATION_COLOR)),
                    hovertemplate="%{y}<br>Benchmark: %{x:,.0f}<extra></extra>")
    fig.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(title=esc(unit or "average wage")),
                      showlegend=True)
    return _top_legend(finish(fig, title=f"Best-paid {esc(term)} of {esc(region_name)}, {year} (green: above the benchmark)",
                  source=source, height=max(320, 26 * len(labels) + 140), large=large))


def wage_portfolio_chart(wages: pd.DataFrame, *, region_name: str, year: int, source: str,
                         large: bool = False, term: str = "clusters") -> go.Figure:
    """The portfolio coloured by wage: x = LQ (log), y = wage premium, bubble area = employment,
    colour = wage premium (blue below the benchmark's wage of the cluster, red above)."""
    d = wages.dropna(subset=["lq", "wage_premium_pct"])
    d = d[(d["lq"] > 0) & (d["employment"].fillna(0) > 0)]
    top = float(d["employment"].max() or 1) if len(d) else 1.0
    lim = float(max(10.0, d["wage_premium_pct"].abs().quantile(0.95))) if len(d) else 10.0
    sizes = [max(6.0, 46 * math.sqrt(max(e, 0) / top)) for e in d["employment"].fillna(0)]
    fig = go.Figure(go.Scatter(
        x=d["lq"], y=d["wage_premium_pct"], mode="markers",
        marker=dict(size=sizes, color=d["wage_premium_pct"].clip(-lim, lim), colorscale=PREMIUM_SCALE, cmin=-lim,
                    cmax=lim, line=dict(width=[2.5 if s else 0.5 for s in d["is_strong"]], color=NATION_COLOR),
                    colorbar=dict(title="Wage premium (%)"), opacity=0.85),
        text=[esc(n) for n in d["cluster_name"]],
        customdata=np.stack([d["employment"], d["avg_wage"]], axis=-1),
        hovertemplate="%{text}<br>LQ %{x:.2f}<br>Wage premium %{y:+.1f} %<br>Employment %{customdata[0]:,.0f}"
                      "<br>Average wage %{customdata[1]:,.0f}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color="#5f6b7a", width=1))
    fig.add_vline(x=1, line=dict(color="#5f6b7a", width=1, dash="dot"))
    fig.update_layout(xaxis=dict(type="log", title="Location quotient (log scale; 1 = national average)"),
                      yaxis=dict(title="Wage premium vs the same group in the benchmark (%)"), showlegend=False)
    return finish(fig, title=f"Portfolio of {esc(region_name)} by wage, {year} (ringed: strong {esc(term)})",
                  source=source, height=520, large=large)


# ---- drill-down ------------------------------------------------------------------------------------

def drilldown_treemap(dd: pd.DataFrame, *, region_name: str, year: int, source: str, large: bool = False) -> go.Figure:
    """Cluster → subclusters → industries sized by employment and coloured by LQ class; withheld
    industries (employment unknown) are listed in the table, not drawn."""
    d = dd[dd["employment"].fillna(0) > 0].copy()
    ids = d["drill_level"] + ":" + d["drill_code"].astype(str)
    parent_level = {"subcluster": "cluster", "industry": "subcluster" if (dd["drill_level"] == "subcluster").any()
                    else "cluster"}
    parents = ["" if lvl == "cluster" else f"{parent_level[lvl]}:{p}" for lvl, p in zip(d["drill_level"], d["parent_code"])]
    fig = go.Figure(go.Treemap(
        ids=ids, labels=[_label(n, 40) for n in d["drill_name"]], parents=parents, values=d["employment"],
        branchvalues="total", marker=dict(colors=[lq_color(v) for v in d["lq"]], line=dict(width=1, color="white")),
        customdata=np.stack([d["lq"].astype(float), d["national_share_pct"].astype(float)], axis=-1),
        hovertemplate="%{label}<br>Employment %{value:,.0f}<br>LQ %{customdata[0]:.2f}"
                      "<br>Share of the benchmark %{customdata[1]:.2f} %<extra></extra>",
        textinfo="label+value"))
    return finish(fig, title=f"{esc(dd['drill_name'].iloc[0])} in {esc(region_name)}, {year}: subclusters and "
                  "industries (colour: LQ)", source=source, height=520, large=large)


# ---- the cluster page --------------------------------------------------------------------------------

def ranking_chart(ranking: pd.DataFrame, *, cluster_name: str, year: int, source: str, top_n: int = 20,
                  large: bool = False) -> go.Figure:
    d = ranking.head(top_n)
    labels = [_label(n, 28) for n in d["region_name"]]
    fig = go.Figure(go.Bar(
        y=labels, x=d["lq"], orientation="h", marker_color=[lq_color(v) for v in d["lq"]],
        marker_line=dict(width=[2.5 if s else 0 for s in d["is_strong"]], color=NATION_COLOR),
        customdata=np.stack([d["employment"], d["national_share_pct"]], axis=-1),
        hovertemplate="%{y}<br>LQ %{x:.2f}<br>Employment %{customdata[0]:,.0f}<br>Share %{customdata[1]:.2f} %"
                      "<extra></extra>"))
    fig.add_vline(x=1, line=dict(color="#5f6b7a", dash="dot"))
    fig.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(title="Location quotient"), showlegend=False)
    return finish(fig, title=f"Where {esc(cluster_name)} is most concentrated, {year} (outlined: strong)",
                  source=source, height=max(320, 24 * len(labels) + 140), large=large)


def trend_chart(trend: pd.DataFrame, *, cluster_name: str, source: str, large: bool = False) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=trend["year"], y=trend["employment"], mode="lines+markers", name="Employment (all regions)",
                    line=dict(color=NATION_COLOR), hovertemplate="%{x}: %{y:,.0f}<extra></extra>")
    fig.add_bar(x=trend["year"], y=trend["strong_regions"], name="Regions where it is strong", yaxis="y2",
                marker_color=FOCUS_COLOR, opacity=0.35, width=0.35, hovertemplate="%{x}: %{y} regions<extra></extra>")
    top = float(trend["strong_regions"].max() or 1) if len(trend) else 1.0
    fig.update_layout(yaxis=dict(title="employment", rangemode="tozero"),
                      yaxis2=dict(title="strong regions", overlaying="y", side="right", range=[0, top * 2.5],
                                  showgrid=False, tickformat="d", dtick=max(1, math.ceil(top * 2.5 / 4))),
                      xaxis=dict(dtick=1), showlegend=True)
    return _top_legend(finish(fig, title=f"{esc(cluster_name)} over the years", source=source, height=360, large=large))


def network_chart(nodes: pd.DataFrame, edges: pd.DataFrame, *, source: str, large: bool = False,
                  term: str = "clusters") -> go.Figure:
    """The focus cluster in the middle, its related clusters on a circle (area = employment); its own
    links in orange (width = strength), the strong links among the others in grey."""
    pos = {}
    others = [c for c, f in zip(nodes["cluster_code"], nodes["is_focus"]) if not f]
    focus = [c for c, f in zip(nodes["cluster_code"], nodes["is_focus"]) if f]
    for c in focus:
        pos[c] = (0.0, 0.0)
    for k, c in enumerate(others):
        a = 2 * math.pi * k / max(len(others), 1) + math.pi / 2
        pos[c] = (math.cos(a), math.sin(a))
    fig = go.Figure()
    if len(edges):
        s = edges["strength"].astype(float)
        lo, hi = float(s.min()), float(s.max())
        for e, v in zip(edges.itertuples(), s):
            if e.cluster_code not in pos or e.related_cluster_code not in pos:
                continue
            (x0, y0), (x1, y1) = pos[e.cluster_code], pos[e.related_cluster_code]
            mine = e.cluster_code in focus or e.related_cluster_code in focus
            w = (1.5 + 4.5 * ((v - lo) / (hi - lo) if hi > lo else 1.0)) if mine else 1.0
            fig.add_scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip", showlegend=False,
                            line=dict(width=w, color="rgba(217,95,2,0.55)" if mine else "rgba(150,160,175,0.45)"))
    emp = nodes["employment"].fillna(0)
    top = float(emp[~nodes["is_focus"].astype(bool)].max() or emp.max() or 1)
    sizes = [34.0 if f else max(14.0, 34 * math.sqrt(min(e / top, 1.0))) for e, f in zip(emp, nodes["is_focus"])]
    fig.add_scatter(
        x=[pos[c][0] for c in nodes["cluster_code"]], y=[pos[c][1] for c in nodes["cluster_code"]],
        mode="markers+text", text=[_label(x, 30) for x in nodes["cluster_name"]],
        textposition=["middle right" if f else ("top center" if pos[c][1] >= 0 else "bottom center")
                      for c, f in zip(nodes["cluster_code"], nodes["is_focus"])],
        marker=dict(size=sizes, color=[FOCUS_COLOR if f else OTHER_COLOR for f in nodes["is_focus"]],
                    line=dict(width=1.5, color="white")),
        customdata=np.stack([emp, nodes["strong_regions"]], axis=-1),
        hovertemplate="%{text}<br>Employment %{customdata[0]:,.0f}<br>Strong in %{customdata[1]} regions<extra></extra>",
        showlegend=False)
    fig.update_layout(xaxis=dict(visible=False, range=[-1.7, 1.7]), yaxis=dict(visible=False, range=[-1.35, 1.35]))
    title = f"Related {esc(term)}" if len(edges) else f"Related {esc(term)}: none found"
    return finish(fig, title=title, source=source, height=520 if len(nodes) > 1 else 300, large=large)


# ---- region × cluster -----------------------------------------------------------------------------

def region_vs_nation_chart(series: pd.DataFrame, *, region_name: str, cluster_name: str, source: str,
                           large: bool = False) -> go.Figure:
    """Employment indexed to 100 in the first year without withheld cells: the region against the
    benchmark; years with withheld cells marked."""
    fig = go.Figure()
    fig.add_scatter(x=series["year"], y=series["employment_index"], mode="lines+markers", name=esc(region_name),
                    line=dict(color=FOCUS_COLOR, width=3), hovertemplate="%{x}: %{y:.1f}<extra></extra>")
    fig.add_scatter(x=series["year"], y=series["national_employment_index"], mode="lines+markers",
                    name="Benchmark", line=dict(color=NATION_COLOR, dash="dash"),
                    hovertemplate="%{x}: %{y:.1f}<extra></extra>")
    flagged = series[(series["withheld_cells"].fillna(0) > 0) | series["is_growth_distorted"].astype(bool)]
    if len(flagged):
        fig.add_scatter(x=flagged["year"], y=flagged["employment_index"], mode="markers",
                        name="Withheld cells: employment undercounted", marker=dict(symbol="x", size=13, color="#5f6b7a"))
    base = series.loc[series["employment_index"].round(6) == 100, "year"]
    fig.update_layout(yaxis=dict(title=f"employment, {int(base.iloc[0]) if len(base) else 'first year'} = 100"),
                      xaxis=dict(dtick=1),
                      showlegend=True)
    return _top_legend(finish(fig, title=f"{esc(cluster_name)} in {esc(region_name)} against the benchmark", source=source,
                  height=360, large=large))


def series_chart(series: pd.DataFrame, column: str, *, benchmark_column: str | None, title: str, source: str,
                 large: bool = False) -> go.Figure:
    """One measure of a region × cluster over the years (and the benchmark's, when given)."""
    fig = go.Figure()
    fig.add_scatter(x=series["year"], y=series[column], mode="lines+markers", name="Region",
                    line=dict(color=FOCUS_COLOR, width=3))
    if benchmark_column:
        fig.add_scatter(x=series["year"], y=series[benchmark_column], mode="lines+markers", name="Benchmark",
                        line=dict(color=NATION_COLOR, dash="dash"))
    if column == "lq":
        fig.add_hline(y=1, line=dict(color="#5f6b7a", dash="dot"))
    fig.update_layout(yaxis=dict(title=esc(fields.label(column)), rangemode="tozero"), xaxis=dict(dtick=1),
                      showlegend=True)
    return _top_legend(finish(fig, title=title, source=source, height=320, large=large))


# ---- county and economic-area maps ---------------------------------------------------------------------

def choropleth_records(features: dict, values: pd.DataFrame, *, key: str = "region_code",
                       county_to_region: dict | None = None) -> dict:
    """The county features with fill colour by LQ class of their region (the county itself, or
    its economic area via ``county_to_region``) and tooltip text; counties without a value grey."""
    rows = {str(r.region_code): r for r in values.itertuples()}
    out = []
    for f in features["features"]:
        code = county_to_region.get(f["id"]) if county_to_region is not None else f["id"]
        r = rows.get(code) if code is not None else None
        props = {"fill": hex_to_rgba(lq_color(r.lq) if r is not None else "#e6e9ee", 230 if r is not None else 140),
                 "name": str(r.region_name) if r is not None else str(f.get("properties", {}).get("name", f["id"])),
                 "lq_text": fmt_num(r.lq) if r is not None else "–",
                 "employment_text": fmt_int(r.employment) if r is not None else "no data",
                 "strong_text": ("Strong cluster" if bool(r.is_strong) else "") if r is not None else ""}
        out.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    return {"type": "FeatureCollection", "features": out}


MAP_TOOLTIP = {"text": "{name}\nEmployment: {employment_text}\nLocation quotient: {lq_text}\n{strong_text}"}


def county_map(features: dict, values: pd.DataFrame, *, borders: dict | None = None,
               county_to_region: dict | None = None, points: pd.DataFrame | None = None, large: bool = False,
               basemap: str | None = None) -> pdk.Deck:
    """Counties (or economic areas, drawn as their counties with the EA borders on top) coloured by
    LQ class; offline: the shipped county shapes over the country outlines. ``points``: latitude /
    longitude of the dataset's regions, to frame the view (default: the contiguous states)."""
    data = choropleth_records(features, values, county_to_region=county_to_region)
    height = MAP_HEIGHT_PX + (120 if large else 0)
    lats, lons = [24.5, 49.5], [-125.0, -66.5]
    if points is not None and len(points.dropna(subset=["latitude", "longitude"])):
        p = points.dropna(subset=["latitude", "longitude"])
        p = p[(p["latitude"] > 24) & (p["latitude"] < 50) & (p["longitude"] > -125) & (p["longitude"] < -66)]
        if len(p):
            lats = [float(p["latitude"].min()) - 0.8, float(p["latitude"].max()) + 0.8]
            lons = [float(p["longitude"].min()) - 0.8, float(p["longitude"].max()) + 0.8]
    view = maps.fit_view_state(lats, lons, width_px=MAP_WIDTH_PX, height_px=height, padding_px=20, max_zoom=7)
    layers = maps.base_layers(basemap=basemap)
    layers.append(pdk.Layer(
        "GeoJsonLayer", id="counties", data=data, stroked=county_to_region is None, filled=True,
        get_fill_color="properties.fill", get_line_color=[255, 255, 255, 120], line_width_units="'pixels'",
        get_line_width=0.3, pickable=True, auto_highlight=True))
    if borders is not None:
        layers.append(pdk.Layer(
            "GeoJsonLayer", id="ea-borders", data=borders, stroked=True, filled=False,
            get_line_color=[27, 36, 48, 220], line_width_units="'pixels'", get_line_width=1.2, pickable=False))
    return maps.deck(layers, view, MAP_TOOLTIP, basemap=basemap)


def lq_legend_items() -> list[tuple[str, str]]:
    return [(label, color) for _, _, color, label in LQ_CLASSES]


# ---- candidate clusters ----------------------------------------------------------------------------

def candidate_fit_chart(groups: pd.DataFrame, *, source: str, large: bool = False) -> go.Figure:
    """Per candidate cluster: mean correlation within (dark) and with the rest (light) — a group is
    tight when the first is far above the second — and its silhouette (diamond)."""
    d = groups.sort_values("candidate_code")
    labels = [f"{c} · {_label(n, 34)}" for c, n in zip(d["candidate_code"], d["candidate_name"])]
    fig = go.Figure()
    fig.add_bar(y=labels, x=d["within_corr"], orientation="h", name=fields.label("within_corr"), marker_color="#1b9e77")
    fig.add_bar(y=labels, x=d["between_corr"], orientation="h", name=fields.label("between_corr"), marker_color="#b8c2cf")
    fig.add_scatter(y=labels, x=d["silhouette"], mode="markers", name=fields.label("silhouette"),
                    marker=dict(symbol="diamond", size=9, color=NATION_COLOR))
    low = float(min(-0.2, d[["within_corr", "between_corr", "silhouette"]].min().min() - 0.05)) if len(d) else -0.2
    fig.update_layout(barmode="group", yaxis=dict(autorange="reversed"), xaxis=dict(title="correlation / silhouette",
                      range=[low, 1]), showlegend=True)
    return _top_legend(finish(fig, title="How tight each candidate cluster is", source=source,
                  height=max(360, 22 * len(labels) + 140), large=large))
