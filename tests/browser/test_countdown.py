"""The facilitator's countdown timer in Chromium (issue 13 item 4): the facilitator starts it on
the vote page; the projector (presentation mode, 1920x1080) shows the time left large and it
counts down without a reload; a pause reaches the projector within a few seconds."""

from __future__ import annotations

import re
import shutil

from clusterdash import queries
from clusterdash.store import Store
from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app


def seconds(text: str) -> int:
    parts = [int(p) for p in text.strip().split(":")]
    return sum(v * 60 ** i for i, v in enumerate(reversed(parts)))


def test_the_projector_counts_down_without_a_reload(browser, template_db, tmp_path, new_server):
    db = tmp_path / "timer.duckdb"
    shutil.copy(template_db, db)
    s = Store(db)
    try:
        ws = queries.default_workspace(s)
        s.conn.execute("CHECKPOINT")
    finally:
        s.close()
    srv = new_server(db=db)
    proj_ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    fac_ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        fac = fac_ctx.new_page()
        fac.goto(f"{srv.url}/vote?ws={ws}")
        wait_for_app(fac)
        assert_no_exception(fac)
        minutes = fac.get_by_role("spinbutton", name="Timer (minutes)")
        minutes.fill("3")
        minutes.press("Enter")
        wait_for_app(fac)
        fac.locator(".st-key-timer_start button").click()
        wait_for_app(fac)

        projector = proj_ctx.new_page()
        projector.goto(f"{srv.url}/vote?ws={ws}&present=1")
        wait_for_app(projector)
        assert_no_exception(projector)
        projector.evaluate("() => { window.__noReload = 1; }")
        frame = projector.frame_locator(".st-key-room-timer iframe")
        time_el = frame.locator("#cd-time")
        time_el.wait_for()
        first = time_el.inner_text()
        assert re.fullmatch(r"\d+:\d\d", first) and 170 <= seconds(first) <= 180, first
        size = time_el.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 120  # readable from the back of the room
        time_el.evaluate("e => { e.ownerDocument.defaultView.__kept = 1; }")
        screenshot(projector, "timer-projector-1920", full=False)
        projector.wait_for_timeout(3500)
        later = time_el.inner_text()
        assert seconds(later) <= seconds(first) - 2, (first, later)
        assert projector.evaluate("() => window.__noReload") == 1  # no reload of the page
        # the fragment's refreshes re-use the display: the snippet was not reloaded either
        assert time_el.evaluate("e => e.ownerDocument.defaultView.__kept") == 1

        fac.locator(".st-key-timer_pause button").click()
        wait_for_app(fac)
        frame.locator("#cd-state", has_text="Paused").wait_for(timeout=8000)
        paused = time_el.inner_text()
        projector.wait_for_timeout(2500)
        assert frame.locator("#cd-time").inner_text() == paused
        assert projector.evaluate("() => window.__noReload") == 1
    finally:
        proj_ctx.close()
        fac_ctx.close()
