"""The change history of a workspace's texts (``text_change``, clusterdash.texts): who changed
which text, when, from what to what, and the texts that were not saved because someone else
had saved the field first (kept here, so nothing typed is lost). Shown as text, never HTML."""

from __future__ import annotations

import streamlit as st

from clusterdash import queries, texts
from clusterdash.store import Store
from clusterdash.ui.output import download_csv, plain, show_table

SHOWN = ("changed_at_utc", "changed_by", "what", "field", "change", "to", "from")


def history_view(store: Store, workspace_id: str, tables, *, limit: int = 200):
    """The latest changes of ``tables``' texts as the table the pages show (newest first)."""
    changes = queries.text_changes(store, workspace_id, tables=list(tables), limit=limit)
    view = texts.history_frame(changes)
    view.insert(4, "change", [texts.describe_change(r) for r in view.to_dict("records")])
    return view


def text_history(store: Store, workspace_id: str, tables, *, key: str, title: str = "Change history",
                 limit: int = 200) -> None:
    """An expander with the change history of ``tables``' texts (e.g. texts.TOOL_TABLES[tool]):
    when (UTC), who, what, field, the change, from, to; with a CSV download."""
    view = history_view(store, workspace_id, tables, limit=limit)
    refused = int((~view["is_saved"]).sum()) if len(view) else 0
    label = f"{title}: {len(view)} changes" + (f", {refused} not saved (conflict)" if refused else "")
    with st.expander(label, icon=":material/history:"):
        if view.empty:
            st.caption("No changes yet. Every change of a text is listed here with who made it and when.")
            return
        st.caption(plain(
            "Newest first; times in UTC; 'who' is the name given under Your name. A text marked 'not saved' "
            "was typed against an older version after someone else had saved the field: it was not written "
            "over their text, and is kept here." + (f" The latest {limit} changes." if len(view) >= limit else "")
        ))
        shown = view[list(SHOWN)]
        show_table(shown.astype(object).where(shown.notna(), "—"),
                   column_config={"changed_at_utc": "When (UTC)", "changed_by": "Who", "what": "What",
                                  "field": "Field", "change": "Change", "to": "Text", "from": "Before"})
        download_csv(shown, f"text_history_{workspace_id}.csv", source="ClusterDash workspace text change history",
                     label="Download history (CSV)", key=f"{key}-dl")
