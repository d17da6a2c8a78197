"""Concurrent texts on the pages (issue #13, item 8): two browser sessions of one server (two
AppTests on one store) edit the same canvas block. The second to save gets the conflict: nothing
is written over the first one's text, its own text stays in its field, a plain-text warning names
who saved first, and it chooses Keep mine / Take theirs / Keep both. The canvas page shows the
change history with both texts, who and when."""

from __future__ import annotations

import pytest

from clusterdash import queries
from clusterdash.store import Store
from clusterdash.ui import autosave
from tests.ui_support import widget

PAGE = "pages/toolkit_canvas.py"


def read(db_path, fn, *args, **kw):
    s = Store(db_path)
    try:
        return fn(s, *args, **kw)
    finally:
        s.close()


@pytest.fixture
def ws_block(db_path):
    s = Store(db_path)
    ws = queries.default_workspace(s)
    block = queries.canvas_blocks(s).block_code.iloc[0]
    s.close()
    return ws, block


def two_sessions(app, ws):
    anna = app(PAGE, ws=ws, who="Anna")
    ben = app(PAGE, ws=ws, who="Ben")  # both pages drawn from the empty block
    return anna, ben


def field(at, ws, block):
    return widget(at, "text_area", f"canvas|{ws}|{block}")


def conflict_warnings(at):
    return [w.value for w in at.warning if "Not saved" in w.value]


def test_the_second_to_save_gets_the_conflict_and_keeps_its_text(app, db_path, ws_block):
    ws, block = ws_block
    anna, ben = two_sessions(app, ws)
    field(anna, ws, block).input("Universities and suppliers").run()
    assert not anna.exception
    field(ben, ws, block).input("Regional development agency").run()  # from the empty block Ben's page showed
    assert not ben.exception
    assert read(db_path, queries.canvas_entries, ws)[block] == "Universities and suppliers"  # Anna's not overwritten
    mine = field(ben, ws, block)
    assert mine.value == "Regional development agency"  # Ben's text stays in his field
    [warning] = conflict_warnings(ben)
    assert warning.endswith("loaded it\\.") and ", text — Not saved" in warning and "Anna saved a different text" in warning and "UTC" in warning
    assert any("Yours is in the field (marked ⚠ below)" in c.value for c in ben.caption)
    assert any("Not saved: Anna changed it" in c.value for c in ben.caption)  # next to the field
    assert any(t.value == "Universities and suppliers" for t in ben.text)  # theirs, as plain text
    h = read(db_path, queries.text_changes, ws, tables=["canvas_entry"])
    assert list(zip(h.new_value, h.changed_by, h.is_saved)) == [
        ("Regional development agency", "Ben", False), ("Universities and suppliers", "Anna", True)]
    # the history on the page has both texts, who and when
    grid = next(d.value for d in ben.dataframe if "changed_by" in d.value.columns)
    assert list(grid["changed_by"]) == ["Ben", "Anna"] and list(grid["to"]) == list(h.new_value)
    assert grid["changed_at_utc"].notna().all()
    # Anna's page (she did not edit meanwhile) shows no conflict and her text
    anna.run()
    assert not conflict_warnings(anna) and field(anna, ws, block).value == "Universities and suppliers"


def test_keep_mine_overwrites_and_the_history_has_all(app, db_path, ws_block):
    ws, block = ws_block
    anna, ben = two_sessions(app, ws)
    field(anna, ws, block).input("Anna's partners").run()
    field(ben, ws, block).input("Ben's partners").run()
    field(ben, ws, block).input("Ben's partners, edited").run()  # editing in the conflict saves nothing
    assert read(db_path, queries.canvas_entries, ws)[block] == "Anna's partners"
    ben.button(key=f"keep-mine|canvas|{ws}|{block}").click().run()
    assert not ben.exception and not conflict_warnings(ben)
    assert read(db_path, queries.canvas_entries, ws)[block] == "Ben's partners, edited"
    assert field(ben, ws, block).value == "Ben's partners, edited"
    h = read(db_path, queries.text_changes, ws, tables=["canvas_entry"])
    assert h.iloc[0].is_saved and h.iloc[0].old_value == "Anna's partners" and h.iloc[0].changed_by == "Ben"
    assert set(h.new_value) == {"Anna's partners", "Ben's partners", "Ben's partners, edited"}
    anna.run()  # Anna sees Ben's text now (a new key: no stale resend)
    assert field(anna, ws, block).value == "Ben's partners, edited"


def test_take_theirs_and_keep_both(app, db_path, ws_block):
    ws, block = ws_block
    anna, ben = two_sessions(app, ws)
    field(anna, ws, block).input("Anna's").run()
    field(ben, ws, block).input("Ben's").run()
    ben.button(key=f"take-theirs|canvas|{ws}|{block}").click().run()
    assert not conflict_warnings(ben) and field(ben, ws, block).value == "Anna's"
    assert read(db_path, queries.canvas_entries, ws)[block] == "Anna's"
    # again, from an outdated page: keep both
    field(anna, ws, block).input("Anna's, second").run()
    field(ben, ws, block).input("Ben's, second").run()
    ben.button(key=f"keep-both|canvas|{ws}|{block}").click().run()
    assert read(db_path, queries.canvas_entries, ws)[block] == "Anna's, second\nBen's, second"
    assert not conflict_warnings(ben)


