"""Cluster initiatives (the catalogue from the seed documents plus those users add) and their
value chains (per workspace: the stages, who covers them locally, and the gaps).

The ``initiative`` view is the union of ``kb_initiative`` (read-only) and ``user_initiative``.
User initiatives belong to no workspace; value-chain stages do, so their writes go through the
workspace guard. Validation: :mod:`clusterdash.initiatives` and :mod:`clusterdash.value_chains`.
A stage's texts (name, local actors, notes) are written with compare and set and recorded in the
change history (:mod:`clusterdash.queries.texts`), also when a stage is added or removed.
"""

from __future__ import annotations

import secrets

import pandas as pd

from clusterdash import initiatives as ini
from clusterdash import texts
from clusterdash import value_chains as vc
from clusterdash.errors import UserError
from clusterdash.queries.common import fetch_row, next_seq, utcnow, write_in_workspace
from clusterdash.queries.knowledge import knowledge_table
from clusterdash.queries.texts import NOT_CHECKED, raise_conflict, record_row, set_text
from clusterdash.store import Store

__all__ = [
    "initiatives", "get_initiative", "new_initiative_id", "add_user_initiative", "update_user_initiative",
    "delete_user_initiative", "value_chain_stage_count", "value_chain_mapping_guidance", "value_chain_templates",
    "value_chain_template_stages", "value_chain_stages", "value_chain_overview", "add_value_chain_stage",
    "update_value_chain_stage", "delete_value_chain_stage", "move_value_chain_stage", "apply_value_chain_template",
]


def initiatives(store: Store) -> pd.DataFrame:
    return store.df("SELECT * FROM initiative ORDER BY country, name")


def get_initiative(store: Store, initiative_id: str) -> dict | None:
    rows = store.rows("SELECT * FROM initiative WHERE initiative_id = ?", [initiative_id])
    return rows[0] if rows else None


# ---- initiatives entered by users (the catalogue is read-only) --------------------------------

_INI_USER_COLUMNS = ("name", "country", "country_code", "place", "sector", "latitude", "longitude",
                            "members", "founding_year", "stage_code", "notes", "source")


def new_initiative_id() -> str:
    return "u-" + secrets.token_hex(6)


def add_user_initiative(store: Store, fields: dict) -> str:
    """Add a cluster initiative entered by a user (validated; UserError names the field).
    Returns its id."""
    clean = ini.clean_initiative(fields)
    iid = new_initiative_id()
    now = utcnow()
    cols = ("initiative_id",) + _INI_USER_COLUMNS + ("created_at", "updated_at")
    values = [iid] + [clean[c] for c in _INI_USER_COLUMNS] + [now, now]
    store.execute_write(
        f"INSERT INTO user_initiative ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", values
    )
    return iid


def _ini_require_user(cur, initiative_id: str) -> None:
    if cur.execute("SELECT count(*) FROM user_initiative WHERE initiative_id = ?", [initiative_id]).fetchone()[0]:
        return
    if cur.execute("SELECT count(*) FROM kb_initiative WHERE initiative_id = ?", [initiative_id]).fetchone()[0]:
        raise UserError("Catalogue initiatives come from the seed documents and are read-only: "
                        "add a copy to change it.")
    raise UserError(f"Initiative {initiative_id!r} does not exist (was it deleted?).")


def update_user_initiative(store: Store, initiative_id: str, fields: dict) -> None:
    """Replace the fields of a user initiative (validated; catalogue entries are read-only)."""
    clean = ini.clean_initiative(fields)

    def apply(cur):
        _ini_require_user(cur, initiative_id)
        sets = ", ".join(f"{c} = ?" for c in _INI_USER_COLUMNS)
        cur.execute(
            f"UPDATE user_initiative SET {sets}, updated_at = ? WHERE initiative_id = ?",
            [clean[c] for c in _INI_USER_COLUMNS] + [utcnow(), initiative_id],
        )

    store.write(apply)


def delete_user_initiative(store: Store, initiative_id: str) -> int:
    """Delete a user initiative and its value-chain lists (in every workspace), in one
    transaction. Returns the number of value-chain stages deleted with it."""

    def apply(cur):
        _ini_require_user(cur, initiative_id)
        n = cur.execute("SELECT count(*) FROM value_chain_stage WHERE initiative_id = ?", [initiative_id]).fetchone()[0]
        cur.execute("DELETE FROM value_chain_stage WHERE initiative_id = ?", [initiative_id])
        cur.execute("DELETE FROM user_initiative WHERE initiative_id = ?", [initiative_id])
        return int(n)

    return store.write(apply)


# ---- value chains: each workspace's list of an initiative's value-chain stages ----------------

def value_chain_stage_count(store: Store, initiative_id: str) -> int:
    """Value-chain stages recorded for an initiative, over all workspaces."""
    return int(store.value("SELECT count(*) FROM value_chain_stage WHERE initiative_id = ?", [initiative_id]))


