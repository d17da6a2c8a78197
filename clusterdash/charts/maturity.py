"""Charts of the maturity assessment: the stage ladder, the dimension radar, the trend of a
cluster's assessments and the workshop spread (plotly), plus the ladder and radar as plain SVG
for the printable brief (no JavaScript, no network).

Text that users typed (participant and initiative names) is escaped before it goes into a
chart: plotly interprets a few HTML tags in text.
"""

from __future__ import annotations

import math
import textwrap
from typing import Sequence

import pandas as pd
import plotly.graph_objects as go

from clusterdash import fields, maturity
from clusterdash.charts.common import STAGE_COLORS, stage_color, style
from clusterdash.safe_text import plotly_text


def escape(text) -> str:
    """User text (participant and initiative names) for Plotly and the brief's SVG: entities,
    no bidi override or zero-width character, ``%{`` broken (safe_text.plotly_text)."""
    return plotly_text(text, None)


SOURCE = "answers in ClusterDash; statements and stages from seed 004 PART 2"
GREY = "#d5dae1"
DARK = "#1B2430"
MUTED = "#5f6b7a"


def wrap(text: str, width: int = 34) -> str:
    """Wrap for plotly (``<br>``) without breaking words, escaping the text first."""
    return "<br>".join(escape(line) for line in textwrap.wrap(str(text), width, break_long_words=False) or [""])


def _ladder_label(stage_code: str) -> str:
    return maturity.stage_name(stage_code)


# ---- stage ladder ---------------------------------------------------------------------------

def ladder_figure(result: maturity.AssessmentResult, *, large: bool = False, height: int | None = None,
                  source: str = SOURCE) -> go.Figure:
    """The stage ladder: one rung per stage, initiation at the bottom, each rung's bar the stage's
    fulfilment (filled in the stage's colour when reached, pale otherwise), the 60 % line, and
    "◀ you are here" beside the assigned stage, "◀ next" beside the next one."""
    names, xs, colors, lines, texts, hovers = [], [], [], [], [], []
    for s in result.stages:
        names.append(s.stage_name)
        xs.append(0.0 if s.fulfilment is None else round(s.fulfilment * 100, 1))
        c = stage_color(s.stage_code)
        colors.append(c if s.reached else _tint(c, 0.3))
        lines.append(c)
        texts.append(f"{maturity.pct(s.fulfilment)} · {s.answered}/{s.total}" + ("" if large else " answered"))
        hovers.append(f"{s.stage_name}: {maturity.pct(s.fulfilment)} fulfilled, {s.answered} of {s.total} "
                      f"statements answered — {fields.value_label('stage_status', s.status)}")
    base = 22 if large else 14
    fig = go.Figure(
        go.Bar(
            y=names, x=xs, orientation="h", marker=dict(color=colors, line=dict(color=lines, width=2)),
            text=texts, textposition=["inside" if x > 55 else "outside" for x in xs], cliponaxis=False,
            hovertext=hovers, hoverinfo="text", textfont=dict(size=base - 2), insidetextanchor="end", width=0.66,
        )
    )
    fig.add_vline(x=maturity.REACHED_AT * 100, line=dict(color=MUTED, width=2, dash="dash"))
    fig.add_annotation(x=maturity.REACHED_AT * 100, y=1.0, yref="paper", yanchor="bottom", xanchor="center",
                       text=f"reached at {maturity.pct(maturity.REACHED_AT)}", showarrow=False,
                       font=dict(color=MUTED, size=base - 2))
    for code, text, color in ((result.stage_code, "<b>◀ you are here</b>", stage_color(result.stage_code)),
                              (result.next_stage_code, "◀ next", MUTED)):
        if code:
            fig.add_annotation(x=1.0, xref="paper", xanchor="left", xshift=8, y=maturity.stage_name(code), yref="y",
                               text=text, showarrow=False, font=dict(color=color, size=base))
    fig.update_xaxes(range=[0, 100], ticksuffix=" %", tickvals=[0, 20, 40, 60, 80, 100], gridcolor="#eef0f3",
                     title=None, fixedrange=True)
    fig.update_yaxes(title=None, tickfont=dict(size=base), categoryorder="array", categoryarray=names,
                     fixedrange=True, automargin=True)
    fig.update_layout(showlegend=False, bargap=0.25)
    style(fig, source=source, height=height or (460 if large else 330), large=large)
    fig.update_layout(margin=dict(l=10, r=230 if large else 130, t=44 if large else 36, b=90 if large else 80))
    if source:
        fig.layout.annotations[-1].update(y=-50 / _plot_height(fig), text=wrap_source(source, 110 if large else 60), align="left")
    return fig


