"""The v008 knowledge (glossary, Learn topics, shapes, timeline, world regions, example SWOT, further
reading) matches the seeds: counts, every row sourced and found in its seed, words kept as words;
and the fidelity fixes (one quarter, "over the past 30 years", step allocations, country-only pins,
citations by title, quote-insensitive search)."""

from __future__ import annotations

import functools
import re

import pytest

from clusterdash import financing as fin
from clusterdash import knowledge, queries, schema
from clusterdash.home import headline_figure
from clusterdash.store import Store
from tests.conftest import REPO

SEED_DIR = REPO.parent / "shared" / "seeds"
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
NEW_TABLES = ["kb_glossary_term", "kb_learn_topic", "kb_learn_item", "kb_cluster_shape", "kb_concept_timeline",
              "kb_region_approach", "kb_region_approach_point", "kb_country_region", "kb_example_swot",
              "kb_further_reading"]
# the columns holding the seed's own words, per new table
WORDS = {
    "kb_glossary_term": "definition",
    "kb_learn_topic": "intro",
    "kb_learn_item": "text",
    "kb_cluster_shape": "definition",
    "kb_concept_timeline": "text",
    "kb_region_approach_point": "text",
    "kb_example_swot": "text",
    "kb_further_reading": "reference",
}

# seed 004's damaged punctuation (see the seeds README) and the two typographic marks of the extract
_REPAIR = str.maketrans({"ñ": '"', "ò": '"', "ó": "'", "ô": "'", "Á": " ", "ï": "-", "ú": "€", "γ": " "})


def squash(text: str) -> str:
    """Letters and digits only, lower case, quotes folded: robust to line breaks, hyphenation at line
    ends, words glued together by the extraction and quote styles."""
    text = knowledge.fold_quotes(text).translate(_REPAIR).replace("ý", "fi").lower()
    return re.sub(r"[^a-z0-9€%]", "", text)


def words(text: str) -> list[str]:
    text = knowledge.fold_quotes(text).translate(_REPAIR).replace("ý", "fi").lower()
    return re.findall(r"[a-z0-9€%]+", text)


@functools.cache
def seed_text(name: str) -> str:
    path = SEED_DIR / name
    if not path.exists():
        pytest.skip(f"seed not found: {path}")
    return squash(path.read_text(encoding="utf-8"))


def share_found(text: str, seed: str, n: int = 6) -> float:
    """Share of the n-word windows of ``text`` that occur in the (squashed) seed."""
    w = words(text)
    if len(w) <= n:
        return 1.0 if "".join(w) in seed else 0.0
    windows = ["".join(w[i:i + n]) for i in range(len(w) - n + 1)]
    return sum(win in seed for win in windows) / len(windows)


def source_parts(source: str) -> list[tuple[str, str | None]]:
    """(seed file, section) for each passage a source names; a passage without a file belongs to the
    file before it."""
    out, current = [], None
    for part in source.split("; "):
        m = re.match(rf"^({SEED_FILE.pattern})(?:\s*§\s*(.*))?$", part.strip())
        if m:
            current = m.group(1)
            out.append((current, m.group(2)))
        elif current:
            out.append((current, part.strip()))
    return out


def heading_found(component: str, seed: str) -> bool:
    component = re.sub(r",\s*p\.\s*\d+$", "", component.strip())  # page reference
    if squash(component) in seed:
        return True
    bare = re.sub(r"\s*\([^()]*\)$", "", component)  # ClusterDash's parenthetical description
    return bool(bare) and squash(bare) in seed


# ---- every new row sourced and found in its seed ------------------------------------------------------

@pytest.mark.parametrize("table", NEW_TABLES)
def test_every_new_row_cites_an_existing_seed_and_its_headings(store, table):
    rows = store.rows(f"SELECT * FROM {table}")
    assert rows, table
    for r in rows:
        parts = source_parts(r["source"])
        assert parts, (table, r["source"])
        for file, section in parts:
            seed = seed_text(file)
            assert section, (table, r["source"])
            for component in section.split("›"):
                assert heading_found(component, seed), (table, file, component)
        if "source_file" in r:
            assert r["source_file"] == parts[0][0], (table, r)


