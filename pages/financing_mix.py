import streamlit as st

from clusterdash import financing as fin
from clusterdash import queries, ui
from clusterdash.ui import financing as fin_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
wid = ui.current_workspace(store)

ui.page_intro(
    "Your financing mix",
    "Enter your cluster organisation's income by source and its costs, year by year: each amount is saved "
    "the moment you leave the field. Compare the mix with the patterns and benchmarks of the guide, read the "
    "findings, plan the mix over the coming years and check the liquidity of the next 12 months.",
)
ui.edit_notice()

profile = queries.financing_profile(store, wid)
entries = queries.financing_entries(store, wid)
rules = queries.financing_rules(store)

year = fin_ui.profile_and_year(store, wid, profile, entries)
summary = fin.summarise_year(entries, year)

tabs = st.tabs(["Income and costs", "Shares and benchmarks", "Planner", "Liquidity plan"], key="fin_tab",
               bind="query-params")
with tabs[0]:
    if tabs[0].open:
        fin_ui.entries_tab(store, wid, year, summary, entries, profile["currency"])
with tabs[1]:
    if tabs[1].open:
        fin_ui.shares_tab(year, summary, entries, profile, rules, queries.financing_patterns(store),
                          queries.financing_mixes(store))
with tabs[2]:
    if tabs[2].open:
        fin_ui.planner_tab(store, wid, year, summary, profile, rules)
with tabs[3]:
    if tabs[3].open:
        fin_ui.liquidity_tab(store, wid, year, summary, profile["currency"], rules)
learn_ui.guidance_lists("financing_mix")
