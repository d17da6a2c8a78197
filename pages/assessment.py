import streamlit as st

from clusterdash import queries, ui
from clusterdash.ui import countdown as timer_ui
from clusterdash.ui import maturity as mat_ui
from clusterdash.ui import learn as learn_ui
from clusterdash.ui import room as room_ui

store = ui.get_store()
wid = ui.current_workspace(store)

room_ui.participant_nav(store, wid, "assessment")  # a participant's links to the room's activities
ui.page_intro(
    "Maturity assessment",
    "Which of the guide's four maturity stages — initiation, establishment, operationalisation, "
    "transformation — has a cluster initiative reached, **why**, and **what to do next**. Answer the "
    "statements: every answer is saved the moment you give it, and the result follows at once.",
)
ui.edit_notice(answering=True)
timer_ui.display(store, wid)
learn_ui.guidance_lists("assessment", title=None)  # the guide's four stages
q = mat_ui.questionnaire(store)
if not q.statements:
    st.error("The questionnaire is missing from this store (it was created before the maturity assessment existed). "
             "Stop the dashboard, run `python -m clusterdash build` to load the knowledge base, and start it again.")
    st.stop()

presenting = ui.is_presenting()  # the projector: the result, no editing controls
assessment = mat_ui.shown_assessment(store, wid) if presenting else mat_ui.selector(store, wid)
if assessment is None:
    st.info("No assessment in this workspace yet: choose a cluster initiative and a date above to start one.")
    st.stop()
aid = assessment["assessment_id"]
if not presenting:
    mat_ui.settings(store, wid, assessment)
participant = ui.current_participant() if presenting else mat_ui.participant()

answers = queries.assessment_answers(store, wid, aid)
mine = answers[answers["participant"] == participant]
my_codes = dict(zip(mine["statement_code"], mine["answer_code"]))
participants = sorted(answers["participant"].unique())

hidden = mat_ui.is_result_hidden(assessment)  # the facilitator hides the room's result until "Reveal"
views = {
    "Questionnaire": lambda: mat_ui.questionnaire_view(store, wid, aid, q, participant, my_codes,
                                                       is_open=assessment["is_open"]),
    "Result": lambda: mat_ui.result_view(q, assessment, answers, participants),
    "Recommendations": lambda: mat_ui.recommendations_view(store, wid, q, answers),
    "Export": lambda: mat_ui.export_view(store, wid, q, assessment, answers, participants),
    "Method": lambda: mat_ui.method_view(store),
}
if hidden:
    views.update(dict.fromkeys(("Result", "Recommendations", "Export"), lambda: mat_ui.hidden_result(answers)))
# the projector opens on the result: no answer controls (nobody answers on it), no downloads
names = ["Result", "Recommendations", "Method"] if presenting else list(views)
for name, tab in zip(names, st.tabs(names, key="view", bind="query-params", on_change="rerun")):
    with tab:
        if tab.open:
            views[name]()
