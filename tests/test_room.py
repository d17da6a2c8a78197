"""Joining a workshop (issue 13 item 1): short join codes, the QR code made locally, the join
page (a code and a name, then the assessment or the checklists of the code), and the participant
link's token (answer, never manage)."""

from __future__ import annotations

import pytest

from clusterdash import access, presentation, queries, room
from clusterdash.store import Store


def test_join_codes_are_short_stable_and_forgiving():
    code = room.join_code("default", "as-1")
    assert len(code) == room.CODE_LENGTH and set(code) <= set(room.ALPHABET)
    assert code == room.join_code("default", "as-1")  # the same on every run
    assert code != room.join_code("default") and code != room.join_code("other", "as-1")
    assert not set("01IOL") & set(room.ALPHABET)
    typed = " " + room.display_code(code).lower() + " "
    assert room.resolve(typed, [("default", None), ("default", "as-1")]) == ("default", "as-1")
    assert room.resolve("ZZZ-ZZZ", [("default", None)]) is None
    assert room.resolve("", [("default", None)]) is None
    assert room.normalise_code("o0-1il") == "QQJJJ"  # look-alikes read as fixed letters


def test_loopback_addresses_and_the_link():
    assert room.is_loopback_url("http://127.0.0.1:8501") and room.is_loopback_url("http://localhost:8501/x")
    assert not room.is_loopback_url("http://192.168.1.20:8501")
    assert room.with_host("http://127.0.0.1:8501/app", "10.0.0.5") == "http://10.0.0.5:8501/app"
    assert room.join_url("http://h:1/", "ABCDEF", join=None) == "http://h:1/join?code=ABCDEF"
    assert room.join_url("http://h:1", "ABCDEF", join="p1.x") == "http://h:1/join?code=ABCDEF&join=p1.x"


def test_qr_code_is_a_local_svg():
    svg = room.qr_svg("http://10.0.0.5:8501/join?code=ABCDEF")
    assert svg.startswith("<svg") and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.fixture
def seeded(db_path):
    s = Store(db_path)
    try:
        ws = queries.default_workspace(s)
        aid = queries.create_assessment(s, ws, "ac_serbia", "2026-03-01", "workshop")
    finally:
        s.close()
    return ws, aid


def join(at, code, name):
    at.text_input(key="_join_code").input(code)
    at.text_input(key="_join_who").input(name).run()
    at.button(key="_join").click().run()
    assert not at.exception, [e.value for e in at.exception]


def qp(at, name):
    v = at.query_params.get(name)
    return v[0] if isinstance(v, list) else v


def test_join_page_takes_a_code_and_a_name_to_the_assessment(app_v2, seeded):
    ws, aid = seeded
    at = app_v2("pages/join.py")
    join(at, room.display_code(room.join_code(ws, aid)).lower(), "Dana")
    assert qp(at, "a") == aid and qp(at, "ws") == ws and qp(at, "who") == "Dana"
    assert any(t.label == "Your name" and t.value == "Dana" for t in at.text_input)
    # the workspace's own code opens its checklists
    at2 = app_v2("pages/join.py", code=room.join_code(ws))
    at2.text_input(key="_join_who").input("Eli").run()
    at2.button(key="_join").click().run()
    assert qp(at2, "ws") == ws and qp(at2, "who") == "Eli" and "a" not in at2.query_params
    assert [w for w in at2.segmented_control if w.key and w.key.startswith("ans|")]


