"""Version 8: the whole guide findable — definitions, Learn topics, shapes of cluster
implementation, the evolution of the concept, cluster approaches by world region, the example
SWOT, further reading — and the last fidelity slips.

New knowledge tables (rebuilt from ``data/knowledge/``, every row with its ``source``):
``kb_glossary_term``, ``kb_learn_topic`` / ``kb_learn_item``, ``kb_cluster_shape``,
``kb_concept_timeline``, ``kb_region_approach`` / ``kb_region_approach_point``,
``kb_country_region``, ``kb_example_swot`` and ``kb_further_reading``.

Redeclared knowledge tables (see :mod:`clusterdash.schema`: a knowledge table holds no user data,
so the migration drops it and creates it from the new declaration; the loader fills it again):

* ``kb_source_document`` gets ``short_title`` (how citations name a seed, e.g. "Cluster
  Development Guide" instead of the file name);
* ``kb_phase_tool`` gets ``allocation_basis`` / ``allocation_note``: whether the text puts a tool
  in its step, or the step is ClusterDash's reading of a step graphic whose layout was lost;
* ``kb_initiative`` gets ``location_precision``: whether the coordinates are the place the text
  names, a city standing for a region it names, or the capital standing for a country.

``upgrade`` recreates the ``initiative`` view so that it carries ``location_precision``.
"""

from clusterdash.migrations.v001_core import KB_TABLES as V001_KB_TABLES
from clusterdash.migrations.v001_core import SEQ, kb
from clusterdash.schema import col

VERSION = 8
NAME = "learn: glossary, topics, shapes, timeline, regions, example SWOT, reading; fidelity columns"

_V001 = {t.name: t for t in V001_KB_TABLES}

SOURCE_FILE = col(
    "source_file",
    "VARCHAR",
    "Seed document the row comes from (kb_source_document.source_file), e.g. '004_8de2c7bdefb2b6f4.txt'.",
    nullable=False,
)
WORLD_REGION = col(
    "world_region",
    "VARCHAR",
    "World region of the guide's 'Predominant cluster approaches around the world' (kb_region_approach): "
    "europe, africa, north_america, australia_oceania, latin_america_caribbean or east_central_asia.",
    nullable=False,
)


def _columns_of(name: str, *, without_source: bool = True):
    cols = _V001[f"kb_{name}"].columns
    return [c for c in cols if not (without_source and c.name == "source")]


def _insert_after(columns, after: str, new):
    out = []
    for c in columns:
        out.append(c)
        if c.name == after:
            out.extend(new)
    assert len(out) == len(columns) + len(new), after
    return out


# ---- redeclared tables (fidelity) ------------------------------------------------------------

KB_SOURCE_DOCUMENT = kb(
    "source_document",
    _V001["kb_source_document"].description,
    _insert_after(
        _columns_of("source_document"),
        "title",
        [col("short_title", "VARCHAR", "Short title that citations use for the document (e.g. 'Cluster Development Guide').",
             nullable=False)],
    ),
    primary_key=["source_file"],
)

KB_PHASE_TOOL = kb(
    "phase_tool",
    _V001["kb_phase_tool"].description
    + " allocation_basis says whether the text puts the tool in that step or the step is ClusterDash's reading.",
    _columns_of("phase_tool")
    + [
        col(
            "allocation_basis",
            "VARCHAR",
            "Why the tool is in this step: 'text' = the guide's passage on the tool is in this step's section; "
            "'clusterdash_reading' = only the step graphic names the tool, its layout was lost in extraction and "
            "ClusterDash reads the step off the order of the graphic's labels.",
            nullable=False,
        ),
        col("allocation_note", "VARCHAR", "What the allocation rests on, in a sentence (the section, or what the graphic keeps)."),
    ],
    primary_key=["stage_code", "step_no", "tool_code"],
)

