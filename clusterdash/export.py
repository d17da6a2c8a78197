"""The one CSV writer of ClusterDash (pure Python, no Streamlit).

Every CSV the dashboard or the command line offers is written here: ``# source:`` and
``# units:`` comment lines first, then exactly the rows given. Read one back with
``pandas.read_csv(f, comment="#")``. The units line, unless the caller gives one, lists the
field registry's unit of each column that has one (:func:`clusterdash.fields.units_line`).

Spreadsheet formulas (OWASP "CSV injection")
    A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
    written with a leading apostrophe (``'=HYPERLINK(...)``), so Excel and LibreOffice show it as
    text instead of running it as a formula. Numeric columns are written as they are, and so is a
    text cell that is a plain number (``-5``, ``+3.2``, ``-1,234.5``): a spreadsheet reads those
    as numbers, never as formulas. A carriage return inside a text cell is written as a line feed
    (the cell is then quoted; a bare CR would start a new row in a spreadsheet, and that row could
    start with a formula). Column names get the same treatment. The comment lines are
    kept on one line each (a line break in a source or units text becomes a space).
"""

from __future__ import annotations

import io
import re

import pandas as pd

from clusterdash import fields

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# a plain number as a spreadsheet reads it: sign, digits (with , or . separators), exponent, %
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?%?")


def is_formula_risk(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula: it starts with a trigger
    character and is not a plain number."""
    return text.startswith(FORMULA_TRIGGERS) and _PLAIN_NUMBER.fullmatch(text) is None


def neutralise_cell(value):
    """``value`` with a leading apostrophe when it is text a spreadsheet would run as a formula,
    and with its carriage returns as line feeds (a bare CR is not quoted by the CSV writer, and
    a spreadsheet would start a new row there); anything else (numbers, None) unchanged."""
    if not isinstance(value, str):
        return value
    if is_formula_risk(value):
        value = "'" + value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _one_line(text: str) -> str:
    return " ".join(str(text).splitlines()) if text else text


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` as it is written: booleans as true/false, text cells (and column names)
    that a spreadsheet would run as formulas neutralised; numeric columns untouched."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_bool_dtype(col):
            out[c] = col.map({True: "true", False: "false"})
        elif pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col):
            continue
        else:  # object / string / categorical: only the text cells can hold a formula
            # cell by cell, keeping the column's other values as they are (no dtype inference)
            out[c] = pd.Series([neutralise_cell(v) for v in col.astype(object)], index=col.index, dtype=object)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, buf, *, source: str | None = None, units: str | None = None) -> None:
    """Write ``df`` (through :func:`safe_frame`) to the text buffer or path ``buf``, after the
    ``# source:`` / ``# units:`` lines when given."""
    lines = ""
    if source is not None:
        lines += f"# source: {_one_line(source)}\n"
    if units:
        lines += f"# units: {_one_line(units)}\n"
    if isinstance(buf, (str, bytes)) or hasattr(buf, "__fspath__"):
        with open(buf, "w", encoding="utf-8", newline="") as fh:
            fh.write(lines)
            safe_frame(df).to_csv(fh, index=False, lineterminator="\n")
        return
    buf.write(lines)
    safe_frame(df).to_csv(buf, index=False, lineterminator="\n")


def csv_bytes(df: pd.DataFrame, *, source: str, units: str | None = None) -> bytes:
    """CSV of exactly ``df``, preceded by '# source: ...' and '# units: ...' comment lines
    (read it back with ``pd.read_csv(f, comment='#')``). Booleans are written true/false; text
    that a spreadsheet would run as a formula gets a leading apostrophe (module docstring).

    ``units``: the units line as given; None: the registry's units of the columns present (no
    line when none of them has a unit)."""
    if units is None:
        units = fields.units_line(str(c) for c in df.columns)
    buf = io.StringIO()
    write_csv(df, buf, source=source, units=units)
    return buf.getvalue().encode("utf-8")