def test_keep_mine_after_a_third_change_is_a_new_conflict(app, db_path, ws_block):
    ws, block = ws_block
    anna, ben = two_sessions(app, ws)
    field(anna, ws, block).input("Anna's").run()
    field(ben, ws, block).input("Ben's").run()
    read(db_path, queries.save_canvas_entry, ws, block, "Cem's", changed_by="Cem")  # a third person, meanwhile
    ben.run()
    assert field(ben, ws, block).value == "Ben's"  # still his text
    ben.button(key=f"keep-mine|canvas|{ws}|{block}").click().run()
    assert read(db_path, queries.canvas_entries, ws)[block] == "Cem's"
    [warning] = conflict_warnings(ben)
    assert "Cem saved" in warning and field(ben, ws, block).value == "Ben's"


def test_user_text_in_the_warning_is_not_markup(app, db_path, ws_block):
    ws, block = ws_block
    anna, ben = two_sessions(app, ws)
    field(anna, ws, block).input("<b>bold</b> **x**").run()
    field(ben, ws, block).input("mine").run()
    assert any(t.value == "<b>bold</b> **x**" for t in ben.text)  # st.text: shown literally
    assert not [w for w in conflict_warnings(ben) if "<b>" in w]


def test_conflict_message_names_who_and_when():
    import datetime as dt

    msg = autosave.conflict_message({"what": "Key partners", "field": "text", "changed_by": "Anna",
                                     "changed_at": dt.datetime(2026, 3, 5, 14, 2)})
    assert msg == "Not saved: Anna saved a different text at 14:02 UTC after your page had loaded it."
    assert "Someone else saved" in autosave.conflict_message({"what": "x", "field": "text", "changed_by": None,
                                                              "changed_at": None})


def test_swot_item_conflict_keep_both_on_one_line_and_removal_in_the_history(app, db_path):
    s = Store(db_path)
    ws = queries.default_workspace(s)
    iid = queries.add_swot_item(s, ws, "strength", "Dense supplier base", changed_by="Facilitator")
    s.close()
    anna = app("pages/toolkit_swot.py", ws=ws, who="Anna")
    ben = app("pages/toolkit_swot.py", ws=ws, who="Ben")
    widget(anna, "text_input", f"swot|{ws}|{iid}").input("Dense supplier base in automotive").run()
    widget(ben, "text_input", f"swot|{ws}|{iid}").input("Skilled workforce").run()
    assert widget(ben, "text_input", f"swot|{ws}|{iid}").value == "Skilled workforce"
    assert any("Anna saved" in w for w in conflict_warnings(ben))
    ben.button(key=f"keep-both|swot|{ws}|{iid}").click().run()
    assert list(read(db_path, queries.swot_items, ws)["text"]) == ["Dense supplier base in automotive / Skilled workforce"]
    ben.button(key=next(b.key for b in ben.button if b.key and b.key.startswith(f"swot-del|{ws}|{iid}"))).click().run()
    assert read(db_path, queries.swot_items, ws).empty
    grid = next(d.value for d in ben.dataframe if "changed_by" in d.value.columns)
    assert list(grid["change"])[0] == "removed" and list(grid["changed_by"])[0] == "Ben"
    assert list(grid["changed_by"]) == ["Ben", "Ben", "Ben", "Anna", "Facilitator"]


def test_checklist_note_conflict(app_v2, db_path):
    from clusterdash import checklists

    s = Store(db_path)
    ws = queries.default_workspace(s)
    item = checklists.prepare_board(queries.checklist_board(s, ws)).query("list_code == 'obstacles'").iloc[0]
    s.close()
    anna = app_v2("pages/checklists.py", ws=ws, who="Anna")
    ben = app_v2("pages/checklists.py", ws=ws, who="Ben")
    for at in (anna, ben):
        at.selectbox(key="cl_list").set_value("obstacles").run()
    base = f"ans||{ws}|note|{item.item_key}"
    widget(anna, "text_input", base).input("Funding agreed").run()
    widget(ben, "text_input", base).input("Funding open").run()
    assert read(db_path, queries.checklist_answer, ws, item.item_key)["note"] == "Funding agreed"
    assert widget(ben, "text_input", base).value == "Funding open"
    assert any("Anna saved" in w for w in conflict_warnings(ben))
    ben.button(key=f"keep-mine|{base}").click().run()
    assert read(db_path, queries.checklist_answer, ws, item.item_key)["note"] == "Funding open"
    changes = read(db_path, queries.checklist_changes, ws, item=item.item_key)
    assert list(zip(changes.new_value, changes.changed_by, changes.is_saved)) == [
        ("Funding open", "Ben", True), ("Funding open", "Ben", False), ("Funding agreed", "Anna", True)]