KB_INITIATIVE = kb(
    "initiative",
    _V001["kb_initiative"].description,
    _insert_after(
        _columns_of("initiative"),
        "coordinate_source",
        [
            col(
                "location_precision",
                "VARCHAR",
                "What the coordinates stand for: 'place' = the city or town the text names; 'region' = a main city "
                "standing for the region the text names; 'country' = the national capital standing for a country "
                "(the text names no place); NULL where there are no coordinates.",
            )
        ],
    ),
    primary_key=["initiative_id"],
)

# ---- glossary --------------------------------------------------------------------------------

KB_GLOSSARY_TERM = kb(
    "glossary_term",
    "Definitions of terms in the seeds' own words, one row per definition; rows of one term_code from "
    "different seeds put the seeds' definitions side by side.",
    [
        col("term_code", "VARCHAR", "Stable identifier of the concept (shared across seeds, e.g. cluster, cluster_policy).",
            nullable=False),
        SOURCE_FILE,
        col("seq", "INTEGER", "Order of the definition within the term and seed (1-based, as in the text).", nullable=False),
        col("term", "VARCHAR", "The term as the seed writes it.", nullable=False),
        col("definition", "VARCHAR", "The definition in the seed's words (punctuation repaired).", nullable=False),
        col("attributed_to", "VARCHAR", "Who the seed attributes the definition to, where it quotes one (e.g. 'Porter')."),
        col("note", "VARCHAR", "What to know when reading it (e.g. that the seed quotes another text)."),
    ],
    primary_key=["term_code", "source_file", "seq"],
)

# ---- learn topics ----------------------------------------------------------------------------

KB_LEARN_TOPIC = kb(
    "learn_topic",
    "Topics of the Learn section: lists and short passages of the seeds (key features, benefits, objectives, "
    "risks, pillars, policy tools, UNIDO's approach, SDG links, ...), each from one seed.",
    [
        col("topic_code", "VARCHAR", "Stable identifier of the topic.", nullable=False),
        col("topic_order", "INTEGER", "Display order of the topics (1-based; ClusterDash's order: seed by seed, "
            "as in the text).", nullable=False),
        col("title", "VARCHAR", "Title of the topic (the seed's heading where it has one).", nullable=False),
        SOURCE_FILE,
        col("intro", "VARCHAR", "The seed's words introducing the list or passage, where it has some."),
        col("is_excerpt", "BOOLEAN", "true where the seed text is truncated here, so the topic holds only what the excerpt keeps.",
            nullable=False),
        col("guidance_list_code", "VARCHAR",
            "Where the topic's items are a guidance list (kb_guidance_list.list_code), that list; its items are in "
            "kb_guidance_item, not in kb_learn_item."),
        col("note", "VARCHAR", "What the text does not give (e.g. a questionnaire's questions), where that matters."),
    ],
    primary_key=["topic_code"],
)

KB_LEARN_ITEM = kb(
    "learn_item",
    "Items of the Learn topics, in the seed's order and words.",
    [
        col("topic_code", "VARCHAR", "Topic the item belongs to (kb_learn_topic).", nullable=False),
        SEQ,
        col("title", "VARCHAR", "Heading of the item where the seed gives one (e.g. 'Cluster Identification', 'SDG 8')."),
        col("text", "VARCHAR", "The item in the seed's words.", nullable=False),
    ],
    primary_key=["topic_code", "seq"],
)

# ---- shapes of cluster implementation and the evolution of the concept -----------------------

KB_CLUSTER_SHAPE = kb(
    "cluster_shape",
    "The eight shapes of cluster implementation the guide differentiates (seed 004, PART 1 "
    "'Differentiating various shapes of cluster implementation').",
    [
        col("shape_code", "VARCHAR", "Stable identifier of the shape.", nullable=False),
        SEQ,
        col("shape_name", "VARCHAR", "Name as the guide heads it.", nullable=False),
        col("abbreviation", "VARCHAR", "Abbreviation the guide uses (SEZ, STP, EIP), where it uses one."),
        col("definition", "VARCHAR", "The guide's description of the shape, in its words.", nullable=False),
        col("reference", "VARCHAR", "The reference the guide's footnote gives for the description (e.g. 'UNIDO. 2020.')."),
    ],
    primary_key=["shape_code"],
)

