"""Cluster-initiative widgets: one selected initiative (from the map, the table or the list;
kept in the URL as ?initiative=), the filters, the map with its legend, the table, the profile,
and the add / edit form for the user's own initiatives."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clusterdash import initiatives as ini
from clusterdash import queries
from clusterdash.charts import initiatives as chart
from clusterdash.charts import maps
from clusterdash.charts.common import STAGE_COLORS
from clusterdash.store import Store
from clusterdash.ui import autosave, shell
from clusterdash.ui import learn as learn_ui
from clusterdash.ui.output import data_grid, download_csv, flash_to, label_text, peek_slot, plain, show_slot, source_line

TAB_TABLE, TAB_PROFILE, TAB_FORM = "Table", "Profile", "Add / edit"
SLOT = "ini"  # where this page's messages appear (clusterdash.ui.output.flash_to)
ss = st.session_state


# ---- selection: one selected initiative, from the map, the list or the table -------------------

def select(iid: str | None, *, reset_map: bool = True, tab: str = TAB_PROFILE) -> None:
    ss["ini_selected"] = iid
    ss["ini_pick"] = iid
    ss["ini_tab"] = tab
    if reset_map:  # a fresh map widget: its own selection must not point at another marker
        ss["ini_map_gen"] = ss.get("ini_map_gen", 0) + 1


def _on_map_select(map_key: str) -> None:
    iid = chart.selected_initiative_id(ss.get(map_key))
    if iid:
        select(iid, reset_map=False)


def _on_filter() -> None:
    ss["ini_map_gen"] = ss.get("ini_map_gen", 0) + 1


def settle_selection(ids: set, *, editable: bool) -> str | None:
    """State that must be settled before any widget is drawn; returns the selected initiative
    (also written to the URL)."""
    url_id = st.query_params.get("initiative")
    if "ini_selected" not in ss:
        ss["ini_selected"] = url_id if url_id in ids else None
        ss["ini_pick"] = ss["ini_selected"]
    elif url_id in ids and url_id != ss.get("ini_url") and url_id != ss.get("ini_selected"):
        ss["ini_pending"] = url_id  # a link (programmes, regions) to another initiative
    if ss.get("ini_pending"):
        select(ss.pop("ini_pending"))
    if ss.get("ini_selected") not in ids:
        ss["ini_selected"] = None
    if ss.get("ini_pick") not in ids:
        ss["ini_pick"] = None
    ss.setdefault("ini_map_gen", 0)
    ss.setdefault("ini_form", {"mode": "add", "id": None})
    ss.setdefault("ini_form_gen", 0)
    if not editable and ss.get("ini_tab") == TAB_FORM:
        ss["ini_tab"] = TAB_TABLE
    selected_id = ss["ini_selected"]
    ss["ini_url"] = selected_id
    if selected_id:
        st.query_params["initiative"] = selected_id
    elif "initiative" in st.query_params:
        del st.query_params["initiative"]
    return selected_id


# ---- writes -----------------------------------------------------------------------------------

def _start_form(mode: str, iid: str | None = None) -> None:
    ss["ini_form"] = {"mode": mode, "id": iid}
    ss["ini_form_gen"] = ss.get("ini_form_gen", 0) + 1
    ss["ini_tab"] = TAB_FORM


def _save_form(store: Store, mode: str, iid: str | None, values: dict) -> tuple[str, str]:
    if mode == "edit":
        queries.update_user_initiative(store, iid, values)
        return iid, "Changes saved."
    return queries.add_user_initiative(store, values), "Initiative added."


def _submit_form(store: Store, gen: int, mode: str, iid: str | None) -> None:
    values = {f: ss.get(f"ini_f_{f}_{gen}") for f in ini.USER_FIELDS}
    done, result = autosave.write(_save_form, store, mode, iid, values, toast=None,
                                  on_error=lambda text: flash_to(SLOT, "form_error", text))
    if done:
        new_id, msg = result
        ss["ini_form"] = {"mode": "add", "id": None}
        ss["ini_form_gen"] = gen + 1
        select(new_id)
        flash_to(SLOT, "success", msg)


def _delete(store: Store, iid: str) -> None:
    done, n = autosave.write(queries.delete_user_initiative, store, iid, toast=None,
                             on_error=lambda text: flash_to(SLOT, "error", text))
    if done:
        select(None, tab=TAB_TABLE)
        flash_to(SLOT, "success", "Initiative deleted" + (f", with its value-chain stages ({n})." if n else "."))


# ---- filters, map, table, profile, form ------------------------------------------------------------

def filters(all_rows: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Sector, country, stage and search filters. Returns the initiatives shown and the filters
    in words (for the download's source line)."""
    opts = ini.filter_options(all_rows)
    f1, f2, f3, f4 = st.columns([3, 3, 3, 3])
    sectors = f1.multiselect("Sector", opts.sectors, key="ini_sectors", on_change=_on_filter, placeholder="All sectors")
    countries = f2.multiselect("Country", opts.countries, key="ini_countries", on_change=_on_filter,
                               placeholder="All countries")
    stages = f3.multiselect("Maturity stage", opts.stages, key="ini_stages", on_change=_on_filter,
                            format_func=ini.stage_label, placeholder="All stages")
    search = f4.text_input("Search", key="ini_search", on_change=_on_filter, placeholder="name, place, sector…")
    shown = ini.filter_initiatives(all_rows, sectors=sectors, countries=countries, stages=stages, search=search)
    return shown, ini.describe_filters(sectors, countries, stages, search)


