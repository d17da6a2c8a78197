import streamlit as st

from clusterdash import queries, ui
from clusterdash.ui import statistics as stats_ui

store = ui.get_store()

ui.page_intro(
    "Regional cluster statistics",
    "Where a cluster is concentrated and how strong it is, region by region, with the U.S. Cluster "
    "Mapping Project's measures: location quotients, strong clusters, growth and job creation. "
    "Every table and chart has a CSV download with its units and source.",
)

datasets = queries.stats_datasets(store)
if datasets.empty:
    stats_ui.no_data(store)
    st.stop()

view = stats_ui.choose_view()
selection = stats_ui.choose_dataset(store, datasets)
if selection is not None:
    stats_ui.VIEW_FUNCTIONS[view](store, selection)
