from clusterdash import ui
from clusterdash.ui import analysis

store = ui.get_store()

ui.page_intro(
    "Region × cluster",
    "One cluster in one region over the years against the benchmark — employment, establishments, wages and location quotient — and its drill-down into subclusters and industries, with the cells the source withheld at every level.",
)

analysis.region_cluster_page(store)
