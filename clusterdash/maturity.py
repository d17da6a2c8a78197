"""Maturity-stage assessment: scoring, the assigned stage and why, consistency checks, workshop
aggregation, comparison and what to recommend. Pure Python (pandas), no Streamlit.

The questionnaire (kb_assessment_statement) holds observable statements, each tied to one of
the guide's four maturity stages. The method, also shown on the page (:func:`method_markdown`):

* Answers: not true = 0, partly true = 1/3, largely true = 2/3, fully true = 1; "don't know"
  is left out. With several participants a statement's score is the mean of their scores.
* A stage's fulfilment is the mean score of its answered statements; its coverage is the share
  of its statements that have a score.
* A stage is reached when its fulfilment is at least :data:`REACHED_AT`, at least
  :data:`MIN_COVERAGE` of its statements have a score, and every earlier stage is reached (the
  gating rule: a later stage counts only when the earlier ones are substantially met).
* The assigned stage is the last stage reached; none reached = "before initiation".
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from statistics import fmean, pstdev
from typing import Iterable, Mapping, Sequence

import pandas as pd

from clusterdash import fields, frames
from clusterdash.errors import UserError


def stage_names() -> dict[str, str]:
    """``{stage_code: stage_name}`` of the four maturity stages in model order, from the knowledge
    base: ``data/knowledge/maturity_stage.csv``, the file ``kb_maturity_stage`` is loaded from,
    read once (through the field registry's values of ``stage_code``). Code that has a store may
    read ``kb_maturity_stage`` instead; the names are the same."""
    return fields.value_labels("stage_code")


STAGES: tuple[str, ...] = fields.codes("stage_code")
NO_STAGE_NAME = "Before initiation"  # an assessment that reaches no stage
UNKNOWN_STAGE_NAME = "Stage unknown"  # an initiative whose stage nobody gave (stage_code NULL)

# Colour of each maturity stage (None = stage unknown), used on every page and chart; the names are
# stage_names() / stage_name(code) (UNKNOWN_STAGE_NAME for an initiative without a stage).
STAGE_COLORS = {
    "initiation": "#9ecae1",
    "establishment": "#4292c6",
    "operationalisation": "#08519c",
    "transformation": "#e6550d",
    None: "#9e9e9e",
}

REACHED_AT = 0.6  # a stage is reached at 60 % fulfilment ...
MIN_COVERAGE = 0.5  # ... when at least half of its statements have a score
STRONG_AT = 2 / 3  # consistency checks: "largely true" or more on average ...
WEAK_AT = 1 / 3  # ... against "partly true" or less
DONT_KNOW_WARNING_SHARE = 0.25  # warn when more than a quarter of the answers given are "don't know"
N_DRIVERS = 3  # strongest / weakest statements shown as the reasons

GUIDE_SOURCE = "004_8de2c7bdefb2b6f4.txt (Cluster Development Guide) § PART 2 Maturity Stages in Cluster Development"


@dataclass(frozen=True)
class AnswerOption:
    code: str
    label: str
    score: float | None  # None: left out of the scores


ANSWER_OPTIONS: tuple[AnswerOption, ...] = (
    AnswerOption("not_true", "Not true", 0.0),
    AnswerOption("partly", "Partly true", 1 / 3),
    AnswerOption("largely", "Largely true", 2 / 3),
    AnswerOption("fully", "Fully true", 1.0),
    AnswerOption("dont_know", "Don't know", None),
)
ANSWER_CODES: tuple[str, ...] = tuple(o.code for o in ANSWER_OPTIONS)
_OPTION = {o.code: o for o in ANSWER_OPTIONS}

# The workshop room (assessment.is_open, is_revealed): what participants and the projector are told.
ANSWERING_CLOSED = ("Answering is closed: the facilitator has closed this assessment; answers can no longer be "
                    "given or changed.")
RESULTS_HIDDEN = "The room's results are hidden until the facilitator reveals them."


# ---- validation of what is saved (assessments and answers) ------------------------------------

MAX_ASSESSMENT_LABEL_CHARS = 200


def clean_assessment_date(assessed_on) -> _dt.date:
    """The date of an assessment (a date, a datetime or 'YYYY-MM-DD'). Raises UserError."""
    if isinstance(assessed_on, _dt.datetime):
        return assessed_on.date()
    if isinstance(assessed_on, _dt.date):
        return assessed_on
    try:
        return _dt.date.fromisoformat(str(assessed_on).strip())
    except ValueError:
        raise UserError(f"Field assessed_on: {assessed_on!r} is not a date (YYYY-MM-DD).") from None


def clean_assessment_label(label: str | None) -> str | None:
    """An assessment's optional label, trimmed (empty = none). Raises UserError when too long."""
    label = (label or "").strip() or None
    if label and len(label) > MAX_ASSESSMENT_LABEL_CHARS:
        raise UserError(f"Field label: at most {MAX_ASSESSMENT_LABEL_CHARS} characters.")
    return label


def clean_answer_code(answer_code: str | None) -> str | None:
    """One of :data:`ANSWER_CODES`, or None (no answer). Raises UserError."""
    if answer_code is not None and answer_code not in ANSWER_CODES:
        raise UserError(f"Field answer_code: {answer_code!r} is not one of {', '.join(ANSWER_CODES)}.")
    return answer_code


def answer_score(answer_code: str) -> float | None:
    """The score of an answer (None for "don't know"). Raises ValueError for an unknown code."""
    try:
        return _OPTION[answer_code].score
    except KeyError:
        raise ValueError(f"unknown answer {answer_code!r}; expected one of {', '.join(ANSWER_CODES)}") from None


def answer_label(answer_code: str | None) -> str:
    if answer_code is None:
        return ""
    return _OPTION[answer_code].label


def stage_name(stage_code: str | None) -> str:
    return stage_names().get(stage_code, NO_STAGE_NAME) if stage_code else NO_STAGE_NAME


def next_stage(stage_code: str | None) -> str | None:
    if stage_code is None:
        return STAGES[0]
    i = STAGES.index(stage_code)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


def pct(x: float | None) -> str:
    return "–" if x is None else f"{round(x * 100)} %"


# ---- the questionnaire ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    statement_code: str
    stage_code: str
    dimension_code: str
    seq: int
    statement: str
    source: str = ""
    basis: str = ""


@dataclass(frozen=True)
class Dimension:
    dimension_code: str
    dimension_order: int
    dimension_name: str


@dataclass(frozen=True)
class Check:
    check_code: str
    title: str
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    explanation: str
    source: str = ""


@dataclass(frozen=True)
class Questionnaire:
    statements: tuple[Statement, ...]
    dimensions: tuple[Dimension, ...]
    checks: tuple[Check, ...] = ()

    @classmethod
    def from_frames(cls, statements: pd.DataFrame, dimensions: pd.DataFrame,
                    checks: pd.DataFrame | None = None) -> "Questionnaire":
        sts = tuple(
            Statement(r.statement_code, r.stage_code, r.dimension_code, int(r.seq), r.statement,
                      getattr(r, "source", "") or "", getattr(r, "basis", "") or "")
            for r in statements.sort_values("seq").itertuples()
        )
        dims = tuple(
            Dimension(r.dimension_code, int(r.dimension_order), r.dimension_name)
            for r in dimensions.sort_values("dimension_order").itertuples()
        )
        chks: tuple[Check, ...] = ()
        if checks is not None:
            chks = tuple(
                Check(r.check_code, r.title, _codes(r.strong_statements), _codes(r.weak_statements),
                      r.explanation, getattr(r, "source", "") or "")
                for r in checks.itertuples()
            )
        return cls(sts, dims, chks)

    def statement(self, code: str) -> Statement:
        for s in self.statements:
            if s.statement_code == code:
                return s
        raise KeyError(code)

    def of_stage(self, stage_code: str) -> list[Statement]:
        return [s for s in self.statements if s.stage_code == stage_code]

    def of_dimension(self, dimension_code: str) -> list[Statement]:
        return [s for s in self.statements if s.dimension_code == dimension_code]

    @property
    def codes(self) -> set[str]:
        return {s.statement_code for s in self.statements}

    def dimension_name(self, code: str) -> str:
        for d in self.dimensions:
            if d.dimension_code == code:
                return d.dimension_name
        return code


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in str(text).split(";") if c.strip())


