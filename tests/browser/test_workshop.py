"""Workshop (presentation) mode in Chromium: readable from the back of a room at 1920×1080 and
1280×720 (no chrome, body text ≥ 24 px, the card and its controls on one screen), arrow keys
move between cards, the status on the card is saved at once, the toggle and Esc."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app

# Every piece of text on the presentation screen, with the smallest size it may have.
TEXT_PARTS = {
    "card text": (".st-key-card-text p", 32),
    "kind and area": (".st-key-card-eyebrow p", 24),
    "deck and progress": (".st-key-card-progress p", 24),
    "status options": (".st-key-card-control [role=radiogroup] button p", 24),
    "note field": (".st-key-card-control input", 24),
    "who/when and hint": (".st-key-card-control [data-testid=stCaptionContainer] p", 24),
    "source": (".st-key-card-source [data-testid=stCaptionContainer] p", 24),
    "previous/next": (".st-key-card-nav button p", 24),
}

FONT_SIZES = """(parts) => {
    const out = {};
    for (const [name, sel] of Object.entries(parts)) {
        const els = [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length);
        out[name] = els.map(e => parseFloat(getComputedStyle(e).fontSize));
    }
    return out;
}"""


def hidden(page, testid: str) -> bool:
    loc = page.get_by_test_id(testid)
    return loc.count() == 0 or not loc.first.is_visible()


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720)])
def test_presentation_mode_is_readable_at_projector_sizes(server, browser, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    try:
        page.goto(f"{server.url}/workshop?ws=default&deck=policy_dos_donts&card=5&present=1")
        wait_for_app(page)
        page.locator(".st-key-card-control [role=radio]").first.wait_for()
        page.locator(".st-key-card-source").wait_for()
        wait_for_app(page)
        assert_no_exception(page)
        # no sidebar, header or toolbar
        for testid in ("stSidebar", "stHeader", "stToolbar", "stSidebarCollapsedControl"):
            assert hidden(page, testid), testid
        # large type everywhere on the screen
        sizes = page.evaluate(FONT_SIZES, {k: sel for k, (sel, _) in TEXT_PARTS.items()})
        for name, (_, minimum) in TEXT_PARTS.items():
            assert sizes[name], f"nothing found for {name}"
            assert min(sizes[name]) >= minimum, (name, sizes[name])
        # high contrast: black card text on white
        color = page.evaluate("() => getComputedStyle(document.querySelector('.st-key-card-text p')).color")
        assert color == "rgb(0, 0, 0)"
        # the whole card with its controls fits the screen (no scrolling at the projector)
        for sel in (".st-key-card-nav", ".st-key-card-control", ".st-key-present-card"):
            box = page.locator(sel).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= height + 1, (sel, box)
        assert "Card 5 of 53" in page.locator(".st-key-card-progress").inner_text()
        screenshot(page, f"workshop-present-{width}x{height}", full=False)
    finally:
        ctx.close()


def test_arrow_keys_and_status_on_the_card(new_server, page):
    server = new_server()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/workshop?ws=default&deck=initiation_dos_donts&card=1&present=1")
    wait_for_app(page)
    page.locator(".st-key-card-control [role=radio]").first.wait_for()
    wait_for_app(page)
    first_text = page.locator(".st-key-card-text").inner_text()

    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"card=2"))
    wait_for_app(page)
    assert page.locator(".st-key-card-text").inner_text() != first_text
    assert "Card 2 of 8" in page.locator(".st-key-card-progress").inner_text()
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"card=1"))
    wait_for_app(page)
    assert page.locator(".st-key-card-text").inner_text() == first_text

    card = page.locator(".st-key-present-card")
    card.get_by_role("radio", name="Done", exact=True).click()
    card.get_by_text(re.compile("changed by Facilitator")).wait_for()
    wait_for_app(page)
    assert "1 of 8 answered" in page.locator(".st-key-card-progress").inner_text()
    # typing a note: the arrow keys move the caret, not the deck
    note = card.get_by_placeholder(re.compile("^Note"))
    note.fill("Chamber and university on board")
    note.press("ArrowLeft")
    note.press("Enter")
    wait_for_app(page)
    assert "card=1" in page.url

    page.reload()
    wait_for_app(page)
    card = page.locator(".st-key-present-card")
    card.wait_for()
    assert card.locator("[role=radio][aria-checked=true]").inner_text().strip() == "Done"
    assert card.get_by_placeholder(re.compile("^Note")).input_value() == "Chamber and university on board"
    screenshot(page, "workshop-card-answered", full=False)


def test_toggle_in_the_sidebar_and_escape(server, page):
    page.goto(f"{server.url}/workshop?ws=default&deck=obstacles")
    wait_for_app(page)
    assert page.get_by_role("heading", name="Workshop cards").is_visible()
    screenshot(page, "workshop-cards")
    page.get_by_test_id("stSidebar").get_by_text("Presentation mode").click()
    page.wait_for_url(re.compile(r"present=1"))
    wait_for_app(page)
    assert hidden(page, "stSidebar")
    assert page.get_by_role("heading", name="Workshop cards").count() == 0
    assert "deck=obstacles" in page.url
    page.mouse.click(5, 300)  # focus the page, not a field
    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: "present=1" not in url)
    wait_for_app(page)
    assert page.get_by_test_id("stSidebar").is_visible()


def test_the_session_report_and_its_zip_are_built_when_clicked(server, page, tmp_path):
    """The vote page's report buttons hand over the whole session (built on the click, not on
    every run of the page): a printable HTML page and a ZIP of CSVs."""
    import zipfile

    page.goto(f"{server.url}/vote?ws=default")
    wait_for_app(page)
    page.get_by_text("The whole session: report and tables").click()
    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name="Session report (printable HTML)").click()
    html = got.value.path().read_text(encoding="utf-8")
    assert got.value.suggested_filename == "workshop_report_default.html"
    assert html.startswith("<!doctype html>") and "<h1>Workshop report: " in html
    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name="All tables (ZIP of CSVs)").click()
    assert got.value.suggested_filename == "workshop_default.zip"
    with zipfile.ZipFile(got.value.path()) as z:
        assert z.testzip() is None
    assert_no_exception(page)


def test_the_card_shows_the_rooms_answers_as_they_arrive(new_server, browser):
    """The projector's card re-reads the room's answers by itself (ui.room.card_room, a fragment
    every second in presentation mode): a participant's answer on their own device shows under
    the card within a few seconds, and the card's own status follows it, without a reload of the
    projector and without moving its card."""
    server = new_server()
    path = "/workshop?ws=default&deck=initiation_dos_donts&card=1"
    projector = browser.new_context(viewport={"width": 1280, "height": 720})
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        board = projector.new_page()
        board.goto(f"{server.url}{path}&present=1")
        wait_for_app(board)
        board.locator(".st-key-card-control [role=radio]").first.wait_for()
        board.evaluate("() => { window.__noReload = 1; }")
        assert "Ben" not in board.locator(".st-key-present-card").inner_text()

        ben = phone.new_page()
        ben.goto(f"{server.url}{path}&who=Ben&as=participant")
        wait_for_app(ben)
        card = ben.locator(".st-key-present-card")
        card.get_by_role("radio", name="Done", exact=True).click()
        card.get_by_text(re.compile("changed by Ben")).wait_for()

        board.locator(".st-key-card-room").get_by_text("The room: Ben set status to Done").wait_for(timeout=10_000)
        # and the card itself follows: its status control, its "changed by" line, the deck's count
        shown = board.locator(".st-key-present-card")
        shown.get_by_text(re.compile("changed by Ben")).wait_for(timeout=10_000)
        assert shown.locator("[role=radio][aria-checked=true]").inner_text().strip() == "Done"
        assert "1 of 8 answered" in board.locator(".st-key-card-progress").inner_text()
        assert board.evaluate("() => window.__noReload") == 1 and "card=1" in board.url
        screenshot(board, "workshop-card-room", full=False)
    finally:
        projector.close()
        phone.close()
