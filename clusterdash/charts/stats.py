"""Charts of the regional statistics: the cluster map (pydeck, offline: bubbles or a U.S. state
choropleth coloured by location quotient; for NUTS regions, which have only their country's
position, one bubble per country listing its regions), the portfolio bubble chart, the
specialisation trend, the comparison heatmap and the cluster-strength bars. Builders take the
frames of :mod:`clusterdash.stats.analysis` and return figures; no Streamlit.

Charts that cannot mislead (issue #11):

- location quotients are coloured on a diverging scale centred on exactly 1, symmetric in log
  (LQ 0.5 and 2 are equally far from white); plotly ignores ``zmid`` when ``zmin``/``zmax`` are
  set, so the heatmap plots log10(LQ) on a symmetric range;
- growth axes are robust: the range comes from the clusters that are not small and not
  distorted; values beyond it are drawn at the edge as triangles and listed under the chart;
- strong-cluster labels are placed so no two overlap (:mod:`clusterdash.charts.labels`); a
  label that fits nowhere is listed instead;
- axis and legend texts state the benchmark ("LQ vs the region's country"; "1 = national
  average" only where it is the nation), titles the dataset's own term for its groups ("NAICS
  subsectors", "NACE sections"; "traded clusters" only with a cluster crosswalk).

Names from imported files (regions, clusters) are data: on the map they are drawn as canvas
text/tooltips (never HTML), in plotly they are escaped.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from clusterdash import config, fields, geo
from clusterdash.charts import labels, maps
from clusterdash.charts.common import FONT_FAMILY, hex_to_rgba, style, wrap_label, wrap_lines
from clusterdash.safe_text import plotly_text
from clusterdash.stats.analysis import (
    BENCHMARK_NAMES, cluster_title_term, lq_axis_title, lq_label, lq_one_means, region_label, share_label,
)

MAP_HEIGHT_PX = 560
MAP_HEIGHT_LARGE_PX = 680
MAP_WIDTH_PX = 860  # a little narrower than the map usually is, so the fitted view never clips
US_STATES_TOPOJSON = config.GEO_DIR / "us-states-10m.json"
US_STATES_OUTLINE_SOURCE = "U.S. Census Bureau 2017 state boundaries (us-atlas 3.0.1, ISC)"

# Location quotient classes, symmetric in log around 1 (0.8 = 1/1.25, 0.5 = 1/2).
LQ_CLASSES = [
    (0.0, 0.5, "#2c7bb6", "LQ < 0.5"),
    (0.5, 0.8, "#abd9e9", "0.5 – 0.8"),
    (0.8, 1.25, "#d9d9d9", "0.8 – 1.25"),
    (1.25, 2.0, "#fdae61", "1.25 – 2"),
    (2.0, math.inf, "#d7191c", "LQ ≥ 2"),
]
NEAR_AVERAGE = {"nation": "near the national average", "country": "near the country's average",
                "eu28": "near the EU28 average"}
# the continuous scale of the heatmap: the same hues, white at exactly the middle (LQ 1)
LQ_SCALE = [[0.0, "#2c7bb6"], [0.25, "#abd9e9"], [0.5, "#f7f7f7"], [0.75, "#fdae61"], [1.0, "#d7191c"]]
LQ_BOUNDS = (2.0, 4.0, 8.0)  # the heatmap's range is 1/B .. B for the smallest B holding the data
GROWTH_SCALE = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [1.0, "#2166ac"]]
NO_LQ_COLOR = "#9e9e9e"
STRONG_COLOR = "#d95f02"
OTHER_COLOR = "#7f8fa6"
STRONG_RING_RGBA = [27, 36, 48, 255]
DISTORTED_MARK = "†"

# portfolio: clusters smaller than this share of the plotted employment do not set the growth axis
SMALL_SHARE = 0.005
PORTFOLIO_ASSUMED_PLOT_W = 720  # label placement assumes at least this plot width (wider only helps)

USPS = {"01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE", "11": "DC",
        "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA", "20": "KS", "21": "KY",
        "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT",
        "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND", "39": "OH",
        "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT",
        "50": "VT", "51": "VA", "53": "WA", "54": "WV", "55": "WI", "56": "WY", "72": "PR"}


def finish(fig: go.Figure, *, title: str, source: str, height: int, large: bool = False,
           bottom_px: int = 50, notes: list[str] | None = None) -> go.Figure:
    """House style plus notes and the source line under the x-axis title, wrapped and placed in
    pixels so they never overlap the axis, whatever the chart's height. The plot area's height
    stays ``height - 58 - bottom_px`` (the notes add to the figure's height)."""
    style(fig, title=title, height=height, large=large)
    width = 95 if large else 125
    lines = [ln for note in (notes or []) for ln in wrap_lines(note, width)] + wrap_lines(f"Source: {source}", width)
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


def lq_legend(benchmark: str = "nation") -> list[dict]:
    """The map's LQ classes, the middle one named after the benchmark."""
    out = []
    for i, (_, _, color, label) in enumerate(LQ_CLASSES):
        out.append({"label": f"{label} ({NEAR_AVERAGE.get(benchmark, NEAR_AVERAGE['nation'])})" if i == 2 else label,
                    "color": color})
    return out


def lq_legend_title(benchmark: str = "nation") -> str:
    return f"Location quotient, {lq_label(benchmark)} ({lq_one_means(benchmark)})"


def fmt_int(v) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:,.0f}"