def messages() -> None:
    show_slot(SLOT)


def legend(shown: pd.DataFrame, *, large: bool) -> None:
    """Colour = maturity stage (with counts), size = members. Markup from constants only (stage
    labels, colours, counts, sizes): no user text."""
    size = 17 if large else 13
    item_style = "display:inline-flex;align-items:center;gap:6px;white-space:nowrap"
    swatches = "".join(
        f'<span style="{item_style}"><span style="width:{size}px;height:{size}px;border-radius:50%;'
        f'background:{item["color"]};border:1px solid #fff;box-shadow:0 0 0 1px #c7ccd4"></span>'
        f'{item["label"]}<span style="color:#5f6b7a">({item["count"]})</span></span>'
        for item in ini.legend_items(shown)
    )
    circles = "".join(
        f'<span style="{item_style}"><svg width="{2 * s["radius_px"] + 2:.0f}" height="{2 * s["radius_px"] + 2:.0f}">'
        f'<circle cx="{s["radius_px"] + 1:.1f}" cy="{s["radius_px"] + 1:.1f}" r="{s["radius_px"]:.1f}" '
        f'fill="#c9d1db" stroke="#5f6b7a" stroke-width="1"/></svg>{s["label"]}</span>'
        for s in ini.size_legend()
    )
    pins = "".join(  # what a pin stands for: filled = a place, half-filled = region only, open ring = country only
        f'<span style="{item_style}"><span style="width:{size}px;height:{size}px;border-radius:50%;'
        f'background:rgba(95,107,122,{p["fill_alpha"] / 255:.2f});border:{p["line_px"]:.1f}px solid '
        f'{"#fff" if p["precision"] == "place" else "#5f6b7a"};box-shadow:0 0 0 1px #c7ccd4"></span>'
        f'{p["label"]}<span style="color:#5f6b7a">({p["count"]})</span></span>'
        for p in ini.precision_legend(shown)
    )
    row_style = "display:flex;flex-wrap:wrap;align-items:center;column-gap:16px;row-gap:4px"
    st.markdown(
        f'<div data-testid="initiatives-legend" style="font-size:{size + 1}px;line-height:1.5">'
        f'<div style="{row_style}">{swatches}</div>'
        f'<div style="{row_style};margin-top:6px"><span style="color:#5f6b7a">Size: members</span>{circles}</div>'
        f'<div style="{row_style};margin-top:6px"><span style="color:#5f6b7a">Pin:</span>{pins}</div>'
        f'</div>',
        unsafe_allow_html=True,
    )