@pytest.mark.parametrize("table, column", sorted(WORDS.items()))
def test_the_seeds_words_are_found_in_the_seed(store, table, column):
    for r in store.rows(f"SELECT {column} AS words, source FROM {table} WHERE {column} IS NOT NULL"):
        files = {f for f, _ in source_parts(r["source"])}
        seed = "".join(seed_text(f) for f in sorted(files))
        share = share_found(r["words"], seed)
        assert share >= 0.75, (table, round(share, 2), r["words"][:120], r["source"])


def test_no_figure_is_invented(store):
    """Every number in the new tables' text columns is in the seed the row cites."""
    for table in NEW_TABLES:
        t = schema.table(table)
        text_cols = [c.name for c in t.columns if c.type == "VARCHAR" and c.name not in ("source", "source_file", "url")
                     and not c.name.endswith("_code")]
        for r in store.rows(f"SELECT {', '.join(text_cols)}, source FROM {table}"):
            files = {f for f, _ in source_parts(r["source"])}
            seed = "".join(seed_text(f) for f in sorted(files))
            for c in text_cols:
                for number in re.findall(r"(?<![A-Za-z])\d+(?:[.,]\d+)*", r[c] or ""):
                    assert squash(number) in seed, (table, c, number, r[c][:100])


# ---- counts against the seeds ---------------------------------------------------------------------

def items(store, topic_code):
    return store.rows("SELECT seq, title, text FROM kb_learn_item WHERE topic_code = ? ORDER BY seq", [topic_code])


def test_seed_000_definition_eight_features_five_benefits_five_examples(store):
    assert store.value("SELECT count(*) FROM kb_glossary_term WHERE term_code = 'industry_cluster_development' "
                       "AND source_file LIKE '000_%'") == 2
    features = items(store, "icd_key_features")
    assert [f["title"] for f in features] == [
        "Cluster Identification", "Collaboration", "Innovation", "Networking", "Access to Resources",
        "Government Support", "Education and Workforce Development", "Market Expansion"]
    benefits = items(store, "icd_benefits")
    assert [b["title"] for b in benefits] == [
        "Increased Innovation", "Competitiveness", "Job Creation", "Knowledge Spillover", "Economic Diversification"]
    # the five world examples were already in the catalogue of initiatives
    examples = store.rows("SELECT name FROM kb_initiative WHERE source LIKE '000_%Examples of Industry Clusters%'")
    assert len(examples) == 5


def test_seed_001_eu_definitions(store):
    terms = {r["term_code"] for r in store.rows("SELECT term_code FROM kb_glossary_term WHERE source_file LIKE '001_%'")}
    assert terms == {"cluster", "cluster_organisation", "cluster_policy"}


def test_seeds_compared_where_they_define_the_same_term(store):
    seeds = dict(store.df("SELECT term_code, count(DISTINCT source_file) FROM kb_glossary_term GROUP BY 1").values)
    assert seeds["cluster"] == 3  # 001 (EU), 002 (Porter, quoted), 004 (the guide)
    assert seeds["cluster_policy"] == 2 and seeds["cluster_organisation"] == 2
    porter = store.rows("SELECT definition, attributed_to FROM kb_glossary_term WHERE source_file LIKE '002_%'")
    assert porter == [{"definition": porter[0]["definition"], "attributed_to": "Porter"}]
    assert "geographic concentrations of interconnected companies" in porter[0]["definition"]
    ugc = store.rows("SELECT * FROM kb_glossary_term WHERE term_code = 'inclusive_growth'")
    assert len(ugc) == 1 and "excerpt" in ugc[0]["note"]


def test_seed_002_policy_lists(store):
    assert [i["title"] for i in items(store, "policy_pillars")] == ["Places", "Sectors", "Actors"]
    assert [i["title"] for i in items(store, "policy_tool_lines")] == [
        "Engaging actors", "Provision of collective services", "Promotion of larger-scale collaborative R&D"]
    br = {i["title"]: i["text"] for i in items(store, "policy_benefits_risks")}
    assert "transaction costs" in br["Main benefits"] and "technological lock-ins" in br["Main risks"]
    assert len(items(store, "policy_objectives")) == 2
    sd = " ".join(i["text"] for i in items(store, "specialisation_diversification"))
    assert "S3 favours diversification" in sd and "right balance between specialisation and diversification" in sd
    audit = items(store, "innovation_audit")
    assert [a["title"] for a in audit] == ["Phase 1", "Phase 2", "Phase 3", "Result"]
    questions = items(store, "innovation_audit_questions")
    assert len(questions) == 8  # the text names eight subject areas ...
    note = store.value("SELECT note FROM kb_learn_topic WHERE topic_code = 'innovation_audit_questions'")
    assert "45" in note and "does not give the questions" in note  # ... not the 45 questions


