"""The shape of clusterdash.queries: one write guard for every write, one retry layer
(Store.write), knowledge tables through one metadata-driven function, validation in the domain
modules (imported at module top, never the other way round)."""

from __future__ import annotations

import ast
import inspect
import threading
from pathlib import Path

import pytest

from clusterdash import checklists, queries, schema, stats, workspaces
from clusterdash.errors import UserError
from clusterdash.queries import common

PACKAGE = Path(queries.__file__).parent
REPO = PACKAGE.parent.parent


def user_rows(store) -> dict:
    """Every row of every workspace table (and the workspace list), to compare before/after."""
    tables = ["workspace"] + [t.name for t in workspaces.workspace_tables()]
    return {t: store.rows(f"SELECT * FROM {t} ORDER BY ALL") for t in tables}


# ---- the write guard: every write refuses an unknown or archived workspace -----------------------

WRITE_VERBS = ("add_", "set_", "save_", "update_", "delete_", "import_", "move_", "apply_", "rename_",
               "archive_", "restore_", "duplicate_", "create_", "start_", "pause_", "reset_", "choose_", "remove_")
# writes that act on an archived workspace on purpose (they are refused only for an unknown one)
ALLOWED_WHEN_ARCHIVED = {"restore_workspace", "duplicate_workspace"}


def workspace_write_functions() -> set[str]:
    """Public queries functions that write into a given workspace."""
    out = set()
    for name in queries.__all__:
        fn = getattr(queries, name)
        if not callable(fn) or not name.startswith(WRITE_VERBS) or name == "create_workspace":
            continue
        params = list(inspect.signature(fn).parameters)
        if params[:2] == ["store", "workspace_id"]:
            out.add(name)
    return out


@pytest.fixture
def fixture_rows(store):
    """An archived workspace holding one row of each kind (ids in the returned dict), and an
    active one (so the first could be archived)."""
    w = queries.create_workspace(store, "To be archived")
    queries.create_workspace(store, "Still active")
    ini = "ac_serbia"
    item = checklists.prepare_board(queries.checklist_board(store, w)).item_key.iloc[0]
    ids = {
        "w": w, "ini": ini, "item": item,
        "aid": queries.create_assessment(store, w, ini, "2026-01-01"),
        "sid": queries.add_stakeholder(store, w, "SMEs"),
        "swot": queries.add_swot_item(store, w, "strength", "Skilled staff"),
        "svc": queries.add_cluster_service(store, w, "Matchmaking"),
        "mid": queries.add_team_member(store, w, "Anna"),
        "stage": queries.add_value_chain_stage(store, w, ini, "Suppliers"),
        "block": queries.canvas_blocks(store).block_code.iloc[0],
        "template": queries.value_chain_templates(store).template_code.iloc[0],
        "vote": queries.create_vote(store, w, "Priorities", ["Training", "Export"]),
    }
    queries.set_financing_entry(store, w, 2023, "income", "membership_fees", 5)
    queries.archive_workspace(store, w)
    return ids