# ---- answers -> statement scores --------------------------------------------------------------------

@dataclass(frozen=True)
class StatementScore:
    """The answers to one statement: the individual scores (don't knows left out) and their summary."""

    statement_code: str
    scores: tuple[float, ...] = ()
    n_dont_know: int = 0

    @property
    def n_scored(self) -> int:
        return len(self.scores)

    @property
    def score(self) -> float | None:
        return fmean(self.scores) if self.scores else None

    @property
    def std(self) -> float | None:
        """Population standard deviation of the participants' scores (the room's spread)."""
        return pstdev(self.scores) if len(self.scores) >= 2 else None

    @property
    def low(self) -> float | None:
        return min(self.scores) if self.scores else None

    @property
    def high(self) -> float | None:
        return max(self.scores) if self.scores else None

    @property
    def spread(self) -> float | None:
        return (self.high - self.low) if len(self.scores) >= 2 else None


def aggregate_answers(answers: pd.DataFrame | Iterable[Mapping]) -> dict[str, StatementScore]:
    """Statement scores from answer rows (``statement_code``, ``answer_code``, any participant):
    one participant gives their own scores, several give the mean per statement."""
    rows = answers.to_dict("records") if isinstance(answers, pd.DataFrame) else list(answers)
    scores: dict[str, list[float]] = {}
    dont_know: dict[str, int] = {}
    for r in rows:
        code = r["statement_code"]
        s = answer_score(r["answer_code"])
        scores.setdefault(code, [])
        dont_know.setdefault(code, 0)
        if s is None:
            dont_know[code] += 1
        else:
            scores[code].append(s)
    return {c: StatementScore(c, tuple(scores[c]), dont_know[c]) for c in scores}


