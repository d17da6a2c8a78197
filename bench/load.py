"""Load scenario: N concurrent browser sessions (Playwright contexts in one Chromium) on ONE
ClusterDash server, all in ONE workspace, answering checklist items and maturity-assessment
statements for a bounded number of rounds and a bounded time. Only loopback traffic.

Used by ``tests/browser/test_load.py`` (asserts that every answer is in the store afterwards)
and by ``bench/run.py`` (reports the response times).

Each session has a name (P00, P01, …) typed into "Your name" (the sidebar's, or the assessment
page's own field), and

- on the checklists page: sets the *status* of one item of the first page and the *note* of
  another item; no other session writes the same item and field, so the store must end with
  exactly this session's last values (and one change-history row per change);
- on the assessment page: answers a few statements of the workshop's assessment under its own
  name (participants never overwrite each other).

Even sessions start on the checklists, odd ones on the assessment. All sessions first open
their page and set their name; then (all at once) they answer, and with ``switch_pages`` go on
to the other page through the sidebar. Response time of an answer, from the click (or Enter): ``saved_ms`` until
the server's "Saved" toast arrives on the session's websocket (the write is committed: the toast
is sent by the widget callback after the transaction) and ``rerun_ms`` until the server's
``script_finished`` message (the page has been re-run and shows the new state). Both are
timestamped inside the page (``performance.now()``) by a listener on Streamlit's websocket
(:data:`WS_PROBE`), so the 20 sessions' own load on the test client does not blur them.

The browser plumbing (Chromium, the probe, the warm-up visit, opening a page, the name) is
bench/sessions.py, shared with bench/load_shared.py.
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.sessions import (AFTER, APP_OR_LEGACY, CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, SETTLED, VERDICT,  # noqa: F401 (re-exported)
                            WS_PROBE, BrowserSession, Gate, percentile, run_in_thread, with_browser)

STATUS_CYCLE = ("done", "in_progress", "not_yet", "not_applicable")
STATUS_BUTTON = {"done": "Done", "in_progress": "In progress", "not_yet": "Not yet", "not_applicable": "N/A"}
STATUS_SHOWN = {"done": "Done", "in_progress": "In progress", "not_yet": "Not yet", "not_applicable": "Not applicable"}
CHECKLIST_PAGE_SIZE = 20
LOAD_INITIATIVE = "ac_serbia"

@dataclass
class LoadPlan:
    sessions: int = 20
    rounds: int = 2  # rounds per page (each round: 2 checklist answers, or `statements_per_round` answers)
    statements_per_round: int = 2
    switch_pages: bool = True  # each session also answers on the other page (else: half and half)
    time_limit_s: float = 60.0  # no new round starts this long after the sessions started answering
    think_ms: tuple[int, int] = (100, 400)  # pause between answers, like a person
    timeout_ms: int = 120_000  # for one step of a session (generous: 20 sessions share 2 cores)


@dataclass
class Action:
    session: str
    page: str  # checklists | assessment
    target: str  # item key + field, or statement code
    value: str | None
    saved_ms: float | None = None
    rerun_ms: float | None = None
    error: str | None = None


@dataclass
class LoadResult:
    plan: LoadPlan
    workspace_id: str
    assessment_id: str
    actions: list[Action] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    wall_s: float = 0.0  # from the start of the first session to the end of the last
    ready_s: float = 0.0  # until every session had its page open and its name set
    answering_s: float = 0.0  # from the moment all sessions started answering to the end
    legacy_mode_reloads: int = 0
    # what the store must hold afterwards
    expected_checklist: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (item, field) -> (who, value)
    expected_changes: dict[str, int] = field(default_factory=dict)  # who -> number of checklist changes
    expected_answers: dict[tuple[str, str], str] = field(default_factory=dict)  # (who, statement) -> answer

    def saved(self) -> list[float]:
        return [a.saved_ms for a in self.actions if a.saved_ms is not None]

    def reruns(self) -> list[float]:
        return [a.rerun_ms for a in self.actions if a.rerun_ms is not None]

    def summary(self) -> dict[str, float]:
        s, r = self.saved(), self.reruns()
        return {
            "load_sessions": self.plan.sessions,
            "load_answers": len(self.actions),
            "load_failed_answers": sum(1 for a in self.actions if a.error),
            "load_wall_s": round(self.wall_s, 1),
            "load_sessions_ready_s": round(self.ready_s, 1),
            "load_answering_s": round(self.answering_s, 1),
            "load_legacy_mode_reloads": self.legacy_mode_reloads,
            "load_answer_saved_ms_p50": round(percentile(s, 50), 0),
            "load_answer_saved_ms_p95": round(percentile(s, 95), 0),
            "load_answer_rerun_ms_p50": round(percentile(r, 50), 0),
            "load_answer_rerun_ms_p95": round(percentile(r, 95), 0),
            "load_answers_per_s": round(len(s) / self.answering_s, 2) if self.answering_s else 0.0,
        }


# ---- the store before and after --------------------------------------------------------------

def prepare_store(db: Path, template: Path | None = None) -> tuple[str, str]:
    """A workspace 'Load test workshop' with one assessment, in the store file ``db`` (copied
    from ``template`` first when given). Returns (workspace_id, assessment_id)."""
    from clusterdash import queries
    from clusterdash.store import Store, open_store

    if template is not None:
        shutil.copy(template, db)
        store = Store(db)
    else:
        store = open_store(db)
    try:
        ws = queries.create_workspace(store, "Load test workshop", occasion="20 concurrent sessions (bench/load.py)")
        aid = queries.create_assessment(store, ws, LOAD_INITIATIVE, "2026-03-01", "load test")
        store.conn.execute("CHECKPOINT")
    finally:
        store.close()
    return ws, aid


def checklist_slugs(db: Path, workspace_id: str) -> dict[str, str]:
    """CSS slug of each checklist item's container -> its item key."""
    from clusterdash import checklists, queries
    from clusterdash.store import Store

    store = Store(db, read_only=True)
    try:
        board = checklists.prepare_board(queries.checklist_board(store, workspace_id))
    finally:
        store.close()
    return {k.replace("/", "-"): k for k in board["item_key"]}


