"""AppTests of the Cluster analysis pages (issue #12) on a fresh store built WITHOUT ../shared
(the embedded CBP states 2017–2021 and Eurostat datasets only): every page renders with numbers,
a chart with its source line, a CSV download equal to the table shown, and its main selector
changes what is shown. The county page is also run on the RECONSTRUCTED county fixture."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from clusterdash import registry
from clusterdash.charts.common import PROJECTOR_MIN_PX
from clusterdash.stats import importer
from clusterdash.stats.readers import SourceFile
from tests.ui_support import shown
from clusterdash.store import Store
from tests.conftest import TESTS
from tests.stats_support import spec
from tests.test_stats_app import CBP, EU, run, texts

PAGES = ["cluster_profile", "region_cluster", "shift_share", "economic_structure", "wages", "counties",
         "clusters_from_data"]
COUNTY_FILE = TESTS / "fixtures" / "cbp19co_reconstructed.txt"




def path(key: str) -> str:
    return registry.page(key).path


@pytest.fixture(autouse=True)
def media_files(monkeypatch) -> dict[str, bytes]:
    """Every file the app hands to the browser (downloads), by file id."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else open(path_or_data, "rb").read()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def download(at, media_files, key) -> bytes:
    for b in at.get("download_button"):
        if b.key == key:
            return media_files[b.proto.url.rsplit("/", 1)[-1].split(".")[0]]
    raise AssertionError(f"no download button {key}: {[b.key for b in at.get('download_button')]}")


def shown_and_csv(at, media_files, key) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The table ``tbl-<key>`` as shown and its CSV (``dl-<key>``) read back, with the CSV's header."""
    raw = download(at, media_files, f"dl-{key}").decode("utf-8")
    csv = pd.read_csv(io.StringIO(raw), comment="#", dtype=str, keep_default_na=False)
    frames = [d for d in at.dataframe if d.proto.id and key in (d.proto.id or "")] or list(at.dataframe)
    shown = next(d.value for d in frames if list(d.value.columns) == list(csv.columns) and len(d.value) == len(csv))
    return shown, csv, raw.splitlines()[0]


def assert_csv_is_table(at, media_files, key) -> pd.DataFrame:
    shown, csv, head = shown_and_csv(at, media_files, key)
    assert head.startswith("# source: ") and len(shown) > 0
    for c in shown.columns:
        a, b = shown[c].reset_index(drop=True), csv[c]
        if pd.api.types.is_numeric_dtype(a) and not pd.api.types.is_bool_dtype(a):
            assert pd.to_numeric(b, errors="coerce").fillna(-1e18).round(6).tolist() == \
                pd.to_numeric(a, errors="coerce").astype(float).fillna(-1e18).round(6).tolist(), c
        else:
            def norm(x) -> str:
                if isinstance(x, (bool, np.bool_)):
                    return "true" if x else "false"
                return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)

            assert [norm(x) for x in a] == [norm(x) for x in b], c
    return shown


def plotly_titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def assert_chart_with_source(at, *, deck: bool = False) -> None:
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    assert specs and all("Source: " in s for s in specs), "every figure names its source"
    if deck:
        assert at.get("deck_gl_json_chart") and "Source: " in texts(at)


def test_the_pages_are_registered_in_a_cluster_analysis_section():
    keys = [p.key for p in registry.sections()["Cluster analysis"]]
    assert keys == PAGES


# ---- one test per page: renders, chart with source, CSV = table, the selector changes the output --------

def test_cluster_profile(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("cluster_profile"), ds=CBP, cluster="336", year="2021")
    assert_chart_with_source(at, deck=True)
    assert "Transportation Equipment Manufacturing, 2021" in texts(at)
    assert any("Where Transportation Equipment Manufacturing is most concentrated" in t for t in plotly_titles(at))
    assert any(t.startswith("Related NAICS subsectors") for t in plotly_titles(at))  # co-location, no crosswalk
    ranked = assert_csv_is_table(at, media_files, "an_prof_rank")
    assert 40 < len(ranked) <= 50 and ranked["lq"].is_monotonic_decreasing and ranked.iloc[0]["region_name"] == "Indiana"
    assert "traded" not in " ".join(plotly_titles(at))
    at.selectbox(key=f"an_cluster_{CBP}").set_value("325").run()
    assert not at.exception
    assert "Chemical Manufacturing, 2021" in texts(at)
    assert assert_csv_is_table(at, media_files, "an_prof_rank").iloc[0]["region_name"] != "Indiana"


