"""Dos-and-don'ts checklists: which knowledge-base lists are checklists, the answer vocabulary,
progress, filters, the export table and the printable action list. Pure Python (pandas), no
Streamlit, no store: the queries module reads the board, this module computes on it.

A *board* is one row per checklist item of one workspace (see ``queries.checklist_board``):
the item from the knowledge base (list, group, kind, seq, text, source) and its answer
(status, note, owner, changed_by, changed_at; NULL while unanswered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from clusterdash import fields, workspaces
from clusterdash.errors import UserError
from clusterdash.safe_text import html_text, plain_label

# ---- which lists are checklists ------------------------------------------------------------

# Guidance lists of the knowledge base that become checklists, in the order they are offered:
# cluster policy first, then cluster management. (Lists of definitions, agendas or example
# components — e.g. a membership agreement's structure — are reference material, not checklists.)
CHECKLIST_LISTS: tuple[str, ...] = (
    "policy_dos_donts",
    "policy_success_factors",
    "success_factors",
    "prerequisites",
    "obstacles",
    "initiation_dos_donts",
    "staffing_criteria",
    "staffing_lessons",
    "governance_indicators",
    "monitoring_not_to_do",
)

# Kinds of guidance items that can be worked through. A policy area's 'description' is shown as
# the area's introduction, not as an item; narrative 'lesson' items (a case story) stay reference.
CHECKABLE_KINDS: tuple[str, ...] = (
    "key_question", "do", "dont", "instrument", "factor", "prerequisite", "obstacle",
    "criterion", "indicator", "precondition",
)

# The phase key questions (kb_phase_key_question) are checklists too, one per stage.
KEY_QUESTIONS_PREFIX = "key_questions_"


def key_question_list_code(stage_code: str) -> str:
    return KEY_QUESTIONS_PREFIX + stage_code


# Dos vs don'ts: what an item asks for. A don't or an obstacle is "done" when it is avoided.
POLARITY_DO, POLARITY_DONT, POLARITY_QUESTION = "do", "dont", "question"
_DONT_KINDS = {"dont", "obstacle"}


def polarity(kind: str) -> str:
    if kind in _DONT_KINDS:
        return POLARITY_DONT
    if kind == "key_question":
        return POLARITY_QUESTION
    return POLARITY_DO


def status_hint(kind: str) -> str:
    """What 'done' means for an item of this kind."""
    p = polarity(kind)
    if p == POLARITY_DONT:
        return "Done = we avoid this / it is dealt with"
    if p == POLARITY_QUESTION:
        return "Done = answered (write the answer in the note)"
    return "Done = in place"


# ---- answers -----------------------------------------------------------------------------------

# The statuses and their labels are the field registry's (field "status"): one label per status;
# "N/A" is the registry's short label of not_applicable, for the narrow status buttons only.
STATUSES: tuple[str, ...] = fields.codes("status")  # done, in_progress, not_yet, not_applicable
NO_ANSWER = "no_answer"  # an item nobody has given a status yet (the registry's value never stored)


def status_label(status: str, *, short: bool = False) -> str:
    """The label of a status (or of NO_ANSWER); ``short`` for narrow buttons."""
    return fields.value_label("status", status, short=short)


STATUS_FILTER_OPTIONS: tuple[str, ...] = STATUSES + (NO_ANSWER,)

FIELDS: tuple[str, ...] = ("status", "note", "owner")
MAX_LENGTH = {"note": 2000, "owner": 100}
MAX_NAME_LENGTH = workspaces.MAX_PARTICIPANT_CHARS


@dataclass(frozen=True)
class ItemKey:
    """The knowledge base's key of a checklist item."""

    list_code: str
    group_code: str
    kind: str
    seq: int

    def __str__(self) -> str:
        return f"{self.list_code}/{self.group_code}/{self.kind}/{self.seq}"

    @classmethod
    def parse(cls, text: str) -> "ItemKey":
        parts = str(text).split("/")
        if len(parts) != 4 or not parts[3].isdigit():
            raise UserError(f"{text!r} is not a checklist item key (list/group/kind/seq).")
        return cls(parts[0], parts[1], parts[2], int(parts[3]))

    @classmethod
    def of(cls, row) -> "ItemKey":
        get = row.get if hasattr(row, "get") else lambda k: getattr(row, k)
        return cls(str(get("list_code")), str(get("group_code")), str(get("kind")), int(get("seq")))


