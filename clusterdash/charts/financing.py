"""Plotly figures of the financing pillar. Each takes the exact DataFrame the page shows and
offers for download, so what is drawn is what is exported. No Streamlit here."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from clusterdash import fields
from clusterdash.charts.common import style, wrap_label
from clusterdash.safe_text import plotly_text

# One colour per income group, used in every financing chart; a named case's components get the
# colour of the group they correspond to.
GROUP_COLORS = {
    "Baseline support (public)": "#1f5fa8",
    "Membership fees": "#2e9e5b",
    "Fee-based services": "#7cc68a",
    "Sponsoring": "#e0a526",
    "Publicly funded projects": "#8e6bbf",
    "Other income": "#9e9e9e",
    # Business Upper Austria's components
    "Public Funding": "#1f5fa8",
    "Annual Partner Fees": "#2e9e5b",
    "Services & Projects": "#5aa9a0",
}
WHO_COLORS = {"yours": "#e6550d", "region": "#1f5fa8", "case": "#2e9e5b", "rule": "#8e6bbf"}
INCOME_COLOR = "#2e9e5b"
EXPENDITURE_COLOR = "#d9622b"
CASH_COLOR = "#1B2430"
NEGATIVE_COLOR = "#c62828"


def _finish(fig: go.Figure, *, source: str | None, height: int, large: bool) -> go.Figure:
    """House style, plus the source line in the bottom margin, below the axis title (the shared
    style() puts it where a tall axis title would cover it)."""
    fig = style(fig, height=height, large=large)
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(automargin=True)
    base = 22 if large else 14
    if source:
        bottom = 124 if large else 100
        fig.update_layout(margin=dict(b=bottom))
        fig.add_annotation(text=f"Source: {source}", xref="paper", yref="paper", x=0, y=0, yshift=-(bottom - 4),
                           showarrow=False, xanchor="left", yanchor="bottom",
                           font=dict(size=base - 3, color="#5f6b7a"))
    return fig


def _color(component: str) -> str:
    return GROUP_COLORS.get(component, "#607d8b")




def mix_bars(df: pd.DataFrame, *, source: str | None = None, large: bool = False) -> go.Figure:
    """Financing mixes side by side: one 100 % stacked horizontal bar per mix (df: mix, component,
    share_pct, share_text). Segments are labelled with the share as printed."""
    fig = go.Figure()
    mixes = list(dict.fromkeys(df["mix"]))
    components = list(dict.fromkeys(df["component"]))
    for comp in components:
        part = df[df["component"] == comp]
        fig.add_trace(go.Bar(
            name=comp, orientation="h", y=[wrap_label(m, 30) for m in part["mix"]], x=part["share_pct"],
            text=part["share_text"], textposition="inside", insidetextanchor="middle", textangle=0,
            marker=dict(color=_color(comp), line=dict(color="white", width=1)),
            hovertemplate="%{y}<br>" + comp + ": %{text}<extra></extra>",
        ))
    base = 22 if large else 14
    fig.update_layout(
        barmode="stack", bargap=0.35,
        xaxis=dict(title=fields.label("share_pct"), range=[0, 100], ticksuffix=" %", gridcolor="#e5e9ef"),
        yaxis=dict(categoryorder="array", categoryarray=[wrap_label(m, 30) for m in reversed(mixes)], automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal"),
        uniformtext=dict(minsize=base - 4, mode="hide"),
    )
    height = (230 + 100 * len(mixes)) if large else (170 + 70 * len(mixes))
    return _finish(fig, source=source, height=max(height, 280), large=large)


def stated_figures_bars(df: pd.DataFrame, *, source: str | None = None, large: bool = False) -> go.Figure:
    """Only the figures the text states, one bar each (df: label, value_pct, figure_as_stated,
    period, n_clusters). Statements in words only are not drawn."""
    labels = [wrap_label(l, 30) for l in df["label"]]
    hover = [
        f"{l}<br>as stated: {f}" + (f"<br>period {p}" if isinstance(p, str) and p else "")
        + (f"<br>{int(n):,} clusters observed" if n is not None and not (isinstance(n, float) and math.isnan(n)) else "")
        for l, f, p, n in zip(df["label"], df["figure_as_stated"], df["period"], df["n_clusters"])
    ]
    fig = go.Figure(go.Bar(
        orientation="h", y=labels, x=df["value_pct"], text=df["figure_as_stated"], textposition="outside",
        marker=dict(color="#1f5fa8"), hovertext=hover, hoverinfo="text", cliponaxis=False,
    ))
    fig.update_layout(
        xaxis=dict(title=fields.label("value_pct"), range=[0, 100], ticksuffix=" %", gridcolor="#e5e9ef"),
        yaxis=dict(autorange="reversed", automargin=True), showlegend=False, bargap=0.45,
    )
    return _finish(fig, source=source, height=max(240, 150 + 70 * len(df)), large=large)


def benchmark_chart(df: pd.DataFrame, *, measures: dict[str, str], source: str | None = None,
                    large: bool = False) -> go.Figure:
    """Your shares against every stated benchmark on the same measure: one panel per measure, one
    bar per figure (df: measure, label, value_pct, value_high_pct, figure_as_stated, who). A range
    (20–30 %) is drawn as a bar from its low to its high end."""
    present = [m for m in measures if m in set(df["measure"])]
    n = max(1, len(present))
    counts = [max(1, int((df["measure"] == m).sum())) for m in present] or [1]
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=0.09 if n > 1 else 0.02,
                        subplot_titles=[measures[m] for m in present], row_heights=counts)
    names_seen: set[str] = set()
    who_names = {"yours": "Your cluster", "region": "Region (guide)", "case": "Named case (guide)",
                 "rule": "Rule of thumb (guide)"}
    for i, m in enumerate(present, start=1):
        part = df[df["measure"] == m]
        for r in part.itertuples():
            high = r.value_high_pct if r.value_high_pct is not None and not pd.isna(r.value_high_pct) else None
            base = r.value_pct if high is not None else 0
            width = (high - r.value_pct) if high is not None else r.value_pct
            name = who_names[r.who]
            fig.add_trace(go.Bar(
                orientation="h", y=[wrap_label(r.label, 32)], x=[width], base=[base], name=name,
                legendgroup=r.who, showlegend=name not in names_seen,
                marker=dict(color=WHO_COLORS[r.who]), text=[r.figure_as_stated], textposition="outside",
                cliponaxis=False, hovertemplate=f"{r.label}: {r.figure_as_stated}<extra></extra>",
            ), row=i, col=1)
            names_seen.add(name)
        fig.update_yaxes(autorange="reversed", automargin=True, row=i, col=1)
    fig.update_xaxes(range=[0, 105], ticksuffix=" %", gridcolor="#e5e9ef")
    fig.update_xaxes(title_text=fields.label("share_pct"), row=n, col=1)
    fig.update_layout(barmode="overlay", bargap=0.3, legend=dict(orientation="h", yanchor="bottom", y=1.04, x=0))
    height = (170 + 95 * sum(counts) + 60 * n) if large else (130 + 62 * sum(counts) + 40 * n)
    fig = _finish(fig, source=source, height=height + 40, large=large)
    for a in fig.layout.annotations:  # subplot titles: left-aligned and bold
        if a.text in [measures[m] for m in present]:
            a.update(x=0, xanchor="left", font=dict(size=(22 if large else 14) + 1), text=f"<b>{a.text}</b>")
    return fig


def plan_chart(plan: pd.DataFrame, *, currency: str = "", source: str | None = None, large: bool = False) -> go.Figure:
    """The planner: income by source per year (stacked), costs (line) and, below, the public
    share against the target."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, row_heights=[0.62, 0.38],
                        subplot_titles=[f"Income by source and costs ({plotly_text(currency, 12)})".replace(" ()", ""),
                                        "Public share and target (%)"])
    years = plan["year"].astype(int).astype(str)
    cols = {"public": "Baseline support (public)", "membership_fees": "Membership fees",
            "fee_based_services": "Fee-based services", "sponsoring": "Sponsoring",
            "projects": "Publicly funded projects", "other": "Other income"}
    for col, name in cols.items():
        vals = plan[col].astype(float)
        if not (vals > 0).any():
            continue
        fig.add_trace(go.Bar(x=years, y=vals, name=name, marker=dict(color=_color(name)),
                             hovertemplate="%{x} " + name + ": %{y:,.0f}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=years, y=plan["total_costs"].astype(float), name="Total costs", mode="lines+markers",
                             line=dict(color=CASH_COLOR, width=3, dash="dot"),
                             hovertemplate="%{x} costs: %{y:,.0f}<extra></extra>"), row=1, col=1)
    share = plan["public_share_pct"].astype(float)
    fig.add_trace(go.Scatter(x=years, y=share, name="Public share", mode="lines+markers+text",
                             text=[("" if pd.isna(v) else f"{v:.0f} %") for v in share], textposition="top center",
                             line=dict(color=GROUP_COLORS["Baseline support (public)"], width=3), showlegend=False,
                             hovertemplate="%{x} public share: %{y:.1f} %<extra></extra>"), row=2, col=1)
    fig.add_trace(go.Scatter(x=years, y=plan["target_public_pct"].astype(float), name="Target", mode="lines",
                             line=dict(color=WHO_COLORS["yours"], width=2, dash="dash"), showlegend=False,
                             hovertemplate="target %{y:.0f} %<extra></extra>"), row=2, col=1)
    top = max(100.0, float(share.max()) + 10 if share.notna().any() else 100.0)
    fig.update_yaxes(tickformat=",.0f", gridcolor="#e5e9ef", row=1, col=1)
    fig.update_yaxes(range=[0, top], ticksuffix=" %", gridcolor="#e5e9ef", row=2, col=1)
    fig.update_xaxes(type="category", row=1, col=1)
    fig.update_xaxes(type="category", row=2, col=1)
    target = plan["target_public_pct"].astype(float)
    if len(target):
        # on a category axis a number is a position: the last year (a year string would be read as a position)
        fig.add_annotation(x=len(years) - 1, y=float(target.iloc[-1]), text=f"target {target.iloc[-1]:g} %",
                           showarrow=False, xanchor="left", xshift=8, yanchor="middle", row=2, col=1,
                           font=dict(color=WHO_COLORS["yours"], size=20 if large else 13))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", yanchor="bottom", y=1.06, x=0,
                                                   traceorder="normal"))
    fig = _finish(fig, source=source, height=660 if not large else 800, large=large)
    for a in fig.layout.annotations:
        if a.text and a.text.startswith(("Income by source", "Public share and target")):
            a.update(x=0, xanchor="left")
    return fig


