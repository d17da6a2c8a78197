"""Load: 20 concurrent browser sessions (Playwright contexts in one Chromium) on ONE server, in ONE
workspace — ten answering checklist items (status and note), ten answering maturity-assessment
statements under their own names — all starting their answers at the same moment. Afterwards
every answer is in the store: each item field holds its writer's last value, the change history
has one row per change, and every participant's answers are there. The scenario is
bench/load.py (the benchmark runs it too and reports the response times); this test asserts
correctness, not speed. Only loopback traffic.
"""

from __future__ import annotations

from bench import load
from clusterdash.store import Store
from tests.browser.conftest import ARTIFACTS

SESSIONS = 20


def test_20_sessions_answer_one_workspace_and_every_answer_is_stored(new_server, template_db, tmp_path):
    db = tmp_path / "load.duckdb"
    ws, aid = load.prepare_store(db, template_db)
    slugs = load.checklist_slugs(db, ws)
    statements = load.statement_codes(db)
    server = new_server(db=db)
    plan = load.LoadPlan(sessions=SESSIONS, rounds=1, statements_per_round=2, switch_pages=False, time_limit_s=45)
    result = load.run_scenario(server.url, ws, aid, slugs=slugs, statements=statements, plan=plan,
                               artifacts=ARTIFACTS)
    server.stop()  # the store is read from the file the server wrote

    print(load.describe(result))
    assert not result.external_requests, result.external_requests[:5]
    assert not result.errors, result.errors
    by_session = {a.session for a in result.actions}
    assert len(by_session) == SESSIONS, f"sessions that answered nothing: {SESSIONS - len(by_session)}"
    assert not [a for a in result.actions if a.error], [a for a in result.actions if a.error][:3]
    assert len(result.actions) == SESSIONS * 2

    store = Store(db)
    try:
        assert load.verify_store(store, result) == []
        # nothing more than was given, either
        n_changes = store.value("SELECT count(*) FROM checklist_change WHERE workspace_id = ?", [ws])
        assert n_changes == sum(result.expected_changes.values()) == SESSIONS  # 10 sessions × (status + note)
        n_answers = store.value("SELECT count(*) FROM assessment_answer WHERE workspace_id = ? AND assessment_id = ?",
                                [ws, aid])
        assert n_answers == len(result.expected_answers) == SESSIONS  # 10 participants × 2 statements
        participants = store.value(
            "SELECT count(DISTINCT participant) FROM assessment_answer WHERE workspace_id = ?", [ws])
        assert participants == SESSIONS // 2
    finally:
        store.close()
