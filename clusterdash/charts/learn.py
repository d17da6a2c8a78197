"""The world-regions map: the countries the guide's regional narratives and the catalogue name,
coloured by the guide's world region (kb_country_region), over the offline base layers. Countries
the text places in a region are filled solid; those ClusterDash groups there by continent are pale
with a region-coloured outline. A label per region; clicking a country or a label picks the region.
No Streamlit.
"""

from __future__ import annotations

import statistics

import pandas as pd
import pydeck as pdk

from clusterdash import fields, geo
from clusterdash.charts import maps
from clusterdash.initiatives import hex_to_rgba

LAYER_ID = "world-regions"  # st.pydeck_chart reports selections per layer id
LABEL_LAYER_ID = "world-region-labels"
MAP_WIDTH_PX = 860
MAP_HEIGHT_PX = 430
MAP_HEIGHT_LARGE_PX = 600

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), one per world region
REGION_COLORS: dict[str, str] = {
    "europe": "#0072B2",
    "africa": "#E69F00",
    "north_america": "#009E73",
    "australia_oceania": "#CC79A7",
    "latin_america_caribbean": "#D55E00",
    "east_central_asia": "#56B4E9",
}
OTHER_COLOR = "#8C96A3"
TEXT_ALPHA, GROUPED_ALPHA, FADED_ALPHA = 225, 95, 55

# Names of kb_country_region that the Natural Earth outlines spell differently. Areas that are no
# single country (Africa, European Union, Caribbean, Western Balkans, ...) have no outline.
OUTLINE_NAMES = {"United States": "United States of America", "Viet Nam": "Vietnam"}

TOOLTIP = {"text": "{tooltip}"}
BASIS_NOTE = {
    "text": "The guide places it in this region.",
    "clusterdash_grouping": "ClusterDash's grouping by continent: the guide does not place it in a region.",
}


def region_color(world_region: str | None) -> str:
    return REGION_COLORS.get(world_region or "", OTHER_COLOR)


def _outlines_by_name() -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in geo.shared_country_outlines()["features"]}


def outline_name(country: str) -> str:
    return OUTLINE_NAMES.get(country, country)


def mapped_countries(country_regions: pd.DataFrame) -> pd.DataFrame:
    """The rows of kb_country_region that have an outline on the map (countries, not areas)."""
    names = _outlines_by_name()
    return country_regions[country_regions["country"].map(lambda c: outline_name(c) in names)]