def scores_from_codes(answer_codes: Mapping[str, str]) -> dict[str, StatementScore]:
    """Statement scores of one participant: ``{statement_code: answer_code}``."""
    return aggregate_answers([{"statement_code": c, "answer_code": a} for c, a in answer_codes.items()])


# ---- the result --------------------------------------------------------------------------------------

REACHED = "reached"
BELOW_THRESHOLD = "below_threshold"
TOO_FEW_ANSWERS = "too_few_answers"
BLOCKED = "blocked"  # met on its own, but an earlier stage is not reached

@dataclass(frozen=True)
class StageResult:
    stage_code: str
    total: int
    answered: int  # statements with a score
    dont_know: int  # statements answered only with "don't know"
    fulfilment: float | None
    status: str

    @property
    def coverage(self) -> float:
        return self.answered / self.total if self.total else 0.0

    @property
    def reached(self) -> bool:
        return self.status == REACHED

    @property
    def stage_name(self) -> str:
        return stage_name(self.stage_code)


@dataclass(frozen=True)
class DimensionResult:
    dimension_code: str
    dimension_name: str
    score: float | None
    answered: int
    total: int


@dataclass(frozen=True)
class Driver:
    """A statement that drove the result: a strength of the assigned stage or a gap of the next."""

    statement_code: str
    statement: str
    stage_code: str
    score: float | None
    kind: str  # strength, gap or unknown
    source: str = ""


@dataclass(frozen=True)
class Flag:
    check_code: str
    title: str
    explanation: str
    source: str
    strong_score: float
    weak_score: float
    strong_statements: tuple[str, ...]
    weak_statements: tuple[str, ...]


