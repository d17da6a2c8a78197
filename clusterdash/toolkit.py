"""The guide's toolkit: the rules behind six working tools of the practitioners' guide (seed 004).

Pure Python, no Streamlit: the vocabularies each tool uses, validation of what a user enters
(messages name the row and the field), the legal-form helper's answer → form mapping, the
service-portfolio placement, and the FTE-weighted team score. Pages lay these out; queries
store them per workspace.

Where the guide gives a rule, it is quoted with its source (``kb_toolkit_note``,
``kb_legal_form_point``); where it gives none (the legal-form mapping, the portfolio's axes,
the skill scale), the rule here is ClusterDash's own, written out in full so the page can show
it and nobody mistakes it for the guide's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping

import pandas as pd

from clusterdash import fields
from clusterdash.errors import UserError

GUIDE = "004_8de2c7bdefb2b6f4.txt"

# =====================================================================================
# The tools and where they live
# =====================================================================================


@dataclass(frozen=True)
class Tool:
    """A toolkit tool. Its page (file, icon) is in clusterdash/registry.py
    (``registry.page_for_toolkit_tool(tool_code)``)."""

    tool_code: str  # the kb_phase_tool tool_code of the guide's tool
    title: str
    summary: str
    # kb_phase_tool rows the tool serves (the guide names some tools at more than one step)
    phase_tool_codes: tuple[str, ...]


TOOLS: tuple[Tool, ...] = (
    Tool("swot_analysis", "SWOT board",
         "Strengths and weaknesses (internal), opportunities and threats (external), on a 2×2 board.",
         ("swot_analysis",)),
    Tool("stakeholder_analysis", "Stakeholder analysis",
         "Who matters, where they stand, how much influence they have, and what to do about it.",
         ("stakeholder_analysis", "involve_key_actors")),
    Tool("business_model_canvas", "Business model canvas",
         "The cluster business model canvas: ten blocks with the guide's prompting questions.",
         ("business_model_canvas",)),
    Tool("legal_form", "Legal-form helper",
         "The guide's three questions on cooperation, commercial activity and new members, against the "
         "comparison of five legal forms.",
         ("legal_form",)),
    Tool("develop_services", "Service portfolio",
         "Services rated by frequency, beneficiaries, effort and relevance, placed as fee-based, covered by "
         "membership fees, or excluded / offered for free.",
         ("develop_services", "service_portfolio_development")),
    Tool("staffing", "Management team skills",
         "The guide's ten criteria scored per team member, weighted by full-time equivalents.",
         ("staffing", "staff_development")),
)


def get_tool(tool_code: str) -> Tool:
    for t in TOOLS:
        if t.tool_code == tool_code:
            return t
    raise KeyError(f"no toolkit tool {tool_code!r}")


def tool_for_phase_tool(phase_tool_code: str) -> Tool | None:
    """The toolkit tool that serves a kb_phase_tool row, or None for the guide's tools ClusterDash
    has no page for."""
    for t in TOOLS:
        if phase_tool_code in t.phase_tool_codes:
            return t
    return None


def guide_tools_table(phase_tools: pd.DataFrame) -> pd.DataFrame:
    """Every tool the guide attaches to a step (kb_phase_tool rows), with the ClusterDash tool that
    serves it (its title, or None) and whether the step is the text's or ClusterDash's reading
    (``allocation_basis``): the toolkit overview's table and its download."""
    table = phase_tools[["stage_name", "step_no", "step_question", "tool_name", "tool_code", "allocation_basis",
                         "allocation_note", "source"]].copy()
    table.insert(4, "clusterdash_tool", [t.title if (t := tool_for_phase_tool(c)) else None for c in table["tool_code"]])
    return table



READING_MARK = "†"  # after a tool whose step is ClusterDash's reading of the guide's step graphic


def is_reading(allocation_basis) -> bool:
    """Whether a tool's step is ClusterDash's reading of a step graphic (not the text's)."""
    return allocation_basis == "clusterdash_reading"


def reading_explanation() -> str:
    """The note shown wherever a step allocation that is ClusterDash's reading is marked."""
    return (f"{READING_MARK} = {fields.value_label('allocation_basis', 'clusterdash_reading')}: only the guide's "
            "step graphic names this tool; its layout was lost in extraction, so the step is read off the order of "
            "the graphic's labels.")


# =====================================================================================
# Vocabularies
# =====================================================================================

