import streamlit as st

from clusterdash import checklists, presentation, queries, ui

store = ui.get_store()
wid = ui.current_workspace(store)
presenting = ui.is_presenting()

board = checklists.prepare_board(queries.checklist_board(store, wid))
lists = checklists.sort_lists(queries.checklist_lists(store))
titles = dict(zip(lists["list_code"], lists["title"]))
deck_codes = list(lists["list_code"])

deck_code = st.query_params.get("deck")
if deck_code not in titles:
    if deck_code:
        st.warning(f"There is no deck “{ui.plain(deck_code)}”; showing the first one.")
    deck_code = deck_codes[0]
deck = presentation.checklist_deck(board, deck_code, titles[deck_code])
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
        "One card at a time for a workshop on a projector: a checklist item or a key question, with its "
        "status control on the card. Answers are saved the moment they are given. Use ← and → to move "
        "between cards; **Start presentation** hides everything else and enlarges the type.",
    )
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    st.session_state["_deck_select"] = deck_code
    c1.selectbox("Deck", deck_codes, key="_deck_select", on_change=choose_deck,
                 format_func=lambda c: f"{titles[c]} ({int(lists.set_index('list_code').at[c, 'items'])} cards)")
    c2.button("Start presentation", icon=":material/co_present:", type="primary", on_click=ui.set_presenting,
              args=(True,), key="_start_present", width="stretch")
    ui.edit_notice()

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
item = board[board["item_key"] == card.item_key].iloc[0].to_dict()
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
        ui.checklist_status_control(store, wid, item, scope="card")
        ui.checklist_text_control(store, wid, item, "note", scope="card",
                                  placeholder="Note: what the group says, agreed next step")
        st.caption(ui.plain(f"{ui.who_when(item)} · {card.hint}"))
    with st.container(key="card-source"):
        ui.source_line(card.source)