KB_CONCEPT_TIMELINE = kb(
    "concept_timeline",
    "How the cluster approach evolved over time: the observers and milestones the seeds name, with the year or "
    "period as the text gives it (words where it gives words).",
    [
        col("event_code", "VARCHAR", "Stable identifier of the entry.", nullable=False),
        col("timeline_order", "INTEGER", "Chronological order (ClusterDash's arrangement: the guide prints its entries around a timeline "
            "graphic whose layout was lost, and the other milestones in other sections).", nullable=False),
        col("timeline_kind", "VARCHAR", "early_example (co-location before the concept), observer (an author or body the guide "
            "names as an observer of clustering) or milestone (a step in cluster policy or cluster development).",
            nullable=False),
        col("period_text", "VARCHAR", "When, as the text words it ('1890', 'in the early 1980s', 'ancient Athens'); "
            "NULL where the passage gives no time."),
        col("year", "INTEGER", "The year, only where the passage states one."),
        col("actor", "VARCHAR", "Who (person, body or place) the entry is about."),
        col("text", "VARCHAR", "The entry in the text's words.", nullable=False),
        col("reference", "VARCHAR", "The reference the text's footnote gives, where it gives one."),
        col("note", "VARCHAR", "What is uncertain (e.g. where the timeline graphic's year labels and the text differ)."),
    ],
    primary_key=["event_code"],
)

# ---- cluster approaches by world region ------------------------------------------------------

KB_REGION_APPROACH = kb(
    "region_approach",
    "The guide's world regions in 'Predominant cluster approaches around the world' (seed 004, PART 1), one row "
    "per region, with the financing-pattern region (kb_financing_pattern.region_code) shown beside it.",
    [
        WORLD_REGION,
        SEQ,
        col("region_name", "VARCHAR", "The region as the guide heads it.", nullable=False),
        col("financing_region_code", "VARCHAR",
            "Region of 'Financing patterns around the world' (kb_financing_pattern.region_code: eu, mena, latin_america, "
            "middle_east_asia) shown beside this region — ClusterDash's pairing: the guide's financing patterns use other "
            "regions than its narratives and never pair them. NULL where the financing patterns cover no such region."),
        col("financing_link_note", "VARCHAR",
            "What the pairing rests on and where the two regions differ (or why there is no financing region).",
            nullable=False),
        col("reference", "VARCHAR", "The reference the guide's footnote gives for the region's passage, where it gives one."),
    ],
    primary_key=["world_region"],
)

KB_REGION_APPROACH_POINT = kb(
    "region_approach_point",
    "The narrative of each world region in 'Predominant cluster approaches around the world', paragraph by "
    "paragraph and bullet by bullet, in the guide's order and words.",
    [
        WORLD_REGION,
        SEQ,
        col("point_kind", "VARCHAR", "paragraph or bullet, as printed.", nullable=False),
        col("text", "VARCHAR", "The paragraph or bullet in the guide's words.", nullable=False),
        col("countries", "VARCHAR", "Countries the point names, as named ('; '-separated), where it names some."),
    ],
    primary_key=["world_region", "seq"],
)

KB_COUNTRY_REGION = kb(
    "country_region",
    "World region (kb_region_approach) of every country or area the catalogue of initiatives and the policy "
    "programmes name, and of the countries the regional narratives name. basis says whether the text places it "
    "there or the grouping is ClusterDash's.",
    [
        col("country", "VARCHAR", "Country or area as kb_initiative.country and kb_policy_programme.country name it.",
            nullable=False),
        col("country_code", "VARCHAR", "ISO 3166-1 alpha-2 code where it is a country."),
        WORLD_REGION,
        col("region_basis", "VARCHAR",
            "'text' = the guide places it in this region (the source names the passage); 'clusterdash_grouping' = the "
            "text does not place it, ClusterDash groups it by its continent (UN M49).", nullable=False),
        col("note", "VARCHAR", "The words of the text it rests on, or how ClusterDash grouped it."),
    ],
    primary_key=["country"],
)

