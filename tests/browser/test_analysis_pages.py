"""The Cluster analysis pages in Chromium on a store as on a fresh machine (the embedded CBP
states and Eurostat data): shift-share and the cluster profile (with its map) render with no
exception and no request leaving the machine (the ``page`` fixture fails the test otherwise).
Screenshots: test-artifacts/screenshots/analysis-*.png."""

from __future__ import annotations

from urllib.parse import quote

from clusterdash import registry
from tests.browser.conftest import Server, assert_no_exception, screenshot, wait_for_app


def open_page(page, server, key: str, **query) -> None:
    qs = "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
    page.goto(f"{server.url}/{registry.page(key).url_path}" + (f"?{qs}" if qs else ""))
    wait_for_app(page, timeout=90_000)
    assert_no_exception(page)


def test_shift_share_page(server, page):
    open_page(page, server, "shift_share", ds="cbp_states_2017_2021", region="26")
    page.get_by_text("Shift-share 2018–2021: Michigan").first.wait_for(timeout=60_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 2
    assert page.get_by_text("Regional shift effect").count() >= 1
    page.wait_for_timeout(800)
    screenshot(page, "analysis-shift-share")


def test_cluster_profile_page_with_its_map(server, page):
    open_page(page, server, "cluster_profile", ds="cbp_states_2017_2021", cluster="336", year="2021")
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(timeout=60_000)
    page.get_by_text("Where Transportation Equipment Manufacturing is most concentrated").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # let deck.gl draw
    assert page.locator('[data-testid="analysis-map-legend"]').count() == 1
    screenshot(page, "analysis-cluster-profile-top", full=False)
    screenshot(page, "analysis-cluster-profile")


def test_the_other_analysis_pages_render(server, page):
    for key, query, expect in [
        ("region_cluster", {"region": "26", "cluster": "336", "year": "2021"}, "Drill-down, 2021"),
        ("economic_structure", {"region": "26", "year": "2021"}, "Krugman specialisation index"),
        ("wages", {"region": "26", "year": "2021"}, "Best-paid NAICS subsectors of Michigan"),
        ("counties", {}, "BEA Economic Areas (2004 definitions, shipped)"),
        ("clusters_from_data", {"groups": "12"}, "Against the official groups"),
    ]:
        open_page(page, server, key, ds="cbp_states_2017_2021", **query)
        page.get_by_text(expect).first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        assert_no_exception(page)
        screenshot(page, f"analysis-{key.replace('_', '-')}")


def test_county_and_economic_area_maps(template_db, tmp_path, page):
    """The RECONSTRUCTED county fixture (tests/fixtures/README.md) imported, summed to economic
    areas, both drawn offline."""
    import shutil

    from clusterdash.stats import importer
    from clusterdash.stats.readers import SourceFile
    from clusterdash.store import Store
    from tests.conftest import TESTS
    from tests.stats_support import spec

    db = tmp_path / "counties.duckdb"
    shutil.copy(template_db, db)
    s = Store(db)
    importer.import_dataset(s, spec("cbp", SourceFile.from_path(TESTS / "fixtures" / "cbp19co_reconstructed.txt"),
                                    dataset_code="cty"))
    from clusterdash import queries

    queries.aggregate_counties_to_economic_areas(s, "cty")
    s.close()
    server = Server(db).start(timeout=180)  # a second server on a busy machine: give it time
    try:
        for ds, name in (("cty", "counties"), ("cty_ea", "economic-areas")):
            open_page(page, server, "counties", ds=ds, year="2019")
            canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
            canvas.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            assert_no_exception(page)
            assert page.get_by_text("Boundaries: U.S. Census Bureau 2017 counties").count() >= 1
            screenshot(page, f"analysis-{name}-map", full=False)
    finally:
        server.stop()
