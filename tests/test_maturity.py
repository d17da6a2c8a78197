"""Scoring of the maturity assessment on crafted answer sets: each stage, the gating rule,
thresholds, don't-know handling, consistency checks, workshop spread, comparison, trend,
recommendations, and the printable brief. Uses the real questionnaire from the knowledge base."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest

from clusterdash import maturity, queries
from clusterdash.charts import maturity as charts
from clusterdash.maturity import (
    BELOW_THRESHOLD, BLOCKED, REACHED, STAGES, TOO_FEW_ANSWERS, Dimension, Questionnaire, Statement,
    aggregate_answers, assess, scores_from_codes,
)
from clusterdash.maturity_brief import render_brief


@pytest.fixture(scope="module")
def q(template_db) -> Questionnaire:
    from clusterdash.store import Store

    s = Store(template_db, read_only=True)
    try:
        return Questionnaire.from_frames(queries.assessment_statements(s), queries.assessment_dimensions(s),
                                         queries.assessment_checks(s))
    finally:
        s.close()


def by_stage(q: Questionnaire, answers: dict[str, str | None]) -> dict[str, str]:
    """Every statement of a stage gets that stage's answer code (None = unanswered)."""
    return {s.statement_code: answers[s.stage_code] for s in q.statements if answers.get(s.stage_code)}


def result_for(q, **stage_answers):
    return assess(q, scores_from_codes(by_stage(q, stage_answers)))


# ---- the scale -----------------------------------------------------------------------------

def test_answer_scale():
    assert [maturity.answer_score(c) for c in maturity.ANSWER_CODES] == [0.0, 1 / 3, 2 / 3, 1.0, None]
    assert maturity.answer_label("dont_know") == "Don't know"
    with pytest.raises(ValueError, match="unknown answer 'maybe'"):
        maturity.answer_score("maybe")


def test_questionnaire_covers_every_stage_and_dimension(q):
    for st in STAGES:
        assert len(q.of_stage(st)) >= 6, st
    assert {s.dimension_code for s in q.statements} == {d.dimension_code for d in q.dimensions}
    # the radar needs every dimension to span more than one statement
    assert all(len(q.of_dimension(d.dimension_code)) >= 2 for d in q.dimensions)


# ---- one crafted answer set per stage --------------------------------------------------------

def test_nothing_answered(q):
    r = assess(q, {})
    assert r.stage_code is None and r.stage_name == "Before initiation"
    assert r.next_stage_code == "initiation"
    assert all(s.status == TOO_FEW_ANSWERS and s.fulfilment is None for s in r.stages)
    assert r.warnings == ["No answers yet."]
    assert not r.flags and not r.strengths


def test_initiation_stage(q):
    r = result_for(q, initiation="fully", establishment="partly", operationalisation="not_true", transformation="not_true")
    assert r.stage_code == "initiation" and r.next_stage_code == "establishment"
    assert [s.status for s in r.stages] == [REACHED, BELOW_THRESHOLD, BELOW_THRESHOLD, BELOW_THRESHOLD]
    assert r.stage("initiation").fulfilment == 1.0
    assert r.stage("establishment").fulfilment == pytest.approx(1 / 3)
    # why: strongest initiation statements, weakest establishment statements
    assert len(r.strengths) == 3 and all(d.stage_code == "initiation" and d.score == 1.0 for d in r.strengths)
    assert len(r.gaps) == 3 and all(d.stage_code == "establishment" for d in r.gaps)
    assert r.reasons[0].startswith("Assigned stage: Initiation")
    assert "Establishment not reached: 33 % fulfilled, below the 60 % needed." in r.reasons


def test_establishment_stage(q):
    r = result_for(q, initiation="fully", establishment="largely", operationalisation="partly", transformation="not_true")
    assert r.stage_code == "establishment" and r.next_stage_code == "operationalisation"
    assert r.stage("establishment").fulfilment == pytest.approx(2 / 3)
    assert r.stage_order == 2


def test_operationalisation_stage(q):
    r = result_for(q, initiation="fully", establishment="fully", operationalisation="largely", transformation="partly")
    assert r.stage_code == "operationalisation" and r.next_stage_code == "transformation"
    assert {d.stage_code for d in r.gaps} == {"transformation"}


