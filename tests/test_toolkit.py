"""The toolkit's domain rules and queries: FTE weighting, legal-form mapping, portfolio placement,
validation messages (row and field named, store unchanged), per-workspace storage, charts."""

from __future__ import annotations

import pandas as pd
import pytest

from clusterdash import fields, queries, registry, toolkit
from clusterdash.charts import toolkit as charts
from clusterdash.errors import UserError

WS = "default"


@pytest.fixture
def ws(store):
    return queries.default_workspace(store)


def snapshot(store) -> dict:
    tables = ["stakeholder", "swot_item", "canvas_entry", "canvas_header", "legal_form_answer", "cluster_service",
              "team_member", "team_skill_score"]
    return {t: store.rows(f"SELECT * FROM {t} ORDER BY ALL") for t in tables}


# ---- the tools and the knowledge they rest on --------------------------------------------------

def test_every_tool_has_a_registered_page_and_its_guide_steps(store):
    assert registry.page("toolkit")
    for t in toolkit.TOOLS:
        assert registry.page_for_toolkit_tool(t.tool_code).title == t.title, t
        uses = queries.toolkit_phase_tools(store, t.phase_tool_codes)
        assert set(uses["tool_code"]) == set(t.phase_tool_codes), t.tool_code
        assert uses["source"].str.contains("004_8de2c7bdefb2b6f4.txt").all()
        assert uses["step_question"].notna().all()


def test_page_for_tool_links_the_guides_tools_to_pages():
    assert registry.page_for_tool("swot_analysis").path == "pages/toolkit_swot.py"
    assert registry.page_for_tool("service_portfolio_development").path == "pages/toolkit_services.py"
    assert registry.page_for_tool("staff_development").path == "pages/toolkit_team.py"
    assert toolkit.tool_for_phase_tool("cluster_mapping") is None  # not a toolkit tool …
    assert registry.page_for_tool("cluster_mapping").path == "pages/regional_stats.py"  # … but a page serves it
    assert registry.page_for_tool("action_plan") is None


def test_stakeholder_example_is_the_guides_table(store):
    ex = queries.stakeholder_examples(store)
    assert list(ex["name"]) == ["Baden-Württemberg International", "Ministry for Economy Baden-Württemberg", "BioPro",
                                "Regional Business Development Agencies (RDA)", "SMEs"]
    assert list(ex["assessment"]) == ["neutral", "positive", "neutral", "positive", "neutral"]
    assert list(ex["influence"]) == ["high", "high", "medium", "high", "high"]
    assert ex["source"].str.contains("Anteja ECG. 2017").all()
    assert set(ex["assessment"]) <= set(toolkit.ASSESSMENTS) and set(ex["influence"]) <= set(toolkit.LEVELS)


def test_toolkit_notes_cite_the_guide(store):
    for t in toolkit.TOOLS:
        notes = queries.toolkit_notes(store, t.tool_code)
        assert len(notes), t.tool_code
        assert notes["source"].str.startswith("004_8de2c7bdefb2b6f4.txt §").all()
    swot = " ".join(queries.toolkit_notes(store, "swot_analysis")["text"])
    assert "internal analysis" in swot and "external analysis" in swot


def test_guide_lists_the_tools_need(store):
    assert len(queries.staffing_criteria(store)) == 10
    pre = queries.pre_assessed_services(store)
    assert len(pre) == 7
    assert all(toolkit.parse_frequency_beneficiaries(v) != (None, None) for v in pre["frequency_beneficiaries"])
    blocks = queries.canvas_blocks(store)
    assert blocks["block_code"].nunique() == 10


# ---- management team: FTE weighting --------------------------------------------------------------

CRITERIA = pd.DataFrame({"seq": [1, 2, 3], "text": ["Tertiary level education", "Communication skills", "English"]})


def members(*rows):
    return pd.DataFrame([{"member_id": m, "seq": i + 1, "member_name": m.upper(), "fte_pct": f}
                         for i, (m, f) in enumerate(rows)])


