"""Version 11: analysis (issue #12) — the region × cluster × year sums the indicators start from,
and candidate cluster groupings found in a dataset's own figures.

``stats_cluster_cell`` keeps, per dataset × region × cluster × year, the sums over the dataset's
finest-level industries in the cluster (employment, establishments, payroll, withheld cells and
their estimates), rewritten by ``clusterdash.stats.cells.refresh`` whenever the observations, the
estimates or the clusters of a dataset change (every such write ends in
``importer.write_derived``). The indicator queries read it instead of aggregating every
observation again (at county scale that aggregation dominated every query; see bench/notes.md).
``upgrade`` fills it for the datasets imported before.

``clusterdash.stats.clusters_from_data`` groups a dataset's industries into candidate clusters by
co-location. A grouping the user saves is kept here (method, parameters, fit), with its groups
and the group of every industry; applying one makes it the dataset's cluster definition
(``stats_industry.cluster_code`` and ``stats_cluster`` are rewritten, the imported crosswalk rows
stay in ``stats_crosswalk`` for the comparison). Everything else of the analysis (shift-share,
structure indices, wages, drill-down, economic areas) is computed on demand or stored as an
ordinary dataset; subclusters are read from ``stats_crosswalk.subcluster_name`` (version 2).

All of it is user data of a statistics dataset, deleted with it.
"""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 11
NAME = "analysis: region × cluster × year sums, candidate cluster groupings found in the data"

DATASET = col("dataset_code", "VARCHAR", "Dataset (stats_dataset).", nullable=False)
GROUPING = col("grouping_code", "VARCHAR", "Saved candidate grouping of the dataset ('candidate-1', ...).",
               nullable=False)

STATS_CLUSTER_CELL = Table(
    name="stats_cluster_cell",
    description="Sums of a dataset's finest-level industries per region × cluster × year (derived from "
    "stats_observation, stats_industry and stats_withheld_estimate; rewritten with them): what every indicator "
    "starts from.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        col("region_code", "VARCHAR", "Region (stats_region).", nullable=False),
        col("cluster_code", "VARCHAR", "Cluster (stats_cluster).", nullable=False),
        col("year", "INTEGER", "Year.", nullable=False),
        col("employment", "DOUBLE", "Sum of the published employment of the cluster's finest-level cells (withheld "
            "cells are missing, not zero)."),
        col("establishments", "HUGEINT", "Sum of their establishments."),
        col("payroll", "DOUBLE", "Sum of their payroll."),
        col("employment_with_payroll", "DOUBLE", "Employment of the cells that have payroll (the wage base)."),
        col("establishments_with_employment", "HUGEINT", "Establishments of the cells with employment."),
        col("withheld_cells", "BIGINT", "Cells withheld (employment NULL).", nullable=False),
        col("withheld_establishments", "HUGEINT", "Establishments in withheld cells."),
        col("withheld_employment_est", "DOUBLE", "Estimated employment of the withheld cells "
            "(stats_withheld_estimate).", nullable=False),
        col("unknown_withheld_cells", "BIGINT", "Withheld cells without an estimate.", nullable=False),
    ),
    primary_key=("dataset_code", "region_code", "cluster_code", "year"),
)

STATS_GROUPING = Table(
    name="stats_grouping",
    description="Candidate cluster groupings of a dataset's industries found by co-location (ClusterDash's method), "
    "as saved by a user.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        GROUPING,
        col("title", "VARCHAR", "Title of the grouping, e.g. '51 candidate clusters (lq)'.", nullable=False),
        col("method", "VARCHAR", "How the grouping was found, in words (measure, years, linkage, groups).", nullable=False),
        col("parameters", "VARCHAR", "The parameters as JSON (n_groups, measure, years, min_regions, cluster_type).",
            nullable=False),
        col("n_groups", "INTEGER", "Number of groups.", nullable=False),
        col("mean_silhouette", "DOUBLE", "Mean silhouette of the grouped industries (−1 to 1; higher = better "
            "separated groups)."),
        col("industries_grouped", "INTEGER", "Industries in a group.", nullable=False),
        col("created_at", "TIMESTAMP", "When the grouping was saved (UTC).", nullable=False),
        col("is_applied", "BOOLEAN", "Whether the grouping is the dataset's cluster definition now.", nullable=False),
    ),
    primary_key=("dataset_code", "grouping_code"),
)

STATS_GROUPING_GROUP = Table(
    name="stats_grouping_group",
    description="The groups of a saved candidate grouping with their fit statistics.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        GROUPING,
        col("candidate_code", "VARCHAR", "Group of a candidate grouping ('G01', ... by employment); the cluster code once "
            "the grouping is applied.", nullable=False),
        col("candidate_name", "VARCHAR", "Name of the group: its largest industries.", nullable=False),
        col("candidate_industries", "INTEGER", "Industries in the candidate group.", nullable=False),
        col("candidate_employment", "DOUBLE", "Employment of the candidate group's industries over all regions and the "
            "pooled years."),
        col("within_corr", "DOUBLE", "Mean correlation of the group's industries' regional LQs with each other "
            "(NULL for a single industry)."),
        col("between_corr", "DOUBLE", "Mean correlation of the group's industries with the industries outside it."),
        col("silhouette", "DOUBLE", "Mean silhouette of the group's industries (−1 to 1)."),
        col("top_industries", "VARCHAR", "The group's five largest industries."),
    ),
    primary_key=("dataset_code", "grouping_code", "candidate_code"),
)

STATS_GROUPING_INDUSTRY = Table(
    name="stats_grouping_industry",
    description="The group of every industry in a saved candidate grouping.",
    layer=LAYER_USER,
    columns=(
        DATASET,
        GROUPING,
        col("industry_code", "VARCHAR", "Industry (stats_industry).", nullable=False),
        col("candidate_code", "VARCHAR", "Its group (stats_grouping_group).", nullable=False),
        col("silhouette", "DOUBLE", "The industry's silhouette: how much closer it is to its own group than to the "
            "next (−1 to 1)."),
    ),
    primary_key=("dataset_code", "grouping_code", "industry_code"),
)

TABLES = [STATS_CLUSTER_CELL, STATS_GROUPING, STATS_GROUPING_GROUP, STATS_GROUPING_INDUSTRY]


def upgrade(cur) -> None:
    """The region × cluster × year sums of every dataset imported before this version."""
    from clusterdash.stats import cells

    exists = cur.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                         "AND table_name = 'stats_dataset'").fetchall()[0][0]
    if not exists:
        return
    for (code,) in cur.execute("SELECT dataset_code FROM stats_dataset ORDER BY 1").fetchall():
        cells.refresh(cur, code)