def wrap_source(source: str, width: int = 60) -> str:
    """The source line of a chart, wrapped so it is not cut off in a half-width chart."""
    return "<br>".join(escape(line) for line in textwrap.wrap(f"Source: {source}", width, break_long_words=False))


def _tint(hex_color: str, strength: float) -> str:
    """Mix a colour with white (strength 1 = the colour)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i: i + 2], 16) for i in (0, 2, 4))
    mix = lambda c: round(255 - (255 - c) * strength)  # noqa: E731
    return f"#{mix(r):02x}{mix(g):02x}{mix(b):02x}"


# ---- dimension radar ----------------------------------------------------------------------------

RADAR_COLORS = ["#08519c", "#e6550d", "#31a354", "#756bb1", "#636363", "#d6616b"]


def radar_figure(results: Sequence[tuple[str, maturity.AssessmentResult]], *, large: bool = False,
                 height: int | None = None, source: str = SOURCE) -> go.Figure:
    """One closed polygon per (name, result): each dimension's mean score in percent. Dimensions
    without answers are marked '(no answers)' and drawn at 0."""
    fig = go.Figure()
    first = results[0][1] if results else None
    labels = []
    if first:
        for d in first.dimensions:
            missing = all(r.dimensions[i].score is None for _, r in results for i, dd in enumerate(r.dimensions)
                          if dd.dimension_code == d.dimension_code)
            labels.append(wrap(d.dimension_name, 18) + ("<br><i>(no answers)</i>" if missing else ""))
    for k, (name, r) in enumerate(results):
        vals = [0.0 if d.score is None else round(d.score * 100, 1) for d in r.dimensions]
        hover = [f"{escape(d.dimension_name)}: {maturity.pct(d.score)} ({d.answered} of {d.total} statements)"
                 for d in r.dimensions]
        color = RADAR_COLORS[k % len(RADAR_COLORS)]
        fig.add_trace(
            go.Scatterpolar(
                r=vals + vals[:1], theta=labels + labels[:1], name=escape(name), fill="toself",
                line=dict(color=color, width=3), fillcolor=_rgba(color, 0.15 if len(results) > 1 else 0.25),
                marker=dict(size=7), hovertext=hover + hover[:1], hoverinfo="text",
            )
        )
    base = 22 if large else 14
    fig.update_layout(
        polar=dict(
            radialaxis=dict(range=[0, 100], ticksuffix=" %", tickvals=[20, 60, 100], angle=72, tickangle=0,
                            tickfont=dict(size=base - 4, color=MUTED), gridcolor="#dfe3e8"),
            angularaxis=dict(tickfont=dict(size=base - 2), direction="clockwise", gridcolor="#dfe3e8"),
        ),
        showlegend=len(results) > 1,
        legend=dict(orientation="h", x=0.5, xanchor="center", y=1.08, yanchor="bottom"),
    )
    multi = len(results) > 1
    style(fig, source=source, height=height or ((640 if large else 450) + (40 if multi else 0)), large=large)
    side = 190 if large else 105
    fig.update_layout(margin=dict(l=side, r=side, t=(110 if large else 90) if multi else 50, b=100 if large else 90))
    if source:
        fig.layout.annotations[-1].update(y=-58 / _plot_height(fig), text=wrap_source(source, 110 if large else 60), align="left")
    return fig


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i: i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# ---- trend of a cluster's assessments --------------------------------------------------------------

def trend_figure(trend: pd.DataFrame, *, large: bool = False, source: str = SOURCE) -> go.Figure:
    """Fulfilment of each stage over the assessment dates (one line per stage), with the assigned
    stage written above each date."""
    fig = go.Figure()
    for st in maturity.STAGES:
        part = trend[trend["stage_code"] == st]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part["assessed_on"]), y=part["fulfilment_pct"].astype(float),
                mode="lines+markers", name=maturity.stage_name(st),
                line=dict(color=STAGE_COLORS[st], width=3), marker=dict(size=10),
                hovertemplate=f"{maturity.stage_name(st)}: %{{y:.0f}} %<extra>%{{x|%Y-%m-%d}}</extra>",
            )
        )
    fig.add_hline(y=maturity.REACHED_AT * 100, line=dict(color=MUTED, width=2, dash="dash"),
                  annotation_text=f"reached at {maturity.pct(maturity.REACHED_AT)}", annotation_position="bottom right")
    per = trend.drop_duplicates("assessment_id")
    for row in per.itertuples():
        fig.add_annotation(x=pd.Timestamp(row.assessed_on), y=112, text=f"<b>{escape(row.assigned_stage)}</b>",
                           showarrow=False, font=dict(color=stage_color(_code(row.assigned_stage))))
    fig.update_yaxes(range=[0, 120], ticksuffix=" %", tickvals=[0, 20, 40, 60, 80, 100], title=fields.label("fulfilment_pct"))
    fig.update_xaxes(title=fields.label("assessed_on"), tickformat="%Y-%m-%d")
    if len(per) == 1:
        d = pd.Timestamp(per.iloc[0]["assessed_on"])
        fig.update_xaxes(range=[d - pd.Timedelta(days=30), d + pd.Timedelta(days=30)])
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.22))
    style(fig, source=source, height=460 if not large else 600, large=large)
    fig.update_layout(margin=dict(l=10, r=10, t=20, b=120))
    if source:
        fig.layout.annotations[-1].update(y=-100 / _plot_height(fig), text=wrap_source(source, 120), align="left")
    return fig


def _code(stage_name: str) -> str | None:
    for c, n in maturity.stage_names().items():
        if n == stage_name:
            return c
    return None


# ---- workshop: where the room disagrees -------------------------------------------------------------

def spread_figure(answers: pd.DataFrame, statements: pd.DataFrame, *, large: bool = False,
                  source: str = SOURCE) -> go.Figure:
    """For each statement in ``statements`` (rows with statement_code, statement, mean_score), each
    participant's score as a dot and the mean as a diamond, 0-100 %. ``answers`` has participant,
    statement_code and score (don't knows have no score and are not drawn)."""
    order = list(statements["statement_code"])
    labels = {r.statement_code: wrap(r.statement, 46) for r in statements.itertuples()}
    fig = go.Figure()
    pts = answers[answers["statement_code"].isin(order) & answers["score"].notna()].copy()
    pts["score"] = pts["score"].astype(float).round(3)
    # participants giving the same answer share one dot, sized by their number
    groups = (pts.groupby(["statement_code", "score"], sort=False)
              .agg(n=("participant", "size"), who=("participant", lambda s: ", ".join(escape(str(x)) for x in s)),
                   answer=("answer", "first"))
              .reset_index())
    size = 14 if not large else 20
    fig.add_trace(
        go.Scatter(
            x=(groups["score"] * 100).round(1), y=[labels[c] for c in groups["statement_code"]],
            mode="markers+text", name="participants (dot size = how many)",
            marker=dict(size=[size + 6 * (n - 1) for n in groups["n"]], color="#4292c6", opacity=0.65,
                        line=dict(color="white", width=1)),
            text=[str(n) if n > 1 else "" for n in groups["n"]], textfont=dict(color="white", size=size - 2),
            hovertext=[f"{a}: {w}" for a, w in zip(groups["answer"], groups["who"])], hoverinfo="text",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=(statements["mean_score"].astype(float) * 100).round(1), y=[labels[c] for c in order],
            mode="markers", name="mean", marker=dict(symbol="diamond", size=18 if not large else 24, color="#e6550d",
                                                     line=dict(color=DARK, width=1)),
            hovertemplate="mean %{x:.0f} %<extra></extra>",
        )
    )
    fig.update_xaxes(range=[-5, 105], tickvals=[0, 100 / 3, 200 / 3, 100],
                     ticktext=["not true", "partly", "largely", "fully"], gridcolor="#eef0f3", title=None)
    fig.update_yaxes(autorange="reversed", title=None, tickfont=dict(size=(13 if not large else 20), color=DARK))
    n = max(len(order), 1)
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    style(fig, source=source, height=max(260, 95 * n + 120) if not large else max(340, 130 * n + 140), large=large)
    fig.update_layout(margin=dict(l=10, r=20, t=50, b=80))
    if source:
        fig.layout.annotations[-1].update(y=-45 / _plot_height(fig), text=wrap_source(source, 120), align="left")
    return fig


def _plot_height(fig: go.Figure) -> float:
    """Height of the plotting area in pixels (for placing the source line below the x axis)."""
    m = fig.layout.margin
    return max(1.0, (fig.layout.height or 450) - (m.t or 0) - (m.b or 0))


# ---- plain SVG for the printable brief -----------------------------------------------------------------

def ladder_svg(result: maturity.AssessmentResult, width: int = 360, height: int = 170) -> str:
    """The stage ladder as a self-contained SVG string (all text escaped): one rung per stage,
    initiation at the bottom, the 60 % line, "◀ you are here" and "◀ next"."""
    left, right, top, bottom = 92, 82, 16, 18
    pw, ph = width - left - right, height - top - bottom
    n = len(result.stages)
    slot = ph / n
    bh = slot * 0.62
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-family="Helvetica, Arial, sans-serif" role="img" aria-label="Stage ladder">']
    for v in (0, 20, 40, 60, 80, 100):
        x = left + pw * v / 100
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + ph:.1f}" stroke="#eceef1"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 12:.1f}" font-size="8" text-anchor="middle" fill="{MUTED}">{v} %</text>')
    tx = left + pw * maturity.REACHED_AT
    out.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top - 2}" y2="{top + ph:.1f}" stroke="{MUTED}" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{tx:.1f}" y="{top - 5}" font-size="8" text-anchor="middle" fill="{MUTED}">'
               f'reached at {escape(maturity.pct(maturity.REACHED_AT))}</text>')
    for i, s in enumerate(result.stages):
        y = top + ph - slot * (i + 1) + (slot - bh) / 2  # initiation at the bottom
        v = 0 if s.fulfilment is None else s.fulfilment
        w = pw * v
        c = stage_color(s.stage_code)
        fill = c if s.reached else _tint(c, 0.3)
        out.append(f'<text x="{left - 5}" y="{y + bh / 2 + 3:.1f}" font-size="9.5" text-anchor="end" fill="{DARK}">'
                   f'{escape(s.stage_name)}</text>')
        out.append(f'<rect x="{left}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{bh:.1f}" fill="{fill}" '
                   f'stroke="{c}" stroke-width="1.2"/>')
        inside = v > 0.8
        out.append(f'<text x="{left + w + (-3 if inside else 3):.1f}" y="{y + bh / 2 + 3:.1f}" font-size="8.5" '
                   f'text-anchor="{"end" if inside else "start"}" fill="{"white" if inside and s.reached else DARK}">'
                   f'{escape(maturity.pct(s.fulfilment))}</text>')
        mark = ("◀ you are here", c) if s.stage_code == result.stage_code else (
            ("◀ next", MUTED) if s.stage_code == result.next_stage_code else None)
        if mark:
            out.append(f'<text x="{left + pw + 6:.1f}" y="{y + bh / 2 + 3:.1f}" font-size="9" font-weight="bold" '
                       f'fill="{mark[1]}">{escape(mark[0])}</text>')
    out.append("</svg>")
    return "".join(out)


