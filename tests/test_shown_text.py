"""The places the hostile walk found showing bidi/zero-width characters (issue #15, item 1), fixed
with one escaper per place: every Plotly text of the statistics and analysis charts goes through
safe_text.plotly_text (charts/stats.py no longer has its own), and a table shows
ui.output.shown_frame's copy (invisible characters removed) while its CSV keeps the stored text.
The browser proof is tests/browser/test_hostile_walk.py."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from clusterdash import safe_text
from clusterdash.charts import analysis as analysis_chart
from clusterdash.charts import stats as stats_chart
from clusterdash.export import csv_bytes
from clusterdash.ui.output import shown_frame

REPO = Path(__file__).resolve().parents[1]
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\ufeff\u2060]")
SPOOF = "evil\u202etxt.exe \u200bzq\u2067x\u2069"


def test_one_plotly_escaper():
    assert stats_chart.plotly_text is safe_text.plotly_text
    assert analysis_chart.esc is safe_text.plotly_text
    defs = [p.relative_to(REPO).as_posix() for p in (REPO / "clusterdash").rglob("*.py")
            if re.search(r"^def plotly_text\b", p.read_text(encoding="utf-8"), re.M)]
    assert defs == ["clusterdash/safe_text.py"]


def test_chart_text_holds_no_invisible_character():
    out = stats_chart.plotly_text(SPOOF)
    assert not INVISIBLE.search(out) and out == "eviltxt.exe zqx"
    fig = stats_chart.finish(go.Figure(), title=stats_chart.plotly_text(SPOOF), source=SPOOF, height=300,
                             notes=[SPOOF + " <b>bold</b>"])
    texts = [fig.layout.title.text] + [a.text for a in fig.layout.annotations]
    assert not any(INVISIBLE.search(t) for t in texts), texts
    assert "&lt;b&gt;" in fig.layout.annotations[-1].text and "<b>bold" not in fig.layout.annotations[-1].text


def test_a_table_shows_the_text_without_invisible_characters_and_its_csv_keeps_it():
    stored = pd.DataFrame({"name": [SPOOF, "Anna\nBerg", None], "employment": [1, 2, 3],
                           "note": pd.array(["\u202eabc", pd.NA, "ok"], dtype="string")})
    shown = shown_frame(stored)
    assert shown["name"].tolist()[:2] == ["eviltxt.exe zqx", "Anna\nBerg"] and shown["name"].isna().iloc[2]
    assert shown["note"].tolist()[0] == "abc" and shown["note"].isna().iloc[1]
    assert shown["employment"].tolist() == [1, 2, 3] and list(shown.columns) == list(stored.columns)
    assert stored["name"].iloc[0] == SPOOF  # the frame given is never changed
    # The CSV is of the stored frame (ui.download_csv(shown, ...) in every page): the same rows,
    # columns and values as the table, the text as stored — it differs from the screen only by the
    # invisible characters the screen drops.
    back = pd.read_csv(io.BytesIO(csv_bytes(stored, source="test")), comment="#", keep_default_na=False)
    assert back["name"].iloc[0] == SPOOF
    assert [INVISIBLE.sub("", v) for v in back["name"]][:2] == shown["name"].tolist()[:2]
