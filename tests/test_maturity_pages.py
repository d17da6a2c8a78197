"""AppTest of the maturity pages: create an assessment, answer under a name (saved on click, a
fresh session shows the saved answers), the result with its reasons, the recommendations, the
exports; the workshop page with two participants; history and comparison; view-only mode."""

from __future__ import annotations

import re
from datetime import date

import pytest

from clusterdash import queries, room
from clusterdash.store import Store
from tests.ui_support import shown, widget

PAGE = "pages/assessment.py"


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(m.value) for m in at.metric]
    parts += [h.value for h in at.subheader] + [h.value for h in at.header] + [w.value for w in at.warning]
    parts += [i.value for i in at.info]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))  # undo ui.plain's markdown escapes


@pytest.fixture
def seeded(db_path):
    """The test store with one assessment (and its workspace); returns (workspace_id, assessment_id)."""
    s = Store(db_path)
    try:
        ws = queries.default_workspace(s)
        aid = queries.create_assessment(s, ws, "ac_serbia", "2026-03-01", "strategy workshop")
    finally:
        s.close()
    return ws, aid


def stored_answers(db_path, ws, aid):
    s = Store(db_path)
    try:
        return queries.assessment_answers(s, ws, aid)
    finally:
        s.close()


def test_first_visit_offers_to_create_an_assessment(app, db_path):
    at = app(PAGE)
    assert not at.exception
    assert "No assessment in this workspace yet" in texts(at)
    at.selectbox(key="mat_new_initiative").set_value("ac_serbia")
    at.date_input(key="mat_new_date").set_value(date(2026, 3, 1))
    at.text_input(key="mat_new_label").input("kick-off")
    next(b for b in at.button if b.label == "Create assessment").click().run()
    assert not at.exception, [e.value for e in at.exception]
    s = Store(db_path)
    try:
        rows = queries.list_assessments(s, "default")
    finally:
        s.close()
    assert len(rows) == 1 and rows.iloc[0]["label"] == "kick-off"
    aid = rows.iloc[0]["assessment_id"]
    assert at.query_params["a"] in (aid, [aid])
    # the questionnaire is there, every statement with an answer control
    assert len(at.segmented_control) == 35


def test_create_refuses_without_an_initiative(app, db_path):
    at = app(PAGE)
    next(b for b in at.button if b.label == "Create assessment").click().run()
    # the callback's error: a toast at once (and an error box at the top of the next run)
    messages = shown(at.error) + shown(at.toast)
    assert "Field initiative_id: choose the cluster initiative to assess." in messages
    s = Store(db_path)
    try:
        assert queries.list_assessments(s, "default").empty
    finally:
        s.close()


def test_answers_are_saved_on_click_and_shown_again(app, db_path, seeded):
    ws, aid = seeded
    at = app(PAGE, ws=ws, a=aid)
    at.text_input(key="mat_who").input("Anna").run()
    assert at.query_params["who"] in ("Anna", ["Anna"])
    widget(at, "segmented_control", "mat-ans-ini_01").set_value("fully").run()
    widget(at, "segmented_control", "mat-ans-est_03").set_value("partly").run()
    widget(at, "segmented_control", "mat-ans-tra_04").set_value("dont_know").run()
    assert not at.exception
    rows = stored_answers(db_path, ws, aid)
    assert rows[["participant", "statement_code", "answer_code"]].values.tolist() == [
        ["Anna", "ini_01", "fully"], ["Anna", "est_03", "partly"], ["Anna", "tra_04", "dont_know"]]
    # a repeat click on the selected answer (the old scale sent "nothing selected") keeps it ...
    widget(at, "segmented_control", "mat-ans-est_03").set_value(None).run()
    assert len(stored_answers(db_path, ws, aid)) == 3
    assert widget(at, "segmented_control", "mat-ans-est_03").value == "partly"
    # ... "Clear" removes it
    at.button(key="mat-clear-est_03").click().run()
    assert len(stored_answers(db_path, ws, aid)) == 2
    # a fresh session (a reload) for the same person shows the saved answers
    again = app(PAGE, ws=ws, a=aid, who="Anna")
    assert widget(again, "segmented_control", "mat-ans-ini_01").value == "fully"
    assert widget(again, "segmented_control", "mat-ans-tra_04").value == "dont_know"
    assert widget(again, "segmented_control", "mat-ans-est_03").value is None
    assert [p.text for p in again.get("progress")] == ["Anna has answered 2 of 35 statements."]
    # another person starts with an empty questionnaire
    other = app(PAGE, ws=ws, a=aid, who="Bob")
    assert widget(other, "segmented_control", "mat-ans-ini_01").value is None