def radar_svg(result: maturity.AssessmentResult, size: int = 300, height: int | None = None) -> str:
    """The dimension radar as a self-contained SVG string (all text escaped); ``size`` is the width."""
    dims = result.dimensions
    n = len(dims)
    height = height or size
    cx, cy = size / 2, height / 2
    r = min(height * 0.36, size * 0.25)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{height}" viewBox="0 0 {size} {height}" '
           f'font-family="Helvetica, Arial, sans-serif" role="img" aria-label="Dimensions radar">']

    def point(i: int, frac: float) -> tuple[float, float]:
        a = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * frac * math.cos(a), cy + r * frac * math.sin(a)

    for frac in (0.2, 0.4, 0.6, 0.8, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, frac) for i in range(n)))
        out.append(f'<polygon points="{pts}" fill="none" stroke="{"#b9c0c9" if frac == 0.6 else "#e3e6ea"}"/>')
    for i, d in enumerate(dims):
        x, y = point(i, 1)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#e3e6ea"/>')
        lx, ly = point(i, 1.2)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        words = textwrap.wrap(d.dimension_name, 15, break_long_words=False)
        for k, w in enumerate(words):
            out.append(f'<text x="{lx:.1f}" y="{ly + 3 + (k - (len(words) - 1) / 2) * 9:.1f}" font-size="8" '
                       f'text-anchor="{anchor}" fill="{DARK}">{escape(w)}</text>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, 0 if d.score is None else d.score) for i, d in enumerate(dims)))
    out.append(f'<polygon points="{pts}" fill="rgba(8,81,156,0.22)" stroke="#08519c" stroke-width="2"/>')
    out.append("</svg>")
    return "".join(out)
