"""Financing widgets: the financing-mix entries, profile, planner levers, payment timings and
opening balances (all saved as you go, through clusterdash.ui.autosave), the tabs of the mix
page, and the sections of the financing-patterns page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from clusterdash import fields
from clusterdash import financing as fin
from clusterdash import queries
from clusterdash.charts import financing as charts
from clusterdash.store import Store
from clusterdash.ui import autosave, shell
from clusterdash.ui.output import download_csv, flash_error, flash_success, plain, plain_label, show_table, source_line

SEED = "Cluster Development Guide (seed 004)"
CHART_CONFIG = {"displaylogo": False}


def number_locale() -> str | None:
    """The browser's language (e.g. "de-DE"): how this person writes numbers (None: unknown)."""
    try:
        return st.context.locale or None
    except Exception:  # noqa: BLE001 — no browser context (e.g. a bare script run)
        return None


def amounts_caption() -> None:
    """How amounts are read, said once above the fields (financing.parse_amount)."""
    hint = number_locale()
    sep = fin.decimal_separator(hint)
    if sep == ",":
        how = f"with a decimal comma, as your browser's language ({plain(hint)}) writes numbers: 20000, 20.000 or 12,50"
    elif sep == ".":
        how = f"with a decimal point, as your browser's language ({plain(hint)}) writes numbers: 20000, 20,000 or 12.50"
    else:
        how = "20000 or 12.50 (or 12,50); 20.000 and 20,000 could be twenty or twenty thousand and are refused"
    st.caption(f"Amounts: digits {how}. Text that could be read two ways is refused, never guessed; "
               f"blank is “not entered”; at most {fin.MAX_AMOUNT:,.0f} per entry.")


def amount_input(label: str, base_key: str, stored, save, *, help: str | None = None, where: str | None = None,
                 allow_negative: bool = False, currency: str = "") -> None:
    """An amount as typed (a text field, saved when it is left), read by financing.parse_amount
    with the browser's language: "20.000" is twenty thousand with a decimal comma, refused when
    that could be twenty; blank = not entered. The toast says how it was read."""
    hint = number_locale()
    name = where or label

    def parse(text):
        return fin.parse_amount(text, hint, where=name, allow_negative=allow_negative)

    def toast(text):
        value = parse(text)
        return "Saved: not entered" if value is None else f"Saved: {fin.format_amount(value, currency)}"

    autosave.text(label, base_key, fin.amount_text(None if autosave.is_missing(stored) else float(stored), hint),
                  lambda text: save(parse(text)), placeholder="not entered", help=help, toast=toast,
                  max_chars=40)


# ---- the mix page: profile and year --------------------------------------------------------------

def profile_and_year(store: Store, wid: str, profile: dict, entries: pd.DataFrame) -> int:
    """Currency, founding year and paying members (saved as you go) and the year shown (in the
    URL). Returns the year."""
    def save(field: str):
        return lambda v: queries.set_financing_profile(store, wid, field, v)

    this_year = date.today().year
    years_entered = fin.entered_years(entries)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1.2])
    with c1:
        autosave.text("Currency of all amounts", "fin-currency", profile["currency"], save("currency"), max_chars=12)
    with c2:
        autosave.number("Founding year", "fin-founding", profile["founding_year"], save("founding_year"), value=None,
                        step=1, placeholder="not entered",
                        help="Year the cluster organisation started work; used for the guide's five-year rule.")
    with c3:
        autosave.number("Paying members", "fin-members", profile["members"], save("members"), value=None, step=1,
                        placeholder="not entered", help="Used by the planner for the fee of a new member.")
    year_options = sorted(set(range(this_year - 15, this_year + 6)) | set(years_entered), reverse=True)
    default_year = max(years_entered) if years_entered else this_year
    year = c4.selectbox("Year", year_options, index=year_options.index(default_year), key="fin_year",
                        bind="query-params", format_func=str)
    c4.caption("Years with amounts: " + (", ".join(str(y) for y in years_entered) if years_entered else "none yet"))
    return year


