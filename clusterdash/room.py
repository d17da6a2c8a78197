"""Joining a workshop room: short join codes and QR codes (issue 13 item 1). Pure Python.

A join code names a workspace, or one assessment in it: six characters from an alphabet without
look-alikes (no 0/O, 1/I/L), derived from the ids (a digest), so it needs no table and is the
same on every server run. Typed codes are forgiving: case, spaces and dashes do not matter, and
the look-alikes are read as the letter they resemble. :func:`resolve` finds the code among the
workspaces and assessments that exist; :func:`join_target` where the participant then goes.

The QR code is made locally with ``segno`` (no network): an SVG to show large on the projector.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Iterable
from urllib.parse import urlencode, urlsplit, urlunsplit

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters: no 0 O 1 I L
CODE_LENGTH = 6
_READ_AS = {"0": "Q", "O": "Q", "1": "J", "I": "J", "L": "J"}  # never produced: map look-alikes somewhere fixed


def join_code(workspace_id: str, assessment_id: str | None = None) -> str:
    """The join code of a workspace (or of one assessment in it), e.g. 'K7P2QX'."""
    digest = hashlib.sha256(f"clusterdash-join|{workspace_id}|{assessment_id or ''}".encode("utf-8")).digest()
    n = int.from_bytes(digest[:8], "big")
    out = []
    for _ in range(CODE_LENGTH):
        n, r = divmod(n, len(ALPHABET))
        out.append(ALPHABET[r])
    return "".join(out)


def display_code(code: str) -> str:
    """'K7P2QX' -> 'K7P-2QX' (easier to read aloud and to type)."""
    return f"{code[:3]}-{code[3:]}" if len(code) == CODE_LENGTH else code


def normalise_code(text) -> str:
    """What someone typed, as a code: upper case, only letters and digits, look-alikes mapped."""
    s = "".join(ch for ch in str(text or "").upper() if ch.isalnum())
    return "".join(_READ_AS.get(ch, ch) for ch in s)[: CODE_LENGTH * 2]


def resolve(text, candidates: Iterable[tuple[str, str | None]]) -> tuple[str, str | None] | None:
    """The (workspace id, assessment id or None) whose join code was typed, among ``candidates``;
    None when no candidate has it."""
    code = normalise_code(text)
    if len(code) != CODE_LENGTH:
        return None
    for ws, aid in candidates:
        if join_code(ws, aid) == code:
            return ws, aid
    return None


def join_target(assessment_id: str | None, open_votes: Iterable[str]) -> tuple[str, str | None]:
    """Where a participant who joined goes: ('assessment', id) when the code names an assessment;
    else ('vote', id) when the workspace has exactly one open vote; else ('checklists', None)."""
    if assessment_id:
        return "assessment", assessment_id
    votes = list(open_votes)
    if len(votes) == 1:
        return "vote", votes[0]
    return "checklists", None


def is_loopback_url(url: str | None) -> bool:
    """Whether a URL points at this machine only (127.0.0.1, localhost, ::1): useless for phones."""
    host = urlsplit(url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def with_host(url: str, host: str) -> str:
    """``url`` with another host (the port kept)."""
    parts = urlsplit(url)
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def join_url(base_url: str, code: str, **extra) -> str:
    """The participant link: ``<base>/join?code=...`` (plus e.g. the participant token)."""
    base = base_url.rstrip("/")
    query = urlencode({"code": code, **{k: v for k, v in extra.items() if v}})
    return f"{base}/join?{query}"


def qr_svg(data: str, *, scale: int = 10) -> str:
    """A QR code of ``data`` as an SVG document (black on white, quiet zone kept), made locally."""
    import segno

    qr = segno.make(data, error="m", micro=False)
    return qr.svg_inline(scale=scale, dark="#000000", light="#ffffff", border=4)


def who_line(counts: dict[str, int], *, label: str = "Answered so far", anonymous: bool = False) -> str:
    """Who has answered, and how often, for the room board: 'Answered so far (2): Anna (3) · Bob (1)'
    in the order given; only the number of people when ``anonymous``."""
    people = [(str(k), int(v)) for k, v in counts.items() if str(k).strip() and int(v) > 0]
    if not people:
        return f"{label}: nobody yet"
    if anonymous:
        return f"{label}: {len(people)} (anonymous)"
    return f"{label} ({len(people)}): " + " · ".join(f"{name} ({n})" for name, n in people)
