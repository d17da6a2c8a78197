"""The toolkit in Chromium: a SWOT item and a stakeholder typed in survive a reload (and are in
the store), the CSV download holds exactly the rows shown, and a screenshot of every tool (with
data, and in presentation mode) in test-artifacts/screenshots/."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
from playwright.sync_api import expect

from clusterdash import queries
from clusterdash.store import Store
from tests.browser.conftest import Server, assert_no_exception, screenshot, wait_for_app

WS = "default"


def seed_store(path) -> None:
    """A workshop in progress: some of every tool filled in."""
    s = Store(path)
    try:
        w = queries.default_workspace(s)
        queries.add_example_stakeholders(s, w)
        queries.add_stakeholder(s, w, "Regional sector association", assessment="critical", influence="high",
                                description="Sees cluster networking as its own domain",
                                measure="Involve early; offer a seat on the steering committee")
        for q, t in [("strength", "Dense supplier base in the region"), ("strength", "Two universities with automotive research"),
                     ("weakness", "Little trust between competitors"), ("opportunity", "EU funding for e-mobility"),
                     ("threat", "Shift of production abroad")]:
            queries.add_swot_item(s, w, q, t)
        queries.save_canvas_entry(s, w, "value_propositions", "Access to joint R&D projects; a common voice towards policy")
        queries.save_canvas_entry(s, w, "key_partners", "Two universities, the regional development agency")
        for q, a in [("cooperation_closeness", "loose"), ("commercial_role", "secondary"), ("member_integration", "quick")]:
            queries.save_legal_form_answer(s, w, q, a)
        queries.add_example_services(s, w)
        ratings = [("high", "high"), ("low", "medium"), ("medium", "high"), ("high", "high"), ("high", "low"),
                   ("low", "low"), ("medium", "medium")]
        for sid, (effort, relevance) in zip(queries.cluster_services(s, w)["service_id"], ratings):
            queries.update_cluster_service(s, w, sid, effort=effort, relevance=relevance)
        a = queries.add_team_member(s, w, "Anna Cluster-Manager", role="Cluster manager")
        b = queries.add_team_member(s, w, "Ben Project Officer", fte_pct=50, role="Project officer")
        for c in range(1, 11):
            queries.save_team_skill_score(s, w, a, c, (c * 7) % 6)
            queries.save_team_skill_score(s, w, b, c, (c * 3) % 6)
    finally:
        s.close()


@pytest.fixture(scope="module")
def seeded_server(template_db, tmp_path_factory):
    """One server for the read-only tests of this module, on a store with a workshop in progress."""
    db = tmp_path_factory.mktemp("toolkit") / "seeded.duckdb"
    shutil.copy(template_db, db)
    seed_store(db)
    s = Server(db).start()
    yield s
    s.stop()


def open_tool(page, server, url_path: str, *, present: bool = False):
    page.goto(f"{server.url}/{url_path}?ws={WS}" + ("&present=1" if present else ""))
    wait_for_app(page)
    assert_no_exception(page)


def full_screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main area, so make the window as tall as the content."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(900, int(height) + 40), 6000)})
    page.wait_for_timeout(400)
    screenshot(page, name)
    page.set_viewport_size({"width": 1400, "height": 900})


def test_swot_item_and_stakeholder_survive_a_reload(new_server, page):
    server = new_server()
    open_tool(page, server, "toolkit_swot")
    add = page.get_by_placeholder("Type a strength and press Enter")
    add.fill("Dense supplier base in the region")
    add.press("Enter")
    wait_for_app(page)
    expect(page.locator('[class*="st-key-swot-strength"] input').first).to_have_value("Dense supplier base in the region")

    open_tool(page, server, "toolkit_stakeholders")
    add = page.get_by_placeholder("Name of a stakeholder or group", exact=False)
    add.fill("Regional sector association")
    add.press("Enter")
    wait_for_app(page)
    row = page.locator('[class*="st-key-sh-row-"]').first
    row.get_by_role("radio", name="Critical").click()
    wait_for_app(page)
    row.get_by_role("radio", name="High").click()
    wait_for_app(page)
    measure = row.get_by_label("Measure")
    measure.fill("Offer a seat on the steering committee")
    measure.blur()  # a text area is saved when it is left
    wait_for_app(page)

    page.reload()
    wait_for_app(page)
    row = page.locator('[class*="st-key-sh-row-"]').first
    expect(row.get_by_label("Name 1")).to_have_value("Regional sector association")
    assert row.get_by_role("radio", name="Critical").get_attribute("aria-checked") == "true"
    assert row.get_by_role("radio", name="High").get_attribute("aria-checked") == "true"
    assert row.get_by_label("Measure").input_value() == "Offer a seat on the steering committee"
    screenshot(page, "toolkit-stakeholders-after-reload")

    open_tool(page, server, "toolkit_swot")  # a fresh page load of the SWOT board
    expect(page.locator('[class*="st-key-swot-strength"] input').first).to_have_value("Dense supplier base in the region")

    server.stop()  # and it is in the store, not only in the browser
    s = Store(server.db_path)
    try:
        assert list(queries.swot_items(s, WS)["text"]) == ["Dense supplier base in the region"]
        row = queries.stakeholders(s, WS).iloc[0]
        assert (row["name"], row["assessment"], row["influence"], row["measure"]) == (
            "Regional sector association", "critical", "high", "Offer a seat on the steering committee")
    finally:
        s.close()


def test_stakeholder_csv_is_exactly_the_rows_shown(seeded_server, page):
    open_tool(page, seeded_server, "toolkit_stakeholders")
    rows = page.locator('[class*="st-key-sh-row-"]')
    expect(rows.nth(5).get_by_label("Name 6")).to_have_value("Regional sector association")
    shown = [page.locator('[class*="st-key-sh-row-"]').nth(i).get_by_label(f"Name {i + 1}").input_value()
             for i in range(page.locator('[class*="st-key-sh-row-"]').count())]
    with page.expect_download() as dl:
        page.locator('[class*="st-key-dl-stakeholders"] button').click()
    raw = dl.value.path().read_text(encoding="utf-8")
    assert raw.startswith("# source: stakeholder analysis of workspace default")
    csv = pd.read_csv(io.StringIO(raw), comment="#")
    assert list(csv.columns) == ["seq", "name", "assessment", "influence", "description", "measure"]
    assert list(csv["name"]) == shown and len(shown) == 6
    assert csv.set_index("name").loc["Regional sector association", "assessment"] == "critical"


@pytest.mark.parametrize("url_path", ["toolkit", "toolkit_swot", "toolkit_stakeholders", "toolkit_canvas",
                                      "toolkit_legal_form", "toolkit_services", "toolkit_team"])
def test_screenshot_of_every_tool(seeded_server, page, url_path):
    open_tool(page, seeded_server, url_path)
    page.locator("h1").first.wait_for()  # a clean-clone CI run counted none right after the page settled
    assert page.locator("h1").count() >= 1
    full_screenshot(page, f"toolkit-{url_path}")
    if url_path == "toolkit_services":
        page.get_by_role("tab", name="Portfolio").click()
        page.wait_for_timeout(600)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
        full_screenshot(page, "toolkit-toolkit_services-portfolio")
    if url_path in ("toolkit_stakeholders", "toolkit_team", "toolkit_legal_form"):
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 1


@pytest.mark.parametrize("url_path", ["toolkit_swot", "toolkit_stakeholders", "toolkit_canvas", "toolkit_services",
                                      "toolkit_team"])
def test_tools_in_presentation_mode(seeded_server, page, url_path):
    open_tool(page, seeded_server, url_path, present=True)
    # the links between the tools stand in for the hidden sidebar, and keep presentation mode
    links = page.locator('[class*="st-key-tk-nav-"] a')
    expect(links).to_have_count(7)  # waits: a clean-clone CI run once counted them before they were drawn
    assert all("present=1" in (links.nth(i).get_attribute("href") or "") for i in range(links.count()))
    full_screenshot(page, f"toolkit-{url_path}-present")
