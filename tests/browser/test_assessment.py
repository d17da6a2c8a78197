"""The maturity assessment in Chromium: answers saved on click survive a reload and a kill -9 of
the server; two browser contexts answer one workshop assessment under different names and the
facilitator's aggregate is right; the exports parse and match what the page shows; the brief
prints on one page. Screenshots of every view go to test-artifacts/screenshots/."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from clusterdash import queries
from clusterdash.store import Store
from tests.browser.conftest import ARTIFACTS, OfflineGuard, assert_no_exception, screenshot, wait_for_app


def prepared_store(template_db: Path, tmp_path: Path, answers: dict[str, dict[str, str]] | None = None,
                   name: str = "store.duckdb") -> tuple[Path, str, str]:
    """A copy of the template store with one assessment (and optional answers per participant)."""
    db = tmp_path / name
    shutil.copy(template_db, db)
    s = Store(db)
    try:
        ws = queries.default_workspace(s)
        aid = queries.create_assessment(s, ws, "ac_serbia", "2026-03-01", "strategy workshop")
        for person, codes in (answers or {}).items():
            for code, a in codes.items():
                queries.save_assessment_answer(s, ws, aid, code, person, a)
        s.conn.execute("CHECKPOINT")
    finally:
        s.close()
    return db, ws, aid


def stage_answers(template_db: Path, per_stage: dict[str, str]) -> dict[str, str]:
    s = Store(template_db, read_only=True)
    try:
        sts = queries.assessment_statements(s)
    finally:
        s.close()
    return {r.statement_code: per_stage[r.stage_code] for r in sts.itertuples() if r.stage_code in per_stage}


def open_page(page, server, path: str, **params) -> None:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    page.goto(f"{server.url}/{path}?{query}")
    wait_for_app(page)
    assert_no_exception(page)


def control(page, code: str):
    return page.locator(f".st-key-mat-st-{code}")


def selected(page, code: str) -> str | None:
    control(page, code).locator("button").first.wait_for()  # the page may still be on its first run
    checked = control(page, code).locator('button[aria-checked="true"]')
    return checked.inner_text().strip() if checked.count() else None


def answer(page, code: str, label: str) -> None:
    control(page, code).get_by_role("radio", name=label, exact=True).click()
    page.wait_for_function(
        """([cls, label]) => {
            const b = document.querySelector(`.${cls} button[aria-checked="true"]`);
            return b && b.innerText.trim() === label;
        }""",
        arg=[f"st-key-mat-st-{code}", label],
    )
    wait_for_app(page)


def set_name(page, name: str) -> None:
    box = page.locator(".st-key-mat_who input")
    box.fill(name)
    box.press("Enter")
    page.wait_for_function("(n) => window.location.search.includes('who=' + encodeURIComponent(n))", arg=name)
    wait_for_app(page)


def test_answers_survive_reload_and_server_kill(new_server, template_db, tmp_path, page):
    db, ws, aid = prepared_store(template_db, tmp_path)
    server = new_server(db=db)
    open_page(page, server, "assessment", ws=ws, a=aid)
    set_name(page, "Anna")
    answer(page, "ini_01", "Fully true")
    answer(page, "est_03", "Partly true")
    answer(page, "tra_04", "Don't know")
    expect(page.get_by_text("Anna has answered 3 of 35 statements.")).to_be_visible()
    screenshot(page, "assessment-questionnaire")

    page.reload()
    wait_for_app(page)
    assert "who=Anna" in page.url and f"a={aid}" in page.url
    expect(page.locator(".st-key-mat_who input")).to_have_value("Anna")
    assert (selected(page, "ini_01"), selected(page, "est_03"), selected(page, "tra_04")) == (
        "Fully true", "Partly true", "Don't know")
    assert selected(page, "ini_02") is None

    # clicking the chosen answer again keeps it; "Clear" removes it
    control(page, "est_03").get_by_role("radio", name="Partly true", exact=True).click()
    page.wait_for_timeout(400)
    wait_for_app(page)
    assert selected(page, "est_03") == "Partly true"
    page.locator(".st-key-mat-clear-est_03 button").first.click()
    page.wait_for_function("() => !document.querySelector('.st-key-mat-st-est_03 button[aria-checked=\"true\"]')")
    wait_for_app(page)

    server.kill9()
    server.start()
    page.goto(page.url)
    wait_for_app(page)
    assert_no_exception(page)
    # the run that has taken in the URL's name and drawn Anna's answers (a first run of the new
    # session can be cut short by the next; seen once in CI: the controls drawn, none checked)
    expect(page.get_by_text("Anna has answered 2 of 35 statements.")).to_be_visible()
    assert selected(page, "ini_01") == "Fully true"
    assert selected(page, "est_03") is None
    assert selected(page, "tra_04") == "Don't know"


def test_two_participants_answer_one_workshop(browser, template_db, tmp_path, new_server):
    db, ws, aid = prepared_store(template_db, tmp_path)
    srv = new_server(db=db)
    guards = []
    contexts = [browser.new_context(viewport={"width": 1400, "height": 900}) for _ in range(2)]
    try:
        pages = []
        for ctx, name in zip(contexts, ("Anna", "Bob")):
            p = ctx.new_page()
            g = OfflineGuard()
            p.on("request", g)
            guards.append(g)
            open_page(p, srv, "assessment", ws=ws, a=aid)
            set_name(p, name)
            pages.append(p)
        anna, bob = pages
        # interleaved answers from the two browsers
        answer(anna, "ini_01", "Fully true")
        answer(bob, "ini_01", "Not true")
        answer(anna, "ini_02", "Largely true")
        answer(bob, "ini_02", "Largely true")
        answer(bob, "est_03", "Don't know")
        answer(anna, "est_03", "Partly true")
        # each still sees their own answers
        assert selected(anna, "ini_01") == "Fully true" and selected(bob, "ini_01") == "Not true"

        facilitator = anna  # the facilitator's view, in the first browser
        open_page(facilitator, srv, "assessment_workshop", ws=ws, a=aid)
        screenshot(facilitator, "assessment-workshop")
        with facilitator.expect_download() as dl:
            facilitator.locator(".st-key-dl-ws-spread button").click()
        text = Path(dl.value.path()).read_text(encoding="utf-8")
        assert text.startswith("# source: ClusterDash maturity assessment")
        spread = pd.read_csv(io.StringIO(text), comment="#").set_index("statement_code")
        assert spread.loc["ini_01", "n_scored"] == 2 and spread.loc["ini_01", "mean_score"] == 0.5
        assert spread.loc["ini_01", "std_score"] == 0.5 and spread.loc["ini_01", "range_score"] == 1.0
        assert spread.loc["ini_02", "mean_score"] == pytest.approx(0.667) and spread.loc["ini_02", "std_score"] == 0
        assert spread.loc["est_03", "n_scored"] == 1 and spread.loc["est_03", "n_dont_know"] == 1
        with facilitator.expect_download() as dl:
            facilitator.locator(".st-key-dl-ws-participants button").click()
        people = pd.read_csv(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8")), comment="#")
        assert list(people["participant"]) == ["Anna", "Bob"] and list(people["answers"]) == [3, 3]
        assert list(people["dont_know_answers"]) == [0, 1]
        # the room disagrees most on ini_01: it is first in the table of disagreements
        expect(facilitator.get_by_text("Where the room disagrees most", exact=True)).to_be_visible()
        assert facilitator.locator(".js-plotly-plot").count() >= 3
    finally:
        for c in contexts:
            c.close()
    assert not [u for g in guards for u in g.external]


def test_result_exports_and_brief(new_server, template_db, tmp_path, page, browser):
    answers = stage_answers(template_db, {"initiation": "fully", "establishment": "largely",
                                          "operationalisation": "partly", "transformation": "not_true"})
    answers |= {"ope_02": "fully", "ope_01": "not_true", "est_08": "partly"}  # flags a check
    bob = {"ini_01": "partly", "est_03": "dont_know"}
    db, ws, aid = prepared_store(template_db, tmp_path, {"Anna": answers, "Bob": bob})
    server = new_server(db=db)

    open_page(page, server, "assessment", ws=ws, a=aid, view="Result")
    page.wait_for_selector(".js-plotly-plot")
    stage = page.locator('[data-testid="stMetric"]').first.locator('[data-testid="stMetricValue"]').inner_text()
    assert stage == "Establishment"
    expect(page.get_by_text("Sophisticated services without trust building")).to_be_visible()
    screenshot(page, "assessment-result")
    with page.expect_download() as dl:
        page.locator(".st-key-dl-mat-stages button").click()
    stages = pd.read_csv(dl.value.path(), comment="#")
    assert list(stages["stage"]) == ["Initiation", "Establishment", "Operationalisation", "Transformation"]
    assert list(stages["is_assigned"]) == [False, True, False, False]
    # establishment: 9 × largely (2/3) and est_08 partly (1/3); Bob's don't know on est_03 is left out
    assert stages.loc[1, "fulfilment_pct"] == pytest.approx((9 * 2 / 3 + 1 / 3) / 10 * 100, abs=0.05)

    open_page(page, server, "assessment", ws=ws, a=aid, view="Recommendations")
    expect(page.get_by_text("Formulating a commonly agreed action plan").first).to_be_visible()
    screenshot(page, "assessment-recommendations")

    open_page(page, server, "assessment", ws=ws, a=aid, view="Export")
    caption = page.get_by_text(re.compile(r"\d+ answers by 2 participant\(s\)")).inner_text()
    n_shown = int(caption.split()[0])
    with page.expect_download() as dl:
        page.locator(".st-key-dl-mat-answers button").click()
    raw = Path(dl.value.path()).read_text(encoding="utf-8")
    assert raw.startswith("# source: ClusterDash maturity assessment") and "# units: score 0-1" in raw
    exported = pd.read_csv(io.StringIO(raw), comment="#")
    assert len(exported) == n_shown == len(answers) + len(bob)
    assert set(exported["participant"]) == {"Anna", "Bob"}
    row = exported[(exported["participant"] == "Bob") & (exported["statement_code"] == "ini_01")].iloc[0]
    assert row["answer"] == "Partly true" and row["score"] == pytest.approx(0.333)
    screenshot(page, "assessment-export")

    with page.expect_download() as dl:
        page.locator(".st-key-dl-mat-brief button").click()
    brief = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "Maturity-stage brief: Automotive Cluster Serbia" in brief and "Establishment" in brief
    # the brief opened in the browser: no request leaves the machine, it prints on one A4 page
    viewer = browser.new_context(viewport={"width": 900, "height": 1200})
    try:
        p = viewer.new_page()
        guard = OfflineGuard()
        p.on("request", guard)
        path = ARTIFACTS / "assessment-brief.html"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path.write_text(brief, encoding="utf-8")
        p.set_content(brief, wait_until="load")
        p.screenshot(path=str(ARTIFACTS / "assessment-brief.png"), full_page=True)
        pdf = p.pdf(format="A4", print_background=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        assert not guard.external
    finally:
        viewer.close()


def test_history_and_method_views(new_server, template_db, tmp_path, page):
    db, ws, aid = prepared_store(template_db, tmp_path,
                                 {"Anna": stage_answers(template_db, {"initiation": "fully", "establishment": "fully",
                                                                      "operationalisation": "largely"})})
    s = Store(db)
    try:
        older = queries.create_assessment(s, ws, "ac_serbia", "2025-02-01", "baseline")
        for code, a in stage_answers(template_db, {"initiation": "largely", "establishment": "partly"}).items():
            queries.save_assessment_answer(s, ws, older, code, "Anna", a)
        s.conn.execute("CHECKPOINT")
    finally:
        s.close()
    server = new_server(db=db)
    open_page(page, server, "assessment_history", ws=ws, a=aid)
    page.wait_for_selector(".js-plotly-plot")
    expect(page.get_by_text("Two assessments side by side", exact=True)).to_be_visible()
    screenshot(page, "assessment-history")
    open_page(page, server, "assessment", ws=ws, a=aid, view="Method")
    expect(page.get_by_text("every earlier stage is reached", exact=False).first).to_be_visible()
    screenshot(page, "assessment-method")


# Every option of a segmented control (the answer scale; a checklist item's status) on screen at
# phone size: none cut at the edge, no sideways scrolling inside the control.
OPTIONS_ON_SCREEN = """(sel) => [...document.querySelectorAll(sel)].map((g) => {
    const r = [...g.querySelectorAll('button')].map((b) => b.getBoundingClientRect());
    return {scroll: g.scrollWidth - g.clientWidth, left: Math.min(...r.map((x) => x.left)),
            right: Math.max(...r.map((x) => x.right)), n: r.length};
})"""


def test_answer_scale_fits_a_phone(new_server, template_db, tmp_path, browser):
    db, ws, aid = prepared_store(template_db, tmp_path)
    srv = new_server(db=db)
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        p = ctx.new_page()
        open_page(p, srv, "assessment", ws=ws, a=aid, who="Ana")
        control(p, "ini_01").locator("button").first.wait_for()
        groups = p.evaluate(OPTIONS_ON_SCREEN, "[class*='st-key-mat-st-'] [role='radiogroup']")
        assert groups and all(g["n"] == 5 for g in groups)
        assert all(g["scroll"] <= 1 and g["left"] >= 0 and g["right"] <= 390 for g in groups), groups[:3]
        answer(p, "ini_01", "Don't know")  # the last option: reachable and clickable without scrolling
        assert selected(p, "ini_01") == "Don't know"
        screenshot(p, "assessment-phone-390")
        open_page(p, srv, "checklists", ws=ws, who="Ana")
        p.locator("[class*='st-key-item-'] [role='radiogroup']").first.wait_for()
        groups = p.evaluate(OPTIONS_ON_SCREEN, "[class*='st-key-item-'] [role='radiogroup']")
        assert groups and all(g["scroll"] <= 1 and g["left"] >= 0 and g["right"] <= 390 for g in groups), groups[:3]
        screenshot(p, "checklists-phone-390")
    finally:
        ctx.close()
