"""Financing of a cluster organisation: shares of its income mix, findings grounded in the guide,
a multi-year planner and a 12-month liquidity plan. Pure Python (no Streamlit, no SQL).

Where the numbers come from
---------------------------
The user enters income by source and costs by category per year (``financing_entry``). The guide
(seed 004, PART 2 Establishment phase › Step 1/4) distinguishes three main sources of financing —
baseline support (mainly public co-financing by national, regional and local governmental
institutions), private sources (membership fees, fee-based services, sponsoring) and projects —
and names the cost categories personnel, rent, operating supplies, equipment, others plus
formation and start-up costs. The income categories below follow those three sources.

Definitions used everywhere
---------------------------
* **total income** = sum of the income amounts entered for the year (a category not entered
  counts as nothing; if no income at all is entered the total is ``None``, "not entered").
* **public share** = baseline support (local + regional + national) / total income × 100. Publicly
  funded projects are counted separately, as in the Business Upper Austria mix where
  "Services & Projects" is its own component; the "public incl. projects" share is also given.
* **private share** = (membership fees + fee-based services + sponsoring) / total income × 100.
* **cost coverage** = total income / total costs × 100.
* A share is ``None`` when total income is 0 or not entered (no division by zero, no invented 0 %).

Every figure of the guide used here (20–30 %, five years, 58 %, ...) is read from the
knowledge base rows passed in, with their ``source``; nothing from the guide is hard-coded as a number.
The only number of ClusterDash's own is :data:`DEPENDENCE_THRESHOLD_PCT`, labelled as such.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

import pandas as pd

from clusterdash import fields, frames
from clusterdash.errors import UserError

# ---- categories -------------------------------------------------------------------------------

INCOME = "income"
COST = "cost"
ENTRY_KINDS = (INCOME, COST)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    group_code: str  # for income: the share group; for costs: the cost code itself
    source_code: str | None = None  # kb_financing_source.source_code the income belongs to


INCOME_CATEGORIES: tuple[Category, ...] = (
    Category("public_local", "Baseline support – local", "public", "baseline_support"),
    Category("public_regional", "Baseline support – regional", "public", "baseline_support"),
    Category("public_national", "Baseline support – national", "public", "baseline_support"),
    Category("membership_fees", "Membership fees", "membership_fees", "private_sources"),
    Category("fee_based_services", "Fee-based services", "fee_based_services", "private_sources"),
    Category("sponsoring", "Sponsoring", "sponsoring", "private_sources"),
    Category("publicly_funded_projects", "Publicly funded projects", "projects", "projects"),
    Category("other", "Other income", "other", None),
)

# The guide's cost categories (kb_cost_category; a test checks they agree).
COST_CATEGORIES: tuple[Category, ...] = (
    Category("personnel", "Personnel", "personnel"),
    Category("rent", "Rent", "rent"),
    Category("operating_supplies", "Operating supplies", "operating_supplies"),
    Category("equipment", "Equipment", "equipment"),
    Category("others", "Others", "others"),
    Category("start_up", "Formation and start-up costs", "start_up"),
)

CATEGORIES: dict[str, tuple[Category, ...]] = {INCOME: INCOME_CATEGORIES, COST: COST_CATEGORIES}

# Share groups of income, in display order.
INCOME_GROUPS: dict[str, str] = fields.column_labels(  # {group: label}; labels are the field registry's
    ("public", "membership_fees", "fee_based_services", "sponsoring", "projects", "other"))
PRIVATE_GROUPS = ("membership_fees", "fee_based_services", "sponsoring")

# ClusterDash's own threshold (not a figure of the guide): one source providing more than half
# of the income is flagged as heavy dependence.
DEPENDENCE_THRESHOLD_PCT = 50.0

YEAR_MIN, YEAR_MAX = 1950, 2100
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def category(kind: str, code: str) -> Category:
    for c in CATEGORIES.get(kind, ()):
        if c.code == code:
            return c
    raise UserError(f"Unknown {kind} category {code!r}.")


def category_name(kind: str, code: str) -> str:
    return category(kind, code).name


# ---- amounts as people type them -------------------------------------------------------------

MAX_AMOUNT = 1e12
"""The largest amount one entry may hold: a trillion in the workspace's currency. The budget of a
cluster organisation is thousands to a few million euros a year; 10^12 still holds a 50-million-euro
budget in the currency with the most digits in common use (about 20,000 Indonesian rupiah or
27,000 Vietnamese dong to the euro). Below 10^12 a float holds every cent exactly (15 significant
digits), so totals of a year's categories print without float artefacts. A larger figure is a
typo (an extra zero, a pasted account number, ``1e24``) and is refused, not stored."""

MAX_DECIMALS = 2
# digit-group separators besides "." and ",": spaces (also no-break and thin) and apostrophes (1'000)
_GROUP_CHARS = " \u00a0\u202f\u2009'\u2019"
_SHOWN_CHARS = 40  # a refused text longer than this is shown shortened

# Languages whose numbers are written with a decimal comma (20.000,50 or 20 000,50); every other
# known language writes a decimal point. Exceptions by region follow.
_DECIMAL_COMMA_LANGUAGES = frozenset(
    "af az be bg bs ca cs da de el es et eu fi fo fr gl hr hu hy id is it ka kk ky lt lv mk mn nb nl nn no "
    "pl pt ro ru sk sl sq sr sv tr uk uz vi".split())
_DECIMAL_POINT_LANGUAGES = frozenset(
    "am ar bn en fa fil gu he hi ja km kn ko lo ml mr ms my ne pa si sw ta te th ur yue zh zu".split())
_REGION_EXCEPTIONS = {"de-ch": ".", "de-li": ".", "it-ch": ".", "fr-ch": ".", "es-mx": ".", "es-us": ".",
                      "es-pr": ".", "en-za": ",", "pt-mz": ","}


def decimal_separator(locale_hint: str | None) -> str | None:
    """The decimal separator of ``locale_hint``: "." or "," given as such, or a BCP-47 language
    tag as browsers report it ("de-DE", "en-US", "fr"); None when unknown (then only text that
    reads the same either way is accepted)."""
    if locale_hint in (".", ","):
        return locale_hint
    if not locale_hint:
        return None
    tag = str(locale_hint).strip().replace("_", "-").lower()
    parts = tag.split("-")
    region = f"{parts[0]}-{parts[-1]}" if len(parts) > 1 else None
    if region in _REGION_EXCEPTIONS:
        return _REGION_EXCEPTIONS[region]
    if parts[0] in _DECIMAL_COMMA_LANGUAGES:
        return ","
    if parts[0] in _DECIMAL_POINT_LANGUAGES:
        return "."
    return None


def shorten(text: str, limit: int = _SHOWN_CHARS) -> str:
    """``text`` for a message: as it is up to ``limit`` characters, else its start, "…" and its length."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[: max(limit - 10, 8)]}… ({len(text):,} characters)"


def _example(decimal: str | None) -> str:
    if decimal == ",":
        return "20000 or 20.000 for twenty thousand, 12,50 for twelve and a half"
    if decimal == ".":
        return "20000 or 20,000 for twenty thousand, 12.50 for twelve and a half"
    return "20000 for twenty thousand, 12.50 or 12,50 for twelve and a half"


def _grouped(text: str, sep: str) -> bool:
    """True when ``text`` is digit groups separated by ``sep``: the first of 1–3 digits, then 3 each."""
    groups = text.split(sep)
    return (all(g.isdigit() and g.isascii() for g in groups) and 1 <= len(groups[0]) <= 3
            and all(len(g) == 3 for g in groups[1:]))


