"""The escapers of clusterdash.safe_text against Streamlit's own renderer, in Chromium: every payload
of tests/hostile.py in every kind of place (markdown, caption, subheader, metric, tab, expander,
popover, button and checkbox labels, radio/segmented/pills/selectbox/multiselect options, input
label, error/info, toast, dataframe, Plotly title/legend/axis/annotation/hover, st.html as in the
briefs). Asserted: no dialog fires, no injected element (image, link, script, heading, list,
table…) exists, no bidi or zero-width character is shown, and no request reaches a loopback
listener the payloads point at. A control run renders one payload unescaped and must be caught."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import free_port, screenshot, wait_for_app
from tests.conftest import REPO
from tests.hostile import DOM_CHECK, MARK, Listener

APP = REPO / "tests" / "browser" / "escaping_probe_app.py"


class ProbeServer:
    def __init__(self, env: dict):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=dict(os.environ, **env), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("probe server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        import signal

        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(10)


@pytest.fixture
def listener():
    with Listener() as lst:
        yield lst


def visit(page, server, listener) -> tuple[list[str], list[str], list[str]]:
    dialogs: list[str] = []
    local: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: local.append(r.url) if f":{listener.port}" in r.url else None)
    page.goto(server.url)
    wait_for_app(page, timeout=90_000)
    page.get_by_text("probe-done").wait_for(timeout=60_000)
    # open what is closed: every expander, the popovers, the select boxes; then let images load
    for exp in page.locator('[data-testid="stExpander"] summary').all()[:20]:
        exp.click()
    pop = page.locator('[data-testid="stPopover"] button').first
    if pop.count():
        pop.click()
        page.wait_for_timeout(300)
    page.wait_for_timeout(1500)
    found = page.evaluate(DOM_CHECK, [listener.port, MARK])
    return found, dialogs, local + listener.hits


def test_every_escaper_in_every_place_neutralises_every_payload(browser, listener):
    server = ProbeServer({"PROBE_PORT": str(listener.port)})
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = ctx.new_page()
        found, dialogs, requests = visit(page, server, listener)
        screenshot(page, "escaping-probe", full=False)
        # the payloads are shown, literally
        body = page.locator('[data-testid="stMain"]').inner_text()
        for literal in ("![planted](", "[click me](", "<script>", "zqanna", "===", "javascript:", "%{x}"):
            assert literal in body, f"{literal!r} not shown literally"
        assert "W" * 200 in body  # the 100k-character payload is there (shortened in labels)
    finally:
        ctx.close()
        server.stop()
    assert not dialogs, f"a dialog fired: {dialogs}"
    assert not found, f"injected: {found[:10]}"
    assert not requests, f"requests reached the listener: {requests[:10]}"


def test_the_control_is_caught(browser, listener):
    """Unescaped, the image payload reaches the listener: the assertions above can fail."""
    server = ProbeServer({"PROBE_PORT": str(listener.port), "PROBE_CONTROL": "1"})
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(server.url)
        wait_for_app(page, timeout=90_000)
        page.wait_for_timeout(1500)
        found = page.evaluate(DOM_CHECK, [listener.port, MARK])
    finally:
        ctx.close()
        server.stop()
    assert any(h.endswith("/md-image.png") for h in listener.hits), listener.hits
    assert any(f.startswith("media") for f in found), found


def test_the_plain_of_before_let_through_what_the_issue_found(browser, listener):
    """The same walk with the old ``plain()``: the setext heading, the auto-links and the bidi
    override of the issue are there (so the walk above would have caught them)."""
    server = ProbeServer({"PROBE_PORT": str(listener.port), "PROBE_OLD": "1",
                          "PROBE_ONLY": "setext,autolink,rtl,entities"})
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        found, _, _ = visit(ctx.new_page(), server, listener)
    finally:
        ctx.close()
        server.stop()
    kinds = " ".join(found)
    assert "built H" in kinds, found  # "Anna\n===" became a heading
    assert "link " in kinds, found  # a bare URL became a link
    assert "bidi/zero-width character shown" in kinds, found
