"""Toolkit: the guide's tools per workspace — stakeholder analysis, SWOT board, business model
canvas, legal-form helper, service portfolio, management team skills — and the guide's knowledge
behind them. Rules and validation: :mod:`clusterdash.toolkit`; every write is one transaction
inside an active workspace (:func:`clusterdash.queries.common.write_in_workspace`).

Texts (:data:`clusterdash.texts.TEXT_FIELDS`) are written with compare and set and recorded in
the change history (:mod:`clusterdash.queries.texts`): a write given ``expected`` (the text the
writer's page showed) raises :class:`~clusterdash.errors.TextConflict` instead of writing over a
text someone else saved meanwhile. ``changed_by`` (the participant) goes into the history.
"""

from __future__ import annotations

import secrets

import pandas as pd

from clusterdash import texts, toolkit
from clusterdash.errors import UserError
from clusterdash.queries.common import fetch_row, next_seq, utcnow, write_in_workspace
from clusterdash.queries.knowledge import knowledge_table
from clusterdash.queries.texts import NOT_CHECKED, conflict, raise_conflict, record, record_row, set_text
from clusterdash.store import Store

CANVAS_HEADER_FIELDS = toolkit.CANVAS_HEADER_FIELDS

__all__ = [
    "toolkit_phase_tools", "toolkit_notes", "stakeholder_examples", "canvas_blocks", "legal_forms", "legal_form_points",
    "pre_assessed_services", "staffing_criteria", "toolkit_counts",
    "stakeholders", "add_stakeholder", "update_stakeholder", "delete_stakeholder", "add_example_stakeholders",
    "swot_items", "add_swot_item", "update_swot_item", "delete_swot_item",
    "canvas_entries", "save_canvas_entry", "CANVAS_HEADER_FIELDS", "canvas_header", "save_canvas_header",
    "legal_form_answers", "save_legal_form_answer",
    "cluster_services", "add_cluster_service", "update_cluster_service", "delete_cluster_service",
    "add_example_services",
    "team_members", "add_team_member", "update_team_member", "delete_team_member", "team_skill_scores",
    "save_team_skill_score",
]


def _toolkit_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


# ---- the guide's toolkit knowledge ------------------------------------------------------------

