"""Maturity assessment widgets: choosing or creating an assessment (kept in the URL as ?a=), its
date and occasion, the participant's name, the answer controls (saved on click, through
clusterdash.ui.autosave), the result and the guide's recommendations for a stage. Used by
pages/assessment*.py and the workshop cards."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from clusterdash import maturity, queries, registry, toolkit
from clusterdash.charts import maturity as charts
from clusterdash.maturity_brief import render_brief
from clusterdash.store import Store
from clusterdash.ui import autosave, shell
from clusterdash.ui.output import download_csv, label_text, plain, show_table, source_line


def questionnaire(store: Store) -> maturity.Questionnaire:
    """The questionnaire (statements, dimensions, checks) as a maturity.Questionnaire."""
    return maturity.Questionnaire.from_frames(
        queries.assessment_statements(store), queries.assessment_dimensions(store), queries.assessment_checks(store)
    )


# ---- which assessment (?a=) -----------------------------------------------------------------------

def _set_assessment(workspace_id: str, assessment_id: str | None) -> None:
    st.session_state[f"_mat_a|{workspace_id}"] = assessment_id
    if assessment_id:
        st.query_params["a"] = assessment_id
    elif "a" in st.query_params:
        del st.query_params["a"]


def current_assessment_id(store: Store, workspace_id: str) -> str | None:
    """The assessment of this tab: ``?a=`` in the URL, else the one this session last used in the
    workspace, else the workspace's newest; written back to the URL."""
    ids = list(queries.list_assessments(store, workspace_id)["assessment_id"])
    want = st.query_params.get("a") or st.session_state.get(f"_mat_a|{workspace_id}")
    if want not in ids:
        if st.query_params.get("a"):
            st.warning("The assessment in the link does not exist in this workspace; showing the newest one.")
        want = ids[0] if ids else None
    if st.query_params.get("a") != want or st.session_state.get(f"_mat_a|{workspace_id}") != want:
        _set_assessment(workspace_id, want)
    return want


def selector(store: Store, workspace_id: str, *, allow_create: bool = True) -> dict | None:
    """Pick the assessment to work on (kept in the URL as ?a=), or create a new one. Returns the
    assessment (with its initiative's name) or None when the workspace has none yet."""
    aid = current_assessment_id(store, workspace_id)
    rows = queries.list_assessments(store, workspace_id)
    if len(rows):
        # labels without live counts: the value is the id, the label only what is shown
        labels = {r.assessment_id: maturity.assessment_title(r._asdict()) for r in rows.itertuples()}
        shell.select_id(
            "Assessment", list(labels), labels, f"_mat_pick|{workspace_id}", aid,
            lambda picked: _set_assessment(workspace_id, picked),
            help="Assessments of this workspace: a cluster initiative and a date. Its link (?a=…) opens it again.",
        )
    if allow_create and not shell.is_presenting():
        _new_assessment_form(store, workspace_id, expanded=not len(rows))
    return _assessment(store, workspace_id, aid)


def shown_assessment(store: Store, workspace_id: str) -> dict | None:
    """The assessment of this tab without any control (presentation mode: no editing on the
    projector); its title as a heading."""
    a = _assessment(store, workspace_id, current_assessment_id(store, workspace_id))
    if a is not None:
        st.markdown(f"**{plain(maturity.assessment_title(a))}**")
    return a


def _assessment(store: Store, workspace_id: str, aid: str | None) -> dict | None:
    if not aid:
        return None
    a = queries.get_assessment(store, workspace_id, aid)
    if a is not None:
        a["stage_name_catalogue"] = maturity.stage_name(a.get("initiative_stage_code")) if a.get("initiative_stage_code") else None
    return a


def _create_assessment(store: Store, workspace_id: str) -> None:
    """Form callback: create the assessment from the form's fields and open it."""
    ss = st.session_state
    done, new = autosave.write(queries.create_assessment, store, workspace_id, ss.get("mat_new_initiative"),
                               ss.get("mat_new_date"), ss.get("mat_new_label"), toast="Assessment created")
    if done:
        _set_assessment(workspace_id, new)


def _add_initiative(store: Store) -> None:
    """Form callback: add a cluster initiative of the user's own and pick it in the form."""
    ss = st.session_state
    done, iid = autosave.write(
        queries.add_user_initiative, store, {k: ss.get(f"mat_ini_{k}") for k in ("name", "country", "sector", "place")},
        toast="Initiative added: choose the date and create the assessment")
    if done:
        ss["mat_new_initiative"] = iid


