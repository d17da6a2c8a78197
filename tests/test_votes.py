"""Dot-voting (issue 13 items 3-5): the budget (stacking or one per option) checked in the
transaction, the ranking, hide-then-reveal, close, new rounds kept and comparable, anonymous
votes under a per-session pseudonym — and the page (AppTest)."""

from __future__ import annotations

import pandas as pd
import pytest

from clusterdash import access, queries, voting
from clusterdash.errors import UserError


@pytest.fixture
def ws(store):
    return queries.default_workspace(store)


def test_budget_rules():
    voting.check_dots({1: 2}, 2, 1, budget=3, stacking=True)
    with pytest.raises(UserError, match="used all your 3 dots"):
        voting.check_dots({1: 2, 2: 1}, 3, 1, budget=3, stacking=True)
    with pytest.raises(UserError, match="one dot per option"):
        voting.check_dots({}, 1, 2, budget=3, stacking=False)
    assert voting.clean_options([" a ", "", "a", "b"]) == ["a", "b"]
    with pytest.raises(UserError):
        voting.clean_options(["only one"])
    with pytest.raises(UserError):
        voting.check_budget(0)


def test_ranking_orders_by_dots_with_ties_in_the_order_shown():
    options = pd.DataFrame({"seq": [1, 2, 3], "label": ["a", "b", "c"]})
    dots = pd.DataFrame({"seq": [2, 3, 3, 1], "voter": ["x", "x", "y", "y"], "dots": [2, 1, 1, 2]})
    r = voting.ranking(options, dots)
    assert list(r["option"]) == ["a", "b", "c"] and list(r["rank"]) == [1, 1, 1]
    dots.loc[0, "dots"] = 3
    r = voting.ranking(options, dots)
    assert list(r["option"]) == ["b", "a", "c"] and list(r["dots"]) == [3, 2, 2] and list(r["rank"]) == [1, 2, 2]
    assert voting.ranking(options, dots.iloc[0:0])["dots"].sum() == 0


def test_dots_are_stored_per_round_and_the_budget_holds(store, ws):
    vid = queries.create_vote(store, ws, "Which first?", ["A", "B", "C"], dots_per_person=2)
    v = queries.get_vote(store, ws, vid)
    assert v["is_open"] and not v["is_revealed"] and v["round"] == 1
    queries.set_dots(store, ws, vid, 1, "Ann", 2)
    with pytest.raises(UserError, match="used all"):
        queries.set_dots(store, ws, vid, 2, "Ann", 1)
    queries.set_dots(store, ws, vid, 1, "Ann", 1)
    queries.set_dots(store, ws, vid, 2, "Ann", 1)
    queries.set_dots(store, ws, vid, 3, "Ben", 2)
    assert queries.vote_dots(store, ws, vid)["dots"].sum() == 4
    # a new round: the earlier round is kept, the budget starts again
    assert queries.new_vote_round(store, ws, vid) == 2
    queries.set_dots(store, ws, vid, 3, "Ann", 2)
    assert len(queries.vote_dots(store, ws, vid, 1)) == 3 and len(queries.vote_dots(store, ws, vid, 2)) == 1
    # closed: no more dots
    queries.set_vote_state(store, ws, vid, is_open=False)
    with pytest.raises(UserError, match="closed"):
        queries.set_dots(store, ws, vid, 1, "Ben", 1)


def test_one_dot_per_option_without_stacking(store, ws):
    vid = queries.create_vote(store, ws, "Q", ["A", "B"], dots_per_person=2, is_stacking=False)
    queries.set_dots(store, ws, vid, 1, "Ann", 1)
    with pytest.raises(UserError, match="one dot per option"):
        queries.set_dots(store, ws, vid, 1, "Ann", 2)


def plus(at, vid, seq):
    return at.button(key=f"vote_plus|{vid}|{seq}")


def body(at):
    import re

    return re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown) + "\n".join(i.value for i in at.info))


