"""Cluster initiatives: validation, user-initiative CRUD (store unchanged on bad input), filters,
what the map, legend, table and profile show."""

from __future__ import annotations

import json
from datetime import date

import pytest

from clusterdash import initiatives as ini
from clusterdash import queries
from clusterdash.charts import initiatives as chart
from clusterdash.charts.common import STAGE_COLORS, hex_to_rgba
from clusterdash.errors import UserError

GOOD = {
    "name": "Tbilisi Food Cluster",
    "country": "Georgia",
    "country_code": "ge",
    "place": "Tbilisi",
    "sector": "Agri-food",
    "latitude": "41,6914",  # decimal comma is accepted
    "longitude": 44.8341,
    "members": 35,
    "founding_year": "2021",
    "stage_code": "initiation",
    "notes": "  Started after the 2020 workshop.  ",
    "source": "Workshop Tbilisi 2026, facilitator notes",
}


def user_rows(store) -> list[dict]:
    return store.rows("SELECT * FROM user_initiative ORDER BY initiative_id")


# ---- validation -------------------------------------------------------------------------------

def test_clean_initiative_normalises_a_good_entry():
    c = ini.clean_initiative(GOOD, today=date(2026, 5, 1))
    assert c == {
        "name": "Tbilisi Food Cluster", "country": "Georgia", "country_code": "GE", "place": "Tbilisi",
        "sector": "Agri-food", "latitude": 41.6914, "longitude": 44.8341, "members": 35, "founding_year": 2021,
        "stage_code": "initiation", "notes": "Started after the 2020 workshop.",
        "source": "Workshop Tbilisi 2026, facilitator notes",
    }


def test_clean_initiative_minimal_entry_gets_defaults():
    c = ini.clean_initiative({"name": "X", "country": "Y", "stage_code": "unknown"})
    assert c["latitude"] is None and c["longitude"] is None and c["stage_code"] is None
    assert c["source"] == ini.DEFAULT_USER_SOURCE


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": "  "}, r"^Name: a value is required"),
        ({"country": None}, r"^Country: a value is required"),
        ({"latitude": 91}, r"^Latitude: 91 is outside \[-90, 90\]"),
        ({"latitude": -90.5}, r"^Latitude: -90.5 is outside"),
        ({"longitude": 180.01}, r"^Longitude: 180.01 is outside \[-180, 180\]"),
        ({"longitude": "east"}, r"^Longitude: “east” is not a number"),
        ({"longitude": None}, r"^Longitude: give both coordinates or neither"),
        ({"latitude": ""}, r"^Latitude: give both coordinates or neither"),
        ({"members": -1}, r"^Members: -1 is negative"),
        ({"members": 2.5}, r"^Members: 2.5 is not a whole number"),
        ({"members": "many"}, r"^Members: “many” is not a whole number"),
        ({"founding_year": 1700}, r"^Founding year: 1700 is not plausible; give a year from 1800 to 2026"),
        ({"founding_year": 2027}, r"^Founding year: 2027 is not plausible"),
        ({"stage_code": "mature"}, r"^Maturity stage: “mature” is not one of"),
        ({"country_code": "GEO"}, r"^Country code: .*two-letter"),
        ({"name": "n" * 201}, r"^Name: at most 200 characters \(got 201\)"),
        ({"latitude": float("inf")}, r"^Latitude: inf is not a finite number"),
    ],
)
def test_clean_initiative_rejects_bad_fields_naming_the_field(change, message):
    with pytest.raises(UserError, match=message):
        ini.clean_initiative({**GOOD, **change}, today=date(2026, 5, 1))


def test_boundaries_are_accepted():
    for lat, lon in ((-90, -180), (90, 180), (0, 0)):
        c = ini.clean_initiative({**GOOD, "latitude": lat, "longitude": lon})
        assert (c["latitude"], c["longitude"]) == (lat, lon)
    assert ini.clean_initiative({**GOOD, "members": 0})["members"] == 0
    assert ini.clean_initiative({**GOOD, "founding_year": 1800})["founding_year"] == 1800


# ---- user initiatives in the store --------------------------------------------------------------