def test_seed_003_is_marked_as_an_excerpt(store):
    topics = store.rows("SELECT topic_code, is_excerpt, note FROM kb_learn_topic WHERE source_file LIKE '003_%'")
    assert {t["topic_code"] for t in topics} == {"unido_inclusive_growth", "unido_joint_action", "unido_sdg_links"}
    assert all(t["is_excerpt"] and "excerpt" in t["note"] for t in topics)
    assert not store.value("SELECT count(*) FROM kb_learn_topic WHERE is_excerpt AND source_file NOT LIKE '003_%'")
    sdgs = " ".join(i["title"] for i in items(store, "unido_sdg_links"))
    assert set(re.findall(r"SDG (\d+)", sdgs)) == {"1", "4", "5", "8", "9", "10", "15"}
    # every SDG the excerpt names is in it
    seed = (SEED_DIR / "003_535f185c305ff215.txt").read_text(encoding="utf-8")
    assert set(re.findall(r"SDG (\d+)", seed)) == set(re.findall(r"SDG (\d+)", sdgs))


def test_eight_shapes_of_cluster_implementation(store):
    shapes = store.rows("SELECT shape_code, shape_name, abbreviation FROM kb_cluster_shape ORDER BY seq")
    assert [s["shape_code"] for s in shapes] == [
        "inter_firm_network", "industrial_district", "growth_pole", "business_association",
        "special_economic_zone", "science_technology_park", "industrial_park", "eco_industrial_park"]
    assert {s["abbreviation"] for s in shapes} == {None, "SEZ", "STP", "EIP"}


def test_timeline_years_only_where_the_passage_states_them(store):
    rows = store.rows("SELECT * FROM kb_concept_timeline ORDER BY timeline_order")
    assert {"marshall", "schumpeter", "bagnasco", "becattini", "porter", "european_cluster_policy_group"} <= {
        r["event_code"] for r in rows}
    for r in rows:
        if r["year"] is not None:
            assert str(r["year"]) in r["text"] and str(r["year"]) in r["period_text"], r
        if r["period_text"]:
            assert squash(r["period_text"]) in squash(r["text"]), r
    ecpg = next(r for r in rows if r["event_code"] == "european_cluster_policy_group")
    assert ecpg["year"] is None and ecpg["period_text"] is None and "2008" in ecpg["note"]
    becattini = next(r for r in rows if r["event_code"] == "becattini")
    assert becattini["year"] == 1979 and "1978" in becattini["note"]  # the graphic's label differs
    years = [r["year"] for r in rows if r["year"] is not None]
    assert years == sorted(years)


def test_every_world_region_the_text_covers(store):
    seed = (SEED_DIR / "004_8de2c7bdefb2b6f4.txt").read_text(encoding="utf-8")
    slides = seed.count("Predominant cluster approaches around the world")
    regions = store.rows("SELECT * FROM kb_region_approach ORDER BY seq")
    assert len(regions) == slides == 6
    assert [r["region_name"] for r in regions] == [
        "Europe", "Africa", "North America", "Australia and Oceania", "Latin America and the Caribbean",
        "East and Central Asia"]
    for r in regions:
        assert f"\n{r['region_name']}\n" in seed, r["region_name"]
        n = store.value("SELECT count(*) FROM kb_region_approach_point WHERE world_region = ?", [r["world_region"]])
        assert n >= 2, r["world_region"]
    # the financing region beside each: a region code of the financing patterns, each used once
    financing = {r["region_code"] for r in store.rows("SELECT DISTINCT region_code FROM kb_financing_pattern "
                                                      "WHERE region_code IS NOT NULL")}
    paired = [r["financing_region_code"] for r in regions if r["financing_region_code"]]
    assert sorted(paired) == sorted(financing)
    for r in regions:
        assert r["financing_link_note"]
        if r["financing_region_code"]:
            assert "ClusterDash’s pairing" in r["financing_link_note"]


