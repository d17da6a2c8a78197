"""Workspaces: naming rules and how a workspace is duplicated, built from the schema metadata.

Every user table that belongs to a workspace declares ``workspace_column`` (see
``clusterdash.schema.Table``). Duplicating a workspace copies the rows of *every* such table,
whoever declared it (checklists, assessments, financing entries, ...), so a pillar added
later is duplicated without any change here:

- a table whose primary key contains the workspace column (e.g. one answer per item and
  workspace) is copied row by row with the new workspace id;
- a table with a single-column surrogate key that does not contain the workspace column
  (e.g. ``assessment_id``) gets new identifiers for the copied rows, and any column of the
  same name in the other workspace tables (a reference to it) is re-pointed to the new
  identifiers;
- any other shape cannot be copied safely and is refused (a programming error, caught by the
  tests over the real schema).

This module plans the copy (pure, no store); ``queries.duplicate_workspace`` turns the plan into
SQL (``clusterdash.queries.workspaces.copy_sql``) and runs it in one transaction.

It also holds the rule for the name of the person answering in a workspace (the participant),
shared by checklists, maturity answers and the workshop.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from clusterdash import schema
from clusterdash.errors import UserError
from clusterdash.schema import LAYER_USER, Table

MAX_NAME_LENGTH = 200
MAX_OCCASION_LENGTH = 200
MAX_PARTICIPANT_CHARS = 60


def clean_name(name) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise UserError("A workspace needs a name.")
    if len(text) > MAX_NAME_LENGTH:
        raise UserError(f"A workspace name can have at most {MAX_NAME_LENGTH} characters ({len(text)} given).")
    return text


def clean_occasion(occasion) -> str | None:
    text = " ".join(str(occasion or "").split())
    if len(text) > MAX_OCCASION_LENGTH:
        raise UserError(f"The occasion can have at most {MAX_OCCASION_LENGTH} characters ({len(text)} given).")
    return text or None


def clean_participant(name) -> str:
    """The participant's name as stored and shown with what they changed: surrounding and
    repeated spaces removed, one line, at most :data:`MAX_PARTICIPANT_CHARS` characters."""
    text = " ".join(str(name or "").split())
    if not text:
        raise UserError("Your name is empty: enter your name or your group's name so others see who answered.")
    if len(text) > MAX_PARTICIPANT_CHARS:
        raise UserError(f"Your name can have at most {MAX_PARTICIPANT_CHARS} characters ({len(text)} given).")
    return text


def copy_name(name: str, existing: list[str] | set[str]) -> str:
    """'X (copy)', or 'X (copy 2)', ... — the first not among ``existing``."""
    base = re.sub(r" \(copy(?: \d+)?\)$", "", name)
    taken = set(existing)
    candidate = f"{base} (copy)"
    n = 2
    while candidate in taken:
        candidate = f"{base} (copy {n})"
        n += 1
    if len(candidate) > MAX_NAME_LENGTH:
        candidate = candidate[-MAX_NAME_LENGTH:]
    return candidate


def label(ws: dict) -> str:
    """How a workspace is named in lists: 'name — occasion' (occasion only when given and not
    already part of the name)."""
    name = ws.get("name") or ws.get("workspace_id")
    occ = ws.get("occasion")
    if isinstance(occ, float) and occ != occ:  # NaN from a DataFrame row
        occ = None
    if occ and str(occ) not in str(name):
        return f"{name} — {occ}"
    return str(name)


# ---- duplication plan ------------------------------------------------------------------------

@dataclass(frozen=True)
class TableCopy:
    """How the rows of one workspace table are copied."""

    table: str
    columns: tuple[str, ...]
    workspace_column: str
    new_key: str | None = None  # the surrogate key column that gets new identifiers
    new_key_type: str | None = None
    remap: tuple[str, ...] = ()  # columns re-pointed through an identifier map (incl. new_key)
    reset: tuple[tuple[str, str | None], ...] = ()  # (column, other column of the row or None = NULL): LIVE_STATE


@dataclass
class DuplicationPlan:
    copies: list[TableCopy] = field(default_factory=list)

    @property
    def tables(self) -> list[str]:
        return [c.table for c in self.copies]


class DuplicationError(RuntimeError):
    """A workspace table whose shape the generic copy cannot handle (a programming error)."""


# History tables: copied with the workspace, but not counted as its entries.
HISTORY_TABLES: tuple[str, ...] = ("checklist_change", "text_change")


# The live state of a workshop room, which a copy starts without: (table, column) -> the column of
# the same row whose value the copy takes, or None (NULL). A running countdown timer is copied
# stopped, at its full duration (issue 13: a duplicate never shows another room's running timer).
LIVE_STATE: dict[str, dict[str, str | None]] = {
    "countdown": {"ends_at": None, "left_s": "duration_s"},
}


def workspace_tables(tables: list[Table] | None = None) -> list[Table]:
    """User tables that belong to a workspace, in migration order."""
    tables = schema.tables_in_layer(LAYER_USER) if tables is None else tables
    return [t for t in tables if t.workspace_column]


def plan_duplication(tables: list[Table] | None = None) -> DuplicationPlan:
    tables = workspace_tables(tables)
    surrogate: dict[str, str] = {}  # key column -> its type, for tables with their own ids
    for t in tables:
        if t.workspace_column not in t.column_names:
            raise DuplicationError(f"{t.name}: workspace_column {t.workspace_column!r} is not one of its columns")
        pk = tuple(t.primary_key)
        if not pk or t.workspace_column in pk:
            continue
        if len(pk) == 1:
            surrogate[pk[0]] = t.column(pk[0]).type.upper()
            continue
        raise DuplicationError(
            f"{t.name}: primary key {pk} neither contains {t.workspace_column!r} nor is a single identifier "
            "column, so a copy of its rows cannot be given new keys"
        )
    for key, type_ in surrogate.items():
        if type_ not in ("VARCHAR", "INTEGER", "BIGINT", "UUID"):
            raise DuplicationError(f"identifier column {key!r} has type {type_}; only VARCHAR/INTEGER/BIGINT/UUID")
    plan = DuplicationPlan()
    for t in tables:
        pk = tuple(t.primary_key)
        own = pk[0] if len(pk) == 1 and pk[0] in surrogate else None
        plan.copies.append(
            TableCopy(
                table=t.name,
                columns=tuple(t.column_names),
                workspace_column=t.workspace_column,
                new_key=own,
                new_key_type=surrogate.get(own) if own else None,
                remap=tuple(c for c in t.column_names if c in surrogate),
                reset=_resets(t),
            )
        )
    return plan


def _resets(t: Table) -> tuple[tuple[str, str | None], ...]:
    out = []
    for column, source in LIVE_STATE.get(t.name, {}).items():
        if column not in t.column_names or (source is not None and source not in t.column_names):
            raise DuplicationError(f"{t.name}: LIVE_STATE names a column it does not have ({column!r}, {source!r})")
        out.append((column, source))
    return tuple(out)


def new_identifier(old, type_: str, taken_max: int = 0, n: int = 0):
    """A fresh identifier for a copied row: integers continue after the largest in use; text keeps a
    short prefix such as 'a-' and gets a random rest; UUIDs are new UUIDs."""
    if type_ in ("INTEGER", "BIGINT"):
        return taken_max + n + 1
    if type_ == "UUID":
        return str(uuid.uuid4())
    m = re.match(r"^([A-Za-z]{1,6}-)", str(old))
    prefix = m.group(1) if m else ""
    return prefix + uuid.uuid4().hex[:16]