def _new_assessment_form(store: Store, workspace_id: str, *, expanded: bool) -> None:
    inits = queries.initiatives(store)
    editable = shell.can_edit()
    with st.expander("New assessment", icon=":material/add_circle:", expanded=expanded):
        if not editable:
            st.caption(shell.view_only_reason())
        names = {r.initiative_id: f"{r.name} ({r.country})" + (" — added by a user" if r.origin == "user" else "")
                 for r in inits.itertuples()}
        with st.form("mat_new_assessment", border=False, enter_to_submit=False):
            c1, c2, c3 = st.columns([3, 1.2, 2])
            c1.selectbox("Cluster initiative", list(names), format_func=lambda k: label_text(names.get(k, k)), index=None,
                         placeholder="Type to search the catalogue and your own initiatives", key="mat_new_initiative")
            c2.date_input("Date", key="mat_new_date", format="YYYY-MM-DD")
            c3.text_input("Occasion (optional)", key="mat_new_label", max_chars=queries.MAX_ASSESSMENT_LABEL_CHARS,
                          placeholder="e.g. strategy workshop")
            st.form_submit_button("Create assessment", icon=":material/add:", disabled=not editable,
                                  on_click=_create_assessment, args=(store, workspace_id))
        with st.popover("The initiative is not in the list", icon=":material/add_location_alt:", disabled=not editable):
            with st.form("mat_new_initiative_form", border=False, enter_to_submit=False, clear_on_submit=True):
                st.text_input("Name", max_chars=200, key="mat_ini_name")
                st.text_input("Country", max_chars=100, key="mat_ini_country")
                st.text_input("Sector (optional)", max_chars=200, key="mat_ini_sector")
                st.text_input("City or region (optional)", max_chars=200, key="mat_ini_place")
                st.form_submit_button("Add initiative", icon=":material/add:", on_click=_add_initiative, args=(store,))


def settings(store: Store, workspace_id: str, assessment: dict) -> None:
    """Change the date or occasion of an assessment (saved on change) or delete it."""
    aid = assessment["assessment_id"]
    with st.expander("Date, occasion, delete", icon=":material/edit:"):
        c1, c2 = st.columns([1, 3])
        with c1:
            autosave.date("Date", f"mat_date|{aid}", assessment["assessed_on"],
                          lambda v: queries.update_assessment(store, workspace_id, aid, assessed_on=v))
        with c2:
            autosave.text("Occasion", f"mat_label|{aid}", assessment.get("label") or "",
                          lambda v: queries.update_assessment(store, workspace_id, aid, label=v, set_label=True),
                          max_chars=queries.MAX_ASSESSMENT_LABEL_CHARS)
        confirm = st.checkbox("Delete this assessment and all its answers", key=f"mat_del_ok|{aid}",
                              disabled=not shell.can_edit())

        def delete() -> None:
            done, _ = autosave.write(queries.delete_assessment, store, workspace_id, aid, toast="Assessment deleted")
            if done:
                _set_assessment(workspace_id, None)

        st.button("Delete assessment", icon=":material/delete:", disabled=not (confirm and shell.can_edit()),
                  key=f"mat_del|{aid}", type="primary", on_click=delete)


PARTICIPANT_HELP = ("Each participant or group answers under their own name; the workshop page shows everyone's "
                    "answers together. Everyone on one device? Agree the answers together under one name.")


NAME_FIRST = "Type your name in “Your name” above first: your answers are saved under it, so the room sees who answered."


def participant() -> str:
    """The "Your name" field of the assessment page (the participant this session answers as,
    shared with every page and kept in the URL as &who=). It starts empty for a session that has
    given no name (a participant never answers as 'Facilitator' by default, as on the join page).
    Returns the name, or '' until one is given."""
    name = shell.participant_input("mat_who", help=PARTICIPANT_HELP, blank_default=True)
    return name if shell.participant_named() else ""


# ---- answers ----------------------------------------------------------------------------------------

def answer_key(statement_code: str, scope: str = "") -> str:
    """Base key of a statement's answer control (CSS class st-key-<key>-v<version> in the browser)."""
    return f"mat-ans-{scope + '-' if scope else ''}{statement_code}"


def clear_key(statement_code: str, scope: str = "") -> str:
    return f"mat-clear-{scope + '-' if scope else ''}{statement_code}"


