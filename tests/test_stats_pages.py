"""AppTest flows of the statistics pages: the empty state with the one-click demo load, every
view of the regional statistics on CBP 2017–2021, choices kept in the URL, and the import page
(upload, summary with rejected rows, clear errors, delete)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from clusterdash import queries
from clusterdash.store import Store
from tests import conftest
from tests.conftest import SHARED_DATA
from tests.stats_support import DATASET
from tests.ui_support import shown

PAGE = "pages/regional_stats.py"
USER_DATASETS = ("SELECT count(*) FROM stats_dataset WHERE dataset_code NOT IN "
                 "('cbp_states_2017_2021', 'eurostat_lfs_nuts2')")  # the embedded ones are in every store
IMPORT = "pages/import_stats.py"


def run_app(db, monkeypatch, page: str, *, timeout: float = 60, **query) -> AppTest:
    monkeypatch.delenv("CLUSTERDASH_PASSCODE", raising=False)
    at = conftest.run_app(db, monkeypatch, page, timeout=timeout, **query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [s.value for s in at.subheader] + [t.value for t in at.text]
    return "\n".join(str(p) for p in parts)


def download_labels(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def test_fresh_store_shows_the_embedded_statistics(db_path, monkeypatch):
    at = run_app(db_path, monkeypatch, PAGE)
    assert "No statistics imported yet" not in texts(at)
    assert at.selectbox(key="stats_ds").value in ("cbp_states_2017_2021", "eurostat_lfs_nuts2")


def test_empty_state_offers_the_demo_and_loads_it(db_path, monkeypatch):
    if not (SHARED_DATA / "us_cbp").exists():
        pytest.skip("shared datasets not found")
    s = Store(db_path)
    for code in ("cbp_states_2017_2021", "eurostat_lfs_nuts2"):  # the user deleted the embedded datasets
        queries.delete_stats_dataset(s, code)
    s.close()
    at = run_app(db_path, monkeypatch, PAGE)
    assert "No statistics imported yet" in texts(at)
    at.button(key="stats_demo").click().run()
    assert not at.exception, [e.value for e in at.exception]
    s = Store(db_path)
    try:
        assert queries.stats_dataset(s, "us_cbp_2017_2021")["row_count"] == 419_244
    finally:
        s.close()
    assert at.selectbox(key="stats_ds").value == "us_cbp_2017_2021"
    assert at.get("deck_gl_json_chart"), "the cluster map is shown after loading"


def test_cluster_map_view(cbp_db_path, monkeypatch):
    at = run_app(cbp_db_path, monkeypatch, PAGE)
    assert at.segmented_control(key="stats_view").value == "Cluster map"
    assert at.selectbox(key="stats_year").value == 2021
    deck = at.get("deck_gl_json_chart")[0].proto
    # no basemap tiles (offline): no tile provider and no style URL; the canvas is checked in the browser test
    style = re.search(r'"mapStyle":"([^"]*)"', deck.json)
    assert '"mapProvider":"' not in deck.json and not (style and style.group(1).startswith("http")), deck.json[:300]
    assert "cluster-bubbles" in deck.json and "us-states" in deck.json
    at.selectbox(key="stats_cluster").set_value("1").run()  # Aerospace Vehicles and Defense
    assert not at.exception
    assert at.query_params["cluster"] in (["1"], "1")
    assert "Aerospace Vehicles and Defense, 2021" in texts(at)
    df = at.dataframe[0].value
    assert 40 < len(df) <= 50 and df["lq"].is_monotonic_decreasing
    assert "Washington" in df.head(5)["region_name"].tolist()
    captions = texts(at)
    assert "Source: U.S. Census Bureau, County Business Patterns 2017–2021; cluster definitions: Delgado" in captions.replace("\\", "")
    assert any(lbl.startswith("Download") for lbl in download_labels(at))


def test_region_profile_view_and_url_state(cbp_db_path, monkeypatch):
    at = run_app(cbp_db_path, monkeypatch, PAGE, view="Region profile", region="53", year="2019", base="2017")
    assert at.segmented_control(key="stats_view").value == "Region profile"
    assert at.selectbox(key="stats_region").value == "53"
    assert at.selectbox(key="stats_year").value == 2019 and at.selectbox(key=f"stats_base_{DATASET}").value == 2017
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Strong clusters"]) > 0 and metrics["Cluster strength"].endswith("%")
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # portfolio and trend
    assert "portfolio of traded clusters, 2019" in charts[0].proto.spec
    at.segmented_control(key="stats_rank_by").set_value("lq").run()
    ranked = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert ranked["lq"].is_monotonic_decreasing and ranked["rank"].tolist()[:2] == [1, 2]
    # the choice of region survives in the URL
    at.selectbox(key="stats_region").set_value("06").run()
    assert at.query_params["region"] in (["06"], "06")


def test_compare_view_caps_at_ten_regions(cbp_db_path, monkeypatch):
    at = run_app(cbp_db_path, monkeypatch, PAGE, view="Compare regions")
    chosen = at.multiselect(key="stats_compare").value
    assert len(chosen) == 5 and "06" in chosen  # the five largest by traded employment
    assert len(at.get("plotly_chart")) == 2
    summary = at.dataframe[-1].value
    assert list(summary["region_code"]) == chosen and summary["cluster_strength_pct"].between(0, 100).all()
    at.selectbox(key="stats_measure").set_value("employment").run()
    assert not at.exception
    spec = at.get("plotly_chart")[0].proto.spec
    assert "Employment, 2021: traded clusters" in spec


def test_related_clusters_view_lists_opportunities(cbp_db_path, monkeypatch):
    at = run_app(cbp_db_path, monkeypatch, PAGE, view="Related clusters", region="53")
    frames = [d.value for d in at.dataframe]
    opp = next(f for f in frames if "related_strong_clusters" in f.columns)
    strong = next(f for f in frames if "is_strong_top10" in f.columns)
    assert len(opp) > 0 and not set(opp["cluster_code"]) & set(strong["cluster_code"])
    assert "cluster relatedness: U.S. Cluster Mapping" in texts(at).replace("\\", "")


def test_data_view_and_full_export(cbp_db_path, monkeypatch):
    at = run_app(cbp_db_path, monkeypatch, PAGE, view="Data")
    assert "Download all indicators (CSV)" in download_labels(at)
    facts = at.dataframe[0].value.set_index("item")["value"]
    assert facts["Withheld or missing cells"] == "3,857"


def test_import_page_upload_summary_rejected_rows_and_delete(db_path, monkeypatch):
    at = run_app(db_path, monkeypatch, IMPORT)
    assert at.radio(key="imp_format").value == "cbp"
    at.radio(key="imp_format").set_value("long").run()
    data = (b"region_code,region_name,industry_code,year,employment\n"
            b"R1,North,111,2020,100\nR2,South,111,2020,50\nR2,South,211,2020,abc\n")
    at.file_uploader(key="imp_files_long").set_value(("mine.csv", data, "text/csv")).run()
    at.text_input(key="imp_source").input("Regional office, survey 2020").run()
    at.button(key="imp_go").click().run()
    assert not at.exception
    errors = shown(at.error)
    assert errors and "mine.csv, column employment: text where a whole number is expected (line 4: 'abc')" in errors[0]
    s = Store(db_path)
    assert s.value(USER_DATASETS) == 0  # nothing written
    s.close()
    good = b"region_code,region_name,industry_code,year,employment\nR1,North,111,2020,100\nR2,South,111,2020,\n"
    at.file_uploader(key="imp_files_long").set_value(("mine.csv", good, "text/csv")).run()
    at.text_input(key="imp_name").input("survey").run()
    at.button(key="imp_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Imported" in s for s in shown(at.success))
    assert "withheld or missing cells (stored as missing, not zero): 1" in texts(at)
    s = Store(db_path)
    assert queries.stats_dataset(s, "survey")["source"] == "Regional office, survey 2020"
    s.close()
    at.selectbox(key="imp_manage").set_value("survey").run()  # the store also holds the embedded datasets
    at.checkbox(key="imp_confirm_delete").check().run()
    at.button(key="imp_delete").click().run()
    assert not at.exception
    s = Store(db_path)
    assert s.value(USER_DATASETS) == 0
    s.close()


def test_import_page_lists_rejected_rows_for_download(db_path, monkeypatch):
    at = run_app(db_path, monkeypatch, IMPORT)
    body = b"year,state_fips,naics,naics_level,estab,emp,payann_k\n2019,01,00,0,10,20,30\n2019,99,00,0,1,2,3\n"
    at.file_uploader(key="imp_files_cbp").set_value(("cbp.csv", body, "text/csv")).run()
    at.button(key="imp_go").click().run()
    assert not at.exception
    labels = download_labels(at)
    assert "Download the 1 rejected rows (CSV)" in labels
    at.selectbox(key="imp_manage").set_value("cbp_2019").run()  # the store also holds the embedded datasets
    labels = download_labels(at)
    assert any("rejected rows of cbp_2019" in lbl for lbl in labels)
