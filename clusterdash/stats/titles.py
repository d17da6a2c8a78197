"""Industry titles for the analysis views: the dataset's own titles, else the 2017 NAICS titles
shipped in ``data/classifications/naics2017_titles.csv`` (U.S. Census Bureau, CBP API labels; see
that folder's README) for NAICS datasets. No Streamlit, no SQL."""

from __future__ import annotations

import csv
from functools import lru_cache

import pandas as pd

from clusterdash import config

NAICS_TITLES_FILE = config.DATA_DIR / "classifications" / "naics2017_titles.csv"


@lru_cache(maxsize=1)
def naics_titles() -> dict[str, str]:
    """NAICS 2017 code → title (2- to 6-digit codes)."""
    with NAICS_TITLES_FILE.open(newline="", encoding="utf-8") as fh:
        return {r["industry_code"]: r["industry_name"] for r in csv.DictReader(fh)}


def title_of(code: str, classification: str | None, given: str | None = None) -> str | None:
    """The given title, else the shipped NAICS title for a NAICS dataset, else None."""
    if isinstance(given, str) and given.strip():
        return given
    if classification and classification.upper().startswith("NAICS"):
        return naics_titles().get(str(code))
    return None


def fill_names(df: pd.DataFrame, classification: str | None, *, code: str = "industry_code",
               name: str = "industry_name") -> pd.DataFrame:
    """``df`` with missing titles in ``name`` filled from the shipped titles (then the code)."""
    out = df.copy()
    out[name] = [title_of(c, classification, n) or str(c) for c, n in zip(out[code], out[name])]
    return out