def toolkit_phase_tools(store: Store, phase_tool_codes: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Where the guide uses the given tools (all of the guide's tools when None): stage, step
    (with its question), the tool's how-to, whether the text puts it in that step
    (``allocation_basis``, ``allocation_note``) and source, in stage and step order."""
    sql = (
        "SELECT t.stage_code, s.stage_name, s.stage_order, t.step_no, p.step_question, t.tool_code, t.tool_name, "
        "t.how_to, t.allocation_basis, t.allocation_note, t.source "
        "FROM kb_phase_tool t JOIN kb_maturity_stage s USING (stage_code) "
        "LEFT JOIN kb_phase_step p ON p.stage_code = t.stage_code AND p.step_no = t.step_no"
    )
    params: list = []
    if phase_tool_codes is not None:
        if not phase_tool_codes:
            phase_tool_codes = [""]
        sql += " WHERE t.tool_code IN (" + ", ".join("?" for _ in phase_tool_codes) + ")"
        params = list(phase_tool_codes)
    # the guide's order of tools within a step is the knowledge file's order
    return store.df(sql + " ORDER BY s.stage_order, t.step_no, t.rowid", params)


def toolkit_notes(store: Store, tool_code: str) -> pd.DataFrame:
    return knowledge_table(store, "toolkit_note", columns=("seq", "heading", "text", "source"),
                           where={"tool_code": tool_code})


def stakeholder_examples(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "stakeholder_example")


def canvas_blocks(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "canvas_block")


def legal_forms(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "legal_form")


def legal_form_points(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT p.*, f.seq AS form_seq FROM kb_legal_form_point p JOIN kb_legal_form f USING (form_code) "
        "ORDER BY f.seq, CASE p.aspect WHEN 'precondition' THEN 1 WHEN 'advantage' THEN 2 ELSE 3 END, p.seq"
    )


def pre_assessed_services(store: Store) -> pd.DataFrame:
    """The guide's pre-assessment example (the services it gives a planned frequency / number of
    beneficiaries for), in the guide's order."""
    return store.df(
        "SELECT service_code, service_name, frequency_beneficiaries, note, source FROM kb_service_example "
        "WHERE frequency_beneficiaries IS NOT NULL ORDER BY rowid"
    )


def staffing_criteria(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT seq, text, source FROM kb_guidance_item WHERE list_code = 'staffing_criteria' AND kind = 'criterion' "
        "ORDER BY seq"
    )


# ---- per workspace: entries per tool, and the writes the tools share ---------------------------

def toolkit_counts(store: Store, workspace_id: str) -> dict[str, int]:
    """Saved entries per tool in a workspace (tool_code -> rows), for the toolkit overview."""
    row = store.rows(
        "SELECT "
        "(SELECT count(*) FROM stakeholder WHERE workspace_id = $w) AS stakeholder_analysis, "
        "(SELECT count(*) FROM swot_item WHERE workspace_id = $w) AS swot_analysis, "
        "(SELECT count(*) FROM canvas_entry WHERE workspace_id = $w) AS business_model_canvas, "
        "(SELECT count(*) FROM legal_form_answer WHERE workspace_id = $w) AS legal_form, "
        "(SELECT count(*) FROM cluster_service WHERE workspace_id = $w) AS develop_services, "
        "(SELECT count(*) FROM team_member WHERE workspace_id = $w) AS staffing",
        {"w": workspace_id},
    )[0]
    return {k: int(v) for k, v in row.items()}


def _toolkit_row(cur, table: str, id_col: str, workspace_id: str, row_id: str, what: str) -> dict:
    row = fetch_row(cur, f"SELECT * FROM {table} WHERE workspace_id = ? AND {id_col} = ?", [workspace_id, row_id])
    if row is None:
        raise UserError(f"{what} {row_id} no longer exists in this workspace (removed in another window?).")
    return row


def _toolkit_update(store: Store, table: str, id_col: str, workspace_id: str, row_id: str, values: dict,
                    allowed: tuple[str, ...], clean, kind: str, name_col: str, *, expected=NOT_CHECKED,
                    changed_by: str | None = None) -> None:
    """Validate and write some fields of one row; identifiers only from ``allowed``. Its texts
    are compared and set one by one and recorded; ``expected`` (compare and set) is for a write
    of one text field."""
    toolkit.check_fields(kind, values, allowed)
    if texts.is_checked(expected) and (len(values) != 1 or not texts.is_text_field(table, next(iter(values)))):
        raise ValueError("expected= is for a write of one text field")

    def apply(cur):
        row = _toolkit_row(cur, table, id_col, workspace_id, row_id, kind)
        label = toolkit.row_label(kind, row["seq"], row[name_col])
        cleaned = {k: clean(k, v, row=label) for k, v in values.items()}
        others = {k: v for k, v in cleaned.items() if not texts.is_text_field(table, k)}
        if others:
            sets = ", ".join(f"{k} = ?" for k in others)
            cur.execute(
                f"UPDATE {table} SET {sets}, updated_at = ? WHERE workspace_id = ? AND {id_col} = ?",
                [*others.values(), utcnow(), workspace_id, row_id],
            )
        for k, v in cleaned.items():
            if texts.is_text_field(table, k):
                found = set_text(cur, workspace_id, table, {"workspace_id": workspace_id, id_col: row_id}, row_id, k,
                                 row[k], v, expected=expected, changed_by=changed_by, row_label=label)
                if found is not None:
                    return found
        return None

    raise_conflict(write_in_workspace(store, workspace_id, apply))


def _toolkit_delete(store: Store, table: str, id_col: str, workspace_id: str, row_id: str, *, kind: str,
                    name_col: str | None = None, changed_by: str | None = None, before=None) -> None:
    """Remove one row; its texts go into the change history (so a removed text is not lost).
    ``before(cur)``: what to remove first in the same transaction (e.g. a member's scores)."""
    def apply(cur):
        row = fetch_row(cur, f"SELECT * FROM {table} WHERE workspace_id = ? AND {id_col} = ?", [workspace_id, row_id])
        if row is None:
            return
        if before is not None:
            before(cur)
        cur.execute(f"DELETE FROM {table} WHERE workspace_id = ? AND {id_col} = ?", [workspace_id, row_id])
        record_row(cur, workspace_id, table, row_id, row, removed=True, changed_by=changed_by,
                   row_label=_label(table, kind, row, name_col))

    write_in_workspace(store, workspace_id, apply)


def _label(table: str, kind: str, row: dict, name_col: str | None) -> str:
    if table == "swot_item":
        return toolkit.row_label(toolkit.QUADRANT_SINGULAR[row["quadrant"]].capitalize(), row["seq"])
    return toolkit.row_label(kind, row["seq"], row[name_col] if name_col else None)


# ---- stakeholder analysis ---------------------------------------------------------------------

def stakeholders(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT stakeholder_id, seq, name, assessment, influence, description, measure, updated_at FROM stakeholder "
        "WHERE workspace_id = ? ORDER BY seq", [workspace_id]
    )


def add_stakeholder(store: Store, workspace_id: str, name: str, *, assessment: str = "neutral",
                    influence: str = "medium", description: str | None = None, measure: str | None = None,
                    changed_by: str | None = None) -> str:
    sid = _toolkit_id("sh")
    label = toolkit.row_label("New stakeholder")
    values = {f: toolkit.clean_stakeholder_field(f, v, row=label) for f, v in
              [("name", name), ("assessment", assessment), ("influence", influence),
               ("description", description), ("measure", measure)]}

    def apply(cur):
        now = utcnow()
        seq = next_seq(cur, "stakeholder", workspace_id)
        cur.execute(
            "INSERT INTO stakeholder (workspace_id, stakeholder_id, seq, name, assessment, influence, description, "
            "measure, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [workspace_id, sid, seq, values["name"], values["assessment"], values["influence"], values["description"],
             values["measure"], now, now],
        )
        record_row(cur, workspace_id, "stakeholder", sid, values, changed_by=changed_by,
                   row_label=toolkit.row_label("Stakeholder", seq, values["name"]))

    write_in_workspace(store, workspace_id, apply)
    return sid


