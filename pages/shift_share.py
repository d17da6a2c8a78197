from clusterdash import ui
from clusterdash.ui import analysis

store = ui.get_store()

ui.page_intro(
    "Shift-share",
    "Shift-share splits a region's employment change between two years into what national growth, the national trend of each cluster (industry mix) and the region's own performance (regional shift) account for; the three parts add up to the change.",
)

analysis.shift_share_page(store)
