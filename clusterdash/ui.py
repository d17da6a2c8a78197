"""Streamlit helpers shared by the pages: the store connection, the current workspace,
downloads with their source line, grids, errors. The only module of the package (with
pages/ and app.py) that imports Streamlit.

User text is never rendered as HTML: use :func:`plain` (or st.text / dataframes), never
``unsafe_allow_html`` with anything a user typed.
"""

from __future__ import annotations

import hashlib
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

import pandas as pd
import streamlit as st

from clusterdash import config, queries
from clusterdash.export import csv_bytes  # noqa: F401  (re-exported: ui.csv_bytes)
from clusterdash.errors import UserError
from clusterdash.store import Store, open_store


# ---- the store ---------------------------------------------------------------------------

@st.cache_resource(show_spinner="Opening the ClusterDash store…")
def _store_for(path: str) -> Store:
    return open_store(path)


def get_store() -> Store:
    """The server's one connection to the store (opened and, if needed, built on first use)."""
    _leave_legacy_multipage_mode()
    return _store_for(str(config.db_path()))


_RUN = threading.local()  # Streamlit runs each session's script in its own thread


@contextmanager
def app_run():
    """Wraps app.py's whole run: pages run inside it know they came through the app shell."""
    _RUN.through_app = True
    try:
        yield
    finally:
        _RUN.through_app = False


def enter_navigation_mode() -> None:
    """Called first thing by app.py: this run goes through st.navigation (not Streamlit's
    v1 ``pages/``-folder mode)."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def _leave_legacy_multipage_mode() -> None:
    """Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until app.py has
    called st.navigation once. A deep link as the first visit after a server start
    (``/sources?ws=...``, e.g. everyone reloading after a restart) then runs the page without
    app.py. Any run that did not come through app.py switches to st.navigation mode and reruns,
    so the same URL runs through app.py — for every session, not only the first one."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(_RUN, "through_app", False):
        return
    PagesManager.uses_pages_directory = False
    # AppTest resets the flag before every run and replays the last page directly; a rerun
    # there would only swallow the button click that started the run. A real server (a genuine
    # Runtime) reruns, through app.py.
    if type(Runtime._instance) is Runtime:
        st.rerun()


# ---- workspace (in the URL: ?ws=...) -------------------------------------------------------

def current_workspace(store: Store) -> str:
    """The workspace of this browser tab: ``?ws=`` in the URL, else the one this session used,
    else the default workspace (created on a first visit). Always written back to the URL so a
    reload, a page change or a shared link lands on the same state (st.navigation drops query
    parameters when the user switches pages; the session's ``_ws`` puts it back). An archived
    workspace opened through its link is shown read-only (see :func:`can_edit`)."""
    wid = st.query_params.get("ws")
    if wid == "default" and not queries.get_workspace(store, wid):
        wid = queries.default_workspace(store)
    if wid and not queries.get_workspace(store, wid):
        st.warning(f"Workspace “{plain(wid)}” does not exist; showing the default workspace.")
        wid = None
    if not wid:
        wid = st.session_state.get("_ws")
        if wid and not queries.get_workspace(store, wid):
            wid = None
    if not wid:
        wid = queries.default_workspace(store)
    st.session_state["_ws"] = wid
    st.session_state["_ws_archived"] = queries.is_workspace_archived(store, wid)
    if st.query_params.get("ws") != wid:
        st.query_params["ws"] = wid
    return wid


def switch_workspace(workspace_id: str) -> None:
    """Open another workspace in this tab (usable as a widget callback)."""
    st.session_state["_ws"] = workspace_id
    st.query_params["ws"] = workspace_id


def is_presenting() -> bool:
    """Presentation (workshop) mode: ``&present=1`` in the URL."""
    return st.query_params.get("present") == "1"


def set_presenting(on: bool) -> None:
    """Enter or leave presentation mode (usable as a widget callback)."""
    if on:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def can_edit() -> bool:
    """Whether this browser session may change data: not when the workspace is archived, and,
    when a facilitator passcode is configured, only after unlocking. Without a passcode
    ClusterDash runs in single-user local mode and everyone may edit."""
    if st.session_state.get("_ws_archived"):
        return False
    return is_unlocked()


def is_unlocked() -> bool:
    """Whether this session passed the facilitator passcode (always, when none is configured).
    Managing workspaces (create, rename, archive, restore) needs only this."""
    from clusterdash import access

    if not access.passcode_configured():
        return True
    return bool(st.session_state.get("_unlocked"))


def view_only_reason() -> str | None:
    """Why this session cannot change anything (None when it can)."""
    from clusterdash import access

    if st.session_state.get("_ws_archived"):
        return "This workspace is archived: it is shown read-only. Restore it on the Workspaces page to change it."
    if access.passcode_configured() and not st.session_state.get("_unlocked"):
        where = "above" if is_presenting() else "in the sidebar"
        return f"View only: enter the facilitator passcode {where} to make changes."
    return None


def edit_notice() -> None:
    """A notice at the top of an editing page when this session may not edit."""
    reason = view_only_reason()
    if reason:
        st.info(reason, icon=":material/lock:")


# ---- who is answering (a name per browser session) ------------------------------------------

DEFAULT_PERSON = "Facilitator"


def current_person() -> str:
    """The name stored with this session's changes ('Facilitator' until the user gives one)."""
    return st.session_state.get("_who") or DEFAULT_PERSON


