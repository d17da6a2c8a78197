"""Roles: the facilitator (passcode) and participants (participant code, or open answering).

When ``CLUSTERDASH_PASSCODE`` is set in the environment, or ``passcode`` in
``.streamlit/secrets.toml`` (top level or under ``[clusterdash]``), anyone with the link can
view; managing (create, delete, archive, reveal, open votes) needs the facilitator passcode.
Answering (assessment answers, checklist answers) needs only the participant role: the
participant code (``CLUSTERDASH_PARTICIPANT_CODE`` / ``participant_code``), or nothing at all
with open answering (``CLUSTERDASH_OPEN_ANSWERING=1`` / ``open_answering = true``), or the
participant link (a signed token, see below). Without a passcode: single-user local mode,
everyone is facilitator.

- The comparison is constant-time (HMAC-SHA-256 digests compared with ``hmac.compare_digest``,
  so neither the content nor the length of a code leaks through timing).
- Failed attempts are throttled per browser session (MAX_FAILURES in WINDOW_S, then LOCKOUT_S)
  and per client address (MAX_CLIENT_FAILURES in WINDOW_S: a reload is a new session with a new
  count, not a new address). There is no server-wide lock-out: a room of participants guessing
  must never lock the facilitator out (issue 13). Behind a proxy every client has the proxy's
  address; the client count is then shared, which is why it allows four sessions' worth. The
  machine's own browser (localhost, no address) has only the session count. The passcode must
  still be long (a guesser can change address); the facilitator's token below means they never
  need to type it again in front of the room.
- Tokens: after unlocking, a signed, expiring token (:func:`make_token`) goes into the URL
  (``&key=``), so a reload of the same browser keeps the role. The signing key is derived from
  the facilitator passcode: changing it revokes every token. The participant link carries a
  participant token (``&join=``) and never the facilitator's.
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
from collections import OrderedDict
from dataclasses import dataclass, field

from clusterdash import config
from clusterdash.errors import UserError

SECRETS_FILE = config.REPO_ROOT / ".streamlit" / "secrets.toml"
ENV_VAR = "CLUSTERDASH_PASSCODE"

PARTICIPANT_ENV_VAR = "CLUSTERDASH_PARTICIPANT_CODE"
OPEN_ENV_VAR = "CLUSTERDASH_OPEN_ANSWERING"

FACILITATOR = "facilitator"
PARTICIPANT = "participant"

MAX_FAILURES = 5  # failures allowed per session within WINDOW_S before a lock-out
# failures allowed per client address within WINDOW_S: a reload (a new session, a new count) does
# not reset it. Four times a session's, so a room behind one address (a proxy) is not stopped by
# a few typos, and one guesser reloading is stopped after 20 guesses a minute.
MAX_CLIENT_FAILURES = 4 * MAX_FAILURES
MAX_CLIENTS = 10_000  # client counts kept in memory; the least recently used go first
FACILITATOR_TOKEN_S = 12 * 3600.0  # a facilitator token (a reload keeps the role) lasts a workshop day
PARTICIPANT_TOKEN_S = 7 * 24 * 3600.0  # a participant link lasts a week
WINDOW_S = 60.0
LOCKOUT_S = 60.0


class AccessConfigError(UserError):
    """The passcode configuration cannot be read; editing stays locked."""


def configured_passcode() -> str | None:
    """The passcode, or None when none is configured. Raises AccessConfigError when the
    secrets file exists but cannot be read."""
    return _setting(ENV_VAR, "passcode")


def _setting(env_var: str, name: str) -> str | None:
    env = os.environ.get(env_var)
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
        value = data.get(name)
        if value is None and isinstance(section, dict):
            value = section.get(name)
        if isinstance(value, bool):
            value = "1" if value else ""
        if value is not None and not isinstance(value, (str, int)):
            raise AccessConfigError(f"{SECRETS_FILE.name}: {name} must be a string; changes are locked.")
        value = str(value).strip() if value is not None else ""
        return value or None
    return None


def configured_participant_code() -> str | None:
    """The participant code, or None (then participants join by link, or answering is open)."""
    try:
        return _setting(PARTICIPANT_ENV_VAR, "participant_code")
    except AccessConfigError:
        return None


def answering_open() -> bool:
    """Open answering: with a passcode configured, everyone may still answer (not manage)."""
    try:
        value = _setting(OPEN_ENV_VAR, "open_answering")
    except AccessConfigError:
        return False
    return (value or "").lower() in ("1", "true", "yes", "on")


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


class ClientThrottles:
    """One Throttle (MAX_CLIENT_FAILURES) per client address, shared by every session of this
    server process, at most ``max_clients`` of them (the least recently used are forgotten)."""

    def __init__(self, max_clients: int = MAX_CLIENTS):
        self.max_clients = max_clients
        self._by_client: OrderedDict[str, Throttle] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, client: str) -> Throttle:
        with self._lock:
            throttle = self._by_client.get(client)
            if throttle is None:
                throttle = self._by_client[client] = Throttle(max_failures=MAX_CLIENT_FAILURES)
                while len(self._by_client) > self.max_clients:
                    self._by_client.popitem(last=False)
            self._by_client.move_to_end(client)
            return throttle

    def __len__(self) -> int:
        return len(self._by_client)


CLIENTS = ClientThrottles()  # this server process's client counts


def code_role(given: str) -> str | None:
    """Which role a typed code gives: the facilitator passcode, the participant code, or None.
    Both comparisons always run (constant time whichever matches)."""
    try:
        expected = configured_passcode()
    except AccessConfigError:
        return None
    if expected is None:
        return FACILITATOR
    digest = _digest((given or "").strip())
    is_facilitator = hmac.compare_digest(digest, _digest(expected))
    participant = configured_participant_code()
    is_participant = hmac.compare_digest(digest, _digest(participant or "\0no participant code\0"))
    if is_facilitator:
        return FACILITATOR
    return PARTICIPANT if participant and is_participant else None


def try_code(given: str, throttle: Throttle, now: float | None = None,
             client: Throttle | None = None) -> tuple[str | None, str]:
    """Check a typed code against this session's throttle and, when given, its client's
    (CLIENTS.get(address): a reload starts a new session, not a new client count). Returns (the
    role it gives or None, a message for the user)."""
    try:
        configured_passcode()
    except AccessConfigError as exc:
        return None, str(exc)
    counts = [throttle] + ([client] if client is not None else [])
    wait = max(t.wait_seconds(now) for t in counts)
    if wait > 0:
        return None, f"Too many wrong attempts. Try again in {int(wait) + 1} s."
    role = code_role(given)
    if role:
        throttle.reset()
        what = "make changes" if role == FACILITATOR else "answer"
        return role, f"Unlocked: you can now {what} in this browser session."
    for t in counts:
        t.record_failure(now)
    left = throttle.max_failures - len(throttle.failures)
    if any(t.wait_seconds(now) > 0 for t in counts):
        return None, f"Wrong code. Too many wrong attempts: try again in {int(LOCKOUT_S)} s."
    return None, f"Wrong code ({left} more attempt{'s' if left != 1 else ''} before a {int(LOCKOUT_S)} s pause)."


def try_unlock(given: str, throttle: Throttle, now: float | None = None,
               client: Throttle | None = None) -> tuple[bool, str]:
    """The facilitator passcode only (see :func:`try_code`). Returns (ok, message)."""
    role, msg = try_code(given, throttle, now, client)
    if role == PARTICIPANT:
        return False, "That is the participant code: it lets you answer, not manage."
    return role == FACILITATOR, msg


# ---- signed, expiring tokens (a reload keeps the role; the participant link) ------------------

def _token_key() -> bytes | None:
    try:
        passcode = configured_passcode()
    except AccessConfigError:
        return None
    if passcode is None:
        return None
    return hashlib.sha256(b"clusterdash-token|" + passcode.encode("utf-8")).digest()


def _sign(key: bytes, role: str, expires: int) -> str:
    return hmac.new(key, f"{role}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def make_token(role: str, now: float | None = None, ttl: float | None = None) -> str | None:
    """A token for ``role`` valid for ``ttl`` seconds ('f1767225600.<sig>'); None without a passcode."""
    key = _token_key()
    if key is None or role not in (FACILITATOR, PARTICIPANT):
        return None
    now = time.time() if now is None else now
    ttl = (FACILITATOR_TOKEN_S if role == FACILITATOR else PARTICIPANT_TOKEN_S) if ttl is None else ttl
    expires = int(now + ttl)
    return f"{role[0]}{expires}.{_sign(key, role, expires)}"


def token_role(token: str | None, now: float | None = None) -> str | None:
    """The role a token gives, or None (malformed, forged, expired, or signed with another passcode)."""
    key = _token_key()
    if key is None or not token or not isinstance(token, str) or len(token) > 64:
        return None
    head, _, sig = token.partition(".")
    role = {"f": FACILITATOR, "p": PARTICIPANT}.get(head[:1])
    if role is None or not head[1:].isdigit():
        return None
    expires = int(head[1:])
    if not hmac.compare_digest(sig.encode(), _sign(key, role, expires).encode()):
        return None
    now = time.time() if now is None else now
    return role if now < expires else None