def fmt_num(v, digits: int = 2) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:,.{digits}f}"


def _bool(v) -> bool:
    return bool(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) and v is not pd.NA else False


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


def map_records(mapped: pd.DataFrame, *, large: bool = False, benchmark: str = "nation") -> list[dict]:
    """JSON-safe rows for the bubble layer, with colour, radius and tooltip text."""
    if mapped.empty:
        return []
    top = float(mapped["employment"].max() or 0)
    out = []
    for r in mapped.itertuples():
        strong = _bool(r.is_strong)
        out.append({
            "region_code": str(r.region_code),
            "region_name": str(r.region_name),
            "short_name": USPS.get(str(r.region_code), str(r.region_code)),
            "position": [float(r.longitude), float(r.latitude)],
            "radius_px": bubble_radius_px(r.employment, top, large=large),
            "label_offset": [0, 0],
            "fill": hex_to_rgba(lq_color(r.lq), 215),
            "line_width": 2.5 if strong else 0.6,
            "line": STRONG_RING_RGBA if strong else [255, 255, 255, 230],
            "is_strong": strong,
            "employment": None if pd.isna(r.employment) else float(r.employment),
            "employment_text": fmt_int(r.employment),
            "lq_text": fmt_num(r.lq),
            "share_text": fmt_num(r.national_share_pct),
            "strong_text": ("Strong (top 10 %)" if _bool(r.is_strong_top10) else "Strong") if strong else "Not strong",
        })
    return out


def tooltip(benchmark: str = "nation") -> dict:
    return {"text": "{region_name}\nEmployment: {employment_text}\n" + lq_label(benchmark) + ": {lq_text}\n"
                    + share_label(benchmark).replace(" (%)", "") + ": {share_text} %\n{strong_text}"}


TOOLTIP = tooltip("nation")


def project_px(lat: float, lon: float, view: pdk.ViewState, width_px: float, height_px: float) -> tuple[float, float]:
    """Screen pixels of (lat, lon) in a Web Mercator view of ``width_px`` × ``height_px``."""
    world = maps.TILE_SIZE_PX * 2 ** float(view.zoom)
    x = ((lon + 180) / 360 - (view.longitude + 180) / 360) * world + width_px / 2
    y = (maps._mercator_y(lat) - maps._mercator_y(view.latitude)) * world + height_px / 2
    return x, y


def _map_label_plan(records: list[dict], view: pdk.ViewState, *, font_px: float, height_px: int,
                    bubbles: bool = True) -> tuple[list[dict], list[str]]:
    """Pixel offsets for the strong regions' labels (largest first) so that none overlaps another
    or a bubble; returns (labelled records with ``label``/``label_offset``, names left out)."""
    strong = sorted((r for r in records if r["is_strong"]), key=lambda r: -(r["employment"] or 0))
    if not strong:
        return [], []
    pts = [(*project_px(r["position"][1], r["position"][0], view, MAP_WIDTH_PX, height_px),
            r["radius_px"] if bubbles else 2.0) for r in strong]
    others = [(*project_px(r["position"][1], r["position"][0], view, MAP_WIDTH_PX, height_px), r["radius_px"])
              for r in records if not r["is_strong"]] if bubbles else []
    # the other bubbles are obstacles too: appended as points without labels
    layout = pts + others
    texts = [(r["region_name"], r["short_name"]) for r in strong]
    # on a map a label never covers another bubble (it could be read as that bubble's): listed instead
    placed, dropped = labels.place_labels(texts, [layout], font_px=font_px, steps=2, diagonals=False,
                                          bounds=[(2, 2, MAP_WIDTH_PX - 2, height_px - 2)],
                                          may_cover_markers=not bubbles)
    out = []
    for p in placed:
        rec = dict(strong[p.index])
        rec["label"] = p.text
        rec["label_offset"] = [round(p.dx), round(p.dy)]
        out.append(rec)
    return out, [strong[i]["region_name"] for i in dropped]


