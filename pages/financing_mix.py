from datetime import date

import pandas as pd
import streamlit as st

from clusterdash import financing as fin
from clusterdash import queries, ui
from clusterdash.charts import financing as charts
from clusterdash.errors import UserError

store = ui.get_store()
wid = ui.current_workspace(store)
editable = ui.can_edit()
large = ui.is_presenting()
SEED = "Cluster Development Guide (seed 004)"
ERROR, NOTICE = "fin_error", "fin_notice"

ui.page_intro(
    "Your financing mix",
    "Enter your cluster organisation's income by source and its costs, year by year: each amount is saved "
    "the moment you leave the field. Compare the mix with the patterns and benchmarks of the guide, read the "
    "findings, plan the mix over the coming years and check the liquidity of the next 12 months.",
)
ui.edit_notice()

profile = queries.financing_profile(store, wid)
currency = profile["currency"]
entries = queries.financing_entries(store, wid)
rules = queries.financing_rules(store)
patterns = queries.financing_patterns(store)
mixes = queries.financing_mixes(store)
rule = {r["rule_code"]: r for r in rules.to_dict("records")}


# ---- saving: every widget writes through an on_change callback -------------------------------------

def _run_write(write, key: str | None = None, restore=None) -> bool:
    """Run one write; on bad input keep the message for this run and put the widget back to the
    stored value (the store is unchanged)."""
    try:
        write()
    except UserError as exc:
        st.session_state[ERROR] = str(exc)
        if key is not None:
            st.session_state[key] = restore
        return False
    st.session_state.pop(ERROR, None)
    return True


def on_profile(field: str, key: str) -> None:
    restore = queries.financing_profile(store, wid)[field]
    _run_write(lambda: queries.set_financing_profile(store, wid, field, st.session_state[key]), key, restore)


def on_entry(year: int, kind: str, code: str, key: str) -> None:
    stored = entries_now(year).get((kind, code))
    _run_write(lambda: queries.set_financing_entry(store, wid, year, kind, code, st.session_state[key]), key, stored)


def entries_now(year: int) -> dict:
    e = queries.financing_entries(store, wid)
    e = e[e["year"] == year]
    return {(r.entry_kind, r.category_code): float(r.amount) for r in e.itertuples()}


def on_plan(field: str, key: str, restore) -> None:
    _run_write(lambda: queries.set_financing_plan_value(store, wid, field, st.session_state[key]), key, restore)


def on_opening(year: int, key: str) -> None:
    restore = queries.financing_opening_balance(store, wid, year)
    _run_write(lambda: queries.set_financing_opening_balance(store, wid, year, st.session_state[key]), key, restore)


def on_timing(kind: str, code: str, tkey: str, mkey: str) -> None:
    timing = st.session_state[tkey]
    month = st.session_state.get(mkey) or 1
    _run_write(lambda: queries.set_financing_timing(store, wid, kind, code, timing, month if timing == "once" else None))


