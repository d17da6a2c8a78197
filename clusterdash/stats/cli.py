"""Command line of the statistics pillar (registered in :mod:`clusterdash.cli`).

import-stats   import a dataset (cbp | eurostat | long) with an optional crosswalk, region
               file and relatedness file, in one transaction
export         ``export indicators``: the indicators of a dataset as CSV
fetch-cbp      download County Business Patterns by state for a year from the Census API
attach-crosswalk  give an existing dataset (e.g. the embedded CBP data) the clusters of a
               crosswalk file, and optionally a relatedness file, in one transaction
aggregate-ea   sum a CBP county dataset to BEA Economic Areas (a new dataset)

``export`` also writes the analysis tables (:mod:`clusterdash.stats.exports`): shift-share,
shift-share-regions, structure, wages, drilldown, candidate-clusters.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clusterdash import config
from clusterdash.cli import register
from clusterdash.errors import UserError
from clusterdash.stats import FORMATS


def _slice(value: str) -> tuple[str, str]:
    if "=" not in value:
        raise UserError(f"--slice {value!r}: write it as DIMENSION=VALUE, e.g. age=Y_GE15")
    k, v = value.split("=", 1)
    return k.strip(), v.strip()


@register("import-stats", "import regional statistics (cbp, eurostat, long) into the store")
def setup_import(p) -> None:
    p.add_argument("--format", required=True, choices=FORMATS, help="layout of the data file(s)")
    p.add_argument("--file", required=True, action="append", type=Path,
                   help="data file; repeat for several files of the same format (e.g. one per year)")
    p.add_argument("--crosswalk", type=Path, help="industry → cluster crosswalk CSV")
    p.add_argument("--crosswalk-source", help="citation of the crosswalk (shown with every figure)")
    p.add_argument("--dataset", help="name of the dataset (default: <format>_<first year>_<last year>)")
    p.add_argument("--title", help="human-readable title")
    p.add_argument("--source", help="publisher/citation of the figures (default from the format)")
    p.add_argument("--regions", type=Path, help="region file: region_code, region_name[, latitude, longitude]")
    p.add_argument("--related", type=Path, help="cluster relatedness CSV (e.g. USCMP related clusters)")
    p.add_argument("--related-source", help="citation of the relatedness file")
    p.add_argument("--year", type=int, help="year of a Census API JSON file without a YEAR column")
    p.add_argument("--slice", action="append", type=_slice, default=[],
                   help="Eurostat: keep this value of a dimension, e.g. --slice age=Y_GE15 --slice sex=T")
    p.add_argument("--nuts-level", type=int, default=2, choices=[0, 1, 2, 3], help="Eurostat: NUTS level of the regions (default 2)")
    p.add_argument("--national", help="region code holding national totals (e.g. EU28), used as the LQ benchmark")
    p.add_argument("--replace", action="store_true", help="replace a dataset of the same name")
    p.add_argument("--rejected-out", type=Path, help="write the rejected rows (with reasons) to this CSV")
    p.set_defaults(func=cmd_import)


def cmd_import(args) -> int:
    from clusterdash.stats import importer
    from clusterdash.stats.readers import SourceFile
    from clusterdash.store import open_store

    spec = importer.ImportSpec(
        format=args.format,
        files=[SourceFile.from_path(f) for f in args.file],
        dataset_code=args.dataset, title=args.title, source=args.source,
        crosswalk=SourceFile.from_path(args.crosswalk) if args.crosswalk else None,
        crosswalk_source=args.crosswalk_source,
        regions=SourceFile.from_path(args.regions) if args.regions else None,
        related=SourceFile.from_path(args.related) if args.related else None,
        related_source=args.related_source,
        year=args.year, eurostat_slice=dict(args.slice), region_level=args.nuts_level,
        national_region=args.national, replace=args.replace,
    )
    store = open_store(args.db or config.db_path())
    try:
        last = [-1]

        def progress(frac: float, msg: str) -> None:
            step = int(frac * 10)
            if step != last[0] and sys.stderr.isatty():
                last[0] = step
                print(f"  {frac:4.0%} {msg}", file=sys.stderr)

        summary = importer.import_dataset(store, spec, progress)
    finally:
        store.close()
    for line in summary.lines():
        print(line)
    if args.rejected_out is not None:
        from clusterdash import export

        export.write_csv(summary.rejected, args.rejected_out)
        print(f"rejected rows written to {args.rejected_out}")
    return 0


@register("export", "export derived tables as CSV (export indicators | shift-share | structure | wages ...)")
def setup_export(p) -> None:
    from clusterdash.stats.exports import EXPORTS

    p.add_argument("what", choices=["indicators", *EXPORTS],
                   help="what to export: indicators, " + "; ".join(f"{k}: {v}" for k, v in EXPORTS.items()))
    p.add_argument("--dataset", required=True, help="dataset name (see 'info' or the Import statistics page)")
    p.add_argument("--year", type=int, help="only this year")
    p.add_argument("--base-year", type=int,
                   help="first year of the growth columns (default: the first year whose coverage is comparable)")
    p.add_argument("--benchmark", choices=["nation", "country", "eu28"],
                   help="LQ benchmark (default: the dataset's: the region's country for NUTS regions, else the nation)")
    p.add_argument("--out", required=True, type=Path, help="CSV file to write")
    # the analysis exports (clusterdash.stats.exports)
    p.add_argument("--from", dest="from_year", type=int, help="shift-share: start year")
    p.add_argument("--to", dest="to_year", type=int, help="shift-share: end year")
    p.add_argument("--variant", choices=["classic", "esteban-marquillas"], default="classic",
                   help="shift-share: classic, or Esteban-Marquillas (regional shift split into competitive and allocation)")
    p.add_argument("--cluster-type", choices=["traded", "local", "unclassified"],
                   help="only clusters of this type (shift-share, structure, candidate clusters)")
    p.add_argument("--region", help="drilldown: region code")
    p.add_argument("--cluster", help="drilldown: cluster code")
    p.add_argument("--groups", type=int, help="candidate-clusters: number of groups")
    p.add_argument("--measure", choices=["lq", "rank"], default="lq",
                   help="candidate-clusters: correlation of LQs (Pearson) or of their ranks (Spearman)")
    p.set_defaults(func=cmd_export)


def cmd_export(args) -> int:
    from clusterdash import queries
    from clusterdash.stats import analysis
    from clusterdash.store import Store

    store = Store(args.db or config.db_path(), read_only=True)
    try:
        dataset = queries.stats_dataset(store, args.dataset)
        if dataset is None:
            names = queries.stats_datasets(store)["dataset_code"].tolist()
            raise UserError(f"no dataset {args.dataset!r} in the store" + (f" (it has: {', '.join(names)})" if names else ""))
        if args.year is not None and not dataset["year_min"] <= args.year <= dataset["year_max"]:
            raise UserError(f"year {args.year} is not in {args.dataset} ({dataset['year_min']}–{dataset['year_max']})")
        if args.what != "indicators":
            return _export_analysis(store, dataset, args)
        from clusterdash.stats import indicators

        ind = indicators.compute_indicators(store, args.dataset, year=args.year, base_year=args.base_year,
                                            benchmark=args.benchmark)
    finally:
        store.close()
    out = analysis.to_export_frame(ind, dataset=dataset)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    analysis.write_indicators_csv(out, args.out)
    print(f"{len(out):,} rows written to {args.out}")
    print(f"source: {analysis.citation(dataset)}")
    return 0


def _export_analysis(store, dataset: dict, args) -> int:
    from clusterdash import export
    from clusterdash.stats import exports

    opts = {"year": args.year, "base_year": args.base_year, "from_year": args.from_year, "to_year": args.to_year,
            "variant": args.variant, "region": args.region, "cluster": args.cluster, "groups": args.groups,
            "measure": args.measure, "cluster_type": args.cluster_type, "benchmark": args.benchmark}
    out = exports.build(store, args.what, dataset, **opts)
    source = exports.source_line(dataset, args.what, **opts)
    out = out.assign(source=source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(export.csv_bytes(out, source=source))
    print(f"{len(out):,} rows written to {args.out}")
    print(f"source: {source}")
    return 0


@register("aggregate-ea", "sum a County Business Patterns county dataset to BEA Economic Areas (a new dataset)")
def setup_aggregate(p) -> None:
    p.add_argument("--dataset", required=True, help="the county dataset (region type U.S. county)")
    p.add_argument("--to", dest="target", help="name of the new dataset (default <dataset>_ea)")
    p.add_argument("--replace", action="store_true", help="replace a dataset of that name")
    p.set_defaults(func=cmd_aggregate)


def cmd_aggregate(args) -> int:
    from clusterdash.stats import geographies
    from clusterdash.store import open_store

    store = open_store(args.db or config.db_path())
    try:
        summary = geographies.aggregate_to_economic_areas(store, args.dataset, args.target, replace=args.replace)
    finally:
        store.close()
    for line in summary.lines():
        print(line)
    return 0


@register("fetch-cbp", "download County Business Patterns by state for one year from the Census API")
def setup_fetch(p) -> None:
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, help="file to write (default cbp_<year>_states.json)")
    p.add_argument("--key", help="Census API key (default $CENSUS_API_KEY; optional for light use)")
    p.set_defaults(func=cmd_fetch)


def cmd_fetch(args) -> int:
    from clusterdash.stats import census

    path = census.fetch_cbp(args.year, args.out, key=args.key)
    print(f"saved the Census API response for {args.year} to {path}")
    print(f"import it with: python -m clusterdash import-stats --format cbp --file {path} --year {args.year}")
    return 0


@register("attach-crosswalk", "give a dataset the clusters of a crosswalk file (e.g. the embedded CBP data)")
def setup_attach(p) -> None:
    p.add_argument("--dataset", required=True, help="dataset name, e.g. cbp_states_2017_2021")
    p.add_argument("--crosswalk", required=True, type=Path, help="industry → cluster crosswalk CSV")
    p.add_argument("--crosswalk-source", help="citation of the crosswalk (shown with every figure)")
    p.add_argument("--related", type=Path, help="cluster relatedness CSV (e.g. USCMP related clusters)")
    p.add_argument("--related-source", help="citation of the relatedness file")
    p.set_defaults(func=cmd_attach)


def cmd_attach(args) -> int:
    from clusterdash.stats import importer
    from clusterdash.store import open_store

    store = open_store(args.db or config.db_path())
    try:
        summary = importer.attach_crosswalk(store, args.dataset, args.crosswalk, args.related,
                                            crosswalk_source=args.crosswalk_source, related_source=args.related_source)
    finally:
        store.close()
    for line in summary.lines():
        print(line)
    return 0

