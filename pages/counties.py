from clusterdash import ui
from clusterdash.ui import analysis

store = ui.get_store()

ui.page_intro(
    "Counties and economic areas",
    "County Business Patterns by county and summed to the BEA Economic Areas, on maps drawn offline; location quotients are computed among regions of the same type.",
)

analysis.counties_page(store)
