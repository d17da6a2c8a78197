"""Workspaces: create, rename, archive/restore, list, and duplication built generically from the
schema metadata (every user table with a workspace_column, whoever declared it)."""

from __future__ import annotations

import pytest

from clusterdash import checklists, queries, schema, workspaces
from clusterdash.errors import UserError
from clusterdash.schema import LAYER_USER, Table, col


@pytest.fixture
def wid(store):
    return queries.default_workspace(store)


def answer_some(store, wid, n=3):
    board = checklists.prepare_board(queries.checklist_board(store, wid))
    keys = list(board.item_key[:n])
    for i, k in enumerate(keys):
        queries.save_checklist_answer(store, wid, k, "status", checklists.STATUSES[i % 4], changed_by="Anna")
        queries.save_checklist_answer(store, wid, k, "note", f"note {i}", changed_by="Ben")
    return keys


# ---- naming --------------------------------------------------------------------------------------

def test_copy_name():
    assert workspaces.copy_name("Solar", []) == "Solar (copy)"
    assert workspaces.copy_name("Solar", ["Solar (copy)"]) == "Solar (copy 2)"
    assert workspaces.copy_name("Solar (copy)", ["Solar (copy)", "Solar (copy 2)"]) == "Solar (copy 3)"
    assert len(workspaces.copy_name("x" * 200, [])) <= workspaces.MAX_NAME_LENGTH


def test_clean_name_and_occasion():
    assert workspaces.clean_name("  Solar   Cluster ") == "Solar Cluster"
    with pytest.raises(UserError, match="needs a name"):
        workspaces.clean_name("  ")
    with pytest.raises(UserError, match="at most 200"):
        workspaces.clean_name("x" * 201)
    assert workspaces.clean_occasion("  ") is None
    with pytest.raises(UserError):
        workspaces.clean_occasion("y" * 201)


def test_label():
    assert workspaces.label({"name": "Solar Cluster Morocco", "occasion": "strategy workshop 2026"}) == (
        "Solar Cluster Morocco — strategy workshop 2026")
    assert workspaces.label({"name": "Solar — strategy workshop", "occasion": "strategy workshop"}) == (
        "Solar — strategy workshop")
    assert workspaces.label({"name": "Solar", "occasion": None}) == "Solar"


# ---- lifecycle -------------------------------------------------------------------------------------

def test_first_visit_gets_a_default_workspace(store):
    assert store.value("SELECT count(*) FROM workspace") == 0
    wid = queries.default_workspace(store)
    assert queries.default_workspace(store) == wid  # the same one every time
    assert store.value("SELECT count(*) FROM workspace") == 1


def test_rename(store, wid):
    queries.rename_workspace(store, wid, "  Solar Cluster Morocco ", occasion="strategy workshop 2026")
    ws = queries.get_workspace(store, wid)
    assert (ws["name"], ws["occasion"]) == ("Solar Cluster Morocco", "strategy workshop 2026")
    with pytest.raises(UserError, match="needs a name"):
        queries.rename_workspace(store, wid, "")
    assert queries.get_workspace(store, wid)["name"] == "Solar Cluster Morocco"
    with pytest.raises(UserError, match="does not exist"):
        queries.rename_workspace(store, "ws-nope", "x")


def test_archive_and_restore(store, wid):
    with pytest.raises(UserError, match="only active workspace"):
        queries.archive_workspace(store, wid)
    other = queries.create_workspace(store, "Textile cluster", occasion="kick-off")
    queries.archive_workspace(store, other)
    assert queries.is_workspace_archived(store, other)
    assert other not in set(queries.list_workspaces(store).workspace_id)
    assert other in set(queries.list_workspaces(store, include_archived=True).workspace_id)
    with pytest.raises(UserError, match="archived"):
        queries.rename_workspace(store, other, "New name")
    queries.restore_workspace(store, other)
    assert not queries.is_workspace_archived(store, other)
    queries.rename_workspace(store, other, "New name")
    assert queries.get_workspace(store, other)["name"] == "New name"


