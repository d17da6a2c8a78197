"""The workshop room: the join panel (short code, QR code, participant link) for the projector,
and the join page's lookup. The codes and the QR code come from clusterdash.room (pure)."""

from __future__ import annotations

import os
import socket

import streamlit as st

from clusterdash import access, frames, queries, room
from clusterdash.store import Store
from clusterdash.ui import shell
from clusterdash.ui.output import plain, plain_label

PUBLIC_URL_ENV = "CLUSTERDASH_PUBLIC_URL"  # e.g. https://workshop.example.org, when behind a proxy


def _lan_address() -> str | None:
    """This machine's address on the local network (the route to the outside; nothing is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, no packet leaves
            addr = s.getsockname()[0]
    except OSError:
        return None
    return None if addr.startswith("127.") else addr


def public_base_url() -> tuple[str, str]:
    """The address phones can open, and a note when it is a guess: ``CLUSTERDASH_PUBLIC_URL`` when
    set; else the browser's address, with 127.0.0.1/localhost replaced by this machine's network
    address (a phone cannot open 127.0.0.1)."""
    configured = (os.environ.get(PUBLIC_URL_ENV) or "").strip()
    if configured:
        return configured.rstrip("/"), ""
    url = st.context.url or "http://localhost:8501/"
    base = url.split("?")[0].rsplit("/", 1)[0]
    if room.is_loopback_url(base):
        lan = _lan_address()
        if lan:
            return room.with_host(base, lan), (f"This browser opened ClusterDash as {base}; phones need the network "
                                               f"address shown. Set {PUBLIC_URL_ENV} if it is not reachable.")
        return base, f"Phones cannot open {base}: start ClusterDash on a network address or set {PUBLIC_URL_ENV}."
    return base, ""


def candidates(store: Store) -> list[tuple[str, str | None]]:
    """Every (workspace, assessment or None) a join code can name."""
    out: list[tuple[str, str | None]] = []
    for wid in queries.list_workspaces(store)["workspace_id"]:
        out.append((wid, None))
        out += [(wid, aid) for aid in queries.list_assessments(store, wid)["assessment_id"]]
    return out


def join_destination(store: Store, workspace_id: str, assessment_id: str | None) -> tuple[str, dict]:
    """(page key, its extra query parameters) for a participant who joined with the code of
    ``workspace_id`` (or of ``assessment_id`` in it): see room.join_target."""
    votes = queries.list_votes(store, workspace_id)
    kind, target = room.join_target(assessment_id, list(votes.loc[votes["is_open"].astype(bool), "vote_id"]))
    return kind, ({"a": target} if kind == "assessment" else {"vote": target} if kind == "vote" else {})


def asks_for_name(store: Store, workspace_id: str, key: str, extra: dict) -> bool:
    """Whether joining that destination (join_destination) needs the participant's name: not for
    an anonymous vote, which stores none."""
    if key != "vote":
        return True
    vote = queries.get_vote(store, workspace_id, extra["vote"]) or {}
    return not vote.get("is_anonymous")


def participant_link(workspace_id: str, assessment_id: str | None = None) -> tuple[str, str, str]:
    """(code, link, note): the join code and the participant link. When answering needs a code
    and this session is the facilitator, the link carries a participant token (&join=): scanning
    the QR code lets a phone answer, never manage. The facilitator's own token is never in it."""
    code = room.join_code(workspace_id, assessment_id)
    base, note = public_base_url()
    token = None
    if access.passcode_configured() and not access.answering_open() and shell.is_unlocked():
        token = access.make_token(access.PARTICIPANT)
    return code, room.join_url(base, code, join=token), note


def join_panel(workspace_id: str, assessment_id: str | None = None) -> None:
    """The join code in display type, the QR code of the participant link, and the link itself."""
    code, link, note = participant_link(workspace_id, assessment_id)
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        st.markdown("**Join on your phone**: scan the code, or open the address and type the join code")
        with st.container(key="join-code"):
            st.markdown(room.display_code(code))
        st.code(link.split("?")[0], language=None)
        if note and not shell.is_presenting():  # for the facilitator's laptop, not the projector
            st.caption(plain(note))
    with right:
        st.image(room.qr_svg(link), width=320)


ROOM_PAGES = ("assessment", "checklists", "vote")  # the pages a participant answers on
_ROOM_ASSESSMENT = "_room_assessment"  # the assessment of the participant's link, once seen


