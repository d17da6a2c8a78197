"""Derive data/geo/us_states.csv (FIPS code, name, label point) from the us-atlas TopoJSON.

Usage (the source is the npm package ``us-atlas@3.0.1``, ISC, Census 2017 boundaries):

    cd "$(mktemp -d)" && npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz
    python scripts/derive_us_states.py package/states-10m.json data/geo/us_states.csv

Method (recorded in data/geo/README.md): decode the ``states`` object (one feature per state,
``id`` = 2-digit FIPS, ``properties.name``); take each state's largest polygon (area measured
with longitude scaled by cos(latitude), i.e. roughly equal-area); its label point is that
polygon's *pole of inaccessibility* (the interior point farthest from the outline, found
with the polylabel grid search to 0.01° precision), so the point always lies inside the
state, also for curved shapes (Florida, Michigan, Maryland). Pure standard library.
"""

from __future__ import annotations

import csv
import heapq
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clusterdash.geo import decode_object  # noqa: E402


def ring_area(ring, kx: float) -> float:
    a = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        a += (x0 * kx) * y1 - (x1 * kx) * y0
    return a / 2


def point_segment_dist2(px, py, ax, ay, bx, by) -> float:
    dx, dy = bx - ax, by - ay
    if dx or dy:
        t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
        if t > 1:
            ax, ay = bx, by
        elif t > 0:
            ax, ay = ax + dx * t, ay + dy * t
    dx, dy = px - ax, py - ay
    return dx * dx + dy * dy


def signed_distance(x: float, y: float, polygon) -> float:
    """Distance from (x, y) to the polygon's outline; negative outside."""
    inside = False
    best = math.inf
    for ring in polygon:
        for (ax, ay), (bx, by) in zip(ring, ring[1:]):
            if (ay > y) != (by > y) and x < (bx - ax) * (y - ay) / (by - ay) + ax:
                inside = not inside
            best = min(best, point_segment_dist2(x, y, ax, ay, bx, by))
    d = math.sqrt(best)
    return d if inside else -d


def polylabel(polygon, precision: float = 0.01) -> tuple[float, float]:
    """Pole of inaccessibility of a polygon (list of rings in planar coordinates)."""
    xs = [p[0] for p in polygon[0]]
    ys = [p[1] for p in polygon[0]]
    minx, miny, maxx, maxy = min(xs), min(ys), max(xs), max(ys)
    size = min(maxx - minx, maxy - miny)
    if size == 0:
        return minx, miny
    h = size / 2
    heap: list = []

    def push(cx, cy, half):
        d = signed_distance(cx, cy, polygon)
        heapq.heappush(heap, (-(d + half * math.sqrt(2)), d, cx, cy, half))

    x = minx
    while x < maxx:
        y = miny
        while y < maxy:
            push(x + h, y + h, h)
            y += size
        x += size
    # start from the area centroid
    a = cx = cy = 0.0
    ring = polygon[0]
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        f = x0 * y1 - x1 * y0
        cx += (x0 + x1) * f
        cy += (y0 + y1) * f
        a += f * 3
    best = (signed_distance(cx / a, cy / a, polygon), cx / a, cy / a) if a else (-math.inf, xs[0], ys[0])
    while heap:
        _, d, cx, cy, half = heapq.heappop(heap)
        if d > best[0]:
            best = (d, cx, cy)
        if d + half * math.sqrt(2) - best[0] <= precision:
            continue
        half /= 2
        for ox in (-half, half):
            for oy in (-half, half):
                push(cx + ox, cy + oy, half)
    return best[1], best[2]


def label_point(geometry: dict) -> tuple[float, float]:
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    # unwrap parts across the antimeridian (Alaska's Aleutians) before measuring
    def lat_of(poly):
        return sum(p[1] for p in poly[0]) / len(poly[0])

    best_poly, best_area, best_k = None, -1.0, 1.0
    for poly in polys:
        k = math.cos(math.radians(lat_of(poly)))
        area = abs(ring_area(poly[0], k)) - sum(abs(ring_area(r, k)) for r in poly[1:])
        if area > best_area:
            best_poly, best_area, best_k = poly, area, k
    planar = [[(x * best_k, y) for x, y, *_ in ring] for ring in best_poly]
    px, py = polylabel(planar, precision=0.01)
    return px / best_k, py


def main(src: str, out: str) -> None:
    topology = json.loads(Path(src).read_text(encoding="utf-8"))
    states = decode_object(topology, "states")
    rows = []
    for f in states["features"]:
        lon, lat = label_point(f["geometry"])
        rows.append({"region_code": f["id"], "region_name": f["properties"]["name"],
                     "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}"})
    rows.sort(key=lambda r: r["region_code"])
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, ["region_code", "region_name", "latitude", "longitude"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} states written to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
