"""AppTest of the Mapping pages: the initiatives map (filter, select, add, edit, copy, view-only)
and the value-chain coverage page (template, saving as you type, add, move, delete)."""

from __future__ import annotations

import json

import pytest

from clusterdash import knowledge, queries
from clusterdash.charts import initiatives as chart
from clusterdash.store import Store
from tests.ui_support import shown, widget

PAGE = "pages/initiatives.py"
VC_PAGE = "pages/value_chains.py"


def deck_layers(at) -> dict:
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    spec = json.loads(decks[0].proto.json)
    assert "mapProvider" not in spec and spec["mapStyle"] == "__MAP_STYLE__"  # offline
    return {layer["id"]: layer for layer in spec["layers"]}


def markers(at) -> set[str]:
    return {r["initiative_id"] for r in deck_layers(at)[chart.LAYER_ID]["data"]}


def caption_text(at) -> str:
    return " ".join(c.value for c in at.caption)


def texts(at) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(s.value for s in at.subheader)


def form_key(at, field) -> str:
    gen = at.session_state["ini_form_gen"]
    return f"ini_f_{field}_{gen}"


def submit(at):
    [b] = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:ini_form_")]
    return b.click().run()


# ---- the map page ------------------------------------------------------------------------------

def test_map_shows_every_initiative_with_coordinates_and_lists_the_rest(app, store):
    at = app(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    df = queries.initiatives(store)
    with_coords = set(df.loc[df["latitude"].notna(), "initiative_id"])
    assert markers(at) == with_coords
    assert f"{len(df)} of {len(df)} initiatives shown · {len(with_coords)} on the map" in caption_text(at)
    assert "Not on the map" in texts(at) and "TCI Network" in texts(at)
    assert "Natural Earth" in caption_text(at)  # the boundaries' source
    legend = [m.value for m in at.markdown if "initiatives-legend" in m.value][0]
    assert "Stage unknown" in legend and "Operationalisation" in legend
    assert len(at.download_button) >= 1


def test_filters_narrow_map_table_and_caption(app, store):
    at = app(PAGE)
    at.multiselect(key="ini_sectors").set_value(["Plastics"]).run()
    assert markers(at) == {"plastics_cluster_southern_germany", "plastics_cluster_cote_divoire",
                           "bua_plastics_cluster_kc"}
    at.multiselect(key="ini_countries").set_value(["Germany"]).run()
    assert markers(at) == {"plastics_cluster_southern_germany"}
    assert "1 of" in caption_text(at)
    at.multiselect(key="ini_countries").set_value([]).run()
    at.multiselect(key="ini_sectors").set_value([]).run()
    at.multiselect(key="ini_stages").set_value(["establishment"]).run()
    assert markers(at) == set(store.df(
        "SELECT initiative_id FROM initiative WHERE stage_code = 'establishment' AND latitude IS NOT NULL"
    )["initiative_id"])
    at.multiselect(key="ini_stages").set_value([]).run()
    at.text_input(key="ini_search").input("Prosecco").run()
    assert markers(at) == {"prosecco_cluster_conegliano_valdobbiadene"}
    assert not at.exception


def test_select_from_the_list_opens_the_profile_with_source(app, store):
    at = app(PAGE)
    assert "Click a marker" in " ".join(i.value for i in at.info)
    at.selectbox(key="ini_pick").select("ac_serbia").run()
    assert not at.exception
    rec = queries.get_initiative(store, "ac_serbia")
    assert rec["name"] in [s.value.replace("\\", "") for s in at.subheader]
    body = texts(at).replace("\\", "")
    assert "**Members:** 40" in body and "**Maturity stage:** Operationalisation" in body
    # the source line names the seed by its title and section (knowledge.cite), not by its file name
    assert knowledge.cite(rec["source"]).replace("\\", "") in caption_text(at).replace("\\", "")
    assert at.query_params["initiative"] in ("ac_serbia", ["ac_serbia"])
    assert deck_layers(at)["initiative-selected"]["data"][0]["longitude"] == pytest.approx(rec["longitude"])
    assert at.session_state["ini_tab"] == "Profile"
    # a catalogue entry is read-only: a copy, no edit
    keys = {b.key for b in at.button}
    assert "ini_copy" in keys and "ini_edit" not in keys
    # another initiative at the same place is one click away
    at.selectbox(key="ini_pick").select("piedmont_ict").run()
    at.button(key="ini_other_piedmont_agrifood").click().run()
    assert at.session_state["ini_selected"] == "piedmont_agrifood"


def test_selection_survives_a_reload_through_the_url(app):
    at = app(PAGE, initiative="gafa_georgia")
    assert at.session_state["ini_selected"] == "gafa_georgia"
    assert any("GAFA" in s.value for s in at.subheader)


def test_add_an_initiative_then_edit_it(app, db_path):
    at = app(PAGE)
    at.text_input(key=form_key(at, "name")).input("Tbilisi Food Cluster")
    at.selectbox(key=form_key(at, "country")).set_value("Georgia")
    at.text_input(key=form_key(at, "country_code")).input("ge")
    at.text_input(key=form_key(at, "place")).input("Tbilisi")
    at.number_input(key=form_key(at, "latitude")).set_value(41.6914)
    at.number_input(key=form_key(at, "longitude")).set_value(44.8341)
    at.text_input(key=form_key(at, "sector")).input("Agri-food")
    at.selectbox(key=form_key(at, "stage_code")).set_value("initiation")
    at.number_input(key=form_key(at, "members")).set_value(35)
    at.number_input(key=form_key(at, "founding_year")).set_value(2021)
    submit(at)
    assert not at.exception, [e.value for e in at.exception]
    assert "Initiative added." in shown(at.success)
    s = Store(db_path)
    try:
        [row] = s.rows("SELECT * FROM user_initiative")
    finally:
        s.close()
    assert (row["name"], row["country_code"], row["members"], row["founding_year"], row["stage_code"]) == (
        "Tbilisi Food Cluster", "GE", 35, 2021, "initiation")
    iid = row["initiative_id"]
    assert at.session_state["ini_selected"] == iid and iid in markers(at)
    # edit: the form is prefilled with the saved values
    at.button(key="ini_edit").click().run()
    assert at.session_state["ini_tab"] == "Add / edit"
    assert at.text_input(key=form_key(at, "name")).value == "Tbilisi Food Cluster"
    assert at.number_input(key=form_key(at, "members")).value == 35
    at.text_input(key=form_key(at, "name")).input("Tbilisi Agri-food Cluster")
    at.number_input(key=form_key(at, "members")).set_value(42)
    submit(at)
    assert "Changes saved." in shown(at.success)
    s = Store(db_path)
    try:
        [row] = s.rows("SELECT * FROM user_initiative")
    finally:
        s.close()
    assert row["initiative_id"] == iid and row["name"] == "Tbilisi Agri-food Cluster" and row["members"] == 42


def test_bad_input_shows_the_field_and_saves_nothing(app, db_path):
    at = app(PAGE)
    at.text_input(key=form_key(at, "name")).input("Nowhere cluster")
    at.selectbox(key=form_key(at, "country")).set_value("Morocco")
    at.number_input(key=form_key(at, "latitude")).set_value(95.0)
    at.number_input(key=form_key(at, "longitude")).set_value(10.0)
    submit(at)
    assert not at.exception
    errors = shown(at.error)
    assert any(e.startswith("Latitude: 95 is outside [-90, 90]") for e in errors), errors
    # the typed values are kept for correction
    assert at.text_input(key=form_key(at, "name")).value == "Nowhere cluster"
    s = Store(db_path)
    try:
        assert s.value("SELECT count(*) FROM user_initiative") == 0
    finally:
        s.close()


def test_copy_a_catalogue_initiative(app, db_path):
    at = app(PAGE)
    at.selectbox(key="ini_pick").select("cluster_menara").run()
    at.button(key="ini_copy").click().run()
    assert at.text_input(key=form_key(at, "name")).value == "Cluster Menara"
    assert at.number_input(key=form_key(at, "members")).value == 80
    submit(at)
    s = Store(db_path)
    try:
        [row] = s.rows("SELECT name, members, source FROM user_initiative")
    finally:
        s.close()
    assert row["name"] == "Cluster Menara" and row["members"] == 80
    assert row["source"].startswith("Copy of the catalogue entry; ")


def test_delete_a_user_initiative(app, store, db_path):
    iid = queries.add_user_initiative(store, {"name": "Short-lived", "country": "Kenya"})
    store.close()
    at = app(PAGE, initiative=iid)
    at.button(key="ini_delete").click().run()
    assert not at.exception
    assert any("Initiative deleted" in s for s in shown(at.success))
    assert at.session_state["ini_selected"] is None
    s = Store(db_path)
    try:
        assert s.value("SELECT count(*) FROM user_initiative") == 0
    finally:
        s.close()


def test_view_only_without_the_passcode(app, monkeypatch):
    monkeypatch.setenv("CLUSTERDASH_PASSCODE", "s3cret")
    at = app(PAGE)
    at.selectbox(key="ini_pick").select("ac_serbia").run()
    assert not at.exception
    keys = {b.key for b in at.button}
    assert not any(k and k.startswith("FormSubmitter:ini_form_") for k in keys)
    assert "ini_copy" not in keys and "ini_edit" not in keys


def test_presentation_mode_shows_no_forms(app):
    at = app(PAGE, present="1")
    assert not at.exception
    assert not any(b.key and b.key.startswith("FormSubmitter:ini_form_") for b in at.button)


# ---- the value-chain page ---------------------------------------------------------------------------

INI = "plastics_cluster_cote_divoire"


def stages(db_path) -> list[dict]:
    s = Store(db_path)
    try:
        return s.rows("SELECT * FROM value_chain_stage ORDER BY seq")
    finally:
        s.close()


def test_value_chain_page_without_an_initiative_asks_for_one(app):
    at = app(VC_PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Value-chain coverage"]
    assert any("Pick a cluster initiative" in i.value for i in at.info)


def test_value_chain_template_edit_save_move_delete(app, db_path):
    at = app(VC_PAGE, initiative=INI)
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["vc_initiative"] == INI
    assert any("Plastic Cluster Ivory Coast" in s.value for s in at.subheader)
    # start from the guide's plastics chain
    at.selectbox(key="vc_template").set_value("plastics_value_chain").run()
    assert "Meier zu Koecker" in texts(at) or "Meier zu Koecker" in caption_text(at)
    at.button(key="vc_use_template").click().run()
    rows = stages(db_path)
    assert [r["stage_name"] for r in rows] == ["Raw material providers", "Machinery manufacturers"]
    assert "2 stages added from the template." in shown(at.success)
    first, second = rows[0]["stage_id"], rows[1]["stage_id"]
    # answers are saved the moment they are given
    widget(at, "button_group", f"vc_cov_{first}").set_value("gap").run()
    widget(at, "text_area", f"vc_actors_{second}").input("One importer of extruders").run()
    widget(at, "button_group", f"vc_cov_{second}").set_value("partly_covered").run()
    rows = stages(db_path)
    assert [(r["coverage_status"], r["local_actors"]) for r in rows] == [
        ("gap", None), ("partly_covered", "One importer of extruders")]
    assert [m.value for m in at.metric][:4] == ["2", "0", "1", "1"]
    assert "Raw material providers" in texts(at)  # listed among the gaps
    # add a stage with the form, move it upstream, delete another
    at.text_input(key="vc_new_name").input("Plastic processors")
    [b] = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:vc_add")]
    b.click().run()
    rows = stages(db_path)
    assert [r["stage_name"] for r in rows] == ["Raw material providers", "Machinery manufacturers", "Plastic processors"]
    third = rows[2]["stage_id"]
    at.button(key=f"vc_up_{third}").click().run()
    assert [r["stage_name"] for r in stages(db_path)] == ["Raw material providers", "Plastic processors",
                                                          "Machinery manufacturers"]
    at.button(key=f"vc_del_{first}").click().run()
    assert [(r["seq"], r["stage_name"]) for r in stages(db_path)] == [(1, "Plastic processors"),
                                                                     (2, "Machinery manufacturers")]
    assert not at.exception
    # a reload shows the saved state
    again = app(VC_PAGE, initiative=INI)
    assert widget(again, "text_area", f"vc_actors_{second}").value == "One importer of extruders"
    assert widget(again, "button_group", f"vc_cov_{second}").value == "partly_covered"


def test_value_chain_bad_input_is_reported_and_not_saved(app, db_path, store):
    wid = queries.default_workspace(store)
    sid = queries.add_value_chain_stage(store, wid, INI, "Raw material providers")
    store.close()
    at = app(VC_PAGE, initiative=INI)
    widget(at, "text_input", f"vc_name_{sid}").input("   ").run()
    assert any(e.startswith("Stage 1, Stage: a name is required") for e in shown(at.error))
    assert stages(db_path)[0]["stage_name"] == "Raw material providers"


def test_value_chain_page_is_read_only_without_passcode(app, monkeypatch, store):
    wid = queries.default_workspace(store)
    sid = queries.add_value_chain_stage(store, wid, INI, "Raw material providers")
    store.close()
    monkeypatch.setenv("CLUSTERDASH_PASSCODE", "s3cret")
    at = app(VC_PAGE, initiative=INI)
    assert not at.exception
    assert widget(at, "text_input", f"vc_name_{sid}").disabled
    assert "vc_use_template" not in {b.key for b in at.button}
    assert any("View only" in i.value for i in at.info)


def test_value_chain_presentation_mode_keeps_answering_live(app, store, db_path):
    wid = queries.default_workspace(store)
    sid = queries.add_value_chain_stage(store, wid, INI, "Raw material providers")
    store.close()
    at = app(VC_PAGE, initiative=INI, present="1")
    assert not at.exception, [e.value for e in at.exception]
    widget(at, "button_group", f"vc_cov_{sid}").set_value("covered").run()
    assert stages(db_path)[0]["coverage_status"] == "covered"