def _view_for(records: list[dict], *, us_states: bool, height: int) -> pdk.ViewState:
    lats = [r["position"][1] for r in records]
    lons = [r["position"][0] for r in records]
    if us_states:
        # the contiguous states frame the view; Alaska and Hawaii stay reachable by panning
        pts = [(la, lo) for la, lo in zip(lats, lons) if 24 < la < 50 and -125 < lo < -66] or list(zip(lats, lons))
        lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    return maps.fit_view_state(lats, lons, width_px=MAP_WIDTH_PX, height_px=height, padding_px=60, max_zoom=6)


def _label_layer(labelled: list[dict], *, large: bool) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer", id="strong-labels", data=labelled, get_position="position", get_text="label",
        get_size=_label_font(large), size_units="'pixels'", get_color=[27, 36, 48, 255],
        get_pixel_offset="label_offset", get_alignment_baseline="'center'", get_text_anchor="'middle'",
        font_family=f"'{FONT_FAMILY}'", font_weight=600, outline_width=3, outline_color=[255, 255, 255, 230],
        font_settings={"sdf": True}, billboard=True, pickable=False,
    )


def _label_font(large: bool) -> int:
    return 17 if large else 13


def state_choropleth_features(records: list[dict]) -> dict:
    """The shipped state outlines as GeoJSON features filled by the state's LQ class, with the
    tooltip fields in ``properties``; states without a row stay unfilled."""
    by_code = {r["region_code"]: r for r in records}
    feats = []
    for f in us_state_outlines()["features"]:
        r = by_code.get(str(f.get("id")))
        props = {"fill": [0, 0, 0, 0], "line": [140, 150, 165, 255], "line_width": 0.7, "region_name": f["properties"]["name"],
                 "employment_text": "–", "lq_text": "–", "share_text": "–", "strong_text": "no data"}
        if r:
            props.update({k: r[k] for k in ("region_name", "employment_text", "lq_text", "share_text", "strong_text")})
            props["fill"] = list(r["fill"][:3]) + [235]
            props["line"] = STRONG_RING_RGBA if r["is_strong"] else [255, 255, 255, 255]
            props["line_width"] = 2.5 if r["is_strong"] else 0.8
        feats.append({"type": "Feature", "id": f.get("id"), "geometry": f["geometry"], "properties": props})
    # strong states last, so their dark outline is drawn over the neighbours' white ones
    feats.sort(key=lambda f: f["properties"]["line_width"])
    return {"type": "FeatureCollection", "features": feats}


def cluster_map(mapped: pd.DataFrame, *, us_states: bool = False, large: bool = False, basemap: str | None = None,
                benchmark: str = "nation", choropleth: bool = False) -> pdk.Deck:
    """One cluster across regions: bubbles coloured by LQ, sized by employment (or, for U.S.
    states with ``choropleth``, the states filled by LQ class); strong regions ringed/outlined
    and labelled where a label fits (:func:`unlabelled_strong` lists the others)."""
    records = map_records(mapped, large=large, benchmark=benchmark)
    height = MAP_HEIGHT_LARGE_PX if large else MAP_HEIGHT_PX
    view = _view_for(records, us_states=us_states, height=height)
    layers = maps.base_layers(basemap=basemap)
    choropleth = choropleth and us_states
    if choropleth:
        layers.append(pdk.Layer(
            "GeoJsonLayer", id="state-choropleth", data=state_choropleth_features(records), stroked=True, filled=True,
            get_fill_color="properties.fill", get_line_color="properties.line", get_line_width="properties.line_width",
            line_width_units="'pixels'", line_width_min_pixels=0.5, pickable=True, auto_highlight=True,
        ))
    else:
        if us_states:
            layers.append(state_outline_layer())
        records.sort(key=lambda r: -r["radius_px"])  # largest bubbles first so small ones stay on top
        layers.append(pdk.Layer(
            "ScatterplotLayer", id="cluster-bubbles", data=records, get_position="position",
            get_radius="radius_px", radius_units="'pixels'", get_fill_color="fill", get_line_color="line",
            get_line_width="line_width", line_width_units="'pixels'", stroked=True, filled=True, pickable=True,
            auto_highlight=True,
        ))
    labelled, _ = _map_label_plan(records, view, font_px=_label_font(large), height_px=height, bubbles=not choropleth)
    if labelled:
        layers.append(_label_layer(labelled, large=large))
    return maps.deck(layers, view, tooltip(benchmark), basemap=basemap)


def unlabelled_strong(mapped: pd.DataFrame, *, us_states: bool = False, large: bool = False,
                      choropleth: bool = False) -> list[str]:
    """Strong regions whose label did not fit on :func:`cluster_map` (list them beside it)."""
    records = map_records(mapped, large=large)
    height = MAP_HEIGHT_LARGE_PX if large else MAP_HEIGHT_PX
    view = _view_for(records, us_states=us_states, height=height)
    return _map_label_plan(records, view, font_px=_label_font(large), height_px=height,
                           bubbles=not (choropleth and us_states))[1]


