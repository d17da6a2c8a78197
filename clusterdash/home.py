"""Content of the home page that is not data (the four pillars), and how a headline fact is
shown: the figure as the source states it, approximations kept visible."""

from __future__ import annotations

import math
import re

PILLARS = [
    ("Mapping", "Where clusters are and how strong: cluster initiatives on a map, and regional "
     "cluster statistics (employment, establishments, wages, location quotients, strong clusters, growth)."),
    ("Maturity-stage assessment", "Which of the four stages a cluster initiative has reached — initiation, "
     "establishment, operationalisation, transformation — and what to do next."),
    ("Financing patterns", "How cluster organisations are financed, by world region and over time, "
     "and how your own cluster's mix compares."),
    ("Dos-and-don'ts checklists", "The guide's dos and don'ts for cluster policy and cluster management, "
     "as checklists you can work through in a workshop."),
]

_APPROX = re.compile(r"\b(around|about|approximately|roughly|nearly|almost)\b|~", re.I)
# "over" is a lower bound ("over 200 million"), except in "over the past/last N years", which means
# "during the last N years" (UNIDO: "Over the past 30 years") and gets no ">".
_MORE = re.compile(r"\b(over(?!\s+the\s+(?:past|last)\b)|more than|at least)\b", re.I)


def headline_figure(value_num: float | None, value_text: str, unit: str | None) -> str:
    """The big figure of a headline fact. Numbers keep the source's qualifier ('around' → '≈',
    'over' → '>'); facts the source states only in words are shown as words."""
    if value_num is None or (isinstance(value_num, float) and math.isnan(value_num)):
        return value_text
    prefix = "≈ " if _APPROX.search(value_text) else "> " if _MORE.search(value_text) else ""
    if unit == "year":
        return prefix + str(int(value_num))
    if value_num >= 1e6 and value_num % 1e5 == 0:
        number = f"{value_num / 1e6:g} million"
    else:
        number = f"{value_num:,.0f}" if value_num == int(value_num) else f"{value_num:,}"
    return prefix + number + (f" {unit}" if unit else "")
