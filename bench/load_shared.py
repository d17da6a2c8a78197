"""Load scenarios on SHARED rows: N concurrent browser sessions (Playwright contexts in one
Chromium) on ONE ClusterDash server, in ONE workspace, all editing the same tool at once. Only
loopback traffic. Used by ``tests/browser/test_load_shared.py``.

- ``toolkit``: the stakeholder analysis. Every session owns one stakeholder row of the same
  table and, round after round, sets its *assessment* and *influence* (segmented controls) and
  its *measure* (a text area) while the others edit theirs;
- ``maturity``: the assessment questionnaire. Every session answers under the SAME participant
  name (a group answering from several devices), each its own statements, round after round.

Within a round a session fires its clicks in a burst (the next as soon as the server said
"Saved", while the page is still being re-drawn), then edits a text and waits for the re-draw.

Each session's page is re-run from the store after each of its edits, so it takes in the other
sessions' changes as they arrive. That is the race clusterdash.ui.autosave guards against: a
page that has not yet rendered someone else's change sends its stale widget value back with its
next interaction; without versioned widget keys the server took that for an edit and saved the
stale value over the other person's.

What is checked afterwards:

- the store holds every session's last value of every field it owns, and nothing else changed;
- every session got exactly one "Saved" toast per edit it made (a stale value saved by a
  session is an extra save, so an extra toast, in that session). An edit the server refused
  with its message (clusterdash.ui.autosave refuses a value from a widget the page had already
  replaced) is made again, as a person would, and counted (``refused_and_made_again``); the
  verdict of an edit is its own field's: another field's refusal is not taken for it;
- after all sessions are done, each reloads its page and shows every session's last value.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import TimeoutError as PlaywrightTimeout

from bench.sessions import AFTER, SETTLED, WS_PROBE, BrowserSession, Gate, percentile, run_in_thread, with_browser

# the probe of bench/load.py, counting only toasts as saves (the toolkit pages say "Saved in
# workspace …" in their header, which a rerun sends again)
_SAVED_LINE = r"if (/\bSaved\b|Answer saved|Answer removed/.test(text)) probe.saved.push(t);"
assert _SAVED_LINE in WS_PROBE
PROBE = WS_PROBE.replace(_SAVED_LINE, 'if (text.includes("material/check_circle") && '
                                      r'/\bSaved\b|Answer saved|Answer removed/.test(text)) probe.saved.push(t);')

# what each stakeholder row / statement shows: its key, the checked buttons, the keyed elements in it
SHOWN_ROWS = """() => [...document.querySelectorAll('[class*="st-key-sh-row-"],[class*="st-key-mat-st-"]')]
    .map((r) => [r.className.match(/st-key-[^ ]+/)[0],
                 [...r.querySelectorAll('[role=radio][aria-checked=true],button[aria-checked=true]')].map((b) => b.innerText.trim()),
                 [...r.querySelectorAll('[class*="st-key-"]')].map((e) => e.className.match(/st-key-[^ ]+/)[0])])"""

# The server's answer to one edit of a field labelled ``label``: its "Saved" toast, or an error
# toast; not the refusal of ANOTHER field's click that came back from a widget the page had
# already replaced (clusterdash.ui.autosave: "<label>: not saved. It changed while …"), which
# belongs to that other field (and is counted there). ``label`` is the start of the field's own
# refusal as the page receives it (:func:`refusal_mark`).
VERDICT_OF = """([t0, label]) => {
    const p = window.__cdProbe; if (!p) return null;
    const s = p.saved.find((x) => x > t0);
    let r;
    for (let k = 0; k < p.refused.length; k++) {
        if (p.refused[k] <= t0) continue;
        const text = p.refusedText[k] || "";
        // a refusal says so; any other element with an error icon (the maturity page re-sends its
        // own, e.g. on the timer's reruns) is not an answer to this edit
        if (!/not saved|View only/.test(text)) continue;
        if (text.includes(": not saved") && !text.includes(label)) continue;
        r = p.refused[k]; break;
    }
    if (s === undefined && r === undefined) return null;
    return (r === undefined || (s !== undefined && s < r)) ? {kind: "saved", t: s} : {kind: "refused", t: r};
}"""

def refusal_mark(label: str) -> str:
    """How the autosave refusal of the field ``label`` starts on the wire (its label escaped as the
    toast escapes it), so that a refusal of another field of the same page is not taken for it."""
    from clusterdash.safe_text import plain
    from clusterdash.ui.autosave import STALE

    text = plain(STALE.format(label=plain(label) or "This field"))
    return text[:text.index("not saved")]


# why the page is not idle (bench.sessions.SETTLED): where its skeletons are, what the status widget says
UNSETTLED = """() => {
    const sk = [...document.querySelectorAll('[data-testid="stSkeleton"]')].map((e) => {
        const path = [];
        for (let p = e; p && path.length < 5; p = p.parentElement)
            path.push((p.getAttribute('data-testid') || '') + ([...p.classList].find((c) => c.startsWith('st-key-')) || ''));
        return path.join(' < '); });
    const w = document.querySelector('[data-testid="stStatusWidget"]');
    return {skeletons: sk.slice(0, 12), n_skeletons: sk.length, status: w ? w.innerText : null}; }"""

TOOLKIT, MATURITY = "toolkit", "maturity"
# An edit without any answer from the server (neither "Saved" nor a refusal) this long after it is
# "lost": NOT_SENT when the browser sent nothing after the click (the click met no widget: the
# page moved under the pointer while it was re-drawn), SENT when it sent a message the server
# never answered. Either way the person sees nothing saved and does it again; both are counted.
LOST_MS = 60_000
NOT_SENT, SENT = "the browser sent nothing after the click", "sent, and the server never answered"
OPENING_AT_ONCE = 3  # sessions loading their first page at the same time (10 at once overran 180 s on 2 busy cores)
ROOM = "Room"  # the participant every maturity session answers as


@dataclass
class SharedPlan:
    scenario: str = TOOLKIT
    sessions: int = 10
    rounds: int = 3
    statements_per_session: int = 2  # maturity
    time_limit_s: float = 45.0  # no new round starts this long after the sessions started editing
    think_ms: tuple[int, int] = (50, 300)
    # pause between the edits of a burst, spread over this range (session by session, round by
    # round): the next edit lands at different moments of the re-draw the first one started
    burst_gap_ms: tuple[int, int] = (0, 0)
    timeout_ms: int = 180_000  # one step of a session (10 sessions share 2 cores, and other work)


@dataclass
class Edit:
    session: str
    target: str  # "<row>|<field>" or a statement code
    value: str
    label: str = ""  # the field's label on the page (names it in a refusal)
    saved_ms: float | None = None
    rerun_ms: float | None = None
    error: str | None = None
    retried: bool = False  # refused with a message (or lost, below), and made again
    lost: str | None = None  # no answer from the server within LOST_MS: had the browser sent anything?


@dataclass
class SharedResult:
    plan: SharedPlan
    workspace_id: str
    assessment_id: str | None
    owned: dict[str, str]  # target -> the session that owns it
    labels: dict[str, str] = field(default_factory=dict)  # target -> its control's label (maturity: the statement)
    edits: list[Edit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    expected: dict[str, str] = field(default_factory=dict)  # target -> last value saved by its owner
    saved_toasts: dict[str, int] = field(default_factory=dict)  # session -> "Saved" toasts received
    rounds_done: dict[str, int] = field(default_factory=dict)
    trace: dict[str, list] = field(default_factory=dict)  # session -> [(ms, what)]: its edits and toasts
    views: dict[str, dict[str, str | None]] = field(default_factory=dict)  # session -> what it shows at the end
    wall_s: float = 0.0
    editing_s: float = 0.0

    def saved_edits(self, session: str) -> int:
        return sum(1 for e in self.edits if e.session == session and e.error is None)

    def summary(self) -> dict:
        s = [e.saved_ms for e in self.edits if e.saved_ms is not None]
        r = [e.rerun_ms for e in self.edits if e.rerun_ms is not None]
        return {
            "scenario": self.plan.scenario, "sessions": self.plan.sessions, "edits": len(self.edits),
            "failed_edits": sum(1 for e in self.edits if e.error and not e.retried),
            "refused_and_made_again": sum(1 for e in self.edits if e.retried and not e.lost),
            "lost_clicks_not_sent": sum(1 for e in self.edits if e.lost == NOT_SENT),
            "lost_clicks_sent": sum(1 for e in self.edits if e.lost == SENT), "values_expected": len(self.expected),
            "min_rounds": min(self.rounds_done.values(), default=0), "wall_s": round(self.wall_s, 1),
            "editing_s": round(self.editing_s, 1),
            "saved_ms_p50": round(percentile(s, 50), 0), "saved_ms_p95": round(percentile(s, 95), 0),
            "rerun_ms_p50": round(percentile(r, 50), 0), "rerun_ms_p95": round(percentile(r, 95), 0),
        }


def describe(result: SharedResult) -> str:
    return ", ".join(f"{k} {v}" for k, v in result.summary().items())


# ---- the store before and after --------------------------------------------------------------

def prepare_toolkit_store(db: Path, template: Path, sessions: int) -> tuple[str, list[str]]:
    """A workshop workspace with one stakeholder per session (neutral, medium, no measure)."""
    import shutil

    from clusterdash import queries
    from clusterdash.store import Store

    shutil.copy(template, db)
    store = Store(db)
    try:
        ws = queries.create_workspace(store, "Shared-edit load test", occasion=f"{sessions} sessions, one stakeholder table")
        ids = [queries.add_stakeholder(store, ws, f"Stakeholder {i:02d}") for i in range(sessions)]
        store.conn.execute("CHECKPOINT")
    finally:
        store.close()
    return ws, ids


def toolkit_state(store, workspace_id: str) -> dict[str, dict]:
    rows = store.rows("SELECT stakeholder_id, name, assessment, influence, description, measure FROM stakeholder "
                      "WHERE workspace_id = ?", [workspace_id])
    return {r["stakeholder_id"]: r for r in rows}


def maturity_answers(store, workspace_id: str, assessment_id: str) -> dict[tuple[str, str], str]:
    rows = store.rows("SELECT participant, statement_code, answer_code FROM assessment_answer "
                      "WHERE workspace_id = ? AND assessment_id = ?", [workspace_id, assessment_id])
    return {(r["participant"], r["statement_code"]): r["answer_code"] for r in rows}


def verify_store(store, result: SharedResult, stakeholder_names: dict[str, str] | None = None) -> list[str]:
    """Every owner's last value is stored; nothing nobody owns changed. Returns the problems."""
    problems: list[str] = []
    if result.plan.scenario == TOOLKIT:
        state = toolkit_state(store, result.workspace_id)
        for target, value in result.expected.items():
            sid, fld = target.split("|")
            got = state.get(sid, {}).get(fld)
            if got != value:
                problems.append(f"{target} (owned by {result.owned[target]}): expected {value!r}, store has {got!r}")
        for sid, r in state.items():
            if stakeholder_names and r["name"] != stakeholder_names.get(sid):
                problems.append(f"{sid} name changed to {r['name']!r}")
            if r["description"] is not None:
                problems.append(f"{sid} description nobody edited changed to {r['description']!r}")
            for fld, untouched in (("assessment", "neutral"), ("influence", "medium"), ("measure", None)):
                if f"{sid}|{fld}" not in result.expected and r[fld] != untouched:
                    problems.append(f"{sid} {fld} changed to {r[fld]!r} though no session saved it")
    else:
        answers = maturity_answers(store, result.workspace_id, result.assessment_id)
        for code, value in result.expected.items():
            if answers.get((ROOM, code)) != value:
                problems.append(f"{code} (owned by {result.owned[code]}): expected {value!r}, "
                                f"store has {answers.get((ROOM, code))!r}")
        extra = {k: v for k, v in answers.items() if k[0] != ROOM or k[1] not in result.expected}
        if extra:
            problems.append(f"answers nobody gave: {sorted(extra.items())[:5]}")
    return problems