def test_cluster_profile_eurostat_at_country_positions(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("cluster_profile"), ds=EU, cluster="B-E", year="2015")
    assert_chart_with_source(at, deck=True)
    assert at.selectbox(key=f"an_prof_bench_{EU}").value == "country"
    assert len(assert_csv_is_table(at, media_files, "an_prof_rank")) > 200


def test_region_cluster(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("region_cluster"), ds=CBP, region="26", cluster="336", year="2021")
    assert_chart_with_source(at)
    titles = " ".join(plotly_titles(at))
    assert "Transportation Equipment Manufacturing in Michigan against the benchmark" in titles
    assert "in Michigan, 2021: subclusters and industries" in titles
    series = assert_csv_is_table(at, media_files, "an_rc_series")
    assert series["year"].tolist() == [2017, 2018, 2019, 2020, 2021]
    drill = assert_csv_is_table(at, media_files, "an_rc_drill")
    assert {"cluster", "subcluster", "industry"} <= set(drill["drill_level"])  # NAICS 4-digit groups
    assert "Employment" in {m.label for m in at.metric}
    at.selectbox(key=f"an_region_{CBP}").set_value("06").run()
    assert not at.exception
    assert "Transportation Equipment Manufacturing in California" in " ".join(plotly_titles(at))
    assert assert_csv_is_table(at, media_files, "an_rc_series")["employment"].tolist() != series["employment"].tolist()


def test_shift_share(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("shift_share"), ds=CBP, region="26")
    assert_chart_with_source(at)
    assert at.selectbox(key=f"an_from_{CBP}").value == 2018  # the dataset's default base year
    assert at.selectbox(key=f"an_to_{CBP}").value == 2021
    rows = assert_csv_is_table(at, media_files, "an_ss_rows")
    dec = rows[rows["is_decomposed"].astype(bool)]
    parts = dec[["national_growth_effect", "industry_mix_effect", "regional_shift_effect"]].sum(axis=1)
    assert (parts - dec["employment_change"]).abs().max() <= 2  # rounded to whole jobs: the parts add up
    regions = assert_csv_is_table(at, media_files, "an_ss_regions")
    assert len(regions) == 50
    assert any("Shift-share 2018–2021: Michigan" in t for t in plotly_titles(at))
    assert "Industry mix effect" in texts(at) and "add up to the actual employment change" in texts(at)
    at.radio(key="an_ss_variant").set_value("esteban-marquillas").run()
    assert not at.exception
    em = assert_csv_is_table(at, media_files, "an_ss_rows")
    assert {"competitive_effect", "allocation_effect"} <= set(em.columns)
    at.selectbox(key=f"an_from_{CBP}").set_value(2019).run()
    assert any("Shift-share 2019–2021" in t for t in plotly_titles(at))


def test_economic_structure(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("economic_structure"), ds=CBP, year="2021", region="26")
    assert_chart_with_source(at)
    for phrase in ("Herfindahl-Hirschman index", "Shannon entropy", "Related variety", "Unrelated variety",
                   "Krugman specialisation index"):
        assert phrase in texts(at)
    ranked = assert_csv_is_table(at, media_files, "an_st_table")
    assert len(ranked) == 50 and ranked["hhi"].between(0, 1).all()
    assert "Herfindahl-Hirschman index of every region, 2021" in plotly_titles(at)[0]
    at.segmented_control(key=f"an_st_index_{CBP}").set_value("krugman_index").run()
    assert not at.exception
    assert "Krugman specialisation index of every region, 2021" in plotly_titles(at)[0]
    assert assert_csv_is_table(at, media_files, "an_st_table")["krugman_index"].is_monotonic_decreasing


def test_economic_structure_eurostat_has_no_related_variety(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("economic_structure"), ds=EU, year="2015")
    assert "Related variety needs industries nested in groups" in texts(at)
    assert len(assert_csv_is_table(at, media_files, "an_st_table")) > 200


