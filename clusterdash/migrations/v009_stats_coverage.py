"""Version 9: statistics coverage, benchmarks and the embedded default datasets (issue #11).

New tables beside the version-2 statistics tables (those stay as committed):

- ``stats_dataset_profile`` — per dataset: where it came from (embedded default or a user's
  import), what its "clusters" are called in titles (``cluster_term``: "NAICS subsectors",
  "NACE sections", "clusters"), the default LQ benchmark (the nation, or the region's
  country for NUTS regions), whether the source has establishment counts (else the strong
  rule drops that condition, ``strong_rule`` says so) and the default base year of growth
  with its reason.
- ``stats_region_country`` — per region: its country (the LQ benchmark group), where its name
  comes from, and whether its map position is the region's own or only its country's.
- ``stats_withheld_estimate`` — per withheld finest-level cell: an *estimate* of its
  employment (residual of the nearest published parent row), used only to measure coverage
  and flag distorted growth, never shown as a figure of the source.
- ``stats_embedded_load`` — which embedded datasets the first build loaded (or skipped), so a
  dataset the user deleted is not loaded again.

``upgrade`` fills the first three for datasets imported before this version. Versions are
applied in order of number, every unrecorded one (a missing number is simply absent).
"""

from clusterdash.schema import LAYER_SYSTEM, LAYER_USER, Table, col

VERSION = 9
NAME = "statistics: coverage, benchmarks, embedded default datasets"

DATASET = col("dataset_code", "VARCHAR", "Dataset (stats_dataset).", nullable=False)

STATS_DATASET_PROFILE = Table(
    name="stats_dataset_profile",
    description="How a statistics dataset is to be read: origin, name of its clusters, LQ benchmark, strong rule, default base year.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("dataset_origin", "VARCHAR", "embedded (a default dataset shipped in data/stats/) or import (a user's files).", nullable=False),
        col("embedded_sha256", "VARCHAR", "SHA-256 of the shipped Parquet file an embedded dataset was loaded from; NULL for imports."),
        col("cluster_term", "VARCHAR", "What the dataset's clusters are, plural, for titles: 'NAICS subsectors', 'NACE sections', 'clusters (U.S. Cluster Mapping)', 'industry groups'.", nullable=False),
        col("cluster_term_singular", "VARCHAR", "The same in the singular ('NAICS subsector', 'NACE section', 'cluster').", nullable=False),
        col("default_benchmark", "VARCHAR", "Default benchmark of location quotients and shares: nation (all regions, or the national region) or country (the region's own country, NUTS regions).", nullable=False),
        col("is_establishments_in_source", "BOOLEAN", "Whether the source gives establishment counts (false: the strong-cluster rule drops its establishments condition).", nullable=False),
        col("strong_rule", "VARCHAR", "The strong-cluster rule applied to this dataset, in words.", nullable=False),
        col("default_base_year", "INTEGER", "First year whose coverage is comparable to the later years: the default start of growth figures."),
        col("base_year_reason", "VARCHAR", "Why that year (withheld cells, regions present), in words."),
    ),
    primary_key=("dataset_code",),
)

STATS_REGION_COUNTRY = Table(
    name="stats_region_country",
    description="Country of each region of a dataset (benchmark group of its location quotients) and the provenance of its name and map position.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("region_code", "VARCHAR", "Region (stats_region).", nullable=False),
        col("country_code", "VARCHAR", "Country of the region (NUTS: the code's first two letters, EL = Greece, UK = United Kingdom; CBP: US).", nullable=False),
        col("country_name", "VARCHAR", "Country name."),
        col("name_source", "VARCHAR", "Where the region's name comes from."),
        col("position", "VARCHAR", "Where the region can be put on a map: region (stats_region latitude/longitude are the region's own point), country (only its country's label point is known: country_latitude/longitude, not the region's position) or none.", nullable=False),
        col("country_latitude", "DOUBLE", "Latitude of the country's label point (Natural Earth 110m, computed like the U.S. state label points); NULL when unknown."),
        col("country_longitude", "DOUBLE", "Longitude of the country's label point; NULL when unknown."),
    ),
    primary_key=("dataset_code", "region_code"),
)

STATS_WITHHELD_ESTIMATE = Table(
    name="stats_withheld_estimate",
    description="Estimated employment of each withheld finest-level cell (ClusterDash's estimate, for coverage and growth flags only; the source's figure is unknown).",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("region_code", "VARCHAR", "Region.", nullable=False),
        col("industry_code", "VARCHAR", "Finest-level industry of the withheld cell.", nullable=False),
        col("year", "INTEGER", "Year.", nullable=False),
        col("estimated_employment", "DOUBLE", "Residual of the nearest published parent row shared among its withheld cells by establishments; NULL: no published parent, unknown."),
        col("parent_industry_code", "VARCHAR", "The published parent row the residual comes from."),
        col("method", "VARCHAR", "How the estimate was made.", nullable=False),
    ),
    primary_key=("dataset_code", "region_code", "industry_code", "year"),
)

STATS_EMBEDDED_LOAD = Table(
    name="stats_embedded_load",
    description="Embedded default datasets the first build loaded or skipped (a dataset the user deleted is not loaded again).",
    layer=LAYER_SYSTEM,
    columns=(
        col("embedded_key", "VARCHAR", "Key of the embedded dataset (clusterdash.stats.embedded).", nullable=False),
        col("dataset_code", "VARCHAR", "Dataset code it was loaded as.", nullable=False),
        col("sha256", "VARCHAR", "SHA-256 of the shipped file.", nullable=False),
        col("outcome", "VARCHAR", "loaded, or skipped (a user's dataset with the same code existed).", nullable=False),
        col("seconds", "DOUBLE", "Time the load took."),
        col("loaded_at", "TIMESTAMP", "When (UTC).", nullable=False),
    ),
    primary_key=("embedded_key",),
)

TABLES = [STATS_DATASET_PROFILE, STATS_REGION_COUNTRY, STATS_WITHHELD_ESTIMATE, STATS_EMBEDDED_LOAD]


def upgrade(cur) -> None:
    """Profiles, countries and withheld estimates for the datasets imported before version 9."""
    from clusterdash.stats import importer

    exists = cur.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                         "AND table_name = 'stats_dataset'").fetchall()[0][0]
    if not exists:  # a store built without version 2 (it gets it later, and nothing to fill now)
        return
    codes = [r[0] for r in cur.execute("SELECT dataset_code FROM stats_dataset ORDER BY 1").fetchall()]
    for code in codes:
        importer.write_derived(cur, code, origin="import")
