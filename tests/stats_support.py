"""Helpers of the statistics tests (imported by tests/test_stats_*.py): the shared files' names,
small file builders and a dump of the statistics tables. The CBP store fixtures
(``cbp_template_db``, ``cbp_db_path``, ``cbp_store``) are in tests/conftest.py, so the 419k-row
store is built once per session; never import fixtures into a test module."""

from __future__ import annotations

from clusterdash.stats import demo, importer
from clusterdash.stats.readers import SourceFile
from clusterdash.store import Store
from tests.conftest import shared_file

CBP = ("us_cbp", "cbp_state_naics_2017_2021.csv")
CROSSWALK = ("clusters", "naics_to_uscmp_cluster_crosswalk.csv")
RELATED = ("clusters", "uscmp_related_clusters.csv")
EUROSTAT = ("eu", "lfst_r_lfe2en2.tsv")
DATASET = demo.DEMO_DATASET


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
