"""Dot-voting in the workshop room: the facilitator opens a vote (on the checklist items marked to
do, the SWOT entries, an assessment's recommendations, or lines typed in), reveals or hides the
results, closes it, starts a new round; each participant places their dots with + and −; the
results, ranked, refresh by themselves."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from clusterdash import checklists, queries, voting
from clusterdash.store import Store
from clusterdash.ui import autosave, shell
from clusterdash.ui import room as room_ui
from clusterdash.ui.output import download_csv, plain



def voter(vote: dict) -> str:
    """Who this session votes as: its name, or, in an anonymous vote, the pseudonym of this
    browser tab (kept in the URL: one budget per tab, across a reload; no name stored). '' while
    a named vote's session has given no name: nobody votes as the default 'Facilitator'."""
    if vote["is_anonymous"]:
        return shell.anonymous_voter()
    return shell.current_participant() if shell.participant_named() else ""


def new_vote_form(store: Store, workspace_id: str) -> None:
    """The facilitator's form: the question, the options (the checklist items marked to do, the
    toolkit's SWOT entries, an assessment's recommendations, or typed lines), the dot budget,
    stacking, anonymous."""
    from clusterdash import frames, maturity

    board = checklists.prepare_board(queries.checklist_board(store, workspace_id))
    todo = checklists.action_items(board)
    swot = queries.swot_items(store, workspace_id)
    assessments = queries.list_assessments(store, workspace_id)
    sources = {"todo": f"The checklist items marked to do ({len(todo)})",
               "swot": f"The SWOT entries of the toolkit ({len(swot)})",
               "recommendations": "The recommendations of an assessment (the guide's key actions for its stage "
                                  "and the next)",
               "lines": "The lines typed below"}
    offered = [k for k, n in (("todo", len(todo) >= 2), ("swot", len(swot) >= 2),
                              ("recommendations", len(assessments) > 0), ("lines", True)) if n]
    with st.expander("Open a new vote", icon=":material/how_to_vote:", expanded=False):
        with st.form("vote_new", border=False, enter_to_submit=False):
            st.text_input("Question", value="Which actions first?", key="vote_title", max_chars=voting.MAX_TITLE_CHARS)
            st.radio("The options", offered, format_func=sources.get, key="vote_from",
                     index=offered.index("todo") if "todo" in offered else offered.index("lines"))
            if len(assessments):
                titles = {a["assessment_id"]: maturity.assessment_title(a) for a in frames.records(assessments)}
                st.selectbox("Assessment (for its recommendations)", list(titles), format_func=titles.get,
                             key="vote_assessment")
            st.text_area("Or the options, one a line", key="vote_lines", placeholder="Joint training programme\n...")
            c1, c2, c3 = st.columns(3)
            c1.number_input("Dots per person", min_value=1, max_value=voting.MAX_DOTS, value=3, key="vote_dots")
            c2.checkbox("Several dots on one option", value=True, key="vote_stack")
            c3.checkbox("Anonymous", value=False, key="vote_anon")
            st.form_submit_button("Open the vote", icon=":material/how_to_vote:", type="primary",
                                  disabled=not shell.can_edit(), on_click=_create, args=(store, workspace_id, todo))


def _options(store: Store, workspace_id: str, todo: pd.DataFrame) -> tuple[list[str], list[str] | None]:
    """The new vote's options (labels, source refs) from the source chosen in the form."""
    ss = st.session_state
    source = ss.get("vote_from")
    if source == "todo" and len(todo) >= 2:
        return list(todo["text"]), list(todo["item_key"])
    if source == "swot":
        return voting.options_from_swot(queries.swot_items(store, workspace_id))
    if source == "recommendations":
        from clusterdash import maturity
        from clusterdash.ui import maturity as mat_ui

        aid = ss.get("vote_assessment")
        answers = queries.assessment_answers(store, workspace_id, aid)
        result = maturity.assess(mat_ui.questionnaire(store), maturity.aggregate_answers(answers))
        return voting.options_from_key_actions({s: queries.stage_recommendations(store, s)["key_actions"]
                                                for s, _ in maturity.recommendation_stages(result)})
    return (ss.get("vote_lines") or "").splitlines(), None


