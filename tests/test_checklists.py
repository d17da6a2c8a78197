"""Checklists: which items, the answer vocabulary, progress, filters, export, the action list,
and the queries that read and write answers (one field at a time, history kept)."""

from __future__ import annotations

import io
import threading
from datetime import datetime

import pandas as pd
import pytest

from clusterdash import checklists, frames, queries
from clusterdash.checklists import ItemKey
from clusterdash.errors import UserError


def board_of(store, wid="default"):
    return checklists.prepare_board(queries.checklist_board(store, wid))


@pytest.fixture
def wid(store):
    return queries.default_workspace(store)


# ---- which items --------------------------------------------------------------------------------

def test_every_checklist_list_of_the_knowledge_base_is_on_the_board(store, wid):
    board = board_of(store, wid)
    kb = store.df("SELECT list_code, kind, count(*) AS n FROM kb_guidance_item GROUP BY ALL")
    for code in checklists.CHECKLIST_LISTS:
        expected = kb[(kb.list_code == code) & kb.kind.isin(checklists.CHECKABLE_KINDS)]["n"].sum()
        assert expected > 0, f"{code} has no checkable items in the knowledge base"
        assert (board.list_code == code).sum() == expected
    # the five cluster-policy areas, with dos, don'ts and policies & instruments (descriptions are intros)
    policy = board[board.list_code == "policy_dos_donts"]
    assert policy.group_code.nunique() == 5
    assert {"do", "dont", "instrument"} <= set(policy.kind)
    assert "description" not in set(board.kind)
    # the phase key questions, ten per phase
    kq = board[board.kind == "key_question"].groupby("list_code").size()
    n_kq = store.value("SELECT count(*) FROM kb_phase_key_question")
    assert kq[[c for c in kq.index if c.startswith(checklists.KEY_QUESTIONS_PREFIX)]].sum() == n_kq


def test_every_item_has_its_source_and_a_unique_key(store, wid):
    board = board_of(store, wid)
    assert board["source"].notna().all() and (board["source"].str.len() > 10).all()
    assert board["source"].str.startswith("004_").all()
    assert board["item_key"].is_unique


def test_board_follows_the_guide_order(store, wid):
    board = board_of(store, wid)
    assert list(dict.fromkeys(board.list_code))[: len(checklists.CHECKLIST_LISTS)] == list(checklists.CHECKLIST_LISTS)
    policy = board[board.list_code == "policy_dos_donts"]
    assert list(dict.fromkeys(policy.group_code))[0] == "understanding_clusters"
    first = policy.iloc[0]
    assert first.kind == "key_question" and first.seq == 1


def test_polarity_dos_vs_donts():
    assert checklists.polarity("do") == "do"
    assert checklists.polarity("instrument") == "do"
    assert checklists.polarity("dont") == "dont"
    assert checklists.polarity("obstacle") == "dont"
    assert checklists.polarity("key_question") == "question"
    assert "avoid" in checklists.status_hint("dont")


# ---- validation ------------------------------------------------------------------------------------

def test_item_key_round_trip():
    k = ItemKey("policy_dos_donts", "cluster_identification", "dont", 2)
    assert ItemKey.parse(str(k)) == k
    with pytest.raises(UserError, match="not a checklist item key"):
        ItemKey.parse("nonsense")


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("status", "done", "done"),
        ("status", None, None),
        ("note", "  agreed: start in May  ", "agreed: start in May"),
        ("note", "   ", None),
        ("owner", "Ministry", "Ministry"),
    ],
)
def test_clean_answer_accepts(field, value, expected):
    assert checklists.clean_answer("l/g/do/1", field, value) == expected


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("status", "finished", "not a status"),
        ("note", "x" * 2001, "at most 2000"),
        ("owner", "y" * 101, "at most 100"),
        ("colour", "red", "not a checklist answer field"),
        ("note", 5, "expected text"),
    ],
)
def test_clean_answer_refuses_naming_item_and_field(field, value, message):
    with pytest.raises(UserError, match=message) as exc:
        checklists.clean_answer("l/g/do/1", field, value)
    assert "l/g/do/1" in str(exc.value) and field in str(exc.value)


def test_clean_person():
    assert checklists.clean_person("  Anna   Maria ") == "Anna Maria"
    with pytest.raises(UserError):
        checklists.clean_person("   ")
    with pytest.raises(UserError):
        checklists.clean_person("z" * 61)


# ---- saving answers ------------------------------------------------------------------------------

def first_items(store, wid, n=3, list_code="initiation_dos_donts"):
    board = board_of(store, wid)
    return list(board[board.list_code == list_code].item_key[:n])


