"""The embedded default statistics (issue #11): a fresh store built WITHOUT ../shared holds both
datasets; the shipped Parquet equals the shared source files value for value; coverage, the
default base year and the growth-distortion flags on the real CBP data (Michigan Automotive
job creation against an independent pandas computation, with the crosswalk of ../shared
attached in the test only); an incomplete year is refused as a benchmark; the Eurostat
dataset has names for every NUTS 2 code, LQs against the region's country and strong regions."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterdash import config
from clusterdash.stats import coverage, embedded, importer, indicators
from clusterdash.stats.readers import SourceFile, StatsImportError
from clusterdash.store import Store, open_store
from tests.conftest import shared_file
from tests.stats_support import (
    CBP,
    CROSSWALK,
    EUROSTAT,
    RELATED,
    dump_stats,
    source,
    spec,
)

STATS = config.DATA_DIR / "stats"
CBP_CODE, EU_CODE = "cbp_states_2017_2021", "eurostat_lfs_nuts2"


@pytest.fixture(scope="module")
def embedded_db(tmp_path_factory) -> Path:
    """A store built the way a fresh machine builds it: no ../shared (an empty folder instead)."""
    empty = tmp_path_factory.mktemp("no_shared")
    mp = pytest.MonkeyPatch()
    mp.setenv("CLUSTERDASH_SHARED_DATA", str(empty))
    try:
        from clusterdash.stats import demo

        assert demo.demo_files() is None  # the shared files are really not there
        path = tmp_path_factory.mktemp("embedded") / "fresh.duckdb"
        s = open_store(path)
        s.conn.execute("CHECKPOINT")
        s.close()
    finally:
        mp.undo()
    return path


@pytest.fixture
def estore(embedded_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copy(embedded_db, path)
    s = Store(path)
    yield s
    s.close()


# ---- the first build ----------------------------------------------------------------------------

def test_fresh_store_without_shared_holds_both_embedded_datasets(estore):
    ds = {r["dataset_code"]: r for r in estore.rows("SELECT * FROM stats_dataset")}
    assert set(ds) == {CBP_CODE, EU_CODE}
    assert ds[CBP_CODE]["row_count"] == 419_244 and ds[CBP_CODE]["region_count"] == 50
    assert ds[CBP_CODE]["withheld_count"] == 3_857  # SOURCES.md §1: emp = 0 and payroll = 0 with estab > 0
    assert ds[EU_CODE]["row_count"] == 30_992 and ds[EU_CODE]["withheld_count"] == 4_343
    assert not ds[CBP_CODE]["has_crosswalk"] and not ds[EU_CODE]["has_crosswalk"]
    prof = {r["dataset_code"]: r for r in estore.rows("SELECT * FROM stats_dataset_profile")}
    assert prof[CBP_CODE]["dataset_origin"] == prof[EU_CODE]["dataset_origin"] == "embedded"
    assert prof[CBP_CODE]["cluster_term"] == "NAICS subsectors"
    assert prof[EU_CODE]["cluster_term"] == "NACE sections"
    assert prof[EU_CODE]["default_benchmark"] == "country" and prof[CBP_CODE]["default_benchmark"] == "nation"
    assert "subsectors" in ds[CBP_CODE]["cluster_definition"] and "NACE" in ds[EU_CODE]["cluster_definition"]
    assert prof[CBP_CODE]["embedded_sha256"] == hashlib.sha256((STATS / embedded.BY_KEY[CBP_CODE].file).read_bytes()).hexdigest()
    # every view has data: indicators for every year of both datasets
    for code in (CBP_CODE, EU_CODE):
        ind = indicators.compute_indicators(estore, code)
        assert ind["lq"].notna().sum() > 1000
        assert sorted(ind["year"].unique()) == list(range(ds[code]["year_min"], ds[code]["year_max"] + 1))
    loads = estore.rows("SELECT embedded_key, outcome FROM stats_embedded_load ORDER BY 1")
    assert loads == [{"embedded_key": CBP_CODE, "outcome": "loaded"}, {"embedded_key": EU_CODE, "outcome": "loaded"}]


def test_first_build_runs_once_and_respects_the_user(embedded_db, tmp_path):
    path = tmp_path / "s.duckdb"
    shutil.copy(embedded_db, path)
    s = open_store(path)  # a second start: nothing reloaded
    t0 = s.value("SELECT imported_at FROM stats_dataset WHERE dataset_code = ?", [CBP_CODE])
    assert embedded.ensure_loaded(s) == []
    importer.delete_dataset(s, CBP_CODE)  # the user deletes one
    s.close()
    s = open_store(path)
    assert s.value("SELECT count(*) FROM stats_dataset WHERE dataset_code = ?", [CBP_CODE]) == 0
    assert s.value("SELECT count(*) FROM stats_dataset WHERE dataset_code = ?", [EU_CODE]) == 1
    assert t0 is not None
    # on request it comes back
    embedded.load(s, CBP_CODE)
    assert s.value("SELECT row_count FROM stats_dataset WHERE dataset_code = ?", [CBP_CODE]) == 419_244
    s.close()


def test_a_users_dataset_with_the_same_code_is_never_overwritten(tmp_path):
    path = tmp_path / "u.duckdb"
    s = Store(path)
    s.migrate()
    body = "region_code,region_name,industry_code,year,employment\nA,Alpha,11,2019,10\nB,Beta,11,2019,20\n"
    importer.import_dataset(s, spec("long", source("mine.csv", body), dataset_code=CBP_CODE))
    s.close()
    s = open_store(path)
    assert s.value("SELECT row_count FROM stats_dataset WHERE dataset_code = ?", [CBP_CODE]) == 2
    assert s.value("SELECT outcome FROM stats_embedded_load WHERE embedded_key = ?", [CBP_CODE]).startswith("skipped")
    with pytest.raises(StatsImportError, match="exists already"):
        embedded.load(s, CBP_CODE)
    s.close()


# ---- the shipped files ---------------------------------------------------------------------------

def test_manifest_checksums_sizes_and_licences():
    m = json.loads((STATS / "manifest.json").read_text(encoding="utf-8"))
    by = {d["dataset_code"]: d for d in m["datasets"]}
    assert set(by) == {CBP_CODE, EU_CODE}
    for d in by.values():
        out = config.REPO_ROOT / d["output"]["path"]
        assert out.stat().st_size == d["output"]["bytes"]
        assert hashlib.sha256(out.read_bytes()).hexdigest() == d["output"]["sha256"]
        assert d["transformation"] and d["input"]["provenance"]
    assert "public domain" in by[CBP_CODE]["licence"] and "Source: Eurostat" in by[EU_CODE]["licence"]
    nuts = config.REPO_ROOT / m["regions"]["path"]
    assert hashlib.sha256(nuts.read_bytes()).hexdigest() == m["regions"]["sha256"]
    total = sum(p.stat().st_size for p in STATS.iterdir())
    assert total < 6_000_000  # a few MB
    # the crosswalk and the related-clusters file are never shipped
    shipped = {p.name for p in config.DATA_DIR.rglob("*") if p.is_file()}
    assert not {"naics_to_uscmp_cluster_crosswalk.csv", "uscmp_related_clusters.csv",
                "NAICS_crosswalks_to_Cluster_system.xlsx"} & shipped
    for p in STATS.iterdir():
        if p.suffix in (".csv", ".json", ".md"):
            assert "traded_local" not in p.read_text(encoding="utf-8")


def test_manifest_inputs_are_the_shared_files():
    m = json.loads((STATS / "manifest.json").read_text(encoding="utf-8"))
    for d, parts in zip(m["datasets"], (CBP, EUROSTAT)):
        p = shared_file(*parts)
        assert hashlib.sha256(p.read_bytes()).hexdigest() == d["input"]["sha256"]


def test_shipped_cbp_parquet_equals_the_shared_csv_value_for_value():
    raw = pd.read_csv(shared_file(*CBP), dtype=str, keep_default_na=False)
    pq = pd.read_parquet(STATS / "cbp_state_naics_2017_2021.parquet")
    assert len(pq) == len(raw) == 419_244
    assert pq["source_line"].tolist() == list(range(2, len(raw) + 2))
    for c in raw.columns:
        assert (pq[c].astype(str).to_numpy() == raw[c].to_numpy()).all(), c
    # withheld cells keep their marker (no imputation)
    withheld = (pq.emp == 0) & (pq.estab > 0) & (pq.payann_k == 0)
    assert int(withheld.sum()) == 3_857


def test_shipped_eurostat_parquet_equals_the_shared_tsv_value_for_value():
    lines = shared_file(*EUROSTAT).read_text(encoding="utf-8").splitlines()
    years = [int(h) for h in lines[0].split("\t")[1:]]
    expected = []
    for i, ln in enumerate(lines[1:], start=2):
        cells = ln.split("\t")
        unit, nace, age, geo = cells[0].split(",")
        for y, cell in zip(years, cells[1:]):
            value, _, flags = cell.strip().partition(" ")
            if value != ":" and not re.fullmatch(r"\d+(\.\d+)?", value):  # "12.3b"-style cells, if any
                m = re.fullmatch(r"([\d.]+)([a-z]*)", value)
                value, flags = m.group(1), m.group(2)
            expected.append((i, unit, nace, age, geo, y, None if value == ":" else float(value), flags.strip() or None))
    pq = pd.read_parquet(STATS / "eurostat_lfst_r_lfe2en2.parquet")
    got = list(pq[["source_line", "unit", "nace_r2", "age", "geo", "year", "value", "flags"]].itertuples(index=False, name=None))
    got = [(a, b, c, d, e, f, None if pd.isna(v) else v, None if fl is None or pd.isna(fl) else fl)
           for a, b, c, d, e, f, v, fl in got]
    assert len(got) == len(expected) == 28_065 * 8
    assert sorted(got, key=lambda r: (r[0], r[5])) == sorted(expected, key=lambda r: (r[0], r[5]))
    assert (pq["is_missing"] == pq["value"].isna()).all()
    assert set(pq["age"]) == {"Y15-24", "Y15-64", "Y25-64", "Y65-74", "Y_GE15"}  # the whole table is kept


def test_nuts_names_have_a_source_and_match_the_2013_vintage():
    with (STATS / "nuts2013_regions.csv").open(encoding="utf-8") as fh:
        rows = {r["region_code"]: r for r in csv.DictReader(fh)}
    assert all(r["region_name"] and r["name_source"] for r in rows.values())
    # NUTS 2013 codes and names (not 2016/2021): Champagne-Ardenne FR21, Inner London - West UKI3,
    # Közép-Magyarország HU10 (split in 2016); the 2010 codes the table still has for 2008–2009
    assert rows["FR21"]["region_name"] == "Champagne-Ardenne" and rows["FR21"]["name_vintage"] == "NUTS 2013"
    assert rows["UKI3"]["region_name"].startswith("Inner London") and rows["HU10"]["region_name"] == "Közép-Magyarország"
    assert rows["UKI1"]["name_vintage"].startswith("NUTS 2010")
    # positions: only the country's label point, said so; overseas regions get none
    assert {r["position"] for r in rows.values()} <= {"country", "none"}
    assert rows["FRA1"]["position"] == "none" and rows["FR21"]["latitude"] == rows["FR10"]["latitude"]


# ---- coverage and the default base year on the real CBP data ------------------------------------

def test_cbp_coverage_and_default_base_year_2018(estore):
    cov = coverage.year_coverage(estore, CBP_CODE).set_index("year")
    assert cov.loc[2017, "withheld_cells"] == 2_336 and (cov.loc[2018:, "withheld_cells"] == 0).all()
    assert not cov.loc[2017, "is_comparable"] and cov.loc[2018:, "is_comparable"].all()
    assert (cov["regions_present"] == 50).all() and cov["is_complete"].all()
    # the estimate of withheld employment: 2017's is about the gap between the state totals and
    # the published 6-digit cells beyond the gap of the other years (SOURCES.md: 96–100 % covered)
    raw = pd.read_parquet(STATS / "cbp_state_naics_2017_2021.parquet")
    tot = raw[raw.naics == "00"].groupby("year").emp.sum()
    six = raw[raw.naics_level == 6].groupby("year").emp.sum()
    gap_2017 = 100 * (tot[2017] - six[2017]) / tot[2017] - 100 * (tot[2018] - six[2018]) / tot[2018]
    assert cov.loc[2017, "withheld_share_pct"] == pytest.approx(gap_2017, abs=0.3)
    base = estore.rows("SELECT default_base_year, base_year_reason FROM stats_dataset_profile WHERE dataset_code = ?",
                       [CBP_CODE])[0]
    assert base["default_base_year"] == 2018
    assert "2017" in base["base_year_reason"] and "withheld" in base["base_year_reason"]
    ind = indicators.compute_indicators(estore, CBP_CODE)
    assert (ind["base_year"] == 2018).all()
    by_cluster = coverage.cluster_coverage(estore, CBP_CODE)
    assert by_cluster[by_cluster.year == 2017]["withheld_cells"].sum() == 2_336


@pytest.fixture
def cbp_with_crosswalk(estore):
    """The embedded CBP dataset given the U.S. Cluster Mapping crosswalk of ../shared (tests only)."""
    s = importer.attach_crosswalk(estore, CBP_CODE, shared_file(*CROSSWALK), shared_file(*RELATED),
                                  crosswalk_source="U.S. Cluster Mapping crosswalk (test copy from ../shared)")
    assert s.clusters > 60 and not s.unmapped_industries
    return estore


def _independent_automotive():
    raw = pd.read_csv(shared_file(*CBP), dtype={"state_fips": str, "naics": str})
    raw = raw[raw.naics_level == 6].copy()
    withheld = (raw.emp == 0) & (raw.estab > 0) & (raw.payann_k == 0)
    raw["emp"] = raw["emp"].astype(float).where(~withheld)
    cw = pd.read_csv(shared_file(*CROSSWALK), dtype={"naics": str, "cluster_code": "Int64"})
    auto = set(cw.loc[cw.cluster == "Automotive", "naics"])
    a = raw[raw.naics.isin(auto)]
    region = a[a.state_fips == "26"].groupby("year").emp.sum(min_count=1)
    nation = a.groupby("year").emp.sum(min_count=1)
    return region, nation, a


def test_michigan_automotive_job_creation_2018_2019_matches_pandas(cbp_with_crosswalk):
    region, nation, _ = _independent_automotive()
    expected = (region[2019] - region[2018]) - region[2018] * (nation[2019] / nation[2018] - 1)
    ind = indicators.compute_indicators(cbp_with_crosswalk, CBP_CODE, region_codes=["26"])
    r = ind[(ind.cluster_name == "Automotive") & (ind.year == 2019)].iloc[0]
    assert r["base_year"] == 2018  # the default
    assert r["job_creation_relative"] == pytest.approx(expected, rel=1e-9)
    assert r["expected_change"] == pytest.approx(region[2018] * (nation[2019] / nation[2018] - 1), rel=1e-9)
    assert not r["is_growth_distorted"] and pd.isna(r["growth_note"])
    assert r["job_creation_relative"] > 0  # +1,887 in the issue: the sign no longer flips


def test_growth_from_2017_carries_the_distortion_flag(cbp_with_crosswalk):
    _, nation, _ = _independent_automotive()
    ind = indicators.compute_indicators(cbp_with_crosswalk, CBP_CODE, base_year=2017)
    auto = ind[(ind.cluster_name == "Automotive") & (ind.year == 2019)].set_index("region_code")
    mi = auto.loc["26"]
    assert mi["is_growth_distorted"] and "2017" in mi["growth_note"] and "benchmark" in mi["growth_note"]
    # the national Automotive total of 2017 lacks its withheld assembly cells
    assert mi["national_employment"] == pytest.approx(nation[2019])
    nat_2017 = ind[(ind.cluster_name == "Automotive") & (ind.year == 2017)]["national_withheld_share_pct"].iloc[0]
    assert nat_2017 > coverage.DISTORTION_SHARE_PCT
    # Kentucky: its own 2017 cells were withheld too; the flag says so for the region
    ky = auto.loc["21"]
    assert ky["is_growth_distorted"] and "region" in ky["growth_note"]
    # every growth row from 2017 with withheld cells in 2017 is flagged; 2018→2019 rows mostly are not
    assert auto["is_growth_distorted"].all()
    later = indicators.compute_indicators(cbp_with_crosswalk, CBP_CODE, base_year=2018, year=2019)
    assert later["is_growth_distorted"].mean() < 0.05


def test_attach_crosswalk_is_one_transaction(estore):
    before = dump_stats(estore)
    bad = source("related.csv", "cluster_code,related_cluster_code\n1,999\n")
    with pytest.raises(StatsImportError, match="999"):
        importer.attach_crosswalk(estore, CBP_CODE, shared_file(*CROSSWALK), bad)
    assert dump_stats(estore) == before
    with pytest.raises(StatsImportError, match="none of the dataset"):
        importer.attach_crosswalk(estore, CBP_CODE, source("cw.csv", "industry_code,cluster_code,cluster_name\nZZ,1,X\n"))
    assert dump_stats(estore) == before
    importer.attach_crosswalk(estore, CBP_CODE, shared_file(*CROSSWALK))
    prof = estore.rows("SELECT cluster_term, dataset_origin FROM stats_dataset_profile WHERE dataset_code = ?", [CBP_CODE])[0]
    assert prof == {"cluster_term": "clusters", "dataset_origin": "embedded"}
    ds = estore.rows("SELECT has_crosswalk, cluster_definition FROM stats_dataset WHERE dataset_code = ?", [CBP_CODE])[0]
    assert ds["has_crosswalk"] and "naics_to_uscmp" in ds["cluster_definition"]
    assert estore.value("SELECT row_count FROM stats_dataset WHERE dataset_code = ?", [CBP_CODE]) == 419_244


# ---- an incomplete year -------------------------------------------------------------------------

def test_a_year_missing_most_regions_warns_and_gives_no_lq(store):
    lines = shared_file(*CBP).read_text(encoding="utf-8").splitlines(keepends=True)
    # truncated at a line end inside 2018: the first ten states of 2018 only
    cut = next(i for i, ln in enumerate(lines) if ln.startswith("2018,15,"))
    f = SourceFile("cbp_truncated.csv", "".join(lines[:cut]).encode())
    s = importer.import_dataset(store, spec("cbp", f, dataset_code="cut"))
    assert s.years == [2017, 2018]
    assert len(s.warnings) == 1 and s.warnings[0].startswith("2018 has 10 of 50 regions")
    assert "Wyoming (56)" in s.warnings[0] and "not computed" in s.warnings[0]
    assert any(line.startswith("WARNING: 2018") for line in s.lines())
    assert "WARNING: 2018" in store.value("SELECT notes FROM stats_dataset WHERE dataset_code = 'cut'")
    cov = coverage.year_coverage(store, "cut").set_index("year")
    assert not cov.loc[2018, "is_complete"] and len(cov.loc[2018, "missing_regions"]) == 40
    ind = indicators.compute_indicators(store, "cut")
    y18, y17 = ind[ind.year == 2018], ind[ind.year == 2017]
    assert y18["lq"].isna().all() and y18["national_share_pct"].isna().all() and not y18["is_strong"].any()
    assert not y18["is_benchmark_complete"].any() and y17["is_benchmark_complete"].all()
    assert y17["lq"].notna().sum() > 1000
    grown = indicators.compute_indicators(store, "cut", base_year=2017, year=2018)
    assert grown["job_creation_relative"].isna().all() and grown["is_growth_distorted"].all()
    assert grown["growth_note"].str.contains("benchmark incomplete").all()


# ---- Eurostat -----------------------------------------------------------------------------------

def test_eurostat_regions_all_have_names(estore):
    regions = estore.df("SELECT r.region_code, r.region_name, c.country_code, c.position, c.country_latitude "
                        "FROM stats_region r JOIN stats_region_country c USING (dataset_code, region_code) "
                        "WHERE r.dataset_code = ?", [EU_CODE])
    pq = pd.read_parquet(STATS / "eurostat_lfst_r_lfe2en2.parquet")
    nuts2 = {g for g in pq.geo.unique() if len(g) == 4 and not re.match(r"^(EU|EA)\d", g)}
    assert set(regions.region_code) == nuts2 and len(nuts2) == 335
    assert (regions.region_name != regions.region_code).all() and regions.region_name.str.len().gt(1).all()
    assert (regions.country_code == regions.region_code.str[:2]).all()
    assert set(regions.position) <= {"country", "none"}  # no region positions are claimed
    named = dict(zip(regions.region_code, regions.region_name))
    assert named["DE71"] == "Darmstadt" and named["FR10"] == "Île de France"


def _eu_2015():
    pq = pd.read_parquet(STATS / "eurostat_lfst_r_lfe2en2.parquet")
    d = pq[(pq.age == "Y_GE15") & (pq.year == 2015) & (pq.geo.str.len() == 4) & ~pq.geo.str.match(r"^(EU|EA)\d")
           & ~pq.nace_r2.isin(["TOTAL", "NRP"])].copy()
    d["country"] = d.geo.str[:2]
    return d


def test_eurostat_lq_against_the_country(estore):
    d = _eu_2015()
    reg_total = d.groupby("geo").value.sum()
    cty_sector = d.groupby(["country", "nace_r2"]).value.sum()
    cty_total = d.groupby("country").value.sum()
    ind = indicators.compute_indicators(estore, EU_CODE, year=2015)
    assert (ind["benchmark_code"] == ind["region_code"].str[:2]).all()
    assert ind["benchmark"].str.startswith("the region's country").all()
    checked = 0
    for geo, nace in [("DE71", "K"), ("FR10", "K"), ("ITC4", "B-E"), ("PL12", "J"), ("AT13", "K")]:
        row = d[(d.geo == geo) & (d.nace_r2 == nace)].iloc[0]
        c = geo[:2]
        expected = (row.value / reg_total[geo]) / (cty_sector[(c, nace)] / cty_total[c])
        got = ind[(ind.region_code == geo) & (ind.cluster_code == nace)]["lq"].iloc[0]
        assert got == pytest.approx(expected, rel=1e-9), (geo, nace)
        checked += 1
    assert checked == 5
    # a single-region country is its own benchmark: LQ 1 in every section
    lu = ind[ind.region_code == "LU00"]["lq"].dropna()
    np.testing.assert_allclose(lu, 1.0)
    # the EU aggregate as an option
    eu = indicators.compute_indicators(estore, EU_CODE, year=2015, benchmark="eu28")
    assert (eu["benchmark_code"] == "EU28").all() and eu["benchmark"].str.startswith("EU28").all()
    assert eu[eu.region_code == "LU00"]["lq"].dropna().sub(1).abs().max() > 0.1


def test_eurostat_strong_regions_without_establishments(estore):
    prof = estore.rows("SELECT is_establishments_in_source, strong_rule FROM stats_dataset_profile WHERE dataset_code = ?",
                       [EU_CODE])[0]
    assert not prof["is_establishments_in_source"] and "no establishment counts" in prof["strong_rule"]
    # Financial and insurance activities (K) are concentrated in Frankfurt am Main's region:
    # Darmstadt (DE71) holds a far larger share of Germany's finance jobs than of all its jobs —
    # computed here from the data itself, not assumed.
    d = _eu_2015()
    de = d[d.country == "DE"]
    share_k = de[(de.geo == "DE71") & (de.nace_r2 == "K")].value.sum() / de[de.nace_r2 == "K"].value.sum()
    share_all = de[de.geo == "DE71"].value.sum() / de.value.sum()
    assert share_k > 1.8 * share_all
    ind = indicators.compute_indicators(estore, EU_CODE, year=2015)
    k = ind[ind.cluster_code == "K"].set_index("region_code")
    assert k.loc["DE71", "is_strong"] and k.loc["DE71", "lq"] == pytest.approx(share_k / share_all, rel=1e-9)
    assert ind["is_strong"].sum() > 100  # no longer "strong in 0 of 335 regions"
    strength = indicators.compute_region_strength(estore, EU_CODE, year=2015)
    assert strength["strong_clusters"].sum() == ind["is_strong"].sum()


# ---- migration v009 on a store imported before it -----------------------------------------------

def test_v009_upgrade_fills_older_datasets(tmp_path):
    from clusterdash.migrations import v009_stats_coverage as v9

    s = Store(tmp_path / "old.duckdb")
    s.migrate()
    body = ("year,state_fips,naics,naics_level,estab,emp,payann_k\n"
            "2019,01,00,0,10,100,1000\n2019,01,111111,6,5,60,600\n2019,01,111112,6,5,0,0\n"
            "2019,02,00,0,10,80,800\n2019,02,111111,6,10,80,800\n")
    importer.import_dataset(s, spec("cbp", source("c.csv", body), dataset_code="old"))
    # make it look like a store of version 8: no v009 tables, no record
    for t in v9.TABLES:
        s.conn.execute(f"DROP TABLE {t.name}")
    s.conn.execute("DELETE FROM schema_version WHERE version = 9")
    assert s.migrate() == [9]
    est = s.rows("SELECT region_code, industry_code, estimated_employment, parent_industry_code "
                 "FROM stats_withheld_estimate WHERE dataset_code = 'old'")
    assert est == [{"region_code": "01", "industry_code": "111112", "estimated_employment": 40.0,
                    "parent_industry_code": "00"}]
    assert s.value("SELECT cluster_term FROM stats_dataset_profile WHERE dataset_code = 'old'") == "NAICS subsectors"
    s.close()


def test_eurostat_form_default_sex_is_ignored_for_a_file_without_sex(store):
    f = SourceFile.from_path(STATS / "eurostat_lfst_r_lfe2en2.parquet")
    s = importer.import_dataset(store, spec("eurostat", f, dataset_code="eu_sex", eurostat_slice={"sex": "T", "age": "Y_GE15"}))
    assert s.rows_imported == 30_992 and any("no dimension sex" in n for n in s.notes)
    with pytest.raises(StatsImportError, match="no dimension sex"):
        importer.import_dataset(store, spec("eurostat", f, dataset_code="eu_f", eurostat_slice={"sex": "F"}))