def answer_control(store: Store, workspace_id: str, assessment_id: str, statement, participant: str,
                   stored_code: str | None, *, scope: str = "", label_visibility: str = "collapsed",
                   disabled: bool = False) -> None:
    """The answer scale for one statement (not true … fully true, don't know), saved on click.
    A click on the selected answer keeps it (``required``: a repeat click, or a stale browser
    resending it, never removes an answer); the small "Clear" button next to it removes it on
    purpose. ``statement`` is a maturity.Statement."""
    code = statement.statement_code

    def save(value) -> None:
        if value is not None:  # only "Clear" removes an answer
            queries.save_assessment_answer(store, workspace_id, assessment_id, code, participant, value)

    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        autosave.choice(
            statement.statement, maturity.ANSWER_CODES, answer_key(code, scope), stored_code, save,
            context=(workspace_id, assessment_id, participant), toast=lambda v: "Answer saved" if v else None,
            format_func=maturity.answer_label, label_visibility=label_visibility, width="content", required=True,
            answering=True, disabled=disabled,
        )
        if stored_code:
            autosave.action_button(
                "Clear", clear_key(code, scope), queries.save_assessment_answer, store, workspace_id, assessment_id,
                code, participant, None, toast="Answer removed", icon=":material/backspace:", type="tertiary",
                help="Remove your answer to this statement", answering=True, disabled=disabled,
            )


def questionnaire_view(store: Store, workspace_id: str, assessment_id: str, q, participant: str,
                       my_codes: dict, *, is_open: bool = True) -> None:
    """Every statement by dimension with its answer control and source; progress on top. Without a
    name (``participant`` ''), or when the facilitator has closed answering (``is_open`` false), the
    statements are shown with their controls disabled, and a message why."""
    if not is_open:
        st.info(maturity.ANSWERING_CLOSED, icon=":material/lock_clock:")
    elif not participant:
        st.info(NAME_FIRST, icon=":material/badge:")
    st.progress(len(my_codes) / len(q.statements),
                text=f"{plain(participant or 'You')} {'has' if participant else 'have'} answered {len(my_codes)} of "
                     f"{len(q.statements)} statements.")
    st.caption(
        "Scale: " + " · ".join(f"**{o.label}**" + ("" if o.score is None else f" = {maturity.fraction(o.score)}")
                               for o in maturity.ANSWER_OPTIONS)
        + " (left out of the scores). “Clear” removes your answer."
    )
    for d in q.dimensions:
        st.subheader(d.dimension_name, divider="gray")
        for s in q.of_dimension(d.dimension_code):
            with st.container(key=f"mat-st-{s.statement_code}"):
                st.markdown(f"**{plain(s.statement)}**", help=plain(s.basis))
                answer_control(store, workspace_id, assessment_id, s, participant, my_codes.get(s.statement_code),
                               disabled=not participant or not is_open)
                source_line(s.source)


# ---- the room: hide/reveal, close (assessment.is_revealed, is_open) -----------------------------------

HIDDEN_NOTE = "Hidden from the room (the projector and participants) until you reveal them."


def room_state(store: Store, workspace_id: str, assessment: dict, q) -> dict:
    """The room's answers to ``assessment`` as its live board shows them: the assessment as stored
    now (``now``: hidden, closed), the answers, the count per participant and the room's result
    (None before the first answer). Recomputed only when queries.assessment_version changed: the
    board asks every second, and reading and scoring every answer costs far more than the stamp."""
    from clusterdash.ui import room as room_ui

    aid = assessment["assessment_id"]

    def read() -> dict:
        answers = queries.assessment_answers(store, workspace_id, aid)
        return {"now": queries.get_assessment(store, workspace_id, aid) or assessment, "answers": answers,
                "counts": answers.groupby("participant", sort=False).size().to_dict(),
                "result": maturity.assess(q, maturity.aggregate_answers(answers)) if len(answers) else None}

    return room_ui.unless_changed(f"assessment|{workspace_id}|{aid}",
                                  queries.assessment_version(store, workspace_id, aid), read)


def is_result_hidden(assessment: dict) -> bool:
    """Whether this page must not show the room's result: the facilitator has hidden it, and this
    is the projector or a session that is not the facilitator's (who still sees it, with a note)."""
    return not assessment.get("is_revealed", True) and (shell.is_presenting() or not shell.is_unlocked())


