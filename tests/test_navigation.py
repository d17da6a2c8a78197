"""Plain buttons work in AppTest (no extra rerun swallows the click) and deep links run
through app.py."""

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


def test_app_entry_runs_pages_without_extra_rerun(app):
    at = app("pages/sources.py")
    assert not at.exception
