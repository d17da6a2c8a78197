"""Charts of the regional statistics: the cluster map (pydeck bubbles on the offline base map,
coloured by location quotient, sized by employment, strong clusters ringed), the portfolio
bubble chart, the specialisation trend, the comparison heatmap and the cluster-strength bars.
Builders take the frames of :mod:`clusterdash.stats.analysis` and return figures; no Streamlit.

Names from imported files (regions, clusters) are data: on the map they are drawn as canvas
text/tooltips (never HTML), in plotly they are escaped.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from clusterdash import config, fields, geo
from clusterdash.charts import maps
from clusterdash.charts.common import FONT_FAMILY, hex_to_rgba, style, wrap_lines

MAP_HEIGHT_PX = 560
MAP_HEIGHT_LARGE_PX = 680
MAP_WIDTH_PX = 860  # a little narrower than the map usually is, so the fitted view never clips
US_STATES_TOPOJSON = config.GEO_DIR / "us-states-10m.json"
US_STATES_OUTLINE_SOURCE = "U.S. Census Bureau 2017 state boundaries (us-atlas 3.0.1, ISC)"

# Location quotient classes: below / around / above the national specialisation.
LQ_CLASSES = [
    (0.0, 0.5, "#2c7bb6", "LQ < 0.5"),
    (0.5, 0.8, "#abd9e9", "0.5 – 0.8"),
    (0.8, 1.25, "#d9d9d9", "0.8 – 1.25 (near national)"),
    (1.25, 2.0, "#fdae61", "1.25 – 2"),
    (2.0, math.inf, "#d7191c", "LQ ≥ 2"),
]
NO_LQ_COLOR = "#9e9e9e"
STRONG_COLOR = "#d95f02"
OTHER_COLOR = "#7f8fa6"
STRONG_RING_RGBA = [27, 36, 48, 255]
WITHHELD_MARK_PCT = 5.0  # portfolio: diamonds when this share of establishments sits in withheld cells




def finish(fig: go.Figure, *, title: str, source: str, height: int, large: bool = False,
           bottom_px: int = 50) -> go.Figure:
    """House style plus the source line under the x-axis title, wrapped and placed in pixels so
    it never overlaps the axis, whatever the chart's height."""
    style(fig, title=title, height=height, large=large)
    lines = wrap_lines(f"Source: {source}", 95 if large else 125)
    font = (22 if large else 14) - 3
    fig.add_annotation(
        text="<br>".join(plotly_text(line) for line in lines), xref="paper", yref="paper", x=0, y=0,
        yshift=-bottom_px, showarrow=False, xanchor="left", yanchor="top", align="left",
        font=dict(size=font, color="#5f6b7a"),
    )
    fig.update_layout(margin=dict(b=bottom_px + 8 + len(lines) * (font + 6)), height=height + len(lines) * (font + 6))
    return fig


def lq_color(lq) -> str:
    if lq is None or pd.isna(lq):
        return NO_LQ_COLOR
    for lo, hi, color, _ in LQ_CLASSES:
        if lo <= lq < hi:
            return color
    return LQ_CLASSES[-1][2]


def lq_legend() -> list[dict]:
    return [{"label": label, "color": color} for _, _, color, label in LQ_CLASSES]


def plotly_text(s) -> str:
    """Escape a name for plotly labels (plotly reads a few HTML tags; data must not be markup)."""
    return html.escape("" if s is None else str(s), quote=False)


def fmt_int(v) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:,.0f}"


def fmt_num(v, digits: int = 2) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:,.{digits}f}"


# ---- the cluster map ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _state_outlines_json() -> str:
    import json

    return json.dumps(geo.read_topojson(US_STATES_TOPOJSON, "states", precision=3))


def us_state_outlines() -> dict:
    import json

    return json.loads(_state_outlines_json())


def state_outline_layer() -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer", id="us-states", data=us_state_outlines(), stroked=True, filled=False,
        get_line_color=[140, 150, 165, 255], line_width_units="'pixels'", get_line_width=0.7,
        line_width_min_pixels=0.5, pickable=False,
    )