def update_stakeholder(store: Store, workspace_id: str, stakeholder_id: str, *, expected=NOT_CHECKED,
                       changed_by: str | None = None, **values) -> None:
    _toolkit_update(store, "stakeholder", "stakeholder_id", workspace_id, stakeholder_id, values,
                    toolkit.STAKEHOLDER_FIELDS, toolkit.clean_stakeholder_field, "Stakeholder", "name",
                    expected=expected, changed_by=changed_by)


def delete_stakeholder(store: Store, workspace_id: str, stakeholder_id: str, *, changed_by: str | None = None) -> None:
    _toolkit_delete(store, "stakeholder", "stakeholder_id", workspace_id, stakeholder_id, kind="Stakeholder",
                    name_col="name", changed_by=changed_by)


def add_example_stakeholders(store: Store, workspace_id: str, *, changed_by: str | None = None) -> int:
    """Copy the guide's example rows into the workspace (those whose name is not there yet), in
    one transaction. Returns how many were added."""
    examples = stakeholder_examples(store)

    def apply(cur):
        have = {r[0] for r in cur.execute("SELECT name FROM stakeholder WHERE workspace_id = ?", [workspace_id]).fetchall()}
        seq = next_seq(cur, "stakeholder", workspace_id)
        added = 0
        for e in examples.itertuples():
            if e.name in have:
                continue
            now = utcnow()
            sid = _toolkit_id("sh")
            cur.execute(
                "INSERT INTO stakeholder (workspace_id, stakeholder_id, seq, name, assessment, influence, description, "
                "measure, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [workspace_id, sid, seq, e.name, e.assessment, e.influence, e.description, e.measure, now, now],
            )
            record_row(cur, workspace_id, "stakeholder", sid,
                       {"name": e.name, "description": e.description, "measure": e.measure}, changed_by=changed_by,
                       row_label=toolkit.row_label("Stakeholder", seq, e.name))
            seq += 1
            added += 1
        return added

    return write_in_workspace(store, workspace_id, apply)


# ---- SWOT board -------------------------------------------------------------------------------

def swot_items(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT item_id, quadrant, seq, text, updated_at FROM swot_item WHERE workspace_id = ? "
        "ORDER BY CASE quadrant WHEN 'strength' THEN 1 WHEN 'weakness' THEN 2 WHEN 'opportunity' THEN 3 ELSE 4 END, seq",
        [workspace_id],
    )


def add_swot_item(store: Store, workspace_id: str, quadrant: str, text: str, *, changed_by: str | None = None) -> str:
    quadrant = toolkit.clean_choice(quadrant, toolkit.QUADRANTS, row="New SWOT item", field="quadrant")
    text = toolkit.clean_swot_text(text, row=f"New {toolkit.QUADRANT_SINGULAR[quadrant]}")
    item_id = _toolkit_id("sw")

    def apply(cur):
        seq = next_seq(cur, "swot_item", workspace_id, quadrant=quadrant)
        now = utcnow()
        cur.execute(
            "INSERT INTO swot_item (workspace_id, item_id, quadrant, seq, text, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [workspace_id, item_id, quadrant, seq, text, now, now],
        )
        record_row(cur, workspace_id, "swot_item", item_id, {"text": text}, changed_by=changed_by,
                   row_label=toolkit.row_label(toolkit.QUADRANT_SINGULAR[quadrant].capitalize(), seq))

    write_in_workspace(store, workspace_id, apply)
    return item_id


