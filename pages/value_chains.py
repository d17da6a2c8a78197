import streamlit as st

from clusterdash import queries, ui
from clusterdash import value_chains as vc
from clusterdash.charts import value_chains as chart
from clusterdash.errors import UserError

store = ui.get_store()
ss = st.session_state
wid = ui.current_workspace(store)
presenting = ui.is_presenting()
archived = queries.is_workspace_archived(store, wid)
editable = ui.can_edit() and not archived

all_rows = queries.initiatives(store)
ids = list(all_rows.sort_values("name", key=lambda s: s.str.casefold())["initiative_id"])
names = dict(zip(all_rows["initiative_id"], all_rows["name"] + " — " + all_rows["country"]))


def flash(kind: str, message: str) -> None:
    ss["vc_flash"] = (kind, message)


def allowed() -> bool:
    """Writes only when this session may edit (checked again at the moment of writing)."""
    if ui.can_edit():
        return True
    flash("error", "View only: enter the facilitator passcode in the sidebar to make changes.")
    return False


def save(stage_id: str, field: str, key: str) -> None:
    """Save one field the moment it is given (on_change)."""
    if not allowed():
        return
    try:
        queries.update_value_chain_stage(store, wid, stage_id, field, ss.get(key))
    except UserError as exc:
        flash("error", str(exc))


def add_stage(initiative_id: str) -> None:
    if not allowed():
        return
    name = ss.get("vc_new_name", "")
    try:
        queries.add_value_chain_stage(store, wid, initiative_id, name)
    except UserError as exc:
        flash("error", str(exc))
        return
    ss["vc_new_name"] = ""


def move(stage_id: str, delta: int) -> None:
    if not allowed():
        return
    try:
        queries.move_value_chain_stage(store, wid, stage_id, delta)
    except UserError as exc:
        flash("error", str(exc))


def remove(stage_id: str) -> None:
    if not allowed():
        return
    try:
        queries.delete_value_chain_stage(store, wid, stage_id)
    except UserError as exc:
        flash("error", str(exc))


def use_template(initiative_id: str, template_code: str) -> None:
    if not allowed():
        return
    try:
        n = queries.apply_value_chain_template(store, wid, initiative_id, template_code)
    except UserError as exc:
        flash("error", str(exc))
        return
    flash("success", f"{n} stage{'s' if n != 1 else ''} added from the template." if n
          else "The chain already has every stage of this template.")


def on_pick() -> None:
    st.query_params["initiative"] = ss["vc_initiative"]


# the initiative: from the URL, else the one picked in this session, else the workspace's own
if ss.get("vc_initiative") not in ids or (
    st.query_params.get("initiative") in ids and st.query_params.get("initiative") != ss.get("vc_initiative")
):
    ws = queries.get_workspace(store, wid) or {}
    overview = queries.value_chain_overview(store, wid)
    for candidate in (st.query_params.get("initiative"), ws.get("initiative_id"),
                      overview["initiative_id"].iloc[0] if len(overview) else None):
        if candidate in ids:
            ss["vc_initiative"] = candidate
            break
    else:
        ss["vc_initiative"] = None

ui.page_intro(
    "Value-chain coverage",
    "Which stages of a cluster's value chain local actors cover, and where the white spots and missing "
    "links are: list the stages, name the local actors, and mark each stage covered, partly covered or a "
    "gap. Everything is saved as you type, for this workspace.",
)
guidance = queries.value_chain_mapping_guidance(store)
if guidance:
    with st.expander("What the guide says about value chain mapping"):
        st.markdown(ui.plain(guidance["how_to"]))
        ui.source_line(guidance["source"])

st.selectbox("Cluster initiative", ids, key="vc_initiative", format_func=lambda i: names.get(i, i), index=None,
             placeholder="Pick a cluster initiative…", on_change=on_pick)
iid = ss.get("vc_initiative")
if iid and st.query_params.get("initiative") != iid:
    st.query_params["initiative"] = iid

kind, message = ss.pop("vc_flash", (None, None))
if kind == "success":
    st.success(message, icon=":material/check_circle:")
elif kind == "error":
    ui.show_error(UserError(message))
if archived:
    st.info("This workspace is archived: its value chains are read-only.", icon=":material/inventory_2:")
elif not ui.can_edit():
    st.info("View only: enter the facilitator passcode in the sidebar to make changes.", icon=":material/lock:")

