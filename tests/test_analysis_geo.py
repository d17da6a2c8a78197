"""Issue #12 finer geographies: County Business Patterns county files (the RECONSTRUCTED fixtures
of tests/fixtures/, see its README: Census layouts, values derived from state figures) round-trip
through the importer; counties aggregate to BEA Economic Areas conserving employment exactly;
indicators are computed within the region type; the shipped county/EA files match their README."""

from __future__ import annotations

import csv
import hashlib
import re

import pytest

from clusterdash import config
from clusterdash.stats import geographies, importer, indicators
from clusterdash.stats.readers import SourceFile
from tests.conftest import TESTS
from tests.stats_support import source, spec

COUNTY_FILE = TESTS / "fixtures" / "cbp19co_reconstructed.txt"
COUNTY_JSON = TESTS / "fixtures" / "cbp_2019_counties_reconstructed.json"


def _file_rows() -> list[dict]:
    with COUNTY_FILE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def counties(store):
    importer.import_dataset(store, spec("cbp", SourceFile.from_path(COUNTY_FILE), dataset_code="cty"))
    return store


def test_a_reconstructed_county_file_round_trips(counties):
    store = counties
    ds = store.rows("SELECT * FROM stats_dataset WHERE dataset_code = 'cty'")[0]
    assert ds["region_type"] == geographies.REGION_TYPE_COUNTY and ds["year_min"] == ds["year_max"] == 2019
    assert "counties" in ds["title"]
    obs = {(r["region_code"], r["industry_code"]): r for r in store.rows(
        "SELECT * FROM stats_observation WHERE dataset_code = 'cty'")}
    rows = _file_rows()
    statewide = [r for r in rows if r["fipscty"] == "999"]
    assert len(obs) == len(rows) - len(statewide) and statewide
    for r in rows:
        if r["fipscty"] == "999":
            continue
        o = obs[(r["fipstate"] + r["fipscty"], geographies.naics_from_county_file(r["naics"]))]
        assert o["establishments"] == int(r["est"]) and o["year"] == 2019
        if r["emp_nf"] in ("D", "S"):
            assert o["is_withheld"] and o["employment"] is None and o["payroll"] is None
            assert r["emp_nf"] in o["flags"] or "payroll = 0" in o["flags"]
        else:
            assert not o["is_withheld"] and o["employment"] == int(r["emp"]) and o["payroll"] == int(r["ap"])
    assert ("32003", "00") in obs and ("32003", "31-33") in obs and ("32003", "721120") in obs
    rejected = store.df("SELECT * FROM stats_rejected_row WHERE dataset_code = 'cty'")
    assert len(rejected) == len(statewide) and rejected["reason"].str.contains("statewide").all()
    regions = store.df("SELECT * FROM stats_region WHERE dataset_code = 'cty' ORDER BY region_code")
    assert len(regions) == 22 and regions["latitude"].notna().all()
    assert regions.set_index("region_code").loc["32003", "region_name"] == "Clark County, NV"


def test_the_county_api_json_gives_the_same_figures(store):
    importer.import_dataset(store, spec("cbp", SourceFile.from_path(COUNTY_FILE), dataset_code="cty"))
    importer.import_dataset(store, spec("cbp", SourceFile.from_path(COUNTY_JSON), dataset_code="ctyj"))
    a = store.df("SELECT region_code, industry_code, employment, establishments, payroll FROM stats_observation "
                 "WHERE dataset_code = 'cty' ORDER BY 1, 2")
    b = store.df("SELECT region_code, industry_code, employment, establishments, payroll FROM stats_observation "
                 "WHERE dataset_code = 'ctyj' ORDER BY 1, 2")
    # the API has no noise flags: the cell the county file marks S (emp 0, payroll kept) is not in it
    assert len(a) == len(b) + 1
    m = a.merge(b, on=["region_code", "industry_code"], suffixes=("", "_api"))
    assert len(m) == len(b)
    for c in ("employment", "establishments", "payroll"):
        assert ((m[c] == m[c + "_api"]) | (m[c].isna() & m[c + "_api"].isna())).all()
    assert store.rows("SELECT region_type FROM stats_dataset WHERE dataset_code = 'ctyj'")[0]["region_type"] == \
        geographies.REGION_TYPE_COUNTY