def parse_amount(text, locale_hint: str | None = None, *, where: str = "Amount",
                 allow_negative: bool = False, max_decimals: int = MAX_DECIMALS) -> float | None:
    """An amount as typed: ``None`` for blank (not entered, never 0), else a float; a clear
    :class:`UserError` (naming ``where``) for anything that could be read two ways or is not an
    amount. Never a silent misread:

    * digits with an optional decimal part of at most ``max_decimals`` digits, after "." or ",";
    * digit groups of three, separated by spaces, apostrophes, or by the separator that is *not*
      the decimal one (``locale_hint``: "." / "," or a browser language such as "de-DE");
    * one "." or "," followed by exactly three digits ("20.000", "20,000") is a thousands
      separator only when ``locale_hint`` says so; without a hint, or when the hint makes it the
      decimal separator, it is refused (twenty, or twenty thousand?);
    * a separator used against the hint ("12,5" where the decimal separator is ".") is refused;
    * no exponents (``1e24``), no ``nan``/``inf``, no letters; negative only with ``allow_negative``;
    * at most :data:`MAX_AMOUNT` in absolute value.
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    shown = repr(shorten(s))
    decimal = decimal_separator(locale_hint)
    how = f"write e.g. {_example(decimal)}"

    def refuse(why: str):
        raise UserError(f"{where}: {shown} {why} ({how}).")

    negative = False
    if s[0] in "-\u2212":
        negative, s = True, s[1:].lstrip()
    elif s[0] == "+":
        s = s[1:].lstrip()
    for ch in _GROUP_CHARS:
        s = s.replace(ch, " ")
    if not s or any(not (c.isascii() and (c.isdigit() or c in "., ")) for c in s):
        if any(c in "eE" for c in s) and any(c.isdigit() for c in s):
            refuse("is written with an exponent; use digits only")
        refuse("is not a number")
    dots, commas = s.count("."), s.count(",")
    dec = None  # the decimal separator found in the text
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        if s.count(dec) > 1:
            refuse("is not a number")
        if decimal is not None and dec != decimal:
            refuse(f"uses {dec!r} as the decimal separator, but numbers here are written with {decimal!r}")
    elif dots or commas:
        char = "." if dots else ","
        if dots + commas > 1:  # several: digit groups
            if decimal == char:
                refuse(f"has several {char!r}, the decimal separator here")
        else:
            head, frac = s.split(char)
            if " " not in head and len(frac) == 3 and 1 <= len(head) <= 3:
                if decimal is None or decimal == char:
                    refuse("can be read two ways (twenty or twenty thousand?)")
                # the hint makes it a thousands separator: dec stays None
            elif decimal is not None and decimal != char:
                refuse(f"uses {char!r} as the decimal separator, but numbers here are written with {decimal!r}")
            else:
                dec = char
    head, frac = (s.rsplit(dec, 1) if dec else (s, ""))
    if dec and (not frac.isdigit()):
        refuse("is not a number")
    seps = {c for c in head if not c.isdigit()}
    if len(seps) > 1:
        refuse("mixes digit-group separators")
    if seps and not _grouped(head, seps.pop()):
        refuse("is not grouped in threes")
    int_part = "".join(c for c in head if c.isdigit()) or ("0" if frac else "")
    if not int_part:
        refuse("is not a number")
    if len(frac) > max_decimals:
        refuse(f"has {len(frac)} decimals; at most {max_decimals}")
    value = float(f"{int_part}.{frac or '0'}") if len(int_part.lstrip("0")) <= 13 else math.inf
    if value > MAX_AMOUNT:
        raise UserError(f"{where}: {shown} is above the largest amount one entry may hold "
                        f"({_fmt_plain(MAX_AMOUNT)}); check for an extra digit.")
    if negative and value:
        if not allow_negative:
            raise UserError(f"{where}: -{_fmt_plain(value)} is negative — amounts must be zero or more.")
        value = -value
    return value


def amount_text(x: float | None, locale_hint: str | None = None) -> str:
    """An amount as an input field shows it, so that :func:`parse_amount` reads it back exactly
    with the same ``locale_hint``: no thousands separators, the hint's decimal separator, cents
    only when there are any ("20000", "12,50" for a decimal comma); "" for not entered."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    sign = "-" if x < 0 else ""
    cents = round(abs(float(x)) * 100)
    whole, frac = divmod(cents, 100)
    text = f"{sign}{whole}"
    if frac:
        text += ("," if decimal_separator(locale_hint) == "," else ".") + f"{frac:02d}"
    return text


# ---- validation -------------------------------------------------------------------------------

