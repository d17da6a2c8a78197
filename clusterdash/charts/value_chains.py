"""The value-chain diagram: the stages as boxes along the chain (upstream first, wrapping into
rows), arrows between them, each box coloured by coverage; gaps stand out (red, thick border,
'GAP'). Plotly, no Streamlit. User text is escaped (plotly reads a few HTML tags in texts).
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from clusterdash import fields
from clusterdash import value_chains as vc
from clusterdash.charts.common import FONT_FAMILY, style
from clusterdash.safe_text import plotly_text

ROW_HEIGHT_PX = 190
ROW_HEIGHT_LARGE_PX = 250


def _safe(text) -> str:
    """User text for plotly: its HTML-like tags and entities shown literally, no bidi override or
    zero-width character (safe_text.plotly_text)."""
    return plotly_text(text, None)


def _wrap(text: str, width: int, max_lines: int) -> str:
    lines = textwrap.wrap(text, width=width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return "<br>".join(_safe(line) for line in lines)


def _tint(hex_color: str, amount: float) -> str:
    """``hex_color`` mixed with white (amount 0 = white, 1 = the colour)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    mix = [round(255 - (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def chain_figure(stages: pd.DataFrame, *, per_row: int = 4, title: str | None = None, source: str | None = None,
                 large: bool = False) -> go.Figure:
    """Boxes for ``stages`` (columns seq, stage_name, local_actors, coverage_status, notes) in
    chain order, ``per_row`` to a row, with arrows; hover shows the whole stage."""
    n = len(stages)
    rows = max(1, -(-n // per_row))
    fig = go.Figure()
    base = 19 if large else 13
    if n == 0:
        fig.add_annotation(text="No stages yet: add the first stage of the chain, or start from a template.",
                           x=0.5, y=0.5, xref="x", yref="y", showarrow=False,
                           font=dict(size=base, color="#5f6b7a"))
    w, h = 0.8, 0.72  # box size in cell units (each cell is 1 × 1)
    hover_x, hover_y, hover_text = [], [], []
    for k, rec in enumerate(stages.to_dict("records")):
        r, c = divmod(k, per_row)
        cx, cy = c + 0.5, -(r + 0.5)
        key = vc.coverage_key(rec.get("coverage_status"))
        color = vc.COVERAGE_COLORS[key]
        is_gap = key == "gap"
        fig.add_shape(
            type="rect", x0=cx - w / 2, x1=cx + w / 2, y0=cy - h / 2, y1=cy + h / 2,
            line=dict(color=color, width=5 if is_gap else 2, dash="dot" if key == vc.NOT_ASSESSED else "solid"),
            fillcolor=_tint(color, 0.30 if is_gap else 0.14), layer="below",
        )
        name = _wrap(str(rec.get("stage_name") or ""), 20 if not large else 17, 2)
        status = vc.coverage_label(key).upper() if is_gap else vc.coverage_label(key)
        actors = rec.get("local_actors")
        actors_line = (_wrap(str(actors), 26 if not large else 22, 2) if isinstance(actors, str) and actors.strip()
                       else "<i>no local actor named</i>")
        fig.add_annotation(
            x=cx, y=cy + h / 2 - 0.05, xref="x", yref="y", showarrow=False, yanchor="top",
            text=f"<b>{int(rec.get('seq') or k + 1)}. {name}</b>", font=dict(size=base, color="#1B2430"),
        )
        fig.add_annotation(
            x=cx, y=cy - 0.02, xref="x", yref="y", showarrow=False, yanchor="middle",
            text=f"<b>{status}</b>", font=dict(size=base + (2 if is_gap else 0), color=color if key != "partly_covered" else "#8a5a00"),
        )
        fig.add_annotation(
            x=cx, y=cy - h / 2 + 0.04, xref="x", yref="y", showarrow=False, yanchor="bottom",
            text=actors_line, font=dict(size=base - 2, color="#3b4656"),
        )
        if k + 1 < n:
            r2, c2 = divmod(k + 1, per_row)
            if r2 == r:  # arrow to the right
                fig.add_annotation(
                    x=cx + 1 - w / 2, y=cy, ax=cx + w / 2, ay=cy,
                    xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
                    arrowhead=2, arrowsize=1.2, arrowwidth=2, arrowcolor="#5f6b7a",
                )
            else:  # wrap: arrow down from the row's last box to the next row's first
                fig.add_annotation(
                    x=0.5 - w / 2 - 0.06, y=-(r2 + 0.5), ax=cx + w / 2 + 0.08, ay=cy,
                    xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
                    arrowhead=2, arrowsize=1.2, arrowwidth=1.5, arrowcolor="#9aa3ad",
                )
        hover_x.append(cx)
        hover_y.append(cy)
        hover_text.append(
            f"<b>{_safe(rec.get('stage_name'))}</b><br>{fields.label('coverage_status')}: {vc.coverage_label(key)}"
            + (f"<br>Local actors: {_wrap(str(actors), 60, 8)}" if isinstance(actors, str) and actors.strip() else "")
            + (f"<br>Notes: {_wrap(str(rec['notes']), 60, 8)}" if isinstance(rec.get("notes"), str) and rec["notes"].strip() else "")
        )
    fig.add_trace(go.Scatter(
        x=hover_x, y=hover_y, mode="markers", marker=dict(size=60, opacity=0), hoverinfo="text",
        hovertext=hover_text, showlegend=False, name="stages",
    ))
    fig.update_xaxes(visible=False, range=[0, per_row], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-rows, 0], fixedrange=True)
    style(fig, title=title, source=source, large=large,
          height=(ROW_HEIGHT_LARGE_PX if large else ROW_HEIGHT_PX) * rows + (60 if title else 20) + (50 if source else 0))
    fig.update_layout(hoverlabel=dict(font=dict(family=FONT_FAMILY, size=base)), dragmode=False)
    if source:  # the source caption sits 12 px under the plot area, whatever the number of rows
        m = fig.layout.margin
        plot_h = fig.layout.height - m.t - m.b
        fig.layout.annotations[-1].update(y=-12 / plot_h)
    return fig