def update_swot_item(store: Store, workspace_id: str, item_id: str, text: str, *, expected=NOT_CHECKED,
                     changed_by: str | None = None) -> None:
    def apply(cur):
        row = _toolkit_row(cur, "swot_item", "item_id", workspace_id, item_id, "SWOT item")
        label = _label("swot_item", "SWOT item", row, None)
        clean = toolkit.clean_swot_text(text, row=label)
        return set_text(cur, workspace_id, "swot_item", {"workspace_id": workspace_id, "item_id": item_id}, item_id,
                        "text", row["text"], clean, expected=expected, changed_by=changed_by, row_label=label)

    raise_conflict(write_in_workspace(store, workspace_id, apply))


def delete_swot_item(store: Store, workspace_id: str, item_id: str, *, changed_by: str | None = None) -> None:
    _toolkit_delete(store, "swot_item", "item_id", workspace_id, item_id, kind="SWOT item", changed_by=changed_by)


# ---- business model canvas --------------------------------------------------------------------

def canvas_entries(store: Store, workspace_id: str) -> dict[str, str]:
    return {r["block_code"]: r["text"] for r in store.rows(
        "SELECT block_code, text FROM canvas_entry WHERE workspace_id = ?", [workspace_id])}


def save_canvas_entry(store: Store, workspace_id: str, block_code: str, text: str | None, *, expected=NOT_CHECKED,
                      changed_by: str | None = None) -> None:
    """Write one block of the canvas (compare and set, recorded); empty text clears it."""
    names = {r["block_code"]: r["block_name"] for r in store.rows("SELECT DISTINCT block_code, block_name FROM kb_canvas_block")}
    clean = toolkit.clean_canvas_entry(block_code, text, names)
    label = names[block_code]

    def apply(cur):
        row = fetch_row(cur, "SELECT text FROM canvas_entry WHERE workspace_id = ? AND block_code = ?",
                        [workspace_id, block_code])
        stored = None if row is None else row["text"]
        if texts.same(stored, clean):
            return None
        if texts.is_checked(expected) and not texts.same(stored, expected):
            return conflict(cur, workspace_id, "canvas_entry", block_code, "text", stored=stored, mine=clean,
                            expected=expected, changed_by=changed_by, row_label=label)
        if row is None:  # another session inserting it too: a duplicate key, retried, then compared
            cur.execute("INSERT INTO canvas_entry (workspace_id, block_code, text, updated_at) VALUES (?, ?, ?, ?)",
                        [workspace_id, block_code, clean, utcnow()])
        elif clean is None:
            cur.execute("DELETE FROM canvas_entry WHERE workspace_id = ? AND block_code = ? "
                        "AND text IS NOT DISTINCT FROM ?", [workspace_id, block_code, stored])
        else:
            return set_text(cur, workspace_id, "canvas_entry", {"workspace_id": workspace_id, "block_code": block_code},
                            block_code, "text", stored, clean, changed_by=changed_by, row_label=label)
        record(cur, workspace_id, "canvas_entry", block_code, "text", stored, clean, changed_by=changed_by,
               row_label=label)
        return None

    raise_conflict(write_in_workspace(store, workspace_id, apply))


def canvas_header(store: Store, workspace_id: str) -> dict:
    rows = store.rows("SELECT author_name, cluster_organisation, canvas_date FROM canvas_header WHERE workspace_id = ?",
                      [workspace_id])
    return rows[0] if rows else {f: None for f in toolkit.CANVAS_HEADER_FIELDS}


