"""The cluster-initiatives map: a pydeck Deck over the offline base layers, one marker per
initiative (colour = maturity stage, radius = members; a half-filled marker where the pin stands for a
region, an open ring where it stands for a country: the text names no place), a count label where several initiatives
share a place, and a ring around the selected one. No Streamlit.
"""

from __future__ import annotations

import pandas as pd
import pydeck as pdk

from clusterdash import initiatives as ini
from clusterdash import knowledge
from clusterdash.charts import maps

LAYER_ID = "initiatives"  # st.pydeck_chart selections are reported per layer id
MAP_WIDTH_PX = 540  # the map column at a 1400 px wide window (used to fit the initial view)
MAP_HEIGHT_PX = 480
MAP_HEIGHT_LARGE_PX = 680

TOOLTIP = {"text": "{tooltip}"}


def initiatives_layer(records: list[dict]) -> pdk.Layer:
    return pdk.Layer(
        "ScatterplotLayer",
        id=LAYER_ID,
        data=records,
        get_position="[longitude, latitude]",
        get_fill_color="fill_color",  # by stage; pale or open where the pin stands for a region or a country
        get_radius="radius_px",
        radius_units="'pixels'",
        stroked=True,
        get_line_color="line_color",
        line_width_units="'pixels'",
        get_line_width="line_width_px",
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 214, 0, 200],
    )


def place_count_layer(counts: list[dict], *, large: bool = False) -> pdk.Layer:
    """'7' beside a place with seven initiatives (they share one position on the map)."""
    return pdk.Layer(
        "TextLayer",
        id="initiatives-at-place",
        data=counts,
        get_position="[longitude, latitude]",
        get_text="label",
        get_size=16 if large else 13,
        size_units="'pixels'",
        get_color=[27, 36, 48, 255],
        get_pixel_offset=[14, -14],
        font_family="'Source Sans Pro, Helvetica, Arial, sans-serif'",
        font_weight=700,
        background=True,
        get_background_color=[255, 255, 255, 230],
        background_padding=[4, 1, 4, 1],
        get_border_color=[27, 36, 48, 200],
        get_border_width=1,
        pickable=False,
    )


def selected_layer(record: dict | None) -> pdk.Layer:
    """A dark ring around the selected initiative (however it was selected: map, list or table)."""
    data = []
    if record is not None:
        data = [{"latitude": record["latitude"], "longitude": record["longitude"],
                 "radius_px": record["radius_px"] + 5}]
    return pdk.Layer(
        "ScatterplotLayer",
        id="initiative-selected",
        data=data,
        get_position="[longitude, latitude]",
        get_radius="radius_px",
        radius_units="'pixels'",
        filled=False,
        stroked=True,
        get_line_color=[27, 36, 48, 255],
        line_width_units="'pixels'",
        get_line_width=3,
        pickable=False,
    )


def initiatives_deck(shown: pd.DataFrame, *, selected_id: str | None = None, large: bool = False,
                     basemap: str | None = None) -> pdk.Deck:
    """The map of the initiatives in ``shown`` (the filtered rows of the ``initiative`` view).
    The initial view fits every mapped initiative; rows without coordinates are not drawn (the
    page lists them)."""
    records = ini.map_records(shown, cite=knowledge.cite)
    selected = next((r for r in records if r["initiative_id"] == selected_id), None)
    height = MAP_HEIGHT_LARGE_PX if large else MAP_HEIGHT_PX
    view = maps.fit_view_state(
        [r["latitude"] for r in records], [r["longitude"] for r in records],
        width_px=MAP_WIDTH_PX, height_px=height, padding_px=40, max_zoom=4.5,
    )
    layers = maps.base_layers(basemap=basemap) + [
        initiatives_layer(records),
        place_count_layer(ini.place_counts(shown), large=large),
        selected_layer(selected),
    ]
    return maps.deck(layers, view, TOOLTIP, basemap=basemap)


def selected_initiative_id(event) -> str | None:
    """The initiative picked on the map from st.pydeck_chart's selection state (None if none)."""
    try:
        objects = event["selection"]["objects"].get(LAYER_ID) or []
    except (KeyError, TypeError, AttributeError):
        return None
    for obj in objects:
        if isinstance(obj, dict) and obj.get("initiative_id"):
            return str(obj["initiative_id"])
    return None
