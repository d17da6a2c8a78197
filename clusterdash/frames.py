"""Rows of a pandas frame as plain dicts for display and for domain code.

pandas 3 stores text in string columns whose missing value is NaN, not None: a record of such a
frame holds ``nan`` where the store held NULL, and ``nan`` is truthy (``label or ""`` gives
"nan") and ``is not None``. :func:`records` gives None for every missing scalar.
"""

from __future__ import annotations

import pandas as pd


def is_missing(v) -> bool:
    """None, or a missing scalar as pandas gives it (NaN, NaT, pd.NA)."""
    return v is None or bool(pd.api.types.is_scalar(v) and pd.isna(v))


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")`` with None for every missing value."""
    return [{k: (None if is_missing(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]