# ---- the sessions -------------------------------------------------------------------------------

class SharedSession(BrowserSession):
    shot_prefix = "load-shared"

    def __init__(self, index: int, browser, base_url: str, result: SharedResult, targets: list[str],
                 lock: threading.Lock, artifacts: Path | None):
        super().__init__(index, browser, base_url, errors=result.errors, external=result.external_requests,
                         timeout_ms=result.plan.timeout_ms, artifacts=artifacts, lock=lock)
        self.result = result
        self.plan = result.plan
        self.targets = targets  # stakeholder ids (toolkit) or statement codes (maturity)
        self.deadline = float("inf")
        self.step = "starting"

    @property
    def path(self) -> str:
        r = self.result
        if self.plan.scenario == TOOLKIT:
            return f"/toolkit_stakeholders?ws={r.workspace_id}"
        return f"/assessment?ws={r.workspace_id}&a={r.assessment_id}"

    async def run(self, start: Gate, done: Gate, opening: asyncio.Semaphore) -> None:
        ready = False
        try:
            try:
                async with opening:  # a few first paints at a time (what is measured is the editing)
                    await self.start({"width": 1400, "height": 1000}, PROBE)
                    self.step = "open"
                    await self.open(self.path)
                    self.step = "name"
                    await self.set_name(self.name if self.plan.scenario == TOOLKIT else ROOM)
                ready = True
            except Exception as exc:  # recorded; the test fails on it
                await self.failed(exc)
            finally:
                start.arrive()
            try:
                if ready:
                    await start.wait()
                    self.deadline = time.monotonic() + self.plan.time_limit_s
                    await (self.stakeholders() if self.plan.scenario == TOOLKIT else self.answers())
                    probe = await self.page.evaluate("window.__cdProbe")
                    self.result.saved_toasts[self.name] = len(probe["saved"])
                    self.result.trace[self.name] += [(round(t), "saved toast") for t in probe["saved"]]
                    self.result.trace[self.name] += [(round(t), "run finished") for t in probe["finished"]]
            except Exception as exc:
                ready = False
                await self.failed(exc)
            finally:
                done.arrive()
            if ready:
                await done.wait()  # everyone has finished: what does this page show now?
                await self.look_at_everything()
        except Exception as exc:
            await self.failed(exc)
        finally:
            await self.close()

    async def after_failure(self) -> None:
        """Next to the screenshot: this session's trace, its probe and what each row shows."""
        probe = await self.page.evaluate("window.__cdProbe")
        rows = await self.page.evaluate(SHOWN_ROWS)
        unsettled = await self.page.evaluate(UNSETTLED)
        (self.artifacts / f"load-shared-failed-{self.name}.json").write_text(json.dumps(
            {"step": self.step, "trace": self.result.trace.get(self.name), "probe": probe, "rows": rows,
             "unsettled": unsettled}, indent=1))

    async def settle(self) -> None:
        self.step = f"settle after {self.step}"
        await super().settle()

    async def timed(self, edit: Edit, do, shown=None, *, burst: bool = False, attempts: int = 3) -> None:
        """Run ``do()``; wait for the server's verdict (a "Saved" or an error toast), record the
        expectation once saved. ``burst``: return at once, while the run that saved is still
        re-drawing the page (the next edit then comes from a page that has not yet rendered the
        others' changes: the stale-browser race). Otherwise wait for the end of that run and
        until ``shown()`` holds."""
        page = self.page
        self.step = f"edit {edit.target}"
        t0 = await page.evaluate("performance.now()")
        self.result.trace[self.name].append((round(t0), f"edit {edit.target}={edit.value}"))
        await do()
        self.step = f"edit {edit.target}: waiting for the server's answer"
        mark = refusal_mark(edit.label)
        try:
            verdict = await (await page.wait_for_function(VERDICT_OF, arg=[t0, mark], polling=20,
                                                          timeout=LOST_MS)).json_value()
        except PlaywrightTimeout:
            await self.settle()  # a slow answer may still come: only an edit still unanswered is lost
            verdict = await page.evaluate(VERDICT_OF, [t0, mark])
            if verdict is None:
                sent = await page.evaluate("(t0) => window.__cdProbe.sent.filter((t) => t > t0).length", t0)
                edit.lost = SENT if sent else NOT_SENT
                self.result.trace[self.name].append((round(t0), f"lost: {edit.lost}"))
                verdict = {"kind": "lost"}
        self.result.edits.append(edit)
        if verdict["kind"] == "lost":
            edit.error = f"no answer from the server ({edit.lost})"
            if attempts > 1 and not await self.already_shown(shown):
                edit.retried = True
                return await self.timed(Edit(edit.session, edit.target, edit.value, edit.label), do, shown, burst=burst,
                                        attempts=attempts - 1)
            return
        if verdict["kind"] != "saved":
            edit.error = "the server refused the edit (error toast)"
            await page.wait_for_function(AFTER, arg=["finished", verdict["t"]], polling=50)
            await self.settle()
            if await self.already_shown(shown):  # refused, yet the page shows the value: a real defect
                edit.error = "refused, yet the page shows the value"
                return
            if attempts > 1:  # as a person would: read the message, wait for the page, do it again
                edit.retried = True
                return await self.timed(Edit(edit.session, edit.target, edit.value, edit.label), do, shown, burst=burst,
                                        attempts=attempts - 1)
            return
        edit.saved_ms = verdict["t"] - t0
        with self.lock:
            self.result.expected[edit.target] = edit.value
        if burst:
            return
        self.step = f"edit {edit.target}: saved, waiting for the end of the run"
        finished = await (await page.wait_for_function(AFTER, arg=["finished", verdict["t"]], polling=50)).json_value()
        edit.rerun_ms = finished - t0
        if shown is not None:
            self.step = f"edit {edit.target}: saved, waiting for the page to show it"
            await shown()
        self.step = f"edit {edit.target}: shown, waiting for the page to be idle"
        await page.wait_for_function(SETTLED, polling=50)
        await page.wait_for_timeout(self.plan.think_ms[0] + (self.i * 37) % (self.plan.think_ms[1] - self.plan.think_ms[0]))

    async def already_shown(self, shown) -> bool:
        """Does the page show the edit's value already (then a second click would undo it)?"""
        if shown is None:
            return False
        try:
            await asyncio.wait_for(shown(), 2)
            return True
        except (asyncio.TimeoutError, PlaywrightTimeout):
            return False

    def gap(self, r: int) -> int:
        lo, hi = self.plan.burst_gap_ms
        return lo + ((self.i * 7919 + r * 104729) % (hi - lo + 1)) if hi > lo else lo

    # ---- toolkit: one stakeholder row each ------------------------------------------------------

    async def stakeholders(self) -> None:
        from clusterdash import fields

        page = self.page
        (sid,) = self.targets
        row = page.locator(f".st-key-sh-row-{sid}")
        for r in range(self.plan.rounds):
            if r and time.monotonic() > self.deadline:
                break
            value = ("critical", "positive")[(self.i + r) % 2]  # never the stored one: a click would clear it
            label = fields.value_label("assessment", value)

            async def checked(label=label):
                await page.wait_for_function(
                    """([cls, label]) => {
                        const on = [...document.querySelectorAll('.' + cls + ' [role=radio][aria-checked=true]')]
                            .map((b) => b.innerText.trim());
                        return on.includes(label); }""", arg=[f"st-key-sh-row-{sid}", label], polling=50)

            await self.timed(Edit(self.name, f"{sid}|assessment", value, "Assessment"),
                             lambda label=label: row.get_by_role("radio", name=label, exact=True).click(), checked, burst=True)
            level = ("high", "low")[(self.i + r) % 2]  # never the stored one
            await self.timed(Edit(self.name, f"{sid}|influence", level, "Influence"),
                             lambda level=level: row.get_by_role("radio", name=fields.value_label("influence", level), exact=True).click(),
                             lambda level=level: checked(fields.value_label("influence", level)), burst=True)

            text = f"{self.name} round {r + 1}: invite them to the steering committee"
            box = row.get_by_label("Measure")

            async def typed(box=box, text=text):
                await page.wait_for_function(
                    """([cls, text]) => [...document.querySelectorAll('.' + cls + ' textarea')]
                        .some((t) => t.value === text)""", arg=[f"st-key-sh-row-{sid}", text], polling=50)

            async def commit(box=box, text=text, r=r):
                await page.wait_for_timeout(self.gap(r))
                await box.fill(text)
                await box.press("Control+Enter")

            await self.timed(Edit(self.name, f"{sid}|measure", text, "Measure"), commit, typed)
            await checked()
            await checked(fields.value_label("influence", level))
            self.result.rounds_done[self.name] = r + 1

    # ---- maturity: one participant name, own statements each -------------------------------------

    async def answers(self) -> None:
        from clusterdash.maturity import ANSWER_OPTIONS

        page = self.page
        codes = [o.code for o in ANSWER_OPTIONS]
        label = {o.code: o.label for o in ANSWER_OPTIONS}
        for r in range(self.plan.rounds):
            if r and time.monotonic() > self.deadline:
                break
            checks = []
            for j, code in enumerate(self.targets):
                value = codes[(self.i + j + r) % len(codes)]  # a different answer each round
                control = page.locator(f".st-key-mat-st-{code}")

                async def shown(code=code, value=value):
                    await page.wait_for_function(
                        """([cls, label]) => {
                            const b = document.querySelector(`.${cls} button[aria-checked="true"]`);
                            return b && b.innerText.trim() === label; }""",
                        arg=[f"st-key-mat-st-{code}", label[value]], polling=50)

                last = j == len(self.targets) - 1  # the others in a burst, while the page re-draws
                await self.timed(Edit(self.name, code, value, self.result.labels.get(code, "")),
                                 lambda c=control, v=value: c.get_by_role("radio", name=label[v], exact=True).click(),
                                 shown, burst=not last)
                checks.append(shown)
            for shown in checks:
                await shown()
            self.result.rounds_done[self.name] = r + 1

    # ---- afterwards: the page shows everyone's last values --------------------------------------------

    async def look_at_everything(self) -> None:
        """Reload, wait until every owned field is on the page, and read what it shows."""
        self.step = "reload"
        page = self.page
        await page.reload()
        await self.settle()
        if self.plan.scenario == TOOLKIT:
            read = """(n) => {
                const out = {};
                for (const row of document.querySelectorAll('[class*="st-key-sh-row-"]')) {
                    const cls = [...row.classList].find((c) => c.startsWith('st-key-sh-row-'));
                    const sid = cls.slice('st-key-sh-row-'.length);
                    const on = [...row.querySelectorAll('[role=radio][aria-checked=true]')].map((b) => b.innerText.trim());
                    const areas = [...row.querySelectorAll('textarea')];
                    if (areas.length < 2) return null;  // still rendering
                    out[sid + '|assessment'] = on.find((t) => ['Positive', 'Neutral', 'Critical'].includes(t)) || null;
                    out[sid + '|influence'] = on.find((t) => ['High', 'Medium', 'Low'].includes(t)) || null;
                    out[sid + '|measure'] = areas[1].value || null;
                }
                return Object.keys(out).length >= n ? out : null; }"""
        else:
            read = """([codes, n]) => {
                const out = {};
                for (const code of codes) {
                    const box = document.querySelector(`.st-key-mat-st-${code}`);
                    if (!box || !box.querySelector('button')) return null;  // still rendering
                    const b = box.querySelector('button[aria-checked="true"]');
                    out[code] = b ? b.innerText.trim() : null;
                }
                return out; }"""
        arg = 3 * self.plan.sessions if self.plan.scenario == TOOLKIT else [list(self.result.owned), 0]
        await page.wait_for_function(read, arg=arg, polling=200)
        await self.settle()
        self.result.views[self.name] = await (await page.wait_for_function(read, arg=arg, polling=200)).json_value()


