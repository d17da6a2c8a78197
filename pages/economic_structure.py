from clusterdash import ui
from clusterdash.ui import analysis

store = ui.get_store()

ui.page_intro(
    "Economic structure",
    "How concentrated, diverse and specialised each region's economy is, measured by the Herfindahl-Hirschman index, Shannon entropy, related and unrelated variety and the Krugman specialisation index.",
)

analysis.structure_page(store)