def scores(*rows):
    return pd.DataFrame(rows, columns=["member_id", "criterion_seq", "score"])


def test_team_score_is_weighted_by_fte():
    team = toolkit.team_scores(members(("a", 100), ("b", 50)), scores(("a", 1, 4), ("b", 1, 1), ("b", 2, 5)), CRITERIA)
    t = team.set_index("criterion_seq")
    # (4 × 100 + 1 × 50) / 150 = 3.0, while the plain mean is 2.5
    assert t.loc[1, "team_score"] == pytest.approx(3.0)
    assert t.loc[1, "mean_score"] == pytest.approx(2.5)
    assert t.loc[1, "scored_fte_pct"] == 150 and t.loc[1, "team_fte_pct"] == 150
    # only b scored on criterion 2: the team score is b's, resting on 50 of 150 FTE %
    assert t.loc[2, "team_score"] == pytest.approx(5.0)
    assert t.loc[2, "scored_fte_pct"] == 50 and t.loc[2, "members_scored"] == 1
    # nobody scored on criterion 3: no score (not 0)
    assert pd.isna(t.loc[3, "team_score"]) and t.loc[3, "members_scored"] == 0


def test_team_score_with_unequal_shares():
    team = toolkit.team_scores(members(("a", 80), ("b", 20), ("c", 25)),
                               scores(("a", 1, 5), ("b", 1, 0), ("c", 1, 2)), CRITERIA)
    assert team.loc[0, "team_score"] == pytest.approx(round((5 * 80 + 0 * 20 + 2 * 25) / 125, 2))
    assert team.loc[0, "team_score"] == pytest.approx(3.6)


def test_score_matrix_has_one_column_per_member_and_the_team_score():
    m = toolkit.score_matrix(members(("a", 100), ("b", 50)), scores(("a", 1, 4), ("b", 1, 1)), CRITERIA)
    assert list(m.columns) == ["criterion_seq", "criterion", "A (100 % FTE)", "B (50 % FTE)", "Team (FTE-weighted)"]
    assert m.loc[0, "A (100 % FTE)"] == 4 and pd.isna(m.loc[1, "B (50 % FTE)"])


@pytest.mark.parametrize("value, message", [
    (0, "FTE % must be more than 0 and at most 100, not 0"),
    (120, "FTE % must be more than 0 and at most 100, not 120"),
    ("half", "FTE % must be a number between 0 and 100, not “half”"),
    ("", "FTE % is required"),
])
def test_fte_validation_names_row_and_field(value, message):
    with pytest.raises(UserError, match="^Team member 2 \\(“Ben”\\): " + message):
        toolkit.clean_fte(value, row=toolkit.row_label("Team member", 2, "Ben"))


def test_fte_accepts_percent_strings():
    assert toolkit.clean_fte("12,5 %", row="x") == 12.5
    assert toolkit.clean_fte(100, row="x") == 100


@pytest.mark.parametrize("value", [6, -1, 2.5, "x"])
def test_score_validation(value):
    with pytest.raises(UserError, match="Team member 1 \\(“Anna”\\), criterion “Communication skills”: score must be "
                                        "a whole number from 0 to 5"):
        toolkit.clean_score(value, row=toolkit.row_label("Team member", 1, "Anna"), criterion="Communication skills")
    assert toolkit.clean_score(None, row="x", criterion="y") is None
    assert toolkit.clean_score("3", row="x", criterion="y") == 3


# ---- service portfolio ---------------------------------------------------------------------------

@pytest.mark.parametrize("relevance, effort, beneficiaries, placement, rule", [
    ("low", "low", "many", "exclude_or_free", 1),
    ("low", "medium", "few", "critical_review", 2),
    ("low", "high", None, "critical_review", 2),
    ("high", "high", "many", "fee_based", 3),
    ("medium", "high", "few", "fee_based", 3),
    ("high", "low", "few", "fee_based", 4),
    ("medium", "medium", "few", "fee_based", 4),
    ("high", "low", "many", "membership_fees", 5),
    ("medium", "medium", None, "membership_fees", 5),
])
def test_portfolio_placement(relevance, effort, beneficiaries, placement, rule):
    r = toolkit.suggest_placement(relevance, effort, beneficiaries)
    assert (r.placement_code, r.rule_no) == (placement, rule)