def hidden_result(answers: pd.DataFrame) -> None:
    """In place of a hidden result: only who has answered (and how often), and why nothing more."""
    from clusterdash.ui import room as room_ui

    if len(answers):
        room_ui.who_answered(answers.groupby("participant", sort=False).size().to_dict())
    st.info(maturity.RESULTS_HIDDEN, icon=":material/visibility_off:")


def room_controls(store: Store, workspace_id: str, assessment: dict) -> None:
    """The facilitator's bar for the room: hide or reveal the results, close or reopen answering
    (saved at once, through autosave.action_button), and what the room sees now."""
    aid = assessment["assessment_id"]
    revealed, is_open = bool(assessment.get("is_revealed", True)), bool(assessment.get("is_open", True))
    with st.container(horizontal=True, vertical_alignment="center"):
        autosave.action_button("Hide the results" if revealed else "Reveal the results", f"mat_reveal|{aid}",
                               partial(queries.set_assessment_state, is_revealed=not revealed), store, workspace_id,
                               aid, toast=None, type="primary",
                               icon=":material/visibility_off:" if revealed else ":material/visibility:",
                               help="Answers influence each other when the room sees them: hide the result on the "
                                    "projector (and from participants) while the room answers.")
        autosave.action_button("Close answering" if is_open else "Reopen answering", f"mat_open|{aid}",
                               partial(queries.set_assessment_state, is_open=not is_open), store, workspace_id, aid,
                               toast=None, icon=":material/lock_clock:" if is_open else ":material/lock_open:",
                               help="Closed: nobody can give or change an answer.")
    st.caption(("The room sees the results" if revealed else HIDDEN_NOTE) + " · "
               + ("answering is open." if is_open else "answering is closed."))


# ---- results -------------------------------------------------------------------------------------------

def result_summary(result, *, large: bool | None = None, details: bool = True) -> None:
    """The assigned stage with next stage, answers and flags as metrics, then (``details``) the
    reasons, the consistency flags and coverage warnings (:func:`result_details`). ``large``
    (default: in presentation mode): the stage as a headline in display type, readable from the
    back of the room."""
    large = shell.is_presenting() if large is None else large
    following = maturity.stage_name(result.next_stage_code) if result.next_stage_code else "— (last stage)"
    if large:
        with st.container(key="mat-headline"):
            st.markdown("Assigned stage")
            with st.container(key="mat-headline-stage"):
                st.markdown(plain(result.stage_name))
            st.markdown(plain(f"Next stage: {following}"))
    else:
        c = st.columns(2)
        c[0].metric("Assigned stage", result.stage_name)
        c[1].metric("Next stage", following)
    if details:
        result_details(result)


def result_details(result) -> None:
    """What the stage rests on: how many statements are scored, the reasons, the coverage
    warnings and the consistency flags with their sources."""
    st.caption(f"{result.n_scored_statements} of {result.n_statements} statements have a score · {result.n_answers} "
               f"answers, {result.n_dont_know_answers} of them “don't know” · {len(result.flags)} consistency "
               f"flag{'s' if len(result.flags) != 1 else ''}")
    st.markdown("\n".join(f"- {plain(r)}" for r in result.reasons))
    for w in result.warnings:
        st.warning(w, icon=":material/help:")
    for f in result.flags:
        with st.container(border=True):
            st.markdown(f":material/report: **{plain(f.title)}** — "
                        f"first statements {maturity.pct(f.strong_score)} on average, second {maturity.pct(f.weak_score)}.")
            st.markdown(plain(f.explanation))
            source_line(f.source)


