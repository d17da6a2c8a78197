"""Texts several people edit at once: which fields are texts, how a save against an outdated
version is recognised, how two texts are merged, and the change history as a readable table.
Pure Python (pandas), no Streamlit, no store.

Compare and set
    A text field is saved together with the text it showed when the writer began
    (``expected``). The write is done only if the stored text still is that one; otherwise
    someone else saved the field in between, and the write is refused with
    :class:`clusterdash.errors.TextConflict`. Nothing is lost: the refused text is kept in the
    change history (``text_change``, ``is_saved = false``) in the transaction that found the
    conflict, and the writer is told whose text is stored and can take theirs, keep their own
    or merge both (clusterdash.ui.autosave).

The history
    Every change of a workspace's texts of the toolkit and the value chains — added, edited,
    removed — is one row of ``text_change`` (table, row, field, old → new, who, when), written
    in the same transaction as the change. Checklist notes and owners keep their own history
    (``checklist_change``, which records status changes too); only their refused, conflicting
    texts go to ``text_change`` (table ``checklist_answer``). See migration v013.
"""

from __future__ import annotations

import pandas as pd


class _NotChecked:
    """The ``expected`` of a write that does not compare (scripts, imports, the CLI)."""

    def __repr__(self) -> str:
        return "NOT_CHECKED"


NOT_CHECKED = _NotChecked()

# The text fields of each workspace table, with their label as the pages show them. Only these
# are written with compare and set and recorded in the change history.
TEXT_FIELDS: dict[str, dict[str, str]] = {
    "stakeholder": {"name": "Name", "description": "Description", "measure": "Measure"},
    "swot_item": {"text": "Text"},
    "canvas_entry": {"text": "Text"},
    "canvas_header": {"author_name": "Name", "cluster_organisation": "Cluster organisation"},
    "cluster_service": {"service_name": "Service", "note": "Note"},
    "team_member": {"member_name": "Name", "role": "Role"},
    "value_chain_stage": {"stage_name": "Stage", "local_actors": "Local actors", "notes": "Notes"},
    "checklist_answer": {"note": "Note", "owner": "Owner"},
}

# The tables whose texts each tool edits (the tool's change history).
TOOL_TABLES: dict[str, tuple[str, ...]] = {
    "stakeholder_analysis": ("stakeholder",),
    "swot_analysis": ("swot_item",),
    "business_model_canvas": ("canvas_header", "canvas_entry"),
    "develop_services": ("cluster_service",),
    "staffing": ("team_member",),
    "legal_form": (),  # answers are choices: no texts
    "value_chains": ("value_chain_stage",),
    "checklists": ("checklist_answer",),
}

CANVAS_HEADER_ROW = "header"  # the row_key of a workspace's canvas header (one per workspace)


def is_text_field(table: str, field: str) -> bool:
    return field in TEXT_FIELDS.get(table, {})


def field_label(table: str, field: str) -> str:
    return TEXT_FIELDS.get(table, {}).get(field) or field.replace("_", " ").capitalize()


def norm(value) -> str:
    """A stored or shown text for comparison: NULL, NaN and '' are the same (an empty field)."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def same(a, b) -> bool:
    return norm(a) == norm(b)


def is_checked(expected) -> bool:
    return expected is not NOT_CHECKED


def merge(theirs, mine, *, multiline: bool = True) -> str:
    """Both texts in one: theirs first (it was saved first), then mine; a text already contained
    in the other is not repeated."""
    a, b = norm(theirs).strip(), norm(mine).strip()
    if not a or a in b:
        return b
    if not b or b in a:
        return a
    return f"{a}\n{b}" if multiline else f"{a} / {b}"


HISTORY_COLUMNS = ("changed_at_utc", "changed_by", "what", "field", "from", "to", "is_saved", "table_name",
                   "row_key")


def history_frame(changes: pd.DataFrame, tz_name: str | None = None) -> pd.DataFrame:
    """The change history (queries.text_changes) as a readable table, newest first: when, who,
    what (the row in words), field, from, to, and whether the change was written
    (``is_saved``; false: a text saved against an outdated version, kept here only)."""
    from clusterdash.checklists import format_time  # one time format for every history

    rows = []
    for r in changes.to_dict("records"):
        rows.append({
            "changed_at_utc": format_time(r["changed_at"], tz_name),
            "changed_by": r["changed_by"] if norm(r["changed_by"]) else None,
            "what": r["row_label"] if norm(r["row_label"]) else r["row_key"],
            "field": field_label(r["table_name"], r["field"]),
            "from": r["old_value"] if norm(r["old_value"]) else None,
            "to": r["new_value"] if norm(r["new_value"]) else None,
            "is_saved": bool(r["is_saved"]),
            "table_name": r["table_name"],
            "row_key": r["row_key"],
        })
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def describe_change(row: dict) -> str:
    """One line of a history row: 'added', 'changed', 'removed' or 'not saved (conflict)'."""
    if not row.get("is_saved", True):
        return "not saved (conflict): kept here"
    old, new = norm(row.get("from") if "from" in row else row.get("old_value")), norm(
        row.get("to") if "to" in row else row.get("new_value"))
    if not old:
        return "added"
    if not new:
        return "removed"
    return "changed"

