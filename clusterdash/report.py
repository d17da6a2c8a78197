"""The session report (issue 13 item 6): one printable, self-contained HTML page of a whole
workshop — who took part (or how many, for anonymous votes), each assessment's result with its
reasons, the checklists' status and the action list (items marked to do, with owners and due dates), the
vote rankings — every figure with where it comes from; and one ZIP of all the CSVs. Pure: the
caller passes the frames in. Every piece of user or knowledge text is HTML-escaped."""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from clusterdash import checklists, frames
from clusterdash.export import csv_bytes


@dataclass
class AssessmentPart:
    title: str
    stage_name: str
    reasons: list[str]
    participants: list[str]
    n_answers: int
    source: str
    answers: pd.DataFrame  # the answers as exported


@dataclass
class VotePart:
    title: str
    round: int
    is_anonymous: bool
    voters: list[str]
    ranking: pd.DataFrame  # voting.ranking()
    source: str
    dots: pd.DataFrame | None = None  # every voter's dots: voter, option, dots (voting.dots_frame)
    actions: pd.DataFrame | None = None  # the options made actions (voting.actions_export)
    rounds: pd.DataFrame | None = None  # every round's ranking, round 1 first (voting.round_rankings)
    round_voters: dict[int, int] | None = None  # how many voted in each round (voting.voters_per_round)
    rounds_source: str = ""  # where every round's figures come from (the source of the whole vote)


@dataclass
class Report:
    workspace_name: str
    generated_at: datetime
    assessments: list[AssessmentPart] = field(default_factory=list)
    board: pd.DataFrame | None = None  # checklists.prepare_board()
    votes: list[VotePart] = field(default_factory=list)


_STYLE = """
body { font-family: "Source Sans Pro", "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 2em; max-width: 60em; }
h1 { font-size: 1.7em; } h2 { font-size: 1.3em; border-bottom: 1px solid #999; margin-top: 1.6em; }
h3 { font-size: 1.08em; } table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: 0.2em 0.5em; }
.source { color: #555; font-size: 0.85em; } @media print { body { margin: 0; } section { page-break-inside: avoid; } }
""".strip()


def _e(v) -> str:
    return html.escape("" if frames.is_missing(v) else str(v), quote=True)


def people_line(names: list[str], *, anonymous: bool = False) -> str:
    if anonymous:
        return f"{len(names)} participant(s) (anonymous)"
    return f"{len(names)} participant(s): " + ", ".join(sorted(names)) if names else "nobody yet"


def to_html(r: Report) -> str:
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Workshop report: {_e(r.workspace_name)}"
           f"</title><style>{_STYLE}</style></head><body>",
           f"<h1>Workshop report: {_e(r.workspace_name)}</h1>",
           f"<p class='source'>Generated {r.generated_at:%Y-%m-%d %H:%M} UTC by ClusterDash from the answers saved in "
           "this workspace.</p>"]
    out.append("<h2>Maturity assessment</h2>")
    if not r.assessments:
        out.append("<p>No assessment in this workspace.</p>")
    for a in r.assessments:
        out.append(f"<section><h3>{_e(a.title)}</h3><p><strong>Assigned stage: {_e(a.stage_name)}</strong> · "
                   f"{a.n_answers} answers · {_e(people_line(a.participants))}</p><ul>")
        out += [f"<li>{_e(x)}</li>" for x in a.reasons]
        out.append("</ul>")
        out += _answers_table(a.answers)
        out.append(f"<p class='source'>Source: {_e(a.source)}</p></section>")
    out.append("<h2>Checklists</h2>")
    if r.board is not None and len(r.board):
        progress = checklists.compute_progress(r.board, by="list_title")
        out.append("<table><tr><th>Checklist</th><th>Done</th><th>In progress</th><th>Not yet</th><th>No answer</th>"
                   "<th>Applicable</th></tr>")
        for p in progress.to_dict("records"):
            out.append(f"<tr><td>{_e(p['list_title'])}</td><td>{_e(p.get('done'))}</td><td>{_e(p.get('in_progress'))}"
                       f"</td><td>{_e(p.get('not_yet'))}</td><td>{_e(p.get('no_answer'))}</td>"
                       f"<td>{_e(p.get('applicable'))}</td></tr>")
        out.append(f"</table><p class='source'>{_e(checklists.PROGRESS_SOURCE)}</p>")
        actions = checklists.action_items(r.board)
        out.append(f"<h3>Action list ({len(actions)} items marked to do)</h3><ul>")
        for a in frames.records(actions):
            owner = f" · owner: {_e(a.get('owner'))}" if a.get("owner") else " · no owner yet"
            due = checklists.due_label(a.get("due_date"))
            owner += f" · due: {_e(due)}" if due else " · no due date yet"
            out.append(f"<li>{_e(a['text'])} — {_e(checklists.status_label(a['status_effective']))}{owner}"
                       f"<br><span class='source'>Source: {_e(a['source'])}</span></li>")
        out.append("</ul>")
        out += _checklist_answers(r.board)
    else:
        out.append("<p>No checklist answers.</p>")
    out.append("<h2>Votes</h2>")
    if not r.votes:
        out.append("<p>No vote in this workspace.</p>")
    for v in r.votes:
        out.append(f"<section><h3>{_e(v.title)} (round {v.round})</h3><p>{_e(people_line(v.voters, anonymous=v.is_anonymous))}"
                   "</p><table><tr><th>Rank</th><th>Option</th><th>Dots</th><th>Voters</th></tr>")
        for x in v.ranking.to_dict("records"):
            out.append(f"<tr><td>{x['rank']}</td><td>{_e(x['option'])}</td><td>{x['dots']}</td><td>{x['voters']}</td></tr>")
        out.append("</table>")
        out += _rounds_table(v.ranking, v.rounds, v.round_voters or {}, v.rounds_source)
        if v.dots is not None and len(v.dots) and not v.is_anonymous:  # anonymous: no pseudonyms either
            out.append("<h4>Every voter's dots</h4><table><tr><th>Voter</th><th>Option</th><th>Dots</th></tr>")
            out += [f"<tr><td>{_e(d['voter'])}</td><td>{_e(d['option'])}</td><td>{_e(d['dots'])}</td></tr>"
                    for d in v.dots.to_dict("records")]
            out.append("</table>")
        if v.actions is not None and len(v.actions):
            out.append(f"<h4>Actions chosen from this vote ({len(v.actions)})</h4><ul>")
            for a in frames.records(v.actions):
                owner = f"owner: {_e(a['owner'])}" if a["owner"] is not None else "no owner yet"
                due = f"due: {_e(a['due_date'])}" if a["due_date"] is not None else "no due date yet"
                out.append(f"<li>{_e(a['option'])} — {a['dots']} dots · {owner} · {due}</li>")
            out.append("</ul>")
        out.append(f"<p class='source'>Source: {_e(v.source)}</p></section>")
    out.append("</body></html>")
    return "\n".join(out)