def fill(db_path, ws, aid, person, answers: dict[str, str]):
    s = Store(db_path)
    try:
        for code, a in answers.items():
            queries.save_assessment_answer(s, ws, aid, code, person, a)
    finally:
        s.close()


def stage_answers(db_path, per_stage: dict[str, str]) -> dict[str, str]:
    s = Store(db_path)
    try:
        sts = queries.assessment_statements(s)
    finally:
        s.close()
    return {r.statement_code: per_stage[r.stage_code] for r in sts.itertuples() if r.stage_code in per_stage}


def test_result_tab_shows_stage_reasons_and_flags(app, db_path, seeded):
    ws, aid = seeded
    answers = stage_answers(db_path, {"initiation": "fully", "establishment": "largely",
                                      "operationalisation": "partly", "transformation": "not_true"})
    answers["ope_02"] = "fully"  # sophisticated services ...
    answers["ope_01"] = "not_true"  # ... without trust building
    answers["est_08"] = "partly"
    fill(db_path, ws, aid, "Anna", answers)
    at = app(PAGE, ws=ws, a=aid, view="Result")
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Assigned stage"] == "Establishment" and metrics["Next stage"] == "Operationalisation"
    body = texts(at)
    assert "Initiation reached: 100 % fulfilled (9 of 9 statements answered)." in body
    assert "Sophisticated services without trust building" in body
    assert "Strongest statements of the assigned stage (Establishment)" in body
    assert len(at.get("plotly_chart")) == 2
    keys = {b.key for b in at.get("download_button")}
    assert {"dl-mat-stages", "dl-mat-dims"} <= keys


def test_recommendations_tab(app, db_path, seeded):
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "not_true"}))
    at = app(PAGE, ws=ws, a=aid, view="Recommendations")
    assert not at.exception, [e.value for e in at.exception]
    body = texts(at)
    # the assigned stage (initiation) and the next (establishment)
    assert "Understand regional structures and business environment" in body
    assert "Formulating a commonly agreed action plan" in body
    assert "What do we want to achieve through the cluster approach?" in body
    assert "How does one get started with the implementation of the strategy?" in body
    assert "financial support for building cluster management capacities at embryonic level" in body
    assert "Strategy too ambitious" in [e.label for e in at.expander] or "Strategy too ambitious" in body
    assert "Source: Cluster Development Guide, Part 2 ›" in body  # seeds named by title (knowledge.cite)


def test_export_and_method_tabs(app, db_path, seeded):
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", {"ini_01": "fully"})
    fill(db_path, ws, aid, "Bob", {"ini_01": "not_true"})
    at = app(PAGE, ws=ws, a=aid, view="Export")
    assert not at.exception, [e.value for e in at.exception]
    assert "2 answers by 2 participant(s)" in texts(at)
    keys = {b.key for b in at.get("download_button")}
    assert {"dl-mat-answers", "dl-mat-result", "dl-mat-brief"} <= keys
    shown = at.dataframe[0].value
    assert shown[["participant", "statement_code", "answer"]].values.tolist() == [
        ["Anna", "ini_01", "Fully true"], ["Bob", "ini_01", "Not true"]]
    method = app(PAGE, ws=ws, a=aid, view="Method")
    assert not method.exception
    assert "every earlier stage is reached" in texts(method)


def test_workshop_page_aggregates_participants(app, db_path, seeded):
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "fully"}))
    fill(db_path, ws, aid, "Bob", stage_answers(db_path, {"initiation": "fully", "establishment": "not_true"}))
    at = app("pages/assessment_workshop.py", ws=ws, a=aid)
    assert not at.exception, [e.value for e in at.exception]
    body = texts(at)
    # establishment: mean of 1 and 0 = 50 % -> not reached for the room
    assert "Establishment not reached: 50 % fulfilled, below the 60 % needed." in body
    participants = at.dataframe[0].value  # human labels, no raw column names, no None cells
    assert list(participants["Participant"]) == ["Anna", "Bob"]
    assert list(participants["Stage"]) == ["Establishment", "Initiation"]
    top = at.dataframe[1].value
    assert len(top) == 5 and set(top["Spread (std)"]) == {0.5}
    assert {"dl-ws-participants", "dl-ws-disagreements", "dl-ws-spread"} <= {b.key for b in at.get("download_button")}
    assert set(top["Stage"]) == {"Establishment"}
    spread = at.dataframe[2].value
    assert len(spread) == 35
    for df in (participants, top, spread):
        assert not {"std_score", "n_scored", "participant"} & set(df.columns)
        assert not df.isna().any().any() and "None" not in df.astype(str).values
    # the join panel: the short code of this assessment and its participant link
    code = room.join_code(ws, aid)
    assert room.display_code(code) in texts(at)
    assert at.code[0].value.endswith("/join")
    assert at.get("image"), "the QR code"