# The codes and labels of every vocabulary are the field registry's (clusterdash/fields.py).
LEVELS = fields.codes("influence")  # high, medium, low (also effort and relevance)
ASSESSMENTS = fields.codes("assessment")
QUADRANTS = fields.codes("quadrant")
QUADRANT_SINGULAR = {"strength": "strength", "weakness": "weakness", "opportunity": "opportunity",
                     "threat": "threat"}
QUADRANT_ANALYSIS = {"strength": "internal", "weakness": "internal", "opportunity": "external",
                     "threat": "external"}
FREQUENCIES = fields.codes("frequency")
BENEFICIARIES = fields.codes("beneficiaries")
# The four areas of the guide's portfolio figure (their labels are the guide's words).
PLACEMENTS = fields.codes("placement")


PLACEMENT_SOURCE = (f"{GUIDE} § PART 2 Establishment phase › Step 3: Which services and activities to implement? › "
                    "Developing cluster services › Allocating the pre-assessed services in a portfolio")

SCORE_MIN, SCORE_MAX = 0, 5
SCORE_SCALE = ("0 = not present · 1 = very weak · 2 = weak · 3 = adequate · 4 = strong · "
               "5 = fully meets the criterion (ClusterDash's scale: the guide gives the criteria and the FTE "
               "weighting, not a scale)")

MAX_NAME = 200
MAX_TEXT = 4000


# =====================================================================================
# Validation: every message names the row and the field
# =====================================================================================

def row_label(kind: str, seq: int | None = None, name: str | None = None) -> str:
    """'Stakeholder 3 (“SMEs”)', 'New stakeholder', ..."""
    out = kind if seq is None else f"{kind} {seq}"
    if name:
        short = name if len(name) <= 40 else name[:39] + "…"
        out += f" (“{short}”)"
    return out


def clean_text(value, *, row: str, field: str, required: bool = False, max_len: int = MAX_TEXT) -> str | None:
    text = "" if value is None else str(value)
    if isinstance(value, float) and math.isnan(value):
        text = ""
    text = text.strip()
    if not text:
        if required:
            raise UserError(f"{row}: {field} is required.")
        return None
    if len(text) > max_len:
        raise UserError(f"{row}: {field} can have at most {max_len} characters (has {len(text)}).")
    return text


def clean_choice(value, choices: Iterable[str], *, row: str, field: str, required: bool = True) -> str | None:
    choices = tuple(choices)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UserError(f"{row}: {field} is required (one of {', '.join(choices)}).")
        return None
    v = str(value).strip().lower()
    if v not in choices:
        raise UserError(f"{row}: {field} must be one of {', '.join(choices)}, not “{value}”.")
    return v


def clean_fte(value, *, row: str) -> float:
    """Share of a full-time equivalent in %: 0 < fte_pct <= 100."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UserError(f"{row}: FTE % is required (the share of a full-time position, 1–100).")
    try:
        v = float(str(value).replace(",", ".").replace("%", "").strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise UserError(f"{row}: FTE % must be a number between 0 and 100, not “{value}”.") from None
    if math.isnan(v) or v <= 0 or v > 100:
        raise UserError(f"{row}: FTE % must be more than 0 and at most 100, not {value:g}." if isinstance(value, (int, float))
                        else f"{row}: FTE % must be more than 0 and at most 100, not “{value}”.")
    return round(v, 2)


def clean_score(value, *, row: str, criterion: str) -> int | None:
    """A skill score 0..5, or None (not scored)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{row}, criterion “{criterion}”: score must be a whole number from {SCORE_MIN} to "
                        f"{SCORE_MAX}, not “{value}”.") from None
    if math.isnan(f):
        return None
    if f != int(f) or not SCORE_MIN <= f <= SCORE_MAX:
        raise UserError(f"{row}, criterion “{criterion}”: score must be a whole number from {SCORE_MIN} to "
                        f"{SCORE_MAX}, not {value}.")
    return int(f)


STAKEHOLDER_FIELDS = ("name", "assessment", "influence", "description", "measure")
SERVICE_FIELDS = ("service_name", "frequency", "beneficiaries", "effort", "relevance", "placement_code", "note")
MEMBER_FIELDS = ("member_name", "role", "fte_pct")