def validate_amount(value, where: str, *, locale_hint: str | None = None,
                    allow_negative: bool = False) -> float | None:
    """An amount as a float (``None`` for blank or a missing float = not entered). Text is read by
    :func:`parse_amount` with ``locale_hint``; a number must be finite and at most
    :data:`MAX_AMOUNT`. Raises UserError naming ``where`` for anything else, and for negative
    amounts unless ``allow_negative``."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse_amount(value, locale_hint, where=where, allow_negative=allow_negative)
    if isinstance(value, bool):
        raise UserError(f"{where}: {value!r} is not a number.")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise UserError(f"{where}: {shorten(repr(value))} is not a number.") from None
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise UserError(f"{where}: {shorten(repr(value))} is not a finite number.")
    if abs(number) > MAX_AMOUNT:
        raise UserError(f"{where}: {_fmt_plain(number)[:40]} is above the largest amount one entry may hold "
                        f"({_fmt_plain(MAX_AMOUNT)}); check for an extra digit.")
    if number < 0 and not allow_negative:
        raise UserError(f"{where}: {_fmt_plain(number)} is negative — amounts must be zero or more.")
    return number + 0.0  # -0.0 -> 0.0


def validate_year(value, where: str = "year") -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise UserError(f"{where}: {value!r} is not a year.") from None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise UserError(f"{where}: {year} is outside {YEAR_MIN}–{YEAR_MAX}.")
    return year



def check_entry_kind(entry_kind: str) -> str:
    if entry_kind not in ENTRY_KINDS:
        raise UserError(f"Unknown kind {entry_kind!r} (income or cost).")
    return entry_kind


DEFAULT_CURRENCY = "EUR"
PROFILE_FIELDS = ("currency", "founding_year", "members")


def validate_profile_value(field_name: str, value, *, this_year: int):
    """One field of the financing profile as stored (currency, founding_year or members; None
    for a year or count that is not entered). Raises UserError."""
    if field_name not in PROFILE_FIELDS:
        raise UserError(f"Unknown financing profile field {field_name!r}.")
    if field_name == "currency":
        value = " ".join(str(value or "").split())
        if not value:
            raise UserError("Currency: a value is required (e.g. EUR).")
        if len(value) > 12:
            raise UserError(f"Currency: at most 12 characters ({len(value)} given).")
        return value
    if value is None:
        return None
    if field_name == "founding_year":
        value = validate_year(value, "Founding year")
        if value > this_year:
            raise UserError(f"Founding year: {value} is in the future.")
        return value
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise UserError(f"Members: {value!r} is not a whole number.") from None
    if value < 0:
        raise UserError(f"Members: {value} is negative — the number of members must be zero or more.")
    return value


def validate_opening_balance(value, year: int, *, locale_hint: str | None = None) -> float | None:
    """Opening cash of the liquidity plan (may be negative: an overdraft); None for blank."""
    return validate_amount(value, f"Cash at the start of {year}", locale_hint=locale_hint, allow_negative=True)


def _fmt_plain(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"


def format_amount(x: float | None, currency: str = "") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    s = f"{x:,.0f}" if abs(x) >= 1000 or x == int(x) else f"{x:,.2f}"
    return f"{s} {currency}".strip()


def format_pct(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}f} %"


# ---- the mix of one year ----------------------------------------------------------------------

@dataclass
class MixSummary:
    """Income, costs and shares of one year. Amounts ``None`` = not entered."""

    year: int
    income: dict[str, float | None]  # by income category code
    costs: dict[str, float | None]  # by cost code

    @property
    def income_entered(self) -> bool:
        return any(v is not None for v in self.income.values())

    @property
    def costs_entered(self) -> bool:
        return any(v is not None for v in self.costs.values())

    @property
    def total_income(self) -> float | None:
        return _total(self.income.values()) if self.income_entered else None

    @property
    def total_costs(self) -> float | None:
        return _total(self.costs.values()) if self.costs_entered else None

    def group_amount(self, group_code: str) -> float:
        """The income of a share group (0 when none of its categories is entered: for arithmetic;
        :meth:`group_entered` tells the two apart)."""
        return _total(self.income.get(c.code) for c in INCOME_CATEGORIES if c.group_code == group_code)

    def group_entered(self, *group_codes: str) -> bool:
        """True when at least one income category of these share groups has an amount entered."""
        return any(self.income.get(c.code) is not None for c in INCOME_CATEGORIES if c.group_code in group_codes)

    def group_share_pct(self, *group_codes: str) -> float | None:
        """Share of these groups in total income; None when none of their categories is entered
        ("not entered" is never shown as 0 %) or when total income is 0 or not entered."""
        if not self.group_entered(*group_codes):
            return None
        return self.share_pct(sum(self.group_amount(g) for g in group_codes))

    def share_pct(self, amount: float) -> float | None:
        total = self.total_income
        if not total:  # None (not entered) or 0: no share
            return None
        return amount / total * 100.0

    @property
    def group_shares_pct(self) -> dict[str, float | None]:
        return {g: self.group_share_pct(g) for g in INCOME_GROUPS}

    @property
    def public_amount(self) -> float:
        return self.group_amount("public")

    @property
    def private_amount(self) -> float:
        return sum(self.group_amount(g) for g in PRIVATE_GROUPS)

    @property
    def public_share_pct(self) -> float | None:
        return self.group_share_pct("public")

    @property
    def public_incl_projects_share_pct(self) -> float | None:
        return self.group_share_pct("public", "projects")

    @property
    def private_share_pct(self) -> float | None:
        return self.group_share_pct(*PRIVATE_GROUPS)

    @property
    def cost_coverage_pct(self) -> float | None:
        ti, tc = self.total_income, self.total_costs
        if ti is None or not tc:
            return None
        return ti / tc * 100.0

    @property
    def balance(self) -> float | None:
        ti, tc = self.total_income, self.total_costs
        if ti is None and tc is None:
            return None
        return round((ti or 0.0) - (tc or 0.0), 2)

    def largest_group(self) -> tuple[str, float] | None:
        shares = {g: s for g, s in self.group_shares_pct.items() if s is not None}
        if not shares:
            return None
        g = max(shares, key=lambda k: (shares[k], -list(INCOME_GROUPS).index(k)))
        return g, shares[g]


def _total(amounts: Iterable[float | None]) -> float:
    """Sum of the amounts entered, exact to the cent (``math.fsum``, rounded to 2 decimals: no
    float artefacts such as 0.30000000000000004 in a total)."""
    return round(math.fsum(v for v in amounts if v is not None), 2) + 0.0


def empty_entries() -> pd.DataFrame:
    return pd.DataFrame({"year": pd.Series(dtype="int64"), "entry_kind": pd.Series(dtype="object"),
                         "category_code": pd.Series(dtype="object"), "amount": pd.Series(dtype="float64")})


def summarise_year(entries: pd.DataFrame, year: int) -> MixSummary:
    """The :class:`MixSummary` of ``year`` from long entries (year, entry_kind, category_code, amount)."""
    income = {c.code: None for c in INCOME_CATEGORIES}
    costs = {c.code: None for c in COST_CATEGORIES}
    if len(entries):
        rows = entries[entries["year"] == year]
        for r in rows.itertuples():
            amount = None if pd.isna(r.amount) else float(r.amount)
            target = income if r.entry_kind == INCOME else costs
            if r.category_code in target:
                target[r.category_code] = amount
    return MixSummary(year, income, costs)


def entered_years(entries: pd.DataFrame) -> list[int]:
    return sorted({int(y) for y in entries["year"]}) if len(entries) else []


def shares_table(entries: pd.DataFrame) -> pd.DataFrame:
    """One row per year entered: totals, share of each income group, public/private shares and
    cost coverage (shares ``None`` where total income is 0 or not entered)."""
    rows = []
    for year in entered_years(entries):
        s = summarise_year(entries, year)
        row = {"year": year, "total_income": s.total_income, "total_costs": s.total_costs, "balance": s.balance}
        for g, pct in s.group_shares_pct.items():
            if g != "public":  # the public group's share is public_share_pct
                row[f"{g}_share_pct"] = pct
        row["public_share_pct"] = s.public_share_pct
        row["public_incl_projects_share_pct"] = s.public_incl_projects_share_pct
        row["private_share_pct"] = s.private_share_pct
        row["cost_coverage_pct"] = s.cost_coverage_pct
        rows.append(row)
    cols = SHARES_COLUMNS
    df = pd.DataFrame(rows, columns=cols)
    for c in cols[1:]:
        df[c] = df[c].astype("Float64")
    return df


NOT_ENTERED = "not entered"
NO_INCOME = "no income to share"
NO_COSTS = "no costs to cover"


def shares_table_text(shares: pd.DataFrame) -> pd.DataFrame:
    """:func:`shares_table` as the page shows it: amounts with thousands separators, shares with
    one decimal and " %"; a share is "not entered" when its sources are not entered, and "no
    income to share" when the year's total income is 0 (cost coverage: "no costs to cover") —
    never "0.0 %" for either."""
    out = pd.DataFrame({"year": [str(int(y)) for y in shares["year"]]})
    for c in SHARES_COLUMNS[1:]:
        if c == "cost_coverage_pct":  # income / costs
            out[c] = [NO_COSTS if (pd.notna(tc) and tc == 0 and pd.notna(ti)) else
                      (NOT_ENTERED if pd.isna(v) else format_pct(float(v)))
                      for v, ti, tc in zip(shares[c], shares["total_income"], shares["total_costs"])]
        elif c.endswith("_pct"):
            out[c] = [NO_INCOME if (pd.notna(t) and t == 0 and pd.isna(v)) else
                      (NOT_ENTERED if pd.isna(v) else format_pct(float(v)))
                      for v, t in zip(shares[c], shares["total_income"])]
        else:
            out[c] = [NOT_ENTERED if pd.isna(v) else f"{float(v):,.2f}" for v in shares[c]]
    return out


SHARES_COLUMNS = (["year", "total_income", "total_costs", "balance", "public_share_pct"]
                  + [f"{g}_share_pct" for g in INCOME_GROUPS if g != "public"]
                  + ["public_incl_projects_share_pct", "private_share_pct", "cost_coverage_pct"])

def mix_long(summary: MixSummary, label: str) -> pd.DataFrame:
    """Shares of one year by income group, long (mix, component, share_pct, amount), for stacked bars.
    Empty when there is no share to show."""
    rows = []
    for g, name in INCOME_GROUPS.items():
        pct = summary.share_pct(summary.group_amount(g))
        if pct is None or pct == 0:
            continue
        rows.append({"mix": label, "component": name, "share_pct": pct, "share_text": format_pct(pct),
                     "amount": summary.group_amount(g), "source": "Your entries"})
    return pd.DataFrame(rows, columns=["mix", "component", "share_pct", "share_text", "amount", "source"])


# ---- the table of entries as shown / exported / imported --------------------------------------

def entries_wide(entries: pd.DataFrame) -> pd.DataFrame:
    """The entries as the page shows them: one row per category (income first, then costs),
    one column per year; blank where not entered. Exactly what the CSV export holds."""
    years = entered_years(entries)
    rows = []
    lookup = {(int(r.year), r.entry_kind, r.category_code): float(r.amount) for r in entries.itertuples()}
    for kind in ENTRY_KINDS:
        for c in CATEGORIES[kind]:
            row = {"kind": kind, "category": c.name}
            for y in years:
                row[str(y)] = lookup.get((y, kind, c.code))
            rows.append(row)
    df = pd.DataFrame(rows, columns=["kind", "category"] + [str(y) for y in years])
    for y in years:
        df[str(y)] = df[str(y)].astype("Float64")
    return df


def _norm(text: str) -> str:
    return re.sub(r"[\s\-–—_]+", " ", text.strip().lower())


def _category_lookup() -> dict[tuple[str, str], str]:
    out = {}
    for kind, cats in CATEGORIES.items():
        for c in cats:
            out[(kind, _norm(c.name))] = c.code
            out[(kind, _norm(c.code))] = c.code
    return out


_NOT_A_NUMBER_WORDS = frozenset({"nan", "na", "n/a", "null", "none", "inf", "-inf", "+inf", "infinity", "-"})


def parse_entries_csv(data: bytes | str) -> tuple[pd.DataFrame, list[int]]:
    """Read a CSV in the export's format (comment lines starting with '#', then a header
    ``kind,category,<year>,<year>,...``; a category by its name or code; blank = not entered).

    Returns the long entries (year, entry_kind, category_code, amount) and the years the file
    covers. Raises UserError naming the line and column of the first problem."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError("The file is not UTF-8 text (save it as CSV UTF-8).") from None
    else:
        text = data
    lines = text.splitlines()
    header = None
    header_line = 0
    records: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    lookup = _category_lookup()
    years: list[int] = []
    year_cols: list[int] = []
    reader = csv.reader(lines)
    rows_iter = iter(enumerate(reader, start=1))
    while True:
        try:
            lineno, row = next(rows_iter)
        except StopIteration:
            break
        except csv.Error as exc:
            raise UserError(f"line {reader.line_num}: the CSV cannot be read there ({exc}).") from None
        raw = lines[lineno - 1] if lineno - 1 < len(lines) else ""
        if raw.lstrip().startswith("#") or not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [h.strip() for h in row]
            header_line = lineno
            low = [h.lower() for h in header]
            if len(low) < 2 or low[0] != "kind" or low[1] != "category":
                raise UserError(
                    f"line {lineno}: the header must start with 'kind,category' followed by one column per "
                    f"year (as in the CSV export); found {','.join(header[:3])!r}."
                )
            for i, h in enumerate(header[2:], start=2):
                if not h:
                    continue
                y = validate_year(h, f"line {lineno}, column {i + 1}")
                if y in years:
                    raise UserError(f"line {lineno}, column {h}: the year {y} appears twice.")
                years.append(y)
                year_cols.append(i)
            if not years:
                raise UserError(f"line {lineno}: no year columns (expected e.g. kind,category,2023,2024).")
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            raise UserError(f"line {lineno}: {len(row)} fields, but the header has {len(header)}.")
        kind = row[0].strip().lower()
        if kind not in ENTRY_KINDS:
            raise UserError(f"line {lineno}, column kind: {row[0].strip()!r} must be 'income' or 'cost'.")
        name = row[1].strip() if len(row) > 1 else ""
        code = lookup.get((kind, _norm(name)))
        if code is None:
            known = ", ".join(c.name for c in CATEGORIES[kind])
            raise UserError(f"line {lineno}, column category: {name!r} is not a {kind} category (one of: {known}).")
        if (kind, code) in seen:
            raise UserError(f"line {lineno}, column category: {name!r} already appears on line {seen[(kind, code)]}.")
        seen[(kind, code)] = lineno
        for y, i in zip(years, year_cols):
            cell = row[i] if i < len(row) else ""
            where = f"line {lineno}, column {y} ({name})"
            if cell.strip().lower() in _NOT_A_NUMBER_WORDS:
                raise UserError(f"{where}: {shorten(cell.strip())!r} is not a number; leave the cell blank for "
                                "“not entered” (the years of the file replace the amounts saved for them).")
            # the export's format: a decimal point (a comma only between groups of three digits)
            amount = validate_amount(cell, where, locale_hint=".")
            if amount is not None:
                records.append({"year": y, "entry_kind": kind, "category_code": code, "amount": amount})
    if header is None:
        raise UserError("The file is empty (expected a header kind,category,<year>,...).")
    if not seen:
        raise UserError(f"line {header_line}: the file has a header but no rows.")
    df = pd.DataFrame(records, columns=["year", "entry_kind", "category_code", "amount"])
    df["year"] = df["year"].astype("int64")
    df["amount"] = df["amount"].astype("float64")
    return df, years


