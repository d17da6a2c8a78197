"""Cluster initiatives: validation of user entries, filters, and what the map, legend, table and
profile show. Pure Python on DataFrames of the ``initiative`` view (catalogue + user-added);
no Streamlit, no SQL.

One name per concept: ``initiative`` (a cluster, cluster initiative, park or programme),
``stage_code`` (maturity stage; NULL = unknown), ``members``, ``founding_year``, ``origin``
(``catalogue`` = the seed catalogue, read-only; ``user`` = entered by a user).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

import pandas as pd

from clusterdash import fields, maturity
from clusterdash.errors import UserError
from clusterdash.maturity import STAGE_COLORS

STAGE_CODES = maturity.STAGES
UNKNOWN_STAGE = "unknown"  # filter value standing for "no stage given"
MIN_FOUNDING_YEAR = 1800
MAX_TEXT = {"name": 200, "country": 100, "country_code": 10, "place": 200, "sector": 200, "notes": 5000,
            "source": 500}
DEFAULT_USER_SOURCE = "Entered in ClusterDash by a user"

USER_FIELDS = ("name", "country", "country_code", "place", "sector", "latitude", "longitude", "members",
               "founding_year", "stage_code", "notes", "source")


# ---- validation of user entries -------------------------------------------------------------

def _text(raw: Mapping[str, Any], field: str, *, required: bool = False) -> str | None:
    value = raw.get(field)
    value = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    if not value:
        if required:
            raise UserError(f"{fields.label(field)}: a value is required.")
        return None
    if len(value) > MAX_TEXT[field]:
        raise UserError(f"{fields.label(field)}: at most {MAX_TEXT[field]} characters (got {len(value)}).")
    return value


def _number(raw: Mapping[str, Any], field: str, *, integer: bool) -> float | int | None:
    value = raw.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        raise UserError(f"{fields.label(field)}: {value!r} is not a number.")
    if isinstance(value, str):
        text = value.strip().replace(",", ".") if not integer else value.strip()
        try:
            value = float(text)
        except ValueError:
            kind = "a whole number" if integer else "a number"
            raise UserError(f"{fields.label(field)}: “{value.strip()}” is not {kind}.") from None
    value = float(value)
    if not math.isfinite(value):
        raise UserError(f"{fields.label(field)}: {value} is not a finite number.")
    if integer:
        if value != int(value):
            raise UserError(f"{fields.label(field)}: {value:g} is not a whole number.")
        return int(value)
    return value


def clean_initiative(raw: Mapping[str, Any], *, today: date | None = None) -> dict:
    """Validate and normalise the fields of a user initiative. Raises UserError naming the
    field. Returns a dict with every key of USER_FIELDS."""
    today = today or date.today()
    out: dict[str, Any] = {
        "name": _text(raw, "name", required=True),
        "country": _text(raw, "country", required=True),
        "place": _text(raw, "place"),
        "sector": _text(raw, "sector"),
        "notes": _text(raw, "notes"),
        "source": _text(raw, "source") or DEFAULT_USER_SOURCE,
    }
    code = _text(raw, "country_code")
    if code is not None:
        if not re.fullmatch(r"[A-Za-z]{2}", code):
            raise UserError(f"Country code: “{code}” is not a two-letter ISO 3166-1 code (e.g. DE, CI, GE).")
        code = code.upper()
    out["country_code"] = code

    lat = _number(raw, "latitude", integer=False)
    lon = _number(raw, "longitude", integer=False)
    if lat is not None and not -90 <= lat <= 90:
        raise UserError(f"Latitude: {lat:g} is outside [-90, 90] (decimal degrees, north positive).")
    if lon is not None and not -180 <= lon <= 180:
        raise UserError(f"Longitude: {lon:g} is outside [-180, 180] (decimal degrees, east positive).")
    if (lat is None) != (lon is None):
        missing = "Longitude" if lon is None else "Latitude"
        raise UserError(f"{missing}: give both coordinates or neither (an initiative without coordinates "
                        "is listed, not mapped).")
    out["latitude"], out["longitude"] = lat, lon

    members = _number(raw, "members", integer=True)
    if members is not None and members < 0:
        raise UserError(f"Members: {members} is negative; give 0 or more.")
    out["members"] = members

    year = _number(raw, "founding_year", integer=True)
    if year is not None and not MIN_FOUNDING_YEAR <= year <= today.year:
        raise UserError(f"Founding year: {year} is not plausible; give a year from {MIN_FOUNDING_YEAR} "
                        f"to {today.year}.")
    out["founding_year"] = year

    stage = raw.get("stage_code")
    stage = None if stage in (None, "", UNKNOWN_STAGE) else str(stage)
    if stage is not None and stage not in STAGE_CODES:
        raise UserError(f"Maturity stage: “{stage}” is not one of {', '.join(STAGE_CODES)}.")
    out["stage_code"] = stage
    return out


def form_values(record: Mapping[str, Any] | None) -> dict:
    """Initial values of the add/edit form from an initiative record (None: empty form).
    Catalogue records give their numbers; members only where the source gives a number."""
    rec = dict(record or {})
    out = {}
    for f in USER_FIELDS:
        v = rec.get(f)
        if f == "notes" and not v:
            v = rec.get("description")
        if v is not None and not isinstance(v, str) and pd.isna(v):
            v = None
        out[f] = v
    if out["stage_code"] not in STAGE_CODES:
        out["stage_code"] = None
    if rec.get("origin") == "catalogue":
        out["source"] = f"Copy of the catalogue entry; {rec.get('source')}"[: MAX_TEXT["source"]]
    return out


def hex_to_rgba(hex_color: str, alpha: int = 220) -> list[int]:
    """'#rrggbb' as [r, g, b, alpha] (what pydeck layers take)."""
    h = hex_color.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


# ---- filters -----------------------------------------------------------------------------

def stage_key(stage_code: Any) -> str:
    """The filter value of a stage: its code, or 'unknown'."""
    return stage_code if isinstance(stage_code, str) and stage_code in STAGE_CODES else UNKNOWN_STAGE


def stage_label(stage_code: Any) -> str:
    key = stage_key(stage_code)
    return maturity.UNKNOWN_STAGE_NAME if key == UNKNOWN_STAGE else maturity.stage_name(key)


@dataclass(frozen=True)
class FilterOptions:
    sectors: list[str]
    countries: list[str]
    stages: list[str]  # stage codes in model order, then 'unknown'


def filter_options(df: pd.DataFrame) -> FilterOptions:
    def distinct(col: str) -> list[str]:
        return sorted({v for v in df[col].dropna().astype(str) if v.strip()}, key=str.casefold)

    present = {stage_key(s) for s in df["stage_code"]} if len(df) else set()
    return FilterOptions(
        sectors=distinct("sector"),
        countries=distinct("country"),
        stages=[s for s in (*STAGE_CODES, UNKNOWN_STAGE) if s in present],
    )


def filter_initiatives(df: pd.DataFrame, *, sectors=(), countries=(), stages=(), search: str = "") -> pd.DataFrame:
    """Rows matching every given filter: sector in ``sectors``, country in ``countries``, stage in
    ``stages`` ('unknown' = no stage), and every word of ``search`` in name, place, sector,
    country or description (case-insensitive). Empty filters match everything."""
    mask = pd.Series(True, index=df.index)
    if sectors:
        mask &= df["sector"].isin(list(sectors))
    if countries:
        mask &= df["country"].isin(list(countries))
    if stages:
        mask &= df["stage_code"].map(stage_key).isin(list(stages))
    words = search.casefold().split()
    if words:
        hay = (
            df[["name", "place", "sector", "country", "description"]]
            .fillna("").astype(str).agg(" ".join, axis=1).str.casefold()
        )
        for w in words:
            mask &= hay.str.contains(w, regex=False)
    return df[mask]


def describe_filters(sectors=(), countries=(), stages=(), search: str = "") -> str:
    """The filters in force, in words (for the CSV's source line): 'none' when there are none."""
    parts = []
    if sectors:
        parts.append("sector = " + " | ".join(sectors))
    if countries:
        parts.append("country = " + " | ".join(countries))
    if stages:
        parts.append("stage = " + " | ".join(stage_label(s) for s in stages))
    if search.strip():
        parts.append(f"search = {search.strip()}")
    return "; ".join(parts) or "none"


def has_coordinates(df: pd.DataFrame) -> pd.Series:
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    return lat.between(-90, 90) & lon.between(-180, 180)


# ---- map -----------------------------------------------------------------------------------

UNKNOWN_MEMBERS_RADIUS_PX = 6.5
MIN_MEMBERS_RADIUS_PX = 8.5
MAX_MEMBERS_RADIUS_PX = 24.0


def marker_radius_px(members: Any) -> float:
    """Marker radius in pixels: area grows with the number of members (radius ∝ √members),
    from 8.5 px (0 members) to 24 px; a fixed, smaller 6.5 px where members are not known."""
    if members is None or (not isinstance(members, str) and pd.isna(members)):
        return UNKNOWN_MEMBERS_RADIUS_PX
    m = max(float(members), 0.0)
    return round(min(MAX_MEMBERS_RADIUS_PX, MIN_MEMBERS_RADIUS_PX + 1.3 * math.sqrt(m)), 2)


def members_display(row: Mapping[str, Any]) -> str | None:
    """Members as the source gives them: the number, else the words, else None."""
    m = row.get("members")
    if m is not None and not pd.isna(m):
        return f"{int(m):,}"
    t = row.get("members_text")
    return t if isinstance(t, str) and t.strip() else None


def _place_line(row: Mapping[str, Any]) -> str:
    place = row.get("place")
    place = place if isinstance(place, str) and place else None
    precision = precision_key(row.get("location_precision"))
    if place and precision == "country":  # the capital is where the pin is, not a place the text names
        return f"{row.get('country')} (pin on {place})"
    if place and precision == "region":
        return f"{place}, {row.get('country')} (standing for the region)"
    return ", ".join(p for p in (place, row.get("country")) if p)


# What a pin stands for (kb_initiative.location_precision): a place the text names, or a main city /
# the capital standing for a region / a country the text names without a place. The approximate pins
# are drawn differently (a half-filled or an open ring) and say so in their tooltip.
PRECISION_MARKERS: dict[str | None, dict] = {
    None: {"fill_alpha": 235, "line": "white", "line_px": 1.5, "note": None, "short": None},
    "place": {"fill_alpha": 235, "line": "white", "line_px": 1.5, "note": None, "short": None},
    "region": {"fill_alpha": 120, "line": "stage", "line_px": 2.5, "short": "region only",
               "note": "Region only: the text names the region, not a place; the pin is on its main city."},
    "country": {"fill_alpha": 35, "line": "stage", "line_px": 3.0, "short": "country only",
                "note": "Country only: the text names no place; the pin is on the national capital."},
}


def precision_key(value: Any) -> str | None:
    return value if isinstance(value, str) and value in PRECISION_MARKERS else None


def precision_note(row: Mapping[str, Any]) -> str | None:
    """'Country only: …' / 'Region only: …' for an approximate pin, None for a located place."""
    return PRECISION_MARKERS[precision_key(row.get("location_precision"))]["note"]


def tooltip_text(row: Mapping[str, Any], *, others_here: int = 0, cite=None) -> str:
    """Plain text (never HTML) for the map tooltip: the facts, what the pin stands for (country or
    region only) and the source (``cite``: how seed sources are named, e.g. ``knowledge.cite``)."""
    lines = [str(row["name"]), _place_line(row)]
    note = precision_note(row)
    if note:
        lines.append(note)
    if isinstance(row.get("sector"), str) and row["sector"]:
        lines.append(f"Sector: {row['sector']}")
    lines.append(f"Stage: {stage_label(row.get('stage_code'))}")
    m = members_display(row)
    lines.append(f"Members: {m}" if m else "Members: not given")
    y = row.get("founding_year")
    if y is not None and not pd.isna(y):
        lines.append(f"Founded: {int(y)}")
    if others_here:
        lines.append(f"+ {others_here} more at this place (see the table)")
    source = row.get("source")
    lines.append(f"Source: {cite(source) if cite and isinstance(source, str) else source}")
    return "\n".join(lines)


def map_records(df: pd.DataFrame, *, cite=None) -> list[dict]:
    """One JSON-safe record per initiative with coordinates, for the ScatterplotLayer: position,
    colour by stage (``color``), the marker's fill and outline by what the pin stands for
    (``fill_color``, ``line_color``, ``line_width_px``: :data:`PRECISION_MARKERS`), radius by
    members, tooltip text (seed sources named by ``cite``). Bigger markers first, so smaller ones
    are drawn on top and stay clickable."""
    mapped = df[has_coordinates(df)]
    if mapped.empty:
        return []
    key = mapped["latitude"].round(4).astype(str) + "," + mapped["longitude"].round(4).astype(str)
    at_place = key.map(key.value_counts())
    out = []
    for (_, row), n in zip(mapped.iterrows(), at_place):
        r = row.to_dict()
        stage_hex = STAGE_COLORS[None if stage_key(r.get("stage_code")) == UNKNOWN_STAGE else r["stage_code"]]
        precision = precision_key(r.get("location_precision"))
        marker = PRECISION_MARKERS[precision]
        out.append({
            "initiative_id": r["initiative_id"],
            "name": r["name"],
            "latitude": float(r["latitude"]),
            "longitude": float(r["longitude"]),
            "stage": stage_label(r.get("stage_code")),
            "color": hex_to_rgba(stage_hex, 235),
            "location_precision": precision,
            "precision_label": marker["short"],
            "fill_color": hex_to_rgba(stage_hex, marker["fill_alpha"]),
            "line_color": [255, 255, 255, 255] if marker["line"] == "white" else hex_to_rgba(stage_hex, 255),
            "line_width_px": marker["line_px"],
            "radius_px": marker_radius_px(r.get("members")),
            "members_known": members_display(r) is not None and r.get("members") is not None
            and not pd.isna(r.get("members")),
            "at_place": int(n),
            "tooltip": tooltip_text(r, others_here=int(n) - 1, cite=cite),
        })
    out.sort(key=lambda rec: (-rec["radius_px"], rec["stage"] != maturity.UNKNOWN_STAGE_NAME, rec["name"]))
    return out


def place_counts(df: pd.DataFrame) -> list[dict]:
    """Places with more than one mapped initiative: position and the count (a label on the map)."""
    mapped = df[has_coordinates(df)]
    if mapped.empty:
        return []
    g = mapped.groupby([mapped["latitude"].round(4), mapped["longitude"].round(4)]).size()
    return [{"latitude": float(la), "longitude": float(lo), "label": str(int(n))}
            for (la, lo), n in g.items() if n > 1]


def legend_items(df: pd.DataFrame) -> list[dict]:
    """The stage colours with the number of initiatives shown in each (all stages, in model order,
    then unknown)."""
    counts = df["stage_code"].map(stage_key).value_counts() if len(df) else pd.Series(dtype=int)
    items = []
    for code in (*STAGE_CODES, UNKNOWN_STAGE):
        c = None if code == UNKNOWN_STAGE else code
        items.append({"stage": code, "label": stage_label(c), "color": STAGE_COLORS[c],
                      "count": int(counts.get(code, 0))})
    return items


def precision_legend(df: pd.DataFrame) -> list[dict]:
    """The marker styles of what a pin stands for (place, region only, country only), each with its
    fill alpha, outline width and the number of mapped initiatives shown in it."""
    mapped = df[has_coordinates(df)]
    keys = [precision_key(v) for v in (mapped["location_precision"] if "location_precision" in mapped else [])]
    labels = {"place": "Place named in the text", "region": "Region only", "country": "Country only"}
    return [{"precision": code, "label": labels[code], "fill_alpha": PRECISION_MARKERS[code]["fill_alpha"],
             "line_px": PRECISION_MARKERS[code]["line_px"],
             "count": sum(1 for k in keys if (k or "place") == code) if code == "place" else keys.count(code)}
            for code in labels]


def size_legend() -> list[dict]:
    """Example marker sizes for the legend."""
    return [{"label": str(m), "radius_px": marker_radius_px(m)} for m in (10, 50, 100)] + [
        {"label": "not given", "radius_px": UNKNOWN_MEMBERS_RADIUS_PX}]


# ---- table and profile --------------------------------------------------------------------------

TABLE_COLUMNS = {
    "name": "name",
    "country": "country",
    "place": "place",
    "sector": "sector",
    "stage": "stage",
    "members": "members",
    "founding_year": "founding_year",
    "origin": "origin",
    "location_precision": "location_precision",
    "latitude": "latitude",
    "longitude": "longitude",
    "source": "source",
    "initiative_id": "initiative_id",
}


def table_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The table beside the map (and its CSV): one row per initiative shown, stage as words,
    members as the source gives them (number or words)."""
    out = pd.DataFrame({
        "name": df["name"],
        "country": df["country"],
        "place": df["place"],
        "sector": df["sector"],
        "stage": df["stage_code"].map(stage_label),
        "members": [members_display(r) for r in df.to_dict("records")],
        "founding_year": df["founding_year"].astype("Int64"),
        "origin": df["origin"],
        "location_precision": (df["location_precision"] if "location_precision" in df else pd.Series(None, index=df.index))
        .map(lambda v: fields.value_label("location_precision", v) if precision_key(v) else None),
        "latitude": df["latitude"].astype("Float64"),
        "longitude": df["longitude"].astype("Float64"),
        "source": df["source"],
        "initiative_id": df["initiative_id"],
    })
    return out.reset_index(drop=True)


PROFILE_FIELDS = [
    ("initiative_type", "Type"),
    ("country", "Country"),
    ("place", "Place"),
    ("sector", "Sector"),
    ("stage", "Maturity stage"),
    ("stage_basis", "Stage rests on"),
    ("members", "Members"),
    ("founding_year", "Founded"),
    ("staff_text", "Staff"),
    ("funding_text", "Funding"),
    ("results_text", "Results and facts"),
    ("description", "Description"),
    ("coordinates", "Coordinates"),
    ("location", "Pin stands for"),
    ("coordinate_source", "Coordinates from"),
    ("origin", "Origin"),
]


def profile_facts(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of every fact the record has, in a fixed order; empty facts are left out.
    The source is not among them (the page shows it as the source line)."""
    r = dict(record)
    values: dict[str, Any] = dict(r)
    values["initiative_type"] = (r.get("initiative_type") or "").replace("_", " ") or None
    values["stage"] = stage_label(r.get("stage_code"))
    values["members"] = members_display(r)
    y = r.get("founding_year")
    values["founding_year"] = None if y is None or pd.isna(y) else str(int(y))
    lat, lon = r.get("latitude"), r.get("longitude")
    values["coordinates"] = (
        f"{float(lat):.4f}, {float(lon):.4f}" if lat is not None and lon is not None
        and not pd.isna(lat) and not pd.isna(lon) else "not given (listed, not on the map)"
    )
    values["origin"] = fields.value_label("origin", r.get("origin"))
    values["location"] = precision_note(r) or (fields.value_label("location_precision", "place")
                                               if precision_key(r.get("location_precision")) == "place" else None)
    if r.get("origin") == "user":
        values["coordinate_source"] = None
    out = []
    for field, label in PROFILE_FIELDS:
        v = values.get(field)
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            continue
        text = str(v).strip()
        if text:
            out.append((label, text))
    return out


def same_place(df: pd.DataFrame, record: Mapping[str, Any]) -> pd.DataFrame:
    """Other initiatives at exactly the same coordinates as ``record`` (rounded to 4 decimals)."""
    lat, lon = record.get("latitude"), record.get("longitude")
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return df.iloc[0:0]
    m = has_coordinates(df) & (df["latitude"].round(4) == round(float(lat), 4)) & (
        df["longitude"].round(4) == round(float(lon), 4)) & (df["initiative_id"] != record["initiative_id"])
    return df[m]
