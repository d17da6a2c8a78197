"""AppTest helpers for widgets that save as you go (clusterdash.ui.autosave).

Such a widget's key is its base key plus the stored value's version (``base|v<digest>``), or,
for a field that adds rows, a generation (``base|n<k>``): tests find it by its base key.
"""

from __future__ import annotations

import re

_SUFFIX = r"\|(?:v[0-9a-f]{12}|n\d+)"


def widget(at, kind: str, base_key: str):
    """The one widget of ``kind`` ("text_input", "segmented_control", …) of AppTest (or block)
    ``at`` whose key is ``base_key`` plus a version or generation. Fails unless exactly one matches."""
    pattern = re.compile(re.escape(base_key) + _SUFFIX)
    found = [w for w in getattr(at, kind) if w.key and pattern.fullmatch(w.key)]
    assert len(found) == 1, (kind, base_key, [w.key for w in getattr(at, kind)][:20])
    return found[0]


def widgets(at, kind: str, prefix: str) -> list:
    """Every widget of ``kind`` whose base key starts with ``prefix``."""
    return [w for w in getattr(at, kind) if w.key and w.key.startswith(prefix) and re.search(_SUFFIX + "$", w.key)]


def unescaped(text: str) -> str:
    """Markdown text as a reader sees it: ui.plain()'s backslash escapes, its invisible word joiners
    (which break auto-links) and its hard line breaks undone."""
    text = text.replace("  \n", "\n").replace("\u2060", "")
    return re.sub(r"\\(.)", r"\1", text)


def shown(elements) -> list[str]:
    """The text of AppTest message elements (at.error, at.success, at.toast…) as a reader sees it."""
    return [unescaped(e.value) for e in elements]


def base_key(key: str) -> str:
    """A widget key without its version or generation."""
    return re.sub(_SUFFIX + "$", "", key)


def css_class(key: str) -> str:
    """The CSS class Streamlit gives an element with this key (st-key-<key>, other characters as '-')."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def versioned_css(base: str) -> str:
    """A CSS selector for the element of a save-as-you-go widget with this base key (browser tests)."""
    return f'[class*="{css_class(base)}-v"]'
