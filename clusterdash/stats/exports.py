"""The analysis tables as export frames with their source line, shared by the command line
(``python -m clusterdash export shift-share …``) and the pages' CSV downloads. No Streamlit.

Every frame keeps the column names of its module (booleans ``is_*``), whole numbers as integers
where the dataset's counts are whole, and the source line names the dataset's publisher, the
cluster definition and what ClusterDash computed.
"""

from __future__ import annotations

import pandas as pd

from clusterdash.errors import UserError
from clusterdash.stats import analysis, clusters_from_data, drilldown, shift_share, structure, wages

EXPORTS = {
    "shift-share": "per region × cluster: the employment change split into national growth, industry mix and "
                   "regional shift (--from, --to, --variant)",
    "shift-share-regions": "per region: the shift-share parts summed over its clusters (--from, --to)",
    "structure": "per region × year: HHI, Shannon entropy, related and unrelated variety, Krugman index (--year)",
    "wages": "per region × cluster × year: average wage, the benchmark's wage of the cluster, wage premium, wage "
             "growth, ranks (--year, --base-year)",
    "drilldown": "one region's cluster: cluster, subclusters, industries (--region, --cluster, --year)",
    "candidate-clusters": "industries grouped into candidate clusters by co-location (--groups, --measure)",
}


def method_line(what: str, **opts) -> str:
    if what in ("shift-share", "shift-share-regions"):
        v = opts.get("variant") or "classic"
        return (f"shift-share {opts['from_year']}–{opts['to_year']} "
                f"({'Esteban-Marquillas' if v == 'esteban-marquillas' else 'classic'}), computed by ClusterDash")
    if what == "structure":
        return "structure indices (HHI over clusters, Shannon entropy over industries, Frenken et al. 2007 related and " \
               "unrelated variety, Krugman index) computed by ClusterDash"
    if what == "wages":
        return "wage premium and growth computed by ClusterDash (nominal payroll per employee)"
    if what == "drilldown":
        return "drill-down computed by ClusterDash (subclusters from the crosswalk or NAICS 4-digit groups)"
    return "candidate clusters: ClusterDash's co-location method (not an official cluster definition)"


def source_line(dataset: dict, what: str, **opts) -> str:
    return f"{analysis.citation(dataset)}; {method_line(what, **opts)}"


def _whole(df: pd.DataFrame, cols) -> pd.DataFrame:
    for c in cols:
        if c in df.columns:
            df[c] = analysis.whole_numbers(df[c])
    return df


def build(store, what: str, dataset: dict, *, year: int | None = None, base_year: int | None = None,
          from_year: int | None = None, to_year: int | None = None, variant: str = "classic",
          region: str | None = None, cluster: str | None = None, groups: int | None = None, measure: str = "lq",
          cluster_type: str | None = None, benchmark: str | None = None) -> pd.DataFrame:
    """The export frame of ``what`` (one of :data:`EXPORTS`) for ``dataset`` (a stats_dataset row)."""
    code = dataset["dataset_code"]
    if what in ("shift-share", "shift-share-regions"):
        if from_year is None or to_year is None:
            raise UserError("shift-share needs --from and --to (the start and end year)")
        ss = shift_share.compute_shift_share(store, code, from_year, to_year, variant=variant, benchmark=benchmark,
                                             cluster_type=cluster_type)
        if what == "shift-share-regions":
            return _whole(shift_share.region_summary(ss), ["base_year_employment", "employment"])
        return _whole(ss[shift_share.COLUMNS].copy(), ["base_year_employment", "employment", "employment_change"])
    if what == "structure":
        return _whole(structure.compute_structure(store, code, year=year, benchmark=benchmark,
                                                  cluster_type=cluster_type), ["employment"])
    if what == "wages":
        return _whole(wages.compute_wages(store, code, base_year=base_year, year=year, benchmark=benchmark),
                      ["employment"])
    if what == "drilldown":
        if not (region and cluster and year):
            raise UserError("the drill-down needs --region, --cluster and --year")
        return _whole(drilldown.drilldown(store, code, region, cluster, year, benchmark=benchmark),
                      ["employment", "establishments", "national_employment"])
    if what == "candidate-clusters":
        if not groups:
            raise UserError("candidate clusters need --groups (the number of groups)")
        c = clusters_from_data.find_clusters(store, code, groups, measure=measure, cluster_type=cluster_type)
        return c.industries.merge(c.groups[["candidate_code", "within_corr", "between_corr"]].rename(
            columns={"within_corr": "candidate_within_corr", "between_corr": "candidate_between_corr"}), on="candidate_code")
    raise UserError(f"cannot export {what!r}; choose one of indicators, {', '.join(EXPORTS)}")
