"""Maturity assessment: the questionnaire, each workspace's assessments and answers, and what the
guide recommends for a stage.

An assessment is identified by (workspace_id, assessment_id); answers are keyed by participant
and statement and written one at a time, so several participants answering at once never
overwrite each other. Validation (dates, labels, answer codes): :mod:`clusterdash.maturity`;
the participant's name: :func:`clusterdash.workspaces.clean_participant`.
"""

from __future__ import annotations

import secrets

import pandas as pd

from clusterdash import maturity, workspaces
from clusterdash.errors import UserError
from clusterdash.queries.common import utcnow, write_in_workspace
from clusterdash.queries.knowledge import knowledge_table
from clusterdash.store import Store

MAX_PARTICIPANT_CHARS = workspaces.MAX_PARTICIPANT_CHARS
MAX_ASSESSMENT_LABEL_CHARS = maturity.MAX_ASSESSMENT_LABEL_CHARS
# The participant's name as stored; one rule for every pillar (the UI checks it as it is typed).
check_participant = workspaces.clean_participant

__all__ = [
    "MAX_PARTICIPANT_CHARS", "MAX_ASSESSMENT_LABEL_CHARS", "check_participant",
    "assessment_statements", "assessment_dimensions", "assessment_checks", "stage_characteristics",
    "list_assessments", "get_assessment", "create_assessment", "update_assessment", "delete_assessment",
    "save_assessment_answer", "assessment_answers", "assessment_participants", "assessed_initiatives",
    "stage_recommendations",
]


# ---- the questionnaire (knowledge) ----------------------------------------------------------------

def assessment_statements(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "assessment_statement")


def assessment_dimensions(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "assessment_dimension")


def assessment_checks(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "assessment_check")


def stage_characteristics(store: Store, stage_code: str | None = None) -> pd.DataFrame:
    sql = "SELECT c.*, s.stage_order FROM kb_stage_characteristic c JOIN kb_maturity_stage s USING (stage_code)"
    params: list = []
    if stage_code:
        sql += " WHERE c.stage_code = ?"
        params.append(stage_code)
    return store.df(sql + " ORDER BY s.stage_order, c.seq", params)


# ---- assessments and their answers (per workspace) ----------------------------------------------

def list_assessments(store: Store, workspace_id: str, initiative_id: str | None = None) -> pd.DataFrame:
    """Assessments of a workspace (optionally of one initiative), newest first, with the
    initiative's name, the number of participants and answers, and the last answer's time."""
    sql = """
        SELECT a.assessment_id, a.initiative_id, i.name AS initiative_name, i.origin AS initiative_origin,
               a.assessed_on, a.label, a.created_at, a.updated_at,
               count(DISTINCT x.participant) AS participants, count(x.statement_code) AS answers,
               max(x.answered_at) AS last_answer_at
        FROM assessment a
        LEFT JOIN initiative i USING (initiative_id)
        LEFT JOIN assessment_answer x
               ON x.workspace_id = a.workspace_id AND x.assessment_id = a.assessment_id
        WHERE a.workspace_id = ?"""
    params: list = [workspace_id]
    if initiative_id:
        sql += " AND a.initiative_id = ?"
        params.append(initiative_id)
    sql += " GROUP BY ALL ORDER BY a.assessed_on DESC, a.created_at DESC"
    return store.df(sql, params)


def get_assessment(store: Store, workspace_id: str, assessment_id: str) -> dict | None:
    rows = store.rows(
        """SELECT a.*, i.name AS initiative_name, i.country AS initiative_country, i.origin AS initiative_origin,
                  i.stage_code AS initiative_stage_code, i.stage_basis AS initiative_stage_basis,
                  i.source AS initiative_source
           FROM assessment a LEFT JOIN initiative i USING (initiative_id)
           WHERE a.workspace_id = ? AND a.assessment_id = ?""",
        [workspace_id, assessment_id],
    )
    return rows[0] if rows else None


def create_assessment(store: Store, workspace_id: str, initiative_id: str, assessed_on, label: str | None = None) -> str:
    """A new assessment of a cluster initiative (catalogue or user-added) on a date; returns its id."""
    day = maturity.clean_assessment_date(assessed_on)
    label = maturity.clean_assessment_label(label)
    if not initiative_id:
        raise UserError("Field initiative_id: choose the cluster initiative to assess.")
    aid = "as-" + secrets.token_urlsafe(6).replace("_", "x").replace("-", "y").lower()

    def fn(cur):
        if not cur.execute("SELECT count(*) FROM initiative WHERE initiative_id = ?", [initiative_id]).fetchone()[0]:
            raise UserError(f"Field initiative_id: no cluster initiative {initiative_id!r}.")
        now = utcnow()
        cur.execute(
            "INSERT INTO assessment (workspace_id, assessment_id, initiative_id, assessed_on, label, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [workspace_id, aid, initiative_id, day, label, now, now],
        )
        return aid

    return write_in_workspace(store, workspace_id, fn)


_STATES = ("is_open", "is_revealed")


