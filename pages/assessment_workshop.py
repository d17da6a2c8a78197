import streamlit as st

from clusterdash import maturity, queries, ui
from clusterdash.charts import maturity as charts
from clusterdash.ui import maturity as mat_ui

store = ui.get_store()
wid = ui.current_workspace(store)

ui.page_intro(
    "Assessment workshop",
    "For the facilitator: several participants or groups answer the same assessment, each under their own "
    "name on the **Maturity assessment** page. Here you see the room's combined result, the spread of the "
    "answers, and the statements where the room disagrees most — the ones worth discussing.",
)
ui.edit_notice()
q = mat_ui.questionnaire(store)
assessment = mat_ui.selector(store, wid, allow_create=False)
if assessment is None:
    mat_ui.no_assessment_yet(wid)
aid = assessment["assessment_id"]

with st.container(border=True):
    st.markdown("**Invite participants** — they open this link, enter their name and answer:")
    base = (st.context.url or "").split("?")[0].rsplit("/", 1)[0] if st.context.url else ""
    st.code(f"{base}/assessment?ws={wid}&a={aid}", language=None)
    ui.page_link("assessment", label="Open the questionnaire", query_params={"ws": wid, "a": aid})

live = st.toggle("Live: refresh every 5 seconds", key="mat_live",
                 help="Re-reads the answers every 5 seconds while participants answer.")


@st.fragment(run_every=5 if live else None)
def room() -> None:
    answers = queries.assessment_answers(store, wid, aid)
    people = queries.assessment_participants(store, wid, aid)
    if answers.empty:
        st.info("No answers yet. Share the link above; answers appear here as they are given.")
        return
    scores = maturity.aggregate_answers(answers)
    result = maturity.assess(q, scores)
    per_person = maturity.participant_results(q, answers)

    st.header("The room's result", divider="blue")
    st.caption(f"{len(people)} participant(s), {len(answers)} answers; a statement's score is the mean over the "
               "participants who did not answer “don't know”.")
    mat_ui.result_summary(result)
    c1, c2 = (st.container(), st.container()) if ui.is_presenting() else st.columns(2)
    with c1:
        st.plotly_chart(charts.ladder_figure(result, large=ui.is_presenting()), width="stretch",
                        config={"displayModeBar": False}, key="ws_ladder")
    with c2:
        radar = [("Everyone", result)] + [(p, r) for p, r in per_person.items()][:5]
        st.plotly_chart(charts.radar_figure(radar, large=ui.is_presenting()), width="stretch",
                        config={"displayModeBar": False}, key="ws_radar")
        if len(per_person) > 5:
            st.caption("The radar shows everyone and the first five participants; the table below has all.")

    st.header("Participants", divider="blue")
    table = maturity.participants_frame(per_person).merge(
        people[["participant", "last_answer_at"]], on="participant", how="left")
    st.dataframe(table, hide_index=True, width="stretch")
    ui.download_csv(table, f"maturity_participants_{aid}.csv", units="fulfilment per stage in percent",
                    source=f"ClusterDash maturity assessment {aid}: each participant's answers scored separately",
                    key="dl-ws-participants")

    st.header("Where the room disagrees most", divider="blue")
    spread = maturity.spread_frame(q, scores)
    top = maturity.disagreements(spread, top=5)
    if top.empty:
        st.info("No disagreement yet: it needs at least two participants scoring the same statement differently.")
    else:
        st.caption("The statements with the largest standard deviation of the participants' scores (0 = not true, "
                   "1 = fully true); a dot marks the participants who gave that answer (their number inside when more than one), "
                   "the diamond the mean.")
        shown = maturity.answers_frame(q, answers)
        st.plotly_chart(charts.spread_figure(shown, top, large=ui.is_presenting()), width="stretch",
                        config={"displayModeBar": False}, key="ws_spread")
        top_shown = top[["statement_code", "statement", "stage", "n_scored", "n_dont_know", "mean_score", "std_score",
                         "min_score", "max_score", "range_score"]]
        st.dataframe(top_shown, hide_index=True, width="stretch")
        ui.download_csv(top_shown, f"maturity_disagreements_{aid}.csv",
                        units="scores 0-1; std = population standard deviation over participants",
                        source=f"ClusterDash maturity assessment {aid}; statements from seed 004 PART 2",
                        key="dl-ws-disagreements")

    st.subheader("Every statement: mean and spread")
    st.dataframe(spread, hide_index=True, width="stretch")
    ui.download_csv(spread, f"maturity_spread_{aid}.csv",
                    units="scores 0-1; std = population standard deviation over participants; range = highest − lowest",
                    source=f"ClusterDash maturity assessment {aid}; statements from seed 004 PART 2", key="dl-ws-spread")


room()