def test_add_user_initiative_appears_in_the_initiative_view(store):
    before = len(queries.initiatives(store))
    iid = queries.add_user_initiative(store, GOOD)
    assert iid.startswith("u-")
    rec = queries.get_initiative(store, iid)
    assert rec["origin"] == "user" and rec["name"] == "Tbilisi Food Cluster"
    assert rec["latitude"] == pytest.approx(41.6914) and rec["members"] == 35 and rec["stage_code"] == "initiation"
    assert rec["source"] == "Workshop Tbilisi 2026, facilitator notes"
    assert rec["description"] == "Started after the 2020 workshop."  # notes show as the description
    assert len(queries.initiatives(store)) == before + 1


def test_bad_entry_leaves_the_store_unchanged(store):
    queries.add_user_initiative(store, GOOD)
    before = user_rows(store)
    with pytest.raises(UserError, match="Latitude"):
        queries.add_user_initiative(store, {**GOOD, "latitude": 123})
    iid = before[0]["initiative_id"]
    with pytest.raises(UserError, match="Members"):
        queries.update_user_initiative(store, iid, {**GOOD, "members": -5})
    assert user_rows(store) == before


def test_update_user_initiative(store):
    iid = queries.add_user_initiative(store, GOOD)
    created = user_rows(store)[0]
    queries.update_user_initiative(store, iid, {**GOOD, "name": "Tbilisi Agri-food Cluster", "latitude": None,
                                                "longitude": None, "stage_code": "establishment"})
    rec = user_rows(store)[0]
    assert rec["name"] == "Tbilisi Agri-food Cluster" and rec["stage_code"] == "establishment"
    assert rec["latitude"] is None and rec["longitude"] is None
    assert rec["created_at"] == created["created_at"] and rec["updated_at"] >= created["updated_at"]


def test_catalogue_initiatives_are_read_only(store):
    before = store.rows("SELECT * FROM kb_initiative WHERE initiative_id = 'ac_serbia'")
    with pytest.raises(UserError, match="read-only: add a copy"):
        queries.update_user_initiative(store, "ac_serbia", GOOD)
    with pytest.raises(UserError, match="read-only"):
        queries.delete_user_initiative(store, "ac_serbia")
    with pytest.raises(UserError, match="does not exist"):
        queries.update_user_initiative(store, "u-nothing", GOOD)
    assert store.rows("SELECT * FROM kb_initiative WHERE initiative_id = 'ac_serbia'") == before


def test_delete_user_initiative_takes_its_value_chains_along(store):
    iid = queries.add_user_initiative(store, GOOD)
    wid = queries.default_workspace(store)
    other = queries.create_workspace(store, "Second workshop")
    queries.add_value_chain_stage(store, wid, iid, "Farmers")
    queries.add_value_chain_stage(store, other, iid, "Processors")
    queries.add_value_chain_stage(store, wid, "ac_serbia", "Suppliers")
    assert queries.value_chain_stage_count(store, iid) == 2
    assert queries.delete_user_initiative(store, iid) == 2
    assert queries.get_initiative(store, iid) is None
    assert store.value("SELECT count(*) FROM value_chain_stage") == 1  # other initiatives' chains stay


def test_knowledge_rebuild_keeps_user_initiatives(store):
    from clusterdash import knowledge

    iid = queries.add_user_initiative(store, GOOD)
    knowledge.load_knowledge(store)
    assert queries.get_initiative(store, iid)["name"] == GOOD["name"]


def test_form_values_of_a_catalogue_entry_make_a_valid_copy(store):
    rec = queries.get_initiative(store, "ac_serbia")
    values = ini.form_values(rec)
    assert values["name"] == rec["name"] and values["members"] == 40 and values["stage_code"] == "operationalisation"
    assert values["source"].startswith("Copy of the catalogue entry; 004_")
    assert values["notes"] == rec["description"]
    iid = queries.add_user_initiative(store, values)
    assert queries.get_initiative(store, iid)["members"] == 40
    assert ini.form_values(None) == {f: None for f in ini.USER_FIELDS}


# ---- filters ----------------------------------------------------------------------------------

