"""AppTest of the financing pages: the patterns page shows figures as stated and words as words;
the mix page saves each amount as it is given, rejects negative input with a message, imports
CSV, and its tabs (shares, planner, liquidity) compute from the saved state."""

from __future__ import annotations

import pandas as pd
import pytest

from clusterdash import queries
from clusterdash.store import Store
from tests.ui_support import shown, widget

MIX = "pages/financing_mix.py"


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(m.value) for m in at.metric]
    parts += [m.label for m in at.metric] + shown(at.error) + shown(at.success)
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(parts).replace("\\", "")  # markdown escapes of ui.plain()


def entries_in(db_path, wid="default") -> pd.DataFrame:
    s = Store(db_path)
    try:
        return queries.financing_entries(s, wid)
    finally:
        s.close()


def seed(db_path, rows, wid="default", **profile):
    s = Store(db_path)
    try:
        queries.default_workspace(s)
        for year, kind, code, amount in rows:
            queries.set_financing_entry(s, wid, year, kind, code, amount)
        for k, v in profile.items():
            queries.set_financing_profile(s, wid, k, v)
    finally:
        s.close()


def test_patterns_page_shows_figures_as_stated_and_words_as_words(app):
    at = app("pages/financing.py")
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Public share"] == "58 %"  # MENA
    assert "Membership fees share" not in metrics  # EU: the text gives words ("one quarter"), shown as words
    assert "Membership fees make one quarter of the overall financing mix." in texts(at)
    assert metrics["Secured in the long term"] == "50 %" and metrics["Secured in the short and medium term"] == "29 %"
    assert metrics["Total revenues 2017"] == "688,748.96"
    assert metrics["Public co-financing needed"] == "20–30 %"
    assert metrics["Time to grow private income"] == "around 5 years"
    assert metrics["CGER network: financial autonomy"] == "around 40 %"
    body = texts(at)
    assert "in words only" in body and "rather low" in body and "well-balanced mixture" in body
    assert "420 clusters observed in total, all regions together" in body
    assert "Time period 2017-2020" in body
    # the four panels of patterns II: periods and clusters, no region
    panels = at.table[0].value
    assert list(panels["clusters_measured"]) == [16, 53, 945, 44]
    assert set(panels["region"]) == {"not stated in the text"}
    # every chart has a download of its rows
    keys = {b.key for b in at.get("download_button")}
    assert {"dl-patterns1", "dl-patterns2", "dl-bua", "dl-mechatronics", "dl-rules"} <= keys
    assert "Source: Cluster Development Guide, Part 2 ›" in body  # seeds named by title (knowledge.cite)


def test_mix_page_saves_each_amount_and_shows_it_after_a_reload(app, db_path):
    at = app(MIX, fin_year="2024")
    assert not at.exception
    widget(at, "text_input", "fin-2024-income-membership_fees").input("12000").run()
    widget(at, "text_input", "fin-2024-income-public_regional").input("30 000").run()
    widget(at, "text_input", "fin-2024-cost-personnel").input("50000.00").run()
    assert not at.exception and not at.error
    got = entries_in(db_path)
    assert {(r.category_code, r.amount) for r in got.itertuples()} == {
        ("membership_fees", 12000.0), ("public_regional", 30000.0), ("personnel", 50000.0)}
    assert "42,000 EUR" in [m.value for m in at.metric]  # total income

    again = app(MIX, fin_year="2024")  # a new session = a reload
    assert widget(again, "text_input", "fin-2024-income-membership_fees").value == "12000"
    assert widget(again, "text_input", "fin-2024-cost-personnel").value == "50000"
    assert widget(again, "text_input", "fin-2024-income-sponsoring").value == ""  # not entered
    table = again.table[0].value
    assert list(table.columns) == ["kind", "category", "2024"]
    assert table.set_index("category").loc["Membership fees", "2024"] == "12,000.00"


def test_negative_amount_is_rejected_with_a_message_and_nothing_saved(app, db_path):
    seed(db_path, [(2024, "income", "sponsoring", 500.0)])
    at = app(MIX, fin_year="2024")
    widget(at, "text_input", "fin-2024-income-sponsoring").input("-20").run()
    assert not at.exception
    assert shown(at.error) == ["Sponsoring 2024: -20 is negative — amounts must be zero or more."]
    assert widget(at, "text_input", "fin-2024-income-sponsoring").value == "500"  # back to the saved value
    assert entries_in(db_path)["amount"].tolist() == [500.0]
    # clearing the field removes the amount: 'not entered'
    widget(at, "text_input", "fin-2024-income-sponsoring").input("").run()
    assert entries_in(db_path).empty


def test_profile_is_saved_and_bad_input_explained(app, db_path):
    at = app(MIX)
    widget(at, "text_input", "fin-currency").input("MAD").run()
    widget(at, "number_input", "fin-members").set_value(-4).run()
    assert any("Members: -4 is negative" in e for e in shown(at.error))
    s = Store(db_path)
    try:
        assert queries.financing_profile(s, "default") == {"currency": "MAD", "founding_year": None, "members": None}
    finally:
        s.close()