def test_the_join_name_starts_empty_is_required_and_survives_a_reload(app_v2, seeded):
    ws, aid = seeded
    at = app_v2("pages/join.py")
    field = at.text_input(key="_join_who")
    assert field.value == "" and field.placeholder == "Your name"  # nothing to overwrite
    at.text_input(key="_join_code").input(room.join_code(ws, aid))
    at.button(key="_join").click().run()
    assert any("Type your name" in e.value for e in at.error) and "a" not in at.query_params
    join(at, room.join_code(ws, aid), "Dana")
    assert qp(at, "who") == "Dana"
    # a reload of the page they were sent to (a new session, the same URL) keeps the name
    params = {k: qp(at, k) for k in ("ws", "a", "who")}
    again = app_v2("pages/assessment.py", **params)
    assert not again.exception
    assert [t.value for t in again.text_input if t.label == "Your name"] == ["Dana"]
    assert qp(again, "who") == "Dana"
    # and the join page itself, reloaded with the name, shows it
    back = app_v2("pages/join.py", who="Dana")
    assert back.text_input(key="_join_who").value == "Dana"


def test_a_wrong_code_is_refused(app_v2, seeded):
    at = app_v2("pages/join.py")
    join(at, "ZZZ-ZZZ", "Dana")
    assert any("No workshop has this join code" in e.value for e in at.error)


def test_the_participant_link_lets_a_phone_answer_but_not_manage(app_v2, seeded, monkeypatch, store):
    monkeypatch.setenv(access.ENV_VAR, "facil")
    for var in (access.PARTICIPANT_ENV_VAR, access.OPEN_ENV_VAR):
        monkeypatch.delenv(var, raising=False)
    ws, _ = seeded
    token = access.make_token(access.PARTICIPANT)
    at = app_v2("pages/join.py", code=room.join_code(ws), join=token)
    at.text_input(key="_join_who").input("Fay").run()
    at.button(key="_join").click().run()
    assert not at.exception
    assert qp(at, "join") == token and "key" not in at.query_params
    controls = [w for w in at.segmented_control if w.key and w.key.startswith("ans|")]
    assert controls and not any(w.disabled for w in controls)
    controls[0].set_value("done").run()
    assert store.value("SELECT count(*) FROM checklist_answer") == 1
    assert store.value("SELECT changed_by FROM checklist_answer") == "Fay"
    at.switch_page("pages/workspaces.py").run()
    assert at.button(key="ws-archive").disabled


def test_without_a_passcode_who_joins_is_a_participant(app_v2, seeded, store, monkeypatch):
    """No passcode (local mode): everyone may manage, but a phone that came in through the Join
    page sees the participant's view: it answers, and no Reveal, Close, New round, Delete or
    Archive is offered to it (they were, on every phone of the 8-participant room)."""
    for var in (access.ENV_VAR, access.PARTICIPANT_ENV_VAR, access.OPEN_ENV_VAR):
        monkeypatch.delenv(var, raising=False)
    ws, _ = seeded
    at = app_v2("pages/join.py", code=room.join_code(ws))
    at.text_input(key="_join_who").input("Fay").run()
    at.button(key="_join").click().run()
    assert not at.exception and qp(at, "as") == "participant"
    controls = [w for w in at.segmented_control if w.key and w.key.startswith("ans|")]  # the checklists
    controls[0].set_value("done").run()
    assert store.value("SELECT changed_by FROM checklist_answer") == "Fay"
    # a reload of a page the participant opens keeps the view (the URL holds it)
    vid = queries.create_vote(store, ws, "Which first?", ["A", "B"], dots_per_person=2)
    params = {"ws": ws, "vote": vid, "who": "Fay", "as": "participant"}
    phone = app_v2("pages/vote.py", **params)
    assert not phone.exception
    labels = {b.label for b in phone.button}
    assert "+" in labels and not labels & {"Reveal results", "Close the vote", "New round"}
    phone.switch_page("pages/workspaces.py").run()
    assert phone.button(key="ws-archive").disabled and qp(phone, "as") == "participant"
    # the facilitator's own browser (no such parameter) still manages
    laptop = app_v2("pages/vote.py", ws=ws, vote=vid, who="Host")
    assert "Reveal results" in {b.label for b in laptop.button}