@dataclass
class AssessmentResult:
    stages: list[StageResult]
    stage_code: str | None
    dimensions: list[DimensionResult]
    strengths: list[Driver]
    gaps: list[Driver]
    unknowns: list[Driver]
    flags: list[Flag]
    reasons: list[str]
    warnings: list[str]
    statement_scores: dict[str, StatementScore] = field(default_factory=dict)
    n_statements: int = 0
    n_answers: int = 0  # individual answers given, don't knows included
    n_dont_know_answers: int = 0

    @property
    def next_stage_code(self) -> str | None:
        return next_stage(self.stage_code)

    @property
    def stage_name(self) -> str:
        return stage_name(self.stage_code)

    @property
    def stage_order(self) -> int:
        """0 before initiation, 1 initiation ... 4 transformation."""
        return STAGES.index(self.stage_code) + 1 if self.stage_code else 0

    @property
    def n_scored_statements(self) -> int:
        return sum(1 for s in self.statement_scores.values() if s.score is not None)

    def stage(self, stage_code: str) -> StageResult:
        for s in self.stages:
            if s.stage_code == stage_code:
                return s
        raise KeyError(stage_code)

    def score(self, statement_code: str) -> float | None:
        s = self.statement_scores.get(statement_code)
        return None if s is None else s.score

    def stages_frame(self) -> pd.DataFrame:
        """Per-stage fulfilment as shown (and exported)."""
        return pd.DataFrame(
            [
                {
                    "stage_code": s.stage_code,
                    "stage": s.stage_name,
                    "fulfilment_pct": None if s.fulfilment is None else round(s.fulfilment * 100, 1),
                    "statements_answered": s.answered,
                    "statements_total": s.total,
                    "coverage_pct": round(s.coverage * 100, 1),
                    "status": fields.value_label("stage_status", s.status),
                    "is_assigned": s.stage_code == self.stage_code,
                }
                for s in self.stages
            ]
        ).astype({"fulfilment_pct": "Float64"})

    def dimensions_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "dimension_code": d.dimension_code,
                    "dimension": d.dimension_name,
                    "score_pct": None if d.score is None else round(d.score * 100, 1),
                    "statements_answered": d.answered,
                    "statements_total": d.total,
                }
                for d in self.dimensions
            ]
        ).astype({"score_pct": "Float64"})


def assess(q: Questionnaire, scores: Mapping[str, StatementScore]) -> AssessmentResult:
    """Score an assessment: per-stage fulfilment, the assigned stage under the gating rule, the
    reasons, consistency flags and coverage warnings. ``scores`` from :func:`aggregate_answers`;
    statements not in it count as unanswered; codes not in the questionnaire are ignored."""
    scores = {c: s for c, s in scores.items() if c in q.codes}

    def score_of(code: str) -> float | None:
        s = scores.get(code)
        return None if s is None else s.score

    # per-stage fulfilment and the gating rule
    stages: list[StageResult] = []
    chain_intact = True
    for st in STAGES:
        sts = q.of_stage(st)
        vals = [v for v in (score_of(s.statement_code) for s in sts) if v is not None]
        dk = sum(1 for s in sts if s.statement_code in scores and scores[s.statement_code].score is None)
        fulfilment = fmean(vals) if vals else None
        coverage = len(vals) / len(sts) if sts else 0.0
        if not sts or coverage < MIN_COVERAGE:
            status = TOO_FEW_ANSWERS
        elif fulfilment < REACHED_AT:
            status = BELOW_THRESHOLD
        elif not chain_intact:
            status = BLOCKED
        else:
            status = REACHED
        if status != REACHED:
            chain_intact = False
        stages.append(StageResult(st, len(sts), len(vals), dk, fulfilment, status))
    reached = [s.stage_code for s in stages if s.status == REACHED]
    assigned = reached[-1] if reached else None

    # dimensions (the radar)
    dims = []
    for d in q.dimensions:
        sts = q.of_dimension(d.dimension_code)
        vals = [v for v in (score_of(s.statement_code) for s in sts) if v is not None]
        dims.append(DimensionResult(d.dimension_code, d.dimension_name, fmean(vals) if vals else None, len(vals), len(sts)))

    # the answers that drove the result: strengths of the assigned stage, gaps of the next one
    def driver(s: Statement, kind: str) -> Driver:
        return Driver(s.statement_code, s.statement, s.stage_code, score_of(s.statement_code), kind, s.source)

    strengths: list[Driver] = []
    if assigned:
        scored = [s for s in q.of_stage(assigned) if score_of(s.statement_code) is not None]
        scored.sort(key=lambda s: (-score_of(s.statement_code), s.seq))
        strengths = [driver(s, "strength") for s in scored[:N_DRIVERS]]
    decisive = next_stage(assigned) or assigned
    gaps: list[Driver] = []
    unknowns: list[Driver] = []
    if decisive:
        scored = [s for s in q.of_stage(decisive) if score_of(s.statement_code) is not None]
        scored = [s for s in scored if score_of(s.statement_code) < 1.0]
        scored.sort(key=lambda s: (score_of(s.statement_code), s.seq))
        gaps = [driver(s, "gap") for s in scored[:N_DRIVERS]]
        unknowns = [driver(s, "unknown") for s in q.of_stage(decisive) if score_of(s.statement_code) is None]

    flags = run_checks(q, score_of)
    n_answers = sum(s.n_scored + s.n_dont_know for s in scores.values())
    n_dk = sum(s.n_dont_know for s in scores.values())
    return AssessmentResult(
        stages=stages,
        stage_code=assigned,
        dimensions=dims,
        strengths=strengths,
        gaps=gaps,
        unknowns=unknowns,
        flags=flags,
        reasons=_reasons(stages, assigned),
        warnings=_warnings(q, stages, scores, n_answers, n_dk),
        statement_scores=scores,
        n_statements=len(q.statements),
        n_answers=n_answers,
        n_dont_know_answers=n_dk,
    )


