"""Save as you go: the ONE mechanism behind every widget that writes the moment it is used.

Each widget shows the value stored now (re-read from the store on every run) and writes through
its callback at once, one transaction per change. The widget's key is its ``base_key`` plus a
digest of the stored value (:func:`versioned_key`): when anyone changes the value, the widget gets
a new key and starts from the new stored value, which it gets as its initial value (``value=``,
``default=``, ``index=``).

Why: a browser that has not yet rendered someone else's change still holds the old widget and
sends its old value back with its next interaction. That value belongs to a key that no longer
exists, so Streamlit drops it instead of taking it for an edit (which would save the stale value
over the other person's). Because the initial value travels with the widget, a browser whose
re-draw was cut short (its next click interrupted the run) still shows, and sends back, the
stored value. Number and date fields start from ``value=None`` (only then can they be cleared),
so their stored value goes into st.session_state for a new key, again on every run until a run
that wrote it has completed (:func:`_put_in_state`). Apart from that the server never writes into
a widget's state: a refused or invalid value is replaced by a fresh widget (the key also counts
this session's changes of the field), showing the stored value.

A replaced widget can still report a value: Streamlit drops a widget that was not drawn only
after a run that COMPLETED, so while the run that replaced it was stopped for the next click
(a burst of clicks, a crowded server) the old key's callback still runs, with whatever the old
widget in the browser sends back (its own default, after a re-draw). So the callback knows which
widget it belongs to (this session's change count of the field when it was drawn) and refuses a
value from one replaced after this session's own change: nothing is
saved, the error names the field and says to choose again (:data:`STALE`); the field keeps
showing the stored value. (A click whose widget Streamlit has already dropped never reaches a
callback: the browser shows the stored value after the re-draw.)

A callback re-checks :func:`shell.can_edit` first (refused: the view-only message, and the
stored value comes back), then calls ``save(value)``; a ``UserError`` (its message names the
field) is shown and the stored value comes back; success toasts "Saved".

    autosave.text("Measure", f"sh|{wid}|{sid}|measure", row.measure,
                  lambda v: queries.update_stakeholder(store, wid, sid, measure=v), area=True)

Writes from buttons, forms and uploads go through :func:`write` / :func:`action_button` (the
same check, the same messages).

Texts several people edit (``text(..., checked=True)``, issue #13 item 8)
    The widget remembers the text it was rendered from (its key is that text's version) and
    saves with it: ``save(value, expected=<that text>, changed_by=<participant>)``, which the
    queries layer compares with the text stored now (clusterdash.texts). When someone else saved
    the field in between, nothing is written over their text (:class:`TextConflict`) and this
    session's field enters the conflict state: it keeps the user's text (not saved, kept in the
    change history too), a plain-text warning above it names who saved theirs and when, shows
    their text, and offers "Keep mine" (save mine over theirs), "Take theirs" (the field shows
    the stored text) and "Keep both" (theirs, then mine). Editing the field meanwhile only
    changes "mine"; nothing is saved until one is chosen.

    autosave.text(name, f"canvas|{wid}|{code}", entries.get(code),
                  lambda v, **cas: queries.save_canvas_entry(store, wid, code, v, **cas),
                  area=True, checked=True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Callable, Iterable

import pandas as pd
import streamlit as st

from clusterdash import texts
from clusterdash.errors import TextConflict, UserError
from clusterdash.ui import shell
from clusterdash.ui.output import flash_error, plain

Save = Callable[[Any], Any]
SAVED = "Saved"


_ROUND = "_autosave_round"  # base key -> how often this session's callbacks ran for it


def versioned_key(base: str, stored, context=None, round_: int = 0) -> str:
    """The widget key of a value as stored now: ``base`` plus a short digest of the stored value,
    of ``context`` (what else the widget's callback writes for, e.g. the participant) and of how
    often this session has changed it (``round_``)."""
    what = repr((context, stored, round_))
    return f"{base}|v{hashlib.sha1(what.encode('utf-8')).hexdigest()[:12]}"


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _ok(message) -> None:
    if message:  # may quote what was typed: shown literally
        st.toast(plain(message), icon=":material/check_circle:", duration="short")


_SAME = object()
_SHOWN_UNKNOWN = object()  # a callback that does not know what its widget showed when drawn


STALE = ("{label}: not saved. It changed while your click was on its way (your page had not shown "
         "the latest value yet). It shows the stored value now: choose again if you still want to change it.")


def _same_value(a, b) -> bool:
    if is_missing(a) and is_missing(b):
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # e.g. arrays
        return False


def _on_change(key: str, base_key: str, save: Save, toast, answering: bool = False, round_: int | None = None,
               label: str = "", shown=_SHOWN_UNKNOWN) -> None:
    value = st.session_state.get(key)
    if shown is not _SHOWN_UNKNOWN and _same_value(value, shown):
        # the very value this widget was drawn showing: not an edit. Streamlit can report such a
        # value as a change (a browser sending back the widget's own default while its session's
        # runs are being cut short by clicks: the 10-session maturity load test, 2026-12-02, saw one
        # session re-send ten other people's earlier answers this way, over their newer ones).
        return
    rounds = st.session_state.setdefault(_ROUND, {})
    if round_ is not None and round_ != rounds.get(base_key, 0):
        # the value of a widget this session has already replaced after its own change:
        # Streamlit still runs its callback when the run that replaced it was cut short by the
        # next click. Never saved; said so.
        flash_error(STALE.format(label=plain(label) or "This field"))
        return
    rounds[base_key] = rounds.get(base_key, 0) + 1  # whatever happens: a fresh widget, from the store
    if not (shell.can_answer() if answering else shell.can_edit()):
        flash_error(shell.view_only_reason(answering=answering))
        return
    try:
        save(value)
    except TextConflict as exc:  # only a checked text raises it: the field keeps the user's text
        _remember_conflict(base_key, exc)
        return
    except UserError as exc:
        flash_error(str(exc))
        return
    _ok(toast(value) if callable(toast) else toast)




_PUT = "_autosave_put"  # key -> the run that put its stored value into st.session_state


def _put_in_state(key: str, stored) -> None:
    """For a widget that must start from ``value=None`` (a number or date field is clearable only
    then): its stored value goes in through st.session_state, which reaches the browser only with
    the run that wrote it. So it is written when the key is new, and again on every run until a
    run that wrote it has completed (the next interaction may cut a run short before its widgets
    were sent; the browser would then show the field empty, and send that back)."""
    ss = st.session_state
    put = ss.setdefault(_PUT, {})
    done = ss.get(shell.RUN_DONE, 0)
    for k in [k for k, run in put.items() if run <= done]:
        del put[k]
    if key not in ss or key in put:
        ss[key] = stored
        put[key] = ss.get(shell.RUN_NO, 0)


def field(widget: Callable, label: str, base_key: str, stored, save: Save, *, value_arg: str = "value",
          initial=_SAME, via_state: bool = False, context=None, toast=SAVED, disabled: bool = False,
          answering: bool = False, **kwargs):
    """The one implementation: ``widget`` (an st.* input) keyed by the stored value's version and
    showing ``stored`` as its initial value (passed as ``value_arg``; ``initial`` when the widget
    wants another form of it, e.g. a selectbox's index), saving through ``save(value)``. The
    server never writes into the widget's state: a refused or invalid value gets a fresh widget
    (the key counts this session's changes), a browser that missed a re-draw gets the initial
    value with the widget itself. ``toast`` may be a function of the saved value. Returns the
    widget's value."""
    round_ = st.session_state.get(_ROUND, {}).get(base_key, 0)
    key = versioned_key(base_key, stored, context, round_)
    if via_state:
        _put_in_state(key, stored)
        kwargs[value_arg] = None
    else:
        kwargs[value_arg] = stored if initial is _SAME else initial
    may = shell.can_answer() if answering else shell.can_edit()
    # what the widget shows when drawn: the stored value (or, for a text in conflict, the user's text)
    shown = stored if initial is _SAME or value_arg == "index" else initial
    return widget(label, key=key, on_change=_on_change,
                  args=(key, base_key, save, toast, answering, round_, label, shown),
                  disabled=disabled or not may, **kwargs)


def _current_key(base_key: str, stored, context=None) -> str:
    return versioned_key(base_key, stored, context, st.session_state.get(_ROUND, {}).get(base_key, 0))


def _fmt(labels: dict | None, format_func: Callable | None):
    if format_func is not None:
        return format_func
    return lambda o: (labels or {}).get(o, str(o))


def text(label: str, base_key: str, stored, save: Save, *, area: bool = False, checked: bool = False,
         notices=None, **kwargs):
    """A text field (``area``: a text area) saved when it is left, or on Enter / Ctrl+Enter.

    ``checked``: a text several people may edit at once. ``save`` is then called as
    ``save(value, expected=<the text this widget was rendered from>, changed_by=<participant>)``
    and raises TextConflict when someone else saved the field meanwhile: see the module
    docstring (the conflict state, Keep mine / Take theirs / Keep both). ``notices``: a
    container (e.g. above a grid of narrow fields) for the conflict's warning and choices, which
    then name the field; by default they are shown right above the field. ``answering``: an
    answer (a checklist note), which participants may give and, in a conflict, keep."""
    stored = "" if is_missing(stored) else str(stored)
    widget = st.text_area if area else st.text_input
    if not checked:
        return field(widget, label, base_key, stored, save, **kwargs)
    pending = conflict_of(base_key)
    if pending is not None and texts.same(pending["mine"], stored):
        clear_conflict(base_key)  # the stored text is the user's own now (typed the same, or saved)
        pending = None
    if pending is None:
        return field(widget, label, base_key, stored, _checked_save(save, stored), **kwargs)
    pending["key"] = _current_key(base_key, stored, "conflict")  # where the choices read the user's text
    answering = bool(kwargs.get("answering"))
    if notices is None:
        _conflict_notice(base_key, pending, save, multiline=area, answering=answering)
    else:
        with notices:
            _conflict_notice(base_key, pending, save, multiline=area, named=True, answering=answering)
        who = plain(pending.get("changed_by") or "someone else")
        st.caption(f":material/warning: Not saved: {who} changed it. Your text is kept here; choose above.")
    return field(widget, label, base_key, stored, lambda v: _edit_mine(base_key, v), initial=pending["mine"],
                 context="conflict", toast=None, **kwargs)


# ---- texts several people edit: compare and set, the conflict state --------------------------------

_CONFLICT = "_autosave_conflict"  # base key -> this session's unresolved conflict of that text


def _checked_save(save: Save, loaded: str) -> Save:
    def run(value):
        return save(value, expected=loaded, changed_by=shell.current_participant())
    return run


def conflict_of(base_key: str) -> dict | None:
    """This session's unresolved conflict of a checked text: mine (the user's text, not saved),
    theirs (stored when the save was refused), changed_by, changed_at, what, field."""
    return st.session_state.get(_CONFLICT, {}).get(base_key)


def clear_conflict(base_key: str) -> None:
    st.session_state.get(_CONFLICT, {}).pop(base_key, None)


def _remember_conflict(base_key: str, exc: TextConflict) -> None:
    st.session_state.setdefault(_CONFLICT, {})[base_key] = {
        "mine": exc.mine, "theirs": exc.theirs, "changed_by": exc.changed_by, "changed_at": exc.changed_at,
        "what": exc.what, "field": exc.field,
    }
    who = exc.changed_by or "someone else"
    st.toast(f"{exc.what}, {exc.field}: not saved, {who} changed it meanwhile. Yours is kept in the field.",
             icon=":material/warning:", duration="long")


def _bump(base_key: str) -> None:
    rounds = st.session_state.setdefault(_ROUND, {})
    rounds[base_key] = rounds.get(base_key, 0) + 1


def _edit_mine(base_key: str, value) -> None:
    pending = conflict_of(base_key)
    if pending is not None:
        pending["mine"] = texts.norm(value)


def conflict_message(pending: dict) -> str:
    """The warning of a conflict, in words, short enough for a narrow canvas column (plain text:
    escape it before markdown)."""
    who = pending.get("changed_by") or "Someone else"
    at = pending.get("changed_at")
    when = f" at {at:%H:%M} UTC" if hasattr(at, "strftime") else ""
    return f"Not saved: {who} saved a different text{when} after your page had loaded it."


def _resolve(base_key: str, save: Save, both: bool, multiline: bool, answering: bool = False) -> None:
    pending = conflict_of(base_key)
    if pending is None or not shell.allowed(answering=answering):
        return
    mine = texts.norm(st.session_state.get(pending.get("key"), pending["mine"]))  # edited in the same click
    pending["mine"] = mine
    expected = pending["theirs"]
    value = texts.merge(expected, mine, multiline=multiline) if both else mine
    try:
        save(value, expected=expected, changed_by=shell.current_participant())
    except TextConflict as exc:  # changed again meanwhile: a new conflict, mine still kept
        _remember_conflict(base_key, exc)
        _bump(base_key)
        return
    except UserError as exc:
        flash_error(str(exc))
        return
    clear_conflict(base_key)
    _bump(base_key)  # a fresh widget, from the store
    _ok(SAVED)


def _take_theirs(base_key: str) -> None:
    clear_conflict(base_key)
    _bump(base_key)


def _conflict_notice(base_key: str, pending: dict, save: Save, *, multiline: bool, named: bool = False,
                     answering: bool = False) -> None:
    """Above a field in the conflict state: the warning, their text (as plain text) and the choices.
    ``named``: shown away from the field, so the warning names it. ``answering``: the text is an
    answer, so whoever may answer may keep theirs (participants too), not only the facilitator."""
    with st.container(border=True, key=f"conflict|{base_key}"):
        what = f"{pending['what']}, {pending['field']} — " if named else ""
        st.warning(plain(what + conflict_message(pending)), icon=":material/warning:")
        st.caption(plain(f"Their text ({pending.get('changed_by') or 'someone else'}), stored now:"))
        st.text(pending["theirs"] or "(empty)")
        st.caption("Yours is in the field" + (" (marked ⚠ below)" if named else " below")
                   + ", not saved yet (and kept in the change history).")
        editable = shell.can_answer() if answering else shell.can_edit()
        with st.container(horizontal=True, key=f"conflict-actions|{base_key}"):
            st.button("Keep mine", key=f"keep-mine|{base_key}", type="primary", disabled=not editable,
                      help="Save your text over theirs (theirs stays in the change history)", on_click=_resolve, args=(base_key, save, False, multiline, answering))
            st.button("Take theirs", key=f"take-theirs|{base_key}", help="Drop your text and show theirs (yours stays in the change history)",
                      on_click=_take_theirs, args=(base_key,))
            st.button("Keep both", key=f"keep-both|{base_key}", disabled=not editable,
                      help="Save their text followed by yours", on_click=_resolve, args=(base_key, save, True, multiline, answering))


def choice(label: str, options: Iterable, base_key: str, stored, save: Save, *, labels: dict | None = None,
           format_func: Callable | None = None, **kwargs):
    """A segmented control (one click on a projector) saved on click."""
    return field(st.segmented_control, label, base_key, None if is_missing(stored) else stored, save,
                 value_arg="default", options=list(options), format_func=_fmt(labels, format_func), **kwargs)


def select(label: str, options: Iterable, base_key: str, stored, save: Save, *, labels: dict | None = None,
           format_func: Callable | None = None, **kwargs):
    """A selectbox saved on change (``None`` among the options = no choice)."""
    options = list(options)
    stored = None if is_missing(stored) else stored
    return field(st.selectbox, label, base_key, stored, save, value_arg="index",
                 initial=options.index(stored) if stored in options else None, options=options,
                 format_func=_fmt(labels, format_func), **kwargs)


def number(label: str, base_key: str, stored, save: Save, **kwargs):
    """A number field saved when it is left, on Enter or on its +/− buttons (None: not entered)."""
    stored = None if is_missing(stored) else stored
    if stored is not None:  # of the type st.number_input infers from step and min_value
        step, low = kwargs.get("step"), kwargs.get("min_value")
        if isinstance(step, float) or isinstance(low, float):
            stored = float(stored)
        elif isinstance(step, int) and float(stored).is_integer():
            stored = int(stored)
    kwargs.pop("value", None)
    return field(st.number_input, label, base_key, stored, save, via_state=True, **kwargs)


def date(label: str, base_key: str, stored, save: Save, **kwargs):
    """A date field (YYYY-MM-DD) saved on change."""
    value = None if is_missing(stored) else stored
    if value is not None and not isinstance(value, dt.date):
        value = pd.Timestamp(value).date()
    elif isinstance(value, dt.datetime):
        value = value.date()
    kwargs.setdefault("format", "YYYY-MM-DD")
    return field(st.date_input, label, base_key, value, save, via_state=True, **kwargs)


def toggle(label: str, base_key: str, stored, save: Save, **kwargs):
    return field(st.toggle, label, base_key, bool(stored), save, **kwargs)


# ---- writes from buttons, forms and uploads ------------------------------------------------------

def write(fn: Callable, *args, toast: str | None = SAVED, on_error: Callable[[str], None] = flash_error,
          unlocked_only: bool = False, answering: bool = False, **kwargs) -> tuple[bool, Any]:
    """The body of a write callback: refuse when this session may not edit (checked now, not at
    render time); run ``fn(*args, **kwargs)``; on UserError pass its message to ``on_error``.
    Returns (done, fn's result)."""
    if not shell.allowed(unlocked_only=unlocked_only, answering=answering):
        return False, None
    try:
        result = fn(*args, **kwargs)
    except UserError as exc:
        on_error(str(exc))
        return False, None
    _ok(toast)
    return True, result


def action_button(label: str, key: str, fn: Callable, *args, toast: str | None = SAVED, icon: str | None = None,
                  help: str | None = None, type: str = "secondary", disabled: bool = False,
                  answering: bool = False, **kwargs) -> None:
    """A button whose action is written at once (remove a row, add the guide's examples;
    ``answering``: clear one's answer, which a participant may)."""
    may = shell.can_answer() if answering else shell.can_edit()
    st.button(label, key=key, icon=icon, help=help, type=type, disabled=disabled or not may,
              on_click=lambda: write(fn, *args, toast=toast, answering=answering), **kwargs)


def _on_add(base_key: str, key: str, add: Callable[[str], Any], toast) -> None:
    value = (st.session_state.get(key) or "").strip()
    if not value:
        return
    done, _ = write(add, value, toast=toast)
    if done:  # a fresh, empty field: a new key (a stale resend of this text is dropped)
        gen = f"_gen|{base_key}"
        st.session_state[gen] = st.session_state.get(gen, 0) + 1


def adder(label: str, base_key: str, add: Callable[[str], Any], *, toast: str | None = "Added", **kwargs) -> None:
    """A text field that adds a row (``add(text)``) when Enter is pressed or the field is left, and
    then starts empty again."""
    key = f"{base_key}|n{st.session_state.get(f'_gen|{base_key}', 0)}"
    st.text_input(label, key=key, on_change=_on_add, args=(base_key, key, add, toast),
                  disabled=kwargs.pop("disabled", False) or not shell.can_edit(), **kwargs)