def clean_answer(item: ItemKey | str, field: str, value) -> str | None:
    """Validate one answer field; returns the value to store (None clears it).
    Raises UserError naming the item and field."""
    where = f"Checklist item {item}, field {field!r}"
    if field not in FIELDS:
        raise UserError(f"{where}: not a checklist answer field (status, note or owner).")
    if value is None:
        return None
    if not isinstance(value, str):
        raise UserError(f"{where}: expected text, got {type(value).__name__}.")
    if field == "status":
        if value not in STATUSES:
            raise UserError(f"{where}: {value!r} is not a status; use one of {', '.join(STATUSES)}.")
        return value
    text = value.strip()
    if "\x00" in text:
        raise UserError(f"{where}: contains a NUL character.")
    if len(text) > MAX_LENGTH[field]:
        raise UserError(f"{where}: at most {MAX_LENGTH[field]} characters ({len(text)} given).")
    return text or None


def clean_due(value) -> date | None:
    """A due date of the action list: a date (or an ISO 'YYYY-MM-DD'), None to clear it."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(f"Due date {str(value)[:40]!r}: use a date (YYYY-MM-DD).") from None


def due_label(value) -> str | None:
    """A due date as shown and exported ('2026-04-30'), None when not set."""
    d = clean_due(value)
    return d.isoformat() if d else None


# The participant's name: one rule for every pillar (clusterdash.workspaces).
clean_person = workspaces.clean_participant


# ---- the board -------------------------------------------------------------------------------

BOARD_COLUMNS = (
    "list_code", "list_title", "audience", "group_code", "group_name", "kind", "seq", "title", "text",
    "source", "item_order", "status", "note", "owner", "due_date", "changed_by", "changed_at",
)


def list_order(list_code: str, stage_orders: dict[str, int] | None = None) -> int:
    if list_code in CHECKLIST_LISTS:
        return CHECKLIST_LISTS.index(list_code)
    if list_code.startswith(KEY_QUESTIONS_PREFIX):
        stage = list_code[len(KEY_QUESTIONS_PREFIX):]
        return len(CHECKLIST_LISTS) + (stage_orders or {}).get(stage, 9)
    return 10_000


_STAGE_ORDERS = {code: i for i, code in enumerate(fields.codes("stage_code"), start=1)}


def sort_lists(lists: pd.DataFrame) -> pd.DataFrame:
    """The checklists (queries.checklist_lists) in the order they are offered."""
    df = lists.copy()
    df["list_order"] = df["list_code"].map(lambda c: list_order(c, _STAGE_ORDERS))
    return df.sort_values("list_order", kind="stable").reset_index(drop=True)


def prepare_board(board: pd.DataFrame) -> pd.DataFrame:
    """Add the derived columns (item_key, polarity, effective status, area, list_order) and
    sort items in the guide's order."""
    df = board.copy()
    if df.empty:
        for c in ("item_key", "polarity", "status_effective", "area", "list_order"):
            df[c] = pd.Series(dtype="object")
        return df
    for c in ("group_name", "title", "status", "note", "owner", "changed_by"):  # missing text is None, not NaN
        if c in df:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    df["item_key"] = [str(ItemKey.of(r)) for r in df[["list_code", "group_code", "kind", "seq"]].to_dict("records")]
    df["polarity"] = df["kind"].map(polarity)
    df["status_effective"] = df["status"].where(df["status"].notna(), NO_ANSWER)
    df["area"] = df["group_name"].where(df["group_name"].notna() & (df["group_code"] != "all"), df["list_title"])
    df["list_order"] = df["list_code"].map(lambda c: list_order(c, _STAGE_ORDERS))
    return df.sort_values(["list_order", "item_order"], kind="stable").reset_index(drop=True)


def filter_board(
    board: pd.DataFrame,
    *,
    list_codes: list[str] | None = None,
    areas: list[str] | None = None,
    statuses: list[str] | None = None,
    polarities: list[str] | None = None,
    search: str = "",
) -> pd.DataFrame:
    """Items matching every given filter (an empty or None filter does not filter).
    ``statuses`` may include NO_ANSWER; ``search`` matches item text, note or owner
    (case-insensitive, every word)."""
    mask = pd.Series(True, index=board.index)
    if list_codes:
        mask &= board["list_code"].isin(list_codes)
    if areas:
        mask &= board["area"].isin(areas)
    if statuses:
        mask &= board["status_effective"].isin(statuses)
    if polarities:
        mask &= board["polarity"].isin(polarities)
    for word in search.split():
        w = word.lower()
        hay = (board["text"].fillna("") + " " + board["note"].fillna("") + " " + board["owner"].fillna("")).str.lower()
        mask &= hay.str.contains(w, regex=False)
    return board[mask].reset_index(drop=True)