def test_save_writes_one_field_with_who_and_when(store, wid):
    a, b, _ = first_items(store, wid)
    row = queries.save_checklist_answer(store, wid, a, "status", "done", changed_by="Anna")
    assert row["status"] == "done" and row["changed_by"] == "Anna" and row["note"] is None
    row = queries.save_checklist_answer(store, wid, a, "note", "agreed in May", changed_by="Ben")
    assert row["status"] == "done"  # untouched
    assert row["note"] == "agreed in May" and row["changed_by"] == "Ben"
    assert queries.checklist_answer(store, wid, b) is None  # other items untouched
    changes = queries.checklist_changes(store, wid)
    assert list(changes.field) == ["note", "status"]
    assert list(changes.changed_by) == ["Ben", "Anna"]


def test_last_write_wins_and_history_keeps_the_overwritten_value(store, wid):
    a = first_items(store, wid, 1)[0]
    queries.save_checklist_answer(store, wid, a, "status", "in_progress", changed_by="Anna")
    queries.save_checklist_answer(store, wid, a, "status", "done", changed_by="Ben")
    row = queries.checklist_answer(store, wid, a)
    assert (row["status"], row["changed_by"]) == ("done", "Ben")
    hist = queries.checklist_changes(store, wid, item=a)
    pairs = [(None if pd.isna(o) else o, n) for o, n in zip(hist.old_value, hist.new_value)]
    assert pairs == [("in_progress", "done"), (None, "in_progress")]


def test_same_value_again_is_not_a_change(store, wid):
    a = first_items(store, wid, 1)[0]
    queries.save_checklist_answer(store, wid, a, "status", "done", changed_by="Anna")
    queries.save_checklist_answer(store, wid, a, "status", "done", changed_by="Ben")
    assert queries.checklist_answer(store, wid, a)["changed_by"] == "Anna"
    assert len(queries.checklist_changes(store, wid)) == 1


def test_clearing_a_status(store, wid):
    a = first_items(store, wid, 1)[0]
    queries.save_checklist_answer(store, wid, a, "status", "done", changed_by="Anna")
    queries.save_checklist_answer(store, wid, a, "status", None, changed_by="Anna")
    assert queries.checklist_answer(store, wid, a)["status"] is None


@pytest.mark.parametrize(
    "item, field, value, message",
    [
        ("policy_dos_donts/nowhere/do/1", "status", "done", "does not exist"),
        ("policy_dos_donts/understanding_clusters/description/1", "status", "done", "does not exist"),
        (None, "status", "perfect", "not a status"),
        (None, "note", "n" * 3000, "at most 2000"),
    ],
)
def test_bad_answers_leave_the_store_unchanged(store, wid, item, field, value, message):
    item = item or first_items(store, wid, 1)[0]
    before = (store.value("SELECT count(*) FROM checklist_answer"), store.value("SELECT count(*) FROM checklist_change"))
    with pytest.raises(UserError, match=message):
        queries.save_checklist_answer(store, wid, item, field, value, changed_by="Anna")
    after = (store.value("SELECT count(*) FROM checklist_answer"), store.value("SELECT count(*) FROM checklist_change"))
    assert before == after


def test_unknown_or_archived_workspace_is_refused(store, wid):
    a = first_items(store, wid, 1)[0]
    with pytest.raises(UserError, match="does not exist"):
        queries.save_checklist_answer(store, "ws-nope", a, "status", "done", changed_by="Anna")
    other = queries.create_workspace(store, "Other")
    queries.archive_workspace(store, other)
    with pytest.raises(UserError, match="archived"):
        queries.save_checklist_answer(store, other, a, "status", "done", changed_by="Anna")


def test_concurrent_sessions_answering_different_items_keep_every_answer(store, wid):
    """Eight threads (browser sessions) write different items and fields of one workspace at
    once, through the server's one Store: every answer is kept."""
    items = list(board_of(store, wid).item_key[:24])
    errors = []

    def work(chunk, who):
        try:
            for k in chunk:
                queries.save_checklist_answer(store, wid, k, "status", "done", changed_by=who)
                queries.save_checklist_answer(store, wid, k, "owner", who, changed_by=who)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(items[i::8], f"P{i}")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    board = board_of(store, wid)
    answered = board[board.item_key.isin(items)]
    assert (answered.status == "done").all()
    assert answered.owner.notna().all()
    assert store.value("SELECT count(*) FROM checklist_change") == 48