def test_the_page_hides_results_until_reveal_and_counts_dots(app_v2, store, ws, monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "facil")
    monkeypatch.setenv(access.OPEN_ENV_VAR, "1")
    vid = queries.create_vote(store, ws, "Which first?", ["Alpha", "Beta"], dots_per_person=2)
    p = app_v2("pages/vote.py", ws=ws, who="Ann")
    assert not p.exception, [e.value for e in p.exception]
    assert not [b for b in p.button if b.key and b.key.startswith("vote_reveal")]  # participants do not manage
    plus(p, vid, 2).click().run()
    plus(p, vid, 2).click().run()
    assert "0 of 2 dots left" in body(p)
    assert plus(p, vid, 1).disabled  # the budget is used up
    assert "hidden until the facilitator reveals" in body(p)  # hide-then-reveal
    assert "Beta — 2 dots" not in body(p)
    # the facilitator reveals; the participant's board shows the ranking
    f = app_v2("pages/vote.py", ws=ws, key=access.make_token(access.FACILITATOR))
    assert "Beta — 2 dots" in body(f)  # the facilitator sees them before the reveal
    f.button(key=f"vote_reveal|{vid}").click().run()
    assert queries.get_vote(store, ws, vid)["is_revealed"]
    p.run()
    assert "1. Beta — 2 dots" in body(p) and "2. Alpha — 0 dots" in body(p)
    # a new round hides the results again and gives the dots back; round 1 stays
    f.button(key=f"vote_round|{vid}").click().run()
    p.run()
    assert "2 of 2 dots left" in body(p) and "hidden until" in body(p)
    assert len(queries.vote_dots(store, ws, vid, 1)) == 1


def test_an_anonymous_vote_stores_no_name_and_one_budget_per_session(app_v2, store, ws):
    vid = queries.create_vote(store, ws, "Q", ["A", "B"], dots_per_person=1, is_anonymous=True)
    a = app_v2("pages/vote.py", ws=ws, who="Ann")
    plus(a, vid, 1).click().run()
    assert plus(a, vid, 2).disabled
    b = app_v2("pages/vote.py", ws=ws, who="Ann")  # another browser session, the same name typed
    plus(b, vid, 2).click().run()
    dots = queries.vote_dots(store, ws, vid)
    assert len(dots) == 2 and dots["voter"].nunique() == 2
    assert not (dots["voter"] == "Ann").any() and dots["voter"].str.startswith("anonymous-").all()


def test_the_facilitator_opens_a_vote_on_the_items_marked_to_do(app_v2, store, ws):
    from clusterdash import checklists

    items = list(checklists.prepare_board(queries.checklist_board(store, ws))["item_key"][:3])
    for k in items:
        queries.save_checklist_answer(store, ws, k, "status", "not_yet", changed_by="Ann")
    at = app_v2("pages/vote.py", ws=ws)
    assert any("No vote in this workspace yet" in i.value for i in at.info)
    at.get("form_submit_button")  # the form is there
    next(b for b in at.get("form_submit_button") if b.label == "Open the vote").click().run()
    assert not at.exception, [e.value for e in at.exception]
    votes = queries.list_votes(store, ws)
    assert len(votes) == 1
    opts = queries.vote_options(store, ws, votes.iloc[0]["vote_id"])
    assert list(opts["source_ref"]) == items


