"""Concurrent texts in Chromium (issue #13, item 8): two browsers (two contexts: two people) open
the same canvas; both type into the same block. The first is saved; the second is refused, keeps
its text in the field and sees who saved first; "Keep mine" then saves it, and the canvas's change
history lists both, with who. Screenshots in test-artifacts/screenshots/texts-*.png."""

from __future__ import annotations

from playwright.sync_api import expect

from clusterdash import queries
from clusterdash.store import Store
from tests.browser.conftest import CHROMIUM, OfflineGuard, assert_no_exception, screenshot, wait_for_app
from tests.ui_support import versioned_css

WS = "default"
BLOCK = "key_partners"


def test_two_browsers_edit_one_canvas_block(new_server, browser, page):
    assert CHROMIUM
    server = new_server()
    ben_ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        ben = ben_ctx.new_page()
        guard = OfflineGuard()
        ben.on("request", guard)
        anna = page
        for p, who in ((anna, "Anna"), (ben, "Ben")):
            p.goto(f"{server.url}/toolkit_canvas?ws={WS}&who={who}")
            wait_for_app(p)
        block = versioned_css(f"canvas|{WS}|{BLOCK}") + " textarea"

        a = anna.locator(block)
        a.fill("Two universities, the regional development agency")
        a.blur()  # saved when left
        wait_for_app(anna)
        expect(anna.locator(block)).to_have_value("Two universities, the regional development agency")

        b = ben.locator(block)  # Ben's page still shows the empty block
        assert b.input_value() == ""
        b.fill("Chamber of commerce")
        b.blur()
        wait_for_app(ben)
        assert_no_exception(ben)
        warning = ben.locator('[data-testid="stAlertContentWarning"]').filter(has_text="Anna saved a different text")
        expect(warning).to_have_count(1)
        expect(ben.locator(block)).to_have_value("Chamber of commerce")  # his text is kept
        theirs = ben.locator(f'[class*="st-key-conflict-canvas-{WS}-{BLOCK}"] [data-testid="stText"]')
        expect(theirs).to_have_text("Two universities, the regional development agency")  # hers, stored
        screenshot(ben, "texts-conflict", full=False)
        ben.locator(f'[class*="st-key-conflict-canvas-{WS}-{BLOCK}"]').screenshot(
            path=str(screenshot(ben, "texts-conflict", full=False).with_name("texts-conflict-block.png")))

        ben.get_by_role("button", name="Keep mine").click()
        wait_for_app(ben)
        expect(ben.locator('[data-testid="stAlertContentWarning"]').filter(has_text="saved a different text")
               ).to_have_count(0)
        expect(ben.locator(block)).to_have_value("Chamber of commerce")

        anna.reload()
        wait_for_app(anna)
        expect(anna.locator(block)).to_have_value("Chamber of commerce")
        anna.get_by_text("Change history of this canvas", exact=False).click()
        wait_for_app(anna)
        screenshot(anna, "texts-history")
        assert not guard.external
        server.stop()  # the store, as written by the server
        s = Store(server.db_path)
        try:
            h = queries.text_changes(s, WS, tables=["canvas_entry"])
            assert queries.canvas_entries(s, WS)[BLOCK] == "Chamber of commerce"
        finally:
            s.close()
        assert list(zip(h.changed_by, h.is_saved)) == [("Ben", True), ("Ben", False), ("Anna", True)]
    finally:
        ben_ctx.close()