# ---- NUTS regions: one bubble per country ------------------------------------------------------

COUNTRY_POSITION_NOTE = ("Bubbles stand at each country's position, not at the regions' (no NUTS region "
                         "positions are shipped): one bubble per country, coloured by the country's own LQ against "
                         "the EU28 aggregate, ringed when one of its regions is strong; its tooltip lists the regions.")
COUNTRY_LEGEND_TITLE = "Location quotient of the country, LQ vs the EU28 aggregate (1 = EU28 average)"


def country_records(countries: pd.DataFrame, *, large: bool = False, cluster_term_singular: str = "cluster") -> list[dict]:
    if countries.empty:
        return []
    top = float(countries["employment"].max() or 0)
    out = []
    for r in countries.itertuples():
        strong = int(r.strong_regions) > 0
        name = str(r.country_name)
        out.append({
            "region_code": str(r.country_code), "region_name": f"{name}: {r.strong_regions} strong" if strong else name,
            "short_name": f"{r.country_code} ({r.strong_regions})",
            "position": [float(r.longitude), float(r.latitude)],
            "radius_px": bubble_radius_px(r.employment, top, large=large),
            "label_offset": [0, 0],
            "fill": hex_to_rgba(lq_color(r.country_lq), 215),
            "line_width": 2.5 if strong else 0.6, "line": STRONG_RING_RGBA if strong else [255, 255, 255, 230],
            "is_strong": strong, "employment": None if pd.isna(r.employment) else float(r.employment),
            "country_name": name, "employment_text": fmt_int(r.employment), "max_lq_text": fmt_num(r.max_lq),
            "country_lq_text": fmt_num(r.country_lq),
            "regions_text": f"{r.regions} regions, {r.strong_regions} strong", "region_list": str(r.region_list),
        })
    return out


def country_tooltip(benchmark: str, employment_unit: str = "") -> dict:
    unit = f" ({employment_unit})" if employment_unit else ""
    return {"text": "{country_name} — country position, not the regions'\nEmployment" + unit + ": {employment_text}\n"
                    "Country's LQ vs the EU28 aggregate: {country_lq_text}\n"
                    "Highest regional " + lq_label(benchmark) + ": {max_lq_text}\n{regions_text}\n"
                    "Regions, " + lq_label(benchmark) + ":\n{region_list}"}


def country_cluster_map(countries: pd.DataFrame, *, large: bool = False, basemap: str | None = None,
                        benchmark: str = "country", employment_unit: str = "") -> pdk.Deck:
    """NUTS regions aggregated to their country's position: bubble area = the country's
    employment in the group (sum of its regions), colour = the country's own LQ against the EU28
    aggregate (against its own country every country is 1), ring = at least one strong region
    (under ``benchmark``); the tooltip lists the regions with their LQ, highest first."""
    records = country_records(countries, large=large)
    height = MAP_HEIGHT_LARGE_PX if large else MAP_HEIGHT_PX
    view = _view_for(records, us_states=False, height=height)
    layers = maps.base_layers(basemap=basemap)
    records.sort(key=lambda r: -r["radius_px"])
    layers.append(pdk.Layer(
        "ScatterplotLayer", id="country-bubbles", data=records, get_position="position", get_radius="radius_px",
        radius_units="'pixels'", get_fill_color="fill", get_line_color="line", get_line_width="line_width",
        line_width_units="'pixels'", stroked=True, filled=True, pickable=True, auto_highlight=True,
    ))
    labelled, _ = _map_label_plan(records, view, font_px=_label_font(large), height_px=height)
    if labelled:
        layers.append(_label_layer(labelled, large=large))
    return maps.deck(layers, view, country_tooltip(benchmark, employment_unit), basemap=basemap)


# ---- a region's portfolio ------------------------------------------------------------------------

def growth_range(df: pd.DataFrame, col: str = "cagr_pct") -> tuple[float, float]:
    """A robust range of growth for the y-axis: set by the clusters that are not small (at least
    :data:`SMALL_SHARE` of the plotted employment) and not flagged as distorted, padded, with 0
    inside; the rest may fall outside (drawn at the edge, listed)."""
    v = pd.to_numeric(df[col], errors="coerce")
    emp = pd.to_numeric(df["employment"], errors="coerce").fillna(0)
    distorted = df["is_growth_distorted"].fillna(False).astype(bool) if "is_growth_distorted" in df else False
    core = v[(emp >= SMALL_SHARE * emp.sum()) & ~distorted & v.notna()]
    if core.empty:
        core = v.dropna()
    if core.empty:
        return -1.0, 1.0
    lo, hi = min(float(core.min()), 0.0), max(float(core.max()), 0.0)
    # the rest may widen the axis by up to half the core's span on either side, no more
    reach = max((hi - lo) * 0.5, 2.0)
    allv = v.dropna()
    lo = min(lo, max(float(allv.min()), lo - reach))
    hi = max(hi, min(float(allv.max()), hi + reach))
    pad = max((hi - lo) * 0.08, 1.0)
    return lo - pad, hi + pad


