"""Checklist progress as a horizontal stacked bar per area (or per checklist): done, in
progress, not yet, no answer yet, not applicable — with the share done written at the end."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from clusterdash import checklists, fields
from clusterdash.charts.common import style

STATUS_COLORS = {
    "done": "#1a7f37",
    "in_progress": "#d08700",
    "not_yet": "#c62828",
    "no_answer": "#cfd6de",
    "not_applicable": "#8c959f",
}
# stacking order, left to right
STACK = ("done", "in_progress", "not_yet", "no_answer", "not_applicable")


def _wrap(label: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(str(label), width=width)) or str(label)


def progress_figure(progress: pd.DataFrame, *, by: str = "area", source: str | None = None,
                    large: bool = False, label_width: int = 34) -> go.Figure:
    """``progress`` as computed by checklists.compute_progress(board, by)."""
    labels = [_wrap(v, label_width) for v in progress[by]]
    fig = go.Figure()
    for status in STACK:
        counts = progress[status].tolist() if status in progress else [0] * len(progress)
        fig.add_trace(
            go.Bar(
                y=labels, x=counts, orientation="h", name=checklists.status_label(status),
                marker=dict(color=STATUS_COLORS[status], line=dict(color="white", width=1)),
                text=[str(c) if c else "" for c in counts], textposition="inside", insidetextanchor="middle",
                textfont=dict(color="white" if status in ("done", "not_yet", "not_applicable") else "#1B2430"),
                hovertemplate="%{y}<br>" + checklists.status_label(status) + ": %{x} items<extra></extra>",
            )
        )
    pct = [("–" if p is None or pd.isna(p) else f"{p:.0f} % done") for p in progress["done_pct"]]
    fig.add_trace(
        go.Scatter(
            y=labels, x=progress["items"].tolist(), mode="text", text=pct, textposition="middle right",
            showlegend=False, hoverinfo="skip", textfont=dict(size=(20 if large else 13), color="#1B2430"),
        )
    )
    n = len(progress)
    row = 56 if large else 40
    height = max(220, 120 + row * n)
    style(fig, source=source, height=height, large=large)
    max_items = int(progress["items"].max()) if n else 1
    fig.update_layout(
        barmode="stack",
        bargap=0.3,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal"),
        margin=dict(l=10, r=30, t=40, b=70 if source else 30),
        xaxis=dict(title=fields.label("items"), range=[0, max_items * 1.28 + 1], gridcolor="#e5e9ef", zeroline=False,
                   dtick=max(1, round(max_items / 6))),
        yaxis=dict(autorange="reversed", automargin=True),
    )
    if source:  # style() places the source for a default height; keep it clear of the axis title
        fig.layout.annotations[-1].update(y=-(55 / (height - 110)))
    return fig
