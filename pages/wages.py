from clusterdash import ui
from clusterdash.ui import analysis

store = ui.get_store()

ui.page_intro(
    "Wages",
    "What each cluster pays in a region against the same cluster in the benchmark (the wage premium), how wages grew, and the region's clusters ranked by wage.",
)

analysis.wages_page(store)
