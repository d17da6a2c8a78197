"""Dot-votes of the workshop room (tables vote, vote_option, vote_dot; migration v010)."""

from __future__ import annotations

import secrets

import pandas as pd

from clusterdash import checklists, voting, workspaces
from clusterdash.errors import UserError
from clusterdash.queries.common import utcnow, write_in_workspace
from clusterdash.store import Store

_STATES = ("is_open", "is_revealed")


def create_vote(store: Store, workspace_id: str, title: str, options, *, dots_per_person: int = 3,
                is_stacking: bool = True, is_anonymous: bool = False, source_refs=None) -> str:
    """Open a vote on ``options`` (labels; ``source_refs`` what they came from: voting's refs).
    Results start hidden. Returns the vote id."""
    title = voting.clean_title(title)
    labels = voting.clean_options(options)
    refs = list(source_refs or [])
    budget = voting.check_budget(dots_per_person)
    vote_id = "vt-" + "".join(secrets.choice("abcdefghijkmnopqrstuvwxyz") for _ in range(8))

    def apply(cur):
        cur.execute("INSERT INTO vote (workspace_id, vote_id, title, dots_per_person, is_stacking, is_anonymous, "
                    "is_open, is_revealed, round, created_at) VALUES (?, ?, ?, ?, ?, ?, true, false, 1, ?)",
                    [workspace_id, vote_id, title, budget, bool(is_stacking), bool(is_anonymous), utcnow()])
        for i, label in enumerate(labels, start=1):
            ref = refs[i - 1] if i - 1 < len(refs) else None
            cur.execute("INSERT INTO vote_option (workspace_id, vote_id, seq, label, source_ref) VALUES (?, ?, ?, ?, ?)",
                        [workspace_id, vote_id, i, label, ref])

    write_in_workspace(store, workspace_id, apply)
    return vote_id


def list_votes(store: Store, workspace_id: str) -> pd.DataFrame:
    """The votes of a workspace, newest first."""
    return store.df("SELECT * FROM vote WHERE workspace_id = ? ORDER BY created_at DESC, vote_id", [workspace_id])


def get_vote(store: Store, workspace_id: str, vote_id: str) -> dict | None:
    rows = store.rows("SELECT * FROM vote WHERE workspace_id = ? AND vote_id = ?", [workspace_id, vote_id])
    return dict(rows[0]) if rows else None


def vote_options(store: Store, workspace_id: str, vote_id: str) -> pd.DataFrame:
    return store.df("SELECT seq, label, source_ref FROM vote_option WHERE workspace_id = ? AND vote_id = ? ORDER BY seq",
                    [workspace_id, vote_id])


def vote_dots(store: Store, workspace_id: str, vote_id: str, round_: int | None = None) -> pd.DataFrame:
    """The dots of a vote (of one round when given)."""
    sql = "SELECT round, seq, voter, dots, changed_at FROM vote_dot WHERE workspace_id = ? AND vote_id = ?"
    params: list = [workspace_id, vote_id]
    if round_ is not None:
        sql += " AND round = ?"
        params.append(int(round_))
    return store.df(sql + " ORDER BY round, seq, voter", params)


def set_dots(store: Store, workspace_id: str, vote_id: str, seq: int, voter: str, dots: int) -> None:
    """Set how many dots ``voter`` has on option ``seq`` in the vote's current round, checking
    the budget inside the transaction (two quick clicks never overspend)."""
    voter = workspaces.clean_participant(voter)

    def apply(cur):
        vote = cur.execute("SELECT dots_per_person, is_stacking, is_open, round FROM vote "
                           "WHERE workspace_id = ? AND vote_id = ?", [workspace_id, vote_id]).fetchall()
        if not vote:
            raise UserError("This vote does not exist (any more).")
        budget, stacking, is_open, round_ = vote[0]
        if not is_open:
            raise UserError("This vote is closed.")
        if not cur.execute("SELECT count(*) FROM vote_option WHERE workspace_id = ? AND vote_id = ? AND seq = ?",
                           [workspace_id, vote_id, int(seq)]).fetchall()[0][0]:
            raise UserError("This option does not exist.")
        mine = dict(cur.execute("SELECT seq, dots FROM vote_dot WHERE workspace_id = ? AND vote_id = ? AND round = ? "
                                "AND voter = ?", [workspace_id, vote_id, round_, voter]).fetchall())
        voting.check_dots(mine, int(seq), int(dots), budget=budget, stacking=stacking)
        key = [workspace_id, vote_id, round_, int(seq), voter]
        cur.execute("DELETE FROM vote_dot WHERE workspace_id = ? AND vote_id = ? AND round = ? AND seq = ? AND voter = ?",
                    key)
        if dots > 0:
            cur.execute("INSERT INTO vote_dot (workspace_id, vote_id, round, seq, voter, dots, changed_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", key + [int(dots), utcnow()])

    write_in_workspace(store, workspace_id, apply)


def set_vote_state(store: Store, workspace_id: str, vote_id: str, **state: bool) -> None:
    """Open or close a vote (``is_open``), reveal or hide its results (``is_revealed``)."""
    if not state or any(k not in _STATES for k in state):
        raise ValueError(f"set_vote_state: only {_STATES}")
    sets = ", ".join(f"{k} = ?" for k in state)  # names from _STATES, never user input
    write_in_workspace(store, workspace_id, lambda cur: cur.execute(
        f"UPDATE vote SET {sets} WHERE workspace_id = ? AND vote_id = ?",
        [bool(v) for v in state.values()] + [workspace_id, vote_id]))