def test_transformation_stage(q):
    r = result_for(q, initiation="fully", establishment="fully", operationalisation="fully", transformation="largely")
    assert r.stage_code == "transformation" and r.next_stage_code is None
    assert all(s.reached for s in r.stages)
    # with no next stage the decisive stage is transformation itself
    assert all(d.stage_code == "transformation" for d in r.strengths + r.gaps)
    assert not r.flags


# ---- the gating rule -----------------------------------------------------------------------

def test_strong_transformation_but_weak_initiation_is_not_transformation(q):
    r = result_for(q, initiation="not_true", establishment="fully", operationalisation="fully", transformation="fully")
    assert r.stage_code is None
    assert [s.status for s in r.stages] == [BELOW_THRESHOLD, BLOCKED, BLOCKED, BLOCKED]
    assert r.stage("transformation").fulfilment == 1.0  # met on its own ...
    assert not r.stage("transformation").reached  # ... but does not count
    assert any("Transformation statements are 100 % fulfilled, but the stage does not count while initiation is not reached"
               in x for x in r.reasons)
    assert {d.stage_code for d in r.gaps} == {"initiation"}


def test_a_gap_in_the_middle_stops_the_ladder(q):
    r = result_for(q, initiation="fully", establishment="partly", operationalisation="fully", transformation="fully")
    assert r.stage_code == "initiation"
    assert [s.status for s in r.stages] == [REACHED, BELOW_THRESHOLD, BLOCKED, BLOCKED]


def small_questionnaire(n_per_stage: int = 5) -> Questionnaire:
    sts = []
    for i, st in enumerate(STAGES):
        for k in range(n_per_stage):
            sts.append(Statement(f"{st[:3]}_{k}", st, "d1" if k % 2 else "d2", i * 10 + k, f"{st} statement {k}"))
    return Questionnaire(tuple(sts), (Dimension("d1", 1, "One"), Dimension("d2", 2, "Two")))


def test_reached_threshold_is_inclusive():
    q = small_questionnaire()
    # 3 of 5 fully, 2 not true: exactly 60 %
    answers = {f"ini_{k}": ("fully" if k < 3 else "not_true") for k in range(5)}
    r = assess(q, scores_from_codes(answers))
    assert r.stage("initiation").fulfilment == pytest.approx(maturity.REACHED_AT)
    assert r.stage_code == "initiation"
    # just below: one "fully" becomes "largely"
    answers["ini_0"] = "largely"
    r = assess(q, scores_from_codes(answers))
    assert r.stage("initiation").fulfilment < maturity.REACHED_AT
    assert r.stage_code is None


# ---- don't know and coverage ------------------------------------------------------------------

def test_dont_know_is_left_out_of_the_mean():
    q = small_questionnaire()
    # 3 fully, 2 don't know: fulfilment 100 % over the 3 answered, coverage 60 %
    r = assess(q, scores_from_codes({"ini_0": "fully", "ini_1": "fully", "ini_2": "fully",
                                     "ini_3": "dont_know", "ini_4": "dont_know"}))
    s = r.stage("initiation")
    assert s.fulfilment == 1.0 and s.answered == 3 and s.dont_know == 2 and s.coverage == pytest.approx(0.6)
    assert s.status == REACHED
    assert r.n_answers == 5 and r.n_dont_know_answers == 2
    assert any("2 of 5 answers are “don't know”" in w for w in r.warnings)


def test_too_many_dont_knows_means_the_stage_cannot_be_judged():
    q = small_questionnaire()
    r = assess(q, scores_from_codes({"ini_0": "fully", "ini_1": "fully", "ini_2": "dont_know",
                                     "ini_3": "dont_know", "ini_4": "dont_know"}))
    s = r.stage("initiation")
    assert s.fulfilment == 1.0 and s.coverage == pytest.approx(0.4)
    assert s.status == TOO_FEW_ANSWERS and r.stage_code is None
    assert any("Initiation cannot be judged: 2 of 5 statements have an answer other than “don't know” (3 needed)" in x
               for x in r.reasons)
    assert any(w.startswith("Too few answers to judge: Initiation") for w in r.warnings)