def test_every_catalogue_country_and_programme_area_has_a_region(store):
    regions = {r["world_region"] for r in store.rows("SELECT world_region FROM kb_region_approach")}
    cr = {r["country"]: r for r in store.rows("SELECT * FROM kb_country_region")}
    assert {r["world_region"] for r in cr.values()} <= regions
    for r in store.rows("SELECT DISTINCT country, country_code FROM kb_initiative WHERE country <> 'International'"):
        assert r["country"] in cr, r
        assert cr[r["country"]]["country_code"] == r["country_code"], r
    for r in store.rows("SELECT DISTINCT country FROM kb_policy_programme WHERE country IS NOT NULL"):
        assert r["country"] in cr, r
    # 'text' = the regional passage names the country (USA for the United States)
    named = {}
    for p in store.rows("SELECT world_region, countries FROM kb_region_approach_point WHERE countries IS NOT NULL"):
        for c in p["countries"].split("; "):
            named.setdefault(p["world_region"], set()).add(c)
    for r in cr.values():
        assert r["region_basis"] in ("text", "clusterdash_grouping"), r
        assert r["note"], r
        if r["region_basis"] == "clusterdash_grouping":
            assert r["note"].startswith("ClusterDash’s grouping"), r
        elif r["country_code"] and "Predominant cluster approaches" in r["source"]:
            alias = {"United States": "USA"}.get(r["country"], r["country"])
            assert alias in named.get(r["world_region"], set()), r


def test_example_swot_of_the_tunisian_automotive_cluster(store):
    n = dict(store.df("SELECT quadrant, count(*) FROM kb_example_swot GROUP BY 1").values)
    assert n == {"strength": 6, "weakness": 6, "opportunity": 4, "threat": 4}
    assert store.value("SELECT count(*) FROM kb_example_swot WHERE quadrant_basis <> 'clusterdash_reading'") == 0
    assert store.value("SELECT count(*) FROM kb_example_swot WHERE text LIKE '%Tunisia%' OR text LIKE '%Tunesian%'") >= 4


def test_further_reading_and_cluster_mapping_examples(store):
    n = dict(store.df("SELECT reading_list, count(*) FROM kb_further_reading GROUP BY 1").values)
    assert n["guide_further_readings"] == 6
    mapping = store.rows("SELECT entry_label, url FROM kb_further_reading WHERE reading_list = 'cluster_mapping_examples' ORDER BY seq")
    assert [m["entry_label"] for m in mapping] == ["Europe", "Europe", "USA", "Russia"]
    seed = (SEED_DIR / "004_8de2c7bdefb2b6f4.txt").read_text(encoding="utf-8")
    for r in store.rows("SELECT url FROM kb_further_reading WHERE url IS NOT NULL AND source LIKE '004_%'"):
        assert r["url"] in seed


def test_learn_topics_either_hold_items_or_point_to_a_guidance_list(store):
    for t in store.rows("SELECT * FROM kb_learn_topic"):
        n = store.value("SELECT count(*) FROM kb_learn_item WHERE topic_code = ?", [t["topic_code"]])
        if t["guidance_list_code"]:
            assert n == 0, t
            assert store.value("SELECT count(*) FROM kb_guidance_list WHERE list_code = ?", [t["guidance_list_code"]]) == 1
        else:
            assert n > 0, t
    assert not store.rows("SELECT topic_code FROM kb_learn_item EXCEPT SELECT topic_code FROM kb_learn_topic")


# ---- fidelity slips ---------------------------------------------------------------------------------------

def test_one_quarter_stays_words_and_gets_no_bar(store):
    r = store.rows("SELECT value_pct, value_text FROM kb_financing_pattern WHERE pattern_code = 'fp1_eu_membership_fee_share'")[0]
    assert r["value_pct"] is None
    assert r["value_text"] == "Membership fees make one quarter of the overall financing mix."
    patterns = store.df("SELECT * FROM kb_financing_pattern ORDER BY rowid")
    bars = fin.stated_pattern_figures(patterns, "financing_mix")
    assert "fp1_eu_membership_fee_share" not in set(bars["pattern_code"])
    card = next(s for s in fin.region_statements(patterns, "financing_mix")["eu"]
                if s["pattern_code"] == "fp1_eu_membership_fee_share")
    assert card["figure_as_stated"] is None and "one quarter" in card["words"]


