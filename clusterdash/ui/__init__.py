"""The Streamlit side of ClusterDash (with pages/ and app.py, the only code that imports Streamlit).

- :mod:`.shell` — the store, navigation mode, workspace and presentation mode from the URL,
  access (:func:`can_edit`, the one view-only message), the participant's name, the sidebar;
- :mod:`.output` — user text shown literally, source lines, CSV downloads, grids, messages;
- :mod:`.errors` — the app-wide error handler (installed on import: every widget callback;
  app.py runs the page in ``errors.page_guard``);
- :mod:`.autosave` — the one save-as-you-go mechanism (versioned widget keys);
- pillar widgets, imported by pages from their module: :mod:`.checklists`, :mod:`.maturity`,
  :mod:`.toolkit`, :mod:`.financing`, :mod:`.statistics`, :mod:`.initiatives`,
  :mod:`.value_chains`.

The shell and output names are re-exported here, so pages write ``ui.get_store()``,
``ui.download_csv(...)``, ``ui.plain(...)``.
"""

from clusterdash.export import csv_bytes
from clusterdash.ui import errors
from clusterdash.ui.output import (
    data_grid,
    download_csv,
    flash_error,
    flash_success,
    label_text,
    page_intro,
    plain,
    plain_label,
    show_error,
    show_flash,
    shown_frame,
    source_line,
    show_table,
)
from clusterdash.ui.shell import (
    DEFAULT_PARTICIPANT,
    allowed,
    app_run,
    can_answer,
    can_edit,
    current_participant,
    current_workspace,
    edit_notice,
    enter_navigation_mode,
    get_store,
    is_presenting,
    is_unlocked,
    link_params,
    locked_message,
    page_link,
    page_style,
    participant_input,
    participant_params,
    repo_path,
    role,
    select_id,
    set_presenting,
    sidebar,
    switch_workspace,
    view_only_reason,
)

errors.install()  # no widget callback ever replaces a page with a traceback

__all__ = [
    "DEFAULT_PARTICIPANT", "allowed", "app_run", "can_answer", "can_edit", "csv_bytes", "current_participant",
    "current_workspace", "data_grid", "download_csv", "edit_notice", "enter_navigation_mode", "errors", "flash_error",
    "flash_success", "get_store", "is_presenting", "is_unlocked", "label_text", "link_params", "locked_message",
    "page_intro", "page_link", "page_style", "participant_input", "participant_params", "plain", "plain_label", "repo_path", "role", "select_id",
    "set_presenting", "show_error", "show_flash", "shown_frame", "sidebar", "source_line", "switch_workspace", "show_table",
    "view_only_reason",
]