def map_view(shown: pd.DataFrame, selected_id: str | None) -> None:
    presenting = shell.is_presenting()
    legend(shown, large=presenting)
    map_key = f"ini_map_{ss['ini_map_gen']}"
    deck = chart.initiatives_deck(shown, selected_id=selected_id, large=presenting, basemap=maps.basemap_setting())
    st.pydeck_chart(
        deck, key=map_key, on_select=lambda: _on_map_select(map_key), selection_mode="single-object",
        height=chart.MAP_HEIGHT_LARGE_PX if presenting else chart.MAP_HEIGHT_PX,
        alt="Map of cluster initiatives: markers coloured by maturity stage and sized by members",
    )
    source_line(
        "initiatives — ClusterDash catalogue from the seed documents (each initiative's source is in its "
        "tooltip, profile and the table) and initiatives entered by users; " + maps.BASE_SOURCE
    )
    not_mapped = shown[~ini.has_coordinates(shown)]
    if len(not_mapped):
        st.markdown("**Not on the map** (no coordinates): "
                    + "; ".join(f"{plain(r.name)} ({plain(r.country)})" for r in not_mapped.itertuples()))


def table_tab(shown: pd.DataFrame, selected_id: str | None, filters_text: str) -> None:
    presenting = shell.is_presenting()
    table = ini.table_rows(shown)
    picked = data_grid(
        table, key="ini_grid", height=590 if presenting else 430, selectable=True,
        column_widths={"name": 240, "country": 120, "place": 110, "sector": 150, "stage": 130, "members": 90,
                       "founding_year": 110, "origin": 90, "source": 320},
    )
    if len(picked):
        gid = str(picked.iloc[0]["initiative_id"])
        if gid != ss.get("ini_grid_last"):
            ss["ini_grid_last"] = gid
            if gid != selected_id:
                ss["ini_pending"] = gid
                st.rerun()
    download_csv(
        table, "clusterdash_initiatives.csv", key="dl-initiatives",
        source="ClusterDash cluster-initiative catalogue (seed documents 000-004, source per row) and "
               "user-entered initiatives; filters: " + filters_text,
        units="members: number of members (as the source words it where it gives no number); "
              "latitude/longitude: decimal degrees (WGS84)",
    )


def profile_tab(store: Store, all_rows: pd.DataFrame, selected_id: str | None, *, editable: bool) -> None:
    presenting = shell.is_presenting()
    names = dict(zip(all_rows["initiative_id"], all_rows["name"] + " — " + all_rows["country"]))
    st.selectbox(
        "Initiative", sorted(names, key=lambda i: names[i].casefold()), key="ini_pick",
        on_change=lambda: select(ss.get("ini_pick")), format_func=lambda i: label_text(names.get(i, i)), index=None,
        placeholder="Pick an initiative…",
    )
    record = queries.get_initiative(store, selected_id) if selected_id else None
    if record is None:
        st.info("Click a marker on the map, a row of the table, or pick an initiative above.",
                icon=":material/touch_app:")
        return
    with st.container(border=True, height=590 if presenting else 400):
        st.subheader(plain(record["name"]), anchor=False)
        color = STAGE_COLORS.get(record["stage_code"], STAGE_COLORS[None])
        st.markdown(  # constant stage label and colour only
            f'<span style="display:inline-block;padding:2px 10px;border-radius:10px;background:{color};'
            f'color:{"#1B2430" if record["stage_code"] == "initiation" else "white"};font-weight:600">'
            f'{ini.stage_label(record["stage_code"])}</span>',
            unsafe_allow_html=True,
        )
        for label, text in ini.profile_facts(record):
            st.markdown(f"**{label}:** {plain(text)}")
        source_line(record["source"])
        learn_ui.programme_links_for(store, record["initiative_id"])
        others = ini.same_place(all_rows, record)
        if len(others):
            st.markdown(f"**Also at this place** ({len(others)}):")
            for o in others.itertuples():
                st.button(o.name, key=f"ini_other_{o.initiative_id}", on_click=select, args=(o.initiative_id,),
                          icon=":material/place:", type="tertiary")
    b1, b2, b3 = st.columns(3)
    with b1:
        shell.page_link("value_chains", query_params={"ws": shell.current_workspace(store),
                                                      "initiative": record["initiative_id"]})
    if editable and record["origin"] == "user":
        b2.button("Edit", key="ini_edit", icon=":material/edit:", on_click=_start_form,
                  args=("edit", record["initiative_id"]))
        with b3.popover("Delete", icon=":material/delete:"):
            n = queries.value_chain_stage_count(store, record["initiative_id"])
            st.markdown(f"Delete **{plain(record['name'])}**" + (f" and its value-chain stages ({n})?" if n else "?"))
            st.button("Delete for good", key="ini_delete", type="primary", on_click=_delete,
                      args=(store, record["initiative_id"]))
    elif editable:
        b2.button("Add a copy as my own", key="ini_copy", icon=":material/content_copy:", on_click=_start_form,
                  args=("copy", record["initiative_id"]),
                  help="Catalogue entries come from the seed documents and are read-only.")


