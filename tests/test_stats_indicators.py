"""Indicators: location quotients and strong-cluster flags checked against an independent
pandas computation on the real CBP 2019 data; growth, job creation, national benchmarks,
fallback groups and region strength on small hand-checked datasets; the analysis views."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterdash import queries
from clusterdash.errors import UserError
from clusterdash.stats import analysis, importer
from tests.conftest import shared_file
from tests.stats_support import (  # noqa: F401  (fixtures)
    CBP, CROSSWALK, DATASET, cbp_db_path, cbp_store, cbp_template_db, source, spec,
)


def independent_2019() -> pd.DataFrame:
    """USCMP location quotients and strong flags for 2019, computed from the raw files with pandas."""
    raw = pd.read_csv(shared_file(*CBP), dtype={"state_fips": str, "naics": str})
    raw = raw[(raw.year == 2019) & (raw.naics_level == 6)].copy()
    withheld = (raw.emp == 0) & (raw.estab > 0) & (raw.payann_k == 0)
    raw["emp"] = raw["emp"].astype(float).where(~withheld)
    cw = pd.read_csv(shared_file(*CROSSWALK), dtype={"naics": str, "cluster_code": "Int64"})
    cw = cw[cw.cluster_code.notna()]
    cw["cluster_code"] = cw["cluster_code"].astype(str)
    cw["type"] = cw["traded_local"].str.lower()
    df = raw.merge(cw[["naics", "cluster_code", "type"]], on="naics")
    g = df.groupby(["state_fips", "cluster_code", "type"]).agg(emp=("emp", "sum"), estab=("estab", "sum")).reset_index()
    base = g.groupby(["state_fips", "type"])["emp"].sum().rename("base")
    nat = g.groupby("cluster_code")["emp"].sum().rename("nat")
    nat_base = g.groupby("type")["emp"].sum().rename("nat_base")
    g = g.join(base, on=["state_fips", "type"]).join(nat, on="cluster_code").join(nat_base, on="type")
    g["lq"] = (g.emp / g.base) / (g.nat / g.nat_base)
    flags = []
    for code, grp in g.groupby("cluster_code"):
        pos = grp[grp.emp > 0]
        p75, p90 = np.percentile(pos.lq, 75), np.percentile(pos.lq, 90)
        e25, s25 = np.percentile(pos.emp, 25), np.percentile(pos.estab, 25)
        for _, r in grp.iterrows():
            ok = r.type == "traded" and r.emp > 0 and r.lq >= 1 and r.emp > e25 and r.estab > s25
            flags.append((r.state_fips, code, bool(ok and r.lq >= p75), bool(ok and r.lq >= p90)))
    f = pd.DataFrame(flags, columns=["state_fips", "cluster_code", "strong", "top10"])
    return g.merge(f, on=["state_fips", "cluster_code"])


def test_lq_and_strong_flags_2019_match_an_independent_computation(cbp_store):
    expected = independent_2019()
    got = queries.stats_indicators(cbp_store, DATASET, year=2019)
    assert len(got) == len(expected) > 3000
    m = got.merge(expected[["state_fips", "cluster_code", "emp", "lq", "strong", "top10"]].rename(columns={"lq": "lq_pandas"}),
                  left_on=["region_code", "cluster_code"], right_on=["state_fips", "cluster_code"])
    assert len(m) == len(got)
    np.testing.assert_allclose(m["employment"], m["emp"])
    np.testing.assert_allclose(m["lq"], m["lq_pandas"], rtol=1e-12)
    assert (m["is_strong"] == m["strong"]).all()
    assert (m["is_strong_top10"] == m["top10"]).all()
    assert 300 < m["is_strong"].sum() < 700 and m["is_strong_top10"].sum() < m["is_strong"].sum()
    # spot check: Washington is strong in Aerospace Vehicles and Defense (cluster 1), Nevada in Hospitality
    idx = got.set_index(["region_code", "cluster_name"])
    assert idx.loc[("53", "Aerospace Vehicles and Defense"), "is_strong"]
    assert idx.loc[("32", "Hospitality and Tourism"), "is_strong_top10"]
    # local clusters are never flagged; their LQ base is local employment
    assert not got.loc[got["cluster_type"] == "local", "is_strong"].any()


def test_growth_shares_and_wages_2017_to_2021(cbp_store):
    ind = queries.stats_indicators(cbp_store, DATASET, base_year=2017)
    r = ind[(ind.region_code == "32") & (ind.cluster_name == "Hospitality and Tourism")].set_index("year")
    e17, e21 = r.loc[2017, "employment"], r.loc[2021, "employment"]
    assert r.loc[2021, "cagr_pct"] == pytest.approx(100 * ((e21 / e17) ** (1 / 4) - 1))
    assert r.loc[2021, "employment_change"] == pytest.approx(e21 - e17)
    n17, n21 = r.loc[2017, "national_employment"], r.loc[2021, "national_employment"]
    assert r.loc[2021, "expected_change"] == pytest.approx(e17 * (n21 / n17 - 1))
    assert r.loc[2021, "job_creation_relative"] == pytest.approx((e21 - e17) - e17 * (n21 / n17 - 1))
    assert r.loc[2021, "national_share_change_pp"] == pytest.approx(r.loc[2021, "national_share_pct"] - r.loc[2017, "national_share_pct"])
    assert pd.isna(r.loc[2017, "cagr_pct"])  # no growth in the base year
    assert r.loc[2021, "cagr_pct"] < 0  # COVID: Nevada's casinos lost jobs
    # average wage in USD (payroll is in $1,000) and firm size
    raw = pd.read_csv(shared_file(*CBP), dtype={"state_fips": str, "naics": str})
    aero = raw[(raw.year == 2019) & (raw.state_fips == "53") & (raw.naics == "336411")].iloc[0]
    row = cbp_store.rows("SELECT employment, payroll FROM stats_observation WHERE dataset_code = ? AND region_code = '53' "
                         "AND industry_code = '336411' AND year = 2019", [DATASET])[0]
    assert row["employment"] == aero.emp and row["payroll"] == aero.payann_k
    wa = ind[(ind.region_code == "53") & (ind.year == 2019) & (ind.cluster_code == "1")].iloc[0]
    assert 50_000 < wa["avg_wage"] < 200_000 and wa["avg_firm_size"] > 50


def test_region_strength_is_share_of_traded_employment_in_strong_clusters(cbp_store):
    st = queries.stats_region_strength(cbp_store, DATASET, year=2019)
    ind = queries.stats_indicators(cbp_store, DATASET, year=2019)
    wa = ind[(ind.region_code == "53") & (ind.cluster_type == "traded")]
    expected = 100 * wa.loc[wa.is_strong, "employment"].sum() / wa["employment"].sum()
    row = st.set_index("region_code").loc["53"]
    assert row["cluster_strength_pct"] == pytest.approx(expected)
    assert row["strong_clusters"] == wa["is_strong"].sum()
    assert len(st) == 50


# ---- small hand-checked datasets --------------------------------------------------------------

SMALL = (
    "region_code,region_name,industry_code,year,employment,establishments\n"
    "A,Alpha,1,2020,100,10\nA,Alpha,2,2020,100,10\nA,Alpha,3,2020,50,5\n"
    "B,Beta,1,2020,10,1\nB,Beta,2,2020,190,19\nB,Beta,3,2020,50,5\n"
    "A,Alpha,1,2022,121,11\nA,Alpha,2,2022,100,10\nA,Alpha,3,2022,50,5\n"
    "B,Beta,1,2022,10,1\nB,Beta,2,2022,190,19\nB,Beta,3,2022,50,5\n"
)
SMALL_CW = "industry_code,cluster_code,cluster_name,cluster_type\n1,T1,Tools,traded\n2,T2,Textiles,traded\n3,L1,Retail,local\n"


def test_lq_uses_traded_and_local_bases(store):
    s = importer.import_dataset(store, spec("long", source("s.csv", SMALL), crosswalk=source("cw.csv", SMALL_CW)))
    ind = queries.stats_indicators(store, s.dataset_code, year=2020).set_index(["region_code", "cluster_code"])
    # A: Tools 100 of 200 traded; nation: 110 of 400 traded -> (0.5)/(0.275)
    assert ind.loc[("A", "T1"), "lq"] == pytest.approx(0.5 / (110 / 400))
    assert ind.loc[("A", "L1"), "lq"] == pytest.approx(1.0)  # local base: 50/50 ÷ 100/100
    assert ind.loc[("A", "T1"), "national_share_pct"] == pytest.approx(100 * 100 / 110)
    g = queries.stats_indicators(store, s.dataset_code, year=2022, base_year=2020).set_index(["region_code", "cluster_code"])
    assert g.loc[("A", "T1"), "cagr_pct"] == pytest.approx(10.0)  # 100 -> 121 in two years
    # national Tools grew 110 -> 131; expected change for A = 100 * 21/110
    assert g.loc[("A", "T1"), "expected_change"] == pytest.approx(100 * 21 / 110)
    assert g.loc[("A", "T1"), "job_creation_relative"] == pytest.approx(21 - 100 * 21 / 110)


def test_national_region_is_the_benchmark_and_not_a_region(store):
    data = SMALL + "US,Nation,1,2020,1000,100\nUS,Nation,2,2020,1000,100\nUS,Nation,3,2020,500,50\n"
    s = importer.import_dataset(store, spec("long", source("s.csv", data), crosswalk=source("cw.csv", SMALL_CW),
                                            national_region="US"))
    assert s.regions == 2
    ind = queries.stats_indicators(store, s.dataset_code, year=2020).set_index(["region_code", "cluster_code"])
    assert "US" not in ind.index.get_level_values(0)
    assert ind.loc[("A", "T1"), "lq"] == pytest.approx(0.5 / 0.5)  # nation: 1000 of 2000 traded
    assert ind.loc[("A", "T1"), "national_share_pct"] == pytest.approx(10.0)


def test_fallback_groups_use_all_employment_and_percentile_rule(store):
    # 5 regions, one group each way; region E is clearly specialised in group 11
    rows = ["region_code,region_name,industry_code,year,employment,establishments"]
    for r, (a, b) in zip("ABCDE", [(10, 90), (20, 80), (30, 70), (40, 60), (80, 20)]):
        rows += [f"{r},{r},111,2020,{a},{a // 2}", f"{r},{r},211,2020,{b},{b // 2}"]
    s = importer.import_dataset(store, spec("long", source("f.csv", "\n".join(rows) + "\n")))
    ind = queries.stats_indicators(store, s.dataset_code)
    assert set(ind["cluster_type"]) == {"unclassified"}
    g = ind[ind.cluster_code == "11"].set_index("region_code")
    assert g.loc["E", "lq"] == pytest.approx((80 / 100) / (180 / 500))
    lqs = g["lq"].sort_values().to_numpy()
    assert g.loc["E", "lq_p75"] == pytest.approx(np.percentile(lqs, 75))
    assert g["is_strong"].tolist() == [False, False, False, True, True]  # p75 of the LQs = D's 1.11
    st = queries.stats_region_strength(store, s.dataset_code).set_index("region_code")
    assert st.loc["E", "cluster_strength_pct"] == pytest.approx(80.0)


def test_withheld_cells_are_missing_not_zero(store):
    data = ("year,state_fips,naics,naics_level,estab,emp,payann_k\n"
            "2019,01,111111,6,3,0,0\n2019,01,111112,6,2,10,100\n2019,02,111111,6,1,5,50\n")
    s = importer.import_dataset(store, spec("cbp", source("w.csv", data)))
    ind = queries.stats_indicators(store, s.dataset_code).set_index("region_code")
    assert ind.loc["01", "employment"] == 10 and ind.loc["01", "withheld_cells"] == 1
    assert ind.loc["01", "establishments"] == 5  # establishments of the withheld cell still count
    assert ind.loc["01", "avg_firm_size"] == pytest.approx(10 / 2)  # only cells with employment


# ---- the analysis views -------------------------------------------------------------------------


def test_portfolio_trend_compare_and_opportunities(cbp_store):
    ind = queries.stats_indicators(cbp_store, DATASET, base_year=2017)
    rel = queries.stats_relatedness(cbp_store, DATASET)
    port = analysis.region_portfolio(ind, "53", 2021)
    assert port["is_strong"].iloc[0] and (port["employment"] > 0).all()
    ranked = analysis.rank_clusters(port, "lq", traded_only=True)
    assert ranked["rank"].tolist()[:3] == [1, 2, 3] and ranked["lq"].is_monotonic_decreasing
    trend = analysis.specialisation_trend(ind, "53", top_n=5)
    assert trend["cluster_code"].nunique() == 5 and set(trend["year"]) == {2017, 2018, 2019, 2020, 2021}
    cmp_ = analysis.compare_regions(ind, ["53", "06", "48"], 2021, measure="lq", top_n=10)
    assert cmp_["region_code"].drop_duplicates().tolist() == ["53", "06", "48"] and cmp_["cluster_code"].nunique() == 10
    with pytest.raises(UserError, match="at most 10 regions"):
        analysis.compare_regions(ind, [f"{i:02d}" for i in range(1, 12)], 2021)
    opp = analysis.diversification_opportunities(ind, rel, "53", 2021)
    strong = set(ind[(ind.region_code == "53") & (ind.year == 2021) & ind.is_strong]["cluster_code"])
    assert len(opp) > 0 and not set(opp["cluster_code"]) & strong
    related_to_strong = set(rel[rel.is_strongly_related & rel.cluster_code.isin(strong)]["related_cluster_code"]) - strong
    assert set(opp["cluster_code"]) == related_to_strong
    assert opp["links"].is_monotonic_decreasing
    out = analysis.to_export_frame(ind[ind.year == 2021], dataset=queries.stats_dataset(cbp_store, DATASET))
    assert {"region_code", "region_name", "cluster_code", "cluster_name", "year", "employment", "establishments",
            "lq", "is_strong", "is_strong_top10"} <= set(out.columns)
    assert out["source"].iloc[0].startswith("U.S. Census Bureau, County Business Patterns 2017–2021; cluster definitions: Delgado")


def test_map_frame_lists_regions_without_coordinates(store):
    data = ("region_code,region_name,industry_code,year,employment\nA,Alpha,111,2020,5\nB,Beta,111,2020,7\n")
    regions = "region_code,region_name,latitude,longitude\nA,Alpha,1,2\n"
    s = importer.import_dataset(store, spec("long", source("m.csv", data), regions=source("r.csv", regions)))
    ind = queries.stats_indicators(store, s.dataset_code)
    mapped, unmapped = analysis.cluster_map_frame(ind, queries.stats_regions(store, s.dataset_code), "11", 2020)
    assert mapped["region_code"].tolist() == ["A"] and unmapped["region_code"].tolist() == ["B"]
