"""Hostile statistics files and the command line: pathological nesting, non-finite numbers, duplicated
Eurostat dimensions, 5,000-digit values, fractional head counts. Each is refused with a message that
names the line/row and field and stays short; the command line ends with one line on stderr and a
non-zero status, never a traceback."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from clusterdash import cli
from clusterdash.errors import UserError, tidy_message, user_message
from clusterdash.stats import readers
from clusterdash.stats.readers import SourceFile, StatsImportError
from tests.conftest import REPO

STATES = {"01": "Alabama", "02": "Alaska"}
HEADER = b'[["NAICS2017","ESTAB","EMP","PAYANN","state"],'
NESTED = b"[" * 3000 + b"]" * 3000  # the 6 KB "JSON"


def read(kind: str, data: bytes, name: str = "f.json"):
    stage = readers.Stage()
    try:
        f = SourceFile(name, data)
        if kind == "cbp":
            return readers.read_cbp(stage, f, STATES, year=2019)
        if kind == "eurostat":
            return readers.read_eurostat(stage, f)
        return readers.read_long(stage, f)
    finally:
        stage.close()


def test_nested_json_is_refused_naming_the_line():
    with pytest.raises(StatsImportError, match=r"f.json line 1: nested more than 16 levels deep"):
        read("cbp", NESTED)
    # on a later line, and brackets inside strings do not count
    data = HEADER + b'\n["00","[[[[[[[[[[[[[[[[[[[[[[",1,2,"01"],\n' + b"[" * 40 + b"]" * 40 + b"]"
    with pytest.raises(StatsImportError, match=r"line 3: nested more than 16 levels"):
        read("cbp", data)


@pytest.mark.parametrize("cell, shown", [(b"NaN", "'NaN'"), (b"Infinity", "'Infinity'"), (b"-Infinity", "'-Infinity'"),
                                         (b"1e400", "'1e400'"), (b"1.5", "'1.5'")])
def test_non_finite_and_fractional_json_numbers_are_refused(cell, shown):
    data = HEADER + b'["00",' + cell + b',1,2,"01"]]'
    with pytest.raises(StatsImportError, match=rf"f.json, column estab: text where a whole number is expected \(row 2: {shown}\)"):
        read("cbp", data)


def test_nested_value_in_a_row_is_refused_naming_row_and_field():
    with pytest.raises(StatsImportError, match=r"row 2, field 3: a nested object"):
        read("cbp", HEADER + b'["00",1,{"a":1},2,"01"]]')


def test_huge_json_integer_is_refused_not_a_crash():
    # int() of more than 4,300 digits raises ValueError in Python >= 3.11: numbers stay text
    with pytest.raises(StatsImportError) as exc:
        read("cbp", HEADER + b'["00",' + b"9" * 5000 + b',1,2,"01"]]')
    assert len(str(exc.value)) < 300 and "(5,001 characters)" in str(exc.value)


def test_eurostat_header_with_a_duplicated_dimension_is_refused():
    with pytest.raises(StatsImportError, match=r"line 1: dimension\(s\) unit appear more than once"):
        read("eurostat", b"unit,nace_r2,unit,geo\\time\t2019\nTHS,C,THS,DE1\t1.0\n", "e.tsv")
    with pytest.raises(StatsImportError, match=r"line 1: a dimension name is blank"):
        read("eurostat", b"unit,,nace_r2,geo\\time\t2019\nTHS,x,C,DE1\t1.0\n", "e.tsv")


LONG = b"region_code,region_name,industry_code,year,employment\n"


@pytest.mark.parametrize("value", [b"12.5", b"0.1", b"1e-3"])
def test_fractional_employment_is_refused_in_the_long_format(value):
    with pytest.raises(StatsImportError, match=r"l.csv, column employment: text where a whole number is expected \(line 2"):
        read("long", LONG + b"A,Alpha,11,2019," + value + b"\n", "l.csv")


def test_whole_employment_with_separators_still_imports():
    report = read("long", LONG + b'A,Alpha,11,2019,"12,000"\nA,Alpha,21,2019,12.0\n', "l.csv")
    assert report.rows_read == 2


@pytest.mark.parametrize("kind, data", [
    ("long", LONG + b"A,Alpha,11,2019," + b"9" * 5000 + b"\n"),
    ("long", LONG + b"A,Alpha,11," + b"2" * 5000 + b",1\n"),
    ("eurostat", b"unit,nace_r2,geo\\time\t2019\nTHS,C,DE11\t" + b"7" * 5000 + b"\n"),
    ("cbp", b"year,state_fips,naics,estab,emp,payann_k\n2019,01,00," + b"5" * 5000 + b",1,1\n"),
])
def test_messages_never_echo_5000_digit_values(kind, data):
    with pytest.raises(UserError) as exc:
        read(kind, data, "v.csv" if kind != "eurostat" else "v.tsv")
    msg = str(exc.value)
    assert len(msg) < 400 and "characters" in msg and "…" in msg, msg


def test_user_error_messages_are_tidied():
    assert tidy_message("x " + "a" * 61 + " y") == "x " + "a" * 40 + "… (61 characters) y"
    assert len(str(UserError("word " * 1000))) == 1500
    assert str(UserError("short")) == "short"


def test_user_message_of_unexpected_errors_names_no_path():
    full = OSError(errno.ENOSPC, "No space left on device", "/srv/secret/var/clusterdash.duckdb")
    assert "full" in user_message(full) and "/srv" not in user_message(full)
    locked = Exception('IO Error: Could not set lock on file "/srv/x.duckdb": Conflicting lock is held')
    assert "another process" in user_message(locked) and "/srv" not in user_message(locked)
    assert "nested too deeply" in user_message(RecursionError("maximum recursion depth exceeded"))
    assert "server log" in user_message(KeyError("x")) and "KeyError" in user_message(KeyError("x"))


# ---- the command line: one line, non-zero, never a traceback ------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusterdash", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_cli_import_of_nested_json_is_one_line(db_path, tmp_path):
    bad = tmp_path / "cbp_2019.json"
    bad.write_bytes(NESTED)
    r = run_cli("import-stats", "--db", str(db_path), "--format", "cbp", "--file", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stderr.startswith("error: cbp_2019.json line 1: nested more than 16 levels deep")


def test_cli_missing_and_unreadable_files_are_one_line(db_path, tmp_path):
    r = run_cli("import-stats", "--db", str(db_path), "--format", "long", "--file", str(tmp_path / "nope.csv"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "file not found" in r.stderr
    r = run_cli("import-stats", "--db", str(db_path), "--format", "long", "--file", str(tmp_path))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "is a folder" in r.stderr


@pytest.mark.parametrize("exc, rc, words", [
    (RuntimeError("boom at /srv/app/x.py"), 1, "Something unexpected went wrong (RuntimeError)"),
    (RecursionError("maximum recursion depth exceeded"), 2, "nested too deeply"),
    (OSError(errno.ENOSPC, "No space left on device"), 2, "disk that holds the store is full"),
    (MemoryError(), 2, "out of memory"),
])
def test_cli_any_error_is_one_line_and_non_zero(monkeypatch, capsys, db_path, exc, rc, words):
    def boom(args):
        raise exc

    monkeypatch.delenv("CLUSTERDASH_DEBUG", raising=False)
    monkeypatch.setattr(cli, "cmd_info", boom)
    assert cli.main(["info", "--db", str(db_path)]) == rc
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and words in err and "/srv" not in err, err
    if rc == 1:
        assert "CLUSTERDASH_DEBUG=1" in err


def test_cli_debug_shows_the_traceback(monkeypatch, db_path):
    monkeypatch.setenv("CLUSTERDASH_DEBUG", "1")
    monkeypatch.setattr(cli, "cmd_info", lambda args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        cli.main(["info", "--db", str(db_path)])


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_relatedness_and_region_files_refuse_non_finite_numbers(value):
    rel = SourceFile("rel.csv", f"cluster_code,related_cluster_code,relatedness_pctile\n1,2,{value}\n".encode())
    with pytest.raises(StatsImportError, match=rf"rel.csv line 2, column relatedness_pctile: '{value}' is not a finite"):
        readers.read_relatedness(rel)
    reg = SourceFile("reg.csv", f"region_code,region_name,latitude,longitude\nA,Alpha,{value},1\n".encode())
    with pytest.raises(StatsImportError, match=r"reg.csv line 2: latitude/longitude"):
        readers.read_regions(reg)


def test_ui_import_of_nested_json_is_a_message_not_a_traceback(app, db_path):
    """The issue's 6 KB "JSON" of 3,000 nested brackets, uploaded on the import page."""
    from tests.ui_support import shown

    at = app("pages/import_stats.py")
    assert at.radio(key="imp_format").value == "cbp"
    at.file_uploader(key="imp_files_cbp").set_value(("deep.json", NESTED, "application/json")).run()
    at.button(key="imp_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = shown(at.error)
    assert errors and "deep.json line 1: nested more than 16 levels deep" in errors[0], errors
    assert not any(w in " ".join(errors) for w in ("Traceback", "RecursionError", ".py", "/work/"))
