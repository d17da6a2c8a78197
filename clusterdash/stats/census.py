"""Download County Business Patterns by state from the Census Data API (when online).

``GET https://api.census.gov/data/{year}/cbp?get=NAICS2017,NAICS2017_LABEL,ESTAB,EMP,PAYANN&for=state:*``
answers a JSON array whose first row is the header (``["NAICS2017", "NAICS2017_LABEL", "ESTAB",
"EMP", "PAYANN", "state"]``) and whose other rows are strings; ``PAYANN`` is annual payroll in
$1,000 and ``EMP`` paid employees in the pay period including March 12. The response is saved
exactly as received; ``import-stats --format cbp`` reads it (the year comes from ``--year`` or
the file name, as the response has no year column).

The Census API works without a key for light use; a key (``--key`` or ``$CENSUS_API_KEY``) lifts
the daily limit.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from clusterdash.errors import UserError

API = "https://api.census.gov/data/{year}/cbp"
TIMEOUT_S = 60


class CensusError(UserError):
    pass


def naics_variable(year: int) -> str:
    """The NAICS vintage variable of CBP for a year (2012 vintage before 2017, 2017 for 2017–2021,
    2022 from 2022 on)."""
    if year < 2017:
        return "NAICS2012"
    if year <= 2021:
        return "NAICS2017"
    return "NAICS2022"


def cbp_url(year: int, *, key: str | None = None, naics_var: str | None = None) -> str:
    var = naics_var or naics_variable(year)
    query = {"get": f"{var},{var}_LABEL,ESTAB,EMP,PAYANN", "for": "state:*"}
    if key:
        query["key"] = key
    return API.format(year=int(year)) + "?" + urllib.parse.urlencode(query, safe=",:*")


def urlopen(url: str, timeout: float):  # indirection: tests replace it with a recorded response
    return urllib.request.urlopen(url, timeout=timeout)


def fetch_cbp(year: int, out: Path | None = None, *, key: str | None = None, naics_var: str | None = None) -> Path:
    """Download one year of CBP by state × NAICS and save the response as received.
    Returns the file written (default ``cbp_<year>_states.json``)."""
    if not 1986 <= int(year) <= 2100:
        raise CensusError(f"year {year}: CBP is published from 1986 on")
    key = key or os.environ.get("CENSUS_API_KEY") or None
    url = cbp_url(year, key=key, naics_var=naics_var)
    shown = url.replace(key, "…") if key else url
    try:
        with urlopen(url, TIMEOUT_S) as resp:
            status = getattr(resp, "status", 200)
            body = resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace") if hasattr(exc, "read") else ""
        raise CensusError(f"the Census API answered {exc.code} for {shown}: {detail.strip()}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise CensusError(
            f"could not reach the Census API ({getattr(exc, 'reason', exc)}); are you online? URL: {shown}"
        ) from None
    if status == 204 or not body.strip():
        raise CensusError(f"the Census API returned no data for {year} ({shown})")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CensusError(f"the Census API answer is not JSON: {body[:200]!r}") from None
    if not isinstance(data, list) or len(data) < 2 or "ESTAB" not in data[0]:
        raise CensusError(f"unexpected answer from the Census API (first row: {data[0] if data else None!r})")
    path = Path(out) if out else Path(f"cbp_{int(year)}_states.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path
