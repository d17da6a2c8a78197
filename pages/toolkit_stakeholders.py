from functools import partial

import streamlit as st

from clusterdash import fields, queries, texts, toolkit, ui
from clusterdash.charts import toolkit as charts
from clusterdash.ui import autosave, history
from clusterdash.ui import toolkit as tk_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
wid = tk_ui.header(store, "stakeholder_analysis")
rows = queries.stakeholders(store, wid)
examples = queries.stakeholder_examples(store)
large = ui.is_presenting()
editable = ui.can_edit()
who = ui.current_participant()  # recorded with removals (the text history)
SOURCE = f"stakeholder analysis of workspace {wid} (ClusterDash); columns as in {toolkit.GUIDE} § PART 2 Initiation phase › Step 2"

if len(rows):
    st.plotly_chart(charts.stakeholder_map(rows, large=large, source=SOURCE), key="sh-map",
                    config={"displaylogo": False})
else:
    st.info("No stakeholders yet. Add them below — or start from the guide's example.", icon=":material/groups:")

st.subheader("Stakeholders")
st.caption("Name · their point of view (assessment) · their potential influence during the process · description · "
           "measures to keep and foster their support and engagement — the guide's columns.")
for r in rows.itertuples():
    k = f"sh|{wid}|{r.stakeholder_id}"
    with st.container(border=True, key=f"sh-row-{r.stakeholder_id}"):
        if not editable:
            st.markdown(f"**{ui.plain(r.name)}** — {fields.value_label('assessment', r.assessment)}, "
                        f"{fields.value_label('influence', r.influence).lower()} influence")
            st.text(f"{r.description or ''}\nMeasure: {r.measure or '—'}")
            continue
        # one row that wraps when the type is large (presentation mode) instead of cutting controls off
        with st.container(horizontal=True, vertical_alignment="bottom", gap="medium", key=f"sh-line-{r.stakeholder_id}"):
            autosave.text(f"Name {r.seq}", f"{k}|name", r.name,
                       lambda v, i=r.stakeholder_id, **cas: queries.update_stakeholder(store, wid, i, name=v, **cas),
                       checked=True, max_chars=200, width=280)
            autosave.choice("Assessment", toolkit.ASSESSMENTS, f"{k}|assessment", r.assessment,
                         lambda v, i=r.stakeholder_id: queries.update_stakeholder(store, wid, i, assessment=v),
                         labels=fields.value_labels("assessment"))
            autosave.choice("Influence", toolkit.LEVELS[::-1], f"{k}|influence", r.influence,
                         lambda v, i=r.stakeholder_id: queries.update_stakeholder(store, wid, i, influence=v),
                         labels=fields.value_labels("influence"))
            autosave.action_button("", f"{k}|delete", partial(queries.delete_stakeholder, changed_by=who), store, wid,
                         r.stakeholder_id,
                         icon=":material/delete:", help=f"Remove {ui.plain_label(r.name, 80)}", toast="Removed")
        d1, d2 = st.columns(2)
        with d1:
            autosave.text("Description", f"{k}|description", r.description,
                       lambda v, i=r.stakeholder_id, **cas: queries.update_stakeholder(store, wid, i, description=v, **cas),
                       checked=True, area=True, height=80, placeholder="Who they are, what role they play")
        with d2:
            autosave.text("Measure", f"{k}|measure", r.measure,
                       lambda v, i=r.stakeholder_id, **cas: queries.update_stakeholder(store, wid, i, measure=v, **cas),
                       checked=True, area=True, height=80, placeholder="What to do to keep and foster their support")

if editable:
    autosave.adder("Add a stakeholder", f"sh-add|{wid}",
                   lambda name: queries.add_stakeholder(store, wid, name, changed_by=ui.current_participant()),
                placeholder="Name of a stakeholder or group, then Enter (assessment and influence start at neutral / medium)")
    missing = set(examples["name"]) - set(rows["name"])
    if missing:
        autosave.action_button(f"Add the guide's example ({len(missing)} rows, Baden-Württemberg)", f"sh-example|{wid}",
                     partial(queries.add_example_stakeholders, changed_by=who), store, wid,
                     icon=":material/library_add:", toast="Added",
                     help="The example table of the guide (Anteja ECG 2017, S3-4AlpClusters): copy its rows into "
                          "this workspace to edit them.")

export = rows[["seq", "name", "assessment", "influence", "description", "measure"]]
ui.download_csv(export, f"stakeholders_{wid}.csv", key="dl-stakeholders", source=SOURCE,
                units="assessment: positive/neutral/critical; influence: high/medium/low")

with st.expander("The guide's example: stakeholder analysis in Baden-Württemberg", icon=":material/table:"):
    ui.show_table(examples[["name", "assessment", "influence", "description", "measure"]])
    ui.source_line(examples["source"].iloc[0] if len(examples) else toolkit.GUIDE)
tk_ui.notes(store, "stakeholder_analysis", title="From the guide: objectors, openness, a lesson learned")
history.text_history(store, wid, texts.TOOL_TABLES["stakeholder_analysis"], key="stakeholders-history")
learn_ui.guidance_lists("toolkit_stakeholders")