def clean_stakeholder_field(name: str, value, *, row: str):
    if name == "name":
        return clean_text(value, row=row, field="name", required=True, max_len=MAX_NAME)
    if name == "assessment":
        return clean_choice(value, ASSESSMENTS, row=row, field="assessment")
    if name == "influence":
        return clean_choice(value, LEVELS, row=row, field="influence")
    if name in ("description", "measure"):
        return clean_text(value, row=row, field=name)
    raise KeyError(name)


def clean_service_field(name: str, value, *, row: str):
    if name == "service_name":
        return clean_text(value, row=row, field="service", required=True, max_len=MAX_NAME)
    if name == "frequency":
        return clean_choice(value, FREQUENCIES, row=row, field="planned frequency", required=False)
    if name == "beneficiaries":
        return clean_choice(value, BENEFICIARIES, row=row, field="number of beneficiaries", required=False)
    if name == "effort":
        return clean_choice(value, LEVELS, row=row, field="expected effort", required=False)
    if name == "relevance":
        return clean_choice(value, LEVELS, row=row, field="expected relevance", required=False)
    if name == "placement_code":
        return clean_choice(value, PLACEMENTS, row=row, field="placement", required=False)
    if name == "note":
        return clean_text(value, row=row, field="note")
    raise KeyError(name)


def clean_member_field(name: str, value, *, row: str):
    if name == "member_name":
        return clean_text(value, row=row, field="name", required=True, max_len=MAX_NAME)
    if name == "role":
        return clean_text(value, row=row, field="role", max_len=MAX_NAME)
    if name == "fte_pct":
        return clean_fte(value, row=row)
    raise KeyError(name)


def clean_swot_text(value, *, row: str) -> str:
    return clean_text(value, row=row, field="text", required=True, max_len=1000)