def portfolio_frame(port: pd.DataFrame) -> pd.DataFrame:
    """The rows the portfolio chart draws (not local, LQ > 0), with ``y`` (growth drawn, clipped
    to the robust range), ``is_clipped`` and ``is_distorted``."""
    df = port[(port["cluster_type"] != "local") & port["lq"].notna() & (port["lq"] > 0)].copy()
    if df.empty:
        return df.assign(y=[], is_clipped=[], is_distorted=[])
    df["is_distorted"] = (df["is_growth_distorted"].fillna(False).astype(bool) if "is_growth_distorted" in df
                          else False)
    if df["cagr_pct"].notna().any():
        lo, hi = growth_range(df)
        df["y"] = df["cagr_pct"].clip(lo, hi).fillna(0.0)
        df["is_clipped"] = df["cagr_pct"].notna() & ((df["cagr_pct"] < lo) | (df["cagr_pct"] > hi))
    else:
        df["y"] = 0.0
        df["is_clipped"] = False
    return df


def portfolio_clipped(port: pd.DataFrame) -> pd.DataFrame:
    """The clusters the portfolio chart draws at the edge of its growth axis (off the scale)."""
    df = portfolio_frame(port)
    return df[df["is_clipped"]] if len(df) else df


def _symbol(clipped: bool, up: bool, distorted: bool) -> str:
    if clipped:
        return ("triangle-up" if up else "triangle-down") + ("-open" if distorted else "")
    return "diamond" if distorted else "circle"


def log_ticks(lo: float, hi: float) -> list[float]:
    """Tick values of an LQ axis spanning log10 ``lo`` .. ``hi``: 1-2-5 steps, finer on a short axis."""
    coarse = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50)
    fine = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 20, 50)
    ticks = [t for t in coarse if lo <= math.log10(t) <= hi]
    return ticks if len(ticks) >= 4 else [t for t in fine if lo <= math.log10(t) <= hi]


def portfolio_geometry(fig: go.Figure) -> dict:
    """The pixel geometry the chart's label placement assumed: plot width (a minimum), plot
    height (nominal), axis ranges (x in log10)."""
    return dict(fig.layout.meta or {}).get("label_geometry", {})


