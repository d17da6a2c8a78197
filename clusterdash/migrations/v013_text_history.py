"""Version 13: the change history of a workspace's texts (issue #13, "concurrent text").

``text_change`` is ONE history for every text of the toolkit (stakeholders, SWOT items, the
business model canvas and its header, services, team members) and of the value chains: one row
per change of one field of one row — keyed by table, row and field — with the text before and
after, who and when. It is written in the same transaction as the change itself (added: old
NULL; removed: new NULL).

A text saved against an outdated version (someone else saved the same field after the writer's
page had loaded it) is *not* written over the other text; it is kept here instead, with
``is_saved = false``: ``old_value`` is the text stored at that moment, ``new_value`` the
refused text, ``loaded_value`` the version the writer had started from. So two people editing
one field never lose a text silently (clusterdash.texts, clusterdash.ui.autosave).

Checklist answers keep their own history (``checklist_change``, version 5: status, note, owner);
their refused, conflicting notes and owners are kept here, as table ``checklist_answer`` with
the item key as row.
"""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 13
NAME = "texts: change history and conflicting edits of every toolkit and value-chain text"

TEXT_CHANGE = Table(
    name="text_change",
    description="Every change of a workspace's toolkit and value-chain texts (and every text refused because "
    "someone else had saved the field meanwhile), appended in the transaction of the change: nothing "
    "overwritten or refused is lost.",
    layer=LAYER_USER,
    columns=(
        col("text_change_id", "VARCHAR", "Identifier of the change ('tc-' + random).", nullable=False),
        col("workspace_id", "VARCHAR", "Workspace the text belongs to.", nullable=False),
        col("table_name", "VARCHAR", "Table of the text: stakeholder, swot_item, canvas_entry, canvas_header, "
            "cluster_service, team_member, value_chain_stage or checklist_answer.", nullable=False),
        col("row_key", "VARCHAR", "Row of the text within its table and workspace: its identifier "
            "(stakeholder_id, item_id, service_id, member_id, stage_id), the block_code of a canvas block, "
            "'header' for the canvas header, list/group/kind/seq of a checklist item.", nullable=False),
        col("row_label", "VARCHAR", "The row in words when the change was made ('Strength 2', "
            "'Stakeholder 3 (“SMEs”)', a canvas block's name), so removed rows stay readable."),
        col("field", "VARCHAR", "Field (column) of the text.", nullable=False),
        col("old_value", "VARCHAR", "Text before the change (NULL: none); for a refused text, the text stored then."),
        col("new_value", "VARCHAR", "Text after the change (NULL: cleared or removed); for a refused text, that text."),
        col("loaded_value", "VARCHAR", "For a refused text: the version the writer's page had loaded and edited "
            "(NULL: empty, or not a refused text)."),
        col("is_saved", "BOOLEAN", "true: the change was written; false: a text saved against an outdated "
            "version, not written over the text then stored, kept only here.", nullable=False),
        col("changed_by", "VARCHAR", "Name of the participant who made the change (NULL: written outside the app, "
            "e.g. by a script)."),
        col("changed_at", "TIMESTAMP", "When the change was made (UTC).", nullable=False),
    ),
    primary_key=("text_change_id",),
    workspace_column="workspace_id",
)

TABLES = [TEXT_CHANGE]
