import pandas as pd
import streamlit as st

from clusterdash import financing as fin
from clusterdash import queries, ui
from clusterdash.charts import financing as charts

store = ui.get_store()
large = ui.is_presenting()
SEED = "Cluster Development Guide (seed 004)"

ui.page_intro(
    "Financing patterns",
    "How cluster organisations are financed: the three main sources, the levers for building the "
    "financing portfolio, what the guide reports for four world regions, a best-practice mix and its "
    "rules of thumb. Figures are shown **exactly as the text states them**; where the text gives only "
    "words, the words are shown and no bar is drawn.",
)
st.page_link("pages/financing_mix.py", label="Compare and plan your own cluster's financing mix",
              icon=":material/account_balance:")

sources = queries.financing_sources(store)
levers = queries.financing_levers(store)
patterns = queries.financing_patterns(store)
mixes = queries.financing_mixes(store)
figures = queries.financing_figures(store)
rules = queries.financing_rules(store)
rule = {r["rule_code"]: r for r in rules.to_dict("records")}


def quote(code: str) -> None:
    """A rule of the guide as a quotation with its source (knowledge text, not user text)."""
    r = rule.get(code)
    if r:
        st.markdown(f"> {ui.plain(r['statement'])}")
        ui.source_line(r["source"])


# ---- the three main sources -----------------------------------------------------------------
st.header("Three main sources of financing")
quote("financing_mix_from_initiation")
cols = st.columns(max(1, len(sources)))
for col, r in zip(cols, sources.itertuples()):
    with col.container(border=True):
        st.markdown(f"#### {ui.plain(r.source_name)}")
        st.write(r.description)
if len(sources):
    ui.source_line(sources["source"].iloc[0])
quote("mixture_matters")

# ---- levers -----------------------------------------------------------------------------------
st.header("Financing options: levers for the portfolio")
st.write("Levers to take into consideration when building or updating the financing portfolio.")
options = list(dict.fromkeys(levers["option_code"]))
cols = st.columns(max(1, len(options)))
for col, code in zip(cols, options):
    part = levers[levers["option_code"] == code]
    with col.container(border=True):
        st.markdown(f"#### {ui.plain(part['option_name'].iloc[0])}")
        st.markdown("\n".join(f"- {ui.plain(x)}" for x in part["lever"]))
if len(levers):
    ui.source_line(levers["source"].iloc[0])


def region_cards(pattern_set: str) -> None:
    statements = fin.region_statements(patterns, pattern_set)
    codes = [c for c in fin.REGIONS if c in statements]
    for row_start in range(0, len(codes), 2):
        cols = st.columns(2)
        for col, code in zip(cols, codes[row_start:row_start + 2]):
            with col.container(border=True):
                st.markdown(f"#### {ui.plain(fin.REGION_LONG.get(code, fin.REGIONS[code]))}")
                for s in statements[code]:
                    if s["figure_as_stated"]:
                        st.metric(s["measure"], s["figure_as_stated"])
                        st.caption(ui.plain(s["words"]))
                    else:
                        st.markdown(f"**{ui.plain(s['measure'])}** · *in words only*  \n“{ui.plain(s['words'])}”")


def coverage_line(pattern_set: str) -> str | None:
    p = patterns[(patterns["pattern_set"] == pattern_set) & patterns["period"].notna() & patterns["region_code"].notna()]
    if not len(p):
        return None
    periods = sorted(set(p["period"]))
    ns = sorted({(int(n), s) for n, s in zip(p["n_clusters"], p["n_clusters_scope"]) if pd.notna(n)})
    parts = [f"Time period {', '.join(periods)}"]
    for n, scope in ns:
        parts.append(f"{n:,} clusters observed" + (" in total, all regions together" if scope == "total" else ""))
    return " · ".join(parts)


def stated_chart(pattern_set: str, title: str, key: str) -> None:
    data = fin.stated_pattern_figures(patterns, pattern_set)
    if data.empty:
        st.info("The text states no figure for this chart.")
        return
    src = data["source"].iloc[0]
    st.markdown(f"**{ui.plain(title)}**")
    st.plotly_chart(charts.stated_figures_bars(data, source=f"{SEED}, {title}", large=large),
                    theme=None, key=f"chart-{key}", config={"displaylogo": False})
    ui.source_line(src, units="% as stated in the text; period and clusters observed per row")
    ui.download_csv(data, f"financing_{key}_figures.csv", source=src,
                    units="value_pct in %; figure_as_stated as printed", key=f"dl-{key}")


# ---- patterns (I) -------------------------------------------------------------------------------
st.header("Financing patterns around the world (I): the financing mix")
line = coverage_line("financing_mix")
if line:
    st.markdown(f"**{ui.plain(line)}**")
st.caption(
    "The guide's regional charts did not survive in the text; only the figures its text states are "
    "charted. The other statements are given in the guide's words."
)
region_cards("financing_mix")
stated_chart("financing_mix", "Figures stated for patterns (I)", "patterns1")
with st.expander("All statements of patterns (I) as a table"):
    table = fin.pattern_statements_table(patterns, "financing_mix")
    st.dataframe(table, hide_index=True, width="stretch")
    if len(table):
        ui.download_csv(table, "financing_patterns_1.csv", source=table["source"].iloc[0], key="dl-p1-table")

