"""Amounts as people type them (financing.parse_amount): a clear result or a clear refusal for every
text, never a silent misread ("20.000" saved as 20.00, "12,5" as 125.00); bounds (1e24, 1e308);
"not entered" distinct from 0 in every financing table; totals without float artefacts."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterdash import financing as fin
from clusterdash import queries
from clusterdash.errors import UserError

REFUSED = "refused"
# text -> result with no hint (unknown locale), a decimal point (en-US) and a decimal comma (de-DE)
CASES = {
    "20.000": (REFUSED, REFUSED, 20000.0),
    "20,000": (REFUSED, 20000.0, REFUSED),
    "12,5": (12.5, REFUSED, 12.5),
    "12.5": (12.5, 12.5, REFUSED),
    "1 000": (1000.0, 1000.0, 1000.0),
    "1\u00a0000,50": (1000.5, REFUSED, 1000.5),  # no-break space, as French/German keyboards give it
    "1'000": (1000.0, 1000.0, 1000.0),
    "1e24": (REFUSED, REFUSED, REFUSED),
    "1e308": (REFUSED, REFUSED, REFUSED),
    "": (None, None, None),
    "   ": (None, None, None),
    "0": (0.0, 0.0, 0.0),
    "1.234,56": (1234.56, REFUSED, 1234.56),
    "1,234.56": (1234.56, 1234.56, REFUSED),
    "1.234.567": (1234567.0, REFUSED, 1234567.0),
    "1,234,567": (1234567.0, 1234567.0, REFUSED),
    "20000": (20000.0, 20000.0, 20000.0),
    "1234.567": (REFUSED, REFUSED, REFUSED),  # three decimals: cents at most
    "1 00": (REFUSED, REFUSED, REFUSED),  # digits grouped in threes only
    "1.2.3": (REFUSED, REFUSED, REFUSED),
    "NaN": (REFUSED, REFUSED, REFUSED),
    "inf": (REFUSED, REFUSED, REFUSED),
    "-5": (REFUSED, REFUSED, REFUSED),
    "12.": (REFUSED, REFUSED, REFUSED),
    "€ 20": (REFUSED, REFUSED, REFUSED),
    "\u0663": (REFUSED, REFUSED, REFUSED),  # Arabic-Indic digit three
    "1000000000000": (1e12, 1e12, 1e12),
    "1000000000000.01": (REFUSED, REFUSED, REFUSED),
}
HINTS = (None, "en-US", "de-DE")


@pytest.mark.parametrize("text", list(CASES))
@pytest.mark.parametrize("k", range(3), ids=["no hint", "en-US", "de-DE"])
def test_parse_amount_reads_or_refuses_never_guesses(text, k):
    want = CASES[text][k]
    if want == REFUSED:
        with pytest.raises(UserError) as exc:
            fin.parse_amount(text, HINTS[k], where="Membership fees 2024")
        msg = str(exc.value)
        assert msg.startswith("Membership fees 2024: "), msg
        assert any(w in msg for w in ("write e.g.", "negative", "largest amount")), msg
    else:
        assert fin.parse_amount(text, HINTS[k]) == want


def test_the_issue_cases_say_why():
    with pytest.raises(UserError, match=r"'20.000' can be read two ways \(twenty or twenty thousand\?\)"):
        fin.parse_amount("20.000", None)
    with pytest.raises(UserError, match=r"uses ',' as the decimal separator, but numbers here are written with '.'"):
        fin.parse_amount("12,5", "en-GB")
    with pytest.raises(UserError, match="exponent"):
        fin.parse_amount("1e24", "de")
    with pytest.raises(UserError, match=r"above the largest amount one entry may hold \(1,000,000,000,000\)"):
        fin.parse_amount("1 000 000 000 000 000", None)
    assert fin.parse_amount("", "de-DE") is None  # blank = not entered, never 0


def test_negative_only_where_allowed():
    assert fin.parse_amount("-1.500,25", "de-AT", allow_negative=True) == -1500.25
    assert fin.parse_amount("\u22125", None, allow_negative=True) == -5.0  # the minus sign U+2212
    assert fin.validate_opening_balance("-2 000", 2024) == -2000.0
    with pytest.raises(UserError, match="-5 is negative"):
        fin.parse_amount("-5", None)


@pytest.mark.parametrize("tag, sep", [("de-DE", ","), ("de-CH", "."), ("fr", ","), ("fr-CH", "."), ("en-US", "."),
                                      ("en-ZA", ","), ("pt-BR", ","), ("es-MX", "."), ("ja", "."), ("sv-SE", ","),
                                      ("xx", None), (None, None), ("", None), (".", "."), (",", ","), ("de_AT", ",")])
def test_decimal_separator_of_a_browser_language(tag, sep):
    assert fin.decimal_separator(tag) == sep


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(cents=st.integers(0, 10**14), hint=st.sampled_from(HINTS + ("fr-CH",)))
def test_amount_text_reads_back_exactly(cents, hint):
    x = cents / 100
    assert fin.parse_amount(fin.amount_text(x, hint), hint) == x


def test_huge_values_are_shortened_in_messages():
    with pytest.raises(UserError) as exc:
        fin.parse_amount("9" * 5000, None, where="Rent 2024")
    assert len(str(exc.value)) < 300 and "… (5,000 characters)" in str(exc.value)
    with pytest.raises(UserError) as exc:
        fin.validate_amount(10.0**300, "Rent 2024")
    assert len(str(exc.value)) < 200


@pytest.mark.parametrize("value", [1e24, 1e308, float("inf"), -float("inf"), 1e12 + 1])
def test_numbers_beyond_the_bound_are_refused(value):
    with pytest.raises(UserError):
        fin.validate_amount(value, "Rent 2024")


# ---- the store: refused input leaves it unchanged -----------------------------------------------

def test_ambiguous_text_never_reaches_the_store(store):
    w = queries.default_workspace(store)
    for text in ("20.000", "1e24", "1e308", "NaN"):
        with pytest.raises(UserError):
            queries.set_financing_entry(store, w, 2024, "income", "membership_fees", text)
    assert queries.financing_entries(store, w).empty
    queries.set_financing_entry(store, w, 2024, "income", "membership_fees", "12,5")
    assert queries.financing_entries(store, w)["amount"].tolist() == [12.5]


@pytest.mark.parametrize("cell", ["NaN", "nan", "inf", "1e308", "1e24", "-", "n/a"])
def test_csv_import_refuses_nan_and_huge_and_keeps_the_year(store, cell):
    w = queries.default_workspace(store)
    queries.set_financing_entry(store, w, 2024, "income", "sponsoring", 300)
    before = queries.financing_entries(store, w)
    csv = f"kind,category,2024\nincome,Sponsoring,{cell}\nincome,Membership fees,100\n"
    with pytest.raises(UserError) as exc:
        queries.import_financing_entries(store, w, csv)
    assert "line 2, column 2024 (Sponsoring)" in str(exc.value)
    pd.testing.assert_frame_equal(queries.financing_entries(store, w), before)  # the year is kept as it was


def test_csv_import_reads_the_exports_own_format():
    entries, years = fin.parse_entries_csv('kind,category,2024,2025\nincome,Sponsoring,20000.0,"20,000"\n'
                                           "income,Membership fees,12.5,\n")
    assert years == [2024, 2025]
    assert sorted(entries["amount"]) == [12.5, 20000.0, 20000.0]
    with pytest.raises(UserError, match=r"line 2, column 2024 \(Sponsoring\): '20.000' can be read two ways"):
        fin.parse_entries_csv("kind,category,2024\nincome,Sponsoring,20.000\n")


# ---- not entered is not 0; totals print clean -----------------------------------------------------

def entries(rows):
    return pd.DataFrame(rows, columns=["year", "entry_kind", "category_code", "amount"])


def test_blank_is_never_a_zero_share_in_any_table():
    e = entries([(2024, "income", "membership_fees", 100.0), (2024, "income", "sponsoring", 0.0)])
    s = fin.summarise_year(e, 2024)
    assert s.group_shares_pct["membership_fees"] == 100.0
    assert s.group_shares_pct["sponsoring"] == 0.0  # entered as 0: 0 %
    assert s.group_shares_pct["public"] is None and s.group_shares_pct["other"] is None  # blank: not entered
    assert s.public_share_pct is None and s.public_incl_projects_share_pct is None
    table = fin.shares_table(e)
    assert pd.isna(table.loc[0, "public_share_pct"]) and pd.isna(table.loc[0, "other_share_pct"])
    assert table.loc[0, "sponsoring_share_pct"] == 0
    comparison = fin.comparison_table(s, pd.DataFrame(), pd.DataFrame(), pd.DataFrame()).set_index("Measure")
    own = comparison.columns[0]
    assert comparison.loc["Public share", own] == "not entered"
    assert comparison.loc["Other sources share", own] == "not entered"
    assert comparison.loc["Membership fees share", own] == "100.0 %"
    assert comparison.loc["Public–private balance", own] == "public not entered / private 100.0 %"
    assert "Public" not in set(fin.mix_long(s, "x")["component"])


def test_totals_print_without_float_artefacts():
    e = entries([(2024, "income", "membership_fees", 0.1), (2024, "income", "sponsoring", 0.2),
                 (2024, "cost", "rent", 0.3)])
    s = fin.summarise_year(e, 2024)
    assert s.total_income == 0.3 and s.balance == 0.0
    big = entries([(2024, "income", c.code, fin.MAX_AMOUNT) for c in fin.INCOME_CATEGORIES])
    total = fin.summarise_year(big, 2024).total_income
    assert fin.format_amount(total, "EUR") == "8,000,000,000,000 EUR"
    cents = entries([(2024, "income", c.code, 999_999_999_999.99) for c in fin.INCOME_CATEGORIES])
    assert fin.summarise_year(cents, 2024).total_income == 7_999_999_999_999.92
