import streamlit as st

from clusterdash import checklists, maturity, presentation, queries, ui
from clusterdash.ui import checklists as cl_ui
from clusterdash.ui import maturity as mat_ui
from clusterdash.ui import room as room_ui

store = ui.get_store()
wid = ui.current_workspace(store)
presenting = ui.is_presenting()

# ---- the decks: every checklist (incl. the phase key questions), the assessment statements ----
board = checklists.prepare_board(queries.checklist_board(store, wid))
lists = checklists.sort_lists(queries.checklist_lists(store))
decks = {
    code: presentation.checklist_deck(board, code, title) for code, title in zip(lists["list_code"], lists["title"])
}
decks.update({
    d.code: d for d in presentation.assessment_decks(
        queries.assessment_statements(store), queries.assessment_dimensions(store), maturity.stage_names())
})

deck_code = st.query_params.get("deck")
if deck_code not in decks:
    if deck_code:
        st.warning(f"There is no deck “{ui.plain(deck_code)}”; showing the first one.")
    deck_code = next(iter(decks))
deck = decks[deck_code]
n = len(deck)
card_no = presentation.parse_card_number(st.query_params.get("card"), n)
if st.query_params.get("deck") != deck_code:
    st.query_params["deck"] = deck_code
if st.query_params.get("card") != str(card_no):
    st.query_params["card"] = str(card_no)


def go_to(number: int) -> None:
    st.query_params["card"] = str(number)


def choose_deck() -> None:
    st.query_params["deck"] = st.session_state["_deck_select"]
    st.query_params["card"] = "1"


if not presenting:
    ui.page_intro(
        "Workshop cards",
        "One card at a time for a workshop on a projector: a checklist item, a key question or an assessment "
        "statement, with its answer control on the card. Answers are saved the moment they are given. Use ← and → "
        "to move between cards; **Start presentation** hides everything else and enlarges the type.",
    )
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    st.session_state["_deck_select"] = deck_code
    c1.selectbox("Deck", list(decks), key="_deck_select", on_change=choose_deck,
                 format_func=lambda c: f"{decks[c].title} ({len(decks[c])} cards)")
    c2.button("Start presentation", icon=":material/co_present:", type="primary", on_click=ui.set_presenting,
              args=(True,), key="_start_present", width="stretch")
    ui.edit_notice(answering=True)

# ---- the answers behind the deck -------------------------------------------------------------------
assessment_id = None
if deck.control == presentation.CONTROL_SCALE:
    if not presenting:
        mat_ui.selector(store, wid, allow_create=False)
    assessment_id = mat_ui.current_assessment_id(store, wid)
    person = ui.current_participant()
    if assessment_id:
        mine = queries.assessment_answers(store, wid, assessment_id, person)
        answers = dict(zip(mine["statement_code"], mine["answer_code"]))
    else:
        answers = {}
else:
    answers = dict(zip(board["item_key"], board["status"].where(board["status"].notna(), None)))
answered = presentation.answered_count(deck, answers)

with st.container(horizontal=True, key="card-nav", vertical_alignment="center", gap="medium"):
    st.button("Previous", icon=":material/arrow_back:", shortcut="Left", key="_card_prev",
              disabled=card_no <= 1, on_click=go_to, args=(presentation.step(card_no, n, -1),))
    with st.container(key="card-progress", width="stretch"):
        st.markdown(
            f"**{ui.plain(deck.title)}** · {presentation.progress_label(card_no, n)} · {answered} of {n} answered"
        )
    st.button("Next", icon=":material/arrow_forward:", icon_position="right", shortcut="Right", key="_card_next",
              type="primary", disabled=card_no >= n, on_click=go_to, args=(presentation.step(card_no, n, +1),))
st.progress(card_no / n if n else 0.0)

if not n:
    st.info("This deck has no cards.")
    st.stop()

card = deck.cards[card_no - 1]
with st.container(border=True, key="present-card"):
    eyebrow_key = "card-eyebrow-dont" if card.polarity == checklists.POLARITY_DONT else "card-eyebrow"
    with st.container(key=eyebrow_key):
        st.markdown(f"**{ui.plain(card.eyebrow)}**")
    if card.title:
        with st.container(key="card-title"):
            st.markdown(ui.plain(card.title))
    with st.container(key="card-text"):
        st.markdown(f"**{ui.plain(card.text)}**")
    with st.container(key="card-control"):
        if card.control == presentation.CONTROL_SCALE:
            if assessment_id:
                statement = mat_ui.questionnaire(store).statement(card.item_key)
                a = queries.get_assessment(store, wid, assessment_id) or {}
                mat_ui.answer_control(store, wid, assessment_id, statement, person, answers.get(card.item_key),
                                      scope="card", disabled=not a.get("is_open", True))  # closed by the facilitator
                about = " · ".join(str(x) for x in (a.get("label"), a.get("initiative_name"), a.get("assessed_on")) if x)
                st.caption(ui.plain(f"Answering as {person} · assessment: {about or assessment_id} · {card.hint}"))
            else:
                st.info("There is no maturity assessment in this workspace yet: start one on the Maturity "
                        "assessment page, then its statements can be answered here.", icon=":material/info:")
                ui.page_link("assessment", query_params={"ws": wid})
        else:
            item = board[board["item_key"] == card.item_key].iloc[0].to_dict()
            cl_ui.status_control(store, wid, item, scope="card")
            cl_ui.text_control(store, wid, item, "note", scope="card",
                               placeholder="Note: what the group says, agreed next step")
            st.caption(ui.plain(f"{cl_ui.who_when(item)} · {card.hint}"))
    room_ui.card_room(store, wid, card.item_key, is_statement=card.control == presentation.CONTROL_SCALE,
                      assessment_id=assessment_id)
    with st.container(key="card-source"):
        ui.source_line(card.source)