def test_workshop_page_in_presentation_mode(app, db_path, seeded):
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "fully"}))
    fill(db_path, ws, aid, "Bob", stage_answers(db_path, {"initiation": "fully", "establishment": "not_true"}))
    at = app("pages/assessment_workshop.py", ws=ws, a=aid, present="1")
    assert not at.exception, [e.value for e in at.exception]
    assert not [b for b in at.selectbox if b.label == "Assessment"]  # no editing controls on the projector
    assert not at.get("download_button") and not [t for t in at.toggle if t.key == "mat_live"]
    # no tables on the projector (a grid is not read from the back of a room): the room's line
    # names everyone who answered, the radar shows the first five, the reasons follow the charts
    assert not at.dataframe
    assert "Answered so far (2): Anna (" in texts(at) and " · Bob (" in texts(at)
    assert [h for h in at.header if h.value == "Why this stage"]
    headline = at.get("flex_container")
    assert "Establishment" in texts(at) and headline
    assert room.display_code(room.join_code(ws, aid)) in texts(at)


def drawn(at) -> list[str]:
    """What the page drew, in order: keyed containers as their key, text elements as their text."""
    out = []
    for n in at.main:
        if n.type in ("flex_container", "container"):
            if getattr(n, "key", None):
                out.append(n.key)
        elif n.type in ("title", "header", "subheader", "markdown", "caption", "info", "code"):
            out.append(re.sub(r"\\(.)", r"\1", str(n.value)))
    return out


def test_workshop_projector_opens_on_the_result(app, db_path, seeded, monkeypatch):
    """At 1280x720 the projector's first screen was the page title, its intro for the facilitator
    and the join panel (with a note about 127.0.0.1 meant for the laptop); the result was below the
    fold. Now the room's stage and who answered come first, the join panel beside them, no note."""
    from clusterdash.ui import room as room_ui

    monkeypatch.setattr(room_ui, "_lan_address", lambda: "192.0.2.2")  # the note's case: opened as localhost
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "fully"}))
    at = app("pages/assessment_workshop.py", ws=ws, a=aid, present="1")
    assert not at.exception, [e.value for e in at.exception]
    order = drawn(at)
    first = order.index("mat-headline")
    before = [t for t in order[:first] if t != "room-result" and not t.startswith("**Automotive Cluster Serbia")]
    assert before == [], order[:first]  # only the assessment's title (and the result's column)
    assert first < order.index("room-who") < order.index("join-code")
    assert "Assessment workshop" not in order and not [t for t in order if t.startswith("For the facilitator")]
    assert not [t for t in order if "This browser opened ClusterDash" in t or "Phones cannot open" in t]
    assert room.display_code(room.join_code(ws, aid)) in order and at.get("image")
    # the facilitator's laptop keeps the note
    laptop = app("pages/assessment_workshop.py", ws=ws, a=aid)
    assert [c for c in laptop.caption if "This browser opened ClusterDash" in c.value]


def test_assessment_page_in_presentation_mode_shows_the_result_big(app, db_path, seeded):
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "fully"}))
    at = app(PAGE, ws=ws, a=aid, who="Anna", present="1", view="Result")
    assert not at.exception, [e.value for e in at.exception]
    assert not [b for b in at.selectbox if b.label == "Assessment"]
    assert not [e for e in at.expander if e.label in ("New assessment", "Date, occasion, delete")]
    assert not [t for t in at.text_input if t.label == "Your name"]
    assert not at.metric  # the stage is the display-type headline, not a metric
    assert not at.dataframe and not at.get("download_button")
    assert "strategy workshop" in texts(at)


