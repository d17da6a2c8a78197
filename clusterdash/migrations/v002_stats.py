"""Version 2: regional statistics (imported datasets, their observations, regions, industries,
clusters, crosswalks and cluster relatedness).

Layers, in the PUDL sense: ``stats_observation`` keeps every imported row as it came (all
industry levels, flags, the source line; withheld cells as NULL with ``is_withheld``), with
``stats_crosswalk`` and ``stats_relatedness`` as imported; ``stats_industry`` and
``stats_cluster`` are the cleaned core (each industry's level, whether it is at the finest
level, the cluster it belongs to); the indicators (location quotients, strong clusters,
growth) are derived on demand in SQL (``clusterdash/stats/indicators.py``), never stored.

All of it is user data: a knowledge rebuild never touches it. Statistics are shared by all
workspaces (they describe regions, not one workshop).
"""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 2
NAME = "statistics: regional datasets, observations, clusters, relatedness"

DATASET = col("dataset_code", "VARCHAR", "Identifier of the imported dataset (stats_dataset).", nullable=False)

STATS_DATASET = Table(
    name="stats_dataset",
    description="Imported regional statistics datasets: what, from where, in which units, and the import summary.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("title", "VARCHAR", "Human-readable title, e.g. 'U.S. County Business Patterns 2017–2021, states'.", nullable=False),
        col("format", "VARCHAR", "Import format: cbp, eurostat or long.", nullable=False),
        col("classification", "VARCHAR", "Industry classification of industry_code (e.g. 'NAICS 2017', 'NACE Rev. 2').", nullable=False),
        col("region_type", "VARCHAR", "What a region is in this dataset (e.g. 'U.S. state', 'NUTS 2 region').", nullable=False),
        col("source", "VARCHAR", "Publisher and title of the figures, cited under every table and chart.", nullable=False),
        col("cluster_definition", "VARCHAR", "Where the industry → cluster mapping comes from: the crosswalk file and its citation, or the classification's own groups when no crosswalk was imported.", nullable=False),
        col("has_crosswalk", "BOOLEAN", "Whether a crosswalk was imported (false: clusters are the classification's own 2/3-digit groups).", nullable=False),
        col("relatedness_source", "VARCHAR", "Citation of the imported cluster relatedness file; NULL when none was imported."),
        col("employment_unit", "VARCHAR", "Unit of employment (e.g. 'paid employees, pay period incl. March 12').", nullable=False),
        col("payroll_unit", "VARCHAR", "Unit of payroll (e.g. 'USD thousands'); NULL when the dataset has no payroll."),
        col("national_region_code", "VARCHAR", "Region holding the national (benchmark) totals, when the file gives them; NULL: national = sum over the dataset's regions."),
        col("files", "VARCHAR", "Names of the imported files (data; crosswalk; regions; relatedness)."),
        col("options", "VARCHAR", "Import options as JSON (e.g. the Eurostat age/sex slice)."),
        col("imported_at", "TIMESTAMP", "When the dataset was imported (UTC).", nullable=False),
        col("row_count", "BIGINT", "Observations stored (all industry levels).", nullable=False),
        col("rejected_count", "BIGINT", "Rows rejected at import (listed in stats_rejected_row).", nullable=False),
        col("withheld_count", "BIGINT", "Cells withheld or missing in the source (employment stored as NULL, not zero).", nullable=False),
        col("region_count", "INTEGER", "Regions in the dataset (without the national region).", nullable=False),
        col("industry_count", "INTEGER", "Distinct industry codes imported.", nullable=False),
        col("year_min", "INTEGER", "First year.", nullable=False),
        col("year_max", "INTEGER", "Last year.", nullable=False),
        col("notes", "VARCHAR", "Notes of the import (what was skipped and why), one per line."),
    ),
    primary_key=("dataset_code",),
)

STATS_OBSERVATION = Table(
    name="stats_observation",
    description="Imported statistics as they came: one row per dataset × region × industry × year, at every "
    "industry level the file gives (indicators read only the finest level, see stats_industry.is_finest). "
    "Unique per dataset × region × industry × year (checked at import, before anything is written).",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("region_code", "VARCHAR", "Region code as in the file (U.S. state FIPS, NUTS code, ...).", nullable=False),
        col("industry_code", "VARCHAR", "Industry code as in the file (NAICS, NACE, ...).", nullable=False),
        col("year", "INTEGER", "Reference year.", nullable=False),
        col("employment", "DOUBLE", "Employment in persons (see stats_dataset.employment_unit); NULL when withheld or missing — never zero for a withheld cell."),
        col("establishments", "BIGINT", "Number of establishments; NULL when the source has none."),
        col("payroll", "DOUBLE", "Annual payroll in stats_dataset.payroll_unit; NULL when withheld or not given."),
        col("is_withheld", "BOOLEAN", "Whether the source withheld or did not give employment (CBP emp = 0 with establishments and no payroll; Eurostat ':').", nullable=False),
        col("flags", "VARCHAR", "Flags of the source cell as given (Eurostat: b break in series, u low reliability, c confidential, p provisional)."),
        col("source_line", "INTEGER", "Line (or JSON row) of the source file the row comes from.", nullable=False),
    ),
)