def test_the_session_report_lists_every_answer_vote_and_action(store, ws):
    import io
    import zipfile

    from clusterdash import checklists, report
    from clusterdash.ui import room as room_ui

    aid = queries.create_assessment(store, ws, "ac_serbia", "2026-03-01", "room")
    codes = list(queries.assessment_statements(store)["statement_code"])[:2]
    for who in ("Ann", "<b>Ben</b>"):
        for c in codes:
            queries.save_assessment_answer(store, ws, aid, c, who, "fully")
    item = checklists.prepare_board(queries.checklist_board(store, ws))["item_key"].iloc[0]
    queries.save_checklist_answer(store, ws, item, "status", "not_yet", changed_by="Ann")
    queries.save_checklist_answer(store, ws, item, "owner", "Cara", changed_by="Ann")
    vid = queries.create_vote(store, ws, "First?", ["Alpha", "Beta"], is_anonymous=True)
    queries.set_dots(store, ws, vid, 2, "anonymous-1", 2)
    r = room_ui.session_report(store, ws)
    page = report.to_html(r)
    assert "Ann" in page and "&lt;b&gt;Ben&lt;/b&gt;" in page and "<b>Ben" not in page
    assert "4 answers" in page and "Assigned stage" in page
    assert "Action list (1 items marked to do)" in page and "owner: Cara" in page
    assert "1 participant(s) (anonymous)" in page and "anonymous-1" not in page
    assert "<td>Beta</td><td>2</td>" in page
    assert page.count("Source:") >= 3
    z = zipfile.ZipFile(io.BytesIO(report.csv_zip(r)))
    assert {"assessment_1_answers.csv", "checklists.csv", "action_list.csv", "vote_1_ranking.csv"} <= set(z.namelist())
    answers = pd.read_csv(io.BytesIO(z.read("assessment_1_answers.csv")), comment="#")
    assert len(answers) == 4


def test_the_ranking_becomes_actions_with_owner_and_due_date(store, ws):
    """Issue 13 items 3 and 9: the top of the ranking (ties at the last place included) becomes
    actions, each with an owner and a due date; a wrong date is refused naming the field and
    leaves the store unchanged; the session report and its ZIP list them."""
    import io
    import zipfile

    from clusterdash import report
    from clusterdash.ui import room as room_ui

    vid = queries.create_vote(store, ws, "Which first?", ["Joint training", "Trade fair", "Skills map", "Portal"],
                              dots_per_person=3)
    with pytest.raises(UserError, match="no option has a dot"):
        queries.choose_vote_actions(store, ws, vid, 2, changed_by="Fac")
    for voter, seq, n in (("Ann", 1, 3), ("Ben", 3, 2), ("Ben", 2, 1), ("Cara", 2, 1)):
        queries.set_dots(store, ws, vid, seq, voter, n)
    # ranking: Joint training 3, Skills map 2, Trade fair 2, Portal 0 -> top 2 takes the tie at place 2
    assert queries.choose_vote_actions(store, ws, vid, 2, changed_by="Fac") == [1, 2, 3]
    queries.save_vote_action(store, ws, vid, 1, owner="  Ann  Smith ", changed_by="Fac")
    queries.save_vote_action(store, ws, vid, 1, due="2027-01-31", changed_by="Fac")
    before = queries.vote_actions(store, ws, vid)
    with pytest.raises(UserError, match="Due date '31/01/2027'"):
        queries.save_vote_action(store, ws, vid, 3, due="31/01/2027", changed_by="Fac")
    with pytest.raises(UserError, match="Action 'Skills map', owner: at most 100"):
        queries.save_vote_action(store, ws, vid, 3, owner="x" * 101, changed_by="Fac")
    pd.testing.assert_frame_equal(queries.vote_actions(store, ws, vid), before)
    first = before.iloc[0]
    assert (first["option"], first["owner"], str(first["due_date"])[:10]) == ("Joint training", "Ann Smith", "2027-01-31")
    # choosing again keeps the owners; an option taken off the list goes with its owner
    queries.choose_vote_actions(store, ws, vid, 1, changed_by="Fac")
    assert queries.vote_actions(store, ws, vid)["owner"].iloc[0] == "Ann Smith"
    queries.remove_vote_action(store, ws, vid, 3)
    assert list(queries.vote_actions(store, ws, vid)["option"]) == ["Joint training", "Trade fair"]
    r = room_ui.session_report(store, ws)
    page = report.to_html(r)
    assert "Actions chosen from this vote (2)" in page
    assert "Joint training — 3 dots · owner: Ann Smith · due: 2027-01-31" in page
    assert "Trade fair — 2 dots · no owner yet · no due date yet" in page
    z = zipfile.ZipFile(io.BytesIO(report.csv_zip(r)))
    acts = pd.read_csv(io.BytesIO(z.read("vote_1_actions.csv")), comment="#")
    assert list(acts["option"]) == ["Joint training", "Trade fair"] and acts["due_date"].iloc[0] == "2027-01-31"