def liquidity_chart(liq: pd.DataFrame, *, currency: str = "", cash_out_month: int | None = None,
                    source: str | None = None, large: bool = False) -> go.Figure:
    """12 months: income and expenditure (bars) and the cash at the end of each month (line),
    with the month cash runs out marked."""
    months = list(liq["month_name"])
    fig = go.Figure()
    fig.add_trace(go.Bar(x=months, y=liq["income"], name="Income", marker=dict(color=INCOME_COLOR),
                         hovertemplate="%{x} income: %{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Bar(x=months, y=liq["expenditure"], name="Expenditure", marker=dict(color=EXPENDITURE_COLOR),
                         hovertemplate="%{x} expenditure: %{y:,.0f}<extra></extra>"))
    cash = liq["closing_cash"].astype(float)
    fig.add_trace(go.Scatter(
        x=months, y=cash, name="Cash at end of month", mode="lines+markers",
        line=dict(color=CASH_COLOR, width=3),
        marker=dict(size=9, color=[NEGATIVE_COLOR if v < 0 else CASH_COLOR for v in cash]),
        hovertemplate="%{x} cash at end: %{y:,.0f}<extra></extra>",
    ))
    fig.add_hline(y=0, line=dict(color="#5f6b7a", width=1))
    if cash_out_month:
        m = months[cash_out_month - 1]
        fig.add_annotation(x=m, y=float(cash.iloc[cash_out_month - 1]), text=f"cash runs out: {m}",
                           showarrow=True, arrowhead=2, ax=60, ay=40, xanchor="left",
                           font=dict(color=NEGATIVE_COLOR, size=22 if large else 15), bgcolor="white",
                           bordercolor=NEGATIVE_COLOR)
    fig.update_layout(
        barmode="group", bargap=0.25,
        yaxis=dict(title=f"{fields.label('amount')} ({plotly_text(currency, 12)})" if currency else fields.label("amount"), tickformat=",.0f", gridcolor="#e5e9ef"),
        xaxis=dict(type="category"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    return _finish(fig, source=source, height=480 if not large else 620, large=large)
