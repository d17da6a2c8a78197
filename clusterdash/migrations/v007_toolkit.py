"""Version 7: the guide's toolkit, saved per workspace.

Six tools of the practitioners' guide (seed 004), each attached to the stage and step where the
guide uses it (``kb_phase_tool``): stakeholder analysis, SWOT board, cluster business model
canvas, legal-form helper, cluster service portfolio and management-team skills.

Knowledge (rebuilt from ``data/knowledge/``): the guide's stakeholder-analysis example table and
the passages of the guide each tool quotes as help. User data: one table per tool, every row
belonging to a workspace (the workspace names the cluster initiative).
"""

from clusterdash.migrations.v001_core import SEQ, kb
from clusterdash.schema import LAYER_USER, Table, col

VERSION = 7
NAME = "toolkit: stakeholders, SWOT, canvas, legal form, service portfolio, team skills"

WORKSPACE_ID = col("workspace_id", "VARCHAR", "Workspace (cluster initiative) the row belongs to.", nullable=False)
CREATED_AT = col("created_at", "TIMESTAMP", "When the row was added (UTC).", nullable=False)
UPDATED_AT = col("updated_at", "TIMESTAMP", "Last change (UTC).", nullable=False)
ROW_SEQ = col("seq", "INTEGER", "Display order within the workspace (1-based, in the order added).", nullable=False)
TOOL_CODE = col(
    "tool_code",
    "VARCHAR",
    "Toolkit tool, named by the kb_phase_tool tool_code of the guide's tool: stakeholder_analysis, "
    "swot_analysis, business_model_canvas, legal_form, develop_services or staffing.",
    nullable=False,
)

KB_TABLES = [
    kb(
        "stakeholder_example",
        "The guide's example stakeholder analysis (Baden-Württemberg, S3-4AlpClusters), row by row as printed.",
        [
            SEQ,
            col("name", "VARCHAR", "Stakeholder as named in the example.", nullable=False),
            col("assessment", "VARCHAR", "Point of view as printed: positive, neutral or critical.", nullable=False),
            col("influence", "VARCHAR", "Influence as printed: high, medium or low.", nullable=False),
            col("description", "VARCHAR", "Description as printed."),
            col("measure", "VARCHAR", "Measure as printed."),
        ],
        primary_key=["seq"],
    ),
    kb(
        "toolkit_note",
        "Passages of the guide each toolkit tool shows as help (what the tool is for, how to read it).",
        [
            TOOL_CODE,
            SEQ,
            col("heading", "VARCHAR", "Short heading of the passage.", nullable=False),
            col(
                "text",
                "VARCHAR",
                "The passage in the guide's words (punctuation repaired); for a figure or table of the guide, what "
                "its text keeps of it and what was lost in extraction.",
                nullable=False,
            ),
        ],
        primary_key=["tool_code", "seq"],
    ),
]


def user_table(name: str, description: str, columns, primary_key) -> Table:
    return Table(
        name=name,
        description=description,
        columns=tuple(columns),
        primary_key=tuple(primary_key),
        layer=LAYER_USER,
        workspace_column="workspace_id",
    )


