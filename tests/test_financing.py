"""Financing domain logic and queries: shares, findings, planner, liquidity, CSV import/export,
and that every figure of the guide shown is traced to a knowledge row with a source."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from clusterdash import financing as fin
from clusterdash import queries
from clusterdash.charts import financing as charts
from clusterdash.errors import UserError


def entries(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "entry_kind", "category_code", "amount"])


MIX_2024 = entries([
    (2024, "income", "public_local", 20.0),
    (2024, "income", "public_regional", 30.0),
    (2024, "income", "public_national", 0.0),
    (2024, "income", "membership_fees", 25.0),
    (2024, "income", "fee_based_services", 15.0),
    (2024, "income", "sponsoring", 5.0),
    (2024, "income", "publicly_funded_projects", 5.0),
    (2024, "cost", "personnel", 80.0),
    (2024, "cost", "rent", 40.0),
])


@pytest.fixture
def kb(store):
    return {
        "rules": queries.financing_rules(store),
        "patterns": queries.financing_patterns(store),
        "mixes": queries.financing_mixes(store),
        "figures": queries.financing_figures(store),
    }


# ---- categories ---------------------------------------------------------------------------------

def test_cost_categories_are_the_guides(store):
    kb_costs = queries.cost_categories(store)
    assert [(c.code, c.name) for c in fin.COST_CATEGORIES] == list(zip(kb_costs["cost_code"], kb_costs["cost_name"]))


def test_income_categories_follow_the_three_main_sources(store):
    sources = set(queries.financing_sources(store)["source_code"])
    assert {c.source_code for c in fin.INCOME_CATEGORIES if c.source_code} == sources
    levels = [c.name for c in fin.INCOME_CATEGORIES if c.group_code == "public"]
    assert levels == ["Baseline support – local", "Baseline support – regional", "Baseline support – national"]


# ---- validation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [(None, None), ("", None), ("  ", None), (0, 0.0), ("1 234.5", 1234.5),
                                             (12.5, 12.5), (float("nan"), None), ("12,5", 12.5)])
def test_validate_amount_accepts(value, expected):
    assert fin.validate_amount(value, "x") == expected


@pytest.mark.parametrize("value, message", [
    (-5, r"Membership fees 2024: -5 is negative — amounts must be zero or more"),
    ("-0.5", r"-0.5 is negative"),
    ("abc", r"'abc' is not a number"),
    ("20.000", r"'20.000' can be read two ways"),  # twenty or twenty thousand: never guessed (tests/test_amounts.py)
    ("1e24", r"exponent"),
    (1e24, r"above the largest amount"),
    (float("inf"), r"not a finite number"),
    (True, r"not a number"),
])
def test_validate_amount_rejects_with_a_message(value, message):
    with pytest.raises(UserError, match=message):
        fin.validate_amount(value, "Membership fees 2024")


# ---- shares --------------------------------------------------------------------------------------------

def test_shares_of_a_crafted_mix():
    s = fin.summarise_year(MIX_2024, 2024)
    assert s.total_income == 100.0
    assert s.public_amount == 50.0
    assert s.public_share_pct == pytest.approx(50.0)
    assert s.private_share_pct == pytest.approx(45.0)  # 25 + 15 + 5
    assert s.public_incl_projects_share_pct == pytest.approx(55.0)
    assert s.group_shares_pct == pytest.approx({
        "public": 50.0, "membership_fees": 25.0, "fee_based_services": 15.0, "sponsoring": 5.0,
        "projects": 5.0, "other": None})  # not entered: no share, never 0 %
    assert s.total_costs == 120.0
    assert s.cost_coverage_pct == pytest.approx(100 / 120 * 100)
    assert s.balance == -20.0
    assert s.income["other"] is None  # not entered stays 'not entered'
    assert s.largest_group() == ("public", 50.0)


def test_missing_income_gives_no_shares_and_no_findings(kb):
    only_costs = entries([(2024, "cost", "personnel", 1000.0)])
    s = fin.summarise_year(only_costs, 2024)
    assert s.total_income is None and not s.income_entered
    assert s.public_share_pct is None and s.private_share_pct is None and s.cost_coverage_pct is None
    assert all(v is None for v in s.group_shares_pct.values())
    assert fin.assess_mix(s, rules=kb["rules"]) == []
    # a year with nothing at all
    empty = fin.summarise_year(fin.empty_entries(), 2030)
    assert empty.total_income is None and empty.total_costs is None and empty.balance is None


def test_zero_income_gives_no_shares_not_zero_percent(kb):
    zeros = entries([(2024, "income", c.code, 0.0) for c in fin.INCOME_CATEGORIES] + [(2024, "cost", "rent", 10.0)])
    s = fin.summarise_year(zeros, 2024)
    assert s.total_income == 0.0
    assert s.public_share_pct is None and s.largest_group() is None
    assert s.cost_coverage_pct == 0.0
    assert fin.assess_mix(s, rules=kb["rules"]) == []
    assert fin.mix_long(s, "x").empty
    table = fin.shares_table(zeros)
    assert table.loc[0, "total_income"] == 0
    assert pd.isna(table.loc[0, "public_share_pct"])


def test_shares_table_one_row_per_year():
    two = pd.concat([MIX_2024, entries([(2025, "income", "membership_fees", 10.0)])])
    t = fin.shares_table(two)
    assert list(t["year"]) == [2024, 2025]
    assert t.loc[1, "membership_fees_share_pct"] == 100
    assert pd.isna(t.loc[1, "public_share_pct"])  # no public support entered for 2025: blank, not 0.0 %
    assert pd.isna(t.loc[1, "cost_coverage_pct"])
    # entered as 0 is a 0 % share
    zero = pd.concat([two, entries([(2025, "income", "public_local", 0.0)])])
    assert fin.shares_table(zero).loc[1, "public_share_pct"] == 0


# ---- findings -------------------------------------------------------------------------------------------

def codes(findings):
    return [f.code for f in findings]


def test_findings_cite_the_rules_words_and_source(kb):
    s = fin.summarise_year(MIX_2024, 2024)
    found = fin.assess_mix(s, rules=kb["rules"], founding_year=2010)
    rules = kb["rules"].set_index("rule_code")
    assert found, "a mix with costs above income has findings"
    all_sources = set(rules["source"])
    all_statements = set(rules["statement"])
    for f in found:
        assert f.sources and all(src in all_sources for src in f.sources)
        assert all(part in all_statements for part in f.quote.split(" — "))
    # public 50 % after 14 years: still above the 20–30 %
    assert "public_share_high_after_five_years" in codes(found)
    text = next(f.text for f in found if f.code == "public_share_high_after_five_years")
    assert "After 14 years" in text and "50.0 %" in text and "20–30 %" in text and "around 5 years" in text
    # costs 120 > income 100
    cov = next(f for f in found if f.code == "costs_not_covered")
    assert "83.3 %" in cov.text and "shortfall of 20" in cov.text
    assert "membership_fee_coverage" in codes(found)


def test_fully_private_financing_is_flagged(kb):
    private = entries([(2024, "income", "membership_fees", 60.0), (2024, "income", "fee_based_services", 40.0)])
    found = fin.assess_mix(fin.summarise_year(private, 2024), rules=kb["rules"])
    assert "fully_private" in codes(found)
    f = next(f for f in found if f.code == "fully_private")
    assert "commercially-driven interest groups" in f.text and f.level == "warning"
    assert "heavy_dependence" in codes(found)  # 60 % from membership fees
    assert "public_share_low" not in codes(found)  # no public amount at all: fully_private says it


def test_dependence_threshold_is_labelled_as_clusterdashs(kb):
    mix = entries([(2024, "income", "sponsoring", 51.0), (2024, "income", "public_regional", 49.0)])
    f = next(f for f in fin.assess_mix(fin.summarise_year(mix, 2024), rules=kb["rules"]) if f.code == "heavy_dependence")
    assert "51.0 %" in f.text and "sponsoring" in f.text and "not of the guide" in f.text
    exactly_half = entries([(2024, "income", "sponsoring", 50.0), (2024, "income", "public_regional", 50.0)])
    assert "heavy_dependence" not in codes(fin.assess_mix(fin.summarise_year(exactly_half, 2024), rules=kb["rules"]))


def test_public_share_against_the_20_30_rule(kb):
    def mix(public, private):
        return fin.summarise_year(entries([(2024, "income", "public_national", public),
                                           (2024, "income", "fee_based_services", private)]), 2024)

    assert "public_share_in_band" in codes(fin.assess_mix(mix(25, 75), rules=kb["rules"]))
    assert "public_share_in_band" in codes(fin.assess_mix(mix(30, 70), rules=kb["rules"]))
    assert "public_share_low" in codes(fin.assess_mix(mix(10, 90), rules=kb["rules"]))
    assert "public_share_high" in codes(fin.assess_mix(mix(40, 60), rules=kb["rules"]))  # founding year unknown
    young = fin.assess_mix(mix(40, 60), rules=kb["rules"], founding_year=2022)
    assert "public_share_high_young_cluster" in codes(young)
    assert "2 years old" in next(f.text for f in young if f.code == "public_share_high_young_cluster")
    old = fin.assess_mix(mix(40, 60), rules=kb["rules"], founding_year=2019)
    assert "public_share_high_after_five_years" in codes(old)


def test_findings_read_the_figures_from_the_knowledge_base(kb):
    rules = kb["rules"].copy()
    i = rules.index[rules["rule_code"] == "public_cofinancing_even_for_excellent_clusters"][0]
    rules.loc[i, "value_high"] = 35.0
    s = fin.summarise_year(entries([(2024, "income", "public_national", 33.0),
                                    (2024, "income", "fee_based_services", 67.0)]), 2024)
    f = next(f for f in fin.assess_mix(s, rules=rules) if f.code == "public_share_in_band")
    assert "20–35 %" in f.text
    # without its rule a finding is not made at all
    without = rules[rules["rule_code"] != "public_cofinancing_even_for_excellent_clusters"]
    assert not any(c.startswith("public_share") for c in codes(fin.assess_mix(s, rules=without)))


def test_projects_as_largest_source_and_missing_services(kb):
    mix = entries([(2024, "income", "publicly_funded_projects", 70.0), (2024, "income", "membership_fees", 30.0)])
    found = fin.assess_mix(fin.summarise_year(mix, 2024), rules=kb["rules"])
    assert {"projects_largest", "no_fee_based_services", "heavy_dependence"} <= set(codes(found))
    assert "fully_private" not in codes(found)


def test_no_private_income_finding(kb):
    mix = entries([(2024, "income", "public_regional", 100.0)])
    found = fin.assess_mix(fin.summarise_year(mix, 2024), rules=kb["rules"])
    f = next(f for f in found if f.code == "no_private_income")
    assert "around 5 years" in f.text and len(f.sources) == 2


# ---- planner -------------------------------------------------------------------------------------------

PLAN_BASE = entries([
    (2024, "income", "public_regional", 100.0),
    (2024, "income", "membership_fees", 50.0),
    (2024, "income", "fee_based_services", 30.0),
    (2024, "income", "sponsoring", 10.0),
    (2024, "income", "publicly_funded_projects", 10.0),
    (2024, "cost", "personnel", 180.0),
])


def test_planner_arithmetic_on_crafted_inputs():
    s = fin.summarise_year(PLAN_BASE, 2024)
    inputs = fin.PlanInputs(horizon_years=3, target_public_pct=30, public_change_pct=-10, new_members_per_year=2,
                            new_member_fee=5, fee_change_pct=0, new_services_per_year=10,
                            service_price_change_pct=0, sponsoring_change_per_year=0,
                            projects_change_per_year=-5, cost_change_pct=2)
    plan = fin.plan_years(s, inputs)
    assert list(plan["year"]) == [2024, 2025, 2026, 2027]
    base = plan.iloc[0]
    assert base["public"] == 100 and base["total_income"] == 200 and base["total_costs"] == 180
    assert base["public_share_pct"] == pytest.approx(50.0)
    y2 = plan.iloc[2]
    assert y2["public"] == pytest.approx(81.0)  # 100 · 0.9²
    assert y2["membership_fees"] == pytest.approx(70.0)  # 50 + 2 · 5 · 2
    assert y2["fee_based_services"] == pytest.approx(50.0)  # 30 + 10 · 2
    assert y2["projects"] == pytest.approx(0.0)  # 10 − 5 · 2
    assert y2["total_income"] == pytest.approx(211.0)
    assert y2["total_costs"] == pytest.approx(180 * 1.02 ** 2)
    assert y2["public_share_pct"] == pytest.approx(81 / 211 * 100)
    assert y2["gap_pp"] == pytest.approx(81 / 211 * 100 - 30)
    # 81 · 70 / 30 = 189 non-public needed; 130 there
    assert y2["extra_non_public_needed"] == pytest.approx(59.0)
    assert plan.iloc[3]["projects"] == 0  # 10 − 15 is clipped at zero, never negative


def test_planner_reaches_target_and_says_when():
    s = fin.summarise_year(PLAN_BASE, 2024)
    plan = fin.plan_years(s, fin.PlanInputs(horizon_years=5, target_public_pct=30, public_change_pct=-20,
                                            new_services_per_year=40))
    reached = plan[plan["gap_pp"] <= 0]
    assert len(reached)
    first = reached.iloc[0]
    assert reached.iloc[0]["extra_non_public_needed"] == 0
    assert fin.plan_outcome(plan).startswith(f"The public share reaches the target of 30 % in {int(first['year'])}")
    stuck = fin.plan_years(s, fin.PlanInputs(horizon_years=2, target_public_pct=30))
    assert "does not reach the target of 30 % by 2026" in fin.plan_outcome(stuck)


def test_planner_with_zero_income_and_edge_targets():
    zero = fin.summarise_year(entries([(2024, "income", "membership_fees", 0.0)]), 2024)
    plan = fin.plan_years(zero, fin.PlanInputs(horizon_years=2))
    assert plan["public_share_pct"].isna().all() and plan["gap_pp"].isna().all()
    assert "No income to plan from" in fin.plan_outcome(plan)
    s = fin.summarise_year(PLAN_BASE, 2024)
    assert fin.plan_years(s, fin.PlanInputs(target_public_pct=100))["extra_non_public_needed"].eq(0).all()
    assert fin.plan_years(s, fin.PlanInputs(target_public_pct=0))["extra_non_public_needed"].isna().all()


@pytest.mark.parametrize("field, value, message", [
    ("new_members_per_year", -3, r"New members per year: -3 is below the minimum 0"),
    ("new_member_fee", -1, r"below the minimum 0"),
    ("horizon_years", 0, r"Years to plan: 0 is below the minimum 1"),
    ("horizon_years", 2.5, r"not a whole number"),
    ("target_public_pct", 120, r"above the maximum 100"),
    ("fee_change_pct", "x", r"not a number"),
    ("fee_change_pct", None, r"a value is required"),
    ("nonsense", 1, r"Unknown planner input"),
])
def test_planner_inputs_rejected_with_a_message(field, value, message):
    with pytest.raises(UserError, match=message):
        fin.validate_plan_value(field, value)


def test_plan_chart_draws_the_plan_rows():
    plan = fin.plan_years(fin.summarise_year(PLAN_BASE, 2024), fin.PlanInputs(horizon_years=3))
    fig = charts.plan_chart(plan, currency="EUR")
    bars = {t.name: list(t.y) for t in fig.data if t.type == "bar"}
    assert bars["Membership fees"] == pytest.approx(list(plan["membership_fees"].astype(float)))
    assert "Other income" not in bars  # nothing to draw
    share = next(t for t in fig.data if t.name == "Public share")
    assert list(share.y) == pytest.approx(list(plan["public_share_pct"].astype(float)))


# ---- liquidity ------------------------------------------------------------------------------------------

def test_spread_adds_up_exactly():
    parts = fin.spread(100.0, (1, 2, 3))
    assert parts[:3] == [33.33, 33.33, 33.34] and sum(parts) == pytest.approx(100.0)
    assert sum(fin.spread(1000.0, range(1, 13))) == pytest.approx(1000.0)
    assert fin.spread(50.0, (7,))[6] == 50.0


def test_liquidity_month_of_cash_out():
    mix = entries([(2024, "income", "membership_fees", 12000.0), (2024, "income", "public_regional", 24000.0),
                   (2024, "cost", "personnel", 36000.0)])
    s = fin.summarise_year(mix, 2024)
    timings = {("income", "membership_fees"): fin.Timing("once", 3),
               ("income", "public_regional"): fin.Timing("quarterly_end")}
    plan = fin.liquidity_plan(s, 5000.0, timings)
    assert list(plan["income"]) == [0, 0, 18000, 0, 0, 6000, 0, 0, 6000, 0, 0, 6000]
    assert list(plan["expenditure"]) == [3000.0] * 12
    assert list(plan["closing_cash"][:3]) == [2000, -1000, 14000]
    assert fin.cash_out_month(plan) == 2
    assert plan["closing_cash"].iloc[-1] == pytest.approx(5000.0)  # income = costs over the year
    assert list(plan["opening_cash"][1:]) == list(plan["closing_cash"][:-1])
    assert fin.lowest_cash(plan) == (2, -1000.0)
    # paid in January instead: cash lasts
    early = fin.liquidity_plan(s, 5000.0, {("income", "membership_fees"): fin.Timing("once", 1),
                                           ("income", "public_regional"): fin.Timing("quarterly_start")})
    assert fin.cash_out_month(early) is None


def test_liquidity_defaults_and_negative_opening():
    mix = entries([(2024, "income", "membership_fees", 1200.0), (2024, "cost", "start_up", 600.0)])
    plan = fin.liquidity_plan(fin.summarise_year(mix, 2024), 0.0)
    assert plan.loc[0, "expenditure"] == 600  # start-up costs default: once, January
    assert plan.loc[0, "income"] == 100  # monthly
    assert fin.cash_out_month(plan) == 1
    overdraft = fin.liquidity_plan(fin.summarise_year(fin.empty_entries(), 2024), -10.0)
    assert fin.cash_out_month(overdraft) == 1 and overdraft["closing_cash"].eq(-10).all()


@pytest.mark.parametrize("code, month, message", [("weekly", None, "Unknown payment timing"),
                                                  ("once", None, "needs a month"), ("once", 13, "not between 1 and 12")])
def test_bad_timing_rejected(code, month, message):
    with pytest.raises(UserError, match=message):
        fin.validate_timing(code, month)


def test_liquidity_chart_marks_the_cash_out_month():
    mix = entries([(2024, "cost", "rent", 1200.0)])
    liq = fin.liquidity_plan(fin.summarise_year(mix, 2024), 150.0)
    out = fin.cash_out_month(liq)
    assert out == 2
    fig = charts.liquidity_chart(liq, currency="EUR", cash_out_month=out)
    assert any("cash runs out: Feb" in (a.text or "") for a in fig.layout.annotations)
    cash = next(t for t in fig.data if t.name == "Cash at end of month")
    assert list(cash.y) == list(liq["closing_cash"])


# ---- the table of entries: export and import ------------------------------------------------------------

def test_export_then_import_round_trip():
    from clusterdash import ui

    wide = fin.entries_wide(MIX_2024)
    assert list(wide.columns) == ["kind", "category", "2024"]
    assert len(wide) == len(fin.INCOME_CATEGORIES) + len(fin.COST_CATEGORIES)
    data = ui.csv_bytes(wide, source="test", units="amounts in EUR; blank = not entered")
    parsed, years = fin.parse_entries_csv(data)
    assert years == [2024]
    key = ["year", "entry_kind", "category_code"]
    a = MIX_2024.sort_values(key).reset_index(drop=True)
    b = parsed.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_import_accepts_codes_names_and_blank_cells():
    text = "kind,category,2023,2024\nincome,membership_fees,100,\nINCOME,baseline support - local,,50.5\ncost,Personnel,80,90\n"
    parsed, years = fin.parse_entries_csv(text)
    assert years == [2023, 2024]
    assert len(parsed) == 4
    assert parsed[(parsed["category_code"] == "public_local")]["amount"].tolist() == [50.5]


@pytest.mark.parametrize("text, message", [
    ("", "The file is empty"),
    ("# only a comment\n", "The file is empty"),
    ("year,category,2024\n", r"line 1: the header must start with 'kind,category'"),
    ("kind,category\nincome,Sponsoring\n", r"line 1: no year columns"),
    ("kind,category,20x4\n", r"line 1, column 3: '20x4' is not a year"),
    ("kind,category,2024,2024\n", r"the year 2024 appears twice"),
    ("kind,category,2024\n", r"line 1: the file has a header but no rows"),
    ("# source: x\nkind,category,2024\nincome,Sponsoring,10\nincome,Membership fees,-5\n",
     r"line 4, column 2024 \(Membership fees\): -5 is negative — amounts must be zero or more"),
    ("kind,category,2024\nincome,Sponsoring,ten\n", r"line 2, column 2024 \(Sponsoring\): 'ten' is not a number"),
    ("kind,category,2024\nrevenue,Sponsoring,10\n", r"line 2, column kind: 'revenue' must be 'income' or 'cost'"),
    ("kind,category,2024\nincome,Donations,10\n", r"line 2, column category: 'Donations' is not a income category"),
    ("kind,category,2024\ncost,Sponsoring,10\n", r"'Sponsoring' is not a cost category"),
    ("kind,category,2024\nincome,Sponsoring,1\nincome,sponsoring,2\n", r"line 3, column category: 'sponsoring' already appears on line 2"),
    ("kind,category,2024\nincome,Sponsoring,1,7\n", r"line 2: 4 fields, but the header has 3"),
])
def test_import_errors_name_line_and_column(text, message):
    with pytest.raises(UserError, match=message):
        fin.parse_entries_csv(text)


def test_import_rejects_non_utf8():
    with pytest.raises(UserError, match="not UTF-8"):
        fin.parse_entries_csv("kind,category,2024\nincome,Sponsoring,1\n".encode("utf-16"))


# ---- queries: saved per workspace, one transaction, store unchanged on bad input ----------------------------

def test_entries_saved_per_workspace(store):
    a = queries.create_workspace(store, "A")
    b = queries.create_workspace(store, "B")
    queries.set_financing_entry(store, a, 2024, "income", "membership_fees", 1000)
    queries.set_financing_entry(store, a, 2024, "income", "membership_fees", 1500)  # overwrite
    queries.set_financing_entry(store, a, "2024", "cost", "rent", "250.5")
    got = queries.financing_entries(store, a)
    assert got.to_dict("records") == [
        {"year": 2024, "entry_kind": "cost", "category_code": "rent", "amount": 250.5},
        {"year": 2024, "entry_kind": "income", "category_code": "membership_fees", "amount": 1500.0},
    ]
    assert queries.financing_entries(store, b).empty
    queries.set_financing_entry(store, a, 2024, "cost", "rent", None)  # blank = not entered
    assert len(queries.financing_entries(store, a)) == 1


@pytest.mark.parametrize("kind, code, amount, message", [
    ("income", "membership_fees", -1, "Membership fees 2024: -1 is negative"),
    ("income", "bogus", 1, "Unknown income category"),
    ("expense", "rent", 1, "Unknown kind"),
    ("cost", "rent", "lots", "'lots' is not a number"),
])
def test_bad_entry_leaves_store_unchanged(store, kind, code, amount, message):
    queries.default_workspace(store)
    queries.set_financing_entry(store, "default", 2024, "income", "membership_fees", 10)
    before = queries.financing_entries(store, "default")
    with pytest.raises(UserError, match=message):
        queries.set_financing_entry(store, "default", 2024, kind, code, amount)
    pd.testing.assert_frame_equal(queries.financing_entries(store, "default"), before)


def test_writes_refused_for_missing_or_archived_workspace(store):
    with pytest.raises(UserError, match="does not exist"):
        queries.set_financing_entry(store, "ws-nowhere", 2024, "income", "sponsoring", 1)
    queries.default_workspace(store)  # archiving needs another active workspace
    wid = queries.create_workspace(store, "Old")
    queries.set_financing_entry(store, wid, 2024, "income", "sponsoring", 1)
    queries.archive_workspace(store, wid)
    for write in (lambda: queries.set_financing_entry(store, wid, 2024, "income", "sponsoring", 2),
                  lambda: queries.import_financing_entries(store, wid, "kind,category,2024\nincome,Sponsoring,3\n"),
                  lambda: queries.set_financing_profile(store, wid, "currency", "USD"),
                  lambda: queries.set_financing_plan_value(store, wid, "horizon_years", 3),
                  lambda: queries.set_financing_opening_balance(store, wid, 2024, 5),
                  lambda: queries.set_financing_timing(store, wid, "income", "sponsoring", "monthly"),
                  lambda: queries.delete_financing_year(store, wid, 2024)):
        with pytest.raises(UserError, match="archived"):
            write()
    assert queries.financing_entries(store, wid)["amount"].tolist() == [1.0]


def test_duplicating_a_workspace_copies_its_financing(store):
    wid = queries.create_workspace(store, "Original")
    queries.set_financing_entry(store, wid, 2024, "income", "sponsoring", 9)
    queries.set_financing_profile(store, wid, "currency", "MAD")
    queries.set_financing_timing(store, wid, "income", "sponsoring", "once", 4)
    copy = queries.duplicate_workspace(store, wid)
    assert queries.financing_entries(store, copy).to_dict("records") == queries.financing_entries(store, wid).to_dict("records")
    assert queries.financing_profile(store, copy)["currency"] == "MAD"
    assert queries.financing_timings(store, copy) == {("income", "sponsoring"): fin.Timing("once", 4)}


def test_import_replaces_only_the_years_in_the_file(store):
    wid = queries.create_workspace(store, "Import")
    queries.set_financing_entry(store, wid, 2022, "income", "sponsoring", 7)
    queries.set_financing_entry(store, wid, 2023, "income", "sponsoring", 8)
    n, years = queries.import_financing_entries(store, wid, "kind,category,2023,2024\nincome,Membership fees,1,2\n")
    assert (n, years) == (2, [2023, 2024])
    got = {(r["year"], r["category_code"]): r["amount"] for r in queries.financing_entries(store, wid).to_dict("records")}
    assert got == {(2022, "sponsoring"): 7, (2023, "membership_fees"): 1, (2024, "membership_fees"): 2}


def test_bad_import_leaves_store_unchanged(store):
    wid = queries.create_workspace(store, "Import")
    queries.set_financing_entry(store, wid, 2023, "income", "sponsoring", 8)
    before = queries.financing_entries(store, wid)
    bad = "kind,category,2023\nincome,Membership fees,100\ncost,Rent,-3\n"
    with pytest.raises(UserError, match="line 3, column 2023"):
        queries.import_financing_entries(store, wid, bad)
    pd.testing.assert_frame_equal(queries.financing_entries(store, wid), before)


def test_import_is_one_transaction(store, monkeypatch):
    """A failure half-way through the writes rolls back the deletes already made."""
    wid = queries.create_workspace(store, "Import")
    queries.set_financing_entry(store, wid, 2023, "income", "sponsoring", 8)
    before = queries.financing_entries(store, wid)
    good = "kind,category,2023\nincome,Membership fees,100\ncost,Rent,3\n"
    real_parse = fin.parse_entries_csv

    def parse_with_a_bad_row(data):
        df, years = real_parse(data)
        df.loc[len(df)] = [2023, "income", "membership_fees", 5.0]  # duplicate key: fails in the INSERT
        return df, years

    monkeypatch.setattr(fin, "parse_entries_csv", parse_with_a_bad_row)
    with pytest.raises(Exception):
        queries.import_financing_entries(store, wid, good)
    pd.testing.assert_frame_equal(queries.financing_entries(store, wid), before)


def test_profile_plan_liquidity_and_timing_are_saved(store):
    wid = "default"
    queries.default_workspace(store)
    assert queries.financing_profile(store, wid) == {"currency": "EUR", "founding_year": None, "members": None}
    queries.set_financing_profile(store, wid, "currency", "  MAD ")
    queries.set_financing_profile(store, wid, "founding_year", 2012)
    queries.set_financing_profile(store, wid, "members", 40)
    assert queries.financing_profile(store, wid) == {"currency": "MAD", "founding_year": 2012, "members": 40}
    with pytest.raises(UserError, match="Members: -2 is negative"):
        queries.set_financing_profile(store, wid, "members", -2)
    with pytest.raises(UserError, match="in the future"):
        queries.set_financing_profile(store, wid, "founding_year", 2999 if fin.YEAR_MAX >= 2999 else fin.YEAR_MAX)
    with pytest.raises(UserError, match="Currency: a value is required"):
        queries.set_financing_profile(store, wid, "currency", " ")
    assert queries.financing_profile(store, wid)["members"] == 40

    queries.set_financing_plan_value(store, wid, "target_public_pct", 25)
    queries.set_financing_plan_value(store, wid, "horizon_years", 7)
    assert queries.financing_plan_inputs(store, wid) == {"target_public_pct": 25.0, "horizon_years": 7}
    with pytest.raises(UserError, match="New members per year"):
        queries.set_financing_plan_value(store, wid, "new_members_per_year", -1)

    queries.set_financing_opening_balance(store, wid, 2024, -500)
    assert queries.financing_opening_balance(store, wid, 2024) == -500
    with pytest.raises(UserError, match="not a number"):
        queries.set_financing_opening_balance(store, wid, 2024, "much")

    queries.set_financing_timing(store, wid, "income", "membership_fees", "once", 3)
    queries.set_financing_timing(store, wid, "cost", "rent", "quarterly_start", 5)  # month ignored
    assert queries.financing_timings(store, wid) == {("income", "membership_fees"): fin.Timing("once", 3),
                                                     ("cost", "rent"): fin.Timing("quarterly_start", None)}
    with pytest.raises(UserError, match="not between 1 and 12"):
        queries.set_financing_timing(store, wid, "income", "membership_fees", "once", 0)


# ---- every figure of the guide shown is traced to a knowledge row with a source ---------------------------

def _kb_row(store, table: str, key: str) -> dict:
    if table == "kb_financing_pattern":
        rows = store.rows("SELECT value_pct AS v, NULL AS v2, source FROM kb_financing_pattern WHERE pattern_code = ?", [key])
    elif table == "kb_financing_mix":
        case, component = key.split(" / ", 1)
        rows = store.rows("SELECT share_pct AS v, NULL AS v2, source FROM kb_financing_mix WHERE case_code = ? AND component = ?",
                          [case, component])
    elif table == "kb_financing_rule":
        rows = store.rows("SELECT value_low AS v, value_high AS v2, source FROM kb_financing_rule WHERE rule_code = ?", [key])
    else:
        raise AssertionError(table)
    assert len(rows) == 1, (table, key)
    return rows[0]


def test_pattern_chart_figures_exist_in_the_knowledge_base(store, kb):
    for pattern_set in ("financing_mix", "financial_security"):
        data = fin.stated_pattern_figures(kb["patterns"], pattern_set)
        numeric = store.value("SELECT count(*) FROM kb_financing_pattern WHERE pattern_set = ? AND value_pct IS NOT NULL",
                              [pattern_set])
        assert len(data) == numeric > 0  # a bar for each stated number, none for words
        for r in data.itertuples():
            row = _kb_row(store, "kb_financing_pattern", r.pattern_code)
            assert r.value_pct == row["v"] and r.source == row["source"] and row["source"].startswith("004_")
        fig = charts.stated_figures_bars(data)
        assert list(fig.data[0].x) == list(data["value_pct"])  # the chart draws exactly these rows
    p1 = fin.stated_pattern_figures(kb["patterns"], "financing_mix").set_index("pattern_code")
    assert p1.loc["fp1_mena_public_share", "figure_as_stated"] == "58 %"
    assert p1.loc["fp1_mena_public_share", "period"] == "2017-2020"
    assert p1.loc["fp1_mena_public_share", "n_clusters"] == 420
    assert "fp1_eu_membership_fee_share" not in p1.index  # "one quarter": the text gives words, so no bar
    p2 = fin.stated_pattern_figures(kb["patterns"], "financial_security").set_index("pattern_code")
    assert set(p2["value_pct"]) == {50.0, 29.0}
    assert set(p2["region"]) == {"Middle East Asia"}


def test_words_only_statements_are_shown_as_words(kb):
    cards = fin.region_statements(kb["patterns"], "financing_mix")
    latam = cards["latin_america"]
    assert all(s["figure_as_stated"] is None and s["value_pct"] is None for s in latam)
    assert any("well-balanced" in s["words"] for s in latam)
    mea = " ".join(s["words"] for s in cards["middle_east_asia"])
    assert "rather low" in mea
    eu = next(s for s in cards["eu"] if s["pattern_code"] == "fp1_eu_membership_fee_share")
    assert "value_pct" not in eu["words"]  # ClusterDash's note is not shown as the guide's words
    table = fin.comparison_table(None, kb["patterns"], kb["mixes"], kb["rules"])
    row = table.set_index("Measure").loc["Private share"]
    assert row["Latin America"] == "“Private financing is relatively important.”"
    assert row["Middle East Asia"] == "“private financing is rather low”"
    assert table.set_index("Measure").loc["Public share", "MENA"] == "58 %"


def test_mix_and_benchmark_figures_exist_in_the_knowledge_base(store, kb):
    bua = fin.mix_cases(kb["mixes"])
    assert sorted(bua["share_text"]) == ["~25 %", "~36 %", "~39 %"]
    for r in bua.itertuples():
        case_component = store.rows("SELECT share_pct, source FROM kb_financing_mix WHERE case_name = ? AND component = ?",
                                    [r.mix, r.component])
        assert case_component == [{"share_pct": r.share_pct, "source": r.source}]
    fig = charts.mix_bars(bua)
    assert sorted(v for t in fig.data for v in t.x) == sorted(bua["share_pct"])

    s = fin.summarise_year(MIX_2024, 2024)
    bench = fin.benchmark_points(s, kb["patterns"], kb["mixes"], kb["rules"])
    guide = bench[bench["who"] != "yours"]
    assert len(guide) >= 5
    for r in guide.itertuples():
        row = _kb_row(store, r.kb_table, r.kb_key)
        assert r.value_pct == row["v"] and r.source == row["source"]
        if not pd.isna(r.value_high_pct):
            assert r.value_high_pct == row["v2"]
    assert set(bench[bench["who"] == "yours"]["source"]) == {"Your entries"}
    assert set(guide["figure_as_stated"]) >= {"58 %", "~39 %", "~25 %", "20–30 %", "around 40 %"}
    assert "one quarter" not in set(guide["figure_as_stated"])  # words, not a benchmark number
    fig = charts.benchmark_chart(bench, measures={"public_share": "Public", "membership_fee_share": "Fees",
                                                  "private_share": "Private"})
    drawn = sorted((t.base[0] if t.base is not None else 0) + t.x[0] for t in fig.data)
    expected = sorted((r.value_high_pct if not pd.isna(r.value_high_pct) else r.value_pct) for r in bench.itertuples())
    assert drawn == pytest.approx(expected)


def test_mechatronics_amounts_are_not_tied_to_categories(kb):
    certain, untied, categories = fin.figure_table(kb["figures"], "mechatronics_cluster_2017")
    assert certain["label"] == "Total" and certain["amount"] == 688748.96 and certain["currency"] is None
    assert len(untied) == 6 and len(categories) == 6
    assert set(untied["category"]) == {"not tied to a category in the text"}
    assert math.isclose(untied["amount"].sum(), 688748.96, abs_tol=0.005)
    assert not set(untied.columns) & {"label", "component"}


def test_rule_figures_as_stated(kb):
    rules = {r["rule_code"]: r for r in kb["rules"].to_dict("records")}
    assert fin.rule_figure_text(rules["five_years_to_grow_private_income"]) == "5 years"
    assert fin.rule_figure_text(rules["public_cofinancing_even_for_excellent_clusters"]) == "20–30 %"
    assert fin.rule_figure_text(rules["cger_financial_autonomy"]) == "40 %"
    assert fin.rule_figure_text(rules["sustainable_financing_and_growth"]) == "90 clusters"
    assert fin.rule_figure_text(rules["mixture_matters"]) is None


def test_a_rule_of_thumb_without_a_unit_shows_its_figure_alone():
    """A rule with a figure but no unit: pandas' string column holds NaN for the missing unit, which
    the rule's card showed as "90 nan"."""
    rules = pd.DataFrame({"rule_code": ["sustainable_financing_and_growth", "five_years_to_grow_private_income"],
                          "statement": ["Ninety clusters were surveyed.", "About five years."],
                          "value_low": [90.0, 5.0], "value_high": [math.nan, math.nan], "unit": [None, "years"],
                          "source": ["seed 004", "seed 004"]})
    assert [r["figure"] for r in fin.rules_of_thumb(rules)] == ["around 5 years", "90"]