def save_canvas_header(store: Store, workspace_id: str, *, expected=NOT_CHECKED, changed_by: str | None = None,
                       **values) -> None:
    """Write fields of the canvas header; its texts with compare and set (``expected``: for one
    text field), recorded."""
    clean = toolkit.clean_canvas_header(values)
    if texts.is_checked(expected) and (len(clean) != 1 or not texts.is_text_field("canvas_header", next(iter(clean)))):
        raise ValueError("expected= is for a write of one text field")
    row_key = texts.CANVAS_HEADER_ROW

    def apply(cur):
        cur.execute("INSERT INTO canvas_header (workspace_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [workspace_id, utcnow()])
        row = fetch_row(cur, "SELECT * FROM canvas_header WHERE workspace_id = ?", [workspace_id])
        others = {k: v for k, v in clean.items() if not texts.is_text_field("canvas_header", k)}
        if others:
            sets = ", ".join(f"{k} = ?" for k in others)
            cur.execute(f"UPDATE canvas_header SET {sets}, updated_at = ? WHERE workspace_id = ?",
                        [*others.values(), utcnow(), workspace_id])
        for k, v in clean.items():
            if k not in others:
                found = set_text(cur, workspace_id, "canvas_header", {"workspace_id": workspace_id}, row_key, k, row[k], v,
                                 expected=expected, changed_by=changed_by, row_label="Canvas header")
                if found is not None:
                    return found
        return None

    raise_conflict(write_in_workspace(store, workspace_id, apply))


# ---- legal-form helper ------------------------------------------------------------------------

def legal_form_answers(store: Store, workspace_id: str) -> dict[str, str]:
    return {r["question_code"]: r["answer_code"] for r in store.rows(
        "SELECT question_code, answer_code FROM legal_form_answer WHERE workspace_id = ?", [workspace_id])}


def save_legal_form_answer(store: Store, workspace_id: str, question_code: str, answer_code: str | None) -> None:
    """Write one answer; None clears it."""
    clean = toolkit.clean_legal_answer(question_code, answer_code)

    def apply(cur):
        if clean is None:
            cur.execute("DELETE FROM legal_form_answer WHERE workspace_id = ? AND question_code = ?",
                        [workspace_id, question_code])
        else:
            cur.execute(
                "INSERT INTO legal_form_answer (workspace_id, question_code, answer_code, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET answer_code = excluded.answer_code, "
                "updated_at = excluded.updated_at",
                [workspace_id, question_code, clean, utcnow()],
            )

    write_in_workspace(store, workspace_id, apply)


# ---- service portfolio ------------------------------------------------------------------------

def cluster_services(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT service_id, seq, service_name, service_code, frequency, beneficiaries, effort, relevance, "
        "placement_code, note, updated_at FROM cluster_service WHERE workspace_id = ? ORDER BY seq", [workspace_id]
    )


def _insert_service(cur, workspace_id: str, values: dict, service_code: str | None = None, *,
                    changed_by: str | None = None) -> str:
    sid = _toolkit_id("sv")
    now = utcnow()
    seq = next_seq(cur, "cluster_service", workspace_id)
    cur.execute(
        "INSERT INTO cluster_service (workspace_id, service_id, seq, service_name, service_code, frequency, "
        "beneficiaries, effort, relevance, placement_code, note, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [workspace_id, sid, seq, values.get("service_name"), service_code,
         values.get("frequency"), values.get("beneficiaries"), values.get("effort"), values.get("relevance"),
         values.get("placement_code"), values.get("note"), now, now],
    )
    record_row(cur, workspace_id, "cluster_service", sid, values, changed_by=changed_by,
               row_label=toolkit.row_label("Service", seq, values.get("service_name")))
    return sid


def add_cluster_service(store: Store, workspace_id: str, service_name: str, *, changed_by: str | None = None,
                        **values) -> str:
    values = {"service_name": service_name, **values}
    toolkit.check_fields("New service", values, toolkit.SERVICE_FIELDS)
    label = toolkit.row_label("New service")
    clean = {k: toolkit.clean_service_field(k, v, row=label) for k, v in values.items()}
    return write_in_workspace(store, workspace_id,
                              lambda cur: _insert_service(cur, workspace_id, clean, changed_by=changed_by))


def update_cluster_service(store: Store, workspace_id: str, service_id: str, *, expected=NOT_CHECKED,
                           changed_by: str | None = None, **values) -> None:
    _toolkit_update(store, "cluster_service", "service_id", workspace_id, service_id, values,
                    toolkit.SERVICE_FIELDS, toolkit.clean_service_field, "Service", "service_name",
                    expected=expected, changed_by=changed_by)


def delete_cluster_service(store: Store, workspace_id: str, service_id: str, *, changed_by: str | None = None) -> None:
    _toolkit_delete(store, "cluster_service", "service_id", workspace_id, service_id, kind="Service",
                    name_col="service_name", changed_by=changed_by)


