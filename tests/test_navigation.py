"""Plain buttons work in AppTest (no extra rerun swallows the click) and deep links run
through app.py."""

from contextlib import contextmanager

import pytest
from streamlit.testing.v1 import AppTest



def test_plain_button_click_survives(db_path, monkeypatch, tmp_path):
    # An app laid out like ours: a pages/ folder next to the entry script (which makes
    # Streamlit start in its v1 multipage mode) and st.navigation in the entry script.
    monkeypatch.setenv("CLUSTERDASH_DB", str(db_path))
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "probe.py").write_text(
        "import streamlit as st\nfrom clusterdash import ui\nui.get_store()\n"
        "if st.button('Go', key='go'):\n    st.write('clicked')\n"
    )
    (tmp_path / "main.py").write_text(
        "import streamlit as st\nfrom clusterdash import ui\nui.enter_navigation_mode()\n"
        "st.navigation([st.Page('pages/probe.py', default=True)]).run()\n"
    )
    at = AppTest.from_file(str(tmp_path / "main.py"))
    at.run()
    at.button(key="go").click().run()
    assert any(m.value == "clicked" for m in at.markdown)


@pytest.fixture
def run_counts(monkeypatch):
    """Counts runs of app.py (``ui.app_run``) and of pages/sources.py (its one ``knowledge_index`` call)."""
    from clusterdash import queries, ui

    counts = {"app.py": 0, "sources": 0}
    real_app_run, real_index = ui.app_run, queries.knowledge_index

    @contextmanager
    def counting_app_run():
        counts["app.py"] += 1
        with real_app_run():
            yield

    def counting_index(*args, **kwargs):
        counts["sources"] += 1
        return real_index(*args, **kwargs)

    monkeypatch.setattr(ui, "app_run", counting_app_run)
    monkeypatch.setattr(queries, "knowledge_index", counting_index)
    return counts


def open_sources(at, counts) -> None:
    counts.update({"app.py": 0, "sources": 0})
    at.switch_page("pages/sources.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Sources"], "the Sources page was shown"
    assert any(c.value.endswith(" records") for c in at.caption)


def test_app_entry_runs_pages_without_extra_rerun(app_v2, run_counts):
    """Through app.py (as on a server after the first page load): one run of app.py runs the page once."""
    open_sources(app_v2(), run_counts)
    assert run_counts == {"app.py": 1, "sources": 1}


def test_page_run_without_app_py_is_not_rerun_in_apptest(app, run_counts):
    """AppTest replays a switched-to page without app.py (see ``app_v2``); ui.get_store() must not rerun
    it there (a rerun would swallow the click that started the run)."""
    open_sources(app(), run_counts)
    assert run_counts == {"app.py": 0, "sources": 1}