async def _run(base_url: str, result: SharedResult, per_session: list[list[str]], artifacts: Path | None) -> None:
    lock = threading.Lock()

    async def sessions(browser) -> None:
        t0 = time.monotonic()
        sessions = [SharedSession(i, browser, base_url, result, targets, lock, artifacts)
                    for i, targets in enumerate(per_session)]
        for s in sessions:
            result.trace[s.name] = []
        start, done = Gate(len(sessions)), Gate(len(sessions))
        opening = asyncio.Semaphore(OPENING_AT_ONCE)
        await asyncio.gather(*(s.run(start, done, opening) for s in sessions))
        t1 = time.monotonic()
        result.wall_s = t1 - t0
        result.editing_s = (done.opened_at or t1) - (start.opened_at or t1)

    await with_browser(base_url, sessions)


def run_scenario(base_url: str, plan: SharedPlan, *, workspace_id: str, targets: list[str],
                 assessment_id: str | None = None, artifacts: Path | None = None,
                 labels: dict[str, str] | None = None) -> SharedResult:
    """Run one scenario against the server at ``base_url`` (in a thread with its own event loop).
    ``targets``: the stakeholder ids (toolkit, one per session) or the statement codes (maturity,
    ``plan.statements_per_session`` per session); ``labels``: the statements' texts (maturity), which
    name a statement in the page's refusals."""
    if plan.scenario == TOOLKIT:
        per_session = [[targets[i]] for i in range(plan.sessions)]
        owned = {f"{t}|{f}": f"P{i:02d}" for i, (t,) in enumerate(per_session)
                 for f in ("assessment", "influence", "measure")}
    else:
        k = plan.statements_per_session
        per_session = [targets[i * k:(i + 1) * k] for i in range(plan.sessions)]
        if any(len(p) < k for p in per_session):
            raise ValueError("not enough statements for every session")
        owned = {c: f"P{i:02d}" for i, p in enumerate(per_session) for c in p}
    result = SharedResult(plan, workspace_id, assessment_id, owned, labels=dict(labels or {}))
    run_in_thread(lambda: _run(base_url, result, per_session, artifacts), "clusterdash-load-shared")
    return result
