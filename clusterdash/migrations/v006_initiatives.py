"""Version 6: value-chain coverage of cluster initiatives (the guide's value chain mapping).

The guide (seed 004, PART 2 Initiation phase › Step 1/4 › Value chain mapping) uses value
chain mapping "to understand to what extent nodes of a given value or supply chain are
covered by local actors" and to "identify white spot or missing links". ClusterDash keeps,
per workspace and initiative, an ordered list of value-chain stages, each with its local
actors and a coverage status (``value_chain_stage``).

Starting templates come from the knowledge base: only the stages the guide itself names for
its examples (the plastics chain of Southern Germany vs Abidjan, the software value chain in
Georgia, the Prosecco cluster's actors, the classic value chain approach of the SWOT page),
each row with its source (``kb_value_chain_template``, ``kb_value_chain_template_stage``).
"""

from clusterdash.schema import LAYER_KNOWLEDGE, LAYER_USER, SOURCE_COLUMN, Table, col

VERSION = 6
NAME = "initiatives map & value chains: value-chain templates and coverage"

VALUE_CHAIN_TEMPLATE = Table(
    name="kb_value_chain_template",
    description="Value chains the guide describes with named stages or actor groups; offered as starting "
    "templates for a value-chain coverage list.",
    layer=LAYER_KNOWLEDGE,
    csv="value_chain_template.csv",
    columns=(
        col("template_code", "VARCHAR", "Stable identifier of the template.", nullable=False),
        col("template_name", "VARCHAR", "Name of the value chain.", nullable=False),
        col("initiative_id", "VARCHAR", "Catalogue initiative (kb_initiative) the guide's example is about, if one."),
        col("description", "VARCHAR", "What the guide says about this value chain, in its words.", nullable=False),
        col("completeness_note", "VARCHAR", "What the template does not contain (e.g. stages shown only in a "
            "figure whose labels the text does not give).", nullable=False),
        SOURCE_COLUMN,
    ),
    primary_key=("template_code",),
)

VALUE_CHAIN_TEMPLATE_STAGE = Table(
    name="kb_value_chain_template_stage",
    description="The stages (actor groups) of a value-chain template, in the order the guide lists them.",
    layer=LAYER_KNOWLEDGE,
    csv="value_chain_template_stage.csv",
    columns=(
        col("template_code", "VARCHAR", "Template (kb_value_chain_template.template_code).", nullable=False),
        col("seq", "INTEGER", "Order within the template, as in the source (1-based).", nullable=False),
        col("stage_name", "VARCHAR", "Stage or actor group in the guide's words (shortened where the guide uses a "
            "sentence; the full words are in description).", nullable=False),
        col("description", "VARCHAR", "What the guide says about this stage or its actors."),
        col("example_coverage_text", "VARCHAR", "What the guide says about local coverage of this stage in its "
            "example (words only; NULL where it says nothing)."),
        SOURCE_COLUMN,
    ),
    primary_key=("template_code", "seq"),
)

VALUE_CHAIN_STAGE = Table(
    name="value_chain_stage",
    description="Value-chain coverage of a cluster initiative in a workspace: one row per stage, with its "
    "local actors and whether local actors cover it. Saved field by field as it is typed.",
    layer=LAYER_USER,
    columns=(
        col("workspace_id", "VARCHAR", "Workspace the list belongs to (workspace.workspace_id).", nullable=False),
        col("initiative_id", "VARCHAR", "Cluster initiative (initiative.initiative_id: catalogue or user).",
            nullable=False),
        col("stage_id", "VARCHAR", "Identifier of the stage row ('vc-' + random).", nullable=False),
        col("seq", "INTEGER", "Position in the chain, 1 = first (upstream).", nullable=False),
        col("stage_name", "VARCHAR", "Stage or actor group of the value chain (e.g. 'Raw material providers').",
            nullable=False),
        col("local_actors", "VARCHAR", "Local actors covering the stage (names, numbers, as the user knows them)."),
        col("coverage_status", "VARCHAR", "covered, partly_covered or gap; NULL while not yet assessed."),
        col("notes", "VARCHAR", "Free notes (evidence, actors to attract, next step)."),
        col("template_code", "VARCHAR", "Template the stage was taken from (kb_value_chain_template), if any."),
        col("updated_at", "TIMESTAMP", "Last change (UTC).", nullable=False),
    ),
    primary_key=("workspace_id", "stage_id"),
    workspace_column="workspace_id",
)

TABLES = [VALUE_CHAIN_TEMPLATE, VALUE_CHAIN_TEMPLATE_STAGE, VALUE_CHAIN_STAGE]
