"""Version 14: the facilitator's countdown timer of the workshop room (issue 13 item 4).

One row per workspace and scope (the room's one timer: scope 'room'). While the timer runs,
``ends_at`` holds the moment it ends, so every device computes the time left itself and a
reload shows the same time; paused or not started, ``left_s`` holds the seconds left."""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 14
NAME = "workshop room: the facilitator's countdown timer"

COUNTDOWN = Table(
    name="countdown",
    description="The facilitator's countdown timer of a workspace's workshop room: its duration and when it ends.",
    layer=LAYER_USER,
    columns=(
        col("workspace_id", "VARCHAR", "Workspace the timer belongs to (workspace.workspace_id).", nullable=False),
        col("scope", "VARCHAR", "Which timer: 'room', the one timer of the workshop room.", nullable=False),
        col("duration_s", "INTEGER", "The duration the facilitator set, in seconds.", nullable=False),
        col("left_s", "INTEGER", "Seconds left while the timer is not running (paused or not started).",
            nullable=False),
        col("ends_at", "TIMESTAMP", "When the running timer ends (UTC); NULL while it is not running."),
        col("changed_by", "VARCHAR", "Name of the participant who started, paused or reset the timer last."),
        col("changed_at", "TIMESTAMP", "When the timer was started, paused or reset last (UTC).", nullable=False),
    ),
    primary_key=("workspace_id", "scope"),
    workspace_column="workspace_id",
)

TABLES = [COUNTDOWN]
