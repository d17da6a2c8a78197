"""Concurrent texts (issue #13, item 8) in the queries layer: compare and set of every toolkit,
value-chain and checklist text, and the change history (text_change, migration v013).

The pattern of each test: two sessions (browser sessions of one server: one Store) load the same
field, A saves, B saves from the version it loaded -> B gets TextConflict carrying A's text and
who/when, nothing is written over A's text, and the history holds both texts."""

from __future__ import annotations

import threading

import pytest

from clusterdash import checklists, queries, texts, workspaces
from clusterdash.errors import TextConflict, UserError

INI = "ac_serbia"


@pytest.fixture
def wid(store):
    return queries.create_workspace(store, "Text test")


def history(store, wid, table=None, **kw):
    return queries.text_changes(store, wid, tables=None if table is None else [table], **kw)


def two_sessions(store, wid, table, row_key, field, load, save, *, a="Anna's text", b="Ben's text"):
    """A and B load; A saves; B saves from what it loaded: conflict. Returns the conflict."""
    loaded_a, loaded_b = load(), load()
    save(a, expected=loaded_a, changed_by="Anna")
    with pytest.raises(TextConflict) as exc:
        save(b, expected=loaded_b, changed_by="Ben")
    c = exc.value
    assert isinstance(c, UserError)
    assert c.theirs == a and c.mine == b and c.loaded == texts.norm(loaded_b)
    assert c.changed_by == "Anna" and c.changed_at is not None
    assert "Anna saved a different text" in str(c)
    assert texts.norm(load()) == a  # nothing written over Anna's text
    h = history(store, wid, table, row_key=row_key, field=field)
    applied = h[h.is_saved]
    refused = h[~h.is_saved]
    assert list(applied.new_value)[:1] == [a] and list(applied.changed_by)[:1] == ["Anna"]
    assert list(refused.new_value) == [b] and list(refused.old_value) == [a] and list(refused.changed_by) == ["Ben"]
    # B, told, saves again from the version now stored: written
    save(b, expected=load(), changed_by="Ben")
    assert load() == b
    h = history(store, wid, table, row_key=row_key, field=field)
    assert h.iloc[0].is_saved and h.iloc[0].old_value == a and h.iloc[0].new_value == b
    return c


def test_swot_item(store, wid):
    iid = queries.add_swot_item(store, wid, "strength", "Dense supplier base", changed_by="Facilitator")
    text = lambda: queries.swot_items(store, wid).set_index("item_id").at[iid, "text"]  # noqa: E731
    two_sessions(store, wid, "swot_item", iid, "text", text,
                 lambda v, **e: queries.update_swot_item(store, wid, iid, v, **e))
    h = history(store, wid, "swot_item")
    assert list(h.row_label.unique()) == ["Strength 1"]
    assert h.iloc[-1].old_value is None and h.iloc[-1].new_value == "Dense supplier base"  # the add


@pytest.mark.parametrize("field", ["name", "description", "measure"])
def test_stakeholder_texts(store, wid, field):
    sid = queries.add_stakeholder(store, wid, "SMEs")
    value = lambda: queries.stakeholders(store, wid).set_index("stakeholder_id").at[sid, field]  # noqa: E731
    two_sessions(store, wid, "stakeholder", sid, field, value,
                 lambda v, **e: queries.update_stakeholder(store, wid, sid, **{field: v}, **e))


def test_canvas_block_from_empty_and_back(store, wid):
    block = queries.canvas_blocks(store).block_code.iloc[0]
    text = lambda: queries.canvas_entries(store, wid).get(block)  # noqa: E731
    assert text() is None
    two_sessions(store, wid, "canvas_entry", block, "text", text,
                 lambda v, **e: queries.save_canvas_entry(store, wid, block, v, **e))
    # clearing from an outdated version is refused too; from the current one it clears
    with pytest.raises(TextConflict):
        queries.save_canvas_entry(store, wid, block, None, expected="Anna's text", changed_by="Cem")
    queries.save_canvas_entry(store, wid, block, "", expected="Ben's text", changed_by="Cem")
    assert text() is None
    last = history(store, wid, "canvas_entry").iloc[0]
    assert last.is_saved and last.old_value == "Ben's text" and last.new_value is None and last.changed_by == "Cem"