def test_overview_counts_saved_entries(store, wid):
    answer_some(store, wid, 3)
    other = queries.create_workspace(store, "Empty")
    ov = queries.workspace_overview(store).set_index("workspace_id")
    assert ov.at[wid, "saved_entries"] == 3  # three answers; the history is not counted
    assert ov.at[other, "saved_entries"] == 0
    queries.archive_workspace(store, other)
    assert other not in queries.workspace_overview(store).workspace_id.tolist()
    assert other in queries.workspace_overview(store, include_archived=True).workspace_id.tolist()


# ---- duplication -----------------------------------------------------------------------------------

def test_plan_covers_every_workspace_table_of_the_real_schema():
    plan = workspaces.plan_duplication()  # raises for a table it could not copy
    declared = [t.name for t in schema.tables_in_layer(LAYER_USER) if t.workspace_column]
    assert plan.tables == declared
    assert {"checklist_answer", "checklist_change"} <= set(declared)
    change = next(c for c in plan.copies if c.table == "checklist_change")
    assert change.new_key == "change_id"  # its own key: new identifiers for the copies


def test_duplicate_copies_everything_of_the_workspace(store, wid):
    keys = answer_some(store, wid, 4)
    queries.rename_workspace(store, wid, "Solar Cluster Morocco", occasion="strategy workshop 2026")
    other = queries.create_workspace(store, "Unrelated")
    queries.save_checklist_answer(store, other, keys[0], "status", "done", changed_by="Zoe")

    new = queries.duplicate_workspace(store, wid)
    ws = queries.get_workspace(store, new)
    assert ws["name"] == "Solar Cluster Morocco (copy)" and ws["occasion"] == "strategy workshop 2026"
    for t in workspaces.workspace_tables():
        n_old = store.value(f"SELECT count(*) FROM {t.name} WHERE {t.workspace_column} = ?", [wid])
        n_new = store.value(f"SELECT count(*) FROM {t.name} WHERE {t.workspace_column} = ?", [new])
        assert n_new == n_old, t.name
    old_board = checklists.prepare_board(queries.checklist_board(store, wid))
    new_board = checklists.prepare_board(queries.checklist_board(store, new))
    cols = ["item_key", "status", "note", "owner", "changed_by"]
    assert new_board[cols].fillna("").equals(old_board[cols].fillna(""))
    # the copy's history has its own change ids
    ids_old = set(queries.checklist_changes(store, wid).change_id)
    ids_new = set(queries.checklist_changes(store, new).change_id)
    assert ids_old and not ids_old & ids_new
    # the copy is independent: changing it leaves the original alone
    queries.save_checklist_answer(store, new, keys[0], "status", "not_applicable", changed_by="Anna")
    assert queries.checklist_answer(store, wid, keys[0])["status"] == "done"
    # a second copy gets a new name; the unrelated workspace was not copied
    assert queries.get_workspace(store, queries.duplicate_workspace(store, wid))["name"].endswith("(copy 2)")
    assert store.value("SELECT count(*) FROM checklist_answer WHERE changed_by = 'Zoe'") == 1


def test_duplicate_of_an_unknown_workspace_changes_nothing(store, wid):
    before = store.value("SELECT count(*) FROM workspace")
    with pytest.raises(UserError):
        queries.duplicate_workspace(store, "ws-nope")
    assert store.value("SELECT count(*) FROM workspace") == before


# Tables of a made-up pillar, to check the generic copy on shapes our own tables do not have:
# a table with its own text identifier, a child table referring to it, an integer identifier.
NOTE = Table("zz_note", "test", (col("note_id", "VARCHAR", "id", nullable=False),
                                  col("workspace_id", "VARCHAR", "ws", nullable=False),
                                  col("body", "VARCHAR", "text")),
             primary_key=("note_id",), layer=LAYER_USER, workspace_column="workspace_id")
TAG = Table("zz_note_tag", "test", (col("workspace_id", "VARCHAR", "ws", nullable=False),
                                     col("note_id", "VARCHAR", "note", nullable=False),
                                     col("tag", "VARCHAR", "tag", nullable=False)),
            primary_key=("workspace_id", "note_id", "tag"), layer=LAYER_USER, workspace_column="workspace_id")
