"""Value-chain coverage widgets: which initiative (kept in the URL as ?initiative=), its chain as
a diagram and CSV, and the stages, edited as you go (clusterdash.ui.autosave): name, coverage,
local actors, notes; add, move, delete, start from the guide's templates."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from clusterdash import queries
from clusterdash import value_chains as vc
from clusterdash.charts import value_chains as chart
from clusterdash.store import Store
from clusterdash.ui import autosave, history, shell
from clusterdash.safe_text import plotly_text
from clusterdash.ui.output import download_csv, flash_success, label_text, plain, show_table, source_line

OVERVIEW_COLUMNS = ["name", "stages", "covered", "partly_covered", "gaps", "not_assessed"]


def guidance(store: Store) -> None:
    text = queries.value_chain_mapping_guidance(store)
    if text:
        with st.expander("What the guide says about value chain mapping"):
            st.markdown(plain(text["how_to"]))
            source_line(text["source"])


def choose_initiative(store: Store, wid: str) -> str | None:
    """The initiative whose chain is shown: from the URL, else the one picked in this session,
    else the workspace's own, else the first with a chain. Kept in the URL."""
    ss = st.session_state
    all_rows = queries.initiatives(store)
    ids = list(all_rows.sort_values("name", key=lambda s: s.str.casefold())["initiative_id"])
    names = dict(zip(all_rows["initiative_id"], all_rows["name"] + " — " + all_rows["country"]))
    wanted = st.query_params.get("initiative")
    if ss.get("vc_initiative") not in ids or (wanted in ids and wanted != ss.get("vc_initiative")):
        ws = queries.get_workspace(store, wid) or {}
        overview = queries.value_chain_overview(store, wid)
        first = overview["initiative_id"].iloc[0] if len(overview) else None
        ss["vc_initiative"] = next((c for c in (wanted, ws.get("initiative_id"), first) if c in ids), None)

    def on_pick() -> None:
        st.query_params["initiative"] = ss["vc_initiative"]

    st.selectbox("Cluster initiative", ids, key="vc_initiative", format_func=lambda i: label_text(names.get(i, i)), index=None,
                 placeholder="Pick a cluster initiative…", on_change=on_pick)
    iid = ss.get("vc_initiative")
    if iid and st.query_params.get("initiative") != iid:
        st.query_params["initiative"] = iid
    return iid


def chain_summary(store: Store, wid: str, initiative: dict, stages: pd.DataFrame) -> None:
    """Counts, gaps, the diagram and its CSV."""
    presenting = shell.is_presenting()
    summary = vc.coverage_summary(stages)
    st.subheader(plain(initiative["name"]), anchor=False)
    m = st.columns(5)
    m[0].metric("Stages", summary["stages"])
    m[1].metric(vc.coverage_label("covered"), summary["counts"]["covered"])
    m[2].metric(vc.coverage_label("partly_covered"), summary["counts"]["partly_covered"])
    m[3].metric("Gaps", summary["counts"]["gap"])
    m[4].metric(vc.coverage_label(vc.NOT_ASSESSED), summary["counts"][vc.NOT_ASSESSED])
    if summary["gaps"]:
        st.markdown("**Gaps (actors to attract or develop):** " + "; ".join(plain(g) for g in summary["gaps"]))
    workspace_name = (queries.get_workspace(store, wid) or {}).get("name", wid)
    source = f"value-chain coverage entered in ClusterDash, workspace “{workspace_name}”"  # the CSV keeps it as stored
    fig = chart.chain_figure(stages, per_row=3 if presenting or len(stages) < 4 else 4, large=presenting,
                             source=plotly_text(source, None))
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key="vc_chart")
    download_csv(vc.chain_table(stages, initiative["name"]), f"value_chain_{initiative['initiative_id']}.csv",
                 key="dl-value-chain", source=source,
                 units="seq: position in the chain (1 = upstream); coverage: covered, partly covered, gap or "
                       "not yet assessed")


