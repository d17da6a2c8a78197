"""The wrong-assessment drift (issue 13, blocker): participants on the link of an OLDER assessment
in a workspace that also has a newer one answer while others answer too. Every answer must land
in the assessment of the link, the URL must keep its id (never a label with live counts), and a
repeat click on the selected answer must not remove it (only the explicit "clear" does)."""

from __future__ import annotations

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Selectbox

from clusterdash import queries
from clusterdash.store import Store
from tests.ui_support import widget

PAGE = "pages/assessment.py"


@pytest.fixture
def two_assessments(db_path):
    s = Store(db_path)
    try:
        ws = queries.default_workspace(s)
        older = queries.create_assessment(s, ws, "ac_serbia", "2024-06-01", "older")
        newer = queries.create_assessment(s, ws, "ac_serbia", "2026-03-01", "real workshop")
        statements = list(queries.assessment_statements(s)["statement_code"])
    finally:
        s.close()
    return ws, older, newer, statements


class _HeldSelectbox(Selectbox):
    """A selectbox as the browser holds it: it sends back the option text it last displayed."""

    held: str = ""

    @property
    def _widget_state(self) -> WidgetState:
        ws = WidgetState()
        ws.id = self.id
        ws.string_value = self.held
        return ws


def hold(at, text: str) -> None:
    box = picker(at)
    box.__class__ = _HeldSelectbox
    box.held = text


def picker(at):
    (box,) = [b for b in at.selectbox if b.label == "Assessment"]
    return box


def shown_assessment(at) -> str:
    box = picker(at)
    return box.options[box.index]


def answers_of(db_path, ws, aid):
    s = Store(db_path)
    try:
        return queries.assessment_answers(s, ws, aid)
    finally:
        s.close()


def test_answers_stay_in_the_assessment_of_the_link_while_the_room_answers(app, db_path, two_assessments):
    ws, older, newer, statements = two_assessments
    people = ["Anna", "Bob", "Chen"]
    ats = {p: app(PAGE, ws=ws, a=older, who=p) for p in people}
    # what each browser's "Assessment" dropdown shows, and sends back with every interaction: the
    # browser keeps the option text it displayed (Streamlit 1.67 sends a selectbox's formatted
    # label, not an index), however the server's labels change meanwhile
    held = {p: shown_assessment(ats[p]) for p in people}
    codes = ["fully", "partly", "largely", "not_true", "dont_know"]
    clicks = 12
    for i in range(clicks):
        for n, p in enumerate(people):
            at = ats[p]
            assert not at.exception, [e.value for e in at.exception]
            # every click changes the live counts in the dropdown's labels (someone else answered)
            hold(at, held[p])
            widget(at, "segmented_control", f"mat-ans-{statements[i]}").set_value(codes[(i + n) % 5]).run()
            assert at.query_params["a"] in (older, [older]), at.query_params["a"]
    for p in people:
        # a repeat click on the already selected answer (the browser sends the same value again)
        at = ats[p]
        hold(at, held[p])
        w = widget(at, "segmented_control", f"mat-ans-{statements[0]}")
        w.set_value(w.value).run()
        assert at.query_params["a"] in (older, [older])
    in_older = answers_of(db_path, ws, older)
    assert answers_of(db_path, ws, newer).empty
    assert len(in_older) == clicks * len(people)
    for p in people:
        mine = in_older[in_older["participant"] == p]
        assert len(mine) == clicks, (p, len(mine))
        assert not any("does not exist" in w.value for w in ats[p].warning)