def test_counties_aggregate_to_economic_areas_conserving_employment(counties):
    store = counties
    summary = geographies.aggregate_to_economic_areas(store, "cty")
    assert summary.dataset_code == "cty_ea" and summary.counties == 22 and not summary.counties_without_ea
    assert summary.employment_eas == summary.employment_counties
    per_cell = store.df(
        """WITH m AS (SELECT * FROM (VALUES {}) t(county_fips, ea_code))
           SELECT coalesce(a.industry_code, b.industry_code) AS industry_code, a.e AS counties, b.e AS eas FROM
           (SELECT o.industry_code, o.year, sum(o.employment) AS e FROM stats_observation o
            WHERE dataset_code = 'cty' GROUP BY ALL) a
           FULL JOIN (SELECT industry_code, year, sum(employment) AS e FROM stats_observation
            WHERE dataset_code = 'cty_ea' GROUP BY ALL) b USING (industry_code, year)""".format(
            ", ".join(f"('{c}', '{e}')" for c, e in geographies.ea_of_county().items() if c[:2] in ("32", "44"))))
    assert len(per_cell) == 36 and (per_cell["counties"] == per_cell["eas"]).all()
    eas = store.df("SELECT * FROM stats_region WHERE dataset_code = 'cty_ea' ORDER BY region_code")
    want = sorted({geographies.ea_of_county()[c] for c in store.df(
        "SELECT region_code FROM stats_region WHERE dataset_code = 'cty'")["region_code"]})
    assert eas["region_code"].tolist() == want and eas["latitude"].notna().all()
    ds = store.rows("SELECT * FROM stats_dataset WHERE dataset_code = 'cty_ea'")[0]
    assert ds["region_type"] == geographies.REGION_TYPE_EA and "Economic Areas" in ds["source"]
    # an EA cell with a withheld county: published sum kept, flagged, estimate carried over
    flagged = store.df("SELECT * FROM stats_observation WHERE dataset_code = 'cty_ea' AND flags IS NOT NULL")
    assert len(flagged) == 2 and flagged["employment"].notna().all() and not flagged["is_withheld"].any()
    est = store.df("SELECT * FROM stats_withheld_estimate WHERE dataset_code = 'cty_ea'")
    assert len(est) == 2 and est["method"].str.contains("county cells").all()
    with pytest.raises(importer.StatsImportError, match="exists already"):
        geographies.aggregate_to_economic_areas(store, "cty")
    with pytest.raises(importer.StatsImportError, match="made of U.S. counties"):
        geographies.aggregate_to_economic_areas(store, "cty_ea", "again")


def test_counties_outside_every_economic_area_are_left_out_and_named(store):
    # SYNTHETIC rows (invented numbers, for this test only): two Nevada counties and San Juan, PR
    text = ('"fipstate","fipscty","naics","emp_nf","emp","ap","est"\n'
            '"32","003","------","G",100,2000,5\n"32","003","721///","G",100,2000,5\n'
            '"32","510","------","G",30,600,2\n"32","510","721///","G",30,600,2\n'
            '"72","127","------","G",40,800,3\n"72","127","721///","G",40,800,3\n')
    importer.import_dataset(store, spec("cbp", source("synthetic_cbp19co.txt", text), dataset_code="syn"))
    s = geographies.aggregate_to_economic_areas(store, "syn")
    assert s.counties_without_ea == ["72127"] and s.employment_left_out == 40
    assert s.employment_eas + s.employment_left_out == s.employment_counties == 170
    notes = store.rows("SELECT notes FROM stats_dataset WHERE dataset_code = 'syn_ea'")[0]["notes"]
    assert "72127" in notes


def test_indicators_are_computed_within_the_region_type(counties):
    store = counties
    geographies.aggregate_to_economic_areas(store, "cty")
    for code, n in (("cty", 22), ("cty_ea", 4)):
        ind = indicators.compute_indicators(store, code)
        assert ind["region_code"].nunique() == n
        # the benchmark is the sum of the dataset's own regions: national shares add up to 100 %
        shares = ind.groupby("cluster_code")["national_share_pct"].sum()
        assert shares.round(6).eq(100).all()
        assert f"sum of the dataset's {n} regions" in ind["benchmark"].iloc[0]


def test_the_shipped_county_and_ea_files_match_their_readme():
    readme = (config.GEO_DIR / "README.md").read_text(encoding="utf-8")
    for name in ("us-counties-10m.json", "us_counties.csv", "bea_economic_areas_2004.csv",
                 "bea_economic_areas_2004_names.csv"):
        digest = hashlib.sha256((config.GEO_DIR / name).read_bytes()).hexdigest()
        assert digest in readme, name
    counties = geographies.us_counties()
    eas = geographies.ea_of_county()
    assert len(counties) == 3231 and len(geographies.economic_areas()) == 179
    # every county of the 50 states and DC is in an economic area; Puerto Rico and the territories are not
    states = {c for c in counties if c[:2] not in ("60", "66", "69", "72", "78")}
    assert states <= set(eas)
    assert not any(c.startswith("72") for c in eas)
    assert all(re.fullmatch(r"\d{3}", e) for e in eas.values())


def test_county_shapes_and_ea_borders_decode():
    feats = geographies.county_features()
    assert len(feats["features"]) == 3231
    assert {f["id"] for f in feats["features"]} == set(geographies.us_counties())
    borders = geographies.ea_boundaries()
    assert borders["geometry"]["type"] == "MultiLineString" and len(borders["geometry"]["coordinates"]) > 500
