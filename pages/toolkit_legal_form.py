import streamlit as st

from clusterdash import queries, toolkit, ui
from clusterdash.charts import toolkit as charts
from clusterdash.ui import autosave
from clusterdash.ui import toolkit as tk_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
wid = tk_ui.header(store, "legal_form")
answers = queries.legal_form_answers(store, wid)
forms = queries.legal_forms(store)
points = queries.legal_form_points(store)
guide_q = queries.guidance_items(store, "legal_form_questions")
large = ui.is_presenting()
COMPARISON_SOURCE = points["source"].iloc[0] if len(points) else toolkit.GUIDE
SOURCE = f"legal-form helper of workspace {wid} (ClusterDash's mapping, shown below); comparison: {COMPARISON_SOURCE}"

st.markdown("The guide: *the choice of legal and organisational form depends on the goals of the cluster and "
            "specifically on the answers to the following three questions.* Answer them — and the two "
            "preconditions from the comparison table — and see which forms your answers point to.")
guide_text = dict(zip(guide_q["seq"], guide_q["text"]))
cols = st.columns(3, gap="medium")
for col, q in zip(cols, [q for q in toolkit.LEGAL_QUESTIONS if q.kind == "guide"]):
    with col, st.container(border=True, key=f"lf-q-{q.question_code}"):
        st.markdown(f"**({q.guidance_seq}) {ui.plain(guide_text.get(q.guidance_seq, q.text))}**")
        autosave.choice(q.text, [c for c, _ in q.options], f"lf|{wid}|{q.question_code}", answers.get(q.question_code),
                     lambda v, c=q.question_code: queries.save_legal_form_answer(store, wid, c, v),
                     labels=dict(q.options), required=False, label_visibility="collapsed")
if len(guide_q):
    ui.source_line(guide_q["source"].iloc[0])
pre = st.columns(2, gap="medium")
for col, q in zip(pre, [q for q in toolkit.LEGAL_QUESTIONS if q.kind == "precondition"]):
    with col, st.container(border=True, key=f"lf-q-{q.question_code}"):
        st.markdown(f"**Precondition:** {ui.plain(q.text)}")
        autosave.choice(q.text, [c for c, _ in q.options], f"lf|{wid}|{q.question_code}", answers.get(q.question_code),
                     lambda v, c=q.question_code: queries.save_legal_form_answer(store, wid, c, v),
                     labels=dict(q.options), required=False, label_visibility="collapsed")

result = toolkit.evaluate_legal_forms(answers, forms, points)
table = result.table()
names = dict(zip(forms["form_code"], forms["form_name"]))

st.subheader("What your answers point to")
if result.answered == 0:
    st.info("Answer at least one question to see which forms it points to. The full comparison is below.",
            icon=":material/help:")
elif result.suggested:
    st.success("Your answers point to: " + ", ".join(f"**{ui.plain(names[c])}**" for c in result.suggested)
               + f" (fit {table.loc[table['form_code'] == result.suggested[0], 'fit'].iloc[0]:+d}). "
               "A pointer, not a verdict: read the comparison, and mind “structure follows strategy”.",
               icon=":material/lightbulb:")
else:
    st.warning("Your answers do not point to one form yet (no form has more answers in favour than against, "
               "or its precondition is not met). Read the comparison below.", icon=":material/balance:")
if result.answered:
    st.plotly_chart(charts.legal_form_fit(table, large=large, source=SOURCE), key="lf-chart",
                    config={"displaylogo": False})
    reasons = [v for v in result.ranked() if v.reasons]
    cols = st.columns(2, gap="small")
    for i, v in enumerate(reasons):
        title = f"{v.form_name}: {v.supports} in favour, {v.conflicts} against" + (
            " · precondition not met" if v.unmet else "")
        with cols[i % 2]:
            with st.expander(title, expanded=v.form_code in result.suggested):
                for r in v.reasons:
                    st.markdown(f"- *{ui.plain(r['answer'])}* → **{ui.plain(r['effect'])}**: {ui.plain(r['why'])}  \n"
                                f"  Comparison: {ui.plain('; '.join(r['points']))}")
    ui.download_csv(table.drop(columns=["form_code"]), f"legal_form_fit_{wid}.csv", key="dl-legal-fit", source=SOURCE,
                    units="fit = answers in favour − answers against")

with st.expander("How the pointer is made (ClusterDash's mapping — the guide gives no formula)",
                 icon=":material/rule:"):
    st.markdown(
        "Each answer counts **in favour of** or **against** a form where a point of the guide's comparison table "
        "speaks to it; **fit = in favour − against**. A form whose precondition is known to be unmet is never "
        "suggested. Answers with no rule (e.g. *moderately*, *selectively*, *not yet known*) point nowhere: the "
        "comparison does not distinguish the forms there. Joint stock company and hybrid forms (mix of "
        "association and Ltd), which the guide also names, are not in its comparison and so not rated."
    )
    ui.show_table(toolkit.rules_table(points, forms))
    tk_ui.notes(store, "legal_form", title="From the guide", expander=False)

st.subheader("The guide's comparison of the most common legal forms")
compared = forms[forms["in_comparison"].astype(bool)]
with st.container(horizontal=True, gap="small", key="lf-comparison"):
    for f in compared.itertuples():
        mine = points[points["form_code"] == f.form_code]
        with st.container(border=True, height="stretch", key=f"lf-form-{f.form_code}"):
            star = " ★ suggested" if f.form_code in result.suggested else ""
            st.markdown(f"**{ui.plain(f.form_name)}**{star}")
            for aspect, heading in (("precondition", "Preconditions"), ("advantage", "Advantages"),
                                    ("disadvantage", "Disadvantages")):
                pts = mine[mine["aspect"] == aspect]
                st.markdown(f"*{heading}*  \n" + "  \n".join(f"• {ui.plain(t)}" for t in pts["text"]))
others = forms[~forms["in_comparison"].astype(bool)]
if len(others):
    st.caption(ui.plain("Also named by the guide, not in its comparison: " + ", ".join(others["form_name"]) + "."))
ui.source_line(COMPARISON_SOURCE)
ui.download_csv(points[["form_code", "aspect", "seq", "text", "source"]], "legal_form_comparison.csv",
                key="dl-legal-comparison", source=COMPARISON_SOURCE, label="Download the comparison (CSV)")
learn_ui.guidance_lists("toolkit_legal_form")
