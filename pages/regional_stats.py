import streamlit as st

from clusterdash import queries, ui
from clusterdash.ui import statistics as stats_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()

ui.page_intro(
    "Regional cluster statistics",
    "Where an industry or cluster is concentrated and how strong it is, region by region, with the U.S. Cluster "
    "Mapping Project's measures: location quotients, strong clusters, growth and job creation. ClusterDash ships "
    "U.S. County Business Patterns 2017–2021 and Eurostat's regional Labour Force Survey; import your own on the "
    "Import statistics page. Every table and chart has a CSV download with its units and source.",
)
learn_ui.guidance_lists("regional_stats", title=None)  # limitations of data-based cluster analysis

datasets = queries.stats_datasets(store)
if datasets.empty:
    stats_ui.no_data(store)
    st.stop()

view = stats_ui.choose_view()
selection = stats_ui.choose_dataset(store, datasets)
if selection is not None:
    stats_ui.VIEW_FUNCTIONS[view](store, selection)
