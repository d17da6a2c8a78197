"""Offline maps with pydeck: base layers drawn from the shipped country outlines, a view
state that fits a set of points, and a :func:`deck` helper with no basemap tiles by default.

ClusterDash renders maps with no network: ``map_provider=None`` (no tiles), and the land is
drawn from Natural Earth 110 m country outlines shipped in ``data/geo/`` (see
:mod:`clusterdash.geo`). Basemap tiles are an explicit opt-in: set ``CLUSTERDASH_BASEMAP=carto``
(the provider pydeck uses without an API key) and pass ``basemap=maps.basemap_setting()``.

Layer data is given as lists of plain dicts (no NaN: JSON has no NaN), see
:func:`records_for_deck`. Tooltips are text, never HTML (user text must not become markup).
No Streamlit here.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Iterable, Sequence

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from clusterdash import geo

BASEMAP_ENV = "CLUSTERDASH_BASEMAP"
BASEMAP_PROVIDERS = {"carto": "light"}  # provider -> map style (no API key needed)

# Land, borders and sea, in the house palette (quiet, so the data stands out).
LAND_RGBA = [236, 239, 243, 255]
BORDER_RGBA = [160, 168, 180, 255]
OCEAN_RGBA = [214, 228, 240, 255]

TILE_SIZE_PX = 512  # deck.gl's Web Mercator world is 512 px wide at zoom 0
MAX_MERCATOR_LAT = 85.051129

TOOLTIP_STYLE = {
    "backgroundColor": "#1B2430",
    "color": "white",
    "fontSize": "13px",
    "lineHeight": "1.35",
    "maxWidth": "260px",
    "whiteSpace": "pre-line",
    "padding": "8px 10px",
    "borderRadius": "4px",
}


# ---- settings ------------------------------------------------------------------------------

def basemap_setting() -> str | None:
    """The opt-in basemap provider from ``$CLUSTERDASH_BASEMAP`` (``carto``), or None (the
    default: no tiles, nothing fetched from the network)."""
    value = (os.environ.get(BASEMAP_ENV) or "").strip().lower()
    return value if value in BASEMAP_PROVIDERS else None


# ---- base layers ---------------------------------------------------------------------------

def ocean_layer(*, rgba: Sequence[int] = OCEAN_RGBA, layer_id: str = "ocean") -> pdk.Layer:
    """A rectangle over the Web Mercator world (and the copies beside it, so a map wider than the
    world shows sea, not a blank page), so the sea reads as sea without tiles."""
    world = [[-720, -MAX_MERCATOR_LAT], [720, -MAX_MERCATOR_LAT], [720, MAX_MERCATOR_LAT],
             [-720, MAX_MERCATOR_LAT]]
    return pdk.Layer(
        "SolidPolygonLayer", id=layer_id, data=[{"polygon": world}], get_polygon="polygon",
        get_fill_color=list(rgba), pickable=False,
    )


def country_layer(*, fill_rgba: Sequence[int] = LAND_RGBA, line_rgba: Sequence[int] = BORDER_RGBA,
                  line_width_px: float = 0.8, layer_id: str = "countries") -> pdk.Layer:
    """Country outlines (Natural Earth 110 m) as a GeoJsonLayer: filled land, thin borders."""
    return pdk.Layer(
        "GeoJsonLayer",
        id=layer_id,
        data=geo.shared_country_outlines(),  # read-only, shared: no copy on every page run
        stroked=True,
        filled=True,
        get_fill_color=list(fill_rgba),
        get_line_color=list(line_rgba),
        line_width_units="'pixels'",
        get_line_width=line_width_px,
        line_width_min_pixels=0.5,
        pickable=False,
    )


def base_layers(*, ocean: bool = True, basemap: str | None = None) -> list[pdk.Layer]:
    """The offline base: sea and country outlines. With a basemap (opt-in) only thin borders
    are drawn over the tiles."""
    if basemap:
        return [country_layer(fill_rgba=[0, 0, 0, 0], line_rgba=[120, 130, 145, 160])]
    return ([ocean_layer()] if ocean else []) + [country_layer()]


BASE_SOURCE = "Boundaries: " + geo.COUNTRIES_SOURCE


# ---- the deck ------------------------------------------------------------------------------

def deck(layers: Iterable[pdk.Layer], view_state: pdk.ViewState, tooltip: dict | bool | None = None, *,
         basemap: str | None = None, scroll_zoom: bool = True) -> pdk.Deck:
    """A pydeck Deck with no basemap tiles unless ``basemap`` names a provider (opt-in).

    ``tooltip``: ``{"text": "... {column} ..."}`` (text only; ``html`` is refused because
    user text must never become markup); the house style is added.
    """
    if isinstance(tooltip, dict):
        if "html" in tooltip:
            raise ValueError("map tooltips are text only: user text is never rendered as HTML")
        tooltip = {"style": dict(TOOLTIP_STYLE), **tooltip}
    provider = basemap if basemap in BASEMAP_PROVIDERS else None
    style = {"map_style": BASEMAP_PROVIDERS[provider]} if provider else {}
    # Without a provider, map_style must stay pydeck's default sentinel: an explicit
    # map_style=None makes Streamlit's frontend fall back to Carto tiles (a network request).
    return CompactDeck(
        layers=list(layers),
        initial_view_state=view_state,
        views=[pdk.View(type="MapView", controller={"scrollZoom": scroll_zoom, "doubleClickZoom": True},
                        repeat=False)],
        map_provider=provider,
        tooltip=tooltip if tooltip else False,
        **style,
    )


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck indents by 2, which makes a world of
    country outlines four times larger on the wire (Streamlit sends the spec on every run)."""

    def to_json(self):
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


