"""Charts of the toolkit: stakeholder map (influence × point of view), service portfolio
(effort × relevance), management-team profile, legal-form fit.

The two grid charts place names as stacked lines inside their cell (never scattered on top
of each other); a cell with more names than fit ends with '+ n more', and every name is in
the table beside the chart and its CSV.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from clusterdash import fields, toolkit
from clusterdash.charts.common import style, wrap_lines
from clusterdash.safe_text import plotly_text

ASSESSMENT_COLORS = {"positive": "#2e7d32", "neutral": "#546e7a", "critical": "#c62828"}
PLACEMENT_COLORS = {
    "fee_based": "#0B5CAD",
    "membership_fees": "#2e7d32",
    "exclude_or_free": "#757575",
    "critical_review": "#d35400",
    None: "#9e9e9e",
}
MEMBER_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "star", "cross", "pentagon", "hexagon",
                  "triangle-down")
LINE_PX = {False: 24, True: 36}  # height of one name line, normal and presentation mode
CHARS = {False: 34, True: 32}  # characters of a name that fit a cell line
SCORE_COLUMN_X = toolkit.SCORE_MAX + 0.9  # where the team profile writes the team score


def shorten(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"




def add_source(fig: go.Figure, source: str | None, *, large: bool, below_px: int) -> int:
    """The source as a caption ``below_px`` under the plot area; returns the pixels it takes."""
    if not source:
        return 0
    size = 16 if large else 11
    lines = wrap_lines(f"Source: {source}", 90 if large else 125)
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0, yshift=-below_px,
                       xanchor="left", yanchor="top", align="left", showarrow=False,
                       font=dict(size=size, color="#5f6b7a"))
    return int(len(lines) * size * 1.35) + 6


@dataclass(frozen=True)
class Placed:
    label: str  # as shown (possibly shortened, or '+ n more')
    full: str  # for the hover
    x: float
    y: float
    color: str
    is_more: bool = False


def stack_in_cells(items: list[dict], x_levels: tuple[str, ...], y_levels: tuple[str, ...], *,
                   lines_per_cell: int, chars: int) -> list[Placed]:
    """Place items (dicts with x, y, label, color) as lines inside their grid cell.

    Cell (i, j) spans x ∈ [i-0.5, i+0.5], y ∈ [j-0.5, j+0.5]; line k of a cell sits at
    y = j + 0.5 - (k + 1) / (lines_per_cell + 1), so lines never overlap and never leave their
    cell. When a cell has more items than lines, the last line says '+ n more'.
    """
    cells: dict[tuple[int, int], list[dict]] = {}
    for it in items:
        if it["x"] not in x_levels or it["y"] not in y_levels:
            continue
        cells.setdefault((x_levels.index(it["x"]), y_levels.index(it["y"])), []).append(it)
    out: list[Placed] = []
    step = 1.0 / (lines_per_cell + 1)
    for (i, j), members in sorted(cells.items()):
        shown = members if len(members) <= lines_per_cell else members[: lines_per_cell - 1]
        for k, it in enumerate(shown):
            # user text (SWOT items, stakeholder names): Plotly reads HTML in text and hover labels
            out.append(Placed(plotly_text(shorten(it["label"], chars), None), plotly_text(it["label"], 500),
                              i - 0.44, j + 0.5 - (k + 1) * step, it["color"]))
        if len(shown) < len(members):
            rest = members[len(shown):]
            out.append(Placed(f"+ {len(rest)} more", "<br>".join(plotly_text(r["label"], 120) for r in rest), i - 0.44,
                              j + 0.5 - (len(shown) + 1) * step, "#5f6b7a", is_more=True))
    return out


def _grid_figure(placed: list[Placed], x_levels, x_labels, y_levels, y_labels, *, x_title: str, y_title: str,
                 lines_per_cell: int, large: bool, cell_fill: dict | None = None, legend: dict | None = None,
                 source: str | None = None, title: str | None = None) -> go.Figure:
    fig = go.Figure()
    line_px = LINE_PX[large]
    for i in range(len(x_levels)):
        for j in range(len(y_levels)):
            fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=j - 0.5, y1=j + 0.5,
                          line=dict(color="#c5ced9", width=1),
                          fillcolor=(cell_fill or {}).get((x_levels[i], y_levels[j]), "#f7f9fc"), layer="below")
    for color in dict.fromkeys(p.color for p in placed):
        pts = [p for p in placed if p.color == color]
        fig.add_trace(go.Scatter(
            x=[p.x for p in pts], y=[p.y for p in pts], mode="markers+text",
            text=[p.label for p in pts], textposition="middle right",
            customdata=[p.full for p in pts], hovertemplate="%{customdata}<extra></extra>",
            marker=dict(size=12 if not large else 16, color=color, symbol=["circle" if not p.is_more else "line-ew"
                                                                         for p in pts]),
            textfont=dict(color="#1B2430"), showlegend=False, cliponaxis=False,
        ))
    for name, color in (legend or {}).items():  # legend entries without points
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name,
                                 marker=dict(size=12, color=color), showlegend=True))
    fig.update_xaxes(range=[-0.5, len(x_levels) - 0.5], tickvals=list(range(len(x_levels))), ticktext=list(x_labels),
                     title=dict(text=x_title), showgrid=False, zeroline=False, fixedrange=True, side="top")
    fig.update_yaxes(range=[-0.5, len(y_levels) - 0.5], tickvals=list(range(len(y_levels))), ticktext=list(y_labels),
                     title=dict(text=y_title), showgrid=False, zeroline=False, fixedrange=True)
    style(fig, title=title, large=large)
    legend_px = (34 if large else 28) if legend else 0
    source_px = add_source(fig, source, large=large, below_px=legend_px + 8)
    bottom = legend_px + source_px + 16
    top = (110 if title else 70) + (14 if large else 0)
    fig.update_layout(height=len(y_levels) * (lines_per_cell + 1) * line_px + top + bottom,
                      margin=dict(l=10, r=10, t=top, b=bottom),
                      legend=dict(orientation="h", yanchor="top", y=-0.01, x=0, xanchor="left"),
                      hovermode="closest")
    return fig


def _lines_needed(counts: list[int], *, least: int = 3, most: int = 8) -> int:
    return max(least, min(most, max(counts, default=0)))


def stakeholder_map(stakeholders: pd.DataFrame, *, large: bool = False, source: str | None = None) -> go.Figure:
    """Influence (rows: low → high) × point of view (columns: critical → positive); each name
    in the colour of its assessment."""
    x_levels = ("critical", "neutral", "positive")
    y_levels = ("low", "medium", "high")
    items = [{"x": r.assessment, "y": r.influence, "label": r.name, "color": ASSESSMENT_COLORS.get(r.assessment, "#999")}
             for r in stakeholders.itertuples()]
    counts = stakeholders.groupby(["assessment", "influence"]).size().tolist() if len(stakeholders) else []
    lines = _lines_needed(counts)
    placed = stack_in_cells(items, x_levels, y_levels, lines_per_cell=lines, chars=CHARS[large])
    fill = {("critical", "high"): "#fdecea", ("positive", "high"): "#eaf5ea"}
    return _grid_figure(
        placed, x_levels, [fields.value_label("assessment", x) for x in x_levels], y_levels,
        [fields.value_label("influence", y) for y in y_levels], x_title=fields.label("assessment"),
        y_title=fields.label("influence"), lines_per_cell=lines, large=large, cell_fill=fill, source=source,
    )


def portfolio_map(placed_services: pd.DataFrame, *, large: bool = False, source: str | None = None) -> go.Figure:
    """Expected effort for cluster management (columns) × expected relevance for actors (rows);
    each service in the colour of its placement (chosen, else suggested)."""
    x_levels = ("low", "medium", "high")
    y_levels = ("low", "medium", "high")
    rated = placed_services[placed_services["effort"].notna() & placed_services["relevance"].notna()]
    items = [{"x": r.effort, "y": r.relevance, "label": r.service_name,
              "color": PLACEMENT_COLORS.get(r.placement if isinstance(r.placement, str) else None)}
             for r in rated.itertuples()]
    counts = rated.groupby(["effort", "relevance"]).size().tolist() if len(rated) else []
    lines = _lines_needed(counts)
    placed = stack_in_cells(items, x_levels, y_levels, lines_per_cell=lines, chars=CHARS[large])
    legend = {fields.value_label("placement", p): PLACEMENT_COLORS[p] for p in fields.codes("placement")}
    return _grid_figure(
        placed, x_levels, [fields.value_label("effort", x) for x in x_levels], y_levels,
        [fields.value_label("relevance", y) for y in y_levels], x_title=fields.label("effort"),
        y_title=fields.label("relevance"), lines_per_cell=lines, large=large, legend=legend, source=source,
    )


def team_profile(team: pd.DataFrame, members: pd.DataFrame, scores: pd.DataFrame, *, large: bool = False,
                 source: str | None = None) -> go.Figure:
    """Per criterion (rows, in the guide's order): a bar for the FTE-weighted team score and a
    marker per team member's own score."""
    crit = team.sort_values("criterion_seq")
    labels = [f"{int(c.criterion_seq)}. {shorten(c.criterion, 44 if not large else 34)}" for c in crit.itertuples()]
    fig = go.Figure()
    team_values = [None if pd.isna(v) else float(v) for v in crit["team_score"]]
    fig.add_trace(go.Bar(
        y=labels, x=team_values, orientation="h", name=fields.label("team_score"), marker=dict(color="#9ecae1"),
        hovertemplate="%{y}<br>team score %{x:.2f}<extra></extra>",
    ))
    # the team score written in a column of its own right of the scale: never under a marker
    fig.add_trace(go.Scatter(
        y=labels, x=[SCORE_COLUMN_X] * len(labels), mode="text", showlegend=False, hoverinfo="skip",
        text=["–" if v is None else f"<b>{v:.1f}</b>" for v in team_values], textposition="middle center",
    ))
    fig.add_annotation(x=SCORE_COLUMN_X, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                       text="Team", font=dict(size=12 if not large else 18, color="#5f6b7a"))
    seq_to_label = dict(zip(crit["criterion_seq"], labels))
    for k, m in enumerate(members.itertuples()):
        mine = scores[scores["member_id"] == m.member_id]
        if mine.empty:
            continue
        fig.add_trace(go.Scatter(
            y=[seq_to_label[s] for s in mine["criterion_seq"] if s in seq_to_label],
            x=[float(v) for s, v in zip(mine["criterion_seq"], mine["score"]) if s in seq_to_label],
            mode="markers", name=f"{plotly_text(m.member_name, 24)} ({m.fte_pct:g} % FTE)",
            marker=dict(symbol=MEMBER_SYMBOLS[k % len(MEMBER_SYMBOLS)], size=11 + min(float(m.fte_pct), 100) / 20,
                        color="#08519c", line=dict(color="white", width=1)),
            hovertemplate=f"{plotly_text(m.member_name)}<br>%{{y}}: %{{x}}<extra></extra>",
        ))
    row_px = 44 if not large else 62
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels, automargin=True)
    fig.update_xaxes(range=[-0.3, SCORE_COLUMN_X + 0.5], tickvals=list(range(toolkit.SCORE_MIN, toolkit.SCORE_MAX + 1)),
                     title=dict(text=fields.label("score")), gridcolor="#e3e8ef", zeroline=False)
    style(fig, large=large)
    source_px = add_source(fig, source, large=large, below_px=48 if not large else 84)
    bottom = (48 if not large else 84) + source_px + 10
    fig.update_layout(height=len(labels) * row_px + 80 + bottom, bargap=0.35,
                      legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left"),
                      margin=dict(l=10, r=20, t=70, b=bottom))
    return fig


