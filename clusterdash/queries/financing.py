"""Financing: the guide's financing knowledge, and each workspace's own income and costs, planner
inputs, liquidity settings and payment timings. Validation: :mod:`clusterdash.financing`.
"""

from __future__ import annotations

import pandas as pd

from clusterdash import financing
from clusterdash.queries.common import utcnow, write_in_workspace
from clusterdash.queries.knowledge import knowledge_table
from clusterdash.store import Store

__all__ = [
    "financing_sources", "financing_levers", "financing_patterns", "financing_mixes", "financing_figures",
    "financing_rules", "cost_categories", "FINANCING_DEFAULT_CURRENCY", "financing_profile", "set_financing_profile",
    "financing_entries", "set_financing_entry", "import_financing_entries", "delete_financing_year",
    "financing_plan_inputs", "set_financing_plan_value", "financing_opening_balance", "set_financing_opening_balance",
    "financing_timings", "set_financing_timing",
]


# ---- the guide's financing knowledge ---------------------------------------------------------

def financing_sources(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "financing_source")


def financing_levers(store: Store) -> pd.DataFrame:
    # the options in the order the guide prints them (the order of the knowledge file)
    return knowledge_table(store, "financing_lever")


def financing_patterns(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "financing_pattern")


def financing_mixes(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "financing_mix")


def financing_figures(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "financing_figure")


def financing_rules(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "financing_rule")


def cost_categories(store: Store) -> pd.DataFrame:
    return knowledge_table(store, "cost_category")


# ---- each workspace's profile, amounts, planner inputs, liquidity settings ---------------------

FINANCING_DEFAULT_CURRENCY = financing.DEFAULT_CURRENCY


def financing_profile(store: Store, workspace_id: str) -> dict:
    """Currency, founding year and members of the workspace's cluster organisation (defaults
    when nothing is entered yet: EUR, not entered, not entered)."""
    rows = store.rows(
        "SELECT currency, founding_year, members FROM financing_profile WHERE workspace_id = ?", [workspace_id]
    )
    if rows:
        return rows[0]
    return {"currency": FINANCING_DEFAULT_CURRENCY, "founding_year": None, "members": None}


def set_financing_profile(store: Store, workspace_id: str, field: str, value) -> None:
    """Change one field of the financing profile (one transaction). Raises UserError on bad input."""
    value = financing.validate_profile_value(field, value, this_year=utcnow().year)
    now = utcnow()

    def apply(cur):
        cur.execute(
            "INSERT INTO financing_profile (workspace_id, currency, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [workspace_id, FINANCING_DEFAULT_CURRENCY, now],
        )
        # the column name comes from the fixed list financing.PROFILE_FIELDS
        cur.execute(f"UPDATE financing_profile SET {field} = ?, updated_at = ? WHERE workspace_id = ?",
                    [value, now, workspace_id])

    write_in_workspace(store, workspace_id, apply)


def financing_entries(store: Store, workspace_id: str) -> pd.DataFrame:
    """The workspace's income and cost amounts, long: year, entry_kind, category_code, amount."""
    return store.df(
        "SELECT year, entry_kind, category_code, amount FROM financing_entry WHERE workspace_id = ? "
        "ORDER BY year, entry_kind, category_code",
        [workspace_id],
    )


def set_financing_entry(store: Store, workspace_id: str, year, entry_kind: str, category_code: str, amount) -> None:
    """Save one amount (``None`` or blank removes it: 'not entered'). One transaction; a negative
    or non-numeric amount raises UserError and leaves the store unchanged."""
    financing.check_entry_kind(entry_kind)
    cat = financing.category(entry_kind, category_code)
    year = financing.validate_year(year)
    value = financing.validate_amount(amount, f"{cat.name} {year}")
    if value is None:
        write_in_workspace(store, workspace_id, lambda cur: cur.execute(
            "DELETE FROM financing_entry WHERE workspace_id = ? AND year = ? AND entry_kind = ? AND category_code = ?",
            [workspace_id, year, entry_kind, category_code],
        ))
        return
    write_in_workspace(store, workspace_id, lambda cur: cur.execute(
        "INSERT INTO financing_entry (workspace_id, year, entry_kind, category_code, amount, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at",
        [workspace_id, year, entry_kind, category_code, value, utcnow()],
    ))


