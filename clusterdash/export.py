"""The one CSV writer of ClusterDash (pure Python, no Streamlit).

Every CSV the dashboard or the command line offers is written here: ``# source:`` and
``# units:`` comment lines first, then exactly the rows given. Read one back with
``pandas.read_csv(f, comment="#")``. The units line, unless the caller gives one, lists the
field registry's unit of each column that has one (:func:`clusterdash.fields.units_line`).
"""

from __future__ import annotations

import io

import pandas as pd

from clusterdash import fields


def csv_bytes(df: pd.DataFrame, *, source: str, units: str | None = None) -> bytes:
    """CSV of exactly ``df``, preceded by '# source: ...' and '# units: ...' comment lines
    (read it back with ``pd.read_csv(f, comment='#')``). Booleans are written true/false.

    ``units``: the units line as given; None: the registry's units of the columns present (no
    line when none of them has a unit)."""
    if units is None:
        units = fields.units_line(str(c) for c in df.columns)
    buf = io.StringIO()
    buf.write(f"# source: {source}\n")
    if units:
        buf.write(f"# units: {units}\n")
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map({True: "true", False: "false"})
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")
