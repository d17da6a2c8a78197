"""Version 3: the maturity-stage assessment.

Knowledge (rebuilt from data/knowledge/): the questionnaire's dimensions and statements, each
statement tied to a maturity stage and citing the guide (seed 004); the consistency checks run
on the answers; and which of the guide's policy support fits which stage.

User data (never touched by a rebuild): assessments of a cluster initiative on a date, within a
workspace, and the answers each participant gives, one row per participant and statement. Both
tables carry ``workspace_id`` and key on it, so a workspace can be duplicated row by row.
"""

from clusterdash.migrations.v001_core import STAGE, kb
from clusterdash.schema import LAYER_USER, Table, col

VERSION = 3
NAME = "maturity assessment: questionnaire, checks, policy support; assessments and answers"

STATEMENT_CODE = col("statement_code", "VARCHAR", "Stable identifier of the statement (e.g. est_03).", nullable=False)

KB_ASSESSMENT_DIMENSION = kb(
    "assessment_dimension",
    "Dimensions that group the assessment statements (the radar chart's axes).",
    [
        col("dimension_code", "VARCHAR", "Stable identifier of the dimension.", nullable=False),
        col("dimension_order", "INTEGER", "Display order.", nullable=False),
        col("dimension_name", "VARCHAR", "Display name.", nullable=False),
        col("description", "VARCHAR", "What the dimension covers.", nullable=False),
    ],
    primary_key=["dimension_code"],
)

KB_ASSESSMENT_STATEMENT = kb(
    "assessment_statement",
    "The maturity questionnaire: observable statements a workshop can agree on, each tied to the "
    "maturity stage whose characteristics, key actions or key questions it is derived from.",
    [
        STATEMENT_CODE,
        STAGE,
        col("dimension_code", "VARCHAR", "Dimension the statement belongs to (kb_assessment_dimension).", nullable=False),
        col("seq", "INTEGER", "Order in the questionnaire.", nullable=False),
        col("statement", "VARCHAR", "The statement, phrased as an observable fact.", nullable=False),
        col("basis", "VARCHAR", "The guide's words the statement is derived from.", nullable=False),
    ],
    primary_key=["statement_code"],
)

KB_ASSESSMENT_CHECK = kb(
    "assessment_check",
    "Consistency checks on an assessment: flagged when the strong statements are largely true "
    "while the weak ones are hardly true, a combination the guide's sequence of stages contradicts.",
    [
        col("check_code", "VARCHAR", "Stable identifier of the check.", nullable=False),
        col("title", "VARCHAR", "Short title shown when the check is flagged.", nullable=False),
        col("strong_statements", "VARCHAR", "Statement codes (';'-separated) whose mean score is high.", nullable=False),
        col("weak_statements", "VARCHAR", "Statement codes (';'-separated) whose mean score is low.", nullable=False),
        col("explanation", "VARCHAR", "Why the combination is inconsistent, in the guide's words where it has them.", nullable=False),
    ],
    primary_key=["check_code"],
)

KB_STAGE_POLICY_SUPPORT = kb(
    "stage_policy_support",
    "Which of the guide's cluster-policy guidance (kb_guidance_item) fits which maturity stage.",
    [
        STAGE,
        col("seq", "INTEGER", "Order within the stage.", nullable=False),
        col("list_code", "VARCHAR", "Guidance list (kb_guidance_list).", nullable=False),
        col("group_code", "VARCHAR", "Group within the list.", nullable=False),
        col("kind", "VARCHAR", "Kind of item (do, dont, instrument, factor, ...); NULL = every kind of the group."),
        col("item_seq", "INTEGER", "Item number within its kind; NULL = every item."),
        col("fit_reason", "VARCHAR", "Why it fits the stage: the guide's words where it ties support to a maturity "
            "level, otherwise ClusterDash's reading, marked as such.", nullable=False),
    ],
    primary_key=["stage_code", "seq"],
)

ASSESSMENT = Table(
    name="assessment",
    description="A maturity-stage assessment of a cluster initiative on a date, within a workspace.",
    layer=LAYER_USER,
    columns=(
        col("workspace_id", "VARCHAR", "Workspace the assessment belongs to.", nullable=False),
        col("assessment_id", "VARCHAR", "Identifier ('as-' + random), in the URL as ?a=.", nullable=False),
        col("initiative_id", "VARCHAR", "Cluster initiative assessed (view initiative: catalogue or user-added).", nullable=False),
        col("assessed_on", "DATE", "Date of the assessment.", nullable=False),
        col("label", "VARCHAR", "Occasion or label, e.g. 'strategy workshop'."),
        col("created_at", "TIMESTAMP", "Creation time (UTC).", nullable=False),
        col("updated_at", "TIMESTAMP", "Last change of the assessment's date or label (UTC); answers carry their own time.", nullable=False),
    ),
    primary_key=("workspace_id", "assessment_id"),
    workspace_column="workspace_id",
)

ASSESSMENT_ANSWER = Table(
    name="assessment_answer",
    description="Answers to the maturity questionnaire: one row per assessment, participant and statement, "
    "saved the moment it is given. No row = not answered.",
    layer=LAYER_USER,
    columns=(
        col("workspace_id", "VARCHAR", "Workspace of the assessment.", nullable=False),
        col("assessment_id", "VARCHAR", "The assessment.", nullable=False),
        col("participant", "VARCHAR", "Name of the participant or group who answered.", nullable=False),
        STATEMENT_CODE,
        col("answer_code", "VARCHAR", "not_true, partly, largely, fully or dont_know "
            "(scored 0, 1/3, 2/3, 1; don't know is left out of the scores).", nullable=False),
        col("answered_at", "TIMESTAMP", "When the answer was given or last changed (UTC).", nullable=False),
    ),
    primary_key=("workspace_id", "assessment_id", "participant", "statement_code"),
    workspace_column="workspace_id",
)

TABLES = [
    KB_ASSESSMENT_DIMENSION,
    KB_ASSESSMENT_STATEMENT,
    KB_ASSESSMENT_CHECK,
    KB_STAGE_POLICY_SUPPORT,
    ASSESSMENT,
    ASSESSMENT_ANSWER,
]
