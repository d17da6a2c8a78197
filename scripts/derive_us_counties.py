"""Derive the county and BEA Economic Area files of data/geo/ (see data/geo/README.md):

- ``us-counties-10m.json`` — the ``counties`` object of us-atlas 3.0.1 ``counties-10m.json``
  (U.S. Census Bureau 2017 cartographic boundaries, simplified by Mike Bostock; package ISC),
  without the ``states`` and ``nation`` objects and the arcs only they use, written compactly;
- ``us_counties.csv`` — ``region_code`` (5-digit FIPS), ``region_name`` ("Autauga County, AL"),
  ``state_fips``, ``latitude``, ``longitude`` of a label point inside each county (the pole of
  inaccessibility of its largest polygon, the method of ``derive_us_states.py``);
- ``bea_economic_areas_2004.csv`` — ``county_fips, ea_code, basis``: the U.S. Bureau of Economic
  Analysis 2004 Economic Area county definitions (public domain), plus the 2017 county codes the
  2004 list predates, each put in the EA of the county it succeeded (``basis`` says which);
- ``bea_economic_areas_2004_names.csv`` — ``ea_code, ea_name, counties, latitude, longitude``
  (label point: the label point of the EA's county nearest the EA's area-weighted centre).

    python scripts/derive_us_counties.py ../shared/data/geo data/geo

Inputs: ``us-atlas-counties-10m.json`` (npm us-atlas@3.0.1, as in ../shared/data/SOURCES.md §7) and
``bea_economic_areas_2004_county_definitions.csv`` (SOURCES.md §10). Prints the SHA-256 of every
input and output for the README.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clusterdash.geo import decode_object  # noqa: E402

_spec = importlib.util.spec_from_file_location("derive_us_states", Path(__file__).with_name("derive_us_states.py"))
_states = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_states)

# 2017 county codes that the 2004 definitions predate: (new code, predecessor in the 2004 list, why)
SUCCESSORS = [
    ("02105", "02232", "Hoonah-Angoon Census Area (2007), from Skagway-Hoonah-Angoon"),
    ("02158", "02270", "Kusilvak Census Area (2015), renamed from Wade Hampton"),
    ("02195", "02280", "Petersburg Borough (2013), from Wrangell-Petersburg"),
    ("02198", "02201", "Prince of Wales-Hyder Census Area (2008), from Prince of Wales-Outer Ketchikan"),
    ("02230", "02232", "Skagway Municipality (2007), from Skagway-Hoonah-Angoon"),
    ("02275", "02280", "Wrangell City and Borough (2008), from Wrangell-Petersburg"),
    ("46102", "46113", "Oglala Lakota County (2015), renamed from Shannon County"),
]
# state FIPS → postal abbreviation for the counties the BEA list does not name (its names end ", XX")
EXTRA_ABBR = {"60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI"}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compact_counties(topology: dict) -> dict:
    """The counties object alone, with the arcs renumbered to those it uses."""
    geoms = topology["objects"]["counties"]["geometries"]
    used: dict[int, int] = {}

    def walk(arcs):
        if isinstance(arcs, int):
            i = arcs if arcs >= 0 else ~arcs
            used.setdefault(i, len(used))
            return
        for a in arcs:
            walk(a)

    for g in geoms:
        walk(g.get("arcs", []))

    def renum(arcs):
        if isinstance(arcs, int):
            return used[arcs] if arcs >= 0 else ~used[~arcs]
        return [renum(a) for a in arcs]

    new_geoms = [{"type": g["type"], "arcs": renum(g["arcs"]), "id": g["id"],
                  "properties": {"name": g["properties"]["name"]}} for g in geoms]
    arcs = [None] * len(used)
    for old, new in used.items():
        arcs[new] = topology["arcs"][old]
    return {"type": "Topology", "bbox": topology.get("bbox"), "transform": topology["transform"],
            "objects": {"counties": {"type": "GeometryCollection", "geometries": new_geoms}}, "arcs": arcs}


def polygon_area_centre(geometry: dict) -> tuple[float, float, float]:
    """(area, x, y) of a (Multi)Polygon in degrees with longitude scaled by cos(latitude)."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    total = sx = sy = 0.0
    for poly in polys:
        ring = poly[0]
        k = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
        a = cx = cy = 0.0
        for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:]):
            f = (x0 * k) * y1 - (x1 * k) * y0
            a += f
            cx += (x0 * k + x1 * k) * f
            cy += (y0 + y1) * f
        if a:
            total += abs(a) / 2
            sx += cx / (3 * a) / k * abs(a) / 2
            sy += cy / (3 * a) * abs(a) / 2
    return total, (sx / total if total else 0.0), (sy / total if total else 0.0)