def legal_form_fit(table: pd.DataFrame, *, large: bool = False, source: str | None = None) -> go.Figure:
    """Per legal form (in the ranked order of ``LegalFormResult.table()``): supporting answers to
    the right, conflicting answers to the left; forms whose precondition is not met are marked."""
    t = table.iloc[::-1]  # plotly draws the first category at the bottom
    names = [f"{r.legal_form}{'  ⚠ precondition not met' if r.precondition_not_met else ''}"
             f"{'  ★ suggested' if r.suggested else ''}" for r in t.itertuples()]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=list(t["supporting_answers"]), orientation="h", name="Answers in favour",
                         marker=dict(color="#2e7d32"), hovertemplate="%{y}: %{x} in favour<extra></extra>"))
    fig.add_trace(go.Bar(y=names, x=[-v for v in t["conflicting_answers"]], orientation="h", name="Answers against",
                         marker=dict(color="#c62828"), customdata=list(t["conflicting_answers"]),
                         hovertemplate="%{y}: %{customdata} against<extra></extra>"))
    top = max(3, int(t["supporting_answers"].max() if len(t) else 0), int(t["conflicting_answers"].max() if len(t) else 0))
    fig.update_xaxes(range=[-top - 0.5, top + 0.5], dtick=1, zeroline=True, zerolinecolor="#1B2430",
                     title=dict(text="← answers against · answers in favour →"), gridcolor="#e3e8ef")
    fig.update_yaxes(automargin=True)
    style(fig, large=large)
    source_px = add_source(fig, source, large=large, below_px=52 if not large else 84)
    bottom = (52 if not large else 84) + source_px + 10
    fig.update_layout(barmode="relative", legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0),
                      height=len(names) * (56 if not large else 76) + 70 + bottom,
                      margin=dict(l=10, r=20, t=60, b=bottom))
    return fig