def statement_codes(db: Path) -> list[str]:
    from clusterdash import queries
    from clusterdash.store import Store

    store = Store(db, read_only=True)
    try:
        return list(queries.assessment_statements(store)["statement_code"])
    finally:
        store.close()


def statement_labels(db: Path) -> dict[str, str]:
    """Statement code -> its text (the label of its answer control)."""
    from clusterdash import queries
    from clusterdash.store import Store

    store = Store(db, read_only=True)
    try:
        q = queries.assessment_statements(store)
        return dict(zip(q["statement_code"], q["statement"]))
    finally:
        store.close()


def verify_store(store, result: LoadResult) -> list[str]:
    """Everything the sessions saw saved is in the store. Returns the problems found."""
    problems: list[str] = []
    ws = result.workspace_id
    rows = store.rows("SELECT list_code, group_code, kind, seq, status, note, changed_by FROM checklist_answer "
                      "WHERE workspace_id = ?", [ws])
    got = {f"{r['list_code']}/{r['group_code']}/{r['kind']}/{r['seq']}": r for r in rows}
    for (item, fld), (who, value) in result.expected_checklist.items():
        r = got.get(item)
        if r is None or r[fld] != value:
            problems.append(f"checklist {item} {fld}: expected {value!r} by {who}, store has {None if r is None else r[fld]!r}")
    changes = {r["changed_by"]: r["n"] for r in store.rows(
        "SELECT changed_by, count(*) AS n FROM checklist_change WHERE workspace_id = ? GROUP BY 1", [ws])}
    for who, n in result.expected_changes.items():
        if changes.get(who, 0) != n:
            problems.append(f"checklist history of {who}: expected {n} changes, store has {changes.get(who, 0)}")
    answers = {(r["participant"], r["statement_code"]): r["answer_code"] for r in store.rows(
        "SELECT participant, statement_code, answer_code FROM assessment_answer WHERE workspace_id = ? AND assessment_id = ?",
        [ws, result.assessment_id])}
    for key, code in result.expected_answers.items():
        if answers.get(key) != code:
            problems.append(f"assessment answer {key}: expected {code!r}, store has {answers.get(key)!r}")
    extra = set(answers) - set(result.expected_answers)
    if extra:
        problems.append(f"assessment answers nobody gave: {sorted(extra)[:5]}")
    return problems


