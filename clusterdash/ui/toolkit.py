"""The toolkit tools' common parts: the header (title, where the guide uses the tool, links to
the other tools) and the guide's notes on a tool. The tools' fields save as they are used
(clusterdash.ui.autosave)."""

from __future__ import annotations

import streamlit as st

from clusterdash import queries, registry, toolkit
from clusterdash.store import Store
from clusterdash.ui import shell
from clusterdash.ui.output import plain, show_flash, source_line


def tool_links(workspace_id: str, *, current: str | None = None) -> None:
    """The toolkit overview and every tool, as links that keep the workspace and presentation mode."""
    params = shell.link_params(workspace_id)
    with st.container(horizontal=True, key=f"tk-nav-{current}"):
        shell.page_link("toolkit", label="Toolkit", query_params=params)
        for t in toolkit.TOOLS:
            spec = registry.page_for_toolkit_tool(t.tool_code)
            st.page_link(spec.path, label=spec.title, icon=spec.icon, query_params=params,
                         disabled=t.tool_code == current)


def header(store: Store, tool_code: str) -> str:
    """Title, what the tool is for, where the guide uses it (stage › step, with source), links to
    the other tools (they keep the workspace and presentation mode). Returns the workspace id."""
    tool = toolkit.get_tool(tool_code)
    wid = shell.current_workspace(store)
    ws = queries.get_workspace(store, wid) or {"name": wid}
    tool_links(wid, current=tool_code)
    st.title(tool.title)
    st.markdown(f"{tool.summary} Saved in workspace **{plain(ws['name'])}** as you go: no save button.")
    uses = queries.toolkit_phase_tools(store, tool.phase_tool_codes)
    if len(uses):
        # a step that only the guide's step graphic gives (its layout lost) is ClusterDash's reading: marked †
        marked = uses.assign(reading=uses["allocation_basis"].map(toolkit.is_reading))
        steps = " · ".join(
            f"{u.stage_name}, step {int(u.step_no)}" + (f" ({u.step_question})" if u.step_question else "")
            + (f" {toolkit.READING_MARK}" if marked[(marked.stage_code == u.stage_code)
                                                    & (marked.step_no == u.step_no)]["reading"].all() else "")
            for u in uses.drop_duplicates(["stage_code", "step_no"]).itertuples()
        )
        st.caption(plain(f"Where the guide uses it: {steps}"))
        if marked["reading"].any():
            st.caption(plain(toolkit.reading_explanation()))
        with st.expander("How the guide describes this tool", icon=":material/menu_book:"):
            for u in marked.itertuples():
                st.markdown(f"**{plain(u.tool_name)}** — {plain(u.stage_name)}, step {int(u.step_no)}"
                            + (f" {toolkit.READING_MARK}" if u.reading else "")
                            + (f": {plain(u.how_to)}" if u.how_to else ""))
                if u.reading and u.allocation_note:
                    st.caption(plain(f"{toolkit.READING_MARK} {u.allocation_note}"))
                source_line(u.source)
    show_flash()
    shell.edit_notice()
    return wid


def notes(store: Store, tool_code: str, *, title: str = "From the guide", expander: bool = True) -> None:
    """The guide's passages on a tool (kb_toolkit_note), each with its source."""
    rows = queries.toolkit_notes(store, tool_code)
    if rows.empty:
        return

    def body():
        for n in rows.itertuples():
            st.markdown(f"**{plain(n.heading)}** — {plain(n.text)}")
            source_line(n.source)

    if not expander:
        st.markdown(f"**{plain(title)}**")
        body()
        return
    with st.expander(title, icon=":material/menu_book:"):
        body()


# what the overview counts for each tool (queries.toolkit_counts)
COUNT_UNITS = {"stakeholder_analysis": "stakeholders", "swot_analysis": "items", "business_model_canvas": "blocks filled",
               "legal_form": "questions answered", "develop_services": "services", "staffing": "team members"}


def overview_cards(store: Store, workspace_id: str) -> None:
    """One card per tool (rows of three, each row as tall as its tallest card): link, summary,
    where the guide uses it, how much this workspace has filled in."""
    params = shell.link_params(workspace_id)
    counts = queries.toolkit_counts(store, workspace_id)
    for r in range(0, len(toolkit.TOOLS), 3):
        with st.container(horizontal=True, gap="medium", key=f"tk-cards-{r}"):
            for tool in toolkit.TOOLS[r:r + 3]:
                spec = registry.page_for_toolkit_tool(tool.tool_code)
                uses = queries.toolkit_phase_tools(store, tool.phase_tool_codes).drop_duplicates(["stage_code", "step_no"])
                with st.container(border=True, height="stretch", width="stretch", key=f"tk-card-{tool.tool_code}"):
                    st.page_link(spec.path, label=f"**{tool.title}**", icon=spec.icon, query_params=params)
                    st.write(tool.summary)
                    st.caption(plain(" · ".join(f"{u.stage_name}, step {int(u.step_no)}"
                                                + (f" {toolkit.READING_MARK}" if toolkit.is_reading(u.allocation_basis) else "")
                                                for u in uses.itertuples())))
                    n = counts.get(tool.tool_code, 0)
                    st.markdown(f"**{n}** {COUNT_UNITS[tool.tool_code]}" if n else "*Not started in this workspace*")
