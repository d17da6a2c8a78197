"""What the load scenarios (bench/load.py, bench/load_shared.py) share: N concurrent browser
sessions (Playwright contexts in one Chromium) on one ClusterDash server, each with a probe on
Streamlit's websocket (:data:`WS_PROBE`), the page predicates they wait for, and the session
plumbing (open the app, type the name, wait until the page is idle, record a failure with a
screenshot, guard against any non-loopback request), run in a thread with its own event loop.

Before the sessions start, one visit warms the server up: the very first script runs after a
server start decide whether Streamlit uses app.py's ``st.navigation`` or the legacy ``pages/``
folder, and concurrent first visits can leave a session in the legacy mode (see the report of
issue 7).
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Installed in every page before Streamlit's scripts: timestamps (performance.now()) of the
# server's messages that matter, and of every message the browser sends (``sent``: a rerun with
# the widgets' values, after a click), read off the websocket without changing anything. A ForwardMsg
# is a protobuf; its top-level field 6 is script_finished, field 5 a delta; a delta that
# carries the "Saved"/"Answer saved"/"Answer removed" toast is recognised by its text.
WS_PROBE = r"""
(() => {
  const probe = window.__cdProbe = {finished: [], saved: [], refused: [], refusedText: [], messages: 0, sent: []};
  const fields = (u8) => {
    const out = [];
    let i = 0;
    while (i < u8.length) {
      let tag = 0, shift = 0, b;
      do { b = u8[i++]; tag += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80 && i < u8.length);
      const wt = tag % 8;
      out.push(Math.floor(tag / 8));
      if (wt === 0) { do { b = u8[i++]; } while (b & 0x80 && i < u8.length); }
      else if (wt === 2) { let len = 0; shift = 0;
        do { b = u8[i++]; len += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80 && i < u8.length);
        i += len; }
      else if (wt === 1) i += 8;
      else if (wt === 5) i += 4;
      else break;
    }
    return out;
  };
  const decoder = new TextDecoder("utf-8", {fatal: false});
  const look = (t, buf) => {
    const u8 = new Uint8Array(buf);
    probe.messages++;
    const f = fields(u8);
    if (f.includes(6)) probe.finished.push(t);
    else if (f.includes(5) && u8.length < 4000) {
      const text = decoder.decode(u8);
      if (/\bSaved\b|Answer saved|Answer removed/.test(text)) probe.saved.push(t);
      else if (text.includes("material/error")) { probe.refused.push(t); probe.refusedText.push(text); }  // flash_error's toast
    }
  };
  const Orig = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Orig(...args);
    const send = ws.send.bind(ws);
    ws.send = (data) => { probe.sent.push(performance.now()); return send(data); };  // BackMsgs: reruns, widget values
    ws.addEventListener("message", (e) => {
      const t = performance.now();
      if (e.data instanceof ArrayBuffer) look(t, e.data);
      else if (e.data instanceof Blob) e.data.arrayBuffer().then((b) => look(t, b));
    });
    return ws;
  };
  window.WebSocket.prototype = Orig.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""

AFTER = """([kind, t0]) => { const p = window.__cdProbe; const t = p && p[kind].find((x) => x > t0); return t === undefined ? null : t; }"""

# The server's answer to an action: its "Saved" toast or an error toast, whichever comes first.
VERDICT = """(t0) => {
    const p = window.__cdProbe; if (!p) return null;
    const s = p.saved.find((x) => x > t0), r = p.refused.find((x) => x > t0);
    if (s === undefined && r === undefined) return null;
    return (r === undefined || (s !== undefined && s < r)) ? {kind: "saved", t: s} : {kind: "refused", t: r};
}"""

# Which navigation the page got: the app's (its sidebar has the workspace switcher) or Streamlit's
# legacy pages/ folder mode (a page list with one entry per file, the first called "app").
APP_OR_LEGACY = """() => {
    if (document.querySelector('[data-testid="stSidebar"] [class*="st-key-_ws_switch"]')) return "app";
    const links = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')];
    if (links.some((a) => a.innerText.trim() === "app")) return "legacy";
    return null;
}"""

SETTLED = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main || !main.querySelector('[data-testid="stElementContainer"]')) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const w = document.querySelector('[data-testid="stStatusWidget"]');
    return !w || !w.innerText.toLowerCase().includes('running');
}"""


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (as numpy's default); NaN for no values."""
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


class Gate:
    """Opens once every session has arrived (ready, or failed)."""

    def __init__(self, n: int):
        self.n = n
        self.count = 0
        self.opened_at: float | None = None
        self.event = asyncio.Event()

    def arrive(self) -> None:
        self.count += 1
        if self.count >= self.n:
            self.opened_at = time.monotonic()
            self.event.set()

    async def wait(self) -> None:
        await self.event.wait()


