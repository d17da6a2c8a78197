"""What a person sees on the financing pages: the patterns with figures as stated; entering a mix
that survives a reload; the CSV export holding exactly the table shown; the shares, planner and
liquidity tabs."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest

from clusterdash import queries
from clusterdash.store import Store
from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app
from tests.ui_support import versioned_css


def field(page, key: str):
    """The input of a save-as-you-go field by its base key (its key carries the stored value's version)."""
    return page.locator(f"{versioned_css(key)} input")


def enter(page, key: str, value: str) -> None:
    """Type an amount and leave the field (Enter commits it, as a person would)."""
    box = field(page, key)
    box.fill(value)
    box.press("Enter")
    wait_for_app(page)


def dom_table(page, index: int = 0) -> pd.DataFrame:
    """The rows of an st.table as a person reads them (header and cell texts)."""
    table = page.locator('[data-testid="stTable"] table').nth(index)
    header = [c.inner_text().strip() for c in table.locator("thead th").all()]
    rows = [[c.inner_text().strip() for c in r.locator("th, td").all()] for r in table.locator("tbody tr").all()]
    return pd.DataFrame(rows, columns=header)


@pytest.fixture
def seeded_db(template_db, tmp_path):
    db = tmp_path / "financing.duckdb"
    shutil.copy(template_db, db)
    s = Store(db)
    queries.default_workspace(s)
    rows = [
        (2023, "income", "public_regional", 180000), (2023, "income", "public_national", 60000),
        (2023, "income", "membership_fees", 70000), (2023, "income", "fee_based_services", 20000),
        (2023, "cost", "personnel", 260000), (2023, "cost", "rent", 30000), (2023, "cost", "operating_supplies", 25000),
        (2024, "income", "public_local", 20000), (2024, "income", "public_regional", 150000),
        (2024, "income", "public_national", 50000), (2024, "income", "membership_fees", 90000),
        (2024, "income", "fee_based_services", 45000), (2024, "income", "sponsoring", 15000),
        (2024, "income", "publicly_funded_projects", 40000),
        (2024, "cost", "personnel", 300000), (2024, "cost", "rent", 36000), (2024, "cost", "operating_supplies", 30000),
        (2024, "cost", "equipment", 12000), (2024, "cost", "others", 8000),
    ]
    for year, kind, code, amount in rows:
        queries.set_financing_entry(s, "default", year, kind, code, amount)
    queries.set_financing_profile(s, "default", "founding_year", 2014)
    queries.set_financing_profile(s, "default", "members", 60)
    queries.set_financing_timing(s, "default", "income", "public_regional", "once", 6)
    queries.set_financing_timing(s, "default", "income", "membership_fees", "once", 3)
    queries.set_financing_opening_balance(s, "default", 2024, 20000)
    s.conn.execute("CHECKPOINT")
    s.close()
    return db


def test_patterns_page_shows_figures_as_stated(server, page):
    page.goto(server.url + "/financing")
    wait_for_app(page)
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    for text in ("58 %", "one quarter", "rather low", "in words only", "688,748.96", "20–30 %",
                 "420 clusters observed in total", "not tied to a category in the text"):
        assert main.get_by_text(text, exact=False).count() >= 1, text
    assert page.locator(".js-plotly-plot").count() >= 3
    screenshot(page, "financing-patterns")
    page.get_by_role("heading", name="Rules of thumb").scroll_into_view_if_needed()
    screenshot(page, "financing-patterns-rules", full=False)


def test_enter_a_mix_reload_and_export_matches_table(new_server, page, tmp_path):
    server = new_server()
    url = server.url + "/financing_mix?fin_year=2024"
    page.goto(url)
    wait_for_app(page)
    assert_no_exception(page)
    enter(page, "fin-2024-income-membership_fees", "12000")
    enter(page, "fin-2024-income-public_regional", "30500.5")
    enter(page, "fin-2024-cost-personnel", "40000")
    # a negative amount: a message, and the field goes back to its saved value
    enter(page, "fin-2024-income-sponsoring", "-50")
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="is negative")
    assert alert.count() == 1 and "Sponsoring 2024: -50 is negative" in alert.inner_text()
    assert field(page, "fin-2024-income-sponsoring").input_value() == ""
    screenshot(page, "financing-mix-entry")

    page.reload()
    wait_for_app(page)
    assert field(page, "fin-2024-income-membership_fees").input_value() == "12000"
    assert field(page, "fin-2024-income-public_regional").input_value() == "30500.50"
    assert field(page, "fin-2024-cost-personnel").input_value() == "40000"
    # the year stays selected (in the URL unless it is the default: the latest year with amounts)
    year_box = page.locator(".st-key-fin_year")
    shown_year = year_box.inner_text() + " ".join(i.input_value() for i in year_box.locator("input").all())
    assert "2024" in shown_year, year_box.inner_html()[:3000]
    assert "ws=" in page.url

    shown = dom_table(page)
    assert list(shown.columns) == ["kind", "category", "2024"]
    with page.expect_download() as dl:
        page.locator(".st-key-dl-fin-entries button").click()
    path = tmp_path / "export.csv"
    dl.value.save_as(path)
    raw = path.read_text(encoding="utf-8")
    assert raw.startswith("# source: ") and "# units: amounts in EUR; blank = not entered" in raw
    exported = pd.read_csv(io.StringIO(raw), comment="#", dtype={"kind": str, "category": str})
    assert list(exported.columns) == list(shown.columns)
    assert list(exported["category"]) == list(shown["category"]) and list(exported["kind"]) == list(shown["kind"])
    as_shown = [None if v == "" else float(v.replace(",", "")) for v in shown["2024"]]
    as_exported = [None if pd.isna(v) else float(v) for v in exported["2024"]]
    assert as_shown == as_exported
    assert sorted(v for v in as_exported if v is not None) == [12000.0, 30500.5, 40000.0]