def test_wages(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("wages"), ds=CBP, year="2021", region="26")
    assert_chart_with_source(at)
    titles = plotly_titles(at)
    assert any("Best-paid NAICS subsectors of Michigan, 2021" in t for t in titles)
    assert any("Portfolio of Michigan by wage, 2021" in t for t in titles)
    w = assert_csv_is_table(at, media_files, "an_wg_table")
    assert w["avg_wage"].dropna().is_monotonic_decreasing and w["wage_premium_pct"].notna().any()
    assert len(assert_csv_is_table(at, media_files, "an_wg_regions")) == 50
    at.selectbox(key=f"an_region_{CBP}").set_value("53").run()
    assert any("Best-paid NAICS subsectors of Washington" in t for t in plotly_titles(at))
    # Eurostat has no payroll: said plainly
    at2 = run(fresh, monkeypatch, path("wages"), ds=EU)
    assert "has no payroll" in texts(at2)


def test_counties_on_a_fresh_store_shows_the_economic_areas(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("counties"))
    assert "No county dataset yet" in texts(at)
    assert at.get("deck_gl_json_chart") and "Economic Areas, 2004" in texts(at)
    eas = pd.read_csv(io.BytesIO(download(at, media_files, "dl-an_co_eas")), comment="#")
    assert len(eas) == 179 and eas["Counties"].sum() > 3000


def test_counties_map_and_aggregation_to_economic_areas(fresh, monkeypatch, media_files):
    s = Store(fresh)
    importer.import_dataset(s, spec("cbp", SourceFile.from_path(COUNTY_FILE), dataset_code="cty"))
    s.close()
    at = run(fresh, monkeypatch, path("counties"), ds="cty")
    assert at.get("deck_gl_json_chart")
    assert "Boundaries: U.S. Census Bureau 2017 counties" in texts(at)
    ranked = assert_csv_is_table(at, media_files, "an_co_rank")
    assert len(ranked) <= 22 and ranked["region_name"].str.contains(", NV|, RI").all()
    at.button(key="an_co_aggregate").click().run()
    assert not at.exception
    at.selectbox(key="an_co_ds").set_value("cty_ea").run()
    assert not at.exception
    ea = assert_csv_is_table(at, media_files, "an_co_rank")
    assert 0 < len(ea) < len(ranked)


def test_clusters_from_data(fresh, monkeypatch, media_files):
    at = run(fresh, monkeypatch, path("clusters_from_data"), ds=CBP, groups="12")
    assert_chart_with_source(at)
    assert "This is ClusterDash's own method, not an official cluster definition" in texts(at)
    groups = assert_csv_is_table(at, media_files, "an_cf_groups")
    assert len(groups) == 12 and groups["candidate_name"].str.len().gt(0).all()
    assert "Agreement (adjusted Rand index)" in {m.label for m in at.metric}
    assert "NAICS 2017 3-digit subsectors" in texts(at)
    at.slider(key=f"an_cf_groups_{CBP}").set_value(20).run()
    assert not at.exception
    assert len(assert_csv_is_table(at, media_files, "an_cf_groups")) == 20
    # save, apply, restore
    at.button(key="an_cf_save").click().run()
    assert not at.exception and "Candidate grouping saved." in " ".join(shown(at.success))
    at.button(key="an_cf_apply").click().run()
    assert not at.exception
    s = Store(fresh)
    assert s.rows("SELECT cluster_definition FROM stats_dataset WHERE dataset_code = ?", [CBP])[0][
        "cluster_definition"].startswith("ClusterDash clusters from data")
    s.close()
    at.button(key="an_cf_restore").click().run()
    assert not at.exception
    s = Store(fresh)
    assert not s.rows("SELECT cluster_definition FROM stats_dataset WHERE dataset_code = ?", [CBP])[0][
        "cluster_definition"].startswith("ClusterDash clusters from data")
    s.close()


@pytest.mark.parametrize("key", ["shift_share", "cluster_profile"])
def test_presentation_mode_enlarges_the_charts(fresh, monkeypatch, key):
    at = run(fresh, monkeypatch, path(key), ds=CBP, present="1")
    sizes = {json.loads(c.proto.spec)["layout"]["font"]["size"] for c in at.get("plotly_chart")}
    assert sizes == {PROJECTOR_MIN_PX}  # body text, ticks and legend readable from the back of a room