def compute_progress(board: pd.DataFrame, by: str = "area") -> pd.DataFrame:
    """Counts per status for each value of ``by`` ('area', 'list_title', ...), in board order:
    items, one column per status (incl. no_answer), applicable (items minus N/A), done_pct
    (done / applicable × 100; NULL when nothing is applicable)."""
    cols = [by, "items", *STATUS_FILTER_OPTIONS, "applicable", "done_pct"]
    if board.empty:
        return pd.DataFrame(columns=cols)
    counts = pd.crosstab(board[by], board["status_effective"]).reindex(columns=list(STATUS_FILTER_OPTIONS), fill_value=0)
    order = list(dict.fromkeys(board[by]))
    counts = counts.reindex(order).fillna(0).astype(int)
    out = counts.reset_index().rename(columns={"index": by})
    out.columns.name = None
    out.insert(1, "items", counts.sum(axis=1).to_numpy())
    out["applicable"] = out["items"] - out["not_applicable"]
    out["done_pct"] = [round(100 * d / a, 1) if a else None for d, a in zip(out["done"], out["applicable"])]
    return out[cols]


def overall_progress(board: pd.DataFrame) -> dict:
    """Totals over the whole board: items, per status, applicable, done_pct."""
    counts = {s: int((board["status_effective"] == s).sum()) for s in STATUS_FILTER_OPTIONS} if len(board) else {
        s: 0 for s in STATUS_FILTER_OPTIONS}
    items = int(len(board))
    applicable = items - counts["not_applicable"]
    return {
        "items": items,
        **counts,
        "applicable": applicable,
        "done_pct": round(100 * counts["done"] / applicable, 1) if applicable else None,
    }


TO_DO = ("in_progress", "not_yet")  # the statuses that put an item on the action list


def action_items(board: pd.DataFrame) -> pd.DataFrame:
    """The action list: the items someone marked to do (in progress or not yet), in the guide's
    order. Unanswered items are not actions (issue 13: 52 of 53 items were listed)."""
    return board[board["status_effective"].isin(TO_DO)].reset_index(drop=True)


# ---- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = {
    "list_title": "checklist",
    "area": "area",
    "kind_label": "kind",
    "title": "heading",
    "text": "item",
    "status_label": "status",
    "owner": "owner",
    "due_label": "due_date",
    "note": "note",
    "changed_by": "changed_by",
    "changed_at": "changed_at_utc",
    "item_key": "item_key",
    "source": "source",
}


def export_frame(board: pd.DataFrame) -> pd.DataFrame:
    """The items as a flat table with readable labels, one row per item, same order."""
    df = board.copy()
    df["kind_label"] = df["kind"].map(lambda k: fields.value_label("kind", k))
    df["status_label"] = df["status_effective"].map(status_label)
    df["due_label"] = df["due_date"].map(due_label) if "due_date" in df else None
    df["changed_at"] = df["changed_at"].map(format_time)
    return df[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS).reset_index(drop=True)


PROGRESS_SOURCE = "Items: the practitioners' guide (seed 004); status: answers saved in this workspace."


def changes_frame(changes: pd.DataFrame, item_texts: dict[str, str]) -> pd.DataFrame:
    """The change history (queries.checklist_changes) as a readable table: when, who, item,
    field, from, to (status codes as their labels), and whether the change was written
    (``is_saved`` false: a note or owner refused because someone else had saved it meanwhile;
    'from' is the text stored then)."""
    rows = []
    for r in changes.to_dict("records"):
        key = str(ItemKey.of(r))
        old, new = r["old_value"], r["new_value"]
        if r["field"] == "status":
            old = status_label(old) if _present(old) else None
            new = status_label(new) if _present(new) else None
        rows.append({
            "changed_at_utc": format_time(r["changed_at"]),
            "changed_by": r["changed_by"],
            "item": item_texts.get(key, key),
            "field": r["field"],
            "from": old if _present(old) else None,
            "to": new if _present(new) else None,
            "item_key": key,
            "is_saved": bool(r.get("is_saved", True)),
        })
    return pd.DataFrame(rows, columns=["changed_at_utc", "changed_by", "item", "field", "from", "to", "item_key",
                                       "is_saved"])


def format_time(ts, tz_name: str | None = None) -> str | None:
    """A stored UTC timestamp as 'YYYY-MM-DD HH:MM' (UTC), or in the time zone ``tz_name``
    with its abbreviation ('2026-03-05 15:02 CET'). None for a missing time."""
    if ts is None:
        return None
    try:
        if pd.isna(ts):
            return None
    except (TypeError, ValueError):
        pass
    t = pd.Timestamp(ts)
    if tz_name:
        try:
            local = t.tz_localize("UTC").tz_convert(ZoneInfo(tz_name))
            return local.strftime("%Y-%m-%d %H:%M %Z")
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return t.strftime("%Y-%m-%d %H:%M") + (" UTC" if tz_name is not None else "")


def who_when(row: dict, tz_name: str | None = None) -> str:
    """'changed by Anna, 2026-03-05 14:02 UTC' ('' while unanswered)."""
    by = row.get("changed_by")
    if not _present(by):
        return ""
    at = format_time(row.get("changed_at"), tz_name or "UTC")
    return f"changed by {by}, {at}"


