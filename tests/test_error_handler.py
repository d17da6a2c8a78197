"""The app-wide error handler (clusterdash/ui/errors.py): an error nobody expected — a full disk,
a storage error, a recursion, a bug — never shows a traceback or a server path. A failing
save-as-you-go field, a page's own button callback and a failing page body each leave a usable
page with a message saying what was and was not saved; the trace goes to the server log."""

from __future__ import annotations

import logging

import duckdb
import pytest

from clusterdash import queries
from clusterdash.ui import errors
from tests.ui_support import shown, unescaped

CHECKLISTS = "pages/checklists.py"
TRACE_WORDS = ("Traceback", "File \"", ".py", "duckdb", "IOException", "TransactionException", "/work/", "site-packages")


@pytest.fixture(autouse=True)
def handler_shows_messages(monkeypatch, store):
    monkeypatch.delenv(errors.RAISE_ENV, raising=False)
    queries.default_workspace(store)


def everything_shown(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    parts += [t.value for t in at.toast] + [w.value for w in at.warning] + [i.value for i in at.info]
    return unescaped("\n".join(parts))


def no_trace(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    text = everything_shown(at)
    for word in TRACE_WORDS:
        assert word not in text, (word, text[:2000])


def note_field(at):
    ws = at.query_params["ws"]
    ws = ws[0] if isinstance(ws, list) else ws
    found = [t for t in at.text_input if t.key and t.key.startswith(f"ans||{ws}|note|")]
    assert found
    return found[0]


def full_disk(*args, **kwargs):
    raise duckdb.IOException("IO Error: Could not write file \"/work/x.duckdb.wal\": No space left on device")


def test_the_handler_is_installed_for_every_callback():
    assert errors.is_installed()


def test_a_save_on_a_full_disk_says_not_saved_and_keeps_the_page(app_v2, monkeypatch, caplog):
    at = app_v2(CHECKLISTS)
    n_inputs = len(at.text_input)
    monkeypatch.setattr(queries, "save_checklist_answer", full_disk)
    with caplog.at_level(logging.ERROR, logger="clusterdash"):
        note_field(at).input("minutes of 12 May").run()
    no_trace(at)
    msgs = shown(at.error)
    assert any(m.startswith("Not saved: The disk that holds the store is full") and "saved before is kept" in m
               for m in msgs), msgs
    assert len(at.text_input) == n_inputs  # the whole page is still there, usable
    assert any(r.exc_info and "No space left on device" in str(r.exc_info[1]) for r in caplog.records)  # the trace is in the server log


def test_an_unexpected_error_in_a_save_is_shown_in_words(app_v2, monkeypatch):
    at = app_v2(CHECKLISTS)

    def deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded while calling a Python object")

    monkeypatch.setattr(queries, "save_checklist_answer", deep)
    note_field(at).input("x").run()
    no_trace(at)
    msgs = shown(at.error)
    assert any("This action did not complete: The input is nested too deeply" in m for m in msgs), msgs
    # and the next interaction works as usual
    monkeypatch.undo()
    monkeypatch.delenv(errors.RAISE_ENV, raising=False)
    note_field(at).input("saved now").run()
    no_trace(at)
    assert not at.error


def test_a_page_callback_failing_keeps_the_page(app_v2, monkeypatch):
    """A widget's own on_change (the sidebar's presentation toggle, not autosave) on a locked store."""
    from clusterdash.ui import shell

    def locked(*args, **kwargs):
        raise duckdb.IOException("IO Error: Could not set lock on file \"/work/x.duckdb\": Conflicting lock is held")

    monkeypatch.setattr(shell, "set_presenting", locked)  # bound as the toggle's callback when drawn
    at = app_v2(CHECKLISTS)
    at.sidebar.toggle(key="_present_toggle").set_value(True).run()
    no_trace(at)
    msgs = shown(at.error) + shown(at.toast)
    assert any("The store is open in another process" in m for m in msgs), msgs
    assert at.sidebar.toggle(key="_present_toggle") is not None  # the sidebar is drawn
    assert at.text_input  # and the page


def test_a_page_that_fails_while_drawn_shows_a_message_and_the_sidebar(app_v2, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise duckdb.TransactionException("TransactionContext Error: Failed to commit: No space left on device")

    monkeypatch.setattr(queries, "checklist_board", broken)
    with caplog.at_level(logging.ERROR, logger="clusterdash"):
        at = app_v2(CHECKLISTS)
    no_trace(at)
    msgs = shown(at.error)
    assert any(m.startswith("This page could not be shown in full: The disk that holds the store is full")
               for m in msgs), msgs
    assert at.sidebar.text_input(key="_who_input")  # navigation and the sidebar stay usable
    assert any(r.exc_info for r in caplog.records)


def test_in_tests_the_handler_re_raises(app_v2, monkeypatch):
    monkeypatch.setenv(errors.RAISE_ENV, "1")
    monkeypatch.setattr(queries, "checklist_board", full_disk)
    at = app_v2(CHECKLISTS)
    assert at.exception  # a broken page still fails its test
