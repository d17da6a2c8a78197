"""The Sources page in Chromium: search narrows the grid, a clicked row shows the whole record
with its source, and the CSV download holds exactly the rows shown."""

import io
import re

import pandas as pd

from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app


def record_count(page) -> int:
    text = page.get_by_text(re.compile(r"^[0-9,]+ records$")).first.inner_text()
    return int(text.split()[0].replace(",", ""))


def test_search_select_and_download(server, page):
    page.goto(server.url + "/sources")
    wait_for_app(page)
    total = record_count(page)
    box = page.get_by_test_id("stMain").get_by_role("textbox", name="Search")
    box.fill("Menara")
    box.press("Enter")
    page.wait_for_function(
        """(total) => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
              .some(e => /^[0-9,]+ records$/.test(e.innerText.trim())
                         && parseInt(e.innerText.replace(/,/g, '')) < total)""",
        arg=total, timeout=30_000,
    )
    wait_for_app(page)
    count = record_count(page)
    assert 0 < count < 50

    grid = page.frame_locator("iframe").first
    first_cell = grid.locator(".ag-center-cols-container .ag-row").first
    first_cell.wait_for(timeout=15_000)
    first_cell.click()
    wait_for_app(page)
    assert page.get_by_text("Source: 004_8de2c7bdefb2b6f4.txt").first.is_visible()
    assert_no_exception(page)
    screenshot(page, "sources-selected")

    with page.expect_download() as dl:
        page.get_by_role("button", name="Download CSV").click()
    text = open(dl.value.path(), encoding="utf-8").read()
    assert text.startswith("# source: ")
    df = pd.read_csv(io.StringIO(text), comment="#")
    assert len(df) == count
    assert df["text"].str.contains("Menara", case=False).all() | df["source"].str.contains("Menara", case=False).any()
