"""The one save-as-you-go mechanism (clusterdash.ui.autosave) on real pages: the write callback
re-checks can_edit() at the moment of writing, a refused or invalid value gives way to the
stored one (a fresh widget, no write into widget state), a value saved by someone else gives the
widget a new key, and the assessment's date and occasion save as you go."""

from __future__ import annotations

from datetime import date

from clusterdash import queries
from clusterdash.store import Store
from clusterdash.ui import autosave
from tests.ui_support import base_key, shown, widget

WS = "default"


def read(db_path, fn, *args):
    s = Store(db_path)
    try:
        return fn(s, *args)
    finally:
        s.close()


def test_keys_carry_the_stored_value_its_context_and_this_sessions_changes():
    k = autosave.versioned_key("swot|ws|1", "a")
    assert k.startswith("swot|ws|1|v") and base_key(k) == "swot|ws|1"
    assert k == autosave.versioned_key("swot|ws|1", "a")
    assert len({k, autosave.versioned_key("swot|ws|1", "b"), autosave.versioned_key("swot|ws|1", "a", ("Anna",)),
                autosave.versioned_key("swot|ws|1", "a", round_=1)}) == 4


def test_a_session_locked_after_drawing_the_page_cannot_save(app, db_path, monkeypatch):
    s = Store(db_path)
    queries.default_workspace(s)
    iid = queries.add_swot_item(s, WS, "strength", "Dense supplier base")
    s.close()
    monkeypatch.setenv("CLUSTERDASH_PASSCODE", "let-me-in")
    at = app()
    at.session_state["_unlocked"] = True  # unlocked: the field is enabled
    at.switch_page("pages/toolkit_swot.py").run()
    field = widget(at, "text_input", f"swot|{WS}|{iid}")
    assert not field.disabled
    at.session_state["_unlocked"] = False  # locked (e.g. the Lock button in another tab of this session)
    field.input("Overwritten while locked").run()
    assert not at.exception
    assert list(read(db_path, queries.swot_items, WS)["text"]) == ["Dense supplier base"]
    assert any(e.startswith("View only: enter the facilitator passcode") for e in shown(at.error))
    # the page is view-only now and shows the stored text
    assert not [t for t in at.text_input if t.key and base_key(t.key) == f"swot|{WS}|{iid}"]
    assert any("Dense supplier base" in m.value for m in at.markdown)


def test_someone_elses_change_gives_the_widget_a_new_key(app, db_path):
    s = Store(db_path)
    queries.default_workspace(s)
    iid = queries.add_swot_item(s, WS, "strength", "Dense supplier base")
    s.close()
    at = app("pages/toolkit_swot.py", ws=WS)
    before = widget(at, "text_input", f"swot|{WS}|{iid}").key
    s = Store(db_path)
    queries.update_swot_item(s, WS, iid, "Changed in another browser")
    s.close()
    at.run()
    after = widget(at, "text_input", f"swot|{WS}|{iid}")
    assert after.key != before and after.value == "Changed in another browser"


def test_assessment_date_and_occasion_save_as_you_go(app, db_path):
    s = Store(db_path)
    ws = queries.default_workspace(s)
    aid = queries.create_assessment(s, ws, "ac_serbia", "2026-03-01", "kick-off")
    s.close()
    at = app("pages/assessment.py", ws=ws, a=aid)
    widget(at, "date_input", f"mat_date|{aid}").set_value(date(2026, 4, 2)).run()
    widget(at, "text_input", f"mat_label|{aid}").input("strategy workshop").run()
    assert not at.exception
    a = read(db_path, queries.get_assessment, ws, aid)
    assert str(a["assessed_on"])[:10] == "2026-04-02" and a["label"] == "strategy workshop"
    assert widget(at, "text_input", f"mat_label|{aid}").value == "strategy workshop"
    assert widget(at, "date_input", f"mat_date|{aid}").value == date(2026, 4, 2)