def test_assessment_page_in_presentation_mode_opens_on_the_result(app, db_path, seeded):
    """The projector link (&present=1, no &view=) opens on the result: no answer controls (they
    would answer as "Facilitator" in front of the room), no Questionnaire tab to click into."""
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "fully"}))
    at = app(PAGE, ws=ws, a=aid, present="1")
    assert not at.exception, [e.value for e in at.exception]
    assert not [sc for sc in at.segmented_control if sc.key and sc.key.startswith("mat-ans-")]
    assert "Questionnaire" not in [t.label for t in at.tabs]
    assert mat_headline(at) and "Establishment" in texts(at), "the headline stage in display type"
    # a link that names the questionnaire still opens on the result on the projector
    at = app(PAGE, ws=ws, a=aid, present="1", view="Questionnaire")
    assert not at.exception, [e.value for e in at.exception]
    assert not [sc for sc in at.segmented_control if sc.key and sc.key.startswith("mat-ans-")]
    assert mat_headline(at)


def mat_headline(at) -> bool:
    """Whether the page drew the display-type stage headline (ui.maturity.result_summary, large)."""
    return any(c.key == "mat-headline" for c in at.container)


def assessment_state(db_path, ws, aid) -> tuple[bool, bool]:
    s = Store(db_path)
    try:
        a = queries.get_assessment(s, ws, aid)
    finally:
        s.close()
    return a["is_revealed"], a["is_open"]


def test_the_facilitator_hides_the_rooms_result_until_reveal(app, db_path, seeded):
    """Answers influence each other when the room sees them: the facilitator hides the result on
    the projector until "Reveal"; meanwhile it shows only who has answered."""
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "fully"}))
    fill(db_path, ws, aid, "Bob", stage_answers(db_path, {"initiation": "fully", "establishment": "not_true"}))
    assert assessment_state(db_path, ws, aid) == (True, True)  # new assessments: shown and open
    laptop = app("pages/assessment_workshop.py", ws=ws, a=aid)
    laptop.button(key=f"mat_reveal|{aid}").click().run()
    assert not laptop.exception, [e.value for e in laptop.exception]
    assert assessment_state(db_path, ws, aid) == (False, True)
    # the facilitator still sees the result, told that the room does not
    assert "Hidden from the room" in texts(laptop) and "Establishment" in texts(laptop)
    proj = app("pages/assessment_workshop.py", ws=ws, a=aid, present="1")
    assert not proj.exception, [e.value for e in proj.exception]
    body = texts(proj)
    assert "Answered so far (2): Anna (" in body and " · Bob (" in body
    assert [c for c in proj.container if c.key == "room-who"]
    assert not mat_headline(proj) and "Establishment" not in body and "Why this stage" not in body
    assert not proj.get("plotly_chart")
    assert any("hidden until the facilitator reveals" in i.value for i in proj.info)
    # the projector of the assessment page hides it too
    page = app(PAGE, ws=ws, a=aid, present="1")
    assert not mat_headline(page) and not page.get("plotly_chart") and "Assigned stage" not in texts(page)
    assert any("hidden until the facilitator reveals" in i.value for i in page.info)
    # Reveal: the projector shows the result again
    laptop.button(key=f"mat_reveal|{aid}").click().run()
    assert assessment_state(db_path, ws, aid) == (True, True)
    proj.run()
    assert mat_headline(proj) and "Establishment" in texts(proj) and proj.get("plotly_chart")


def test_hidden_results_are_hidden_from_participants_too(app, db_path, seeded, monkeypatch):
    ws, aid = seeded
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "fully"}))
    s = Store(db_path)
    try:
        queries.set_assessment_state(s, ws, aid, is_revealed=False)
    finally:
        s.close()
    monkeypatch.setenv("CLUSTERDASH_PASSCODE", "open sesame")  # this session is not the facilitator
    at = app(PAGE, ws=ws, a=aid, view="Result")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.metric and not at.get("plotly_chart") and "Assigned stage" not in texts(at)
    assert "Strongest statements" not in texts(at)
    assert any("hidden until the facilitator reveals" in i.value for i in at.info)


def test_the_facilitator_closes_answering(app, db_path, seeded):
    """Closed: nobody can give or change an answer (the controls are disabled and the store refuses
    a stale browser's save), with a clear message; Reopen opens it again."""
    from clusterdash.errors import UserError

    ws, aid = seeded
    laptop = app("pages/assessment_workshop.py", ws=ws, a=aid)
    laptop.button(key=f"mat_open|{aid}").click().run()
    assert not laptop.exception, [e.value for e in laptop.exception]
    assert assessment_state(db_path, ws, aid) == (True, False)
    kim = app(PAGE, ws=ws, a=aid, who="Kim")
    assert not kim.exception, [e.value for e in kim.exception]
    assert any("Answering is closed" in i.value for i in kim.info)
    control = widget(kim, "segmented_control", "mat-ans-ini_01")
    assert control.disabled
    s = Store(db_path)
    try:
        with pytest.raises(UserError, match="Answering is closed"):
            queries.save_assessment_answer(s, ws, aid, "ini_01", "Kim", "fully")
    finally:
        s.close()
    assert stored_answers(db_path, ws, aid).empty
    proj = app("pages/assessment_workshop.py", ws=ws, a=aid, present="1")
    assert any("Answering is closed" in t for t in [i.value for i in proj.info] + [m.value for m in proj.markdown])
    laptop.button(key=f"mat_open|{aid}").click().run()
    assert assessment_state(db_path, ws, aid) == (True, True)
    kim.run()
    assert not widget(kim, "segmented_control", "mat-ans-ini_01").disabled