def test_unido_over_the_past_30_years_is_shown_in_the_sources_words(store):
    r = store.rows("SELECT * FROM kb_headline_fact WHERE fact_code = 'unido_years_of_cluster_projects'")[0]
    assert r["value_num"] is None and r["value_text"] == "Over the past 30 years"
    assert headline_figure(r["value_num"], r["value_text"], r["unit"]) == "Over the past 30 years"
    assert squash(r["value_text"]) in seed_text("003_535f185c305ff215.txt")


def test_step_allocations_are_from_the_text_or_marked_as_clusterdash_reading(store):
    tools = store.rows("SELECT * FROM kb_phase_tool")
    assert {t["allocation_basis"] for t in tools} == {"text", "clusterdash_reading"}
    for t in tools:
        assert t["allocation_note"], t
        if t["allocation_basis"] == "text":
            # the cited section is the tool's step
            first = source_parts(t["source"])[0][1]
            assert re.search(rf"\bStep {t['step_no']}\b", first), (t["tool_code"], t["step_no"], first)
    by_code = {t["tool_code"]: t for t in tools}
    assert by_code["develop_goals"]["step_no"] == 4 and by_code["develop_goals"]["allocation_basis"] == "text"
    assert by_code["prepare_organisation_structure"]["allocation_basis"] == "clusterdash_reading"


def test_pins_without_a_place_in_the_text_are_marked_country_only(store):
    rows = store.rows("SELECT initiative_id, latitude, coordinate_source, location_precision FROM initiative "
                      "WHERE origin = 'catalogue'")
    for r in rows:
        if r["latitude"] is None:
            assert r["location_precision"] is None, r
            continue
        assert r["location_precision"] in ("place", "region", "country"), r
        if "names no city" in r["coordinate_source"]:
            assert r["location_precision"] == "country", r
        if r["location_precision"] == "country":
            assert "capital of" in r["coordinate_source"], r
    countries = [r["initiative_id"] for r in rows if r["location_precision"] == "country"]
    assert "ca_supercluster_ocean" in countries and "ac_serbia" in countries
    assert len(countries) == 22


def test_cite_names_seeds_by_title_for_every_source(store):
    titles = knowledge.seed_titles()
    assert titles["004_8de2c7bdefb2b6f4.txt"] == "Cluster Development Guide"
    assert store.value("SELECT count(*) FROM kb_source_document WHERE short_title IS NULL") == 0
    sources = {r["source"] for r in store.rows("SELECT DISTINCT source FROM knowledge_index")}
    assert len(sources) > 100
    for s in sources:
        c = knowledge.cite(s)
        assert c and not SEED_FILE.search(c), (s, c)
    assert knowledge.cite("004_8de2c7bdefb2b6f4.txt § PART 2 Establishment phase › Step 1/4 How to operationalise the "
                          "strategy? › Financing patterns around the world (I)") == (
        "Cluster Development Guide, Part 2 › Establishment phase › Step 1/4 How to operationalise the strategy? › "
        "Financing patterns around the world (I)")
    assert knowledge.cite("004_8de2c7bdefb2b6f4.txt § PART 1 › Key drivers; PART 2 Initiation phase › Lessons learned") == (
        "Cluster Development Guide, Part 1 › Key drivers; Part 2 › Initiation phase › Lessons learned")
    assert knowledge.cite("000_08821b9b5344a0b7.txt § Examples of Industry Clusters; 001_3473238d14530454.txt § What is "
                          "a cluster?") == "Industry Cluster Development, Examples of Industry Clusters; Cluster Definitions, What is a cluster?"
    assert knowledge.cite("004_8de2c7bdefb2b6f4.txt § PREFACE › Background") == "Cluster Development Guide, Preface › Background"
    assert knowledge.cite("002_0b1c7e872b872596.txt") == "Interreg Europe policy brief"
    assert knowledge.cite("README.md (seeds)") == "README.md (seeds)"
    assert knowledge.cite("004_8de2c7bdefb2b6f4.txt § X", titles={}) == "004_8de2c7bdefb2b6f4.txt, X"


