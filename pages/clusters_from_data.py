from clusterdash import ui
from clusterdash.ui import analysis

store = ui.get_store()

ui.page_intro(
    "Clusters from your data",
    "Candidate clusters found in your own dataset by ClusterDash's co-location method — industries over-represented in the same regions — with their fit, the agreement with the official groups, and the option to use them as the dataset's clusters.",
)

analysis.clusters_from_data_page(store)