def portfolio_chart(port: pd.DataFrame, *, region_name: str, year: int, base_year: int, source: str,
                    large: bool = False, cluster_term: str = "clusters", benchmark: str = "nation") -> go.Figure:
    """Portfolio: x = LQ against the benchmark (log scale), y = annual employment growth since the
    base year (robust range: small clusters beyond it are drawn at the edge as triangles and
    listed), bubble area = employment; strong ones in orange and labelled without overlap;
    growth flagged as distorted by withheld cells (``is_growth_distorted``) drawn as diamonds."""
    df = portfolio_frame(port)
    fig = go.Figure()
    term = cluster_title_term(port["cluster_type"], cluster_term)
    title = f"{plotly_text(region_name)}: portfolio of {term}, {year}"
    if df.empty:
        return finish(fig, title=f"{title}: none with employment", source=source, height=300, large=large)
    top = float(df["employment"].max())
    maxpx = 70 if large else 56
    sizeref = 2.0 * top / (maxpx ** 2)
    growth_known = bool(df["cagr_pct"].notna().any())
    ylo, yhi = growth_range(df) if growth_known else (-1.0, 1.0)
    xlo = math.log10(min(float(df["lq"].min()), 1.0) / 1.5)
    xhi = math.log10(max(float(df["lq"].max()), 1.0) * 1.5)
    strong_mask = df["is_strong"].fillna(False).astype(bool)
    for strong, color in ((False, OTHER_COLOR), (True, STRONG_COLOR)):
        part = df[strong_mask == strong]
        if part.empty:
            continue
        notes = [("growth distorted: " + str(n)) if d else ("growth off the scale" if c else "")
                 for n, d, c in zip(part.get("growth_note", pd.Series("", index=part.index)).fillna(""),
                                    part["is_distorted"], part["is_clipped"])]
        fig.add_trace(go.Scatter(
            x=part["lq"], y=part["y"], mode="markers", name=f"{'Strong' if strong else 'Other'} {term.removeprefix('traded ')}",
            marker=dict(size=part["employment"], sizemode="area", sizeref=sizeref, sizemin=4, color=color,
                        opacity=0.78, line=dict(width=1, color="white"),
                        symbol=[_symbol(c, v > 0, d) for c, v, d in zip(part["is_clipped"], part["y"], part["is_distorted"])]),
            customdata=list(zip([plotly_text(n) for n in part["cluster_name"]], part["employment"], part["cagr_pct"],
                                part["national_share_pct"], [plotly_text(n) for n in notes])),
            hovertemplate="<b>%{customdata[0]}</b><br>LQ %{x:.2f}<br>Growth %{customdata[2]:.1f} % a year"
                          "<br>Employment %{customdata[1]:,.0f}<br>Share %{customdata[3]:.2f} %"
                          "<br>%{customdata[4]}<extra></extra>",
        ))
    # legend keys for the marker shapes
    if df["is_distorted"].any():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="growth distorted by withheld cells",
                                 marker=dict(symbol="diamond", size=11, color="#9aa4b1"), hoverinfo="skip"))
    if df["is_clipped"].any():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="off the growth scale (listed below)",
                                 marker=dict(symbol="triangle-up", size=11, color="#9aa4b1"), hoverinfo="skip"))
    fig.add_vline(x=1, line=dict(color="#5f6b7a", dash="dash", width=1))
    if growth_known:
        fig.add_hline(y=0, line=dict(color="#5f6b7a", width=1))
    ytitle = f"Employment growth {base_year}–{year} (% a year)" if growth_known else "Growth: choose a base year before this year"
    ticks = log_ticks(xlo, xhi)
    fig.update_xaxes(type="log", title=lq_axis_title(benchmark), gridcolor="#eef1f5", range=[xlo, xhi],
                     tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    fig.update_yaxes(title=ytitle, gridcolor="#eef1f5", zeroline=False, range=[ylo, yhi], ticksuffix=" %")
    bottom_px = 110 if large else 100
    height = 640 if large else 560
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.16, x=0, xanchor="left"), hovermode="closest")
    # strong-cluster labels, placed in pixels so that no two overlap
    font = 15 if large else 12
    plot_h = height - 58 - bottom_px
    strong = df[strong_mask].sort_values("employment", ascending=False)

    def layout(w: float, h: float, points: pd.DataFrame) -> list[tuple[float, float, float]]:
        out = []
        for r in points.itertuples():
            x = (math.log10(r.lq) - xlo) / (xhi - xlo) * w
            y = (yhi - r.y) / (yhi - ylo) * h
            d = math.sqrt(max(float(r.employment or 0), 0) / 2 / sizeref)
            out.append((x, y, max(d, 4.0) / 2))
        return out

    others = df[~strong_mask]
    # the plot sizes the chart may be drawn at: the assumed minimum width and 1.6 times it; the nominal
    # plot height and a smaller one (should automatic margins grow)
    sizes = [(w, h) for w in (PORTFOLIO_ASSUMED_PLOT_W, 1.6 * PORTFOLIO_ASSUMED_PLOT_W) for h in (plot_h, 0.85 * plot_h)]
    layouts = [layout(w, h, strong) + layout(w, h, others) for w, h in sizes]
    bounds = [(0, 0, w, h) for w, h in sizes]
    texts = [(n, n[:28] + "…" if len(n) > 30 else "") for n in strong["cluster_name"].astype(str)]
    placed, dropped = labels.place_labels(texts, layouts, font_px=font, bounds=bounds, place_first=False)
    rows = strong.reset_index(drop=True)
    for p in placed:
        r = rows.iloc[p.index]
        fig.add_annotation(x=math.log10(r["lq"]), y=r["y"], xref="x", yref="y", text=plotly_text(p.text),
                           showarrow=True, arrowhead=0, arrowwidth=0.8, arrowcolor="#8a94a3", ax=p.dx, ay=p.dy,
                           standoff=layouts[0][p.index][2], font=dict(size=font, color="#1B2430"),
                           bgcolor="rgba(255,255,255,0.7)", name="strong-label")
    notes = []
    clipped = df[df["is_clipped"]].sort_values("cagr_pct", ascending=False)
    if len(clipped):
        notes.append("Off the growth scale (▲▼ at the edge): " + "; ".join(
            f"{n} {v:+.1f} % a year ({fmt_int(e)} employed)"
            for n, v, e in zip(clipped["cluster_name"], clipped["cagr_pct"], clipped["employment"])))
    if dropped:
        notes.append("Strong, not labelled for lack of room: " + "; ".join(str(rows.iloc[i]["cluster_name"]) for i in dropped))
    fig.update_layout(meta={"label_geometry": {"sizes": sizes, "font_px": font,
                                               "x_range": [xlo, xhi], "y_range": [ylo, yhi]},
                            "clipped": clipped["cluster_name"].astype(str).tolist(),
                            "unlabelled": [str(rows.iloc[i]["cluster_name"]) for i in dropped]})
    return finish(fig, title=title, source=source, height=height, large=large, bottom_px=bottom_px, notes=notes)