def test_shares_planner_and_liquidity_tabs(new_server, page, seeded_db):
    server = new_server(db=seeded_db)
    page.goto(server.url + "/financing_mix?fin_year=2024")
    wait_for_app(page)
    page.get_by_role("tab", name="Shares and benchmarks").click()
    wait_for_app(page)
    assert_no_exception(page)
    assert "fin_tab=" in page.url
    main = page.locator('[data-testid="stMain"]')
    # public 220,000 of 410,000 = 53.7 %, founded 2014
    assert main.get_by_text("Heavy dependence on one source: 53.7 %", exact=False).count() == 1
    assert main.get_by_text("After 10 years the public share is still 53.7 %", exact=False).count() == 1
    assert page.locator(".js-plotly-plot").count() == 2
    screenshot(page, "financing-mix-shares")

    page.reload()  # the tab is in the URL: a reload lands on it again
    wait_for_app(page)
    assert page.get_by_role("tab", name="Shares and benchmarks").get_attribute("aria-selected") == "true"

    page.get_by_role("tab", name="Planner").click()
    wait_for_app(page)
    # public 220,000 · 0.88⁵ ≈ 116,100 against 290,000 non-public in 2029: 28.6 %, below the 30 % target
    enter(page, "fin-plan-public_change_pct", "-12")
    enter(page, "fin-plan-new_services_per_year", "20000")
    assert_no_exception(page)
    assert main.get_by_text("The public share reaches the target", exact=False).count() == 1
    screenshot(page, "financing-mix-planner")

    page.get_by_role("tab", name="Liquidity plan").click()
    wait_for_app(page)
    assert_no_exception(page)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Cash runs out in")
    assert "Feb 2024" in metric.inner_text()
    page.get_by_text("When is the money received or paid?").click()
    wait_for_app(page)
    screenshot(page, "financing-mix-liquidity")

    # presentation mode (projector): large type, no sidebar
    page.goto(server.url + "/financing_mix?fin_year=2024&fin_tab=Shares+and+benchmarks&present=1")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    screenshot(page, "financing-mix-present")