def set_assessment_state(store: Store, workspace_id: str, assessment_id: str, **state: bool) -> None:
    """Open or close answering (``is_open``), reveal or hide the room's results (``is_revealed``)."""
    if not state or any(k not in _STATES for k in state):
        raise ValueError(f"set_assessment_state: only {_STATES}")
    sets = ", ".join(f"{k} = ?" for k in state)  # names from _STATES, never user input

    def fn(cur):
        if not cur.execute(f"UPDATE assessment SET {sets} WHERE workspace_id = ? AND assessment_id = ? RETURNING 1",
                           [bool(v) for v in state.values()] + [workspace_id, assessment_id]).fetchall():
            raise UserError(f"Field assessment_id: no assessment {assessment_id!r} in this workspace.")

    write_in_workspace(store, workspace_id, fn)


def update_assessment(store: Store, workspace_id: str, assessment_id: str, *, assessed_on=None,
                      label: str | None = None, set_label: bool = False) -> None:
    """Change an assessment's date and/or label (``set_label=True`` to change the label, also to empty)."""
    sets, params = [], []
    if assessed_on is not None:
        sets.append("assessed_on = ?")
        params.append(maturity.clean_assessment_date(assessed_on))
    if set_label:
        sets.append("label = ?")
        params.append(maturity.clean_assessment_label(label))
    if not sets:
        return

    def fn(cur):
        n = cur.execute(
            f"UPDATE assessment SET {', '.join(sets)}, updated_at = ? WHERE workspace_id = ? AND assessment_id = ? RETURNING 1",
            params + [utcnow(), workspace_id, assessment_id],
        ).fetchall()
        if not n:
            raise UserError(f"Field assessment_id: no assessment {assessment_id!r} in this workspace.")

    write_in_workspace(store, workspace_id, fn)


def delete_assessment(store: Store, workspace_id: str, assessment_id: str) -> None:
    """Delete an assessment and all its answers (one transaction)."""
    def fn(cur):
        cur.execute("DELETE FROM assessment_answer WHERE workspace_id = ? AND assessment_id = ?", [workspace_id, assessment_id])
        cur.execute("DELETE FROM assessment WHERE workspace_id = ? AND assessment_id = ?", [workspace_id, assessment_id])

    write_in_workspace(store, workspace_id, fn)


def save_assessment_answer(store: Store, workspace_id: str, assessment_id: str, statement_code: str,
                           participant: str, answer_code: str | None) -> None:
    """Save one participant's answer to one statement, the moment it is given (one transaction).
    ``answer_code`` is one of clusterdash.maturity.ANSWER_CODES; None removes the answer.
    Bad input raises UserError naming the field; the store is then unchanged."""
    name = workspaces.clean_participant(participant)
    answer_code = maturity.clean_answer_code(answer_code)

    def fn(cur):
        found = cur.execute(
            "SELECT is_open FROM assessment WHERE workspace_id = ? AND assessment_id = ?", [workspace_id, assessment_id]
        ).fetchall()
        if not found:
            raise UserError(f"Field assessment_id: no assessment {assessment_id!r} in this workspace.")
        if not found[0][0]:
            raise UserError(maturity.ANSWERING_CLOSED)
        if not cur.execute(
            "SELECT count(*) FROM kb_assessment_statement WHERE statement_code = ?", [statement_code]
        ).fetchone()[0]:
            raise UserError(f"Field statement_code: no statement {statement_code!r} in the questionnaire.")
        if answer_code is None:
            cur.execute(
                "DELETE FROM assessment_answer WHERE workspace_id = ? AND assessment_id = ? AND participant = ? "
                "AND statement_code = ?",
                [workspace_id, assessment_id, name, statement_code],
            )
        else:
            cur.execute(
                """INSERT INTO assessment_answer (workspace_id, assessment_id, participant, statement_code, answer_code, answered_at)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (workspace_id, assessment_id, participant, statement_code)
                   DO UPDATE SET answer_code = excluded.answer_code, answered_at = excluded.answered_at""",
                [workspace_id, assessment_id, name, statement_code, answer_code, utcnow()],
            )

    write_in_workspace(store, workspace_id, fn)


def assessment_answers(store: Store, workspace_id: str, assessment_id: str, participant: str | None = None) -> pd.DataFrame:
    """Answer rows (participant, statement_code, answer_code, answered_at) in questionnaire order."""
    sql = """SELECT x.participant, x.statement_code, x.answer_code, x.answered_at
             FROM assessment_answer x JOIN kb_assessment_statement s USING (statement_code)
             WHERE x.workspace_id = ? AND x.assessment_id = ?"""
    params: list = [workspace_id, assessment_id]
    if participant is not None:
        sql += " AND x.participant = ?"
        params.append(" ".join(participant.split()))
    return store.df(sql + " ORDER BY s.seq, x.participant", params)


