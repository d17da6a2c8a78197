"""User text made safe for the place it lands (pure Python, no Streamlit).

Anything a person typed — a team member's name, a note, a currency, a workspace name, the name of
a region in an uploaded file — is shown literally, whatever it contains: no image is fetched, no
link or heading appears, no HTML runs, no name is spoofed by invisible characters.

One escaper per kind of place:

* :func:`plain` — text rendered as Markdown by Streamlit (``st.markdown``, ``st.caption``,
  ``st.subheader``, ``st.error``/``st.info``…, ``st.toast``, ``help=`` tooltips). Every Markdown
  punctuation character is backslash-escaped (``=`` too: a line of ``===`` under a name would make
  it a heading; ``&`` too: an entity such as ``&#x202E;`` would decode), bare URLs, ``www.`` and
  e-mail addresses are broken with an invisible word joiner so they are not auto-linked, and
  leading indentation is dropped (it would start a code block).
* :func:`plain_label` — a one-line label rendered as Markdown (tab, expander, popover, button and
  radio labels, ``format_func`` of choice widgets that render Markdown, metric labels): like
  :func:`plain`, on one line, shortened to ``max_chars``.
* :func:`html_text` — text put into HTML: the printable briefs, pydeck tooltip templates (deck.gl
  puts the object's fields into the tooltip as HTML).
* :func:`plotly_text` — text in Plotly titles, axis titles, legend names, annotations and hover
  labels (Plotly reads a subset of HTML, ``<a href>`` included, in all of them).
* :func:`label_text` — a short one-line text for places that show text as it is (selectbox options,
  dataframe cells, ``st.text``): invisible characters removed, shortened, nothing escaped.

Every escaper first applies :func:`clean_invisible`: right-to-left overrides and the other bidi
controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and zero-width characters
(U+200B, U+2060–U+2064, U+FEFF, U+180E, soft hyphen, invisible "tag" characters) are removed;
a zero-width joiner or non-joiner is kept only between two non-ASCII letters or symbols, where
Persian, Indic scripts and emoji sequences need it. Control characters become spaces.
"""

from __future__ import annotations

import html
import re

# ---- invisible characters ----------------------------------------------------------------------

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_ZERO_WIDTH = "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad\u034f\u115f\u1160\u3164\uffa0"
_DROP = re.compile("[" + _BIDI + _ZERO_WIDTH + "\U000e0000-\U000e007f]")
_JOINERS = re.compile("[\u200c\u200d]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
WORD_JOINER = "\u2060"  # what the escapers insert to break an auto-link (never left by clean_invisible)


def _keep_joiner(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(before and after and ord(before) > 127 and ord(after) > 127
                and not before.isspace() and not after.isspace())


def clean_invisible(text) -> str:
    """``text`` without bidi controls, zero-width and control characters (see the module docstring);
    ``\\r\\n`` and ``\\r`` become ``\\n``, tabs and other controls spaces."""
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    s = _CONTROL.sub(" ", s)
    s = _DROP.sub("", s)
    if "\u200c" in s or "\u200d" in s:
        s = "".join(ch for i, ch in enumerate(s) if not (_JOINERS.match(ch) and not _keep_joiner(s, i)))
    return s


def shorten(text: str, max_chars: int | None) -> str:
    if max_chars is None or len(text) <= max_chars:
        return text
    return text[: max(max_chars - 1, 1)].rstrip() + "…"


def one_line(text) -> str:
    return " ".join(clean_invisible(text).split())


# ---- Markdown -----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&^])")


def _break_autolinks(escaped: str) -> str:
    # after escaping, "://" reads "\\://" ("/" is not escaped) and "www." reads "www\\."
    escaped = escaped.replace("\\://", "\\:" + WORD_JOINER + "//")
    escaped = re.sub(r"(?i)(www)(\\\.)", lambda m: m.group(1) + WORD_JOINER + m.group(2), escaped)
    return escaped.replace("@", "@" + WORD_JOINER)


def plain(text) -> str:
    """Escape Markdown so user text shows literally inside st.markdown / st.caption / st.error /
    st.toast / ``help=`` (line breaks are kept as line breaks)."""
    s = clean_invisible(text)
    s = re.sub(r"(?m)^[ ]+", "", s)  # indentation would start a code block
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _break_autolinks(s)
    return s.replace("\n", "  \n")  # a line break stays a line break (never a new block)


def plain_label(text, max_chars: int | None = 120) -> str:
    """One line of user text for a label rendered as Markdown (tabs, expanders, buttons, radio
    options, metric labels): whitespace collapsed, shortened to ``max_chars`` with "…", escaped."""
    return plain(shorten(one_line(text), max_chars))


def label_text(text, max_chars: int | None = 120) -> str:
    """One line of user text for places that show text as it is (selectbox options, table cells):
    invisible characters removed, whitespace collapsed, shortened; nothing escaped."""
    return shorten(one_line(text), max_chars)


# ---- HTML, Plotly, pydeck -----------------------------------------------------------------------

def html_text(text, max_chars: int | None = None) -> str:
    """User text for HTML (printable briefs, pydeck tooltips): invisible characters removed,
    ``< > & " '`` as entities. Line breaks are kept (``<br>`` is the caller's choice)."""
    return html.escape(shorten(clean_invisible(text), max_chars), quote=True)


def plotly_text(text, max_chars: int | None = 200) -> str:
    """User text for Plotly (titles, axis titles, legend, annotations, hover labels and values
    inserted into hover templates): HTML-escaped on one line, ``%{`` broken so that text put into
    a hover template is never read as a template field, shortened to ``max_chars``."""
    s = html.escape(shorten(one_line(text), max_chars), quote=True)
    return s.replace("%{", "%" + WORD_JOINER + "{")