def test_unrated_services_get_no_placement():
    assert toolkit.suggest_placement(None, "high", "few") is None
    assert toolkit.suggest_placement("high", None, "few") is None


def test_place_services_keeps_a_chosen_placement():
    services = pd.DataFrame([
        {"seq": 1, "service_name": "Networking", "frequency": "frequently", "beneficiaries": "many", "effort": "low",
         "relevance": "high", "placement_code": None, "note": None},
        {"seq": 2, "service_name": "Joint R&D", "frequency": "occasionally", "beneficiaries": "few", "effort": "high",
         "relevance": "high", "placement_code": "membership_fees", "note": None},
        {"seq": 3, "service_name": "New idea", "frequency": None, "beneficiaries": None, "effort": None,
         "relevance": None, "placement_code": None, "note": None},
    ])
    p = toolkit.place_services(services)
    assert list(p["suggested_placement"]) == ["membership_fees", "fee_based", None]
    assert list(p["placement"]) == ["membership_fees", "membership_fees", None]
    assert list(p["placement_origin"]) == ["suggested", "chosen", None]
    out = toolkit.export_services(p)
    assert [None if pd.isna(v) else v for v in out["placement"]] == [
        "Services covered by membership fees", "Services covered by membership fees", None]
    assert [None if pd.isna(v) else int(v) for v in out["rule_no"]] == [5, 3, None]


def test_placement_rules_cover_every_rating():
    for rel in toolkit.LEVELS:
        for eff in toolkit.LEVELS:
            for ben in (*toolkit.BENEFICIARIES, None):
                assert toolkit.suggest_placement(rel, eff, ben).placement_code in toolkit.PLACEMENTS


def test_frequency_beneficiaries_as_printed():
    assert toolkit.parse_frequency_beneficiaries("occasionally / many") == ("occasionally", "many")
    assert toolkit.parse_frequency_beneficiaries("rarely / Few") == ("rarely", "few")
    assert toolkit.parse_frequency_beneficiaries("now and then") == (None, None)


# ---- legal-form helper ---------------------------------------------------------------------------

@pytest.fixture
def kb_forms(store):
    return queries.legal_forms(store), queries.legal_form_points(store)


def test_every_rule_rests_on_a_point_of_the_comparison(kb_forms):
    forms, points = kb_forms
    keys = {(p.form_code, p.aspect, int(p.seq)) for p in points.itertuples()}
    compared = set(forms.loc[forms["in_comparison"].astype(bool), "form_code"])
    assert compared == set(toolkit.LEGAL_FORMS_COMPARED)
    for r in toolkit.LEGAL_RULES:
        assert r.form_code in compared, r
        assert r.points, r
        for aspect, seq in r.points:
            assert (r.form_code, aspect, seq) in keys, r
        q = toolkit.legal_question(r.question_code)
        assert r.answer_code in dict(q.options), r


def test_the_three_questions_are_the_guides(store):
    guide = queries.guidance_items(store, "legal_form_questions")
    mine = [q for q in toolkit.LEGAL_QUESTIONS if q.kind == "guide"]
    assert [q.text for q in mine] == list(guide["text"])


def test_no_answers_no_suggestion(kb_forms):
    res = toolkit.evaluate_legal_forms({}, *kb_forms)
    assert res.answered == 0 and res.suggested == []
    assert all(v.fit == 0 for v in res.verdicts)
    assert len(res.table()) == 5  # the full comparison is always there


