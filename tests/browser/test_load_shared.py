"""Load on shared rows (issue 10, "Done when"): ten concurrent browser sessions (Playwright
contexts in one Chromium) on ONE server, in ONE workspace, editing the SAME tool at once:

- the stakeholder analysis: each session owns one row of the same table and sets its assessment
  and influence (segmented controls, clicked in a burst while the page re-draws) and its measure
  (text area), round after round;
- the maturity assessment: every session answers under the SAME participant name (a group on
  several devices), each its own statements, round after round.

Each session's page re-runs from the store after each of its edits and so takes in the others'
changes as they arrive. Afterwards the store holds every session's last value and nothing
else changed; each session got exactly one "Saved" toast per edit (a stale widget value saved
over someone else's would be an extra save); and after a reload every session shows everyone's
last values. The scenario is bench/load_shared.py. Only loopback traffic.
"""

from __future__ import annotations

import pytest

from bench import load, load_shared
from bench.load_shared import MATURITY, TOOLKIT, SharedPlan
from clusterdash.maturity import ANSWER_OPTIONS
from clusterdash.store import Store
from clusterdash import fields
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SESSIONS = 10


def check(result, problems) -> None:
    print(load_shared.describe(result))
    assert not result.external_requests, result.external_requests[:5]
    assert not result.errors, result.errors
    # an edit the server refused (its message shown) was made again, as a person would, and saved
    assert not [e for e in result.edits if e.error and not e.retried], [e for e in result.edits if e.error][:3]
    assert len(result.rounds_done) == SESSIONS and min(result.rounds_done.values()) >= 2, result.rounds_done
    # every session's last value of every field it owns, nothing more, nothing lost
    assert set(result.expected) == set(result.owned)
    assert problems == []
    # one "Saved" toast per edit: no session saved anything it did not edit
    for who in result.rounds_done:
        assert result.saved_toasts.get(who) == result.saved_edits(who), (who, result.saved_toasts.get(who))


def test_ten_sessions_edit_one_stakeholder_table(new_server, template_db, tmp_path):
    db = tmp_path / "shared-toolkit.duckdb"
    ws, ids = load_shared.prepare_toolkit_store(db, template_db, SESSIONS)
    server = new_server(db=db)
    plan = SharedPlan(scenario=TOOLKIT, sessions=SESSIONS, rounds=2, time_limit_s=120)
    result = load_shared.run_scenario(server.url, plan, workspace_id=ws, targets=ids, artifacts=ARTIFACTS)
    server.stop()  # the store is read from the file the server wrote
    store = Store(db)
    try:
        problems = load_shared.verify_store(store, result, {sid: f"Stakeholder {i:02d}" for i, sid in enumerate(ids)})
    finally:
        store.close()
    check(result, problems)
    labels = {"assessment": fields.value_labels("assessment"), "influence": fields.value_labels("influence")}
    shown_expected = {t: labels[t.split("|")[1]][v] if t.split("|")[1] in labels else v
                      for t, v in result.expected.items()}
    for who, shown in result.views.items():
        assert shown == shown_expected, who
    assert len(result.views) == SESSIONS


def test_ten_sessions_answer_as_one_participant(new_server, template_db, tmp_path):
    db = tmp_path / "shared-maturity.duckdb"
    ws, aid = load.prepare_store(db, template_db)
    server = new_server(db=db)
    plan = SharedPlan(scenario=MATURITY, sessions=SESSIONS, rounds=2, statements_per_session=2, time_limit_s=120)
    result = load_shared.run_scenario(server.url, plan, workspace_id=ws, assessment_id=aid,
                                      targets=load.statement_codes(db), artifacts=ARTIFACTS,
                                      labels=load.statement_labels(db))
    server.stop()
    store = Store(db)
    try:
        problems = load_shared.verify_store(store, result)
    finally:
        store.close()
    check(result, problems)
    label = {o.code: o.label for o in ANSWER_OPTIONS}
    for who, shown in result.views.items():
        assert shown == {c: label[v] for c, v in result.expected.items()}, who
    assert len(result.views) == SESSIONS
