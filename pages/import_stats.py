from clusterdash import ui
from clusterdash.ui import stats_import

store = ui.get_store()

ui.page_intro(
    "Import statistics",
    "The statistics that come with ClusterDash, and your own: U.S. County Business Patterns, a Eurostat table or "
    "your own CSV, with an optional cluster crosswalk, region file and cluster relatedness. Every file is checked "
    "first; an import is all or nothing, and a problem is reported with its file, line and field.",
)
stats_import.embedded_section(store)
ui.edit_notice()
if ui.can_edit():
    stats_import.attach_form(store)
    stats_import.file_layouts()
    stats_import.import_form(store)
stats_import.datasets_section(store)