def test_two_first_writers_of_an_empty_canvas_block(store, wid):
    """Both load an empty block and save at the same moment (threads): one is written, the other
    refused and kept; no duplicate row, no lost text."""
    block = queries.canvas_blocks(store).block_code.iloc[1]
    barrier = threading.Barrier(2)
    outcome = {}

    def work(who):
        barrier.wait()
        try:
            queries.save_canvas_entry(store, wid, block, f"{who}'s partners", expected="", changed_by=who)
            outcome[who] = "saved"
        except TextConflict:
            outcome[who] = "conflict"

    ts = [threading.Thread(target=work, args=(w,)) for w in ("Anna", "Ben")]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(outcome.values()) == ["conflict", "saved"]
    winner = next(w for w, o in outcome.items() if o == "saved")
    assert queries.canvas_entries(store, wid)[block] == f"{winner}'s partners"
    h = history(store, wid, "canvas_entry")
    assert set(h.new_value) == {"Anna's partners", "Ben's partners"}


@pytest.mark.parametrize("field", ["author_name", "cluster_organisation"])
def test_canvas_header(store, wid, field):
    value = lambda: queries.canvas_header(store, wid).get(field)  # noqa: E731
    two_sessions(store, wid, "canvas_header", texts.CANVAS_HEADER_ROW, field, value,
                 lambda v, **e: queries.save_canvas_header(store, wid, **{field: v}, **e))


@pytest.mark.parametrize("field", ["service_name", "note"])
def test_service_texts(store, wid, field):
    sid = queries.add_cluster_service(store, wid, "Matchmaking")
    value = lambda: queries.cluster_services(store, wid).set_index("service_id").at[sid, field]  # noqa: E731
    two_sessions(store, wid, "cluster_service", sid, field, value,
                 lambda v, **e: queries.update_cluster_service(store, wid, sid, **{field: v}, **e))


@pytest.mark.parametrize("field", ["member_name", "role"])
def test_team_member_texts(store, wid, field):
    mid = queries.add_team_member(store, wid, "Anna", role="Manager")
    value = lambda: queries.team_members(store, wid).set_index("member_id").at[mid, field]  # noqa: E731
    two_sessions(store, wid, "team_member", mid, field, value,
                 lambda v, **e: queries.update_team_member(store, wid, mid, **{field: v}, **e))


@pytest.mark.parametrize("field", ["stage_name", "local_actors", "notes"])
def test_value_chain_stage_texts(store, wid, field):
    sid = queries.add_value_chain_stage(store, wid, INI, "Suppliers")
    value = lambda: queries.value_chain_stages(store, wid, INI).set_index("stage_id").at[sid, field]  # noqa: E731
    two_sessions(store, wid, "value_chain_stage", sid, field, value,
                 lambda v, **e: queries.update_value_chain_stage(store, wid, sid, field, v, **e))


