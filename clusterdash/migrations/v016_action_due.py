"""Version 16: due dates of the action list (issue 13 item 9).

The action list holds the checklist items marked to do (or chosen by a vote on them), each with
its owner (``checklist_answer.owner``) and, from this version, a due date set by the
facilitator: one row per workspace and item while a due date is set, with who set it and when.
"""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 16
NAME = "workshop room: due dates of the action list's items"

ACTION_DUE = Table(
    name="action_due",
    description="The due date of one item of a workspace's action list (a checklist item marked to do), set by "
                "the facilitator.",
    layer=LAYER_USER,
    columns=(
        col("workspace_id", "VARCHAR", "Workspace the action belongs to (workspace.workspace_id).", nullable=False),
        col("list_code", "VARCHAR", "Checklist of the item (kb_guidance_list.list_code or a key-question list).",
            nullable=False),
        col("group_code", "VARCHAR", "Area of the item within its checklist.", nullable=False),
        col("kind", "VARCHAR", "Kind of the item (do, dont, success_factor, ...).", nullable=False),
        col("seq", "INTEGER", "Number of the item within its area and kind.", nullable=False),
        col("due_date", "DATE", "When the action is due.", nullable=False),
        col("changed_by", "VARCHAR", "Name of the participant who set the due date last."),
        col("changed_at", "TIMESTAMP", "When the due date was set last (UTC).", nullable=False),
    ),
    primary_key=("workspace_id", "list_code", "group_code", "kind", "seq"),
    workspace_column="workspace_id",
)

TABLES = [ACTION_DUE]
