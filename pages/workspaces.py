import streamlit as st

from clusterdash import checklists, queries, ui, workspaces
from clusterdash.errors import UserError

store = ui.get_store()
wid = ui.current_workspace(store)
ws = queries.get_workspace(store, wid)
unlocked = ui.is_unlocked()
archived = ws["archived_at"] is not None

ui.page_intro(
    "Workspaces",
    "A workspace is a named working context: a cluster initiative and an occasion, e.g. *Solar Cluster "
    "Morocco — strategy workshop 2026*. Checklist answers, assessments, financing entries and notes "
    "belong to one. Its link (`?ws=…`) opens it again: after a reload, in another browser, or shared "
    "with colleagues.",
)
if not unlocked:
    ui.edit_notice()


def act(fn, *args, success: str | None = None, switch_to_result: bool = False, **kwargs):
    """Run a workspace action (managing workspaces needs the passcode, checked now); show its
    error, or switch to the new workspace."""
    if not ui.is_unlocked():
        ui.show_error(UserError(ui.locked_message()))
        return None
    try:
        result = fn(store, *args, **kwargs)
    except UserError as exc:
        ui.show_error(exc)
        return None
    if switch_to_result and result:
        ui.switch_workspace(result)
    if success:
        st.session_state["_ws_message"] = success
    st.rerun()


if msg := st.session_state.pop("_ws_message", None):
    st.success(msg, icon=":material/check_circle:")

# ---- this workspace ---------------------------------------------------------------------------
st.subheader("This workspace")
overview_all = queries.workspace_overview(store, include_archived=True)
me = overview_all[overview_all["workspace_id"] == wid].iloc[0]
with st.container(border=True, key="ws-current"):
    st.markdown(f"### {ui.plain(workspaces.label(ws))}")
    status = f"archived {checklists.format_time(ws['archived_at'])} UTC" if archived else "active"
    st.caption(ui.plain(
        f"Identifier {wid} · created {checklists.format_time(ws['created_at'])} UTC · {status} · "
        f"{int(me['saved_entries'])} saved entries"
    ))
    base = (st.context.url or "").rsplit("/workspaces", 1)[0]
    st.text("Link to this workspace (copy it to share or bookmark it):")
    st.code(f"{base}/?ws={wid}" if base else f"?ws={wid}", language=None)
    if archived:
        st.warning("This workspace is archived: it is read-only and hidden from the workspace list.",
                   icon=":material/inventory_2:")
        if st.button("Restore this workspace", icon=":material/unarchive:", disabled=not unlocked, key="ws-restore"):
            act(queries.restore_workspace, wid, success="Workspace restored.")
    else:
        with st.form("ws-rename", border=False):
            c1, c2 = st.columns(2)
            name = c1.text_input("Name", value=ws["name"], max_chars=workspaces.MAX_NAME_LENGTH)
            occasion = c2.text_input("Occasion", value=ws["occasion"] or "", max_chars=workspaces.MAX_OCCASION_LENGTH,
                                     placeholder="e.g. strategy workshop 2026")
            if st.form_submit_button("Save name and occasion", icon=":material/edit:", disabled=not unlocked):
                act(queries.rename_workspace, wid, name, occasion=occasion, success="Name and occasion saved.")
        buttons = st.container(horizontal=True)
        if buttons.button("Duplicate", icon=":material/content_copy:", disabled=not unlocked, key="ws-duplicate",
                     help="A copy with every answer, assessment and entry of this workspace; opens the copy."):
            act(queries.duplicate_workspace, wid, success="Duplicated: you are now in the copy.", switch_to_result=True)
        if buttons.button("Archive", icon=":material/archive:", disabled=not unlocked, key="ws-archive",
                     help="Hide it from the list and make it read-only. It can be restored."):
            act(queries.archive_workspace, wid, success="Archived. Its link still opens it, read-only.")

# ---- all workspaces ---------------------------------------------------------------------------
st.subheader("All workspaces")
show_archived = st.toggle("Show archived workspaces", key="ws-show-archived")
overview = overview_all if show_archived else overview_all[overview_all["archived_at"].isna()]
for row in overview.to_dict("records"):
    with st.container(border=True, key=f"ws-row-{row['workspace_id']}"):
        c1, c2, c3 = st.columns([4, 2, 2], vertical_alignment="center")
        is_archived = row["archived_at"] is not None and str(row["archived_at"]) != "NaT"
        current = " (open now)" if row["workspace_id"] == wid else ""
        c1.markdown(f"**{ui.plain(workspaces.label(row))}**{ui.plain(current)}")
        c1.caption(ui.plain(
            f"{row['workspace_id']} · created {checklists.format_time(row['created_at'])} UTC"
            + (" · archived" if is_archived else "")
        ))
        n = int(row["saved_entries"])
        c2.markdown(f"**{n:,}** saved entr{'y' if n == 1 else 'ies'}")
        with c3:
            if row["workspace_id"] != wid:
                st.button("Open", key=f"ws-open-{row['workspace_id']}", icon=":material/open_in_new:",
                          on_click=ui.switch_workspace, args=(row["workspace_id"],))
            if is_archived:
                if st.button("Restore", key=f"ws-restore-{row['workspace_id']}", disabled=not unlocked):
                    act(queries.restore_workspace, row["workspace_id"], success="Workspace restored.")
listing = overview[["workspace_id", "name", "occasion", "initiative_id", "created_at", "archived_at", "saved_entries"]]
ui.download_csv(listing, "clusterdash_workspaces.csv", source="ClusterDash workspaces (this server's store)",
                units="saved_entries = rows saved in the workspace (answers, assessments, entries)",
                label="Download this list (CSV)", key="dl-workspaces")

# ---- new workspace ----------------------------------------------------------------------------
st.subheader("New workspace")
initiatives = queries.initiatives(store)
options = [None, *initiatives["initiative_id"]]
names = dict(zip(initiatives["initiative_id"], initiatives["name"] + " (" + initiatives["country"] + ")"))
with st.form("ws-create", border=True):
    c1, c2 = st.columns(2)
    name = c1.text_input("Name", placeholder="e.g. Solar Cluster Morocco", max_chars=workspaces.MAX_NAME_LENGTH)
    occasion = c2.text_input("Occasion", placeholder="e.g. strategy workshop 2026", max_chars=workspaces.MAX_OCCASION_LENGTH)
    initiative = st.selectbox("Cluster initiative (optional)", options,
                              format_func=lambda k: "— none —" if k is None else ui.label_text(names.get(k, k)))
    if st.form_submit_button("Create and open", icon=":material/add:", type="primary", disabled=not unlocked):
        def create(s, name=name, occasion=occasion, initiative=initiative):
            return queries.create_workspace(s, workspaces.clean_name(name), initiative_id=initiative,
                                            occasion=workspaces.clean_occasion(occasion))
        act(create, success="Workspace created: you are now in it.", switch_to_result=True)
