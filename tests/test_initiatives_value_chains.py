"""Value-chain coverage: templates from the guide (only what the text says, each with its source),
the per-workspace stage list (add, save field by field, move, delete; bad input leaves the store
unchanged), the summary, the CSV table and the chain diagram."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from clusterdash import queries
from clusterdash import value_chains as vc
from clusterdash.charts import value_chains as chart
from clusterdash.errors import UserError
from tests.conftest import REPO

SEED = REPO.parent / "shared" / "seeds" / "004_8de2c7bdefb2b6f4.txt"
INI = "plastics_cluster_cote_divoire"


def chain(store, wid, iid=INI) -> list[tuple]:
    return [(r["seq"], r["stage_name"], r["coverage_status"], r["local_actors"], r["notes"])
            for r in queries.value_chain_stages(store, wid, iid).to_dict("records")]


@pytest.fixture
def wid(store):
    return queries.default_workspace(store)


# ---- templates (knowledge) -------------------------------------------------------------------

def test_templates_have_sources_and_stages(store):
    t = queries.value_chain_templates(store)
    assert set(t["template_code"]) == {"plastics_value_chain", "software_value_chain_georgia",
                                       "prosecco_value_chain", "value_chain_approach_primary"}
    assert (t["stages"] > 0).all()
    assert t["source"].str.startswith("004_8de2c7bdefb2b6f4.txt § PART 2").all()
    stages = store.df("SELECT * FROM kb_value_chain_template_stage")
    assert stages["source"].str.startswith("004_8de2c7bdefb2b6f4.txt § PART 2").all()
    # the templates' initiatives exist in the catalogue
    for iid in t["initiative_id"].dropna():
        assert queries.get_initiative(store, iid) is not None
    plastics = queries.value_chain_template_stages(store, "plastics_value_chain")
    assert list(plastics["stage_name"]) == ["Raw material providers", "Machinery manufacturers"]
    assert plastics["example_coverage_text"].str.contains("Abidjan: not featured").all()


def test_template_stages_use_only_words_of_the_guide(store):
    if not SEED.exists():
        pytest.skip("seed 004 not found")
    text = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8")).lower()
    for r in store.rows("SELECT template_code, stage_name FROM kb_value_chain_template_stage"):
        for word in re.findall(r"[a-z]{4,}", r["stage_name"].lower()):
            assert word[:5] in text, (r["template_code"], r["stage_name"], word)
    prosecco = queries.value_chain_template_stages(store, "prosecco_value_chain")
    for d in prosecco["description"]:  # the actor types verbatim
        assert d.rstrip(".").lower() in text, d


# ---- the stage list -----------------------------------------------------------------------------

def test_add_save_move_delete(store, wid):
    a = queries.add_value_chain_stage(store, wid, INI, "Raw material providers")
    b = queries.add_value_chain_stage(store, wid, INI, "  Plastic processors  ", local_actors="12 SMEs in Yopougon",
                                      coverage_status="partly_covered")
    c = queries.add_value_chain_stage(store, wid, INI, "Recyclers")
    assert chain(store, wid) == [
        (1, "Raw material providers", None, None, None),
        (2, "Plastic processors", "partly_covered", "12 SMEs in Yopougon", None),
        (3, "Recyclers", None, None, None),
    ]
    queries.update_value_chain_stage(store, wid, a, "coverage_status", "gap")
    queries.update_value_chain_stage(store, wid, a, "notes", "attract a compounder")
    queries.update_value_chain_stage(store, wid, c, "local_actors", "")  # cleared → NULL
    queries.update_value_chain_stage(store, wid, c, "coverage_status", vc.NOT_ASSESSED)
    queries.move_value_chain_stage(store, wid, c, -1)
    assert [s[1] for s in chain(store, wid)] == ["Raw material providers", "Recyclers", "Plastic processors"]
    queries.move_value_chain_stage(store, wid, a, -1)  # already first: stays
    queries.move_value_chain_stage(store, wid, b, +5)  # already last: stays
    assert [s[0] for s in chain(store, wid)] == [1, 2, 3]
    queries.delete_value_chain_stage(store, wid, a)
    assert chain(store, wid) == [
        (1, "Recyclers", None, None, None),
        (2, "Plastic processors", "partly_covered", "12 SMEs in Yopougon", None),
    ]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("stage_name", "   ", r"^Stage 1, Stage: a name is required"),
        ("coverage_status", "mostly", r"^Stage 1, Coverage: “mostly” is not one of"),
        ("local_actors", "x" * 2001, r"^Stage 1, Local actors: at most 2000 characters"),
        ("seq", 5, r"seq: not a field"),
    ],
)
def test_bad_field_names_row_and_field_and_leaves_store_unchanged(store, wid, field, value, message):
    sid = queries.add_value_chain_stage(store, wid, INI, "Raw material providers", local_actors="none yet")
    before = store.rows("SELECT * FROM value_chain_stage")
    with pytest.raises(UserError, match=message):
        queries.update_value_chain_stage(store, wid, sid, field, value)
    assert store.rows("SELECT * FROM value_chain_stage") == before


def test_add_rejects_unknown_initiative_workspace_and_bad_names(store, wid):
    with pytest.raises(UserError, match="does not exist"):
        queries.add_value_chain_stage(store, wid, "no_such_initiative", "Suppliers")
    with pytest.raises(UserError, match="Workspace 'nope' does not exist"):
        queries.add_value_chain_stage(store, "nope", INI, "Suppliers")
    with pytest.raises(UserError, match="a name is required"):
        queries.add_value_chain_stage(store, wid, INI, "")
    assert store.value("SELECT count(*) FROM value_chain_stage") == 0


def test_a_chain_has_at_most_max_stages(store, wid):
    for i in range(vc.MAX_STAGES):
        queries.add_value_chain_stage(store, wid, INI, f"Stage {i}")
    with pytest.raises(UserError, match=f"at most {vc.MAX_STAGES} stages"):
        queries.add_value_chain_stage(store, wid, INI, "One too many")
    assert len(chain(store, wid)) == vc.MAX_STAGES


def test_archived_workspace_is_read_only(store, wid):
    other = queries.create_workspace(store, "Old workshop")
    sid = queries.add_value_chain_stage(store, other, INI, "Suppliers")
    queries.archive_workspace(store, other)
    with pytest.raises(UserError, match="archived"):
        queries.update_value_chain_stage(store, other, sid, "coverage_status", "gap")


def test_chains_belong_to_a_workspace_and_an_initiative(store, wid):
    other = queries.create_workspace(store, "Second workshop")
    queries.add_value_chain_stage(store, wid, INI, "Raw material providers")
    queries.add_value_chain_stage(store, other, INI, "Machinery manufacturers")
    queries.add_value_chain_stage(store, wid, "ac_serbia", "Tier-2 suppliers")
    assert [s[1] for s in chain(store, wid)] == ["Raw material providers"]
    assert [s[1] for s in chain(store, other)] == ["Machinery manufacturers"]
    ov = queries.value_chain_overview(store, wid)
    assert set(ov["initiative_id"]) == {INI, "ac_serbia"} and set(ov["stages"]) == {1}


def test_duplicating_a_workspace_copies_its_value_chains(store, wid):
    queries.add_value_chain_stage(store, wid, INI, "Raw material providers", coverage_status="gap")
    copy = queries.duplicate_workspace(store, wid)
    assert chain(store, copy) == chain(store, wid)


def test_apply_template_appends_missing_stages_only(store, wid):
    queries.add_value_chain_stage(store, wid, INI, "Plastic processors", coverage_status="covered")
    queries.add_value_chain_stage(store, wid, INI, "raw material PROVIDERS")
    assert queries.apply_value_chain_template(store, wid, INI, "plastics_value_chain") == 1
    assert [s[1] for s in chain(store, wid)] == ["Plastic processors", "raw material PROVIDERS",
                                                "Machinery manufacturers"]
    rows = queries.value_chain_stages(store, wid, INI)
    assert rows["template_code"].tolist() == [None, None, "plastics_value_chain"]
    assert queries.apply_value_chain_template(store, wid, INI, "plastics_value_chain") == 0
    with pytest.raises(UserError, match="does not exist"):
        queries.apply_value_chain_template(store, wid, INI, "nope")


# ---- summary, table, diagram ---------------------------------------------------------------------

def _stages(statuses, names=None, actors=None) -> pd.DataFrame:
    n = len(statuses)
    return pd.DataFrame({
        "stage_id": [f"vc-{i}" for i in range(n)], "seq": list(range(1, n + 1)),
        "stage_name": names or [f"Stage {i + 1}" for i in range(n)], "coverage_status": statuses,
        "local_actors": actors or [None] * n, "notes": [None] * n, "template_code": [None] * n,
    })


def test_coverage_summary():
    s = vc.coverage_summary(_stages(["covered", "gap", None, "partly_covered", "gap"],
                                    names=["A", "B", "C", "D", "E"]))
    assert s["counts"] == {"covered": 1, "partly_covered": 1, "gap": 2, "not_assessed": 1}
    assert s["stages"] == 5 and s["assessed"] == 4 and s["covered_pct"] == 25.0 and s["gaps"] == ["B", "E"]
    empty = vc.coverage_summary(_stages([]))
    assert empty["stages"] == 0 and empty["covered_pct"] is None and empty["gaps"] == []


def test_chain_table_is_the_chain_as_shown():
    t = vc.chain_table(_stages(["gap", None], names=["Raw material providers", "Recyclers"],
                               actors=[None, "2 firms"]), "Plastic Cluster Ivory Coast")
    assert list(t.columns) == ["initiative", *vc.CSV_COLUMNS]
    assert t.fillna("").to_dict("records")[0] == {"initiative": "Plastic Cluster Ivory Coast", "seq": 1,
                                                  "stage_name": "Raw material providers", "coverage": "Gap",
                                                  "local_actors": "", "notes": "", "template_code": ""}
    assert t["coverage"].tolist() == ["Gap", "Not yet assessed"]
    assert len(vc.chain_table(_stages([]), "X")) == 0


def test_chain_figure_boxes_gaps_arrows_and_escaping():
    stages = _stages(["covered", "gap", "partly_covered", None, "gap"],
                     names=["Raw <b>material</b>", "Machinery", "Processing", "Recycling", "Export"],
                     actors=["<script>x</script>", None, None, None, None])
    fig = chart.chain_figure(stages, per_row=4, source="test source")
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 5
    gaps = [s for s in rects if s.line.color == vc.COVERAGE_COLORS["gap"]]
    assert len(gaps) == 2 and all(s.line.width == 5 for s in gaps)
    assert all(s.line.width == 2 for s in rects if s not in gaps)
    texts = [a.text for a in fig.layout.annotations]
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 4  # between consecutive stages, including the wrap to the second row
    assert any("GAP" in (t or "") for t in texts)
    joined = " ".join(t or "" for t in texts) + " ".join(fig.data[0].hovertext)
    assert "&lt;b&gt;material&lt;/b&gt;" in joined and "<script>" not in joined and "&lt;script&gt;" in joined
    assert "Source: test source" in texts
    assert fig.layout.yaxis.range == (-2, 0)  # two rows
    assert chart.chain_figure(_stages([])).layout.annotations[0].text.startswith("No stages yet")
