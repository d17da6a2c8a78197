import pandas as pd
import streamlit as st

from clusterdash import frames, maturity, queries, ui
from clusterdash.charts import maturity as charts
from clusterdash.ui import maturity as mat_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
wid = ui.current_workspace(store)

ui.page_intro(
    "Assessment history",
    "How a cluster initiative's maturity developed over its assessments in this workspace, and two "
    "assessments side by side: per stage, per dimension and per statement.",
)
learn_ui.guidance_lists("assessment_history", title=None)  # the guide on monitoring progress
ui.edit_notice()
q = mat_ui.questionnaire(store)
inits = queries.assessed_initiatives(store, wid)
if inits.empty:
    mat_ui.no_assessment_yet(wid)

current = mat_ui.current_assessment_id(store, wid)
current_row = queries.get_assessment(store, wid, current) if current else None
names = {r.initiative_id: f"{r.initiative_name or r.initiative_id} ({int(r.assessments)} assessment{'s' if r.assessments != 1 else ''})"
         for r in inits.itertuples()}
default_iid = current_row["initiative_id"] if current_row and current_row["initiative_id"] in names else next(iter(names))
iid = ui.select_id("Cluster initiative", list(names), names, f"mat_hist_initiative|{wid}",
                   st.session_state.get(f"_mat_hist|{wid}", default_iid),
                   lambda v: st.session_state.__setitem__(f"_mat_hist|{wid}", v))

rows = queries.list_assessments(store, wid, iid).sort_values(["assessed_on", "created_at"]).reset_index(drop=True)
results = {}
for a in frames.records(rows):
    results[a["assessment_id"]] = maturity.assess(q, maturity.aggregate_answers(queries.assessment_answers(store, wid, a["assessment_id"])))

# ---- trend --------------------------------------------------------------------------------
st.header("Trend", divider="blue")
trend = maturity.trend_frame([(a, results[a["assessment_id"]]) for a in frames.records(rows)])
st.plotly_chart(charts.trend_figure(trend, large=ui.is_presenting()), width="stretch",
                config={"displayModeBar": False}, key="mat_trend")
overview = pd.DataFrame(
    [
        {"assessed_on": pd.Timestamp(a["assessed_on"]).date(), "label": a["label"] or "", "assessment_id": a["assessment_id"],
         "participants": int(a["participants"]), "answers": int(a["answers"]),
         "stage": results[a["assessment_id"]].stage_name,
         **{f"{s.stage_code}_pct": None if s.fulfilment is None else round(s.fulfilment * 100, 1)
            for s in results[a["assessment_id"]].stages}}
        for a in frames.records(rows)
    ]
)
ui.show_table(overview)
ui.download_csv(overview, f"maturity_history_{iid}.csv", units="fulfilment per stage in percent",
                source=f"ClusterDash maturity assessments of {iid} in workspace {wid} (everyone's answers)",
                key="dl-mat-history")

# ---- side by side -------------------------------------------------------------------------
st.header("Two assessments side by side", divider="blue")
if len(rows) < 2:
    st.info("This initiative has one assessment so far. Assess it again later (e.g. after a year) to compare.")
    st.stop()
labels = {a["assessment_id"]: f"{pd.Timestamp(a['assessed_on']).date().isoformat()}" + (f" — {a['label']}" if a["label"] else "")
          + f" ({results[a['assessment_id']].stage_name})" for a in frames.records(rows)}
ids = list(labels)
c1, c2 = st.columns(2)
picked = st.session_state.setdefault(f"_mat_cmp|{iid}", {"a": ids[-2], "b": ids[-1]})
picked = {k: v if v in ids else ids[-2 if k == "a" else -1] for k, v in picked.items()}
with c1:
    a_id = ui.select_id("A (earlier)", ids, labels, f"mat_cmp_a|{iid}", picked["a"], lambda v: picked.update(a=v))
with c2:
    b_id = ui.select_id("B (later)", ids, labels, f"mat_cmp_b|{iid}", picked["b"], lambda v: picked.update(b=v))
st.session_state[f"_mat_cmp|{iid}"] = picked
ra, rb = results[a_id], results[b_id]
cmp = maturity.compare(q, ra, rb)

m = st.columns(2)
m[0].metric("A: assigned stage", ra.stage_name)
m[1].metric("B: assigned stage", rb.stage_name,
            delta=None if ra.stage_order == rb.stage_order else f"{rb.stage_order - ra.stage_order:+d} stage(s)")
st.subheader("Per stage")
ui.show_table(cmp.stages)
c1, c2 = (st.container(), st.container()) if ui.is_presenting() else st.columns([1, 1])
with c1:
    st.subheader("Per dimension")
    ui.show_table(cmp.dimensions, height="content")
with c2:
    st.plotly_chart(charts.radar_figure([(f"A {labels[a_id]}", ra), (f"B {labels[b_id]}", rb)], large=ui.is_presenting()),
                    width="stretch", config={"displayModeBar": False}, key="mat_cmp_radar")
st.subheader("Per statement, largest changes first")
ui.show_table(cmp.statements)
src = f"ClusterDash maturity assessments {a_id} (A) and {b_id} (B) in workspace {wid}; statements from seed 004 PART 2"
d1, d2, d3 = st.columns(3)
with d1:
    ui.download_csv(cmp.stages, f"maturity_compare_stages_{a_id}_{b_id}.csv", units="percent; change in percentage points",
                    source=src, key="dl-cmp-stages", label="Stages (CSV)")
with d2:
    ui.download_csv(cmp.dimensions, f"maturity_compare_dimensions_{a_id}_{b_id}.csv", units="percent; change in percentage points",
                    source=src, key="dl-cmp-dims", label="Dimensions (CSV)")
with d3:
    ui.download_csv(cmp.statements, f"maturity_compare_statements_{a_id}_{b_id}.csv", units="score 0-1; change = B − A",
                    source=src, key="dl-cmp-statements", label="Statements (CSV)")
