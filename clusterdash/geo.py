"""Boundaries for the maps: a small TopoJSON → GeoJSON decoder and the shipped files.

TopoJSON (https://github.com/topojson/topojson-specification) stores shared borders once, as
*arcs*; geometries refer to arcs by index (``~i`` = arc ``i`` reversed). Quantized files
carry a ``transform``: arc positions are then delta-encoded integers, and a position is
``(x * scale + translate)``. :func:`decode_object` turns one object of a topology into plain
GeoJSON (a ``FeatureCollection`` for a ``GeometryCollection``, else a ``Feature``) the way
topojson-client's ``feature()`` does, keeping each geometry's ``id`` and ``properties``.

The country outlines are Natural Earth 1:110m Admin 0 countries as packaged by the npm module
``world-atlas`` 2.0.2 (``data/geo/countries-110m.json``; see ``data/geo/README.md``).
No Streamlit here: everything is testable on its own.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from clusterdash import config
from clusterdash.errors import UserError

COUNTRIES_FILE = config.GEO_DIR / "countries-110m.json"
COUNTRIES_SOURCE = (
    "Natural Earth 1:110m Admin 0 countries v4.1.0 (public domain), "
    "as packaged in world-atlas 2.0.2 (ISC, Mike Bostock)"
)


class TopologyError(UserError):
    """A TopoJSON file is malformed; the message says what and where."""


# ---- decoding ----------------------------------------------------------------------------

def _decode_arcs(topology: dict) -> list[list[list[float]]]:
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        raise TopologyError("topology has no 'arcs' list")
    transform = topology.get("transform")
    if not transform:
        return [[list(map(float, p)) for p in arc] for arc in arcs]
    try:
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    except (KeyError, TypeError, ValueError):
        raise TopologyError("topology 'transform' needs 'scale' [sx, sy] and 'translate' [tx, ty]") from None
    out = []
    for arc in arcs:
        x = y = 0
        decoded = []
        for p in arc:
            x += p[0]
            y += p[1]
            decoded.append([x * sx + tx, y * sy + ty, *p[2:]])
        out.append(decoded)
    return out


def _point_transform(topology: dict):
    transform = topology.get("transform")
    if not transform:
        return lambda p: [float(v) for v in p]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    return lambda p: [p[0] * sx + tx, p[1] * sy + ty, *p[2:]]


class _Decoder:
    def __init__(self, topology: dict, precision: int | None):
        self.arcs = _decode_arcs(topology)
        self.point = _point_transform(topology)
        self.precision = precision

    def _round(self, p: list[float]) -> list[float]:
        if self.precision is None:
            return p
        return [round(v, self.precision) for v in p]

    def line(self, arc_indexes: list[int]) -> list[list[float]]:
        points: list[list[float]] = []
        for i in arc_indexes:
            try:
                arc = self.arcs[i] if i >= 0 else self.arcs[~i][::-1]
            except (IndexError, TypeError):
                raise TopologyError(f"arc index {i!r} does not exist (topology has {len(self.arcs)} arcs)") from None
            # consecutive arcs share their joining position: keep it once
            points.extend(arc[1:] if points else arc)
        if len(points) < 2 and points:
            points.append(points[0])  # a degenerate line still needs two positions
        return [self._round(p) for p in points]

    def ring(self, arc_indexes: list[int]) -> list[list[float]]:
        points = self.line(arc_indexes)
        while points and len(points) < 4:
            points.append(points[0])  # a degenerate ring still needs four positions
        return points

    def geometry(self, o: dict) -> dict | None:
        t = o.get("type")
        if t is None:
            return None
        if t == "GeometryCollection":
            return {"type": t, "geometries": [g for g in map(self.geometry, o.get("geometries", [])) if g]}
        if t == "Point":
            return {"type": t, "coordinates": self._round(self.point(o["coordinates"]))}
        if t == "MultiPoint":
            return {"type": t, "coordinates": [self._round(self.point(p)) for p in o["coordinates"]]}
        if t == "LineString":
            return {"type": t, "coordinates": self.line(o["arcs"])}
        if t == "MultiLineString":
            return {"type": t, "coordinates": [self.line(a) for a in o["arcs"]]}
        if t == "Polygon":
            return {"type": t, "coordinates": [self.ring(r) for r in o["arcs"]]}
        if t == "MultiPolygon":
            return {"type": t, "coordinates": [[self.ring(r) for r in poly] for poly in o["arcs"]]}
        raise TopologyError(f"unknown geometry type {t!r}")

    def feature(self, o: dict) -> dict:
        f: dict[str, Any] = {"type": "Feature"}
        if "id" in o:
            f["id"] = o["id"]
        f["properties"] = dict(o.get("properties") or {})
        f["geometry"] = self.geometry(o)
        return f


def decode_object(topology: dict, object_name: str | None = None, *, precision: int | None = None) -> dict:
    """GeoJSON of one object of ``topology``: a FeatureCollection (one feature per member)
    for a GeometryCollection, otherwise a single Feature. ``object_name`` defaults to the
    topology's only (or first) object; ``precision`` rounds coordinates to that many decimals."""
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise TopologyError("not a TopoJSON topology (expected {'type': 'Topology', ...})")
    objects = topology.get("objects") or {}
    if not objects:
        raise TopologyError("topology has no objects")
    if object_name is None:
        object_name = next(iter(objects))
    if object_name not in objects:
        raise TopologyError(f"topology has no object {object_name!r}; it has: {', '.join(objects)}")
    o = objects[object_name]
    dec = _Decoder(topology, precision)
    if o.get("type") == "GeometryCollection":
        return {"type": "FeatureCollection", "features": [dec.feature(g) for g in o.get("geometries", [])]}
    return dec.feature(o)