# ---- example SWOT and further reading --------------------------------------------------------

KB_EXAMPLE_SWOT = kb(
    "example_swot",
    "The guide's example SWOT analysis of a Tunisian automotive cluster initiative (named 'ABC' in the example), "
    "point by point.",
    [
        col("example_code", "VARCHAR", "Stable identifier of the example.", nullable=False),
        col("quadrant", "VARCHAR", "strength, weakness, opportunity or threat.", nullable=False),
        SEQ,
        col("text", "VARCHAR", "The point in the guide's words (typing slips of the slide kept).", nullable=False),
        col("quadrant_basis", "VARCHAR",
            "'clusterdash_reading' = the slide's four boxes were extracted as one list under the headings "
            "STRENGTHS WEAKNESSES … OPPORTUNITIES THREATS; ClusterDash assigns each point by its order and content.",
            nullable=False),
    ],
    primary_key=["example_code", "quadrant", "seq"],
)

KB_FURTHER_READING = kb(
    "further_reading",
    "Further reading, links and cluster-mapping examples as the seeds list them.",
    [
        col("reading_list", "VARCHAR", "Which list of the seeds the entry is in: guide_further_readings, "
            "cluster_mapping_examples, eu_definitions_learn_more, interreg_learn_more or unido_methodology.",
            nullable=False),
        SEQ,
        col("reading_kind", "VARCHAR", "publication, website or cluster_mapping_tool.", nullable=False),
        col("entry_label", "VARCHAR", "Short label (the region a mapping example is listed under, or the publication's authors and year).",
            nullable=False),
        col("reference", "VARCHAR", "The entry as printed (punctuation repaired).", nullable=False),
        col("url", "VARCHAR", "Web address as printed, only where the seed prints one."),
        col("note", "VARCHAR", "What the seed says the entry is for, or what it leaves out."),
    ],
    primary_key=["reading_list", "seq"],
)

TABLES = [
    KB_SOURCE_DOCUMENT,
    KB_PHASE_TOOL,
    KB_INITIATIVE,
    KB_GLOSSARY_TERM,
    KB_LEARN_TOPIC,
    KB_LEARN_ITEM,
    KB_CLUSTER_SHAPE,
    KB_CONCEPT_TIMELINE,
    KB_REGION_APPROACH,
    KB_REGION_APPROACH_POINT,
    KB_COUNTRY_REGION,
    KB_EXAMPLE_SWOT,
    KB_FURTHER_READING,
]

def upgrade(cur) -> None:
    # The view of all cluster initiatives carries location_precision (user initiatives: NULL —
    # their coordinates are what the user entered).
    cur.execute(
        """
        CREATE OR REPLACE VIEW initiative AS
        SELECT initiative_id, name, initiative_type, country, country_code, place, sector,
               latitude, longitude, coordinate_source, location_precision, members, members_text, founding_year,
               staff_text, funding_text, results_text, stage_code, stage_basis, description,
               source, 'catalogue' AS origin
        FROM kb_initiative
        UNION ALL
        SELECT initiative_id, name, 'cluster_initiative', country, country_code, place, sector,
               latitude, longitude, 'entered by user', NULL, members, CAST(members AS VARCHAR), founding_year,
               NULL, NULL, NULL, stage_code, NULL, notes,
               source, 'user' AS origin
        FROM user_initiative
        """
    )
    cur.execute(
        "COMMENT ON VIEW initiative IS 'All cluster initiatives: the seed catalogue (origin = catalogue) "
        "and those users added (origin = user); location_precision says what a catalogue pin stands for.'"
    )