def import_financing_entries(store: Store, workspace_id: str, data: bytes | str) -> tuple[int, list[int]]:
    """Import a CSV in the export's format: the years it covers are replaced by its amounts
    (other years are kept), all in one transaction. Returns (amounts saved, years). A problem
    raises UserError naming its line and column; the store is then unchanged."""
    entries, years = financing.parse_entries_csv(data)
    now = utcnow()

    def apply(cur):
        for y in years:
            cur.execute("DELETE FROM financing_entry WHERE workspace_id = ? AND year = ?", [workspace_id, y])
        for r in entries.itertuples():
            cur.execute(
                "INSERT INTO financing_entry (workspace_id, year, entry_kind, category_code, amount, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [workspace_id, int(r.year), r.entry_kind, r.category_code, float(r.amount), now],
            )

    write_in_workspace(store, workspace_id, apply)
    return len(entries), years


def delete_financing_year(store: Store, workspace_id: str, year: int) -> None:
    write_in_workspace(store, workspace_id, lambda cur: cur.execute(
        "DELETE FROM financing_entry WHERE workspace_id = ? AND year = ?", [workspace_id, int(year)]))


def financing_plan_inputs(store: Store, workspace_id: str) -> dict:
    """The planner inputs saved for the workspace (only those set; NULL = default)."""
    rows = store.rows("SELECT * FROM financing_plan WHERE workspace_id = ?", [workspace_id])
    if not rows:
        return {}
    return {k: v for k, v in rows[0].items() if k in financing.PLAN_FIELDS and v is not None}


def set_financing_plan_value(store: Store, workspace_id: str, field: str, value) -> None:
    value = financing.validate_plan_value(field, value)  # also checks field against the fixed list
    now = utcnow()

    def apply(cur):
        cur.execute("INSERT INTO financing_plan (workspace_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [workspace_id, now])
        cur.execute(f"UPDATE financing_plan SET {field} = ?, updated_at = ? WHERE workspace_id = ?",
                    [value, now, workspace_id])

    write_in_workspace(store, workspace_id, apply)


def financing_opening_balance(store: Store, workspace_id: str, year: int) -> float | None:
    return store.value("SELECT opening_balance FROM financing_liquidity WHERE workspace_id = ? AND year = ?",
                       [workspace_id, int(year)])


def set_financing_opening_balance(store: Store, workspace_id: str, year: int, value) -> None:
    """Opening cash of the liquidity plan (may be negative: an overdraft). Blank removes it."""
    year = financing.validate_year(year)
    v = financing.validate_opening_balance(value, year)
    if v is None:
        write_in_workspace(store, workspace_id, lambda cur: cur.execute(
            "DELETE FROM financing_liquidity WHERE workspace_id = ? AND year = ?", [workspace_id, year]))
        return
    write_in_workspace(store, workspace_id, lambda cur: cur.execute(
        "INSERT INTO financing_liquidity (workspace_id, year, opening_balance, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET opening_balance = excluded.opening_balance, updated_at = excluded.updated_at",
        [workspace_id, year, v, utcnow()],
    ))


def financing_timings(store: Store, workspace_id: str) -> dict:
    """{(entry_kind, category_code): Timing} for the categories whose timing was changed."""
    out = {}
    for r in store.rows("SELECT entry_kind, category_code, timing_code, pay_month FROM financing_timing "
                        "WHERE workspace_id = ?", [workspace_id]):
        out[(r["entry_kind"], r["category_code"])] = financing.Timing(r["timing_code"], r["pay_month"])
    return out


def set_financing_timing(store: Store, workspace_id: str, entry_kind: str, category_code: str,
                         timing_code: str, pay_month=None) -> None:
    financing.check_entry_kind(entry_kind)
    financing.category(entry_kind, category_code)
    t = financing.validate_timing(timing_code, pay_month)
    write_in_workspace(store, workspace_id, lambda cur: cur.execute(
        "INSERT INTO financing_timing (workspace_id, entry_kind, category_code, timing_code, pay_month, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET timing_code = excluded.timing_code, "
        "pay_month = excluded.pay_month, updated_at = excluded.updated_at",
        [workspace_id, entry_kind, category_code, t.timing_code, t.pay_month, utcnow()],
    ))
