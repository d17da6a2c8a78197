import streamlit as st

from clusterdash import queries, toolkit, ui

store = ui.get_store()
wid = ui.current_workspace(store)
ws = queries.get_workspace(store, wid) or {"name": wid}
params = {"ws": wid, **({"present": "1"} if ui.is_presenting() else {})}

ui.page_intro(
    "The guide's toolkit",
    "Six tools of the practitioners' cluster development guide, ready to fill in during a workshop. Each is "
    f"saved in workspace **{ui.plain(ws['name'])}** as you type, and each says at which stage and step the guide "
    "uses it.",
)
counts = queries.toolkit_counts(store, wid)
UNITS = {"stakeholder_analysis": "stakeholders", "swot_analysis": "items", "business_model_canvas": "blocks filled",
         "legal_form": "questions answered", "develop_services": "services", "staffing": "team members"}

for r in range(0, len(toolkit.TOOLS), 3):  # rows of three cards, each row as tall as its tallest card
    with st.container(horizontal=True, gap="medium", key=f"tk-cards-{r}"):
        for tool in toolkit.TOOLS[r:r + 3]:
            uses = queries.toolkit_phase_tools(store, tool.phase_tool_codes).drop_duplicates(["stage_code", "step_no"])
            with st.container(border=True, height="stretch", width="stretch", key=f"tk-card-{tool.tool_code}"):
                st.page_link(tool.page, label=f"**{tool.title}**", icon=tool.icon, query_params=params)
                st.write(tool.summary)
                st.caption(ui.plain(" · ".join(f"{u.stage_name}, step {int(u.step_no)}" for u in uses.itertuples())))
                n = counts.get(tool.tool_code, 0)
                st.markdown(f"**{n}** {UNITS[tool.tool_code]}" if n else "*Not started in this workspace*")

st.subheader("Every tool of the guide, by stage and step")
st.caption("The tools the guide attaches to each step of the initiation, establishment and operationalisation "
           "phases; those with a ClusterDash tool link to it.")
all_tools = queries.toolkit_phase_tools(store)
table = all_tools[["stage_name", "step_no", "step_question", "tool_name", "tool_code", "source"]].copy()
table.insert(4, "clusterdash_tool", [t.title if (t := toolkit.tool_for_phase_tool(c)) else None
                                     for c in table["tool_code"]])
for stage, grp in table.groupby("stage_name", sort=False):
    with st.container(border=True):
        st.markdown(f"**{ui.plain(stage)}**")
        for step_no, sg in grp.groupby("step_no", sort=True):
            names = [ui.plain(t.tool_name) + (" ✓" if isinstance(t.clusterdash_tool, str) else "")
                     for t in sg.itertuples()]
            st.markdown(f"Step {int(step_no)} — *{ui.plain(sg['step_question'].iloc[0] or '')}*: " + " · ".join(names))
st.caption("✓ = a ClusterDash tool (see the cards above).")
ui.download_csv(table.drop(columns=["tool_code"]), "guide_tools_by_stage.csv", key="dl-guide-tools",
                source=f"{toolkit.GUIDE} § PART 2 (steps and tools of each phase); see the source column")