def test_a_participant_moves_between_the_rooms_activities_by_links(app_v2, seeded, store, monkeypatch):
    """On a phone the sidebar is folded away: a participant's pages carry one row of links to the
    room's activities (the assessment of their link, the checklists, every open vote), each
    keeping the workspace, the name and the participant's view."""
    for var in (access.ENV_VAR, access.PARTICIPANT_ENV_VAR, access.OPEN_ENV_VAR):
        monkeypatch.delenv(var, raising=False)
    ws, aid = seeded
    vid = queries.create_vote(store, ws, "Which *first*?", ["A", "B"], dots_per_person=2)
    closed = queries.create_vote(store, ws, "Old question", ["C", "D"], dots_per_person=1)
    queries.set_vote_state(store, ws, closed, is_open=False)
    at = app_v2("pages/assessment.py", ws=ws, a=aid, who="Fay", **{"as": "participant"})
    assert not at.exception
    links = {lk.proto.label: lk.proto for lk in at.get("page_link")}
    assert {"Assessment", "Checklists", "Vote: Which \\*first\\*?"} <= set(links), set(links)
    assert "Vote: Old question" not in links
    assert links["Assessment"].disabled  # the page they are on
    for label in ("Checklists", "Vote: Which \\*first\\*?"):
        q = links[label].query_string
        assert f"ws={ws}" in q and "who=Fay" in q and "as=participant" in q and f"a={aid}" in q, q
    assert f"vote={vid}" in links["Vote: Which \\*first\\*?"].query_string
    # the facilitator's own pages and the projector have the sidebar instead
    assert not [lk for lk in app_v2("pages/assessment.py", ws=ws, a=aid, who="Host").get("page_link")
                if lk.proto.label == "Checklists"]


# ---- the live room boards (presentation mode) ------------------------------------------------------

def markdown_text(at) -> str:
    import re

    return re.sub(r"\\(.)", r"\1", "\n".join([m.value for m in at.markdown] + [str(m.value) for m in at.metric]))


def test_checklists_on_the_projector_are_the_room_board(app_v2, store):
    ws = queries.default_workspace(store)
    at = app_v2("pages/checklists.py", ws=ws, present="1")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.selectbox and not at.multiselect and not at.segmented_control  # no filters, no controls
    assert room.display_code(room.join_code(ws)) in markdown_text(at)
    assert any(i.value.startswith("No answers yet") for i in at.info)
    # someone answers in another session: the board shows it on its next refresh
    item = checklists_first_item(store, ws)
    queries.save_checklist_answer(store, ws, item, "status", "done", changed_by="Gus")
    at.run()
    body = markdown_text(at)
    assert "Gus — Done (status)" in body
    assert "1 of" in body  # Done: 1 of N
    assert [m for m in at.metric if m.label == "People who answered" and m.value == "1"]
    # the board re-reads the answers only when their stamp changed: a change of the same item by
    # someone else (the answers' count stays), then its clearing, each shows on the next refresh
    queries.save_checklist_answer(store, ws, item, "status", "in_progress", changed_by="Hana")
    at.run()
    assert "Hana — In progress (status)" in markdown_text(at)
    assert [m for m in at.metric if m.label == "In progress" and m.value == "1"]
    queries.save_checklist_answer(store, ws, item, "status", None, changed_by="Hana")
    at.run()
    assert "Hana — cleared (status)" in markdown_text(at), [m for m in markdown_text(at).splitlines() if "Hana" in m]
    assert [m for m in at.metric if m.label == "In progress" and m.value == "0"]
    assert [m for m in at.metric if m.label == "People who answered" and m.value == "2"]


