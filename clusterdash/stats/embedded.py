"""The embedded default statistics: two real, shippable datasets in ``data/stats/`` (Parquet,
derived by ``scripts/derive_stats_data.py``; provenance, licences and checksums in
``data/stats/README.md`` and ``manifest.json``), loaded by the first build of a store so a
fresh start shows statistics without ``../shared``.

- ``cbp_states_2017_2021`` — U.S. Census Bureau, County Business Patterns 2017–2021, 50 states ×
  NAICS 2017 (public domain). Without a crosswalk its clusters are the NAICS 3-digit subsectors;
  :func:`clusterdash.stats.importer.attach_crosswalk` gives it the U.S. Cluster Mapping clusters
  from a file the user has.
- ``eurostat_lfs_nuts2`` — Eurostat EU-LFS ``lfst_r_lfe2en2``, employment (15 years and over) by
  NACE Rev. 2 section and NUTS 2 region 2008–2015 ("Source: Eurostat"), with NUTS 2013 names.

:func:`ensure_loaded` runs at every :func:`clusterdash.store.open_store`: it loads each embedded
dataset once (recorded in ``stats_embedded_load``), never replaces a user's dataset of the same
code (recorded as skipped), and does not bring back a dataset the user deleted.
:func:`load` (re)loads one on request.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from clusterdash import config
from clusterdash.stats import importer
from clusterdash.stats.readers import Progress, SourceFile, StatsImportError

log = logging.getLogger(__name__)

STATS_DIR = config.DATA_DIR / "stats"


@dataclass(frozen=True)
class Embedded:
    key: str
    file: str
    format: str
    title: str
    source: str
    slice: dict = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return STATS_DIR / self.file


EMBEDDED = (
    # loaded in this order: the U.S. data last, so it is the newest (the pages open on it)
    Embedded(
        key="eurostat_lfs_nuts2",
        file="eurostat_lfst_r_lfe2en2.parquet",
        format="eurostat",
        title="Eurostat Labour Force Survey 2008–2015: employment by NACE section, NUTS 2 regions",
        source="Source: Eurostat, EU Labour Force Survey, lfst_r_lfe2en2 (employment, 15 years and over, "
               "thousand persons), 2008–2015",
        slice={"age": "Y_GE15", "unit": "THS"},
    ),
    Embedded(
        key="cbp_states_2017_2021",
        file="cbp_state_naics_2017_2021.parquet",
        format="cbp",
        title="U.S. County Business Patterns 2017–2021, 50 states",
        source="U.S. Census Bureau, County Business Patterns 2017–2021 (public domain)",
    ),
)
BY_KEY = {e.key: e for e in EMBEDDED}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _spec(e: Embedded, *, replace: bool) -> importer.ImportSpec:
    f = SourceFile.from_path(e.path)
    return importer.ImportSpec(
        format=e.format, files=[f], dataset_code=e.key, title=e.title, source=e.source,
        eurostat_slice=dict(e.slice), replace=replace, origin="embedded",
        embedded_sha256=hashlib.sha256(f.data).hexdigest(),
    )


def _record(store, e: Embedded, outcome: str, digest: str, seconds: float | None) -> None:
    def run(cur):
        cur.execute("DELETE FROM stats_embedded_load WHERE embedded_key = ?", [e.key])
        cur.execute("INSERT INTO stats_embedded_load VALUES (?, ?, ?, ?, ?, ?)",
                    [e.key, e.key, digest, outcome, seconds, datetime.now(timezone.utc).replace(tzinfo=None)])
    store.write(run)


def load(store, key: str, *, replace: bool = False, progress: Progress | None = None) -> importer.ImportSummary:
    """Load one embedded dataset now (``replace``: over an existing dataset of that code).
    Raises StatsImportError (e.g. a user's dataset of that code exists and replace is false)."""
    e = BY_KEY.get(key)
    if e is None:
        raise StatsImportError(f"there is no embedded dataset {key!r} (there are: {', '.join(BY_KEY)})")
    if not e.path.is_file():
        raise StatsImportError(f"the embedded file {e.path} is missing from this installation")
    spec = _spec(e, replace=replace)
    t0 = time.perf_counter()
    summary = importer.import_dataset(store, spec, progress)
    _record(store, e, "loaded", spec.embedded_sha256, time.perf_counter() - t0)
    return summary


def ensure_loaded(store, progress: Progress | None = None) -> list[str]:
    """Load the embedded datasets not yet recorded in ``stats_embedded_load`` (the first build).
    Returns the keys loaded. A user's dataset with the same code is kept (recorded as skipped);
    a failure is logged and retried at the next start, never raised (the dashboard must start)."""
    done = {r["embedded_key"] for r in store.rows("SELECT embedded_key FROM stats_embedded_load")}
    loaded = []
    for e in EMBEDDED:
        if e.key in done:
            continue
        try:
            if not e.path.is_file():
                log.warning("embedded statistics %s: file %s missing", e.key, e.path)
                continue
            if store.value("SELECT count(*) FROM stats_dataset WHERE dataset_code = ?", [e.key]):
                _record(store, e, "skipped: a dataset with this code existed (kept as it was)", sha256(e.path), None)
                continue
            load(store, e.key, progress=progress)
            loaded.append(e.key)
        except StatsImportError as exc:  # e.g. a concurrent first start loaded it already
            log.warning("embedded statistics %s not loaded: %s", e.key, exc)
    return loaded


def status(store) -> list[dict]:
    """Per embedded dataset: key, file, sha256 recorded, outcome, whether the dataset is in the store now."""
    rec = {r["embedded_key"]: r for r in store.rows("SELECT * FROM stats_embedded_load")}
    have = {r["dataset_code"] for r in store.rows("SELECT dataset_code FROM stats_dataset")}
    return [{"embedded_key": e.key, "file": f"data/stats/{e.file}", "title": e.title,
             "outcome": rec.get(e.key, {}).get("outcome"), "loaded_at": rec.get(e.key, {}).get("loaded_at"),
             "is_present": e.key in have} for e in EMBEDDED]


def about() -> list[dict]:
    """What the import page says about each embedded dataset, from ``data/stats/manifest.json``:
    dataset_code, title, publisher, licence, cite_as, file, bytes, rows, provenance,
    cluster_definition (where the data comes from and on which terms)."""
    import json

    manifest = json.loads((STATS_DIR / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for d in manifest.get("datasets", []):
        e = BY_KEY.get(d.get("dataset_code"))
        out.append({
            "dataset_code": d.get("dataset_code"), "title": d.get("title"), "publisher": d.get("publisher"),
            "licence": d.get("licence"), "cite_as": d.get("cite_as"),
            "file": f"data/stats/{e.file}" if e else d.get("output", {}).get("path"),
            "bytes": d.get("output", {}).get("bytes"), "rows": d.get("output", {}).get("rows"),
            "provenance": d.get("input", {}).get("provenance"), "cluster_definition": d.get("cluster_definition"),
        })
    return out