def test_unanswered_statements_do_not_count_as_zero():
    q = small_questionnaire()
    r = assess(q, scores_from_codes({f"ini_{k}": "fully" for k in range(3)}))
    assert r.stage("initiation").fulfilment == 1.0 and r.stage("initiation").dont_know == 0
    assert r.stage_code == "initiation"
    assert any("Only 3 of 20 statements have a score so far" in w for w in r.warnings)


def test_codes_outside_the_questionnaire_are_ignored():
    q = small_questionnaire()
    r = assess(q, scores_from_codes({"zzz_1": "fully"}))
    assert r.n_answers == 0 and r.stage_code is None


# ---- several participants ---------------------------------------------------------------------

def test_workshop_mean_per_statement_and_dont_knows():
    rows = [
        {"participant": "Anna", "statement_code": "a", "answer_code": "fully"},
        {"participant": "Bob", "statement_code": "a", "answer_code": "not_true"},
        {"participant": "Chen", "statement_code": "a", "answer_code": "dont_know"},
        {"participant": "Anna", "statement_code": "b", "answer_code": "dont_know"},
        {"participant": "Bob", "statement_code": "b", "answer_code": "dont_know"},
    ]
    s = aggregate_answers(rows)
    assert s["a"].score == 0.5 and s["a"].n_scored == 2 and s["a"].n_dont_know == 1
    assert s["a"].std == 0.5 and s["a"].spread == 1.0 and (s["a"].low, s["a"].high) == (0.0, 1.0)
    assert s["b"].score is None and s["b"].n_dont_know == 2 and s["b"].std is None


def test_spread_and_disagreements(q):
    codes = [s.statement_code for s in q.statements]
    rows = []
    for c in codes:
        rows.append({"participant": "Anna", "statement_code": c, "answer_code": "fully"})
        rows.append({"participant": "Bob", "statement_code": c, "answer_code": "fully"})
    # Bob disagrees strongly on one statement, mildly on another
    rows[1]["answer_code"] = "not_true"  # first statement: 1 vs 0
    rows[3]["answer_code"] = "largely"  # second statement: 1 vs 2/3
    scores = aggregate_answers(rows)
    spread = maturity.spread_frame(q, scores)
    assert len(spread) == len(codes)
    top = maturity.disagreements(spread, top=5)
    assert list(top["statement_code"]) == [codes[0], codes[1]]
    first = top.iloc[0]
    assert first["mean_score"] == 0.5 and first["std_score"] == 0.5 and first["range_score"] == 1.0
    assert first["n_scored"] == 2
    # one participant alone never counts as disagreement
    solo = maturity.spread_frame(q, aggregate_answers([rows[0]]))
    assert maturity.disagreements(solo).empty


def test_participant_results(q):
    rows = [{"participant": p, "statement_code": s.statement_code,
             "answer_code": "fully" if (p == "Anna" or s.stage_code == "initiation") else "not_true"}
            for p in ("Anna", "Bob") for s in q.statements]
    per = maturity.participant_results(q, pd.DataFrame(rows))
    assert per["Anna"].stage_code == "transformation" and per["Bob"].stage_code == "initiation"
    table = maturity.participants_frame(per)
    assert list(table["participant"]) == ["Anna", "Bob"]
    assert list(table["stage"]) == ["Transformation", "Initiation"]
    assert table.loc[1, "establishment_pct"] == 0.0


# ---- consistency checks ---------------------------------------------------------------------------

def check_codes(q, answers):
    r = assess(q, scores_from_codes(answers))
    return {f.check_code for f in r.flags}