def run_checks(q: Questionnaire, score_of) -> list[Flag]:
    """Flag a check when its strong statements score at least STRONG_AT on average and its weak
    ones at most WEAK_AT (each side needs at least one scored statement)."""
    flags = []
    for c in q.checks:
        strong = [v for v in (score_of(code) for code in c.strong) if v is not None]
        weak = [v for v in (score_of(code) for code in c.weak) if v is not None]
        if not strong or not weak:
            continue
        s, w = fmean(strong), fmean(weak)
        if s >= STRONG_AT - 1e-9 and w <= WEAK_AT + 1e-9:
            flags.append(Flag(c.check_code, c.title, c.explanation, c.source, s, w, c.strong, c.weak))
    return flags


def _reasons(stages: list[StageResult], assigned: str | None) -> list[str]:
    out = []
    first_missing: StageResult | None = None
    for s in stages:
        if s.status == REACHED:
            out.append(f"{s.stage_name} reached: {pct(s.fulfilment)} fulfilled "
                       f"({s.answered} of {s.total} statements answered).")
        elif s.status == BELOW_THRESHOLD:
            out.append(f"{s.stage_name} not reached: {pct(s.fulfilment)} fulfilled, below the "
                       f"{pct(REACHED_AT)} needed.")
        elif s.status == TOO_FEW_ANSWERS:
            need = math.ceil(s.total * MIN_COVERAGE)
            out.append(f"{s.stage_name} cannot be judged: {s.answered} of {s.total} statements have an answer "
                       f"other than “don't know” ({need} needed).")
        else:
            out.append(f"{s.stage_name} statements are {pct(s.fulfilment)} fulfilled, but the stage does not "
                       f"count while {first_missing.stage_name.lower()} is not reached.")
        if s.status != REACHED and first_missing is None:
            first_missing = s
    if assigned:
        out.insert(0, f"Assigned stage: {stage_name(assigned)} — the last stage reached with every earlier stage reached.")
    else:
        out.insert(0, "No stage reached yet: the initiation stage is not substantially met.")
    return out


def _warnings(q: Questionnaire, stages: list[StageResult], scores: Mapping[str, StatementScore],
              n_answers: int, n_dk: int) -> list[str]:
    out = []
    if not scores:
        return ["No answers yet."]
    answered = sum(1 for s in scores.values() if s.score is not None)
    if answered < len(q.statements) * MIN_COVERAGE:
        out.append(f"Only {answered} of {len(q.statements)} statements have a score so far: the result is provisional.")
    if n_answers and n_dk / n_answers > DONT_KNOW_WARNING_SHARE:
        out.append(f"{n_dk} of {n_answers} answers are “don't know”: the result rests on fewer statements than it seems.")
    low = [s.stage_name for s in stages if s.status == TOO_FEW_ANSWERS and s.answered + s.dont_know > 0]
    if low:
        out.append("Too few answers to judge: " + ", ".join(low) + ".")
    return out


# ---- the method, as shown on the page ---------------------------------------------------------------

