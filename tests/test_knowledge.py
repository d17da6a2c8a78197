"""The knowledge base matches the seeds: counts, sources, and the figures the text states."""

import re

import pytest

from clusterdash import knowledge

SEEDS = {"000_08821b9b5344a0b7.txt", "001_3473238d14530454.txt", "002_0b1c7e872b872596.txt",
         "003_535f185c305ff215.txt", "004_8de2c7bdefb2b6f4.txt"}


def test_every_knowledge_row_has_a_source_citing_a_seed(store):
    for t in knowledge.knowledge_tables():
        rows = store.rows(f"SELECT source FROM {t.name}")
        assert rows, f"{t.name} is empty"
        for r in rows:
            src = r["source"]
            assert src and src.strip(), t.name
            if t.name != "kb_source_document":
                assert any(seed in src for seed in SEEDS) or "Business Upper Austria" in src, (t.name, src)


def test_four_maturity_stages_in_order(store):
    stages = store.rows("SELECT stage_code, stage_order FROM kb_maturity_stage ORDER BY stage_order")
    assert [s["stage_code"] for s in stages] == ["initiation", "establishment", "operationalisation", "transformation"]
    # every stage has its characteristics from the four-stage overview
    n = dict(store.df("SELECT stage_code, count(*) FROM kb_stage_characteristic GROUP BY 1").values)
    assert set(n) == {s["stage_code"] for s in stages}


def test_ten_key_questions_per_phase_where_the_seed_has_them(store):
    n = dict(store.df("SELECT stage_code, count(*) FROM kb_phase_key_question GROUP BY 1").values)
    assert n == {"initiation": 10, "establishment": 10, "operationalisation": 10}


def test_five_policy_areas_with_description_dos_donts_instruments(store):
    areas = store.df(
        "SELECT group_code, list(DISTINCT kind) AS kinds FROM kb_guidance_item "
        "WHERE list_code = 'policy_dos_donts' GROUP BY 1"
    )
    assert len(areas) == 5
    for kinds in areas["kinds"]:
        assert {"description", "do", "dont", "instrument"} <= set(kinds)


def test_ten_staffing_criteria(store):
    assert store.value("SELECT count(*) FROM kb_guidance_item WHERE list_code = 'staffing_criteria'") == 10


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT value_pct FROM kb_financing_pattern WHERE region_code = 'mena' AND measure = 'public_share'", 58),
        ("SELECT amount FROM kb_financing_figure WHERE label = 'Total'", 688748.96),
        ("SELECT amount FROM kb_policy_programme WHERE name ILIKE '%Leading-Edge%'", 600e6),
    ],
)
def test_figures_as_the_text_states_them(store, sql, expected):
    assert store.value(sql) == pytest.approx(expected)


def test_untied_figures_are_not_tied_to_labels(store):
    # Pattern II panels: the text does not say which region each belongs to.
    panels = store.rows("SELECT region_code FROM kb_financing_pattern WHERE n_clusters_scope = 'panel'")
    assert len(panels) == 4 and all(p["region_code"] is None for p in panels)
    # Mechatronics 2017: six amounts without labels, summing to the certain total.
    amounts = store.rows(
        "SELECT label, amount FROM kb_financing_figure WHERE NOT label_certain AND amount IS NOT NULL"
    )
    assert len(amounts) == 6 and all(a["label"] is None for a in amounts)
    assert sum(a["amount"] for a in amounts) == pytest.approx(688748.96)


def test_no_damaged_punctuation_left(store):
    damaged = re.compile("[ñòÁïúýγ]")
    for t in knowledge.knowledge_tables():
        for c in t.columns:
            if c.type != "VARCHAR":
                continue
            for r in store.rows(f"SELECT {c.name} AS v FROM {t.name} WHERE {c.name} IS NOT NULL"):
                assert not damaged.search(r["v"]), (t.name, c.name, r["v"])


def test_initiative_catalogue_has_the_named_clusters_with_coordinates(store):
    names = " | ".join(r["name"] for r in store.rows("SELECT name FROM kb_initiative"))
    for expected in ["Serbia", "GAFA", "WICA", "Solar", "Menara", "CE3M", "Dakar", "CGER", "Prosecco",
                     "Lacquerware", "Lagos", "Santara", "Debrecen", "Silicon Valley", "BioHealth",
                     "Stuttgart", "Hollywood", "Prato"]:
        assert expected.lower() in names.lower(), expected
    bad = store.rows(
        "SELECT name FROM kb_initiative WHERE latitude IS NOT NULL AND "
        "(latitude NOT BETWEEN -90 AND 90 OR longitude NOT BETWEEN -180 AND 180 OR coordinate_source IS NULL)"
    )
    assert not bad
    # a stage only where the text supports one, with the words it rests on
    staged = store.rows("SELECT stage_code, stage_basis FROM kb_initiative WHERE stage_code IS NOT NULL")
    assert staged and all(s["stage_basis"] for s in staged)
