"""Version 10: dot-voting in the workshop room (issue 13 item 3).

The facilitator opens a vote on a set of options (the checklist items marked to do, or lines
typed in); each participant has a budget of dots to place on the options (stacked or one per
option); results stay hidden until the facilitator reveals them; a new round keeps the earlier
round's dots (comparable); anonymous votes store a per-browser-session pseudonym, never a name.
"""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 10
NAME = "workshop room: dot-votes, their options and dots"

WORKSPACE_ID = col("workspace_id", "VARCHAR", "Workspace the vote belongs to (workspace.workspace_id).", nullable=False)
VOTE_ID = col("vote_id", "VARCHAR", "Identifier of the vote ('vt-' and 8 letters).", nullable=False)

VOTE = Table(
    name="vote",
    description="A dot-vote opened by the facilitator: its question, the dot budget per person and its state.",
    layer=LAYER_USER,
    columns=(
        WORKSPACE_ID,
        VOTE_ID,
        col("title", "VARCHAR", "The question put to the room, e.g. 'Which three actions first?'.", nullable=False),
        col("dots_per_person", "INTEGER", "How many dots each participant may place.", nullable=False),
        col("is_stacking", "BOOLEAN", "Whether a participant may put several dots on one option.", nullable=False),
        col("is_anonymous", "BOOLEAN", "Whether dots are stored under a per-session pseudonym instead of a name.",
            nullable=False),
        col("is_open", "BOOLEAN", "Whether dots can be placed now (false: closed).", nullable=False),
        col("is_revealed", "BOOLEAN", "Whether participants see the results (false: hidden until reveal).",
            nullable=False),
        col("round", "INTEGER", "The current round (1-based); earlier rounds' dots are kept.", nullable=False),
        col("created_at", "TIMESTAMP", "When the vote was opened (UTC).", nullable=False),
    ),
    primary_key=("workspace_id", "vote_id"),
    workspace_column="workspace_id",
)

VOTE_OPTION = Table(
    name="vote_option",
    description="One option of a vote, in the order shown.",
    layer=LAYER_USER,
    columns=(
        WORKSPACE_ID,
        VOTE_ID,
        col("seq", "INTEGER", "Order of the option within the vote (1-based).", nullable=False),
        col("label", "VARCHAR", "The option as shown.", nullable=False),
        col("source_ref", "VARCHAR", "What the option was made from (a checklist item key), NULL when typed in."),
    ),
    primary_key=("workspace_id", "vote_id", "seq"),
    workspace_column="workspace_id",
)

VOTE_DOT = Table(
    name="vote_dot",
    description="The dots one voter placed on one option in one round.",
    layer=LAYER_USER,
    columns=(
        WORKSPACE_ID,
        VOTE_ID,
        col("round", "INTEGER", "The round the dots belong to.", nullable=False),
        col("seq", "INTEGER", "The option (vote_option.seq).", nullable=False),
        col("voter", "VARCHAR", "The participant's name, or a pseudonym of the browser session when anonymous.",
            nullable=False),
        col("dots", "INTEGER", "Dots placed (at least 1; a removed dot deletes the row).", nullable=False),
        col("changed_at", "TIMESTAMP", "When the voter changed their dots last (UTC).", nullable=False),
    ),
    primary_key=("workspace_id", "vote_id", "round", "seq", "voter"),
    workspace_column="workspace_id",
)

TABLES = [VOTE, VOTE_OPTION, VOTE_DOT]
