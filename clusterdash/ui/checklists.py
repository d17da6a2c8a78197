"""Checklist answer controls (checklist items, workshop cards): status, owner and note of one
item, saved as they are given (clusterdash.ui.autosave), and the item's status line."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from clusterdash import checklists, fields, frames, queries
from clusterdash.store import Store
from clusterdash.ui import autosave, shell
from clusterdash.ui.output import plain, source_line


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
        format_func=partial(checklists.status_label, short=True), label_visibility=label_visibility, width="content",
        help=checklists.status_hint(item["kind"]), answering=True,
    )


def text_control(store: Store, workspace_id: str, item: dict, field: str, *, scope: str = "",
                 label: str | None = None, placeholder: str = "") -> None:
    """The note or owner of one checklist item, saved when the field is left or Enter is pressed;
    against the text the field showed (someone else's newer text is not overwritten: autosave)."""
    autosave.text(
        label or field.capitalize(), answer_key(workspace_id, field, item["item_key"], scope),
        _display(field, item.get(field)),
        lambda v, **cas: queries.save_checklist_answer(store, workspace_id, item["item_key"], field, v, **cas),
        checked=True, max_chars=checklists.MAX_LENGTH[field], placeholder=placeholder,
        label_visibility="collapsed" if not label else "visible", answering=True,
    )


def who_when(item: dict) -> str:
    """'Done · changed by Anna, 2026-03-05 14:02 CET' in the browser's time zone (UTC when unknown)."""
    tz = None
    try:
        tz = st.context.timezone
    except Exception:  # no browser context (AppTest)
        tz = None
    effective = item.get("status_effective") or checklists.NO_ANSWER
    status = "No status yet" if effective == checklists.NO_ANSWER else checklists.status_label(effective)
    ww = checklists.who_when(item, tz_name=tz)
    return f"{status} · {ww}" if ww else status


# ---- the room board (presentation mode: the projector) -------------------------------------------


def answering_notice(store: Store, workspace_id: str) -> None:
    """The top of a page where participants answer checklists: the view-only notice when this
    session may not answer, and the facilitator's countdown timer while it is set."""
    from clusterdash.ui import countdown as countdown_ui

    shell.edit_notice(answering=True)
    countdown_ui.display(store, workspace_id)


def room_board(store: Store, workspace_id: str) -> None:
    """The checklists on the projector: how to join, then the room's progress and the latest
    answers as they arrive, re-read every room_ui.ROOM_REFRESH_S seconds by itself (a fragment: the rest
    of the page, and anyone's own view, does not move). No filters, no editing controls."""
    from clusterdash.charts import checklists as charts
    from clusterdash.ui import countdown as countdown_ui
    from clusterdash.ui import room as room_ui

    with st.container(border=True):
        room_ui.join_panel(workspace_id)
    countdown_ui.display(store, workspace_id, large=True)

    def read() -> dict:  # the answers as the board shows them; re-read only when they changed
        board = checklists.prepare_board(queries.checklist_board(store, workspace_id))
        changes = queries.checklist_changes(store, workspace_id, limit=6)
        people = queries.checklist_participants(store, workspace_id)  # over every change, not the latest
        texts = dict(zip(board["item_key"], board["text"]))
        return {
            "whole": checklists.overall_progress(board),
            "people": dict(zip(people["participant"], people["answers"].astype(int))),
            "latest": frames.records(checklists.changes_frame(changes.head(6), texts)),
            "board": board,
        }

    def now() -> dict:
        version = queries.checklist_version(store, workspace_id)
        return {**room_ui.unless_changed(f"checklists|{workspace_id}", version, read), "version": version}

    def figure():  # built only when the chart is re-drawn (every ROOM_CHART_REFRESH_S), not with every answer
        r = now()
        return room_ui.unless_changed(f"checklists-figure|{workspace_id}", r["version"], lambda: charts.progress_figure(
            checklists.compute_progress(r["board"], by="list_title"), by="list_title", large=True))

    @st.fragment(run_every=room_ui.ROOM_REFRESH_S)
    def live() -> None:  # cheap: counts, who answered, the latest answers
        r = now()
        whole = r["whole"]
        with st.container(key="room-board"):
            m = st.columns(4)
            m[0].metric("Done", f"{whole['done']} of {whole['applicable']}")
            m[1].metric("In progress", whole["in_progress"])
            m[2].metric("Not yet", whole["not_yet"])
            m[3].metric("People who answered", len(r["people"]))
            room_ui.who_answered(r["people"])
            st.subheader("Latest answers")
            if not r["latest"]:
                st.info("No answers yet: they appear here as they are given.")
            for c in r["latest"]:
                to = c["to"] if c["to"] is not None else "cleared"
                st.markdown(plain(f"{c['changed_by'] or 'Someone'} — {to} ({c['field']}): {c['item']}"))

    @st.fragment(run_every=room_ui.ROOM_CHART_REFRESH_S)
    def chart() -> None:  # a chart re-draw blocks the projector's browser: not every second
        st.plotly_chart(figure(), config={"displayModeBar": False}, key="room_progress_chart")
        source_line(checklists.PROGRESS_SOURCE, units="number of checklist items")

    live()
    chart()


def item_cards(store, wid: str, rows, *, by_list: bool) -> None:
    """The checklist items of ``rows`` as cards: headings per checklist (``by_list``) and area, the
    guide's introduction to each area, the item with its source, and its status, owner and note
    (saved as you go)."""
    intros = {(r["list_code"], r["group_code"]): r for r in queries.checklist_area_intros(store).to_dict("records")}
    last_list = last_area = None
    for item in rows.to_dict("records"):
        if by_list and item["list_code"] != last_list:
            st.markdown(f"### {plain(item['list_title'])}")
            last_list, last_area = item["list_code"], None
        if item["area"] != last_area:
            if item["area"] != item["list_title"]:
                st.markdown(f"#### {plain(item['area'])}")
            intro = intros.get((item["list_code"], item["group_code"]))
            if intro:
                with st.expander("What the guide says about this area"):
                    st.markdown(plain(intro["text"]))
                    source_line(intro["source"])
            last_area = item["area"]
        slug = item["item_key"].replace("/", "-")
        with st.container(border=True, key=f"item-{slug}"):
            left, right = st.columns([3, 2], gap="medium")
            with left:
                head = f"**{plain(fields.value_label('kind', item['kind']))}** · "
                if item.get("title"):
                    head += f"*{plain(item['title'])}* "
                st.markdown(head + plain(item["text"]))
                source_line(item["source"])
            with right:
                status_control(store, wid, item)
                st.caption(plain(who_when(item)))
            o, n = st.columns([1, 3])
            with o:
                text_control(store, wid, item, "owner", placeholder="Owner")
            with n:
                text_control(store, wid, item, "note", placeholder="Note")


def due_control(store: Store, workspace_id: str, item: dict, *, scope: str = "") -> None:
    """The due date of one item of the action list, saved on change; set by the facilitator only
    (participants see it)."""
    autosave.date(
        "Due", answer_key(workspace_id, "due_date", item["item_key"], scope), checklists.clean_due(item.get("due_date")),
        lambda v: queries.save_action_due(store, workspace_id, item["item_key"], v,
                                          changed_by=shell.current_participant()),
        label_visibility="collapsed", help="When the action is due (the facilitator sets it)",
    )


def action_list(store: Store, workspace_id: str, actions) -> None:
    """The action list: each item marked to do with its status, owner and due date (the owner saved
    as on the item's card, the due date by the facilitator), one row per action."""
    if actions.empty:
        st.info("No item is marked to do (in progress or not yet): the action list is empty.")
        return
    widths = [5, 2, 2, 2]
    head = st.columns(widths)
    for c, label in zip(head, ("Action", "Status", "Owner", "Due")):
        c.markdown(f"**{label}**")
    for item in actions.to_dict("records"):
        slug = item["item_key"].replace("/", "-")
        with st.container(border=True, key=f"action-{slug}"):
            a, s, o, d = st.columns(widths, vertical_alignment="center")
            a.markdown(plain(item["text"]))
            s.markdown(plain(checklists.status_label(item["status_effective"])))
            with o:
                text_control(store, workspace_id, item, "owner", scope="actions", placeholder="Owner")
            with d:
                due_control(store, workspace_id, item, scope="actions")
