"""Streamlit helpers shared by the pages: the store connection, the current workspace,
downloads with their source line, grids, errors. The only module of the package (with
pages/ and app.py) that imports Streamlit.

User text is never rendered as HTML: use :func:`plain` (or st.text / dataframes), never
``unsafe_allow_html`` with anything a user typed.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Sequence

import pandas as pd
import streamlit as st

from clusterdash import config, queries
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


def _leave_legacy_multipage_mode() -> None:
    """Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until app.py has
    called st.navigation once. When the first visit after a server start is a deep link
    (``/sources?ws=...``, e.g. a reload after a restart) the page would run without app.py.
    Switch to st.navigation mode and rerun: the same URL then runs through app.py."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# ---- workspace (in the URL: ?ws=...) -------------------------------------------------------

def current_workspace(store: Store) -> str:
    """The workspace of this browser tab: ``?ws=`` in the URL, else the one this session used,
    else the default workspace (created on a first visit). Always written back to the URL so a
    reload or a shared link lands on the same state."""
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
    if st.query_params.get("ws") != wid:
        st.query_params["ws"] = wid
    return wid


def is_presenting() -> bool:
    """Presentation (workshop) mode: ``&present=1`` in the URL."""
    return st.query_params.get("present") == "1"


def can_edit() -> bool:
    """Whether this browser session may change data. Without a facilitator passcode configured
    ClusterDash runs in single-user local mode and everyone may edit."""
    from clusterdash import access

    if not access.passcode_configured():
        return True
    return bool(st.session_state.get("_unlocked"))


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

def csv_bytes(df: pd.DataFrame, *, source: str, units: str | None = None) -> bytes:
    """CSV of exactly ``df``, preceded by '# source: ...' and '# units: ...' comment lines
    (read it back with ``pd.read_csv(f, comment='#')``)."""
    buf = io.StringIO()
    buf.write(f"# source: {source}\n")
    if units:
        buf.write(f"# units: {units}\n")
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map({True: "true", False: "false"})
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


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

def sidebar(store: Store) -> None:
    """Workspace in use and, when a passcode is configured, the unlock form."""
    wid = current_workspace(store)
    if is_presenting():
        return
    ws = queries.get_workspace(store, wid) or {"name": wid}
    with st.sidebar:
        st.caption("Workspace")
        st.markdown(f"**{plain(ws['name'])}**")
        unlock_form()


def unlock_form() -> None:
    from clusterdash import access

    if not access.passcode_configured() or st.session_state.get("_unlocked"):
        return
    throttle = st.session_state.setdefault("_throttle", access.Throttle())
    with st.form("unlock", border=False):
        st.caption("View only. Enter the facilitator passcode to make changes.")
        given = st.text_input("Passcode", type="password")
        if st.form_submit_button("Unlock"):
            ok, msg = access.try_unlock(given, throttle)
            if ok:
                st.session_state["_unlocked"] = True
                st.success(msg)
                st.rerun()
            else:
                st.error(msg)


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


def tk_error(text: str) -> None:
    """An error from a toolkit callback: a toast now and an error box at the top of the page."""
    st.session_state.setdefault("_flash", []).append(text)
    st.toast(text, icon=":material/error:")


def tk_show_errors() -> None:
    for text in st.session_state.pop("_flash", []):
        st.error(text, icon=":material/error:")


def tk_run(fn, *args, revert_key: str | None = None, toast: str | None = "Saved", **kwargs) -> None:
    """Callback body: refuse when this session may not edit; run ``fn``; on UserError show the
    message and put the widget back to what was stored."""
    def revert():
        if revert_key is not None:
            st.session_state[revert_key] = st.session_state.get("_tk_seen", {}).get(revert_key)

    if not can_edit():
        revert()
        tk_error("View only: this session cannot change the workspace.")
        return
    try:
        fn(*args, **kwargs)
    except UserError as exc:
        revert()
        tk_error(str(exc))
        return
    if toast:
        st.toast(toast, icon=":material/check_circle:")


def _tk_save_value(key: str, write) -> None:
    tk_run(lambda: write(st.session_state.get(key)), revert_key=key)


def tk_text(label: str, key: str, stored, write, *, area: bool = False, height: int | None = None,
            placeholder: str | None = None, label_visibility: str = "visible", max_chars: int | None = None,
            help: str | None = None) -> None:
    """A text field saved when it is left (or Enter / Ctrl+Enter); ``write(value)`` stores it."""
    tk_sync(key, "" if stored is None or (isinstance(stored, float) and pd.isna(stored)) else str(stored))
    kw = dict(key=key, on_change=_tk_save_value, args=(key, write), placeholder=placeholder, disabled=not can_edit(),
              label_visibility=label_visibility, max_chars=max_chars, help=help)
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
              label_visibility: str = "visible", help: str | None = None, format: str | None = None) -> None:
    tk_sync(key, None if stored is None or pd.isna(stored) else float(stored))
    st.number_input(label, key=key, min_value=min_value, max_value=max_value, step=step, on_change=_tk_save_value,
                    args=(key, write), disabled=not can_edit(), label_visibility=label_visibility, help=help,
                    format=format)


def _tk_add(key: str, add) -> None:
    text = (st.session_state.get(key) or "").strip()
    if not text:
        return
    if not can_edit():
        tk_error("View only: this session cannot change the workspace.")
        return
    try:
        add(text)
    except UserError as exc:
        tk_error(str(exc))
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
    tk_show_errors()
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