# ---- knowledge helpers ------------------------------------------------------------------------

REGIONS: dict[str, str] = {
    "mena": "MENA",
    "eu": "European Union",
    "latin_america": "Latin America",
    "middle_east_asia": "Middle East Asia",
}
REGION_LONG: dict[str, str] = {"mena": "MENA (Middle East & North Africa)"}

MEASURE_LABELS: dict[str, str] = {
    "public_share": "Public share",
    "private_share": "Private share",
    "membership_fee_share": "Membership fees share",
    "other_sources_share": "Other sources share",
    "public_private_balance": "Public–private balance",
    "development_start": "Development history",
    "corroboration": "Corroboration",
    "comparison": "Comparison",
    "public_funding_security_correlation": "Public funding and security",
    "long_term_security": "Secured in the long term",
    "short_medium_term_security": "Secured in the short and medium term",
    "public_funding_reduced": "Public funding reduced",
    "panel_coverage": "Chart panel (region not stated)",
}

_FRACTION_WORDS = {25.0: ("one quarter", "a quarter"), 50.0: ("half",), 75.0: ("three quarters",),
                   33.0: ("one third",), 20.0: ("one fifth",)}
_NOTE = re.compile(r"\s*\((?:value_pct|value)[^)]*\)\s*$")


def measure_label(measure: str) -> str:
    return MEASURE_LABELS.get(measure, measure.replace("_", " ").capitalize())


def statement_words(value_text: str) -> str:
    """The guide's words of a pattern statement, without ClusterDash's editorial note."""
    return _NOTE.sub("", value_text or "").strip()


def figure_as_stated(value_pct: float | None, value_text: str) -> str | None:
    """How the text states a figure: '58 %' where it prints a percentage, the words ('one quarter')
    where it gives the figure in words. ``None`` where there is no figure."""
    if value_pct is None or pd.isna(value_pct):
        return None
    v = float(value_pct)
    text = statement_words(value_text)
    if re.search(rf"(?<![\d.,]){re.escape(f'{v:g}')}\s*%", text):
        return f"{v:g} %"
    for words in _FRACTION_WORDS.get(v, ()):
        if words in text.lower():
            return words
    return f"{v:g} %"


def rule(rules: pd.DataFrame, code: str) -> dict | None:
    """One rule of thumb (a row of kb_financing_rule) as a dict, missing values as None."""
    return _rule(rules, code)


def _rule(rules: pd.DataFrame, code: str) -> dict | None:
    if rules is None or not len(rules):
        return None
    hit = rules[rules["rule_code"] == code]
    if not len(hit):
        return None
    return frames.records(hit.head(1))[0]


def stated_pattern_figures(patterns: pd.DataFrame, pattern_set: str) -> pd.DataFrame:
    """The pattern statements of ``pattern_set`` that carry a number, for a chart: one row per
    number, with the figure as stated, its period, clusters observed and source. Statements in
    words only are not in it (they get no bar)."""
    cols = ["region", "measure", "label", "value_pct", "figure_as_stated", "period", "n_clusters",
            "n_clusters_scope", "pattern_code", "source"]
    if patterns is None or not len(patterns):
        return pd.DataFrame(columns=cols)
    p = patterns[(patterns["pattern_set"] == pattern_set) & patterns["value_pct"].notna()]
    rows = []
    for r in p.itertuples():
        region = REGIONS.get(r.region_code, "Region not stated") if isinstance(r.region_code, str) else "Region not stated"
        rows.append({
            "region": region,
            "measure": measure_label(r.measure),
            "label": f"{region}: {measure_label(r.measure).lower()}",
            "value_pct": float(r.value_pct),
            "figure_as_stated": figure_as_stated(r.value_pct, r.value_text),
            "period": None if pd.isna(r.period) else r.period,
            "n_clusters": None if pd.isna(r.n_clusters) else int(r.n_clusters),
            "n_clusters_scope": None if pd.isna(r.n_clusters_scope) else r.n_clusters_scope,
            "pattern_code": r.pattern_code,
            "source": r.source,
        })
    return pd.DataFrame(rows, columns=cols)


def region_statements(patterns: pd.DataFrame, pattern_set: str) -> dict[str, list[dict]]:
    """Statements per region (in the order of the knowledge base) for the region cards; each
    statement has its words, the figure as stated (or None), period, clusters and source."""
    out: dict[str, list[dict]] = {}
    if patterns is None or not len(patterns):
        return out
    p = patterns[(patterns["pattern_set"] == pattern_set) & patterns["region_code"].notna()]
    for r in p.itertuples():
        out.setdefault(r.region_code, []).append({
            "pattern_code": r.pattern_code,
            "measure": measure_label(r.measure),
            "words": statement_words(r.value_text),
            "figure_as_stated": figure_as_stated(r.value_pct, r.value_text),
            "value_pct": None if pd.isna(r.value_pct) else float(r.value_pct),
            "period": None if pd.isna(r.period) else r.period,
            "n_clusters": None if pd.isna(r.n_clusters) else int(r.n_clusters),
            "n_clusters_scope": None if pd.isna(r.n_clusters_scope) else r.n_clusters_scope,
            "source": r.source,
        })
    return out