def method_markdown() -> str:
    scale = ", ".join(
        f"{o.label.lower()} = {fraction(o.score)}" for o in ANSWER_OPTIONS if o.score is not None
    )
    return (
        f"**Answers.** {scale}; *don't know* is left out of every score. With several participants, a "
        f"statement's score is the mean of their scores.\n\n"
        f"**Fulfilment of a stage** = mean score of its statements that have a score. **Coverage** = share of "
        f"its statements that have a score.\n\n"
        f"**A stage is reached** when its fulfilment is at least **{pct(REACHED_AT)}**, at least "
        f"**{pct(MIN_COVERAGE)}** of its statements have a score, **and every earlier stage is reached**: a "
        f"later stage counts only when the earlier ones are substantially met (strong transformation answers "
        f"do not make up for a weak initiation). The **assigned stage** is the last stage reached; if "
        f"initiation is not reached the result is *{NO_STAGE_NAME.lower()}*.\n\n"
        f"**Why.** The strongest statements of the assigned stage and the weakest of the next stage are shown "
        f"as the answers that drove the result.\n\n"
        f"**Consistency checks** flag combinations the guide's sequence of stages contradicts: the check's "
        f"first statements score at least {fraction(STRONG_AT)} (largely true) on average while the second "
        f"score at most {fraction(WEAK_AT)} (partly true).\n\n"
        f"**Coverage warnings** appear when fewer than {pct(MIN_COVERAGE)} of all statements have a score or "
        f"more than {pct(DONT_KNOW_WARNING_SHARE)} of the answers are *don't know*.\n\n"
        f"**Dimensions** (the radar) = mean score of the dimension's statements across all stages.\n\n"
        f"The statements are derived from the guide's four-stage overview, key actions, key questions, "
        f"prerequisites and obstacles; each cites its section. The guide gives no scoring formula: the "
        f"thresholds are ClusterDash's and are the same for every assessment. The transformation stage "
        f"has only its four overview characteristics in the guide."
    )


def fraction(x: float) -> str:
    for text, v in (("0", 0.0), ("1/3", 1 / 3), ("2/3", 2 / 3), ("1", 1.0)):
        if abs(x - v) < 1e-9:
            return text
    return f"{x:.2f}"


# ---- workshop: spread and disagreement ----------------------------------------------------------------

def spread_frame(q: Questionnaire, scores: Mapping[str, StatementScore]) -> pd.DataFrame:
    """One row per statement: how many scored it, don't knows, mean, spread (population standard
    deviation, lowest, highest, range). Scores 0-1."""
    rows = []
    for s in q.statements:
        sc = scores.get(s.statement_code) or StatementScore(s.statement_code)
        rows.append(
            {
                "statement_code": s.statement_code,
                "stage": stage_name(s.stage_code),
                "dimension": q.dimension_name(s.dimension_code),
                "statement": s.statement,
                "n_scored": sc.n_scored,
                "n_dont_know": sc.n_dont_know,
                "mean_score": _r(sc.score),
                "std_score": _r(sc.std),
                "min_score": _r(sc.low),
                "max_score": _r(sc.high),
                "range_score": _r(sc.spread),
            }
        )
    df = pd.DataFrame(rows)
    for c in ("mean_score", "std_score", "min_score", "max_score", "range_score"):
        df[c] = df[c].astype("Float64")
    return df


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(x, nd)


def disagreements(spread: pd.DataFrame, top: int = 5, min_answers: int = 2) -> pd.DataFrame:
    """The statements where the room disagrees most: largest standard deviation (then range),
    among statements scored by at least ``min_answers`` participants, with some disagreement."""
    df = spread[(spread["n_scored"] >= min_answers) & (spread["std_score"].fillna(0) > 0)]
    return df.sort_values(["std_score", "range_score", "statement_code"], ascending=[False, False, True]).head(top)


def participant_results(q: Questionnaire, answers: pd.DataFrame) -> dict[str, AssessmentResult]:
    """Each participant's own result (answers with a ``participant`` column)."""
    out = {}
    for name, part in answers.groupby("participant", sort=True):
        out[name] = assess(q, aggregate_answers(part))
    return out


