"""Browser tests: a real ClusterDash server on a temporary store, driven by Playwright in
Debian's Chromium. Screenshots go to test-artifacts/screenshots/.

Every page opened through the ``page`` fixture records its network requests; requests to
anything but this machine fail the test (the dashboard must work offline).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A streamlit server process on a given store; can be killed (-9) and restarted."""

    def __init__(self, db_path: Path, env: dict | None = None):
        self.db_path = db_path
        self.port = free_port()
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log = db_path.parent / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Server":
        env = dict(os.environ, CLUSTERDASH_DB=str(self.db_path), **self.extra_env)
        env.pop("CLUSTERDASH_PASSCODE", None) if "CLUSTERDASH_PASSCODE" not in self.extra_env else None
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not become healthy")

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CLUSTERDASH_SKIP_BROWSER") == "1":
            pytest.skip("chromium not installed and CLUSTERDASH_SKIP_BROWSER=1")
        pytest.fail(f"{CHROMIUM} is missing: run the README's test command (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(template_db, tmp_path_factory):
    """One server for the session on its own copy of the template store."""
    d = tmp_path_factory.mktemp("server")
    db = d / "clusterdash.duckdb"
    shutil.copy(template_db, db)
    s = Server(db).start()
    yield s
    s.stop()


@pytest.fixture
def new_server(template_db, tmp_path):
    """Factory for a private server (e.g. to kill -9 it, or with a passcode)."""
    servers: list[Server] = []

    def make(env: dict | None = None, db: Path | None = None) -> Server:
        if db is None:
            db = tmp_path / f"store-{len(servers)}.duckdb"
            shutil.copy(template_db, db)
        s = Server(db, env).start()
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


class OfflineGuard:
    def __init__(self):
        self.external: list[str] = []

    def __call__(self, request) -> None:
        u = urlparse(request.url)
        if u.scheme in ("data", "blob", "about", "chrome-extension"):
            return
        if u.hostname not in LOCAL_HOSTS:
            self.external.append(request.url)


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    guard = OfflineGuard()
    p.on("request", guard)
    p.offline_guard = guard
    yield p
    assert not guard.external, f"requests left this machine: {guard.external[:5]}"


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has rendered and finished running the script: the main area has
    content, no element is still a loading skeleton, and the status widget is not 'running'
    — twice, 300 ms apart (a rerun can start right after the first run)."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    settled = """() => {
        const main = document.querySelector('[data-testid="stMain"]');
        if (!main || !main.querySelector('[data-testid="stElementContainer"]')) return false;
        if (document.querySelector('[data-testid="stSkeleton"]')) return false;
        if (document.querySelector('[data-stale="true"]')) return false;  // a rerun is replacing them
        const w = document.querySelector('[data-testid="stStatusWidget"]');
        return !w || !w.innerText.toLowerCase().includes('running');
    }"""
    for _ in range(2):
        page.wait_for_function(settled, timeout=timeout)
        page.wait_for_timeout(300)


# Full-page screenshots cost ~3 s each (a re-layout at up to 6,000 px, then back): the smoke test
# takes one of every page; elsewhere a test's screenshot is of the viewport unless
# CLUSTERDASH_FULL_SCREENSHOTS=1 (for a visual review of every state the tests reach).
FULL_SCREENSHOTS = os.environ.get("CLUSTERDASH_FULL_SCREENSHOTS") == "1"


def screenshot(page, name: str, *, full: bool | None = None) -> Path:
    """Save a screenshot to test-artifacts/screenshots/<name>.png. ``full`` (default: only with
    CLUSTERDASH_FULL_SCREENSHOTS=1) grows the viewport to the page's height first (Playwright's
    full_page capture makes Streamlit re-lay-out and show loading skeletons), then restores it."""
    full = FULL_SCREENSHOTS if full is None else full
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    if full and size:
        height = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return Math.max(m ? m.scrollHeight : 0, document.body.scrollHeight); }"
        )
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 6000)})
            page.wait_for_timeout(600)
            wait_for_app(page)
    page.screenshot(path=str(path))
    if full and size and page.viewport_size != size:
        page.set_viewport_size(size)
    return path


def assert_no_exception(page) -> None:
    exc = page.locator('[data-testid="stException"]')
    assert exc.count() == 0, exc.first.inner_text()[:2000]