def test_the_checklist_stamp_changes_with_every_kind_of_write(store):
    from clusterdash.errors import TextConflict

    ws = queries.default_workspace(store)
    item = checklists_first_item(store, ws)
    stamps = [queries.checklist_version(store, ws)]
    assert queries.checklist_version(store, ws) == stamps[0]  # nothing written: the same
    writes = [
        lambda: queries.save_checklist_answer(store, ws, item, "status", "done", changed_by="Gus"),
        lambda: queries.save_checklist_answer(store, ws, item, "status", "not_yet", changed_by="Gus"),
        lambda: queries.save_checklist_answer(store, ws, item, "note", "ours", changed_by="Gus", expected=""),
        lambda: queries.save_checklist_answer(store, ws, item, "status", None, changed_by="Ivo"),
    ]
    for write in writes:
        write()
        stamps.append(queries.checklist_version(store, ws))
    try:  # a refused text (someone else's note was saved since): kept in the history, so shown
        queries.save_checklist_answer(store, ws, item, "note", "mine", changed_by="Jo", expected="")
    except TextConflict:
        pass
    stamps.append(queries.checklist_version(store, ws))
    assert len(set(stamps)) == len(stamps), stamps


def checklists_first_item(store, ws):
    from clusterdash import checklists

    return checklists.prepare_board(queries.checklist_board(store, ws))["item_key"].iloc[0]


def test_a_workshop_card_shows_the_rooms_answers(app_v2, store):
    ws = queries.default_workspace(store)
    aid = queries.create_assessment(store, ws, "ac_serbia", "2026-03-01", "w")
    codes = list(queries.assessment_statements(store)["statement_code"])
    queries.save_assessment_answer(store, ws, aid, codes[0], "Hana", "fully")
    queries.save_assessment_answer(store, ws, aid, codes[0], "Ivo", "partly")
    queries.save_assessment_answer(store, ws, aid, codes[1], "Jo", "partly")
    deck = presentation.assessment_decks(
        queries.assessment_statements(store), queries.assessment_dimensions(store), {})[0].code
    at = app_v2("pages/workshop.py", ws=ws, a=aid, deck=deck, card="1", present="1")
    assert not at.exception, [e.value for e in at.exception]
    body = markdown_text(at)
    assert "The room: 2 of 3 participant(s) answered this card — Partly true: 1 · Fully true: 1" in body, body[-800:]
    # hidden by the facilitator: the card tells how many answered, not what; closed: no answering on it
    queries.set_assessment_state(store, ws, aid, is_revealed=False, is_open=False)
    at = app_v2("pages/workshop.py", ws=ws, a=aid, deck=deck, card="1", present="1")
    body = markdown_text(at)
    assert "The room: 2 of 3 participant(s) answered this card" in body and "Fully true: 1" not in body, body[-800:]
    scale = [w for w in at.segmented_control if w.key and w.key.startswith("mat-ans-")]
    assert scale and all(w.disabled for w in scale)


def test_the_checklists_board_counts_everyone_who_answered_not_only_the_latest_changes(app_v2, store):
    """The board counted "People who answered" from the latest 200 changes: one person's 210 changes
    hid everyone who answered before them. Now they are counted over every change of the workspace."""
    ws = queries.default_workspace(store)
    item = checklists_first_item(store, ws)
    queries.save_checklist_answer(store, ws, item, "status", "done", changed_by="Ana")
    store.write(lambda cur: cur.execute(  # Bob changes the same item 210 times after her
        "INSERT INTO checklist_change BY NAME SELECT 'ch-bob-' || i AS change_id, workspace_id, list_code, "
        "group_code, kind, seq, field, new_value AS old_value, new_value, 'Bob' AS changed_by, "
        "changed_at + to_seconds(i) AS changed_at FROM checklist_change, range(1, 211) t(i) WHERE changed_by = 'Ana'"))
    at = app_v2("pages/checklists.py", ws=ws, present="1")
    assert not at.exception, [e.value for e in at.exception]
    assert [m for m in at.metric if m.label == "People who answered" and m.value == "2"]
    assert "Answered so far (2): Ana (1) · Bob (210)" in markdown_text(at)
    people = queries.checklist_participants(store, ws)
    assert people[["participant", "answers"]].values.tolist() == [["Ana", 1], ["Bob", 210]]


# ---- the vote in the room: join panel on the projector, the join page sends to the open vote -------