def on_import(key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:
        return
    try:
        n, years = queries.import_financing_entries(store, wid, upload.getvalue())
    except UserError as exc:
        st.session_state[ERROR] = f"Import of {upload.name} refused, nothing was changed — {exc}"
    else:
        st.session_state.pop(ERROR, None)
        st.session_state[NOTICE] = (f"Imported {n} amount{'s' if n != 1 else ''} for "
                                    f"{', '.join(str(y) for y in years)} from {upload.name}.")
        st.session_state["fin_import_n"] = st.session_state.get("fin_import_n", 0) + 1  # a fresh, empty uploader


def on_clear_year(year: int) -> None:
    _run_write(lambda: queries.delete_financing_year(store, wid, year))
    st.session_state[NOTICE] = f"All amounts of {year} were removed."


def show_messages() -> None:
    if st.session_state.get(ERROR):
        ui.show_error(UserError(st.session_state.pop(ERROR)))
    if st.session_state.get(NOTICE):
        st.success(st.session_state.pop(NOTICE), icon=":material/check_circle:")


def amount_input(label: str, key: str, value, on_change, args, *, allow_negative: bool = False, help=None):
    """A number field showing the stored value (re-read on every run, so a reload, an import or
    another browser shows the saved state). No min_value: a negative amount reaches the validation
    and gets its message."""
    st.session_state[key] = None if value is None else float(value)
    st.number_input(label, key=key, value=None, step=1000.0, format="%.2f", on_change=on_change, args=args,
                    disabled=not editable, placeholder="not entered", help=help)


# ---- profile and year ------------------------------------------------------------------------------
show_messages()
this_year = date.today().year
years_entered = fin.entered_years(entries)
c1, c2, c3, c4 = st.columns([1, 1, 1, 1.2])
st.session_state["fin-currency"] = currency
c1.text_input("Currency of all amounts", key="fin-currency", max_chars=12, on_change=on_profile,
              args=("currency", "fin-currency"), disabled=not editable)
st.session_state["fin-founding"] = profile["founding_year"]
c2.number_input("Founding year", key="fin-founding", value=None, step=1,
                on_change=on_profile, args=("founding_year", "fin-founding"), disabled=not editable,
                placeholder="not entered",
                help="Year the cluster organisation started work; used for the guide's five-year rule.")
st.session_state["fin-members"] = profile["members"]
c3.number_input("Paying members", key="fin-members", value=None, step=1, on_change=on_profile,
                args=("members", "fin-members"), disabled=not editable, placeholder="not entered",
                help="Used by the planner for the fee of a new member.")
year_options = sorted(set(range(this_year - 15, this_year + 6)) | set(years_entered), reverse=True)
default_year = max(years_entered) if years_entered else this_year
year = c4.selectbox("Year", year_options, index=year_options.index(default_year), key="fin_year",
                    bind="query-params", format_func=str)
c4.caption("Years with amounts: " + (", ".join(str(y) for y in years_entered) if years_entered else "none yet"))
summary = fin.summarise_year(entries, year)

tabs = st.tabs(["Income and costs", "Shares and benchmarks", "Planner", "Liquidity plan"], key="fin_tab",
               bind="query-params")

# ---- tab 1: income and costs -------------------------------------------------------------------------
with tabs[0]:
    if tabs[0].open:
        st.subheader(f"Income and costs {year} ({currency})")
        left, right = st.columns(2, gap="large")
        with left:
            st.markdown("##### Income by source")
            for cat in fin.INCOME_CATEGORIES:
                key = f"fin-{year}-income-{cat.code}"
                amount_input(cat.name, key, summary.income[cat.code], on_entry, (year, fin.INCOME, cat.code, key))
            st.metric("Total income", fin.format_amount(summary.total_income, currency))
        with right:
            st.markdown("##### Costs by category")
            for cat in fin.COST_CATEGORIES:
                key = f"fin-{year}-cost-{cat.code}"
                amount_input(cat.name, key, summary.costs[cat.code], on_entry, (year, fin.COST, cat.code, key))
            st.metric("Total costs", fin.format_amount(summary.total_costs, currency))
        costs_src = queries.cost_categories(store)
        st.caption(
            "Income sources and cost categories as the guide names them (baseline support from local, regional "
            "and national institutions; private sources; projects; cost categories personnel, rent, operating "
            "supplies, equipment, others and formation/start-up costs). A blank field is “not entered”; 0 is zero."
        )
        if len(costs_src):
            ui.source_line(costs_src["source"].iloc[0])

        st.subheader("All years")
        wide = fin.entries_wide(entries)
        if len(years_entered):
            shown = wide.copy()
            for y in years_entered:
                shown[str(y)] = [("" if pd.isna(v) else f"{v:,.2f}") for v in wide[str(y)]]
            st.table(shown, hide_index=True)
        else:
            st.info("No amounts yet: enter them above, or import a CSV.")
        units = f"amounts in {currency}; blank = not entered"
        ui.download_csv(wide, "financing_entries.csv", source=f"Entered in ClusterDash workspace {wid}",
                        units=units, label="Download CSV (this table)", key="dl-fin-entries")
        with st.expander("Import amounts from a CSV"):
            st.markdown(
                "Same format as the download: a header `kind,category,<year>,<year>,…`, one row per category "
                "(its name or code), blank cells for “not entered”. The years in the file replace the amounts "
                "of those years; other years stay. Nothing is changed if any line has a problem."
            )
            ukey = f"fin-import-{st.session_state.get('fin_import_n', 0)}"
            st.file_uploader("CSV file", type=["csv"], key=ukey, on_change=on_import, args=(ukey,),
                             disabled=not editable)
        if year in years_entered and editable:
            with st.popover(f"Clear all amounts of {year}", icon=":material/delete:"):
                st.write(f"Remove every income and cost amount entered for {year}?")
                st.button(f"Yes, clear {year}", key="fin-clear-year", on_click=on_clear_year, args=(year,),
                          type="primary")

# ---- tab 2: shares and benchmarks -------------------------------------------------------------------------
with tabs[1]:
    if tabs[1].open:
        st.subheader(f"Shares {year}")
        if summary.total_income is None:
            st.info(f"No income entered for {year}: enter it in “Income and costs” to see shares and findings.")
        elif summary.total_income == 0:
            st.warning(f"The income entered for {year} adds up to 0: there are no shares to compute.")
        m = st.columns(4)
        m[0].metric("Total income", fin.format_amount(summary.total_income, currency))
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
                                            large=large),
                            theme=None, key="chart-fin-mixes", config={"displaylogo": False})
            bua_src = mixes["source"].iloc[0] if len(mixes) else SEED
            ui.source_line(f"your entries; Business Upper Austria: {bua_src}", units="% of total income")
            ui.download_csv(side, "financing_mixes_side_by_side.csv", source=f"your entries; {bua_src}",
                            units="share_pct in % of income; amount in " + currency + " (your entries only)",
                            key="dl-fin-mixes")

        st.subheader("Benchmarks: figures the guide states")
        bench = fin.benchmark_points(summary if summary.total_income else None, patterns, mixes, rules)
        if len(bench):
            measures = {"public_share": "Public share", "membership_fee_share": "Membership fees share",
                        "private_share": "Private share / financial autonomy"}
            st.plotly_chart(charts.benchmark_chart(bench, measures=measures, source=f"Your entries; {SEED}",
                                                   large=large),
                            theme=None, key="chart-fin-bench", config={"displaylogo": False})
            st.caption(
                "Only figures that the text states as numbers are drawn; EU membership fees are “one quarter” in "
                "the text. Each row of the download names its knowledge table, key and source."
            )
            ui.source_line(f"your entries; {SEED} — see the source column of the download", units="% of income")
            ui.download_csv(bench, "financing_benchmarks.csv", source=f"your entries; {SEED}",
                            units="value_pct and value_high_pct in %", key="dl-fin-bench")

        st.subheader("Side by side with the regional patterns")
        comp = fin.comparison_table(summary, patterns, mixes, rules)
        st.table(comp, hide_index=True)
        period_rows = patterns[(patterns["pattern_set"] == "financing_mix") & patterns["period"].notna()]
        if len(period_rows):
            p0 = period_rows.iloc[0]
            st.caption(ui.plain(
                f"Regions: Financing patterns around the world (I), time period {p0['period']}, "
                f"{int(p0['n_clusters']):,} clusters observed in total (all regions together). "
                "Words in quotes are the guide's; the text gives no number for them."))
            ui.source_line(p0["source"])
        ui.download_csv(comp, "financing_comparison.csv", source=f"your entries; {SEED}",
                        units="% of total income; words as stated in the guide", key="dl-fin-comp")

        st.subheader("Findings")
        findings = fin.assess_mix(summary, rules=rules, founding_year=profile["founding_year"], currency=currency)
        if not findings and summary.total_income:
            st.write("No findings for this mix.")
        badge = {"warning": ("Check", "orange", ":material/warning:"), "info": ("Note", "blue", ":material/info:"),
                 "ok": ("Good", "green", ":material/check_circle:")}
        for f in findings:
            label, color, icon = badge[f.level]
            with st.container(border=True):
                st.badge(label, color=color, icon=icon)
                st.markdown(ui.plain(f.text))
                with st.expander("What the guide says"):
                    st.markdown(f"> {ui.plain(f.quote)}")
                ui.source_line(" ; ".join(f.sources))
        if findings:
            ft = pd.DataFrame([{"level": f.level, "finding": f.text, "guide_says": f.quote,
                                "source": " ; ".join(f.sources)} for f in findings])
            ui.download_csv(ft, f"financing_findings_{year}.csv", source=f"your entries; {SEED}",
                            key="dl-fin-findings")

        st.subheader("Shares by year")
        shares = fin.shares_table(entries)
        if len(shares):
            shown = shares.rename(columns=fin.SHARES_COLUMN_LABELS)
            cfg = {c: st.column_config.NumberColumn(format="%.1f %%") for c in shown.columns if c.endswith("%")}
            cfg.update({c: st.column_config.NumberColumn(format="accounting")
                        for c in ("Total income", "Total costs", "Income − costs")})
            cfg["Year"] = st.column_config.NumberColumn(format="%d")
            st.dataframe(shown, hide_index=True, width="stretch", column_config=cfg)
            ui.download_csv(shown, "financing_shares_by_year.csv", source="Your entries",
                            units=f"amounts in {currency}; shares in % of total income", key="dl-fin-shares")

