"""Version 5: checklist answers and their change history.

Every checklist item of the knowledge base (a dos & don'ts item, a success factor, a
prerequisite, an obstacle, a phase key question, ...) can be answered per workspace: a
status, a note and an owner. Each field is saved the moment it is given, on its own, so two
people answering different items (or different fields of one item) never overwrite each
other; every change is also appended to ``checklist_change`` with who made it and when.

Items are identified by the knowledge base's own key (list_code, group_code, kind, seq); the
phase key questions appear as lists ``key_questions_<stage_code>`` (see clusterdash.checklists).
"""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 5
NAME = "workspaces & checklists: checklist answers and their history"

_ITEM_COLUMNS = (
    col("workspace_id", "VARCHAR", "Workspace the answer belongs to (workspace.workspace_id).", nullable=False),
    col("list_code", "VARCHAR", "Checklist: a kb_guidance_list.list_code, or key_questions_<stage_code> for a "
        "phase's key questions (kb_phase_key_question).", nullable=False),
    col("group_code", "VARCHAR", "Group (area) of the item within the list (kb_guidance_item.group_code; 'all' "
        "for key questions).", nullable=False),
    col("kind", "VARCHAR", "Kind of item (kb_guidance_item.kind: do, dont, factor, ...; key_question).", nullable=False),
    col("seq", "INTEGER", "Order of the item within its group and kind (kb_guidance_item.seq / "
        "kb_phase_key_question.seq).", nullable=False),
)

CHECKLIST_ANSWER = Table(
    name="checklist_answer",
    description="The answer to one checklist item in one workspace: status, note and owner, with who changed "
    "it last and when. Written field by field, the moment a field is given.",
    layer=LAYER_USER,
    columns=_ITEM_COLUMNS
    + (
        col("status", "VARCHAR", "done, in_progress, not_yet or not_applicable; NULL while no status is given."),
        col("note", "VARCHAR", "Free note (what was agreed, evidence, next step)."),
        col("owner", "VARCHAR", "Who is responsible for the item."),
        col("changed_by", "VARCHAR", "Name of the person (browser session) who changed a field last.", nullable=False),
        col("changed_at", "TIMESTAMP", "When a field was changed last (UTC).", nullable=False),
    ),
    primary_key=("workspace_id", "list_code", "group_code", "kind", "seq"),
    workspace_column="workspace_id",
)

CHECKLIST_CHANGE = Table(
    name="checklist_change",
    description="Every change of a checklist answer, appended in the same transaction as the change itself: "
    "nothing overwritten by a later answer is lost.",
    layer=LAYER_USER,
    columns=(col("change_id", "VARCHAR", "Identifier of the change (a UUID).", nullable=False),)
    + _ITEM_COLUMNS
    + (
        col("field", "VARCHAR", "Field changed: status, note or owner.", nullable=False),
        col("old_value", "VARCHAR", "Value before the change (NULL: none)."),
        col("new_value", "VARCHAR", "Value after the change (NULL: cleared)."),
        col("changed_by", "VARCHAR", "Name of the person (browser session) who made the change.", nullable=False),
        col("changed_at", "TIMESTAMP", "When the change was made (UTC).", nullable=False),
    ),
    primary_key=("change_id",),
    workspace_column="workspace_id",
)

TABLES = [CHECKLIST_ANSWER, CHECKLIST_CHANGE]
