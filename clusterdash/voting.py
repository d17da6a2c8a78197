"""Dot-voting (issue 13 item 3): the budget rules and the ranking. Pure Python (pandas).

Each voter has ``dots_per_person`` dots; with stacking they may put several on one option,
without it at most one per option. :func:`check_dots` is the one rule, used by the query that
stores a change (inside its transaction)."""

from __future__ import annotations

import pandas as pd

from clusterdash import maturity, toolkit
from clusterdash.checklists import due_label
from clusterdash.errors import UserError

MAX_DOTS = 20
MAX_OPTIONS = 40
MAX_TITLE_CHARS = 200
MAX_OPTION_CHARS = 300


def clean_title(text) -> str:
    s = " ".join(str(text or "").split())
    if not s:
        raise UserError("Vote: the question is empty.")
    if len(s) > MAX_TITLE_CHARS:
        raise UserError(f"Vote: the question is longer than {MAX_TITLE_CHARS} characters.")
    return s


def clean_options(labels) -> list[str]:
    """The options as given, trimmed, blanks and repeats left out; 2 to MAX_OPTIONS of them."""
    out: list[str] = []
    for raw in labels:
        s = " ".join(str(raw or "").split())[:MAX_OPTION_CHARS]
        if s and s not in out:
            out.append(s)
    if len(out) < 2:
        raise UserError("Vote: it needs at least two options.")
    if len(out) > MAX_OPTIONS:
        raise UserError(f"Vote: at most {MAX_OPTIONS} options.")
    return out


# ---- where the options come from (vote_option.source_ref) -------------------------------------
# A checklist item: its item_key; a SWOT entry: 'swot:<item_id>'; a key action the guide recommends
# for a maturity stage: 'key_action:<stage_code>:<seq>'; a typed line: NULL.

