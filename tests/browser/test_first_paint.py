"""A freshly started server: the first paint never shows Streamlit's file-name navigation of
pages/ ("app", "assessment history", "toolkit swot", …), only the registry's navigation.

A MutationObserver installed before the page loads records every set of sidebar navigation links
the browser ever shows, from the first paint on; the first screenshot is taken as soon as the
sidebar exists (test-artifacts/screenshots/first-paint-*.png)."""

from __future__ import annotations

from pathlib import Path

from clusterdash import registry
from tests.browser.conftest import screenshot, wait_for_app

RECORD = """
window.__navs = [];
const record = () => {
  const links = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')]
      .map(a => a.innerText.trim().split('\\n').pop().trim());
  if (!links.length) return;
  const key = JSON.stringify(links);
  if (!window.__navs.length || window.__navs[window.__navs.length - 1] !== key) window.__navs.push(key);
};
new MutationObserver(record).observe(document, {subtree: true, childList: true, characterData: true});
"""

# what Streamlit's own navigation of the pages/ folder calls the pages: file names, '_' as ' '
FILE_NAMES = {"app"} | {Path(p.path).stem.replace("_", " ") for p in registry.PAGES}
TITLES = {p.title for p in registry.enabled_pages()}


def test_first_paint_of_a_fresh_server_has_no_file_name_navigation(new_server, context):
    import json

    server = new_server()  # started just now: no session has run the script yet
    page = context.new_page()
    page.add_init_script(RECORD)
    page.goto(server.url, wait_until="commit")
    page.wait_for_selector('[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"]', timeout=60_000)
    first = screenshot(page, "first-paint-fresh-server", full=False)
    early = page.evaluate("window.__navs")
    wait_for_app(page, timeout=60_000)
    screenshot(page, "first-paint-settled", full=False)
    seen = [json.loads(k) for k in page.evaluate("window.__navs")]
    assert early == [] or all(set(json.loads(k)) <= TITLES for k in early), early
    file_named = [links for links in seen if set(links) & (FILE_NAMES - TITLES)]
    assert not file_named, f"file-name navigation shown ({first}): {file_named[0]}"
    assert seen and set(seen[-1]) <= TITLES and {"Home", "Cluster initiatives"} <= set(seen[-1]), seen[-1:]
    # the setting the fix rests on
    assert "showSidebarNavigation = false" in (Path(__file__).parents[2] / ".streamlit/config.toml").read_text()


def test_deep_link_on_a_fresh_server_shows_the_real_navigation(new_server, context):
    import json

    server = new_server()
    page = context.new_page()
    page.add_init_script(RECORD)
    page.goto(server.url + "/financing_mix", wait_until="commit")
    wait_for_app(page, timeout=60_000)
    seen = [json.loads(k) for k in page.evaluate("window.__navs")]
    assert seen and not any(set(s) & (FILE_NAMES - TITLES) for s in seen), seen
    assert page.get_by_role("heading", name="Your financing mix").count() >= 1 or "Your financing mix" in seen[-1]
