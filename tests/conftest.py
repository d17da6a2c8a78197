"""Shared fixtures: a knowledge-loaded store built once per session and copied per test,
an AppTest runner pointed at such a store, the CBP statistics store (also built once per
session), and the automatic ``browser`` / ``slow`` markers (see pytest.ini)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from clusterdash import config
from clusterdash.store import Store, open_store

REPO = config.REPO_ROOT

# The app-wide error handler (clusterdash/ui/errors.py) shows a message and, in tests, re-raises:
# a broken page still fails its test. tests/test_error_handler.py turns it off to see the message.
os.environ.setdefault("CLUSTERDASH_RAISE_ERRORS", "1")
SHARED_DATA = config.shared_data_dir()
TESTS = Path(__file__).resolve().parent

# ---- markers -------------------------------------------------------------------------------
# ``browser``: everything under tests/browser/ (a real server driven by Chromium).
# ``slow``: property/fault tests and single tests that take more than ~3 s each on 2 cores
# (measured with --durations); the fast loop ``-m "not browser and not slow"`` skips them.
SLOW_FILES = {"test_robust_import.py", "test_robust_kill.py",  # hypothesis examples, kill -9 of imports
              "test_access_walk.py"}  # every page as a locked viewer, every widget fired: 5–20 s a page
SLOW_TESTS = {
    # the whole 419k-row CBP file through the CLI (import + export round trip), ~6 s
    "test_stats_cli.py::test_import_then_export_round_trip",
    # the demo button imports the whole 419k-row CBP file through the page, ~6 s
    "test_stats_pages.py::test_empty_state_offers_the_demo_and_loads_it",
}


def _is_slow(item: pytest.Item) -> bool:
    name = getattr(item, "originalname", item.name)
    return (
        item.path.name in SLOW_FILES
        or f"{item.path.name}::{name}" in SLOW_TESTS
        or "kill9" in name  # a child process killed with SIGKILL, then the store reopened
        or getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
    )


def pytest_collection_modifyitems(config, items):
    browser_dir = TESTS / "browser"
    for item in items:
        if browser_dir in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if item.path.name.startswith("test_load"):
                item.add_marker(pytest.mark.load)
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)
    # Longest first, so the two workers finish together (a 200 s test collected last runs alone at
    # the end): the three longest browser files, then the other browser tests, the slow ones, the
    # rest. A stable sort: a module's tests stay together and in order.
    def order(item) -> int:
        if item.path.name in LONGEST_FIRST:
            return 0
        if browser_dir in item.path.parents:
            return 1
        return 2 if item.get_closest_marker("slow") else 3

    items.sort(key=order)


LONGEST_FIRST = ("test_hostile_walk.py", "test_workshop_room.py", "test_workshop_drift.py")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A store with the schema and knowledge base, built once per test session."""
    path = tmp_path_factory.mktemp("template") / "template.duckdb"
    store = open_store(path)
    store.conn.execute("CHECKPOINT")
    store.close()
    return path


@pytest.fixture(scope="session")
def cbp_template_db(template_db, tmp_path_factory) -> Path:
    """A store with U.S. CBP 2017–2021 (419k rows) + the USCMP crosswalk and relatedness, imported
    once per session: the run's summary says how many times it was built (always once)."""
    from clusterdash.stats import demo

    if demo.demo_files(SHARED_DATA) is None:
        pytest.skip(f"shared datasets not found in {SHARED_DATA}")
    path = tmp_path_factory.mktemp("stats") / "cbp.duckdb"
    shutil.copy(template_db, path)
    store = Store(path)
    demo.load_cbp_demo(store, shared_dir=SHARED_DATA)
    store.conn.execute("CHECKPOINT")
    store.close()
    CBP_BUILDS.append(str(path))
    return path


CBP_BUILDS: list[str] = []  # one entry per build of cbp_template_db


def pytest_terminal_summary(terminalreporter):
    if CBP_BUILDS:
        terminalreporter.write_line(f"CBP template store built {len(CBP_BUILDS)} time(s) this session")


@pytest.fixture
def cbp_db_path(cbp_template_db, tmp_path) -> Path:
    """Path of a fresh copy of the CBP store, private to one test."""
    path = tmp_path / "clusterdash.duckdb"
    shutil.copy(cbp_template_db, path)
    return path


@pytest.fixture
def cbp_store(cbp_db_path):
    s = Store(cbp_db_path)
    yield s
    s.close()


@pytest.fixture
def db_path(template_db, tmp_path) -> Path:
    """Path of a fresh copy of the template store, private to one test."""
    path = tmp_path / "clusterdash.duckdb"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()


def run_app(db, monkeypatch, page: str | None = None, *, timeout: float = 30, **query):
    """An AppTest of app.py on store ``db`` that has run ``page`` (a registry path such as
    "pages/x.py"; None: the home page) once, with ``query`` as its URL parameters. The page is
    chosen before the first run (every page's url_path is its file name, so the file name
    finds it): one run per test, not a run of the home page first."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CLUSTERDASH_DB", str(db))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


@pytest.fixture
def app(db_path, monkeypatch):
    """Factory: ``app("pages/x.py", ws=..., **query)`` -> an AppTest that has run that page on
    a private store (:func:`run_app`), without a passcode unless the test sets one."""
    monkeypatch.delenv("CLUSTERDASH_PASSCODE", raising=False)

    def run(page: str | None = None, *, timeout: float = 30, **query):
        return run_app(db_path, monkeypatch, page, timeout=timeout, **query)

    return run


@pytest.fixture
def app_v2(app, monkeypatch):
    """The ``app`` fixture, with every run going through app.py (st.navigation).

    AppTest resets Streamlit's legacy-multipage flag before each run; with a ``pages/`` folder the
    page after ``switch_page`` then runs without app.py, ui.get_store() reruns into app.py, and
    the rerun drops the button click that started the run. A running server leaves legacy mode
    once, on its first page load, so only AppTest needs this."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    return app


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data; skips (locally) when the shared folder is absent. CI has it."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared dataset not found: {p}")
    return p


@pytest.fixture(scope="session")
def fresh_db(tmp_path_factory):
    """A store built as on a fresh machine: no ../shared (an empty folder instead), once per run."""
    empty = tmp_path_factory.mktemp("no_shared")
    mp = pytest.MonkeyPatch()
    mp.setenv("CLUSTERDASH_SHARED_DATA", str(empty))
    path = tmp_path_factory.mktemp("fresh") / "fresh.duckdb"
    try:
        s = open_store(path)
        s.conn.execute("CHECKPOINT")
        s.close()
    finally:
        mp.undo()
    return path, empty


@pytest.fixture
def fresh(fresh_db, tmp_path, monkeypatch):
    """A copy of the fresh-machine store (``fresh_db``) for one test, with ../shared still absent."""
    src, empty = fresh_db
    path = tmp_path / "clusterdash.duckdb"
    shutil.copy(src, path)
    monkeypatch.setenv("CLUSTERDASH_SHARED_DATA", str(empty))
    return path
