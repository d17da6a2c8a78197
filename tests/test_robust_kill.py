"""The fault matrix: real faults, each with its outcome measured. For every row the store opens
afterwards (or, when the file itself is damaged, is refused with a message and left byte for byte
as it was), every change committed before the fault is there, and the person sees a clear message,
never a traceback. The rows, with what was measured, are written to
test-artifacts/fault_matrix.md at the end of the module (and printed with ``-s``).

- ``kill -9`` of ``python -m clusterdash import-stats`` importing the big CBP file (419,244 rows,
  with the USCMP crosswalk) part way through: the store holds either the whole import or none of
  it, nothing else changed, and it is still usable. The kill is timed by watching the store's
  files, not by a clock, so each phase is hit on any machine: while the file is read and
  validated (nothing written yet); with every row inserted and the new row groups in the
  database file, just before the commit (the store's pause point,
  ``CLUSTERDASH_PAUSE_BEFORE_COMMIT``: watching file sizes alone missed that window on a fast
  machine, where the row groups went into free blocks without growing the file); and after the
  commit record reached the write-ahead log (while the store is checkpointed on closing).
- ``kill -9`` during a burst of answer writes (one transaction each): every write acknowledged
  before the kill is there.
- ``kill -9`` during a knowledge rebuild (``python -m clusterdash build``): the knowledge is whole
  (old or new), user data untouched.
- a second process opening the store while the server writes: refused with one line, the
  server's writes all kept.
- the store's disk full (a real tmpfs of the store's size + 8 MB, filled to the last byte): saving
  fails with "the disk … is full", earlier data intact, saving works again once space is freed.
- a damaged store file at start-up (cut short, emptied, overwritten, a block failing its checksum,
  a damaged write-ahead log): refused with a message that says what to do; the files unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from clusterdash import checklists, cli, knowledge, queries
from clusterdash import store as store_mod
from clusterdash.errors import user_message
from clusterdash.store import StoreDamaged, StoreLocked, open_store
from clusterdash.stats import importer, indicators
from clusterdash.stats.readers import SourceFile
from clusterdash.store import Store
from tests.conftest import REPO, shared_file
from tests.test_robust_import import fingerprint

DATASET = "cbp_killed"
CBP_ROWS = 419_244
STATS_TABLES = importer.STATS_TABLES
MATRIX: list[tuple[str, str]] = []  # (fault, outcome measured), one row per test case


@pytest.fixture(scope="module", autouse=True)
def fault_matrix():
    yield
    if not MATRIX:
        return
    out = REPO / "test-artifacts" / "fault_matrix.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = ["| fault | outcome measured |", "| --- | --- |"]
    lines += [f"| {f} | {o.replace('|', '/')} |" for f, o in MATRIX]
    out.write_text("# Fault matrix (tests/test_robust_kill.py)\n\n" + "\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))


def start_import(db: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "clusterdash", "import-stats", "--db", str(db), "--format", "cbp",
         "--file", str(shared_file("us_cbp", "cbp_state_naics_2017_2021.csv")),
         "--crosswalk", str(shared_file("clusters", "naics_to_uscmp_cluster_crosswalk.csv")),
         "--dataset", DATASET],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, **(env or {})},
    )


def pause_marker(db: Path) -> Path:
    return db.parent / "paused-before-commit"


def mtime(p: Path) -> int:
    try:
        return p.stat().st_mtime_ns
    except FileNotFoundError:
        return -1


def size(p: Path) -> int:
    try:
        return p.stat().st_size
    except FileNotFoundError:
        return -1


def kill_at(proc: subprocess.Popen, db: Path, phase: str, timeout: float = 180) -> str:
    """Watch the store's files (and, for "writing", the pause point's marker) and kill -9 the
    import in ``phase``; returns what was seen."""
    wal = Path(str(db) + ".wal")
    marker = pause_marker(db)
    db0, mtime0 = size(db), mtime(db)
    wal_open = None  # WAL size once the command has opened the store
    wal_at_write = None
    db_at_commit = None
    opened_at = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace")
            pytest.fail(f"the import finished before the {phase} phase was seen (rc {proc.returncode}): {out[-800:]}")
        d, w = size(db), size(wal)
        if wal_open is None and w >= 0:
            wal_open, opened_at = w, time.monotonic()
        hit = None
        if phase == "validating" and opened_at is not None and time.monotonic() - opened_at > 1.0 and d == db0:
            hit = f"store opened, nothing written (db {d} B, wal {w} B)"
        elif phase == "writing" and marker.exists():
            written = "written to" if mtime(db) != mtime0 else "NOT written to"
            hit = (f"every row inserted, paused before the commit (database file {written}: {db0} -> {d} B, "
                   f"wal {w} B)")
        elif phase == "committed":
            # the transaction's log reaches the WAL at the commit; then the command closes the
            # store, which checkpoints: the database file is written again. Kill in that
            # checkpoint. "Written" is told by the file's mtime as well as its size, since new
            # blocks may fill free space without growing the file.
            m = mtime(db)
            if wal_at_write is None and (d > db0 or m != mtime0):
                wal_at_write = w
            if wal_at_write is not None and db_at_commit is None and w > max(wal_at_write, 0) + 4096:
                db_at_commit = (d, m)
            if db_at_commit is not None and (d > db_at_commit[0] or m != db_at_commit[1]):
                hit = f"checkpoint after the commit (wal {w} B, db {db_at_commit[0]} -> {d} B)"
        if hit:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
            assert proc.returncode == -signal.SIGKILL
            return hit
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail(f"phase {phase} not reached in {timeout} s")


def dataset_state(store: Store) -> dict[str, int]:
    return {t: store.value(f"SELECT count(*) FROM {t} WHERE dataset_code = ?", [DATASET]) for t in STATS_TABLES}


@pytest.mark.parametrize("phase", ["validating", "writing", "committed"])
def test_kill9_mid_import_leaves_all_or_nothing_and_a_usable_store(template_db, tmp_path, phase):
    db = tmp_path / "store.duckdb"
    shutil.copy(template_db, db)
    s = Store(db)
    before = fingerprint(s)
    s.close()

    env = {store_mod.PAUSE_BEFORE_COMMIT_ENV: str(pause_marker(db))} if phase == "writing" else None
    proc = start_import(db, env)
    seen = kill_at(proc, db, phase)

    store = Store(db)  # replays the WAL, if any
    try:
        state = dataset_state(store)
        whole = state["stats_dataset"] == 1
        print(f"{phase}: {seen} -> {'whole import' if whole else 'nothing'}")
        MATRIX.append((f"kill -9 during an import ({phase})",
                       f"{seen}; after reopening: {'the whole import' if whole else 'no trace of the import'}, "
                       "every other table unchanged, import/compute/CLI info work"))
        if whole:
            ds = queries.stats_dataset(store, DATASET)
            assert state["stats_observation"] == ds["row_count"] == CBP_ROWS, (seen, state)
            assert state["stats_region"] == 50 and state["stats_cluster"] == 67, (seen, state)
            assert state["stats_industry"] == ds["industry_count"] == 2003, (seen, state)
            assert state["stats_crosswalk"] == 992, (seen, state)
            total = store.value("SELECT sum(employment) FROM stats_observation WHERE dataset_code = ? "
                                "AND industry_code = '00' AND year = 2019", [DATASET])
            assert round(total / 1e6, 2) == 132.46
        else:
            assert all(n == 0 for n in state.values()), (seen, state)
        if phase in ("validating", "writing"):
            assert not whole, f"killed before the commit ({seen}) but the import is there"
        else:
            assert whole, f"killed after the commit ({seen}) but the import is lost"
        # nothing else changed
        after = fingerprint(store)
        assert {k: v for k, v in after.items() if k not in STATS_TABLES} == \
            {k: v for k, v in before.items() if k not in STATS_TABLES}, seen
        if not whole:
            assert after == before, seen

        # still usable: import, compute, checkpoint
        summary = importer.import_dataset(store, importer.ImportSpec(
            format="long", dataset_code="after_kill", files=[SourceFile("after.csv", (
                "region_code,region_name,industry_code,year,employment\n"
                "A,Alpha,11,2019,10\nA,Alpha,21,2019,30\nB,Beta,11,2019,20\nB,Beta,21,2019,5\n").encode())]))
        assert summary.rows_imported == 4
        ind = indicators.compute_indicators(store, "after_kill")
        assert len(ind) == 4 and ind["lq"].notna().all()
        if whole:
            assert len(indicators.compute_indicators(store, DATASET, year=2019)) > 3000
        store.conn.execute("CHECKPOINT")
    finally:
        store.close()
    assert cli.main(["info", "--db", str(db)]) == 0


# ---- kill -9 during a burst of answer writes --------------------------------------------------------

BURST = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from clusterdash import checklists, queries
    from clusterdash.store import Store
    store = Store(sys.argv[1])
    w = sys.argv[2]
    stop = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    items = list(checklists.prepare_board(queries.checklist_board(store, w)).item_key)
    for i, item in enumerate(items * 20):
        if stop is not None and stop.exists():
            break
        queries.save_checklist_answer(store, w, item, "note", f"note {i}", changed_by="burst")
        print("ok", i, flush=True)  # after the commit returned: acknowledged
        if stop is not None:
            time.sleep(0.01)
    store.close()
    print("done", flush=True)
""")


