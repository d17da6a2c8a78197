import streamlit as st

from clusterdash import maturity, queries, ui
from clusterdash.charts import maturity as charts
from clusterdash.maturity_brief import render_brief

store = ui.get_store()
wid = ui.current_workspace(store)

ui.page_intro(
    "Maturity assessment",
    "Which of the guide's four maturity stages — initiation, establishment, operationalisation, "
    "transformation — has a cluster initiative reached, **why**, and **what to do next**. Answer the "
    "statements: every answer is saved the moment you give it, and the result follows at once.",
)
ui.edit_notice()
q = ui.assessment_questionnaire(store)
if not q.statements:
    st.error("The questionnaire is missing from this store (it was created before the maturity assessment existed). "
             "Stop the dashboard, run `python -m clusterdash build` to load the knowledge base, and start it again.")
    st.stop()

assessment = ui.assessment_selector(store, wid)
if assessment is None:
    st.info("No assessment in this workspace yet: choose a cluster initiative and a date above to start one.")
    st.stop()
aid = assessment["assessment_id"]
ui.assessment_settings(store, wid, assessment)
participant = ui.assessment_participant()

answers = queries.assessment_answers(store, wid, aid)
mine = answers[answers["participant"] == participant]
my_codes = dict(zip(mine["statement_code"], mine["answer_code"]))
participants = sorted(answers["participant"].unique())

tabs = st.tabs(["Questionnaire", "Result", "Recommendations", "Export", "Method"], key="view",
               bind="query-params", on_change="rerun")

# ---- questionnaire -------------------------------------------------------------------------
with tabs[0]:
    if tabs[0].open:
        st.progress(len(my_codes) / len(q.statements),
                    text=f"{ui.plain(participant)} has answered {len(my_codes)} of {len(q.statements)} statements.")
        st.caption(
            "Scale: " + " · ".join(f"**{o.label}**" + ("" if o.score is None else f" = {maturity.fraction(o.score)}")
                                   for o in maturity.ANSWER_OPTIONS)
            + " (left out of the scores). Click the selected answer again to remove it."
        )
        for d in q.dimensions:
            st.subheader(d.dimension_name, divider="gray")
            for s in q.of_dimension(d.dimension_code):
                with st.container(key=f"mat-st-{s.statement_code}"):
                    st.markdown(f"**{ui.plain(s.statement)}**", help=ui.plain(s.basis))
                    ui.assessment_answer_control(store, wid, aid, s, participant, my_codes.get(s.statement_code))
                    ui.source_line(s.source)

# ---- result -------------------------------------------------------------------------------
scope_options = ["Everyone"] + participants
with tabs[1]:
    if tabs[1].open:
        scope = st.segmented_control(
            "Whose answers", scope_options, default="Everyone", key="mat_scope", required=True,
            format_func=lambda p: "Everyone (mean per statement)" if p == "Everyone" else ui.plain(p),
        )
        scoped = answers if scope in (None, "Everyone") else answers[answers["participant"] == scope]
        result = maturity.assess(q, maturity.aggregate_answers(scoped))
        ui.assessment_result_summary(result)
        st.caption(f"A stage is reached at {maturity.pct(maturity.REACHED_AT)} fulfilment or more, with at least "
                   f"{maturity.pct(maturity.MIN_COVERAGE)} of its statements answered, and only when every earlier "
                   "stage is reached. The Method tab explains every step.")
        if assessment.get("initiative_stage_code"):
            st.caption(ui.plain(
                f"For comparison: the initiative catalogue places {assessment['initiative_name']} at "
                f"{assessment['stage_name_catalogue']} (“{assessment.get('initiative_stage_basis') or ''}”). "
                f"Source: {assessment.get('initiative_source')}"
            ))
        # side by side on a screen, one under the other on a projector (large type)
        c1, c2 = (st.container(), st.container()) if ui.is_presenting() else st.columns([1, 1])
        with c1:
            st.plotly_chart(charts.ladder_figure(result, large=ui.is_presenting()), width="stretch",
                            config={"displayModeBar": False}, key="mat_ladder")
        with c2:
            st.plotly_chart(charts.radar_figure([(scope or "Everyone", result)], large=ui.is_presenting()),
                            width="stretch", config={"displayModeBar": False}, key="mat_radar")

        st.subheader("The answers that drove the result")
        c1, c2 = st.columns(2)
        with c1:
            st.markdown(f"**Strongest statements of the assigned stage ({ui.plain(result.stage_name)})**")
            if result.strengths:
                st.markdown("\n".join(f"- {ui.plain(d.statement)} — **{maturity.pct(d.score)}**" for d in result.strengths))
            else:
                st.caption("No stage reached yet.")
        with c2:
            decisive = result.next_stage_code or result.stage_code
            st.markdown(f"**Weakest statements of the decisive stage ({ui.plain(maturity.stage_name(decisive))})**")
            if result.gaps:
                st.markdown("\n".join(f"- {ui.plain(d.statement)} — **{maturity.pct(d.score)}**" for d in result.gaps))
            else:
                st.caption("No statement of this stage is below “fully true”." if not result.unknowns else "No scores yet.")
            if result.unknowns:
                st.caption(f"{len(result.unknowns)} statement(s) of this stage without a score (unanswered or don't know).")

        st.subheader("Fulfilment per stage")
        stages = result.stages_frame()
        st.dataframe(stages, hide_index=True, width="stretch",
                     column_config={"fulfilment_pct": st.column_config.NumberColumn("fulfilment %", format="%.1f"),
                                    "coverage_pct": st.column_config.NumberColumn("coverage %", format="%.1f")})
        ui.download_csv(stages, f"maturity_stages_{aid}.csv", units="percent of the maximum score",
                        source=f"ClusterDash maturity assessment {aid} ({scope}); method and statements from seed 004 PART 2",
                        key="dl-mat-stages")
        st.subheader("Dimensions")
        dims = result.dimensions_frame()
        st.dataframe(dims, hide_index=True, width="stretch")
        ui.download_csv(dims, f"maturity_dimensions_{aid}.csv", units="percent of the maximum score",
                        source=f"ClusterDash maturity assessment {aid} ({scope}); dimensions from seed 004 PART 2",
                        key="dl-mat-dims")