def show_chain(iid: str, overview) -> None:
    """The chain of one initiative: summary, diagram, CSV, the editable stages, templates."""
    initiative = queries.get_initiative(store, iid)
    stages = queries.value_chain_stages(store, wid, iid)
    summary = vc.coverage_summary(stages)

    # ---- the chain ----------------------------------------------------------------------------
    st.subheader(ui.plain(initiative["name"]), anchor=False)
    m = st.columns(5)
    m[0].metric("Stages", summary["stages"])
    m[1].metric(vc.COVERAGE_LABELS["covered"], summary["counts"]["covered"])
    m[2].metric(vc.COVERAGE_LABELS["partly_covered"], summary["counts"]["partly_covered"])
    m[3].metric("Gaps", summary["counts"]["gap"])
    m[4].metric(vc.COVERAGE_LABELS[vc.NOT_ASSESSED], summary["counts"][vc.NOT_ASSESSED])
    if summary["gaps"]:
        st.markdown("**Gaps (actors to attract or develop):** " + "; ".join(ui.plain(g) for g in summary["gaps"]))

    workspace_name = (queries.get_workspace(store, wid) or {}).get("name", wid)
    source = f"value-chain coverage entered in ClusterDash, workspace “{workspace_name}”"
    fig = chart.chain_figure(stages, per_row=3 if presenting or len(stages) < 4 else 4, large=presenting, source=source)
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key="vc_chart")
    table = vc.chain_table(stages, initiative["name"])
    ui.download_csv(table, f"value_chain_{iid}.csv", key="dl-value-chain", source=source,
                    units="seq: position in the chain (1 = upstream); coverage: covered, partly covered, gap or "
                          "not yet assessed")

    # ---- edit ---------------------------------------------------------------------------------
    # editing stays available in presentation mode: a workshop maps its chain live
    st.subheader("Stages", anchor=False)
    options = [*vc.COVERAGE_STATUSES, vc.NOT_ASSESSED]
    templates = queries.value_chain_templates(store)
    template_names = dict(zip(templates["template_code"], templates["template_name"]))
    for rec in stages.to_dict("records"):
        sid = rec["stage_id"]
        with st.container(border=True, key=f"vc_row_{sid}"):
            c0, c1, c2, c3 = st.columns([0.35, 3.2, 4.6, 1.3], vertical_alignment="bottom")
            c0.markdown(f"### {int(rec['seq'])}")
            c1.text_input("Stage", value=rec["stage_name"], key=f"vc_name_{sid}", disabled=not editable,
                          on_change=save, args=(sid, "stage_name", f"vc_name_{sid}"),
                          max_chars=vc.MAX_LEN["stage_name"])
            c2.segmented_control(
                "Coverage", options, key=f"vc_cov_{sid}", default=vc.coverage_key(rec["coverage_status"]),
                format_func=lambda k: vc.COVERAGE_LABELS[k], disabled=not editable, required=True,
                on_change=save, args=(sid, "coverage_status", f"vc_cov_{sid}"),
                help=" · ".join(f"{vc.COVERAGE_LABELS[k]}: {vc.COVERAGE_HELP[k]}" for k in options),
            )
            if editable:
                u, d, x = c3.columns(3, gap="xxsmall")
                u.button("", key=f"vc_up_{sid}", icon=":material/arrow_upward:", on_click=move, args=(sid, -1),
                         help="Move upstream", disabled=rec["seq"] == 1)
                d.button("", key=f"vc_down_{sid}", icon=":material/arrow_downward:", on_click=move, args=(sid, 1),
                         help="Move downstream", disabled=rec["seq"] == len(stages))
                with x.popover("", icon=":material/delete:", help="Delete this stage"):
                    st.markdown(f"Delete stage {int(rec['seq'])}, **{ui.plain(rec['stage_name'])}**?")
                    st.button("Delete", key=f"vc_del_{sid}", type="primary", on_click=remove, args=(sid,))
            _, e1, e2 = st.columns([0.35, 4.6, 4.5])
            e1.text_area("Local actors", value=rec["local_actors"] or "", key=f"vc_actors_{sid}", height=68,
                         disabled=not editable, on_change=save, args=(sid, "local_actors", f"vc_actors_{sid}"),
                         placeholder="Firms, institutes, service providers in the region…",
                         max_chars=vc.MAX_LEN["local_actors"])
            e2.text_area("Notes", value=rec["notes"] or "", key=f"vc_notes_{sid}", height=68,
                         disabled=not editable, on_change=save, args=(sid, "notes", f"vc_notes_{sid}"),
                         max_chars=vc.MAX_LEN["notes"], placeholder="Evidence, actors to attract, next step")
            if rec["template_code"]:
                e1.caption("From the guide's template: "
                           + ui.plain(template_names.get(rec["template_code"], rec["template_code"])))

    if editable:
        with st.form("vc_add", border=False):
            a1, a2 = st.columns([4, 1], vertical_alignment="bottom")
            a1.text_input("New stage", key="vc_new_name", placeholder="e.g. Raw material providers",
                          max_chars=vc.MAX_LEN["stage_name"])
            a2.form_submit_button("Add stage", icon=":material/add:", on_click=add_stage, args=(iid,), type="primary")

        if len(templates):
            with st.expander("Start from a value chain the guide describes", expanded=len(stages) == 0):
                code = st.selectbox(
                    "Template", list(templates["template_code"]), key="vc_template",
                    format_func=lambda c: templates.set_index("template_code").loc[c, "template_name"],
                )
                t = templates.set_index("template_code").loc[code]
                st.markdown(ui.plain(t["description"]))
                st.caption(ui.plain(t["completeness_note"]))
                tstages = queries.value_chain_template_stages(store, code)
                for s in tstages.itertuples():
                    line = f"{s.seq}. **{ui.plain(s.stage_name)}**"
                    if isinstance(s.description, str) and s.description:
                        line += f" — {ui.plain(s.description)}"
                    if isinstance(s.example_coverage_text, str) and s.example_coverage_text:
                        line += f" *({ui.plain(s.example_coverage_text)})*"
                    st.markdown(line)
                ui.source_line(t["source"])
                st.button("Add these stages", key="vc_use_template", icon=":material/playlist_add:",
                          on_click=use_template, args=(iid, code))

    if len(overview) > 1 or (len(overview) == 1 and overview["initiative_id"].iloc[0] != iid):
        with st.expander("Other value chains in this workspace"):
            st.dataframe(overview[["name", "stages", "covered", "partly_covered", "gaps", "not_assessed"]],
                         hide_index=True, width="stretch")


overview = queries.value_chain_overview(store, wid)
if iid is None:
    if len(overview):
        st.markdown("**Value chains in this workspace**")
        st.dataframe(overview[["name", "stages", "covered", "partly_covered", "gaps", "not_assessed"]],
                     hide_index=True, width="stretch")
    else:
        st.info("Pick a cluster initiative to map its value chain.", icon=":material/account_tree:")
else:
    show_chain(iid, overview)
