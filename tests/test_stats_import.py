"""Importing regional statistics: CBP (CSV and Census API JSON), Eurostat raw TSV, the generic
long CSV, crosswalks, region files and relatedness files; malformed files give a clear error
and leave the store unchanged."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from clusterdash import queries
from clusterdash.stats import importer
from clusterdash.stats.readers import SourceFile, StatsImportError
from tests.conftest import REPO, shared_file
from tests.stats_support import (
    CBP, DATASET, EUROSTAT, RELATED, dump_stats, shared_source, source, spec,
)

# ---- CBP on the real shared data -------------------------------------------------------------


def test_cbp_import_totals_match_the_file(cbp_store):
    raw = pd.read_csv(shared_file(*CBP), dtype={"state_fips": str, "naics": str})
    ds = queries.stats_dataset(cbp_store, DATASET)
    assert ds["row_count"] == len(raw) == 419_244
    assert ds["region_count"] == 50 and (ds["year_min"], ds["year_max"]) == (2017, 2021)
    assert ds["rejected_count"] == 0
    withheld = raw[(raw.emp == 0) & (raw.estab > 0) & (raw.payann_k == 0)]
    assert ds["withheld_count"] == len(withheld) == 3857
    # stored as missing (NULL), not zero
    got = cbp_store.rows(
        "SELECT employment, payroll, is_withheld FROM stats_observation WHERE dataset_code = ? AND region_code = '53' "
        "AND industry_code = '336411' AND year = 2017", [DATASET])
    assert got == [{"employment": None, "payroll": None, "is_withheld": True}]
    # totals per year at every level equal the file's
    stored = cbp_store.df(
        """SELECT o.year, i.industry_level, sum(o.employment) AS emp, sum(o.establishments) AS estab, sum(o.payroll) AS pay
           FROM stats_observation o JOIN stats_industry i USING (dataset_code, industry_code)
           WHERE o.dataset_code = ? GROUP BY ALL ORDER BY ALL""", [DATASET])
    expected = raw.groupby(["year", "naics_level"]).agg(emp=("emp", "sum"), estab=("estab", "sum"), pay=("payann_k", "sum")).reset_index()
    assert stored["emp"].tolist() == expected["emp"].astype(float).tolist()
    assert stored["estab"].tolist() == expected["estab"].tolist()
    assert stored["pay"].tolist() == expected["pay"].astype(float).tolist()
    # the 50-state 2019 total (SOURCES.md: 132.46 M)
    total_2019 = cbp_store.value(
        "SELECT sum(employment) FROM stats_observation WHERE dataset_code = ? AND industry_code = '00' AND year = 2019",
        [DATASET])
    assert round(total_2019 / 1e6, 2) == 132.46


def test_cbp_finest_level_only_and_clusters_from_crosswalk(cbp_store):
    ind = queries.stats_industries(cbp_store, DATASET)
    finest = ind[ind["is_finest"]]
    assert set(finest["industry_level"]) == {6} and len(finest) == 970
    assert finest["cluster_code"].notna().all()  # all 970 six-digit codes are mapped (SOURCES.md §4)
    assert ind.loc[~ind["is_finest"], "cluster_code"].isna().all()  # coarser totals belong to no cluster
    clusters = queries.stats_clusters(cbp_store, DATASET)
    assert set(clusters["cluster_type"]) == {"traded", "local"}
    assert (clusters["cluster_type"] == "traded").sum() == 51
    ds = queries.stats_dataset(cbp_store, DATASET)
    assert ds["has_crosswalk"] and "Delgado, Porter & Stern (2016)" in ds["cluster_definition"]
    # relatedness: 51 × 51 pairs without the 51 self-pairs, 176 strongly related (USCMP rule)
    rel = queries.stats_relatedness(cbp_store, DATASET)
    assert len(rel) == 2550 and rel["is_strongly_related"].sum() == 176


def test_regions_are_named_and_placed_from_the_shipped_states(cbp_store):
    regions = queries.stats_regions(cbp_store, DATASET)
    assert len(regions) == 50 and regions["latitude"].notna().all()
    wa = regions.set_index("region_code").loc["53"]
    assert wa["region_name"] == "Washington"
    assert 45.5 < wa["latitude"] < 49 and -124.8 < wa["longitude"] < -117


def test_shipped_state_points_lie_in_their_states():
    rows = list(csv.DictReader((REPO / "data" / "geo" / "us_states.csv").open(encoding="utf-8")))
    assert len(rows) == 56
    by = {r["region_name"]: (float(r["latitude"]), float(r["longitude"])) for r in rows}
    # rough bounding boxes (lat_min, lat_max, lon_min, lon_max)
    boxes = {"California": (32.5, 42, -124.5, -114.1), "Florida": (24.5, 31, -87.6, -80),
             "Michigan": (41.7, 48.3, -90.4, -82.4), "Maryland": (37.9, 39.7, -79.5, -75),
             "Texas": (25.8, 36.5, -106.7, -93.5), "Alaska": (51, 71.5, -170, -130)}
    for name, (a, b, c, d) in boxes.items():
        lat, lon = by[name]
        assert a < lat < b and c < lon < d, name


# ---- CBP: the raw Census API JSON layout -------------------------------------------------------


def test_cbp_census_json_layout(store):
    f = SourceFile.from_path(REPO / "tests" / "fixtures" / "census_cbp_2019_states.json")
    summary = importer.import_dataset(store, spec("cbp", f))
    assert summary.years == [2019]
    assert any("year 2019 taken from the file name" in n for n in summary.notes)
    assert summary.regions == 3
    row = store.rows("SELECT employment, payroll FROM stats_observation WHERE region_code = '53' AND industry_code = '336411' "
                     "AND dataset_code = ?", [summary.dataset_code])
    assert row == [{"employment": 50712.0, "payroll": pytest.approx(row[0]["payroll"])}]  # SOURCES.md spot check
    # labels of the API response become industry names
    names = queries.stats_industries(store, summary.dataset_code).set_index("industry_code")["industry_name"]
    assert names["721120"] == "Casino hotels"
    # without a crosswalk: the NAICS 3-digit subsectors, titled from the 2017 NAICS
    ds = queries.stats_dataset(store, summary.dataset_code)
    assert not ds["has_crosswalk"] and "3-digit subsectors" in ds["cluster_definition"]
    clusters = queries.stats_clusters(store, summary.dataset_code).set_index("cluster_code")
    assert clusters.loc["336", "cluster_name"] == "Transportation Equipment Manufacturing"
    assert set(clusters["cluster_type"]) == {"unclassified"}


def test_census_json_needs_a_year(store):
    body = json.dumps([["NAICS2017", "ESTAB", "EMP", "PAYANN", "state"], ["00", "1", "2", "3", "01"]])
    with pytest.raises(StatsImportError, match="no YEAR column"):
        importer.import_dataset(store, spec("cbp", source("response.json", body)))
    s = importer.import_dataset(store, spec("cbp", source("response.json", body), year=2020))
    assert s.years == [2020]


def test_several_files_make_one_dataset_and_cross_file_duplicates_are_caught(store):
    a = json.dumps([["NAICS2017", "ESTAB", "EMP", "PAYANN", "state"], ["111111", "1", "2", "3", "01"]])
    b = json.dumps([["NAICS2017", "ESTAB", "EMP", "PAYANN", "state"], ["111111", "4", "5", "6", "01"]])
    s = importer.import_dataset(store, spec("cbp", source("cbp_2018.json", a), source("cbp_2019.json", b)))
    assert s.years == [2018, 2019]
    with pytest.raises(StatsImportError, match=r"duplicate keys.*a\.json line 2 and b\.json line 2"):
        importer.import_dataset(store, spec("cbp", source("a.json", a), source("b.json", b), year=2019, dataset_code="x"))


# ---- Eurostat raw TSV --------------------------------------------------------------------------


def test_eurostat_raw_tsv_with_flags_and_missing_values(store):
    f = shared_source(*EUROSTAT)
    s = importer.import_dataset(store, spec("eurostat", f))
    ds = queries.stats_dataset(store, s.dataset_code)
    assert ds["classification"] == "NACE Rev. 2" and ds["region_type"] == "NUTS 2 region"
    assert s.years == list(range(2008, 2016))
    # independent count of the file's Y_GE15 cells at NUTS 2: 30,992 cells, 4,343 of them ':'
    assert s.rows_imported == 30_992 and s.withheld == 4_343
    assert any("other slices" in k for k in s.skipped) and any("NUTS level 0" in k for k in s.skipped)
    assert (s.rejected["reason"].str.contains("aggregate of regions")).sum() > 0  # EU28 etc. are not regions
    # unit THS → persons; flags kept as they came
    bg31 = store.rows(
        "SELECT year, employment, is_withheld, flags FROM stats_observation WHERE region_code = 'BG31' "
        "AND industry_code = 'TOTAL' AND year IN (2008, 2015) AND dataset_code = ? ORDER BY year", [s.dataset_code])
    assert bg31[0]["flags"] == "b" and bg31[1]["flags"] is None  # "359.3 b" and "280.4 "
    assert bg31[0]["employment"] == pytest.approx(float(_tsv_value("THS,TOTAL,Y_GE15,BG31", "2008")) * 1000)
    assert bg31[1]["employment"] == pytest.approx(280_400)
    missing = store.rows("SELECT employment, flags FROM stats_observation WHERE is_withheld AND dataset_code = ? LIMIT 1",
                         [s.dataset_code])[0]
    assert missing["employment"] is None and missing["flags"].startswith(":")
    # sections are the finest level; TOTAL is kept but not counted; NRP in no cluster
    ind = queries.stats_industries(store, s.dataset_code).set_index("industry_code")
    assert not ind.loc["TOTAL", "is_finest"] and ind.loc["B-E", "is_finest"]
    assert pd.isna(ind.loc["NRP", "cluster_code"])
    assert ind.loc["B-E", "industry_name"] == "Industry (except construction)"


def _tsv_value(key: str, year: str) -> str:
    with shared_file(*EUROSTAT).open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    col = [h.strip() for h in rows[0]].index(year)
    row = next(r for r in rows if r[0] == key)
    return row[col].split()[0]


EU_SMALL = (
    "unit,sex,age,nace_r2,geo\\time\t2015 \t2014 \n"
    "THS,T,Y_GE15,TOTAL,AT11\t100.0 \t98.0 b\n"
    "THS,T,Y_GE15,A,AT11\t10.5 u\t: c\n"
    "THS,T,Y_GE15,C,AT11\t89.5 \t98.0 p\n"
    "THS,F,Y_GE15,A,AT11\t4.0 \t4.0 \n"
    "THS,T,Y15-24,A,AT11\t1.0 \t1.0 \n"
    "THS,T,Y_GE15,A,EU28\t999.0 \t999.0 \n"
)


def test_eurostat_slice_by_option_and_national_benchmark(store):
    s = importer.import_dataset(store, spec("eurostat", source("small.tsv", EU_SMALL)))
    rows = store.rows("SELECT industry_code, year, employment, flags FROM stats_observation ORDER BY ALL")
    assert {"industry_code": "A", "year": 2014, "employment": None, "flags": ":c"} in rows
    assert {"industry_code": "A", "year": 2015, "employment": 10500.0, "flags": "u"} in rows
    assert {"industry_code": "C", "year": 2014, "employment": 98000.0, "flags": "p"} in rows
    assert s.rejected_count == 1  # the EU28 aggregate
    f = importer.import_dataset(store, spec("eurostat", source("small.tsv", EU_SMALL), dataset_code="women",
                                            eurostat_slice={"sex": "F"}))
    assert store.value("SELECT sum(employment) FROM stats_observation WHERE dataset_code = 'women'") == 8000.0
    assert f.rows_imported == 2
    n = importer.import_dataset(store, spec("eurostat", source("small.tsv", EU_SMALL), dataset_code="bench",
                                            national_region="EU28"))
    assert n.rejected_count == 0
    assert queries.stats_dataset(store, "bench")["national_region_code"] == "EU28"
    with pytest.raises(StatsImportError, match=r"dimension age has no value 'Y99'.*Y15-24, Y_GE15"):
        importer.import_dataset(store, spec("eurostat", source("small.tsv", EU_SMALL), eurostat_slice={"age": "Y99"}))


@pytest.mark.parametrize("text, message", [
    ("geo\t2015\nAT\t1\n", r"line 1: not a Eurostat TSV"),
    ("unit,nace_r2,geo\\time\t2015Q1\nTHS,A,AT11\t1\n", r"line 1, column 2: '2015Q1' is not a year"),
    ("unit,nace_r2,geo\\time\t2015\nTHS,A,AT11\tabc\n", r"line 2, column 2015: 'abc' is not a value"),
    ("unit,nace_r2,geo\\time\t2015\nTHS,A,AT11\t-3.0\n", r"line 2, column 2015: negative counts"),
    ("unit,nace_r2,geo\\time\t2015\nPC,A,AT11\t3.0\n", r"unit 'PC' is not a count of persons"),
    ("unit,nace_r2,geo\\time\t2015\t2014\nTHS,A,AT11\t3.0\n", r"line 2: 2 fields, expected 3"),
])
def test_malformed_eurostat_files(store, text, message):
    before = dump_stats(store)
    with pytest.raises(StatsImportError, match=message):
        importer.import_dataset(store, spec("eurostat", source("bad.tsv", text)))
    assert dump_stats(store) == before


# ---- the long layout ------------------------------------------------------------------------------

LONG = (
    "region_code,region_name,industry_code,year,employment,establishments,payroll\n"
    "R1,North,111,2020,100,10,5000\n"
    "R1,North,112,2020,50,5,2000\n"
    "R1,North,11,2020,150,15,7000\n"
    "R2,South,111,2020,20,2,800\n"
    "R2,South,112,2020,,3,\n"
    "R2,South,211,2020,30,4,900\n"
)


def test_long_layout_with_regions_file(store):
    regions = "region_code,region_name,latitude,longitude\nR1,Northern Region,10.5,20.25\nR9,Elsewhere,1,1\n"
    s = importer.import_dataset(store, spec("long", source("mine.csv", LONG), regions=source("regions.csv", regions),
                                            source="Regional statistics office, survey 2020"))
    assert s.rows_imported == 6 and s.withheld == 1
    assert s.regions_without_coordinates == ["R2"]  # listed, not dropped
    reg = queries.stats_regions(store, s.dataset_code).set_index("region_code")
    assert reg.loc["R1", "region_name"] == "Northern Region" and reg.loc["R1", "latitude"] == 10.5
    assert reg.loc["R2", "region_name"] == "South" and pd.isna(reg.loc["R2", "latitude"])
    ind = queries.stats_industries(store, s.dataset_code).set_index("industry_code")
    assert not ind.loc["11", "is_finest"]  # "11" is a total of 111 and 112: not double counted
    assert ind.loc["111", "is_finest"] and ind.loc["211", "is_finest"]
    # fallback groups: first two digits
    assert ind.loc["111", "cluster_code"] == "11" and ind.loc["211", "cluster_code"] == "21"
    assert queries.stats_dataset(store, s.dataset_code)["source"] == "Regional statistics office, survey 2020"


def test_long_layout_with_crosswalk_by_prefix(store):
    cw = "industry_code,cluster_code,cluster_name,cluster_type\n11,A,Farming,traded\n211,B,Oil,local\n"
    s = importer.import_dataset(store, spec("long", source("mine.csv", LONG), crosswalk=source("cw.csv", cw)))
    ind = queries.stats_industries(store, s.dataset_code).set_index("industry_code")
    assert ind.loc["111", "cluster_code"] == "A" and ind.loc["112", "cluster_code"] == "A"
    assert ind.loc["211", "cluster_code"] == "B"


# ---- malformed files: clear error, store unchanged ----------------------------------------------------

CBP_HEADER = "year,state_fips,naics,naics_level,estab,emp,payann_k\n"


@pytest.mark.parametrize("name, data, message", [
    ("wrong_columns.csv", "year,state,naics,estab,employees,payroll\n2019,01,00,1,2,3\n",
     r"line 1: missing column\(s\) state_fips, emp, payann_k"),
    ("text.csv", CBP_HEADER + "2019,01,00,0,10,20,30\n2019,01,11,2,5,many,9\n",
     r"column emp: text where a whole number is expected \(line 3: 'many'\)"),
    ("negative.csv", CBP_HEADER + "2019,01,00,0,10,-20,30\n", r"column emp: negative counts are not allowed \(line 2: -20\)"),
    ("dupes.csv", CBP_HEADER + "2019,01,00,0,10,20,30\n2019,01,11,2,5,6,9\n2019,01,00,0,10,20,30\n",
     r"duplicate keys.*region '01', industry '00', year 2019 on dupes\.csv line 2 and dupes\.csv line 4"),
    ("empty.csv", "", r"empty\.csv: the file is empty"),
    ("header_only.csv", CBP_HEADER, r"has a header but no rows"),
    ("ragged.csv", CBP_HEADER + "2019,01,00,0,10,20\n", r"line 2: 6 fields, expected 7"),
    ("year.csv", CBP_HEADER + "19x,01,00,0,10,20,30\n", r"column year: not a year.*line 2: '19x'"),
    ("latin1.csv", (CBP_HEADER + "2019,01,00,0,10,20,30\n").encode() + "2019,01,11,2,5,6,9 caf\xe9\n".encode("latin-1"),
     r"latin1\.csv line 3: not valid UTF-8"),
    ("utf16.csv", (CBP_HEADER + "2019,01,00,0,10,20,30\n").encode("utf-16"), r"UTF-16 encoded"),
    ("semicolons.csv", "year;state_fips;naics\n2019;01;00\n", r"expected comma-separated columns"),
    ("bad.json", "[[\"NAICS2017\", \"ESTAB\"], [\"00\", \"1\"]]", r"row 1: missing column\(s\) EMP, PAYANN, state"),
    ("broken.json", "[[\"NAICS2017\", \"ESTAB\",\n", r"broken\.json line 2: not valid JSON"),
])
def test_malformed_cbp_files_give_clear_errors_and_leave_the_store_unchanged(cbp_store, name, data, message):
    before = dump_stats(cbp_store)
    with pytest.raises(StatsImportError, match=message):
        queries.import_stats(cbp_store, spec("cbp", source(name, data), dataset_code="bad", year=2019))
    assert dump_stats(cbp_store) == before


def test_rejected_rows_are_listed_with_reasons(store):
    data = CBP_HEADER + "2019,01,00,0,10,20,30\n2019,99,00,0,1,2,3\n2019,01,1x1,3,1,2,3\n"
    s = importer.import_dataset(store, spec("cbp", source("some.csv", data)))
    assert s.rows_imported == 1 and s.rejected_count == 2
    assert s.rejected["reason"].tolist() == ["unknown state FIPS code \"99\"", "industry code \"1x1\" is not a NAICS code"]
    assert s.rejected["source_line"].tolist() == [3, 4]
    assert s.rejected["raw_text"].tolist()[0] == "2019,99,00,0,1,2,3"
    assert len(queries.stats_rejected_rows(store, s.dataset_code)) == 2


def test_a_file_where_every_row_is_rejected_is_an_error(store):
    with pytest.raises(StatsImportError, match="every row was rejected.*unknown state FIPS"):
        importer.import_dataset(store, spec("cbp", source("x.csv", CBP_HEADER + "2019,99,00,0,1,2,3\n")))


@pytest.mark.parametrize("name, text, message", [
    ("cw.csv", "naics,cluster\n111,Farm\n", r"missing column\(s\) cluster_code"),
    ("cw.csv", "naics,cluster_code,cluster,traded_local\n111,1,Farm,Traded\n111,2,Oil,Traded\n", r"line 3: duplicate industry code '111'"),
    ("cw.csv", "naics,cluster_code,cluster,traded_local\n111,1,Farm,Traded\n112,1,Farming,Traded\n", r"line 3: cluster '1' is 'Farming'"),
    ("cw.csv", "naics,cluster_code,cluster,traded_local\n111,1,Farm,exported\n", r"line 2, column traded_local: 'exported' is not traded or local"),
    ("cw.csv", "", r"cw\.csv: the file is empty"),
])
def test_malformed_crosswalk(cbp_store, name, text, message):
    before = dump_stats(cbp_store)
    body = CBP_HEADER + "2019,01,111111,6,1,2,3\n"
    with pytest.raises(StatsImportError, match=message):
        importer.import_dataset(cbp_store, spec("cbp", source("d.csv", body), crosswalk=source(name, text), dataset_code="new"))
    assert dump_stats(cbp_store) == before


def test_relatedness_must_name_clusters_of_the_dataset(store):
    body = CBP_HEADER + "2019,01,111111,6,1,2,3\n"
    before = dump_stats(store)
    with pytest.raises(StatsImportError, match=r"uscmp_related_clusters\.csv line 4: cluster '3' is not a cluster of this dataset"):
        importer.import_dataset(store, spec("cbp", source("d.csv", body), related=shared_source(*RELATED)))
    assert dump_stats(store) == before


def test_same_name_needs_replace(cbp_store):
    body = CBP_HEADER + "2019,01,111111,6,1,2,3\n"
    with pytest.raises(StatsImportError, match="exists already"):
        importer.import_dataset(cbp_store, spec("cbp", source("d.csv", body), dataset_code=DATASET))
    assert queries.stats_dataset(cbp_store, DATASET)["row_count"] == 419_244
    importer.import_dataset(cbp_store, spec("cbp", source("d.csv", body), dataset_code=DATASET, replace=True))
    assert queries.stats_dataset(cbp_store, DATASET)["row_count"] == 1
    assert cbp_store.value("SELECT count(*) FROM stats_relatedness") == 0  # replaced whole
    queries.delete_stats_dataset(cbp_store, DATASET)
    assert all(cbp_store.value(f"SELECT count(*) FROM {t} WHERE dataset_code = ?", [DATASET]) == 0
               for t in importer.STATS_TABLES)


def test_progress_is_reported(store):
    seen = []
    importer.import_dataset(store, spec("long", source("mine.csv", LONG)), lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_bad_dataset_name(store):
    with pytest.raises(StatsImportError, match="dataset name"):
        importer.import_dataset(store, spec("long", source("mine.csv", LONG), dataset_code="a b; drop"))