# ---- recommendations -----------------------------------------------------------------------
with tabs[2]:
    if tabs[2].open:
        result = maturity.assess(q, maturity.aggregate_answers(answers))
        st.caption(ui.plain(f"For the result over everyone's answers: {result.stage_name}. "
                            "Everything below is from the guide, with its section."))
        plan = maturity.recommendation_stages(result)
        stage_tabs = st.tabs([f"{maturity.ROLE_TITLES[role]}: {maturity.stage_name(s)}" for s, role in plan])
        for (st_code, role), stage_tab in zip(plan, stage_tabs):
            with stage_tab:
                ui.stage_recommendations_view(store, wid, q, result, st_code, role)
        with st.expander("Potential obstacles to clusters and cluster development (all stages)", icon=":material/warning:"):
            obs = queries.cluster_obstacles(store)
            for g, part in obs.groupby("group_name", sort=False):
                st.markdown(f"**{ui.plain(g)}**\n" + "\n".join(f"- {ui.plain(t)}" for t in part["text"]))
            if len(obs):
                ui.source_line(obs["source"].iloc[0])

# ---- export -------------------------------------------------------------------------------
with tabs[3]:
    if tabs[3].open:
        result = maturity.assess(q, maturity.aggregate_answers(answers))
        shown = maturity.answers_frame(q, answers)
        st.subheader("Answers")
        st.caption(f"{len(shown)} answers by {len(participants)} participant(s). The download holds exactly these rows.")
        st.dataframe(shown, hide_index=True, width="stretch")
        ui.download_csv(shown, f"maturity_answers_{aid}.csv", units="score 0-1 (not true 0, partly 1/3, largely 2/3, fully 1)",
                        source=f"ClusterDash maturity assessment {aid}: answers in workspace {wid}; statements from seed 004 PART 2",
                        key="dl-mat-answers", label="Download answers (CSV)")
        st.subheader("Result per statement (everyone)")
        per_statement = maturity.statements_result_frame(q, result)
        st.dataframe(per_statement, hide_index=True, width="stretch")
        ui.download_csv(per_statement, f"maturity_result_{aid}.csv", units="score 0-1 (mean over participants)",
                        source=f"ClusterDash maturity assessment {aid}; statements from seed 004 PART 2 (source per row)",
                        key="dl-mat-result", label="Download result per statement (CSV)")
        st.subheader("One-page brief")
        st.caption("A printable page (HTML, opens in any browser; print it or save it as PDF) with the stage ladder, "
                   "the radar, the stage, the reasons and the recommendations, for everyone's answers.")
        recs = {s: queries.stage_recommendations(store, s) for s, _ in maturity.recommendation_stages(result)}
        brief = render_brief(q, assessment, result, recs, participants=len(participants))
        st.download_button("Download the brief (HTML)", brief.encode("utf-8"), file_name=f"maturity_brief_{aid}.html",
                           mime="text/html", icon=":material/print:", key="dl-mat-brief")

# ---- method -------------------------------------------------------------------------------
with tabs[4]:
    if tabs[4].open:
        st.markdown(maturity.method_markdown())
        st.subheader("The statements, their stage and their source")
        table = queries.assessment_statements(store)[["statement_code", "stage_code", "dimension_code", "statement", "basis", "source"]]
        st.dataframe(table, hide_index=True, width="stretch")
        ui.download_csv(table, "maturity_questionnaire.csv", source="ClusterDash knowledge base kb_assessment_statement (seed 004)",
                        key="dl-mat-questionnaire")
        st.subheader("Consistency checks")
        checks = queries.assessment_checks(store)
        for c in checks.itertuples():
            st.markdown(f"**{ui.plain(c.title)}** — flagged when "
                        f"{ui.plain(', '.join(c.strong_statements.split(';')))} score ≥ 2/3 and "
                        f"{ui.plain(', '.join(c.weak_statements.split(';')))} score ≤ 1/3 on average. {ui.plain(c.explanation)}")
            ui.source_line(c.source)