def value_chain_mapping_guidance(store: Store) -> dict | None:
    """What the guide says about the value chain mapping tool (kb_phase_tool), with its source."""
    rows = store.rows(
        "SELECT tool_name, how_to, source FROM kb_phase_tool WHERE tool_code = 'value_chain_mapping' "
        "ORDER BY stage_code, step_no LIMIT 1"
    )
    return rows[0] if rows else None


def value_chain_templates(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT t.*, (SELECT count(*) FROM kb_value_chain_template_stage s WHERE s.template_code = t.template_code) "
        "AS stages FROM kb_value_chain_template t ORDER BY t.template_name"
    )


def value_chain_template_stages(store: Store, template_code: str) -> pd.DataFrame:
    return knowledge_table(store, "value_chain_template_stage", where={"template_code": template_code})


def value_chain_stages(store: Store, workspace_id: str, initiative_id: str) -> pd.DataFrame:
    """The value chain of an initiative in a workspace, upstream first (missing values are None)."""
    df = store.df(
        "SELECT * FROM value_chain_stage WHERE workspace_id = ? AND initiative_id = ? ORDER BY seq, stage_id",
        [workspace_id, initiative_id],
    )
    return df.astype(object).where(df.notna(), None)


def value_chain_overview(store: Store, workspace_id: str) -> pd.DataFrame:
    """Initiatives with a value-chain list in the workspace: stages, gaps and not-yet-assessed."""
    return store.df(
        """
        SELECT v.initiative_id, any_value(i.name) AS name, count(*) AS stages,
               count(*) FILTER (WHERE v.coverage_status = 'covered') AS covered,
               count(*) FILTER (WHERE v.coverage_status = 'partly_covered') AS partly_covered,
               count(*) FILTER (WHERE v.coverage_status = 'gap') AS gaps,
               count(*) FILTER (WHERE v.coverage_status IS NULL) AS not_assessed,
               max(v.updated_at) AS updated_at
        FROM value_chain_stage v LEFT JOIN initiative i USING (initiative_id)
        WHERE v.workspace_id = ? GROUP BY v.initiative_id ORDER BY updated_at DESC
        """,
        [workspace_id],
    )


def _vc_require_initiative(cur, initiative_id: str) -> None:
    if not cur.execute("SELECT count(*) FROM initiative WHERE initiative_id = ?", [initiative_id]).fetchone()[0]:
        raise UserError(f"Initiative {initiative_id!r} does not exist.")


def _vc_next_seq(cur, workspace_id: str, initiative_id: str) -> int:
    return next_seq(cur, "value_chain_stage", workspace_id, initiative_id=initiative_id)


def _vc_check_room(cur, workspace_id: str, initiative_id: str, adding: int) -> None:
    vc.check_room(_vc_next_seq(cur, workspace_id, initiative_id) - 1, adding)


def add_value_chain_stage(store: Store, workspace_id: str, initiative_id: str, stage_name: str, *,
                          local_actors: str | None = None, coverage_status: str | None = None,
                          notes: str | None = None, changed_by: str | None = None) -> str:
    """Append a stage to the initiative's value chain in the workspace. Returns its id."""
    name = vc.clean_field("stage_name", stage_name)
    actors = vc.clean_field("local_actors", local_actors)
    status = vc.clean_field("coverage_status", coverage_status)
    note = vc.clean_field("notes", notes)
    sid = "vc-" + secrets.token_hex(6)

    def apply(cur):
        _vc_require_initiative(cur, initiative_id)
        _vc_check_room(cur, workspace_id, initiative_id, 1)
        seq = _vc_next_seq(cur, workspace_id, initiative_id)
        cur.execute(
            "INSERT INTO value_chain_stage (workspace_id, initiative_id, stage_id, seq, stage_name, local_actors, "
            "coverage_status, notes, template_code, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            [workspace_id, initiative_id, sid, seq, name, actors, status, note, utcnow()],
        )
        record_row(cur, workspace_id, "value_chain_stage", sid, {"stage_name": name, "local_actors": actors,
                                                                  "notes": note},
                   changed_by=changed_by, row_label=_vc_label(seq, name))
        return sid

    return write_in_workspace(store, workspace_id, apply)


def _vc_stage_row(cur, workspace_id: str, stage_id: str) -> dict:
    row = fetch_row(cur, "SELECT * FROM value_chain_stage WHERE workspace_id = ? AND stage_id = ?",
                    [workspace_id, stage_id])
    if row is None:
        raise UserError("This value-chain stage no longer exists (deleted in another session?). Reload the page.")
    return row


def _vc_label(seq, name) -> str:
    return f"Stage {seq}" + (f" (“{name}”)" if name else "")


