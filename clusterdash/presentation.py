"""Workshop (presentation) mode: card decks, one card at a time. Pure Python, no Streamlit.

A deck is an ordered list of :class:`Card`; each card carries what the projector shows (a
heading, the text in the guide's words, its source) and which control sits on it: the
checklist status (checklist items and phase key questions) or, for the maturity assessment's
statements, the assessment's own answer scale (saved through the assessment pillar's queries).
The position in the deck is in the URL (``&deck=...&card=N``, 1-based), so a reload shows the
same card.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clusterdash import checklists, fields, frames

CONTROL_STATUS = "status"  # checklist status (done / in progress / not yet / n/a) + note
CONTROL_SCALE = "scale"  # an answer scale given with the deck (assessment statements)

ASSESSMENT_DECK_PREFIX = "assessment_"


@dataclass(frozen=True)
class Card:
    deck_code: str
    item_key: str  # checklists.ItemKey as text, or the assessment statement's code
    eyebrow: str  # small line above the text: kind and area, e.g. "Don't · Cluster Identification"
    text: str
    source: str
    control: str = CONTROL_STATUS
    title: str | None = None  # the item's own heading, where the guide gives one
    hint: str | None = None  # what the answer means for this card
    polarity: str | None = None  # do / dont / question (colours the eyebrow)


@dataclass(frozen=True)
class Deck:
    code: str
    title: str
    cards: tuple[Card, ...]
    control: str = CONTROL_STATUS

    def __len__(self) -> int:
        return len(self.cards)


def checklist_deck(board: pd.DataFrame, list_code: str, title: str | None = None) -> Deck:
    """One card per item of a checklist (a prepared board, see checklists.prepare_board), in the
    guide's order."""
    rows = board[board["list_code"] == list_code]
    cards = []
    for r in frames.records(rows):
        kind_label = fields.value_label("kind", r["kind"])
        area = r["area"] if r["area"] != r["list_title"] else None
        cards.append(
            Card(
                deck_code=list_code,
                item_key=r["item_key"],
                eyebrow=" · ".join(x for x in (kind_label, area) if x),
                text=r["text"],
                title=r.get("title"),
                source=r["source"],
                hint=checklists.status_hint(r["kind"]),
                polarity=r["polarity"],
            )
        )
    if title is None:
        title = rows["list_title"].iloc[0] if len(rows) else list_code
    return Deck(code=list_code, title=title, cards=tuple(cards))


def assessment_decks(statements: pd.DataFrame, dimensions: pd.DataFrame,
                     stage_names: dict[str, str]) -> list[Deck]:
    """The maturity assessment's statements (kb_assessment_statement, each with its source) as one
    deck per stage, in questionnaire order; the card's control is the assessment's answer scale."""
    dim_names = dict(zip(dimensions["dimension_code"], dimensions["dimension_name"])) if len(dimensions) else {}
    decks = []
    order = list(stage_names)
    rows = statements.sort_values("seq", kind="stable")
    for stage in sorted(rows["stage_code"].unique(), key=lambda s: order.index(s) if s in order else 99):
        code = ASSESSMENT_DECK_PREFIX + stage
        cards = tuple(
            Card(
                deck_code=code,
                item_key=str(r["statement_code"]),
                eyebrow=" · ".join(x for x in ("Assessment statement", dim_names.get(r["dimension_code"])) if x),
                text=str(r["statement"]),
                source=str(r.get("source") or ""),
                control=CONTROL_SCALE,
                hint="How true is this for the cluster today?",
            )
            for r in rows[rows["stage_code"] == stage].to_dict("records")
        )
        title = f"Assessment statements: {stage_names.get(stage, stage)} stage"
        decks.append(Deck(code=code, title=title, cards=cards, control=CONTROL_SCALE))
    return decks


def parse_card_number(value, n_cards: int) -> int:
    """The 1-based card number from the URL, clamped to the deck (1 for anything unreadable)."""
    try:
        i = int(str(value))
    except (TypeError, ValueError):
        return 1
    if n_cards <= 0:
        return 1
    return min(max(i, 1), n_cards)


def step(card_number: int, n_cards: int, delta: int) -> int:
    """The card number after moving ``delta`` cards, staying within the deck (no wrap-around:
    a facilitator pressing → on the last card stays there)."""
    if n_cards <= 0:
        return 1
    return min(max(card_number + delta, 1), n_cards)


def progress_label(card_number: int, n_cards: int) -> str:
    return f"Card {card_number} of {n_cards}" if n_cards else "No cards"


def answered_count(deck: Deck, answers: dict[str, str | None]) -> int:
    """How many cards of the deck have an answer (status or scale value) in ``answers``
    (item_key -> value)."""
    return sum(1 for c in deck.cards if answers.get(c.item_key))
