"""Label placement that does not overlap: a greedy placer in pixel space, shared by the plotly
charts (annotations offset from their points) and the pydeck maps (text pixel offsets).

Text extents are approximated from the number of characters (:func:`text_box`). For each point,
in the order given (most important first), the placer tries its texts (a long and a short form)
at offsets above, below and beside the point (offsets in pixels) and takes the first that
overlaps no placed label (first pass: no other marker either) and stays in bounds, in every
layout given — the same points at the other plot sizes the chart may be drawn at, so a label
found free holds whatever the browser's width. A point whose label fits nowhere is returned in
``dropped`` (callers list it): a label is never drawn over another. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

CHAR_WIDTH_EM = 0.6  # average advance of Source Sans Pro/Helvetica (bold), with some margin
LINE_HEIGHT_EM = 1.3
GAP_PX = 3.0

Point = tuple[float, float, float]  # x, y (screen pixels, y down), marker radius


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: "Box") -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, bounds: Sequence[float]) -> bool:
        return self.x0 >= bounds[0] and self.y0 >= bounds[1] and self.x1 <= bounds[2] and self.y1 <= bounds[3]


@dataclass(frozen=True)
class Placed:
    index: int
    text: str
    dx: float  # pixel offset of the label's centre from its point (+ is right)
    dy: float  # (+ is down)
    boxes: tuple[Box, ...]  # the label's box in each layout


def text_box(text: str, font_px: float, cx: float, cy: float) -> Box:
    """The approximate extent of one line of ``text`` centred on (cx, cy), in pixels."""
    w = CHAR_WIDTH_EM * font_px * max(len(str(text)), 1)
    h = LINE_HEIGHT_EM * font_px
    return Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def marker_box(x: float, y: float, r: float) -> Box:
    r = max(r - 1.0, 0.0)  # markers may touch a label
    return Box(x - r, y - r, x + r, y + r)


def _candidates(w: float, h: float, r: float, steps: int, diagonals: bool = True) -> list[tuple[float, float]]:
    """Offsets (dx, dy) of a label's centre from its point, nearest first: above/below, then
    beside (left/right), then further above/below, then (``diagonals``) diagonally."""
    near = r + GAP_PX + h / 2
    side = r + GAP_PX + w / 2
    out = []
    for k in range(steps):
        out += [(0.0, -(near + k * (h + GAP_PX))), (0.0, near + k * (h + GAP_PX))]
        if k == 0:
            out += [(side, 0.0), (-side, 0.0)]
    if diagonals:
        out += [(side, -near), (-side, -near), (side, near), (-side, near)]
    return out


def place_labels(texts: Sequence[Sequence[str]], layouts: Sequence[Sequence[Point]], *, font_px: float,
                 bounds: Sequence[Sequence[float]] | None = None, steps: int = 4, diagonals: bool = True,
                 avoid_markers: bool = True, may_cover_markers: bool = True,
                 place_first: bool = True) -> tuple[list[Placed], list[int]]:
    """``texts[i]``: the label forms of point i (first preferred); ``layouts``: one list of points
    per layout, the first the nominal one (points without a text are obstacles only); a label
    may cover other markers only when none of its places is free and ``may_cover_markers``;
    ``bounds``: per layout (x0, y0, x1, y1). Places are tried nearest first, each with the long
    form, then the short one (a short label next to its point beats a long one far from it);
    with ``place_first`` false, every place with the long form before the short one. A
    label running over the nominal bounds is slid back inside horizontally. Returns (placed,
    dropped indexes)."""
    if not layouts or not texts:
        return [], []
    h = LINE_HEIGHT_EM * font_px
    markers = [[marker_box(x, y, r) for x, y, r in lay] for lay in layouts]
    placed: list[Placed] = []
    dropped: list[int] = []
    for i, forms in enumerate(texts):
        chosen = None
        x0, _, r0 = layouts[0][i]
        forms = [t for t in forms if t]
        tries = []  # (text, dx, dy), nearest place first, long form before short at each place
        per_form = [_candidates(CHAR_WIDTH_EM * font_px * max(len(t), 1), h, r0, steps, diagonals) for t in forms]
        if place_first:
            for k in range(max((len(c) for c in per_form), default=0)):
                for t, cands in zip(forms, per_form):
                    if k < len(cands):
                        tries.append((t, *cands[k]))
        else:
            tries = [(t, *c) for t, cands in zip(forms, per_form) for c in cands]
        passes = (True, False) if may_cover_markers else (True,)
        for strict in (passes if avoid_markers else (False,)):
            for text, dx, dy in tries:
                w = CHAR_WIDTH_EM * font_px * max(len(text), 1)
                if bounds is not None:  # slide back inside the nominal bounds
                    left, right = x0 + dx - w / 2, x0 + dx + w / 2
                    if right > bounds[0][2]:
                        dx -= right - bounds[0][2]
                    elif left < bounds[0][0]:
                        dx += bounds[0][0] - left
                boxes = []
                for li, lay in enumerate(layouts):
                    x, y, _ = lay[i]
                    box = text_box(text, font_px, x + dx, y + dy)
                    if (bounds is not None and not box.inside(bounds[li])) \
                            or any(box.overlaps(p.boxes[li]) for p in placed) \
                            or box.overlaps(markers[li][i]) \
                            or (strict and any(box.overlaps(m) for j, m in enumerate(markers[li]) if j != i)):
                        break
                    boxes.append(box)
                else:
                    chosen = Placed(i, text, dx, dy, tuple(boxes))
                    break
            if chosen:
                break
        if chosen is None:
            dropped.append(i)
        else:
            placed.append(chosen)
    return placed, dropped


def any_overlap(boxes: Sequence[Box]) -> bool:
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
