"""The printable one-page brief of an assessment: a self-contained HTML file (inline CSS and SVG,
no JavaScript, no network) with the stage ladder, the radar, the assigned stage, the reasons and
the recommendations. Every piece of text is escaped with html.escape (initiative names, labels
and participant names are user text)."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

import pandas as pd

from clusterdash import maturity
from clusterdash.safe_text import html_text as escape  # entities, no bidi overrides or zero-width characters
from clusterdash.charts.maturity import ladder_svg, radar_svg

CSS = """
@page { size: A4; margin: 10mm 11mm; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; font-size: 7.9pt; line-height: 1.25; color: #1B2430; margin: 0; }
h1 { font-size: 13pt; margin: 0 0 1px 0; }
h2 { font-size: 9pt; margin: 5px 0 2px 0; border-bottom: 1px solid #c9ced6; padding-bottom: 1px; }
h3 { font-size: 8.4pt; margin: 3px 0 1px 0; }
p { margin: 1px 0 2px 0; }
ul, ol { margin: 0 0 2px 0; padding-left: 13px; }
.meta { color: #5f6b7a; margin-bottom: 3px; }
.row { display: flex; gap: 12px; align-items: flex-start; }
.col { flex: 1 1 0; min-width: 0; }
.stage { font-size: 11pt; font-weight: bold; padding: 2px 8px; border-radius: 4px; color: white; display: inline-block; margin: 1px 0 2px 0; }
.flag { color: #a63603; }
.warn { color: #8a6d00; }
.small { font-size: 7pt; color: #5f6b7a; }
.src { font-size: 6.6pt; color: #5f6b7a; margin-top: 4px; }
.kq { columns: 2; column-gap: 14px; font-size: 7.4pt; }
.kq li { break-inside: avoid; }
@media screen { body { max-width: 190mm; margin: 8mm auto; } }
"""


def render_brief(
    q: maturity.Questionnaire,
    assessment: Mapping,
    result: maturity.AssessmentResult,
    recommendations: Mapping[str, Mapping[str, pd.DataFrame]],
    *,
    participants: int,
    scope: str = "all participants",
    generated_at: datetime | None = None,
) -> str:
    """HTML text of the one-page brief. ``recommendations`` maps stage_code to the frames of
    :func:`clusterdash.queries.stage_recommendations` for the stages of
    :func:`maturity.recommendation_stages`."""
    e = escape
    name = assessment.get("initiative_name") or assessment.get("initiative_id") or ""
    when = pd.Timestamp(assessment["assessed_on"]).date().isoformat()
    label = assessment.get("label") or ""
    gen = (generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    color = maturity_colors().get(result.stage_code, "#9e9e9e")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Maturity brief — {e(name)} — {e(when)}</title><style>{CSS}</style></head><body>",
        f"<h1>Maturity-stage brief: {e(name)}</h1>",
        f"<div class='meta'>Assessed on {e(when)}{(' · ' + e(label)) if label else ''} · "
        f"{participants} participant{'s' if participants != 1 else ''} · {result.n_answers} answers "
        f"({result.n_dont_know_answers} don't know) · result over {e(scope)} · generated {e(gen)} by ClusterDash</div>",
        "<div class='row'>",
        f"<div class='col'><div class='stage' style='background:{color}'>{e(result.stage_name)}</div><br>"
        f"{ladder_svg(result, width=380, height=150)}</div>",
        f"<div style='flex:0 0 310px'>{radar_svg(result, size=310, height=215)}</div>",
        "</div>",
        "<div class='row'><div class='col'><h2>Why this stage</h2><ul>",
        *[f"<li>{e(r)}</li>" for r in result.reasons],
        "</ul></div><div class='col'>",
    ]
    if result.strengths:
        parts.append("<h3>Strongest answers of the assigned stage</h3><ul>")
        parts += [f"<li>{e(d.statement)} <span class='small'>({e(maturity.pct(d.score))})</span></li>" for d in result.strengths]
        parts.append("</ul>")
    if result.gaps:
        parts.append(f"<h3>Weakest answers of {e(maturity.stage_name(result.gaps[0].stage_code).lower())}</h3><ul>")
        parts += [f"<li>{e(d.statement)} <span class='small'>({e(maturity.pct(d.score))})</span></li>" for d in result.gaps]
        parts.append("</ul>")
    parts.append("</div></div>")
    for f in result.flags:
        parts.append(f"<p class='flag'><b>Check: {e(f.title)}.</b> {e(_first_sentence(f.explanation, 200))}</p>")
    for w in result.warnings:
        parts.append(f"<p class='warn'><b>Note:</b> {e(w)}</p>")

    parts.append("<h2>Recommendations from the guide</h2>")
    stages = maturity.recommendation_stages(result)
    factor = _maturity_factor(recommendations)
    if factor:
        parts.append(f"<p><b>Policy support by maturity level:</b> {e(factor)}</p>")
    parts.append("<div class='row'>")
    for st, role in stages:
        rec = recommendations.get(st, {})
        parts.append(f"<div class='col'><h3>{e(maturity.ROLE_TITLES[role])}: {e(maturity.stage_name(st))}</h3>")
        open_sts = maturity.open_statements(q, result, st)
        if open_sts:
            parts.append("<p><b>Not yet largely true:</b> " + "; ".join(e(d.statement.rstrip(".")) for d in open_sts[:4])
                         + (f"; and {len(open_sts) - 4} more" if len(open_sts) > 4 else "") + ".</p>")
        ka = rec.get("key_actions")
        if ka is not None and len(ka):
            parts.append("<p><b>Key actions:</b> " + "; ".join(e(str(x).rstrip("!")) for x in ka["key_action"]) + ".</p>")
        tools = rec.get("tools")
        if tools is not None and len(tools):
            parts.append("<p><b>Tools:</b> " + ", ".join(e(str(x)) for x in tools["tool_name"]) + ".</p>")
        pol = rec.get("policy_support")
        if pol is not None and len(pol):
            dos = pol[pol["kind"] == "do"]
            if len(dos):
                parts.append(f"<p><b>Policy — {e(str(dos['group_name'].iloc[0]))}:</b> "
                             + " ".join(e(str(x)) for x in dos["text"].head(2)) + "</p>")
        lessons = rec.get("lessons")
        if lessons is not None and len(lessons):
            parts.append("<p><b>Lessons learned:</b> " + "; ".join(e(str(x)) for x in lessons["title"].head(3)) + ".</p>")
        if st == "transformation":
            parts.append("<p class='small'>The guide describes the transformation stage only through its four "
                         "characteristics; it gives no key actions, tools or key questions for it.</p>")
        parts.append("</div>")
    parts.append("</div>")
    st, _ = stages[-1]
    kq = recommendations.get(st, {}).get("key_questions")
    if kq is not None and len(kq):
        parts.append(f"<h3>The guide's {len(kq)} key questions of the {e(maturity.stage_name(st).lower())} phase</h3><ol class='kq'>")
        parts += [f"<li>{e(x)}</li>" for x in kq["key_question"]]
        parts.append("</ol>")
    parts.append(
        "<p class='src'><b>Method:</b> answers scored not true 0, partly 1/3, largely 2/3, fully 1, don't know left out; "
        f"a stage is reached at ≥ {e(maturity.pct(maturity.REACHED_AT))} fulfilment with ≥ "
        f"{e(maturity.pct(maturity.MIN_COVERAGE))} of its statements answered and every earlier stage reached. "
        "<b>Sources:</b> statements, stages, key actions, tools, key questions, policy support and lessons from "
        "004_8de2c7bdefb2b6f4.txt (Cluster Development Guide), PART 1 The Role of Cluster Policy and PART 2 Maturity "
        "Stages in Cluster Development; each item's section is listed in ClusterDash (Sources page). "
        "Answers: this workspace in ClusterDash.</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def _maturity_factor(recommendations: Mapping[str, Mapping[str, pd.DataFrame]]) -> str | None:
    """The guide's key success factor on support by maturity level (the same item for every stage)."""
    for rec in recommendations.values():
        pol = rec.get("policy_support")
        if pol is not None and len(pol):
            f = pol[pol["kind"] == "factor"]["text"]
            for text in f:
                if "maturity levels" in str(text):
                    return str(text)
    return None


def _first_sentence(text: str, limit: int = 260) -> str:
    t = str(text)
    return t if len(t) <= limit else t[: limit - 1].rsplit(" ", 1)[0] + "…"


def maturity_colors() -> dict[str, str]:
    return {k: v for k, v in maturity.STAGE_COLORS.items() if k}
