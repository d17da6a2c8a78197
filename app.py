"""ClusterDash entry point: ``streamlit run app.py``.

Wires the page registry (clusterdash/registry.py) into st.navigation; everything else lives
in the pages and the clusterdash package.
"""

import streamlit as st

from clusterdash import registry, ui
from clusterdash.ui import errors

with ui.app_run():  # pages know this run came through the app shell
    ui.enter_navigation_mode()
    st.set_page_config(page_title="ClusterDash", page_icon=str(ui.repo_path("clusterdash/assets/icon.png")), layout="wide")
    ui.page_style()  # small screens: segmented controls wrap instead of scrolling sideways

    try:
        store = ui.get_store()
    except Exception as exc:  # noqa: BLE001 — a damaged, locked or unreadable store: one message, no trace
        errors.show_store_error(exc)
        st.stop()

    # .streamlit/config.toml sets client.showSidebarNavigation = false, so the first paint of a
    # fresh server never shows Streamlit's file-name navigation of pages/ ("app", "assessment
    # history", …). That switch also hides st.navigation's own sidebar menu, so it is turned back
    # on here, once the script (and with it the real navigation) runs.
    st.set_option("client.showSidebarNavigation", True)
    presenting = ui.is_presenting()
    specs = {}  # st.Page -> its registry entry
    pages = {}
    for section, entries in registry.sections().items():
        pages[section] = []
        for p in entries:
            page = st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=p.default)
            specs[id(page)] = p
            pages[section].append(page)
    nav = st.navigation(pages, position="hidden" if presenting else "sidebar")
    with errors.page_guard("the sidebar"):  # a failing sidebar leaves the page usable
        ui.sidebar(store, specs.get(id(nav)))
    with errors.page_guard(f"page {nav.url_path or nav.title}"):  # the app-wide handler: a message, never a trace
        nav.run()