def interference(store, result: LoadResult) -> list[str]:
    """Changes a session made to an item field it never answered (in this scenario every item
    field has exactly one writer): the signature of a stale widget value being saved as a change
    (see tests/browser/test_load.py::test_a_quick_second_answer_does_not_clear_others_answers)."""
    owner = {key: who for key, (who, _) in result.expected_checklist.items()}
    rows = store.rows(
        "SELECT list_code, group_code, kind, seq, field, old_value, new_value, changed_by, changed_at "
        "FROM checklist_change WHERE workspace_id = ? ORDER BY changed_at", [result.workspace_id])
    out = []
    for r in rows:
        item = f"{r['list_code']}/{r['group_code']}/{r['kind']}/{r['seq']}"
        who = owner.get((item, r["field"]))
        if r["changed_by"] != who:
            out.append(f"{r['changed_by']} changed {item} {r['field']} from {r['old_value']!r} to {r['new_value']!r} "
                       f"at {r['changed_at']} (only {who} answered it)")
    return out


# ---- the sessions -------------------------------------------------------------------------------

class Session(BrowserSession):
    def __init__(self, index: int, browser, base_url: str, result: LoadResult, *, slugs: dict[str, str],
                 statements: list[str], lock: threading.Lock, artifacts: Path | None = None):
        super().__init__(index, browser, base_url, errors=result.errors, external=result.external_requests,
                         timeout_ms=result.plan.timeout_ms, artifacts=artifacts, lock=lock)
        self.result = result
        self.plan = result.plan
        self.slugs = slugs
        self.statements = statements
        self.deadline = float("inf")
        self.rng = random.Random(index)

    async def run(self, gate: "Gate") -> None:
        order = ["checklists", "assessment"] if self.i % 2 == 0 else ["assessment", "checklists"]
        if not self.plan.switch_pages:
            order = order[:1]
        ready = False
        try:
            await self.start({"width": 1280, "height": 900})
            await self.open_page(order[0])
            ready = True
        except Exception as exc:  # recorded; the test fails on it
            await self.failed(exc)
        finally:
            gate.arrive()
        try:
            if ready:
                await gate.wait()  # every session answers at the same time
                self.deadline = time.monotonic() + self.plan.time_limit_s
                for k, where in enumerate(order):
                    if k:
                        await self.switch_to(where)
                    if where == "checklists":
                        await self.checklists()
                    else:
                        await self.assessment()
        except Exception as exc:
            await self.failed(exc)
        finally:
            await self.close()

    async def open_page(self, where: str) -> None:
        """Load the page (again if it lands in the legacy pages/ mode: counted, with a
        screenshot) and type the session's name into the sidebar."""
        async def legacy(attempt: int) -> None:
            with self.lock:
                self.result.legacy_mode_reloads += 1
            if self.artifacts is not None:
                self.artifacts.mkdir(parents=True, exist_ok=True)
                await self.page.screenshot(path=str(self.artifacts / f"load-legacy-mode-{self.name}-{attempt}.png"))

        await self.open(f"/{where}?ws={self.result.workspace_id}", legacy)
        await self.set_name(self.name)

    async def switch_to(self, where: str) -> None:
        """Change page through the sidebar navigation (the session, and its name, stay)."""
        page = self.page
        title = "Dos & don'ts checklists" if where == "checklists" else "Maturity assessment"
        nav = page.get_by_test_id("stSidebarNav")
        link = nav.get_by_role("link", name=title)
        if not await link.is_visible():  # the navigation shows a few pages per section
            more = nav.get_by_text(re.compile(r"^View \d+ more$"))
            if await more.count():
                await more.first.click()
        await link.click()
        await self.settle()

    async def timed(self, action: Action, do, shown=None, after_save=None) -> None:
        """Run ``do()`` (a click or Enter); measure (inside the page) until the server's 'Saved'
        toast and until its script_finished; then wait until ``shown()`` holds and the page is
        idle."""
        page = self.page
        t0 = await page.evaluate("performance.now()")
        await do()
        verdict = await (await page.wait_for_function(VERDICT, arg=t0, polling=50)).json_value()
        # the end of the run that saved (a run the click interrupted may finish before it)
        done = await (await page.wait_for_function(AFTER, arg=["finished", verdict["t"]], polling=50)).json_value()
        if verdict["kind"] == "saved":
            action.saved_ms = verdict["t"] - t0
        else:
            action.error = "the server refused the answer (error toast)"
        action.rerun_ms = done - t0
        self.result.actions.append(action)
        if after_save is not None and action.error is None:
            after_save()
        if shown is not None:
            await shown()
        await page.wait_for_function(SETTLED, polling=50)
        await page.wait_for_timeout(self.rng.randint(*self.plan.think_ms))

    async def checklists(self) -> None:
        page = self.page
        # the whole first page of items (a page still rendering shows fewer: every session must
        # see the same 20 to pick its own)
        slugs = await (await page.wait_for_function(
            """(n) => {
                const seen = [];
                for (const e of document.querySelectorAll('[class*="st-key-item-"]')) {
                    const c = [...e.classList].find((c) => c.startsWith('st-key-item-')).slice('st-key-item-'.length);
                    if (!seen.includes(c)) seen.push(c);
                }
                return seen.length >= n ? seen : null;
            }""", arg=CHECKLIST_PAGE_SIZE, polling=100)).json_value()
        items = [self.slugs[c] for c in slugs if c in self.slugs][:CHECKLIST_PAGE_SIZE]
        if len(items) < CHECKLIST_PAGE_SIZE:
            raise RuntimeError(f"only {len(items)} known checklist items on the page")
        n = len(items)
        status_item = items[self.i % n]
        note_item = items[(self.i + n // 2) % n]
        for r in range(self.plan.rounds):
            if r and time.monotonic() > self.deadline:
                break
            status = STATUS_CYCLE[(self.i + r) % len(STATUS_CYCLE)]
            box = page.locator(f".st-key-item-{status_item.replace('/', '-')}")
            action = Action(self.name, "checklists", f"{status_item} status", status)

            async def shown(status=status, slug=status_item.replace("/", "-")):
                # one checked button, this status, and the status line says so (it names whoever
                # changed the item last: another session may have written its note since)
                await page.wait_for_function(
                    """([cls, label, shown]) => {
                        const box = document.querySelector('.' + cls);
                        if (!box) return false;
                        const on = [...box.querySelectorAll('[role=radio][aria-checked=true]')].map((b) => b.innerText.trim());
                        return on.length === 1 && on[0] === label && box.innerText.includes(shown + ' · changed by ');
                    }""",
                    arg=[f"st-key-item-{slug}", STATUS_BUTTON[status], STATUS_SHOWN[status]], polling=50)

            await self.timed(action, lambda box=box, status=status: box.get_by_role(
                "radio", name=STATUS_BUTTON[status], exact=True).click(), shown,
                lambda status=status: self._expect_checklist(status_item, "status", status, count=True))

            note = f"{self.name} round {r + 1}: agreed at the table"
            field_ = page.locator(f".st-key-item-{note_item.replace('/', '-')}").get_by_placeholder("Note")
            await field_.fill(note)
            action = Action(self.name, "checklists", f"{note_item} note", note)
            await self.timed(action, lambda f=field_: f.press("Enter"), None,
                             lambda note=note: self._expect_checklist(note_item, "note", note, count=True))

    def _expect_checklist(self, item: str, fld: str, value: str, *, count: bool) -> None:
        """Record what the store must hold, once the server said 'Saved'."""
        with self.lock:
            self.result.expected_checklist[(item, fld)] = (self.name, value)
            if count:
                self.result.expected_changes[self.name] = self.result.expected_changes.get(self.name, 0) + 1

    async def assessment(self) -> None:
        page = self.page
        await page.locator(".st-key-mat_who input").wait_for()
        who = await page.locator(".st-key-mat_who input").input_value()
        if who != self.name:
            raise RuntimeError(f"assessment page answers as {who!r}, not {self.name!r}")
        from clusterdash.maturity import ANSWER_OPTIONS

        button = {o.code: o.label for o in ANSWER_OPTIONS}
        codes = list(button)
        k = self.plan.statements_per_round
        mine = [self.statements[(self.i * k + j) % len(self.statements)] for j in range(k)]
        for r in range(self.plan.rounds):
            if r and time.monotonic() > self.deadline:
                break
            for j, code in enumerate(mine):
                answer = codes[(self.i + r + j) % len(codes)]
                control = page.locator(f".st-key-mat-st-{code}")  # the statement (its answer key is versioned)
                action = Action(self.name, "assessment", code, answer)

                async def shown(code=code, answer=answer):
                    await page.wait_for_function(
                        """([cls, label]) => {
                            const b = document.querySelector(`.${cls} button[aria-checked="true"]`);
                            return b && b.innerText.trim() === label; }""",
                        arg=[f"st-key-mat-st-{code}", button[answer]], polling=50)

                def expect(code=code, answer=answer):
                    with self.lock:
                        self.result.expected_answers[(self.name, code)] = answer

                await self.timed(action, lambda c=control, a=answer: c.get_by_role(
                    "radio", name=button[a], exact=True).click(), shown, expect)


async def _run(base_url: str, workspace_id: str, assessment_id: str, plan: LoadPlan, slugs: dict[str, str],
               statements: list[str], artifacts: Path | None) -> LoadResult:
    result = LoadResult(plan, workspace_id, assessment_id)
    lock = threading.Lock()

    async def sessions(browser) -> None:
        t0 = time.monotonic()
        sessions = [Session(i, browser, base_url, result, slugs=slugs, statements=statements,
                            lock=lock, artifacts=artifacts) for i in range(plan.sessions)]
        gate = Gate(len(sessions))
        await asyncio.gather(*(s.run(gate) for s in sessions))
        t1 = time.monotonic()
        result.wall_s = t1 - t0
        result.ready_s = (gate.opened_at or t1) - t0
        result.answering_s = t1 - (gate.opened_at or t1)

    await with_browser(base_url, sessions)
    return result


def run_scenario(base_url: str, workspace_id: str, assessment_id: str, *, slugs: dict[str, str],
                 statements: list[str], plan: LoadPlan | None = None, artifacts: Path | None = None) -> LoadResult:
    """Run the scenario against the server at ``base_url`` (in a thread of its own, with its own
    event loop, so callers may already use Playwright's sync API). A session that fails leaves a
    screenshot ``load-failed-<name>.png`` in ``artifacts``."""
    plan = plan or LoadPlan()
    return run_in_thread(lambda: _run(base_url, workspace_id, assessment_id, plan, slugs, statements, artifacts),
                         "clusterdash-load")


def describe(result: LoadResult) -> str:
    return ", ".join(f"{k} {v}" for k, v in result.summary().items())