def participant_nav(store: Store, workspace_id: str, here: str) -> None:
    """A participant's row of links to the room's activities: the assessment of their link, the
    checklists, every open vote (``here``: the one of this page, shown but not a link). On a phone
    the sidebar is folded away; these are how a participant moves on. Each link keeps the
    workspace, the name and the participant's role (shell.participant_params). Not for the
    facilitator nor on the projector: they have the sidebar and the boards."""
    if shell.is_presenting() or shell.role() != access.PARTICIPANT:
        return
    ss = st.session_state
    if st.query_params.get("a"):
        ss[_ROOM_ASSESSMENT] = st.query_params["a"]
    params = {"ws": workspace_id, "who": shell.current_participant(), **shell.participant_params()}
    if ss.get(_ROOM_ASSESSMENT):
        params["a"] = ss[_ROOM_ASSESSMENT]
    links = [("assessment", "Assessment", {}), ("checklists", "Checklists", {})]
    votes = queries.list_votes(store, workspace_id)
    for v in frames.records(votes[votes["is_open"]]):
        links.append(("vote", f"Vote: {plain_label(v['title'], 40)}", {"vote": v["vote_id"]}))
    current_vote = st.query_params.get("vote")
    with st.container(horizontal=True, key="room-nav"):
        for page, label, extra in links:
            on_it = page == here and (page != "vote" or extra.get("vote") == current_vote)
            shell.page_link(page, label=label, query_params={**params, **extra}, disabled=on_it)


def who_answered(counts: dict[str, int], *, label: str = "Answered so far", anonymous: bool = False) -> None:
    """The room board's line of who has answered (and how often), as plain text in the container
    ``room-who`` (the room test reads it). Names only when the activity is not anonymous."""
    with st.container(key="room-who"):
        st.markdown(plain(room.who_line(counts, label=label, anonymous=anonymous)))


# How often every live board of the room (assessment, checklists, vote, workshop card) re-reads the
# answers on the projector: it must show a new answer within 3 s of its save (issue 13). At 2 s the
# 8-participant room test measured up to 4.9 s on 2 cores (9 browsers beside the server). A re-read
# costs the server a few ms (counts and the stage, no charts) and the projector's browser ~30 ms
# for the run itself plus its elements (measured with Chromium's performance metrics).
ROOM_REFRESH_S = 1
# How often the charts of a live board are re-drawn: on the projector every ROOM_CHART_REFRESH_S,
# on the facilitator's laptop every CHART_REFRESH_S (the counts, the stage and who answered follow
# every ROOM_REFRESH_S). Drawing charts blocks the projector's browser while it draws: in the
# 8-participant room on 2 cores, with the assessment's ladder and radar re-drawn every 10 s, each
# participant's second answer reached the projector 5.8-8.4 s after its save (the first ones
# 1.0-3.5 s; three runs); re-drawn every 30 s, every answer within 4.24 s (two runs, 2026-12-03).
ROOM_CHART_REFRESH_S = 30
CHART_REFRESH_S = 10


def chart_refresh_s() -> int:
    """The re-draw interval of a live board's charts on this page (see ROOM_CHART_REFRESH_S)."""
    return ROOM_CHART_REFRESH_S if shell.is_presenting() else CHART_REFRESH_S


# How often a live result re-reads on a page that is not the projector (a participant's phone,
# the facilitator's laptop), e.g. the vote's ranking once revealed. Every re-read is a script run
# in the one server process (one core, Python's lock): 40 phones re-reading every second would take
# the server time the projector's boards need to stay within 3 s.
PAGE_REFRESH_S = 5


_KEPT = "_room_kept"  # name -> (version, value): what a live board computed from the answers last


def unless_changed(name: str, version, compute):
    """``compute()``, or what it returned last time in this session while ``version`` (a stamp of
    the answers, e.g. queries.checklist_version) is the same: a board re-read every second costs
    one cheap query while nobody answers (in the 8-participant room the checklists board's re-reads
    were 11 % of the server's busy time, profiled with py-spy). Its elements are still drawn on
    every run (a fragment's run replaces them all)."""
    kept = st.session_state.setdefault(_KEPT, {})
    if name in kept and kept[name][0] == version:
        return kept[name][1]
    value = compute()
    kept[name] = (version, value)
    return value


def live_refresh_s() -> int:
    """The re-read interval of a live result on this page: ROOM_REFRESH_S on the projector,
    PAGE_REFRESH_S elsewhere."""
    return ROOM_REFRESH_S if shell.is_presenting() else PAGE_REFRESH_S