ENTRY = Table("zz_entry", "test", (col("entry_id", "INTEGER", "id", nullable=False),
                                    col("workspace_id", "VARCHAR", "ws", nullable=False),
                                    col("amount", "DOUBLE", "amount")),
              primary_key=("entry_id",), layer=LAYER_USER, workspace_column="workspace_id")


def test_duplicate_gives_new_identifiers_and_repoints_references(store, wid, monkeypatch):
    for t in (NOTE, TAG, ENTRY):
        store.execute_write(t.create_sql())
    store.execute_write("INSERT INTO zz_note VALUES ('n-1', ?, 'first'), ('n-2', ?, 'second'), ('n-9', 'elsewhere', 'x')",
                        [wid, wid])
    store.execute_write("INSERT INTO zz_note_tag VALUES (?, 'n-1', 'a'), (?, 'n-1', 'b'), (?, 'n-2', 'a')", [wid] * 3)
    store.execute_write("INSERT INTO zz_entry VALUES (1, ?, 10.5), (2, ?, 20.0), (7, 'elsewhere', 1)", [wid, wid])
    real = schema.tables_in_layer
    monkeypatch.setattr(workspaces.schema, "tables_in_layer",
                        lambda layer: real(layer) + ([NOTE, TAG, ENTRY] if layer == LAYER_USER else []))

    new = queries.duplicate_workspace(store, wid, "Copy with notes")
    notes = store.rows("SELECT note_id, body FROM zz_note WHERE workspace_id = ? ORDER BY body", [new])
    assert [n["body"] for n in notes] == ["first", "second"]
    assert all(n["note_id"].startswith("n-") and n["note_id"] not in ("n-1", "n-2") for n in notes)
    by_body = {n["body"]: n["note_id"] for n in notes}
    tags = store.rows("SELECT note_id, tag FROM zz_note_tag WHERE workspace_id = ? ORDER BY ALL", [new])
    assert sorted((t["note_id"], t["tag"]) for t in tags) == sorted(
        [(by_body["first"], "a"), (by_body["first"], "b"), (by_body["second"], "a")])
    entries = store.rows("SELECT entry_id, amount FROM zz_entry WHERE workspace_id = ? ORDER BY amount", [new])
    assert [e["entry_id"] for e in entries] == [8, 9] and [e["amount"] for e in entries] == [10.5, 20.0]
    assert store.value("SELECT count(*) FROM zz_note") == 5  # originals untouched


def test_plan_refuses_a_shape_it_cannot_copy():
    bad = Table("zz_bad", "test", (col("a", "VARCHAR", "a"), col("b", "VARCHAR", "b"),
                                    col("workspace_id", "VARCHAR", "ws")),
                primary_key=("a", "b"), layer=LAYER_USER, workspace_column="workspace_id")
    with pytest.raises(workspaces.DuplicationError, match="zz_bad"):
        workspaces.plan_duplication([bad])
    wrong = Table("zz_wrong", "test", (col("a", "VARCHAR", "a"),), layer=LAYER_USER, workspace_column="ws")
    with pytest.raises(workspaces.DuplicationError, match="not one of its columns"):
        workspaces.plan_duplication([wrong])


def test_copy_sql_uses_declared_identifiers_only():
    plan = workspaces.plan_duplication([NOTE, TAG])
    sql = queries.workspaces.copy_sql(plan.copies[1])  # the SQL of a plan lives with the queries
    assert sql.startswith("INSERT INTO zz_note_tag (workspace_id, note_id, tag) SELECT ?, coalesce(m_note_id.new")
    assert sql.endswith("WHERE src.workspace_id = ?")


# ---- the Workspaces page and the sidebar switcher (AppTest) ----------------------------------------

from tests.test_checklists_pages import ws_of  # noqa: E402
from tests.ui_support import shown, widget  # noqa: E402


def submit(at, form_label):
    next(b for b in at.get("form_submit_button") if b.label == form_label).click().run()


