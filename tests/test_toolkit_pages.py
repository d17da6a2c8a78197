"""AppTest of the toolkit pages: each tool's flow — add, edit, remove, and a reload (a new session
on the same store) shows the saved state; bad input is refused with a message and nothing
changes; a view-only session cannot change anything."""

from __future__ import annotations

import pytest

from clusterdash import queries, toolkit
from clusterdash.store import Store
from tests.ui_support import base_key, widget, widgets

WS = "default"


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    parts += [s.value for s in at.success] + [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(parts).replace("\\", "").replace("**", "")  # markdown escapes of ui.plain(), bold


def read(db_path, fn, *args):
    s = Store(db_path)
    try:
        return fn(s, *args)
    finally:
        s.close()


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(app, page):
    return ok(app(page, ws=WS))


# ---- SWOT ------------------------------------------------------------------------------------------

def test_swot_add_edit_remove_reload(app, db_path):
    at = open_page(app, "pages/toolkit_swot.py")
    ok(widget(at, "text_input", f"swot-add|{WS}|strength").input("Dense supplier base").run())
    ok(widget(at, "text_input", f"swot-add|{WS}|threat").input("Shift of production abroad").run())
    items = read(db_path, queries.swot_items, WS)
    assert list(zip(items["quadrant"], items["text"])) == [("strength", "Dense supplier base"),
                                                         ("threat", "Shift of production abroad")]
    assert widget(at, "text_input", f"swot-add|{WS}|strength").value == ""  # the add field empties
    sid, tid = items["item_id"]
    assert widget(at, "text_input", f"swot|{WS}|{sid}").value == "Dense supplier base"

    ok(widget(at, "text_input", f"swot|{WS}|{sid}").input("Dense supplier base in the region").run())
    assert read(db_path, queries.swot_items, WS).iloc[0]["text"] == "Dense supplier base in the region"

    # emptying an item is refused: message, store unchanged, the field shows the saved text again
    ok(widget(at, "text_input", f"swot|{WS}|{sid}").input("   ").run())
    assert "Strength 1: text is required." in texts(at)
    assert read(db_path, queries.swot_items, WS).iloc[0]["text"] == "Dense supplier base in the region"
    assert widget(at, "text_input", f"swot|{WS}|{sid}").value == "Dense supplier base in the region"

    ok(at.button(key=f"swot-del|{WS}|{tid}").click().run())
    assert list(read(db_path, queries.swot_items, WS)["quadrant"]) == ["strength"]

    again = open_page(app, "pages/toolkit_swot.py")  # a reload: a new session on the same store
    assert widget(again, "text_input", f"swot|{WS}|{sid}").value == "Dense supplier base in the region"
    assert not [t for t in again.text_input if t.key and base_key(t.key) == f"swot|{WS}|{tid}"]


# ---- stakeholders ----------------------------------------------------------------------------------

def test_stakeholder_add_edit_remove_reload(app, db_path):
    at = open_page(app, "pages/toolkit_stakeholders.py")
    assert "No stakeholders yet" in texts(at)
    ok(widget(at, "text_input", f"sh-add|{WS}").input("Regional sector association").run())
    sid = read(db_path, queries.stakeholders, WS).iloc[0]["stakeholder_id"]
    k = f"sh|{WS}|{sid}"
    ok(widget(at, "segmented_control", f"{k}|assessment").set_value("critical").run())
    ok(widget(at, "segmented_control", f"{k}|influence").set_value("high").run())
    ok(widget(at, "text_area", f"{k}|description").input("Sees networking as its own domain").run())
    ok(widget(at, "text_area", f"{k}|measure").input("Offer a seat on the steering committee").run())
    row = read(db_path, queries.stakeholders, WS).iloc[0]
    assert (row["assessment"], row["influence"]) == ("critical", "high")
    assert row["measure"] == "Offer a seat on the steering committee"
    assert len(at.get("plotly_chart")) == 1  # the influence × stance map

    ok(at.button(key=f"sh-example|{WS}").click().run())
    assert len(read(db_path, queries.stakeholders, WS)) == 6
    assert not [b for b in at.button if b.key == f"sh-example|{WS}"]  # all example rows are in

    ok(widget(at, "text_input", f"{k}|name").input("").run())
    assert "Stakeholder 1 (“Regional sector association”): name is required." in texts(at)
    assert widget(at, "text_input", f"{k}|name").value == "Regional sector association"

    bio = read(db_path, queries.stakeholders, WS).set_index("name").loc["BioPro", "stakeholder_id"]
    ok(at.button(key=f"sh|{WS}|{bio}|delete").click().run())
    names = list(read(db_path, queries.stakeholders, WS)["name"])
    assert "BioPro" not in names and len(names) == 5

    again = open_page(app, "pages/toolkit_stakeholders.py")
    assert widget(again, "segmented_control", f"{k}|assessment").value == "critical"
    assert widget(again, "text_area", f"{k}|measure").value == "Offer a seat on the steering committee"
    assert {t.value for t in again.text_input if t.key and base_key(t.key).endswith("|name")} == set(names)


# ---- canvas ----------------------------------------------------------------------------------------

def test_canvas_blocks_and_header_saved_and_reloaded(app, db_path):
    at = open_page(app, "pages/toolkit_canvas.py")
    body = texts(at)
    for q in read(db_path, queries.canvas_blocks)["question"]:
        assert q in body  # every prompting question is on the page
    ok(widget(at, "text_area", f"canvas|{WS}|value_propositions").input("Joint R&D, a common voice").run())
    ok(widget(at, "text_area", f"canvas|{WS}|revenue_streams").input("Membership fees; paid trainings").run())
    ok(widget(at, "text_input", f"canvas-h|{WS}|cluster_organisation").input("Solar Cluster").run())
    assert read(db_path, queries.canvas_entries, WS) == {"value_propositions": "Joint R&D, a common voice",
                                                         "revenue_streams": "Membership fees; paid trainings"}
    ok(widget(at, "text_area", f"canvas|{WS}|revenue_streams").input("").run())  # clearing a block removes it
    assert set(read(db_path, queries.canvas_entries, WS)) == {"value_propositions"}

    again = open_page(app, "pages/toolkit_canvas.py")
    assert widget(again, "text_area", f"canvas|{WS}|value_propositions").value == "Joint R&D, a common voice"
    assert widget(again, "text_input", f"canvas-h|{WS}|cluster_organisation").value == "Solar Cluster"


# ---- legal form ------------------------------------------------------------------------------------

def test_legal_form_answers_point_to_a_form_and_the_comparison_is_always_shown(app, db_path):
    at = open_page(app, "pages/toolkit_legal_form.py")
    body = texts(at)
    assert "Answer at least one question" in body
    for t in read(db_path, queries.legal_form_points)["text"]:
        assert t in body  # the full comparison, before any answer
    ok(widget(at, "segmented_control", f"lf|{WS}|cooperation_closeness").set_value("loose").run())
    ok(widget(at, "segmented_control", f"lf|{WS}|commercial_role").set_value("none").run())
    ok(widget(at, "segmented_control", f"lf|{WS}|member_integration").set_value("quick").run())
    assert read(db_path, queries.legal_form_answers, WS) == {
        "cooperation_closeness": "loose", "commercial_role": "none", "member_integration": "quick"}
    assert "Your answers point to: Association (non-profit or for-profit) (fit +3)" in texts(at)
    assert "Promotes commercial activities" in texts(at)  # the comparison is still all there

    ok(widget(at, "segmented_control", f"lf|{WS}|commercial_role").set_value(None).run())  # cleared
    assert "commercial_role" not in read(db_path, queries.legal_form_answers, WS)

    again = open_page(app, "pages/toolkit_legal_form.py")
    assert widget(again, "segmented_control", f"lf|{WS}|cooperation_closeness").value == "loose"
    assert widget(again, "segmented_control", f"lf|{WS}|commercial_role").value is None
    # loosely + quickly, commercial role cleared: agreement and association tie at +2
    assert "Your answers point to: Cooperation agreement, Association (non-profit or for-profit) (fit +2)" in texts(again)


def test_unmet_precondition_shows_no_suggestion(app, db_path):
    s = Store(db_path)
    queries.default_workspace(s)
    for q, a in [("cooperation_closeness", "close"), ("commercial_role", "primary"),
                 ("member_integration", "exclusive"), ("founding_capital", "no")]:
        queries.save_legal_form_answer(s, WS, q, a)
    s.close()
    at = open_page(app, "pages/toolkit_legal_form.py")
    assert "do not point to one form yet" in texts(at)
    assert any("precondition not met" in e.label for e in at.expander)


# ---- services --------------------------------------------------------------------------------------

def test_service_portfolio_flow(app, db_path):
    at = open_page(app, "pages/toolkit_services.py")
    ok(at.button(key=f"sv-example|{WS}").click().run())
    services = read(db_path, queries.cluster_services, WS)
    assert len(services) == 7
    ev = services.iloc[0]["service_id"]
    k = f"sv|{WS}|{ev}"
    assert widget(at, "segmented_control", f"{k}|frequency").value == "occasionally"
    assert widget(at, "segmented_control", f"{k}|beneficiaries").value == "many"
    ok(widget(at, "segmented_control", f"{k}|effort").set_value("low").run())
    ok(widget(at, "segmented_control", f"{k}|relevance").set_value("high").run())
    assert "Suggested: Services covered by membership fees (rule 5)" in texts(at)

    ok(widget(at, "selectbox", f"{k}|placement").set_value("fee_based").run())
    placed = toolkit.place_services(read(db_path, queries.cluster_services, WS)).iloc[0]
    assert (placed["placement"], placed["placement_origin"]) == ("fee_based", "chosen")
    fee_based = "\n".join(m.value for m in at.markdown if "(chosen)" in m.value)
    assert "Information events *(chosen)*" in fee_based  # the portfolio tab lists it, marked as chosen

    ok(widget(at, "text_input", f"sv-add|{WS}").input("Matchmaking").run())
    mm = read(db_path, queries.cluster_services, WS).set_index("service_name").loc["Matchmaking", "service_id"]
    ok(at.button(key=f"sv|{WS}|{mm}|delete").click().run())
    assert "Matchmaking" not in set(read(db_path, queries.cluster_services, WS)["service_name"])

    again = open_page(app, "pages/toolkit_services.py")
    assert widget(again, "segmented_control", f"{k}|relevance").value == "high"
    assert widget(again, "selectbox", f"{k}|placement").value == "fee_based"
    assert not [b for b in again.button if b.key == f"sv-example|{WS}"]


# ---- team ------------------------------------------------------------------------------------------

def test_team_skills_flow(app, db_path):
    at = open_page(app, "pages/toolkit_team.py")
    ok(widget(at, "text_input", f"tm-add|{WS}").input("Anna").run())
    ok(widget(at, "text_input", f"tm-add|{WS}").input("Ben").run())
    members = read(db_path, queries.team_members, WS)
    a, b = members["member_id"]
    assert list(members["fte_pct"]) == [100, 100]
    ok(widget(at, "number_input", f"tm|{WS}|{b}|fte_pct").set_value(50.0).run())
    ok(widget(at, "text_input", f"tm|{WS}|{a}|role").input("Cluster manager").run())
    assert read(db_path, queries.team_members, WS).set_index("member_id").loc[b, "fte_pct"] == 50
    assert len(at.tabs) == 2  # one tab of ten criteria per member
    ok(widget(at, "segmented_control", f"ts|{WS}|{a}|1").set_value(4).run())
    ok(widget(at, "segmented_control", f"ts|{WS}|{b}|1").set_value(1).run())
    matrix = at.dataframe[0].value
    assert matrix.loc[0, "Team (FTE-weighted)"] == pytest.approx(3.0)  # (4·100 + 1·50) / 150
    assert len(at.get("plotly_chart")) == 1

    ok(widget(at, "segmented_control", f"ts|{WS}|{b}|1").set_value(None).run())  # cleared
    assert len(read(db_path, queries.team_skill_scores, WS)) == 1
    ok(at.button(key=f"tm|{WS}|{b}|delete").click().run())
    assert list(read(db_path, queries.team_members, WS)["member_name"]) == ["Anna"]

    again = open_page(app, "pages/toolkit_team.py")
    assert widget(again, "segmented_control", f"ts|{WS}|{a}|1").value == 4
    assert widget(again, "text_input", f"tm|{WS}|{a}|role").value == "Cluster manager"


# ---- overview and access ---------------------------------------------------------------------------

def test_overview_counts_what_is_saved(app, db_path):
    s = Store(db_path)
    queries.default_workspace(s)
    queries.add_example_stakeholders(s, WS)
    s.close()
    at = open_page(app, "pages/toolkit.py")
    body = texts(at)
    assert "5 stakeholders" in body.replace("**", "")
    assert "Not started in this workspace" in body
    links = {p.label.replace("**", "") for p in at.get("page_link")}
    assert {t.title for t in toolkit.TOOLS} <= links


def test_tool_pages_say_where_the_guide_uses_them(app):
    at = open_page(app, "pages/toolkit_services.py")
    body = texts(at)
    assert "Where the guide uses it: Establishment, step 3" in body and "Operationalisation, step 3" in body
    assert "Source: Cluster Development Guide, Part 2 ›" in body  # seeds named by title (knowledge.cite)


def test_view_only_session_cannot_change_anything(app, db_path, monkeypatch):
    s = Store(db_path)
    queries.default_workspace(s)
    sid = queries.add_stakeholder(s, WS, "Ministry")
    s.close()
    monkeypatch.setenv("CLUSTERDASH_PASSCODE", "let-me-in")
    at = open_page(app, "pages/toolkit_stakeholders.py")
    assert "View only" in texts(at)
    assert not widgets(at, "text_input", f"sh-add|{WS}")  # no add field
    assert "Ministry" in texts(at)
    for page in ("pages/toolkit_swot.py", "pages/toolkit_canvas.py", "pages/toolkit_legal_form.py",
                 "pages/toolkit_services.py", "pages/toolkit_team.py"):
        at = open_page(app, page)
        assert all(w.disabled for w in [*at.text_input, *at.text_area, *at.segmented_control, *at.button]
                   if w.key and f"|{WS}" in w.key), page
    assert list(read(db_path, queries.stakeholders, WS)["stakeholder_id"]) == [sid]
