import streamlit as st

from clusterdash import maturity, queries, ui
from clusterdash.charts import maturity as charts
from clusterdash.ui import maturity as mat_ui
from clusterdash.ui import countdown as timer_ui
from clusterdash.ui import room as room_ui

store = ui.get_store()
wid = ui.current_workspace(store)

presenting = ui.is_presenting()
if not presenting:  # the projector opens on the room's result: the intro is for the facilitator
    ui.page_intro(
        "Assessment workshop",
        "For the facilitator: several participants or groups answer the same assessment, each under their own "
        "name on the **Maturity assessment** page. Here you see the room's combined result, the spread of the "
        "answers, and the statements where the room disagrees most — the ones worth discussing.",
    )
    ui.edit_notice()
q = mat_ui.questionnaire(store)
assessment = mat_ui.shown_assessment(store, wid) if presenting else mat_ui.selector(store, wid, allow_create=False)
if assessment is None:
    mat_ui.no_assessment_yet(wid)
aid = assessment["assessment_id"]

if not presenting:
    with st.container(border=True):
        room_ui.join_panel(wid, aid)
        ui.page_link("assessment", label="Open the questionnaire", query_params={"ws": wid, "a": aid})
    if ui.can_edit():
        mat_ui.room_controls(store, wid, assessment)
        timer_ui.controls(store, wid)

live = presenting or st.toggle("Live: follow the answers", key="mat_live", value=True,
                               help=f"Counts and the room's stage every {room_ui.ROOM_REFRESH_S} s, charts every "
                                    f"{room_ui.chart_refresh_s()} s.")


@st.fragment(run_every=room_ui.ROOM_REFRESH_S if live else None)
def headline() -> None:
    """Who answered and the room's stage, re-read every ROOM_REFRESH_S (cheap: no charts, no
    reasons; on the projector each re-read costs the browser ~50 ms, measured)."""
    r = mat_ui.room_state(store, wid, assessment, q)  # the facilitator may have hidden or closed it since
    now, answers, counts, result = r["now"], r["answers"], r["counts"], r["result"]
    if bool(now["is_revealed"]) != bool(assessment["is_revealed"]):
        st.rerun()  # revealed or hidden: the charts below follow at once, not at their next re-draw
    if not now["is_open"]:
        st.info(maturity.ANSWERING_CLOSED, icon=":material/lock_clock:")
    if answers.empty:
        st.info("No answers yet. Share the join code; answers appear here as they are given.")
        return
    if mat_ui.is_result_hidden(now):  # only who has answered, not the stage
        mat_ui.hidden_result(answers)
        return
    if presenting:  # the projector: the stage in display type, then who answered
        mat_ui.result_summary(result, details=False)
        room_ui.who_answered(counts)
        return
    st.header("The room's result", divider="blue")
    st.caption(f"{answers['participant'].nunique()} participant(s), {len(answers)} answers; a statement's score is "
               "the mean over the participants who did not answer “don't know”.")
    room_ui.who_answered(counts)
    mat_ui.result_summary(result, details=False)


@st.fragment(run_every=room_ui.chart_refresh_s() if live else None)
def room() -> None:
    """The charts and tables, re-drawn every room_ui.chart_refresh_s() (30 s on the projector). The
    ladder and the radar are drawn before the first answer too: the browser then loads its chart
    code when the board opens, not while the room answers (measured on a loaded 2-core machine: a
    16 s stall of the projector's page when the first charts came with the first answers)."""
    if mat_ui.is_result_hidden(assessment):  # no charts while hidden (a reveal re-runs the page)
        return
    answers = queries.assessment_answers(store, wid, aid)
    people = queries.assessment_participants(store, wid, aid)
    scores = maturity.aggregate_answers(answers)
    result = maturity.assess(q, scores)
    per_person = maturity.participant_results(q, answers) if len(answers) else {}
    c1, c2 = (st.container(), st.container()) if ui.is_presenting() else st.columns(2)
    with c1:
        st.plotly_chart(charts.ladder_figure(result, large=ui.is_presenting()), width="stretch",
                        config={"displayModeBar": False}, key="ws_ladder")
    with c2:
        radar = [("Everyone", result)] + [(p, r) for p, r in per_person.items()][:5]
        st.plotly_chart(charts.radar_figure(radar, large=ui.is_presenting()), width="stretch",
                        config={"displayModeBar": False}, key="ws_radar")
        if len(per_person) > 5:
            st.caption("The radar shows everyone and the first five participants; "
                       + ("the facilitator's page lists all." if presenting else "the table below has all."))
    if answers.empty:
        st.caption("No answers yet: the ladder and the radar fill in as the room answers.")
        return
    st.header("Why this stage", divider="blue")
    mat_ui.result_details(result)

    if not presenting:  # the projector: no downloads, no long tables (a 40-row grid is not read from the back)
        st.header("Participants", divider="blue")
        table = maturity.participants_frame(per_person).merge(
            people[["participant", "last_answer_at"]], on="participant", how="left")
        ui.show_table(mat_ui.readable(table))
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
        if presenting:
            return
        ui.show_table(mat_ui.readable(top_shown))
        ui.download_csv(top_shown, f"maturity_disagreements_{aid}.csv",
                        units="scores 0-1; std = population standard deviation over participants",
                        source=f"ClusterDash maturity assessment {aid}; statements from seed 004 PART 2",
                        key="dl-ws-disagreements")

    if presenting:
        return
    st.subheader("Every statement: mean and spread")
    ui.show_table(mat_ui.readable(spread))
    ui.download_csv(spread, f"maturity_spread_{aid}.csv",
                    units="scores 0-1; std = population standard deviation over participants; range = highest − lowest",
                    source=f"ClusterDash maturity assessment {aid}; statements from seed 004 PART 2", key="dl-ws-spread")


if presenting:  # first screen: the room's result beside a compact join panel (assets/present.css)
    result_col, join_col = st.columns([3, 2], gap="large")
    with result_col, st.container(key="room-result"):
        headline()
        timer_ui.display(store, wid, large=True)
    with join_col, st.container(border=True, key="room-join"):
        room_ui.join_panel(wid, aid)
else:
    headline()
room()