# ---- view state ----------------------------------------------------------------------------

def _mercator_y(lat: float) -> float:
    lat = max(-MAX_MERCATOR_LAT, min(MAX_MERCATOR_LAT, lat))
    phi = math.radians(lat)
    return (1 - math.log(math.tan(math.pi / 4 + phi / 2)) / math.pi) / 2  # 0 (north) .. 1 (south)


def _inverse_mercator_y(y: float) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))


WORLD_VIEW = {"latitude": 20.0, "longitude": 10.0, "zoom": 0.8}


def fit_view_state(lats: Iterable[Any], lons: Iterable[Any], *, width_px: int = 900, height_px: int = 520,
                   padding_px: int = 40, max_zoom: float = 6.0, min_zoom: float = 0.0) -> pdk.ViewState:
    """A view state showing every valid (lat, lon) inside a ``width_px`` × ``height_px`` map
    with ``padding_px`` to spare on each side (Web Mercator). Invalid or missing positions are
    ignored; with none, the whole world; with one, that place at ``max_zoom``."""
    pts = [(float(la), float(lo)) for la, lo in zip(lats, lons) if geo.is_valid_position(lo, la)]
    if not pts:
        return pdk.ViewState(**WORLD_VIEW, min_zoom=0, max_zoom=12, pitch=0, bearing=0)
    xs = [(lo + 180) / 360 for _, lo in pts]
    ys = [_mercator_y(la) for la, _ in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    usable_w = max(width_px - 2 * padding_px, 50)
    usable_h = max(height_px - 2 * padding_px, 50)
    zooms = [max_zoom]
    if x1 > x0:
        zooms.append(math.log2(usable_w / (TILE_SIZE_PX * (x1 - x0))))
    if y1 > y0:
        zooms.append(math.log2(usable_h / (TILE_SIZE_PX * (y1 - y0))))
    zoom = max(min_zoom, min(zooms))
    return pdk.ViewState(
        latitude=round(_inverse_mercator_y((y0 + y1) / 2), 5),
        longitude=round((x0 + x1) / 2 * 360 - 180, 5),
        zoom=round(zoom, 3), min_zoom=0, max_zoom=12, pitch=0, bearing=0,
    )


# ---- data ----------------------------------------------------------------------------------

def records_for_deck(df, columns: Sequence[str] | None = None) -> list[dict]:
    """Rows of a DataFrame as JSON-safe dicts for a layer's ``data`` (NaN/NA → None,
    numpy scalars → Python)."""
    import pandas as pd

    sub = df if columns is None else df[list(columns)]
    out = []
    for rec in sub.to_dict("records"):
        clean = {}
        for k, v in rec.items():
            if v is None or (not isinstance(v, (list, dict, str)) and pd.isna(v)):
                clean[k] = None
            elif hasattr(v, "item"):
                clean[k] = v.item()
            else:
                clean[k] = v
        out.append(clean)
    return out
