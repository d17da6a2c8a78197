"""Every page on a hostile workspace, in Chromium (issue #15, item 1): every free-text field of
every pillar, the workspace's name and occasion, the participant's name, the financing currency
and an imported statistics dataset's names hold the payloads of tests/hostile.py (images and
links pointing at a loopback listener, <script>, javascript:, RTL and zero-width characters,
newlines, 100,000 characters). On every page of the registry, with its tabs and expanders
opened: no dialog fires, no injected element exists (tests/hostile.DOM_CHECK), no script ran,
no request reaches the listener, and no traceback is shown (the ``page`` fixture also fails on
requests leaving the machine)."""

from __future__ import annotations

import json
import shutil
import urllib.parse

import pytest

from clusterdash import registry
from clusterdash.store import Store
from tests.browser.conftest import ARTIFACTS, assert_no_exception, screenshot, wait_for_app
from tests.hostile import DOM_CHECK, MARK, Listener, seed_dataset, seed_workspace


# Where a bidi/zero-width character is shown, outside the text areas that edit the stored text (an
# editor shows exactly what was typed; cleaning it there would change the data on the next save).
BIDI_OUTSIDE_EDITORS = r"""() => {
  const out = [];
  const re = /[\u202a-\u202e\u2066-\u2069\u200b\ufeff]/;
  for (const root of document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.parentElement && n.parentElement.closest('textarea, input')) continue;
      if (re.test(n.nodeValue)) out.push((n.parentElement ? n.parentElement.tagName : '?') + ': ' + n.nodeValue.slice(0, 60));
    }
  }
  return out;
}"""


# Pages where a bidi/zero-width character may still be shown: none. Measured 2026-12-02 (hardening2):
# 33 pages, nothing found, after charts/stats.py took safe_text.plotly_text and the tables show
# ui.output.shown_frame copies (text history, value chains, statistics and analysis tables).
KNOWN_BIDI_GAPS: set[str] = set()


@pytest.fixture
def listener():
    with Listener() as lst:
        yield lst


def open_everything(page) -> None:
    """Click every tab and open every expander of the page (what is closed is not rendered)."""
    for tab in page.locator('[data-testid="stTabs"] [role="tab"]').all()[:30]:
        try:
            tab.click(timeout=3000)
            page.wait_for_timeout(150)
        except Exception:  # noqa: BLE001 — a tab hidden by a re-run: the next one still counts
            pass
    for exp in page.locator('[data-testid="stExpander"] summary').all()[:30]:
        try:
            exp.click(timeout=3000)
        except Exception:  # noqa: BLE001
            pass


def test_every_page_of_a_hostile_workspace_renders_it_inert(page, new_server, template_db, tmp_path, listener):
    db = tmp_path / "hostile.duckdb"
    shutil.copy(template_db, db)
    store = Store(db)
    try:
        wid, stored = seed_workspace(store, listener.port)
        seed_dataset(store, listener.port)
    finally:
        store.close()
    server = new_server(db=db)
    dialogs: list[str] = []
    local: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    page.on("request", lambda r: local.append(f"{page.url} -> {r.url}") if f":{listener.port}" in r.url else None)
    query = urllib.parse.urlencode({"ws": wid, "who": stored["participant"]})
    found: dict[str, list[str]] = {}
    visited = []
    for spec in registry.enabled_pages():
        url = f"{server.url}/?{query}" if spec.default else f"{server.url}/{spec.url_path}?{query}"
        page.goto(url)
        wait_for_app(page, timeout=90_000)
        open_everything(page)
        page.wait_for_timeout(800)  # planted images would load now
        assert_no_exception(page)
        own = f"link {server.url}/"  # the app's own navigation links are not injected
        hits = [h for h in page.evaluate(DOM_CHECK, [listener.port, MARK]) if not h.startswith(own)]
        if "bidi/zero-width character shown" in hits:  # where? (text areas editing the stored text are fine)
            hits.remove("bidi/zero-width character shown")
            hits += ["bidi/zero-width shown in " + t for t in page.evaluate(BIDI_OUTSIDE_EDITORS)]
        if hits:
            found[spec.url_path] = hits
        visited.append(spec.url_path)
        if spec.url_path in ("toolkit_team", "financing_mix"):
            screenshot(page, f"hostile-{spec.url_path}", full=False)
    assert len(visited) == len(registry.enabled_pages())
    report = ARTIFACTS.parent / "hostile_walk.json"
    report.write_text(json.dumps({"pages": visited, "found": found, "dialogs": dialogs,
                                  "requests": local + listener.hits}, indent=1))
    assert not dialogs, f"a dialog fired: {dialogs[:5]}"
    bidi = {p: [h for h in hits if h.startswith("bidi/zero-width")] for p, hits in found.items()}
    injected = {p: [h for h in hits if not h.startswith("bidi/zero-width")] for p, hits in found.items()}
    assert not any(injected.values()), f"injected: {injected}"
    unexpected = {p: h for p, h in bidi.items() if h and p not in KNOWN_BIDI_GAPS}
    assert not unexpected, f"bidi/zero-width characters shown: {unexpected}"
    assert not (local + listener.hits), f"requests reached the listener: {(local + listener.hits)[:10]}"
