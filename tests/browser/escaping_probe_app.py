"""A small Streamlit app for tests/browser/test_escaping_probe.py: every payload of tests/hostile.py
through every kind of place Streamlit renders text, each with the escaper ClusterDash uses there
(clusterdash.safe_text). ``PROBE_CONTROL=1`` renders the image payload *unescaped* once, to prove
the test sees an injection when there is one."""

import os
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from clusterdash.safe_text import html_text, label_text, plain, plain_label, plotly_text  # noqa: E402
from tests.hostile import payloads  # noqa: E402

st.set_page_config(page_title="escaping probe", layout="wide")
port = int(os.environ["PROBE_PORT"])
which = os.environ.get("PROBE_ONLY")
items = [(n, t) for n, t in payloads(port) if not which or n in which.split(",")]

if os.environ.get("PROBE_OLD") == "1":  # the plain() of before issue 15, for the record
    import re

    _OLD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")

    def plain(text, *_):  # noqa: F811
        return _OLD.sub(r"\\\1", "" if text is None else str(text))

    plain_label = plain  # noqa: F811

if os.environ.get("PROBE_CONTROL") == "1":
    st.markdown(dict(payloads(port))["md-image"])  # unescaped on purpose: the control
    st.stop()

for i, (name, text) in enumerate(items):
    st.markdown(f"**probe {plain(name)}**")
    st.markdown(plain(text))
    st.caption(plain(text))
    st.subheader(f"Income ({plain_label(text, 40)})")
    st.metric(plain_label(text), plain_label(text, 40), help=plain(text))
    t1, _ = st.tabs([plain_label(text), "other"])
    with t1:
        st.write("tab body")
    with st.expander(plain_label(text)):
        st.write(plain(text))
    with st.popover(plain_label(text, 40)):
        st.write(plain(text))
    st.button(plain_label(text, 60), key=f"b{i}", help=plain(text))
    st.checkbox(plain_label(text, 60), key=f"c{i}")
    st.radio("radio", [text, "other"], format_func=plain_label, key=f"r{i}")
    st.segmented_control("seg", [text, "other"], format_func=plain_label, key=f"s{i}")
    st.pills("pills", [text, "other"], format_func=plain_label, key=f"p{i}")
    st.selectbox("select", [text, "other"], format_func=label_text, key=f"sel{i}")
    st.multiselect("multi", [text, "other"], default=[text], format_func=label_text, key=f"m{i}")
    st.text_input(plain_label(text, 60), value=text[:1000], key=f"t{i}")
    st.error(plain(text))
    st.info(plain(text))
    st.dataframe(pd.DataFrame({"name": [label_text(text)], "note": [text[:1000]]}), hide_index=True)
    fig = go.Figure(go.Bar(x=[plotly_text(text, 40)], y=[1], name=plotly_text(text), customdata=[plotly_text(text)],
                           hovertemplate="%{customdata}<extra></extra>"))
    fig.update_layout(title=plotly_text(text), xaxis_title=plotly_text(text, 60), showlegend=True, height=260)
    fig.add_annotation(text=plotly_text(text), x=0, y=1, showarrow=False)
    st.plotly_chart(fig, key=f"f{i}")
    st.html(f"<p>{html_text(text, 2000)}</p>")  # what the printable briefs do with user text
    if i == 0:
        st.toast(plain(text))
st.markdown("probe-done")