CASES = {
    # checklists
    "save_checklist_answer": lambda s, w, x: queries.save_checklist_answer(s, w, x["item"], "status", "done",
                                                                           changed_by="Anna"),
    # maturity
    "create_assessment": lambda s, w, x: queries.create_assessment(s, w, x["ini"], "2026-02-01"),
    "update_assessment": lambda s, w, x: queries.update_assessment(s, w, x["aid"], label="New", set_label=True),
    "delete_assessment": lambda s, w, x: queries.delete_assessment(s, w, x["aid"]),
    "save_assessment_answer": lambda s, w, x: queries.save_assessment_answer(s, w, x["aid"], "ini_01", "Anna", "fully"),
    "set_assessment_state": lambda s, w, x: queries.set_assessment_state(s, w, x["aid"], is_open=False),
    # toolkit
    "add_stakeholder": lambda s, w, x: queries.add_stakeholder(s, w, "Banks"),
    "update_stakeholder": lambda s, w, x: queries.update_stakeholder(s, w, x["sid"], name="Large firms"),
    "delete_stakeholder": lambda s, w, x: queries.delete_stakeholder(s, w, x["sid"]),
    "add_example_stakeholders": lambda s, w, x: queries.add_example_stakeholders(s, w),
    "add_swot_item": lambda s, w, x: queries.add_swot_item(s, w, "threat", "Competition"),
    "update_swot_item": lambda s, w, x: queries.update_swot_item(s, w, x["swot"], "Motivated staff"),
    "delete_swot_item": lambda s, w, x: queries.delete_swot_item(s, w, x["swot"]),
    "save_canvas_entry": lambda s, w, x: queries.save_canvas_entry(s, w, x["block"], "Text"),
    "save_canvas_header": lambda s, w, x: queries.save_canvas_header(s, w, author_name="Anna"),
    "save_legal_form_answer": lambda s, w, x: queries.save_legal_form_answer(s, w, "cooperation_closeness", "loose"),
    "add_cluster_service": lambda s, w, x: queries.add_cluster_service(s, w, "Training"),
    "update_cluster_service": lambda s, w, x: queries.update_cluster_service(s, w, x["svc"], note="Weekly"),
    "delete_cluster_service": lambda s, w, x: queries.delete_cluster_service(s, w, x["svc"]),
    "add_example_services": lambda s, w, x: queries.add_example_services(s, w),
    "add_team_member": lambda s, w, x: queries.add_team_member(s, w, "Ben"),
    "update_team_member": lambda s, w, x: queries.update_team_member(s, w, x["mid"], role="Manager"),
    "delete_team_member": lambda s, w, x: queries.delete_team_member(s, w, x["mid"]),
    "save_team_skill_score": lambda s, w, x: queries.save_team_skill_score(s, w, x["mid"], 1, 3),
    # financing
    "set_financing_profile": lambda s, w, x: queries.set_financing_profile(s, w, "currency", "USD"),
    "set_financing_entry": lambda s, w, x: queries.set_financing_entry(s, w, 2024, "income", "sponsoring", 7),
    "import_financing_entries": lambda s, w, x: queries.import_financing_entries(
        s, w, "kind,category,2023\nincome,Membership fees,100\n"),
    "delete_financing_year": lambda s, w, x: queries.delete_financing_year(s, w, 2023),
    "set_financing_plan_value": lambda s, w, x: queries.set_financing_plan_value(s, w, "horizon_years", 3),
    "set_financing_opening_balance": lambda s, w, x: queries.set_financing_opening_balance(s, w, 2023, 100),
    "set_financing_timing": lambda s, w, x: queries.set_financing_timing(s, w, "income", "membership_fees", "monthly"),
    # value chains
    "add_value_chain_stage": lambda s, w, x: queries.add_value_chain_stage(s, w, x["ini"], "Buyers"),
    "update_value_chain_stage": lambda s, w, x: queries.update_value_chain_stage(s, w, x["stage"], "notes", "n"),
    "delete_value_chain_stage": lambda s, w, x: queries.delete_value_chain_stage(s, w, x["stage"]),
    "move_value_chain_stage": lambda s, w, x: queries.move_value_chain_stage(s, w, x["stage"], 1),
    "apply_value_chain_template": lambda s, w, x: queries.apply_value_chain_template(s, w, x["ini"], x["template"]),
    # votes
    "create_vote": lambda s, w, x: queries.create_vote(s, w, "Next steps", ["A", "B"]),
    "set_dots": lambda s, w, x: queries.set_dots(s, w, x["vote"], 1, "Anna", 1),
    "choose_vote_actions": lambda s, w, x: (queries.set_dots(s, w, x["vote"], 1, "Anna", 1),
                                            queries.choose_vote_actions(s, w, x["vote"], 1, changed_by="Anna")),
    "save_vote_action": lambda s, w, x: (queries.set_dots(s, w, x["vote"], 1, "Anna", 1),
                                         queries.choose_vote_actions(s, w, x["vote"], 1, changed_by="Anna"),
                                         queries.save_vote_action(s, w, x["vote"], 1, owner="Ben", changed_by="Anna")),
    "remove_vote_action": lambda s, w, x: queries.remove_vote_action(s, w, x["vote"], 1),
    "save_action_due": lambda s, w, x: queries.save_action_due(s, w, x["item"], "2026-04-30", changed_by="Anna"),
    "set_vote_state": lambda s, w, x: queries.set_vote_state(s, w, x["vote"], is_revealed=True),
    # the room's countdown timer
    "start_countdown": lambda s, w, x: queries.start_countdown(s, w, minutes=3),
    "pause_countdown": lambda s, w, x: queries.pause_countdown(s, w),
    "reset_countdown": lambda s, w, x: queries.reset_countdown(s, w, minutes=2),
    # workspaces
    "rename_workspace": lambda s, w, x: queries.rename_workspace(s, w, "Renamed"),
    "archive_workspace": lambda s, w, x: queries.archive_workspace(s, w),
    "restore_workspace": lambda s, w, x: queries.restore_workspace(s, w),
    "duplicate_workspace": lambda s, w, x: queries.duplicate_workspace(s, w),
}


def test_every_workspace_write_has_a_guard_case():
    """A new write function into a workspace must be added to CASES (and so be guarded)."""
    assert set(CASES) == workspace_write_functions()