def test_shares_by_year_as_shown_says_not_entered_never_zero_percent():
    """Issue #15: a blank used to show as 0.0 % in Shares by year."""
    e = pd.DataFrame([
        dict(year=2023, entry_kind="income", category_code="membership_fees", amount=100.0),
        dict(year=2024, entry_kind="cost", category_code="personnel", amount=50.0),
        dict(year=2025, entry_kind="income", category_code="membership_fees", amount=0.0),
        dict(year=2025, entry_kind="cost", category_code="personnel", amount=0.0),
    ])
    shown = fin.shares_table_text(fin.shares_table(e)).set_index("year")
    assert shown.loc["2023", "membership_fees_share_pct"] == "100.0 %"
    assert shown.loc["2023", "sponsoring_share_pct"] == fin.NOT_ENTERED  # income entered, sponsoring not
    assert shown.loc["2023", "total_costs"] == fin.NOT_ENTERED
    assert shown.loc["2024", "total_income"] == fin.NOT_ENTERED and shown.loc["2024", "balance"] == "-50.00"
    assert shown.loc["2025", "public_share_pct"] == fin.NO_INCOME  # 0 entered: no share, but not "not entered"
    assert shown.loc["2025", "cost_coverage_pct"] == fin.NO_COSTS
    assert not shown.isin(["0.0 %"]).any().any()
