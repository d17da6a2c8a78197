from clusterdash import ui
from clusterdash.ui import analysis

store = ui.get_store()

ui.page_intro(
    "Cluster profile",
    "Where in the nation one cluster (or industry group) is strong: a map of its location quotients, the regions ranked, its employment over the years and the clusters related to it.",
)

analysis.cluster_profile_page(store)