def refusals(store, workspace_id: str, ids: dict, names, message: str) -> list[str]:
    """The cases that were not refused with ``message``, or that changed a row anyway."""
    wrong = []
    for name in sorted(names):
        before = user_rows(store)
        try:
            CASES[name](store, workspace_id, ids)
        except UserError as exc:
            if message not in str(exc):
                wrong.append(f"{name}: {exc}")
        else:
            wrong.append(f"{name}: not refused")
        if user_rows(store) != before:
            wrong.append(f"{name}: changed the store")
    return wrong


def test_writes_to_an_unknown_workspace_are_refused(store, fixture_rows):
    assert refusals(store, "ws-nobody", fixture_rows, CASES, "Workspace 'ws-nobody' does not exist") == []


def test_writes_to_an_archived_workspace_are_refused(store, fixture_rows):
    assert refusals(store, fixture_rows["w"], fixture_rows, set(CASES) - ALLOWED_WHEN_ARCHIVED,
                    "Workspace “To be archived” is archived: restore it on the Workspaces page") == []


def test_the_same_calls_succeed_in_an_active_workspace(store, fixture_rows):
    """The cases are real writes (not refused for another reason): restored, each one works."""
    queries.restore_workspace(store, fixture_rows["w"])
    for name in sorted(sorted(set(CASES) - {"archive_workspace"}), key=lambda n: n.startswith("delete_")):
        CASES[name](store, fixture_rows["w"], fixture_rows)


def test_write_in_workspace_returns_the_result_and_checks_inside_the_transaction(store):
    w = queries.create_workspace(store, "Guarded")
    assert common.write_in_workspace(store, w, lambda cur: cur.execute("SELECT 41 + 1").fetchone()[0]) == 42
    with pytest.raises(UserError, match="does not exist"):
        common.write_in_workspace(store, "ws-none", lambda cur: pytest.fail("ran without a workspace"))


def test_next_seq_takes_identifiers_from_the_schema_only(store):
    w = queries.create_workspace(store, "Seq")
    queries.add_swot_item(store, w, "strength", "a")
    queries.add_swot_item(store, w, "strength", "b")
    with store.cursor() as cur:
        assert common.next_seq(cur, "swot_item", w, quadrant="strength") == 3
        assert common.next_seq(cur, "swot_item", w, quadrant="threat") == 1
        with pytest.raises(KeyError):
            common.next_seq(cur, "swot_item; DROP TABLE workspace", w)
        with pytest.raises(ValueError):
            common.next_seq(cur, "swot_item", w, **{"quadrant = quadrant OR 1": 1})


# ---- one retry layer: Store.write -------------------------------------------------------------------

def _package_modules() -> dict[str, ast.Module]:
    return {p.name: ast.parse(p.read_text()) for p in sorted(PACKAGE.glob("*.py"))}


def test_no_name_is_defined_twice_and_no_retry_loop_outside_the_store():
    """The old module defined _write_upsert twice (the second silently replaced the first) on top
    of Store.write's own retry. Now: every top-level name once in the package, and no retry or
    back-off in the query modules."""
    seen: dict[str, str] = {}
    for mod, tree in _package_modules().items():
        if mod == "__init__.py":
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                assert node.name not in seen, f"{node.name} defined in {seen[node.name]} and {mod}"
                seen[node.name] = mod
        src = (PACKAGE / mod).read_text()
        assert "time.sleep" not in src and "_write_upsert" not in src and "attempt" not in src, mod


def test_store_write_retries_a_duplicate_key_raised_by_the_insert(store):
    """Session B's transaction began before A committed the same new key: B's INSERT ... ON
    CONFLICT does not see A's row and fails with a duplicate key. Store.write runs B again in a
    fresh transaction, which updates A's row (the last write wins). (The other order, both open at
    COMMIT, is tests/test_store.py::test_concurrent_inserts_of_the_same_new_key_are_retried.)"""
    store.execute_write("CREATE TABLE probe2 (k VARCHAR PRIMARY KEY, v INTEGER)")
    b_began, a_committed = threading.Event(), threading.Event()
    runs = []

    def session_b(cur):
        runs.append(1)
        cur.execute("SELECT count(*) FROM probe2").fetchall()  # B's snapshot starts here
        b_began.set()
        a_committed.wait(timeout=5)
        cur.execute("INSERT INTO probe2 VALUES ('same', 2) ON CONFLICT (k) DO UPDATE SET v = excluded.v")

    def session_a():
        b_began.wait(timeout=5)
        store.execute_write("INSERT INTO probe2 VALUES ('same', 1) ON CONFLICT (k) DO UPDATE SET v = excluded.v")
        a_committed.set()

    t = threading.Thread(target=session_a)
    t.start()
    store.write(session_b)
    t.join()
    assert len(runs) == 2  # refused once, then re-run
    assert store.rows("SELECT * FROM probe2") == [{"k": "same", "v": 2}]