USER_TABLES = [
    user_table(
        "stakeholder",
        "Stakeholder analysis of a workspace: one row per stakeholder (group), with the guide's columns.",
        [
            WORKSPACE_ID,
            col("stakeholder_id", "VARCHAR", "Identifier of the row ('sh-' + random).", nullable=False),
            ROW_SEQ,
            col("name", "VARCHAR", "Stakeholder or stakeholder group.", nullable=False),
            col("assessment", "VARCHAR", "Their point of view: positive, neutral or critical.", nullable=False),
            col("influence", "VARCHAR", "Their potential influence during the process: high, medium or low.", nullable=False),
            col("description", "VARCHAR", "Who they are and what role they play."),
            col("measure", "VARCHAR", "Measures to keep and foster their support and engagement."),
            CREATED_AT,
            UPDATED_AT,
        ],
        ["workspace_id", "stakeholder_id"],
    ),
    user_table(
        "swot_item",
        "SWOT board of a workspace: one row per item in one of the four quadrants.",
        [
            WORKSPACE_ID,
            col("item_id", "VARCHAR", "Identifier of the item ('sw-' + random).", nullable=False),
            col("quadrant", "VARCHAR", "strength, weakness (internal analysis), opportunity or threat (external analysis).", nullable=False),
            ROW_SEQ,
            col("text", "VARCHAR", "The item.", nullable=False),
            CREATED_AT,
            UPDATED_AT,
        ],
        ["workspace_id", "item_id"],
    ),
    user_table(
        "canvas_entry",
        "Cluster business model canvas of a workspace: the text written in each block (kb_canvas_block).",
        [
            WORKSPACE_ID,
            col("block_code", "VARCHAR", "Canvas block (kb_canvas_block.block_code).", nullable=False),
            col("text", "VARCHAR", "What the workspace wrote in the block.", nullable=False),
            UPDATED_AT,
        ],
        ["workspace_id", "block_code"],
    ),
    user_table(
        "canvas_header",
        "Header of a workspace's business model canvas, as on the guide's template: name, cluster organisation, date.",
        [
            WORKSPACE_ID,
            col("author_name", "VARCHAR", "NAME field of the template: who filled in the canvas."),
            col("cluster_organisation", "VARCHAR", "CLUSTER ORGANISATION field of the template."),
            col("canvas_date", "DATE", "DATE field of the template."),
            UPDATED_AT,
        ],
        ["workspace_id"],
    ),
    user_table(
        "legal_form_answer",
        "Answers of a workspace to the legal-form helper: the guide's three questions and two preconditions.",
        [
            WORKSPACE_ID,
            col("question_code", "VARCHAR", "cooperation_closeness, commercial_role, member_integration, founding_capital or endowment_assets.", nullable=False),
            col("answer_code", "VARCHAR", "The chosen answer (codes per question in clusterdash.toolkit.LEGAL_QUESTIONS).", nullable=False),
            UPDATED_AT,
        ],
        ["workspace_id", "question_code"],
    ),
    user_table(
        "cluster_service",
        "Cluster service portfolio of a workspace: services rated as in the guide's pre-assessment and placed in the portfolio.",
        [
            WORKSPACE_ID,
            col("service_id", "VARCHAR", "Identifier of the row ('sv-' + random).", nullable=False),
            ROW_SEQ,
            col("service_name", "VARCHAR", "The service.", nullable=False),
            col("service_code", "VARCHAR", "kb_service_example.service_code when the row started from the guide's example."),
            col("frequency", "VARCHAR", "Planned frequency: rarely, occasionally or frequently."),
            col("beneficiaries", "VARCHAR", "Number of beneficiaries: few or many."),
            col("effort", "VARCHAR", "Expected effort for cluster management: high, medium or low."),
            col("relevance", "VARCHAR", "Expected relevance for actors: high, medium or low."),
            col(
                "placement_code",
                "VARCHAR",
                "Placement the workspace chose: fee_based, membership_fees, exclude_or_free or critical_review; "
                "NULL = follow the suggestion computed from the ratings.",
            ),
            col("note", "VARCHAR", "Free note."),
            CREATED_AT,
            UPDATED_AT,
        ],
        ["workspace_id", "service_id"],
    ),
    user_table(
        "team_member",
        "Members of a workspace's cluster management team, with the share of a full-time equivalent each contributes.",
        [
            WORKSPACE_ID,
            col("member_id", "VARCHAR", "Identifier of the row ('tm-' + random).", nullable=False),
            ROW_SEQ,
            col("member_name", "VARCHAR", "Name or position of the team member.", nullable=False),
            col("role", "VARCHAR", "Role in the cluster management (e.g. cluster manager)."),
            col("fte_pct", "DOUBLE", "Full-time equivalents the person contributes to the cluster management, in % (0 < fte_pct <= 100).", nullable=False),
            CREATED_AT,
            UPDATED_AT,
        ],
        ["workspace_id", "member_id"],
    ),
    user_table(
        "team_skill_score",
        "Score of one team member on one of the guide's ten staffing criteria (kb_guidance_item, list staffing_criteria).",
        [
            WORKSPACE_ID,
            col("member_id", "VARCHAR", "Team member (team_member.member_id).", nullable=False),
            col("criterion_seq", "INTEGER", "Criterion: seq of the kb_guidance_item row of list staffing_criteria (1-10).", nullable=False),
            col("score", "INTEGER", "Score from 0 (not present) to 5 (fully meets the criterion); ClusterDash's scale.", nullable=False),
            UPDATED_AT,
        ],
        ["workspace_id", "member_id", "criterion_seq"],
    ),
]

TABLES = KB_TABLES + USER_TABLES