@pytest.mark.parametrize("field", ["note", "owner"])
def test_checklist_note_and_owner(store, wid, field):
    item = checklists.prepare_board(queries.checklist_board(store, wid)).item_key.iloc[0]
    value = lambda: (queries.checklist_answer(store, wid, item) or {}).get(field)  # noqa: E731
    loaded_a, loaded_b = value(), value()
    queries.save_checklist_answer(store, wid, item, field, "Anna's", expected=loaded_a, changed_by="Anna")
    with pytest.raises(TextConflict) as exc:
        queries.save_checklist_answer(store, wid, item, field, "Ben's", expected=loaded_b, changed_by="Ben")
    assert exc.value.theirs == "Anna's" and exc.value.changed_by == "Anna"
    assert exc.value.what.startswith("Checklist item “")
    assert value() == "Anna's"
    changes = queries.checklist_changes(store, wid, item=item)
    assert list(zip(changes.new_value, changes.is_saved)) == [("Ben's", False), ("Anna's", True)]
    assert changes.iloc[0].old_value == "Anna's" and changes.iloc[0].changed_by == "Ben"
    view = checklists.changes_frame(changes, {})
    assert list(view["is_saved"]) == [False, True]
    # status clicks stay last-write-wins; expected is for texts only
    with pytest.raises(ValueError):
        queries.save_checklist_answer(store, wid, item, "status", "done", expected=None, changed_by="Ben")


def test_eight_sessions_save_one_field_at_once_one_is_written_seven_are_kept(store, wid):
    iid = queries.add_swot_item(store, wid, "threat", "Competition")
    barrier = threading.Barrier(8)
    outcome, errors = {}, []

    def work(i):
        barrier.wait()
        try:
            queries.update_swot_item(store, wid, iid, f"text {i}", expected="Competition", changed_by=f"P{i}")
            outcome[i] = "saved"
        except TextConflict as exc:
            outcome[i] = "conflict"
            assert exc.mine == f"text {i}"
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
    assert sorted(outcome.values()) == ["conflict"] * 7 + ["saved"]
    h = history(store, wid, "swot_item", row_key=iid)
    assert set(h.new_value) == {"Competition"} | {f"text {i}" for i in range(8)}  # nothing lost
    assert h.is_saved.sum() == 2  # the add and the one written


def test_the_same_text_is_no_change_and_not_a_conflict(store, wid):
    iid = queries.add_swot_item(store, wid, "strength", "A")
    queries.update_swot_item(store, wid, iid, "B", expected="A", changed_by="Anna")
    queries.update_swot_item(store, wid, iid, "B", expected="A", changed_by="Ben")  # typed the same: fine
    queries.update_swot_item(store, wid, iid, " B ", expected="B", changed_by="Ben")  # the same once cleaned
    assert len(history(store, wid, "swot_item")) == 2


def test_without_expected_the_write_is_not_compared_but_recorded(store, wid):
    sid = queries.add_stakeholder(store, wid, "Banks", measure="Invite")
    queries.update_stakeholder(store, wid, sid, measure="Visit")
    queries.update_stakeholder(store, wid, sid, measure="Call", assessment="positive")
    h = history(store, wid, "stakeholder", field="measure")
    assert list(h.new_value) == ["Call", "Visit", "Invite"] and h.changed_by.isna().all()
    with pytest.raises(ValueError):  # compare and set is for one text field at a time
        queries.update_stakeholder(store, wid, sid, measure="x", description="y", expected="Call")
    with pytest.raises(ValueError):
        queries.update_stakeholder(store, wid, sid, assessment="critical", expected="positive")


def test_removing_a_row_keeps_its_texts_in_the_history(store, wid):
    sid = queries.add_stakeholder(store, wid, "Chamber", description="Regional chamber", measure="Invite")
    iid = queries.add_swot_item(store, wid, "weakness", "Few start-ups")
    mid = queries.add_team_member(store, wid, "Dana", role="Analyst")
    stage = queries.add_value_chain_stage(store, wid, INI, "Buyers", notes="Export markets")
    svc = queries.add_cluster_service(store, wid, "Trade fairs")
    queries.delete_stakeholder(store, wid, sid, changed_by="Eve")
    queries.delete_swot_item(store, wid, iid, changed_by="Eve")
    queries.delete_team_member(store, wid, mid, changed_by="Eve")
    queries.delete_value_chain_stage(store, wid, stage, changed_by="Eve")
    queries.delete_cluster_service(store, wid, svc, changed_by="Eve")
    removed = history(store, wid)
    removed = removed[removed.changed_by == "Eve"]
    assert {(r.table_name, r.old_value) for r in removed.itertuples()} == {
        ("stakeholder", "Chamber"), ("stakeholder", "Regional chamber"), ("stakeholder", "Invite"),
        ("swot_item", "Few start-ups"), ("team_member", "Dana"), ("team_member", "Analyst"),
        ("value_chain_stage", "Buyers"), ("value_chain_stage", "Export markets"), ("cluster_service", "Trade fairs"),
    }
    assert removed.new_value.isna().all() and removed.is_saved.all()
    assert "Weakness 1" in set(removed.row_label) and "Stage 1 (“Buyers”)" in set(removed.row_label)