def pattern_statements_table(patterns: pd.DataFrame, pattern_set: str) -> pd.DataFrame:
    """All statements of a pattern set as a table (figure where stated, the words otherwise)."""
    cols = ["region", "measure", "figure_as_stated", "statement", "period", "clusters_observed", "source"]
    rows = []
    if patterns is not None and len(patterns):
        for r in patterns[patterns["pattern_set"] == pattern_set].itertuples():
            region = REGIONS.get(r.region_code) if isinstance(r.region_code, str) else "Region not stated"
            n = None if pd.isna(r.n_clusters) else int(r.n_clusters)
            scope = None if pd.isna(r.n_clusters_scope) else r.n_clusters_scope
            rows.append({
                "region": region,
                "measure": measure_label(r.measure),
                "figure_as_stated": figure_as_stated(r.value_pct, r.value_text) or "words only",
                "statement": statement_words(r.value_text),
                "period": None if pd.isna(r.period) else r.period,
                "clusters_observed": (f"{n:,} in total (all regions)" if scope == "total" else f"{n:,}") if n else None,
                "source": r.source,
            })
    return pd.DataFrame(rows, columns=cols)


def mix_cases(mixes: pd.DataFrame) -> pd.DataFrame:
    """Named financing mixes (e.g. Business Upper Austria) long, for the stacked-bar chart."""
    cols = ["mix", "component", "share_pct", "share_text", "amount", "source"]
    if mixes is None or not len(mixes):
        return pd.DataFrame(columns=cols)
    rows = []
    for r in mixes.itertuples():
        if pd.isna(r.share_pct):
            continue
        label = r.case_name + (f" ({r.period})" if isinstance(r.period, str) and r.period else "")
        rows.append({"mix": label, "component": r.component, "share_pct": float(r.share_pct),
                     "share_text": r.share_text, "amount": None, "source": r.source})
    return pd.DataFrame(rows, columns=cols)


def figure_table(figures: pd.DataFrame, case_code: str) -> tuple[dict | None, pd.DataFrame, list[str]]:
    """The Mechatronics-style amounts of one case, as far as the text ties them: the certain
    labelled amounts (e.g. the total), the untied amounts in the order printed, and the category
    names that have no amount tied to them."""
    f = figures[figures["case_code"] == case_code].sort_values("seq") if len(figures) else figures
    certain = None
    untied_rows = []
    labels = []
    n_untied = int(((f["amount"].notna()) & (~f["label_certain"].astype(bool))).sum()) if len(f) else 0
    i = 0
    for r in f.itertuples():
        has_amount = not pd.isna(r.amount)
        if has_amount and bool(r.label_certain):
            certain = {"label": r.label, "amount": float(r.amount), "currency": None if pd.isna(r.currency) else r.currency,
                       "note": r.note, "source": r.source}
        elif has_amount:
            i += 1
            untied_rows.append({"order_printed": f"{i} of {n_untied}", "amount": float(r.amount),
                                "category": "not tied to a category in the text", "source": r.source})
        elif isinstance(r.label, str) and r.label:
            labels.append(r.label)
    return certain, pd.DataFrame(untied_rows, columns=["order_printed", "amount", "category", "source"]), labels


def rule_figure_text(rule: Mapping) -> str | None:
    """A rule's figure as a short text: 'about 5 years', '20–30 %', '~40 %', '90 clusters'."""
    lo, hi, unit = rule.get("value_low"), rule.get("value_high"), rule.get("unit")
    if lo is None or (isinstance(lo, float) and math.isnan(lo)):
        return None
    u = {"pct": " %", "years": " years", "clusters": " clusters", "months": " months"}.get(unit or "", f" {unit or ''}")
    if hi is not None and not (isinstance(hi, float) and math.isnan(hi)) and hi != lo:
        return f"{lo:g}–{hi:g}{u}".rstrip()
    return f"{lo:g}{u}".rstrip()


# ---- comparison with patterns and benchmarks --------------------------------------------------

BENCHMARK_COLUMNS = ["measure", "label", "value_pct", "value_high_pct", "figure_as_stated", "who", "period",
                     "n_clusters", "kb_table", "kb_key", "source"]


def benchmark_points(summary: MixSummary | None, patterns: pd.DataFrame, mixes: pd.DataFrame,
                     rules: pd.DataFrame) -> pd.DataFrame:
    """Numbers to compare the cluster's shares with, for the benchmark chart: the cluster's own
    public/membership/private shares, and every knowledge figure on the same measure (regional
    patterns, Business Upper Austria, the 20–30 % rule, CGER's ~40 %). Only figures that exist as
    numbers are included; each knowledge row carries its table, key and source."""
    rows: list[dict] = []

    def add(measure, label, value, who, kb_table=None, kb_key=None, source="Your entries", high=None,
            stated=None, period=None, n=None):
        rows.append({"measure": measure, "label": label, "value_pct": float(value),
                     "value_high_pct": None if high is None else float(high),
                     "figure_as_stated": stated or format_pct(value), "who": who, "period": period,
                     "n_clusters": n, "kb_table": kb_table, "kb_key": kb_key, "source": source})

    if summary is not None:
        own = f"Your cluster ({summary.year})"
        if summary.public_share_pct is not None:
            add("public_share", own, summary.public_share_pct, "yours")
        if summary.group_share_pct("membership_fees") is not None:
            add("membership_fee_share", own, summary.group_share_pct("membership_fees"), "yours")
        if summary.private_share_pct is not None:
            add("private_share", own, summary.private_share_pct, "yours")
    if patterns is not None and len(patterns):
        for r in patterns[patterns["value_pct"].notna() & patterns["region_code"].notna()].itertuples():
            if r.measure not in ("public_share", "membership_fee_share", "private_share"):
                continue
            n = None if pd.isna(r.n_clusters) else int(r.n_clusters)
            who = REGIONS.get(r.region_code, r.region_code)
            if isinstance(r.period, str) and r.period:
                who = f"{who} ({r.period})"
            add(r.measure, who, r.value_pct, "region", "kb_financing_pattern", r.pattern_code, r.source,
                stated=figure_as_stated(r.value_pct, r.value_text),
                period=None if pd.isna(r.period) else r.period, n=n)
    if mixes is not None and len(mixes):
        measure_of = {"public": "public_share", "membership_fees": "membership_fee_share"}
        for r in mixes[mixes["share_pct"].notna()].itertuples():
            m = measure_of.get(r.income_category)
            if m:
                add(m, f"{r.case_name}: {r.component}", r.share_pct, "case", "kb_financing_mix",
                    f"{r.case_code} / {r.component}", r.source, stated=r.share_text)
    cofin = _rule(rules, "public_cofinancing_even_for_excellent_clusters")
    if cofin and cofin.get("value_low") is not None:
        add("public_share", "Excellent clusters need (Business Upper Austria)", cofin["value_low"], "rule",
            "kb_financing_rule", cofin["rule_code"], cofin["source"], high=cofin.get("value_high"),
            stated=rule_figure_text(cofin))
    cger = _rule(rules, "cger_financial_autonomy")
    if cger and cger.get("value_low") is not None:
        add("private_share", "CGER network (Senegal): financial autonomy", cger["value_low"], "rule",
            "kb_financing_rule", cger["rule_code"], cger["source"], stated=f"around {rule_figure_text(cger)}")
    df = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    return df