def test_loose_non_commercial_open_cluster_points_to_association(kb_forms):
    res = toolkit.evaluate_legal_forms(
        {"cooperation_closeness": "loose", "commercial_role": "none", "member_integration": "quick"}, *kb_forms)
    fit = {v.form_code: v.fit for v in res.verdicts}
    assert fit == {"cooperation_agreement": 2, "association": 3, "ltd": -3, "foundation": 0, "corporation": -3}
    assert res.suggested == ["association"]
    assert res.table()["form_code"].iloc[0] == "association"
    reasons = {v.form_code: v.reasons for v in res.verdicts}
    assert any("Low formation efforts" in p for r in reasons["association"] for p in r["points"])


def test_close_commercial_exclusive_cluster_points_to_company_forms(kb_forms):
    answers = {"cooperation_closeness": "close", "commercial_role": "primary", "member_integration": "exclusive",
               "founding_capital": "yes"}
    res = toolkit.evaluate_legal_forms(answers, *kb_forms)
    fit = {v.form_code: v.fit for v in res.verdicts}
    assert fit["ltd"] == 3 and fit["corporation"] == 3
    assert fit["association"] == -2 and fit["cooperation_agreement"] == -2
    assert res.suggested == ["ltd", "corporation"]  # a tie: both, in the guide's order


def test_unmet_precondition_is_never_suggested(kb_forms):
    answers = {"cooperation_closeness": "close", "commercial_role": "primary", "member_integration": "exclusive",
               "founding_capital": "no"}
    res = toolkit.evaluate_legal_forms(answers, *kb_forms)
    by = {v.form_code: v for v in res.verdicts}
    assert by["ltd"].unmet and by["corporation"].unmet
    assert res.suggested == []  # nothing else has a positive fit
    ranked = [v.form_code for v in res.ranked()]
    assert ranked[-2:] == ["ltd", "corporation"]  # unmet preconditions rank last
    table = res.table()
    assert table.loc[table["form_code"] == "ltd", "precondition_not_met"].item()
    assert "precondition not met" in table.loc[table["form_code"] == "ltd", "reasons"].item()


def test_endowment_points_to_foundation(kb_forms):
    res = toolkit.evaluate_legal_forms({"endowment_assets": "yes", "commercial_role": "secondary"}, *kb_forms)
    assert res.suggested == ["association", "foundation"]
    res = toolkit.evaluate_legal_forms({"endowment_assets": "no"}, *kb_forms)
    assert {v.form_code: v.unmet for v in res.verdicts}["foundation"] is True


def test_middle_answers_point_nowhere(kb_forms):
    res = toolkit.evaluate_legal_forms(
        {"cooperation_closeness": "moderate", "member_integration": "selective", "founding_capital": "unknown"}, *kb_forms)
    assert res.answered == 3 and res.suggested == []
    assert all(not v.reasons for v in res.verdicts)


def test_rules_table_quotes_the_comparison(kb_forms):
    forms, points = kb_forms
    t = toolkit.rules_table(points, forms)
    assert len(t) == len(toolkit.LEGAL_RULES)
    assert "?" not in " ".join(t["comparison_points"])
    assert "Promotes commercial activities" in " ".join(t["comparison_points"])


def test_bad_legal_answer_is_refused(store, ws):
    with pytest.raises(UserError, match="What is the role of commercial activities in the cluster\\?”: answer must be one "
                                        "of none, secondary, primary, not “maybe”"):
        queries.save_legal_form_answer(store, ws, "commercial_role", "maybe")
    with pytest.raises(UserError, match="no question “colour”"):
        queries.save_legal_form_answer(store, ws, "colour", "red")
    assert queries.legal_form_answers(store, ws) == {}


def test_legal_answers_saved_and_cleared(store, ws):
    queries.save_legal_form_answer(store, ws, "commercial_role", "none")
    queries.save_legal_form_answer(store, ws, "commercial_role", "primary")
    queries.save_legal_form_answer(store, ws, "member_integration", "quick")
    assert queries.legal_form_answers(store, ws) == {"commercial_role": "primary", "member_integration": "quick"}
    queries.save_legal_form_answer(store, ws, "commercial_role", None)
    assert queries.legal_form_answers(store, ws) == {"member_integration": "quick"}


# ---- stakeholders --------------------------------------------------------------------------------