def test_concurrent_writes_to_the_same_item_last_one_wins(store, wid):
    a = first_items(store, wid, 1)[0]
    barrier = threading.Barrier(6)

    def work(i):
        barrier.wait()
        queries.save_checklist_answer(store, wid, a, "note", f"note {i}", changed_by=f"P{i}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    row = queries.checklist_answer(store, wid, a)
    last = queries.checklist_changes(store, wid, item=a).iloc[0]
    assert row["note"] == last.new_value and row["changed_by"] == last.changed_by
    assert len(queries.checklist_changes(store, wid, item=a)) == 6


# ---- progress, filters --------------------------------------------------------------------------------

def synthetic_board(statuses, kinds=None, areas=None):
    n = len(statuses)
    kinds = kinds or ["do"] * n
    areas = areas or ["A"] * n
    df = pd.DataFrame({
        "list_code": ["l"] * n, "list_title": ["List"] * n, "audience": ["policy"] * n,
        "group_code": [a.lower() for a in areas], "group_name": areas, "kind": kinds, "seq": range(1, n + 1),
        "title": [None] * n, "text": [f"item {i}" for i in range(n)], "source": ["004 § x"] * n,
        "item_order": range(n), "status": statuses, "note": [None] * n, "owner": [None] * n,
        "changed_by": [None] * n, "changed_at": [None] * n,
    })
    return checklists.prepare_board(df)


def test_progress_per_area_and_overall():
    board = synthetic_board(
        ["done", "done", "in_progress", None, "not_applicable", "not_yet", "done"],
        areas=["A", "A", "A", "A", "B", "B", "B"],
    )
    p = checklists.compute_progress(board, by="area")
    a = p[p.area == "A"].iloc[0]
    assert (a["items"], a["done"], a["in_progress"], a["no_answer"], a["applicable"], a["done_pct"]) == (4, 2, 1, 1, 4, 50.0)
    b = p[p.area == "B"].iloc[0]
    assert (b["items"], b["not_applicable"], b["applicable"], b["done_pct"]) == (3, 1, 2, 50.0)
    assert list(p.area) == ["A", "B"]
    overall = checklists.overall_progress(board)
    assert overall == {"items": 7, "done": 3, "in_progress": 1, "not_yet": 1, "not_applicable": 1,
                       "no_answer": 1, "applicable": 6, "done_pct": 50.0}


def test_progress_when_nothing_applies():
    board = synthetic_board(["not_applicable", "not_applicable"])
    assert checklists.compute_progress(board).iloc[0]["done_pct"] is None
    assert checklists.overall_progress(board)["done_pct"] is None
    empty = board.iloc[0:0]
    assert checklists.compute_progress(empty).empty
    assert checklists.overall_progress(empty)["items"] == 0


def test_filters():
    board = synthetic_board(
        ["done", None, "in_progress", "not_yet"], kinds=["do", "dont", "obstacle", "key_question"],
        areas=["A", "B", "B", "A"],
    )
    assert list(checklists.filter_board(board, polarities=["dont"]).kind) == ["dont", "obstacle"]
    assert list(checklists.filter_board(board, statuses=["no_answer"]).kind) == ["dont"]
    assert list(checklists.filter_board(board, statuses=["done", "not_yet"]).kind) == ["do", "key_question"]
    assert list(checklists.filter_board(board, areas=["A"], polarities=["question"]).kind) == ["key_question"]
    assert len(checklists.filter_board(board)) == 4
    assert list(checklists.filter_board(board, search="ITEM 2").text) == ["item 2"]


def test_action_items_are_what_is_marked_to_do():
    """Unanswered items are not actions (issue 13: the list held 52 of 53 items)."""
    board = synthetic_board(["done", None, "in_progress", "not_applicable", "not_yet"])
    assert list(checklists.action_items(board).status_effective) == ["in_progress", "not_yet"]


# ---- export and the action list ----------------------------------------------------------------------

def test_export_frame_matches_the_board(store, wid):
    a = first_items(store, wid, 1)[0]
    queries.save_checklist_answer(store, wid, a, "status", "in_progress", changed_by="Anna")
    board = board_of(store, wid)
    shown = checklists.filter_board(board, list_codes=["initiation_dos_donts"])
    out = checklists.export_frame(shown)
    assert list(out.item_key) == list(shown.item_key)
    assert list(out.columns) == list(checklists.EXPORT_COLUMNS.values())
    row = out[out.item_key == a].iloc[0]
    assert row["status"] == "In progress" and row["changed_by"] == "Anna" and row["source"].startswith("004_")
    assert out.loc[out.item_key != a, "status"].eq("No answer yet").all()


HOSTILE = "<script>alert(1)</script> **bold** [link](http://x) & Co"


def test_action_list_markdown_escapes_user_text():
    board = synthetic_board(["not_yet", "done", "in_progress"])
    board.loc[0, "note"] = HOSTILE
    board.loc[2, "owner"] = "Ana_Maria"
    md = checklists.action_list_markdown(checklists.action_items(board), workspace_name="WS *1*",
                                         generated_at=datetime(2026, 3, 5, 14, 2), applicable=3)
    assert "# Action list: WS \\*1\\*" in md
    assert "2 items to do (marked in progress or not yet) of 3 applicable items" in md
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\*\\*bold\\*\\*" in md and "\\[link\\]\\(http" in md
    assert "Ana\\_Maria" in md
    assert "item 1" not in md  # done
    assert md.count("- [ ] ") == 2 and "Source: 004 § x" in md


def test_action_list_html_escapes_and_is_self_contained():
    board = synthetic_board(["in_progress", "not_yet"])
    board.loc[0, "note"] = HOSTILE
    html = checklists.action_list_html(checklists.action_items(board), workspace_name="<b>WS</b>",
                                       generated_at=datetime(2026, 3, 5, 14, 2), applicable=2)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;WS&lt;/b&gt;" in html
    assert "http" not in html.replace("http://x", "")  # no external resources
    assert html.count("<li>") == 2 and "@media print" in html


def test_action_list_when_everything_is_done():
    board = synthetic_board(["done", "not_applicable"])
    md = checklists.action_list_markdown(checklists.action_items(board), workspace_name="W",
                                         generated_at=datetime(2026, 1, 1), applicable=1)
    assert "Nothing to do" in md


def test_changes_frame_labels_statuses(store, wid):
    a = first_items(store, wid, 1)[0]
    queries.save_checklist_answer(store, wid, a, "status", "not_applicable", changed_by="Anna")
    board = board_of(store, wid)
    view = checklists.changes_frame(queries.checklist_changes(store, wid), dict(zip(board.item_key, board.text)))
    r = view.iloc[0]
    assert (r["from"], r["to"], r["changed_by"]) == (None, "Not applicable", "Anna")
    assert r["item"] == board.set_index("item_key").at[a, "text"]


def test_change_records_hold_none_for_a_cleared_status(store, wid):
    """A cleared status beside set ones: pandas' string column holds NaN, which read "nan" on the
    room board; the records hold None."""
    a = first_items(store, wid, 1)[0]
    queries.save_checklist_answer(store, wid, a, "status", "done", changed_by="Anna")
    queries.save_checklist_answer(store, wid, a, "status", None, changed_by="Ben")
    view = checklists.changes_frame(queries.checklist_changes(store, wid), {})
    cleared, done = frames.records(view)
    assert (cleared["changed_by"], cleared["from"], cleared["to"]) == ("Ben", "Done", None)
    assert (done["from"], done["to"], done["is_saved"]) == (None, "Done", True)


def test_format_time_in_a_time_zone():
    t = datetime(2026, 3, 5, 14, 2)
    assert checklists.format_time(t) == "2026-03-05 14:02"
    assert checklists.format_time(t, "Europe/Berlin") == "2026-03-05 15:02 CET"
    assert checklists.format_time(t, "Not/AZone") == "2026-03-05 14:02 UTC"
    assert checklists.format_time(None) is None and checklists.format_time(pd.NaT) is None
    assert checklists.who_when({"changed_by": "A", "changed_at": t}) == "changed by A, 2026-03-05 14:02 UTC"
    assert checklists.who_when({"changed_by": None, "changed_at": None}) == ""


def test_csv_download_round_trip(store, wid):
    """The CSV a page offers (ui.csv_bytes) reads back to exactly the export frame."""
    from clusterdash import ui

    shown = checklists.filter_board(board_of(store, wid), list_codes=["obstacles"])
    out = checklists.export_frame(shown)
    back = pd.read_csv(io.BytesIO(ui.csv_bytes(out, source="s")), comment="#", dtype=str, keep_default_na=False)
    assert list(back.item_key) == list(out.item_key)
    assert list(back.item) == list(out["item"])


# ---- durability: kill -9 after a committed answer ---------------------------------------------------

WRITER = r"""
import sys, time
from clusterdash import queries
from clusterdash.store import Store
store = Store(sys.argv[1])
wid = queries.default_workspace(store)
for i, key in enumerate(sys.argv[2:]):
    queries.save_checklist_answer(store, wid, key, "status", "done", changed_by="Writer")
    queries.save_checklist_answer(store, wid, key, "note", f"note {i}", changed_by="Writer")
    print("saved", key, flush=True)
time.sleep(60)  # still holding the store when it is killed
"""


def test_committed_answers_survive_kill9_of_the_writing_process(db_path, tmp_path):
    """A process that has committed answers (and shown them as saved) is killed with SIGKILL
    before any checkpoint: the answers are in DuckDB's write-ahead log and are replayed when the
    store is opened again."""
    import os
    import signal
    import subprocess
    import sys

    from clusterdash.store import Store
    from tests.conftest import REPO

    s = Store(db_path)
    keys = list(board_of(s, queries.default_workspace(s)).item_key[:5])
    s.close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), *keys], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        for _ in keys:
            assert proc.stdout.readline().startswith("saved")
        wal = db_path.with_name(db_path.name + ".wal")
        assert wal.exists() and wal.stat().st_size > 0  # committed, not yet checkpointed
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    s = Store(db_path)
    try:
        b = board_of(s, "default").set_index("item_key")
        assert (b.loc[keys, "status"] == "done").all()
        assert list(b.loc[keys, "note"]) == [f"note {i}" for i in range(5)]
        assert s.value("SELECT count(*) FROM checklist_change WHERE changed_by = 'Writer'") == 10
    finally:
        s.close()