def comparison_table(summary: MixSummary | None, patterns: pd.DataFrame, mixes: pd.DataFrame,
                     rules: pd.DataFrame) -> pd.DataFrame:
    """Side by side, per measure: the cluster's value, each region's statement (figure where the
    text gives one, otherwise its words in quotes), Business Upper Austria and the rule of thumb."""
    measures = ["public_share", "membership_fee_share", "private_share", "other_sources_share", "public_private_balance"]
    own_col = f"Your cluster ({summary.year})" if summary is not None else "Your cluster"

    def own_value(m):
        if summary is None or summary.total_income is None:
            return "not entered"
        if not summary.total_income:
            return "no income (total 0)"
        if m == "public_share":
            return format_pct(summary.public_share_pct) if summary.group_entered("public") else "not entered"
        if m == "membership_fee_share":
            return format_pct(summary.group_share_pct("membership_fees")) if summary.group_entered(
                "membership_fees") else "not entered"
        if m == "private_share":
            return (format_pct(summary.private_share_pct) if summary.group_entered(*PRIVATE_GROUPS)
                    else "not entered")
        if m == "other_sources_share":
            return format_pct(summary.group_share_pct("other")) if summary.group_entered("other") else "not entered"
        if m == "public_private_balance":
            pub = format_pct(summary.public_share_pct) if summary.group_entered("public") else "not entered"
            priv = (format_pct(summary.private_share_pct) if summary.group_entered(*PRIVATE_GROUPS)
                    else "not entered")
            return f"public {pub} / private {priv}"
        return "—"

    rows = []
    for m in measures:
        row = {"Measure": measure_label(m), own_col: own_value(m)}
        for code, name in REGIONS.items():
            cells = []
            if patterns is not None and len(patterns):
                hits = patterns[(patterns["pattern_set"] == "financing_mix") & (patterns["region_code"] == code)
                                & (patterns["measure"] == m)]
                for r in hits.itertuples():
                    fig = figure_as_stated(r.value_pct, r.value_text)
                    cells.append(fig if fig else f"“{statement_words(r.value_text)}”")
            row[name] = " ".join(cells) if cells else "—"
        bua = "—"
        if mixes is not None and len(mixes):
            cat = {"public_share": "public", "membership_fee_share": "membership_fees"}.get(m)
            hit = mixes[mixes["income_category"] == cat] if cat else mixes.iloc[0:0]
            if len(hit):
                bua = " ".join(f"{r.share_text} ({r.component})" for r in hit.itertuples())
        row["Business Upper Austria"] = bua
        rule_text = "—"
        if m == "public_share":
            cofin = _rule(rules, "public_cofinancing_even_for_excellent_clusters")
            if cofin:
                rule_text = f"{rule_figure_text(cofin)}: even excellent clusters need public co-financing"
        elif m == "private_share":
            cger = _rule(rules, "cger_financial_autonomy")
            if cger:
                rule_text = f"around {rule_figure_text(cger)} financial autonomy (CGER, Senegal)"
        elif m == "public_private_balance":
            bal = _rule(rules, "balanced_mix_from_the_beginning")
            if bal:
                rule_text = "“a well-balanced mixture of public and private financing” (Business Upper Austria)"
        row["Rule of thumb"] = rule_text
        rows.append(row)
    return pd.DataFrame(rows)


# ---- findings ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # "warning", "info" or "ok"
    text: str  # plain language, with the cluster's numbers
    quote: str  # the guide's words (from the knowledge base)
    sources: tuple[str, ...]


def assess_mix(summary: MixSummary, *, rules: pd.DataFrame, founding_year: int | None = None,
               currency: str = "") -> list[Finding]:
    """Plain-language findings on one year's mix, each grounded in a rule of the guide (its
    words and source come from ``rules``; a finding whose rule is missing is not made).

    Conditions (documented so the page can show them):
    * fully private: income entered, no baseline support and no publicly funded projects;
    * no private income: income entered, membership fees + services + sponsoring = 0;
    * heavy dependence: one source > DEPENDENCE_THRESHOLD_PCT % of income (ClusterDash's threshold);
    * projects the largest source;
    * public share against the 20–30 % co-financing of excellent clusters and the five-year rule
      (age = year − founding year);
    * no fee-based services;
    * cost coverage (income / costs) and the membership fees' coverage of costs.
    """
    out: list[Finding] = []
    total = summary.total_income
    if not total:
        return out
    r_mix = _rule(rules, "mixture_matters")
    r_bal = _rule(rules, "balanced_mix_from_the_beginning")
    r_five = _rule(rules, "five_years_to_grow_private_income")
    r_cofin = _rule(rules, "public_cofinancing_even_for_excellent_clusters")
    r_liq = _rule(rules, "financial_plan_liquidity")
    r_fees = _rule(rules, "membership_fees_cover_costs")
    r_serv = _rule(rules, "fee_based_services_lever")
    r_proj = _rule(rules, "projects_not_to_prefinance_organisation")
    pub = summary.public_share_pct or 0.0
    projects = summary.group_amount("projects")
    age = (summary.year - founding_year) if founding_year else None

    if summary.public_amount == 0 and projects == 0 and r_mix:
        out.append(Finding(
            "fully_private", "warning",
            f"All income in {summary.year} comes from private sources: no baseline support and no publicly "
            "funded projects. The guide warns that networks financed only by private sources tend to turn into "
            "commercially-driven interest groups that compete with other private businesses for financing.",
            r_mix["statement"], (r_mix["source"],)))
    if summary.private_amount == 0 and r_bal:
        quote = r_bal["statement"]
        sources = [r_bal["source"]]
        extra = ""
        if r_five:
            quote += " — " + r_five["statement"]
            sources.append(r_five["source"])
            extra = f" In the guide's cases it took around {rule_figure_text(r_five)} to significantly increase private incomes."
        out.append(Finding(
            "no_private_income", "warning",
            f"No private income in {summary.year} (membership fees, fee-based services, sponsoring are all 0 or "
            "not entered). The guide names a well-balanced mixture of public and private financing as one of the "
            f"main reasons for successful cluster development.{extra}",
            quote, tuple(sources)))
    largest = summary.largest_group()
    if largest and largest[1] > DEPENDENCE_THRESHOLD_PCT and r_mix:
        g, share = largest
        out.append(Finding(
            "heavy_dependence", "warning",
            f"Heavy dependence on one source: {format_pct(share)} of the income in {summary.year} comes from "
            f"{INCOME_GROUPS[g].lower()}. (ClusterDash flags any one source above {DEPENDENCE_THRESHOLD_PCT:g} % — "
            "a threshold of this tool, not of the guide.) The guide: in the end, the mixture matters.",
            r_mix["statement"], (r_mix["source"],)))
    if largest and largest[0] == "projects" and r_proj:
        out.append(Finding(
            "projects_largest", "warning",
            f"Publicly funded projects are the largest source of income in {summary.year} "
            f"({format_pct(largest[1])}). The guide: projects shall not be implemented to preliminarily finance the "
            "cluster organisation.",
            r_proj["statement"], (r_proj["source"],)))
    if r_cofin and r_cofin.get("value_low") is not None and summary.public_amount > 0:
        lo, hi = float(r_cofin["value_low"]), float(r_cofin["value_high"] or r_cofin["value_low"])
        band = rule_figure_text(r_cofin)
        five = float(r_five["value_low"]) if r_five and r_five.get("value_low") is not None else None
        sources = (r_cofin["source"],) + ((r_five["source"],) if r_five else ())
        quote = r_cofin["statement"] + (" — " + r_five["statement"] if r_five else "")
        if pub > hi:
            if age is not None and five is not None and age >= five:
                out.append(Finding(
                    "public_share_high_after_five_years", "warning",
                    f"After {age} years the public share is still {format_pct(pub)}, above the {band} public "
                    "co-financing that even the excellent cluster initiatives of Business Upper Austria need. In "
                    f"the guide's cases it took around {five:g} years to significantly increase private incomes.",
                    quote, sources))
            elif age is not None and five is not None:
                out.append(Finding(
                    "public_share_high_young_cluster", "info",
                    f"The cluster is {age} year{'s' if age != 1 else ''} old and its public share is {format_pct(pub)}. "
                    f"In the guide's cases it took around {five:g} years to significantly increase private incomes; "
                    f"even excellent clusters need {band} public co-financing.",
                    quote, sources))
            else:
                out.append(Finding(
                    "public_share_high", "info",
                    f"The public share is {format_pct(pub)}, above the {band} public co-financing that even the "
                    "excellent cluster initiatives need. Enter the founding year to check it against the guide's "
                    "five-year rule.",
                    quote, sources))
        elif pub >= lo:
            out.append(Finding(
                "public_share_in_band", "ok",
                f"The public share ({format_pct(pub)}) is within the {band} public co-financing that even the "
                "excellent cluster initiatives of Business Upper Austria need.",
                r_cofin["statement"], (r_cofin["source"],)))
        else:
            out.append(Finding(
                "public_share_low", "info",
                f"The public share ({format_pct(pub)}) is below the {band} public co-financing that even the "
                "excellent cluster initiatives of Business Upper Austria need: check that public co-financing is "
                "secured for the coming years.",
                r_cofin["statement"], (r_cofin["source"],)))
    if not summary.income.get("fee_based_services") and r_serv:
        out.append(Finding(
            "no_fee_based_services", "info",
            f"No income from fee-based services in {summary.year}. The guide calls fee-based services a crucial "
            "lever to ensure organisational sustainability.",
            r_serv["statement"], (r_serv["source"],)))
    tc = summary.total_costs
    if tc and r_liq:
        cov = summary.cost_coverage_pct
        gap = total - tc
        if cov < 100:
            out.append(Finding(
                "costs_not_covered", "warning",
                f"Income covers {format_pct(cov)} of the costs entered for {summary.year}: a shortfall of "
                f"{format_amount(-gap, currency)}. The goal of financial planning is to ensure liquidity at all times "
                "— see the 12-month liquidity plan.",
                r_liq["statement"], (r_liq["source"],)))
        else:
            out.append(Finding(
                "costs_covered", "ok",
                f"Income covers {format_pct(cov)} of the costs entered for {summary.year} "
                f"(surplus {format_amount(gap, currency)}). Check the timing of payments in the liquidity plan.",
                r_liq["statement"], (r_liq["source"],)))
    fees = summary.income.get("membership_fees")
    if tc and fees is not None and r_fees:
        out.append(Finding(
            "membership_fee_coverage", "info",
            f"Membership fees cover {format_pct(fees / tc * 100)} of the costs entered for {summary.year}. The guide: "
            "membership fee structures must be sufficiently well calculated in order to cover these costs.",
            r_fees["statement"], (r_fees["source"],)))
    return out


