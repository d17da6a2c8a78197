"""Fixtures and helpers of the statistics tests (imported by tests/test_stats_*.py and
tests/browser/test_stats*.py): a store with U.S. CBP 2017–2021 + the USCMP crosswalk and
relatedness imported once per session and copied per test, and small file builders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clusterdash.stats import demo, importer
from clusterdash.stats.readers import SourceFile
from clusterdash.store import Store
from tests.conftest import SHARED_DATA, shared_file

CBP = ("us_cbp", "cbp_state_naics_2017_2021.csv")
CROSSWALK = ("clusters", "naics_to_uscmp_cluster_crosswalk.csv")
RELATED = ("clusters", "uscmp_related_clusters.csv")
EUROSTAT = ("eu", "lfst_r_lfe2en2.tsv")
DATASET = demo.DEMO_DATASET


@pytest.fixture(scope="session")
def cbp_template_db(template_db, tmp_path_factory) -> Path:
    """A store with the CBP demo dataset, imported once per session."""
    if demo.demo_files(SHARED_DATA) is None:
        pytest.skip(f"shared datasets not found in {SHARED_DATA}")
    path = tmp_path_factory.mktemp("stats") / "cbp.duckdb"
    shutil.copy(template_db, path)
    store = Store(path)
    demo.load_cbp_demo(store, shared_dir=SHARED_DATA)
    store.conn.execute("CHECKPOINT")
    store.close()
    return path


@pytest.fixture
def cbp_db_path(cbp_template_db, tmp_path) -> Path:
    path = tmp_path / "clusterdash.duckdb"
    shutil.copy(cbp_template_db, path)
    return path


@pytest.fixture
def cbp_store(cbp_db_path):
    s = Store(cbp_db_path)
    yield s
    s.close()


def source(name: str, text: str | bytes) -> SourceFile:
    return SourceFile(name, text.encode("utf-8") if isinstance(text, str) else text)


def spec(fmt: str, *files: SourceFile, **kw) -> importer.ImportSpec:
    return importer.ImportSpec(format=fmt, files=list(files), **kw)


def shared_source(*parts: str) -> SourceFile:
    return SourceFile.from_path(shared_file(*parts))


STATS_TABLES = importer.STATS_TABLES


def dump_stats(store: Store) -> dict:
    """Everything of the statistics tables (to check a failed import changed nothing)."""
    return {t: store.value(f"SELECT count(*) FROM {t}") for t in STATS_TABLES} | {
        "datasets": store.rows("SELECT dataset_code, row_count, imported_at FROM stats_dataset ORDER BY 1"),
        "checksum": store.value("SELECT sum(hash(dataset_code, region_code, industry_code, year, employment)) FROM stats_observation"),
    }
