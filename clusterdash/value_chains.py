"""Value-chain coverage: the guide's value chain mapping tool as an editable list.

"A value chain mapping is an important tool to understand to what extent nodes of a given value
or supply chain are covered by local actors. Or, even for existing cluster initiatives, value
chain mapping helps to identify white spot or missing links." (seed 004, PART 2 Initiation phase
› Step 1/4 › Value chain mapping). Per workspace and initiative, an ordered list of stages, each
with its local actors and a coverage status: covered, partly covered or gap (NULL: not yet
assessed). Pure Python: validation, summaries, the table for the CSV. No Streamlit, no SQL.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clusterdash import fields
from clusterdash.errors import UserError

COVERAGE_STATUSES = fields.codes("coverage_status")  # covered, partly_covered, gap
NOT_ASSESSED = "not_assessed"  # display key for NULL (the registry's value that is never stored)
COVERAGE_HELP = {
    "covered": "Local actors cover this stage.",
    "partly_covered": "Some local actors, but not enough (capacity, quality, only some products).",
    "gap": "No local actor: a white spot or missing link; actors to attract or develop.",
    NOT_ASSESSED: "Not assessed yet.",
}
# Green / amber / red, with a dashed grey for not assessed; readable on a projector and for
# the common colour-vision deficiencies together with the text labels and border styles.
COVERAGE_COLORS = {
    "covered": "#2e7d32",
    "partly_covered": "#f9a825",
    "gap": "#c62828",
    NOT_ASSESSED: "#9e9e9e",
}

EDITABLE_FIELDS = ("stage_name", "local_actors", "coverage_status", "notes")
MAX_LEN = {"stage_name": 200, "local_actors": 2000, "notes": 2000}
MAX_STAGES = 40


def coverage_key(status: Any) -> str:
    return status if isinstance(status, str) and status in COVERAGE_STATUSES else NOT_ASSESSED


def coverage_label(status: Any) -> str:
    return fields.value_label("coverage_status", coverage_key(status))


def clean_field(field: str, value: Any, *, row: int | None = None) -> Any:
    """Validate one field of a stage; returns the value to store. Raises UserError naming the
    row (1-based position in the chain, when given) and the field."""
    where = f"Stage {row}, " if row else ""
    if field not in EDITABLE_FIELDS:
        raise UserError(f"{where}{field}: not a field of a value-chain stage.")
    if field == "coverage_status":
        if value in (None, "", NOT_ASSESSED):
            return None
        if value not in COVERAGE_STATUSES:
            raise UserError(f"{where}Coverage: “{value}” is not one of covered, partly covered, gap.")
        return value
    text = "" if value is None else str(value).strip()
    if field == "stage_name" and not text:
        raise UserError(f"{where}Stage: a name is required (e.g. “Raw material providers”).")
    if len(text) > MAX_LEN[field]:
        raise UserError(f"{where}{fields.label(field)}: at most {MAX_LEN[field]} characters (got {len(text)}).")
    return text or None



def check_field_name(field: str) -> str:
    """A stage field that can be edited (the column name comes from this fixed list only)."""
    if field not in EDITABLE_FIELDS:
        raise UserError(f"{field}: not a field of a value-chain stage.")
    return field


def check_room(have: int, adding: int) -> None:
    """A chain holds at most :data:`MAX_STAGES` stages."""
    if have + adding > MAX_STAGES:
        raise UserError(f"A value chain can have at most {MAX_STAGES} stages (this one has {have}).")

def coverage_summary(stages: pd.DataFrame) -> dict:
    """Counts per coverage status (all four keys), the number of stages, and the share of
    assessed stages that are covered, in percent (None while nothing is assessed)."""
    keys = stages["coverage_status"].map(coverage_key) if len(stages) else pd.Series(dtype=str)
    counts = {k: int((keys == k).sum()) for k in (*COVERAGE_STATUSES, NOT_ASSESSED)}
    assessed = len(stages) - counts[NOT_ASSESSED]
    return {
        "stages": int(len(stages)),
        "counts": counts,
        "assessed": assessed,
        "covered_pct": round(100 * counts["covered"] / assessed, 1) if assessed else None,
        "gaps": [str(n) for n, k in zip(stages.get("stage_name", []), keys) if k == "gap"],
    }


CSV_COLUMNS = ["seq", "stage_name", "coverage", "local_actors", "notes", "template_code"]


def chain_table(stages: pd.DataFrame, initiative_name: str) -> pd.DataFrame:
    """The value chain as shown (and downloaded): position, stage, coverage in words, actors, notes."""
    stages = stages.astype(object).where(stages.notna(), None)
    out = pd.DataFrame({
        "initiative": [initiative_name] * len(stages),
        "seq": [int(v) for v in stages["seq"]] if len(stages) else [],
        "stage_name": stages["stage_name"].to_list() if len(stages) else [],
        "coverage": stages["coverage_status"].map(coverage_label).to_list() if len(stages) else [],
        "local_actors": stages["local_actors"].to_list() if len(stages) else [],
        "notes": stages["notes"].to_list() if len(stages) else [],
        "template_code": stages["template_code"].to_list() if len(stages) else [],
    })
    return out