def result_view(q, assessment: dict, answers: pd.DataFrame, participants: list[str]) -> None:
    """The result tab: whose answers, the summary, ladder and radar, the answers that drove the
    result, fulfilment per stage and per dimension (with downloads)."""
    aid = assessment["assessment_id"]
    presenting = shell.is_presenting()
    scope = st.segmented_control(
        "Whose answers", ["Everyone", *participants], default="Everyone", key="mat_scope", required=True,
        format_func=lambda p: "Everyone (mean per statement)" if p == "Everyone" else plain(p),
    )
    scoped = answers if scope in (None, "Everyone") else answers[answers["participant"] == scope]
    result = maturity.assess(q, maturity.aggregate_answers(scoped))
    if not assessment.get("is_revealed", True):  # the facilitator's own view of a hidden result
        st.caption(HIDDEN_NOTE)
    result_summary(result)
    st.caption(f"A stage is reached at {maturity.pct(maturity.REACHED_AT)} fulfilment or more, with at least "
               f"{maturity.pct(maturity.MIN_COVERAGE)} of its statements answered, and only when every earlier "
               "stage is reached. The Method tab explains every step.")
    if assessment.get("initiative_stage_code"):
        st.caption(plain(
            f"For comparison: the initiative catalogue places {assessment['initiative_name']} at "
            f"{assessment['stage_name_catalogue']} (“{assessment.get('initiative_stage_basis') or ''}”). "
            f"Source: {assessment.get('initiative_source')}"
        ))
    # side by side on a screen, one under the other on a projector (large type)
    c1, c2 = (st.container(), st.container()) if presenting else st.columns([1, 1])
    with c1:
        st.plotly_chart(charts.ladder_figure(result, large=presenting), width="stretch",
                        config={"displayModeBar": False}, key="mat_ladder")
    with c2:
        st.plotly_chart(charts.radar_figure([(scope or "Everyone", result)], large=presenting),
                        width="stretch", config={"displayModeBar": False}, key="mat_radar")

    st.subheader("The answers that drove the result")
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**Strongest statements of the assigned stage ({plain(result.stage_name)})**")
        if result.strengths:
            st.markdown("\n".join(f"- {plain(d.statement)} — **{maturity.pct(d.score)}**" for d in result.strengths))
        else:
            st.caption("No stage reached yet.")
    with c2:
        decisive = result.next_stage_code or result.stage_code
        st.markdown(f"**Weakest statements of the decisive stage ({plain(maturity.stage_name(decisive))})**")
        if result.gaps:
            st.markdown("\n".join(f"- {plain(d.statement)} — **{maturity.pct(d.score)}**" for d in result.gaps))
        else:
            st.caption("No statement of this stage is below “fully true”." if not result.unknowns else "No scores yet.")
        if result.unknowns:
            st.caption(f"{len(result.unknowns)} statement(s) of this stage without a score (unanswered or don't know).")

    if presenting:  # the projector shows the result, not the tables (they are in the Export tab)
        return
    st.subheader("Fulfilment per stage")
    stages = result.stages_frame()
    show_table(stages,
               column_config={"fulfilment_pct": st.column_config.NumberColumn("fulfilment %", format="%.1f"),
                              "coverage_pct": st.column_config.NumberColumn("coverage %", format="%.1f")})
    download_csv(stages, f"maturity_stages_{aid}.csv", units="percent of the maximum score",
                 source=f"ClusterDash maturity assessment {aid} ({scope}); method and statements from seed 004 PART 2",
                 key="dl-mat-stages")
    st.subheader("Dimensions")
    dims = result.dimensions_frame()
    show_table(dims)
    download_csv(dims, f"maturity_dimensions_{aid}.csv", units="percent of the maximum score",
                 source=f"ClusterDash maturity assessment {aid} ({scope}); dimensions from seed 004 PART 2",
                 key="dl-mat-dims")


