import streamlit as st

from clusterdash import knowledge, learn, ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()

ui.page_intro(
    "Learn",
    "The guide and its sources in their own words: definitions (seeds compared side by side where they define a "
    "term differently), the shapes of cluster implementation, how the concept evolved, cluster development, "
    "benefits and risks of cluster policy, UNIDO's approach and the SDGs, an example SWOT and further reading. "
    "Every passage names the seed and section it comes from.",
)
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
search = c1.text_input("Search the Learn section", key="learn_search",
                       placeholder="e.g. cluster policy, Porter, SDG, don't")
with c2:
    ui.page_link("world_regions")
    ui.page_link("programmes")

data = learn_ui.learn_data(store, search)
shown = learn.learn_export(data, knowledge.cite)
st.caption(f"{len(shown):,} passages shown" + (f" for “{ui.plain(search.strip())}”" if search.strip() else ""))

sections = learn.sections(data.topics["topic_code"])
tabs = st.tabs([f"{s.title} ({data.counts.get(s.code, 0)})" for s in sections])
for tab, section in zip(tabs, sections):
    with tab:
        learn_ui.section_view(data, section)

ui.download_csv(
    shown, "clusterdash_learn.csv", key="dl-learn",
    source="ClusterDash knowledge base (seed documents 000-004): the Learn section as shown"
           + (f"; search = {search.strip()}" if search.strip() else "") + "; the source column names seed file and section",
)