def check_fields(kind: str, values: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse field names outside ``allowed`` (they become column names: fixed lists only)."""
    allowed = tuple(allowed)
    unknown = [k for k in values if k not in allowed]
    if unknown:
        raise UserError(f"{kind}: unknown field(s) {', '.join(unknown)}.")


def clean_canvas_entry(block_code: str, text, block_names: Mapping[str, str]) -> str | None:
    """The text of one block of the business model canvas (None = cleared). ``block_names``:
    block_code -> block name of the guide's canvas (kb_canvas_block)."""
    if block_code not in block_names:
        raise UserError(f"Canvas: there is no block “{block_code}”.")
    return clean_text(text, row=f"Canvas block “{block_names[block_code]}”", field="text")


CANVAS_HEADER_FIELDS = ("author_name", "cluster_organisation", "canvas_date")


def clean_canvas_header(values: Mapping) -> dict:
    """The canvas header fields given (author_name, cluster_organisation: text; canvas_date: a
    date or None), as stored."""
    check_fields("Canvas header", values, CANVAS_HEADER_FIELDS)
    clean = {}
    for k, v in values.items():
        if k == "canvas_date":
            if v is not None and not isinstance(v, date):
                raise UserError(f"Canvas header: date must be a date, not “{v}”.")
            clean[k] = v
        else:
            clean[k] = clean_text(v, row="Canvas header", field=k.replace("_", " "), max_len=MAX_NAME)
    return clean


# =====================================================================================
# Service portfolio
# =====================================================================================

_FREQ_BEN = re.compile(r"^\s*(rarely|occasionally|frequently)\s*/\s*(few|many)\s*$", re.I)


def parse_frequency_beneficiaries(text: str | None) -> tuple[str | None, str | None]:
    """The guide's 'occasionally / many' → ('occasionally', 'many'); anything else → (None, None)."""
    m = _FREQ_BEN.match(text or "")
    if not m:
        return None, None
    return m.group(1).lower(), m.group(2).lower()


@dataclass(frozen=True)
class PlacementRule:
    rule_no: int
    condition: str
    placement_code: str
    why: str


# ClusterDash's reading of the guide's portfolio (its axes were lost in extraction; the areas'
# names, the pre-assessment's three ratings, and the reasoning quoted in `why` are the guide's).
PLACEMENT_RULES: tuple[PlacementRule, ...] = (
    PlacementRule(1, "relevance low and effort low", "exclude_or_free",
                  "Of little relevance to actors but cheap to run: drop it, or offer it for free."),
    PlacementRule(2, "relevance low and effort medium or high", "critical_review",
                  "Of little relevance to actors yet costly for the cluster management: review it critically."),
    PlacementRule(3, "relevance medium or high and effort high", "fee_based",
                  "Valued and costly: price it with adequate margins — “cluster budget may not always be covered "
                  "by membership fees alone”."),
    PlacementRule(4, "relevance medium or high, effort low or medium, few beneficiaries", "fee_based",
                  "A specialised service for a few: “cluster actors are more willing to pay for highly "
                  "specialised services”."),
    PlacementRule(5, "relevance medium or high, effort low or medium, many beneficiaries (or not yet rated)",
                  "membership_fees",
                  "A broad service for many, like networking, where “the readiness [to pay] is very low”: "
                  "include it in the membership fee."),
)


def suggest_placement(relevance: str | None, effort: str | None, beneficiaries: str | None) -> PlacementRule | None:
    """The portfolio area a service's ratings point to (see PLACEMENT_RULES), or None while
    relevance or effort is not rated."""
    if relevance not in LEVELS or effort not in LEVELS:
        return None
    if relevance == "low":
        return PLACEMENT_RULES[0] if effort == "low" else PLACEMENT_RULES[1]
    if effort == "high":
        return PLACEMENT_RULES[2]
    if beneficiaries == "few":
        return PLACEMENT_RULES[3]
    return PLACEMENT_RULES[4]


def place_services(services: pd.DataFrame) -> pd.DataFrame:
    """The workspace's services with the suggested placement, the rule behind it, and the final
    placement (the workspace's own choice where it made one, else the suggestion)."""
    out = services.copy()
    suggested, rule_no, why = [], [], []
    for r in out.itertuples():
        rule = suggest_placement(value_or_none(r.relevance), value_or_none(r.effort), value_or_none(r.beneficiaries))
        suggested.append(rule.placement_code if rule else None)
        rule_no.append(rule.rule_no if rule else None)
        why.append(rule.why if rule else "Rate expected effort and expected relevance to get a suggestion.")
    out["suggested_placement"] = pd.Series(suggested, index=out.index, dtype="object")
    out["rule_no"] = pd.Series(rule_no, index=out.index, dtype="Int64")
    out["why"] = why
    chosen = [value_or_none(v) for v in out["placement_code"]]
    # object columns: None stays None (pandas would turn it into NaN in a string column)
    out["placement"] = pd.Series([c if c is not None else s for c, s in zip(chosen, suggested)],
                                 index=out.index, dtype="object")
    out["placement_origin"] = pd.Series(
        ["chosen" if c is not None else ("suggested" if s is not None else None) for c, s in zip(chosen, suggested)],
        index=out.index, dtype="object",
    )
    return out


def export_services(placed: pd.DataFrame) -> pd.DataFrame:
    """The portfolio as shown, for the CSV download."""
    cols = ["seq", "service_name", "frequency", "beneficiaries", "effort", "relevance",
            "suggested_placement", "rule_no", "placement", "placement_origin", "note"]
    out = placed[cols].copy()
    for c in ("suggested_placement", "placement"):
        out[c] = out[c].map(lambda v: fields.value_label("placement", v) if v else None)
    return out


# =====================================================================================
# Management team skills: FTE-weighted team score per criterion
# =====================================================================================

def team_scores(members: pd.DataFrame, scores: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    """One row per criterion: the FTE-weighted team score and what it rests on.

    team_score = Σ score_i · fte_i / Σ fte_i over the members scored on that criterion (a member
    not yet scored on a criterion is left out of it, not counted as 0). ``mean_score`` is the
    plain mean, for comparison; ``scored_fte_pct`` the FTE the score rests on, of
    ``team_fte_pct`` in all.
    """
    fte = dict(zip(members["member_id"], members["fte_pct"].astype(float)))
    team_fte = float(sum(fte.values()))
    rows = []
    for c in criteria.itertuples():
        s = scores[(scores["criterion_seq"] == c.seq) & scores["member_id"].isin(fte)]
        weights = [fte[m] for m in s["member_id"]]
        values = [float(v) for v in s["score"]]
        wsum = sum(weights)
        rows.append({
            "criterion_seq": int(c.seq),
            "criterion": c.text,
            "team_score": round(sum(v * w for v, w in zip(values, weights)) / wsum, 2) if wsum else None,
            "mean_score": round(sum(values) / len(values), 2) if values else None,
            "members_scored": len(values),
            "scored_fte_pct": round(wsum, 2),
            "team_fte_pct": round(team_fte, 2),
        })
    out = pd.DataFrame(rows, columns=["criterion_seq", "criterion", "team_score", "mean_score", "members_scored",
                                      "scored_fte_pct", "team_fte_pct"])
    for c in ("team_score", "mean_score"):
        out[c] = out[c].astype("Float64")
    return out


TEAM_COLUMN = "Team (FTE-weighted)"


def score_matrix(members: pd.DataFrame, scores: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    """Criteria × members table of scores (columns named 'name (FTE %)'), with the team score."""
    team = team_scores(members, scores, criteria)
    out = team[["criterion_seq", "criterion"]].copy()
    for m in members.itertuples():
        col_name = f"{m.member_name} ({m.fte_pct:g} % FTE)"
        if col_name in out.columns:  # two members of the same name and FTE
            col_name = f"{col_name} [{m.seq}]"
        mine = scores[scores["member_id"] == m.member_id].set_index("criterion_seq")["score"]
        out[col_name] = out["criterion_seq"].map(mine).astype("Int64")
    out[TEAM_COLUMN] = team["team_score"]
    return out


# =====================================================================================
# Legal-form helper
# =====================================================================================

@dataclass(frozen=True)
class LegalQuestion:
    question_code: str
    text: str
    options: tuple[tuple[str, str], ...]  # (answer_code, label)
    kind: str  # 'guide' (one of the guide's three questions) or 'precondition'
    guidance_seq: int | None = None  # kb_guidance_item seq in list legal_form_questions


LEGAL_QUESTIONS: tuple[LegalQuestion, ...] = (
    LegalQuestion("cooperation_closeness", "How closely do the partners in the cluster wish to cooperate?",
                  (("loose", "Loosely"), ("moderate", "Moderately"), ("close", "Closely")), "guide", 1),
    LegalQuestion("commercial_role", "What is the role of commercial activities in the cluster?",
                  (("none", "None"), ("secondary", "Secondary purpose"), ("primary", "Primary goal")), "guide", 2),
    LegalQuestion("member_integration",
                  "How quickly should new members be integrated – exclusivity versus inclusivity?",
                  (("quick", "Quickly (inclusive)"), ("selective", "Selectively"), ("exclusive", "Exclusive circle")),
                  "guide", 3),
    LegalQuestion("founding_capital", "Can the partners put up founding capital?",
                  (("yes", "Yes"), ("no", "No"), ("unknown", "Not yet known")), "precondition"),
    LegalQuestion("endowment_assets",
                  "Are there assets that could be permanently endowed to the cluster's purpose?",
                  (("yes", "Yes"), ("no", "No"), ("unknown", "Not yet known")), "precondition"),
)

LEGAL_FORMS_COMPARED = ("cooperation_agreement", "association", "foundation", "ltd", "corporation")


def legal_question(question_code: str) -> LegalQuestion:
    for q in LEGAL_QUESTIONS:
        if q.question_code == question_code:
            return q
    raise KeyError(question_code)


def clean_legal_answer(question_code: str, answer_code) -> str | None:
    try:
        q = legal_question(question_code)
    except KeyError:
        raise UserError(f"Legal-form helper: there is no question “{question_code}”.") from None
    if answer_code is None or answer_code == "":
        return None
    codes = [c for c, _ in q.options]
    if answer_code not in codes:
        raise UserError(f"Legal-form helper, question “{q.text}”: answer must be one of {', '.join(codes)}, "
                        f"not “{answer_code}”.")
    return answer_code


SUPPORTS, CONFLICTS, UNMET = "supports", "conflicts", "precondition not met"


@dataclass(frozen=True)
class LegalRule:
    question_code: str
    answer_code: str
    form_code: str
    effect: str  # SUPPORTS, CONFLICTS or UNMET
    points: tuple[tuple[str, int], ...]  # (aspect, seq) of the form's kb_legal_form_point rows
    why: str


def _r(q, a, form, effect, points, why) -> LegalRule:
    return LegalRule(q, a, form, effect, tuple(points), why)


# ClusterDash's mapping (the guide gives the questions and the comparison, not a formula). Every
# rule rests on points of the guide's comparison table; answers without a rule give no pointer.
LEGAL_RULES: tuple[LegalRule, ...] = (
    # (1) how closely to cooperate ↔ the comparison's commitment points
    _r("cooperation_closeness", "loose", "cooperation_agreement", SUPPORTS, [("advantage", 1), ("advantage", 3)],
       "A loose cooperation fits a form that asks little commitment and is easy to leave."),
    _r("cooperation_closeness", "loose", "association", SUPPORTS, [("advantage", 1)],
       "A loose cooperation fits a form that is easy to set up."),
    _r("cooperation_closeness", "loose", "ltd", CONFLICTS, [("advantage", 2), ("advantage", 3)],
       "A company asks more commitment than a loose cooperation wants."),
    _r("cooperation_closeness", "loose", "corporation", CONFLICTS, [("advantage", 2), ("advantage", 3)],
       "A corporation asks more commitment than a loose cooperation wants."),
    _r("cooperation_closeness", "close", "ltd", SUPPORTS, [("advantage", 2), ("advantage", 3)],
       "Close cooperation fits a form that binds its partners."),
    _r("cooperation_closeness", "close", "corporation", SUPPORTS, [("advantage", 2), ("advantage", 3)],
       "Close cooperation fits a form that binds its partners."),
    _r("cooperation_closeness", "close", "cooperation_agreement", CONFLICTS, [("disadvantage", 1), ("disadvantage", 2)],
       "An agreement binds little, and is not a legal entity."),
    _r("cooperation_closeness", "close", "association", CONFLICTS, [("disadvantage", 2)],
       "An association binds its members relatively little."),
    # (2) role of commercial activity ↔ 'structure follows strategy'
    _r("commercial_role", "none", "association", SUPPORTS, [("precondition", 1)],
       "A cluster without commercial aims has the idealistic objective an association presupposes."),
    _r("commercial_role", "none", "ltd", CONFLICTS, [("disadvantage", 2), ("disadvantage", 3)],
       "Its advantage, promoting commercial activities, does not apply; its costs do."),
    _r("commercial_role", "none", "corporation", CONFLICTS, [("disadvantage", 1), ("disadvantage", 2), ("disadvantage", 3)],
       "Its advantage, promoting commercial activities, does not apply; its costs do."),
    _r("commercial_role", "secondary", "association", SUPPORTS, [("disadvantage", 1)],
       "An association allows commercial activity as a secondary purpose — which is what is wanted."),
    _r("commercial_role", "primary", "ltd", SUPPORTS, [("advantage", 1)],
       "“Clusters whose primary goal is the joint implementation of commercial activities need a different "
       "legal and organisational form”: a company promotes commercial activities."),
    _r("commercial_role", "primary", "corporation", SUPPORTS, [("advantage", 1)],
       "A corporation promotes commercial activities."),
    _r("commercial_role", "primary", "association", CONFLICTS, [("disadvantage", 1), ("precondition", 1)],
       "An association allows commercial activity only as a secondary purpose and presupposes an idealistic objective."),
    _r("commercial_role", "primary", "cooperation_agreement", CONFLICTS, [("disadvantage", 2)],
       "Without a legal entity the cluster cannot itself carry joint commercial activities."),
    # (3) integrating new members ↔ the chart's 'number of cluster members / extensibility'
    _r("member_integration", "quick", "cooperation_agreement", SUPPORTS, [("advantage", 5), ("advantage", 4)],
       "Many partners can sign up, without registration."),
    _r("member_integration", "quick", "association", SUPPORTS, [("advantage", 3)],
       "A large number of members can be involved."),
    _r("member_integration", "quick", "ltd", CONFLICTS, [("advantage", 4), ("disadvantage", 2)],
       "Every new partner becomes a company owner and shares the capital: slow to open up."),
    _r("member_integration", "quick", "corporation", CONFLICTS, [("advantage", 4), ("disadvantage", 1)],
       "Every new partner becomes a shareholder: slow to open up."),
    _r("member_integration", "exclusive", "ltd", SUPPORTS, [("advantage", 3), ("advantage", 4)],
       "A fixed circle of owners who cannot easily leave."),
    _r("member_integration", "exclusive", "corporation", SUPPORTS, [("advantage", 3), ("advantage", 4)],
       "A fixed circle of shareholders who cannot easily leave."),
    # preconditions of the comparison table
    _r("founding_capital", "no", "ltd", UNMET, [("precondition", 1)],
       "A company needs founding capital."),
    _r("founding_capital", "no", "corporation", UNMET, [("precondition", 1)],
       "A corporation needs founding capital."),
    _r("endowment_assets", "yes", "foundation", SUPPORTS, [("precondition", 1), ("advantage", 3)],
       "Assets to endow are what a foundation rests on, and they secure its financing."),
    _r("endowment_assets", "no", "foundation", UNMET, [("precondition", 1)],
       "A foundation needs assets permanently appropriated to its purpose."),
)


@dataclass
class FormVerdict:
    form_code: str
    form_name: str
    supports: int = 0
    conflicts: int = 0
    unmet: bool = False
    reasons: list[dict] = field(default_factory=list)

    @property
    def fit(self) -> int:
        return self.supports - self.conflicts


@dataclass
class LegalFormResult:
    verdicts: list[FormVerdict]  # in the guide's order
    answered: int
    suggested: list[str]  # form codes

    def ranked(self) -> list[FormVerdict]:
        order = {v.form_code: i for i, v in enumerate(self.verdicts)}
        return sorted(self.verdicts, key=lambda v: (v.unmet, -v.fit, order[v.form_code]))

    def table(self) -> pd.DataFrame:
        """One row per form as shown (ranked), for the page and the CSV download."""
        rows = []
        for v in self.ranked():
            rows.append({
                "form_code": v.form_code,
                "legal_form": v.form_name,
                "fit": v.fit,
                "supporting_answers": v.supports,
                "conflicting_answers": v.conflicts,
                "precondition_not_met": v.unmet,
                "suggested": v.form_code in self.suggested,
                "reasons": " | ".join(f"{r['effect']}: {r['answer']} — {r['why']} [{'; '.join(r['points'])}]"
                                      for r in v.reasons),
            })
        return pd.DataFrame(rows, columns=["form_code", "legal_form", "fit", "supporting_answers",
                                           "conflicting_answers", "precondition_not_met", "suggested", "reasons"])


def evaluate_legal_forms(answers: Mapping[str, str | None], forms: pd.DataFrame, points: pd.DataFrame) -> LegalFormResult:
    """Apply LEGAL_RULES to the answers. ``forms``: kb_legal_form rows; ``points``:
    kb_legal_form_point rows (their text is quoted in each reason).

    fit = supporting − conflicting answers. Suggested: the form(s) with the highest positive fit
    whose preconditions are not known to be unmet; none while nothing points anywhere.
    """
    compared = forms[forms["in_comparison"].astype(bool)].sort_values("seq")
    point_text = {(p.form_code, p.aspect, int(p.seq)): p.text for p in points.itertuples()}
    verdicts = {f.form_code: FormVerdict(f.form_code, f.form_name) for f in compared.itertuples()}
    answered = 0
    for q in LEGAL_QUESTIONS:
        a = answers.get(q.question_code)
        if not a:
            continue
        answered += 1
        label = dict(q.options).get(a, a)
        for rule in LEGAL_RULES:
            if rule.question_code != q.question_code or rule.answer_code != a or rule.form_code not in verdicts:
                continue
            v = verdicts[rule.form_code]
            if rule.effect == SUPPORTS:
                v.supports += 1
            elif rule.effect == CONFLICTS:
                v.conflicts += 1
            else:
                v.unmet = True
            v.reasons.append({
                "question": q.text,
                "answer": label,
                "effect": rule.effect,
                "why": rule.why,
                "points": [f"{aspect} “{point_text.get((rule.form_code, aspect, seq), '?')}”"
                           for aspect, seq in rule.points],
            })
    eligible = [v for v in verdicts.values() if not v.unmet and v.fit > 0]
    best = max((v.fit for v in eligible), default=0)
    suggested = [v.form_code for v in eligible if v.fit == best] if best > 0 else []
    return LegalFormResult(list(verdicts.values()), answered, suggested)


def rules_table(points: pd.DataFrame, forms: pd.DataFrame) -> pd.DataFrame:
    """Every rule of the mapping, in words, for the page's 'how the suggestion is made'."""
    names = dict(zip(forms["form_code"], forms["form_name"]))
    point_text = {(p.form_code, p.aspect, int(p.seq)): p.text for p in points.itertuples()}
    rows = []
    for r in LEGAL_RULES:
        q = legal_question(r.question_code)
        rows.append({
            "question": q.text,
            "answer": dict(q.options)[r.answer_code],
            "legal_form": names.get(r.form_code, r.form_code),
            "effect": r.effect,
            "why": r.why,
            "comparison_points": "; ".join(f"{a}: {point_text.get((r.form_code, a, s), '?')}" for a, s in r.points),
        })
    return pd.DataFrame(rows)


# =====================================================================================
# helpers
# =====================================================================================

def value_or_none(value):
    """None for missing values of any kind (None, NaN, pd.NA)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value
