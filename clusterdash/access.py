"""Optional facilitator passcode.

When ``CLUSTERDASH_PASSCODE`` is set in the environment, or ``passcode`` in
``.streamlit/secrets.toml``, anyone with the link can view, and changing anything asks for
the passcode once per browser session. Unset: single-user local mode, everyone may edit.

Comparison is constant-time; failed attempts are throttled per session.
"""

from __future__ import annotations

import hmac
import os
import time
import tomllib
from dataclasses import dataclass, field

from clusterdash import config

SECRETS_FILE = config.REPO_ROOT / ".streamlit" / "secrets.toml"

MAX_FAILURES = 5  # failures allowed within WINDOW_S before a lock-out
WINDOW_S = 60.0
LOCKOUT_S = 60.0


def configured_passcode() -> str | None:
    env = os.environ.get("CLUSTERDASH_PASSCODE")
    if env:
        return env
    if SECRETS_FILE.exists():
        try:
            data = tomllib.loads(SECRETS_FILE.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            return None
        value = data.get("passcode") or data.get("clusterdash", {}).get("passcode")
        return str(value) if value else None
    return None


def passcode_configured() -> bool:
    return configured_passcode() is not None


def passcode_matches(given: str) -> bool:
    expected = configured_passcode()
    if expected is None:
        return True
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass
class Throttle:
    """Counts failed attempts; after MAX_FAILURES within WINDOW_S, refuses for LOCKOUT_S."""

    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0

    def wait_seconds(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        return max(0.0, self.locked_until - now)

    def record_failure(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.failures = [t for t in self.failures if now - t < WINDOW_S] + [now]
        if len(self.failures) >= MAX_FAILURES:
            self.locked_until = now + LOCKOUT_S
            self.failures = []

    def reset(self) -> None:
        self.failures = []
        self.locked_until = 0.0


def try_unlock(given: str, throttle: Throttle, now: float | None = None) -> tuple[bool, str]:
    """Check a passcode attempt. Returns (ok, message for the user)."""
    wait = throttle.wait_seconds(now)
    if wait > 0:
        return False, f"Too many wrong attempts. Try again in {int(wait) + 1} s."
    if passcode_matches(given):
        throttle.reset()
        return True, "Unlocked: you can now make changes in this browser session."
    throttle.record_failure(now)
    return False, "Wrong passcode."
