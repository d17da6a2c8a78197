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
    screenshot(page, f"page-{spec.url_path}")
    assert "ws=" in page.url  # the workspace is in the URL