def update_value_chain_stage(store: Store, workspace_id: str, stage_id: str, field: str, value, *,
                             expected=NOT_CHECKED, changed_by: str | None = None) -> None:
    """Save one field of a stage (stage_name, local_actors, coverage_status, notes) the moment it
    is given. UserError names the stage's position and the field; the store is unchanged. A text
    field given ``expected`` (the text the writer's page showed) raises TextConflict instead of
    writing over a text saved meanwhile."""
    vc.check_field_name(field)  # the column name comes from this fixed list only
    is_text = texts.is_text_field("value_chain_stage", field)
    if texts.is_checked(expected) and not is_text:
        raise ValueError("expected= is for a text field")

    def apply(cur):
        row = _vc_stage_row(cur, workspace_id, stage_id)
        clean = vc.clean_field(field, value, row=row["seq"])
        if is_text:
            return set_text(cur, workspace_id, "value_chain_stage", {"workspace_id": workspace_id, "stage_id": stage_id},
                            stage_id, field, row[field], clean, expected=expected, changed_by=changed_by,
                            row_label=_vc_label(row["seq"], row["stage_name"]))
        cur.execute(
            f"UPDATE value_chain_stage SET {field} = ?, updated_at = ? WHERE workspace_id = ? AND stage_id = ?",
            [clean, utcnow(), workspace_id, stage_id],
        )
        return None

    raise_conflict(write_in_workspace(store, workspace_id, apply))


def _vc_renumber(cur, workspace_id: str, initiative_id: str, order: list[str]) -> None:
    for i, sid in enumerate(order, start=1):
        cur.execute("UPDATE value_chain_stage SET seq = ? WHERE workspace_id = ? AND stage_id = ? AND seq <> ?",
                    [i, workspace_id, sid, i])


def _vc_stage_order(cur, workspace_id: str, initiative_id: str) -> list[str]:
    return [r[0] for r in cur.execute(
        "SELECT stage_id FROM value_chain_stage WHERE workspace_id = ? AND initiative_id = ? ORDER BY seq, stage_id",
        [workspace_id, initiative_id],
    ).fetchall()]


def delete_value_chain_stage(store: Store, workspace_id: str, stage_id: str, *, changed_by: str | None = None) -> None:
    """Remove a stage (its texts go into the change history) and renumber the chain."""
    def apply(cur):
        row = _vc_stage_row(cur, workspace_id, stage_id)
        cur.execute("DELETE FROM value_chain_stage WHERE workspace_id = ? AND stage_id = ?", [workspace_id, stage_id])
        record_row(cur, workspace_id, "value_chain_stage", stage_id, row, removed=True, changed_by=changed_by,
                   row_label=_vc_label(row["seq"], row["stage_name"]))
        _vc_renumber(cur, workspace_id, row["initiative_id"], _vc_stage_order(cur, workspace_id, row["initiative_id"]))

    write_in_workspace(store, workspace_id, apply)


def move_value_chain_stage(store: Store, workspace_id: str, stage_id: str, delta: int) -> None:
    """Move a stage up (delta < 0, upstream) or down the chain; at either end it stays."""

    def apply(cur):
        row = _vc_stage_row(cur, workspace_id, stage_id)
        order = _vc_stage_order(cur, workspace_id, row["initiative_id"])
        i = order.index(stage_id)
        j = max(0, min(len(order) - 1, i + int(delta)))
        order.insert(j, order.pop(i))
        _vc_renumber(cur, workspace_id, row["initiative_id"], order)
        cur.execute("UPDATE value_chain_stage SET updated_at = ? WHERE workspace_id = ? AND stage_id = ?",
                    [utcnow(), workspace_id, stage_id])

    write_in_workspace(store, workspace_id, apply)


def apply_value_chain_template(store: Store, workspace_id: str, initiative_id: str, template_code: str, *,
                               changed_by: str | None = None) -> int:
    """Append the template's stages that the chain does not have yet (same name, ignoring case),
    not yet assessed. Returns the number added."""

    def apply(cur):
        _vc_require_initiative(cur, initiative_id)
        stages = cur.execute(
            "SELECT stage_name FROM kb_value_chain_template_stage WHERE template_code = ? ORDER BY seq",
            [template_code],
        ).fetchall()
        if not stages:
            raise UserError(f"Value-chain template {template_code!r} does not exist.")
        have = {r[0].casefold() for r in cur.execute(
            "SELECT stage_name FROM value_chain_stage WHERE workspace_id = ? AND initiative_id = ?",
            [workspace_id, initiative_id],
        ).fetchall()}
        new = [s[0] for s in stages if s[0].casefold() not in have]
        _vc_check_room(cur, workspace_id, initiative_id, len(new))
        seq = _vc_next_seq(cur, workspace_id, initiative_id)
        now = utcnow()
        for k, name in enumerate(new):
            sid = "vc-" + secrets.token_hex(6)
            cur.execute(
                "INSERT INTO value_chain_stage (workspace_id, initiative_id, stage_id, seq, stage_name, template_code, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [workspace_id, initiative_id, sid, seq + k, name, template_code, now],
            )
            record_row(cur, workspace_id, "value_chain_stage", sid, {"stage_name": name}, changed_by=changed_by,
                       row_label=_vc_label(seq + k, name))
        return len(new)

    return write_in_workspace(store, workspace_id, apply)