# ---- workshop decks (clusterdash.presentation) --------------------------------------------------

def test_card_position_helpers():
    from clusterdash import presentation as p

    assert p.parse_card_number("3", 8) == 3
    assert p.parse_card_number("99", 8) == 8 and p.parse_card_number("0", 8) == 1
    assert p.parse_card_number(None, 8) == 1 and p.parse_card_number("x", 8) == 1
    assert p.parse_card_number("4", 0) == 1
    assert p.step(1, 8, -1) == 1 and p.step(8, 8, +1) == 8 and p.step(3, 8, +1) == 4  # no wrap-around
    assert p.progress_label(3, 8) == "Card 3 of 8" and p.progress_label(1, 0) == "No cards"


def test_checklist_deck_cards(store, wid):
    from clusterdash import presentation as p

    b = board_of(store, wid)
    deck = p.checklist_deck(b, "policy_dos_donts")
    items = b[b.list_code == "policy_dos_donts"]
    assert len(deck) == len(items) and deck.title == items.list_title.iloc[0]
    assert [c.item_key for c in deck.cards] == list(items.item_key)
    dont = next(c for c in deck.cards if c.item_key.split("/")[2] == "dont")
    assert dont.eyebrow.startswith("Don't · ") and dont.polarity == "dont" and "avoid" in dont.hint
    kq = p.checklist_deck(b, "key_questions_initiation")
    assert len(kq) == 10 and kq.cards[0].eyebrow == "Key question"  # no area for a one-group list
    assert all(c.source.startswith("004_") for c in deck.cards + kq.cards)
    answers = {deck.cards[0].item_key: "done", deck.cards[1].item_key: None, "other": "done"}
    assert p.answered_count(deck, answers) == 1


