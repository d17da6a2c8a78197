"""clusterdash.safe_text, without a browser (the browser proof is tests/browser/test_escaping_probe.py):
every Markdown character escaped, auto-links broken, invisible characters gone, HTML/Plotly text
entity-escaped; what is shown reads back as what was typed."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from clusterdash import safe_text as s
from clusterdash.safe_text import WORD_JOINER

PUNCT = "\\`*_{}[]()#+-.!|<>~$:=&^"
ALPHABET = PUNCT + "ab1 \n\t\r@/w'\"%\u202e\u200b\u2067\u200d\u00e9\u0627\U0001f600"


def unescape_md(out: str) -> str:
    out = out.replace("  \n", "\n").replace(WORD_JOINER, "")
    return re.sub(r"\\(.)", r"\1", out)


@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_plain_escapes_everything_and_reads_back(text):
    out = s.plain(text)
    # every Markdown punctuation character is escaped (preceded by an odd run of backslashes)
    for m in re.finditer(r"(\\*)([%s])" % re.escape(PUNCT.replace("\\", "")), out):
        assert len(m.group(1)) % 2 == 1, (text, out)
    assert "://" not in out.replace("\\", "") or ":" + WORD_JOINER in out
    assert not re.search(r"(?i)www\\?\.", out.replace(WORD_JOINER + "\\.", "")), out
    assert not re.search(r"@[^" + WORD_JOINER + "]", out), out
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b\ufeff\t\r]", out)
    assert not re.search(r"(?m)^ ", out.replace("  \n", "\n"))
    want = re.sub(r"(?m)^ +", "", s.clean_invisible(text))
    assert unescape_md(out) == want


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.text(alphabet=ALPHABET, max_size=300))
def test_labels_are_one_line_and_short(text):
    out = s.plain_label(text, 50)
    assert "\n" not in out and len(unescape_md(out)) <= 50
    assert "\n" not in s.label_text(text) and len(s.label_text(text, 20)) <= 20


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_html_and_plotly_text_hold_no_markup(text):
    for out in (s.html_text(text), s.plotly_text(text)):
        assert not re.search(r"[<>\"']", out)
        assert not re.search(r"&(?!(amp|lt|gt|quot|#x27);)", out), out
    assert html.unescape(s.html_text(text)) == s.clean_invisible(text)
    assert "%{" not in s.plotly_text(text)


def test_the_issue_cases():
    assert s.plain("Anna\n===") == "Anna  \n\\=\\=\\="  # no setext heading
    assert s.plain("![](/zz.png)") == "\\!\\[\\]\\(/zz\\.png\\)"
    assert s.plain("http://x.io") == "http\\:" + WORD_JOINER + "//x\\.io"
    assert s.plain("evil\u202etxt.exe") == "eviltxt\\.exe"
    assert s.plain("&#x202E;") == "\\&\\#x202E;"
    assert s.html_text("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert s.plotly_text('<a href="http://x">y</a>') == "&lt;a href=&quot;http://x&quot;&gt;y&lt;/a&gt;"
    assert s.plain(None) == "" and s.plain(3.5) == "3\\.5"


def test_joiners_kept_where_scripts_need_them():
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ between Persian letters
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert s.clean_invisible(persian) == persian and s.clean_invisible(family) == family
    assert s.clean_invisible("An\u200dna") == "Anna" and s.clean_invisible("\u200dx") == "x"
    assert s.label_text("a\u0000b\x1bc") == "a b c"
