"""One-click demo data: U.S. County Business Patterns 2017–2021 by state, with the U.S. Cluster
Mapping crosswalk and related-clusters file, read from ``../shared/data`` when it exists
(the files are never copied into the repository)."""

from __future__ import annotations

from pathlib import Path

from clusterdash import config
from clusterdash.stats import importer
from clusterdash.stats.readers import Progress, SourceFile

CBP_FILE = ("us_cbp", "cbp_state_naics_2017_2021.csv")
CROSSWALK_FILE = ("clusters", "naics_to_uscmp_cluster_crosswalk.csv")
RELATED_FILE = ("clusters", "uscmp_related_clusters.csv")

DEMO_DATASET = "us_cbp_2017_2021"
CROSSWALK_SOURCE = ("Delgado, Porter & Stern (2016), U.S. Cluster Mapping Project "
                    "(NAICS 2017 crosswalk as adapted by NoCo REDI)")
RELATED_SOURCE = ("U.S. Cluster Mapping, Institute for Strategy and Competitiveness, Harvard Business School "
                  "(related clusters)")


def demo_files(shared_dir: Path | None = None) -> dict[str, Path] | None:
    """The three demo files, or None when ../shared/data (or one of them) is missing."""
    d = Path(shared_dir) if shared_dir else config.shared_data_dir()
    files = {"cbp": d.joinpath(*CBP_FILE), "crosswalk": d.joinpath(*CROSSWALK_FILE), "related": d.joinpath(*RELATED_FILE)}
    return files if all(p.is_file() for p in files.values()) else None


def load_cbp_demo(store, *, shared_dir: Path | None = None, progress: Progress | None = None,
                  replace: bool = True) -> importer.ImportSummary:
    files = demo_files(shared_dir)
    if files is None:
        raise importer.StatsImportError(
            f"the shared datasets are not available (looked in {shared_dir or config.shared_data_dir()})"
        )
    spec = importer.ImportSpec(
        format="cbp",
        files=[SourceFile.from_path(files["cbp"])],
        dataset_code=DEMO_DATASET,
        crosswalk=SourceFile.from_path(files["crosswalk"]),
        crosswalk_source=CROSSWALK_SOURCE,
        related=SourceFile.from_path(files["related"]),
        related_source=RELATED_SOURCE,
        replace=replace,
    )
    return importer.import_dataset(store, spec, progress)


def shared_crosswalk_files(shared_dir: Path | None = None) -> dict[str, Path] | None:
    """The U.S. Cluster Mapping crosswalk in ../shared/data (and its related-clusters file when
    present, key ``related``), for attaching to a dataset; None when the crosswalk is not there."""
    d = Path(shared_dir) if shared_dir else config.shared_data_dir()
    cw, rel = d.joinpath(*CROSSWALK_FILE), d.joinpath(*RELATED_FILE)
    if not cw.is_file():
        return None
    return {"crosswalk": cw, **({"related": rel} if rel.is_file() else {})}