def test_csv_import_valid_and_invalid(app, db_path):
    at = app(MIX, fin_year="2024")
    uploader = at.get("file_uploader")[0]
    good = b"# source: x\nkind,category,2023,2024\nincome,Membership fees,100,200\ncost,Rent,,50\n"
    uploader.set_value(("mix.csv", good, "text/csv"))
    at.run()
    assert not at.exception
    assert any("Imported 3 amounts for 2023, 2024 from mix.csv" in s for s in shown(at.success))
    assert len(entries_in(db_path)) == 3
    uploader = at.get("file_uploader")[0]  # a fresh uploader after an import
    bad = b"kind,category,2024\nincome,Membership fees,300\ncost,Rent,-1\n"
    uploader.set_value(("bad.csv", bad, "text/csv"))
    at.run()
    errors = shown(at.error)
    assert errors and "Import of bad.csv refused, nothing was changed" in errors[0]
    assert "line 3, column 2024 (Rent): -1 is negative" in errors[0]
    assert len(entries_in(db_path)) == 3  # unchanged


def test_shares_tab_compares_and_explains(app, db_path):
    seed(db_path, [(2024, "income", "public_regional", 60.0), (2024, "income", "membership_fees", 40.0),
                   (2024, "cost", "personnel", 120.0)], founding_year=2015)
    at = app(MIX, fin_year="2024", fin_tab="Shares and benchmarks")
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Public share"] == "60.0 %"
    assert metrics["Private share"] == "40.0 %"
    assert metrics["Cost coverage"] == "83.3 %"
    body = texts(at)
    assert "After 9 years the public share is still 60.0 %" in body
    assert "Income covers 83.3 % of the costs" in body
    comparison = at.table[0].value.set_index("Measure")
    assert comparison.loc["Public share", "Your cluster (2024)"] == "60.0 %"
    assert comparison.loc["Public share", "MENA"] == "58 %"
    assert comparison.loc["Membership fees share", "European Union"] == "“Membership fees make one quarter of the overall financing mix.”"
    assert {"dl-fin-mixes", "dl-fin-bench", "dl-fin-comp", "dl-fin-findings", "dl-fin-shares"} <= {
        b.key for b in at.get("download_button")}
    # shares by year: a source not entered reads "not entered", never 0.0 % (issue #15)
    by_year = at.table[-1].value.set_index("Year")
    assert by_year.loc["2024", "Public share (baseline support) %"] == "60.0 %"
    assert by_year.loc["2024", "Sponsoring %"] == "not entered"
    assert not by_year.isin(["0.0 %"]).any().any()


def test_shares_tab_without_income(app):
    at = app(MIX, fin_year="2024", fin_tab="Shares and benchmarks")
    assert not at.exception
    assert any("No income entered for 2024" in i.value for i in at.info)


def test_planner_tab_saves_levers_and_projects(app, db_path):
    seed(db_path, [(2024, "income", "public_regional", 100.0), (2024, "income", "membership_fees", 50.0),
                   (2024, "income", "fee_based_services", 50.0)], members=10)
    at = app(MIX, fin_year="2024", fin_tab="Planner")
    assert not at.exception
    assert widget(at, "number_input", "fin-plan-horizon_years").value == 5  # the guide's five years
    assert widget(at, "number_input", "fin-plan-target_public_pct").value == 30.0  # upper end of 20–30 %
    assert widget(at, "number_input", "fin-plan-new_member_fee").value == 5.0  # 50 / 10 members
    widget(at, "number_input", "fin-plan-public_change_pct").set_value(-20.0).run()
    widget(at, "number_input", "fin-plan-new_members_per_year").set_value(-2.0).run()
    assert any("New members per year: -2 is below the minimum 0" in e for e in shown(at.error))
    s = Store(db_path)
    try:
        assert queries.financing_plan_inputs(s, "default") == {"public_change_pct": -20.0}
    finally:
        s.close()
    plan = at.dataframe[0].value
    assert list(plan["Year"]) == [2024, 2025, 2026, 2027, 2028, 2029]
    assert plan["Baseline support (public)"].iloc[1] == pytest.approx(80.0)
    assert any("reaches the target of 30 %" in s for s in shown(at.success))


def test_liquidity_tab_finds_the_month_cash_runs_out(app, db_path):
    seed(db_path, [(2024, "income", "membership_fees", 12000.0), (2024, "cost", "personnel", 12000.0)])
    s = Store(db_path)
    try:
        queries.set_financing_timing(s, "default", "income", "membership_fees", "once", 6)
    finally:
        s.close()
    at = app(MIX, fin_year="2024", fin_tab="Liquidity plan")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cash runs out in"] == "Jan 2024"
    widget(at, "text_input", "fin-opening-2024").input("6000").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cash runs out in"] == "does not run out"
    widget(at, "selectbox", "fin-month-income-membership_fees").set_value(9).run()
    assert {m.label: m.value for m in at.metric}["Cash runs out in"] == "Jul 2024"
    liq = at.dataframe[0].value
    assert len(liq) == 12 and liq["Income"].sum() == pytest.approx(12000.0)


def test_view_only_without_passcode(app, monkeypatch, db_path):
    monkeypatch.setenv("CLUSTERDASH_PASSCODE", "secret")
    at = app(MIX, fin_year="2024")
    assert not at.exception
    field = widget(at, "text_input", "fin-2024-income-membership_fees")
    assert field.disabled
    assert any("View only" in i.value for i in at.info)