def test_filter_options_and_filters_on_the_catalogue(store):
    df = queries.initiatives(store)
    opts = ini.filter_options(df)
    assert "Plastics" in opts.sectors and "Côte d'Ivoire" in opts.countries
    assert opts.stages[-1] == "unknown" and opts.stages[0] == "initiation"
    plastics = ini.filter_initiatives(df, sectors=["Plastics"])
    assert set(plastics["initiative_id"]) == {"plastics_cluster_southern_germany", "plastics_cluster_cote_divoire",
                                              "bua_plastics_cluster_kc"}
    de_plastics = ini.filter_initiatives(df, sectors=["Plastics"], countries=["Germany"])
    assert list(de_plastics["initiative_id"]) == ["plastics_cluster_southern_germany"]
    known = df["stage_code"].notna().sum()
    assert len(ini.filter_initiatives(df, stages=["unknown"])) == len(df) - known
    est = ini.filter_initiatives(df, stages=["establishment", "operationalisation"])
    assert set(est["stage_code"]) == {"establishment", "operationalisation"}
    assert list(ini.filter_initiatives(df, search="ABIDJAN plastic")["initiative_id"]) == ["plastics_cluster_cote_divoire"]
    assert len(ini.filter_initiatives(df)) == len(df)


def test_initiatives_without_coordinates_are_listed_not_dropped(store):
    queries.add_user_initiative(store, {"name": "Unplaced cluster", "country": "Kenya"})
    df = queries.initiatives(store)
    no_coords = df[~ini.has_coordinates(df)]
    assert {"tci_network", } <= set(no_coords["initiative_id"])
    assert "Unplaced cluster" in set(no_coords["name"])
    table = ini.table_rows(df)
    assert len(table) == len(df) and "Unplaced cluster" in set(table["name"])  # in the table
    recs = ini.map_records(df)
    assert len(recs) == int(ini.has_coordinates(df).sum())  # not on the map


# ---- map, legend, table, profile -------------------------------------------------------------------

def test_marker_radius_grows_with_members_and_has_a_default():
    assert ini.marker_radius_px(None) == ini.marker_radius_px(float("nan")) == ini.UNKNOWN_MEMBERS_RADIUS_PX
    r = [ini.marker_radius_px(m) for m in (0, 24, 40, 80, 120, 10_000)]
    assert r == sorted(r) and r[0] == ini.MIN_MEMBERS_RADIUS_PX and r[-1] == ini.MAX_MEMBERS_RADIUS_PX
    assert ini.UNKNOWN_MEMBERS_RADIUS_PX < ini.MIN_MEMBERS_RADIUS_PX  # unknown is distinguishable
    # area ∝ members (above the minimum): 4× the members → about 2× the radius increment
    m0 = ini.MIN_MEMBERS_RADIUS_PX
    assert (ini.marker_radius_px(100) - m0) == pytest.approx(2 * (ini.marker_radius_px(25) - m0), abs=0.01)


def test_map_records_colour_size_tooltip(store):
    df = queries.initiatives(store)
    recs = {r["initiative_id"]: r for r in ini.map_records(df)}
    ac = recs["ac_serbia"]
    assert ac["color"] == hex_to_rgba(STAGE_COLORS["operationalisation"], 235)
    assert ac["radius_px"] == ini.marker_radius_px(40)
    assert "Members: 40" in ac["tooltip"] and "Stage: Operationalisation" in ac["tooltip"]
    assert ac["tooltip"].endswith("Source: " + queries.get_initiative(store, "ac_serbia")["source"])
    fish = recs["uganda_fishery_cluster"]
    assert fish["color"] == hex_to_rgba(STAGE_COLORS[None], 235)
    assert fish["radius_px"] == ini.UNKNOWN_MEMBERS_RADIUS_PX
    assert "Stage: Stage unknown" in fish["tooltip"] and "Members: not given" in fish["tooltip"]
    turin = [r for r in recs.values() if r["initiative_id"].startswith("piedmont_")]
    assert len(turin) == 7 and all(r["at_place"] == 7 for r in turin)
    assert "+ 6 more at this place" in turin[0]["tooltip"]
    json.dumps(list(recs.values()), allow_nan=False)
    radii = [r["radius_px"] for r in ini.map_records(df)]
    assert radii == sorted(radii, reverse=True)  # small markers drawn last, on top


def test_place_counts_label_shared_places(store):
    df = queries.initiatives(store)
    counts = {(round(c["latitude"], 2), round(c["longitude"], 2)): c["label"] for c in ini.place_counts(df)}
    assert counts[(45.07, 7.69)] == "7"  # Turin: the Piedmont innovation clusters
    assert counts[(45.41, -75.7)] == "5"  # Ottawa: Canada's superclusters
    assert all(int(v) > 1 for v in counts.values())