def bubble_radius_px(employment, max_employment, *, large: bool = False) -> float:
    """Bubble radius in pixels: area proportional to employment (6 px minimum)."""
    top = 40.0 if large else 32.0
    if employment is None or pd.isna(employment) or not max_employment:
        return 4.0
    return max(6.0, top * math.sqrt(max(employment, 0) / max_employment))


def map_records(mapped: pd.DataFrame, *, large: bool = False) -> list[dict]:
    """JSON-safe rows for the bubble layer, with colour, radius and tooltip text."""
    if mapped.empty:
        return []
    top = float(mapped["employment"].max() or 0)
    out = []
    for r in mapped.itertuples():
        out.append({
            "region_code": str(r.region_code),
            "region_name": str(r.region_name),
            "position": [float(r.longitude), float(r.latitude)],
            "radius_px": (radius := bubble_radius_px(r.employment, top, large=large)),
            "label_offset": [0, -round(radius + 3)],
            "fill": hex_to_rgba(lq_color(r.lq), 215),
            "line_width": 2.5 if r.is_strong else 0.6,
            "line": STRONG_RING_RGBA if r.is_strong else [255, 255, 255, 230],
            "employment_text": fmt_int(r.employment),
            "lq_text": fmt_num(r.lq),
            "share_text": fmt_num(r.national_share_pct),
            "strong_text": ("Strong cluster (top 10 %)" if r.is_strong_top10 else "Strong cluster")
            if r.is_strong else "Not a strong cluster",
        })
    return out


TOOLTIP = {"text": "{region_name}\nEmployment: {employment_text}\nLocation quotient: {lq_text}\n"
                   "Share of national employment: {share_text} %\n{strong_text}"}


def cluster_map(mapped: pd.DataFrame, *, us_states: bool = False, large: bool = False,
                basemap: str | None = None) -> pdk.Deck:
    """One cluster across regions: bubbles coloured by LQ, sized by employment; strong clusters
    ringed and labelled."""
    records = map_records(mapped, large=large)
    height = MAP_HEIGHT_LARGE_PX if large else MAP_HEIGHT_PX
    lats = [r["position"][1] for r in records]
    lons = [r["position"][0] for r in records]
    if us_states:
        # the contiguous states frame the view; Alaska and Hawaii stay reachable by panning
        pts = [(la, lo) for la, lo in zip(lats, lons) if 24 < la < 50 and -125 < lo < -66] or list(zip(lats, lons))
        lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    view = maps.fit_view_state(lats, lons, width_px=MAP_WIDTH_PX, height_px=height, padding_px=60, max_zoom=6)
    layers = maps.base_layers(basemap=basemap)
    if us_states:
        layers.append(state_outline_layer())
    # largest bubbles first so small ones stay on top
    records.sort(key=lambda r: -r["radius_px"])
    layers.append(pdk.Layer(
        "ScatterplotLayer", id="cluster-bubbles", data=records, get_position="position",
        get_radius="radius_px", radius_units="'pixels'", get_fill_color="fill", get_line_color="line",
        get_line_width="line_width", line_width_units="'pixels'", stroked=True, filled=True, pickable=True,
        auto_highlight=True,
    ))
    strong = [r for r in records if r["line_width"] > 1]
    if strong:
        layers.append(pdk.Layer(
            "TextLayer", id="strong-labels", data=strong, get_position="position", get_text="region_name",
            get_size=17 if large else 13, size_units="'pixels'", get_color=[27, 36, 48, 255],
            get_pixel_offset="label_offset", get_alignment_baseline="'bottom'", font_family=f"'{FONT_FAMILY}'",
            font_weight=600, outline_width=3, outline_color=[255, 255, 255, 230], font_settings={"sdf": True},
            billboard=True, pickable=False,
        ))
    return maps.deck(layers, view, TOOLTIP, basemap=basemap)


# ---- a region's portfolio ------------------------------------------------------------------------

