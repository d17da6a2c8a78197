"""The benchmark's own parts, kept honest in the suite (small and fast; the benchmark itself,
bench/run.py, is not part of the suite): the plain-pandas baseline gives the engine's numbers,
the SYNTHETIC generator makes what it says, and the percentile helper of the load scenario."""

from __future__ import annotations

import pytest

from bench import load, pandas_baseline, synthetic
from clusterdash.stats import importer, indicators
from clusterdash.stats.readers import SourceFile


def compare(store, code: str, base_year: int | None = None) -> int:
    params = indicators._params(store, code, base_year)
    engine = indicators.compute_indicators(store, code, base_year=base_year)
    frames = pandas_baseline.load_frames(store, code)
    baseline = pandas_baseline.compute_indicators_pandas(frames, base_year=params["base_year"],
                                                         wage_factor=params["wage_factor"])
    return pandas_baseline.assert_same_indicators(engine, baseline)


def test_pandas_baseline_equals_the_engine_on_synthetic_data(store):
    code = synthetic.create_synthetic_dataset(store, 60_000, "synthetic_test", industries=200, years=3)
    ds = store.rows("SELECT title, source, region_count, industry_count, year_min, year_max, row_count "
                    "FROM stats_dataset WHERE dataset_code = ?", [code])[0]
    assert ds["title"].startswith("SYNTHETIC") and ds["source"].startswith("SYNTHETIC")
    assert (ds["region_count"], ds["industry_count"], ds["year_max"] - ds["year_min"] + 1) == (100, 200, 3)
    assert store.value("SELECT count(*) FROM stats_observation WHERE dataset_code = ?", [code]) == ds["row_count"]
    withheld = store.value("SELECT avg(is_withheld::INT) FROM stats_observation WHERE dataset_code = ?", [code])
    assert 0.002 < withheld < 0.03  # about 1 %
    assert compare(store, code) == 100 * 67 * 3
    assert compare(store, code, base_year=2018) == 100 * 67 * 3
    # the scaling benchmark's SQL is the engine's own, up to the strong flags
    params = indicators._params(store, code, None)
    lq = store.df(synthetic.lq_sql(), params).sort_values(["year", "region_code", "cluster_code"]).reset_index(drop=True)
    full = indicators.compute_indicators(store, code)
    assert lq["lq"].round(12).tolist() == full["lq"].round(12).tolist()
    assert lq["is_strong"].tolist() == full["is_strong"].tolist()


def test_pandas_baseline_equals_the_engine_with_a_national_region_and_withheld_cells(store):
    text = (
        "region_code,region_name,industry_code,year,employment,establishments,payroll\n"
        "NAT,Nation,11,2019,1000,100,50000\nNAT,Nation,21,2019,3000,200,90000\n"
        "NAT,Nation,11,2020,1100,110,56000\nNAT,Nation,21,2020,2900,190,91000\n"
        "A,Alpha,11,2019,400,40,20000\nA,Alpha,21,2019,600,50,18000\nA,Alpha,11,2020,,45,\nA,Alpha,21,2020,650,52,19500\n"
        "B,Beta,11,2019,100,12,5000\nB,Beta,21,2019,1900,90,60000\nB,Beta,11,2020,160,14,8000\nB,Beta,21,2020,1800,88,61000\n"
        "C,Gamma,11,2019,0,3,0\nC,Gamma,21,2019,500,60,12000\nC,Gamma,11,2020,30,4,900\nC,Gamma,21,2020,450,50,11000\n"
    )
    importer.import_dataset(store, importer.ImportSpec(format="long", files=[SourceFile("nat.csv", text.encode())],
                                                       dataset_code="nat", national_region="NAT"))
    assert compare(store, "nat") == 3 * 2 * 2


def test_pandas_baseline_refuses_an_indicator_it_does_not_know(store):
    code = synthetic.create_synthetic_dataset(store, 10_000, "synthetic_small", industries=100, years=2)
    params = indicators._params(store, code, None)
    engine = indicators.compute_indicators(store, code).assign(new_indicator=1.0)
    baseline = pandas_baseline.compute_indicators_pandas(pandas_baseline.load_frames(store, code),
                                                         base_year=params["base_year"], wage_factor=params["wage_factor"])
    with pytest.raises(AssertionError, match="new_indicator"):
        pandas_baseline.assert_same_indicators(engine, baseline)


def test_percentile_is_linear_interpolated():
    assert load.percentile([1, 2, 3, 4], 50) == 2.5
    assert load.percentile([10], 95) == 10
    assert load.percentile(list(range(101)), 95) == 95