def participants_frame(results: Mapping[str, AssessmentResult]) -> pd.DataFrame:
    rows = []
    for name, r in results.items():
        row = {"participant": name, "answers": r.n_answers, "dont_know_answers": r.n_dont_know_answers,
               "stage": r.stage_name}
        for s in r.stages:
            row[f"{s.stage_code}_pct"] = None if s.fulfilment is None else round(s.fulfilment * 100, 1)
        rows.append(row)
    cols = ["participant", "answers", "dont_know_answers", "stage"] + [f"{s}_pct" for s in STAGES]
    df = pd.DataFrame(rows, columns=cols)
    for s in STAGES:
        df[f"{s}_pct"] = df[f"{s}_pct"].astype("Float64")
    return df


# ---- answers table ----------------------------------------------------------------------------------

def answers_frame(q: Questionnaire, answers: pd.DataFrame) -> pd.DataFrame:
    """Answer rows as shown and exported: statement, stage, dimension, participant, answer, score."""
    order = {s.statement_code: s.seq for s in q.statements}
    rows = []
    for r in answers.to_dict("records"):
        if r["statement_code"] not in order:
            continue
        s = q.statement(r["statement_code"])
        rows.append(
            {
                "statement_code": s.statement_code,
                "stage": stage_name(s.stage_code),
                "dimension": q.dimension_name(s.dimension_code),
                "statement": s.statement,
                "participant": r["participant"],
                "answer": answer_label(r["answer_code"]),
                "score": _r(answer_score(r["answer_code"])),
                "answered_at": r.get("answered_at"),
            }
        )
    cols = ["statement_code", "stage", "dimension", "statement", "participant", "answer", "score", "answered_at"]
    df = pd.DataFrame(rows, columns=cols)
    df["score"] = df["score"].astype("Float64")
    if len(df):
        df["_o"] = df["statement_code"].map(order)
        df = df.sort_values(["_o", "participant"]).drop(columns="_o").reset_index(drop=True)
    return df


def statements_result_frame(q: Questionnaire, result: AssessmentResult) -> pd.DataFrame:
    """Every statement with its (mean) score, as exported with the results."""
    rows = []
    for s in q.statements:
        sc = result.statement_scores.get(s.statement_code)
        rows.append(
            {
                "statement_code": s.statement_code,
                "stage": stage_name(s.stage_code),
                "dimension": q.dimension_name(s.dimension_code),
                "statement": s.statement,
                "score": _r(sc.score) if sc else None,
                "n_scored": sc.n_scored if sc else 0,
                "n_dont_know": sc.n_dont_know if sc else 0,
                "source": s.source,
            }
        )
    df = pd.DataFrame(rows)
    df["score"] = df["score"].astype("Float64")
    return df


# ---- history and comparison ----------------------------------------------------------------------------

def trend_frame(items: Sequence[tuple[Mapping, AssessmentResult]]) -> pd.DataFrame:
    """Long table for the trend chart: one row per assessment and stage. ``items`` are
    (assessment row with assessment_id, assessed_on, label; its result), any order."""
    rows = []
    for a, r in items:
        for s in r.stages:
            rows.append(
                {
                    "assessment_id": a["assessment_id"],
                    "assessed_on": pd.Timestamp(a["assessed_on"]).date(),
                    "label": a.get("label") or "",
                    "stage_code": s.stage_code,
                    "stage": s.stage_name,
                    "fulfilment_pct": None if s.fulfilment is None else round(s.fulfilment * 100, 1),
                    "assigned_stage": r.stage_name,
                    "assigned_stage_order": r.stage_order,
                }
            )
    cols = ["assessment_id", "assessed_on", "label", "stage_code", "stage", "fulfilment_pct",
            "assigned_stage", "assigned_stage_order"]
    df = pd.DataFrame(rows, columns=cols)
    df["fulfilment_pct"] = df["fulfilment_pct"].astype("Float64")
    return df.sort_values(["assessed_on", "assessment_id", "stage_code"],
                          key=lambda c: c.map(STAGES.index) if c.name == "stage_code" else c).reset_index(drop=True)


@dataclass
class Comparison:
    stages: pd.DataFrame
    dimensions: pd.DataFrame
    statements: pd.DataFrame