def _create(store: Store, workspace_id: str, todo: pd.DataFrame) -> None:
    ss = st.session_state

    def create() -> str:
        labels, refs = _options(store, workspace_id, todo)
        return queries.create_vote(store, workspace_id, ss.get("vote_title"), labels,
                                   dots_per_person=ss.get("vote_dots") or 3, is_stacking=bool(ss.get("vote_stack")),
                                   is_anonymous=bool(ss.get("vote_anon")), source_refs=refs)

    done, vid = autosave.write(create, toast="Vote opened")
    if done:
        st.query_params["vote"] = vid


def facilitator_bar(store: Store, workspace_id: str, vote: dict) -> None:
    """Reveal/hide, close/reopen, new round."""
    vid = vote["vote_id"]
    with st.container(horizontal=True):
        autosave.action_button("Hide results" if vote["is_revealed"] else "Reveal results", f"vote_reveal|{vid}",
                               partial(queries.set_vote_state, is_revealed=not vote["is_revealed"]), store,
                               workspace_id, vid, toast=None, icon=":material/visibility:", type="primary")
        autosave.action_button("Reopen" if not vote["is_open"] else "Close the vote", f"vote_open|{vid}",
                               partial(queries.set_vote_state, is_open=not vote["is_open"]), store,
                               workspace_id, vid, toast=None, icon=":material/lock_clock:")
        autosave.action_button("New round", f"vote_round|{vid}", queries.new_vote_round, store, workspace_id, vid,
                               toast="New round: dots start again; the earlier round is kept",
                               icon=":material/replay:")


def ballot(store: Store, workspace_id: str, vote: dict) -> None:
    """This participant's dots: per option − and + (saved at once), the dots left. A named vote
    first asks for the participant's name (the page's one "Your name" field); the buttons work
    once it is given."""
    if not vote["is_anonymous"]:
        shell.participant_input("vote_who", help="Shown with your dots, so the room sees who voted.", blank_default=True)
    vid, me = vote["vote_id"], voter(vote)
    options = queries.vote_options(store, workspace_id, vid)
    dots = queries.vote_dots(store, workspace_id, vid, vote["round"])
    mine = dict(zip(*[dots.loc[dots["voter"] == me, c] for c in ("seq", "dots")]))
    left = int(vote["dots_per_person"]) - sum(mine.values())
    who = "Voting anonymously" if vote["is_anonymous"] else ("Voting as " + me if me else
                                                             "Type your name to place your dots")
    st.markdown(plain(f"{who} · round {vote['round']} · {left} of {vote['dots_per_person']} dots left"))
    if not vote["is_open"]:
        st.info("This vote is closed.", icon=":material/lock_clock:")
    for o in options.to_dict("records"):
        seq, have = int(o["seq"]), int(mine.get(o["seq"], 0))
        with st.container(border=True, horizontal=True, vertical_alignment="center", key=f"vote-opt-{seq}"):
            st.markdown(plain(o["label"]) + ("  " + "● " * have if have else ""), width="stretch")
            off = not vote["is_open"] or not me
            autosave.action_button("−", f"vote_minus|{vid}|{seq}", queries.set_dots, store, workspace_id, vid, seq, me,
                                   have - 1, toast=None, disabled=off or have == 0, answering=True,
                                   help="Take a dot away")
            autosave.action_button("+", f"vote_plus|{vid}|{seq}", queries.set_dots, store, workspace_id, vid, seq, me,
                                   have + 1, toast=None, disabled=off or left <= 0, answering=True,
                                   help="Put a dot on this option")


def results(store: Store, workspace_id: str, vote_id: str) -> None:
    """The ranking, live; re-read every room_ui.live_refresh_s() seconds. Until the facilitator
    reveals it, only how many voted and how many dots are shown to participants and on the
    projector (the facilitator's browser in presentation mode); the facilitator's own view shows
    the ranking marked hidden."""

    @st.fragment(run_every=room_ui.live_refresh_s())
    def live() -> None:
        vote = queries.get_vote(store, workspace_id, vote_id)
        if vote is None:
            return
        dots = queries.vote_dots(store, workspace_id, vote_id, vote["round"])
        voters = dots["voter"].nunique()
        with st.container(key="room-board"):
            st.markdown(plain(f"Round {vote['round']}: {voters} voter(s), {int(dots['dots'].sum()) if len(dots) else 0} dots"))
            room_ui.who_answered(dots.groupby("voter")["dots"].sum().to_dict() if len(dots) else {},
                                 label="Voted so far", anonymous=bool(vote["is_anonymous"]))
            if not vote["is_revealed"] and (not shell.is_unlocked() or shell.is_presenting()):
                st.info("The results are hidden until the facilitator reveals them.", icon=":material/visibility_off:")
                return
            if not vote["is_revealed"]:
                st.caption("Hidden from participants until you reveal them.")
            ranked = voting.ranking(queries.vote_options(store, workspace_id, vote_id), dots)
            for r in ranked.to_dict("records"):
                st.markdown(plain(f"{r['rank']}. {r['option']} — {r['dots']} dot{'s' if r['dots'] != 1 else ''}"))
            if vote["round"] > 1:
                prev = voting.ranking(queries.vote_options(store, workspace_id, vote_id),
                                      queries.vote_dots(store, workspace_id, vote_id, vote["round"] - 1))
                st.caption(plain("Round " + str(vote["round"] - 1) + ": " + " · ".join(
                    f"{r['option']} {r['dots']}" for r in prev.head(5).to_dict("records"))))

    live()


