"""Dot-voting (issue 13 item 3): the budget rules and the ranking. Pure Python (pandas).

Each voter has ``dots_per_person`` dots; with stacking they may put several on one option,
without it at most one per option. :func:`check_dots` is the one rule, used by the query that
stores a change (inside its transaction)."""

from __future__ import annotations

import pandas as pd

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


def dots_frame(options: pd.DataFrame, dots: pd.DataFrame) -> pd.DataFrame:
    """Every voter's dots of one round as a table: voter, option, dots (by voter, then option order)."""
    labels = dict(zip(options["seq"], options["label"]))
    out = pd.DataFrame({"voter": dots["voter"], "option": dots["seq"].map(labels), "dots": dots["dots"],
                        "_seq": dots["seq"]}) if len(dots) else pd.DataFrame(columns=["voter", "option", "dots", "_seq"])
    return out.sort_values(["voter", "_seq"]).drop(columns="_seq").reset_index(drop=True)