def test_legend_counts_every_stage_including_unknown(store):
    df = queries.initiatives(store)
    items = ini.legend_items(df)
    assert [i["stage"] for i in items] == [*ini.STAGE_CODES, "unknown"]
    assert sum(i["count"] for i in items) == len(df)
    by = {i["stage"]: i for i in items}
    assert by["unknown"]["color"] == STAGE_COLORS[None] and by["unknown"]["label"] == "Stage unknown"
    assert by["operationalisation"]["count"] == int((df["stage_code"] == "operationalisation").sum())


def test_table_rows_are_exactly_the_filtered_rows(store):
    df = ini.filter_initiatives(queries.initiatives(store), countries=["Morocco"])
    table = ini.table_rows(df)
    assert list(table["initiative_id"]) == list(df["initiative_id"])
    assert list(table.columns) == list(ini.TABLE_COLUMNS)
    menara = table[table["initiative_id"] == "cluster_menara"].iloc[0]
    assert menara["members"] == "80" and menara["stage"] == "Stage unknown"


def test_members_shown_as_words_where_the_source_has_no_number(store):
    df = queries.initiatives(store)
    worded = df[df["members"].isna() & df["members_text"].notna()]
    if worded.empty:
        pytest.skip("catalogue has no members given only in words")
    row = worded.iloc[0].to_dict()
    assert ini.members_display(row) == row["members_text"]


def test_profile_facts_of_a_catalogue_entry(store):
    rec = queries.get_initiative(store, "gafa_georgia")
    facts = dict(ini.profile_facts(rec))
    assert facts["Country"] == "Georgia" and facts["Maturity stage"] == "Establishment"
    assert facts["Members"] == "24" and facts["Founded"] == "2020"
    assert facts["Stage rests on"] == rec["stage_basis"]
    assert facts["Coordinates from"] == rec["coordinate_source"]
    assert facts["Origin"] == "Catalogue (seed documents)"
    assert all(v for v in facts.values())
    tci = dict(ini.profile_facts(queries.get_initiative(store, "tci_network")))
    assert tci["Coordinates"].startswith("not given")


def test_same_place(store):
    df = queries.initiatives(store)
    others = ini.same_place(df, queries.get_initiative(store, "piedmont_ict"))
    assert len(others) == 6 and "piedmont_ict" not in set(others["initiative_id"])
    assert ini.same_place(df, queries.get_initiative(store, "tci_network")).empty


# ---- the deck --------------------------------------------------------------------------------------

def test_initiatives_deck_is_offline_and_fits_every_marker(store):
    df = queries.initiatives(store)
    deck = chart.initiatives_deck(df, selected_id="ac_serbia")
    spec = json.loads(deck.to_json())
    assert "mapProvider" not in spec and spec["mapStyle"] == "__MAP_STYLE__"
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert set(layers) == {"ocean", "countries", chart.LAYER_ID, "initiatives-at-place", "initiative-selected"}
    assert layers[chart.LAYER_ID]["pickable"] is True and layers[chart.LAYER_ID]["radiusUnits"] == "pixels"
    assert len(layers[chart.LAYER_ID]["data"]) == int(ini.has_coordinates(df).sum())
    assert len(layers["initiative-selected"]["data"]) == 1
    assert deck._tooltip["text"] == "{tooltip}"
    vs = spec["initialViewState"]
    assert 0 <= vs["zoom"] <= 1  # the catalogue spans the world: from San José to Port Moresby
    one = chart.initiatives_deck(ini.filter_initiatives(df, countries=["Uganda"]))
    assert json.loads(one.to_json())["initialViewState"]["zoom"] == 4.5


def test_selected_initiative_id_from_a_pydeck_event():
    event = {"selection": {"indices": {chart.LAYER_ID: [3]},
                           "objects": {chart.LAYER_ID: [{"initiative_id": "ac_serbia", "name": "AC Serbia"}]}}}
    assert chart.selected_initiative_id(event) == "ac_serbia"
    assert chart.selected_initiative_id({"selection": {"indices": {}, "objects": {}}}) is None
    assert chart.selected_initiative_id(None) is None


def test_describe_filters():
    assert ini.describe_filters() == "none"
    assert ini.describe_filters(["Plastics"], ["Germany", "Austria"], ["unknown", "initiation"], " Linz ") == (
        "sector = Plastics; country = Germany | Austria; stage = Stage unknown | Initiation; search = Linz")