def test_a_real_duplicate_key_is_still_an_error(store):
    store.execute_write("CREATE TABLE probe3 (k VARCHAR PRIMARY KEY)")
    with pytest.raises(Exception, match="(?i)duplicate key"):
        store.write(lambda cur: cur.execute("INSERT INTO probe3 VALUES ('x'), ('x')"))
    assert store.value("SELECT count(*) FROM probe3") == 0


# ---- knowledge tables through one function --------------------------------------------------------

KNOWLEDGE_TABLES = [t.name for t in schema.tables_in_layer(schema.LAYER_KNOWLEDGE)]


@pytest.mark.parametrize("table", KNOWLEDGE_TABLES)
def test_knowledge_table_reads_every_knowledge_table(store, table):
    t = schema.table(table)
    df = queries.knowledge_table(store, table)
    assert list(df.columns) == t.column_names
    assert len(df) == store.value(f"SELECT count(*) FROM {table}")
    short = queries.knowledge_table(store, table.removeprefix("kb_"))
    assert short.equals(df)


def test_knowledge_order_names_declared_tables_and_columns():
    for table, order in queries.KNOWLEDGE_ORDER.items():
        t = schema.table(table)
        assert t.layer == schema.LAYER_KNOWLEDGE, table
        for part in order.split(","):
            column = part.strip().removesuffix(" IS NULL")
            assert column == "rowid" or column in t.column_names, (table, column)


@pytest.mark.parametrize("name", ["kb_nope", "workspace", "stakeholder", "kb_source_document; DROP TABLE workspace",
                                  "", "KB_SOURCE_DOCUMENT"])
def test_knowledge_table_refuses_anything_but_a_knowledge_table(store, name):
    with pytest.raises(ValueError, match="not a knowledge table"):
        queries.knowledge_table(store, name)


def test_knowledge_table_filters_and_columns_are_declared_columns(store):
    df = queries.knowledge_table(store, "toolkit_note", columns=("seq", "heading"), where={"tool_code": "x"})
    assert list(df.columns) == ["seq", "heading"] and df.empty
    with pytest.raises(ValueError, match="no column"):
        queries.knowledge_table(store, "toolkit_note", columns=("seq, (SELECT 1)",))
    with pytest.raises(ValueError, match="no column"):
        queries.knowledge_table(store, "toolkit_note", where={"1 = 1 OR tool_code": "x"})


def test_named_knowledge_readers_keep_their_order(store):
    assert list(queries.maturity_stages(store).stage_code) == [
        "initiation", "establishment", "operationalisation", "transformation"]
    seqs = list(queries.financing_sources(store).seq)
    assert seqs == sorted(seqs)


# ---- validation in the domain, imported at the top ------------------------------------------------

def test_one_participant_name_rule():
    assert checklists.clean_person is workspaces.clean_participant
    assert queries.check_participant is workspaces.clean_participant
    assert queries.MAX_PARTICIPANT_CHARS == workspaces.MAX_PARTICIPANT_CHARS == checklists.MAX_NAME_LENGTH
    assert workspaces.clean_participant("  Anna   Maria ") == "Anna Maria"
    for bad, message in [("  ", "Your name is empty"), ("z" * 61, "at most 60 characters")]:
        with pytest.raises(UserError, match=message):
            workspaces.clean_participant(bad)


def test_checklist_and_maturity_saves_give_the_same_participant_message(store, fixture_rows):
    queries.restore_workspace(store, fixture_rows["w"])
    w = fixture_rows["w"]
    messages = []
    for call in (lambda: queries.save_checklist_answer(store, w, fixture_rows["item"], "status", "done", changed_by=" "),
                 lambda: queries.save_assessment_answer(store, w, fixture_rows["aid"], "ini_01", " ", "fully")):
        with pytest.raises(UserError) as exc:
            call()
        messages.append(str(exc.value))
    assert messages[0] == messages[1]


def test_queries_import_nothing_inside_functions():
    for mod, tree in _package_modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
                assert not inner, f"{mod}:{node.name} imports inside the function"


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


@pytest.mark.parametrize("domain", ["workspaces", "checklists", "maturity", "toolkit", "financing", "initiatives",
                                    "value_chains"])
def test_domain_modules_import_neither_queries_nor_charts(domain):
    imported = _imports(REPO / "clusterdash" / f"{domain}.py")
    bad = {m for m in imported if m.startswith(("clusterdash.queries", "clusterdash.charts", "clusterdash.ui"))}
    assert not bad, f"clusterdash/{domain}.py imports {sorted(bad)}"


def test_pages_use_the_public_stats_api():
    for page in sorted((REPO / "pages").glob("*.py")):
        bad = {m for m in _imports(page) if m.startswith("clusterdash.stats.")
               and m.removeprefix("clusterdash.stats.") not in stats.__all__}
        assert not bad, f"{page.name} imports stats internals {sorted(bad)}"