def trend_chart(trend: pd.DataFrame, *, region_name: str, source: str, large: bool = False,
                benchmark: str = "nation", cluster_term: str = "clusters") -> go.Figure:
    """Specialisation (LQ against the benchmark, log scale) of the region's main groups over the years."""
    fig = go.Figure()
    for code, part in trend.groupby("cluster_code", sort=False):
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["lq"], mode="lines+markers", name=plotly_text(part["cluster_name"].iloc[0]),
            line=dict(width=3 if large else 2), marker=dict(size=8 if large else 6),
            hovertemplate="%{fullData.name}<br>%{x}: LQ %{y:.2f}<extra></extra>",
        ))
    fig.add_hline(y=1, line=dict(color="#5f6b7a", dash="dash", width=1))
    lq = pd.to_numeric(trend["lq"], errors="coerce") if len(trend) else pd.Series(dtype=float)
    lq = lq[lq > 0]
    lo = math.log10(min(float(lq.min()) if len(lq) else 1.0, 1.0) / 1.3)
    hi = math.log10(max(float(lq.max()) if len(lq) else 1.0, 1.0) * 1.3)
    ticks = log_ticks(lo, hi)
    fig.update_xaxes(title=fields.label("year"), dtick=1, gridcolor="#eef1f5")
    fig.update_yaxes(title=lq_axis_title(benchmark), type="log", range=[lo, hi], tickvals=ticks,
                     ticktext=[f"{t:g}" for t in ticks], gridcolor="#eef1f5")
    fig.update_layout(legend=dict(orientation="v", x=1.01, y=1, font=dict(size=15 if large else 12)))
    return finish(fig, title=f"{plotly_text(region_name)}: specialisation of its main {cluster_term} over time",
                  source=source, height=520 if large else 440, large=large, bottom_px=55)


# ---- compare regions ----------------------------------------------------------------------------

COMPARE_MEASURES = ("lq", "employment", "national_share_pct", "cagr_pct", "avg_wage")

def measure_title(measure: str, benchmark: str = "nation") -> str:
    if measure == "lq":
        return "Location quotient " + lq_label(benchmark).removeprefix("LQ ")
    if measure == "national_share_pct":
        return share_label(benchmark)
    return fields.label(measure)


def lq_heat_range(values) -> float:
    """Half-width in log10 of the heatmap's symmetric LQ range: log10(B) for the smallest bound
    B in :data:`LQ_BOUNDS` holding every LQ (the largest bound clips beyond)."""
    v = [abs(math.log10(x)) for x in values if x is not None and not pd.isna(x) and x > 0]
    need = max(v, default=0.0)
    for b in LQ_BOUNDS:
        if need <= math.log10(b) + 1e-12:
            return math.log10(b)
    return math.log10(LQ_BOUNDS[-1])


def scale_color(colorscale, t: float) -> str:
    """The colour of a plotly colorscale (list of [position, '#rrggbb']) at t ∈ [0, 1]."""
    t = min(max(float(t), 0.0), 1.0)
    for (p0, c0), (p1, c1) in zip(colorscale, colorscale[1:]):
        if p0 <= t <= p1:
            f = 0.0 if p1 == p0 else (t - p0) / (p1 - p0)
            a, b = _rgb(c0), _rgb(c1)
            return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b))
    return colorscale[-1][1]


def _rgb(c: str) -> tuple[int, int, int]:
    c = c.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def heat_cell_color(fig: go.Figure, value: float) -> str:
    """The colour the heatmap gives a cell of ``value`` (in the measure's unit: an LQ for LQ)."""
    heat = fig.data[0]
    z = math.log10(value) if (heat.meta or {}).get("log") else float(value)
    return scale_color([list(x) for x in heat.colorscale], (z - heat.zmin) / (heat.zmax - heat.zmin))


