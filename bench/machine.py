"""What else the machine is doing while a timed browser test runs (Linux /proc only).

A bound on a delay (the room board shows an answer within 3 s) means something only when the
machine was not busy with other work: on a shared development machine other agents' test runs
drive the load to 20-50 on 2 cores. ``OtherWork`` samples, twice a second, how many threads
*outside this process's tree* (not this test, its browsers or its server) were running or
waiting for a core. The test asserts its bound when that stayed below the cores; so a slow
ClusterDash (server or browser pages, all in this tree) can never excuse itself.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


def _stat(path: Path) -> tuple[int, str] | None:
    """(ppid, state) of one /proc/<pid>/stat or task stat file; None when it is gone."""
    try:
        text = path.read_text()
    except OSError:
        return None
    rest = text[text.rfind(")") + 2:].split()  # the command name may hold spaces and parentheses
    return int(rest[1]), rest[0]


def _descendants(root: int, parents: dict[int, int]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = {root}, [root]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def running_elsewhere(root: int | None = None) -> int:
    """Threads in state R (running or runnable) in processes outside ``root``'s tree, now."""
    root = os.getpid() if root is None else root
    parents: dict[int, int] = {}
    for d in PROC.iterdir():
        if d.name.isdigit():
            st = _stat(d / "stat")
            if st:
                parents[int(d.name)] = st[0]
    ours = _descendants(root, parents)
    n = 0
    for pid in parents.keys() - ours:
        try:
            tasks = list((PROC / str(pid) / "task").iterdir())
        except OSError:
            continue
        for t in tasks:
            st = _stat(t / "stat")
            n += bool(st and st[1] == "R")
    return n


class OtherWork:
    """A sampler thread: ``with OtherWork() as w: ...``; then ``w.mean`` (threads of other work
    wanting a core, on average) and ``w.quiet`` (that mean below the machine's cores)."""

    def __init__(self, every_s: float = 0.5):
        self.every_s = every_s
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="other-work", daemon=True)

    def _run(self) -> None:
        root = os.getpid()
        while not self._stop.wait(self.every_s):
            self.samples.append(running_elsewhere(root))

    def __enter__(self) -> OtherWork:
        if PROC.joinpath("self", "stat").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def mean(self) -> float:
        return sum(self.samples) / len(self.samples) if self.samples else 0.0

    @property
    def quiet(self) -> bool:
        """Other work wanted less than the machine's cores, on average (no samples: not Linux, so
        nothing is known, and the bound is checked)."""
        return self.mean < (os.cpu_count() or 1)

    def __str__(self) -> str:
        peak = max(self.samples, default=0)
        return f"other work: {self.mean:.2f} threads wanting a core on average (peak {peak}, {len(self.samples)} samples)"
