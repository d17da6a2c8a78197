"""Version 11: analysis (issue #12) — candidate cluster groupings found in a dataset's own figures.

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
NAME = "analysis: candidate cluster groupings found in the data"

DATASET = col("dataset_code", "VARCHAR", "Dataset (stats_dataset).", nullable=False)
GROUPING = col("grouping_code", "VARCHAR", "Saved candidate grouping of the dataset ('candidate-1', ...).",
               nullable=False)

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

TABLES = [STATS_GROUPING, STATS_GROUPING_GROUP, STATS_GROUPING_INDUSTRY]
