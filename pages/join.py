import streamlit as st

from clusterdash import registry, room, ui
from clusterdash.ui import room as room_ui

store = ui.get_store()

st.title("Join the workshop")
st.caption("Type the join code shown on the projector and your name; then answer on this device.")
code = st.text_input("Join code", value=st.query_params.get("code", ""), max_chars=12, key="_join_code",
                     placeholder="e.g. K7P-2QX")
ui.participant_input("_join_who", help="Shown with your answers, so the room sees who answered.", blank_default=True)
if st.button("Join", type="primary", icon=":material/login:", key="_join", width="stretch"):
    hit = room.resolve(code, room_ui.candidates(store))
    if hit is None:
        st.error("No workshop has this join code. Check it on the projector (letters and digits, no 0, 1, I or O).")
        st.stop()
    wid, aid = hit
    key, extra = room_ui.join_destination(store, wid, aid)  # the assessment, the one open vote, or the checklists
    named = room_ui.asks_for_name(store, wid, key, extra)  # an anonymous vote stores no name
    if named and ui.current_participant() == ui.DEFAULT_PARTICIPANT:
        st.error("Type your name (or your group's name) first, so the room sees who answered.")
        st.stop()
    params = {"ws": wid, **({"who": ui.current_participant()} if named else {}), **ui.participant_params()}
    st.switch_page(registry.page(key).path, query_params={**params, **extra})
