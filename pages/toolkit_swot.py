from functools import partial

import streamlit as st

from clusterdash import fields, queries, texts, toolkit, ui
from clusterdash.ui import autosave, history
from clusterdash.ui import toolkit as tk_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
wid = tk_ui.header(store, "swot_analysis")
items = queries.swot_items(store, wid)
editable = ui.can_edit()
who = ui.current_participant()  # recorded with removals (the text history)

COLOR = {"strength": "green", "weakness": "orange", "opportunity": "blue", "threat": "red"}
ARTICLE = {"strength": "a", "weakness": "a", "opportunity": "an", "threat": "a"}
HINT = {
    "strength": "Internal · helpful: what the cluster and its members do well.",
    "weakness": "Internal · harmful: where the cluster and its members fall short.",
    "opportunity": "External · helpful: developments the cluster can use.",
    "threat": "External · harmful: developments that put the cluster at risk.",
}


def quadrant(q: str) -> None:
    with st.container(border=True, key=f"swot-{q}", height="stretch"):
        st.subheader(fields.value_label("quadrant", q), divider=COLOR[q])
        st.caption(HINT[q])
        mine = items[items["quadrant"] == q]
        for it in mine.itertuples():
            if editable:
                c1, c2 = st.columns([12, 1], vertical_alignment="center")
                with c1:
                    autosave.text(f"{toolkit.QUADRANT_SINGULAR[q].capitalize()} {it.seq}", f"swot|{wid}|{it.item_id}",
                               it.text, lambda v, i=it.item_id, **cas: queries.update_swot_item(store, wid, i, v, **cas),
                               checked=True, label_visibility="collapsed", max_chars=1000)
                with c2:
                    autosave.action_button("", f"swot-del|{wid}|{it.item_id}", partial(queries.delete_swot_item, changed_by=who),
                                 store, wid, it.item_id,
                                 icon=":material/delete:", help="Remove this item", toast="Removed")
            else:
                st.markdown(f"- {ui.plain(it.text)}")
        if editable:
            autosave.adder(f"Add {ARTICLE[q]} {toolkit.QUADRANT_SINGULAR[q]}", f"swot-add|{wid}|{q}",
                        lambda text, q=q: queries.add_swot_item(store, wid, q, text, changed_by=ui.current_participant()),
                        placeholder=f"Type {ARTICLE[q]} {toolkit.QUADRANT_SINGULAR[q]} and press Enter",
                        label_visibility="collapsed")
        elif mine.empty:
            st.caption("Nothing yet.")


st.markdown("**Internal analysis** — the cluster and its members")
with st.container(horizontal=True, gap="medium", key="swot-internal"):
    quadrant("strength")
    quadrant("weakness")
st.markdown("**External analysis** — the cluster’s environment (competition, international markets, innovations)")
with st.container(horizontal=True, gap="medium", key="swot-external"):
    quadrant("opportunity")
    quadrant("threat")

tk_ui.notes(store, "swot_analysis", title="The guide on SWOT: internal and external analysis")

export = items.assign(analysis=items["quadrant"].map(toolkit.QUADRANT_ANALYSIS))[["quadrant", "analysis", "seq", "text"]]
ui.download_csv(export, f"swot_{wid}.csv", key="dl-swot",
                source=f"SWOT board of workspace {wid} (ClusterDash); method: {toolkit.GUIDE} § PART 2 Initiation phase › "
                       "Step 1 › SWOT - analysis, p. 75",
                units="one row per item")
history.text_history(store, wid, texts.TOOL_TABLES["swot_analysis"], key="swot-history")
learn_ui.guidance_lists("toolkit_swot")