# ---- the printable action list ------------------------------------------------------------------

def escape_markdown(text) -> str:
    """Text shown literally in Markdown, on one line (no markup, no HTML, no auto-link, no
    invisible characters: safe_text.plain_label)."""
    s = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return plain_label(s, None)


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v) != ""


def _grouped(actions: pd.DataFrame):
    for list_title, items in actions.groupby("list_title", sort=False):
        groups = []
        for area, rows in items.groupby("area", sort=False):
            groups.append((area if area != list_title else None, rows))
        yield list_title, groups


def action_list_markdown(actions: pd.DataFrame, *, workspace_name: str, generated_at: datetime,
                         applicable: int) -> str:
    """The open items as a Markdown document; every piece of user or knowledge text escaped."""
    out = [
        f"# Action list: {escape_markdown(workspace_name)}",
        "",
        f"Generated {generated_at:%Y-%m-%d %H:%M} UTC by ClusterDash. "
        f"{len(actions)} item{'s' if len(actions) != 1 else ''} to do (marked in progress or not yet) "
        f"of {applicable} applicable items.",
        "",
    ]
    if actions.empty:
        out.append("Nothing to do: no item is marked in progress or not yet.")
    for list_title, groups in _grouped(actions):
        out += [f"## {escape_markdown(list_title)}", ""]
        for area, rows in groups:
            if area:
                out += [f"### {escape_markdown(area)}", ""]
            for r in rows.to_dict("records"):
                head = f"**{escape_markdown(fields.value_label('kind', r['kind']))}:** "
                if _present(r.get("title")):
                    head += f"*{escape_markdown(r['title'])}* "
                out.append(f"- [ ] {head}{escape_markdown(r['text'])}")
                details = [f"Status: {status_label(r['status_effective'])}"]
                details.append(f"Owner: {escape_markdown(r['owner'])}" if _present(r.get("owner")) else "No owner yet")
                details.append(f"Due: {due_label(r['due_date'])}" if due_label(r.get("due_date")) else "No due date yet")
                if _present(r.get("note")):
                    details.append(f"Note: {escape_markdown(r['note'])}")
                out.append("  " + " · ".join(details) + "  ")
                out.append(f"  Source: {escape_markdown(r['source'])}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


_HTML_STYLE = """
body { font-family: "Source Sans Pro", "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 2em; max-width: 60em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #999; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
ul { list-style: none; padding-left: 0; }
li { margin: 0 0 0.8em 0; padding-left: 1.6em; text-indent: -1.6em; page-break-inside: avoid; }
li .box { display: inline-block; width: 1.6em; text-indent: 0; }
.kind { font-weight: bold; }
.meta, .source { display: block; text-indent: 0; color: #333; font-size: 0.9em; }
.source { color: #555; font-size: 0.8em; }
@media print { body { margin: 0; } a { color: inherit; } }
""".strip()


def action_list_html(actions: pd.DataFrame, *, workspace_name: str, generated_at: datetime,
                     applicable: int) -> str:
    """The open items as a self-contained, printable HTML page (no scripts, no external
    resources); every piece of user or knowledge text HTML-escaped."""
    e = html_text  # user text for HTML: entities, no bidi overrides or zero-width characters
    title = f"Action list: {workspace_name}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f"<style>\n{_HTML_STYLE}\n</style>",
        "</head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>Generated {generated_at:%Y-%m-%d %H:%M} UTC by ClusterDash. "
        f"{len(actions)} item{'s' if len(actions) != 1 else ''} to do (marked in progress or not yet) "
        f"of {applicable} applicable items.</p>",
    ]
    if actions.empty:
        out.append("<p>Nothing to do: no item is marked in progress or not yet.</p>")
    for list_title, groups in _grouped(actions):
        out.append(f"<h2>{e(list_title)}</h2>")
        for area, rows in groups:
            if area:
                out.append(f"<h3>{e(area)}</h3>")
            out.append("<ul>")
            for r in rows.to_dict("records"):
                head = f'<span class="kind">{e(fields.value_label("kind", r["kind"]))}:</span> '
                if _present(r.get("title")):
                    head += f"<em>{e(r['title'])}</em> "
                details = [f"Status: {e(status_label(r['status_effective']))}"]
                details.append(f"Owner: {e(r['owner'])}" if _present(r.get("owner")) else "No owner yet")
                details.append(f"Due: {e(due_label(r['due_date']))}" if due_label(r.get("due_date")) else "No due date yet")
                if _present(r.get("note")):
                    details.append(f"Note: {e(r['note'])}")
                out.append(
                    f'<li><span class="box">&#9744;</span>{head}{e(r["text"])}'
                    f'<span class="meta">{" · ".join(details)}</span>'
                    f'<span class="source">Source: {e(r["source"])}</span></li>'
                )
            out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