def add_example_services(store: Store, workspace_id: str, *, changed_by: str | None = None) -> int:
    """Add the guide's seven pre-assessed services (those not in the workspace yet) with the
    planned frequency / beneficiaries the guide gives; effort and relevance stay unrated (the
    guide's marks were lost in extraction). One transaction; returns how many were added."""
    examples = pre_assessed_services(store)

    def apply(cur):
        have = {r[0] for r in cur.execute(
            "SELECT service_code FROM cluster_service WHERE workspace_id = ? AND service_code IS NOT NULL",
            [workspace_id]).fetchall()}
        added = 0
        for e in examples.itertuples():
            if e.service_code in have:
                continue
            frequency, beneficiaries = toolkit.parse_frequency_beneficiaries(e.frequency_beneficiaries)
            _insert_service(cur, workspace_id, {"service_name": e.service_name, "frequency": frequency,
                                                "beneficiaries": beneficiaries}, e.service_code,
                            changed_by=changed_by)
            added += 1
        return added

    return write_in_workspace(store, workspace_id, apply)


# ---- management team skills -------------------------------------------------------------------

def team_members(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT member_id, seq, member_name, role, fte_pct, updated_at FROM team_member WHERE workspace_id = ? "
        "ORDER BY seq", [workspace_id]
    )


def add_team_member(store: Store, workspace_id: str, member_name: str, *, fte_pct: float = 100,
                    role: str | None = None, changed_by: str | None = None) -> str:
    label = toolkit.row_label("New team member")
    clean = {k: toolkit.clean_member_field(k, v, row=label)
             for k, v in [("member_name", member_name), ("role", role), ("fte_pct", fte_pct)]}
    mid = _toolkit_id("tm")

    def apply(cur):
        now = utcnow()
        seq = next_seq(cur, "team_member", workspace_id)
        cur.execute(
            "INSERT INTO team_member (workspace_id, member_id, seq, member_name, role, fte_pct, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [workspace_id, mid, seq, clean["member_name"], clean["role"], clean["fte_pct"], now, now],
        )
        record_row(cur, workspace_id, "team_member", mid, clean, changed_by=changed_by,
                   row_label=toolkit.row_label("Team member", seq, clean["member_name"]))

    write_in_workspace(store, workspace_id, apply)
    return mid


def update_team_member(store: Store, workspace_id: str, member_id: str, *, expected=NOT_CHECKED,
                       changed_by: str | None = None, **values) -> None:
    _toolkit_update(store, "team_member", "member_id", workspace_id, member_id, values,
                    toolkit.MEMBER_FIELDS, toolkit.clean_member_field, "Team member", "member_name",
                    expected=expected, changed_by=changed_by)


def delete_team_member(store: Store, workspace_id: str, member_id: str, *, changed_by: str | None = None) -> None:
    """Remove a team member and their scores, in one transaction (their texts go into the history)."""
    _toolkit_delete(store, "team_member", "member_id", workspace_id, member_id, kind="Team member",
                    name_col="member_name", changed_by=changed_by,
                    before=lambda cur: cur.execute("DELETE FROM team_skill_score WHERE workspace_id = ? AND member_id = ?",
                                                   [workspace_id, member_id]))


def team_skill_scores(store: Store, workspace_id: str) -> pd.DataFrame:
    return store.df(
        "SELECT member_id, criterion_seq, score FROM team_skill_score WHERE workspace_id = ? "
        "ORDER BY member_id, criterion_seq", [workspace_id]
    )


def save_team_skill_score(store: Store, workspace_id: str, member_id: str, criterion_seq: int, score) -> None:
    """Write one score (0-5); None clears it."""
    criterion = store.value(
        "SELECT text FROM kb_guidance_item WHERE list_code = 'staffing_criteria' AND kind = 'criterion' AND seq = ?",
        [criterion_seq])
    if criterion is None:
        raise UserError(f"Team skills: there is no criterion {criterion_seq}.")

    def apply(cur):
        row = _toolkit_row(cur, "team_member", "member_id", workspace_id, member_id, "Team member")
        label = toolkit.row_label("Team member", row["seq"], row["member_name"])
        clean = toolkit.clean_score(score, row=label, criterion=criterion)
        if clean is None:
            cur.execute("DELETE FROM team_skill_score WHERE workspace_id = ? AND member_id = ? AND criterion_seq = ?",
                        [workspace_id, member_id, criterion_seq])
        else:
            cur.execute(
                "INSERT INTO team_skill_score (workspace_id, member_id, criterion_seq, score, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at",
                [workspace_id, member_id, criterion_seq, clean, utcnow()],
            )

    write_in_workspace(store, workspace_id, apply)
