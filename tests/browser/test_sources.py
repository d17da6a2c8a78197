"""The Sources page in Chromium: search narrows the grid, a clicked row shows the whole record
with its source, and the CSV download holds exactly the rows shown."""

import io

import pandas as pd

from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app


def test_search_select_and_download(server, page):
    page.goto(server.url + "/sources")
    wait_for_app(page)
    box = page.get_by_test_id("stTextInputField").first
    box.fill("Menara")
    box.press("Enter")
    wait_for_app(page)
    count = int(page.get_by_text("records").first.inner_text().split()[0].replace(",", ""))
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
