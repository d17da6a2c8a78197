"""AppTest flows of issue #11 on a fresh store built WITHOUT ../shared (the embedded datasets only):
Regional statistics shows data on every view; the default base year with its reason; the LQ
benchmark (the region's country for Eurostat, the EU aggregate as an option); NUTS region names,
a map at the countries' positions, "not in the source" for establishments, no "traded" on the
classification's own groups; growth flags as columns; coverage per year in the Data view; the
import page explains the shipped data, attaches a crosswalk, shows refused years as warnings and
switches its dataset list to a new import."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from clusterdash import queries
from clusterdash.store import Store
from tests import conftest
from tests.conftest import SHARED_DATA

PAGE, IMPORT = "pages/regional_stats.py", "pages/import_stats.py"
CBP, EU = "cbp_states_2017_2021", "eurostat_lfs_nuts2"




def run(db, monkeypatch, page: str, *, timeout: float = 60, **query) -> AppTest:
    monkeypatch.delenv("CLUSTERDASH_PASSCODE", raising=False)
    at = conftest.run_app(db, monkeypatch, page, timeout=timeout, **query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [s.value for s in at.subheader] + [t.value for t in at.text] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # plain() escapes markdown characters


def frames(at) -> list:
    return [d.value for d in at.dataframe]


def chart_specs(at) -> str:
    return " ".join(c.proto.spec for c in at.get("plotly_chart"))


# ---- Regional statistics on the embedded data ----------------------------------------------------

@pytest.mark.parametrize("view", ["Cluster map", "Region profile", "Compare regions", "Related clusters", "Data"])
@pytest.mark.parametrize("ds", [CBP, EU])
def test_every_view_has_data_on_a_fresh_store(fresh, monkeypatch, view, ds):
    at = run(fresh, monkeypatch, PAGE, ds=ds, view=view)
    assert "No statistics imported yet" not in texts(at)
    assert at.selectbox(key="stats_ds").value == ds
    if view == "Related clusters":
        assert "Attach the U.S. Cluster Mapping crosswalk" in texts(at)  # no relatedness without a crosswalk
    else:
        assert frames(at) and max(len(f) for f in frames(at)) > 0
    if view in ("Cluster map",):
        assert at.get("deck_gl_json_chart")
    if view in ("Region profile", "Compare regions"):
        assert at.get("plotly_chart")


def test_cbp_default_base_year_2018_with_its_reason(fresh, monkeypatch):
    at = run(fresh, monkeypatch, PAGE, ds=CBP, view="Region profile", region="26", year="2021")
    assert at.selectbox(key=f"stats_base_{CBP}").value == 2018
    cap = texts(at)
    assert "Growth since 2018, the default: the first year whose coverage is comparable" in cap
    assert "2017 has 2,3" in cap and "withheld cells" in cap
    spec = chart_specs(at)
    assert "Michigan: portfolio of NAICS subsectors, 2021" in spec and "traded" not in json.loads(
        at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    assert "Location quotient vs the nation (log scale; 1 = national average)" in spec
    # another base year: the default and its reason stay in view, growth flags are columns
    at.selectbox(key=f"stats_base_{CBP}").set_value(2017).run()
    assert "the default is 2018" in texts(at)
    ranked = next(f for f in frames(at) if "rank" in f.columns)
    assert {"is_growth_distorted", "growth_note"} <= set(ranked.columns)
    assert ranked["is_growth_distorted"].any()
    assert "Strong clusters" not in {m.label for m in at.metric}
    assert "Strong NAICS subsectors" in {m.label for m in at.metric}


def test_eurostat_names_benchmark_map_and_no_establishments(fresh, monkeypatch):
    at = run(fresh, monkeypatch, PAGE, ds=EU, view="Cluster map", cluster="B-E", year="2015")
    assert at.selectbox(key=f"stats_bench_{EU}").value == "country"
    assert set(at.selectbox(key=f"stats_bench_{EU}").options) >= {"the region's country (default)",
                                                                     "the EU28 aggregate"}
    body = texts(at)
    assert "The source has no establishment counts" in body and "establishments is dropped" in body
    assert body.count("The source has no establishment counts") == 1
    assert "NACE sections" in body and "country's position, not at the regions'" in body
    legend = next(m.value for m in at.markdown if "stats-map-legend" in m.value).replace("&#x27;", "'")
    assert "strong against the region's country" in legend and "LQ vs the EU28 aggregate" in legend
    assert "national average" not in legend
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert deck.get("mapProvider") is None and any(layer["id"] == "country-bubbles" for layer in deck["layers"])
    table = next(f for f in frames(at) if "region_code" in f.columns and "lq" in f.columns)
    assert set(table["establishments"]) == {"not in the source"}
    assert "Oberösterreich" in set(table["region_name"]) and table["is_strong"].any()
    assert "Not on the map" in body and "Canarias (ES70)" in body
    # the EU aggregate as the benchmark
    at.selectbox(key=f"stats_bench_{EU}").set_value("eu28").run()
    assert not at.exception
    legend = next(m.value for m in at.markdown if "stats-map-legend" in m.value)
    assert "strong against the EU28 aggregate" in legend


def test_eurostat_region_selector_shows_names(fresh, monkeypatch):
    at = run(fresh, monkeypatch, PAGE, ds=EU, view="Region profile", region="AT31")
    sel = at.selectbox(key="stats_region")
    assert sel.value == "AT31" and "Oberösterreich (AT31)" in sel.options
    assert not [o for o in sel.options if o.count("(") == 1 and o.split(" (")[0] == o.split(" (")[1].rstrip(")")]
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert fig["layout"]["title"]["text"] == "Oberösterreich: portfolio of NACE sections, 2015"
    assert "vs the region's country" in fig["layout"]["xaxis"]["title"]["text"]
    assert "traded" not in texts(at).lower().replace("traded clusters only", "")


def test_data_view_coverage_per_year_and_per_group(fresh, monkeypatch):
    at = run(fresh, monkeypatch, PAGE, ds=CBP, view="Data")
    cov = next(f for f in frames(at) if "regions_present" in f.columns)
    assert list(cov["year"]) == [2017, 2018, 2019, 2020, 2021]
    assert (cov["regions_present"] == 50).all()
    assert cov.set_index("year").loc[2017, "withheld_cells"] > 2000 > cov.set_index("year").loc[2018, "withheld_cells"]
    assert not cov.set_index("year").loc[2017, "is_comparable"]
    per_group = next(f for f in frames(at) if "withheld_share_pct_2017" in f.columns)
    assert len(per_group) > 50 and per_group["withheld_share_pct_2017"].max() > per_group["withheld_share_pct_2019"].max()
    facts = dict(next(f for f in frames(at) if "item" in f.columns).values)
    assert facts["Default base year"].startswith("2018: the first year whose coverage is comparable")
    assert "indicators" in " ".join(d.proto.label for d in at.get("download_button")).lower()


# ---- the import page -----------------------------------------------------------------------------

def test_import_page_explains_the_shipped_data(fresh, monkeypatch):
    at = run(fresh, monkeypatch, IMPORT)
    body = texts(at)
    assert "Data that comes with ClusterDash" in body
    assert "Source: Eurostat" in body and "public domain" in body and "CC BY 4.0" in body
    assert "data/stats/eurostat_lfst_r_lfe2en2.parquet" in body
    # no ../shared here: the crosswalk comes from the user's file
    assert not [c for c in at.checkbox if c.key == "att_shared"]
    assert at.selectbox(key="att_dataset").value == CBP
    # Eurostat's form defaults fit the file it names (lfst_r_lfe2en2 has no sex dimension)
    at.radio(key="imp_format").set_value("eurostat").run()
    assert at.text_input(key="imp_age").value == "Y_GE15" and not at.text_input(key="imp_sex").value


def test_attach_the_users_crosswalk(fresh, monkeypatch):
    at = run(fresh, monkeypatch, IMPORT)
    cw = b"naics,cluster_code,cluster_name,cluster_type\n3361,1,Automotive,traded\n3362,1,Automotive,traded\n" \
         b"3363,1,Automotive,traded\n4411,101,Auto dealers,local\n"
    at.file_uploader(key="att_cw").set_value(("my_crosswalk.csv", cw, "text/csv")).run()
    at.text_input(key="att_cw_source").input("My own crosswalk (2024)").run()
    at.button(key="att_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Clusters attached to cbp_states_2017_2021" in s.value.replace("\\", "") for s in at.success)
    s = Store(fresh)
    try:
        assert queries.stats_dataset(s, CBP)["has_crosswalk"]
        assert queries.stats_dataset_profile(s, CBP)["cluster_term"] == "clusters"
    finally:
        s.close()
    assert at.selectbox(key="imp_manage").value == CBP


def test_attach_offers_the_shared_crosswalk(fresh, monkeypatch):
    if not (SHARED_DATA / "clusters" / "naics_to_uscmp_cluster_crosswalk.csv").is_file():
        pytest.skip("shared datasets not found")
    monkeypatch.setenv("CLUSTERDASH_SHARED_DATA", str(SHARED_DATA))
    at = run(fresh, monkeypatch, IMPORT)
    assert at.checkbox(key="att_shared").value
    at.button(key="att_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    s = Store(fresh)
    try:
        ds = queries.stats_dataset(s, CBP)
        assert "Delgado, Porter & Stern" in ds["cluster_definition"] and ds["relatedness_source"]
    finally:
        s.close()
    at = run(fresh, monkeypatch, PAGE, ds=CBP, view="Related clusters", region="26")
    assert "Diversification opportunities" in texts(at)


def test_refused_year_is_a_warning_naming_the_missing_regions_and_the_list_opens_on_the_import(fresh, monkeypatch):
    at = run(fresh, monkeypatch, IMPORT)
    at.radio(key="imp_format").set_value("long").run()
    lines = ["region_code,region_name,industry_code,year,employment"]
    for r in range(1, 11):
        lines.append(f"R{r},Region {r},111,2020,{100 + r}")
        if r <= 3:
            lines.append(f"R{r},Region {r},111,2021,{110 + r}")
    at.file_uploader(key="imp_files_long").set_value(("cut.csv", "\n".join(lines).encode(), "text/csv")).run()
    at.text_input(key="imp_name").input("truncated").run()
    at.button(key="imp_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("2021 has 3 of 10 regions" in w and "Region 10 (R10)" in w for w in warnings), warnings
    assert at.selectbox(key="imp_manage").value == "truncated"