def test_the_facilitator_turns_the_ranking_into_actions_on_the_page(app_v2, store, ws, monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "facil")
    monkeypatch.setenv(access.OPEN_ENV_VAR, "1")
    vid = queries.create_vote(store, ws, "Which first?", ["Alpha", "Beta", "Gamma"], dots_per_person=2)
    queries.set_dots(store, ws, vid, 2, "Ann", 2)
    queries.set_dots(store, ws, vid, 3, "Ben", 1)
    p = app_v2("pages/vote.py", ws=ws, who="Ann")
    assert not [b for b in p.button if b.key == f"vote_choose|{vid}"]  # participants do not choose
    f = app_v2("pages/vote.py", ws=ws, key=access.make_token(access.FACILITATOR))
    f.number_input(key=f"vote_top|{vid}").set_value(1).run()
    f.button(key=f"vote_choose|{vid}").click().run()
    assert not f.exception, [e.value for e in f.exception]
    assert list(queries.vote_actions(store, ws, vid)["option"]) == ["Beta"]
    owner = next(t for t in f.text_input if t.key and t.key.startswith(f"vote_owner|{ws}|{vid}|2|"))
    owner.input("Cara").run()
    assert queries.vote_actions(store, ws, vid)["owner"].tolist() == ["Cara"]
    p.run()  # the room sees the action and its owner, without controls
    assert "Actions from this vote" in [h.value for h in p.subheader] and "Cara" in body(p)
    assert not [t for t in p.text_input if t.key and t.key.startswith("vote_owner|")]


def test_the_projector_shows_no_ranking_while_the_results_are_hidden(app_v2, store, ws):
    """The projector is the facilitator's browser (&present=1, no passcode): while hidden it shows
    how many voted and how many dots, never the ranking or an option's dots; after the reveal, the
    ranking. The facilitator's laptop (not presenting) still sees them, marked hidden."""
    vid = queries.create_vote(store, ws, "Which first?", ["Alpha", "Beta"], dots_per_person=2)
    queries.set_dots(store, ws, vid, 2, "Ann", 2)
    queries.set_dots(store, ws, vid, 1, "Ben", 1)
    proj = app_v2("pages/vote.py", ws=ws, vote=vid, present="1")
    assert not proj.exception, [e.value for e in proj.exception]
    text = body(proj)
    assert "2 voter(s), 3 dots" in text and "hidden until the facilitator reveals" in text
    assert "Beta — 2 dots" not in text and "Alpha — 1 dot" not in text and "Hidden from participants" not in text
    laptop = app_v2("pages/vote.py", ws=ws, vote=vid)
    assert "Beta — 2 dots" in body(laptop)
    assert any("Hidden from participants" in c.value for c in laptop.caption)
    queries.set_vote_state(store, ws, vid, is_revealed=True)
    proj.run()
    assert "1. Beta — 2 dots" in body(proj) and "2. Alpha — 1 dot" in body(proj)
    # the actions chosen stay on the projector; a new (hidden) round's dots are not shown with them
    queries.choose_vote_actions(store, ws, vid, 1, changed_by="Fac")
    queries.new_vote_round(store, ws, vid)
    queries.set_dots(store, ws, vid, 2, "Ann", 1)
    proj.run()
    assert "Beta" in body(proj) and "hidden" in [m.value for m in proj.markdown]
    assert "1. Beta — 1 dot" not in body(proj)