def test_assessment_decks(store):
    from clusterdash import maturity
    from clusterdash import presentation as p

    statements = queries.assessment_statements(store)
    decks = p.assessment_decks(statements, queries.assessment_dimensions(store), maturity.stage_names())
    assert [d.code for d in decks] == [p.ASSESSMENT_DECK_PREFIX + s for s in maturity.stage_names()
                                       if s in set(statements.stage_code)]
    assert sum(len(d) for d in decks) == len(statements)
    first = decks[0]
    assert first.title == "Assessment statements: Initiation stage"
    assert all(c.control == p.CONTROL_SCALE and c.source and c.eyebrow.startswith("Assessment statement")
               for d in decks for c in d.cards)


def test_a_due_date_is_kept_and_a_wrong_one_is_refused_naming_the_field(store, wid):
    """The action list's due date: stored and read back as the board's due_date (it survives a
    reload: the page reads it from the store); text that is no date is refused with a message
    that names the field, and the store is left as it was."""
    item = board_of(store, wid)["item_key"].iloc[0]
    queries.save_action_due(store, wid, item, "2027-03-31", changed_by="Ana")
    shown = board_of(store, wid).set_index("item_key").loc[item, "due_date"]
    assert str(shown)[:10] == "2027-03-31"
    before = store.rows("SELECT * FROM action_due")
    with pytest.raises(UserError, match=r"^Due date '31/03/2027': use a date \(YYYY-MM-DD\)\.$"):
        queries.save_action_due(store, wid, item, "31/03/2027", changed_by="Ana")
    assert store.rows("SELECT * FROM action_due") == before
    queries.save_action_due(store, wid, item, None, changed_by="Ana")  # cleared
    assert store.value("SELECT count(*) FROM action_due") == 0
