"""Faults: ``kill -9`` of ``python -m clusterdash import-stats`` importing the big CBP file
(419,244 rows, with the USCMP crosswalk) part way through. Afterwards the store holds either the
whole import or none of it, nothing else changed, and it is still usable.

The kill is timed by watching the store's files, not by a clock, so each phase is hit on any
machine: while the file is read and validated (nothing written yet), while DuckDB writes the
new row groups into the database file (before the commit), and after the commit record reached
the write-ahead log (while the store is checkpointed on closing).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clusterdash import cli, queries
from clusterdash.stats import importer, indicators
from clusterdash.stats.readers import SourceFile
from clusterdash.store import Store
from tests.conftest import REPO, shared_file
from tests.test_robust_import import fingerprint

DATASET = "cbp_killed"
CBP_ROWS = 419_244
STATS_TABLES = importer.STATS_TABLES


def start_import(db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "clusterdash", "import-stats", "--db", str(db), "--format", "cbp",
         "--file", str(shared_file("us_cbp", "cbp_state_naics_2017_2021.csv")),
         "--crosswalk", str(shared_file("clusters", "naics_to_uscmp_cluster_crosswalk.csv")),
         "--dataset", DATASET],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )


def size(p: Path) -> int:
    try:
        return p.stat().st_size
    except FileNotFoundError:
        return -1


def kill_at(proc: subprocess.Popen, db: Path, phase: str, timeout: float = 180) -> str:
    """Watch the store's files and kill -9 the import in ``phase``; returns what was seen."""
    wal = Path(str(db) + ".wal")
    db0 = size(db)
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
        elif phase == "writing" and d > db0 and (wal_open is None or w <= wal_open):
            hit = f"row groups being written before the commit (db {db0} -> {d} B, wal {w} B)"
        elif phase == "committed":
            # the transaction's log reaches the WAL at the commit; then the command closes the
            # store, which checkpoints: the database file grows again. Kill in that checkpoint.
            if wal_at_write is None and d > db0:
                wal_at_write = w
            if wal_at_write is not None and db_at_commit is None and w > max(wal_at_write, 0) + 4096:
                db_at_commit = d
            if db_at_commit is not None and d > db_at_commit:
                hit = f"checkpoint after the commit (wal {w} B, db {db_at_commit} -> {d} B)"
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

    proc = start_import(db)
    seen = kill_at(proc, db, phase)

    store = Store(db)  # replays the WAL, if any
    try:
        state = dataset_state(store)
        whole = state["stats_dataset"] == 1
        print(f"{phase}: {seen} -> {'whole import' if whole else 'nothing'}")
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
