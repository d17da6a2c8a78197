import pandas as pd
import streamlit as st

from clusterdash import queries, registry, ui
from clusterdash.home import PILLARS, headline_figure

store = ui.get_store()

ui.page_intro(
    "ClusterDash",
    "An interactive dashboard for **industry-cluster development**: for policymakers reading the "
    "evidence, for facilitators running workshops with cluster actors, and for analysts working "
    "with regional statistics. Every figure carries its source.",
)

st.subheader("Four pillars")
links = {p.title: p for p in registry.pillar_pages()}
cols = st.columns(len(PILLARS))
for col, (name, blurb) in zip(cols, PILLARS):
    with col.container(border=True):
        st.markdown(f"#### {name}")
        st.write(blurb)
        for spec in registry.pillar_pages():
            if spec.pillar_blurb == name:
                st.page_link(spec.path, label=spec.title, icon=spec.icon)

st.subheader("Headline facts")
facts = queries.headline_facts(store)
if facts.empty:
    st.info("The knowledge base has no headline facts yet.")
else:
    cols = st.columns(3)
    for i, fact in enumerate(facts.itertuples()):
        with cols[i % 3].container(border=True):
            figure = ui.plain(headline_figure(fact.value_num, fact.value_text, fact.unit))
            st.markdown(f"### {figure}" if pd.notna(fact.value_num) else f"**{figure}**")
            st.markdown(ui.plain(fact.label))
            st.caption(f"“{ui.plain(fact.value_text)}”")
            ui.source_line(fact.source)

ui.page_link("sources", label="All sources and the whole knowledge base")
ui.page_link("learn", label="Learn: definitions, shapes of clusters, approaches by world region, policy programmes")