def test_stakeholder_add_edit_remove(store, ws):
    sid = queries.add_stakeholder(store, ws, "  Chamber of commerce ", assessment="positive", influence="high")
    queries.update_stakeholder(store, ws, sid, description="Represents the SMEs", measure="Invite to the board")
    queries.update_stakeholder(store, ws, sid, assessment="Critical")
    row = queries.stakeholders(store, ws).iloc[0]
    assert (row["name"], row["assessment"], row["influence"]) == ("Chamber of commerce", "critical", "high")
    assert row["description"] == "Represents the SMEs" and row["measure"] == "Invite to the board"
    queries.update_stakeholder(store, ws, sid, description="  ")
    assert pd.isna(queries.stakeholders(store, ws).iloc[0]["description"])
    queries.delete_stakeholder(store, ws, sid)
    assert queries.stakeholders(store, ws).empty


@pytest.mark.parametrize("fields, message", [
    ({"influence": "huge"}, "Stakeholder 2 \\(“SMEs”\\): influence must be one of high, medium, low, not “huge”."),
    ({"assessment": ""}, "Stakeholder 2 \\(“SMEs”\\): assessment is required"),
    ({"name": "   "}, "Stakeholder 2 \\(“SMEs”\\): name is required."),
    ({"name": "x" * 201}, "Stakeholder 2 \\(“SMEs”\\): name can have at most 200 characters"),
    ({"colour": "red"}, "Stakeholder: unknown field\\(s\\) colour"),
])
def test_bad_stakeholder_input_names_row_and_field_and_changes_nothing(store, ws, fields, message):
    queries.add_stakeholder(store, ws, "Ministry")
    sid = queries.add_stakeholder(store, ws, "SMEs")
    before = snapshot(store)
    with pytest.raises(UserError, match=message):
        queries.update_stakeholder(store, ws, sid, **fields)
    assert snapshot(store) == before


def test_new_stakeholder_validation(store, ws):
    with pytest.raises(UserError, match="New stakeholder: name is required"):
        queries.add_stakeholder(store, ws, "")
    with pytest.raises(UserError, match="New stakeholder: assessment must be one of positive, neutral, critical"):
        queries.add_stakeholder(store, ws, "X", assessment="hostile")
    assert queries.stakeholders(store, ws).empty


def test_example_stakeholders_are_added_once(store, ws):
    queries.add_stakeholder(store, ws, "SMEs", assessment="critical")
    assert queries.add_example_stakeholders(store, ws) == 4  # SMEs is already there
    assert queries.add_example_stakeholders(store, ws) == 0
    rows = queries.stakeholders(store, ws)
    assert list(rows["seq"]) == [1, 2, 3, 4, 5]
    assert rows.loc[rows["name"] == "SMEs", "assessment"].item() == "critical"  # the user's row is kept
    assert rows.loc[rows["name"] == "BioPro", "measure"].item() == (
        "Invite them to Entrepreneurial discovering workshops and cluster events")


def test_a_removed_row_is_reported(store, ws):
    sid = queries.add_stakeholder(store, ws, "Gone")
    queries.delete_stakeholder(store, ws, sid)
    with pytest.raises(UserError, match="no longer exists"):
        queries.update_stakeholder(store, ws, sid, name="Back")


# ---- SWOT ----------------------------------------------------------------------------------------

def test_swot_items_per_quadrant(store, ws):
    a = queries.add_swot_item(store, ws, "strength", "Dense supplier base")
    queries.add_swot_item(store, ws, "threat", "Shift of production abroad")
    queries.add_swot_item(store, ws, "strength", "Two universities")
    items = queries.swot_items(store, ws)
    assert list(zip(items["quadrant"], items["seq"])) == [("strength", 1), ("strength", 2), ("threat", 1)]
    queries.update_swot_item(store, ws, a, "Dense supplier base in the region")
    queries.delete_swot_item(store, ws, items.iloc[2]["item_id"])
    items = queries.swot_items(store, ws)
    assert list(items["text"]) == ["Dense supplier base in the region", "Two universities"]


