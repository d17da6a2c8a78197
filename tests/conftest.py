"""Shared fixtures: a knowledge-loaded store built once per session and copied per test,
and an AppTest runner pointed at such a store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clusterdash import config
from clusterdash.store import Store, open_store

REPO = config.REPO_ROOT
SHARED_DATA = config.shared_data_dir()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A store with the schema and knowledge base, built once per test session."""
    path = tmp_path_factory.mktemp("template") / "template.duckdb"
    store = open_store(path)
    store.conn.execute("CHECKPOINT")
    store.close()
    return path


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


@pytest.fixture
def app(db_path, monkeypatch):
    """Factory: ``app("pages/x.py", ws=..., **query)`` -> an AppTest that has run that page on
    a private store."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CLUSTERDASH_DB", str(db_path))
    monkeypatch.delenv("CLUSTERDASH_PASSCODE", raising=False)

    def run(page: str | None = None, *, timeout: float = 30, **query) -> AppTest:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at

    return run


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data; skips (locally) when the shared folder is absent. CI has it."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared dataset not found: {p}")
    return p