# ---- tab 1: income and costs -------------------------------------------------------------------------

def _on_import(store: Store, wid: str, key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:
        return

    def refused(message: str) -> None:
        flash_error(f"Import of {upload.name} refused, nothing was changed — {message}")

    done, result = autosave.write(queries.import_financing_entries, store, wid, upload.getvalue(), toast=None,
                                  on_error=refused)
    if done:
        n, years = result
        flash_success(f"Imported {n} amount{'s' if n != 1 else ''} for {', '.join(str(y) for y in years)} "
                      f"from {upload.name}.")
        st.session_state["fin_import_n"] = st.session_state.get("fin_import_n", 0) + 1  # a fresh, empty uploader


def _clear_year(store: Store, wid: str, year: int) -> None:
    queries.delete_financing_year(store, wid, year)
    flash_success(f"All amounts of {year} were removed.")


def entries_tab(store: Store, wid: str, year: int, summary, entries: pd.DataFrame, currency: str) -> None:
    """The year's income by source and costs by category (saved as you go), all years as a table
    with its CSV, the CSV import, clearing a year."""
    years_entered = fin.entered_years(entries)
    st.subheader(f"Income and costs {year} ({plain_label(currency, 12)})")
    amounts_caption()
    left, right = st.columns(2, gap="large")
    for col, kind, cats, title, amounts, total in (
        (left, fin.INCOME, fin.INCOME_CATEGORIES, "Income by source", summary.income, ("Total income", summary.total_income)),
        (right, fin.COST, fin.COST_CATEGORIES, "Costs by category", summary.costs, ("Total costs", summary.total_costs)),
    ):
        with col:
            st.markdown(f"##### {title}")
            for cat in cats:
                amount_input(cat.name, f"fin-{year}-{kind}-{cat.code}", amounts[cat.code],
                             lambda v, k=kind, c=cat.code: queries.set_financing_entry(store, wid, year, k, c, v),
                             where=f"{cat.name} {year}", currency=currency)
            st.metric(total[0], plain_label(fin.format_amount(total[1], currency)))
    costs_src = queries.cost_categories(store)
    st.caption(
        "Income sources and cost categories as the guide names them (baseline support from local, regional "
        "and national institutions; private sources; projects; cost categories personnel, rent, operating "
        "supplies, equipment, others and formation/start-up costs). A blank field is “not entered”; 0 is zero."
    )
    if len(costs_src):
        source_line(costs_src["source"].iloc[0])

    st.subheader("All years")
    wide = fin.entries_wide(entries)
    if len(years_entered):
        shown = wide.copy()
        for y in years_entered:
            shown[str(y)] = [("" if pd.isna(v) else f"{v:,.2f}") for v in wide[str(y)]]
        st.table(shown, hide_index=True)
    else:
        st.info("No amounts yet: enter them above, or import a CSV.")
    download_csv(wide, "financing_entries.csv", source=f"Entered in ClusterDash workspace {wid}",
                 units=f"amounts in {currency}; blank = not entered", label="Download CSV (this table)",
                 key="dl-fin-entries")
    editable = shell.can_edit()
    with st.expander("Import amounts from a CSV"):
        st.markdown(
            "Same format as the download: a header `kind,category,<year>,<year>,…`, one row per category "
            "(its name or code), blank cells for “not entered”. The years in the file replace the amounts "
            "of those years; other years stay. Nothing is changed if any line has a problem."
        )
        ukey = f"fin-import-{st.session_state.get('fin_import_n', 0)}"
        st.file_uploader("CSV file", type=["csv"], key=ukey, on_change=_on_import, args=(store, wid, ukey),
                         disabled=not editable)
    if year in years_entered and editable:
        with st.popover(f"Clear all amounts of {year}", icon=":material/delete:"):
            st.write(f"Remove every income and cost amount entered for {year}?")
            autosave.action_button(f"Yes, clear {year}", "fin-clear-year", _clear_year, store, wid, year,
                                   type="primary", toast=None)


# ---- tab 2: shares and benchmarks ---------------------------------------------------------------------

def shares_tab(year: int, summary, entries: pd.DataFrame, profile: dict, rules: pd.DataFrame,
               patterns: pd.DataFrame, mixes: pd.DataFrame) -> None:
    currency = profile["currency"]
    large = shell.is_presenting()
    years_entered = fin.entered_years(entries)
    st.subheader(f"Shares {year}")
    if summary.total_income is None:
        st.info(f"No income entered for {year}: enter it in “Income and costs” to see shares and findings.")
    elif summary.total_income == 0:
        st.warning(f"The income entered for {year} adds up to 0: there are no shares to compute.")
    m = st.columns(4)
    m[0].metric("Total income", plain_label(fin.format_amount(summary.total_income, currency)))
    m[1].metric("Public share", fin.format_pct(summary.public_share_pct),
                help="Baseline support (local + regional + national) / total income.")
    m[2].metric("Private share", fin.format_pct(summary.private_share_pct),
                help="Membership fees, fee-based services and sponsoring.")
    m[3].metric("Cost coverage", fin.format_pct(summary.cost_coverage_pct), help="Total income / total costs.")
    st.caption(
        "Public share = baseline support (local + regional + national) / total income. Publicly funded projects "
        "are counted separately, as in the Business Upper Austria mix where “Services & Projects” is its own "
        f"component; public including projects: {fin.format_pct(summary.public_incl_projects_share_pct)}."
    )

    st.subheader("Your mix side by side with Business Upper Austria")
    own = pd.concat([fin.mix_long(fin.summarise_year(entries, y), f"Your cluster {y}") for y in years_entered]
                    or [fin.mix_long(summary, f"Your cluster {year}")], ignore_index=True)
    side = pd.concat([own, fin.mix_cases(mixes)], ignore_index=True)
    if len(side):
        st.plotly_chart(charts.mix_bars(side, source=f"Your entries; {SEED}, Ensuring sustainable financing (1/3)",
                                        large=large), theme=None, key="chart-fin-mixes", config=CHART_CONFIG)
        bua_src = mixes["source"].iloc[0] if len(mixes) else SEED
        source_line(f"your entries; Business Upper Austria: {bua_src}", units="% of total income")
        download_csv(side, "financing_mixes_side_by_side.csv", source=f"your entries; {bua_src}",
                     units="share_pct in % of income; amount in " + currency + " (your entries only)",
                     key="dl-fin-mixes")

    st.subheader("Benchmarks: figures the guide states")
    bench = fin.benchmark_points(summary if summary.total_income else None, patterns, mixes, rules)
    if len(bench):
        measures = {"public_share": "Public share", "membership_fee_share": "Membership fees share",
                    "private_share": "Private share / financial autonomy"}
        st.plotly_chart(charts.benchmark_chart(bench, measures=measures, source=f"Your entries; {SEED}", large=large),
                        theme=None, key="chart-fin-bench", config=CHART_CONFIG)
        st.caption(
            "Only figures that the text states as numbers are drawn; EU membership fees are “one quarter” in "
            "the text. Each row of the download names its knowledge table, key and source."
        )
        source_line(f"your entries; {SEED} — see the source column of the download", units="% of income")
        download_csv(bench, "financing_benchmarks.csv", source=f"your entries; {SEED}",
                     units="value_pct and value_high_pct in %", key="dl-fin-bench")

    st.subheader("Side by side with the regional patterns")
    comp = fin.comparison_table(summary, patterns, mixes, rules)
    st.table(comp, hide_index=True)
    period_rows = patterns[(patterns["pattern_set"] == "financing_mix") & patterns["period"].notna()]
    if len(period_rows):
        p0 = period_rows.iloc[0]
        st.caption(plain(
            f"Regions: Financing patterns around the world (I), time period {p0['period']}, "
            f"{int(p0['n_clusters']):,} clusters observed in total (all regions together). "
            "Words in quotes are the guide's; the text gives no number for them."))
        source_line(p0["source"])
    download_csv(comp, "financing_comparison.csv", source=f"your entries; {SEED}",
                 units="% of total income; words as stated in the guide", key="dl-fin-comp")
    findings_section(year, summary, profile, rules)
    shares_by_year(entries, currency)


def findings_section(year: int, summary, profile: dict, rules: pd.DataFrame) -> None:
    st.subheader("Findings")
    findings = fin.assess_mix(summary, rules=rules, founding_year=profile["founding_year"], currency=profile["currency"])
    if not findings and summary.total_income:
        st.write("No findings for this mix.")
    badge = {"warning": ("Check", "orange", ":material/warning:"), "info": ("Note", "blue", ":material/info:"),
             "ok": ("Good", "green", ":material/check_circle:")}
    for f in findings:
        label, color, icon = badge[f.level]
        with st.container(border=True):
            st.badge(label, color=color, icon=icon)
            st.markdown(plain(f.text))
            with st.expander("What the guide says"):
                st.markdown(f"> {plain(f.quote)}")
            source_line(" ; ".join(f.sources))
    if findings:
        ft = pd.DataFrame([{"level": f.level, "finding": f.text, "guide_says": f.quote,
                            "source": " ; ".join(f.sources)} for f in findings])
        download_csv(ft, f"financing_findings_{year}.csv", source=f"your entries; {SEED}", key="dl-fin-findings")


def shares_by_year(entries: pd.DataFrame, currency: str) -> None:
    """Per year entered: totals and shares, "not entered" in words (never a 0 % or a blank that
    reads as zero); the CSV keeps the numbers (blank = not entered)."""
    st.subheader("Shares by year")
    shares = fin.shares_table(entries)
    if len(shares):
        labels = fields.column_labels(shares.columns)
        numbers = shares.rename(columns=labels)
        st.table(fin.shares_table_text(shares).rename(columns=labels), hide_index=True)
        download_csv(numbers, "financing_shares_by_year.csv", source="Your entries",
                     units=f"amounts in {currency}; shares in % of total income; blank = not entered",
                     key="dl-fin-shares")


# ---- tab 3: planner ------------------------------------------------------------------------------------------

PLAN_LAYOUT = {  # field: (step, format, help)
    "horizon_years": (1, "%d", "Default: the guide's around five years to significantly increase private incomes."),
    "target_public_pct": (1.0, "%.1f", "Default: the upper end of the 20–30 % public co-financing that even excellent "
                                       "clusters need."),
    "public_change_pct": (1.0, "%.1f", "Negative for a reduction, e.g. −10."),
    "new_members_per_year": (1.0, "%.0f", None),
    "new_member_fee": (100.0, "%.2f", "Default: membership fees ÷ paying members of the base year."),
    "fee_change_pct": (1.0, "%.1f", None),
    "new_services_per_year": (1000.0, "%.2f", None),
    "service_price_change_pct": (1.0, "%.1f", None),
    "sponsoring_change_per_year": (1000.0, "%.2f", None),
    "projects_change_per_year": (1000.0, "%.2f", None),
    "cost_change_pct": (1.0, "%.1f", None),
}
LEVER_GROUPS = [("Membership fees", ["new_members_per_year", "new_member_fee", "fee_change_pct"]),
                ("Fee-based services", ["new_services_per_year", "service_price_change_pct"]),
                ("Sponsoring and projects", ["sponsoring_change_per_year", "projects_change_per_year"]),
                ("Costs", ["cost_change_pct"])]


def planner_tab(store: Store, wid: str, year: int, summary, profile: dict, rules: pd.DataFrame) -> None:
    currency = profile["currency"]
    st.subheader(f"Multi-year planner from {year}")
    st.write(
        f"From the mix entered for {year} toward a target public share: set the levers of the guide (new "
        "members and fee changes, new fee-based services and pricing, sponsoring, projects) and see income by "
        "source, public share and the gap to the target for each year."
    )
    values = fin.plan_values(queries.financing_plan_inputs(store, wid),
                             fin.plan_defaults(summary, profile["members"], rules))

    def plan_input(field: str) -> None:
        step, fmt, help_ = PLAN_LAYOUT[field]
        autosave.number(plain_label(fin.plan_field_label(field, currency)), f"fin-plan-{field}", values[field],
                        lambda v: queries.set_financing_plan_value(store, wid, field, v), step=step, format=fmt,
                        help=help_)

    for col, field in zip(st.columns(3), ("horizon_years", "target_public_pct", "public_change_pct")):
        with col:
            plan_input(field)
    st.markdown("##### Levers")
    for col, (title, names) in zip(st.columns(4), LEVER_GROUPS):
        with col.container(border=True):
            st.markdown(f"**{title}**")
            for field in names:
                plan_input(field)
    said = [r for r in (fin.rule(rules, "five_years_to_grow_private_income"),
                        fin.rule(rules, "public_cofinancing_even_for_excellent_clusters")) if r]
    if said:
        st.caption(plain(" ".join(r["statement"] for r in said)))
        source_line(said[0]["source"])

    if not summary.total_income:
        st.info(f"Enter the income of {year} first: the planner starts from it.")
        return
    plan = fin.plan_years(summary, fin.PlanInputs(**values))
    reached = plan["gap_pp"].notna() & (plan["gap_pp"] <= 1e-9)
    (st.success if reached.any() else st.warning)(fin.plan_outcome(plan))
    st.plotly_chart(charts.plan_chart(plan, currency=currency, source="Your entries and levers (projection)",
                                      large=shell.is_presenting()), theme=None, key="chart-fin-plan", config=CHART_CONFIG)
    shown = plan.rename(columns=fields.column_labels(plan.columns))
    cfg = {c: st.column_config.NumberColumn(format="accounting") for c in shown.columns}
    cfg.update({c: st.column_config.NumberColumn(format="%.1f") for c in
                ("Public share %", "Target %", "Gap to target (pp)")})
    cfg.update({"Year": st.column_config.NumberColumn(format="%d"),
                "Plan year": st.column_config.NumberColumn(format="%d")})
    show_table(shown, column_config=cfg)
    units = f"amounts in {currency}; shares in %; gap in percentage points"
    source_line("your entries for the base year and your levers — a projection, not data", units=units)
    download_csv(shown, f"financing_plan_{year}.csv", source="Projection from your entries and levers (ClusterDash planner)",
                 units=units, key="dl-fin-plan")
    with st.expander("How the planner calculates"):
        st.markdown(fin.PLAN_ARITHMETIC)


# ---- tab 4: liquidity ---------------------------------------------------------------------------------------

def _timing_row(store: Store, wid: str, kind: str, cat, amount: float, t, currency: str) -> None:
    def save_timing(code: str) -> None:
        queries.set_financing_timing(store, wid, kind, cat.code, code, (t.pay_month or 1) if code == "once" else None)

    c1, c2, c3 = st.columns([1.3, 1.6, 0.8])
    c1.markdown(f"**{plain(cat.name)}** ({kind})  \n{plain(fin.format_amount(amount, currency))} a year")
    with c2:
        autosave.select("Timing", fin.TIMINGS, f"fin-timing-{kind}-{cat.code}", t.timing_code, save_timing,
                        format_func=fin.TIMINGS.get, label_visibility="collapsed")
    if t.timing_code == "once":
        with c3:
            autosave.select("Month", range(1, 13), f"fin-month-{kind}-{cat.code}", t.pay_month or 1,
                            lambda m: queries.set_financing_timing(store, wid, kind, cat.code, "once", m),
                            format_func=lambda m: fin.MONTHS[m - 1], label_visibility="collapsed")


def liquidity_tab(store: Store, wid: str, year: int, summary, currency: str, rules: pd.DataFrame) -> None:
    st.subheader(f"12-month liquidity plan {year}")
    liq_rule = fin.rule(rules, "financial_plan_liquidity")
    if liq_rule:
        st.markdown(f"> {plain(liq_rule['statement'])}")
        source_line(liq_rule["source"])
    st.write(
        f"The income and costs entered for {year}, spread over the months by when the money is received or paid. "
        "Set the timing of each source and cost below (default: evenly each month; start-up costs in January)."
    )
    opening = queries.financing_opening_balance(store, wid, year)
    amount_input(f"Cash at the start of January {year} ({plain_label(currency, 12)})", f"fin-opening-{year}", opening,
                 lambda v: queries.set_financing_opening_balance(store, wid, year, v),
                 help="May be negative (an overdraft).", allow_negative=True, currency=currency)
    timings = queries.financing_timings(store, wid)
    present = fin.categories_with_amounts(summary)
    if not present:
        st.info(f"No amounts entered for {year}: enter income and costs first.")
        return
    with st.expander("When is the money received or paid?", expanded=not timings):
        for kind, cat, amount in present:
            t = timings.get((kind, cat.code)) or fin.default_timing(kind, cat.code)
            _timing_row(store, wid, kind, cat, amount, t, currency)
    liq = fin.liquidity_plan(summary, opening or 0.0, timings)
    out = fin.cash_out_month(liq)
    low_month, low_cash = fin.lowest_cash(liq)
    m = st.columns(3)
    m[0].metric("Cash runs out in", f"{fin.MONTHS[out - 1]} {year}" if out else "does not run out")
    m[1].metric(f"Lowest cash (end of {fin.MONTHS[low_month - 1]})", plain_label(fin.format_amount(low_cash, currency)))
    m[2].metric(f"Cash at the end of {year}",
                plain_label(fin.format_amount(float(liq["closing_cash"].iloc[-1]), currency)))
    if out:
        st.error(f"Cash runs out in {fin.MONTHS[out - 1]} {year}: plan an earlier payment, a bridge or lower "
                 "spending before then.", icon=":material/warning:")
    st.plotly_chart(charts.liquidity_chart(liq, currency=currency, cash_out_month=out,
                                           source="Your entries and payment timings (projection)",
                                           large=shell.is_presenting()),
                    theme=None, key="chart-fin-liq", config=CHART_CONFIG)
    shown = liq.rename(columns=fields.column_labels(liq.columns))
    cfg = {c: st.column_config.NumberColumn(format="accounting") for c in shown.columns
           if c not in ("Month", "Month name")}
    show_table(shown, column_config=cfg)
    download_csv(shown, f"financing_liquidity_{year}.csv",
                 source="Projection from your entries and payment timings (ClusterDash liquidity plan)",
                 units=f"amounts in {currency}", key="dl-fin-liq")


# ---- the financing-patterns page ------------------------------------------------------------------

def quote(rules: pd.DataFrame, code: str) -> None:
    """A rule of the guide as a quotation with its source (knowledge text, not user text)."""
    r = fin.rule(rules, code)
    if r:
        st.markdown(f"> {plain(r['statement'])}")
        source_line(r["source"])


def main_sources(sources: pd.DataFrame, rules: pd.DataFrame) -> None:
    st.header("Three main sources of financing")
    quote(rules, "financing_mix_from_initiation")
    cols = st.columns(max(1, len(sources)))
    for col, r in zip(cols, sources.itertuples()):
        with col.container(border=True):
            st.markdown(f"#### {plain(r.source_name)}")
            st.write(r.description)
    if len(sources):
        source_line(sources["source"].iloc[0])
    quote(rules, "mixture_matters")


def levers_section(levers: pd.DataFrame) -> None:
    st.header("Financing options: levers for the portfolio")
    st.write("Levers to take into consideration when building or updating the financing portfolio.")
    options = list(dict.fromkeys(levers["option_code"]))
    cols = st.columns(max(1, len(options)))
    for col, code in zip(cols, options):
        part = levers[levers["option_code"] == code]
        with col.container(border=True):
            st.markdown(f"#### {plain(part['option_name'].iloc[0])}")
            st.markdown("\n".join(f"- {plain(x)}" for x in part["lever"]))
    if len(levers):
        source_line(levers["source"].iloc[0])


def region_cards(patterns: pd.DataFrame, pattern_set: str) -> None:
    statements = fin.region_statements(patterns, pattern_set)
    codes = [c for c in fin.REGIONS if c in statements]
    for row_start in range(0, len(codes), 2):
        cols = st.columns(2)
        for col, code in zip(cols, codes[row_start:row_start + 2]):
            with col.container(border=True):
                st.markdown(f"#### {plain(fin.REGION_LONG.get(code, fin.REGIONS[code]))}")
                for s in statements[code]:
                    if s["figure_as_stated"]:
                        st.metric(s["measure"], s["figure_as_stated"])
                        st.caption(plain(s["words"]))
                    else:
                        st.markdown(f"**{plain(s['measure'])}** · *in words only*  \n“{plain(s['words'])}”")


def stated_chart(patterns: pd.DataFrame, pattern_set: str, title: str, key: str) -> None:
    data = fin.stated_pattern_figures(patterns, pattern_set)
    if data.empty:
        st.info("The text states no figure for this chart.")
        return
    src = data["source"].iloc[0]
    st.markdown(f"**{plain(title)}**")
    st.plotly_chart(charts.stated_figures_bars(data, source=f"{SEED}, {title}", large=shell.is_presenting()),
                    theme=None, key=f"chart-{key}", config=CHART_CONFIG)
    source_line(src, units="% as stated in the text; period and clusters observed per row")
    download_csv(data, f"financing_{key}_figures.csv", source=src,
                 units="value_pct in %; figure_as_stated as printed", key=f"dl-{key}")


def statements_table(patterns: pd.DataFrame, pattern_set: str, title: str, filename: str, key: str) -> None:
    with st.expander(title):
        table = fin.pattern_statements_table(patterns, pattern_set)
        show_table(table)
        if len(table):
            download_csv(table, filename, source=table["source"].iloc[0], key=key)


def patterns_one(patterns: pd.DataFrame) -> None:
    st.header("Financing patterns around the world (I): the financing mix")
    line = fin.pattern_coverage_line(patterns, "financing_mix")
    if line:
        st.markdown(f"**{plain(line)}**")
    st.caption(
        "The guide's regional charts did not survive in the text; only the figures its text states are "
        "charted. The other statements are given in the guide's words."
    )
    region_cards(patterns, "financing_mix")
    stated_chart(patterns, "financing_mix", "Figures stated for patterns (I)", "patterns1")
    statements_table(patterns, "financing_mix", "All statements of patterns (I) as a table", "financing_patterns_1.csv",
                     "dl-p1-table")


def patterns_two(patterns: pd.DataFrame, rules: pd.DataFrame) -> None:
    st.header("Financing patterns around the world (II): financial security")
    quote(rules, "financial_security_shapes_development")
    region_cards(patterns, "financial_security")
    stated_chart(patterns, "financial_security", "Figures stated for patterns (II)", "patterns2")
    panels = patterns[(patterns["pattern_set"] == "financial_security") & patterns["region_code"].isna()]
    if len(panels):
        st.subheader("The four chart panels of patterns (II)")
        st.write(
            "The guide shows four panels, each with its time period and number of clusters measured. The text does "
            "not say which region each panel shows, and the panels' values were lost: they are listed as printed."
        )
        panel_table = panels.assign(
            panel=[f"Panel {i} of {len(panels)}" for i in range(1, len(panels) + 1)],
            clusters_measured=panels["n_clusters"],
            region="not stated in the text",
            values="lost in extraction",
        )[["panel", "period", "clusters_measured", "region", "values", "source"]]
        st.table(panel_table.drop(columns=["source"]).set_index("panel"))
        source_line(panel_table["source"].iloc[0])
        download_csv(panel_table, "financing_patterns_2_panels.csv", source=panel_table["source"].iloc[0],
                     units="clusters_measured: number of clusters", key="dl-p2-panels")
    statements_table(patterns, "financial_security", "All statements of patterns (II) as a table",
                     "financing_patterns_2.csv", "dl-p2-table")


def upper_austria(mixes: pd.DataFrame, rules: pd.DataFrame) -> None:
    st.header("A sustainable financing model: Business Upper Austria")
    quote(rules, "balanced_mix_from_the_beginning")
    bua = fin.mix_cases(mixes)
    if len(bua):
        src = bua["source"].iloc[0]
        st.markdown("**Insight in the financing mix of Cluster & Cooperation**")
        st.plotly_chart(charts.mix_bars(bua, source=f"{SEED}, Ensuring sustainable financing (1/3)",
                                        large=shell.is_presenting()),
                        theme=None, key="chart-bua", config=CHART_CONFIG)
        source_line(src, units="% of income, approximate as printed (~)")
        download_csv(bua, "financing_business_upper_austria_mix.csv", source=src,
                     units="share_pct in %, approximate as printed in share_text", key="dl-bua")


def mechatronics(figures: pd.DataFrame) -> None:
    certain, untied, categories = fin.figure_table(figures, "mechatronics_cluster_2017")
    if not (certain or len(untied)):
        return
    st.subheader("Revenues of the Mechatronics Cluster 2017 (Clusterland Upper Austria)")
    c1, c2 = st.columns([1, 2])
    with c1:
        if certain:
            st.metric(f"{certain['label']} revenues 2017", f"{certain['amount']:,.2f}")
            st.caption("No currency is printed in the text.")
        if categories:
            st.markdown("**The chart's six revenue categories**")
            st.markdown("\n".join(f"- {plain(c)}" for c in categories))
    with c2:
        st.markdown(
            "**The six amounts, in the order the text prints them.** The text does not say which amount "
            "belongs to which category, so they are not charted against categories."
        )
        shown = untied.assign(amount=[f"{a:,.2f}" for a in untied["amount"]]).drop(columns=["source"])
        st.table(shown.rename(columns={"order_printed": "Order printed", "amount": "Amount as printed",
                                       "category": "Category"}), hide_index=True)
        if certain:
            st.caption(plain(certain["note"]))
    src = certain["source"] if certain else untied["source"].iloc[0]
    source_line(src)
    download_csv(untied, "financing_mechatronics_2017_amounts.csv", source=src,
                 units="amount as printed, no currency printed; category not tied in the text", key="dl-mechatronics")


def rules_section(rules: pd.DataFrame) -> None:
    st.header("Rules of thumb")
    numeric = fin.rules_of_thumb(rules)
    for row_start in range(0, len(numeric), 3):
        cols = st.columns(3)
        for col, r in zip(cols, numeric[row_start:row_start + 3]):
            with col.container(border=True):
                st.metric(r["headline"], r["figure"])
                st.write(r["statement"])
                source_line(r["source"])
    with st.expander("Further statements of the guide on financing (in words)"):
        for r in rules.to_dict("records"):
            if fin.rule_figure_text(r):
                continue
            st.markdown(f"> {plain(r['statement'])}")
            source_line(r["source"])
    rules_table = rules[["rule_code", "statement", "value_low", "value_high", "unit", "source"]]
    download_csv(rules_table, "financing_rules_of_thumb.csv", source=SEED,
                 units="value_low/value_high in the unit of each row", label="Download all rules (CSV)", key="dl-rules")
