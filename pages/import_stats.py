from clusterdash import ui
from clusterdash.ui import statistics as stats_ui

store = ui.get_store()

ui.page_intro(
    "Import statistics",
    "Bring in regional employment statistics — U.S. County Business Patterns, a Eurostat table or your "
    "own CSV — with an optional cluster crosswalk, region file and cluster relatedness. Every file is "
    "checked first; an import is all or nothing, and a problem is reported with its file, line and field.",
)
stats_ui.file_layouts()
ui.edit_notice()
if ui.can_edit():
    stats_ui.import_form(store)
stats_ui.datasets_section(store)