def compare_heatmap(cmp_: pd.DataFrame, *, measure: str, year: int, source: str, large: bool = False,
                    benchmark: str = "nation", cluster_term: str = "clusters") -> go.Figure:
    """Regions (columns) × groups (rows), coloured by ``measure``; strong ones starred. LQ on a
    diverging log scale whose middle (white) is exactly LQ 1; growth on a diverging scale centred
    on 0, with distorted growth marked †; other measures on a sequential scale."""
    regions = cmp_.drop_duplicates("region_code")[["region_code", "region_name"]]
    dup = regions["region_name"].duplicated(keep=False)
    col_names = [region_label(n, c) if d else str(n) for n, c, d in zip(regions["region_name"], regions["region_code"], dup)]
    clusters = (cmp_.groupby(["cluster_code", "cluster_name"])["employment"].sum()
                .sort_values(ascending=True).reset_index())
    cells = {(r.cluster_code, r.region_code): r for r in cmp_.itertuples()}
    text, raw = [], []
    any_distorted = False
    for c in clusters.itertuples():
        tr, rr = [], []
        for r in regions.itertuples():
            cell = cells.get((c.cluster_code, r.region_code))
            v = getattr(cell, measure) if cell is not None else None
            v = None if v is None or pd.isna(v) else float(v)
            rr.append(v)
            star = " ★" if cell is not None and _bool(cell.is_strong) else ""
            dag = ""
            if measure == "cagr_pct" and cell is not None and _bool(getattr(cell, "is_growth_distorted", False)):
                dag, any_distorted = f" {DISTORTED_MARK}", True
            tr.append(("–" if v is None else (fmt_int(v) if measure in ("employment", "avg_wage") else fmt_num(v))) + dag + star)
        text.append(tr)
        raw.append(rr)
    kw: dict = {}
    meta = {"log": False, "measure": measure}
    if measure == "lq":
        half = lq_heat_range([v for row in raw for v in row])
        zl = [[None if v is None else (max(math.log10(v), -half) if v > 0 else -half) for v in row] for row in raw]
        bound = 10 ** half
        ticks = [b for b in (1 / 8, 1 / 4, 1 / 2, 2 / 3, 1, 1.5, 2, 4, 8) if 1 / bound - 1e-9 <= b <= bound + 1e-9]
        kw = dict(z=zl, colorscale=LQ_SCALE, zmin=-half, zmax=half,
                  colorbar=dict(title=dict(text=f"LQ<br>vs {plotly_text(BENCHMARK_NAMES.get(benchmark, 'the nation')).replace(' ', '<br>', 1)}<br>(log)"),
                                tickvals=[math.log10(t) for t in ticks], ticktext=[f"{t:.2g}" for t in ticks]))
        meta["log"] = True
    elif measure == "cagr_pct":
        vals = pd.Series([abs(v) for row in raw for v in row if v is not None], dtype=float)
        half = max(1.0, math.ceil(float(vals.quantile(0.9))) if len(vals) else 1.0)
        kw = dict(z=raw, colorscale=GROWTH_SCALE, zmin=-half, zmax=half,
                  colorbar=dict(title=dict(text="% a year"), ticksuffix=" %"))
    else:
        kw = dict(z=raw, colorscale="Blues", colorbar=dict(title=dict(text=plotly_text(wrap_label(measure_title(measure, benchmark), 12)))))
    heat = go.Heatmap(
        x=[plotly_text(wrap_label(n, 16)) for n in col_names], y=[plotly_text(n) for n in clusters["cluster_name"]],
        text=text, texttemplate="%{text}", textfont=dict(size=15 if large else 12), hoverongaps=False,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", meta=meta, **kw,
    )
    fig = go.Figure(heat)
    fig.update_xaxes(side="top", tickangle=0)
    height = max(360, (44 if large else 36) * len(clusters) + 180)
    title = f"{measure_title(measure, benchmark)}, {year}: {cluster_term} (★ strong)"
    notes = [f"{DISTORTED_MARK} growth distorted by withheld cells (base or end year; see the growth note in the data)"] \
        if any_distorted else []
    if measure == "lq":
        average = NEAR_AVERAGE.get(benchmark, NEAR_AVERAGE["nation"]).removeprefix("near ")
        notes.insert(0, f"White: LQ 1, {average}; colours are symmetric on a log scale "
                        f"(LQ 2 and 0.5 equally strong); the scale ends at {10 ** lq_heat_range([v for row in raw for v in row]):g}.")
    finish(fig, title=plotly_text(title), source=source, height=height, large=large, bottom_px=12, notes=notes)
    fig.update_layout(margin=dict(t=130 if large else 115))
    return fig


def strength_bars(summary: pd.DataFrame, *, year: int, source: str, large: bool = False,
                  cluster_term: str = "clusters", traded: bool = True) -> go.Figure:
    """Cluster strength (share of traded employment, or of all employment where the groups are the
    classification's own, in strong groups) per region."""
    df = summary.sort_values("cluster_strength_pct")
    base = "traded employment" if traded else "employment"
    term = "clusters" if traded else cluster_term
    fig = go.Figure(go.Bar(
        x=df["cluster_strength_pct"], y=[plotly_text(n) for n in df["region_name"]], orientation="h",
        marker_color=STRONG_COLOR, text=[f"{v:.1f} %" if pd.notna(v) else "–" for v in df["cluster_strength_pct"]],
        textposition="outside", cliponaxis=False,
        customdata=df["strong_clusters"], hovertemplate=f"%{{y}}: %{{x:.1f}} % in %{{customdata}} strong {term}<extra></extra>",
    ))
    fig.update_xaxes(title=f"Share of {base} in strong {term} (%)", range=[0, 100], gridcolor="#eef1f5")
    return finish(fig, title=f"{'Cluster strength' if traded else 'Strength'}: share of {base} in strong {term}, {year}",
                  source=source,
                  height=max(260, (56 if large else 44) * len(df) + 150), large=large, bottom_px=55)
