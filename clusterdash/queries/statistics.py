"""Statistics: the imported regional datasets (regions, industries, clusters, relatedness, rejected
rows) and their indicators.

The import (one transaction per dataset) and the indicators SQL live in :mod:`clusterdash.stats`
(``importer``, ``indicators``); this module is the pages' way in. Views on the indicators
(portfolios, comparisons) are pure functions in ``clusterdash.stats`` (see its public API).
"""

from __future__ import annotations

import pandas as pd

from clusterdash.stats import coverage, demo, embedded, importer, indicators
from clusterdash.store import Store

__all__ = [
    "stats_datasets", "stats_dataset", "stats_regions", "stats_clusters", "stats_relatedness", "stats_rejected_rows",
    "stats_industries", "stats_indicators", "stats_region_strength", "import_stats", "delete_stats_dataset",
    "load_stats_demo", "stats_demo_available", "stats_dataset_profile", "stats_year_coverage", "stats_cluster_coverage",
    "attach_stats_crosswalk", "stats_embedded_about", "stats_embedded_status", "reload_stats_embedded",
    "shared_crosswalk_files",
]


def stats_datasets(store: Store) -> pd.DataFrame:
    """Imported statistics datasets, newest first."""
    return store.df("SELECT * FROM stats_dataset ORDER BY imported_at DESC, dataset_code")


def stats_dataset(store: Store, dataset_code: str) -> dict | None:
    rows = store.rows("SELECT * FROM stats_dataset WHERE dataset_code = ?", [dataset_code])
    return rows[0] if rows else None


def stats_regions(store: Store, dataset_code: str, *, include_national: bool = False) -> pd.DataFrame:
    """Regions with their position and, where known, their country (benchmark group) and its label
    point: ``position`` is 'region' (latitude/longitude are the region's), 'country' (only the
    country's point is known) or 'none'."""
    sql = ("SELECT r.*, c.country_code, c.country_name, c.name_source, coalesce(c.position, "
           "CASE WHEN r.latitude IS NULL THEN 'none' ELSE 'region' END) AS position, c.country_latitude, "
           "c.country_longitude FROM stats_region r LEFT JOIN stats_region_country c USING (dataset_code, region_code) "
           "WHERE r.dataset_code = ?")
    if not include_national:
        sql += " AND NOT r.is_national"
    return store.df(sql + " ORDER BY r.region_name, r.region_code", [dataset_code])


def stats_dataset_profile(store: Store, dataset_code: str) -> dict:
    """How a dataset is to be read (stats_dataset_profile): cluster_term(_singular), default_benchmark,
    is_establishments_in_source, strong_rule, default_base_year, base_year_reason, dataset_origin. Defaults
    for a dataset without a profile row."""
    rows = store.rows("SELECT * FROM stats_dataset_profile WHERE dataset_code = ?", [dataset_code])
    if rows:
        return rows[0]
    return {"dataset_code": dataset_code, "dataset_origin": "import", "cluster_term": "clusters",
            "cluster_term_singular": "cluster", "default_benchmark": "nation", "is_establishments_in_source": True,
            "strong_rule": importer.STRONG_RULE, "default_base_year": None, "base_year_reason": None,
            "embedded_sha256": None}


def stats_year_coverage(store: Store, dataset_code: str) -> pd.DataFrame:
    """Per year: regions present/expected, missing regions, withheld cells and the estimated share of
    employment in them, comparable/complete (clusterdash.stats.coverage.year_coverage)."""
    return coverage.year_coverage(store, dataset_code)


def stats_cluster_coverage(store: Store, dataset_code: str) -> pd.DataFrame:
    """The same per cluster × year (clusterdash.stats.coverage.cluster_coverage)."""
    return coverage.cluster_coverage(store, dataset_code)


def stats_clusters(store: Store, dataset_code: str) -> pd.DataFrame:
    """Clusters of a dataset that have employment, with their number of finest-level industries."""
    return store.df(
        """SELECT c.cluster_code, c.cluster_name, c.cluster_type, count(i.industry_code) AS industries
           FROM stats_cluster c
           JOIN stats_industry i ON i.dataset_code = c.dataset_code AND i.cluster_code = c.cluster_code AND i.is_finest
           WHERE c.dataset_code = ? GROUP BY ALL ORDER BY c.cluster_type DESC, c.cluster_name""",
        [dataset_code],
    )


