"""The app-wide error handler: no traceback ever reaches a person.

An error nobody expected (a storage error, a full disk, the store locked by another process, a
recursion, a bug) becomes one clear message that says what was and was not saved, its traceback
goes to the server's log (logger ``clusterdash``), and the page stays usable (the sidebar and
whatever the page drew before the error remain; the next click works as usual).

Two places:

* the page body: app.py runs the page inside :func:`page_guard`;
* widget callbacks (they run before the script, where app.py cannot catch them; one that raised
  would replace the whole page with Streamlit's error box): :func:`install` wraps Streamlit's one
  callback dispatcher so every callback — autosave's, a page's own ``on_click`` — fails the same
  way, as a message at the top of the page and a toast. :func:`callback_failed` is the handler,
  also called directly by clusterdash.ui.autosave for its save-as-you-go fields.

``CLUSTERDASH_RAISE_ERRORS=1`` (set by the test suite) re-raises after showing the message, so a
broken page still fails its test.
"""

from __future__ import annotations

import functools
import logging
import os
from contextlib import contextmanager

import streamlit as st

from clusterdash.errors import UserError, is_disk_full, is_lock_conflict, user_message
from clusterdash.ui.output import flash_error, plain

LOG = logging.getLogger("clusterdash")
RAISE_ENV = "CLUSTERDASH_RAISE_ERRORS"


def _raise_anyway() -> bool:
    return os.environ.get(RAISE_ENV, "").strip() not in ("", "0")


def _log(exc: BaseException, where: str) -> None:
    if not isinstance(exc, UserError):
        LOG.error("%s failed", where, exc_info=(type(exc), exc, exc.__traceback__))


def not_saved_message(exc: BaseException) -> str:
    """For a change that failed: why, that it was not saved, and that earlier saves are kept."""
    why = user_message(exc)
    if is_disk_full(exc) or is_lock_conflict(exc) or isinstance(exc, UserError):
        return f"Not saved: {why} Everything saved before is kept."
    return (f"This action did not complete: {why} Check the page: a change it does not show was not saved; "
            "everything saved before is kept.")


def page_message(exc: BaseException) -> str:
    """For a page that failed while being drawn."""
    why = user_message(exc)
    return (f"This page could not be shown in full: {why} Nothing you saved before is lost; "
            "if you had just submitted a change and it is not shown, it was not saved.")


def callback_failed(exc: BaseException, where: str = "a callback") -> None:
    """Handle an exception raised by a widget callback: logged, shown as a message (toast now, an
    error box at the top of the page)."""
    _log(exc, where)
    flash_error(not_saved_message(exc))


def show_page_error(exc: BaseException, where: str = "the page") -> None:
    _log(exc, where)
    st.error(plain(page_message(exc)), icon=":material/error:")


def show_store_error(exc: BaseException) -> None:
    """The store could not be opened (damaged, locked, unreadable): why, in words (app.py stops)."""
    _log(exc, "opening the store")
    st.error(plain(user_message(exc)), icon=":material/error:")


@contextmanager
def page_guard(where: str = "the page"):
    """Runs a page: an exception (not st.stop/st.rerun, which are not Exceptions) becomes a message."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 — the app-wide handler
        show_page_error(exc, where)
        if _raise_anyway():
            raise


def _guarded(call):
    @functools.wraps(call)
    def call_callback(self, widget_id: str, *args, **kwargs):
        try:
            return call(self, widget_id, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 — the app-wide handler for callbacks
            callback_failed(exc, f"the callback of widget {widget_id}")
            if _raise_anyway():
                raise

    call_callback._clusterdash_guarded = True
    return call_callback


def install() -> bool:
    """Route every widget callback through :func:`callback_failed` (idempotent). Returns False
    (and logs a warning) if this Streamlit version has no such dispatcher: callbacks then fail
    with Streamlit's own error box, without details (``client.showErrorDetails = "none"``)."""
    try:
        from streamlit.runtime.state.session_state import WStates
    except ImportError:  # pragma: no cover — a Streamlit that moved its internals
        LOG.warning("clusterdash.ui.errors: Streamlit's callback dispatcher not found; callbacks unguarded")
        return False
    call = getattr(WStates, "call_callback", None)
    if call is None:  # pragma: no cover
        LOG.warning("clusterdash.ui.errors: WStates.call_callback not found; callbacks unguarded")
        return False
    if not getattr(call, "_clusterdash_guarded", False):
        WStates.call_callback = _guarded(call)
    return True


def is_installed() -> bool:
    from streamlit.runtime.state.session_state import WStates

    return bool(getattr(WStates.call_callback, "_clusterdash_guarded", False))
