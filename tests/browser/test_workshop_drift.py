"""The wrong-assessment drift in Chromium (issue 13, blocker): three participants open the link of
an OLDER assessment in a workspace that also has a newer one and click 12 answers each,
interleaved. Every answer must be in the assessment of the link, the URL keeps its id, and a
repeat click on the selected answer does not remove it."""

from __future__ import annotations

import shutil

from clusterdash import queries
from clusterdash.store import Store
from tests.browser.conftest import OfflineGuard, assert_no_exception, wait_for_app

LABELS = ["Fully true", "Partly true", "Largely true", "Not true", "Don't know"]


def test_participants_on_the_older_link_stay_on_it(browser, template_db, tmp_path, new_server):
    db = tmp_path / "drift.duckdb"
    shutil.copy(template_db, db)
    s = Store(db)
    try:
        ws = queries.default_workspace(s)
        older = queries.create_assessment(s, ws, "ac_serbia", "2024-06-01", "older")
        newer = queries.create_assessment(s, ws, "ac_serbia", "2026-03-01", "real workshop")
        codes = list(queries.assessment_statements(s)["statement_code"])[:12]
        s.conn.execute("CHECKPOINT")
    finally:
        s.close()
    srv = new_server(db=db)
    people = ["Anna", "Bob", "Chen"]
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in people]
    guards, pages = [], []
    try:
        for ctx, name in zip(contexts, people):
            p = ctx.new_page()
            g = OfflineGuard()
            p.on("request", g)
            guards.append(g)
            p.goto(f"{srv.url}/assessment?ws={ws}&a={older}&who={name}")
            wait_for_app(p)
            assert_no_exception(p)
            pages.append(p)
        for i, code in enumerate(codes):
            for n, p in enumerate(pages):
                label = LABELS[(i + n) % len(LABELS)]
                box = p.locator(f".st-key-mat-st-{code}")
                box.get_by_role("radio", name=label, exact=True).click()
                p.wait_for_function(
                    """([cls, label]) => {
                        const b = document.querySelector(`.${cls} button[aria-checked="true"]`);
                        return b && b.innerText.trim() === label;
                    }""", arg=[f"st-key-mat-st-{code}", label], timeout=15_000)
            for p in pages:
                wait_for_app(p)
                assert f"a={older}" in p.url, p.url
        # a repeat click on the answer already selected does not remove it
        for p in pages:
            p.locator(f".st-key-mat-st-{codes[0]}").locator('button[aria-checked="true"]').click()
            p.wait_for_timeout(500)
            wait_for_app(p)
            assert f"a={older}" in p.url and "does not exist" not in p.inner_text("body")
    finally:
        for c in contexts:
            c.close()
    assert not [u for g in guards for u in g.external]
    srv.stop()  # the server holds the store's lock
    s = Store(db, read_only=True)
    try:
        in_older = queries.assessment_answers(s, ws, older)
        in_newer = queries.assessment_answers(s, ws, newer)
    finally:
        s.close()
    assert in_newer.empty, in_newer.groupby("participant").size().to_dict()
    counts = in_older.groupby("participant").size().to_dict()
    assert counts == {p: len(codes) for p in people}, counts