def test_history_page_compares_two_assessments(app, db_path, seeded):
    ws, aid = seeded
    s = Store(db_path)
    try:
        older = queries.create_assessment(s, ws, "ac_serbia", "2025-03-01", "baseline")
    finally:
        s.close()
    fill(db_path, ws, older, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "partly"}))
    fill(db_path, ws, aid, "Anna", stage_answers(db_path, {"initiation": "fully", "establishment": "fully"}))
    at = app("pages/assessment_history.py", ws=ws, a=aid)
    assert not at.exception, [e.value for e in at.exception]
    overview = at.dataframe[0].value
    assert list(overview["label"]) == ["baseline", "strategy workshop"]
    assert list(overview["stage"]) == ["Initiation", "Establishment"]
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["B: assigned stage"][0] == "Establishment" and metrics["B: assigned stage"][1] == "+1 stage(s)"
    stages = at.dataframe[1].value.set_index("stage")
    assert stages.loc["Establishment", "change_pct_points"] == pytest.approx(66.7)


def test_history_page_shows_an_unlabelled_assessment_without_nan(app, db_path, seeded):
    """One assessment without a label beside a labelled one: pandas' string column holds NaN for
    the missing label, which read "nan" in the overview and the CSV."""
    ws, aid = seeded
    s = Store(db_path)
    try:
        queries.create_assessment(s, ws, "ac_serbia", "2025-03-01", None)
    finally:
        s.close()
    at = app("pages/assessment_history.py", ws=ws, a=aid)
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert list(at.dataframe[0].value["label"]) == ["", "strategy workshop"]


def test_view_only_with_a_passcode(app, db_path, seeded, monkeypatch):
    ws, aid = seeded
    monkeypatch.setenv("CLUSTERDASH_PASSCODE", "open sesame")
    at = app(PAGE, ws=ws, a=aid)
    assert not at.exception
    assert all(sc.disabled for sc in at.segmented_control)
    assert next(b for b in at.button if b.label == "Create assessment").disabled


def test_unknown_assessment_in_the_link_falls_back(app, seeded):
    ws, aid = seeded
    at = app(PAGE, ws=ws, a="as-doesnotexist")
    assert not at.exception
    assert any("does not exist in this workspace" in w.value for w in at.warning)
    assert at.query_params["a"] in (aid, [aid])


def test_opened_without_a_name_the_page_asks_for_one_before_answering(app_v2, db_path, seeded):
    """Issue 13: the assessment page opened directly (no &who=) never answers as 'Facilitator':
    "Your name" starts empty, the statements cannot be answered and a prompt says why; once a name
    is typed, answers are saved under it. Facilitator-only pages keep the default name."""
    from clusterdash.ui import maturity as mat_ui

    ws, aid = seeded
    app = app_v2
    at = app(PAGE, ws=ws, a=aid)
    assert not at.exception
    assert at.text_input(key="mat_who").value == ""
    assert mat_ui.NAME_FIRST in [i.value for i in at.info]
    control = widget(at, "segmented_control", "mat-ans-ini_01")
    assert control.disabled
    assert "who" not in at.query_params
    at.text_input(key="mat_who").input("Anna").run()
    assert not at.exception
    assert mat_ui.NAME_FIRST not in [i.value for i in at.info]
    control = widget(at, "segmented_control", "mat-ans-ini_01")
    assert not control.disabled
    control.set_value("fully").run()
    assert stored_answers(db_path, ws, aid)[["participant", "answer_code"]].values.tolist() == [["Anna", "fully"]]
    # a facilitator-only page keeps the default name in the sidebar
    workshop = app("pages/checklists.py", ws=ws)
    assert not workshop.exception
    assert workshop.sidebar.text_input(key="_who_input").value == "Facilitator"
