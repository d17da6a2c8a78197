"""Shared look of plotly charts: fonts, colours of the maturity stages, a source annotation."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

# The stages' colours are domain facts (clusterdash.maturity; names: maturity.stage_names()), the RGBA conversion the
# domain's map records use lives with them (clusterdash.initiatives); re-exported for the charts.
from clusterdash.initiatives import hex_to_rgba  # noqa: F401
from clusterdash.maturity import STAGE_COLORS  # noqa: F401

FONT_FAMILY = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"


def stage_color(stage_code: str | None) -> str:
    return STAGE_COLORS.get(stage_code or None, STAGE_COLORS[None])


PROJECTOR_MIN_PX = 24  # presentation mode: no tick label or legend text smaller (readable from the back of a room)


def style(fig: go.Figure, *, title: str | None = None, source: str | None = None, height: int | None = None,
          large: bool = False) -> go.Figure:
    """Apply the house style; ``source`` becomes a caption under the plot area;
    ``large`` scales type for presentation mode: body type, tick labels (of every axis, polar
    ones too) and the legend at PROJECTOR_MIN_PX at least."""
    base = PROJECTOR_MIN_PX if large else 14
    fig.update_layout(
        font=dict(family=FONT_FAMILY, size=base, color="#1B2430"),
        title=dict(text=title, font=dict(size=base + 4)) if title else None,
        margin=dict(l=10, r=10, t=50 if title else 20, b=60 if source else 20),
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend=dict(font=dict(size=base if large else base - 1)),
    )
    if large:
        def at_least(ax) -> None:
            ax.update(tickfont_size=max(ax.tickfont.size or 0, PROJECTOR_MIN_PX))

        fig.for_each_xaxis(at_least)
        fig.for_each_yaxis(at_least)
        fig.for_each_polar(lambda p: (at_least(p.radialaxis), at_least(p.angularaxis)))
    if height:
        fig.update_layout(height=height)
    if source:
        fig.add_annotation(
            text=f"Source: {source}", xref="paper", yref="paper", x=0, y=-0.12, showarrow=False,
            xanchor="left", yanchor="top", font=dict(size=base - 3, color="#5f6b7a"),
        )
    return fig


def wrap_lines(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` characters at spaces (plotly does not
    wrap text); words longer than a line are kept whole."""
    return textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False)


def wrap_label(text: str, width: int) -> str:
    """A plotly label broken into lines with ``<br>``."""
    return "<br>".join(wrap_lines(text, width)) or str(text)