@pytest.mark.parametrize(
    "check_code, strong, weak",
    [
        ("services_without_trust", ["ope_02"], ["est_08", "ope_01"]),
        ("triple_helix_without_organisation", ["ope_03"], ["est_03"]),
        ("international_without_strategy", ["tra_04", "tra_05"], ["ini_07", "est_06"]),
        ("services_without_financing", ["est_07", "ope_02"], ["ini_09", "est_09"]),
        ("regional_role_without_critical_mass", ["tra_06"], ["ini_01", "est_01"]),
        ("organisation_without_driving_force", ["est_03"], ["ini_03", "est_02"]),
    ],
)
def test_each_consistency_check(q, check_code, strong, weak):
    check = next(c for c in q.checks if c.check_code == check_code)
    assert set(check.strong) == set(strong) and set(check.weak) == set(weak)
    assert check.explanation and "004_8de2c7bdefb2b6f4.txt" in check.source
    flagged = {c: "fully" for c in strong} | {c: "not_true" for c in weak}
    assert check_code in check_codes(q, flagged)
    # boundaries: largely true against partly true still flags ...
    assert check_code in check_codes(q, {c: "largely" for c in strong} | {c: "partly" for c in weak})
    # ... partly true on the strong side does not, nor largely true on the weak side
    assert check_code not in check_codes(q, {c: "partly" for c in strong} | {c: "not_true" for c in weak})
    assert check_code not in check_codes(q, {c: "fully" for c in strong} | {c: "largely" for c in weak})
    # a side with only don't knows cannot be checked
    assert check_code not in check_codes(q, {c: "fully" for c in strong} | {c: "dont_know" for c in weak})


def test_flag_reports_its_scores(q):
    r = assess(q, scores_from_codes({"ope_02": "fully", "est_08": "partly", "ope_01": "not_true"}))
    f = next(f for f in r.flags if f.check_code == "services_without_trust")
    assert f.strong_score == 1.0 and f.weak_score == pytest.approx(1 / 6)
    assert f.title == "Sophisticated services without trust building"


# ---- dimensions ------------------------------------------------------------------------------------

def test_dimension_scores(q):
    r = result_for(q, initiation="fully", establishment="fully", operationalisation="not_true", transformation="not_true")
    dims = {d.dimension_code: d for d in r.dimensions}
    # triple helix: ini_05 (fully) and ope_03 (not true)
    assert dims["triple_helix"].score == 0.5 and dims["triple_helix"].answered == 2
    assert dims["international"].score == 0.0
    frame = r.dimensions_frame()
    assert list(frame["dimension_code"]) == [d.dimension_code for d in q.dimensions]
    assert frame.set_index("dimension_code").loc["triple_helix", "score_pct"] == 50.0


def test_stages_frame_is_what_the_page_shows(q):
    r = result_for(q, initiation="fully", establishment="largely")
    f = r.stages_frame()
    assert list(f["stage_code"]) == list(STAGES)
    assert list(f["is_assigned"]) == [False, True, False, False]
    assert f.loc[1, "fulfilment_pct"] == 66.7 and f.loc[1, "coverage_pct"] == 100.0
    assert pd.isna(f.loc[2, "fulfilment_pct"]) and f.loc[2, "status"] == "too few answers"


# ---- history and comparison --------------------------------------------------------------------------

def test_trend_and_comparison(q):
    a = result_for(q, initiation="fully", establishment="partly", operationalisation="not_true", transformation="not_true")
    b = result_for(q, initiation="fully", establishment="fully", operationalisation="largely", transformation="partly")
    trend = maturity.trend_frame([
        ({"assessment_id": "b", "assessed_on": date(2026, 3, 1), "label": "later"}, b),
        ({"assessment_id": "a", "assessed_on": date(2025, 3, 1), "label": None}, a),
    ])
    assert list(trend["assessment_id"]) == ["a"] * 4 + ["b"] * 4  # sorted by date
    assert list(trend["stage_code"][:4]) == list(STAGES)
    assert list(trend.drop_duplicates("assessment_id")["assigned_stage"]) == ["Initiation", "Operationalisation"]
    cmp = maturity.compare(q, a, b)
    st = cmp.stages.set_index("stage")
    assert st.loc["Establishment", "a_fulfilment_pct"] == 33.3 and st.loc["Establishment", "b_fulfilment_pct"] == 100.0
    assert st.loc["Establishment", "change_pct_points"] == 66.7
    assert st.loc["Initiation", "change_pct_points"] == 0.0
    assert cmp.statements.iloc[0]["change"] == pytest.approx(2 / 3, abs=1e-3)  # e.g. partly -> fully
    assert cmp.statements["change"].abs().is_monotonic_decreasing
    assert len(cmp.dimensions) == len(q.dimensions)


# ---- recommendations ------------------------------------------------------------------------------------

def test_recommendation_stages(q):
    assert maturity.recommendation_stages(assess(q, {})) == [("initiation", "next")]
    r = result_for(q, initiation="fully", establishment="largely")
    assert maturity.recommendation_stages(r) == [("establishment", "current"), ("operationalisation", "next")]
    top = result_for(q, initiation="fully", establishment="fully", operationalisation="fully", transformation="fully")
    assert maturity.recommendation_stages(top) == [("transformation", "current")]


