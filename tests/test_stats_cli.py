"""Command line: import-stats → export indicators round trip, errors with exit status 2 and an
unchanged store, and fetch-cbp against a recorded (reconstructed) Census API response."""

from __future__ import annotations

import io
import subprocess
import sys
import urllib.error

import pandas as pd
import pytest

from clusterdash import cli, queries
from clusterdash.stats import census
from clusterdash.store import Store
from tests.conftest import REPO, shared_file
from tests.stats_support import CBP, CROSSWALK, RELATED, dump_stats

FIXTURE = REPO / "tests" / "fixtures" / "census_cbp_2019_states.json"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusterdash", *args], cwd=REPO, capture_output=True, text=True)


def test_import_then_export_round_trip(db_path, tmp_path):
    r = run("import-stats", "--db", str(db_path), "--format", "cbp", "--file", str(shared_file(*CBP)),
            "--crosswalk", str(shared_file(*CROSSWALK)), "--related", str(shared_file(*RELATED)),
            "--dataset", "us", "--crosswalk-source", "Delgado, Porter & Stern (2016)")
    assert r.returncode == 0, r.stderr
    assert "observations imported 419,244" in r.stdout and "withheld or missing cells" in r.stdout
    out = tmp_path / "ind.csv"
    r = run("export", "indicators", "--db", str(db_path), "--dataset", "us", "--year", "2019", "--out", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert header[:6] == ["region_code", "region_name", "cluster_code", "cluster_name", "cluster_type", "year"]
    for c in ("employment", "establishments", "lq", "is_strong", "is_strong_top10", "source"):
        assert c in header
    # booleans are is_* in the export too, as in the store's indicators and the view CSVs
    assert "strong" not in header and "strong_top10" not in header
    df = pd.read_csv(out, dtype={"region_code": str, "cluster_code": str, "is_strong": str, "is_strong_top10": str},
                     keep_default_na=False)
    assert set(df["is_strong"]) == {"true", "false"} and set(df["is_strong_top10"]) <= {"true", "false"}
    assert set(df["year"]) == {2019}
    assert df["source"].iloc[0] == ("U.S. Census Bureau, County Business Patterns 2017–2021; "
                                    "cluster definitions: Delgado, Porter & Stern (2016)")
    s = Store(db_path, read_only=True)
    try:
        ind = queries.stats_indicators(s, "us", year=2019)
    finally:
        s.close()
    assert len(df) == len(ind)
    merged = df.merge(ind, on=["region_code", "cluster_code"])
    assert (merged["is_strong_x"] == merged["is_strong_y"].map({True: "true", False: "false"})).all()
    assert merged["lq_x"].astype(float).round(6).equals(merged["lq_y"].round(6))
    assert merged["employment_x"].astype(float).equals(merged["employment_y"].astype(float))


def test_bad_file_exits_2_with_line_and_field_and_leaves_store_unchanged(db_path, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("year,state_fips,naics,naics_level,estab,emp,payann_k\n2019,01,00,0,1,x,3\n", encoding="utf-8")
    s = Store(db_path)
    before = dump_stats(s)
    s.close()
    r = run("import-stats", "--db", str(db_path), "--format", "cbp", "--file", str(bad))
    assert r.returncode == 2
    assert "bad.csv, column emp: text where a whole number is expected (line 2: 'x')" in r.stderr
    s = Store(db_path)
    assert dump_stats(s) == before
    s.close()
    r = run("export", "indicators", "--db", str(db_path), "--dataset", "nope", "--out", str(tmp_path / "x.csv"))
    assert r.returncode == 2 and "no dataset 'nope'" in r.stderr


class Recorded(io.BytesIO):
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_fetch_cbp_saves_the_api_response_and_it_imports(db_path, tmp_path, monkeypatch, capsys):
    calls = []

    def fake_urlopen(url, timeout):
        calls.append(url)
        return Recorded(FIXTURE.read_bytes())

    monkeypatch.setattr(census, "urlopen", fake_urlopen)
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)
    out = tmp_path / "cbp_2019_states.json"
    assert cli.main(["fetch-cbp", "--year", "2019", "--out", str(out)]) == 0
    assert calls == ["https://api.census.gov/data/2019/cbp?get=NAICS2017,NAICS2017_LABEL,ESTAB,EMP,PAYANN&for=state:*"]
    assert out.read_bytes() == FIXTURE.read_bytes()  # saved exactly as received
    assert cli.main(["import-stats", "--db", str(db_path), "--format", "cbp", "--file", str(out), "--year", "2019",
                     "--dataset", "api2019"]) == 0
    printed = capsys.readouterr().out
    assert "regions 3" in printed
    s = Store(db_path, read_only=True)
    try:
        assert s.value("SELECT employment FROM stats_observation WHERE dataset_code = 'api2019' AND region_code = '32' "
                       "AND industry_code = '721120'") == 172_596  # SOURCES.md: NV casino hotels 2019
    finally:
        s.close()


def test_fetch_cbp_offline_is_a_clear_error(monkeypatch, tmp_path, capsys):
    def offline(url, timeout):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(census, "urlopen", offline)
    assert cli.main(["fetch-cbp", "--year", "2019", "--out", str(tmp_path / "x.json"), "--key", "SECRET"]) == 2
    err = capsys.readouterr().err
    assert "could not reach the Census API" in err and "SECRET" not in err
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("year, var", [(2016, "NAICS2012"), (2019, "NAICS2017"), (2022, "NAICS2022")])
def test_naics_vintage_by_year(year, var):
    assert census.naics_variable(year) == var
