"""Checklist answer controls (checklist items, workshop cards): status, owner and note of one
item, saved as they are given (clusterdash.ui.autosave), and the item's status line."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clusterdash import checklists, queries
from clusterdash.store import Store
from clusterdash.ui import autosave, shell


def answer_key(workspace_id: str, field: str, item_key: str, scope: str = "") -> str:
    """The base key of one field of one item's answer (the widget adds the stored version)."""
    return f"ans|{scope}|{workspace_id}|{field}|{item_key}"


def _display(field: str, value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None if field == "status" else ""
    return value


def _saver(store: Store, workspace_id: str, item_key: str, field: str):
    return lambda value: queries.save_checklist_answer(store, workspace_id, item_key, field, value,
                                                       changed_by=shell.current_participant())


def status_control(store: Store, workspace_id: str, item: dict, *, scope: str = "",
                   label_visibility: str = "collapsed") -> None:
    """The status of one checklist item (done / in progress / not yet / N/A), saved on click.
    Clicking the selected status again clears it."""
    autosave.choice(
        "Status", checklists.STATUSES, answer_key(workspace_id, "status", item["item_key"], scope),
        _display("status", item.get("status")), _saver(store, workspace_id, item["item_key"], "status"),
        format_func=checklists.STATUS_LABELS.get, label_visibility=label_visibility, width="content",
        help=checklists.status_hint(item["kind"]),
    )


def text_control(store: Store, workspace_id: str, item: dict, field: str, *, scope: str = "",
                 label: str | None = None, placeholder: str = "") -> None:
    """The note or owner of one checklist item, saved when the field is left or Enter is pressed."""
    autosave.text(
        label or field.capitalize(), answer_key(workspace_id, field, item["item_key"], scope),
        _display(field, item.get(field)), _saver(store, workspace_id, item["item_key"], field),
        max_chars=checklists.MAX_LENGTH[field], placeholder=placeholder,
        label_visibility="collapsed" if not label else "visible",
    )


def who_when(item: dict) -> str:
    """'Done · changed by Anna, 2026-03-05 14:02 CET' in the browser's time zone (UTC when unknown)."""
    tz = None
    try:
        tz = st.context.timezone
    except Exception:  # no browser context (AppTest)
        tz = None
    effective = item.get("status_effective") or checklists.NO_ANSWER
    status = "No status yet" if effective == checklists.NO_ANSWER else checklists.STATUS_NAMES[effective]
    ww = checklists.who_when(item, tz_name=tz)
    return f"{status} · {ww}" if ww else status
