"""Issue #12 item 7: the county-scale plan of the indicator chain and the shift-share
(clusterdash/stats/indicators.py, shift_share.py) gives the same rows, columns, types and numbers
as the straightforward plan it replaced (tests/reference_chain.py, the SQL as it was before), on a
small SYNTHETIC dataset, the embedded CBP states (withheld cells with estimates, cells missing in
some years), Eurostat NUTS 2 (country and EU28 benchmarks, incomplete years) and a dataset with a
national region. Sums may differ in the last bits only (they are added in another order)."""

from __future__ import annotations

import pandas as pd
import pytest

from bench import synthetic
from clusterdash.stats import importer, indicators, shift_share, wages
from clusterdash.stats.readers import SourceFile
from tests import reference_chain as ref

NATIONAL = (  # a national region, a withheld cell, a region with no employment in one cluster
    "region_code,region_name,industry_code,year,employment,establishments,payroll\n"
    "NAT,Nation,11,2019,1000,100,50000\nNAT,Nation,21,2019,3000,200,90000\n"
    "NAT,Nation,11,2020,1100,110,56000\nNAT,Nation,21,2020,2900,190,91000\n"
    "A,Alpha,11,2019,400,40,20000\nA,Alpha,21,2019,600,50,18000\nA,Alpha,11,2020,,45,\nA,Alpha,21,2020,650,52,19500\n"
    "B,Beta,11,2019,100,12,5000\nB,Beta,21,2019,1900,90,60000\nB,Beta,11,2020,160,14,8000\nB,Beta,21,2020,1800,88,61000\n"
    "C,Gamma,11,2019,0,3,0\nC,Gamma,21,2019,500,60,12000\nC,Gamma,21,2020,450,50,11000\n"
)


def assert_same(store, reference_sql: str, optimised_sql: str, params: dict, keys: list[str]) -> int:
    a = store.df(reference_sql, params).sort_values(keys, ignore_index=True)
    b = store.df(optimised_sql, params).sort_values(keys, ignore_index=True)
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-9)
    return len(a)


def check_dataset(store, code: str, *, benchmark: str | None = None, every_base: bool = True) -> None:
    """Both plans agree for the default base year and (``every_base``) the first and a middle year,
    and for shift-share over the whole span and (``every_base``) its first and last step."""
    lo, hi = store.rows("SELECT year_min, year_max FROM stats_dataset WHERE dataset_code = ?", [code])[0].values()
    bases = {None, lo, (lo + hi) // 2} if every_base else {None}
    for base in sorted(bases, key=lambda y: -1 if y is None else y):
        params = indicators._params(store, code, base, benchmark)
        keys = ["region_code", "cluster_code", "year"]
        n = assert_same(store, ref.CHAIN + " SELECT * FROM indicators", indicators._CHAIN + " SELECT * FROM indicators",
                        params, keys)
        assert n == store.value("SELECT count(*) FROM stats_cluster_cell c JOIN stats_region r USING "
                                "(dataset_code, region_code) WHERE dataset_code = ? AND NOT r.is_national", [code])
        assert_same(store, ref.CHAIN + wages._WAGES, indicators._CHAIN + wages._WAGES, params, keys)
        assert_same(store, ref.CHAIN + wages._REGION_WAGES, indicators._CHAIN + wages._REGION_WAGES, params,
                    ["region_code", "year"])
    for y0, y1 in sorted({(lo, hi), (lo, lo + 1), (hi - 1, hi)} if every_base else {(lo, hi)}):
        params = dict(indicators._params(store, code, y0, benchmark), to_year=y1)
        assert_same(store, ref.CHAIN + ref.SHIFT_SHARE, indicators._CHAIN + shift_share._SHIFT_SHARE, params,
                    ["region_code", "cluster_code"])


def test_the_optimised_plan_equals_the_straightforward_one_on_synthetic_data(store):
    code = synthetic.create_synthetic_dataset(store, 36_000, "synthetic_plan", industries=120, years=4)
    check_dataset(store, code)


@pytest.mark.parametrize("code, benchmark", [("cbp_states_2017_2021", None), ("eurostat_lfs_nuts2", None),
                                             ("eurostat_lfs_nuts2", "eu28"), ("eurostat_lfs_nuts2", "nation")])
def test_the_optimised_plan_equals_the_straightforward_one_on_the_embedded_data(store, code, benchmark):
    # the default base year and the whole span on the real data (the base-year loops run above and below)
    check_dataset(store, code, benchmark=benchmark, every_base=False)


def test_the_optimised_plan_equals_the_straightforward_one_with_a_national_region(store):
    importer.import_dataset(store, importer.ImportSpec(format="long", files=[SourceFile("nat.csv", NATIONAL.encode())],
                                                       dataset_code="nat", national_region="NAT"))
    check_dataset(store, "nat")
    ss = shift_share.compute_shift_share(store, "nat", 2019, 2020)
    gamma = ss[(ss["region_code"] == "C") & (ss["cluster_code"] == "11")].iloc[0]
    assert gamma["employment"] == 0 and "no row in 2020" in gamma["growth_note"]
