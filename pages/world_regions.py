import streamlit as st

from clusterdash import queries, ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()

ui.page_intro(
    "Cluster approaches by world region",
    "How cluster development is approached around the world, as the guide describes it region by region. Pick a "
    "region (or click a country): its narrative, the financing pattern the financing pillar reports for the region "
    "ClusterDash pairs with it, and the region's initiatives and policy programmes in the catalogue.",
)
regions = queries.world_regions(store)
country_regions = queries.country_regions(store)
selected = learn_ui.settle_choice(learn_ui.REGION_KEY, "region", list(regions["world_region"]))

learn_ui.region_map(country_regions, regions, selected)

if not selected:
    learn_ui.region_overview(regions)
    st.stop()

region = regions[regions["world_region"] == selected].iloc[0].to_dict()
left, right = st.columns([3, 2], gap="large")
with left:
    learn_ui.region_narrative(store, region)
with right:
    learn_ui.region_financing(store, region)

programmes = queries.policy_programmes(store)
learn_ui.region_catalogue(store, region, programmes)
learn_ui.region_countries(country_regions, selected)
learn_ui.region_download(store, region, programmes, country_regions)