def main(src_dir: str, out_dir: str) -> None:
    src, out = Path(src_dir), Path(out_dir)
    atlas = src / "us-atlas-counties-10m.json"
    bea_file = src / "bea_economic_areas_2004_county_definitions.csv"
    topology = json.loads(atlas.read_text(encoding="utf-8"))
    compact = compact_counties(topology)
    topo_out = out / "us-counties-10m.json"
    topo_out.write_text(json.dumps(compact, separators=(",", ":")), encoding="utf-8")

    with bea_file.open(newline="", encoding="utf-8") as fh:
        bea = list(csv.DictReader(fh))
    by_code = {r["county_fips"]: r for r in bea}
    abbr = dict(EXTRA_ABBR)
    for r in bea:
        abbr.setdefault(r["county_fips"][:2], r["county_name"].rsplit(", ", 1)[-1])

    features = decode_object(compact, "counties")["features"]
    rows, centres = [], {}
    for f in features:
        code = f["id"]
        lon, lat = _states.label_point(f["geometry"])
        name = by_code[code]["county_name"] if code in by_code else f"{f['properties']['name']}, {abbr.get(code[:2], code[:2])}"
        rows.append({"region_code": code, "region_name": name, "state_fips": code[:2],
                     "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}"})
        centres[code] = (polygon_area_centre(f["geometry"]), (lon, lat))
    rows.sort(key=lambda r: r["region_code"])
    counties_out = out / "us_counties.csv"
    with counties_out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    defs = [{"county_fips": r["county_fips"], "ea_code": r["ea_code"], "basis": ""} for r in bea]
    for new, old, why in SUCCESSORS:
        if new in by_code:
            continue
        defs.append({"county_fips": new, "ea_code": by_code[old]["ea_code"],
                     "basis": f"added by ClusterDash: {why}; EA of {old}"})
    defs.sort(key=lambda r: r["county_fips"])
    ea_out = out / "bea_economic_areas_2004.csv"
    with ea_out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, ["county_fips", "ea_code", "basis"], lineterminator="\n")
        w.writeheader()
        w.writerows(defs)

    names: dict[str, dict] = {}
    for r in bea:
        names.setdefault(r["ea_code"], {"ea_code": r["ea_code"], "ea_name": r["ea_name"], "members": []})
    for d in defs:
        names[d["ea_code"]]["members"].append(d["county_fips"])
    name_rows = []
    for code in sorted(names):
        members = [m for m in names[code]["members"] if m in centres]
        area = sum(centres[m][0][0] for m in members)
        cx = sum(centres[m][0][0] * centres[m][0][1] for m in members) / area
        cy = sum(centres[m][0][0] * centres[m][0][2] for m in members) / area
        best = min(members, key=lambda m: (centres[m][1][0] - cx) ** 2 + (centres[m][1][1] - cy) ** 2)
        lon, lat = centres[best][1]
        name_rows.append({"ea_code": code, "ea_name": names[code]["ea_name"], "counties": len(names[code]["members"]),
                          "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}"})
    names_out = out / "bea_economic_areas_2004_names.csv"
    with names_out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(name_rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(name_rows)

    for p in (atlas, bea_file, topo_out, counties_out, ea_out, names_out):
        print(f"{p}: {p.stat().st_size:,} bytes, sha256 {sha(p)}")
    print(f"{len(rows)} counties, {len(defs)} county definitions ({len(SUCCESSORS)} added), {len(name_rows)} EAs")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