def _rounds_table(current: pd.DataFrame, rounds: pd.DataFrame | None, voters: dict[int, int],
                  source: str) -> list[str]:
    """A vote of several rounds: each option's dots and rank in every round side by side (in the
    order of the current round's ranking), and how many voted in each."""
    if rounds is None or rounds.empty or rounds["round"].nunique() < 2:
        return []
    numbers = sorted(rounds["round"].unique())
    cell = {(n, option): f"{dots} (#{rank})"
            for n, option, dots, rank in zip(rounds["round"], rounds["option"], rounds["dots"], rounds["rank"])}
    out = ["<h4>Every round (dots, rank)</h4><table><tr><th>Option</th>"
           + "".join(f"<th>Round {n}</th>" for n in numbers) + "</tr>"]
    for option in current["option"]:
        out.append(f"<tr><td>{_e(option)}</td>" + "".join(f"<td>{_e(cell.get((n, option)))}</td>" for n in numbers)
                   + "</tr>")
    if voters:
        out.append("<tr><td>Voters</td>" + "".join(f"<td>{_e(voters.get(n))}</td>" for n in numbers) + "</tr>")
    return out + ["</table>"] + ([f"<p class='source'>Source: {_e(source)}</p>"] if source else [])


def _answers_table(answers: pd.DataFrame) -> list[str]:
    """Every answer of an assessment (maturity.answers_frame): statement, participant, answer."""
    if answers is None or answers.empty:
        return []
    out = [f"<h4>Every answer ({len(answers)})</h4><table><tr><th>Statement</th><th>Participant</th><th>Answer</th></tr>"]
    out += [f"<tr><td>{_e(a['statement'])}</td><td>{_e(a['participant'])}</td><td>{_e(a['answer'])}</td></tr>"
            for a in answers.to_dict("records")]
    return out + ["</table>"]


def _checklist_answers(board: pd.DataFrame) -> list[str]:
    """Every answered checklist item: item, status, owner, due date, who changed it last."""
    answered = board[board["changed_by"].notna()] if "changed_by" in board else board.iloc[0:0]
    if answered.empty:
        return []
    out = [f"<h3>Every checklist answer ({len(answered)} items)</h3><table><tr><th>Item</th><th>Status</th>"
           "<th>Owner</th><th>Due</th><th>Changed by</th></tr>"]
    for a in answered.to_dict("records"):
        out.append(f"<tr><td>{_e(a['text'])}</td><td>{_e(checklists.status_label(a['status_effective']))}</td>"
                   f"<td>{_e(a.get('owner'))}</td><td>{_e(checklists.due_label(a.get('due_date')))}</td><td>{_e(a['changed_by'])}</td></tr>")
    return out + ["</table>"]


def csv_zip(r: Report) -> bytes:
    """Every table of the report as a CSV (through export.csv_bytes), in one ZIP."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i, a in enumerate(r.assessments, start=1):
            z.writestr(f"assessment_{i}_answers.csv", csv_bytes(a.answers, source=a.source))
        if r.board is not None and len(r.board):
            z.writestr("checklists.csv", csv_bytes(checklists.export_frame(r.board), source="ClusterDash workspace"))
            z.writestr("action_list.csv", csv_bytes(checklists.export_frame(checklists.action_items(r.board)),
                                                    source="ClusterDash workspace: items marked to do"))
        for i, v in enumerate(r.votes, start=1):
            z.writestr(f"vote_{i}_ranking.csv", csv_bytes(v.ranking, source=v.source))
            if v.dots is not None and not v.is_anonymous:
                z.writestr(f"vote_{i}_dots.csv", csv_bytes(v.dots, source=v.source))
            if v.actions is not None and len(v.actions):
                z.writestr(f"vote_{i}_actions.csv", csv_bytes(v.actions, source=v.source))
            if v.rounds is not None:
                z.writestr(f"vote_{i}_rounds.csv", csv_bytes(v.rounds, source=v.rounds_source or v.source))
    return buf.getvalue()