TABLE_LABELS = {  # the workshop tables' columns as people read them (the CSVs keep the names)
    "statement_code": "Code", "statement": "Statement", "stage": "Stage", "dimension": "Dimension",
    "n_scored": "Scored by", "n_dont_know": "Don't know", "mean_score": "Mean", "std_score": "Spread (std)",
    "min_score": "Lowest", "max_score": "Highest", "range_score": "Range", "participant": "Participant",
    "answers": "Answers", "dont_know_answers": "Don't know", "last_answer_at": "Last answer (UTC)",
    **{f"{code}_pct": f"{maturity.stage_name(code)} %" for code in maturity.STAGES},
}


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """A table for people: human column labels, numbers rounded, no "None"/"nan" cells (a dash;
    a numeric column with gaps becomes text)."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.strftime("%Y-%m-%d %H:%M")
        elif pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            col = col.astype("float64").round(2)
            if col.isna().any():
                col = col.map(lambda v: "–" if pd.isna(v) else f"{v:g}")
            elif (col == col.round()).all():
                col = col.astype("int64")
        if col.isna().any():
            col = col.astype(object).where(col.notna(), "–")
        out[c] = col
    return out.rename(columns=TABLE_LABELS)


def export_view(store: Store, workspace_id: str, q, assessment: dict, answers: pd.DataFrame,
                participants: list[str]) -> None:
    """The export tab: the answers, the result per statement, the printable one-page brief."""
    aid = assessment["assessment_id"]
    result = maturity.assess(q, maturity.aggregate_answers(answers))
    shown = maturity.answers_frame(q, answers)
    st.subheader("Answers")
    st.caption(f"{len(shown)} answers by {len(participants)} participant(s). The download holds exactly these rows.")
    show_table(shown)
    download_csv(shown, f"maturity_answers_{aid}.csv", units="score 0-1 (not true 0, partly 1/3, largely 2/3, fully 1)",
                 source=f"ClusterDash maturity assessment {aid}: answers in workspace {workspace_id}; statements from "
                        "seed 004 PART 2",
                 key="dl-mat-answers", label="Download answers (CSV)")
    st.subheader("Result per statement (everyone)")
    per_statement = maturity.statements_result_frame(q, result)
    show_table(per_statement)
    download_csv(per_statement, f"maturity_result_{aid}.csv", units="score 0-1 (mean over participants)",
                 source=f"ClusterDash maturity assessment {aid}; statements from seed 004 PART 2 (source per row)",
                 key="dl-mat-result", label="Download result per statement (CSV)")
    st.subheader("One-page brief")
    st.caption("A printable page (HTML, opens in any browser; print it or save it as PDF) with the stage ladder, "
               "the radar, the stage, the reasons and the recommendations, for everyone's answers.")
    recs = {s: queries.stage_recommendations(store, s) for s, _ in maturity.recommendation_stages(result)}
    brief = render_brief(q, assessment, result, recs, participants=len(participants))
    st.download_button("Download the brief (HTML)", brief.encode("utf-8"), file_name=f"maturity_brief_{aid}.html",
                       mime="text/html", icon=":material/print:", key="dl-mat-brief")


def method_view(store: Store) -> None:
    """The method tab: how the stage is assigned, the statements with their sources, the checks."""
    st.markdown(maturity.method_markdown())
    st.subheader("The statements, their stage and their source")
    table = queries.assessment_statements(store)[["statement_code", "stage_code", "dimension_code", "statement", "basis",
                                                  "source"]]
    show_table(table)
    download_csv(table, "maturity_questionnaire.csv", key="dl-mat-questionnaire",
                 source="ClusterDash knowledge base kb_assessment_statement (seed 004)")
    st.subheader("Consistency checks")
    for c in queries.assessment_checks(store).itertuples():
        st.markdown(f"**{plain(c.title)}** — flagged when "
                    f"{plain(', '.join(c.strong_statements.split(';')))} score ≥ 2/3 and "
                    f"{plain(', '.join(c.weak_statements.split(';')))} score ≤ 1/3 on average. {plain(c.explanation)}")
        source_line(c.source)


# ---- recommendations -----------------------------------------------------------------------------------

def recommendations_view(store: Store, workspace_id: str, q, answers: pd.DataFrame) -> None:
    """The recommendations tab: for the result over everyone's answers, the guide's advice for the
    assigned and the next stage, and the obstacles of all stages."""
    result = maturity.assess(q, maturity.aggregate_answers(answers))
    st.caption(plain(f"For the result over everyone's answers: {result.stage_name}. "
                     "Everything below is from the guide, with its section."))
    plan = maturity.recommendation_stages(result)
    stage_tabs = st.tabs([f"{maturity.ROLE_TITLES[role]}: {maturity.stage_name(s)}" for s, role in plan])
    for (st_code, role), stage_tab in zip(plan, stage_tabs):
        with stage_tab:
            stage_recommendations(store, workspace_id, q, result, st_code, role)
    with st.expander("Potential obstacles to clusters and cluster development (all stages)", icon=":material/warning:"):
        obs = queries.cluster_obstacles(store)
        for g, part in obs.groupby("group_name", sort=False):
            st.markdown(f"**{plain(g)}**\n" + "\n".join(f"- {plain(t)}" for t in part["text"]))
        if len(obs):
            source_line(obs["source"].iloc[0])


def stage_recommendations(store: Store, workspace_id: str, q, result, st_code: str, role: str) -> None:
    """What the guide recommends for one stage (the assigned one or the next), each part with its
    source: statements still open, key actions, steps and tools (linked to the pages that serve
    them), fitting policy support, lessons learned, dos & don'ts, and the 10 key questions."""
    rec = queries.stage_recommendations(store, st_code)
    open_sts = maturity.open_statements(q, result, st_code)
    if open_sts:
        st.markdown("**Not yet largely true** — " + ("what this stage still needs:" if role == maturity.CURRENT
                                                     else "what reaching this stage takes:"))
        st.markdown("\n".join(f"- {plain(d.statement)} ({maturity.pct(d.score)})" for d in open_sts))
    if len(rec["key_actions"]):
        st.subheader("Key actions")
        st.markdown("\n".join(f"{int(r.seq)}. {plain(r.key_action)}" for r in rec["key_actions"].itertuples()))
        source_line(rec["key_actions"]["source"].iloc[0])
    if len(rec["tools"]):
        st.subheader("Steps and tools")
        for step in rec["tools"].drop_duplicates("step_no").itertuples():
            st.markdown(f"**Step {int(step.step_no)}: {plain(step.step_question or '')}**")
            for tl in rec["tools"][rec["tools"]["step_no"] == step.step_no].itertuples():
                page = registry.page_for_tool(tl.tool_code)
                reading = toolkit.is_reading(tl.allocation_basis)
                with st.expander(tl.tool_name + (f" {toolkit.READING_MARK}" if reading else "")
                                 + (" · open it in ClusterDash" if page is not None else ""),
                                 icon=":material/construction:"):
                    if reading:  # the step is ClusterDash's reading of the guide's step graphic
                        st.caption(plain(toolkit.reading_explanation()
                                         + (f" {tl.allocation_note}" if tl.allocation_note else "")))
                    st.markdown(plain(tl.how_to) if tl.how_to else
                                "_The guide names this tool in its step-by-step figure without a description._")
                    source_line(tl.source)
                    if page is not None:
                        st.page_link(page.path, label=f"Open: {page.title}", icon=page.icon,
                                     query_params={"ws": workspace_id})
    if len(rec["policy_support"]):
        st.subheader("Policy support that fits this stage")
        pol = rec["policy_support"]
        for seq, part in pol.groupby("support_seq", sort=True):
            first = part.iloc[0]
            with st.container(border=True):
                st.markdown(f"**{plain(first['list_title'])}" +
                            (f" — {plain(first['group_name'])}**" if first["group_name"] else "**"))
                st.caption(plain(f"Why here: {first['fit_reason']}"))
                for kind, title in (("description", None), ("factor", None), ("do", "Do"), ("dont", "Don't"),
                                    ("instrument", "Instruments"), ("key_question", "Key questions")):
                    items = part[part["kind"] == kind]
                    if not len(items):
                        continue
                    lines = [f"- {(plain(r.title) + ': ') if r.title else ''}{plain(r.text)}" for r in items.itertuples()]
                    st.markdown((f"**{title}**\n" if title else "") + "\n".join(lines))
                source_line(first["source"])
    if len(rec["lessons"]) or len(rec["dos_donts"]):
        st.subheader("Lessons learned and common reasons for failure")
        for r in rec["lessons"].itertuples():
            with st.expander(r.title + (f" — {r.case_name}" if r.case_name else ""), icon=":material/lightbulb:"):
                st.markdown(plain(r.lesson))
                source_line(r.source)
        if len(rec["dos_donts"]):
            for title, part in rec["dos_donts"].groupby("list_title", sort=False):
                st.markdown(f"**{plain(title)}**\n" + "\n".join(
                    f"- {'✓ Do' if r.kind == 'do' else '✗ Don’t'}: {plain(r.text)}" for r in part.itertuples()))
                source_line(part["source"].iloc[0])
    if len(rec["key_questions"]):
        st.subheader(f"The guide's {len(rec['key_questions'])} key questions of this phase")
        st.markdown("\n".join(f"{int(r.seq)}. {plain(r.key_question)}" for r in rec["key_questions"].itertuples()))
        source_line(rec["key_questions"]["source"].iloc[0])
    if st_code == "transformation":
        st.info("The guide describes the transformation stage only through its four characteristics in the "
                "four-stage overview; it gives no key actions, tools or key questions for it (its text ends "
                "inside the operationalisation phase).", icon=":material/info:")
        st.markdown("\n".join(f"- {plain(r.characteristic)}" for r in rec["characteristics"].itertuples()))
        source_line(rec["characteristics"]["source"].iloc[0])


def no_assessment_yet(workspace_id: str) -> None:
    """What the workshop and history pages show when the workspace has no assessment."""
    st.info("No assessment in this workspace yet: start one on the Maturity assessment page.")
    shell.page_link("assessment", query_params={"ws": workspace_id})
    st.stop()

