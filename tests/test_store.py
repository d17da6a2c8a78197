"""The store: builds from scratch, twice identically; migrations upgrade an older store;
a knowledge rebuild never touches user data; bad knowledge files leave the store unchanged."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from clusterdash import knowledge, queries, schema
from clusterdash.store import Store, open_store
from tests.conftest import REPO


def dump(store: Store) -> dict:
    out = {}
    for t in schema.tables_in_layer(schema.LAYER_KNOWLEDGE):
        out[t.name] = store.rows(f"SELECT * FROM {t.name} ORDER BY ALL")
    out["knowledge_index"] = store.rows("SELECT * FROM knowledge_index ORDER BY ALL")
    return out


def test_build_from_scratch_twice_gives_identical_store(tmp_path, template_db):
    a = open_store(tmp_path / "a.duckdb")
    first = dump(a)
    knowledge.load_knowledge(a)  # second build of the same store
    assert dump(a) == first
    shutil.copy(template_db, tmp_path / "b.duckdb")  # and an independent build (this run's template)
    b = Store(tmp_path / "b.duckdb")
    assert dump(b) == first
    assert sum(len(v) for v in first.values()) > 0
    assert a.schema_version() == schema.latest_version()


def test_cli_build_twice(tmp_path):
    db = tmp_path / "cli.duckdb"
    for _ in range(2):
        r = subprocess.run([sys.executable, "-m", "clusterdash", "build", "--db", str(db)],
                           cwd=REPO, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "knowledge rows loaded" in r.stdout
    s = Store(db)
    assert s.value("SELECT count(*) FROM knowledge_build") == 2
    s.close()


def test_migrations_upgrade_an_older_store(tmp_path):
    s = Store(tmp_path / "old.duckdb")
    s.migrate(target=1)
    assert s.schema_version() == 1
    # user data written by the old version survives the upgrade
    wid = queries.create_workspace(s, "Before upgrade")
    applied = s.migrate()
    assert s.schema_version() == schema.latest_version()
    assert applied == [m.version for m in schema.discover_migrations() if m.version > 1]
    assert queries.get_workspace(s, wid)["name"] == "Before upgrade"
    assert s.migrate() == []  # idempotent


def test_assessments_made_before_v018_stay_revealed_and_open(tmp_path):
    """Migration 18 adds an assessment's hide/reveal and close (is_revealed, is_open): an
    assessment made before it stays as it was, its results shown and answering open."""
    s = Store(tmp_path / "v17.duckdb")
    try:
        s.migrate(target=17)
        s.execute_write("INSERT INTO assessment (workspace_id, assessment_id, initiative_id, assessed_on, label, "
                        "created_at, updated_at) VALUES ('default', 'as-old', 'ac_serbia', DATE '2025-03-01', NULL, "
                        "now()::TIMESTAMP, now()::TIMESTAMP)")
        assert 18 in s.migrate()
        assert s.rows("SELECT is_revealed, is_open FROM assessment") == [{"is_revealed": True, "is_open": True}]
        comments = {r["column_name"]: r["comment"] for r in s.rows(
            "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'assessment'")}
        assert comments["is_revealed"] and comments["is_open"]
    finally:
        s.close()


def test_a_missing_lower_migration_is_still_applied(tmp_path, monkeypatch):
    # A store built from a tree that had migration 3 but not 2 gets 2 later.
    all_migrations = schema.discover_migrations()
    assert len(all_migrations) >= 3
    without_2 = [m for m in all_migrations if m.version != 2]
    monkeypatch.setattr(schema, "discover_migrations", lambda: without_2)
    s = Store(tmp_path / "gap.duckdb")
    s.migrate()
    monkeypatch.setattr(schema, "discover_migrations", lambda: all_migrations)
    assert s.migrate() == [2]
    versions = [r["version"] for r in s.rows("SELECT version FROM schema_version ORDER BY 1")]
    assert versions == [m.version for m in all_migrations]


def test_every_table_and_column_has_a_description(store):
    cols = store.rows(
        "SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name IN (SELECT table_name FROM duckdb_tables())"
    )
    assert cols
    missing = [(c["table_name"], c["column_name"]) for c in cols if not c["comment"]]
    assert not missing
    tables = store.rows("SELECT table_name, comment FROM duckdb_tables() WHERE schema_name='main'")
    assert all(t["comment"] for t in tables), [t for t in tables if not t["comment"]]


def test_knowledge_rebuild_keeps_user_data(store):
    wid = queries.create_workspace(store, "Solar Cluster Morocco — strategy workshop 2026")
    knowledge.load_knowledge(store)
    assert queries.get_workspace(store, wid) is not None


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda text: text.replace("source", "sauce", 1), "header does not match"),
        (lambda text: text + "\n" + text.splitlines()[1], "duplicate key"),
        (lambda text: "", "file is empty"),
    ],
)
def test_bad_knowledge_file_is_reported_and_store_unchanged(store, tmp_path, mutate, message):
    before = dump(store)
    bad = tmp_path / "kb"
    shutil.copytree(REPO / "data" / "knowledge", bad)
    f = bad / "maturity_stage.csv"
    f.write_text(mutate(f.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(knowledge.KnowledgeError, match=message) as exc:
        knowledge.load_knowledge(store, bad)
    assert "maturity_stage.csv" in str(exc.value)
    assert dump(store) == before


def test_missing_required_value_names_line_and_column(store, tmp_path):
    import csv

    bad = tmp_path / "kb"
    shutil.copytree(REPO / "data" / "knowledge", bad)
    f = bad / "maturity_stage.csv"
    with f.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[2][-1] = ""  # blank source on line 3
    with f.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(knowledge.KnowledgeError, match=r"line 3, column source: a value is required"):
        knowledge.load_knowledge(store, bad)


def test_second_writer_process_gets_a_clear_message(db_path):
    holder = Store(db_path)
    try:
        r = subprocess.run([sys.executable, "-m", "clusterdash", "build", "--db", str(db_path)],
                           cwd=REPO, capture_output=True, text=True)
        # DuckDB locks the file across processes: the second writer is told what to do
        assert r.returncode == 2, (r.stdout, r.stderr)
        assert "open in another process" in r.stderr
    finally:
        holder.close()


def test_default_workspace_is_created_once(store):
    a = queries.default_workspace(store)
    b = queries.default_workspace(store)
    assert a == b
    assert len(queries.list_workspaces(store)) == 1


def test_concurrent_inserts_of_the_same_new_key_are_retried(store):
    """Two sessions inserting the same new key: the second write is re-run and upserts."""
    import threading

    store.execute_write("CREATE TABLE probe (k VARCHAR PRIMARY KEY, v INTEGER)")
    barrier = threading.Barrier(2)
    errors = []

    def upsert(value):
        def fn(cur):
            cur.execute(
                "INSERT INTO probe VALUES ('same', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", [value]
            )
            try:
                barrier.wait(timeout=2)  # both transactions are open before either commits
            except threading.BrokenBarrierError:
                pass
        try:
            store.write(fn)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=upsert, args=(v,)) for v in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.value("SELECT count(*) FROM probe") == 1


def test_knowledge_reloads_when_the_files_changed(tmp_path, monkeypatch):
    from clusterdash import config

    kb = tmp_path / "kb"
    shutil.copytree(REPO / "data" / "knowledge", kb)
    monkeypatch.setattr(config, "KNOWLEDGE_DIR", kb)
    db = tmp_path / "s.duckdb"
    s = open_store(db)
    s.close()
    f = kb / "maturity_stage.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Initiation,", "Initiation phase,", 1), encoding="utf-8")
    s = open_store(db)
    assert s.value("SELECT stage_name FROM kb_maturity_stage WHERE stage_code = 'initiation'") == "Initiation phase"
    assert s.value("SELECT count(*) FROM knowledge_build") == 2
    s.close()