def assessment_version(store: Store, workspace_id: str, assessment_id: str) -> tuple:
    """A stamp of an assessment's answers and room state that changes with every saved, changed
    or removed answer and with a hide, reveal, close or reopen (the answers' count and latest
    time, is_revealed, is_open): a live board recomputes the room's result only when it changed.
    One cheap query; the result costs a read of every answer and the scoring."""
    row = store.rows(
        "SELECT (SELECT count(*) FROM assessment_answer WHERE workspace_id = $w AND assessment_id = $a) AS answers, "
        "(SELECT max(answered_at) FROM assessment_answer WHERE workspace_id = $w AND assessment_id = $a) AS last_at, "
        "(SELECT is_revealed FROM assessment WHERE workspace_id = $w AND assessment_id = $a) AS is_revealed, "
        "(SELECT is_open FROM assessment WHERE workspace_id = $w AND assessment_id = $a) AS is_open",
        {"w": workspace_id, "a": assessment_id},
    )[0]
    return tuple(row.values())


def assessment_participants(store: Store, workspace_id: str, assessment_id: str) -> pd.DataFrame:
    """Participants of an assessment with their number of answers and last answer time."""
    return store.df(
        """SELECT participant, count(*) AS answers,
                  count(*) FILTER (WHERE answer_code = 'dont_know') AS dont_know_answers,
                  max(answered_at) AS last_answer_at
           FROM assessment_answer WHERE workspace_id = ? AND assessment_id = ?
           GROUP BY participant ORDER BY participant""",
        [workspace_id, assessment_id],
    )


def assessed_initiatives(store: Store, workspace_id: str) -> pd.DataFrame:
    """Initiatives with at least one assessment in the workspace."""
    return store.df(
        """SELECT a.initiative_id, i.name AS initiative_name, count(*) AS assessments,
                  min(a.assessed_on) AS first_assessed_on, max(a.assessed_on) AS last_assessed_on
           FROM assessment a LEFT JOIN initiative i USING (initiative_id)
           WHERE a.workspace_id = ? GROUP BY ALL ORDER BY initiative_name""",
        [workspace_id],
    )


# ---- what the guide recommends for a stage --------------------------------------------------------

def stage_recommendations(store: Store, stage_code: str) -> dict[str, pd.DataFrame]:
    """What the guide recommends for a maturity stage, each row with its source: characteristics,
    key actions, steps, tools (with how-to), 10 key questions, policy support, lessons learned,
    and the stage's dos & don'ts."""
    p = [stage_code]
    policy = store.df(
        """SELECT ps.seq AS support_seq, ps.fit_reason, ps.source AS fit_source,
                  l.title AS list_title, i.group_name, i.kind, i.seq AS item_seq, i.title, i.text, i.source
           FROM kb_stage_policy_support ps
           JOIN kb_guidance_item i
             ON i.list_code = ps.list_code AND i.group_code = ps.group_code
            AND (ps.kind IS NULL OR i.kind = ps.kind) AND (ps.item_seq IS NULL OR i.seq = ps.item_seq)
           JOIN kb_guidance_list l ON l.list_code = i.list_code
           WHERE ps.stage_code = ?
           ORDER BY ps.seq,
                    CASE i.kind WHEN 'description' THEN 0 WHEN 'factor' THEN 1 WHEN 'do' THEN 2
                                WHEN 'dont' THEN 3 WHEN 'instrument' THEN 4 ELSE 5 END, i.seq""",
        p,
    )
    frames = {
        "characteristics": store.df("SELECT seq, characteristic, source FROM kb_stage_characteristic WHERE stage_code = ? ORDER BY seq", p),
        "key_actions": store.df("SELECT seq, key_action, description, source FROM kb_phase_key_action WHERE stage_code = ? ORDER BY seq", p),
        "steps": store.df("SELECT step_no, step_question, description, source FROM kb_phase_step WHERE stage_code = ? ORDER BY step_no", p),
        "tools": store.df(
            """SELECT t.step_no, s.step_question, t.tool_code, t.tool_name, t.how_to, t.allocation_basis,
                      t.allocation_note, t.source
               FROM kb_phase_tool t LEFT JOIN kb_phase_step s USING (stage_code, step_no)
               WHERE t.stage_code = ? ORDER BY t.step_no, t.tool_code""", p),
        "key_questions": store.df("SELECT seq, key_question, source FROM kb_phase_key_question WHERE stage_code = ? ORDER BY seq", p),
        "policy_support": policy,
        "lessons": store.df("SELECT seq, title, lesson, case_name, source FROM kb_lesson_learned WHERE stage_code = ? ORDER BY seq", p),
        "dos_donts": store.df(
            """SELECT l.title AS list_title, i.kind, i.seq, i.text, i.source
               FROM kb_guidance_item i JOIN kb_guidance_list l USING (list_code)
               WHERE l.stage_code = ? AND i.kind IN ('do', 'dont')
               ORDER BY l.list_code, CASE i.kind WHEN 'do' THEN 0 ELSE 1 END, i.seq""", p),
    }
    # missing text is None (not NaN), so `x or ""` and `if x:` read as intended
    return {k: df.astype(object).where(df.notna(), None) for k, df in frames.items()}
