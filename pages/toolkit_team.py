from functools import partial

import streamlit as st

from clusterdash import queries, texts, toolkit, ui
from clusterdash.charts import toolkit as charts
from clusterdash.ui import autosave, history
from clusterdash.ui import toolkit as tk_ui
from clusterdash.ui import learn as learn_ui

store = ui.get_store()
wid = tk_ui.header(store, "staffing")
members = queries.team_members(store, wid)
scores = queries.team_skill_scores(store, wid)
criteria = queries.staffing_criteria(store)
large = ui.is_presenting()
editable = ui.can_edit()
who = ui.current_participant()  # recorded with removals (the text history)
CRITERIA_SOURCE = criteria["source"].iloc[0] if len(criteria) else toolkit.GUIDE
SOURCE = (f"management team skills of workspace {wid} (ClusterDash); criteria and FTE weighting: {CRITERIA_SOURCE}; "
          "0–5 scale: ClusterDash")

st.subheader("The team")
st.caption("Everyone in the cluster management, with the share of a full-time position (FTE %) they contribute. "
           "The guide: back-office personnel only if relevant for cluster management activities.")
for m in members.itertuples():
    k = f"tm|{wid}|{m.member_id}"
    mid = m.member_id
    if not editable:
        st.markdown(f"- **{ui.plain(m.member_name)}** {ui.plain(m.role or '')} — {m.fte_pct:g} % FTE")
        continue
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium", key=f"tm-line-{mid}"):
        autosave.text(f"Name {m.seq}", f"{k}|member_name", m.member_name,
                   lambda v, mid=mid, **cas: queries.update_team_member(store, wid, mid, member_name=v, **cas),
                   checked=True, max_chars=200, width=320)
        autosave.text("Role", f"{k}|role", m.role,
                   lambda v, mid=mid, **cas: queries.update_team_member(store, wid, mid, role=v, **cas), checked=True,
                   max_chars=200, placeholder="e.g. cluster manager", width=320)
        autosave.number("FTE %", f"{k}|fte_pct", float(m.fte_pct),
                     lambda v, mid=mid: queries.update_team_member(store, wid, mid, fte_pct=v),
                     min_value=1.0, max_value=100.0, step=5.0, help="% of a full-time position", format="%g",
                     width=170)
        autosave.action_button("", f"{k}|delete", partial(queries.delete_team_member, changed_by=who), store, wid, mid,
                               icon=":material/delete:",
                     help=f"Remove {ui.plain_label(m.member_name, 80)} and their scores", toast="Removed")
if editable:
    autosave.adder("Add a team member", f"tm-add|{wid}", lambda name: queries.add_team_member(store, wid, name, changed_by=ui.current_participant()),
                placeholder="Name or position, then Enter (starts at 100 % FTE)")

if len(members):
    st.subheader("Scores per team member")
    st.caption(toolkit.SCORE_SCALE + ". Click a score again to clear it.")
    tabs = st.tabs([f"{ui.plain_label(m.member_name, 40)} ({m.fte_pct:g} %)"  # tab labels render Markdown
                    if list(members["member_name"]).count(m.member_name) == 1
                    else f"{ui.plain_label(m.member_name, 40)} \\[{m.seq}\\] ({m.fte_pct:g} %)" for m in members.itertuples()])
    for tab, m in zip(tabs, members.itertuples()):
        mine = dict(zip(scores.loc[scores["member_id"] == m.member_id, "criterion_seq"],
                        scores.loc[scores["member_id"] == m.member_id, "score"]))
        with tab:
            for c in criteria.itertuples():
                a, b = st.columns([3, 2], vertical_alignment="center")
                a.markdown(f"{int(c.seq)}. {ui.plain(c.text)}")
                with b:
                    stored = mine.get(c.seq)
                    autosave.choice(c.text, list(range(toolkit.SCORE_MIN, toolkit.SCORE_MAX + 1)),
                                 f"ts|{wid}|{m.member_id}|{int(c.seq)}", None if stored is None else int(stored),
                                 lambda v, mid=m.member_id, s=int(c.seq): queries.save_team_skill_score(
                                     store, wid, mid, s, v),
                                 required=False, label_visibility="collapsed")

    team = toolkit.team_scores(members, scores, criteria)
    st.subheader("Team profile")
    st.caption("Team score per criterion = Σ (score × FTE %) ÷ Σ FTE % of the members scored on it — the guide: "
               "“Scores can be weighted according to the % of Full Time Equivalents (FTE) each person contributes”. "
               "A member not yet scored on a criterion is left out of it, not counted as 0.")
    if scores.empty:
        st.info("Score the team members above to see the team profile.", icon=":material/bar_chart:")
    else:
        st.plotly_chart(charts.team_profile(team, members, scores, large=large, source=SOURCE), key="tm-chart",
                        config={"displaylogo": False})
    matrix = toolkit.score_matrix(members, scores, criteria)
    ui.show_table(matrix.drop(columns=["criterion_seq"]))
    ui.download_csv(matrix.merge(team[["criterion_seq", "mean_score", "scored_fte_pct", "team_fte_pct"]],
                                 on="criterion_seq"),
                    f"team_skills_{wid}.csv", key="dl-team", source=SOURCE,
                    units="scores 0–5; FTE in % of a full-time position; team score FTE-weighted")
tk_ui.notes(store, "staffing")
history.text_history(store, wid, texts.TOOL_TABLES["staffing"], key="team-history")
learn_ui.guidance_lists("toolkit_team")
