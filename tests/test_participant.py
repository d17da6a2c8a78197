"""The participant: one name per browser session, "Your name" on every page, kept in the URL
(&who=) on every page and across page switches, so a reload keeps it."""

from __future__ import annotations

import pytest

from tests.ui_support import widget


@pytest.fixture
def app(app, monkeypatch):
    """The ``app`` fixture with every run going through app.py (and its sidebar), as on a server
    (see tests/test_checklists_pages.py::app_v2)."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    return app


def qp(at, name):
    v = at.query_params.get(name)
    return v[0] if isinstance(v, list) else v


def your_name_fields(at):
    return [t for t in at.text_input if t.label == "Your name"]


def test_the_name_from_the_url_is_taken_on_any_page_and_kept_there(app):
    at = app("pages/toolkit_swot.py", who="Anna")
    assert not at.exception
    assert at.sidebar.text_input(key="_who_input").value == "Anna"
    assert qp(at, "who") == "Anna"
    # a page switch drops the query parameters (st.navigation): the session puts the name back
    at.query_params.clear()
    at.switch_page("pages/financing_mix.py").run()
    assert not at.exception
    assert qp(at, "who") == "Anna" and qp(at, "ws") == "default"
    assert at.sidebar.text_input(key="_who_input").value == "Anna"


def test_a_name_given_in_the_sidebar_goes_into_the_url_and_survives_a_reload(app):
    at = app("pages/checklists.py")
    assert at.sidebar.text_input(key="_who_input").value == "Facilitator"
    assert qp(at, "who") is None  # the default name is not written into links
    at.sidebar.text_input(key="_who_input").input("  Ben   Okafor ").run()
    assert qp(at, "who") == "Ben Okafor"
    assert at.sidebar.text_input(key="_who_input").value == "Ben Okafor"
    again = app("pages/value_chains.py", who=qp(at, "who"))  # a reload of the link
    assert again.sidebar.text_input(key="_who_input").value == "Ben Okafor"


def test_the_assessment_page_asks_for_the_name_once_and_shares_it(app, store):
    from clusterdash import queries

    ws = queries.default_workspace(store)
    aid = queries.create_assessment(store, ws, "ac_serbia", "2026-03-01", "kick-off")
    store.close()
    at = app("pages/assessment.py", ws=ws, a=aid, who="Anna")
    assert not at.exception
    fields = your_name_fields(at)
    assert [f.key for f in fields] == ["mat_who"]  # one "Your name" field, on the page (not in the sidebar)
    assert fields[0].value == "Anna"
    fields[0].input("Carla").run()
    assert qp(at, "who") == "Carla"
    widget(at, "segmented_control", "mat-ans-ini_01").set_value("fully").run()
    at.switch_page("pages/checklists.py").run()
    assert at.sidebar.text_input(key="_who_input").value == "Carla"
    assert qp(at, "who") == "Carla"


def test_a_bad_name_in_the_url_is_dropped(app):
    at = app("pages/home.py", who="   ")
    assert not at.exception
    assert at.sidebar.text_input(key="_who_input").value == "Facilitator"
    assert qp(at, "who") is None
