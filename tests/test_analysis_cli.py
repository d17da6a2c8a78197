"""Issue #12 on the command line: ``export shift-share`` (the issue's columns, parts summing to the
change), ``export structure``/``wages``/``drilldown``/``candidate-clusters`` and ``aggregate-ea``,
in-process through ``clusterdash.cli.main``."""

from __future__ import annotations

import pandas as pd
import pytest

from clusterdash import cli
from tests.conftest import TESTS
from tests.stats_support import DATASET

ISSUE_COLUMNS = ["region_code", "cluster_code", "employment_change", "national_growth_effect", "industry_mix_effect",
                 "regional_shift_effect"]


def read(path) -> tuple[pd.DataFrame, list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    return pd.read_csv(path, comment="#", dtype={"region_code": str, "cluster_code": str}), comments


def test_export_shift_share(cbp_db_path, tmp_path, capsys):
    out = tmp_path / "ss.csv"
    assert cli.main(["export", "shift-share", "--db", str(cbp_db_path), "--dataset", DATASET, "--from", "2018",
                     "--to", "2019", "--out", str(out)]) == 0
    df, comments = read(out)
    assert all(c in df.columns for c in ISSUE_COLUMNS + ["region_name", "cluster_name", "is_decomposed",
                                                          "is_growth_distorted", "growth_note", "source"])
    assert comments[0].startswith("# source: U.S. Census Bureau") and "shift-share 2018–2019" in comments[0]
    assert any(c.startswith("# units:") and "national_growth_effect: jobs" in c for c in comments)
    dec = df[df["is_decomposed"]]
    parts = dec["national_growth_effect"] + dec["industry_mix_effect"] + dec["regional_shift_effect"]
    assert (parts - dec["employment_change"]).abs().max() < 1e-6
    assert df["employment_change"].dtype.kind == "i"  # whole jobs
    assert "rows written" in capsys.readouterr().out
    out2 = tmp_path / "em.csv"
    assert cli.main(["export", "shift-share", "--db", str(cbp_db_path), "--dataset", DATASET, "--from", "2018",
                     "--to", "2021", "--variant", "esteban-marquillas", "--out", str(out2)]) == 0
    em, _ = read(out2)
    assert em["competitive_effect"].notna().sum() > 2000


@pytest.mark.parametrize("what,extra,key", [
    ("shift-share-regions", ["--from", "2018", "--to", "2021"], "regional_shift_pct"),
    ("structure", ["--year", "2021"], "krugman_index"),
    ("wages", ["--year", "2021"], "wage_premium_pct"),
    ("drilldown", ["--region", "53", "--cluster", "1", "--year", "2019"], "drill_level"),
    ("candidate-clusters", ["--groups", "25", "--cluster-type", "traded"], "candidate_code"),
])
def test_export_the_other_analysis_tables(cbp_db_path, tmp_path, what, extra, key):
    out = tmp_path / f"{what}.csv"
    assert cli.main(["export", what, "--db", str(cbp_db_path), "--dataset", DATASET, *extra, "--out", str(out)]) == 0
    df, comments = read(out)
    assert key in df.columns and len(df) > 0 and comments[0].startswith("# source:")


def test_export_errors_name_the_problem(cbp_db_path, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert cli.main(["export", "shift-share", "--db", str(cbp_db_path), "--dataset", DATASET, "--out", str(out)]) == 2
    assert "--from and --to" in capsys.readouterr().err
    assert cli.main(["export", "drilldown", "--db", str(cbp_db_path), "--dataset", DATASET, "--out", str(out)]) == 2
    assert not out.exists()


def test_aggregate_ea_on_the_command_line(db_path, tmp_path, capsys):
    fixture = TESTS / "fixtures" / "cbp19co_reconstructed.txt"
    assert cli.main(["import-stats", "--db", str(db_path), "--format", "cbp", "--file", str(fixture),
                     "--dataset", "cty"]) == 0
    assert cli.main(["aggregate-ea", "--db", str(db_path), "--dataset", "cty"]) == 0
    text = capsys.readouterr().out
    assert "aggregated to 4 BEA Economic Areas (22 counties)" in text
    out = tmp_path / "ea.csv"
    assert cli.main(["export", "indicators", "--db", str(db_path), "--dataset", "cty_ea", "--out", str(out)]) == 0
    assert pd.read_csv(out, dtype={"region_code": str})["region_code"].nunique() == 4