def test_swot_validation(store, ws):
    a = queries.add_swot_item(store, ws, "weakness", "Little trust")
    before = snapshot(store)
    with pytest.raises(UserError, match="^Weakness 1: text is required.$"):
        queries.update_swot_item(store, ws, a, "  ")
    with pytest.raises(UserError, match="New opportunity: text is required"):
        queries.add_swot_item(store, ws, "opportunity", "")
    with pytest.raises(UserError, match="quadrant must be one of strength, weakness, opportunity, threat, not “risk”"):
        queries.add_swot_item(store, ws, "risk", "x")
    assert snapshot(store) == before


# ---- canvas --------------------------------------------------------------------------------------

def test_canvas_blocks_saved_cleared_and_header(store, ws):
    import datetime as dt

    queries.save_canvas_entry(store, ws, "value_propositions", "Joint R&D\nA common voice")
    queries.save_canvas_entry(store, ws, "cost_structure", "Staff")
    queries.save_canvas_entry(store, ws, "cost_structure", "")
    assert queries.canvas_entries(store, ws) == {"value_propositions": "Joint R&D\nA common voice"}
    queries.save_canvas_header(store, ws, author_name="Anna", canvas_date=dt.date(2026, 3, 5))
    queries.save_canvas_header(store, ws, cluster_organisation="Solar Cluster")
    h = queries.canvas_header(store, ws)
    assert (h["author_name"], h["cluster_organisation"], h["canvas_date"]) == ("Anna", "Solar Cluster", dt.date(2026, 3, 5))
    with pytest.raises(UserError, match="no block “mission”"):
        queries.save_canvas_entry(store, ws, "mission", "x")
    with pytest.raises(UserError, match="Canvas block “Cost Structure”: text can have at most 4000 characters"):
        queries.save_canvas_entry(store, ws, "cost_structure", "x" * 4001)


# ---- services ------------------------------------------------------------------------------------

def test_example_services_start_from_the_guides_pre_assessment(store, ws):
    assert queries.add_example_services(store, ws) == 7
    assert queries.add_example_services(store, ws) == 0
    s = queries.cluster_services(store, ws)
    first = s.iloc[0]
    assert (first["service_name"], first["frequency"], first["beneficiaries"]) == ("Information events", "occasionally", "many")
    assert s["effort"].isna().all() and s["relevance"].isna().all()  # the guide's marks were lost: not guessed


def test_service_ratings_and_override(store, ws):
    sid = queries.add_cluster_service(store, ws, "Matchmaking")
    queries.update_cluster_service(store, ws, sid, effort="low", relevance="high", beneficiaries="many")
    placed = toolkit.place_services(queries.cluster_services(store, ws))
    assert placed.iloc[0]["placement"] == "membership_fees"
    queries.update_cluster_service(store, ws, sid, placement_code="fee_based")
    placed = toolkit.place_services(queries.cluster_services(store, ws))
    assert (placed.iloc[0]["placement"], placed.iloc[0]["placement_origin"]) == ("fee_based", "chosen")
    queries.update_cluster_service(store, ws, sid, placement_code=None)
    assert toolkit.place_services(queries.cluster_services(store, ws)).iloc[0]["placement"] == "membership_fees"
    before = snapshot(store)
    with pytest.raises(UserError, match="Service 1 \\(“Matchmaking”\\): expected effort must be one of high, medium, low"):
        queries.update_cluster_service(store, ws, sid, effort="enormous")
    with pytest.raises(UserError, match="placement must be one of fee_based"):
        queries.update_cluster_service(store, ws, sid, placement_code="free")
    assert snapshot(store) == before
    queries.delete_cluster_service(store, ws, sid)
    assert queries.cluster_services(store, ws).empty


# ---- team ----------------------------------------------------------------------------------------