def stage_row(store: Store, wid: str, rec: dict, n_stages: int, template_names: dict) -> None:
    """One stage: position, name, coverage, local actors, notes (saved as you go); move and delete."""
    sid = rec["stage_id"]
    editable = shell.can_edit()
    options = [*vc.COVERAGE_STATUSES, vc.NOT_ASSESSED]

    def save(field: str):
        return lambda v, **cas: queries.update_value_chain_stage(store, wid, sid, field, v, **cas)

    with st.container(border=True, key=f"vc_row_{sid}"):
        c0, c1, c2, c3 = st.columns([0.35, 3.2, 4.6, 1.3], vertical_alignment="bottom")
        c0.markdown(f"### {int(rec['seq'])}")
        with c1:
            autosave.text("Stage", f"vc_name_{sid}", rec["stage_name"], save("stage_name"),
                          max_chars=vc.MAX_LEN["stage_name"], checked=True)
        with c2:
            autosave.choice("Coverage", options, f"vc_cov_{sid}", vc.coverage_key(rec["coverage_status"]),
                            save("coverage_status"), format_func=vc.coverage_label, required=True,
                            help=" · ".join(f"{vc.coverage_label(k)}: {vc.COVERAGE_HELP[k]}" for k in options))
        if editable:
            u, d, x = c3.columns(3, gap="xxsmall")
            with u:
                autosave.action_button("", f"vc_up_{sid}", queries.move_value_chain_stage, store, wid, sid, -1,
                                       icon=":material/arrow_upward:", help="Move upstream", toast=None,
                                       disabled=rec["seq"] == 1)
            with d:
                autosave.action_button("", f"vc_down_{sid}", queries.move_value_chain_stage, store, wid, sid, 1,
                                       icon=":material/arrow_downward:", help="Move downstream", toast=None,
                                       disabled=rec["seq"] == n_stages)
            with x.popover("", icon=":material/delete:", help="Delete this stage"):
                st.markdown(f"Delete stage {int(rec['seq'])}, **{plain(rec['stage_name'])}**?")
                autosave.action_button("Delete", f"vc_del_{sid}",
                                       partial(queries.delete_value_chain_stage, changed_by=shell.current_participant()),
                                       store, wid, sid,
                                       type="primary", toast=None)
        _, e1, e2 = st.columns([0.35, 4.6, 4.5])
        with e1:
            autosave.text("Local actors", f"vc_actors_{sid}", rec["local_actors"], save("local_actors"), area=True,
                          checked=True, height=68, placeholder="Firms, institutes, service providers in the region…",
                          max_chars=vc.MAX_LEN["local_actors"])
            if rec["template_code"]:
                st.caption("From the guide's template: "
                           + plain(template_names.get(rec["template_code"], rec["template_code"])))
        with e2:
            autosave.text("Notes", f"vc_notes_{sid}", rec["notes"], save("notes"), area=True, height=68, checked=True,
                          max_chars=vc.MAX_LEN["notes"], placeholder="Evidence, actors to attract, next step")


def _add_stage(store: Store, wid: str, initiative_id: str) -> None:
    done, _ = autosave.write(queries.add_value_chain_stage, store, wid, initiative_id,
                             st.session_state.get("vc_new_name", ""), toast=None, changed_by=shell.current_participant())
    if done:
        st.session_state["vc_new_name"] = ""


def _use_template(store: Store, wid: str, initiative_id: str, template_code: str) -> None:
    done, n = autosave.write(queries.apply_value_chain_template, store, wid, initiative_id, template_code, toast=None,
                             changed_by=shell.current_participant())
    if done:
        flash_success(f"{n} stage{'s' if n != 1 else ''} added from the template." if n
                      else "The chain already has every stage of this template.")


def add_stage_form(store: Store, wid: str, iid: str) -> None:
    with st.form("vc_add", border=False):
        a1, a2 = st.columns([4, 1], vertical_alignment="bottom")
        a1.text_input("New stage", key="vc_new_name", placeholder="e.g. Raw material providers",
                      max_chars=vc.MAX_LEN["stage_name"])
        a2.form_submit_button("Add stage", icon=":material/add:", on_click=_add_stage, args=(store, wid, iid),
                              type="primary")


def templates_section(store: Store, wid: str, iid: str, templates: pd.DataFrame, *, expanded: bool) -> None:
    """Start from a value chain the guide describes: its stages, source, and one click to add them."""
    with st.expander("Start from a value chain the guide describes", expanded=expanded):
        by_code = templates.set_index("template_code")
        code = st.selectbox("Template", list(templates["template_code"]), key="vc_template",
                            format_func=lambda c: by_code.loc[c, "template_name"])
        t = by_code.loc[code]
        st.markdown(plain(t["description"]))
        st.caption(plain(t["completeness_note"]))
        for s in queries.value_chain_template_stages(store, code).itertuples():
            line = f"{s.seq}. **{plain(s.stage_name)}**"
            if isinstance(s.description, str) and s.description:
                line += f" — {plain(s.description)}"
            if isinstance(s.example_coverage_text, str) and s.example_coverage_text:
                line += f" *({plain(s.example_coverage_text)})*"
            st.markdown(line)
        source_line(t["source"])
        st.button("Add these stages", key="vc_use_template", icon=":material/playlist_add:",
                  on_click=_use_template, args=(store, wid, iid, code))


def chain_view(store: Store, wid: str, iid: str, overview: pd.DataFrame) -> None:
    """The chain of one initiative: summary, diagram, CSV, the editable stages, templates.
    Editing stays available in presentation mode: a workshop maps its chain live."""
    initiative = queries.get_initiative(store, iid)
    stages = queries.value_chain_stages(store, wid, iid)
    chain_summary(store, wid, initiative, stages)
    st.subheader("Stages", anchor=False)
    templates = queries.value_chain_templates(store)
    template_names = dict(zip(templates["template_code"], templates["template_name"]))
    for rec in stages.to_dict("records"):
        stage_row(store, wid, rec, len(stages), template_names)
    if shell.can_edit():
        add_stage_form(store, wid, iid)
        if len(templates):
            templates_section(store, wid, iid, templates, expanded=len(stages) == 0)
    history.text_history(store, wid, ("value_chain_stage",), key="vc-history",
                         title="Change history of the stages' texts (all chains of this workspace)")
    if len(overview) > 1 or (len(overview) == 1 and overview["initiative_id"].iloc[0] != iid):
        with st.expander("Other value chains in this workspace"):
            show_table(overview[OVERVIEW_COLUMNS])
