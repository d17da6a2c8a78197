from functools import partial

import pandas as pd
import streamlit as st

from clusterdash import fields, queries, texts, toolkit, ui
from clusterdash.charts import toolkit as charts
from clusterdash.ui import autosave, history
from clusterdash.ui import toolkit as tk_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
wid = tk_ui.header(store, "develop_services")
services = queries.cluster_services(store, wid)
placed = toolkit.place_services(services)
examples = queries.pre_assessed_services(store)
large = ui.is_presenting()
editable = ui.can_edit()
who = ui.current_participant()  # recorded with removals (the text history)
SOURCE = (f"service portfolio of workspace {wid} (ClusterDash); ratings and portfolio areas as in {toolkit.GUIDE} § "
          "PART 2 Establishment phase › Step 3 › Developing cluster services (prepared by ClusterAgentur Baden-Württemberg)")
FOLLOW = "__follow__"

rate_tab, portfolio_tab = st.tabs([f"Services and ratings ({len(services)})", "Portfolio"])

with rate_tab:
    st.caption("Rate each service as in the guide's pre-assessment: planned frequency and number of beneficiaries, "
               "expected effort for cluster management, expected relevance for actors. The placement follows from "
               "the ratings (rules under the Portfolio tab) unless you choose one.")
    for r in placed.itertuples():
        k = f"sv|{wid}|{r.service_id}"
        sid = r.service_id

        def save(field, sid=sid):
            return lambda v, **cas: queries.update_cluster_service(store, wid, sid, **{field: v}, **cas)

        with st.container(border=True, key=f"sv-row-{sid}"):
            if not editable:
                st.markdown(f"**{ui.plain(r.service_name)}** — "
                            f"{ui.plain(fields.value_label('placement', r.placement, default='not yet placed'))}")
                st.caption(ui.plain(f"frequency {r.frequency or '?'} · beneficiaries {r.beneficiaries or '?'} · "
                                    f"effort {r.effort or '?'} · relevance {r.relevance or '?'}"))
                continue
            c1, c2 = st.columns([12, 1], vertical_alignment="bottom")
            with c1:
                autosave.text(f"Service {r.seq}", f"{k}|service_name", r.service_name, save("service_name"), max_chars=200,
                              checked=True)
            with c2:
                autosave.action_button("", f"{k}|delete", partial(queries.delete_cluster_service, changed_by=who), store,
                                       wid, sid,
                             icon=":material/delete:", help=f"Remove {ui.plain_label(r.service_name, 80)}", toast="Removed")
            with st.container(horizontal=True, gap="medium", key=f"sv-ratings-{sid}"):
                autosave.choice("Planned frequency", toolkit.FREQUENCIES, f"{k}|frequency",
                             toolkit.value_or_none(r.frequency), save("frequency"), required=False,
                             labels=fields.value_labels("frequency"))
                autosave.choice("Beneficiaries", toolkit.BENEFICIARIES, f"{k}|beneficiaries",
                             toolkit.value_or_none(r.beneficiaries), save("beneficiaries"), required=False,
                             labels=fields.value_labels("beneficiaries"), help="Number of beneficiaries")
                autosave.choice("Expected effort", toolkit.LEVELS[::-1], f"{k}|effort", toolkit.value_or_none(r.effort),
                             save("effort"), labels=fields.value_labels("influence"), required=False,
                             help="Expected effort for cluster management")
                autosave.choice("Expected relevance", toolkit.LEVELS[::-1], f"{k}|relevance",
                             toolkit.value_or_none(r.relevance), save("relevance"), labels=fields.value_labels("influence"),
                             required=False, help="Expected relevance for actors")
            p1, p2 = st.columns([3, 2], vertical_alignment="center")
            with p1:
                if isinstance(r.suggested_placement, str):
                    st.markdown(f"Suggested: **{fields.value_label('placement', r.suggested_placement)}** "
                                f"(rule {r.rule_no}) — {ui.plain(r.why)}")
                else:
                    st.caption(r.why)
            with p2:
                opts = [FOLLOW, *toolkit.PLACEMENTS]
                labels = {FOLLOW: "Follow the suggestion", **fields.value_labels("placement")}
                current = toolkit.value_or_none(r.placement_code) or FOLLOW
                autosave.select("Placement", opts, f"{k}|placement", current,
                             lambda v, sid=sid: queries.update_cluster_service(
                                 store, wid, sid, placement_code=None if v == FOLLOW else v),
                             labels=labels, help="Your team's allocation; 'Follow the suggestion' uses the rules.")
    if editable:
        autosave.adder("Add a service", f"sv-add|{wid}", lambda name: queries.add_cluster_service(store, wid, name, changed_by=ui.current_participant()),
                    placeholder="Name of a service, then Enter")
        have = set(services["service_code"].dropna())
        missing = [c for c in examples["service_code"] if c not in have]
        if missing:
            autosave.action_button(f"Add the guide's pre-assessed example services ({len(missing)})", f"sv-example|{wid}",
                         partial(queries.add_example_services, changed_by=who), store, wid,
                         icon=":material/library_add:", toast="Added",
                         help="Information events, joint procurement, cluster marketing, joint R&D, HR services, "
                              "common trade fair appearance, tender training — with the guide's planned frequency / "
                              "beneficiaries. Rate effort and relevance yourself: the guide's marks were lost in "
                              "extraction.")

with portfolio_tab:
    with st.container(horizontal=True, gap="small", key="sv-areas"):
        for p in toolkit.PLACEMENTS:
            mine = placed[placed["placement"] == p]
            with st.container(border=True, height="stretch", width="stretch", key=f"sv-area-{p}"):
                st.markdown(f"**{fields.value_label('placement', p)}** ({len(mine)})")
                st.markdown("  \n".join(f"{int(m.seq)}\\. {ui.plain(m.service_name)}"
                                        + (" *(chosen)*" if m.placement_origin == "chosen" else "")
                                        for m in mine.itertuples()) or "—")
    unrated = placed[placed["placement"].isna()]
    if len(unrated):
        st.caption(ui.plain("Not yet placed (rate effort and relevance): " + ", ".join(unrated["service_name"])))
    ui.source_line(toolkit.PLACEMENT_SOURCE, units="areas as named in the guide's portfolio figure")
    if placed["placement"].notna().any():
        st.plotly_chart(charts.portfolio_map(placed, large=large, source=SOURCE), key="sv-map",
                        config={"displaylogo": False})
    with st.expander("How a service is placed (ClusterDash's rules — the guide's portfolio axes were lost in "
                     "extraction)", icon=":material/rule:"):
        ui.show_table(pd.DataFrame([{"rule": r.rule_no, "when": r.condition, "why": r.why,
                                     "placement": fields.value_label("placement", r.placement_code)}
                                    for r in toolkit.PLACEMENT_RULES])[["rule", "when", "placement", "why"]])
        st.caption("The first rule that matches applies. A placement your team chooses overrides the suggestion — the "
                   "guide: the allocation can be carried out within the cluster management team and double-checked "
                   "by cluster actors.")
        tk_ui.notes(store, "develop_services", title="From the guide", expander=False)

ui.download_csv(toolkit.export_services(placed), f"service_portfolio_{wid}.csv", key="dl-services", source=SOURCE,
                units="ratings high/medium/low; placement as in the guide's portfolio")
history.text_history(store, wid, texts.TOOL_TABLES["develop_services"], key="services-history")
learn_ui.guidance_lists("toolkit_services")
