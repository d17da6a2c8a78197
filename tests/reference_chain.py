"""The indicator chain and the shift-share exactly as they were written before the county-scale
optimisation of issue #12 item 7 (commit cd62829): the straightforward plan (every benchmark sum
aggregated from the region × cluster rows, the base year joined from the flagged rows, the
shift-share on the whole chain). Kept only so the tests can check that the optimised SQL in
clusterdash/stats gives the same numbers; not used by the application."""

CHAIN = """
WITH
clusters AS (
    SELECT cluster_code, cluster_name, cluster_type FROM stats_cluster WHERE dataset_code = $dataset
),
regions AS (
    SELECT r.region_code, r.region_name, r.is_national, coalesce(rc.country_code, 'ALL') AS country_code
    FROM stats_region r
    LEFT JOIN stats_region_country rc ON rc.dataset_code = r.dataset_code AND rc.region_code = r.region_code
    WHERE r.dataset_code = $dataset
),
has_national AS (SELECT count(*) FILTER (WHERE is_national) > 0 AND $benchmark = 'nation' AS yes FROM regions),
region_group AS (  -- the benchmark each region's LQ is computed against
    SELECT region_code,
           CASE $benchmark WHEN 'country' THEN country_code WHEN 'eu28' THEN 'EU28' ELSE 'ALL' END AS bgroup
    FROM regions WHERE NOT is_national
),
members AS (  -- the regions whose sums form each benchmark
    SELECT CASE $benchmark WHEN 'country' THEN country_code WHEN 'eu28' THEN 'EU28' ELSE 'ALL' END AS bgroup,
           region_code
    FROM regions
    WHERE CASE WHEN (SELECT yes FROM has_national) THEN is_national
               WHEN $benchmark = 'eu28' THEN NOT is_national AND list_contains($eu28, country_code)
               ELSE NOT is_national END
),
rc AS (  -- region × cluster × year sums of the finest-level industries, kept by clusterdash.stats.cells
    SELECT region_code, cluster_code, year, employment, establishments, payroll, employment_with_payroll,
           establishments_with_employment, withheld_cells, withheld_establishments, withheld_employment_est,
           unknown_withheld_cells
    FROM stats_cluster_cell WHERE dataset_code = $dataset
),
typed AS (  -- names are joined at the end (indicators): wide text columns make every step dearer
    SELECT rc.*, c.cluster_type, r.is_national
    FROM rc JOIN clusters c USING (cluster_code) JOIN regions r USING (region_code)
),
national_rows AS (
    SELECT m.bgroup, t.* FROM typed t JOIN members m USING (region_code)
),
national AS (
    SELECT bgroup, cluster_code, year, sum(employment) AS national_employment,
           100.0 * sum(withheld_employment_est)
               / nullif(coalesce(sum(employment), 0) + sum(withheld_employment_est), 0) AS national_withheld_share_pct,
           CAST(sum(unknown_withheld_cells) AS BIGINT) AS national_unknown_withheld_cells
    FROM national_rows GROUP BY ALL
),
national_base AS (
    SELECT bgroup, year,
           sum(employment) FILTER (WHERE cluster_type = 'traded') AS traded,
           sum(employment) FILTER (WHERE cluster_type = 'local') AS local,
           sum(employment) AS total
    FROM national_rows GROUP BY ALL
),
presence AS (  -- benchmark completeness: member regions with employment, per benchmark × year
    SELECT bgroup, year, CAST(count(DISTINCT region_code) FILTER (WHERE employment IS NOT NULL) AS BIGINT) AS present
    FROM national_rows GROUP BY ALL
),
complete AS (
    SELECT bgroup, year, present, max(present) OVER (PARTITION BY bgroup) AS most,
           (SELECT yes FROM has_national) OR present >= $complete_share * max(present) OVER (PARTITION BY bgroup)
               AS is_benchmark_complete
    FROM presence
),
region_base AS (
    SELECT region_code, year,
           sum(employment) FILTER (WHERE cluster_type = 'traded') AS traded,
           sum(employment) FILTER (WHERE cluster_type = 'local') AS local,
           sum(employment) AS total
    FROM typed WHERE NOT is_national GROUP BY ALL
),
lq AS NOT MATERIALIZED (  -- inlined into lq2: one 1 M-row copy less at county scale
    SELECT t.*, g.bgroup,
           CASE t.cluster_type WHEN 'traded' THEN b.traded WHEN 'local' THEN b.local ELSE b.total END AS base_employment,
           n.national_employment, n.national_withheld_share_pct, n.national_unknown_withheld_cells,
           CASE t.cluster_type WHEN 'traded' THEN nb.traded WHEN 'local' THEN nb.local ELSE nb.total END AS national_base_employment,
           coalesce(cp.is_benchmark_complete, false) AS is_benchmark_complete
    FROM typed t
    JOIN region_base b USING (region_code, year)
    JOIN region_group g USING (region_code)
    LEFT JOIN national n ON n.bgroup = g.bgroup AND n.cluster_code = t.cluster_code AND n.year = t.year
    LEFT JOIN national_base nb ON nb.bgroup = g.bgroup AND nb.year = t.year
    LEFT JOIN complete cp ON cp.bgroup = g.bgroup AND cp.year = t.year
    WHERE NOT t.is_national
),
lq2 AS (
    SELECT *,
           CASE WHEN is_benchmark_complete THEN
               (employment / nullif(base_employment, 0))
                 / nullif(national_employment / nullif(national_base_employment, 0), 0) END AS lq,
           CASE WHEN is_benchmark_complete THEN 100.0 * employment / nullif(national_employment, 0) END
               AS national_share_pct,
           100.0 * withheld_employment_est / nullif(coalesce(employment, 0) + withheld_employment_est, 0)
               AS withheld_share_pct
    FROM lq
),
pct0 AS (  -- per cluster and year, among regions with employment > 0 (both LQ percentiles in one sort)
    SELECT cluster_code, year,
           quantile_cont(lq, [0.75, 0.90]) AS lq_q,
           quantile_cont(employment, 0.25) AS employment_p25,
           quantile_cont(establishments, 0.25) AS establishments_p25
    FROM lq2 WHERE employment > 0 GROUP BY ALL
),
pct AS (
    SELECT cluster_code, year, lq_q[1] AS lq_p75, lq_q[2] AS lq_p90, employment_p25, establishments_p25 FROM pct0
),
flagged AS (
    SELECT l.*, p.lq_p75, p.lq_p90, p.employment_p25, p.establishments_p25,
           coalesce(l.cluster_type <> 'local' AND l.employment > 0 AND l.lq >= p.lq_p75 AND l.lq >= 1
                    AND l.employment > p.employment_p25
                    AND (NOT $is_establishments_in_source OR l.establishments > p.establishments_p25), false) AS is_strong,
           coalesce(l.cluster_type <> 'local' AND l.employment > 0 AND l.lq >= p.lq_p90 AND l.lq >= 1
                    AND l.employment > p.employment_p25
                    AND (NOT $is_establishments_in_source OR l.establishments > p.establishments_p25), false) AS is_strong_top10
    FROM lq2 l LEFT JOIN pct p USING (cluster_code, year)
),
grown AS (
    SELECT f.*,
           b.employment AS base_year_employment,
           b.national_share_pct AS base_year_share_pct,
           b.national_employment AS base_year_national_employment,
           b.withheld_cells AS base_year_withheld_cells,
           100.0 * b.withheld_establishments / nullif(b.establishments, 0) AS base_year_withheld_establishments_pct,
           coalesce(b.withheld_share_pct, 0) AS base_year_withheld_share_pct,
           coalesce(b.national_withheld_share_pct, 0) AS base_year_national_withheld_share_pct,
           CAST(coalesce(b.unknown_withheld_cells, 0) + coalesce(b.national_unknown_withheld_cells, 0) AS BIGINT)
               AS base_year_unknown_cells,
           coalesce(b.is_benchmark_complete, false) AS base_year_benchmark_complete
    FROM flagged f
    LEFT JOIN flagged b ON b.region_code = f.region_code AND b.cluster_code = f.cluster_code AND b.year = $base_year
),
judged AS (
    SELECT *,
           year > $base_year AND (
               greatest(base_year_withheld_share_pct, coalesce(withheld_share_pct, 0),
                        base_year_national_withheld_share_pct, coalesce(national_withheld_share_pct, 0))
                   > $distortion_pct
               OR base_year_unknown_cells + unknown_withheld_cells + coalesce(national_unknown_withheld_cells, CAST(0 AS BIGINT)) > 0
               OR NOT base_year_benchmark_complete OR NOT is_benchmark_complete) AS is_growth_distorted
    FROM grown
),
indicators AS (
    SELECT region_code, region_name, cluster_code, cluster_name, cluster_type, year,
           employment, establishments, payroll,
           $wage_factor * payroll / nullif(employment_with_payroll, 0) AS avg_wage,
           employment / nullif(establishments_with_employment, 0) AS avg_firm_size,
           lq, national_share_pct, national_employment,
           is_strong, is_strong_top10,
           base_year_employment,
           CASE WHEN year > $base_year THEN employment - base_year_employment END AS employment_change,
           CASE WHEN year > $base_year AND base_year_employment > 0 AND employment > 0
                THEN 100.0 * (power(employment / base_year_employment, 1.0 / (year - $base_year)) - 1) END AS cagr_pct,
           CASE WHEN year > $base_year AND base_year_national_employment > 0 AND national_employment > 0
                     AND base_year_benchmark_complete AND is_benchmark_complete
                THEN 100.0 * (power(national_employment / base_year_national_employment, 1.0 / (year - $base_year)) - 1)
           END AS national_cagr_pct,
           CASE WHEN year > $base_year THEN national_share_pct - base_year_share_pct END AS national_share_change_pp,
           CASE WHEN year > $base_year AND base_year_national_employment > 0
                     AND base_year_benchmark_complete AND is_benchmark_complete
                THEN base_year_employment * (national_employment / base_year_national_employment - 1) END AS expected_change,
           CASE WHEN year > $base_year AND base_year_national_employment > 0
                     AND base_year_benchmark_complete AND is_benchmark_complete
                THEN (employment - base_year_employment)
                     - base_year_employment * (national_employment / base_year_national_employment - 1) END AS job_creation_relative,
           withheld_cells, base_year_withheld_cells,
           100.0 * withheld_establishments / nullif(establishments, 0) AS withheld_establishments_pct,
           base_year_withheld_establishments_pct,
           lq_p75, lq_p90, employment_p25, establishments_p25,
           -- issue #11: benchmark, coverage and honesty columns
           bgroup AS benchmark_code,
           CASE $benchmark WHEN 'country' THEN 'the region''s country (' || bgroup || ', sum of its regions)'
                WHEN 'eu28' THEN 'EU28 (sum of the regions of the 28 member states)'
                ELSE $nation_text END AS benchmark,
           is_benchmark_complete,
           coalesce(withheld_share_pct, 0) AS withheld_share_pct,
           coalesce(national_withheld_share_pct, 0) AS national_withheld_share_pct,
           CAST($base_year AS INTEGER) AS base_year,
           coalesce(is_growth_distorted, false) AS is_growth_distorted,
           CASE WHEN is_growth_distorted THEN concat_ws('; ',
                CASE WHEN NOT base_year_benchmark_complete THEN 'base year ' || $base_year || ': benchmark incomplete (far fewer regions)' END,
                CASE WHEN NOT is_benchmark_complete THEN year || ': benchmark incomplete (far fewer regions)' END,
                CASE WHEN base_year_withheld_share_pct > $distortion_pct
                     THEN 'base year ' || $base_year || ': ~' || round(base_year_withheld_share_pct, 1) || ' % of the region''s employment in withheld cells' END,
                CASE WHEN coalesce(withheld_share_pct, 0) > $distortion_pct
                     THEN year || ': ~' || round(withheld_share_pct, 1) || ' % of the region''s employment in withheld cells' END,
                CASE WHEN base_year_national_withheld_share_pct > $distortion_pct
                     THEN 'base year ' || $base_year || ': ~' || round(base_year_national_withheld_share_pct, 1) || ' % of the benchmark total in withheld cells' END,
                CASE WHEN coalesce(national_withheld_share_pct, 0) > $distortion_pct
                     THEN year || ': ~' || round(national_withheld_share_pct, 1) || ' % of the benchmark total in withheld cells' END,
                CASE WHEN base_year_unknown_cells + unknown_withheld_cells + coalesce(national_unknown_withheld_cells, CAST(0 AS BIGINT)) > 0
                     THEN 'withheld cells of unknown size' END) END AS growth_note
    FROM judged
    JOIN (SELECT cluster_code, cluster_name FROM clusters) cn USING (cluster_code)
    JOIN (SELECT region_code, region_name FROM regions) rn USING (region_code)
)
"""

