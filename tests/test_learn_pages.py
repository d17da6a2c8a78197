"""AppTest: the Learn section, the world-regions page and the policy-programmes view render, their
filters narrow what is shown, the CSV holds exactly what is shown (with its source), and every
passage and figure carries its source line. Links: programmes ↔ initiatives ↔ regions."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from clusterdash import knowledge, learn, queries
from clusterdash.charts import learn as region_chart
from clusterdash.charts import maps

LEARN, REGIONS, PROGRAMMES, INITIATIVES = ("pages/learn.py", "pages/world_regions.py", "pages/programmes.py",
                                           "pages/initiatives.py")


@pytest.fixture(autouse=True)
def media_files(monkeypatch) -> dict[str, bytes]:
    """Every file the app hands to the browser (downloads), by file id (AppTest keeps them one run)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else open(path_or_data, "rb").read()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def download(at, media_files, key) -> tuple[pd.DataFrame, str]:
    """The CSV behind download button ``key`` as the page last rendered it, and its '# source:' line."""
    for b in at.get("download_button"):
        if b.key == key:
            raw = media_files[b.proto.url.rsplit("/", 1)[-1].split(".")[0]].decode("utf-8")
            source = next(line for line in raw.splitlines() if line.startswith("# source:"))
            return pd.read_csv(io.StringIO(raw), comment="#"), source
    raise AssertionError(f"no download button {key}: {[b.key for b in at.get('download_button')]}")


def unescape(text: str) -> str:
    return text.replace("\\", "")


def captions(at) -> str:
    return unescape(" ".join(c.value for c in at.caption))


def texts(at) -> str:
    return unescape(" ".join(m.value for m in at.markdown) + " " + " ".join(s.value for s in at.subheader))


def shown_count(at) -> int:
    [line] = [c.value for c in at.caption if "passages shown" in c.value]
    return int(line.split(" ")[0].replace(",", ""))


# ---- Learn ------------------------------------------------------------------------------------------

def test_learn_shows_every_section_with_sources_and_its_csv(app, media_files):
    at = app(LEARN)
    assert not at.exception
    labels = [t.label for t in at.tabs]
    for section in learn.LEARN_SECTIONS:
        assert any(lbl.startswith(section.title + " (") for lbl in labels), (section.title, labels)
    table, source = download(at, media_files, "dl-learn")
    assert len(table) == shown_count(at) > 150
    assert list(table.columns) == learn.EXPORT_COLUMNS
    assert table["source"].notna().all() and (table["source"].str.strip() != "").all()
    # every row of the CSV is on the page with its citation (seeds named by title, not file name)
    shown_captions = captions(at)
    missing = sorted({c for c in table["cited_as"] if c not in shown_captions})
    assert not missing, missing[:5]
    assert "knowledge base" in source
    # each section's count in its tab label is the number of its rows in the CSV
    for lbl in labels:
        title, n = lbl.rsplit(" (", 1)
        assert (table["section"] == title).sum() == int(n.rstrip(")")), lbl


def test_glossary_compares_the_seeds_side_by_side(app, store):
    at = app(LEARN)
    terms = learn.glossary_terms(queries.glossary(store))
    compared = [t for t in terms if t.is_compared]
    assert compared, "no term defined by several seeds"
    assert f"{len(terms)} terms · {len(compared)} defined by several seeds" in captions(at)
    body = texts(at)
    for term in compared:
        for seed, _rows in term.by_seed:
            assert f"**{seed}**" in body, (term.term_code, seed)


def test_learn_search_narrows_and_folds_apostrophes(app, media_files):
    at = app(LEARN)
    total = shown_count(at)
    at.text_input(key="learn_search").input("don't").run()
    straight = shown_count(at)
    assert 0 < straight < total
    at.text_input(key="learn_search").input("don’t").run()
    assert shown_count(at) == straight
    table, source = download(at, media_files, "dl-learn")
    assert len(table) == straight and "search = don’t" in source
    at.text_input(key="learn_search").input("zzqx nothing matches").run()
    assert shown_count(at) == 0 and not at.exception
    assert any("Nothing in this section matches" in i.value for i in at.info)


# ---- World regions ------------------------------------------------------------------------------------

def deck_spec(at) -> dict:
    [deck] = at.get("deck_gl_json_chart")
    spec = json.loads(deck.proto.json)
    assert "mapProvider" not in spec and spec["mapStyle"] == "__MAP_STYLE__"  # offline: no tiles
    return spec


def test_regions_page_map_overview_and_csv(app, store, media_files):
    at = app(REGIONS)
    assert not at.exception
    layers = {layer["id"] for layer in deck_spec(at)["layers"]}
    assert {region_chart.LAYER_ID, region_chart.LABEL_LAYER_ID} <= layers
    # the map's source line names the boundaries and the guide's regional passages
    assert f"Source: {knowledge.cite(maps.BASE_SOURCE)}" in captions(at) or maps.BASE_SOURCE.split(":")[0] in captions(at)
    assert "Cluster Development Guide, Part 1 › Evolution & Relevance › Predominant cluster approaches" in captions(at)
    regions = queries.world_regions(store)
    table, _ = download(at, media_files, "dl-regions")
    assert list(table["world_region"]) == list(regions["world_region"])
    assert table["source"].notna().all()


