"""Errors the user can act on. Their messages name the file, row and field where it matters;
pages show them as they are (never as an exception trace).

:class:`UserError` keeps its message readable whatever the input: a value longer than
:data:`MAX_RUN` characters without a space (a 5,000-digit number, a pasted blob) is shown by its
start, "…" and its length, and the whole message is cut at :data:`MAX_MESSAGE` characters.

:func:`user_message` turns *any* exception into one plain sentence for a person (the app-wide
error handler and the command line use it): what went wrong in words, never a traceback or a
server path; unexpected errors say that the details are in the server's log.
"""

from __future__ import annotations

import errno
import re

MAX_RUN = 60  # characters of one space-free value shown in a message
MAX_MESSAGE = 1500  # characters of a whole message
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))


def shorten(text: str, limit: int = MAX_RUN) -> str:
    """``text`` as it is up to ``limit`` characters, else its start, "…" and its length."""
    text = str(text)
    if len(text) <= limit:
        return text
    if "/" in text[-limit:]:  # a long path: its end names the file
        return f"…{text[-(limit - 1):]}"
    return f"{text[: max(limit - 20, 10)]}… ({len(text):,} characters)"


def tidy_message(message: str) -> str:
    """A message with over-long values shortened (see the module docstring)."""
    def short(m: re.Match) -> str:
        run = m.group(0)
        core = run.rstrip("'\")]};:,.")  # keep the closing quote/bracket of a repr'd value
        return shorten(core) + run[len(core):] if len(core) > MAX_RUN else run

    out = _LONG_RUN.sub(short, message)
    if len(out) > MAX_MESSAGE:
        out = out[: MAX_MESSAGE - 1] + "…"
    return out


class UserError(Exception):
    """Base class: a problem with input or environment that the user can fix."""

    def __init__(self, message="", *args):
        if isinstance(message, str):
            message = tidy_message(message)
        super().__init__(message, *args)


class TextConflict(UserError):
    """A text was saved against an outdated version: someone else saved the same field after the
    writer's page had loaded it. Nothing was written over their text; the refused text is kept in
    the change history. Carries both texts and who saved theirs, and when (UTC)."""

    def __init__(self, *, what: str, field: str, mine, theirs, loaded=None, changed_by: str | None = None,
                 changed_at=None):
        self.what, self.field = what, field
        self.mine, self.theirs, self.loaded = mine, theirs, loaded
        self.changed_by, self.changed_at = changed_by, changed_at
        who = changed_by or "someone else"
        when = f" at {changed_at:%H:%M} UTC" if hasattr(changed_at, "strftime") else ""
        super().__init__(f"{what}, {field}: {who} saved a different text{when} after your page had loaded it. "
                         "Yours was not saved over it: it is kept in the change history.")


def is_disk_full(exc: BaseException) -> bool:
    """True for a full disk, whichever layer reports it (OSError ENOSPC, DuckDB's IOException)."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "no space left on device" in str(e).lower() or "disk quota exceeded" in str(e).lower():
            return True
    return False


def is_lock_conflict(exc: BaseException) -> bool:
    """True when another process holds the store (DuckDB: 'Could not set lock on file')."""
    return any("could not set lock" in str(e).lower() or "conflicting lock" in str(e).lower() for e in _chain(exc))


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def user_message(exc: BaseException, *, details: str = "the details are in the server log") -> str:
    """One sentence for a person about ``exc`` (no traceback, no server path); ``details`` says
    where the traceback can be found, for errors nobody expected."""
    if isinstance(exc, UserError):
        return str(exc)
    if is_disk_full(exc):
        return ("The disk that holds the store is full (no space left on device). Free some space on the "
                "server; the store itself is unharmed.")
    if is_lock_conflict(exc):
        return ("The store is open in another process (is the dashboard or a command running?). Stop that "
                "process or try again in a moment.")
    if isinstance(exc, RecursionError):
        return "The input is nested too deeply to be read (thousands of brackets inside each other)."
    if isinstance(exc, MemoryError):
        return "The server ran out of memory for this; try a smaller file or fewer rows."
    if isinstance(exc, PermissionError):
        name = getattr(exc, "filename", None)
        where = f" {shorten(str(name).rsplit('/', 1)[-1], 40)}" if name else ""
        return f"The server has no permission to read or write the file{where}."
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"The server could not read or write a file ({exc.strerror or 'input/output error'})."
    if type(exc).__name__ in ("IOException", "TransactionException", "FatalException", "InternalException"):
        return f"The store could not complete this (a storage error); {details}."
    return f"Something unexpected went wrong ({type(exc).__name__}); {details}."
