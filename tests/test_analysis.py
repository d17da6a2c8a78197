"""Issue #12 analysis engine: shift-share, structure indices, wages, drill-down — on crafted tables
whose every figure is computed by hand here, and on the real CBP data (components sum to the
change on every row; indices inside their ranges; drill-down levels consistent with the indicators)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from clusterdash.stats import drilldown, importer, indicators, shift_share, structure, wages
from tests.stats_support import DATASET, source, spec

EMBEDDED = "cbp_states_2017_2021"

# Two regions × two clusters (long format: clusters are the codes' first two digits), 2018 → 2019,
# with payroll (unit "as given": wages are payroll / employment).
CRAFTED = """region_code,region_name,industry_code,year,employment,payroll
A,Region A,1101,2018,100,5000
A,Region A,2201,2018,50,4000
B,Region B,1101,2018,200,12000
B,Region B,2201,2018,150,9000
A,Region A,1101,2019,120,6600
A,Region A,2201,2019,45,3600
B,Region B,1101,2019,210,12600
B,Region B,2201,2019,165,10725
"""


@pytest.fixture
def crafted(store):
    importer.import_dataset(store, spec("long", source("crafted.csv", CRAFTED), dataset_code="crafted"))
    return store


def _row(df, region, cluster):
    r = df[(df["region_code"] == region) & (df["cluster_code"] == cluster)]
    assert len(r) == 1
    return r.iloc[0]


def test_shift_share_on_the_crafted_table_equals_the_hand_computation(crafted):
    ss = shift_share.compute_shift_share(crafted, "crafted", 2018, 2019, variant="esteban-marquillas")
    assert len(ss) == 4 and ss["is_decomposed"].all() and not ss["is_growth_distorted"].any()
    # national: cluster 11 300 → 330 (+10 %), cluster 22 200 → 210 (+5 %), all 500 → 540 (+8 %)
    hand = {  # (region, cluster): (change, NS, IM, RS, homothetic, competitive, allocation)
        ("A", "11"): (20, 100 * 0.08, 100 * (0.10 - 0.08), 20 - 8 - 2, 150 * 0.6, 90 * (0.20 - 0.10), 10 * 0.10),
        ("A", "22"): (-5, 50 * 0.08, 50 * (0.05 - 0.08), -5 - 4 + 1.5, 150 * 0.4, 60 * (-0.10 - 0.05),
                      (50 - 60) * (-0.10 - 0.05)),
        ("B", "11"): (10, 200 * 0.08, 200 * 0.02, 10 - 16 - 4, 350 * 0.6, 210 * (0.05 - 0.10), (200 - 210) * (0.05 - 0.10)),
        ("B", "22"): (15, 150 * 0.08, 150 * -0.03, 15 - 12 + 4.5, 350 * 0.4, 140 * (0.10 - 0.05), (150 - 140) * 0.05),
    }
    for (region, cluster), (change, ns, im, rs, hom, comp, alloc) in hand.items():
        r = _row(ss, region, cluster)
        assert r["employment_change"] == change
        assert r["national_growth_effect"] == pytest.approx(ns, abs=1e-9)
        assert r["industry_mix_effect"] == pytest.approx(im, abs=1e-9)
        assert r["regional_shift_effect"] == pytest.approx(rs, abs=1e-9)
        assert r["homothetic_employment"] == pytest.approx(hom, abs=1e-9)
        assert r["competitive_effect"] == pytest.approx(comp, abs=1e-9)
        assert r["allocation_effect"] == pytest.approx(alloc, abs=1e-9)
        assert r["national_growth_pct"] == pytest.approx(8.0)
    summary = shift_share.region_summary(ss).set_index("region_code")
    assert summary.loc["A", "employment_change"] == 15
    assert summary.loc["A", "regional_shift_effect"] == pytest.approx(10 - 7.5)
    assert summary.loc["B", "clusters_growing_faster"] == 1  # 22 grew faster in B than nationally, 11 did not
    classic = shift_share.compute_shift_share(crafted, "crafted", 2018, 2019)
    assert classic["competitive_effect"].isna().all()


@pytest.mark.parametrize("dataset,years", [(DATASET, (2018, 2019)), (DATASET, (2018, 2021)), (DATASET, (2017, 2020)),
                                           (EMBEDDED, (2018, 2021)), (EMBEDDED, (2019, 2020))])
def test_shift_share_components_sum_to_the_change_on_every_row_of_cbp(cbp_store, dataset, years):
    ss = shift_share.compute_shift_share(cbp_store, dataset, *years, variant="esteban-marquillas")
    assert len(ss) > 2500
    dec = ss[ss["is_decomposed"]]
    assert len(dec) > 0.95 * len(ss)
    parts = dec["national_growth_effect"] + dec["industry_mix_effect"] + dec["regional_shift_effect"]
    err = (parts - dec["employment_change"]).abs()
    assert (err <= 1e-6 * np.maximum(1.0, dec["employment_change"].abs())).all(), err.max()
    em = dec.dropna(subset=["competitive_effect"])
    assert ((em["competitive_effect"] + em["allocation_effect"] - em["regional_shift_effect"]).abs() < 1e-6).all()
    # the national growth effect is the same growth rate for every row of a year pair
    assert dec["national_growth_pct"].nunique() == 1
    nd = ss[~ss["is_decomposed"]]
    assert nd["national_growth_effect"].isna().all() and nd["growth_note"].notna().all()
    # the region summary adds the decomposed rows up
    summary = shift_share.region_summary(ss)
    assert summary["employment_change"].sum() == pytest.approx(dec["employment_change"].sum())
    total = summary["national_growth_effect"] + summary["industry_mix_effect"] + summary["regional_shift_effect"]
    assert np.allclose(total, summary["employment_change"])


def test_shift_share_refuses_years_outside_the_dataset(cbp_store):
    from clusterdash.errors import UserError

    with pytest.raises(UserError, match="2016"):
        shift_share.compute_shift_share(cbp_store, DATASET, 2016, 2019)
    with pytest.raises(UserError, match="before"):
        shift_share.compute_shift_share(cbp_store, DATASET, 2020, 2019)
    with pytest.raises(UserError, match="variant"):
        shift_share.compute_shift_share(cbp_store, DATASET, 2018, 2019, variant="dynamic")


STRUCTURE = """region_code,region_name,industry_code,year,employment
A,Region A,1101,2019,60
A,Region A,1102,2019,40
A,Region A,2201,2019,50
B,Region B,1101,2019,10
B,Region B,1102,2019,30
B,Region B,2201,2019,110
"""


def test_structure_indices_on_crafted_input_equal_hand_values(store):
    importer.import_dataset(store, spec("long", source("structure.csv", STRUCTURE), dataset_code="structure"))
    df = structure.compute_structure(store, "structure").set_index("region_code")
    a = df.loc["A"]
    # region A: industries 60, 40, 50 of 150; clusters 11 = 100, 22 = 50
    p = [60 / 150, 40 / 150, 50 / 150]
    assert a["employment"] == 150 and a["clusters_counted"] == 2 and a["industries_counted"] == 3
    assert a["hhi"] == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    assert a["shannon_entropy"] == pytest.approx(-sum(x * math.log(x) for x in p))
    assert a["unrelated_variety"] == pytest.approx(-(2 / 3) * math.log(2 / 3) - (1 / 3) * math.log(1 / 3))
    assert a["related_variety"] == pytest.approx((2 / 3) * -(0.6 * math.log(0.6) + 0.4 * math.log(0.4)))
    # the nation (A + B): cluster 11 = 140 of 300, 22 = 160 of 300
    assert a["krugman_index"] == pytest.approx(abs(2 / 3 - 140 / 300) + abs(1 / 3 - 160 / 300))
    b = df.loc["B"]
    assert b["hhi"] == pytest.approx((40 / 150) ** 2 + (110 / 150) ** 2)
    assert b["krugman_index"] == pytest.approx(abs(40 / 150 - 140 / 300) + abs(110 / 150 - 160 / 300))
    assert (df["shannon_entropy"] - df["unrelated_variety"] - df["related_variety"]).abs().max() < 1e-12


@pytest.mark.parametrize("dataset", [DATASET, EMBEDDED, "eurostat_lfs_nuts2"])
def test_structure_indices_on_real_data_lie_in_their_ranges(cbp_store, dataset):
    df = structure.compute_structure(cbp_store, dataset)
    assert len(df) > 200
    eps = 1e-9
    assert (df["hhi"] >= 1 / df["clusters_counted"] - eps).all() and (df["hhi"] <= 1 + eps).all()
    assert (df["shannon_entropy"] >= -eps).all()
    assert (df["shannon_entropy"] <= np.log(df["industries_counted"]) + eps).all()
    assert (df["unrelated_variety"] <= np.log(df["clusters_counted"]) + eps).all()
    assert ((df["krugman_index"] >= -eps) & (df["krugman_index"] <= 2 + eps)).all()
    if dataset == "eurostat_lfs_nuts2":  # NACE sections: one industry per cluster, nothing nests
        assert df["related_variety"].isna().all()
    else:
        assert (df["related_variety"] >= -eps).all()
        assert np.allclose(df["shannon_entropy"], df["unrelated_variety"] + df["related_variety"])
    assert set(structure.EXPLANATIONS) == set(structure.INDICES)
    assert all(s.count(". ") == 0 and s.endswith(".") for s in structure.EXPLANATIONS.values())  # one sentence


def test_wages_on_the_crafted_table(crafted):
    w = wages.compute_wages(crafted, "crafted", base_year=2018)
    a11 = w[(w["region_code"] == "A") & (w["cluster_code"] == "11") & (w["year"] == 2019)].iloc[0]
    assert a11["avg_wage"] == pytest.approx(6600 / 120)
    assert a11["national_avg_wage"] == pytest.approx((6600 + 12600) / 330)
    assert a11["wage_premium_pct"] == pytest.approx(100 * ((6600 / 120) / (19200 / 330) - 1))
    assert a11["wage_cagr_pct"] == pytest.approx(100 * ((6600 / 120) / (5000 / 100) - 1))
    # in region A in 2019: cluster 22 pays 80, cluster 11 pays 55
    assert a11["wage_rank_in_region"] == 2
    a22 = w[(w["region_code"] == "A") & (w["cluster_code"] == "22") & (w["year"] == 2019)].iloc[0]
    assert a22["wage_rank_in_region"] == 1 and a22["wage_rank_in_nation"] == 1  # 80 > B's 65
    ranking = wages.wage_ranking(w, "A", 2019)
    assert ranking["cluster_code"].tolist() == ["22", "11"]


def test_wages_on_cbp_match_a_recomputation_from_the_tables(cbp_store):
    w = wages.compute_wages(cbp_store, DATASET, year=2019)
    obs = cbp_store.df(
        "SELECT o.region_code, i.cluster_code, o.employment, o.payroll FROM stats_observation o "
        "JOIN stats_industry i USING (dataset_code, industry_code) WHERE o.dataset_code = ? AND i.is_finest "
        "AND i.cluster_code = '1' AND o.year = 2019 AND o.payroll IS NOT NULL", [DATASET])
    national = 1000.0 * obs["payroll"].sum() / obs["employment"].sum()
    rows = w[w["cluster_code"] == "1"]
    assert rows["national_avg_wage"].dropna().unique() == pytest.approx([national])
    ok = rows.dropna(subset=["avg_wage"])
    assert np.allclose(ok["wage_premium_pct"], 100 * (ok["avg_wage"] / national - 1))
    assert sorted(ok["wage_rank_in_nation"]) == sorted(ok["avg_wage"].rank(ascending=False, method="min"))
    rw = wages.region_wages(cbp_store, DATASET, w)
    assert len(rw) == 50 and (rw["clusters_paying_above"] <= rw["clusters_with_wages"]).all()


@pytest.mark.parametrize("dataset,region,cluster,year", [(DATASET, "53", "1", 2019), (DATASET, "53", "1", 2017),
                                                          (EMBEDDED, "53", "336", 2017), (DATASET, "32", "9", 2021)])
def test_drilldown_levels_add_up_and_match_the_indicators(cbp_store, dataset, region, cluster, year):
    dd = drilldown.drilldown(cbp_store, dataset, region, cluster, year)
    ind = indicators.compute_indicators(cbp_store, dataset, year=year, cluster_code=cluster, region_codes=[region])
    top = dd[dd["drill_level"] == "cluster"].iloc[0]
    assert top["employment"] == ind["employment"].iloc[0]
    assert top["lq"] == pytest.approx(ind["lq"].iloc[0])
    assert top["withheld_cells"] == ind["withheld_cells"].iloc[0]
    inds = dd[dd["drill_level"] == "industry"]
    subs = dd[dd["drill_level"] == "subcluster"]
    assert inds["employment"].sum() == top["employment"]
    assert len(subs) > 0 and subs["employment"].sum() == top["employment"]
    assert set(inds["parent_code"]) <= set(subs["drill_code"])
    for s in subs.itertuples():
        assert inds.loc[inds["parent_code"] == s.drill_code, "employment"].sum() == pytest.approx(
            0 if pd.isna(s.employment) else s.employment)
    assert inds["is_withheld"].sum() == top["withheld_cells"]
    assert inds.loc[inds["is_withheld"].astype(bool), "employment"].isna().all()  # withheld: missing, not zero


def test_subclusters_come_from_the_crosswalk_or_the_naics_groups(cbp_store):
    cw = drilldown.subclusters(cbp_store, DATASET)
    assert (cw["subcluster_source"] == "crosswalk").mean() > 0.99
    assert cw["subcluster_name"].nunique() > 250
    assert cw.loc[cw["industry_code"] == "336411", "subcluster_name"].iloc[0] == "Aircraft"
    fb = drilldown.subclusters(cbp_store, EMBEDDED)
    row = fb[fb["industry_code"] == "336411"].iloc[0]
    assert (row["subcluster_code"], row["subcluster_source"]) == ("3364", "naics_group")
    assert row["subcluster_name"].startswith("Aerospace product")
    assert fb["industry_name"].notna().all()  # titles filled from data/classifications/naics2017_titles.csv
