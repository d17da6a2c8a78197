"""Analysis of the regional statistics (issue #12): shift-share, structure indices, wages,
drill-down, economic areas and clusters found in the data — the pages' way into
:mod:`clusterdash.stats` (``shift_share``, ``structure``, ``wages``, ``drilldown``,
``geographies``, ``clusters_from_data``, ``exports``), which hold the SQL and the methods.

Reads take the store and a dataset code and return DataFrames; the writes (saving, applying and
undoing a candidate grouping, aggregating counties to economic areas) are each one transaction
in the stats module. Statistics are shared by all workspaces, so there is no workspace guard.
"""

from __future__ import annotations

import pandas as pd

from clusterdash.stats import clusters_from_data, drilldown, exports, geographies, shift_share, structure, wages
from clusterdash.store import Store

__all__ = [
    "analysis_shift_share", "analysis_structure", "analysis_wages", "analysis_region_wages", "analysis_drilldown",
    "analysis_subclusters", "analysis_export", "find_candidate_clusters", "official_clusters",
    "candidate_groupings", "save_candidate_grouping", "apply_candidate_grouping", "restore_cluster_definition",
    "aggregate_counties_to_economic_areas",
]


def analysis_shift_share(store: Store, dataset_code: str, from_year: int, to_year: int, *,
                         variant: str = "classic", cluster_type: str | None = None,
                         benchmark: str | None = None) -> pd.DataFrame:
    return shift_share.compute_shift_share(store, dataset_code, from_year, to_year, variant=variant,
                                           cluster_type=cluster_type, benchmark=benchmark)


def analysis_structure(store: Store, dataset_code: str, *, year: int | None = None,
                       cluster_type: str | None = None, benchmark: str | None = None) -> pd.DataFrame:
    return structure.compute_structure(store, dataset_code, year=year, cluster_type=cluster_type, benchmark=benchmark)


def analysis_wages(store: Store, dataset_code: str, *, base_year: int | None = None,
                   year: int | None = None, benchmark: str | None = None) -> pd.DataFrame:
    return wages.compute_wages(store, dataset_code, base_year=base_year, year=year, benchmark=benchmark)


def analysis_region_wages(store: Store, dataset_code: str, wage_rows: pd.DataFrame, *,
                          benchmark: str | None = None) -> pd.DataFrame:
    return wages.region_wages(store, dataset_code, wage_rows, benchmark=benchmark)


def analysis_drilldown(store: Store, dataset_code: str, region_code: str, cluster_code: str, year: int, *,
                       benchmark: str | None = None) -> pd.DataFrame:
    return drilldown.drilldown(store, dataset_code, region_code, cluster_code, year, benchmark=benchmark)


def analysis_subclusters(store: Store, dataset_code: str) -> pd.DataFrame:
    return drilldown.subclusters(store, dataset_code)


def analysis_export(store: Store, what: str, dataset: dict, **opts) -> tuple[pd.DataFrame, str]:
    """An analysis table in its export layout and its source line (the command line's columns)."""
    return exports.build(store, what, dataset, **opts), exports.source_line(dataset, what, **opts)


def find_candidate_clusters(store: Store, dataset_code: str, n_groups: int, *, measure: str = "lq",
                            years=None, cluster_type: str | None = None) -> clusters_from_data.Candidates:
    return clusters_from_data.find_clusters(store, dataset_code, n_groups, measure=measure, years=years,
                                            cluster_type=cluster_type)


def official_clusters(store: Store, dataset_code: str) -> tuple[pd.DataFrame, str]:
    return clusters_from_data.official_grouping(store, dataset_code)


def candidate_groupings(store: Store, dataset_code: str) -> pd.DataFrame:
    return clusters_from_data.groupings(store, dataset_code)


def save_candidate_grouping(store: Store, candidates: clusters_from_data.Candidates, *,
                            title: str | None = None) -> str:
    return clusters_from_data.save_grouping(store, candidates, title=title)


def apply_candidate_grouping(store: Store, dataset_code: str, grouping_code: str) -> str:
    return clusters_from_data.apply_grouping(store, dataset_code, grouping_code)


def restore_cluster_definition(store: Store, dataset_code: str) -> str:
    return clusters_from_data.restore_definition(store, dataset_code)


def aggregate_counties_to_economic_areas(store: Store, dataset_code: str, target: str | None = None, *,
                                         replace: bool = False) -> geographies.AggregateSummary:
    return geographies.aggregate_to_economic_areas(store, dataset_code, target, replace=replace)
