import streamlit as st

from clusterdash import queries, toolkit, ui
from clusterdash.ui import learn as learn_ui
from clusterdash.ui import toolkit as tk_ui

store = ui.get_store()
wid = ui.current_workspace(store)
ws = queries.get_workspace(store, wid) or {"name": wid}

ui.page_intro(
    "The guide's toolkit",
    "Six tools of the practitioners' cluster development guide, ready to fill in during a workshop. Each is "
    f"saved in workspace **{ui.plain(ws['name'])}** as you type, and each says at which stage and step the guide "
    "uses it.",
)
tk_ui.overview_cards(store, wid)

st.subheader("Every tool of the guide, by stage and step")
st.caption("The tools the guide attaches to each step of the initiation, establishment and operationalisation "
           "phases; those with a ClusterDash tool link to it.")
table = toolkit.guide_tools_table(queries.toolkit_phase_tools(store))
for stage, grp in table.groupby("stage_name", sort=False):
    with st.container(border=True):
        st.markdown(f"**{ui.plain(stage)}**")
        for step_no, sg in grp.groupby("step_no", sort=True):
            names = [ui.plain(t.tool_name) + (" ✓" if isinstance(t.clusterdash_tool, str) else "")
                     + (f" {toolkit.READING_MARK}" if toolkit.is_reading(t.allocation_basis) else "")
                     for t in sg.itertuples()]
            st.markdown(f"Step {int(step_no)} — *{ui.plain(sg['step_question'].iloc[0] or '')}*: " + " · ".join(names))
st.caption("✓ = a ClusterDash tool (see the cards above). " + ui.plain(toolkit.reading_explanation()))
ui.download_csv(table.drop(columns=["tool_code"]), "guide_tools_by_stage.csv", key="dl-guide-tools",
                source=f"{toolkit.GUIDE} § PART 2 (steps and tools of each phase); see the source column")
learn_ui.guidance_lists("toolkit", title="The guide's lists for these steps")
