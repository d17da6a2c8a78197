"""Version 17: actions chosen by a vote (issue 13 items 3 and 9).

When the room has voted, the facilitator turns the top of the ranking into actions: one row per
chosen option, with its owner and due date (both may stay empty until agreed), and who changed
it last. An option typed into the vote has no checklist item behind it, so its owner and due
date live here; the checklist items marked to do keep theirs on the checklist.
"""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 17
NAME = "workshop room: actions chosen by a vote, with owner and due date"

VOTE_ACTION = Table(
    name="vote_action",
    description="An option of a vote that the facilitator made an action (from the ranking), with its owner and "
                "due date.",
    layer=LAYER_USER,
    columns=(
        col("workspace_id", "VARCHAR", "Workspace the vote belongs to (workspace.workspace_id).", nullable=False),
        col("vote_id", "VARCHAR", "Identifier of the vote ('vt-' and 8 letters).", nullable=False),
        col("seq", "INTEGER", "The option (vote_option.seq).", nullable=False),
        col("owner", "VARCHAR", "Who is responsible for the item."),
        col("due_date", "DATE", "When an item of the action list is due (set by the facilitator); NULL while not set."),
        col("changed_by", "VARCHAR", "Name of the participant (browser session) who made the change; for an answer, who "
            "changed it last."),
        col("changed_at", "TIMESTAMP", "When the change was made (UTC); for an answer, its latest change.", nullable=False),
    ),
    primary_key=("workspace_id", "vote_id", "seq"),
    workspace_column="workspace_id",
)

TABLES = [VOTE_ACTION]
