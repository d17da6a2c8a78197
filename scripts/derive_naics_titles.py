"""Derive data/classifications/naics2017_titles.csv (every 2017 NAICS code CBP publishes — 2- to
6-digit — with its title) from ``../shared/data/us_cbp/naics2017_titles.csv``: the
``NAICS2017_LABEL`` values of the U.S. Census Bureau's County Business Patterns API (public domain;
provenance in ../shared/data/SOURCES.md §2).

    python scripts/derive_naics_titles.py ../shared/data/us_cbp/naics2017_titles.csv \
        data/classifications/naics2017_titles.csv

Keeps codes of level 2–6 (the all-sectors row ``00`` is dropped), titles unchanged, sorted by
code; prints the SHA-256 of input and output for data/classifications/README.md.
"""

import csv
import hashlib
import sys

SOURCE = "U.S. Census Bureau, County Business Patterns API, NAICS2017_LABEL"


def main(src: str, out: str) -> None:
    with open(src, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["naics"] != "00"]
    rows.sort(key=lambda r: (r["naics"][:2], int(r["naics_level"]), r["naics"]))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["industry_code", "industry_level", "industry_name"])
        for r in rows:
            w.writerow([r["naics"], r["naics_level"], r["title"].strip()])
    for p in (src, out):
        print(f"{p}: sha256 {hashlib.sha256(open(p, 'rb').read()).hexdigest()}")
    print(f"{len(rows)} codes written to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
