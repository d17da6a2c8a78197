import pandas as pd
import streamlit as st

from clusterdash import queries, texts, toolkit, ui
from clusterdash.ui import autosave, history
from clusterdash.ui import toolkit as tk_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
wid = tk_ui.header(store, "business_model_canvas")
blocks = queries.canvas_blocks(store)
entries = queries.canvas_entries(store, wid)
header = queries.canvas_header(store, wid)
editable = ui.can_edit()
SOURCE = (f"business model canvas of workspace {wid} (ClusterDash); blocks and questions: {toolkit.GUIDE} § PART 2 "
          "Initiation phase › Step 4 › The Cluster Business Canvas Model")

# The canvas is laid out like the business model canvas it adapts: partners, activities and
# resources on the left, the value proposition in the middle, members on the right, costs and
# revenues along the bottom. (The guide's own arrangement was lost in extraction.)
LAYOUT = [
    [["key_partners"], ["key_activities", "key_resources"], ["value_propositions", "member_pain_points"],
     ["member_relationships", "key_challenges"], ["member_segments"]],
    [["cost_structure"], ["revenue_streams"]],
]
by_code = {code: grp for code, grp in blocks.groupby("block_code", sort=False)}
placed = {c for row in LAYOUT for col in row for c in col}
extra = [c for c in by_code if c not in placed]  # blocks the knowledge base has beyond the layout
if extra:
    LAYOUT.append([[c] for c in extra])


def block(code: str, height: int) -> None:
    grp = by_code.get(code)
    if grp is None:
        return
    name = grp["block_name"].iloc[0]
    st.markdown(f"**{ui.plain(name)}**")
    st.caption("\n".join(f"- {ui.plain(q)}" for q in grp["question"]))
    if editable:
        autosave.text(name, f"canvas|{wid}|{code}", entries.get(code),
                      lambda v, c=code, **cas: queries.save_canvas_entry(store, wid, c, v, **cas), area=True,
                      checked=True, notices=notices, height=height, label_visibility="collapsed",
                      placeholder="Write here; saved when you click elsewhere")
    else:
        st.text(entries.get(code) or "—")


h1, h2, h3 = st.columns([2, 2, 1])
with h1:
    autosave.text("Name", f"canvas-h|{wid}|author_name", header.get("author_name"),
                  lambda v, **cas: queries.save_canvas_header(store, wid, author_name=v, **cas), checked=True,
                  placeholder="Who fills in the canvas")
with h2:
    autosave.text("Cluster organisation", f"canvas-h|{wid}|cluster_organisation", header.get("cluster_organisation"),
                  lambda v, **cas: queries.save_canvas_header(store, wid, cluster_organisation=v, **cas), checked=True)
with h3:
    autosave.date("Date", f"canvas-h|{wid}|canvas_date", header.get("canvas_date"),
               lambda v: queries.save_canvas_header(store, wid, canvas_date=v))

notices = st.container(key="canvas-conflicts")  # a block's conflict, full width: the blocks are narrow
for r, row in enumerate(LAYOUT):
    # one bordered column per canvas column, all as tall as the tallest: the canvas's grid
    with st.container(horizontal=True, gap="small", key=f"canvas-row-{r}"):
        for codes in row:
            with st.container(border=True, height="stretch", key=f"canvas-{'-'.join(codes)}"):
                for i, code in enumerate(codes):
                    if i:
                        st.divider()
                    block(code, 400 if (r == 0 and len(codes) == 1) else 120 if r == 0 else 140)

export = (
    blocks.groupby(["block_order", "block_code", "block_name"], as_index=False)
    .agg(questions=("question", " / ".join))
    .sort_values("block_order")
)
export["text"] = export["block_code"].map(entries)
head_rows = pd.DataFrame([
    {"block_order": 0, "block_code": f"header_{k}", "block_name": k.replace("_", " "), "questions": None,
     "text": None if v is None else str(v)} for k, v in header.items()
])
ui.download_csv(pd.concat([head_rows, export], ignore_index=True), f"canvas_{wid}.csv", key="dl-canvas",
                source=SOURCE, units="text per block")
history.text_history(store, wid, texts.TOOL_TABLES["business_model_canvas"], key="canvas-history",
                     title="Change history of this canvas")
tk_ui.notes(store, "business_model_canvas")
learn_ui.guidance_lists("toolkit_canvas")
