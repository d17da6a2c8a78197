import streamlit as st

from clusterdash import queries, ui
from clusterdash.ui import value_chains as vc_ui

store = ui.get_store()
wid = ui.current_workspace(store)

ui.page_intro(
    "Value-chain coverage",
    "Which stages of a cluster's value chain local actors cover, and where the white spots and missing "
    "links are: list the stages, name the local actors, and mark each stage covered, partly covered or a "
    "gap. Everything is saved as you type, for this workspace.",
)
vc_ui.guidance(store)
iid = vc_ui.choose_initiative(store, wid)
ui.edit_notice()

overview = queries.value_chain_overview(store, wid)
if iid is not None:
    vc_ui.chain_view(store, wid, iid, overview)
elif len(overview):
    st.markdown("**Value chains in this workspace**")
    ui.show_table(overview[vc_ui.OVERVIEW_COLUMNS])
else:
    st.info("Pick a cluster initiative to map its value chain.", icon=":material/account_tree:")