def writer(db: Path, w: str, stop: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, "-c", BURST, str(db), w] + ([str(stop)] if stop else [])
    return subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def prepared_store(template_db, tmp_path) -> tuple[Path, str, list]:
    """A store with one workspace holding committed user data (a note, a SWOT item, an amount)."""
    db = tmp_path / "store.duckdb"
    shutil.copy(template_db, db)
    s = Store(db)
    try:
        w = queries.default_workspace(s)
        items = list(checklists.prepare_board(queries.checklist_board(s, w)).item_key)
        queries.save_checklist_answer(s, w, items[0], "note", "committed before the fault", changed_by="A")
        queries.add_swot_item(s, w, "strength", "Skilled staff")
        queries.set_financing_entry(s, w, 2024, "income", "membership_fees", 1234.5)
        s.conn.execute("CHECKPOINT")
    finally:
        s.close()
    return db, w, items


def user_data(store: Store) -> dict:
    from clusterdash import workspaces

    return {t.name: store.rows(f"SELECT * EXCLUDE (workspace_id) FROM {t.name} ORDER BY ALL")
            for t in workspaces.workspace_tables()} | {"workspace": store.rows("SELECT * FROM workspace ORDER BY ALL")}


@pytest.mark.parametrize("after", [5, 60])
def test_kill9_during_a_burst_of_answer_writes_keeps_every_acknowledged_write(template_db, tmp_path, after):
    db, w, items = prepared_store(template_db, tmp_path)
    proc = writer(db, w)
    acked = -1
    for line in proc.stdout:
        if line.startswith("ok "):
            acked = int(line.split()[1])
            if acked + 1 >= after:
                os.killpg(proc.pid, signal.SIGKILL)
                break
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()[-800:]
    store = Store(db)
    try:
        notes = {tuple(r.values())[0]: r["note"] for r in store.rows(
            "SELECT list_code || '/' || group_code || '/' || kind || '/' || seq AS k, note FROM checklist_answer "
            "WHERE workspace_id = ?", [w])}
        missing = []
        for i in range(acked + 1):
            ans = queries.checklist_answer(store, w, items[i % len(items)])
            if ans is None or ans["note"] is None or not ans["note"].startswith("note "):
                missing.append(i)
        assert not missing, f"acknowledged writes lost: {missing[:10]}"
        in_flight = sum(1 for v in notes.values() if v == f"note {acked + 1}")
        assert queries.swot_items(store, w)["text"].tolist() == ["Skilled staff"]
        assert queries.financing_entries(store, w)["amount"].tolist() == [1234.5]
        queries.save_checklist_answer(store, w, items[0], "note", "after the kill", changed_by="A")
    finally:
        store.close()
    assert cli.main(["info", "--db", str(db)]) == 0
    MATRIX.append((f"kill -9 during a burst of answer writes (after {acked + 1} acknowledged)",
                   f"all {acked + 1} acknowledged writes there, the one in flight {'kept' if in_flight else 'absent'}; "
                   "earlier user data intact; writes and CLI info work"))