def stats_relatedness(store: Store, dataset_code: str) -> pd.DataFrame:
    return store.df(
        "SELECT * FROM stats_relatedness WHERE dataset_code = ? ORDER BY cluster_code, related_cluster_code",
        [dataset_code],
    )


def stats_rejected_rows(store: Store, dataset_code: str) -> pd.DataFrame:
    return store.df(
        "SELECT file_name, source_line, reason, raw_text FROM stats_rejected_row WHERE dataset_code = ? "
        "ORDER BY file_name, source_line",
        [dataset_code],
    )


def stats_industries(store: Store, dataset_code: str) -> pd.DataFrame:
    return store.df(
        """SELECT i.industry_code, i.industry_name, i.industry_level, i.is_finest, i.cluster_code, c.cluster_name
           FROM stats_industry i LEFT JOIN stats_cluster c USING (dataset_code, cluster_code)
           WHERE i.dataset_code = ? ORDER BY i.industry_code""",
        [dataset_code],
    )


# ---- indicators (computed in DuckDB by clusterdash.stats.indicators) ----------------------------

def stats_indicators(store: Store, dataset_code: str, *, year: int | None = None, base_year: int | None = None,
                     cluster_code: str | None = None, region_codes: list[str] | None = None,
                     benchmark: str | None = None) -> pd.DataFrame:
    """All indicators per region × cluster × year (see clusterdash.stats.indicators); ``benchmark``
    nation, country or eu28 (default: the dataset's)."""
    return indicators.compute_indicators(store, dataset_code, year=year, base_year=base_year,
                                         cluster_code=cluster_code, region_codes=region_codes, benchmark=benchmark)


def stats_region_strength(store: Store, dataset_code: str, *, year: int | None = None,
                          benchmark: str | None = None) -> pd.DataFrame:
    return indicators.compute_region_strength(store, dataset_code, year=year, benchmark=benchmark)


def attach_stats_crosswalk(store: Store, dataset_code: str, crosswalk, related=None, **kw):
    """Give a dataset the clusters of a crosswalk (and relatedness) file, one transaction
    (clusterdash.stats.importer.attach_crosswalk); returns its AttachSummary."""
    return importer.attach_crosswalk(store, dataset_code, crosswalk, related, **kw)


# ---- import, delete, the demo dataset (clusterdash.stats.importer / demo) -----------------------

def import_stats(store: Store, spec, progress=None):
    """Import a dataset (one transaction); returns the ImportSummary. Raises StatsImportError."""
    return importer.import_dataset(store, spec, progress)


def delete_stats_dataset(store: Store, dataset_code: str) -> None:
    importer.delete_dataset(store, dataset_code)


def load_stats_demo(store: Store, progress=None):
    """Load U.S. County Business Patterns 2017–2021 with the USCMP crosswalk and relatedness
    from ../shared/data (demo); returns the ImportSummary."""
    return demo.load_cbp_demo(store, progress=progress)


def stats_demo_available() -> bool:
    return demo.demo_files() is not None


def stats_embedded_about() -> list[dict]:
    """The embedded default datasets: title, publisher, licence, citation, file, provenance."""
    return embedded.about()


def stats_embedded_status(store: Store) -> list[dict]:
    """Per embedded dataset: whether the first build loaded it and whether it is in the store now."""
    return embedded.status(store)


def reload_stats_embedded(store: Store, key: str, progress=None):
    """(Re)load one embedded dataset over the dataset of its code; returns the ImportSummary."""
    return embedded.load(store, key, replace=True, progress=progress)


def shared_crosswalk_files() -> dict | None:
    """The U.S. Cluster Mapping crosswalk (and related-clusters file) in ../shared/data, with their
    citations, or None when absent."""
    files = demo.shared_crosswalk_files()
    if files is None:
        return None
    return {"files": files, "crosswalk_source": demo.CROSSWALK_SOURCE, "related_source": demo.RELATED_SOURCE}
