"""Open every page in Chromium: no exception element, no request off this machine,
a screenshot of each in test-artifacts/screenshots/."""

import pytest

from clusterdash import registry
from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app


@pytest.mark.parametrize("spec", registry.enabled_pages(), ids=lambda p: p.url_path)
def test_every_page_renders(server, page, spec):
    url = server.url + ("/" if spec.default else f"/{spec.url_path}")
    page.goto(url)
    wait_for_app(page)
    assert_no_exception(page)
    assert page.locator("h1").count() >= 1
    screenshot(page, f"page-{spec.url_path}", full=True)  # the whole page of every page, to look at
    assert "ws=" in page.url  # the workspace is in the URL


def test_deep_link_as_first_visit_runs_through_the_app(new_server, page):
    """After a (re)start, a reload on a page URL must still get the app shell (navigation,
    workspace), not Streamlit's bare pages/-folder mode."""
    server = new_server()
    page.goto(server.url + "/sources?ws=default")
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    assert "Overview" in nav and "app" not in nav.split()
    assert page.get_by_text("Workspace", exact=True).first.is_visible()
    assert_no_exception(page)


def test_concurrent_deep_links_after_a_restart_all_get_the_app(new_server, browser):
    """Everyone reloads at once after a restart: every session runs through app.py, not only
    the first one to arrive."""
    server = new_server()
    contexts = [browser.new_context(viewport={"width": 1200, "height": 800}) for _ in range(4)]
    try:
        pages = [c.new_page() for c in contexts]
        paths = ["sources", "checklists", "financing", "assessment"]
        for p, path in zip(pages, paths):
            p.goto(f"{server.url}/{path}?ws=default", wait_until="commit")
        for p in pages:
            wait_for_app(p)
            nav = p.get_by_test_id("stSidebarNav").inner_text()
            assert "Overview" in nav and "app" not in nav.split(), nav
            assert_no_exception(p)
    finally:
        for c in contexts:
            c.close()