def form_tab(store: Store, all_rows: pd.DataFrame) -> None:
    """Add a cluster initiative, edit one of the user's own, or add a copy of a catalogue entry
    (a form: saved on its button, checked field by field)."""
    form = ss["ini_form"]
    gen = ss["ini_form_gen"]
    base = queries.get_initiative(store, form["id"]) if form["id"] else None
    if form["mode"] == "edit" and (base is None or base["origin"] != "user"):
        form, base = {"mode": "add", "id": None}, None
    values = ini.form_values(base if form["mode"] in ("edit", "copy") else None)
    heading = {"add": "Add a cluster initiative", "edit": f"Edit “{base['name']}”" if base else "",
               "copy": "Add a copy of a catalogue initiative"}[form["mode"]]
    st.markdown(f"**{plain(heading)}**")
    if peek_slot(SLOT)[0] == "form_error":
        show_slot(SLOT, kinds=("form_error",))
    with st.form(f"ini_form_{gen}", border=False):
        k = lambda f: f"ini_f_{f}_{gen}"  # noqa: E731
        st.text_input("Name *", value=values["name"] or "", key=k("name"), max_chars=ini.MAX_TEXT["name"])
        c1, c2 = st.columns([3, 1.4])
        country_options = ini.filter_options(all_rows).countries
        c1.selectbox("Country *", country_options, key=k("country"), accept_new_options=True,
                     index=country_options.index(values["country"]) if values["country"] in country_options else None,
                     placeholder="Pick or type a country")
        c2.text_input("ISO code", value=values["country_code"] or "", key=k("country_code"), max_chars=2,
                      help="ISO 3166-1 alpha-2, e.g. DE, CI, GE")
        c1, c2 = st.columns(2)
        c1.text_input("Place", value=values["place"] or "", key=k("place"), help="City or region")
        c2.text_input("Sector", value=values["sector"] or "", key=k("sector"))
        c1, c2 = st.columns(2)
        c1.number_input("Latitude", value=values["latitude"], key=k("latitude"), format="%.5f", step=0.01,
                        help="Decimal degrees, −90 to 90 (north positive). Leave empty if unknown: the "
                             "initiative is then listed, not mapped.")
        c2.number_input("Longitude", value=values["longitude"], key=k("longitude"), format="%.5f", step=0.01,
                        help="Decimal degrees, −180 to 180 (east positive).")
        stage_options = [None, *ini.STAGE_CODES]
        st.selectbox("Maturity stage", stage_options, key=k("stage_code"),
                     index=stage_options.index(values["stage_code"]), format_func=ini.stage_label)
        c1, c2 = st.columns(2)
        c1.number_input("Members", value=values["members"], key=k("members"), step=1,
                        help="Number of member organisations, where known")
        c2.number_input("Founding year", value=values["founding_year"], key=k("founding_year"), step=1)
        st.text_area("Notes", value=values["notes"] or "", key=k("notes"), height=90)
        st.text_input("Source", value=values["source"] or ini.DEFAULT_USER_SOURCE, key=k("source"),
                      help="Who entered it and where the facts come from")
        label = "Save changes" if form["mode"] == "edit" else "Add initiative"
        st.form_submit_button(label, type="primary", icon=":material/save:", on_click=_submit_form,
                              args=(store, gen, form["mode"], form["id"]))
    if form["mode"] != "add":
        st.button("Cancel: new empty form", key="ini_form_cancel", on_click=_start_form, args=("add",))