# ---- tab 3: planner ------------------------------------------------------------------------------------------
with tabs[2]:
    if tabs[2].open:
        st.subheader(f"Multi-year planner from {year}")
        st.write(
            f"From the mix entered for {year} toward a target public share: set the levers of the guide (new "
            "members and fee changes, new fee-based services and pricing, sponsoring, projects) and see income by "
            "source, public share and the gap to the target for each year."
        )
        saved = queries.financing_plan_inputs(store, wid)
        cofin = rule.get("public_cofinancing_even_for_excellent_clusters")
        five = rule.get("five_years_to_grow_private_income")
        avg_fee = (summary.group_amount("membership_fees") / profile["members"]) if profile["members"] else 0.0
        defaults = {
            "horizon_years": int(five["value_low"]) if five and five.get("value_low") else 5,
            "target_public_pct": float(cofin["value_high"]) if cofin and cofin.get("value_high") else 30.0,
            "new_member_fee": round(avg_fee, 2),
        }
        values = {f: saved.get(f, defaults.get(f, getattr(fin.PlanInputs(), f))) for f in fin.PLAN_FIELDS}

        def plan_input(col, field: str, *, step, fmt, help=None):
            key = f"fin-plan-{field}"
            v = values[field]
            st.session_state[key] = int(v) if field == "horizon_years" else float(v)
            col.number_input(fin.PLAN_LABELS[field] + (f" ({currency})" if not field.endswith("pct")
                                                       and field not in ("horizon_years", "new_members_per_year") else ""),
                             key=key, step=step, format=fmt, on_change=on_plan, args=(field, key, v),
                             disabled=not editable, help=help)

        a, b, c = st.columns(3)
        plan_input(a, "horizon_years", step=1, fmt="%d",
                   help="Default: the guide's around five years to significantly increase private incomes.")
        plan_input(b, "target_public_pct", step=1.0, fmt="%.1f",
                   help="Default: the upper end of the 20–30 % public co-financing that even excellent clusters need.")
        plan_input(c, "public_change_pct", step=1.0, fmt="%.1f", help="Negative for a reduction, e.g. −10.")
        st.markdown("##### Levers")
        a, b, c, d = st.columns(4)
        with a.container(border=True):
            st.markdown("**Membership fees**")
            plan_input(st, "new_members_per_year", step=1.0, fmt="%.0f")
            plan_input(st, "new_member_fee", step=100.0, fmt="%.2f",
                       help="Default: membership fees ÷ paying members of the base year.")
            plan_input(st, "fee_change_pct", step=1.0, fmt="%.1f")
        with b.container(border=True):
            st.markdown("**Fee-based services**")
            plan_input(st, "new_services_per_year", step=1000.0, fmt="%.2f")
            plan_input(st, "service_price_change_pct", step=1.0, fmt="%.1f")
        with c.container(border=True):
            st.markdown("**Sponsoring and projects**")
            plan_input(st, "sponsoring_change_per_year", step=1000.0, fmt="%.2f")
            plan_input(st, "projects_change_per_year", step=1000.0, fmt="%.2f")
        with d.container(border=True):
            st.markdown("**Costs**")
            plan_input(st, "cost_change_pct", step=1.0, fmt="%.1f")
        if cofin or five:
            st.caption(ui.plain(" ".join(r["statement"] for r in (five, cofin) if r)))
            ui.source_line((five or cofin)["source"])

        if not summary.total_income:
            st.info(f"Enter the income of {year} first: the planner starts from it.")
        else:
            plan = fin.plan_years(summary, fin.PlanInputs(**values))
            outcome = fin.plan_outcome(plan)
            reached = plan["gap_pp"].notna() & (plan["gap_pp"] <= 1e-9)
            (st.success if reached.any() else st.warning)(outcome)
            st.plotly_chart(charts.plan_chart(plan, currency=currency, source="Your entries and levers (projection)",
                                              large=large),
                            theme=None, key="chart-fin-plan", config={"displaylogo": False})
            shown = plan.rename(columns=fin.PLAN_COLUMN_LABELS)
            cfg = {c: st.column_config.NumberColumn(format="accounting") for c in shown.columns}
            cfg.update({c: st.column_config.NumberColumn(format="%.1f") for c in
                        ("Public share %", "Target %", "Gap to target (pp)")})
            cfg.update({"Year": st.column_config.NumberColumn(format="%d"),
                        "Plan year": st.column_config.NumberColumn(format="%d")})
            st.dataframe(shown, hide_index=True, width="stretch", column_config=cfg)
            ui.source_line("your entries for the base year and your levers — a projection, not data",
                           units=f"amounts in {currency}; shares in %; gap in percentage points")
            ui.download_csv(shown, f"financing_plan_{year}.csv",
                            source="Projection from your entries and levers (ClusterDash planner)",
                            units=f"amounts in {currency}; shares in %; gap in percentage points", key="dl-fin-plan")
            with st.expander("How the planner calculates"):
                st.markdown(fin.PLAN_ARITHMETIC)