# ---- patterns (II) ------------------------------------------------------------------------------
st.header("Financing patterns around the world (II): financial security")
quote("financial_security_shapes_development")
region_cards("financial_security")
stated_chart("financial_security", "Figures stated for patterns (II)", "patterns2")
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
    ui.source_line(panel_table["source"].iloc[0])
    ui.download_csv(panel_table, "financing_patterns_2_panels.csv", source=panel_table["source"].iloc[0],
                    units="clusters_measured: number of clusters", key="dl-p2-panels")
with st.expander("All statements of patterns (II) as a table"):
    table = fin.pattern_statements_table(patterns, "financial_security")
    st.dataframe(table, hide_index=True, width="stretch")
    if len(table):
        ui.download_csv(table, "financing_patterns_2.csv", source=table["source"].iloc[0], key="dl-p2-table")

# ---- Business Upper Austria ---------------------------------------------------------------------
st.header("A sustainable financing model: Business Upper Austria")
quote("balanced_mix_from_the_beginning")
bua = fin.mix_cases(mixes)
if len(bua):
    src = bua["source"].iloc[0]
    st.markdown("**Insight in the financing mix of Cluster & Cooperation**")
    st.plotly_chart(charts.mix_bars(bua, source=f"{SEED}, Ensuring sustainable financing (1/3)", large=large),
                    theme=None, key="chart-bua", config={"displaylogo": False})
    ui.source_line(src, units="% of income, approximate as printed (~)")
    ui.download_csv(bua, "financing_business_upper_austria_mix.csv", source=src,
                    units="share_pct in %, approximate as printed in share_text", key="dl-bua")

# ---- Mechatronics ---------------------------------------------------------------------------------
certain, untied, categories = fin.figure_table(figures, "mechatronics_cluster_2017")
if certain or len(untied):
    st.subheader("Revenues of the Mechatronics Cluster 2017 (Clusterland Upper Austria)")
    c1, c2 = st.columns([1, 2])
    with c1:
        if certain:
            st.metric(f"{certain['label']} revenues 2017", f"{certain['amount']:,.2f}")
            st.caption("No currency is printed in the text.")
        if categories:
            st.markdown("**The chart's six revenue categories**")
            st.markdown("\n".join(f"- {ui.plain(c)}" for c in categories))
    with c2:
        st.markdown(
            "**The six amounts, in the order the text prints them.** The text does not say which amount "
            "belongs to which category, so they are not charted against categories."
        )
        shown = untied.assign(amount=[f"{a:,.2f}" for a in untied["amount"]]).drop(columns=["source"])
        st.table(shown.rename(columns={"order_printed": "Order printed", "amount": "Amount as printed",
                                       "category": "Category"}), hide_index=True)
        if certain:
            st.caption(ui.plain(certain["note"]))
    src = certain["source"] if certain else untied["source"].iloc[0]
    ui.source_line(src)
    ui.download_csv(untied, "financing_mechatronics_2017_amounts.csv", source=src,
                    units="amount as printed, no currency printed; category not tied in the text",
                    key="dl-mechatronics")

# ---- rules of thumb ---------------------------------------------------------------------------------
st.header("Rules of thumb")
numeric = [r for r in rules.to_dict("records") if fin.rule_figure_text(r)]
order = ["five_years_to_grow_private_income", "public_cofinancing_even_for_excellent_clusters",
         "cger_financial_autonomy", "sustainable_financing_and_growth", "financial_plan_liquidity"]
numeric.sort(key=lambda r: order.index(r["rule_code"]) if r["rule_code"] in order else len(order))
headline = {
    "five_years_to_grow_private_income": "Time to grow private income",
    "public_cofinancing_even_for_excellent_clusters": "Public co-financing needed",
    "cger_financial_autonomy": "CGER network: financial autonomy",
    "sustainable_financing_and_growth": "Survey of German clusters",
    "financial_plan_liquidity": "Financial plan period",
}
prefix = {"five_years_to_grow_private_income": "around ", "cger_financial_autonomy": "around ",
          "financial_plan_liquidity": "e.g. "}
for row_start in range(0, len(numeric), 3):
    cols = st.columns(3)
    for col, r in zip(cols, numeric[row_start:row_start + 3]):
        with col.container(border=True):
            st.metric(headline.get(r["rule_code"], r["rule_code"].replace("_", " ").capitalize()),
                      prefix.get(r["rule_code"], "") + fin.rule_figure_text(r))
            st.write(r["statement"])
            ui.source_line(r["source"])
with st.expander("Further statements of the guide on financing (in words)"):
    for r in rules.to_dict("records"):
        if fin.rule_figure_text(r):
            continue
        st.markdown(f"> {ui.plain(r['statement'])}")
        ui.source_line(r["source"])
rules_table = rules[["rule_code", "statement", "value_low", "value_high", "unit", "source"]]
ui.download_csv(rules_table, "financing_rules_of_thumb.csv", source=SEED,
                units="value_low/value_high in the unit of each row", label="Download all rules (CSV)",
                key="dl-rules")