def _on_person_change() -> None:
    from clusterdash import checklists

    try:
        st.session_state["_who"] = checklists.clean_person(st.session_state.get("_who_input"))
    except UserError as exc:
        st.session_state["_who_input"] = current_person()
        flash_error(str(exc))


def person_input() -> None:
    st.session_state["_who_input"] = current_person()
    st.text_input(
        "Your name", key="_who_input", on_change=_on_person_change, max_chars=60,
        help="Shown with every change you make, so others see who changed what and when.",
    )


# ---- messages from callbacks ------------------------------------------------------------------

def flash_error(text: str) -> None:
    """An error raised in a widget callback: shown as a toast at once and at the top of the page."""
    st.session_state.setdefault("_flash", []).append(text)
    st.toast(text, icon=":material/error:")


def show_flash() -> None:
    for text in st.session_state.pop("_flash", []):
        st.error(text, icon=":material/error:")


# ---- text ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text) -> str:
    """Escape markdown so user text shows literally inside st.markdown / st.caption."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def source_line(source: str, units: str | None = None) -> None:
    parts = []
    if units:
        parts.append(f"Units: {units}")
    parts.append(f"Source: {source}")
    st.caption(plain(" · ".join(parts)))


def show_error(exc: Exception) -> None:
    st.error(str(exc), icon=":material/error:")


# ---- downloads -------------------------------------------------------------------------

def download_csv(df: pd.DataFrame, filename: str, *, source: str, units: str | None = None,
                 label: str = "Download CSV", key: str | None = None) -> None:
    st.download_button(
        label,
        data=csv_bytes(df, source=source, units=units),
        file_name=filename,
        mime="text/csv",
        icon=":material/download:",
        key=key or f"dl-{filename}",
    )


# ---- grids -----------------------------------------------------------------------------

def data_grid(df: pd.DataFrame, *, key: str, height: int = 420, column_widths: dict | None = None,
              wrap: Sequence[str] = (), selectable: bool = False) -> pd.DataFrame:
    """A read-only AgGrid of ``df``: sortable, resizable, text shown as text (never HTML),
    long cells wrapped to three lines with the full text as a tooltip. With ``selectable``,
    clicking a row selects it; returns the selected rows (empty when none)."""
    from st_aggrid import AgGrid, GridOptionsBuilder

    gb = GridOptionsBuilder.from_dataframe(df)
    gb.configure_default_column(sortable=True, resizable=True, filter=False, editable=False)
    for c in df.columns:
        gb.configure_column(c, tooltipField=c)
    for c in wrap:
        if c in df.columns:
            gb.configure_column(c, wrapText=True, autoHeight=False, minWidth=260, flex=3 if c == wrap[0] else 2,
                                cellStyle={"lineHeight": "1.35", "whiteSpace": "normal"})
    for c, w in (column_widths or {}).items():
        if c in df.columns:
            gb.configure_column(c, width=w, minWidth=w)
    if selectable:
        gb.configure_selection("single", use_checkbox=False)
    options = gb.build()
    options["rowHeight"] = 64 if wrap else 32
    options["tooltipShowDelay"] = 300
    response = AgGrid(
        df,
        gridOptions=options,
        height=height,
        key=key,
        theme="streamlit",
        show_search=False,
        show_download_button=False,
        allow_unsafe_jscode=False,
        update_on=["selectionChanged"] if selectable else [],
    )
    if not selectable or response is None:
        return df.iloc[0:0]
    try:
        selected = response.selected_data
    except Exception:  # no selection reported yet
        return df.iloc[0:0]
    return selected if isinstance(selected, pd.DataFrame) else df.iloc[0:0]


def page_intro(title: str, intro: str) -> None:
    st.title(title)
    if intro:
        st.markdown(intro)


def repo_path(rel: str) -> Path:
    return config.REPO_ROOT / rel


# ---- sidebar shared by every page -----------------------------------------------------------

WORKSPACES_PAGE = "pages/workspaces.py"


def sidebar(store: Store) -> None:
    """Run by app.py before every page: the workspace switcher, the user's name, the
    presentation toggle and, when a passcode is configured, the unlock form. In presentation
    mode: no sidebar and chrome, large type, and a slim bar with 'Exit presentation'."""
    wid = current_workspace(store)
    show_flash()
    if is_presenting():
        presentation_bar()
        return
    with st.sidebar:
        workspace_switcher(store, wid)
        person_input()
        st.toggle(
            "Presentation mode", value=False, key="_present_toggle", on_change=set_presenting, args=(True,),
            help="For a projector: no sidebar, large type, high contrast. Also in the URL as &present=1.",
        )
        unlock_form()


def workspace_switcher(store: Store, wid: str) -> None:
    """A compact selectbox of the active workspaces (plus this one, when it is archived)."""
    from clusterdash import workspaces

    active = queries.list_workspaces(store).to_dict("records")
    by_id = {w["workspace_id"]: w for w in active}
    if wid not in by_id:
        ws = queries.get_workspace(store, wid)
        if ws:
            by_id = {wid: ws, **by_id}
    labels = {k: workspaces.label(w) + (" (archived)" if pd.notna(w.get("archived_at")) else "") for k, w in by_id.items()}
    st.session_state["_ws_switch"] = wid

    def on_switch():
        switch_workspace(st.session_state["_ws_switch"])

    st.selectbox(
        "Workspace", list(by_id), key="_ws_switch", format_func=lambda k: labels.get(k, k), on_change=on_switch,
        help="Everything you answer is saved in this workspace. Its link (?ws=…) opens it again.",
    )
    st.page_link(WORKSPACES_PAGE, label="Manage workspaces", icon=":material/folder_open:", query_params={"ws": wid})


def unlock_form(*, in_main: bool = False) -> None:
    """The facilitator passcode form (when a passcode is configured and this session is locked),
    or a 'Lock' button once unlocked. Attempts are throttled per session and server-wide."""
    from clusterdash import access

    if not access.passcode_configured():
        return
    try:
        access.configured_passcode()
    except access.AccessConfigError as exc:
        st.error(str(exc), icon=":material/lock:")
        return
    if st.session_state.get("_unlocked"):
        if not in_main and st.button("Lock (view only)", key="_lock", icon=":material/lock:",
                                     help="Stop editing in this browser session; the passcode unlocks again."):
            st.session_state["_unlocked"] = False
            st.rerun()
        return
    throttle = st.session_state.setdefault("_throttle", access.Throttle())
    with st.form("unlock", border=False):
        st.caption("View only. Enter the facilitator passcode to make changes.")
        given = st.text_input("Passcode", type="password", key="_passcode")
        if st.form_submit_button("Unlock", icon=":material/lock_open:"):
            ok, msg = access.try_unlock(given, throttle)
            if ok:
                st.session_state["_unlocked"] = True
                st.rerun()
            else:
                st.error(msg)


# ---- presentation (workshop) mode ---------------------------------------------------------------

PRESENTATION_CSS = config.REPO_ROOT / "clusterdash" / "assets" / "present.css"


def presentation_bar() -> None:
    """Presentation mode: our static stylesheet (hides Streamlit's header, toolbar and sidebar;
    large type, high contrast), an 'Exit presentation' button (Esc) and, while locked, the
    passcode form."""
    st.html(PRESENTATION_CSS)
    with st.container(horizontal=True, horizontal_alignment="right", key="present-bar"):
        st.button("Exit presentation", key="_exit_present", icon=":material/close_fullscreen:", shortcut="Esc",
                  on_click=set_presenting, args=(False,), help="Exit presentation (Esc)")
    if view_only_reason() and not st.session_state.get("_ws_archived"):
        with st.expander("Facilitator: unlock to record answers", icon=":material/lock:"):
            unlock_form(in_main=True)


# ---- answer controls (checklist items, workshop cards) -------------------------------------------

def answer_key(workspace_id: str, field: str, item_key: str, scope: str = "") -> str:
    return f"ans|{scope}|{workspace_id}|{field}|{item_key}"


def versioned_key(base: str, stored) -> str:
    """The widget key of an answer as stored now: ``base`` plus a short digest of the stored value.

    When anyone changes the answer, the widget gets a new key and starts from the new stored
    value. A browser that has not yet rendered that change still holds the old widget and may
    send its old value back with its next click; that value belongs to a key that no longer
    exists, so Streamlit drops it instead of taking it for an edit (which would save the stale
    value over the other person's answer). The server never writes into a live widget's state."""
    digest = hashlib.sha1(repr(stored).encode("utf-8")).hexdigest()[:12]
    return f"{base}|v{digest}"


def _init_widget(key: str, stored) -> None:
    if key not in st.session_state:
        st.session_state[key] = stored


def _display(field: str, value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None if field == "status" else ""
    return value


def _save_checklist_field(store: Store, workspace_id: str, item_key: str, field: str, key: str, stored) -> None:
    """Widget callback: write one field of one item's answer at once, in one transaction. On
    refusal the widget goes back to ``stored``, the value it was rendered with."""
    value = st.session_state.get(key)
    if not can_edit():
        st.session_state[key] = stored
        flash_error(view_only_reason() or "View only.")
        return
    try:
        queries.save_checklist_answer(store, workspace_id, item_key, field, value, changed_by=current_person())
    except UserError as exc:
        st.session_state[key] = stored
        flash_error(str(exc))
        return
    st.toast("Saved", icon=":material/check_circle:", duration="short")


def checklist_status_control(store: Store, workspace_id: str, item: dict, *, scope: str = "",
                             label_visibility: str = "collapsed") -> None:
    """The status of one checklist item (done / in progress / not yet / N/A), saved on click.
    Clicking the selected status again clears it."""
    from clusterdash import checklists

    stored = _display("status", item.get("status"))
    key = versioned_key(answer_key(workspace_id, "status", item["item_key"], scope), stored)
    _init_widget(key, stored)
    st.segmented_control(
        "Status", list(checklists.STATUSES), format_func=checklists.STATUS_LABELS.get, key=key,
        on_change=_save_checklist_field, args=(store, workspace_id, item["item_key"], "status", key, stored),
        disabled=not can_edit(), label_visibility=label_visibility, width="content",
        help=checklists.status_hint(item["kind"]),
    )


def checklist_text_control(store: Store, workspace_id: str, item: dict, field: str, *, scope: str = "",
                           label: str | None = None, placeholder: str = "") -> None:
    """The note or owner of one checklist item, saved when the field is left or Enter is pressed."""
    from clusterdash import checklists

    stored = _display(field, item.get(field))
    key = versioned_key(answer_key(workspace_id, field, item["item_key"], scope), stored)
    _init_widget(key, stored)
    st.text_input(
        label or field.capitalize(), key=key, max_chars=checklists.MAX_LENGTH[field], placeholder=placeholder,
        on_change=_save_checklist_field, args=(store, workspace_id, item["item_key"], field, key, stored),
        disabled=not can_edit(), label_visibility="collapsed" if not label else "visible",
    )


def who_when(item: dict) -> str:
    """'Done · changed by Anna, 2026-03-05 14:02 CET' in the browser's time zone (UTC when unknown)."""
    from clusterdash import checklists

    tz = None
    try:
        tz = st.context.timezone
    except Exception:  # no browser context (AppTest)
        tz = None
    effective = item.get("status_effective") or checklists.NO_ANSWER
    status = "No status yet" if effective == checklists.NO_ANSWER else checklists.STATUS_NAMES[effective]
    ww = checklists.who_when(item, tz_name=tz)
    return f"{status} · {ww}" if ww else status


# ---- toolkit (issue 4): widgets that save as they are used, and the tools' common header ---------
#
# Each widget shows the stored value (re-read from the store on every run) and writes through
# its on_change callback at once, one transaction per change; bad input is refused with a
# message naming row and field, and the widget goes back to the stored value.

def tk_sync(key: str, stored) -> None:
    """Put the stored value into widget ``key`` when the store changed since this session last
    saw it (a reload, another window, a normalised save); leave it alone otherwise."""
    seen = st.session_state.setdefault("_tk_seen", {})
    if key not in st.session_state or seen.get(key, "\0unset") != stored:
        st.session_state[key] = stored
    seen[key] = stored


def tk_run(fn, *args, revert_key: str | None = None, toast: str | None = "Saved", **kwargs) -> None:
    """Callback body: refuse when this session may not edit; run ``fn``; on UserError show the
    message and put the widget back to what was stored."""
    def revert():
        if revert_key is not None:
            st.session_state[revert_key] = st.session_state.get("_tk_seen", {}).get(revert_key)

    if not can_edit():
        revert()
        flash_error("View only: this session cannot change the workspace.")
        return
    try:
        fn(*args, **kwargs)
    except UserError as exc:
        revert()
        flash_error(str(exc))
        return
    if toast:
        st.toast(toast, icon=":material/check_circle:")


def _tk_save_value(key: str, write) -> None:
    tk_run(lambda: write(st.session_state.get(key)), revert_key=key)


def tk_text(label: str, key: str, stored, write, *, area: bool = False, height: int | None = None,
            placeholder: str | None = None, label_visibility: str = "visible", max_chars: int | None = None,
            help: str | None = None, width: int | str = "stretch") -> None:
    """A text field saved when it is left (or Enter / Ctrl+Enter); ``write(value)`` stores it."""
    tk_sync(key, "" if stored is None or (isinstance(stored, float) and pd.isna(stored)) else str(stored))
    kw = dict(key=key, on_change=_tk_save_value, args=(key, write), placeholder=placeholder, disabled=not can_edit(),
              label_visibility=label_visibility, max_chars=max_chars, help=help, width=width)
    if area:
        st.text_area(label, height=height, **kw)
    else:
        st.text_input(label, **kw)


def tk_choice(label: str, options, key: str, stored, write, *, labels: dict | None = None, required: bool = True,
              label_visibility: str = "visible", help: str | None = None) -> None:
    """A segmented control (one click on a projector) saved on click."""
    tk_sync(key, None if stored is None or (isinstance(stored, float) and pd.isna(stored)) else stored)
    st.segmented_control(
        label, list(options), key=key, format_func=(lambda o: (labels or {}).get(o, str(o))), required=required,
        on_change=_tk_save_value, args=(key, write), disabled=not can_edit(), label_visibility=label_visibility,
        help=help,
    )


def tk_select(label: str, options, key: str, stored, write, *, labels: dict | None = None,
              label_visibility: str = "visible", help: str | None = None) -> None:
    """A selectbox saved on change (``None`` among the options = no choice)."""
    tk_sync(key, None if stored is None or (isinstance(stored, float) and pd.isna(stored)) else stored)
    st.selectbox(label, list(options), key=key, format_func=(lambda o: (labels or {}).get(o, str(o))),
                 on_change=_tk_save_value, args=(key, write), disabled=not can_edit(),
                 label_visibility=label_visibility, help=help)


def tk_date(label: str, key: str, stored, write, *, label_visibility: str = "visible") -> None:
    tk_sync(key, None if stored is None or (not isinstance(stored, str) and pd.isna(stored)) else stored)
    st.date_input(label, value=None, key=key, on_change=_tk_save_value, args=(key, write), disabled=not can_edit(),
                  label_visibility=label_visibility, format="YYYY-MM-DD")


def tk_number(label: str, key: str, stored, write, *, min_value: float, max_value: float, step: float,
              label_visibility: str = "visible", help: str | None = None, format: str | None = None,
              width: int | str = "stretch") -> None:
    tk_sync(key, None if stored is None or pd.isna(stored) else float(stored))
    st.number_input(label, key=key, min_value=min_value, max_value=max_value, step=step, on_change=_tk_save_value,
                    args=(key, write), disabled=not can_edit(), label_visibility=label_visibility, help=help,
                    format=format, width=width)


def _tk_add(key: str, add) -> None:
    text = (st.session_state.get(key) or "").strip()
    if not text:
        return
    if not can_edit():
        flash_error("View only: this session cannot change the workspace.")
        return
    try:
        add(text)
    except UserError as exc:
        flash_error(str(exc))
        return
    st.session_state[key] = ""
    st.toast("Added", icon=":material/check_circle:")


def tk_adder(label: str, key: str, add, *, placeholder: str | None = None,
             label_visibility: str = "visible") -> None:
    """A text field that adds a row when Enter is pressed (or the field is left) and then empties."""
    st.text_input(label, key=key, on_change=_tk_add, args=(key, add), placeholder=placeholder,
                  disabled=not can_edit(), label_visibility=label_visibility)


def tk_button(label: str, key: str, fn, *args, icon: str | None = None, help: str | None = None,
              toast: str | None = "Saved", type: str = "secondary") -> None:
    """A button whose action is written at once (remove a row, add the guide's examples)."""
    st.button(label, key=key, icon=icon, help=help, disabled=not can_edit(), type=type,
              on_click=lambda: tk_run(fn, *args, toast=toast))


def toolkit_header(store: Store, tool_code: str) -> str:
    """Title, what the tool is for, where the guide uses it (stage › step, with source), links to
    the other tools (they keep the workspace and presentation mode). Returns the workspace id."""
    from clusterdash import toolkit

    tool = toolkit.get_tool(tool_code)
    wid = current_workspace(store)
    ws = queries.get_workspace(store, wid) or {"name": wid}
    params = {"ws": wid, **({"present": "1"} if is_presenting() else {})}
    with st.container(horizontal=True, key=f"tk-nav-{tool_code}"):
        st.page_link(toolkit.OVERVIEW_PAGE, label="Toolkit", icon=":material/handyman:", query_params=params)
        for t in toolkit.TOOLS:
            st.page_link(t.page, label=t.title, icon=t.icon, query_params=params, disabled=t.tool_code == tool_code)
    st.title(tool.title)
    st.markdown(f"{tool.summary} Saved in workspace **{plain(ws['name'])}** as you go: no save button.")
    uses = queries.toolkit_phase_tools(store, tool.phase_tool_codes)
    if len(uses):
        steps = " · ".join(
            f"{u.stage_name}, step {int(u.step_no)}" + (f" ({u.step_question})" if u.step_question else "")
            for u in uses.drop_duplicates(["stage_code", "step_no"]).itertuples()
        )
        st.caption(plain(f"Where the guide uses it: {steps}"))
        with st.expander("How the guide describes this tool", icon=":material/menu_book:"):
            for u in uses.itertuples():
                st.markdown(f"**{plain(u.tool_name)}** — {plain(u.stage_name)}, step {int(u.step_no)}"
                            + (f": {plain(u.how_to)}" if u.how_to else ""))
                source_line(u.source)
    show_flash()
    if not can_edit():
        st.info("View only: this session cannot change the workspace.", icon=":material/lock:")
    return wid


def toolkit_notes(store: Store, tool_code: str, *, title: str = "From the guide", expander: bool = True) -> None:
    """The guide's passages on a tool (kb_toolkit_note), each with its source."""
    notes = queries.toolkit_notes(store, tool_code)
    if notes.empty:
        return

    def body():
        for n in notes.itertuples():
            st.markdown(f"**{plain(n.heading)}** — {plain(n.text)}")
            source_line(n.source)

    if not expander:
        st.markdown(f"**{plain(title)}**")
        body()
        return
    with st.expander(title, icon=":material/menu_book:"):
        body()

# ---- end of toolkit section (issue 4) ------------------------------------------------------------


# ---- maturity assessment (issue 4): choosing an assessment, who answers, answer controls ----------
# Used by pages/assessment*.py and usable from any page (e.g. a presentation card deck):
# assessment_answer_control() saves one participant's answer to one statement on click.

ASSESSMENT_PAGE = "pages/assessment.py"
_MAT_SEEN = "_mat_seen"
_MAT_UNSET = object()


def assessment_questionnaire(store: Store):
    """The questionnaire (statements, dimensions, checks) as a maturity.Questionnaire."""
    from clusterdash import maturity

    return maturity.Questionnaire.from_frames(
        queries.assessment_statements(store), queries.assessment_dimensions(store), queries.assessment_checks(store)
    )


def _mat_sync(key: str, stored) -> None:
    """Show the stored value in widget ``key`` when the store changed since this session last saw
    it (another participant's session, a reload, another assessment); otherwise leave it."""
    seen = st.session_state.setdefault(_MAT_SEEN, {})
    if key not in st.session_state or seen.get(key, _MAT_UNSET) != stored:
        st.session_state[key] = stored
    seen[key] = stored


def _mat_set_assessment(workspace_id: str, assessment_id: str | None) -> None:
    st.session_state[f"_mat_a|{workspace_id}"] = assessment_id
    if assessment_id:
        st.query_params["a"] = assessment_id
    elif "a" in st.query_params:
        del st.query_params["a"]


def current_assessment_id(store: Store, workspace_id: str) -> str | None:
    """The assessment of this tab: ``?a=`` in the URL, else the one this session last used in the
    workspace, else the workspace's newest; written back to the URL."""
    ids = list(queries.list_assessments(store, workspace_id)["assessment_id"])
    want = st.query_params.get("a") or st.session_state.get(f"_mat_a|{workspace_id}")
    if want not in ids:
        if st.query_params.get("a"):
            st.warning("The assessment in the link does not exist in this workspace; showing the newest one.")
        want = ids[0] if ids else None
    if st.query_params.get("a") != want or st.session_state.get(f"_mat_a|{workspace_id}") != want:
        _mat_set_assessment(workspace_id, want)
    return want


def assessment_selector(store: Store, workspace_id: str, *, allow_create: bool = True) -> dict | None:
    """Pick the assessment to work on (kept in the URL as ?a=), or create a new one. Returns the
    assessment (with its initiative's name) or None when the workspace has none yet."""
    from clusterdash import maturity

    aid = current_assessment_id(store, workspace_id)
    rows = queries.list_assessments(store, workspace_id)
    if len(rows):
        labels = {
            r.assessment_id: f"{r.initiative_name or r.initiative_id} — {pd.Timestamp(r.assessed_on).date().isoformat()}"
            + (f" — {r.label}" if r.label else "")
            + f" ({int(r.participants)} participant{'s' if r.participants != 1 else ''}, {int(r.answers)} answers)"
            for r in rows.itertuples()
        }
        key = f"_mat_pick|{workspace_id}"
        if st.session_state.get(key) != aid:
            st.session_state[key] = aid
        st.selectbox(
            "Assessment", list(labels), key=key, format_func=lambda k: labels.get(k, k),
            on_change=lambda: _mat_set_assessment(workspace_id, st.session_state[key]),
            help="Assessments of this workspace: a cluster initiative and a date. Its link (?a=…) opens it again.",
        )
    if allow_create:
        _new_assessment_form(store, workspace_id, expanded=not len(rows))
    if not aid:
        return None
    a = queries.get_assessment(store, workspace_id, aid)
    if a is not None:
        a["stage_name_catalogue"] = maturity.stage_name(a.get("initiative_stage_code")) if a.get("initiative_stage_code") else None
    return a


def _mat_create_assessment(store: Store, workspace_id: str) -> None:
    """Form callback: create the assessment from the form's fields and open it."""
    if not can_edit():
        flash_error(view_only_reason() or "View only.")
        return
    ss = st.session_state
    try:
        new = queries.create_assessment(store, workspace_id, ss.get("mat_new_initiative"), ss.get("mat_new_date"),
                                        ss.get("mat_new_label"))
    except UserError as exc:
        flash_error(str(exc))
        return
    _mat_set_assessment(workspace_id, new)
    st.toast("Assessment created", icon=":material/check_circle:", duration="short")


def _mat_add_initiative(store: Store) -> None:
    """Form callback: add a cluster initiative of the user's own and pick it in the form."""
    if not can_edit():
        flash_error(view_only_reason() or "View only.")
        return
    ss = st.session_state
    try:
        iid = queries.add_user_initiative(store, {k: ss.get(f"mat_ini_{k}") for k in ("name", "country", "sector", "place")})
    except UserError as exc:
        flash_error(str(exc))
        return
    ss["mat_new_initiative"] = iid
    st.toast("Initiative added: choose the date and create the assessment", icon=":material/check_circle:")


def _new_assessment_form(store: Store, workspace_id: str, *, expanded: bool) -> None:
    inits = queries.initiatives(store)
    with st.expander("New assessment", icon=":material/add_circle:", expanded=expanded):
        if not can_edit():
            st.caption(view_only_reason() or "View only.")
        names = {r.initiative_id: f"{r.name} ({r.country})" + (" — added by a user" if r.origin == "user" else "")
                 for r in inits.itertuples()}
        with st.form("mat_new_assessment", border=False, enter_to_submit=False):
            c1, c2, c3 = st.columns([3, 1.2, 2])
            c1.selectbox("Cluster initiative", list(names), format_func=lambda k: names.get(k, k), index=None,
                         placeholder="Type to search the catalogue and your own initiatives", key="mat_new_initiative")
            c2.date_input("Date", key="mat_new_date", format="YYYY-MM-DD")
            c3.text_input("Occasion (optional)", key="mat_new_label", max_chars=queries.MAX_ASSESSMENT_LABEL_CHARS,
                          placeholder="e.g. strategy workshop")
            st.form_submit_button("Create assessment", icon=":material/add:", disabled=not can_edit(),
                                  on_click=_mat_create_assessment, args=(store, workspace_id))
        with st.popover("The initiative is not in the list", icon=":material/add_location_alt:",
                        disabled=not can_edit()):
            with st.form("mat_new_initiative_form", border=False, enter_to_submit=False, clear_on_submit=True):
                st.text_input("Name", max_chars=200, key="mat_ini_name")
                st.text_input("Country", max_chars=100, key="mat_ini_country")
                st.text_input("Sector (optional)", max_chars=200, key="mat_ini_sector")
                st.text_input("City or region (optional)", max_chars=200, key="mat_ini_place")
                st.form_submit_button("Add initiative", icon=":material/add:", on_click=_mat_add_initiative,
                                      args=(store,))


def assessment_settings(store: Store, workspace_id: str, assessment: dict) -> None:
    """Change the date or occasion of an assessment (saved on change) or delete it."""
    aid = assessment["assessment_id"]
    with st.expander("Date, occasion, delete", icon=":material/edit:"):
        kd, kl = f"mat_date|{aid}", f"mat_label|{aid}"
        _mat_sync(kd, pd.Timestamp(assessment["assessed_on"]).date())
        _mat_sync(kl, assessment.get("label") or "")

        def save(field: str, key: str) -> None:
            seen = st.session_state.setdefault(_MAT_SEEN, {})
            if not can_edit():
                st.session_state[key] = seen.get(key)
                flash_error(view_only_reason() or "View only.")
                return
            try:
                if field == "date":
                    queries.update_assessment(store, workspace_id, aid, assessed_on=st.session_state[key])
                else:
                    queries.update_assessment(store, workspace_id, aid, label=st.session_state[key], set_label=True)
            except UserError as exc:
                st.session_state[key] = seen.get(key)
                flash_error(str(exc))
                return
            seen[key] = st.session_state[key]
            st.toast("Saved", icon=":material/check_circle:", duration="short")

        c1, c2 = st.columns([1, 3])
        c1.date_input("Date", key=kd, format="YYYY-MM-DD", on_change=save, args=("date", kd), disabled=not can_edit())
        c2.text_input("Occasion", key=kl, max_chars=queries.MAX_ASSESSMENT_LABEL_CHARS, on_change=save,
                      args=("label", kl), disabled=not can_edit())
        confirm = st.checkbox("Delete this assessment and all its answers", key=f"mat_del_ok|{aid}",
                              disabled=not can_edit())
        def delete() -> None:
            if not can_edit():
                flash_error(view_only_reason() or "View only.")
                return
            queries.delete_assessment(store, workspace_id, aid)
            _mat_set_assessment(workspace_id, None)
            st.toast("Assessment deleted", icon=":material/delete:")

        st.button("Delete assessment", icon=":material/delete:", disabled=not (confirm and can_edit()),
                  key=f"mat_del|{aid}", type="primary", on_click=delete)


def assessment_participant() -> str:
    """The name this browser session answers under (:func:`current_person`, shared with the other
    pages), with a field to change it. Also kept in the URL (&who=) so a reload answers as the
    same person."""
    who = st.query_params.get("who")
    if who and not st.session_state.get("_who"):
        try:
            st.session_state["_who"] = queries.check_participant(who)
        except UserError:
            del st.query_params["who"]
        else:
            st.rerun()
    person = current_person()
    key = "mat_who"

    def change() -> None:
        try:
            name = queries.check_participant(st.session_state[key])
        except UserError as exc:
            st.session_state[key] = current_person()
            flash_error(str(exc))
            return
        st.session_state["_who"] = name
        st.session_state[key] = name
        st.query_params["who"] = name

    st.session_state[key] = person
    st.text_input(
        "Answering as", key=key, on_change=change, max_chars=queries.MAX_PARTICIPANT_CHARS,
        help="Each participant or group answers under their own name; the workshop page shows everyone's answers "
             "together. Everyone on one device? Agree the answers together under one name.",
    )
    if person != DEFAULT_PERSON and st.query_params.get("who") != person:
        st.query_params["who"] = person
    return person


def _mat_save_answer(store: Store, workspace_id: str, assessment_id: str, statement_code: str,
                     participant: str, key: str) -> None:
    """Widget callback: write this one answer at once (one transaction)."""
    seen = st.session_state.setdefault(_MAT_SEEN, {})
    value = st.session_state.get(key)
    if not can_edit():
        st.session_state[key] = seen.get(key)
        flash_error(view_only_reason() or "View only.")
        return
    try:
        queries.save_assessment_answer(store, workspace_id, assessment_id, statement_code, participant, value)
    except UserError as exc:
        st.session_state[key] = seen.get(key)
        flash_error(str(exc))
        return
    seen[key] = value
    st.toast("Answer saved" if value else "Answer removed", icon=":material/check_circle:", duration="short")


def assessment_answer_key(statement_code: str, scope: str = "") -> str:
    """Widget key of a statement's answer control (CSS class st-key-<key> in the browser)."""
    return f"mat-ans-{scope + '-' if scope else ''}{statement_code}"


def assessment_answer_control(store: Store, workspace_id: str, assessment_id: str, statement, participant: str,
                              stored_code: str | None, *, scope: str = "", label_visibility: str = "collapsed") -> None:
    """The answer scale for one statement (not true … fully true, don't know), saved on click;
    clicking the selected answer again removes it. ``statement`` is a maturity.Statement."""
    from clusterdash import maturity

    key = assessment_answer_key(statement.statement_code, scope)
    _mat_sync(key, stored_code)
    st.segmented_control(
        statement.statement, list(maturity.ANSWER_CODES), format_func=maturity.answer_label, key=key,
        on_change=_mat_save_answer, args=(store, workspace_id, assessment_id, statement.statement_code, participant, key),
        disabled=not can_edit(), label_visibility=label_visibility, width="content",
    )


def assessment_result_summary(result, *, large: bool = False) -> None:
    """The assigned stage with next stage, answers and flags as metrics; the reasons; the
    consistency flags and coverage warnings."""
    from clusterdash import maturity

    c = st.columns(2)
    c[0].metric("Assigned stage", result.stage_name)
    c[1].metric("Next stage", maturity.stage_name(result.next_stage_code) if result.next_stage_code else "— (last stage)")
    st.caption(f"{result.n_scored_statements} of {result.n_statements} statements have a score · {result.n_answers} "
               f"answers, {result.n_dont_know_answers} of them “don't know” · {len(result.flags)} consistency "
               f"flag{'s' if len(result.flags) != 1 else ''}")
    st.markdown("\n".join(f"- {plain(r)}" for r in result.reasons))
    for w in result.warnings:
        st.warning(w, icon=":material/help:")
    for f in result.flags:
        with st.container(border=True):
            st.markdown(f":material/report: **{plain(f.title)}** — "
                        f"first statements {maturity.pct(f.strong_score)} on average, second {maturity.pct(f.weak_score)}.")
            st.markdown(plain(f.explanation))
            source_line(f.source)


def stage_recommendations_view(store: Store, workspace_id: str, q, result, st_code: str, role: str) -> None:
    """What the guide recommends for one stage (the assigned one or the next), each part with its
    source: statements still open, key actions, steps and tools (linked to the toolkit pages that
    exist), fitting policy support, lessons learned, dos & don'ts, and the 10 key questions."""
    from clusterdash import maturity, registry

    pages = registry.enabled_pages()
    wid = workspace_id
    rec = queries.stage_recommendations(store, st_code)
    open_sts = maturity.open_statements(q, result, st_code)
    if open_sts:
        st.markdown("**Not yet largely true** — " + ("what this stage still needs:" if role == maturity.CURRENT
                                                     else "what reaching this stage takes:"))
        st.markdown("\n".join(f"- {plain(d.statement)} ({maturity.pct(d.score)})" for d in open_sts))
    if len(rec["key_actions"]):
        st.subheader("Key actions")
        st.markdown("\n".join(f"{int(r.seq)}. {plain(r.key_action)}" for r in rec["key_actions"].itertuples()))
        source_line(rec["key_actions"]["source"].iloc[0])
    if len(rec["tools"]):
        st.subheader("Steps and tools")
        for step in rec["tools"].drop_duplicates("step_no").itertuples():
            st.markdown(f"**Step {int(step.step_no)}: {plain(step.step_question or '')}**")
            for tl in rec["tools"][rec["tools"]["step_no"] == step.step_no].itertuples():
                page = maturity.tool_page(tl.tool_code, pages)
                with st.expander(tl.tool_name + (" · open it in ClusterDash" if page is not None else ""),
                                 icon=":material/construction:"):
                    st.markdown(plain(tl.how_to) if tl.how_to else
                                "_The guide names this tool in its step-by-step figure without a description._")
                    source_line(tl.source)
                    if page is not None:
                        st.page_link(page.path, label=f"Open: {page.title}", icon=page.icon,
                                     query_params={"ws": wid})
    if len(rec["policy_support"]):
        st.subheader("Policy support that fits this stage")
        pol = rec["policy_support"]
        for seq, part in pol.groupby("support_seq", sort=True):
            first = part.iloc[0]
            with st.container(border=True):
                st.markdown(f"**{plain(first['list_title'])}" +
                            (f" — {plain(first['group_name'])}**" if first["group_name"] else "**"))
                st.caption(plain(f"Why here: {first['fit_reason']}"))
                for kind, title in (("description", None), ("factor", None), ("do", "Do"), ("dont", "Don't"),
                                    ("instrument", "Instruments"), ("key_question", "Key questions")):
                    items = part[part["kind"] == kind]
                    if not len(items):
                        continue
                    lines = [f"- {(plain(r.title) + ': ') if r.title else ''}{plain(r.text)}" for r in items.itertuples()]
                    st.markdown((f"**{title}**\n" if title else "") + "\n".join(lines))
                source_line(first["source"])
    if len(rec["lessons"]) or len(rec["dos_donts"]):
        st.subheader("Lessons learned and common reasons for failure")
        for r in rec["lessons"].itertuples():
            with st.expander(r.title + (f" — {r.case_name}" if r.case_name else ""), icon=":material/lightbulb:"):
                st.markdown(plain(r.lesson))
                source_line(r.source)
        if len(rec["dos_donts"]):
            for title, part in rec["dos_donts"].groupby("list_title", sort=False):
                st.markdown(f"**{plain(title)}**\n" + "\n".join(
                    f"- {'✓ Do' if r.kind == 'do' else '✗ Don’t'}: {plain(r.text)}" for r in part.itertuples()))
                source_line(part["source"].iloc[0])
    if len(rec["key_questions"]):
        st.subheader(f"The guide's {len(rec['key_questions'])} key questions of this phase")
        st.markdown("\n".join(f"{int(r.seq)}. {plain(r.key_question)}" for r in rec["key_questions"].itertuples()))
        source_line(rec["key_questions"]["source"].iloc[0])
    if st_code == "transformation":
        st.info("The guide describes the transformation stage only through its four characteristics in the "
                "four-stage overview; it gives no key actions, tools or key questions for it (its text ends "
                "inside the operationalisation phase).", icon=":material/info:")
        st.markdown("\n".join(f"- {plain(r.characteristic)}" for r in rec["characteristics"].itertuples()))
        source_line(rec["characteristics"]["source"].iloc[0])