STATS_INDUSTRY = Table(
    name="stats_industry",
    description="Industries of a dataset: level, whether at the finest level given (only those count), and the cluster each belongs to.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("industry_code", "VARCHAR", "Industry code.", nullable=False),
        col("industry_name", "VARCHAR", "Title, where the file, the crosswalk or the classification gives one."),
        col("industry_level", "INTEGER", "Level in the classification: 0 = all industries, NAICS 2–6 digits, NACE 1 = section.", nullable=False),
        col("is_finest", "BOOLEAN", "Whether the industry is at the finest level given; coarser totals are kept but not counted (no double counting).", nullable=False),
        col("cluster_code", "VARCHAR", "Cluster the industry belongs to (crosswalk, or the fallback group); NULL: in no cluster."),
    ),
    primary_key=("dataset_code", "industry_code"),
)

STATS_CLUSTER = Table(
    name="stats_cluster",
    description="Clusters of a dataset: from the imported crosswalk, or the classification's own 2/3-digit groups when none was imported.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("cluster_code", "VARCHAR", "Cluster code (USCMP: traded 1–51, local 101–116; fallback: the group's industry code).", nullable=False),
        col("cluster_name", "VARCHAR", "Cluster name.", nullable=False),
        col("cluster_type", "VARCHAR", "traded, local, or unclassified (fallback groups: location quotients use all employment as the base).", nullable=False),
    ),
    primary_key=("dataset_code", "cluster_code"),
)

STATS_CROSSWALK = Table(
    name="stats_crosswalk",
    description="The industry → cluster crosswalk as imported (one row per industry code of the file).",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("industry_code", "VARCHAR", "Industry code as in the crosswalk.", nullable=False),
        col("industry_name", "VARCHAR", "Industry title as in the crosswalk."),
        col("cluster_code", "VARCHAR", "Cluster code; NULL: the crosswalk puts the industry in no cluster."),
        col("cluster_name", "VARCHAR", "Cluster name."),
        col("cluster_type", "VARCHAR", "traded, local or unclassified."),
        col("subcluster_name", "VARCHAR", "Subcluster, where the crosswalk gives one."),
        col("source_line", "INTEGER", "Line of the crosswalk file.", nullable=False),
    ),
    primary_key=("dataset_code", "industry_code"),
)

STATS_REGION = Table(
    name="stats_region",
    description="Regions of a dataset with name and marker position; regions without coordinates are kept (listed, not mapped).",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("region_code", "VARCHAR", "Region code as in the data.", nullable=False),
        col("region_name", "VARCHAR", "Region name (the code when no name is known).", nullable=False),
        col("latitude", "DOUBLE", "Latitude of the marker (WGS84); NULL when unknown."),
        col("longitude", "DOUBLE", "Longitude of the marker (WGS84); NULL when unknown."),
        col("coordinate_source", "VARCHAR", "Where name and coordinates come from (shipped U.S. states file, the imported region file, the data file)."),
        col("is_national", "BOOLEAN", "Whether this row holds the national (benchmark) totals rather than a region.", nullable=False),
    ),
    primary_key=("dataset_code", "region_code"),
)

STATS_RELATEDNESS = Table(
    name="stats_relatedness",
    description="Cluster relatedness as imported (pairs of clusters), e.g. the U.S. Cluster Mapping related-clusters file.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("cluster_code", "VARCHAR", "Cluster.", nullable=False),
        col("related_cluster_code", "VARCHAR", "The other cluster of the pair.", nullable=False),
        col("relatedness_pctile", "DOUBLE", "Percentile of the pair's relatedness among all pairs (USCMP cr_all_pc), where given."),
        col("is_strongly_related", "BOOLEAN", "Strongly related (USCMP: cr_all_pc ≥ 90 and rel_all_90_v3 and rel_i20_all_min_90_v3 non-zero).", nullable=False),
        col("is_weakly_related", "BOOLEAN", "Weakly related (USCMP: cr_all_pc > 50 and cr_lc_pc ≥ 25), where computable.", nullable=False),
        col("source_line", "INTEGER", "Line of the relatedness file.", nullable=False),
    ),
    primary_key=("dataset_code", "cluster_code", "related_cluster_code"),
)

STATS_REJECTED_ROW = Table(
    name="stats_rejected_row",
    description="Rows of an import that were not used, with the reason (downloadable from the import page).",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("file_name", "VARCHAR", "File the row is in.", nullable=False),
        col("source_line", "INTEGER", "Line (or JSON row) in that file.", nullable=False),
        col("reason", "VARCHAR", "Why the row was not used.", nullable=False),
        col("raw_text", "VARCHAR", "The row as it came."),
    ),
)

TABLES = [STATS_DATASET, STATS_OBSERVATION, STATS_INDUSTRY, STATS_CLUSTER, STATS_CROSSWALK, STATS_REGION,
          STATS_RELATEDNESS, STATS_REJECTED_ROW]
