"""The TopoJSON decoder (clusterdash.geo) and the offline map helpers (clusterdash.charts.maps)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from clusterdash import geo
from clusterdash.charts import maps

# Two unit squares side by side sharing one border (arc 0), quantized with a transform:
# position = (x * 0.5 + 10, y * 0.5 + 20); arcs are delta-encoded.
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 2]],  # shared border (2,0)->(2,2)
        [[2, 2], [-2, 0], [0, -2], [2, 0]],  # left outer (2,2)->(0,2)->(0,0)->(2,0)
        [[2, 0], [2, 0], [0, 2], [-2, 0]],  # right outer (2,0)->(4,0)->(4,2)->(2,2)
    ],
    "objects": {
        "shapes": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "L", "properties": {"name": "left"}},
                {"type": "Polygon", "arcs": [[2, ~0]], "id": "R", "properties": {"name": "right"}},
                {"type": "MultiPolygon", "arcs": [[[0, 1]], [[2, -1]]], "properties": {"name": "both"}},
                {"type": "LineString", "arcs": [1]},
                {"type": "MultiLineString", "arcs": [[0], [~0]]},
                {"type": "Point", "coordinates": [4, 2], "properties": {"name": "corner"}},
                {"type": "MultiPoint", "coordinates": [[0, 0], [4, 2]]},
                {"type": None, "id": "nothing"},
            ],
        },
        "one": {"type": "Point", "coordinates": [0, 0], "id": 7},
    },
}

LEFT = [[11.0, 20.0], [11.0, 21.0], [10.0, 21.0], [10.0, 20.0], [11.0, 20.0]]
RIGHT = [[11.0, 20.0], [12.0, 20.0], [12.0, 21.0], [11.0, 21.0], [11.0, 20.0]]


def test_decodes_quantized_delta_arcs_shared_and_reversed():
    fc = geo.decode_object(TINY, "shapes")
    assert fc["type"] == "FeatureCollection"
    f = fc["features"]
    assert len(f) == 8
    assert f[0] == {"type": "Feature", "id": "L", "properties": {"name": "left"},
                    "geometry": {"type": "Polygon", "coordinates": [LEFT]}}
    # arc ~0 is the shared border walked backwards
    assert f[1]["geometry"]["coordinates"] == [RIGHT]
    assert f[2]["geometry"] == {"type": "MultiPolygon", "coordinates": [[LEFT], [RIGHT]]}
    assert f[3]["geometry"] == {"type": "LineString", "coordinates": LEFT[1:]}
    assert f[4]["geometry"]["coordinates"] == [[[11.0, 20.0], [11.0, 21.0]], [[11.0, 21.0], [11.0, 20.0]]]
    # points are quantized but not delta-encoded
    assert f[5]["geometry"] == {"type": "Point", "coordinates": [12.0, 21.0]}
    assert f[6]["geometry"]["coordinates"] == [[10.0, 20.0], [12.0, 21.0]]
    assert f[7] == {"type": "Feature", "id": "nothing", "properties": {}, "geometry": None}
    # every ring is closed
    for ring in (LEFT, RIGHT):
        assert ring[0] == ring[-1]


def test_single_geometry_object_gives_a_feature_and_default_object_is_the_first():
    assert geo.decode_object(TINY, "one") == {
        "type": "Feature", "id": 7, "properties": {}, "geometry": {"type": "Point", "coordinates": [10.0, 20.0]}}
    assert geo.decode_object(TINY)["type"] == "FeatureCollection"


def test_unquantized_topology_uses_positions_as_they_are():
    topo = {
        "type": "Topology",
        "arcs": [[[0.5, 0.5], [3.25, 0.5], [3.25, 2.0]], [[3.25, 2.0], [0.5, 0.5]]],
        "objects": {"t": {"type": "Polygon", "arcs": [[0, 1]]}},
    }
    g = geo.decode_object(topo)["geometry"]
    assert g["coordinates"] == [[[0.5, 0.5], [3.25, 0.5], [3.25, 2.0], [0.5, 0.5]]]


def test_precision_rounds_coordinates():
    topo = {"type": "Topology", "arcs": [[[0.123456, 1.987654], [2.5, 2.5]]],
            "objects": {"l": {"type": "LineString", "arcs": [0]}}}
    assert geo.decode_object(topo, precision=2)["geometry"]["coordinates"] == [[0.12, 1.99], [2.5, 2.5]]


@pytest.mark.parametrize(
    "topology, message",
    [
        ({"type": "FeatureCollection"}, "not a TopoJSON topology"),
        ({"type": "Topology", "arcs": [], "objects": {}}, "no objects"),
        ({"type": "Topology", "arcs": [], "objects": {"a": {"type": "LineString", "arcs": [3]}}},
         "arc index 3 does not exist"),
        ({"type": "Topology", "arcs": [], "objects": {"a": {"type": "Blob"}}}, "unknown geometry type"),
    ],
)
def test_malformed_topologies_are_reported(topology, message):
    with pytest.raises(geo.TopologyError, match=message):
        geo.decode_object(topology)


def test_missing_object_names_the_ones_there():
    with pytest.raises(geo.TopologyError, match="no object 'rivers'.*shapes, one"):
        geo.decode_object(TINY, "rivers")


def test_read_topojson_reports_bad_json_with_file_and_line(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"type": "Topology",\n "arcs": [,]}', encoding="utf-8")
    with pytest.raises(geo.TopologyError, match=r"bad.json line 2: not valid JSON"):
        geo.read_topojson(p)
    with pytest.raises(geo.TopologyError, match="file not found"):
        geo.read_topojson(tmp_path / "missing.json")


# ---- the shipped Natural Earth file -----------------------------------------------------------

def test_shipped_countries_decode_to_177_features_with_valid_coordinates():
    fc = geo.read_topojson(geo.COUNTRIES_FILE, "countries")
    assert len(fc["features"]) == 177
    n = 0
    for f in fc["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert f["properties"]["name"]
        polys = f["geometry"]["coordinates"]
        if f["geometry"]["type"] == "Polygon":
            polys = [polys]
        for poly in polys:
            for ring in poly:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                for lon, lat in ring:
                    assert geo.is_valid_position(lon, lat)
                    n += 1
    assert n > 10_000
    west, south, east, north = geo.bounds(fc)
    assert west == pytest.approx(-180, abs=0.01) and east == pytest.approx(180, abs=0.01)
    assert -90 < south < -80 and 80 < north < 90


def test_shipped_countries_put_known_countries_where_they_are():
    fc = geo.country_outlines()
    by_name = {f["properties"]["name"]: f for f in fc["features"]}
    de = by_name["Germany"]
    assert de["id"] == "276"
    w, s, e, n = geo.bounds(de)
    # Germany spans about 5.9–15.0 °E and 47.3–55.1 °N
    assert 5.5 < w < 6.5 and 14.5 < e < 15.5 and 47 < s < 47.8 and 54.5 < n < 55.3
    ci = by_name["Côte d'Ivoire"]
    w, s, e, n = geo.bounds(ci)
    assert -9 < w < -8 and -3 < e < -2 and 4 < s < 5 and 10 < n < 11
    assert by_name["Morocco"]["id"] == "504"


def test_country_outlines_are_fresh_copies():
    a = geo.country_outlines()
    a["features"].clear()
    assert len(geo.country_outlines()["features"]) == 177


# ---- the map helpers ---------------------------------------------------------------------

def test_deck_has_no_basemap_by_default_and_keeps_pydeck_style_sentinel(monkeypatch):
    monkeypatch.delenv(maps.BASEMAP_ENV, raising=False)
    d = maps.deck(maps.base_layers(), maps.fit_view_state([], []), {"text": "{name}"})
    spec = json.loads(d.to_json())
    assert "mapProvider" not in spec
    # an explicit mapStyle of None would make Streamlit's frontend fetch Carto tiles
    assert spec["mapStyle"] == "__MAP_STYLE__"
    assert [layer["@@type"] for layer in spec["layers"]] == ["SolidPolygonLayer", "GeoJsonLayer"]
    assert len(spec["layers"][1]["data"]["features"]) == 177
    # constant strings must stay strings: pydeck turns bare strings into "@@=" expressions
    assert spec["layers"][1]["lineWidthUnits"] == "pixels"
    for layer in spec["layers"]:
        for k, v in layer.items():
            if isinstance(v, str) and v.startswith("@@="):
                assert k.startswith("get"), (layer["id"], k, v)
    assert "\n" not in d.to_json()  # compact on the wire
    assert d._tooltip["text"] == "{name}" and d._tooltip["style"]["backgroundColor"]


def test_basemap_is_an_explicit_opt_in(monkeypatch):
    monkeypatch.delenv(maps.BASEMAP_ENV, raising=False)
    assert maps.basemap_setting() is None
    monkeypatch.setenv(maps.BASEMAP_ENV, "carto")
    assert maps.basemap_setting() == "carto"
    spec = json.loads(maps.deck(maps.base_layers(basemap="carto"), maps.fit_view_state([], []),
                                basemap=maps.basemap_setting()).to_json())
    assert spec["mapProvider"] == "carto" and "carto" in spec["mapStyle"]
    monkeypatch.setenv(maps.BASEMAP_ENV, "some-unknown-tiles")
    assert maps.basemap_setting() is None


def test_html_tooltips_are_refused():
    with pytest.raises(ValueError, match="text only"):
        maps.deck([], maps.fit_view_state([], []), {"html": "<b>{name}</b>"})


def _project(vs, lat, lon, width, height):
    """Pixel position of (lat, lon) on a width × height Web Mercator map with view state vs."""
    scale = 512 * 2 ** vs.zoom

    def xy(la, lo):
        return (lo + 180) / 360 * scale, maps._mercator_y(la) * scale

    cx, cy = xy(vs.latitude, vs.longitude)
    x, y = xy(lat, lon)
    return x - cx + width / 2, y - cy + height / 2


@pytest.mark.parametrize(
    "lats, lons",
    [
        ([52.52, 5.36, -33.92, 41.72], [13.40, -4.01, 18.42, 44.79]),  # Berlin, Abidjan, Cape Town, Tbilisi
        ([45.9, 46.1], [12.2, 12.3]),  # two places close together
        ([64.1, -41.3], [-21.9, 174.8]),  # Reykjavik and Wellington
    ],
)
def test_fit_view_state_shows_every_point_inside_the_padding(lats, lons):
    w, h, pad = 900, 520, 40
    vs = maps.fit_view_state(lats, lons, width_px=w, height_px=h, padding_px=pad)
    for la, lo in zip(lats, lons):
        x, y = _project(vs, la, lo, w, h)
        assert pad - 1 <= x <= w - pad + 1 and pad - 1 <= y <= h - pad + 1, (la, lo, x, y)
    assert vs.zoom <= 6


def test_fit_view_state_edge_cases():
    world = maps.fit_view_state([None, float("nan"), 95], [1, 2, 3])  # nothing valid
    assert world.zoom == maps.WORLD_VIEW["zoom"]
    one = maps.fit_view_state([41.72], [44.79], max_zoom=5)
    assert (one.latitude, one.longitude, one.zoom) == (pytest.approx(41.72), pytest.approx(44.79), 5)


def test_records_for_deck_are_json_safe():
    df = pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", None], "n": pd.array([3, None], dtype="Int64")})
    recs = maps.records_for_deck(df)
    assert recs == [{"a": 1.5, "b": "x", "n": 3}, {"a": None, "b": None, "n": None}]
    json.dumps(recs, allow_nan=False)
    assert all(type(r["n"]) in (int, type(None)) for r in recs)
    assert not math.isnan(recs[0]["a"])


# ---- the antimeridian ----------------------------------------------------------------------------

def _area(ring):
    return 0.5 * abs(sum(ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1] for i in range(1, len(ring))))


def test_split_at_antimeridian_cuts_a_crossing_ring_into_two():
    # a 4° × 2° box from 178 °E to 178 °W, stored the spherical way (179 -> -179 jumps)
    box = [[178.0, -17.0], [-178.0, -17.0], [-178.0, -15.0], [178.0, -15.0], [178.0, -17.0]]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "box"}, "geometry": {"type": "Polygon", "coordinates": [box]}},
        {"type": "Feature", "properties": {"name": "plain"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},
    ]}
    out = geo.split_at_antimeridian(fc)
    g = out["features"][0]["geometry"]
    assert g["type"] == "MultiPolygon" and len(g["coordinates"]) == 2
    west, east = sorted(g["coordinates"], key=lambda p: p[0][0][0])
    assert {p[0] for p in west[0]} == {-180.0, -178.0} and {p[0] for p in east[0]} == {178.0, 180.0}
    assert _area(west[0]) == pytest.approx(4) and _area(east[0]) == pytest.approx(4)
    assert out["features"][1] == fc["features"][1]  # untouched
    assert fc["features"][0]["geometry"]["type"] == "Polygon"  # the input is not changed


def test_shipped_outlines_have_no_edge_across_the_map_except_antarcticas_bottom():
    crossing = set()
    for f in geo.country_outlines()["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for poly in polys:
            for ring in poly:
                if any(abs(ring[i][0] - ring[i - 1][0]) > 180 for i in range(1, len(ring))):
                    crossing.add(f["properties"]["name"])
    assert crossing == {"Antarctica"}
    names = [f["properties"]["name"] for f in geo.country_outlines()["features"]]
    assert len(names) == 177 and {"Fiji", "Russia"} <= set(names)


def test_base_layer_shares_one_outline_object_and_does_not_change_it():
    a = maps.country_layer().data
    b = maps.country_layer().data
    assert a is b is geo.shared_country_outlines()
    json.loads(maps.deck(maps.base_layers(), maps.fit_view_state([], [])).to_json())
    assert a == geo.country_outlines()  # serialising left it as it was
