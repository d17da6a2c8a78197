"""Checklists in Chromium: ticked items survive a reload and a kill -9 of the server; two
browsers on one workspace keep each other's answers (different items: both kept; same item:
last write wins, with who and when); exports match what is shown; the workspace stays in the
URL across pages; with a passcode a viewer cannot change anything."""

from __future__ import annotations

import io
import re

import pandas as pd
from playwright.sync_api import expect

from clusterdash import checklists

from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app

LIST = "initiation_dos_donts"  # 8 items: 4 dos, 4 don'ts


def item_box(page, seq: int, kind: str = "do"):
    return page.locator(f".st-key-item-{LIST}-all-{kind}-{seq}")


def open_list(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    box = page.get_by_test_id("stSelectbox").filter(has_text="Checklist").first
    box.click()
    page.get_by_role("option", name=re.compile(r"^Dos & don’ts of cluster initiation")).click()
    wait_for_app(page)
    item_box(page, 1).wait_for()


def set_status(page, seq: int, label: str, kind: str = "do") -> None:
    """Click a status and wait until the page shows it saved (the 'changed by' line)."""
    box = item_box(page, seq, kind)
    box.get_by_role("radio", name=label, exact=True).click()
    box.get_by_text(re.compile(r"changed by")).wait_for(timeout=15_000)
    wait_for_app(page)


def active_status(page, seq: int, kind: str = "do") -> str | None:
    active = item_box(page, seq, kind).locator("[role=radio][aria-checked=true]")
    return active.inner_text().strip() if active.count() else None


def set_name(page, name: str) -> None:
    field = page.get_by_role("textbox", name="Your name")
    field.fill(name)
    field.press("Enter")
    wait_for_app(page)


def test_ticked_items_survive_reload_and_kill9(new_server, browser):
    server = new_server()
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    try:
        open_list(page, server.url + "/checklists?ws=default")
        set_status(page, 1, "Done")
        set_status(page, 2, "In progress")
        set_status(page, 1, "Done", kind="dont")
        note = item_box(page, 3).get_by_placeholder("Note")
        note.fill("Core group: chamber, university, 5 firms")
        note.press("Enter")
        item_box(page, 3).get_by_text(re.compile("changed by")).wait_for()
        wait_for_app(page)
        assert_no_exception(page)
        screenshot(page, "checklists-ticked")

        page.reload()
        wait_for_app(page)
        open_list(page, page.url)
        assert active_status(page, 1) == "Done"
        assert active_status(page, 2) == "In progress"
        assert active_status(page, 1, "dont") == "Done"
        assert item_box(page, 3).get_by_placeholder("Note").input_value() == "Core group: chamber, university, 5 firms"

        # kill -9 and a restart on the same store file: nothing shown as saved is lost
        server.kill9()
        again = new_server(db=server.db_path)
        open_list(page, again.url + "/checklists?ws=default")
        assert active_status(page, 1) == "Done"
        assert active_status(page, 2) == "In progress"
        assert active_status(page, 1, "dont") == "Done"
        assert item_box(page, 3).get_by_placeholder("Note").input_value() == "Core group: chamber, university, 5 firms"
        assert active_status(page, 4) is None
    finally:
        ctx.close()


def test_two_browsers_on_one_workspace(server, browser):
    a_ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    b_ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        a, b = a_ctx.new_page(), b_ctx.new_page()
        a.goto(server.url + "/workspaces")
        wait_for_app(a)
        ws = re.search(r"ws=([\w-]+)", a.url).group(1)
        url = f"{server.url}/checklists?ws={ws}"
        open_list(a, url)
        open_list(b, url)
        set_name(a, "Anna")
        set_name(b, "Ben")
        # different items at the same time: both kept
        set_status(a, 1, "Done", kind="dont")
        set_status(b, 2, "Not yet", kind="dont")  # b's page still shows a's item as unanswered
        a.reload()
        wait_for_app(a)
        open_list(a, a.url)
        assert active_status(a, 1, "dont") == "Done"
        assert active_status(a, 2, "dont") == "Not yet"
        # the same item: the last write wins, and the page says who and when
        set_status(a, 3, "Done", kind="dont")
        set_status(b, 3, "N/A", kind="dont")
        a.reload()
        wait_for_app(a)
        open_list(a, a.url)
        assert active_status(a, 3, "dont") == "N/A"
        line = item_box(a, 3, "dont").get_by_text(re.compile("changed by")).inner_text()
        assert re.search(r"Not applicable · changed by Ben, \d{4}-\d\d-\d\d \d\d:\d\d", line), line
        assert active_status(a, 2, "dont") == "Not yet"
        screenshot(a, "checklists-two-browsers")
    finally:
        a_ctx.close()
        b_ctx.close()


def test_export_matches_what_is_shown(server, page):
    open_list(page, server.url + "/checklists")
    page.get_by_role("button", name="Don'ts", exact=True).click()
    shown = page.locator("[class*='st-key-item-']")
    expect(shown).to_have_count(4, timeout=30_000)  # the filter's rerun has replaced the items
    wait_for_app(page)
    n = shown.count()
    assert n == 4
    texts = [shown.nth(i).get_by_test_id("stMarkdownContainer").first.inner_text() for i in range(n)]
    with page.expect_download() as dl:
        page.get_by_role("button", name=f"The {n} items shown (CSV)").click()
    df = pd.read_csv(io.StringIO(open(dl.value.path(), encoding="utf-8").read()), comment="#")
    assert len(df) == n
    for t, item in zip(texts, df["item"]):
        assert item in t.replace("\n", " ")
    assert (df["kind"] == "Don't").all() and df["source"].str.startswith("004_").all()
    to_do = [checklists.status_label(code) for code in checklists.TO_DO]  # the action list: items marked to do
    n_open = df["status"].isin(to_do).sum()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Action list (printable HTML)").click()
    html = open(dl.value.path(), encoding="utf-8").read()
    assert html.count("<li>") == n_open and "<script" not in html


def nav_to(page, title: str) -> None:
    """Follow a link of the sidebar navigation (opening 'View N more' when it is folded)."""
    nav = page.get_by_test_id("stSidebarNav")
    more = nav.get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():
        more.click()
    nav.get_by_role("link", name=title).click()
    wait_for_app(page)


def test_workspace_stays_in_the_url_across_pages(server, page):
    page.goto(server.url + "/workspaces")
    wait_for_app(page)
    form = page.get_by_test_id("stForm").filter(has_text="Create and open")
    form.get_by_role("textbox", name="Name", exact=True).fill("Solar Cluster Morocco")
    form.get_by_role("textbox", name="Occasion").fill("strategy workshop 2026")
    form.get_by_role("button", name="Create and open").click()
    wait_for_app(page)
    ws = re.search(r"ws=([\w-]+)", page.url).group(1)
    assert ws != "default"
    nav_to(page, "Workshop cards")
    assert f"ws={ws}" in page.url and "/workshop" in page.url
    nav_to(page, "Dos & don'ts checklists")
    wait_for_app(page)
    assert f"ws={ws}" in page.url
    switcher = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Workspace")
    assert switcher.input_value() == "Solar Cluster Morocco — strategy workshop 2026"
    # a fresh browser with the link lands on the same workspace
    page.goto(server.url + f"/checklists?ws={ws}")
    wait_for_app(page)
    assert f"ws={ws}" in page.url
    screenshot(page, "workspaces-switched")


def test_passcode_viewer_cannot_change_anything(new_server, page):
    server = new_server(env={"CLUSTERDASH_PASSCODE": "workshop-2026"})
    open_list(page, server.url + "/checklists?ws=default")
    buttons = item_box(page, 1).get_by_role("radio", name="Done", exact=True)
    assert buttons.is_disabled()
    assert item_box(page, 1).get_by_placeholder("Note").is_disabled()
    assert page.get_by_text("View only: enter the facilitator passcode").first.is_visible()
    screenshot(page, "checklists-view-only")

    side = page.get_by_test_id("stSidebar")
    side.get_by_role("textbox", name="Code").fill("not-it")
    side.get_by_role("button", name="Unlock").click()
    wait_for_app(page)
    assert side.get_by_text("Wrong code").is_visible()
    assert item_box(page, 1).get_by_role("radio", name="Done", exact=True).is_disabled()

    side.get_by_role("textbox", name="Code").fill("workshop-2026")
    side.get_by_role("button", name="Unlock").click()
    wait_for_app(page)
    item_box(page, 1).wait_for()
    assert item_box(page, 1).get_by_role("radio", name="Done", exact=True).is_enabled()
    set_status(page, 1, "Done")
    assert active_status(page, 1) == "Done"