def compare(q: Questionnaire, a: AssessmentResult, b: AssessmentResult) -> Comparison:
    """Two assessments side by side: per stage, per dimension and per statement (B − A, in
    percentage points for stages and dimensions, score for statements; statements sorted by
    the size of the change)."""
    def p(x):
        return None if x is None else round(x * 100, 1)

    stages = pd.DataFrame(
        [
            {"stage": sa.stage_name, "a_fulfilment_pct": p(sa.fulfilment), "a_status": fields.value_label("stage_status", sa.status),
             "b_fulfilment_pct": p(sb.fulfilment), "b_status": fields.value_label("stage_status", sb.status),
             "change_pct_points": None if sa.fulfilment is None or sb.fulfilment is None
             else round((sb.fulfilment - sa.fulfilment) * 100, 1)}
            for sa, sb in zip(a.stages, b.stages)
        ]
    )
    dims = pd.DataFrame(
        [
            {"dimension": da.dimension_name, "a_score_pct": p(da.score), "b_score_pct": p(db.score),
             "change_pct_points": None if da.score is None or db.score is None else round((db.score - da.score) * 100, 1)}
            for da, db in zip(a.dimensions, b.dimensions)
        ]
    )
    rows = []
    for s in q.statements:
        x, y = a.score(s.statement_code), b.score(s.statement_code)
        rows.append(
            {"statement_code": s.statement_code, "stage": stage_name(s.stage_code), "statement": s.statement,
             "a_score": _r(x), "b_score": _r(y), "change": None if x is None or y is None else round(y - x, 3)}
        )
    sts = pd.DataFrame(rows)
    # Float64 first: with no statement scored in both (an assessment without answers) the column
    # holds only None, an object column whose abs() raised (the history page crashed)
    sts["_abs"] = sts["change"].astype("Float64").abs()
    sts = sts.sort_values(["_abs", "statement_code"], ascending=[False, True], na_position="last").drop(columns="_abs")
    for df in (stages, dims, sts):
        for c in df.columns:
            if c.endswith(("_pct", "_points", "_score")) or c == "change":
                df[c] = df[c].astype("Float64")
    return Comparison(stages.reset_index(drop=True), dims.reset_index(drop=True), sts.reset_index(drop=True))


# ---- recommendations -------------------------------------------------------------------------------------

CURRENT = "current"
NEXT = "next"
ROLE_TITLES = {CURRENT: "Where you are — consolidate", NEXT: "Next stage — prepare"}


def recommendation_stages(result: AssessmentResult) -> list[tuple[str, str]]:
    """(stage_code, role) for the recommendations: the assigned stage and the next one."""
    out = []
    if result.stage_code:
        out.append((result.stage_code, CURRENT))
    if result.next_stage_code:
        out.append((result.next_stage_code, NEXT))
    return out


def open_statements(q: Questionnaire, result: AssessmentResult, stage_code: str) -> list[Driver]:
    """Statements of a stage not yet largely true (or without a score): what to work on."""
    out = []
    for s in q.of_stage(stage_code):
        v = result.score(s.statement_code)
        if v is None or v < STRONG_AT - 1e-9:
            out.append(Driver(s.statement_code, s.statement, s.stage_code, v, "unknown" if v is None else "gap", s.source))
    return out


def assessment_title(row: Mapping) -> str:
    """An assessment's name, stable while people answer: 'Initiative — 2026-03-01 — occasion'."""
    return _initiative_and_date(row) + (f" — {row['label']}" if _given(row["label"]) else "")


def assessment_label(row: Mapping) -> str:
    """How an assessment is listed: 'Initiative — 2026-03-01 — occasion (2 participants, 40 answers)'."""
    n = int(row["participants"])
    return assessment_title(row) + f" ({n} participant{'s' if n != 1 else ''}, {int(row['answers'])} answers)"


def _given(v) -> bool:
    """A text that is there: not missing (None, or NaN in a pandas string column) and not empty."""
    return not frames.is_missing(v) and str(v) != ""


def _initiative_and_date(row: Mapping) -> str:
    name = row["initiative_name"] if _given(row["initiative_name"]) else row["initiative_id"]
    return f"{name} — {pd.Timestamp(row['assessed_on']).date().isoformat()}"
