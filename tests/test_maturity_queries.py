"""The maturity assessment in the store: the questionnaire knowledge (sources, references),
assessments and answers (validation, one transaction each, per participant, per workspace,
concurrent writers), user-added initiatives, and the recommendation queries."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from clusterdash import knowledge, maturity, queries
from clusterdash.errors import UserError

SEED = "004_8de2c7bdefb2b6f4.txt §"


def snapshot(store) -> dict:
    return {
        "assessment": store.rows("SELECT * FROM assessment ORDER BY ALL"),
        "assessment_answer": store.rows("SELECT * FROM assessment_answer ORDER BY ALL"),
        "user_initiative": store.rows("SELECT * FROM user_initiative ORDER BY ALL"),
    }


@pytest.fixture
def ws(store) -> str:
    return queries.default_workspace(store)


@pytest.fixture
def aid(store, ws) -> str:
    return queries.create_assessment(store, ws, "ac_serbia", "2026-03-01", "strategy workshop")


# ---- the questionnaire knowledge -----------------------------------------------------------------

def test_every_statement_has_a_stage_a_dimension_and_cites_the_guide(store):
    sts = queries.assessment_statements(store)
    dims = set(queries.assessment_dimensions(store)["dimension_code"])
    assert len(sts) == 35
    assert set(sts["stage_code"]) == set(maturity.STAGES)
    assert set(sts["dimension_code"]) <= dims
    assert sts["source"].str.startswith(SEED).all()
    assert sts["basis"].str.len().gt(20).all()
    assert list(sts["seq"]) == list(range(1, 36))
    # the transformation stage has only its overview characteristics in the guide
    tra = sts[sts["stage_code"] == "transformation"]
    assert (tra["source"] == f"{SEED} PART 2 Maturity Stages in Cluster Development › Four stages of cluster development").all()


def test_checks_and_policy_support_reference_existing_records(store):
    codes = set(queries.assessment_statements(store)["statement_code"])
    for c in queries.assessment_checks(store).itertuples():
        refs = c.strong_statements.split(";") + c.weak_statements.split(";")
        assert set(refs) <= codes, c.check_code
        assert c.source.startswith(SEED)
    support = store.rows("SELECT * FROM kb_stage_policy_support")
    assert {r["stage_code"] for r in support} == set(maturity.STAGES)
    for r in support:
        n = store.value(
            "SELECT count(*) FROM kb_guidance_item WHERE list_code = ? AND group_code = ? "
            "AND (? IS NULL OR kind = ?) AND (? IS NULL OR seq = ?)",
            [r["list_code"], r["group_code"], r["kind"], r["kind"], r["item_seq"], r["item_seq"]],
        )
        assert n >= 1, r


def test_questionnaire_is_on_the_sources_page(store):
    idx = queries.knowledge_index(store, search="champion appeared")
    assert "kb_assessment_statement" in set(idx["table_name"])
    assert set(idx[idx["table_name"] == "kb_assessment_statement"]["topic"]) == {"Maturity model"}


def test_stage_recommendations(store):
    ini = queries.stage_recommendations(store, "initiation")
    assert len(ini["key_actions"]) == 4 and len(ini["key_questions"]) == 10
    assert "stakeholder_analysis" in set(ini["tools"]["tool_code"])
    factor = ini["policy_support"][ini["policy_support"]["kind"] == "factor"]["text"]
    assert factor.str.contains("financial support for building cluster management capacities at embryonic level").any()
    assert len(ini["lessons"]) >= 5 and len(ini["dos_donts"]) == 8
    ope = queries.stage_recommendations(store, "operationalisation")
    assert len(ope["key_questions"]) == 10
    assert "Cluster Excellence" in set(ope["policy_support"]["group_name"])
    tra = queries.stage_recommendations(store, "transformation")
    assert tra["key_actions"].empty and tra["tools"].empty and tra["key_questions"].empty
    assert len(tra["characteristics"]) == 4
    assert "Clusters as tools for regional development" in set(tra["policy_support"]["group_name"])
    for frames in (ini, ope, tra):
        for name, df in frames.items():
            src_cols = [c for c in df.columns if c == "source"]
            for c in src_cols:
                assert df[c].str.startswith(SEED).all(), name


# ---- assessments --------------------------------------------------------------------------------

def test_create_and_list_assessments(store, ws, aid):
    a = queries.get_assessment(store, ws, aid)
    assert a["initiative_name"].startswith("Automotive Cluster Serbia")
    assert a["assessed_on"] == date(2026, 3, 1) and a["label"] == "strategy workshop"
    assert a["initiative_stage_code"] == "operationalisation"  # the catalogue's own reading, for comparison
    older = queries.create_assessment(store, ws, "ac_serbia", date(2025, 3, 1))
    rows = queries.list_assessments(store, ws)
    assert list(rows["assessment_id"]) == [aid, older]  # newest first
    assert list(rows["answers"]) == [0, 0]


@pytest.mark.parametrize(
    "args, message",
    [
        (("ac_serbia", "2026-13-01", None), "Field assessed_on: '2026-13-01' is not a date"),
        (("no_such_initiative", "2026-03-01", None), "Field initiative_id: no cluster initiative 'no_such_initiative'"),
        ((None, "2026-03-01", None), "Field initiative_id: choose the cluster initiative"),
        (("ac_serbia", "2026-03-01", "x" * 201), "Field label: at most 200 characters"),
    ],
)
def test_bad_assessment_input_is_refused_and_store_unchanged(store, ws, args, message):
    before = snapshot(store)
    with pytest.raises(UserError, match=message):
        queries.create_assessment(store, ws, *args)
    assert snapshot(store) == before


def test_update_and_delete_assessment(store, ws, aid):
    queries.update_assessment(store, ws, aid, assessed_on="2026-04-02", label="  ", set_label=True)
    a = queries.get_assessment(store, ws, aid)
    assert a["assessed_on"] == date(2026, 4, 2) and a["label"] is None
    with pytest.raises(UserError, match="Field assessment_id"):
        queries.update_assessment(store, ws, "as-nothere", assessed_on="2026-04-02")
    queries.save_assessment_answer(store, ws, aid, "ini_01", "Anna", "fully")
    queries.delete_assessment(store, ws, aid)
    assert queries.get_assessment(store, ws, aid) is None
    assert store.value("SELECT count(*) FROM assessment_answer") == 0


def test_archived_workspace_is_read_only(store, ws, aid):
    queries.save_assessment_answer(store, ws, aid, "ini_01", "Anna", "fully")
    other = queries.create_workspace(store, "Another workshop")
    queries.archive_workspace(store, ws)
    before = snapshot(store)
    for write in (lambda: queries.save_assessment_answer(store, ws, aid, "ini_01", "Anna", "partly"),
                  lambda: queries.create_assessment(store, ws, "ac_serbia", "2026-03-02"),
                  lambda: queries.update_assessment(store, ws, aid, assessed_on="2026-03-03"),
                  lambda: queries.delete_assessment(store, ws, aid)):
        with pytest.raises(UserError, match="is archived"):
            write()
    assert snapshot(store) == before
    assert other


def test_duplicated_workspace_carries_its_assessments(store, ws, aid):
    queries.save_assessment_answer(store, ws, aid, "ini_01", "Anna", "fully")
    queries.save_assessment_answer(store, ws, aid, "est_03", "Bob", "partly")
    copy = queries.duplicate_workspace(store, ws, "Copy for the next workshop")
    copied = queries.list_assessments(store, copy)
    assert len(copied) == 1 and copied.iloc[0]["label"] == "strategy workshop"
    new_aid = copied.iloc[0]["assessment_id"]
    answers = queries.assessment_answers(store, copy, new_aid)
    assert answers[["participant", "statement_code", "answer_code"]].values.tolist() == [
        ["Anna", "ini_01", "fully"], ["Bob", "est_03", "partly"]]
    # the copy is independent of the original
    queries.save_assessment_answer(store, copy, new_aid, "ini_01", "Anna", "not_true")
    assert queries.assessment_answers(store, ws, aid, "Anna")["answer_code"].tolist() == ["fully"]


def test_assessments_belong_to_their_workspace(store, ws, aid):
    other = queries.create_workspace(store, "Other workshop")
    assert queries.list_assessments(store, other).empty
    assert queries.get_assessment(store, other, aid) is None
    with pytest.raises(UserError, match="Field assessment_id"):
        queries.save_assessment_answer(store, other, aid, "ini_01", "Anna", "fully")


# ---- answers ---------------------------------------------------------------------------------------

def test_answers_are_saved_per_participant_and_replaced_or_removed(store, ws, aid):
    queries.save_assessment_answer(store, ws, aid, "ini_01", "Anna", "fully")
    queries.save_assessment_answer(store, ws, aid, "ini_01", "  Bob  ", "not_true")
    queries.save_assessment_answer(store, ws, aid, "ini_01", "Anna", "partly")  # changed
    queries.save_assessment_answer(store, ws, aid, "ini_02", "Anna", "dont_know")
    rows = queries.assessment_answers(store, ws, aid)
    assert rows[["participant", "statement_code", "answer_code"]].values.tolist() == [
        ["Anna", "ini_01", "partly"], ["Bob", "ini_01", "not_true"], ["Anna", "ini_02", "dont_know"]]
    assert list(queries.assessment_answers(store, ws, aid, "Bob")["answer_code"]) == ["not_true"]
    people = queries.assessment_participants(store, ws, aid)
    assert people[["participant", "answers", "dont_know_answers"]].values.tolist() == [["Anna", 2, 1], ["Bob", 1, 0]]
    queries.save_assessment_answer(store, ws, aid, "ini_02", "Anna", None)  # removed
    assert len(queries.assessment_answers(store, ws, aid, "Anna")) == 1
    r = maturity.assess(maturity.Questionnaire.from_frames(queries.assessment_statements(store),
                                                            queries.assessment_dimensions(store)),
                        maturity.aggregate_answers(queries.assessment_answers(store, ws, aid)))
    assert r.score("ini_01") == pytest.approx(1 / 6)


@pytest.mark.parametrize(
    "statement, participant, answer, message",
    [
        ("ini_01", "", "fully", "Your name is empty: enter your name"),
        ("ini_01", "x" * 61, "fully", "Your name can have at most 60 characters"),
        ("ini_01", "Anna", "maybe", "Field answer_code: 'maybe' is not one of"),
        ("zzz_99", "Anna", "fully", "Field statement_code: no statement 'zzz_99'"),
    ],
)
def test_bad_answers_are_refused_and_store_unchanged(store, ws, aid, statement, participant, answer, message):
    queries.save_assessment_answer(store, ws, aid, "ini_01", "Anna", "largely")
    before = snapshot(store)
    with pytest.raises(UserError, match=message):
        queries.save_assessment_answer(store, ws, aid, statement, participant, answer)
    assert snapshot(store) == before


def test_concurrent_participants_never_overwrite_each_other(store, ws, aid):
    """Several participants answering at the same moment (one server, many sessions): every
    answer is kept; writes to the same item end with one of them (last write wins)."""
    codes = list(queries.assessment_statements(store)["statement_code"])[:12]
    people = [f"P{i}" for i in range(6)]
    errors = []

    def answer(person):
        try:
            for c in codes:
                queries.save_assessment_answer(store, ws, aid, c, person, "largely")
                queries.save_assessment_answer(store, ws, aid, "tra_06", "Shared", "fully" if person < "P3" else "not_true")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = queries.assessment_answers(store, ws, aid)
    mine = rows[rows["participant"] != "Shared"]
    assert len(mine) == len(codes) * len(people)
    assert set(mine["answer_code"]) == {"largely"}
    assert len(rows[rows["participant"] == "Shared"]) == 1


def test_knowledge_rebuild_keeps_assessments(store, ws, aid):
    queries.save_assessment_answer(store, ws, aid, "est_03", "Anna", "fully")
    knowledge.load_knowledge(store)
    assert len(queries.assessment_answers(store, ws, aid)) == 1


# ---- user-added initiatives ---------------------------------------------------------------------------

def test_user_initiative_can_be_assessed(store, ws):
    iid = queries.add_user_initiative(store, {"name": "Solar Cluster Morocco", "country": "Morocco",
                                              "sector": "Solar energy"})
    aid = queries.create_assessment(store, ws, iid, "2026-05-04")
    assert queries.get_assessment(store, ws, aid)["initiative_name"] == "Solar Cluster Morocco"
    assert queries.get_assessment(store, ws, aid)["initiative_origin"] == "user"
    assert set(queries.assessed_initiatives(store, ws)["initiative_id"]) == {iid}


def test_the_assessment_stamp_changes_with_every_kind_of_write(store):
    """The live board recomputes the room's result only when queries.assessment_version changes:
    it must change with a new, a changed and a removed answer, and with hide/reveal and close."""
    ws = queries.default_workspace(store)
    aid = queries.create_assessment(store, ws, "ac_serbia", "2026-03-01", "stamp")
    code = queries.assessment_statements(store)["statement_code"].iloc[0]
    seen = [queries.assessment_version(store, ws, aid)]
    for write in (lambda: queries.save_assessment_answer(store, ws, aid, code, "Ana", "fully"),
                  lambda: queries.save_assessment_answer(store, ws, aid, code, "Ana", "partly"),
                  lambda: queries.save_assessment_answer(store, ws, aid, code, "Ana", None),
                  lambda: queries.set_assessment_state(store, ws, aid, is_revealed=False),
                  lambda: queries.set_assessment_state(store, ws, aid, is_open=False)):
        write()
        seen.append(queries.assessment_version(store, ws, aid))
        assert seen[-1] != seen[-2], seen
    assert queries.assessment_version(store, ws, aid) == seen[-1]  # and stays while nothing is written
