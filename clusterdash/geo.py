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
    fc = split_at_antimeridian(read_topojson(COUNTRIES_FILE, "countries"))
    if precision is not None:
        fc = _rounded(fc, precision)
    return json.dumps(fc)


def country_outlines(precision: int = 3) -> dict:
    """The world's countries (177 features; ``id`` = ISO 3166-1 numeric code,
    ``properties.name``) as a GeoJSON FeatureCollection, cut at the antimeridian for flat
    (Web Mercator) maps. A fresh copy on each call."""
    return json.loads(_countries(precision))


@lru_cache(maxsize=4)
def shared_country_outlines(precision: int = 3) -> dict:
    """The same as :func:`country_outlines`, one object shared by every caller (no copy per
    page run): treat it as read-only."""
    return country_outlines(precision)


def _rounded(obj, precision: int):
    if isinstance(obj, float):
        return round(obj, precision)
    if isinstance(obj, list):
        return [_rounded(v, precision) for v in obj]
    if isinstance(obj, dict):
        return {k: (_rounded(v, precision) if k in ("coordinates", "geometry", "geometries", "features") else v)
                for k, v in obj.items()}
    return obj


# ---- the antimeridian ------------------------------------------------------------------------
# world-atlas keeps spherical topology: a ring crossing the 180° meridian goes straight from
# 179.9° to -180°. On a flat map that edge spans the whole world (a stray horizontal line and a
# wrongly filled band). For flat maps such rings are unwrapped (longitudes made continuous) and
# cut into the parts east and west of the meridian (Sutherland–Hodgman against a vertical line).

def _unwrap(ring: list[list[float]]) -> list[list[float]]:
    out = [list(ring[0])]
    for p in ring[1:]:
        x = p[0]
        prev = out[-1][0]
        while x - prev > 180:
            x -= 360
        while prev - x > 180:
            x += 360
        out.append([x, *p[1:]])
    return out


def _clip(ring: list[list[float]], x0: float, keep_left: bool) -> list[list[float]]:
    """The part of a closed ring on one side of the vertical line x = x0."""
    def inside(p):
        return p[0] <= x0 if keep_left else p[0] >= x0

    def cross(p, q):
        t = (x0 - p[0]) / (q[0] - p[0])
        return [x0, p[1] + t * (q[1] - p[1])]

    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    out: list[list[float]] = []
    for i, q in enumerate(pts):
        p = pts[i - 1]
        if inside(q):
            if not inside(p):
                out.append(cross(p, q))
            out.append(list(q))
        elif inside(p):
            out.append(cross(p, q))
    if len(out) >= 3:
        out.append(list(out[0]))
        return out
    return []


def _split_polygon(poly: list[list[list[float]]]) -> list[list[list[list[float]]]]:
    """A polygon (outer ring + holes) as one or more polygons that do not cross ±180°."""
    outer = poly[0]
    if not any(abs(outer[i][0] - outer[i - 1][0]) > 180 for i in range(1, len(outer))):
        return [poly]
    u = _unwrap(outer)
    if abs(u[-1][0] - u[0][0]) > 1e-9:
        return [poly]  # a ring around a pole (Antarctica): its straight edge is the map's edge
    pieces = []
    for lo, hi, shift in ((-540, -180, 360), (-180, 180, 0), (180, 540, -360)):
        part = _clip(_clip(u, lo, keep_left=False), hi, keep_left=True)
        if part:
            pieces.append([[[p[0] + shift, *p[1:]] for p in part]])
    holes = poly[1:]  # holes never cross the meridian in these files; keep them with their piece
    for h in holes:
        for piece in pieces:
            xs = [p[0] for p in piece[0]]
            if min(xs) <= h[0][0] <= max(xs):
                piece.append(h)
                break
    return pieces


def split_at_antimeridian(geojson: dict) -> dict:
    """A copy of a FeatureCollection whose (Multi)Polygons are cut at the 180° meridian, so
    no edge jumps from one side of a flat map to the other."""
    out = {**geojson, "features": []}
    for f in geojson.get("features", []):
        g = f.get("geometry")
        if g and g["type"] in ("Polygon", "MultiPolygon"):
            polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            parts = [piece for poly in polys for piece in _split_polygon(poly)]
            if g["type"] == "Polygon" and len(parts) == 1:
                g = {"type": "Polygon", "coordinates": parts[0]}
            else:
                g = {"type": "MultiPolygon", "coordinates": parts}
        out["features"].append({**f, "geometry": g})
    return out


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