def portfolio_chart(port: pd.DataFrame, *, region_name: str, year: int, base_year: int, source: str,
                    large: bool = False) -> go.Figure:
    """Cluster portfolio: x = LQ (log scale), y = annual employment growth since the base year,
    bubble area = employment; strong clusters in orange and labelled. Clusters with withheld
    cells in the base year or the year are drawn as diamonds (their growth is distorted)."""
    df = port[(port["cluster_type"] != "local") & port["lq"].notna() & (port["lq"] > 0)].copy()
    fig = go.Figure()
    title = f"{plotly_text(region_name)}: traded cluster portfolio, {year}"
    if df.empty:
        return finish(fig, title=f"{title}: no traded clusters with employment", source=source, height=300, large=large)
    top = float(df["employment"].max())
    sizeref = 2.0 * top / ((70 if large else 56) ** 2)
    growth_known = df["cagr_pct"].notna().any()
    y = df["cagr_pct"] if growth_known else pd.Series(0.0, index=df.index)
    # distorted growth: ≥ 5 % of the cluster's establishments in withheld cells in either year
    zero = pd.Series(0.0, index=df.index)
    withheld = (df.get("withheld_establishments_pct", zero).fillna(0).clip(lower=0)
                .combine(df.get("base_year_withheld_establishments_pct", zero).fillna(0), max)) >= WITHHELD_MARK_PCT
    for strong, name, color in ((False, "Other clusters", OTHER_COLOR), (True, "Strong clusters", STRONG_COLOR)):
        part = df[df["is_strong"] == strong]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["lq"], y=y[part.index], mode="markers+text" if strong else "markers", name=name,
            text=[plotly_text(n) for n in part["cluster_name"]] if strong else None,
            textposition="top center", textfont=dict(size=(15 if large else 11), color="#1B2430"),
            marker=dict(size=part["employment"], sizemode="area", sizeref=sizeref, sizemin=4, color=color,
                        opacity=0.78, line=dict(width=1, color="white"),
                        symbol=["diamond" if w else "circle" for w in withheld[part.index]]),
            customdata=list(zip([plotly_text(n) for n in part["cluster_name"]], part["employment"],
                                part["cagr_pct"], part["national_share_pct"],
                                ["≥ 5 % of establishments: growth distorted" if w else "few or none" for w in withheld[part.index]])),
            hovertemplate="<b>%{customdata[0]}</b><br>LQ %{x:.2f}<br>Growth %{customdata[2]:.1f} % a year"
                          "<br>Employment %{customdata[1]:,.0f}<br>National share %{customdata[3]:.2f} %"
                          "<br>Withheld cells: %{customdata[4]}<extra></extra>",
        ))
    fig.add_vline(x=1, line=dict(color="#5f6b7a", dash="dash", width=1))
    if growth_known:
        fig.add_hline(y=0, line=dict(color="#5f6b7a", width=1))
    ytitle = f"Employment growth {base_year}–{year} (% a year)" if growth_known else "Growth: choose a base year before this year"
    ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50) if df["lq"].min() / 1.5 <= t <= df["lq"].max() * 1.5]
    fig.update_xaxes(type="log", title=f"{fields.label('lq')} (log scale; 1 = national average)", gridcolor="#eef1f5",
                     tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    fig.update_yaxes(title=ytitle, gridcolor="#eef1f5", zeroline=False)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.13, x=1, xanchor="right"), hovermode="closest")
    return finish(fig, title=title, source=source, height=620 if large else 540, large=large, bottom_px=75)


def trend_chart(trend: pd.DataFrame, *, region_name: str, source: str, large: bool = False) -> go.Figure:
    """Specialisation (LQ) of the region's main clusters over the years."""
    fig = go.Figure()
    for code, part in trend.groupby("cluster_code", sort=False):
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["lq"], mode="lines+markers", name=plotly_text(part["cluster_name"].iloc[0]),
            line=dict(width=3 if large else 2), marker=dict(size=8 if large else 6),
            hovertemplate="%{fullData.name}<br>%{x}: LQ %{y:.2f}<extra></extra>",
        ))
    fig.add_hline(y=1, line=dict(color="#5f6b7a", dash="dash", width=1))
    fig.update_xaxes(title=fields.label("year"), dtick=1, gridcolor="#eef1f5")
    fig.update_yaxes(title=fields.label("lq"), gridcolor="#eef1f5", rangemode="tozero")
    fig.update_layout(legend=dict(orientation="v", x=1.01, y=1, font=dict(size=15 if large else 12)))
    return finish(fig, title=f"{plotly_text(region_name)}: specialisation over time", source=source,
                  height=520 if large else 440, large=large, bottom_px=55)