def region_features(country_regions: pd.DataFrame, *, selected: str | None = None) -> dict:
    """A GeoJSON FeatureCollection of the named countries: geometry from the shipped outlines,
    properties: country, world_region, region_name, region_basis, fill/line colours, tooltip."""
    names = _outlines_by_name()
    features = []
    for r in country_regions.itertuples():
        outline = names.get(outline_name(r.country))
        if outline is None:
            continue
        grouped = r.region_basis != "text"
        alpha = GROUPED_ALPHA if grouped else TEXT_ALPHA
        if selected and r.world_region != selected:
            alpha = FADED_ALPHA
        rgba = hex_to_rgba(region_color(r.world_region), alpha)
        is_selected = bool(selected) and r.world_region == selected
        line = [27, 36, 48, 255] if is_selected else hex_to_rgba(region_color(r.world_region), 255) if grouped \
            else [255, 255, 255, 255]
        tooltip = "\n".join([
            str(r.country),
            f"{fields.label('world_region')}: {r.region_name}",
            BASIS_NOTE.get(r.region_basis, ""),
            "Click to open the region",
        ])
        features.append({
            "type": "Feature",
            "geometry": outline["geometry"],
            "properties": {
                "country": r.country, "world_region": r.world_region, "region_name": r.region_name,
                "region_basis": r.region_basis, "is_grouped": grouped, "is_selected": is_selected,
                "fill": rgba, "line": line, "line_px": 2.2 if is_selected else (1.6 if grouped else 0.8),
                "tooltip": tooltip,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def region_label_records(country_regions: pd.DataFrame, regions: pd.DataFrame) -> list[dict]:
    """One label per world region with mapped countries: at the median of its countries' centres."""
    names = _outlines_by_name()
    centres: dict[str, list[tuple[float, float]]] = {}
    for r in country_regions.itertuples():
        outline = names.get(outline_name(r.country))
        b = geo.bounds(outline) if outline else None
        if b:
            centres.setdefault(r.world_region, []).append(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2))
    out = []
    for r in regions.itertuples():
        pts = centres.get(r.world_region)
        if not pts:
            continue
        out.append({"world_region": r.world_region, "label": r.region_name,
                    "longitude": statistics.median(p[0] for p in pts), "latitude": statistics.median(p[1] for p in pts),
                    "tooltip": f"{r.region_name}\nClick to open the region"})
    return out


def regions_deck(country_regions: pd.DataFrame, regions: pd.DataFrame, *, selected: str | None = None,
                 large: bool = False, basemap: str | None = None) -> pdk.Deck:
    """The world map of the guide's regions (``country_regions``: queries.country_regions;
    ``regions``: queries.world_regions), the selected region outlined and the others faded."""
    countries = pdk.Layer(
        "GeoJsonLayer",
        id=LAYER_ID,
        data=region_features(country_regions, selected=selected),
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color="properties.line",
        get_line_width="properties.line_px",
        line_width_units="'pixels'",
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 214, 0, 140],
    )
    labels = pdk.Layer(
        "TextLayer",
        id=LABEL_LAYER_ID,
        data=region_label_records(country_regions, regions),
        get_position="[longitude, latitude]",
        get_text="label",
        get_size=17 if large else 13,
        size_units="'pixels'",
        get_color=[27, 36, 48, 255],
        font_family="'Source Sans Pro, Helvetica, Arial, sans-serif'",
        font_weight=700,
        background=True,
        get_background_color=[255, 255, 255, 225],
        background_padding=[5, 2, 5, 2],
        pickable=True,
    )
    view = region_view(country_regions, selected, large=large)
    return maps.deck(maps.base_layers(basemap=basemap) + [countries, labels], view, TOOLTIP, basemap=basemap)


def region_view(country_regions: pd.DataFrame, selected: str | None, *, large: bool = False) -> pdk.ViewState:
    """The whole world; with a region selected, fitted to its countries' outlines (a country whose
    outline spans the antimeridian, e.g. Russia or the United States, is left out of the fit, so the
    view is not stretched round the globe)."""
    if not selected:
        return pdk.ViewState(latitude=22.0, longitude=15.0, zoom=0.72 if not large else 1.0, min_zoom=0, max_zoom=8,
                             pitch=0, bearing=0)
    names = _outlines_by_name()
    lats: list[float] = []
    lons: list[float] = []
    for r in country_regions[country_regions["world_region"] == selected].itertuples():
        outline = names.get(outline_name(r.country))
        b = geo.bounds(outline) if outline else None
        if not b:
            continue
        if b[2] - b[0] > 180:  # wraps round the globe
            continue
        lons += [b[0], b[2]]
        lats += [b[1], b[3]]
    height = MAP_HEIGHT_LARGE_PX if large else MAP_HEIGHT_PX
    view = maps.fit_view_state(lats, lons, width_px=MAP_WIDTH_PX, height_px=height, padding_px=30, max_zoom=4.5)
    view.max_zoom = 8
    return view


def selected_region(event) -> str | None:
    """The world region picked on the map (a country or a label) from st.pydeck_chart's selection."""
    try:
        objects = event["selection"]["objects"]
    except (KeyError, TypeError, AttributeError):
        return None
    for layer in (LAYER_ID, LABEL_LAYER_ID):
        for obj in (objects.get(layer) or []) if hasattr(objects, "get") else []:
            if not isinstance(obj, dict):
                continue
            props = obj.get("properties") if isinstance(obj.get("properties"), dict) else obj
            if props.get("world_region"):
                return str(props["world_region"])
    return None
