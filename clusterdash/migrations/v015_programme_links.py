"""Version 15: which initiatives of the catalogue a policy programme supports (issue #14 follow-up).

New knowledge table (rebuilt from ``data/knowledge/``, every row with its ``source``):

* ``kb_programme_initiative`` — one row per programme (kb_policy_programme) and initiative
  (kb_initiative) that the text names together: the programme supports it, it is the programme's
  key implementer, or the text only names the two together. ``text`` keeps the words the link rests
  on, so the programmes page and the initiative profiles can link to each other without ClusterDash
  asserting more than the text says.
"""

from clusterdash.migrations.v001_core import kb
from clusterdash.schema import col

VERSION = 15
NAME = "learn: links between policy programmes and the initiatives the text names with them"

KB_PROGRAMME_INITIATIVE = kb(
    "programme_initiative",
    "Initiatives of the catalogue that the text names with a policy programme, and how: supported by it, its key "
    "implementer, or only named together; text = the words the link rests on.",
    [
        col("programme_code", "VARCHAR", "Policy programme (kb_policy_programme.programme_code).", nullable=False),
        col("initiative_id", "VARCHAR", "Initiative of the catalogue (kb_initiative.initiative_id).", nullable=False),
        col(
            "link_kind",
            "VARCHAR",
            "How the text links them: 'supports' = the text says the programme funds, co-funds, established or "
            "supported the initiative; 'implemented_by' = the initiative is named as the programme's key "
            "implementer; 'named_with' = the text names the initiative in the programme's passage without saying "
            "that the programme supports it.",
            nullable=False,
        ),
        col("text", "VARCHAR", "The words of the text the link rests on (punctuation repaired).", nullable=False),
        col("note", "VARCHAR", "What the text leaves open about the link, where something is."),
    ],
    primary_key=["programme_code", "initiative_id"],
)

TABLES = [KB_PROGRAMME_INITIATIVE]