@pytest.mark.parametrize("world_region", ["europe", "africa", "latin_america_caribbean"])
def test_a_region_shows_narrative_financing_and_catalogue_side_by_side(app, store, media_files, world_region):
    at = app(REGIONS, region=world_region)
    assert not at.exception
    region = queries.world_regions(store).set_index("world_region").loc[world_region]
    subheaders = [unescape(s.value) for s in at.subheader]
    assert subheaders[0] == f"{region['region_name']}: the predominant cluster approach"
    assert subheaders[1].startswith("Financing pattern")
    n_ini = len(queries.region_initiatives(store, world_region))
    progs = queries.policy_programmes(store)
    n_prog = int((progs["world_region"] == world_region).sum())
    assert f"Initiatives in the catalogue ({n_ini})" in subheaders
    assert f"Policy programmes ({n_prog})" in subheaders
    # the narrative's passages, each with its source line
    body, caps = texts(at), captions(at)
    for p in queries.region_points(store, world_region).itertuples():
        assert unescape(p.text)[:60] in body
        assert knowledge.cite(p.source) in caps
    # programmes of the region link to the programmes view
    links = [lk for lk in at.get("page_link") if "programme=" in lk.proto.query_string]
    assert len(links) == n_prog
    table, source = download(at, media_files, "dl-region")
    assert set(table["part"]) >= {"narrative", "country or area"}
    assert (table["part"] == "initiative").sum() == n_ini and (table["part"] == "policy programme").sum() == n_prog
    assert table["source"].notna().all() and region["region_name"] in source


def test_the_map_zooms_to_the_selected_region(app):
    world = deck_spec(app(REGIONS))["initialViewState"]
    europe = deck_spec(app(REGIONS, region="europe"))["initialViewState"]
    assert europe["zoom"] > world["zoom"] + 1.5
    assert 35 < europe["latitude"] < 60 and -10 < europe["longitude"] < 30


def test_picking_a_region_writes_the_url_and_a_map_click_names_its_region(app):
    at = app(REGIONS)
    at.session_state["region_pick"] = "africa"
    at.run()
    assert not at.exception
    assert at.query_params["region"] in ("africa", ["africa"])
    assert any(unescape(s.value).startswith("Africa: the predominant") for s in at.subheader)
    sel = {"selection": {"objects": {region_chart.LAYER_ID: [{"world_region": "europe"}]}}}
    assert region_chart.selected_region(sel) == "europe"


def test_financing_figures_have_a_source_in_their_box(app):
    """Every stated figure (metric, bar chart) of the financing pattern is inside a bordered box with
    the statements' source line."""
    at = app(REGIONS, region="east_central_asia")
    assert not at.exception
    found = 0
    for node in at.main.children.values():
        stack = [node]
        while stack:
            n = stack.pop()
            children = getattr(n, "children", {}) or {}
            kinds = [type(c).__name__ for c in children.values()]
            if ("Metric" in kinds or "PlotlyChart" in kinds) and children:
                found += 1
                assert any(type(c).__name__ == "Caption" and "Source" in c.value for c in children.values()), kinds
            stack.extend(children.values())
    assert found >= 1


# ---- Policy programmes ---------------------------------------------------------------------------------

def test_programmes_filters_and_csv_of_the_rows_shown(app, store, media_files):
    at = app(PROGRAMMES)
    assert not at.exception
    all_rows = queries.policy_programmes(store)
    table, source = download(at, media_files, "dl-programmes")
    assert len(table) == len(all_rows) and source.endswith("filters: none")
    at.multiselect(key="prog_regions").select("africa").run()
    table, source = download(at, media_files, "dl-programmes")
    assert 0 < len(table) == int((all_rows["world_region"] == "africa").sum()) < len(all_rows)
    assert "world region = Africa" in source
    at.toggle(key="prog_figure").set_value(True).run()
    at.multiselect(key="prog_regions").set_value([]).run()
    table, source = download(at, media_files, "dl-programmes")
    with_figure = all_rows[all_rows["amount"].notna() | all_rows["amount_text"].notna()]
    assert len(table) == len(with_figure) and "with a stated figure" in source
    assert f"{len(with_figure)} of {len(all_rows)} programmes shown" in captions(at)
    at.toggle(key="prog_figure").set_value(False).run()
    at.text_input(key="prog_search").input("Interreg").run()
    table, _ = download(at, media_files, "dl-programmes")
    assert 0 < len(table) < len(all_rows)
    assert table.fillna("").astype(str).apply(lambda r: "interreg" in " ".join(r).casefold(), axis=1).all()


def test_a_programme_profile_states_figures_as_printed_with_source_and_links(app, store):
    links = queries.programme_links(store)
    code = links["programme_code"].iloc[0]
    at = app(PROGRAMMES, programme=code)
    assert not at.exception
    row = queries.policy_programmes(store).set_index("programme_code").loc[code]
    assert unescape(row["name"]) in [unescape(s.value) for s in at.subheader]
    assert knowledge.cite(row["source"]) in captions(at)
    mine = links[links["programme_code"] == code]
    ini_links = [lk for lk in at.get("page_link") if "initiative=" in lk.proto.query_string]
    assert {lk.proto.query_string.split("initiative=")[1].split("&")[0] for lk in ini_links} == set(mine["initiative_id"])
    if isinstance(row.get("world_region"), str):
        assert any(f"region={row['world_region']}" in lk.proto.query_string for lk in at.get("page_link"))


def test_a_figure_is_shown_exactly_as_printed(app, store):
    progs = queries.policy_programmes(store)
    row = progs[progs["amount_text"].notna()].iloc[0]
    at = app(PROGRAMMES, programme=row["programme_code"])
    assert f"**As printed:** {row['amount_text']}" in unescape(texts(at))


def test_an_initiative_profile_links_to_its_programmes(app, store):
    links = queries.programme_links(store)
    iid = links["initiative_id"].iloc[0]
    at = app(INITIATIVES, initiative=iid)
    assert not at.exception
    to_programmes = {lk.proto.query_string.split("programme=")[1].split("&")[0]
                     for lk in at.get("page_link") if "programme=" in lk.proto.query_string}
    assert to_programmes == set(links[links["initiative_id"] == iid]["programme_code"])