async def warm_up(browser, base_url: str) -> None:
    """One visit of the home page, so the server has left the legacy pages/ mode (see above)."""
    ctx = await browser.new_context()
    try:
        page = await ctx.new_page()
        await page.goto(base_url.rstrip("/") + "/")
        await page.wait_for_function(SETTLED, polling=100, timeout=120_000)
    finally:
        await ctx.close()


class BrowserSession:
    """One person's browser: a context of its own with the probe, named ``P<index>``. Failures
    go to ``errors`` (with a screenshot ``<shot_prefix>-failed-<name>.png`` in ``artifacts``),
    requests to anything but loopback to ``external``."""

    shot_prefix = "load"

    def __init__(self, index: int, browser, base_url: str, *, errors: list[str], external: list[str],
                 timeout_ms: int, artifacts: Path | None = None, lock: threading.Lock | None = None):
        self.i = index
        self.name = f"P{index:02d}"
        self.browser = browser
        self.url = base_url.rstrip("/")
        self.errors = errors
        self.external = external
        self.timeout_ms = timeout_ms
        self.artifacts = artifacts
        self.lock = lock or threading.Lock()
        self.ctx = None
        self.page = None
        self.step = ""  # what the session is doing (named in its failure)

    async def start(self, viewport: dict, probe: str = WS_PROBE) -> None:
        self.ctx = await self.browser.new_context(viewport=viewport)
        await self.ctx.add_init_script(probe)
        self.page = await self.ctx.new_page()
        self.page.set_default_timeout(self.timeout_ms)
        self.page.on("request", self._guard)

    async def close(self) -> None:
        if self.ctx is not None:
            await self.ctx.close()

    def _guard(self, request) -> None:
        u = urlparse(request.url)
        if u.scheme not in ("data", "blob", "about", "chrome-extension") and u.hostname not in LOCAL_HOSTS:
            self.external.append(request.url)

    async def failed(self, exc: Exception) -> None:
        where = f" ({self.step})" if self.step else ""
        self.errors.append(f"{self.name}{where}: {type(exc).__name__}: {str(exc)[:400]}")
        if self.artifacts is not None and self.page is not None:
            try:
                self.artifacts.mkdir(parents=True, exist_ok=True)
                await self.page.screenshot(path=str(self.artifacts / f"{self.shot_prefix}-failed-{self.name}.png"))
                await self.after_failure()
            except Exception:  # only a help
                pass

    async def after_failure(self) -> None:
        """What else a failed session leaves in ``artifacts`` (nothing here)."""

    async def settle(self) -> None:
        """Wait for the script run to finish (twice, 300 ms apart, as tests/browser/conftest.wait_for_app)."""
        for _ in range(2):
            await self.page.wait_for_function(SETTLED, polling=50)
            await self.page.wait_for_timeout(300)

    async def open(self, path: str, on_legacy: Callable[[int], Awaitable[None] | None] | None = None) -> None:
        """Load ``path``; a page that lands in Streamlit's legacy pages/ mode (no app sidebar, see
        the module doc) is loaded again (``on_legacy(attempt)`` is told), at most three times."""
        for attempt in range(3):
            await self.page.goto(self.url + path)
            mode = await (await self.page.wait_for_function(APP_OR_LEGACY, polling=100)).json_value()
            if mode == "app":
                break
            if on_legacy is not None:
                done = on_legacy(attempt)
                if done is not None:
                    await done
        else:
            raise RuntimeError("three loads in the legacy pages/ mode (no app sidebar)")
        await self.settle()

    async def set_name(self, name: str) -> None:
        """Type ``name`` into "Your name" (Enter) and check the page took it."""
        box = self.page.get_by_role("textbox", name="Your name")
        await box.fill(name)
        await box.press("Enter")
        await self.page.wait_for_timeout(300)
        await self.settle()
        value = await box.input_value()
        if value != name:
            raise RuntimeError(f"name field shows {value!r}")


async def with_browser(base_url: str, fn: Callable[[Any], Awaitable[Any]]) -> Any:
    """Launch Chromium, warm the server up, run ``fn(browser)``, close Chromium."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await warm_up(browser, base_url)
            return await fn(browser)
        finally:
            await browser.close()


def run_in_thread(make: Callable[[], Awaitable[Any]], name: str) -> Any:
    """Run the coroutine ``make()`` in a thread of its own, with its own event loop (so callers
    may already use Playwright's sync API); its exception is raised here."""
    box: dict = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(make())
        except BaseException as exc:  # re-raised in the caller
            box["error"] = exc

    t = threading.Thread(target=target, name=name, daemon=True)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box.get("result")