# ---- quote-insensitive search -------------------------------------------------------------------------

def test_fold_quotes():
    assert knowledge.fold_quotes("don’t ‘a’ “b” „c‟ ʼd′ ‛e") == "don't 'a' \"b\" \"c\" 'd' 'e"
    assert knowledge.fold_quotes("plain 'text' \"ok\"") == "plain 'text' \"ok\""
    assert knowledge.fold_quotes("") == ""


def test_search_text_matches_either_apostrophe(store):
    curly = store.value("SELECT count(*) FROM knowledge_index WHERE text LIKE '%don’t%'")
    assert curly > 0
    for query in ("don't", "don’t"):
        pattern = "%" + knowledge.fold_quotes(query) + "%"
        n = store.value("SELECT count(*) FROM knowledge_index WHERE search_text ILIKE ?", [pattern])
        assert n >= curly, query
    # the SQL fold is the Python fold
    sample = "’‘‛ʼ′“”„‟ x"
    assert store.value(f"SELECT {knowledge.fold_quotes_sql('?')}", [sample]) == knowledge.fold_quotes(sample)


# ---- the migration -------------------------------------------------------------------------------------

def test_v008_upgrades_a_v007_store(tmp_path):
    s = Store(tmp_path / "v7.duckdb")
    try:
        s.migrate(target=7)
        assert s.schema_version() == 7
        # a v007 store with knowledge rows in the old shape and user data
        s.execute_write("INSERT INTO kb_phase_tool VALUES ('initiation', 3, 'develop_goals', 'Develop goals', NULL, 'old')")
        s.execute_write("INSERT INTO kb_initiative (initiative_id, name, initiative_type, country, source) "
                        "VALUES ('x', 'X', 'cluster', 'Serbia', 'old')")
        wid = queries.create_workspace(s, "Before v008")
        assert s.migrate()[0] == 8  # v008 first, then every later migration
        assert queries.get_workspace(s, wid)["name"] == "Before v008"
        for t in schema.tables_in_layer(schema.LAYER_KNOWLEDGE):
            cols = [r["column_name"] for r in s.rows(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [t.name])]
            assert cols == t.column_names, t.name  # the declaration and the store agree, in order
        knowledge.load_knowledge(s)
        assert s.value("SELECT allocation_basis FROM kb_phase_tool WHERE tool_code = 'develop_goals'") == "text"
        assert s.value("SELECT location_precision FROM initiative WHERE initiative_id = 'ac_serbia'") == "country"
        for t in NEW_TABLES:
            assert s.value(f"SELECT count(*) FROM {t}") > 0, t
        comments = s.rows("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'kb_phase_tool'")
        assert all(c["comment"] for c in comments)
        assert s.migrate() == []
    finally:
        s.close()


def test_a_redeclared_table_is_declared_once_and_only_knowledge_tables_may_be(monkeypatch):
    names = [t.name for t in schema.all_tables()]
    assert len(names) == len(set(names))
    assert "allocation_basis" in schema.table("kb_phase_tool").column_names
    assert "location_precision" in schema.table("kb_initiative").column_names
    assert names.index("kb_phase_tool") < names.index("kb_glossary_term")  # in the place of the first declaration
    real = schema.discover_migrations()
    v1 = next(m for m in real if m.version == 1)
    workspace = next(t for t in v1.tables if t.name == "workspace")
    bad = schema.Migration(99, "bad", [workspace])
    monkeypatch.setattr(schema, "discover_migrations", lambda: real + [bad])
    with pytest.raises(RuntimeError, match="only knowledge tables may be redeclared"):
        schema.all_tables()


def test_sources_search_finds_both_apostrophe_forms(store):
    """The Sources page's search (queries.knowledge_index): "don't" and "don’t" find the same rows."""
    from clusterdash import queries

    straight = queries.knowledge_index(store, search="don't")
    curly = queries.knowledge_index(store, search="don’t")
    assert len(straight) > 0
    assert list(straight["record_key"]) == list(curly["record_key"])
    hay = (straight["text"] + " " + straight["source"] + " " + straight["figures"].fillna("") + " "
           + straight["record_key"]).str.lower()
    assert hay.str.contains("don’t|don't", regex=True).all()