def test_a_financing_amount_is_not_saved_once_the_session_is_locked(app, db_path, monkeypatch):
    """(the financing page's own callbacks used not to re-check can_edit())"""
    s = Store(db_path)
    queries.default_workspace(s)
    queries.set_financing_entry(s, WS, 2024, "income", "sponsoring", 500.0)
    s.close()
    monkeypatch.setenv("CLUSTERDASH_PASSCODE", "let-me-in")
    at = app()
    at.session_state["_unlocked"] = True
    at.query_params["fin_year"] = "2024"
    at.switch_page("pages/financing_mix.py").run()
    field = widget(at, "text_input", "fin-2024-income-sponsoring")
    assert not field.disabled and field.value == "500"
    at.session_state["_unlocked"] = False
    field.input("9999").run()
    assert not at.exception
    assert read(db_path, queries.financing_entries, WS)["amount"].tolist() == [500.0]
    assert any(e.startswith("View only") for e in shown(at.error))
    assert widget(at, "text_input", "fin-2024-income-sponsoring").value == "500"


class _Page:
    """autosave.field without Streamlit: the session's state is a dict, the widget records its
    key and callback, a click is a value put under a key and that widget's callback run (what
    Streamlit does when the browser reports a changed value for a key it still knows)."""

    def __init__(self, monkeypatch):
        from types import SimpleNamespace

        self.state, self.errors, self.toasts, self.saved = {}, [], [], []
        monkeypatch.setattr(autosave, "st", SimpleNamespace(session_state=self.state,
                                                            toast=lambda text, **kw: self.toasts.append(text)))
        monkeypatch.setattr(autosave, "flash_error", self.errors.append)
        monkeypatch.setattr(autosave, "shell", SimpleNamespace(can_edit=lambda: True, can_answer=lambda: True))
        self.widgets = {}

    def draw(self, stored):
        def widget(label, *, key, on_change, args, **kwargs):
            self.widgets[key] = (on_change, args)
            return self.state.setdefault(key, kwargs.get("default"))
        autosave.field(widget, "Assessment", "sh|ws|1|assessment", stored, self.saved.append, value_arg="default")
        return list(self.widgets)[-1]

    def click(self, key, value):
        self.state[key] = value
        on_change, args = self.widgets[key]
        on_change(*args)


def test_a_click_from_a_replaced_widget_is_refused_with_a_message_not_saved(monkeypatch):
    """The stakeholder load test's lost click (issue #10): Streamlit keeps a replaced widget's
    callback while the run that replaced it was stopped for the next click (it drops stale
    widgets only after a completed run), so the browser's old widget can still report a value,
    e.g. its own default coming back. It used to be saved over the newer value."""
    page = _Page(monkeypatch)
    old = page.draw("critical")
    page.click(old, "positive")
    assert page.saved == ["positive"] and page.toasts == ["Saved"]
    # the run that re-draws it is cut short by the next click, before it reaches the field:
    page.click(old, "neutral")  # the old widget reports again, a value it did not show
    assert page.saved == ["positive"], "a replaced widget's value was saved over the newer one"
    assert len(page.errors) == 1 and page.errors[0].startswith("Assessment: not saved.")
    page.click(old, "critical")  # ... or its own default coming back: not an edit, nothing to say
    assert page.saved == ["positive"] and len(page.errors) == 1
    # a completed run draws it from the store; a click there is saved
    new = page.draw("positive")
    assert new != old
    page.click(new, "neutral")
    assert page.saved == ["positive", "neutral"] and len(page.errors) == 1


def test_a_widget_reporting_the_value_it_was_drawn_with_saves_nothing(monkeypatch):
    """The maturity load test (issue #10, 2026-12-02, ten sessions answering as one participant):
    while its runs were being cut short by its own clicks, one session's browser sent back ten
    answer controls with the values they were drawn showing (other people's earlier answers), and
    Streamlit reported each as a change: their callbacks saved the earlier answers over the newer
    ones. A value equal to what the widget showed when drawn is not an edit."""
    page = _Page(monkeypatch)
    theirs = page.draw("not_true")  # someone else's answer, as this session last drew it
    # meanwhile they changed it to "partly" (in the store); this session's browser reports the old widget
    page.click(theirs, "not_true")
    assert page.saved == [] and page.toasts == [] and page.errors == []
    page.click(theirs, "fully")  # a real click on what this page shows is still an edit
    assert page.saved == ["fully"] and page.toasts == ["Saved"]
    empty = page.draw(None)  # an unanswered control reporting "nothing chosen"
    page.click(empty, None)
    assert page.saved == ["fully"]