def test_team_members_and_scores(store, ws):
    a = queries.add_team_member(store, ws, "Anna", role="Cluster manager")
    b = queries.add_team_member(store, ws, "Ben", fte_pct=50)
    queries.save_team_skill_score(store, ws, a, 1, 4)
    queries.save_team_skill_score(store, ws, b, 1, 1)
    queries.save_team_skill_score(store, ws, b, 2, 5)
    queries.save_team_skill_score(store, ws, b, 2, None)  # cleared
    team = toolkit.team_scores(queries.team_members(store, ws), queries.team_skill_scores(store, ws),
                               queries.staffing_criteria(store))
    assert team.loc[0, "team_score"] == pytest.approx(3.0)
    assert pd.isna(team.loc[1, "team_score"])
    before = snapshot(store)
    with pytest.raises(UserError, match="Team member 2 \\(“Ben”\\): FTE % must be more than 0 and at most 100, not 0"):
        queries.update_team_member(store, ws, b, fte_pct=0)
    with pytest.raises(UserError, match="Team member 1 \\(“Anna”\\), criterion “Tertiary level education”: score must"):
        queries.save_team_skill_score(store, ws, a, 1, 9)
    with pytest.raises(UserError, match="no criterion 11"):
        queries.save_team_skill_score(store, ws, a, 11, 3)
    assert snapshot(store) == before
    queries.delete_team_member(store, ws, b)  # and their scores, in one transaction
    assert list(queries.team_skill_scores(store, ws)["member_id"]) == [a]


# ---- workspaces ------------------------------------------------------------------------------------

def test_everything_belongs_to_its_workspace(store, ws):
    other = queries.create_workspace(store, "Solar Cluster Morocco")
    queries.add_stakeholder(store, ws, "Ministry")
    queries.add_swot_item(store, ws, "strength", "Sun")
    queries.save_canvas_entry(store, ws, "key_partners", "Universities")
    queries.save_legal_form_answer(store, ws, "commercial_role", "none")
    queries.add_cluster_service(store, ws, "Networking")
    queries.add_team_member(store, ws, "Anna")
    assert queries.toolkit_counts(store, ws) == {"stakeholder_analysis": 1, "swot_analysis": 1,
                                                 "business_model_canvas": 1, "legal_form": 1, "develop_services": 1,
                                                 "staffing": 1}
    assert set(queries.toolkit_counts(store, other).values()) == {0}
    assert queries.stakeholders(store, other).empty and queries.canvas_entries(store, other) == {}


def test_toolkit_tables_belong_to_workspaces():
    from clusterdash import schema

    for name in ("stakeholder", "swot_item", "canvas_entry", "canvas_header", "legal_form_answer", "cluster_service",
                 "team_member", "team_skill_score"):
        t = schema.table(name)
        assert t.layer == schema.LAYER_USER and t.workspace_column == "workspace_id"
        assert "workspace_id" in t.primary_key  # copied row by row when a workspace is duplicated


# ---- charts --------------------------------------------------------------------------------------

def test_names_in_a_cell_never_overlap_and_stay_inside():
    items = [{"x": "neutral", "y": "high", "label": f"Stakeholder number {i} with a long name", "color": "#000"}
             for i in range(12)] + [{"x": "critical", "y": "low", "label": "Alone", "color": "#111"}]
    placed = charts.stack_in_cells(items, ("critical", "neutral", "positive"), ("low", "medium", "high"),
                                   lines_per_cell=8, chars=20)
    cell = [p for p in placed if 0.5 < p.x + 0.44 < 1.5 and p.y > 1.5]
    assert len(cell) == 8 and cell[-1].label == "+ 5 more" and cell[-1].is_more
    ys = [p.y for p in cell]
    assert len(set(ys)) == len(ys) and all(1.5 < y < 2.5 for y in ys)
    assert all(len(p.label) <= 20 for p in placed)
    assert "Stakeholder number 11" in cell[-1].full


def test_stakeholder_map_shows_every_name(store, ws):
    queries.add_example_stakeholders(store, ws)
    fig = charts.stakeholder_map(queries.stakeholders(store, ws), source="test")
    shown = [t for tr in fig.data for t in (tr.text or ())]
    assert len(shown) == 5 and "BioPro" in shown
    assert any("Source: test" in a.text for a in fig.layout.annotations)


