"""Version 18: hide/reveal and close an assessment in the workshop room (issue 13 item 4).

Answers influence each other when the room sees them: the facilitator may hide an assessment's
result on the projector (and from participants) until "Reveal", and close answering (nobody can
then give or change an answer). Two columns of ``assessment``, as the vote's (``vote.is_revealed``,
``vote.is_open``, migration 10). Every assessment made before this version, like every new one,
is revealed and open: nothing changes until the facilitator hides or closes it.
"""

from clusterdash.schema import col, column_comment_sql

VERSION = 18
NAME = "workshop room: hide/reveal and close an assessment"

TABLES: list = []  # a user table is never redeclared: the columns are added below

COLUMNS = (
    col("is_revealed", "BOOLEAN", "Whether the room sees the results (false: hidden until reveal).",
        nullable=False, default="true"),
    col("is_open", "BOOLEAN", "Whether participants can answer now (false: closed).", nullable=False, default="true"),
)


def upgrade(cur) -> None:
    """Add the columns (every existing assessment: revealed and open) with their comments."""
    for c in COLUMNS:
        cur.execute(f"ALTER TABLE assessment ADD COLUMN {c.name} {c.type} NOT NULL DEFAULT {c.default}")
        cur.execute(column_comment_sql("assessment", c.name, c.comment))