def test_open_statements_are_what_is_not_yet_largely_true(q):
    answers = by_stage(q, {"initiation": "fully"}) | {"est_01": "largely", "est_02": "partly", "est_03": "dont_know"}
    r = assess(q, scores_from_codes(answers))
    open_codes = [d.statement_code for d in maturity.open_statements(q, r, "establishment")]
    assert "est_01" not in open_codes
    assert open_codes[:2] == ["est_02", "est_03"] and len(open_codes) == len(q.of_stage("establishment")) - 1


def test_method_text_states_the_thresholds():
    text = maturity.method_markdown()
    for part in ("60 %", "50 %", "every earlier stage is reached", "don't know", "2/3", "1/3", "25 %"):
        assert part in text


# ---- charts and the brief ------------------------------------------------------------------------------

def test_charts_escape_user_text_and_build(q):
    r = result_for(q, initiation="fully", establishment="largely")
    ladder = charts.ladder_figure(r)
    assert list(ladder.data[0].y) == [maturity.stage_name(s) for s in STAGES]
    assert any("you are here" in (a.text or "") for a in ladder.layout.annotations)
    radar = charts.radar_figure([("<b>Anna</b>", r)])
    assert radar.data[0].name == "&lt;b&gt;Anna&lt;/b&gt;"
    answers = pd.DataFrame([{"participant": "<i>x</i>", "statement_code": "ini_01", "answer": "Fully true", "score": 1.0},
                            {"participant": "Bob", "statement_code": "ini_01", "answer": "Not true", "score": 0.0}])
    spread = maturity.spread_frame(q, aggregate_answers([{"statement_code": "ini_01", "answer_code": "fully"},
                                                         {"statement_code": "ini_01", "answer_code": "not_true"}]))
    fig = charts.spread_figure(answers, spread[spread["statement_code"] == "ini_01"])
    assert all("<i>" not in h for h in fig.data[0].hovertext)
    for svg in (charts.ladder_svg(r), charts.radar_svg(r)):
        ET.fromstring(svg)  # well-formed


def test_brief_is_self_contained_and_escapes_user_text(q, store):
    r = result_for(q, initiation="fully", establishment="largely", operationalisation="partly")
    recs = {s: queries.stage_recommendations(store, s) for s, _ in maturity.recommendation_stages(r)}
    a = {"initiative_name": "<script>alert(1)</script> Cluster", "assessed_on": date(2026, 3, 1),
         "label": "Workshop & <b>friends</b>", "initiative_id": "x"}
    html = render_brief(q, a, r, recs, participants=3)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Cluster" in html
    assert "Workshop &amp; &lt;b&gt;friends&lt;/b&gt;" in html
    # no CDN, no network: nothing is loaded from anywhere (the only URL is the SVG namespace)
    assert not re.search(r"(src|href)\s*=", html) and "<link" not in html and "@import" not in html
    assert set(re.findall(r"https?://[^\s\"']+", html)) == {"http://www.w3.org/2000/svg"}
    assert html.count("<svg") == 2
    assert "Establishment" in html and "you are here" in html
    # the next phase's key questions and the current stage's key actions
    assert "How does one organise and manage cluster activities?" in html
    assert "Formulating a commonly agreed action plan" in html
    assert "financial support for building cluster management capacities at embryonic level" in html


def test_assessment_title_and_label_without_a_label_or_initiative_name():
    """A missing label or initiative name as pandas gives it (NaN in a string column) is left out,
    not written as "nan"."""
    import math

    row = {"initiative_name": math.nan, "initiative_id": "ac_serbia", "assessed_on": "2026-03-01",
           "label": math.nan, "participants": 1, "answers": 3}
    assert maturity.assessment_title(row) == "ac_serbia — 2026-03-01"
    assert maturity.assessment_label(row) == "ac_serbia — 2026-03-01 (1 participant, 3 answers)"
    row.update(initiative_name="Cluster Menara", label="kick-off")
    assert maturity.assessment_title(row) == "Cluster Menara — 2026-03-01 — kick-off"