def test_an_anonymous_voter_keeps_the_budget_across_a_reload(app_v2, store, ws):
    """The pseudonym of an anonymous vote is a random id in the URL (&anon=), written once: a
    reload of the tab (a new session, the same URL) has the same budget; a page switch keeps it;
    another browser (no id in its URL) has its own. No name is stored."""
    vid = queries.create_vote(store, ws, "Q", ["A", "B", "C"], dots_per_person=2, is_anonymous=True)
    a = app_v2("pages/vote.py", ws=ws, vote=vid, who="Ann")
    plus(a, vid, 1).click().run()
    plus(a, vid, 1).click().run()
    anon = a.query_params.get("anon")
    anon = anon[0] if isinstance(anon, list) else anon
    assert anon and "Ann" not in anon
    reload = app_v2("pages/vote.py", ws=ws, vote=vid, who="Ann", anon=anon)
    assert not reload.exception, [e.value for e in reload.exception]
    assert "0 of 2 dots left" in body(reload) and plus(reload, vid, 2).disabled
    reload.switch_page("pages/checklists.py").run()
    kept = reload.query_params.get("anon")
    assert (kept[0] if isinstance(kept, list) else kept) == anon
    other = app_v2("pages/vote.py", ws=ws, vote=vid, who="Ann")
    assert "2 of 2 dots left" in body(other)
    plus(other, vid, 2).click().run()
    dots = queries.vote_dots(store, ws, vid)
    assert dots["voter"].nunique() == 2 and not dots["voter"].str.contains("Ann").any()
    assert list(dots.groupby("voter")["dots"].sum().sort_values()) == [1, 2]


def test_a_named_vote_asks_for_a_name_before_any_dot(app_v2, store, ws):
    """A session that gave no name never votes as the default 'Facilitator' (two unnamed phones
    would share one budget and overwrite each other's dots): the vote asks for a name first."""
    vid = queries.create_vote(store, ws, "Q", ["A", "B"], dots_per_person=2)
    at = app_v2("pages/vote.py", ws=ws, vote=vid)
    assert not at.exception, [e.value for e in at.exception]
    field = at.text_input(key="vote_who")
    assert field.value == "" and field.label == "Your name"
    assert plus(at, vid, 1).disabled and "Type your name" in body(at) + " ".join(i.value for i in at.caption)
    assert not [t for t in at.sidebar.text_input if t.label == "Your name"]  # one name field, on the page
    field.input("Dana").run()
    assert not plus(at, vid, 1).disabled and "Voting as Dana" in body(at)
    plus(at, vid, 1).click().run()
    assert queries.vote_dots(store, ws, vid)["voter"].tolist() == ["Dana"]
    # an anonymous vote asks for nothing
    anon = queries.create_vote(store, ws, "Anon", ["A", "B"], is_anonymous=True)
    other = app_v2("pages/vote.py", ws=ws, vote=anon)
    assert not [t for t in other.text_input if t.key == "vote_who"] and not plus(other, anon, 1).disabled


def test_the_session_report_keeps_every_round_of_a_vote(store, ws):
    """Issue 13 item 4: a new round keeps the earlier one, comparable; the session report (HTML and
    the ZIP of CSVs) holds every round's ranking, not only the current round's."""
    import io
    import zipfile

    from clusterdash import report
    from clusterdash.ui import room as room_ui

    vid = queries.create_vote(store, ws, "First?", ["Alpha", "Beta", "Gamma"], dots_per_person=2)
    queries.set_dots(store, ws, vid, 1, "Ann", 2)
    queries.set_dots(store, ws, vid, 2, "Ben", 1)
    queries.new_vote_round(store, ws, vid)
    queries.set_dots(store, ws, vid, 2, "Ann", 2)
    queries.set_dots(store, ws, vid, 3, "Ben", 1)
    queries.set_dots(store, ws, vid, 2, "Cara", 1)
    r = room_ui.session_report(store, ws)
    page = report.to_html(r)
    assert "First? (round 2)" in page and "<td>Beta</td><td>3</td>" in page  # the current round, as before
    assert "Every round (dots, rank)" in page
    assert "<th>Option</th><th>Round 1</th><th>Round 2</th>" in page
    assert "<td>Alpha</td><td>2 (#1)</td><td>0 (#3)</td>" in page and "<td>Beta</td><td>1 (#2)</td><td>3 (#1)</td>" in page
    assert "<td>Voters</td><td>2</td><td>3</td>" in page and "rounds 1-2" in page
    z = zipfile.ZipFile(io.BytesIO(report.csv_zip(r)))
    rounds = pd.read_csv(io.BytesIO(z.read("vote_1_rounds.csv")), comment="#")
    assert list(rounds.columns[:4]) == ["round", "rank", "option", "dots"]
    assert rounds.groupby("round")["dots"].sum().to_dict() == {1: 3, 2: 4}
    first = rounds[rounds["round"] == 1].set_index("option")
    assert first.loc["Alpha", "dots"] == 2 and first.loc["Alpha", "rank"] == 1 and first.loc["Gamma", "dots"] == 0