def new_vote_round(store: Store, workspace_id: str, vote_id: str) -> int:
    """Start the next round: open, results hidden; the earlier rounds' dots are kept."""
    def apply(cur):
        cur.execute("UPDATE vote SET round = round + 1, is_open = true, is_revealed = false "
                    "WHERE workspace_id = ? AND vote_id = ?", [workspace_id, vote_id])
        return cur.execute("SELECT round FROM vote WHERE workspace_id = ? AND vote_id = ?",
                           [workspace_id, vote_id]).fetchall()[0][0]

    return int(write_in_workspace(store, workspace_id, apply))


# ---- actions chosen by a vote (table vote_action, migration v017) -----------------------------

_KEEP = object()


def choose_vote_actions(store: Store, workspace_id: str, vote_id: str, n, *, changed_by: str) -> list[int]:
    """Make the top ``n`` options of the vote's current round actions (ties at the last place
    included); options already chosen keep their owner and due date. Returns the options chosen.
    The ranking is read inside the transaction that stores the choice."""
    who = workspaces.clean_participant(changed_by)

    def apply(cur):
        vote = cur.execute("SELECT round FROM vote WHERE workspace_id = ? AND vote_id = ?",
                           [workspace_id, vote_id]).fetchall()
        if not vote:
            raise UserError("This vote does not exist (any more).")
        options = cur.execute("SELECT seq, label FROM vote_option WHERE workspace_id = ? AND vote_id = ? ORDER BY seq",
                              [workspace_id, vote_id]).df()
        dots = cur.execute("SELECT seq, voter, dots FROM vote_dot WHERE workspace_id = ? AND vote_id = ? AND round = ?",
                           [workspace_id, vote_id, vote[0][0]]).df()
        seqs = voting.top_options(voting.ranking(options, dots), n)
        for seq in seqs:
            cur.execute("INSERT INTO vote_action (workspace_id, vote_id, seq, owner, due_date, changed_by, changed_at) "
                        "VALUES (?, ?, ?, NULL, NULL, ?, ?) ON CONFLICT DO NOTHING",
                        [workspace_id, vote_id, seq, who, utcnow()])
        return seqs

    return write_in_workspace(store, workspace_id, apply)


def save_vote_action(store: Store, workspace_id: str, vote_id: str, seq: int, *, owner=_KEEP, due=_KEEP,
                     changed_by: str) -> None:
    """Set the owner and/or the due date of an action chosen by vote (None clears either)."""
    who = workspaces.clean_participant(changed_by)
    due = due if due is _KEEP else checklists.clean_due(due)

    def apply(cur):
        rows = cur.execute("SELECT o.label FROM vote_action a JOIN vote_option o USING (workspace_id, vote_id, seq) "
                           "WHERE a.workspace_id = ? AND a.vote_id = ? AND a.seq = ?",
                           [workspace_id, vote_id, int(seq)]).fetchall()
        if not rows:
            raise UserError("This action does not exist (any more).")
        sets, params = [], []
        if owner is not _KEEP:
            sets.append("owner = ?")
            params.append(voting.clean_owner(rows[0][0], owner))
        if due is not _KEEP:
            sets.append("due_date = ?")
            params.append(due)
        if sets:  # column names from the two fixed branches above, never user input
            cur.execute(f"UPDATE vote_action SET {', '.join(sets)}, changed_by = ?, changed_at = ? "
                        "WHERE workspace_id = ? AND vote_id = ? AND seq = ?",
                        params + [who, utcnow(), workspace_id, vote_id, int(seq)])

    write_in_workspace(store, workspace_id, apply)


def remove_vote_action(store: Store, workspace_id: str, vote_id: str, seq: int) -> None:
    """The option is no longer an action (its owner and due date go with it)."""
    write_in_workspace(store, workspace_id, lambda cur: cur.execute(
        "DELETE FROM vote_action WHERE workspace_id = ? AND vote_id = ? AND seq = ?", [workspace_id, vote_id, int(seq)]))


def vote_actions(store: Store, workspace_id: str, vote_id: str | None = None) -> pd.DataFrame:
    """The actions chosen by vote (of one vote, or of every vote of the workspace): vote_id, title
    (the vote's question), seq, option, source_ref, owner, due_date, changed_by, changed_at, in
    the order of the votes and then of the current round's ranking."""
    sql = """
        WITH dots AS (
            SELECT d.vote_id, d.seq, sum(d.dots) AS dots FROM vote_dot d JOIN vote v USING (workspace_id, vote_id)
            WHERE d.workspace_id = ? AND d.round = v.round GROUP BY d.vote_id, d.seq)
        SELECT a.vote_id, v.title, a.seq, o.label AS option, o.source_ref, coalesce(dots.dots, 0)::INTEGER AS dots,
               a.owner, a.due_date, a.changed_by, a.changed_at
        FROM vote_action a
        JOIN vote v USING (workspace_id, vote_id)
        JOIN vote_option o USING (workspace_id, vote_id, seq)
        LEFT JOIN dots ON dots.vote_id = a.vote_id AND dots.seq = a.seq
        WHERE a.workspace_id = ?"""
    params: list = [workspace_id, workspace_id]
    if vote_id is not None:
        sql += " AND a.vote_id = ?"
        params.append(vote_id)
    return store.df(sql + " ORDER BY v.created_at, a.vote_id, dots DESC, a.seq", params)
