from functools import partial

import streamlit as st

from clusterdash import checklists, fields, queries, ui
from clusterdash.charts import checklists as charts
from clusterdash.ui import checklists as cl_ui
from clusterdash.ui import room as room_ui

PAGE_SIZE = 20
ALL = "*"

store = ui.get_store()
wid = ui.current_workspace(store)
ws = queries.get_workspace(store, wid) or {"name": wid}

room_ui.participant_nav(store, wid, "checklists")  # a participant's links to the room's activities
ui.page_intro(
    "Dos & don'ts checklists",
    "The guide's dos and don'ts for cluster policy and cluster management, its success factors, "
    "prerequisites, obstacles and key questions, as checklists for this workspace. Every answer is "
    "saved the moment you give it, with your name and the time.",
)
if ui.is_presenting():  # the projector: the room board, refreshed by itself; no filters or controls
    cl_ui.room_board(store, wid)
    st.stop()
cl_ui.answering_notice(store, wid)

board = checklists.prepare_board(queries.checklist_board(store, wid))
lists = checklists.sort_lists(queries.checklist_lists(store))
titles = dict(zip(lists["list_code"], lists["title"]))
counts = dict(zip(lists["list_code"], lists["items"]))

# ---- filters ---------------------------------------------------------------------------------
c1, c2 = st.columns([3, 2])
list_code = c1.selectbox(
    "Checklist", [*lists["list_code"], ALL], key="cl_list",
    format_func=lambda c: f"All checklists ({len(board)} items)" if c == ALL else f"{titles[c]} ({counts[c]} items)",
)
scope = board if list_code == ALL else board[board["list_code"] == list_code].reset_index(drop=True)
areas = c2.multiselect("Area", list(dict.fromkeys(scope["area"])), key=f"cl_areas_{list_code}",
                       placeholder="All areas")
c3, c4, c5 = st.columns([2, 2, 2])
statuses = c3.multiselect("Status", list(checklists.STATUS_FILTER_OPTIONS), key="cl_status",
                          format_func=checklists.status_label, placeholder="Any status")
present_polarities = [p for p in fields.value_labels("polarity") if p in set(scope["polarity"])]
polarities = c4.pills("Dos vs don'ts", present_polarities, selection_mode="multi", key=f"cl_polarity_{list_code}",
                      format_func=partial(fields.value_label, "polarity"))
search = c5.text_input("Search items, notes, owners", key="cl_search", placeholder="e.g. monitoring")
shown = checklists.filter_board(scope, areas=areas, statuses=statuses, polarities=polarities, search=search)
# ---- progress ------------------------------------------------------------------------------------
st.subheader("Progress")
whole = checklists.overall_progress(board)
part = checklists.overall_progress(scope)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Done" + ("" if list_code == ALL else " in this checklist"),
          f"{part['done']} of {part['applicable']}",
          help="Items marked done, of the items that apply (all items minus those marked N/A).")
m2.metric("In progress", part["in_progress"])
m3.metric("Not yet or no answer", part["not_yet"] + part["no_answer"])
m4.metric("Whole workspace done", "–" if whole["done_pct"] is None else f"{whole['done_pct']:.0f} %",
          help=f"{whole['done']} of {whole['applicable']} applicable items over all checklists.")
by = "list_title" if list_code == ALL else "area"
progress = checklists.compute_progress(scope, by=by)
chart_source = ("Items: the practitioners' guide (seed 004), each item's section in the CSV below; "
                "status: answers saved in this workspace")
st.plotly_chart(charts.progress_figure(progress, by=by), config={"displayModeBar": False}, key="cl_progress_chart")
ui.source_line(chart_source, units="number of checklist items")
ui.download_csv(
    progress.rename(columns={"list_title": "checklist"}), f"checklist_progress_{wid}.csv",
    source=chart_source, units="items (counts); done_pct = done / applicable × 100",
    label="Download progress (CSV)", key="dl-cl-progress",
)
# ---- items ---------------------------------------------------------------------------------------
st.subheader(f"Items ({len(shown)} of {len(scope)})")
if list_code != ALL:
    ui.page_link("workshop", label="Present this checklist in workshop mode, one card at a time",
                 query_params={"ws": wid, "deck": list_code, "present": "1"})
rows = shown
if len(shown) > PAGE_SIZE:
    n_pages = -(-len(shown) // PAGE_SIZE)
    page_no = st.pagination(n_pages, key=f"cl_page_{list_code}")
    start = (min(page_no, n_pages) - 1) * PAGE_SIZE
    rows = shown.iloc[start:start + PAGE_SIZE]
    st.caption(f"Items {start + 1}–{start + len(rows)} of {len(shown)}")
if shown.empty:
    st.info("No item matches these filters.")

cl_ui.item_cards(store, wid, rows, by_list=list_code == ALL)
# ---- export ----------------------------------------------------------------------------------------
st.subheader("Export")
export_source = "Items: the practitioners' guide (seed 004, section in the source column); answers: ClusterDash workspace"
e1, e2, e3 = st.columns(3)
with e1:
    ui.download_csv(checklists.export_frame(shown), f"checklist_{wid}.csv", source=export_source,
                    label=f"The {len(shown)} items shown (CSV)", key="dl-cl-items")
actions = checklists.action_items(shown)
applicable = checklists.overall_progress(shown)["applicable"]
now = queries.utcnow()
md = checklists.action_list_markdown(actions, workspace_name=ws["name"], generated_at=now, applicable=applicable)
with e2:
    st.download_button("Action list (Markdown)", md.encode("utf-8"), file_name=f"action_list_{wid}.md",
                       mime="text/markdown", icon=":material/checklist:", key="dl-cl-actions-md")
with e3:
    st.download_button(
        "Action list (printable HTML)",
        checklists.action_list_html(actions, workspace_name=ws["name"], generated_at=now,
                                    applicable=applicable).encode("utf-8"),
        file_name=f"action_list_{wid}.html", mime="text/html", icon=":material/print:", key="dl-cl-actions-html",
    )
with st.expander(f"The action list: {len(actions)} items to do, with owner and due date", icon=":material/task_alt:"):
    cl_ui.action_list(store, wid, actions)

with st.expander("Recent changes in this workspace"):
    changes = queries.checklist_changes(store, wid, limit=100)
    if changes.empty:
        st.caption("No changes yet.")
    else:
        texts = dict(zip(board["item_key"], board["text"]))
        view = checklists.changes_frame(changes, texts)
        ui.show_table(view)
        ui.download_csv(view, f"checklist_changes_{wid}.csv", source="ClusterDash workspace change history",
                        label="Download changes (CSV)", key="dl-cl-changes")
