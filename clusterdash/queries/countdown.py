"""The workshop room's countdown timer (table countdown; migration v014). The rules are in
clusterdash.countdown (pure); each change is read, applied and written in one transaction."""

from __future__ import annotations

from typing import Callable

from clusterdash import countdown
from clusterdash.queries.common import fetch_row, utcnow, write_in_workspace
from clusterdash.store import Store


def _from_row(row: dict | None) -> countdown.Countdown:
    if row is None:
        return countdown.fresh(countdown.DEFAULT_MINUTES * 60)
    return countdown.Countdown(int(row["duration_s"]), int(row["left_s"]), row["ends_at"])


def get_countdown(store: Store, workspace_id: str, scope: str = countdown.ROOM) -> countdown.Countdown:
    """The timer as stored (not started, DEFAULT_MINUTES, when never set)."""
    rows = store.rows("SELECT duration_s, left_s, ends_at FROM countdown WHERE workspace_id = ? AND scope = ?",
                      [workspace_id, scope])
    return _from_row(dict(rows[0]) if rows else None)


def _change(store: Store, workspace_id: str, scope: str, fn: Callable, changed_by: str | None):
    def apply(cur):
        now = utcnow()
        old = _from_row(fetch_row(cur, "SELECT duration_s, left_s, ends_at FROM countdown WHERE workspace_id = ? "
                                  "AND scope = ?", [workspace_id, scope]))
        new = fn(old, now)
        cur.execute("INSERT OR REPLACE INTO countdown (workspace_id, scope, duration_s, left_s, ends_at, changed_by, "
                    "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [workspace_id, scope, new.duration_s, new.left_s, new.ends_at, changed_by, now])
        return new

    return write_in_workspace(store, workspace_id, apply)


def start_countdown(store: Store, workspace_id: str, scope: str = countdown.ROOM, *, minutes=None,
                    changed_by: str | None = None) -> countdown.Countdown:
    """Start (or resume) the timer; ``minutes`` sets a new duration first when it is not started."""
    seconds = None if minutes is None else countdown.check_minutes(minutes)

    def fn(c, now):
        if seconds is not None and countdown.state(c, now) in (countdown.IDLE, countdown.DONE):
            c = countdown.fresh(seconds)
        return countdown.start(c, now)

    return _change(store, workspace_id, scope, fn, changed_by)


def pause_countdown(store: Store, workspace_id: str, scope: str = countdown.ROOM, *,
                    changed_by: str | None = None) -> countdown.Countdown:
    return _change(store, workspace_id, scope, countdown.pause, changed_by)


def reset_countdown(store: Store, workspace_id: str, scope: str = countdown.ROOM, *, minutes=None,
                    changed_by: str | None = None) -> countdown.Countdown:
    """Back to not started, with ``minutes`` (or the same duration)."""
    seconds = None if minutes is None else countdown.check_minutes(minutes)
    return _change(store, workspace_id, scope, lambda c, now: countdown.reset(c, seconds), changed_by)