def test_a_vote_on_the_swot_entries_or_an_assessments_recommendations(app_v2, store, ws):
    """Issue 13 item 3: the options may also be the SWOT entries of the workspace's toolkit, or the
    guide's key actions for an assessment's stage and the next one (its recommendations); each
    option keeps where it came from (source_ref)."""
    from clusterdash import maturity
    from clusterdash.ui import maturity as mat_ui

    ids = [queries.add_swot_item(store, ws, "strength", "Strong universities"),
           queries.add_swot_item(store, ws, "weakness", "No shared lab")]
    aid = queries.create_assessment(store, ws, "ac_serbia", "2026-03-01", "room")
    for c in list(queries.assessment_statements(store)["statement_code"])[:6]:
        queries.save_assessment_answer(store, ws, aid, c, "Ann", "fully")
    at = app_v2("pages/vote.py", ws=ws)
    assert not at.exception, [e.value for e in at.exception]

    def open_vote(source, **choose):
        at.radio(key="vote_from").set_value(source)
        for key, value in choose.items():
            at.selectbox(key=key).set_value(value)
        next(b for b in at.get("form_submit_button") if b.label == "Open the vote").click().run()
        assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
        votes = queries.list_votes(store, ws)
        return queries.vote_options(store, ws, votes.iloc[0]["vote_id"])

    opts = open_vote("swot")
    assert list(opts["label"]) == ["Strength: Strong universities", "Weakness: No shared lab"]
    assert list(opts["source_ref"]) == [f"swot:{i}" for i in ids]
    opts = open_vote("recommendations", vote_assessment=aid)
    result = maturity.assess(mat_ui.questionnaire(store), maturity.aggregate_answers(
        queries.assessment_answers(store, ws, aid)))
    want = [(s, r.seq, r.key_action) for s, _ in maturity.recommendation_stages(result)
            for r in queries.stage_recommendations(store, s)["key_actions"].itertuples()]
    assert len(want) >= 2 and len(opts) == len(want)
    assert list(opts["source_ref"]) == [f"key_action:{s}:{n}" for s, n, _ in want]
    assert opts["label"].iloc[0] == f"{maturity.stage_name(want[0][0])}: {want[0][2].rstrip('!')}"


def test_options_from_swot_entries_and_recommendations():
    items = pd.DataFrame({"item_id": ["s1", "t1"], "quadrant": ["strength", "threat"], "text": ["Skills", "Energy costs"]})
    assert voting.options_from_swot(items) == (["Strength: Skills", "Threat: Energy costs"], ["swot:s1", "swot:t1"])
    with pytest.raises(UserError, match="no SWOT entries"):
        voting.options_from_swot(items.iloc[0:0])
    ka = pd.DataFrame({"seq": [1, 2], "key_action": ["Involve partners!", "Set goals"]})
    labels, refs = voting.options_from_key_actions({"initiation": ka, "establishment": ka.iloc[0:0]})
    assert labels == ["Initiation: Involve partners", "Initiation: Set goals"]
    assert refs == ["key_action:initiation:1", "key_action:initiation:2"]
    with pytest.raises(UserError, match="no key actions"):
        voting.options_from_key_actions({"transformation": ka.iloc[0:0]})
