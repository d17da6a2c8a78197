import streamlit as st

from clusterdash import queries, schema, ui

store = ui.get_store()

ui.page_intro(
    "Sources",
    "The whole knowledge base behind ClusterDash, record by record, with the seed document and "
    "section each comes from. Search and filter; the download holds exactly the rows shown.",
)

c1, c2 = st.columns([2, 1])
search = c1.text_input("Search", placeholder="e.g. membership fees, trust, Morocco", key="src_search")
topics = c2.multiselect("Topics", queries.knowledge_topics(store), key="src_topics")
rows = queries.knowledge_index(store, search=search, topics=topics)

st.caption(f"{len(rows):,} records")
selected = ui.data_grid(
    rows, key="sources_grid", wrap=["text", "source"], selectable=True,
    column_widths={"topic": 150, "figures": 170, "record_key": 170, "table_name": 170},
)
if len(selected):
    rec = selected.iloc[0]
    with st.container(border=True):
        st.caption(f"{ui.plain(rec['topic'])} · {ui.plain(rec['table_name'])} · {ui.plain(rec['record_key'])}")
        st.markdown(ui.plain(rec["text"]))
        if isinstance(rec.get("figures"), str) and rec["figures"]:
            st.markdown(f"Figures: {ui.plain(rec['figures'])}")
        ui.source_line(rec["source"], raw=True)  # the Sources page names the seed file
else:
    st.caption("Click a row to read the whole record and its source.")
ui.download_csv(
    rows,
    "clusterdash_knowledge.csv",
    source="ClusterDash knowledge base, built from the seed documents listed below",
    key="dl-knowledge",
)

st.subheader("Seed documents")
ui.show_table(queries.source_documents(store))

with st.expander("Data dictionary: every table and column of the store"):
    ui.show_table(schema.describe(schema.all_tables()))
