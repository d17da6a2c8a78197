"""ClusterDash benchmark: ``python bench/run.py [--quick]`` (from the repository root).

Measures, in one run, and prints ``key: value`` lines as it goes; then writes
``bench/results.md`` (machine, versions, how busy the machine was, results against targets):

- ``store_build_s``: a new store from ``data/`` (schema migrations + knowledge base);
- ``import_cbp_s``: U.S. County Business Patterns 2017–2021 by state × NAICS (419,244 rows,
  ``../shared/data/us_cbp``) with the U.S. Cluster Mapping crosswalk, through the real importer;
- ``indicators_all_years_s``: every indicator (employment, wages, LQ, shares, growth, job
  creation, strong flags) for every state × cluster × year of it, through the engine
  (``clusterdash.stats.indicators.compute_indicators``, DuckDB SQL);
- ``pandas_baseline_s`` / ``speedup_vs_pandas``: the same indicators written plainly in pandas
  (``bench/pandas_baseline.py``), timed in the same run from the same store to the same
  DataFrame, and checked to give the same numbers as the engine (the run stops if not);
- ``lq_1m_s``, ``lq_4m_s``, ``lq_16m_s``: the engine's location-quotient and strong-cluster SQL on
  SYNTHETIC region × industry × year tables of 1, 4 and 16 million rows generated inside DuckDB
  (``bench/synthetic.py``; 16 M skipped with ``--quick``); ``cells_*m_s``: the region × cluster ×
  year sums an import keeps for them; ``all_indicators_*m_s``: every indicator plus the shift-share;
- ``county_indicators_s``, ``shift_share_s``, ``county_all_indicators_s``, ``county_peak_rss_mb``:
  the 16 M-row SYNTHETIC county-scale case (3,200 regions × 1,000 industries × 5 years) in a
  process of its own;
- ``page_rerun_ms_p50`` / ``_p95``: Streamlit AppTest reruns of the mapping, assessment,
  financing and checklist pages on a store with the CBP dataset and a workshop's answers;
- ``cold_start_s``: from starting the server process to the home page rendered in Chromium;
- ``peak_rss_mb``: the server's peak memory (its process tree) with the CBP dataset loaded,
  after opening the mapping pages;
- ``load_*``: 20 concurrent Chromium sessions answering checklist items and assessment
  statements in one workspace (``bench/load.py``): response times, throughput, errors.

The benchmark is not part of the test suite. It needs ``../shared/data`` and Debian's chromium.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import load, pandas_baseline, synthetic  # noqa: E402
from clusterdash import config, queries  # noqa: E402
from clusterdash.stats import importer, indicators  # noqa: E402
from clusterdash.stats.readers import SourceFile  # noqa: E402
from clusterdash.store import Store, open_store  # noqa: E402

CBP = ("us_cbp", "cbp_state_naics_2017_2021.csv")
CROSSWALK = ("clusters", "naics_to_uscmp_cluster_crosswalk.csv")
DATASET = "us_cbp_2017_2021"
CROSSWALK_SOURCE = ("Delgado, Porter & Stern (2016), U.S. Cluster Mapping Project "
                    "(NAICS 2017 crosswalk as adapted by NoCo REDI)")

TARGETS = {  # key: (description, predicate)
    "indicators_all_years_s": ("< 1 s", lambda v: v < 1),
    "speedup_vs_pandas": ("≥ 3×", lambda v: v >= 3),
    "lq_16m_s": ("< 4 s", lambda v: v < 4),
    "lq_worst_step_vs_linear": ("≤ 1 (no step worse than linear)", lambda v: v <= 1.0),
    "county_all_indicators_s": ("< 3 s", lambda v: v < 3),
    "all_indicators_worst_step_vs_linear": ("≤ 1 (no step worse than linear)", lambda v: v <= 1.0),
    "county_peak_rss_mb": ("< 1,500 MB", lambda v: v < 1500),
    "page_rerun_ms_p95": ("< 300 ms", lambda v: v < 300),
    "cold_start_s": ("< 5 s", lambda v: v < 5),
    "peak_rss_mb": ("< 700 MB", lambda v: v < 700),
}

RESULTS: dict[str, object] = {}
NOTES: dict[str, str] = {}


def report(key: str, value, note: str | None = None) -> None:
    if isinstance(value, float):
        value = round(value, 4 if abs(value) < 10 else 1)
    RESULTS[key] = value
    if note:
        NOTES[key] = note
    print(f"{key}: {value}", flush=True)


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def timed(fn, *args, **kw) -> tuple[float, object]:
    gc.collect()
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


# ---- the machine and how busy it is -------------------------------------------------------

def machine() -> dict[str, str]:
    mem = ""
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu_model = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    chromium = ""
    try:
        chromium = subprocess.run([load.CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        chromium = "not found"
    versions = {}
    for pkg in ("streamlit", "duckdb", "pandas", "pyarrow", "plotly", "pydeck", "streamlit-aggrid", "playwright",
                "hypothesis", "pytest", "numpy"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = "—"
    return {
        "cores": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable by this process)",
        "cpu": cpu_model,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "chromium": chromium,
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot."""
    with open("/proc/stat") as fh:
        parts = [int(x) for x in fh.readline().split()[1:]]
    idle = parts[3] + parts[4]  # idle + iowait
    total = sum(parts[:8])
    return total - idle, total


