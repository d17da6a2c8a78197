import streamlit as st

from clusterdash import fields, learn, queries, ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
all_rows = queries.policy_programmes(store)
selected = learn_ui.settle_choice(learn_ui.PROGRAMME_KEY, "programme", list(all_rows["programme_code"]))

ui.page_intro(
    "Policy programmes and good practices",
    "Every cluster policy programme, initiative of cluster policy and good practice the seeds name, with its "
    "figures **exactly as the source states them** (words stay words) and the initiatives of the catalogue the "
    "text links to it. Filter, pick a programme for its profile; the download holds the rows shown.",
)
shown, filters_text = learn_ui.programme_filters(all_rows)
st.caption(f"{len(shown)} of {len(all_rows)} programmes shown · "
           f"{int(shown['amount_text'].notna().sum())} with a figure stated in the text")

left, right = st.columns([3, 2], gap="medium")
with left:
    table = learn.programme_table(shown)
    ui.show_table(table.drop(columns=["programme_code"]).rename(columns=fields.column_labels(table.columns)), height=460)
    ui.download_csv(table, "clusterdash_programmes.csv", key="dl-programmes",
                    source="ClusterDash knowledge base kb_policy_programme (seed documents 001, 002, 004; source per "
                           "row); filters: " + filters_text,
                    units="amount: as stated, in the currency of the row (empty where the text states none)")
with right:
    names = dict(zip(all_rows["programme_code"], all_rows["name"] + " — " + all_rows["country"].fillna("")))
    options = [c for c in all_rows["programme_code"] if c in set(shown["programme_code"]) or c == selected]
    st.selectbox("Programme", options, key=learn_ui.PROGRAMME_KEY, format_func=lambda c: names.get(c, c),
                 index=None, placeholder="Pick a programme…")
    if selected:
        with st.container(border=True, key="programme-profile"):
            learn_ui.programme_profile(store, all_rows[all_rows["programme_code"] == selected].iloc[0].to_dict())
    else:
        st.info("Pick a programme above for its profile.", icon=":material/touch_app:")

learn_ui.guidance_lists("programmes", title="The guide's lists for cluster policy")