# ---- multi-year planner -----------------------------------------------------------------------

@dataclass(frozen=True)
class PlanInputs:
    """Levers of the planner. Changes in % are per year, compounding; amounts are in the
    workspace's currency and are added once per year, cumulatively."""

    horizon_years: int = 5
    target_public_pct: float = 30.0
    public_change_pct: float = 0.0
    new_members_per_year: float = 0.0
    new_member_fee: float = 0.0
    fee_change_pct: float = 0.0
    new_services_per_year: float = 0.0
    service_price_change_pct: float = 0.0
    sponsoring_change_per_year: float = 0.0
    projects_change_per_year: float = 0.0
    cost_change_pct: float = 0.0


PLAN_FIELDS = tuple(f.name for f in PlanInputs.__dataclass_fields__.values())
PLAN_LIMITS: dict[str, tuple[float | None, float | None]] = {
    "horizon_years": (1, 20),
    "target_public_pct": (0, 100),
    "public_change_pct": (-100, 1000),
    "new_members_per_year": (0, None),
    "new_member_fee": (0, None),
    "fee_change_pct": (-100, 1000),
    "new_services_per_year": (None, None),
    "service_price_change_pct": (-100, 1000),
    "sponsoring_change_per_year": (None, None),
    "projects_change_per_year": (None, None),
    "cost_change_pct": (-100, 1000),
}

def validate_plan_value(field_name: str, value) -> float | int:
    if field_name not in PLAN_LIMITS:
        raise UserError(f"Unknown planner input {field_name!r}.")
    label = fields.label(field_name)
    if value is None:
        raise UserError(f"{label}: a value is required.")
    if isinstance(value, str):
        v = parse_amount(value, None, where=label, allow_negative=True, max_decimals=6)
        if v is None:
            raise UserError(f"{label}: a value is required.")
    else:
        try:
            v = float(value)
        except (TypeError, ValueError, OverflowError):
            raise UserError(f"{label}: {shorten(repr(value))} is not a number.") from None
    if math.isnan(v) or math.isinf(v):
        raise UserError(f"{label}: {value!r} is not a finite number.")
    lo, hi = PLAN_LIMITS[field_name]
    lo = -MAX_AMOUNT if lo is None else lo  # amounts and counts: the bound of one entry (MAX_AMOUNT)
    hi = MAX_AMOUNT if hi is None else hi
    if lo is not None and v < lo:
        raise UserError(f"{label}: {_fmt_plain(v)} is below the minimum {lo:g}.")
    if hi is not None and v > hi:
        raise UserError(f"{label}: {_fmt_plain(v)} is above the maximum {hi:g}.")
    if field_name == "horizon_years":
        if v != int(v):
            raise UserError(f"{label}: {v:g} is not a whole number of years.")
        return int(v)
    return v


PLAN_COLUMNS = ["year", "plan_year", "public", "membership_fees", "fee_based_services", "sponsoring", "projects",
                "other", "total_income", "total_costs", "balance", "public_share_pct", "target_public_pct",
                "gap_pp", "extra_non_public_needed"]
PLAN_ARITHMETIC = """\
For plan year *t* = 0 (the base year, as entered) … N, with P, M, S, Sp, J, O, C the base year's baseline
support, membership fees, fee-based services, sponsoring, projects, other income and total costs:

* baseline support *P·(1 + public change)ᵗ*
* membership fees *(M + new members per year · fee of a new member · t) · (1 + fee change)ᵗ*
* fee-based services *S · (1 + price change)ᵗ + new services per year · t*
* sponsoring *max(0, Sp + sponsoring change · t)*; projects *max(0, J + projects change · t)*; other income *O*
* costs *C · (1 + cost change)ᵗ*
* public share = baseline support / total income; gap to target = public share − target (percentage points;
  positive = still above the target)
* extra non-public income needed = baseline support · (100 − target) / target − non-public income
  (what would bring the public share down to the target at that year's baseline support; 0 once reached)
"""


def plan_years(summary: MixSummary, inputs: PlanInputs) -> pd.DataFrame:
    """The planner: income by source, costs, public share and gap to target for each year from
    the base year (plan year 0, as entered) to base year + horizon. Arithmetic in PLAN_ARITHMETIC."""
    for name in PLAN_FIELDS:
        validate_plan_value(name, getattr(inputs, name))
    P = summary.public_amount
    M = summary.group_amount("membership_fees")
    S = summary.group_amount("fee_based_services")
    Sp = summary.group_amount("sponsoring")
    J = summary.group_amount("projects")
    O = summary.group_amount("other")
    C = summary.total_costs or 0.0
    t_pct = inputs.target_public_pct
    rows = []
    for t in range(int(inputs.horizon_years) + 1):
        public = P * (1 + inputs.public_change_pct / 100) ** t
        fees = (M + inputs.new_members_per_year * inputs.new_member_fee * t) * (1 + inputs.fee_change_pct / 100) ** t
        services = S * (1 + inputs.service_price_change_pct / 100) ** t + inputs.new_services_per_year * t
        services = max(0.0, services)
        sponsoring = max(0.0, Sp + inputs.sponsoring_change_per_year * t)
        projects = max(0.0, J + inputs.projects_change_per_year * t)
        total = public + fees + services + sponsoring + projects + O
        costs = C * (1 + inputs.cost_change_pct / 100) ** t
        share = public / total * 100 if total > 0 else None
        non_public = total - public
        if 0 < t_pct < 100:
            extra = max(0.0, public * (100 - t_pct) / t_pct - non_public)
        elif t_pct >= 100:
            extra = 0.0
        else:
            extra = None  # a 0 % target cannot be reached by adding non-public income while public > 0
            if public == 0:
                extra = 0.0
        rows.append({
            "year": summary.year + t, "plan_year": t, "public": public, "membership_fees": fees,
            "fee_based_services": services, "sponsoring": sponsoring, "projects": projects, "other": O,
            "total_income": total, "total_costs": costs, "balance": total - costs,
            "public_share_pct": share, "target_public_pct": t_pct,
            "gap_pp": None if share is None else share - t_pct, "extra_non_public_needed": extra,
        })
    df = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    for c in PLAN_COLUMNS[2:]:
        df[c] = df[c].astype("Float64")
    return df


def plan_outcome(plan: pd.DataFrame) -> str:
    """One sentence on when (if at all) the public share reaches the target."""
    if not len(plan):
        return ""
    target = float(plan["target_public_pct"].iloc[0])
    reached = plan[plan["gap_pp"].notna() & (plan["gap_pp"] <= 1e-9)]
    last = plan.iloc[-1]
    if plan["public_share_pct"].isna().all():
        return "No income to plan from: enter the base year's income first."
    if len(reached):
        first = reached.iloc[0]
        if int(first["plan_year"]) == 0:
            return f"The public share is already at or below the target of {target:g} % in the base year {int(first['year'])}."
        return (f"The public share reaches the target of {target:g} % in {int(first['year'])} "
                f"(plan year {int(first['plan_year'])}) at {format_pct(first['public_share_pct'])}.")
    return (f"The public share does not reach the target of {target:g} % by {int(last['year'])}: it is "
            f"{format_pct(last['public_share_pct'])}, {last['gap_pp']:.1f} percentage points above.")