SHIFT_SHARE = """
, ss_keys AS (
    SELECT DISTINCT region_code, cluster_code FROM lq2 WHERE year = $base_year OR year = $to_year
),
ss_rows AS (
    SELECT k.region_code, k.cluster_code, g.bgroup,
           a.region_code IS NULL AS absent0, b.region_code IS NULL AS absent1,
           CASE WHEN a.region_code IS NULL THEN 0 ELSE a.employment END AS e0,
           CASE WHEN b.region_code IS NULL THEN 0 ELSE b.employment END AS e1,
           coalesce(a.withheld_share_pct, 0) AS w0, coalesce(b.withheld_share_pct, 0) AS w1,
           coalesce(a.unknown_withheld_cells, 0) + coalesce(b.unknown_withheld_cells, 0) AS unknown_cells
    FROM ss_keys k
    JOIN region_group g USING (region_code)
    LEFT JOIN lq2 a ON a.region_code = k.region_code AND a.cluster_code = k.cluster_code AND a.year = $base_year
    LEFT JOIN lq2 b ON b.region_code = k.region_code AND b.cluster_code = k.cluster_code AND b.year = $to_year
),
ss_nat AS (
    SELECT r.*, c.cluster_name, c.cluster_type, rg.region_name,
           n0.national_employment AS n0, n1.national_employment AS n1,
           coalesce(n0.national_withheld_share_pct, 0) AS nw0, coalesce(n1.national_withheld_share_pct, 0) AS nw1,
           coalesce(n0.national_unknown_withheld_cells, 0) + coalesce(n1.national_unknown_withheld_cells, 0) AS nunknown,
           t0.total AS nt0, t1.total AS nt1, rb.total AS rt0,
           coalesce(c0.is_benchmark_complete, false) AND coalesce(c1.is_benchmark_complete, false) AS complete
    FROM ss_rows r
    JOIN clusters c USING (cluster_code)
    JOIN regions rg USING (region_code)
    LEFT JOIN national n0 ON n0.bgroup = r.bgroup AND n0.cluster_code = r.cluster_code AND n0.year = $base_year
    LEFT JOIN national n1 ON n1.bgroup = r.bgroup AND n1.cluster_code = r.cluster_code AND n1.year = $to_year
    LEFT JOIN national_base t0 ON t0.bgroup = r.bgroup AND t0.year = $base_year
    LEFT JOIN national_base t1 ON t1.bgroup = r.bgroup AND t1.year = $to_year
    LEFT JOIN region_base rb ON rb.region_code = r.region_code AND rb.year = $base_year
    LEFT JOIN complete c0 ON c0.bgroup = r.bgroup AND c0.year = $base_year
    LEFT JOIN complete c1 ON c1.bgroup = r.bgroup AND c1.year = $to_year
),
ss_rates AS (
    SELECT *,
           e0 IS NOT NULL AND e1 IS NOT NULL AND complete AND n0 > 0 AND nt0 > 0 AS ok,
           nt1 / nullif(nt0, 0) - 1 AS g_n,
           n1 / nullif(n0, 0) - 1 AS g_ni,
           CASE WHEN e0 > 0 THEN e1 / e0 - 1 END AS g_ri
    FROM ss_nat
),
ss_parts AS (
    SELECT *,
           CASE WHEN ok THEN e0 * g_n END AS ns,
           CASE WHEN ok THEN e0 * (g_ni - g_n) END AS im,
           CASE WHEN ok THEN rt0 * n0 / nt0 END AS homothetic
    FROM ss_rates
),
shift_share AS (
    SELECT region_code, region_name, cluster_code, cluster_name, cluster_type,
           CAST($base_year AS INTEGER) AS from_year, CAST($to_year AS INTEGER) AS to_year,
           e0 AS base_year_employment, e1 AS employment, e1 - e0 AS employment_change,
           ns AS national_growth_effect, im AS industry_mix_effect,
           CASE WHEN ok THEN (e1 - e0) - ns - im END AS regional_shift_effect,
           CASE WHEN ok THEN 100.0 * g_n END AS national_growth_pct,
           CASE WHEN ok THEN 100.0 * g_ni END AS cluster_national_growth_pct,
           CASE WHEN ok THEN 100.0 * g_ri END AS region_cluster_growth_pct,
           homothetic AS homothetic_employment,
           CASE WHEN ok AND g_ri IS NOT NULL THEN homothetic * (g_ri - g_ni) END AS competitive_effect,
           CASE WHEN ok AND g_ri IS NOT NULL THEN ((e1 - e0) - ns - im) - homothetic * (g_ri - g_ni) END
               AS allocation_effect,
           bgroup AS benchmark_code,
           CASE $benchmark WHEN 'country' THEN 'the region''s country (' || bgroup || ', sum of its regions)'
                WHEN 'eu28' THEN 'EU28 (sum of the regions of the 28 member states)'
                ELSE $nation_text END AS benchmark,
           ok AS is_decomposed,
           (greatest(w0, w1, nw0, nw1) > $distortion_pct OR unknown_cells + nunknown > 0 OR NOT complete
            OR e0 IS NULL OR e1 IS NULL) AS is_growth_distorted,
           nullif(concat_ws('; ',
               CASE WHEN NOT complete THEN 'benchmark incomplete in ' || $base_year || ' or ' || $to_year
                    || ' (far fewer regions): not decomposed' END,
               CASE WHEN e0 IS NULL THEN $base_year || ': every cell withheld, employment unknown' END,
               CASE WHEN e1 IS NULL THEN $to_year || ': every cell withheld, employment unknown' END,
               CASE WHEN absent0 THEN 'no row in ' || $base_year || ' (counted as 0)' END,
               CASE WHEN absent1 THEN 'no row in ' || $to_year || ' (counted as 0)' END,
               CASE WHEN greatest(w0, w1) > $distortion_pct
                    THEN '~' || round(greatest(w0, w1), 1) || ' % of the region''s employment in withheld cells' END,
               CASE WHEN greatest(nw0, nw1) > $distortion_pct
                    THEN '~' || round(greatest(nw0, nw1), 1) || ' % of the benchmark total in withheld cells' END,
               CASE WHEN unknown_cells + nunknown > 0 THEN 'withheld cells of unknown size' END,
               CASE WHEN ok AND n0 > 0 AND e0 = 0 THEN 'no base-year employment: the whole change is regional shift' END
           ), '') AS growth_note
    FROM ss_parts
)
SELECT * FROM shift_share
"""