# ---- compare regions ----------------------------------------------------------------------------

COMPARE_MEASURES = ("lq", "employment", "national_share_pct", "cagr_pct", "avg_wage")
# alias for ui/pages; lead removes after merge (the titles are the registry's labels: fields.label(m))
MEASURE_TITLES = fields.column_labels(COMPARE_MEASURES)


def compare_heatmap(cmp_: pd.DataFrame, *, measure: str, year: int, source: str, large: bool = False) -> go.Figure:
    """Regions (columns) × clusters (rows), coloured by ``measure``; strong clusters starred."""
    regions = cmp_.drop_duplicates("region_code")[["region_code", "region_name"]]
    clusters = (cmp_.groupby(["cluster_code", "cluster_name"])["employment"].sum()
                .sort_values(ascending=True).reset_index())
    z, text = [], []
    for c in clusters.itertuples():
        zr, tr = [], []
        for r in regions.itertuples():
            cell = cmp_[(cmp_["cluster_code"] == c.cluster_code) & (cmp_["region_code"] == r.region_code)]
            v = cell[measure].iloc[0] if len(cell) else None
            zr.append(None if v is None or pd.isna(v) else float(v))
            star = " ★" if len(cell) and bool(cell["is_strong"].iloc[0]) else ""
            tr.append(("–" if zr[-1] is None else (fmt_int(v) if measure == "employment" else fmt_num(v))) + star)
        z.append(zr)
        text.append(tr)
    colorscale = [[0, "#2c7bb6"], [0.5, "#f7f7f7"], [1, "#d7191c"]] if measure == "lq" else "Blues"
    zmid = 1.0 if measure == "lq" else None
    heat = go.Heatmap(
        z=z, x=[plotly_text(n) for n in regions["region_name"]], y=[plotly_text(n) for n in clusters["cluster_name"]],
        text=text, texttemplate="%{text}", textfont=dict(size=15 if large else 12), colorscale=colorscale,
        zmid=zmid, zmin=0 if measure == "lq" else None, zmax=3 if measure == "lq" else None,
        colorbar=dict(title=fields.label(measure)), hoverongaps=False,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    )
    fig = go.Figure(heat)
    fig.update_xaxes(side="top", tickangle=0)
    height = max(360, (44 if large else 36) * len(clusters) + 160)
    finish(fig, title=f"{fields.label(measure)} by cluster, {year} (★ strong cluster)", source=source,
           height=height, large=large, bottom_px=12)
    fig.update_layout(margin=dict(t=120 if large else 105))
    return fig


def strength_bars(summary: pd.DataFrame, *, year: int, source: str, large: bool = False) -> go.Figure:
    """Cluster strength (share of traded employment in strong clusters) per region."""
    df = summary.sort_values("cluster_strength_pct")
    fig = go.Figure(go.Bar(
        x=df["cluster_strength_pct"], y=[plotly_text(n) for n in df["region_name"]], orientation="h",
        marker_color=STRONG_COLOR, text=[f"{v:.1f} %" if pd.notna(v) else "–" for v in df["cluster_strength_pct"]],
        textposition="outside", cliponaxis=False,
        customdata=df["strong_clusters"], hovertemplate="%{y}: %{x:.1f} % in %{customdata} strong clusters<extra></extra>",
    ))
    fig.update_xaxes(title="Share of traded employment in strong clusters (%)", range=[0, 100], gridcolor="#eef1f5")
    return finish(fig, title=f"Cluster strength, {year}", source=source,
                  height=max(260, (56 if large else 44) * len(df) + 150), large=large, bottom_px=55)