# ---- 12-month liquidity plan ------------------------------------------------------------------

# {timing_code: label}, the field registry's values of timing_code
TIMINGS: dict[str, str] = fields.value_labels("timing_code")
_TIMING_MONTHS = {
    "monthly": tuple(range(1, 13)),
    "quarterly_start": (1, 4, 7, 10),
    "quarterly_end": (3, 6, 9, 12),
    "half_yearly": (1, 7),
}


@dataclass(frozen=True)
class Timing:
    timing_code: str = "monthly"
    pay_month: int | None = None

    def months(self) -> tuple[int, ...]:
        if self.timing_code == "once":
            return (self.pay_month or 1,)
        return _TIMING_MONTHS[self.timing_code]


def default_timing(kind: str, code: str) -> Timing:
    """Monthly for everything, except formation and start-up costs: once, in January."""
    if kind == COST and code == "start_up":
        return Timing("once", 1)
    return Timing("monthly")


def validate_timing(timing_code: str, pay_month) -> Timing:
    if timing_code not in TIMINGS:
        raise UserError(f"Unknown payment timing {timing_code!r} (one of: {', '.join(TIMINGS)}).")
    if timing_code == "once":
        try:
            m = int(pay_month)
        except (TypeError, ValueError):
            raise UserError("A one-off payment needs a month (1–12).") from None
        if not 1 <= m <= 12:
            raise UserError(f"Month {m} is not between 1 and 12.")
        return Timing("once", m)
    return Timing(timing_code, None)


def spread(amount: float, months: Iterable[int]) -> list[float]:
    """``amount`` over 12 months, in equal parts in ``months`` (rounded to cents; the last part
    takes the rounding remainder so the months add up exactly to the amount)."""
    months = list(months)
    out = [0.0] * 12
    part = round(amount / len(months), 2)
    for m in months[:-1]:
        out[m - 1] = part
    out[months[-1] - 1] = round(amount - part * (len(months) - 1), 2)
    return out


LIQUIDITY_COLUMNS = ["month", "month_name", "opening_cash", "income", "expenditure", "net", "closing_cash"]

def liquidity_plan(summary: MixSummary, opening_balance: float,
                   timings: Mapping[tuple[str, str], Timing] | None = None) -> pd.DataFrame:
    """Monthly income and expenditure of ``summary``'s year, spread by each category's timing,
    with the cash at the start and end of each month (cumulative from ``opening_balance``)."""
    timings = timings or {}
    income = [0.0] * 12
    expenditure = [0.0] * 12
    for kind, amounts, bucket in ((INCOME, summary.income, income), (COST, summary.costs, expenditure)):
        for code, amount in amounts.items():
            if not amount:
                continue
            t = timings.get((kind, code)) or default_timing(kind, code)
            for i, v in enumerate(spread(amount, t.months())):
                bucket[i] += v
    rows = []
    cash = float(opening_balance or 0.0)
    for m in range(12):
        opening = cash
        net = income[m] - expenditure[m]
        cash = round(opening + net, 2)
        rows.append({"month": m + 1, "month_name": MONTHS[m], "opening_cash": round(opening, 2),
                     "income": round(income[m], 2), "expenditure": round(expenditure[m], 2),
                     "net": round(net, 2), "closing_cash": cash})
    return pd.DataFrame(rows, columns=LIQUIDITY_COLUMNS)


def cash_out_month(plan: pd.DataFrame) -> int | None:
    """The first month (1–12) whose closing cash is below zero; ``None`` if cash lasts the year."""
    below = plan[plan["closing_cash"] < 0]
    return None if below.empty else int(below.iloc[0]["month"])


def lowest_cash(plan: pd.DataFrame) -> tuple[int, float]:
    i = plan["closing_cash"].astype(float).idxmin()
    return int(plan.loc[i, "month"]), float(plan.loc[i, "closing_cash"])


# =====================================================================================
# What the financing pages lay out (pure: the pages only draw it)
# =====================================================================================

def plan_defaults(summary: MixSummary, members: int | None, rules: pd.DataFrame) -> dict:
    """The planner's defaults where the guide gives one: its five years to grow private income,
    the upper end of the public co-financing even excellent clusters need, and the average fee
    per paying member of the base year."""
    five = _rule(rules, "five_years_to_grow_private_income")
    cofin = _rule(rules, "public_cofinancing_even_for_excellent_clusters")
    avg_fee = (summary.group_amount("membership_fees") / members) if members else 0.0
    return {
        "horizon_years": int(five["value_low"]) if five and five.get("value_low") else 5,
        "target_public_pct": float(cofin["value_high"]) if cofin and cofin.get("value_high") else 30.0,
        "new_member_fee": round(avg_fee, 2),
    }


def plan_values(saved: Mapping, defaults: Mapping) -> dict:
    """Every planner field: the saved value, else the default, else PlanInputs' own; typed for
    the number fields (whole years, else floats)."""
    base = PlanInputs()
    out = {}
    for f in PLAN_FIELDS:
        v = saved.get(f, defaults.get(f, getattr(base, f)))
        out[f] = int(v) if f == "horizon_years" else float(v)
    return out


def plan_field_label(field_name: str, currency: str) -> str:
    """A planner field's label, with the currency for amounts."""
    is_amount = not field_name.endswith("pct") and field_name not in ("horizon_years", "new_members_per_year")
    return fields.label(field_name) + (f" ({currency})" if is_amount else "")


def categories_with_amounts(summary: MixSummary) -> list[tuple[str, Category, float]]:
    """(kind, category, yearly amount) of every source and cost with an amount in the year."""
    out = []
    for kind, cats in CATEGORIES.items():
        amounts = summary.income if kind == INCOME else summary.costs
        out += [(kind, c, amounts[c.code]) for c in cats if amounts.get(c.code)]
    return out


def pattern_coverage_line(patterns: pd.DataFrame, pattern_set: str) -> str | None:
    """'Time period 2011–2013 · 1,234 clusters observed in total, all regions together' for a
    pattern set, from its rows (None when they state no period)."""
    p = patterns[(patterns["pattern_set"] == pattern_set) & patterns["period"].notna() & patterns["region_code"].notna()]
    if not len(p):
        return None
    periods = sorted(set(p["period"]))
    ns = sorted({(int(n), s) for n, s in zip(p["n_clusters"], p["n_clusters_scope"]) if pd.notna(n)})
    parts = [f"Time period {', '.join(periods)}"]
    for n, scope in ns:
        parts.append(f"{n:,} clusters observed" + (" in total, all regions together" if scope == "total" else ""))
    return " · ".join(parts)


_RULE_ORDER = ["five_years_to_grow_private_income", "public_cofinancing_even_for_excellent_clusters",
               "cger_financial_autonomy", "sustainable_financing_and_growth", "financial_plan_liquidity"]
_RULE_HEADLINES = {
    "five_years_to_grow_private_income": "Time to grow private income",
    "public_cofinancing_even_for_excellent_clusters": "Public co-financing needed",
    "cger_financial_autonomy": "CGER network: financial autonomy",
    "sustainable_financing_and_growth": "Survey of German clusters",
    "financial_plan_liquidity": "Financial plan period",
}
_RULE_PREFIX = {"five_years_to_grow_private_income": "around ", "cger_financial_autonomy": "around ",
                "financial_plan_liquidity": "e.g. "}


def rules_of_thumb(rules: pd.DataFrame) -> list[dict]:
    """The rules the guide states with a figure, in reading order, each with a headline and its
    figure as it is worded ('around 5 years'): rows of the rules table plus ``headline`` and
    ``figure``."""
    numeric = [r for r in frames.records(rules) if rule_figure_text(r)]
    numeric.sort(key=lambda r: _RULE_ORDER.index(r["rule_code"]) if r["rule_code"] in _RULE_ORDER else len(_RULE_ORDER))
    return [{**r, "headline": _RULE_HEADLINES.get(r["rule_code"], r["rule_code"].replace("_", " ").capitalize()),
             "figure": _RULE_PREFIX.get(r["rule_code"], "") + rule_figure_text(r)} for r in numeric]