def test_the_projector_vote_board_shows_how_to_join(app_v2, store):
    ws = queries.default_workspace(store)
    vid = queries.create_vote(store, ws, "Which first?", ["Alpha", "Beta"])
    at = app_v2("pages/vote.py", ws=ws, vote=vid, present="1")
    assert not at.exception, [e.value for e in at.exception]
    assert room.display_code(room.join_code(ws)) in markdown_text(at)
    assert at.get("imgs") or at.get("image")  # the QR code
    laptop = app_v2("pages/vote.py", ws=ws, vote=vid)  # not presenting: no join panel over the ballot
    assert room.display_code(room.join_code(ws)) not in markdown_text(laptop)


def test_joining_an_anonymous_vote_asks_for_no_name(app_v2, store):
    """Anonymous mode stores no names: the Join page does not demand one when the code leads to
    an anonymous vote, and a name typed anyway is not stored with the dots."""
    ws = queries.default_workspace(store)
    vid = queries.create_vote(store, ws, "Secret ballot", ["Alpha", "Beta"], is_anonymous=True)
    at = app_v2("pages/join.py", code=room.join_code(ws))
    at.button(key="_join").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert qp(at, "vote") == vid and "who" not in at.query_params
    at.button(key=f"vote_plus|{vid}|1").click().run()
    voters = queries.vote_dots(store, ws, vid)["voter"].tolist()
    assert len(voters) == 1 and voters[0].startswith("anonymous-")
    named = app_v2("pages/join.py", code=room.join_code(ws))
    named.text_input(key="_join_who").input("Eli").run()
    named.button(key="_join").click().run()
    assert qp(named, "vote") == vid
    named.button(key=f"vote_plus|{vid}|2").click().run()
    voters = queries.vote_dots(store, ws, vid)["voter"].tolist()
    assert len(voters) == 2 and all(v.startswith("anonymous-") for v in voters), voters


def test_the_workspace_code_sends_a_participant_to_the_one_open_vote(app_v2, store):
    ws = queries.default_workspace(store)
    old = queries.create_vote(store, ws, "Earlier", ["A", "B"])
    queries.set_vote_state(store, ws, old, is_open=False)
    vid = queries.create_vote(store, ws, "Which first?", ["Alpha", "Beta"])
    at = app_v2("pages/join.py", code=room.join_code(ws))
    at.text_input(key="_join_who").input("Eli").run()
    at.button(key="_join").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert qp(at, "vote") == vid and qp(at, "ws") == ws and qp(at, "who") == "Eli"
    at.button(key=f"vote_plus|{vid}|1").click().run()
    assert queries.vote_dots(store, ws, vid)["voter"].tolist() == ["Eli"]
    # an assessment's code still opens the assessment, even with a vote open
    aid = queries.create_assessment(store, ws, "ac_serbia", "2026-03-01", "workshop")
    at2 = app_v2("pages/join.py", code=room.join_code(ws, aid))
    at2.text_input(key="_join_who").input("Fay").run()
    at2.button(key="_join").click().run()
    assert qp(at2, "a") == aid and "vote" not in at2.query_params
    # two votes open: which one is not for the join page to guess; the checklists, as before
    queries.create_vote(store, ws, "Another", ["C", "D"])
    at3 = app_v2("pages/join.py", code=room.join_code(ws))
    at3.text_input(key="_join_who").input("Gil").run()
    at3.button(key="_join").click().run()
    assert "vote" not in at3.query_params and [w for w in at3.segmented_control if w.key and w.key.startswith("ans|")]


def test_where_a_participant_goes_after_joining():
    assert room.join_target("as-1", ["vt-a"]) == ("assessment", "as-1")
    assert room.join_target(None, ["vt-a"]) == ("vote", "vt-a")
    assert room.join_target(None, []) == ("checklists", None)
    assert room.join_target(None, ["vt-a", "vt-b"]) == ("checklists", None)
