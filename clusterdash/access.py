"""Optional facilitator passcode.

When ``CLUSTERDASH_PASSCODE`` is set in the environment, or ``passcode`` in
``.streamlit/secrets.toml`` (top level or under ``[clusterdash]``), anyone with the link can
view, and changing anything asks for the passcode once per browser session. Unset:
single-user local mode, everyone may edit.

- The comparison is constant-time (HMAC-SHA-256 digests compared with ``hmac.compare_digest``,
  so neither the content nor the length of the passcode leaks through timing).
- Failed attempts are throttled twice: per browser session (MAX_FAILURES in WINDOW_S, then
  LOCKOUT_S) and for the whole server (SERVER_MAX_FAILURES in WINDOW_S, then LOCKOUT_S), so
  opening new sessions does not give an attacker more guesses.
- A secrets file that cannot be read fails *closed*: editing stays locked and the reason is
  shown, instead of silently running without a passcode.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
import tomllib
from dataclasses import dataclass, field

from clusterdash import config
from clusterdash.errors import UserError

SECRETS_FILE = config.REPO_ROOT / ".streamlit" / "secrets.toml"
ENV_VAR = "CLUSTERDASH_PASSCODE"

MAX_FAILURES = 5  # failures allowed per session within WINDOW_S before a lock-out
SERVER_MAX_FAILURES = 20  # failures allowed over all sessions within WINDOW_S
WINDOW_S = 60.0
LOCKOUT_S = 60.0


class AccessConfigError(UserError):
    """The passcode configuration cannot be read; editing stays locked."""


def configured_passcode() -> str | None:
    """The passcode, or None when none is configured. Raises AccessConfigError when the
    secrets file exists but cannot be read."""
    env = os.environ.get(ENV_VAR)
    if env and env.strip():
        return env.strip()
    if SECRETS_FILE.exists():
        try:
            data = tomllib.loads(SECRETS_FILE.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise AccessConfigError(
                f"{SECRETS_FILE.name} cannot be read ({exc}); changes are locked until it is fixed."
            ) from None
        section = data.get("clusterdash")
        value = data.get("passcode")
        if value is None and isinstance(section, dict):
            value = section.get("passcode")
        if value is not None and not isinstance(value, (str, int)):
            raise AccessConfigError(f"{SECRETS_FILE.name}: passcode must be a string; changes are locked.")
        value = str(value).strip() if value is not None else ""
        return value or None
    return None


def passcode_configured() -> bool:
    """Whether changes need the passcode (True also when the configuration is broken)."""
    try:
        return configured_passcode() is not None
    except AccessConfigError:
        return True


def _digest(text: str) -> bytes:
    return hmac.new(b"clusterdash-passcode", text.encode("utf-8"), hashlib.sha256).digest()


def passcode_matches(given: str) -> bool:
    """Constant-time check of an attempt. False when the configuration is broken."""
    try:
        expected = configured_passcode()
    except AccessConfigError:
        return False
    if expected is None:
        return True
    return hmac.compare_digest(_digest((given or "").strip()), _digest(expected))


@dataclass
class Throttle:
    """Counts failed attempts; after ``max_failures`` within WINDOW_S, refuses for LOCKOUT_S."""

    max_failures: int = MAX_FAILURES
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def wait_seconds(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        return max(0.0, self.locked_until - now)

    def record_failure(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self.failures = [t for t in self.failures if now - t < WINDOW_S] + [now]
            if len(self.failures) >= self.max_failures:
                self.locked_until = now + LOCKOUT_S
                self.failures = []

    def reset(self) -> None:
        with self._lock:
            self.failures = []
            self.locked_until = 0.0


# One throttle for the whole server process: shared by every browser session.
SERVER_THROTTLE = Throttle(max_failures=SERVER_MAX_FAILURES)


def try_unlock(given: str, throttle: Throttle, now: float | None = None,
               server_throttle: Throttle | None = None) -> tuple[bool, str]:
    """Check a passcode attempt against the session's and the server's throttle.
    Returns (ok, message for the user)."""
    server = SERVER_THROTTLE if server_throttle is None else server_throttle
    try:
        configured_passcode()
    except AccessConfigError as exc:
        return False, str(exc)
    wait = max(throttle.wait_seconds(now), server.wait_seconds(now))
    if wait > 0:
        return False, f"Too many wrong attempts. Try again in {int(wait) + 1} s."
    if passcode_matches(given):
        throttle.reset()  # the server-wide count is left alone: others' failures still count
        return True, "Unlocked: you can now make changes in this browser session."
    throttle.record_failure(now)
    server.record_failure(now)
    left = throttle.max_failures - len(throttle.failures)
    if throttle.wait_seconds(now) > 0 or server.wait_seconds(now) > 0:
        return False, f"Wrong passcode. Too many wrong attempts: try again in {int(LOCKOUT_S)} s."
    return False, f"Wrong passcode ({left} more attempt{'s' if left != 1 else ''} before a {int(LOCKOUT_S)} s pause)."
