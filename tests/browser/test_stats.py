"""What a person sees of the regional statistics in Chromium: the cluster map draws its canvas
with no request leaving the machine (the ``page`` fixture fails the test otherwise), every view
renders, and the empty store offers the demo. Screenshots: test-artifacts/screenshots/stats-*.png."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from clusterdash.charts.stats import MAP_HEIGHT_PX
from tests.browser.conftest import ARTIFACTS, Server, assert_no_exception, screenshot, wait_for_app


@pytest.fixture
def cbp_server(new_server, cbp_db_path):
    return new_server(db=cbp_db_path)


def open_view(page, server, **query) -> None:
    qs = "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
    page.goto(f"{server.url}/regional_stats" + (f"?{qs}" if qs else ""))
    wait_for_app(page, timeout=60_000)
    assert_no_exception(page)


def test_cluster_map_renders_offline_with_its_canvas(cbp_server, page):
    open_view(page, cbp_server, cluster="1", year="2021")
    chart = page.locator('[data-testid="stDeckGlJsonChart"]')
    chart.wait_for(timeout=30_000)
    canvas = chart.locator("canvas").first
    canvas.wait_for(timeout=30_000)
    box = canvas.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 400
    page.wait_for_timeout(1500)  # let deck.gl draw
    # the canvas is not blank: sample its pixels
    colours = page.evaluate(
        """() => {
            const c = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
            const tmp = document.createElement('canvas'); tmp.width = 60; tmp.height = 40;
            const ctx = tmp.getContext('2d'); ctx.drawImage(c, 0, 0, 60, 40);
            const d = ctx.getImageData(0, 0, 60, 40).data; const seen = new Set();
            for (let i = 0; i < d.length; i += 4) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
            return seen.size;
        }"""
    )
    assert colours > 5, "the map canvas looks blank"
    assert page.get_by_text("Aerospace Vehicles and Defense, 2021").count() >= 1
    assert page.locator('[data-testid="stats-map-legend"]').count() == 1
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    # the map as it is on screen (growing the viewport for a full-page shot makes deck.gl re-lay-out)
    screenshot(page, "stats-cluster-map", full=False)
    screenshot(page, "stats-cluster-map-page")


@pytest.mark.parametrize("view, extra, expect", [
    ("Region profile", {"region": "53", "year": "2021", "base": "2017"}, "portfolio of traded clusters"),
    ("Compare regions", {"year": "2021"}, "Cluster strength"),
    ("Related clusters", {"region": "53", "year": "2021"}, "Diversification opportunities"),
    ("Data", {}, "All indicators"),
])
def test_each_view_renders(cbp_server, page, view, extra, expect):
    open_view(page, cbp_server, view=view, **extra)
    page.get_by_text(expect).first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    assert_no_exception(page)
    screenshot(page, "stats-" + view.lower().replace(" ", "-"))


def test_presentation_mode_map(cbp_server, page):
    """Presentation mode: no sidebar, and the map drawn taller than in the normal view."""
    open_view(page, cbp_server, cluster="29", present="1")
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(timeout=30_000)
    page.wait_for_timeout(1200)
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    box = canvas.bounding_box()
    assert box and box["height"] > MAP_HEIGHT_PX, box
    screenshot(page, "stats-cluster-map-present")


def test_fresh_store_shows_the_embedded_statistics(server, page):
    page.goto(f"{server.url}/regional_stats")
    wait_for_app(page)
    assert_no_exception(page)
    page.wait_for_timeout(1500)
    assert page.get_by_text("No statistics imported yet").count() == 0  # the embedded datasets are there
    screenshot(page, "stats-fresh")


def test_import_page(server, page):
    page.goto(f"{server.url}/import_stats")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.get_by_text("Datasets in the store").count() == 1
    screenshot(page, "stats-import")


def test_import_a_file_through_the_page(new_server, page, tmp_path):
    server = new_server()
    good = tmp_path / "regional.csv"
    good.write_text("region_code,region_name,industry_code,year,employment,establishments\n"
                    "R1,North,111,2020,100,10\nR2,South,111,2020,50,5\nR1,North,211,2020,30,3\n"
                    "R2,South,211,2020,,4\n", encoding="utf-8")
    bad = tmp_path / "broken.csv"
    bad.write_text("region_code,region_name,industry_code,year,employment\nR1,North,111,2020,lots\n", encoding="utf-8")
    page.goto(f"{server.url}/import_stats")
    wait_for_app(page)
    page.get_by_text("Generic long CSV (your own regional statistics)").click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(bad))
    page.get_by_text("broken.csv").first.wait_for(timeout=15_000)
    wait_for_app(page)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("column employment: text where a whole number is expected (line 2: 'lots')").wait_for(timeout=30_000)
    screenshot(page, "stats-import-error")
    page.get_by_role("button", name="Remove broken.csv").first.click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(good))
    page.get_by_text("regional.csv").first.wait_for(timeout=15_000)
    wait_for_app(page)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("withheld or missing cells (stored as missing, not zero): 1").wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "stats-import-done")
    # a reload keeps the dataset (it is in the store), listed with its counts
    page.reload()
    wait_for_app(page)
    assert page.get_by_text("Datasets in the store").count() == 1
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1


# ---- issue #11: a fresh store built without ../shared, the embedded data ---------------------------

@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """A server whose store is built on its first page load, as on a fresh machine: no ../shared."""
    d = tmp_path_factory.mktemp("fresh_server")
    (d / "no_shared").mkdir()
    s = Server(d / "clusterdash.duckdb", {"CLUSTERDASH_SHARED_DATA": str(d / "no_shared")}).start()
    yield s
    s.stop()


def canvas_colours(page) -> int:
    return page.evaluate(
        """() => {
            const c = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
            if (!c) return 0;
            const tmp = document.createElement('canvas'); tmp.width = 80; tmp.height = 50;
            const ctx = tmp.getContext('2d'); ctx.drawImage(c, 0, 0, 80, 50);
            const d = ctx.getImageData(0, 0, 80, 50).data; const seen = new Set();
            for (let i = 0; i < d.length; i += 4) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
            return seen.size;
        }"""
    )


def shoot_element(locator, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_for_map(page) -> None:
    chart = page.locator('[data-testid="stDeckGlJsonChart"]')
    chart.wait_for(timeout=60_000)
    chart.locator("canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # let deck.gl draw
    assert canvas_colours(page) > 5, "the map canvas looks blank"


def test_fresh_store_without_shared_shows_statistics(fresh_server, page):
    open_view(page, fresh_server, ds="cbp_states_2017_2021", cluster="336", year="2021")
    assert page.get_by_text("No statistics imported yet").count() == 0
    wait_for_map(page)
    assert page.get_by_text("NAICS subsectors", exact=False).count() >= 1
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    shoot_element(page.locator('[data-testid="stDeckGlJsonChart"]').first, "stats-us-map-bubbles")
    screenshot(page, "stats-fresh")


def test_us_states_choropleth(fresh_server, page):
    open_view(page, fresh_server, ds="cbp_states_2017_2021", cluster="336", year="2021", map="States filled")
    wait_for_map(page)
    shoot_element(page.locator('[data-testid="stDeckGlJsonChart"]').first, "stats-us-map-choropleth")


def test_eurostat_map_renders_offline(fresh_server, page):
    """No request leaves the machine (the page fixture fails the test otherwise)."""
    open_view(page, fresh_server, ds="eurostat_lfs_nuts2", cluster="B-E", year="2015")
    wait_for_map(page)
    assert page.get_by_text("country's position, not at the regions'", exact=False).count() >= 1
    legend = page.locator('[data-testid="stats-map-legend"]')
    assert "strong against the region's country" in legend.inner_text()
    shoot_element(page.locator('[data-testid="stDeckGlJsonChart"]').first, "stats-eurostat-map")
    legend.scroll_into_view_if_needed()
    screenshot(page, "stats-eurostat-map-page")


@pytest.mark.parametrize("ds, region, year, name", [
    ("cbp_states_2017_2021", "26", "2021", "stats-portfolio-us"),
    ("eurostat_lfs_nuts2", "AT31", "2015", "stats-portfolio-eurostat"),
])
def test_portfolio(fresh_server, page, ds, region, year, name):
    open_view(page, fresh_server, ds=ds, view="Region profile", region=region, year=year)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    assert page.get_by_text("portfolio of", exact=False).count() >= 1
    shoot_element(chart, name)


def test_compare_heatmap(fresh_server, page):
    open_view(page, fresh_server, ds="cbp_states_2017_2021", view="Compare regions", year="2021",
              compare="26,21,06,48,39,53")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    shoot_element(chart, "stats-compare-heatmap")
