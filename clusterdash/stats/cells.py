"""The region × cluster × year sums every indicator starts from, kept in ``stats_cluster_cell``
(migration v011) so the indicator queries never aggregate the observations again. DuckDB SQL.

Why: at county scale (≈3,200 regions × 1,000 industries × 5 years = 16 M observations) summing
the finest-level cells of every region × cluster × year is a hash aggregation with ≈1 M groups;
it cost more than the whole rest of the indicator chain on every query, and more than linearly
(its hash table outgrows the CPU caches). The sums only change when a dataset's observations,
withheld-cell estimates or cluster assignment change, and every one of those writes ends in
:func:`clusterdash.stats.importer.write_derived`, which calls :func:`refresh` in the same
transaction (import, attach-crosswalk, a candidate grouping applied or undone, economic areas).
The indicators then read one row per region × cluster × year (see ``rc`` in
:mod:`clusterdash.stats.indicators`).

Columns, per region × cluster × year over the dataset's finest-level industries in the cluster:
employment, establishments, payroll (sums; withheld cells are NULL, so not counted),
employment_with_payroll (employment of the cells with payroll), establishments_with_employment,
withheld_cells and withheld_establishments (cells with employment NULL), withheld_employment_est
(the estimates of :mod:`clusterdash.stats.coverage`) and unknown_withheld_cells (withheld cells
without an estimate).
"""

from __future__ import annotations

CELL_SQL = """
SELECT o.region_code, i.cluster_code, o.year,
       sum(o.employment) AS employment,
       sum(o.establishments) AS establishments,
       sum(o.payroll) AS payroll,
       sum(o.employment) FILTER (WHERE o.payroll IS NOT NULL) AS employment_with_payroll,
       sum(o.establishments) FILTER (WHERE o.employment IS NOT NULL) AS establishments_with_employment,
       count(*) FILTER (WHERE o.employment IS NULL) AS withheld_cells,
       sum(o.establishments) FILTER (WHERE o.employment IS NULL) AS withheld_establishments,
       CAST(coalesce(sum(e.estimated_employment), 0) AS DOUBLE) AS withheld_employment_est,
       CAST(count(*) FILTER (WHERE o.employment IS NULL AND e.estimated_employment IS NULL) AS BIGINT)
           AS unknown_withheld_cells
FROM stats_observation o
JOIN stats_industry i ON i.dataset_code = o.dataset_code AND i.industry_code = o.industry_code
LEFT JOIN stats_withheld_estimate e ON e.dataset_code = o.dataset_code AND e.region_code = o.region_code
     AND e.industry_code = o.industry_code AND e.year = o.year
WHERE o.dataset_code = $dataset AND i.is_finest AND i.cluster_code IS NOT NULL
GROUP BY ALL
"""

COLUMNS = ("region_code", "cluster_code", "year", "employment", "establishments", "payroll", "employment_with_payroll",
           "establishments_with_employment", "withheld_cells", "withheld_establishments", "withheld_employment_est",
           "unknown_withheld_cells")


def has_table(cur) -> bool:
    return bool(cur.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                            "AND table_name = 'stats_cluster_cell'").fetchall()[0][0])


def refresh(cur, dataset_code: str) -> int:
    """(Re)write the sums of one dataset inside the caller's transaction; returns the rows
    written. A store older than migration v011 has no such table yet (its upgrade fills it)."""
    if not has_table(cur):
        return 0
    cur.execute("DELETE FROM stats_cluster_cell WHERE dataset_code = $dataset", {"dataset": dataset_code})
    cols = ", ".join(COLUMNS)
    cur.execute(f"INSERT INTO stats_cluster_cell (dataset_code, {cols}) SELECT $dataset, {cols} FROM ({CELL_SQL})",
                {"dataset": dataset_code})
    return int(cur.execute("SELECT count(*) FROM stats_cluster_cell WHERE dataset_code = $dataset",
                           {"dataset": dataset_code}).fetchall()[0][0])