def test_portfolio_map_leaves_out_unrated_services(store, ws):
    queries.add_example_services(store, ws)
    s = queries.cluster_services(store, ws)
    queries.update_cluster_service(store, ws, s.iloc[0]["service_id"], effort="high", relevance="high")
    fig = charts.portfolio_map(toolkit.place_services(queries.cluster_services(store, ws)))
    shown = [t for tr in fig.data for t in (tr.text or ())]
    assert shown == ["Information events"]
    assert {tr.name for tr in fig.data if tr.showlegend} == set(fields.value_labels("placement").values())


def test_team_profile_writes_the_team_score():
    m = members(("a", 100), ("b", 50))
    sc = scores(("a", 1, 4), ("b", 1, 1))
    team = toolkit.team_scores(m, sc, CRITERIA)
    fig = charts.team_profile(team, m, sc, source="test")
    column = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "text"][0]
    assert list(column.text) == ["<b>3.0</b>", "–", "–"]


def test_legal_form_chart_has_every_form(kb_forms):
    res = toolkit.evaluate_legal_forms({"commercial_role": "primary"}, *kb_forms)
    fig = charts.legal_form_fit(res.table(), large=True, source="test")
    assert len(fig.data[0].y) == 5
    assert any("★ suggested" in y for y in fig.data[0].y)


def test_source_lines_are_wrapped():
    from clusterdash.charts.common import wrap_lines

    lines = wrap_lines("Source: " + "word " * 80, 50)
    assert len(lines) > 1 and all(len(x) <= 50 for x in lines)


def test_duplicating_a_workspace_copies_its_toolkit(store, ws):
    sid = queries.add_stakeholder(store, ws, "Ministry", assessment="positive")
    queries.add_swot_item(store, ws, "strength", "Sun")
    queries.save_canvas_entry(store, ws, "key_partners", "Universities")
    queries.save_legal_form_answer(store, ws, "commercial_role", "none")
    queries.add_cluster_service(store, ws, "Networking", effort="low")
    a = queries.add_team_member(store, ws, "Anna", fte_pct=80)
    queries.save_team_skill_score(store, ws, a, 3, 4)
    copy = queries.duplicate_workspace(store, ws)
    assert queries.toolkit_counts(store, copy) == queries.toolkit_counts(store, ws)
    assert queries.team_skill_scores(store, copy).to_dict("records") == [{"member_id": a, "criterion_seq": 3, "score": 4}]
    queries.update_stakeholder(store, copy, sid, assessment="critical")  # the copy is independent
    assert queries.stakeholders(store, ws).iloc[0]["assessment"] == "positive"


def test_writes_refuse_an_archived_or_missing_workspace(store, ws):
    sid = queries.add_stakeholder(store, ws, "Ministry")
    store.execute_write("UPDATE workspace SET archived_at = current_timestamp WHERE workspace_id = ?", [ws])
    before = snapshot(store)
    for write in (lambda: queries.update_stakeholder(store, ws, sid, name="Other"),
                  lambda: queries.add_swot_item(store, ws, "strength", "Sun"),
                  lambda: queries.save_legal_form_answer(store, ws, "commercial_role", "none"),
                  lambda: queries.delete_stakeholder(store, ws, sid)):
        with pytest.raises(UserError, match="is archived"):
            write()
    assert snapshot(store) == before
    with pytest.raises(UserError, match="does not exist"):
        queries.add_team_member(store, "ws-nowhere", "Anna")


def test_the_assessment_links_each_guide_tool_to_its_toolkit_page():
    """The assessment's recommendations open the toolkit page of each tool they name."""
    for t in toolkit.TOOLS:
        for code in t.phase_tool_codes:
            page = registry.page_for_tool(code)
            assert page is not None and page == registry.page_for_toolkit_tool(t.tool_code), code
            assert toolkit.tool_for_phase_tool(code) == t