def test_page_creates_and_opens_a_workspace(app_v2, store):
    at = app_v2("pages/workspaces.py")
    assert not at.exception
    form_inputs = [t for t in at.text_input if t.label in ("Name", "Occasion")]
    # the rename form comes first, the new-workspace form last
    form_inputs[-2].input("Solar Cluster Morocco")
    form_inputs[-1].input("strategy workshop 2026")
    submit(at, "Create and open")
    assert not at.exception
    wid = ws_of(at)
    assert wid != "default"
    ws = queries.get_workspace(store, wid)
    assert (ws["name"], ws["occasion"]) == ("Solar Cluster Morocco", "strategy workshop 2026")
    assert any("created" in s for s in shown(at.success))
    assert "### Solar Cluster Morocco — strategy workshop 2026" in [m.value.replace("\\", "") for m in at.markdown]


def test_page_refuses_an_empty_name(app_v2, store):
    at = app_v2("pages/workspaces.py")
    submit(at, "Create and open")
    assert any("needs a name" in e for e in shown(at.error))
    assert store.value("SELECT count(*) FROM workspace") == 1


def test_page_renames_duplicates_archives_and_restores(app_v2, store):
    at = app_v2("pages/workspaces.py")
    name_inputs = [t for t in at.text_input if t.label == "Name"]
    name_inputs[0].input("Textile cluster")
    submit(at, "Save name and occasion")
    assert queries.get_workspace(store, "default")["name"] == "Textile cluster"

    at.button(key="ws-duplicate").click().run()
    copy = ws_of(at)
    assert copy != "default" and queries.get_workspace(store, copy)["name"] == "Textile cluster (copy)"

    at.button(key="ws-archive").click().run()
    assert queries.is_workspace_archived(store, copy)
    assert ws_of(at) == copy  # still open, read-only
    assert any("archived" in w.value for w in at.warning)
    at.button(key="ws-restore").click().run()
    assert not queries.is_workspace_archived(store, copy)


def test_open_another_workspace_from_the_list_and_the_switcher(app_v2, store):
    queries.default_workspace(store)  # the one a first visit opens (the oldest)
    other = queries.create_workspace(store, "Agri-food cluster", occasion="kick-off")
    at = app_v2("pages/workspaces.py")
    at.button(key=f"ws-open-{other}").click().run()
    assert ws_of(at) == other
    widget(at.sidebar, "selectbox", "_ws_switch").set_value("default").run()
    assert ws_of(at) == "default"
    # the workspace stays in the URL on another page
    at.switch_page("pages/checklists.py")
    at.run()
    assert ws_of(at) == "default"


def synthetic_value(column, i: int):
    import datetime as dt

    t = column.type.upper()
    if t in ("INTEGER", "BIGINT"):
        return 1 + i
    if t == "DOUBLE":
        return 1.5 + i
    if t == "BOOLEAN":
        return True
    if t == "DATE":
        return dt.date(2026, 3, 5)
    if t == "TIMESTAMP":
        return dt.datetime(2026, 3, 5, 14, 2)
    return f"{column.name}-{i}"


def test_duplicate_copies_a_row_of_every_workspace_table_of_every_pillar(store, wid):
    """One synthetic row in every user table that belongs to a workspace — whichever pillar
    declared it — is copied by a duplicate, with new identifiers where the table has its own."""
    tables = workspaces.workspace_tables()
    for t in tables:
        values = [wid if c.name == t.workspace_column else synthetic_value(c, 0) for c in t.columns]
        store.execute_write(f"INSERT INTO {t.name} ({', '.join(t.column_names)}) VALUES "
                            f"({', '.join('?' for _ in t.columns)})", values)
    new = queries.duplicate_workspace(store, wid)
    for t in tables:
        rows = store.rows(f"SELECT * FROM {t.name} WHERE {t.workspace_column} = ?", [new])
        assert len(rows) == 1, t.name
        pk = [k for k in t.primary_key if k != t.workspace_column]
        if len(t.primary_key) == 1 and t.workspace_column not in t.primary_key:
            assert rows[0][pk[0]] != synthetic_value(t.column(pk[0]), 0), f"{t.name} kept its identifier"
    assert queries.workspace_overview(store).set_index("workspace_id").at[new, "saved_entries"] == len(tables) - len(workspaces.HISTORY_TABLES)
