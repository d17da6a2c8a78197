"""The printable one-page brief of an assessment: a self-contained HTML file (inline CSS and SVG,
no JavaScript, no network) with the stage ladder, the radar, the assigned stage, the reasons and
the recommendations. Every piece of text is escaped with html.escape (initiative names, labels
and participant names are user text)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Mapping

import pandas as pd

from clusterdash import maturity
from clusterdash.charts.maturity import ladder_svg, radar_svg

CSS = """
@page { size: A4; margin: 11mm 12mm; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; font-size: 8.4pt; line-height: 1.3; color: #1B2430; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 2px 0; }
h2 { font-size: 9.6pt; margin: 6px 0 2px 0; border-bottom: 1px solid #c9ced6; padding-bottom: 1px; }
h3 { font-size: 8.8pt; margin: 4px 0 1px 0; }
p { margin: 1px 0 3px 0; }
ul, ol { margin: 0 0 3px 0; padding-left: 14px; }
li { margin: 0; }
.meta { color: #5f6b7a; margin-bottom: 4px; }
.row { display: flex; gap: 10px; align-items: flex-start; }
.col { flex: 1 1 0; min-width: 0; }
.stage { font-size: 12pt; font-weight: bold; padding: 3px 8px; border-radius: 4px; color: white; display: inline-block; margin: 2px 0 4px 0; }
.flag { color: #a63603; }
.warn { color: #8a6d00; }
.small { font-size: 7.2pt; color: #5f6b7a; }
.src { font-size: 6.8pt; color: #5f6b7a; }
table { border-collapse: collapse; }
td, th { padding: 1px 4px; text-align: left; font-size: 7.8pt; }
@media screen { body { max-width: 190mm; margin: 10mm auto; } }
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
    color = {None: "#9e9e9e"} | {s: c for s, c in maturity_colors().items()}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Maturity brief — {e(name)} — {e(when)}</title><style>{CSS}</style></head><body>",
        f"<h1>Maturity-stage brief: {e(name)}</h1>",
        f"<div class='meta'>Assessed on {e(when)}{(' · ' + e(label)) if label else ''} · "
        f"{participants} participant{'s' if participants != 1 else ''} · {result.n_answers} answers "
        f"({result.n_dont_know_answers} don't know) · result over {e(scope)} · generated {e(gen)} by ClusterDash</div>",
        "<div class='row'>",
        "<div class='col'>",
        f"<div class='stage' style='background:{color.get(result.stage_code, '#9e9e9e')}'>{e(result.stage_name)}</div>",
        ladder_svg(result, width=330, height=180),
        "</div>",
        f"<div class='col' style='flex:0 0 250px'>{radar_svg(result, size=250)}</div>",
        "<div class='col'>",
        "<h2>Why this stage</h2><ul>",
        *[f"<li>{e(r)}</li>" for r in result.reasons],
        "</ul>",
    ]
    if result.strengths:
        parts.append("<h3>Strongest answers</h3><ul>")
        parts += [f"<li>{e(d.statement)} <span class='small'>({e(maturity.pct(d.score))})</span></li>" for d in result.strengths]
        parts.append("</ul>")
    if result.gaps:
        parts.append("<h3>Weakest answers of the decisive stage</h3><ul>")
        parts += [f"<li>{e(d.statement)} <span class='small'>({e(maturity.pct(d.score))})</span></li>" for d in result.gaps]
        parts.append("</ul>")
    parts.append("</div></div>")
    if result.flags or result.warnings:
        parts.append("<div>")
        for f in result.flags:
            parts.append(f"<p class='flag'><b>Check: {e(f.title)}.</b> {e(_first_sentence(f.explanation))}</p>")
        for w in result.warnings:
            parts.append(f"<p class='warn'><b>Note:</b> {e(w)}</p>")
        parts.append("</div>")

    parts.append("<h2>Recommendations from the guide</h2><div class='row'>")
    stages = maturity.recommendation_stages(result)
    for st, role in stages:
        rec = recommendations.get(st, {})
        parts.append(f"<div class='col'><h3>{e(maturity.ROLE_TITLES[role])}: {e(maturity.stage_name(st))}</h3>")
        open_sts = maturity.open_statements(q, result, st)
        if role == maturity.NEXT and open_sts:
            parts.append("<p><b>Not yet largely true:</b></p><ul>")
            parts += [f"<li>{e(d.statement)}</li>" for d in open_sts[:5]]
            parts.append("</ul>")
        ka = rec.get("key_actions")
        if ka is not None and len(ka):
            parts.append("<p><b>Key actions:</b> " + "; ".join(e(str(x).rstrip("!")) for x in ka["key_action"]) + ".</p>")
        tools = rec.get("tools")
        if tools is not None and len(tools):
            parts.append("<p><b>Tools:</b> " + ", ".join(e(str(x)) for x in tools["tool_name"]) + ".</p>")
        pol = rec.get("policy_support")
        if pol is not None and len(pol):
            factor = pol[pol["kind"] == "factor"]["text"].drop_duplicates().tolist()
            dos = pol[pol["kind"] == "do"]["text"].tolist()[:2]
            items = factor[:1] + dos
            if items:
                parts.append("<p><b>Policy support:</b></p><ul>" + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>")
        lessons = rec.get("lessons")
        if lessons is not None and len(lessons):
            parts.append("<p><b>Lessons learned:</b> " + "; ".join(e(str(x)) for x in lessons["title"].head(5)) + ".</p>")
        if role == stages[-1][1] and st == stages[-1][0]:
            kq = rec.get("key_questions")
            if kq is not None and len(kq):
                parts.append(f"<p><b>The guide's {len(kq)} key questions of this phase:</b></p><ol>")
                parts += [f"<li>{e(x)}</li>" for x in kq["key_question"]]
                parts.append("</ol>")
            elif st == "transformation":
                parts.append("<p class='small'>The guide describes the transformation stage only through its "
                             "four characteristics; it gives no key actions, tools or key questions for it.</p>")
        parts.append("</div>")
    parts.append("</div>")
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


def _first_sentence(text: str, limit: int = 260) -> str:
    t = str(text)
    return t if len(t) <= limit else t[: limit - 1].rsplit(" ", 1)[0] + "…"


def maturity_colors() -> dict[str, str]:
    from clusterdash.charts.common import STAGE_COLORS

    return {k: v for k, v in STAGE_COLORS.items() if k}