# ---- kill -9 during a knowledge rebuild ---------------------------------------------------------------

def kb_counts(store: Store) -> dict:
    names = [r[0] for r in store.conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'kb_%' ORDER BY 1").fetchall()]
    return store.row_counts(names)


REBUILD_PHASES = {
    # the store is open (its WAL exists), nothing of the new knowledge written yet
    "opened": lambda d, w, d0: w >= 0 and d == d0,
    # the new knowledge's row groups are being written into the database file (before the commit)
    "writing": lambda d, w, d0: d > d0,
    # deep into that write (10 MB further)
    "writing, 10 MB in": lambda d, w, d0: d > d0 + 10 * 2**20,
}


@pytest.mark.parametrize("phase", list(REBUILD_PHASES))
def test_kill9_during_a_knowledge_rebuild_keeps_user_data_and_whole_knowledge(template_db, tmp_path, phase):
    db, w, _ = prepared_store(template_db, tmp_path)
    s = Store(db)
    before, kb_before = user_data(s), kb_counts(s)
    s.close()
    wal = Path(str(db) + ".wal")
    db0 = size(db)
    proc = subprocess.Popen([sys.executable, "-m", "clusterdash", "build", "--db", str(db)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    seen = None
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        d, wl = size(db), size(wal)
        if REBUILD_PHASES[phase](d, wl, db0):
            os.killpg(proc.pid, signal.SIGKILL)
            seen = f"db {db0:,} -> {d:,} B, wal {wl:,} B"
            break
        time.sleep(0.001)
    proc.wait(20)
    assert seen is not None, f"the rebuild finished before the phase {phase!r} was seen (rc {proc.returncode})"
    store = Store(db)
    try:
        assert user_data(store) == before, "user data changed by a killed rebuild"
        assert kb_counts(store) == kb_before
        assert knowledge.is_loaded(store) and knowledge.is_current(store), "the knowledge is not whole after the kill"
    finally:
        store.close()
    s = open_store(db)  # what the dashboard does at start-up
    s.close()
    MATRIX.append((f"kill -9 during a knowledge rebuild ({phase})",
                   f"killed at {seen}; user data identical, every knowledge table whole (row counts as before) "
                   "and current; the dashboard's start-up opens the store"))


# ---- a second process while the server writes -----------------------------------------------------------

def test_second_process_opening_the_store_while_the_server_writes(template_db, tmp_path):
    db, w, items = prepared_store(template_db, tmp_path)
    stop = tmp_path / "stop"
    proc = writer(db, w, stop)
    try:
        first = proc.stdout.readline()
        assert first.startswith("ok"), first + proc.stderr.read()[-800:]
        results = []
        for args in (["info"], ["build"], ["import-stats", "--format", "long", "--file", str(db)]):
            r = subprocess.run([sys.executable, "-m", "clusterdash", *args, "--db", str(db)], cwd=REPO,
                               capture_output=True, text=True, timeout=120)
            results.append(r)
        with pytest.raises(StoreLocked, match="open in another process"):
            Store(db, read_only=True)
    finally:
        stop.touch()
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-800:]
    acks = [int(line.split()[1]) for line in (first + out).splitlines() if line.startswith("ok ")]
    for r in results:
        assert r.returncode == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "open in another process" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    store = Store(db)
    try:
        last_write = {i % len(items): i for i in acks}  # the last acknowledged note of each item
        for k, i in last_write.items():
            assert queries.checklist_answer(store, w, items[k])["note"] == f"note {i}"
    finally:
        store.close()
    MATRIX.append(("a second process opens the store while the server writes",
                   f"info/build/import-stats each refused with one line (exit 2: 'open in another process'); "
                   f"a read-only open refused the same way; the writer's {len(acks)} writes all kept"))


# ---- the store's disk full -----------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path, template_db):
    """A real tmpfs just big enough for a copy of the template store (+8 MB), mounted for this test."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    mb = template_db.stat().st_size // 2**20 + 8
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the disk-full row is not measured on this machine")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mb}m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()}); the disk-full row is not measured")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(disk: Path) -> int:
    """Fill the file system to the last byte; returns the bytes written."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    n = 0
    try:
        for chunk in (1 << 20, 4096, 1):
            while True:
                try:
                    n += os.write(fd, b"\0" * chunk)
                except OSError:
                    break
    finally:
        os.close(fd)
    return n


def test_disk_full_refuses_writes_clearly_and_keeps_the_store(template_db, small_disk):
    db, w, items = prepared_store(template_db, small_disk)
    filled = fill(small_disk)
    store = Store(db)
    errors = []
    try:
        before = user_data(store)
        for i in range(3):
            try:
                queries.save_checklist_answer(store, w, items[1], "note", "x" * 1900 + str(i), changed_by="A")
            except Exception as exc:  # noqa: BLE001 — the error the dashboard would get
                errors.append(exc)
        assert len(errors) == 3, "a write succeeded on a full disk"
        msgs = {user_message(e) for e in errors}
        assert all("disk that holds the store is full" in m for m in msgs), msgs
        assert user_data(store) == before  # reads still work; nothing half-written
    finally:
        store.close()
    # the command line on the full disk (a knowledge rebuild): one line
    r = subprocess.run([sys.executable, "-m", "clusterdash", "build", "--db", str(db)], cwd=REPO,
                       capture_output=True, text=True, timeout=120)
    cli_line = r.stderr.strip()
    assert r.returncode == 2 and len(cli_line.splitlines()) == 1 and "Traceback" not in r.stderr, r.stderr
    assert "full" in cli_line, cli_line
    (small_disk / "filler").unlink()
    store = Store(db)
    try:
        assert user_data(store) == before
        queries.save_checklist_answer(store, w, items[1], "note", "after freeing space", changed_by="A")
        assert queries.checklist_answer(store, w, items[1])["note"] == "after freeing space"
    finally:
        store.close()
    MATRIX.append(("the store's disk full (tmpfs filled to the last byte)",
                   f"{filled:,} B filler; 3 of 3 saves refused with '{next(iter(msgs))[:60]}…', user data unchanged "
                   f"and readable; CLI: one line ({cli_line[:70]}…); after freeing space the store saves again"))


# ---- a damaged store file at start-up -------------------------------------------------------------------

def digest(*paths: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in paths}


def damage(db: Path, how: str) -> None:
    n = db.stat().st_size
    with db.open("r+b") as f:
        if how == "cut in half":
            f.truncate(n // 2)
        elif how == "cut after 3 KB":
            f.truncate(3000)
        elif how == "emptied":
            f.truncate(0)
        elif how == "header overwritten":
            f.write(os.urandom(4096))
        elif how == "a block failing its checksum":
            f.seek(4096)
            f.write(os.urandom(8192))


@pytest.mark.parametrize("how, words", [
    ("cut in half", "shorter than its own index says"),
    ("cut after 3 KB", "shorter than its own index says"),
    ("emptied", "not a DuckDB database file"),
    ("header overwritten", "not a DuckDB database file"),
    ("a block failing its checksum", "fails its checksum"),
])
def test_damaged_store_at_startup_is_refused_clearly_and_left_as_it_is(template_db, tmp_path, how, words):
    db = tmp_path / "store.duckdb"
    shutil.copy(template_db, db)
    damage(db, how)
    files = digest(db, Path(str(db) + ".wal"))
    with pytest.raises(StoreDamaged) as exc:
        open_store(db)
    msg = str(exc.value)
    assert words in msg and "has not changed it" in msg and str(tmp_path) not in msg, msg
    r = subprocess.run([sys.executable, "-m", "clusterdash", "info", "--db", str(db)], cwd=REPO,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and words in r.stderr, r.stderr
    assert digest(db, Path(str(db) + ".wal")) == files, "the damaged file was changed"
    MATRIX.append((f"store file {how} at start-up",
                   f"refused: '{msg[:90]}…'; CLI one line, exit 2; the file byte for byte unchanged"))


WAL_WRITER = textwrap.dedent("""
    import os, sys
    from clusterdash import queries
    from clusterdash.store import Store
    s = Store(sys.argv[1])
    s.conn.execute("SET checkpoint_threshold = '1GB'")  # keep the writes in the WAL
    w = queries.default_workspace(s)
    for i in range(30):
        queries.add_swot_item(s, w, "threat", f"after the checkpoint {i}")
    os._exit(0)  # no checkpoint on close: the 30 writes live only in the WAL
""")


def test_damaged_write_ahead_log_is_refused_and_moving_it_aside_recovers_the_checkpoint(template_db, tmp_path):
    db, w, _ = prepared_store(template_db, tmp_path)
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(db)], cwd=REPO, check=True, timeout=120)
    wal = Path(str(db) + ".wal")
    n = wal.stat().st_size
    assert n > 1000
    with wal.open("r+b") as f:
        f.seek(n - 200)
        f.write(os.urandom(200))
    files = digest(db, wal)
    with pytest.raises(StoreDamaged) as exc:
        Store(db)
    msg = str(exc.value)
    assert "write-ahead log store.duckdb.wal is damaged" in msg and "Move store.duckdb.wal aside" in msg, msg
    assert digest(db, wal) == files
    wal.rename(tmp_path / "store.duckdb.wal.damaged")  # what the message says to do
    store = Store(db)
    try:
        assert queries.swot_items(store, w)["text"].tolist() == ["Skilled staff"]  # as at the checkpoint
        assert queries.financing_entries(store, w)["amount"].tolist() == [1234.5]
    finally:
        store.close()
    MATRIX.append(("write-ahead log damaged (last 200 B overwritten) at start-up",
                   f"refused: '{msg[:80]}…'; after moving the WAL aside as told, the store opens with everything "
                   "committed up to its last checkpoint (the 30 later writes in the damaged WAL are lost)"))
