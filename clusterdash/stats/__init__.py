"""Regional statistics: import (CBP, Eurostat, a generic long CSV; crosswalks, regions,
relatedness), indicators in DuckDB SQL (U.S. Cluster Mapping location quotients and strong
clusters, growth, job creation), the command line, and the pure-Python analysis behind the
pages. No Streamlit here.

- :mod:`clusterdash.stats.readers` — read and validate one file into a staging database.
- :mod:`clusterdash.stats.importer` — one import = one transaction, with a summary.
- :mod:`clusterdash.stats.indicators` — the indicators SQL.
- :mod:`clusterdash.stats.analysis` — portfolio, comparison and diversification views.
- :mod:`clusterdash.stats.census` — download CBP from the Census API.
- :mod:`clusterdash.stats.demo` — load the shared CBP demo data.
- :mod:`clusterdash.stats.cli` — ``import-stats``, ``export indicators``, ``fetch-cbp``.
- analysis (issue #12): :mod:`~clusterdash.stats.shift_share`, :mod:`~clusterdash.stats.structure`,
  :mod:`~clusterdash.stats.wages`, :mod:`~clusterdash.stats.drilldown`, :mod:`~clusterdash.stats.profiles`
  (cluster page, region × cluster), :mod:`~clusterdash.stats.geographies` (counties, BEA Economic
  Areas), :mod:`~clusterdash.stats.clusters_from_data`, :mod:`~clusterdash.stats.exports`.

The public API (what pages and other packages use; the modules above are internals): the names
imported below, e.g. ``from clusterdash import stats; stats.ImportSpec(...)``,
``stats.region_portfolio(...)``. Reads and writes of the store go through
``clusterdash.queries`` (``queries.import_stats``, ``queries.stats_indicators``, ...).
"""

FORMATS = ("cbp", "eurostat", "long")  # defined before the imports below: importer reads it

# ruff: noqa: E402
from clusterdash.stats.analysis import (
    BENCHMARK_NAMES, BENCHMARKS, EXPORT_COLUMNS, MAX_COMPARE, NOT_IN_SOURCE, benchmark_options, citation,
    cluster_coverage_table, cluster_map_frame, cluster_title_term, compare_regions, compare_summary,
    country_map_frame, diversification_opportunities, for_display, lq_axis_title, lq_label, lq_one_means,
    rank_clusters, region_label, region_portfolio, share_label, specialisation_trend, strong_cluster_list,
    to_export_frame, units_line, wage_unit, whole_numbers, year_coverage_table,
)
from clusterdash.stats.importer import ImportSpec, ImportSummary
from clusterdash.stats.readers import Progress, SourceFile, StatsImportError
from clusterdash.stats.shift_share import (
    EXPLANATIONS as SHIFT_SHARE_EXPLANATIONS, VARIANTS as SHIFT_SHARE_VARIANTS, cluster_components, region_summary,
)
from clusterdash.stats.structure import EXPLANATIONS as STRUCTURE_EXPLANATIONS, INDICES as STRUCTURE_INDICES
from clusterdash.stats.structure import RANGES as STRUCTURE_RANGES, ranked as ranked_structure
from clusterdash.stats.wages import wage_ranking
from clusterdash.stats.profiles import (
    COLOCATION_BASIS, cluster_ranking, cluster_trend, related_clusters, region_cluster_series,
)
from clusterdash.stats.geographies import (
    COUNTY_BOUNDARIES_SOURCE, EA_SOURCE, REGION_TYPE_COUNTY, REGION_TYPE_EA, county_features, ea_boundaries,
    ea_of_county, economic_areas, is_county_type,
)
from clusterdash.stats.clusters_from_data import (
    ABOUT as CLUSTERS_FROM_DATA_ABOUT, MEASURES as CLUSTER_MEASURES, MIN_REGIONS as CLUSTER_MIN_REGIONS, Candidates,
    Comparison, compare as compare_groupings,
)
from clusterdash.stats.exports import EXPORTS as ANALYSIS_EXPORTS, method_line as analysis_method

__all__ = [
    "FORMATS", "ImportSpec", "ImportSummary", "SourceFile", "StatsImportError", "Progress",
    "EXPORT_COLUMNS", "MAX_COMPARE", "citation", "cluster_map_frame", "compare_regions", "compare_summary",
    "diversification_opportunities", "rank_clusters", "region_portfolio", "specialisation_trend",
    "strong_cluster_list", "to_export_frame", "units_line", "wage_unit", "whole_numbers",
    # issue #11: benchmark, coverage, NUTS regions at their country's position, display
    "BENCHMARK_NAMES", "BENCHMARKS", "NOT_IN_SOURCE", "benchmark_options", "cluster_coverage_table",
    "cluster_title_term", "country_map_frame", "for_display", "lq_axis_title", "lq_label", "lq_one_means",
    "region_label", "share_label", "year_coverage_table",
    # issue #12: analysis
    "SHIFT_SHARE_EXPLANATIONS", "SHIFT_SHARE_VARIANTS", "cluster_components", "region_summary",
    "STRUCTURE_EXPLANATIONS", "STRUCTURE_INDICES", "STRUCTURE_RANGES", "ranked_structure", "wage_ranking",
    "COLOCATION_BASIS", "cluster_ranking", "cluster_trend", "related_clusters", "region_cluster_series",
    "COUNTY_BOUNDARIES_SOURCE", "EA_SOURCE", "REGION_TYPE_COUNTY", "REGION_TYPE_EA", "county_features",
    "ea_boundaries", "ea_of_county", "is_county_type",
    "CLUSTERS_FROM_DATA_ABOUT", "CLUSTER_MEASURES", "CLUSTER_MIN_REGIONS", "Candidates", "Comparison",
    "compare_groupings", "ANALYSIS_EXPORTS", "analysis_method", "economic_areas",
]
