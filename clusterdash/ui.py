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