# ---- tab 4: liquidity ---------------------------------------------------------------------------------------
with tabs[3]:
    if tabs[3].open:
        st.subheader(f"12-month liquidity plan {year}")
        liq_rule = rule.get("financial_plan_liquidity")
        if liq_rule:
            st.markdown(f"> {ui.plain(liq_rule['statement'])}")
            ui.source_line(liq_rule["source"])
        st.write(
            f"The income and costs entered for {year}, spread over the months by when the money is received or paid. "
            "Set the timing of each source and cost below (default: evenly each month; start-up costs in January)."
        )
        opening = queries.financing_opening_balance(store, wid, year)
        okey = f"fin-opening-{year}"
        st.session_state[okey] = None if opening is None else float(opening)
        st.number_input(f"Cash at the start of January {year} ({currency})", key=okey, value=None, step=1000.0,
                        format="%.2f", on_change=on_opening, args=(year, okey), disabled=not editable,
                        placeholder="0.00 — not entered", help="May be negative (an overdraft).")
        timings = queries.financing_timings(store, wid)
        present = [(k, c) for k, cats in fin.CATEGORIES.items() for c in cats
                   if (summary.income if k == fin.INCOME else summary.costs).get(c.code)]
        if not present:
            st.info(f"No amounts entered for {year}: enter income and costs first.")
        else:
            with st.expander("When is the money received or paid?", expanded=not timings):
                for kind, cat in present:
                    t = timings.get((kind, cat.code)) or fin.default_timing(kind, cat.code)
                    amount = (summary.income if kind == fin.INCOME else summary.costs)[cat.code]
                    tkey, mkey = f"fin-timing-{kind}-{cat.code}", f"fin-month-{kind}-{cat.code}"
                    c1, c2, c3 = st.columns([1.3, 1.6, 0.8])
                    c1.markdown(f"**{ui.plain(cat.name)}** ({kind})  \n{fin.format_amount(amount, currency)} a year")
                    st.session_state[tkey] = t.timing_code
                    c2.selectbox("Timing", list(fin.TIMINGS), key=tkey, format_func=fin.TIMINGS.get,
                                 on_change=on_timing, args=(kind, cat.code, tkey, mkey), disabled=not editable,
                                 label_visibility="collapsed")
                    if t.timing_code == "once":
                        st.session_state[mkey] = t.pay_month or 1
                        c3.selectbox("Month", list(range(1, 13)), key=mkey, format_func=lambda m: fin.MONTHS[m - 1],
                                     on_change=on_timing, args=(kind, cat.code, tkey, mkey), disabled=not editable,
                                     label_visibility="collapsed")
            liq = fin.liquidity_plan(summary, opening or 0.0, timings)
            out = fin.cash_out_month(liq)
            low_month, low_cash = fin.lowest_cash(liq)
            m = st.columns(3)
            m[0].metric("Cash runs out in", f"{fin.MONTHS[out - 1]} {year}" if out else "does not run out")
            m[1].metric(f"Lowest cash (end of {fin.MONTHS[low_month - 1]})", fin.format_amount(low_cash, currency))
            m[2].metric(f"Cash at the end of {year}", fin.format_amount(float(liq["closing_cash"].iloc[-1]), currency))
            if out:
                st.error(f"Cash runs out in {fin.MONTHS[out - 1]} {year}: plan an earlier payment, a bridge or lower "
                         "spending before then.", icon=":material/warning:")
            st.plotly_chart(charts.liquidity_chart(liq, currency=currency, cash_out_month=out,
                                                   source="Your entries and payment timings (projection)", large=large),
                            theme=None, key="chart-fin-liq", config={"displaylogo": False})
            shown = liq.rename(columns=fin.LIQUIDITY_COLUMN_LABELS)
            cfg = {c: st.column_config.NumberColumn(format="accounting") for c in shown.columns
                   if c not in ("Month", "Month name")}
            st.dataframe(shown, hide_index=True, width="stretch", column_config=cfg)
            ui.download_csv(shown, f"financing_liquidity_{year}.csv",
                            source="Projection from your entries and payment timings (ClusterDash liquidity plan)",
                            units=f"amounts in {currency}", key="dl-fin-liq")
