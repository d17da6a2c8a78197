"""Output helpers: user text shown literally, source lines, CSV downloads, grids, page titles,
errors and messages from callbacks.

User text is never rendered as HTML: use :func:`plain` (or st.text / dataframes), never
``unsafe_allow_html`` with anything a user typed.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd
import streamlit as st

from clusterdash.export import csv_bytes
from clusterdash.safe_text import clean_invisible, label_text, plain, plain_label  # noqa: F401  (re-exported by clusterdash.ui)

# ---- text ------------------------------------------------------------------------------
# plain / plain_label / label_text / html_text / plotly_text: clusterdash.safe_text (one escaper
# per kind of place; its docstring lists which Streamlit places render Markdown).


def source_line(source: str, units: str | None = None, *, raw: bool = False) -> None:
    """'Units: … · Source: …' under a figure or passage. Seed sources are named by their title and
    section (``knowledge.cite``: 'Cluster Development Guide, Part 2 › …'); ``raw`` keeps the stored
    text with its file name (the Sources page; CSVs always keep it)."""
    from clusterdash import knowledge

    parts = []
    if units:
        parts.append(f"Units: {units}")
    parts.append(f"Source: {source if raw else knowledge.cite(source)}")
    st.caption(plain(" · ".join(parts)))


def page_intro(title: str, intro: str) -> None:
    st.title(title)
    if intro:
        st.markdown(intro)


def show_error(exc: Exception) -> None:
    st.error(plain(str(exc)), icon=":material/error:")  # messages quote user input: shown literally


# ---- messages from callbacks ------------------------------------------------------------------
# A callback runs before the page is drawn: what it has to say is kept in the session and shown
# by the run it triggers (at the top of the page, or in a page's own place: a "slot").

_FLASH = "_flash"


def flash_error(text: str) -> None:
    """An error raised in a widget callback: shown as a toast at once and at the top of the page."""
    st.session_state.setdefault(_FLASH, []).append(("error", text))
    st.toast(plain(text), icon=":material/error:")


def flash_success(text: str) -> None:
    """A success message from a callback, shown at the top of the page."""
    st.session_state.setdefault(_FLASH, []).append(("success", text))


def show_flash() -> None:
    """The messages of the callbacks of this run (app.py's sidebar shows them, on every page)."""
    for kind, text in st.session_state.pop(_FLASH, []):
        if kind == "success":
            st.success(plain(text), icon=":material/check_circle:")
        else:
            st.error(plain(text), icon=":material/error:")


def flash_to(slot: str, kind: str, text: str) -> None:
    """Keep a message for a page's own place (``show_slot(slot)``); ``kind`` is any word the
    page reads back (e.g. "success", "error", "form_error")."""
    st.session_state[f"_flash|{slot}"] = (kind, text)


def peek_slot(slot: str) -> tuple[str | None, str | None]:
    return st.session_state.get(f"_flash|{slot}") or (None, None)


def show_slot(slot: str, kinds: Sequence[str] = ("success", "error")) -> None:
    """Show (and forget) the page's message kept by :func:`flash_to`, when it is one of ``kinds``."""
    kind, text = peek_slot(slot)
    if kind not in kinds:
        return
    del st.session_state[f"_flash|{slot}"]
    if kind == "success":
        st.success(plain(text), icon=":material/check_circle:")
    else:
        st.error(plain(text), icon=":material/error:")


def shown_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The copy of ``df`` a table shows (st.dataframe, :func:`data_grid`): its text cells without
    bidi overrides, zero-width and control characters (safe_text.clean_invisible), so a name cannot
    be spoofed on screen. Nothing else changes: same rows, columns, values and line breaks. The
    stored data and the CSV of the table (:func:`download_csv` of the uncleaned frame) keep the text
    exactly as stored: the CSV is what is shown plus, at most, those invisible characters."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].map(lambda v: clean_invisible(v) if isinstance(v, str) else v)
    return out


def show_table(df: pd.DataFrame | Sequence[dict], **kwargs) -> None:
    """A read-only table of ``df`` (a frame or a list of rows) as shown (:func:`shown_frame`), the
    width of the page, no index; keyword arguments go to ``st.dataframe``."""
    frame = df if isinstance(df, pd.DataFrame) else pd.DataFrame(list(df))
    st.dataframe(shown_frame(frame), **{"hide_index": True, "width": "stretch", **kwargs})


# ---- downloads -------------------------------------------------------------------------

def download_csv(df: pd.DataFrame, filename: str, *, source: str, units: str | None = None,
                 label: str = "Download CSV", key: str | None = None) -> None:
    """A CSV download of exactly ``df``, headed by its source and units (clusterdash.export)."""
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

    df = shown_frame(df)
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
