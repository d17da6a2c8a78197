import streamlit as st

from clusterdash import queries, ui
from clusterdash.ui import countdown as timer_ui
from clusterdash.ui import room as room_ui
from clusterdash.ui import votes as vote_ui

store = ui.get_store()
wid = ui.current_workspace(store)
presenting = ui.is_presenting()

room_ui.participant_nav(store, wid, "vote")  # a participant's links to the room's activities
if not presenting:
    ui.page_intro(
        "Dot-voting",
        "Which actions first? The facilitator opens a vote; everyone places their dots (the budget is set with the "
        "vote), and the ranking appears when the facilitator reveals it. Each change is saved at once.",
    )
    ui.edit_notice(answering=True)
    if ui.can_edit():
        timer_ui.controls(store, wid)
        vote_ui.new_vote_form(store, wid)
    else:
        timer_ui.display(store, wid)
else:
    with st.container(border=True):
        room_ui.join_panel(wid)
    timer_ui.display(store, wid, large=True)

votes = queries.list_votes(store, wid)
if not presenting and ui.can_edit():
    with st.expander("The whole session: report and tables", icon=":material/summarize:"):
        room_ui.report_downloads(store, wid)
if votes.empty:
    st.info("No vote in this workspace yet." + (" Open one above." if ui.can_edit() else ""))
    st.stop()
ids = list(votes["vote_id"])
want = st.query_params.get("vote")
vid = want if want in ids else ids[0]
if want != vid:
    st.query_params["vote"] = vid
if not presenting and len(ids) > 1:
    titles = dict(zip(votes["vote_id"], votes["title"] + " (" + votes["created_at"].astype(str).str[:16] + ")"))
    ui.select_id("Vote", ids, titles, f"_vote_pick|{wid}", vid, lambda v: st.query_params.__setitem__("vote", v))
vote = queries.get_vote(store, wid, vid)

st.header(ui.plain(vote["title"]), divider="blue")
if ui.can_edit() and not presenting:
    vote_ui.facilitator_bar(store, wid, vote)
if not presenting:
    vote_ui.ballot(store, wid, vote)
vote_ui.results(store, wid, vid)
vote_ui.actions(store, wid, vote, presenting=presenting)
