import streamlit as st

from clusterdash import initiatives as ini
from clusterdash import queries, ui
from clusterdash.ui import initiatives as ini_ui

store = ui.get_store()
editable = ui.can_edit() and not ui.is_presenting()

all_rows = queries.initiatives(store)
selected_id = ini_ui.settle_selection(set(all_rows["initiative_id"]), editable=editable)

ui.page_intro(
    "Cluster initiatives",
    "The cluster initiatives named in the guide and its sources, and the ones you add: colour shows the "
    "maturity stage where a source supports one, size the members where known. Click a marker or a table "
    "row for the profile; every fact carries its source.",
)
shown, filters_text = ini_ui.filters(all_rows)
ini_ui.messages()
on_map = ini.has_coordinates(shown)
st.caption(
    f"{len(shown)} of {len(all_rows)} initiatives shown · {int(on_map.sum())} on the map"
    + (f" · {int((~on_map).sum())} without coordinates (listed under the map)" if (~on_map).any() else "")
)

left, right = st.columns([3, 2], gap="medium")
with left:
    ini_ui.map_view(shown, selected_id)
with right:
    tabs = st.tabs([ini_ui.TAB_TABLE, ini_ui.TAB_PROFILE] + ([ini_ui.TAB_FORM] if editable else []), key="ini_tab",
                   on_change="rerun", default=ini_ui.TAB_TABLE)
with tabs[0]:
    ini_ui.table_tab(shown, selected_id, filters_text)
with tabs[1]:
    ini_ui.profile_tab(store, all_rows, selected_id, editable=editable)
if editable:
    with tabs[2]:
        ini_ui.form_tab(store, all_rows)