def read_topojson(path: str | Path, object_name: str | None = None, *, precision: int | None = None) -> dict:
    """Read a TopoJSON file and decode one of its objects (see :func:`decode_object`)."""
    path = Path(path)
    try:
        topology = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TopologyError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise TopologyError(f"{path} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    try:
        return decode_object(topology, object_name, precision=precision)
    except TopologyError as exc:
        raise TopologyError(f"{path}: {exc}") from None


@lru_cache(maxsize=4)
def _countries(precision: int) -> str:
    return json.dumps(read_topojson(COUNTRIES_FILE, "countries", precision=precision))


def country_outlines(precision: int = 3) -> dict:
    """The world's countries (177 features; ``id`` = ISO 3166-1 numeric code,
    ``properties.name``) as a GeoJSON FeatureCollection. A fresh copy on each call."""
    return json.loads(_countries(precision))


# ---- geometry helpers ----------------------------------------------------------------------

def iter_positions(geojson: dict) -> Iterator[list[float]]:
    """Every position of a GeoJSON object (FeatureCollection, Feature or geometry)."""
    t = geojson.get("type")
    if t == "FeatureCollection":
        for f in geojson.get("features", []):
            yield from iter_positions(f)
    elif t == "Feature":
        if geojson.get("geometry"):
            yield from iter_positions(geojson["geometry"])
    elif t == "GeometryCollection":
        for g in geojson.get("geometries", []):
            yield from iter_positions(g)
    elif t is not None:
        yield from _flatten(geojson.get("coordinates", []))


def _flatten(coords) -> Iterator[list[float]]:
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from _flatten(c)


def bounds(geojson: dict) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) of a GeoJSON object, None if it has no positions."""
    xs, ys = [], []
    for p in iter_positions(geojson):
        xs.append(p[0])
        ys.append(p[1])
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def is_valid_position(lon: Any, lat: Any) -> bool:
    """Whether (lon, lat) is a usable WGS84 position (finite, lat in [-90, 90], lon in [-180, 180])."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
