"""The field registry (clusterdash/fields.py): one entry per column name, true in every table;
it writes the stored column comments, the CSV units line, chart axis titles and the value labels
the domain modules use; maturity stage names come from the knowledge base."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from clusterdash import checklists, config, export, fields, financing, initiatives, maturity, schema, toolkit
from clusterdash import value_chains as vc
from clusterdash.charts import checklists as checklist_charts
from clusterdash.charts import common
from clusterdash.charts import stats as stats_charts
from clusterdash.charts import toolkit as toolkit_charts
from clusterdash.stats import analysis


def stored_columns() -> Counter:
    return Counter(c.name for t in schema.all_tables() for c in t.columns)


# ---- registry rules ----------------------------------------------------------------------------------

def test_every_column_name_in_two_or_more_tables_is_registered():
    shared = sorted(n for n, k in stored_columns().items() if k > 1)
    assert len(shared) >= 60
    assert [n for n in shared if not fields.is_registered(n)] == []


def test_no_entry_is_unused_and_export_only_marks_exactly_the_unstored_fields():
    stored = set(stored_columns())
    unused = [n for n, f in fields.FIELDS.items() if not f.export_only and n not in stored]
    assert unused == [], "registered but no column of a declared table (mark export_only or remove)"
    mislabelled = [n for n, f in fields.FIELDS.items() if f.export_only and n in stored]
    assert mislabelled == [], "a stored column is not export-only"


def test_every_entry_has_a_label_and_a_description_and_unique_value_codes():
    for name, f in fields.FIELDS.items():
        assert f.name == name and f.label.strip() and f.description.strip().endswith("."), name
        codes = [v.code for v in f.values]
        assert len(codes) == len(set(codes)), name
        assert all(v.label.strip() for v in f.values), name


def test_booleans_are_is_star():
    stored_bools = {c.name for t in schema.all_tables() for c in t.columns if c.type == "BOOLEAN"}
    allowed = {"has_crosswalk", "label_certain", "in_comparison"}  # committed names (v001/v002): see report
    assert {n for n in stored_bools if not n.startswith("is_")} <= allowed
    assert all(c.startswith("is_") for c in ("is_strong", "is_strong_top10", "is_national"))
    assert "strong" not in analysis.EXPORT_COLUMNS and "is_strong" in analysis.EXPORT_COLUMNS


def test_indicator_export_and_stats_labels_are_registered():
    assert [c for c in analysis.EXPORT_COLUMNS if not fields.is_registered(c)] == []
    assert fields.label("lq") == "Location quotient"


# ---- the stored comments ------------------------------------------------------------------------------

def _comments(store) -> dict[tuple[str, str], str]:
    return {(r["table_name"], r["column_name"]): r["comment"] for r in store.rows(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'main'")}


def test_stored_comments_are_the_registry_descriptions(store):
    have = _comments(store)
    checked = 0
    for t in schema.all_tables():
        for c in t.columns:
            want = fields.description(c.name) if fields.is_registered(c.name) else c.description
            assert have[(t.name, c.name)] == want, (t.name, c.name)
            checked += fields.is_registered(c.name)
    assert checked > 150


def test_migrate_refreshes_comments_that_differ_and_only_those(store):
    store.execute_write("COMMENT ON COLUMN stakeholder.influence IS 'stale text'")
    store.execute_write("COMMENT ON COLUMN swot_item.quadrant IS 'stale text'")
    with store.cursor() as cur:
        assert len(schema.stale_column_comments(cur)) == 2
    assert store.migrate() == []  # no migration applied ...
    have = _comments(store)  # ... but the comments are the registry's again
    assert have[("stakeholder", "influence")] == fields.description("influence")
    assert have[("swot_item", "quadrant")] == fields.description("quadrant")
    with store.cursor() as cur:
        assert schema.stale_column_comments(cur) == []
        assert schema.refresh_column_comments(cur) == 0


def test_describe_shows_the_registry_text():
    rows = [r for r in schema.describe(schema.all_tables()) if r["column"] == "seq"]
    assert len(rows) > 10 and {r["description"] for r in rows} == {fields.description("seq")}


# ---- CSV units -------------------------------------------------------------------------------------------

def _comment_lines(data: bytes) -> list[str]:
    return [line for line in data.decode().splitlines() if line.startswith("#")]


def test_csv_carries_the_units_of_its_columns():
    df = pd.DataFrame({"cluster_name": ["A"], "lq": [1.2], "national_share_pct": [3.0], "is_strong": [True]})
    lines = _comment_lines(export.csv_bytes(df, source="test"))
    assert lines == ["# source: test",
                     f"# units: lq: {fields.unit('lq')}; national_share_pct: {fields.unit('national_share_pct')}"]
    assert fields.unit("lq") == "ratio (1 = national average)" and fields.unit("national_share_pct") == "percent"
    back = pd.read_csv(io.BytesIO(export.csv_bytes(df, source="test")), comment="#")
    assert list(back.columns) == list(df.columns) and back["is_strong"].tolist() == [True]


def test_csv_units_given_by_the_caller_win_and_no_units_means_no_line():
    df = pd.DataFrame({"lq": [1.0]})
    assert _comment_lines(export.csv_bytes(df, source="s", units="as stated")) == ["# source: s", "# units: as stated"]
    assert _comment_lines(export.csv_bytes(pd.DataFrame({"name": ["x"], "note": ["y"]}), source="s")) == ["# source: s"]
    assert fields.units_line(["name", "unknown_column", "cagr_pct", "cagr_pct"]) == "cagr_pct: percent a year"


# ---- labels in charts and tables ---------------------------------------------------------------------------

def test_trend_and_heatmap_titles_are_registry_labels():
    trend = pd.DataFrame({"cluster_code": ["1", "1"], "cluster_name": ["Aerospace", "Aerospace"],
                          "year": [2020, 2021], "lq": [1.1, 1.3]})
    fig = stats_charts.trend_chart(trend, region_name="Alpha", source="test")
    assert fig.layout.xaxis.title.text == fields.label("year") == "Year"
    # the registry's label, with the benchmark it is measured against (issue #11)
    assert fig.layout.yaxis.title.text.startswith(fields.label("lq") + " vs the nation")
    cmp_ = pd.DataFrame({"region_code": ["A"], "region_name": ["Alpha"], "cluster_code": ["1"],
                         "cluster_name": ["Aerospace"], "employment": [10.0], "is_strong": [True], "lq": [1.4]})
    heat = stats_charts.compare_heatmap(cmp_, measure="employment", year=2021, source="test")
    assert heat.data[0].colorbar.title.text == fields.label("employment") == "Employment"
    assert [m for m in stats_charts.COMPARE_MEASURES if not fields.is_registered(m)] == []


def test_toolkit_grid_titles_and_legend_are_registry_labels():
    sh = pd.DataFrame({"name": ["SMEs"], "assessment": ["critical"], "influence": ["high"]})
    fig = toolkit_charts.stakeholder_map(sh)
    assert fig.layout.xaxis.title.text == fields.label("assessment")
    assert fig.layout.yaxis.title.text == fields.label("influence")
    assert list(fig.layout.xaxis.ticktext) == [fields.value_label("assessment", c) for c in ("critical", "neutral", "positive")]
    svc = pd.DataFrame({"service_name": ["Matchmaking"], "effort": ["low"], "relevance": ["high"],
                        "placement": ["fee_based"]})
    fig = toolkit_charts.portfolio_map(svc)
    assert fig.layout.xaxis.title.text == fields.label("effort")
    assert fig.layout.yaxis.title.text == fields.label("relevance")
    assert {tr.name for tr in fig.data if tr.showlegend} == set(fields.value_labels("placement").values())


def test_checklist_progress_legend_uses_one_label_per_status():
    progress = pd.DataFrame({"area": ["A"], "items": [4], "done": [1], "in_progress": [1], "not_yet": [0],
                             "no_answer": [1], "not_applicable": [1], "applicable": [3], "done_pct": [33.0]})
    fig = checklist_charts.progress_figure(progress)
    assert fig.layout.xaxis.title.text == fields.label("items")
    names = {tr.name for tr in fig.data if tr.name}
    assert "Not applicable" in names and "N/A" not in names
    assert names == {checklists.status_label(s) for s in checklist_charts.STACK}


def test_column_labels_cover_every_column_and_keep_unknown_names():
    got = fields.column_labels(["lq", "cluster_type", "not_a_field"])
    assert got == {"lq": "Location quotient", "cluster_type": "Cluster type", "not_a_field": "not_a_field"}
    assert fields.column_help(["lq", "not_a_field"]) == {"lq": fields.description("lq")}
    with pytest.raises(KeyError, match="no field 'not_a_field'"):
        fields.label("not_a_field")


# ---- one label per value: the domain's vocabularies are the registry's -------------------------------------

def test_one_label_per_status_and_the_short_label_is_the_registrys():
    assert fields.value_label("status", "not_applicable") == "Not applicable"
    assert fields.value_label("status", "not_applicable", short=True) == "N/A"
    names = {k: checklists.status_label(k) for k in checklists.STATUS_FILTER_OPTIONS}
    short = {k: checklists.status_label(k, short=True) for k in checklists.STATUS_FILTER_OPTIONS}
    assert names == fields.value_labels("status")
    assert short == fields.value_labels("status", short=True)
    # the only difference between the two is the short label the registry records
    diff = {k for k in names if names[k] != short[k]}
    assert diff == {v.code for v in fields.values("status") if v.short}
    assert checklists.STATUSES == fields.codes("status") and checklists.NO_ANSWER not in checklists.STATUSES
    assert checklists.status_label(checklists.NO_ANSWER) == "No answer yet"


@pytest.mark.parametrize("codes, field_name", [
    (toolkit.LEVELS, "influence"), (toolkit.LEVELS, "effort"), (toolkit.ASSESSMENTS, "assessment"),
    (toolkit.QUADRANTS, "quadrant"), (toolkit.FREQUENCIES, "frequency"), (toolkit.BENEFICIARIES, "beneficiaries"),
    (toolkit.PLACEMENTS, "placement_code"), (vc.COVERAGE_STATUSES, "coverage_status"),
    (tuple(financing.TIMINGS), "timing_code"), (maturity.STAGES, "stage_code"), (initiatives.STAGE_CODES, "stage_code"),
])
def test_domain_vocabularies_are_the_registry_values(codes, field_name):
    assert tuple(codes) == fields.codes(field_name)


def test_import_formats_are_the_registry_values():
    from clusterdash.stats import FORMATS
    assert tuple(FORMATS) == fields.codes("format")


# The aliases left by the #10 migration are gone: one name and one label per concept, the registry's.
REMOVED_ALIASES = (
    "COVERAGE_LABELS", "LEVEL_LABELS", "ASSESSMENT_LABELS", "QUADRANT_LABELS", "FREQUENCY_LABELS",
    "BENEFICIARY_LABELS", "PLACEMENT_LABELS", "KIND_LABELS", "POLARITY_LABELS", "STATUS_LABELS", "STATUS_NAMES",
    "SHARES_COLUMN_LABELS", "PLAN_LABELS", "PLAN_COLUMN_LABELS", "LIQUIDITY_COLUMN_LABELS", "ORIGIN_LABELS",
    "STAGE_NAMES", "STAGE_LABELS", "MEASURE_TITLES", "FORMAT_LABELS",
)
_ALIAS_MODULES = {"analysis": ("LABELS",)}  # module stem -> names only removed there (too common elsewhere)


def test_no_alias_for_ui_and_pages_comes_back():
    import re
    root = config.REPO_ROOT
    marker = "alias for " + "ui/pages"  # split so this file does not match itself
    names = re.compile(r"\b(" + "|".join(REMOVED_ALIASES) + r")\b")
    found = []
    for folder in ("clusterdash", "pages", "tests", "bench", "scripts"):
        for path in sorted((root / folder).rglob("*.py")):
            if path.resolve() == Path(__file__).resolve():
                continue
            text = path.read_text(encoding="utf-8")
            rel = path.relative_to(root)
            if marker in text:
                found.append(f"{rel}: '# {marker}' comment")
            found += [f"{rel}: {m}" for m in sorted(set(names.findall(text)))]
            for name in _ALIAS_MODULES.get(path.stem, ()):
                if re.search(rf"^{name}\s*[:=]", text, flags=re.M):
                    found.append(f"{rel}: {name}")
    assert (root / "app.py").read_text(encoding="utf-8").count(marker) == 0
    assert found == [], "aliases of registry labels are back; call fields.* / the domain's *_label() instead"
    for module, name in [(toolkit, "PLACEMENT_LABELS"), (vc, "COVERAGE_LABELS"), (checklists, "STATUS_NAMES"),
                         (financing, "PLAN_LABELS"), (maturity, "STAGE_NAMES"), (common, "STAGE_LABELS"),
                         (stats_charts, "MEASURE_TITLES"), (analysis, "LABELS"), (initiatives, "ORIGIN_LABELS")]:
        assert not hasattr(module, name), f"{module.__name__}.{name}"


def test_the_registry_has_what_the_aliases_held():
    assert {k: checklists.status_label(k) for k in checklists.STATUSES} == {
        k: v for k, v in fields.value_labels("status").items() if k in checklists.STATUSES}
    assert all(fields.value_label("kind", k) != k for k in checklists.CHECKABLE_KINDS)
    assert all(fields.is_registered(k) for k in financing.PLAN_LIMITS)
    assert fields.column_labels(financing.PLAN_COLUMNS)["public_share_pct"] == \
        fields.column_labels(financing.SHARES_COLUMNS)["public_share_pct"]
    assert vc.coverage_label(vc.NOT_ASSESSED) == fields.value_label("coverage_status", vc.NOT_ASSESSED)


def test_validation_messages_name_fields_by_their_registry_label():
    from clusterdash.errors import UserError
    with pytest.raises(UserError, match=f"^{fields.label('founding_year')}: "):
        initiatives.clean_initiative({"name": "X", "country": "Y", "founding_year": "soon"})
    with pytest.raises(UserError, match=f"{fields.label('local_actors')}: at most"):
        vc.clean_field("local_actors", "x" * 5000, row=1)


# ---- stage names: one place, the knowledge base ----------------------------------------------------------------

def test_stage_names_are_the_knowledge_base(store):
    kb = store.rows("SELECT stage_code, stage_name FROM kb_maturity_stage ORDER BY stage_order")
    assert maturity.stage_names() == {r["stage_code"]: r["stage_name"] for r in kb}
    assert maturity.STAGES == tuple(r["stage_code"] for r in kb)
    with (config.KNOWLEDGE_DIR / "maturity_stage.csv").open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["stage_order"]))
    assert maturity.stage_names() == {r["stage_code"]: r["stage_name"] for r in rows}
    assert fields.value_labels("stage_code") == maturity.stage_names()
    assert initiatives.stage_label("establishment") == maturity.stage_name("establishment") == kb[1]["stage_name"]
    assert initiatives.stage_label(None) == maturity.UNKNOWN_STAGE_NAME
    assert maturity.stage_name(None) == maturity.NO_STAGE_NAME