def options_from_swot(items: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(labels, source refs) of the SWOT entries (queries.swot_items, in board order), each label
    led by its quadrant: 'Weakness: No shared lab'."""
    if items.empty:
        raise UserError("Vote: the toolkit's SWOT analysis has no SWOT entries yet.")
    labels = [f"{toolkit.QUADRANT_SINGULAR[q].capitalize()}: {t}" for q, t in zip(items["quadrant"], items["text"])]
    return labels, [f"swot:{i}" for i in items["item_id"]]


def options_from_key_actions(key_actions: dict[str, pd.DataFrame]) -> tuple[list[str], list[str]]:
    """(labels, source refs) of an assessment's recommendations: the guide's key actions of each
    stage given (``{stage_code: its key_actions frame}``, in the order of
    maturity.recommendation_stages), each label led by the stage's name."""
    labels, refs = [], []
    for stage, ka in key_actions.items():
        for seq, text in zip(ka["seq"], ka["key_action"]):
            labels.append(f"{maturity.stage_name(stage)}: {str(text).rstrip('!')}")
            refs.append(f"key_action:{stage}:{int(seq)}")
    if not labels:
        raise UserError("Vote: the guide gives no key actions for this assessment's stages.")
    return labels, refs


def check_budget(dots_per_person) -> int:
    try:
        n = int(dots_per_person)
    except (TypeError, ValueError):
        raise UserError("Vote: dots per person must be a whole number.") from None
    if not 1 <= n <= MAX_DOTS:
        raise UserError(f"Vote: dots per person must be between 1 and {MAX_DOTS}.")
    return n


def check_dots(mine: dict[int, int], seq: int, new: int, *, budget: int, stacking: bool) -> None:
    """Whether a voter whose dots are ``mine`` ({option: dots}) may have ``new`` dots on ``seq``."""
    if new < 0:
        raise UserError("Vote: a negative number of dots.")
    if not stacking and new > 1:
        raise UserError("This vote allows one dot per option.")
    used = sum(v for k, v in mine.items() if k != seq) + new
    if used > budget:
        raise UserError(f"You have used all your {budget} dots: take one away first.")


def ranking(options: pd.DataFrame, dots: pd.DataFrame) -> pd.DataFrame:
    """The options ranked by dots (ties: the order shown): rank, option, dots, voters, share of
    all dots (percent). ``dots``: the rows of vote_dot of one round."""
    per = dots.groupby("seq").agg(dots=("dots", "sum"), voters=("voter", "nunique")) if len(dots) else None
    out = options[["seq", "label"]].copy()
    out["dots"] = out["seq"].map(per["dots"]).fillna(0).astype(int) if per is not None else 0
    out["voters"] = out["seq"].map(per["voters"]).fillna(0).astype(int) if per is not None else 0
    total = int(out["dots"].sum())
    out["share_pct"] = (out["dots"] / total * 100).round(1) if total else 0.0
    out = out.sort_values(["dots", "seq"], ascending=[False, True]).reset_index(drop=True)
    out.insert(0, "rank", out["dots"].rank(method="min", ascending=False).astype(int))
    return out.rename(columns={"label": "option"})


def round_rankings(options: pd.DataFrame, dots: pd.DataFrame, rounds: int) -> pd.DataFrame:
    """Every round's ranking (:func:`ranking`), round 1 first, one under the other: round, rank,
    option, dots, voters, share_pct. ``dots``: the rows of vote_dot of every round (with their
    ``round``); ``rounds``: the vote's current round (a round nobody voted in has 0 dots)."""
    parts = [ranking(options, dots[dots["round"] == n] if len(dots) else dots).assign(round=n)
             for n in range(1, int(rounds) + 1)]
    out = pd.concat(parts, ignore_index=True)
    return out[["round", "rank", "option", "dots", "voters", "share_pct"]]


def voters_per_round(dots: pd.DataFrame, rounds: int) -> dict[int, int]:
    """How many people placed dots in each round 1..``rounds`` (``dots``: vote_dot of every round)."""
    counts = dots.groupby("round")["voter"].nunique() if len(dots) else {}
    return {n: int(counts.get(n, 0)) for n in range(1, int(rounds) + 1)}


def dots_frame(options: pd.DataFrame, dots: pd.DataFrame) -> pd.DataFrame:
    """Every voter's dots of one round as a table: voter, option, dots (by voter, then option order)."""
    labels = dict(zip(options["seq"], options["label"]))
    out = pd.DataFrame({"voter": dots["voter"], "option": dots["seq"].map(labels), "dots": dots["dots"],
                        "_seq": dots["seq"]}) if len(dots) else pd.DataFrame(columns=["voter", "option", "dots", "_seq"])
    return out.sort_values(["voter", "_seq"]).drop(columns="_seq").reset_index(drop=True)


# ---- from the ranking to actions (the facilitator's choice; table vote_action) -----------------

MAX_OWNER_CHARS = 100


def top_options(ranked: pd.DataFrame, n) -> list[int]:
    """The options (``seq``) of the first ``n`` places of a ranking (:func:`ranking`) that got at
    least one dot; ties at the last place taken are all included (they share the rank)."""
    try:
        n = int(n)
    except (TypeError, ValueError):
        raise UserError("Actions from the vote: how many must be a whole number.") from None
    if n < 1:
        raise UserError("Actions from the vote: choose at least one.")
    voted = ranked[ranked["dots"] > 0]
    if voted.empty:
        raise UserError("Actions from the vote: no option has a dot yet.")
    last_rank = voted["rank"].iloc[min(n, len(voted)) - 1]
    return [int(s) for s in voted.loc[voted["rank"] <= last_rank, "seq"]]


def clean_owner(option: str, value) -> str | None:
    """The owner of an action chosen by vote; None clears it. Raises UserError naming the action."""
    if value is None:
        return None
    where = f"Action {str(option)[:60]!r}, owner"
    if not isinstance(value, str):
        raise UserError(f"{where}: expected text, got {type(value).__name__}.")
    text = " ".join(value.split())
    if "\x00" in text:
        raise UserError(f"{where}: contains a NUL character.")
    if len(text) > MAX_OWNER_CHARS:
        raise UserError(f"{where}: at most {MAX_OWNER_CHARS} characters ({len(text)} given).")
    return text or None


def actions_export(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions chosen by vote as exported (CSV, the session report): vote, option, dots (this
    round), owner, due_date, changed_by, changed_at_utc, source_ref (what an option came from: a
    checklist item key, 'swot:…' or 'key_action:…', see above)."""
    out = pd.DataFrame({
        "vote": actions["title"], "option": actions["option"], "dots": actions["dots"].astype(int),
        "owner": actions["owner"], "due_date": actions["due_date"].map(due_label) if len(actions) else [],
        "changed_by": actions["changed_by"], "changed_at_utc": actions["changed_at"],
        "source_ref": actions["source_ref"],
    })
    return out.reset_index(drop=True)
