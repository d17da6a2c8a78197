"""The facilitator's countdown timer of the workshop room (issue 13 item 4). Pure Python.

A countdown is three numbers: its duration, the seconds left while it is not running, and —
while it runs — the moment it ends (UTC). Only the end is stored while it runs, so every
browser computes the time left itself and a reload or another device shows the same time.
States: ``idle`` (not started, the whole duration left), ``running``, ``paused`` (stopped with
time left) and ``done`` (no time left)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from clusterdash.errors import UserError

IDLE, RUNNING, PAUSED, DONE = "idle", "running", "paused", "done"
STATE_LABELS = {IDLE: "Not started", RUNNING: "Running", PAUSED: "Paused", DONE: "Time is up"}
DEFAULT_MINUTES = 5
MAX_MINUTES = 180
ROOM = "room"  # the scope of the one timer of a workspace's room (vote page, assessment workshop)


@dataclass(frozen=True)
class Countdown:
    duration_s: int
    left_s: int  # seconds left while not running
    ends_at: datetime | None = None  # UTC (naive) while running

    @property
    def is_running(self) -> bool:
        return self.ends_at is not None


def check_minutes(minutes) -> int:
    """The duration in seconds of ``minutes`` (a number, fractions allowed), 1 s to MAX_MINUTES."""
    try:
        m = float(minutes)
    except (TypeError, ValueError):
        raise UserError("Timer: the minutes must be a number.") from None
    if not math.isfinite(m) or m <= 0 or m > MAX_MINUTES:
        raise UserError(f"Timer: between a few seconds and {MAX_MINUTES} minutes.")
    return max(1, round(m * 60))


def fresh(duration_s: int) -> Countdown:
    return Countdown(int(duration_s), int(duration_s), None)


def remaining(c: Countdown, now: datetime) -> int:
    """Whole seconds left at ``now`` (rounded up: 0 only when the time is up)."""
    if c.ends_at is None:
        return max(0, int(c.left_s))
    return max(0, math.ceil((c.ends_at - now).total_seconds()))


def state(c: Countdown, now: datetime) -> str:
    left = remaining(c, now)
    if left == 0:
        return DONE
    if c.is_running:
        return RUNNING
    return IDLE if left >= c.duration_s else PAUSED


def start(c: Countdown, now: datetime) -> Countdown:
    """Run from the time left (from the whole duration when the time was up); running stays running."""
    if state(c, now) == RUNNING:
        return c
    left = remaining(c, now) or c.duration_s
    return Countdown(c.duration_s, left, now + timedelta(seconds=left))


def pause(c: Countdown, now: datetime) -> Countdown:
    """Stop with the time left kept (whole seconds, rounded down: a pause after any time has run
    is a pause, not "not started"); a timer that is not running is unchanged."""
    if c.ends_at is None:
        return c
    left = max(0, math.floor((c.ends_at - now).total_seconds()))
    return replace(c, left_s=min(left, c.duration_s), ends_at=None)


def reset(c: Countdown, duration_s: int | None = None) -> Countdown:
    """Back to not started, with ``duration_s`` (or the same duration)."""
    return fresh(c.duration_s if duration_s is None else duration_s)


def clock(seconds: int) -> str:
    """'4:05', or '1:02:03' from an hour on."""
    s = max(0, int(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