def test_examples_and_templates_are_recorded_as_added(store, wid):
    n = queries.add_example_stakeholders(store, wid, changed_by="Facilitator")
    m = queries.add_example_services(store, wid, changed_by="Facilitator")
    k = queries.apply_value_chain_template(store, wid, INI, queries.value_chain_templates(store).template_code.iloc[0],
                                           changed_by="Facilitator")
    h = history(store, wid)
    assert set(h.changed_by) == {"Facilitator"} and h.old_value.isna().all()
    assert h[h.table_name == "stakeholder"].row_key.nunique() == n
    assert h[h.table_name == "cluster_service"].row_key.nunique() == m
    assert h[h.table_name == "value_chain_stage"].row_key.nunique() == k


def test_a_copied_workspace_has_the_history_of_its_own_rows(store, wid):
    iid = queries.add_swot_item(store, wid, "strength", "A", changed_by="Anna")
    queries.update_swot_item(store, wid, iid, "B", expected="A", changed_by="Ben")
    block = queries.canvas_blocks(store).block_code.iloc[0]
    queries.save_canvas_entry(store, wid, block, "Partners", changed_by="Anna")
    new = queries.duplicate_workspace(store, wid)
    assert list(queries.swot_items(store, new).item_id) == [iid]  # row ids are per workspace: kept in a copy
    h = history(store, new)
    assert set(h[h.table_name == "swot_item"].row_key) == {iid}
    assert list(h[h.table_name == "swot_item"].new_value) == ["B", "A"]
    assert set(h[h.table_name == "canvas_entry"].row_key) == {block}
    assert not set(h.text_change_id) & set(history(store, wid).text_change_id)
    counts = queries.workspace_overview(store).set_index("workspace_id").saved_entries
    assert counts[new] == counts[wid] == 2  # entries, not history
    assert "text_change" in workspaces.HISTORY_TABLES


def test_history_frame_is_readable(store, wid):
    iid = queries.add_swot_item(store, wid, "opportunity", "EU funding", changed_by="Anna")
    queries.update_swot_item(store, wid, iid, "EU and national funding", expected="EU funding", changed_by="Ben")
    with pytest.raises(TextConflict):
        queries.update_swot_item(store, wid, iid, "Horizon Europe", expected="EU funding", changed_by="Cem")
    view = texts.history_frame(history(store, wid, "swot_item"))
    assert list(view.columns) == list(texts.HISTORY_COLUMNS)
    assert list(view["to"]) == ["Horizon Europe", "EU and national funding", "EU funding"]
    assert list(view["is_saved"]) == [False, True, True]
    assert set(view["what"]) == {"Opportunity 1"} and set(view["field"]) == {"Text"}
    assert [texts.describe_change(r) for r in view.to_dict("records")][1:] == ["changed", "added"]


def test_merge_keeps_both_texts_once():
    assert texts.merge("Theirs", "Mine") == "Theirs\nMine"
    assert texts.merge("Theirs", "Mine", multiline=False) == "Theirs / Mine"
    assert texts.merge("Theirs", "Theirs and more") == "Theirs and more"
    assert texts.merge("", "Mine") == "Mine" and texts.merge(None, None) == ""