def own_cpu_s() -> float:
    """CPU seconds of this process and of its (waited-for) children: servers, browser."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


# ---- process trees ------------------------------------------------------------------------------

def process_tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as fh:
                for c in fh.read().split():
                    out += process_tree(int(c))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


def status_kb(pid: int | str, field: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (``pid`` may be "self"), 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def cpu_s(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            x = fh.read().rsplit(")", 1)[1].split()
        return (int(x[11]) + int(x[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


class CpuSampler:
    """CPU seconds used by the process trees under ``roots`` while it runs (sampled every
    0.25 s; a process's last sample counts, so short-lived processes may be missed)."""

    def __init__(self, roots: dict[str, int]):
        self.roots = roots
        self.seen: dict[str, dict[int, float]] = {k: {} for k in roots}
        self.start: dict[str, dict[int, float]] = {k: {} for k in roots}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self, first: bool = False) -> None:
        for name, root in self.roots.items():
            for p in process_tree(root):
                c = cpu_s(p)
                if first:
                    self.start[name][p] = c
                self.seen[name][p] = max(self.seen[name].get(p, 0.0), c)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(0.25)

    def __enter__(self) -> "CpuSampler":
        self.sample(first=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def used(self, name: str) -> float:
        return sum(c - self.start[name].get(p, 0.0) for p, c in self.seen[name].items())


class RssSampler:
    """Samples the resident memory of a process tree every 50 ms; ``peak_mb`` is the larger of
    the highest sampled sum and the sum of each process's own high-water mark (VmHWM)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.max_sum_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(0.05)

    def sample(self) -> None:
        pids = process_tree(self.pid)
        self.max_sum_kb = max(self.max_sum_kb, sum(status_kb(p, "VmRSS") for p in pids))
        for p in pids:
            self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), status_kb(p, "VmHWM"))

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return max(self.max_sum_kb, sum(self.hwm_kb.values())) / 1024


# ---- servers ----------------------------------------------------------------------------------

class Server:
    def __init__(self, db: Path, log: Path):
        self.db, self.log = db, log
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> float:
        """Start; returns seconds until /_stcore/health answered."""
        env = dict(os.environ, CLUSTERDASH_DB=str(self.db))
        env.pop("CLUSTERDASH_PASSCODE", None)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not become healthy")

    def stop(self) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


# ---- the measurements -------------------------------------------------------------------------

def bench_store_build(tmp: Path, runs: int) -> Path:
    times = []
    path = None
    for k in range(runs):
        path = tmp / f"build-{k}.duckdb"
        t, store = timed(open_store, path)
        store.conn.execute("CHECKPOINT")
        store.close()
        times.append(t)
    report("store_build_s", median(times), f"median of {runs}: " + ", ".join(f"{t:.2f}" for t in times))
    return path


def cbp_spec() -> importer.ImportSpec:
    d = config.shared_data_dir()
    return importer.ImportSpec(
        format="cbp", files=[SourceFile.from_path(d.joinpath(*CBP))], dataset_code=DATASET,
        crosswalk=SourceFile.from_path(d.joinpath(*CROSSWALK)), crosswalk_source=CROSSWALK_SOURCE, replace=True)


def bench_import(built: Path, tmp: Path, runs: int) -> Path:
    times = []
    db = tmp / "cbp.duckdb"
    for k in range(runs):
        shutil.copy(built, db)
        store = Store(db)
        try:
            t0 = time.perf_counter()
            summary = importer.import_dataset(store, cbp_spec())  # reads the files too
            t = time.perf_counter() - t0
            assert summary.rows_imported == 419_244, summary.rows_imported
        finally:
            store.close()
        times.append(t)
    report("import_cbp_s", median(times), f"median of {runs}: " + ", ".join(f"{t:.2f}" for t in times)
           + "; 419,244 rows + 992-row crosswalk, read, validated and written in one transaction")
    return db


def bench_indicators(db: Path, runs: int) -> None:
    store = Store(db)
    try:
        params = indicators._params(store, DATASET, None)
        base_year, wage_factor = params["base_year"], params["wage_factor"]
        engine_t, pandas_t, load_t, compute_t = [], [], [], []
        first, _ = timed(indicators.compute_indicators, store, DATASET)
        for _ in range(runs):  # interleaved, so both see the same machine
            t, engine = timed(indicators.compute_indicators, store, DATASET)
            engine_t.append(t)
            t0 = time.perf_counter()
            frames = pandas_baseline.load_frames(store, DATASET)
            t1 = time.perf_counter()
            baseline = pandas_baseline.compute_indicators_pandas(frames, base_year=base_year, wage_factor=wage_factor)
            t2 = time.perf_counter()
            pandas_t.append(t2 - t0)
            load_t.append(t1 - t0)
            compute_t.append(t2 - t1)
        rows = pandas_baseline.assert_same_indicators(engine, baseline)
    finally:
        store.close()
    e, p = median(engine_t), median(pandas_t)
    report("indicators_rows", rows, "state × cluster × year rows (50 states × 67 clusters × 5 years, less empty cells)")
    report("indicators_all_years_s", e, f"median of {runs}; first (cold) run {first:.3f} s")
    report("pandas_baseline_s", p, f"median of {runs}: reading the 4 tables from the store "
           f"({median(load_t):.3f} s) + computing in pandas ({median(compute_t):.3f} s); same numbers as the "
           f"engine in all {rows:,} rows × {len(pandas_baseline.NUMERIC) + len(pandas_baseline.FLAGS)} indicators "
           "(rtol 1e-9, flags exact)")
    report("pandas_compute_only_s", median(compute_t), "pandas with the data already in memory (not counting the read)")
    report("speedup_vs_pandas", p / e, "store → indicator DataFrame, both sides")
    report("speedup_vs_pandas_in_memory", median(compute_t) / e,
           "engine (reads the store) vs pandas computing from frames already in memory")


COUNTY_CHILD = """
import json, sys, time
sys.path.insert(0, {repo!r})
from bench.run import county_queries, status_kb
from clusterdash.store import Store
store = Store({db!r}, read_only=True)
opened_kb = status_kb("self", "VmHWM")
out = county_queries(store, {code!r}, {runs})
# VmHWM, not getrusage's ru_maxrss: a child started by fork/vfork + exec inherits its parent's
# high-water mark in ru_maxrss (Linux keeps the larger of the old and the new memory map at exec),
# so ru_maxrss here reported the benchmark process's own peak from generating the data.
out["peak_rss_mb"] = status_kb("self", "VmHWM") / 1024
out["opened_rss_mb"] = opened_kb / 1024
print("RESULT " + json.dumps(out))
"""


def county_queries(store, code: str, runs: int) -> dict:
    """Every indicator of every region × cluster × year, and the shift-share between the first
    and the last year, each to an Arrow table (the engine's own SQL), ``runs`` times; medians."""
    from clusterdash.stats import shift_share

    params = indicators._params(store, code, None)
    lo, hi = store.rows("SELECT year_min, year_max FROM stats_dataset WHERE dataset_code = ?", [code])[0].values()
    ind_sql = indicators._CHAIN + " SELECT * FROM indicators"
    ss_sql = indicators._CHAIN + shift_share._SHIFT_SHARE
    ss_params = dict(params, base_year=lo, to_year=hi)
    ind_t, ss_t = [], []
    rows = ss_rows = 0
    for _ in range(runs):
        with store.cursor() as cur:
            t, tbl = timed(lambda: cur.sql(ind_sql, params=params).to_arrow_table())
            ind_t.append(t)
            rows = tbl.num_rows
            del tbl
            t, tbl = timed(lambda: cur.sql(ss_sql, params=ss_params).to_arrow_table())
            ss_t.append(t)
            ss_rows = tbl.num_rows
            del tbl
    both = [a + b for a, b in zip(ind_t, ss_t)]
    return {"indicators_s": median(ind_t), "shift_share_s": median(ss_t), "all_s": median(both), "rows": rows,
            "shift_share_rows": ss_rows, "indicators_runs": ind_t, "shift_share_runs": ss_t,
            "years": [lo, hi]}


def bench_scaling(tmp: Path, sizes: list[int], runs: int) -> None:
    """SYNTHETIC region × industry × year datasets of 1, 4, 16 M observations (the 16 M one is the
    county-scale case: 3,200 regions × 1,000 industries × 5 years): the sums an import keeps
    (stats_cluster_cell), the LQ SQL, every indicator and the shift-share; at the largest size also
    in a process of its own for its peak memory."""
    db = tmp / "synthetic.duckdb"
    store = Store(db)
    store.migrate()
    points, county_points = [], []
    try:
        for rows in sizes:
            t_gen, code = timed(synthetic.create_synthetic_dataset, store, rows, refresh_cells=False)
            gen_peak_mb = status_kb("self", "VmHWM") / 1024
            t_cells, n_cells = timed(synthetic.refresh_cells, store, code)
            store.conn.execute("CHECKPOINT")
            params = indicators._params(store, code, None)
            sql = synthetic.lq_sql()
            times = []
            out_rows = strong = 0
            for _ in range(runs):
                with store.cursor() as cur:
                    t, tbl = timed(lambda: cur.sql(sql, params=params).to_arrow_table())
                times.append(t)
                out_rows = tbl.num_rows
                strong = sum(1 for v in tbl.column("is_strong").to_pylist() if v)
                del tbl
            m = rows // 1_000_000
            t = median(times)
            points.append((rows, t))
            report(f"lq_{m}m_s", t, f"SYNTHETIC data; median of {runs} ({', '.join(f'{x:.2f}' for x in times)}); "
                   f"{out_rows:,} region × cluster × year results, {strong:,} strong; generated in {t_gen:.1f} s")
            report(f"cells_{m}m_s", t_cells, f"SYNTHETIC data: the region × cluster × year sums an import writes once "
                   f"(stats_cluster_cell, {n_cells:,} rows from {rows:,} observations)")
            c = county_queries(store, code, runs)
            county_points.append((rows, c["all_s"]))
            report(f"all_indicators_{m}m_s", c["all_s"],
                   f"SYNTHETIC data; every indicator ({c['rows']:,} rows) + shift-share {c['years'][0]}–{c['years'][1]} "
                   f"({c['shift_share_rows']:,} rows), median of {runs}")
            if rows == max(sizes):
                store.conn.execute("CHECKPOINT")
                store.close()
                child = subprocess.run([sys.executable, "-c", COUNTY_CHILD.format(repo=str(REPO), db=str(db), code=code,
                                                                                 runs=runs)],
                                       capture_output=True, text=True, timeout=1800)
                line = next((ln for ln in child.stdout.splitlines() if ln.startswith("RESULT ")), None)
                if line is None:
                    raise RuntimeError(f"county case failed: {child.stderr[-2000:]}")
                import json

                r = json.loads(line[len("RESULT "):])
                regions = rows // (synthetic.INDUSTRIES * synthetic.YEARS)
                shape = (f"SYNTHETIC county-scale data: {regions:,} regions × {synthetic.INDUSTRIES:,} industries × "
                         f"{synthetic.YEARS} years = {rows:,} observations")
                report("county_indicators_s", r["indicators_s"],
                       f"{shape}; every indicator of every region × cluster × year ({r['rows']:,} rows) to an Arrow "
                       f"table, median of {runs} ({', '.join(f'{x:.2f}' for x in r['indicators_runs'])}), fresh process")
                report("shift_share_s", r["shift_share_s"],
                       f"{shape}; shift-share {r['years'][0]}–{r['years'][1]} of every region × cluster "
                       f"({r['shift_share_rows']:,} rows), median of {runs} "
                       f"({', '.join(f'{x:.2f}' for x in r['shift_share_runs'])})")
                report("county_all_indicators_s", r["all_s"], "county_indicators_s + shift_share_s, same runs")
                report("county_peak_rss_mb", r["peak_rss_mb"],
                       f"peak resident memory (VmHWM) of the process computing them, opening the store included "
                       f"({r['opened_rss_mb']:,.0f} MB once the store is open: Python, DuckDB and the app's modules); "
                       f"the Arrow results of the 1.07 M indicator rows are ~0.4 GB of it")
                report("county_generation_peak_rss_mb", gen_peak_mb,
                       f"SYNTHETIC data: peak resident memory of the benchmark process after generating the "
                       f"{rows:,} observations inside DuckDB (one INSERT … SELECT per year), not part of the "
                       f"computation's target")
                store = Store(db)
            with store.cursor() as cur:  # keep the file small: one dataset at a time
                for tname in ("stats_observation", "stats_cluster_cell", "stats_industry", "stats_cluster",
                              "stats_region", "stats_dataset"):
                    cur.execute(f"DELETE FROM {tname} WHERE dataset_code = ?", [code])
            store.conn.execute("CHECKPOINT")
    finally:
        store.close()

    def scaling(prefix: str, pts: list[tuple[int, float]]) -> None:
        xs = [math.log(r) for r, _ in pts]
        ys = [math.log(t) for _, t in pts]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        steps = ", ".join(f"×{b[1] / a[1]:.1f} for ×{b[0] // a[0]} rows" for a, b in zip(pts, pts[1:]))
        report(f"{prefix}_scaling_exponent", slope, f"slope of log(time) over log(rows), 1 = linear; steps: {steps}")
        worst = max((b[1] / a[1]) / (b[0] / a[0]) for a, b in zip(pts, pts[1:]))
        report(f"{prefix}_worst_step_vs_linear", worst, "largest (time growth ÷ row growth) between two sizes; 1 = linear")

    report("bench_process_peak_rss_mb", status_kb("self", "VmHWM") / 1024,
           "SYNTHETIC data: peak resident memory of the benchmark process itself over the scaling part "
           "(generating each dataset inside DuckDB, writing its region × cluster × year sums, the in-process "
           "queries); the county case runs in a process of its own (county_peak_rss_mb)")
    if len(points) >= 2:
        scaling("lq", points)
        scaling("all_indicators", county_points)


def prepare_pages_store(cbp_db: Path, tmp: Path) -> tuple[Path, str, str]:
    """A copy of the CBP store with a workshop: an assessment answered by 5 participants, 30
    checklist answers, a financing plan."""
    from clusterdash import checklists
    from clusterdash.maturity import ANSWER_CODES

    db = tmp / "pages.duckdb"
    shutil.copy(cbp_db, db)
    store = Store(db)
    try:
        ws = queries.default_workspace(store)
        aid = queries.create_assessment(store, ws, load.LOAD_INITIATIVE, "2026-03-01", "benchmark")
        codes = list(queries.assessment_statements(store)["statement_code"])
        for p in range(5):
            for k, code in enumerate(codes):
                queries.save_assessment_answer(store, ws, aid, code, f"Participant {p + 1}",
                                               ANSWER_CODES[(p + k) % len(ANSWER_CODES)])
        board = checklists.prepare_board(queries.checklist_board(store, ws))
        for k, item in enumerate(board["item_key"][:30]):
            queries.save_checklist_answer(store, ws, item, "status", checklists.STATUSES[k % 4], changed_by="Bench")
        store.conn.execute("CHECKPOINT")
    finally:
        store.close()
    return db, ws, aid


PAGE_RUNS = [  # (label, page, query params, title the page must show)
    ("mapping: regional statistics, cluster map", "pages/regional_stats.py", {"ds": DATASET}, "Regional cluster statistics"),
    ("mapping: regional statistics, region profile", "pages/regional_stats.py", {"ds": DATASET, "view": "Region profile"},
     "Regional cluster statistics"),
    ("mapping: cluster initiatives", "pages/initiatives.py", {}, "Cluster initiatives"),
    ("maturity assessment", "pages/assessment.py", {}, "Maturity assessment"),
    ("financing patterns", "pages/financing.py", {}, "Financing patterns"),
    ("your financing mix", "pages/financing_mix.py", {}, "Your financing mix"),
    ("dos & don'ts checklists", "pages/checklists.py", {}, "Dos & don'ts checklists"),
]


def bench_pages(db: Path, ws: str, aid: str, reruns: int) -> dict[str, tuple[float, float]]:
    from streamlit.testing.v1 import AppTest

    os.environ["CLUSTERDASH_DB"] = str(db)
    os.environ.pop("CLUSTERDASH_PASSCODE", None)
    every: list[float] = []
    per_page: dict[str, tuple[float, float]] = {}
    import logging

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    for label, page, params, title in PAGE_RUNS:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        for k, v in {"ws": ws, "a": aid, **params}.items():
            at.query_params[k] = v
        at.run()
        at.switch_page(page)
        at.run()  # the first run of the page (caches, imports) is not counted
        if at.exception:
            raise RuntimeError(f"{page}: {[e.value for e in at.exception]}")
        times = []
        for _ in range(reruns):
            t, _ = timed(at.run)
            times.append(t * 1000)
        if at.exception:
            raise RuntimeError(f"{page}: {[e.value for e in at.exception]}")
        titles = [t.value for t in at.title]
        if title not in titles:
            raise RuntimeError(f"{page}: the rerun did not show the page (titles: {titles})")
        every += times
        per_page[label] = (load.percentile(times, 50), load.percentile(times, 95))
        print(f"  page {label}: p50 {per_page[label][0]:.0f} ms, p95 {per_page[label][1]:.0f} ms", flush=True)
    report("page_rerun_ms_p50", load.percentile(every, 50), f"{len(every)} AppTest reruns of {len(PAGE_RUNS)} page views")
    report("page_rerun_ms_p95", load.percentile(every, 95))
    return per_page


SETTLED = load.SETTLED


def bench_server(db: Path, tmp: Path, runs: int) -> None:
    """Cold start (server start → home page rendered in Chromium), then the mapping pages with
    the CBP dataset; the server's peak RSS over all of it (last run)."""
    from playwright.sync_api import sync_playwright

    starts, healths = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=load.CHROMIUM, args=load.CHROMIUM_ARGS)
        try:
            for k in range(runs):
                ctx = browser.new_context(viewport={"width": 1400, "height": 900})
                page = ctx.new_page()
                page.goto("about:blank")
                server = Server(db, tmp / f"server-cold-{k}.log")
                try:
                    t0 = time.perf_counter()
                    healths.append(server.start())
                    with RssSampler(server.proc.pid) as rss:
                        page.goto(server.url + "/")
                        page.wait_for_function(SETTLED, polling=20, timeout=120_000)
                        page.get_by_text("ClusterDash").first.wait_for(timeout=120_000)
                        starts.append(time.perf_counter() - t0)
                        if k == runs - 1:
                            for path in (f"regional_stats?ds={DATASET}", f"regional_stats?ds={DATASET}&view=Region+profile",
                                         f"regional_stats?ds={DATASET}&view=Compare+regions",
                                         f"regional_stats?ds={DATASET}&view=Data", "initiatives", "import_stats"):
                                page.goto(f"{server.url}/{path}")
                                page.wait_for_function(SETTLED, polling=50, timeout=180_000)
                                page.wait_for_timeout(1500)
                                page.wait_for_function(SETTLED, polling=50, timeout=180_000)
                                if page.locator('[data-testid="stException"]').count():
                                    raise RuntimeError(f"{path}: {page.locator('[data-testid=stException]').first.inner_text()[:500]}")
                            report("peak_rss_mb", rss.peak_mb,
                                   "process tree of the server: cold start, then the regional statistics page (map, "
                                   "region profile, comparison, data views) with the CBP dataset, the initiatives map "
                                   f"and the import page ({len(rss.hwm_kb)} process(es))")
                finally:
                    server.stop()
                    ctx.close()
        finally:
            browser.close()
    report("cold_start_s", median(starts), f"median of {runs}: " + ", ".join(f"{t:.2f}" for t in starts)
           + f"; of which the server answering its health check: {median(healths):.2f} s; store already built")


def bench_load(cbp_db: Path, tmp: Path, quick: bool) -> None:
    db = tmp / "load.duckdb"
    ws, aid = load.prepare_store(db, cbp_db)
    slugs = load.checklist_slugs(db, ws)
    statements = load.statement_codes(db)
    plan = (load.LoadPlan(sessions=20, rounds=1, switch_pages=False, time_limit_s=45) if quick
            else load.LoadPlan(sessions=20, rounds=2, switch_pages=True, time_limit_s=60))
    server = Server(db, tmp / "server-load.log")
    server.start()
    try:
        with RssSampler(server.proc.pid) as rss, CpuSampler({"server": server.proc.pid, "bench": os.getpid()}) as cpu:
            result = load.run_scenario(server.url, ws, aid, slugs=slugs, statements=statements, plan=plan,
                                       artifacts=tmp / "load-artifacts")
    finally:
        server.stop()
    store = Store(db)
    try:
        problems = load.verify_store(store, result)
        foreign = load.interference(store, result)
    finally:
        store.close()
    for k, v in result.summary().items():
        report(k, v)
    report("load_server_peak_rss_mb", rss.peak_mb, "the server during the 20 sessions (CBP dataset loaded)")
    answers = max(len(result.actions), 1)
    report("load_server_cpu_s", cpu.used("server"),
           f"CPU seconds of the server over the scenario (page loads, names, {len(result.actions)} answers); "
           f"{cpu.used('server') / answers:.2f} s per answer, all included")
    report("load_browser_and_driver_cpu_s", cpu.used("bench"),
           "CPU seconds of Chromium (20 contexts), Playwright and this script over the scenario — on the same "
           "2 cores as the server, which is why the response times are long")
    report("load_answers_missing_in_store", len(problems),
           "answers a session saw saved that the store does not hold afterwards" + (f", e.g. {problems[0]}" if problems else ""))
    report("load_changes_by_the_wrong_session", len(foreign),
           "checklist changes by a session to an item it never answered (the stale-widget bug)"
           + (f", e.g. {foreign[0]}" if foreign else ""))
    plan_text = (f"{plan.sessions} sessions, {plan.rounds} round(s) of answers per page, "
                 f"{'each session on both pages' if plan.switch_pages else 'half on each page'}, "
                 f"new rounds start until {plan.time_limit_s:.0f} s after the first answers")
    NOTES["load_sessions"] = plan_text
    report("load_session_errors", len(result.errors), "; ".join(e.splitlines()[0][:300] for e in result.errors[:3]))
    report("load_requests_leaving_the_machine", len(result.external_requests))
    for f in foreign[:5]:
        EXTRA_NOTES.append(f"load: {f}")
    for a in [a for a in result.actions if a.error][:5]:
        EXTRA_NOTES.append(f"load: {a.session} {a.page} {a.target} = {a.value!r}: {a.error}")
    for p in problems[:5]:
        EXTRA_NOTES.append(f"load: {p}")


# ---- results.md ------------------------------------------------------------------------------------

def fmt(v) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "—"
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def write_results(path: Path, info: dict, busy: dict, quick: bool, started: datetime, seconds: float) -> None:
    lines = [
        "# ClusterDash benchmark results",
        "",
        f"Written by `python bench/run.py{' --quick' if quick else ''}` on {started:%Y-%m-%d %H:%M} UTC "
        f"({seconds / 60:.1f} min). Numbers are medians unless named p50/p95. Everything marked SYNTHETIC "
        "is generated test data, not statistics of any place.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in info.items()],
        f"| load average at start (1/5/15 min) | {busy['load_start']} |",
        f"| load average at end (1/5/15 min) | {busy['load_end']} |",
        f"| CPU used by other processes during the run | {busy['others_pct']:.0f} % of the machine "
        f"(the whole machine was {busy['machine_pct']:.0f} % busy, this benchmark {busy['own_pct']:.0f} %) |",
        "",
        "## Results against targets",
        "",
        "| measure | value | target | met |",
        "| --- | ---: | --- | --- |",
    ]
    for key, (target, ok) in TARGETS.items():
        if key in RESULTS:
            v = RESULTS[key]
            lines.append(f"| `{key}` | {fmt(v)} | {target} | {'yes' if ok(v) else '**no**'} |")
        else:
            lines.append(f"| `{key}` | not measured{' (--quick)' if quick else ''} | {target} | — |")
    lines += ["", "## Every measure", "", "| measure | value | how |", "| --- | ---: | --- |"]
    for key, v in RESULTS.items():
        lines.append(f"| `{key}` | {fmt(v)} | {NOTES.get(key, '')} |")
    if PER_PAGE:
        lines += ["", "## Page reruns (AppTest)", "", "| page view | p50 ms | p95 ms |", "| --- | ---: | ---: |"]
        lines += [f"| {k} | {p50:.0f} | {p95:.0f} |" for k, (p50, p95) in PER_PAGE.items()]
    if EXTRA_NOTES:
        lines += ["", "## Notes of this run", ""] + [f"- {n}" for n in EXTRA_NOTES]
    if NOTES_FILE.exists():
        lines += ["", f"## Analysis (from `bench/{NOTES_FILE.name}`, kept by hand)", "",
                  NOTES_FILE.read_text(encoding="utf-8").strip()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


NOTES_FILE = REPO / "bench" / "notes.md"


def keep_earlier_measures(path: Path, parts: set[str]) -> None:
    """Measures of an earlier results file that this run did not take (``--only`` … ``--keep-earlier``):
    added after this run's, their note saying which run they come from."""
    import re

    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    m = re.search(r"on (\d{4}-\d\d-\d\d \d\d:\d\d) UTC", text)
    when = m.group(1) if m else "an earlier run"
    section = text.split("## Every measure", 1)[-1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        key = cells[0].strip("`")
        if key in RESULTS:
            continue
        raw = cells[1].replace(",", "")
        try:
            value: object = int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw)
        except ValueError:
            value = cells[1]
        RESULTS[key] = value
        NOTES[key] = (cells[2] + " " if cells[2] else "") + f"(earlier run of {when} UTC, not repeated)"
    EXTRA_NOTES.append(f"Measures marked 'earlier run' come from the run of {when} UTC; this run measured only: "
                       + ", ".join(sorted(parts)))


PER_PAGE: dict[str, tuple[float, float]] = {}
EXTRA_NOTES: list[str] = []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, no 16 M rows, a lighter load scenario")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    ap.add_argument("--notes", type=Path, help="a text file of notes (one per line) about this run, added to "
                    "results.md (bench/notes.md, the standing analysis, is always added)")
    ap.add_argument("--only", help="comma-separated parts: build,import,indicators,scaling,pages,server,load")
    ap.add_argument("--keep-earlier", action="store_true",
                    help="with --only: keep the measures of the parts not run from the existing results file, "
                         "each marked with the date of the run it comes from")
    args = ap.parse_args(argv)
    parts = set((args.only or "build,import,indicators,scaling,pages,server,load").split(","))
    q = args.quick
    if config.shared_data_dir().joinpath(*CBP).exists() is False:
        print(f"error: {config.shared_data_dir().joinpath(*CBP)} not found (../shared/data)", file=sys.stderr)
        return 2
    started = datetime.now(timezone.utc)
    t_start = time.perf_counter()
    load_start = os.getloadavg()
    busy0, own0 = cpu_jiffies(), own_cpu_s()
    info = machine()
    for k, v in info.items():
        print(f"machine_{k}: {v}", flush=True)
    with tempfile.TemporaryDirectory(prefix="clusterdash-bench-") as d:
        tmp = Path(d)
        built = bench_store_build(tmp, 1 if q else 3)
        cbp_db = bench_import(built, tmp, 1 if q else 3) if parts & {"import", "indicators", "pages", "server", "load"} else None
        if "indicators" in parts:
            bench_indicators(cbp_db, 5 if q else 9)
        if "scaling" in parts:
            bench_scaling(tmp, [1_000_000, 4_000_000] if q else [1_000_000, 4_000_000, 16_000_000], 3)
        if "pages" in parts:
            pdb, ws, aid = prepare_pages_store(cbp_db, tmp)
            PER_PAGE.update(bench_pages(pdb, ws, aid, 5 if q else 15))
        if "server" in parts:
            bench_server(cbp_db, tmp, 1 if q else 3)
        if "load" in parts:
            bench_load(cbp_db, tmp, q)
    seconds = time.perf_counter() - t_start
    busy1, own1 = cpu_jiffies(), own_cpu_s()
    ticks = os.sysconf("SC_CLK_TCK")
    total_s = (busy1[1] - busy0[1]) / ticks  # CPU-seconds available (all cores)
    machine_s = (busy1[0] - busy0[0]) / ticks
    own_s = own1 - own0
    busy = {
        "load_start": " / ".join(f"{x:.1f}" for x in load_start),
        "load_end": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
        "machine_pct": 100 * machine_s / total_s,
        "own_pct": 100 * min(own_s, machine_s) / total_s,
        "others_pct": 100 * max(machine_s - own_s, 0) / total_s,
    }
    print(f"machine_busy_by_others_pct: {busy['others_pct']:.0f}", flush=True)
    if args.notes and args.notes.exists():
        EXTRA_NOTES.extend(line.strip() for line in args.notes.read_text(encoding="utf-8").splitlines() if line.strip())
    if args.keep_earlier:
        keep_earlier_measures(args.out, parts)
    write_results(args.out, info, busy, q, started, seconds)
    print(f"results written to {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