def card_room(store: Store, workspace_id: str, item_key: str, *, is_statement: bool,
              assessment_id: str | None) -> None:
    """Under a workshop card: the room's answers to it as they arrive, re-read every
    live_refresh_s() seconds by itself (a fragment: the card and its controls do not move).
    A statement card: how many answered and the count of each answer; a checklist card: its
    status and the latest changes, with who made them. When someone else changed a checklist
    card's item since the card was drawn, the whole page runs again (``st.rerun``: the same card,
    no reload), so the card's own status control, its "changed by" line and the deck's count
    follow the room's line instead of contradicting it."""
    from clusterdash import checklists, maturity
    from clusterdash.ui import maturity as mat_ui

    drawn = f"_card_drawn|{workspace_id}|{item_key}"  # the item's latest change as the card shows it

    def latest(changes) -> str | None:
        return None if changes.empty else str(changes["change_id"].iloc[0])

    if not is_statement:  # a full run of the page (a fragment run re-runs live() only)
        st.session_state[drawn] = latest(queries.checklist_changes(store, workspace_id, item=item_key, limit=1))

    @st.fragment(run_every=live_refresh_s())
    def live() -> None:
        with st.container(key="card-room"):
            if is_statement:
                if not assessment_id:
                    return
                answers = queries.assessment_answers(store, workspace_id, assessment_id)
                here = answers[answers["statement_code"] == item_key]
                people = answers["participant"].nunique()
                counts = here["answer_code"].value_counts()
                parts = [f"{maturity.answer_label(c)}: {int(counts[c])}" for c in maturity.ANSWER_CODES if c in counts]
                if mat_ui.is_result_hidden(queries.get_assessment(store, workspace_id, assessment_id) or {}):
                    parts = []  # hidden by the facilitator: how many answered, not what
                st.markdown(plain(f"The room: {len(here)} of {people} participant(s) answered this card"
                                  + (" — " + " · ".join(parts) if parts else "")))
            else:
                changes = queries.checklist_changes(store, workspace_id, item=item_key, limit=3)
                if latest(changes) != st.session_state.get(drawn):
                    st.rerun(scope="app")
                if changes.empty:  # the card's own status line already says "No status yet"
                    return
                lines = frames.records(checklists.changes_frame(changes, {}))
                st.markdown(plain("The room: " + " · ".join(
                    f"{r['changed_by'] or 'someone'} set {r['field']} to {r['to'] if r['to'] is not None else '(cleared)'}"
                    for r in lines)))

    live()


def session_report(store: Store, workspace_id: str):
    """The whole session of a workspace as a clusterdash.report.Report (assessments, checklists, votes)."""
    from clusterdash import checklists, maturity, report, voting
    from clusterdash.ui import maturity as mat_ui

    ws = queries.get_workspace(store, workspace_id) or {"name": workspace_id}
    r = report.Report(workspace_name=ws["name"], generated_at=queries.utcnow())
    q = mat_ui.questionnaire(store)
    for a in queries.list_assessments(store, workspace_id).to_dict("records"):
        answers = queries.assessment_answers(store, workspace_id, a["assessment_id"])
        result = maturity.assess(q, maturity.aggregate_answers(answers))
        r.assessments.append(report.AssessmentPart(
            title=maturity.assessment_title(a), stage_name=result.stage_name, reasons=list(result.reasons),
            participants=sorted(answers["participant"].unique()), n_answers=len(answers),
            source=f"ClusterDash maturity assessment {a['assessment_id']}; method and statements from seed 004 PART 2",
            answers=maturity.answers_frame(q, answers)))
    r.board = checklists.prepare_board(queries.checklist_board(store, workspace_id))
    for v in queries.list_votes(store, workspace_id).to_dict("records"):
        dots = queries.vote_dots(store, workspace_id, v["vote_id"], v["round"])
        options = queries.vote_options(store, workspace_id, v["vote_id"])
        every = queries.vote_dots(store, workspace_id, v["vote_id"])  # the dots of every round
        r.votes.append(report.VotePart(
            title=v["title"], round=int(v["round"]), is_anonymous=bool(v["is_anonymous"]),
            voters=sorted(dots["voter"].unique()), ranking=voting.ranking(options, dots),
            dots=voting.dots_frame(options, dots),
            actions=voting.actions_export(queries.vote_actions(store, workspace_id, v["vote_id"])),
            source=f"ClusterDash dot-vote {v['vote_id']}, round {v['round']}: the dots saved in this workspace",
            rounds=voting.round_rankings(options, every, v["round"]),
            round_voters=voting.voters_per_round(every, v["round"]),
            rounds_source=f"ClusterDash dot-vote {v['vote_id']}, rounds 1-{v['round']}: the dots saved in this "
                          "workspace (each round kept when the next began)"))
    return r


def report_downloads(store: Store, workspace_id: str) -> None:
    """The session report (printable HTML) and the ZIP of all its CSVs, each built when its button
    is clicked (not on every run of the page: profiled in the 8-participant room, building them
    on each run of the vote page took 8 % of the server)."""
    from clusterdash import report

    with st.container(horizontal=True):
        st.download_button("Session report (printable HTML)",
                           lambda: report.to_html(session_report(store, workspace_id)).encode("utf-8"),
                           file_name=f"workshop_report_{workspace_id}.html", mime="text/html",
                           icon=":material/print:", key="dl-session-report")
        st.download_button("All tables (ZIP of CSVs)", lambda: report.csv_zip(session_report(store, workspace_id)),
                           file_name=f"workshop_{workspace_id}.zip",
                           mime="application/zip", icon=":material/folder_zip:", key="dl-session-zip")