def _choose(store: Store, workspace_id: str, vote_id: str) -> list[int]:
    n = st.session_state.get(f"vote_top|{vote_id}") or 3
    return queries.choose_vote_actions(store, workspace_id, vote_id, n, changed_by=shell.current_participant())


def actions(store: Store, workspace_id: str, vote: dict, *, presenting: bool = False) -> None:
    """The ranking turned into actions: the facilitator makes the top N options actions (ties at the
    last place included); each has an owner and a due date, saved as you go by the facilitator (the
    room sees them). Shown to participants once there is an action, and on the projector."""
    vid = vote["vote_id"]
    acts = queries.vote_actions(store, workspace_id, vid)
    editable = shell.can_edit() and not presenting
    if acts.empty and not editable:
        return
    dots_shown = bool(vote["is_revealed"]) or editable  # a hidden round's dots are not on the projector
    st.subheader("Actions from this vote")
    if editable:
        with st.container(horizontal=True, vertical_alignment="bottom", key=f"vote-choose-{vid}"):
            st.number_input("How many of the top", min_value=1, max_value=voting.MAX_OPTIONS, value=3, step=1,
                            key=f"vote_top|{vid}", width=200,
                            help="The first places of this round's ranking (ties at the last place all count)")
            autosave.action_button("Make them actions", f"vote_choose|{vid}", _choose, store, workspace_id, vid,
                                   toast="Added to the actions", icon=":material/playlist_add_check:")
    if acts.empty:
        st.caption("No action chosen from this vote yet.")
        return
    widths = [5, 1, 2, 2] + ([1] if editable else [])
    for c, label in zip(st.columns(widths), ("Action", "Dots", "Owner", "Due")):
        c.markdown(f"**{label}**")
    for a in acts.to_dict("records"):
        seq = int(a["seq"])
        with st.container(border=True, key=f"vote-action-{vid}-{seq}"):
            cols = st.columns(widths, vertical_alignment="center")
            cols[0].markdown(plain(a["option"]))
            cols[1].markdown(str(int(a["dots"])) if dots_shown else "hidden")
            if not editable:
                cols[2].markdown("—" if autosave.is_missing(a["owner"]) else plain(a["owner"]))
                cols[3].markdown(checklists.due_label(a["due_date"]) or "—")
                continue
            with cols[2]:
                autosave.text("Owner", f"vote_owner|{workspace_id}|{vid}|{seq}", a["owner"],
                              lambda v, s=seq: queries.save_vote_action(store, workspace_id, vid, s, owner=v,
                                                                        changed_by=shell.current_participant()),
                              placeholder="Owner", label_visibility="collapsed",
                              max_chars=voting.MAX_OWNER_CHARS)
            with cols[3]:
                autosave.date("Due", f"vote_due|{workspace_id}|{vid}|{seq}", checklists.clean_due(a["due_date"]),
                              lambda v, s=seq: queries.save_vote_action(store, workspace_id, vid, s, due=v,
                                                                        changed_by=shell.current_participant()),
                              label_visibility="collapsed", help="When the action is due")
            with cols[4]:
                autosave.action_button("", f"vote_unchoose|{vid}|{seq}", queries.remove_vote_action, store,
                                       workspace_id, vid, seq, toast="Removed from the actions",
                                       icon=":material/remove_circle:", help="No longer an action")
    download_csv(voting.actions_export(acts), f"vote_actions_{vid}.csv", key=f"dl-vote-actions-{vid}",
                 source=f"ClusterDash dot-vote {vid}, round {vote['round']}: the dots saved in this workspace; "
                        "owners and due dates set by the facilitator")
