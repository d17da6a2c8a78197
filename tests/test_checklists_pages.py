"""AppTest of the Checklists and Workshop-cards pages: answers saved the moment they are given,
filters, progress, exports of exactly what is shown, the workshop card deck in the URL, the
person's name on every change, and the presentation toggle."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from clusterdash import checklists, queries
from tests.ui_support import shown, widget


@pytest.fixture(autouse=True)
def default_ws(store):
    """The workspace a first visit opens, created up front so tests can answer before the page runs."""
    return queries.default_workspace(store)


def ws_of(at) -> str:
    v = at.query_params["ws"]
    return v[0] if isinstance(v, list) else v


def _by_prefix(widgets, prefix):
    # answer widgets are keyed by the answer's stored version: "<base>|v<digest>"
    found = [w for w in widgets if w.key and w.key.startswith(prefix + "|v")]
    assert len(found) == 1, (prefix, [w.key for w in widgets])
    return found[0]


def status_control(at, item_key, scope=""):
    return _by_prefix(at.segmented_control, f"ans|{scope}|{ws_of(at)}|status|{item_key}")


def text_control(at, field, item_key, scope=""):
    return _by_prefix(at.text_input, f"ans|{scope}|{ws_of(at)}|{field}|{item_key}")


def board(store, wid="default"):
    return checklists.prepare_board(queries.checklist_board(store, wid))


@pytest.fixture(autouse=True)
def media_files(monkeypatch) -> dict[str, bytes]:
    """Every file the app hands to the browser (downloads), by file id: AppTest's media
    storage lives only for one run."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else open(path_or_data, "rb").read()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def download(at, media_files, key) -> bytes:
    """The bytes behind the download button ``key`` as the page last rendered it."""
    for b in at.get("download_button"):
        if b.key == key:
            file_id = b.proto.url.rsplit("/", 1)[-1].split(".")[0]
            return media_files[file_id]
    raise AssertionError(f"no download button {key}: {[b.key for b in at.get('download_button')]}")


# ---- checklists page ---------------------------------------------------------------------------

def test_ticking_an_item_saves_it_with_who_and_when(app_v2, store):
    at = app_v2("pages/checklists.py")
    assert not at.exception
    at.selectbox(key="cl_list").set_value("initiation_dos_donts").run()
    item = board(store).query("list_code == 'initiation_dos_donts'").iloc[0]
    at.sidebar.text_input(key="_who_input").input("Amina").run()
    status_control(at, item.item_key).set_value("done").run()
    assert not at.exception
    row = queries.checklist_answer(store, "default", item.item_key)
    assert row["status"] == "done" and row["changed_by"] == "Amina"
    text_control(at, "owner", item.item_key).input("Ministry of Economy").run()
    text_control(at, "note", item.item_key).input("Agreed at the kick-off").run()
    row = queries.checklist_answer(store, "default", item.item_key)
    assert (row["status"], row["owner"], row["note"]) == ("done", "Ministry of Economy", "Agreed at the kick-off")
    # the page shows who changed it; the metric counts it
    captions = " ".join(c.value for c in at.caption)
    assert "changed by Amina" in captions
    assert at.metric[0].value == "1 of 8"


def test_a_fresh_session_shows_the_saved_state(app_v2, store):
    """A reload is a new session: it reads the store again."""
    item = board(store).query("list_code == 'obstacles'").iloc[2]
    queries.save_checklist_answer(store, "default", item.item_key, "status", "in_progress", changed_by="Ben")
    queries.save_checklist_answer(store, "default", item.item_key, "note", "see minutes", changed_by="Ben")
    at = app_v2("pages/checklists.py", ws="default")
    at.selectbox(key="cl_list").set_value("obstacles").run()
    assert status_control(at, item.item_key).value == "in_progress"
    assert text_control(at, "note", item.item_key).value == "see minutes"


def test_an_answer_from_another_session_replaces_what_this_session_saw(app_v2, store):
    at = app_v2("pages/checklists.py")
    at.selectbox(key="cl_list").set_value("prerequisites").run()
    item = board(store).query("list_code == 'prerequisites'").iloc[0]
    status_control(at, item.item_key).set_value("not_yet").run()
    # someone else, in another browser, changes the same item
    queries.save_checklist_answer(store, "default", item.item_key, "status", "done", changed_by="Other browser")
    other = board(store).query("list_code == 'prerequisites'").iloc[1]
    status_control(at, other.item_key).set_value("in_progress").run()  # this session answers another item
    assert status_control(at, item.item_key).value == "done"  # the other session's answer is shown
    assert "changed by Other browser" in " ".join(c.value for c in at.caption)
    assert queries.checklist_answer(store, "default", item.item_key)["status"] == "done"


def test_invalid_name_is_refused_and_the_old_name_kept(app_v2, store):
    at = app_v2("pages/checklists.py")
    at.sidebar.text_input(key="_who_input").input("   ").run()
    assert "_who" not in at.session_state  # nothing stored: the default name stays
    assert at.sidebar.text_input(key="_who_input").value == "Facilitator"
    assert any("name is empty" in e for e in shown(at.error))


def test_filters_and_export_of_exactly_the_rows_shown(app_v2, store, media_files):
    at = app_v2("pages/checklists.py")
    at.selectbox(key="cl_list").set_value("policy_dos_donts").run()
    b = board(store).query("list_code == 'policy_dos_donts'")
    dont = b[b.kind == "dont"].iloc[0]
    queries.save_checklist_answer(store, "default", dont.item_key, "status", "done", changed_by="A")
    at.pills(key="cl_polarity_policy_dos_donts").set_value(["dont"]).run()
    assert not at.exception
    shown = [k.key.split("|")[-2] for k in at.segmented_control if k.key and k.key.startswith("ans|")]
    assert shown == list(b[b.kind == "dont"].item_key)
    assert at.subheader[1].value == f"Items ({len(shown)} of {len(b)})"
    at.multiselect(key="cl_status").set_value(["no_answer"]).run()
    shown = [k.key.split("|")[-2] for k in at.segmented_control if k.key and k.key.startswith("ans|")]
    assert dont.item_key not in shown and len(shown) == (b.kind == "dont").sum() - 1
    # the CSV holds exactly those rows, with source and units lines
    csv = download(at, media_files, "dl-cl-items").decode()
    assert csv.startswith("# source: ")
    got = pd.read_csv(io.StringIO(csv), comment="#")
    assert list(got.item_key) == shown
    assert (got.status == "No answer yet").all() and got.source.str.startswith("004_").all()


def test_progress_chart_and_its_csv(app_v2, store, media_files):
    b = board(store)
    pol = b[b.list_code == "policy_dos_donts"]
    for k in pol.item_key[:3]:
        queries.save_checklist_answer(store, "default", k, "status", "done", changed_by="A")
    queries.save_checklist_answer(store, "default", pol.item_key.iloc[3], "status", "not_applicable", changed_by="A")
    at = app_v2("pages/checklists.py")
    at.selectbox(key="cl_list").set_value("policy_dos_donts").run()
    assert at.metric[0].value == f"3 of {len(pol) - 1}"
    progress = pd.read_csv(io.BytesIO(download(at, media_files, "dl-cl-progress")), comment="#")
    assert list(progress.area) == list(dict.fromkeys(pol.area))
    assert progress.done.sum() == 3 and progress.not_applicable.sum() == 1
    first = progress.iloc[0]
    assert first.done_pct == pytest.approx(round(100 * 3 / (first["items"] - 1), 1))


def test_action_list_downloads(app_v2, store, media_files):
    b = board(store).query("list_code == 'monitoring_not_to_do'")
    queries.save_checklist_answer(store, "default", b.item_key.iloc[0], "status", "done", changed_by="A")
    queries.save_checklist_answer(store, "default", b.item_key.iloc[1], "note", "<b>check</b> *this*", changed_by="A")
    # only items marked to do are actions (issue 13), not the unanswered ones
    queries.save_checklist_answer(store, "default", b.item_key.iloc[1], "status", "not_yet", changed_by="A")
    queries.save_checklist_answer(store, "default", b.item_key.iloc[2], "status", "in_progress", changed_by="A")
    at = app_v2("pages/checklists.py")
    at.selectbox(key="cl_list").set_value("monitoring_not_to_do").run()
    md = download(at, media_files, "dl-cl-actions-md").decode()
    html = download(at, media_files, "dl-cl-actions-html").decode()
    assert md.count("- [ ] ") == 2 and html.count("<li>") == 2
    assert "\\<b\\>check\\</b\\> \\*this\\*" in md
    assert "&lt;b&gt;check&lt;/b&gt;" in html and "<b>check</b>" not in html


def test_the_action_list_shows_owner_and_due_date_set_as_you_go(app_v2, store, media_files):
    """Issue 13 item 9: each action (an item marked to do) has an owner and a due date; the
    facilitator sets the due date in the action list (saved on change, table action_due, v016);
    it is in the Markdown and HTML action lists, the CSV and the session report."""
    import datetime as dt

    from clusterdash import report
    from clusterdash.ui import room as room_ui

    b = board(store).query("list_code == 'monitoring_not_to_do'")
    todo, done = b.item_key.iloc[0], b.item_key.iloc[1]
    queries.save_checklist_answer(store, "default", todo, "status", "not_yet", changed_by="A")
    queries.save_checklist_answer(store, "default", done, "status", "done", changed_by="A")
    at = app_v2("pages/checklists.py")
    at.selectbox(key="cl_list").set_value("monitoring_not_to_do").run()
    scope = "ans|actions|default"
    assert len([w for w in at.date_input if w.key and w.key.startswith(f"{scope}|due_date|")]) == 1  # only the action
    widget(at, "text_input", f"{scope}|owner|{todo}").input("Cara").run()
    widget(at, "date_input", f"{scope}|due_date|{todo}").set_value(dt.date(2026, 4, 30)).run()
    assert not at.exception, [e.value for e in at.exception]
    row = checklists.prepare_board(queries.checklist_board(store, "default")).set_index("item_key").loc[todo]
    assert row["owner"] == "Cara" and checklists.due_label(row["due_date"]) == "2026-04-30"
    assert widget(at, "date_input", f"{scope}|due_date|{todo}").value == dt.date(2026, 4, 30)
    md = download(at, media_files, "dl-cl-actions-md").decode()
    html = download(at, media_files, "dl-cl-actions-html").decode()
    assert "Owner: Cara · Due: 2026-04-30" in md and "Owner: Cara · Due: 2026-04-30" in html
    items = pd.read_csv(io.BytesIO(download(at, media_files, "dl-cl-items")), comment="#").set_index("item_key")
    assert items.at[todo, "due_date"] == "2026-04-30" and items.at[todo, "owner"] == "Cara"
    page = report.to_html(room_ui.session_report(store, "default"))
    assert "owner: Cara · due: 2026-04-30" in page
    # cleared again
    queries.save_action_due(store, "default", todo, None, changed_by="A")
    assert checklists.due_label(queries.checklist_board(store, "default").pipe(checklists.prepare_board)
                                .set_index("item_key").at[todo, "due_date"]) is None


def test_archived_workspace_is_read_only(app_v2, store):
    other = queries.create_workspace(store, "Old workshop")
    queries.archive_workspace(store, other)
    at = app_v2("pages/checklists.py", ws=other)
    assert not at.exception
    assert ws_of(at) == other
    controls = [c for c in at.segmented_control if c.key and c.key.startswith("ans|")]
    assert controls and all(c.disabled for c in controls)
    assert any("archived" in i.value for i in at.info)


def test_unknown_workspace_in_the_url_falls_back_to_the_default(app_v2):
    at = app_v2(ws="ws-does-not-exist")  # the first run (home) sees the link as given
    assert not at.exception
    assert ws_of(at) == "default"
    assert any("does not exist" in w.value for w in at.warning)


# ---- workshop cards ------------------------------------------------------------------------------

def test_workshop_deck_and_card_are_in_the_url(app_v2, store):
    at = app_v2("pages/workshop.py", deck="initiation_dos_donts", card="3")
    assert not at.exception
    items = board(store).query("list_code == 'initiation_dos_donts'")
    assert f"**{items.iloc[2].text}**" in [m.value.replace("\\", "") for m in at.markdown]
    assert "Card 3 of 8" in " ".join(m.value for m in at.markdown)
    at.button(key="_card_next").click().run()
    assert at.query_params["card"] in ("4", ["4"])
    at.button(key="_card_prev").click().run()
    at.button(key="_card_prev").click().run()
    assert at.query_params["card"] in ("2", ["2"])


def test_card_number_is_clamped_and_a_bad_deck_falls_back(app_v2):
    at = app_v2("pages/workshop.py", deck="initiation_dos_donts", card="99")
    assert at.query_params["card"] in ("8", ["8"])
    assert at.button(key="_card_next").disabled
    at = app_v2("pages/workshop.py", deck="nonsense", card="x")
    assert not at.exception
    assert at.query_params["deck"] in ("policy_dos_donts", ["policy_dos_donts"])
    assert at.query_params["card"] in ("1", ["1"])


def test_status_on_the_card_is_saved_and_shared_with_the_checklist(app_v2, store):
    at = app_v2("pages/workshop.py", deck="key_questions_initiation", card="2")
    item = board(store).query("list_code == 'key_questions_initiation'").iloc[1]
    status_control(at, item.item_key, scope="card").set_value("done").run()
    text_control(at, "note", item.item_key, scope="card").input("Yes: export markets").run()
    row = queries.checklist_answer(store, "default", item.item_key)
    assert (row["status"], row["note"]) == ("done", "Yes: export markets")
    assert "1 of 10 answered" in " ".join(m.value for m in at.markdown)


def test_presentation_toggle_and_exit(app_v2):
    at = app_v2("pages/workshop.py")
    at.sidebar.toggle(key="_present_toggle").set_value(True).run()
    assert at.query_params["present"] in ("1", ["1"])
    assert not at.sidebar.selectbox  # no sidebar widgets in presentation mode
    assert not at.title  # no page intro either: just the card
    at.button(key="_exit_present").click().run()
    assert "present" not in at.query_params
    assert at.title[0].value == "Workshop cards"


def test_every_deck_builds(store):
    from clusterdash import presentation

    b = board(store)
    lists = checklists.sort_lists(queries.checklist_lists(store))
    for code, title, n in zip(lists.list_code, lists.title, lists["items"]):
        deck = presentation.checklist_deck(b, code, title)
        assert len(deck) == n and all(c.source and c.text for c in deck.cards)


def test_all_checklists_view_pages_through_every_item(app_v2, store, media_files):
    at = app_v2("pages/checklists.py")
    assert at.selectbox(key="cl_list").value == "policy_dos_donts"  # the first checklist opens
    at.selectbox(key="cl_list").set_value("*").run()
    assert not at.exception
    b = board(store)
    shown = [k.key.split("|")[-2] for k in at.segmented_control if k.key and k.key.startswith("ans|")]
    assert shown == list(b.item_key[:20])
    pages = at.get("pagination")
    assert pages and pages[0].proto.num_pages == -(-len(b) // 20)
    pages[0].set_value(2).run()
    shown = [k.key.split("|")[-2] for k in at.segmented_control if k.key and k.key.startswith("ans|")]
    assert shown == list(b.item_key[20:40])
    # progress by checklist; the CSV of items holds every item matching the filters (all pages)
    progress = pd.read_csv(io.BytesIO(download(at, media_files, "dl-cl-progress")), comment="#")
    assert len(progress) == b.list_code.nunique() and progress["items"].sum() == len(b)
    items = pd.read_csv(io.BytesIO(download(at, media_files, "dl-cl-items")), comment="#")
    assert list(items.item_key) == list(b.item_key)


def test_assessment_statements_as_a_deck(app_v2, store):
    """The maturity assessment's statements are decks too; the answer on the card is saved through
    the assessment's own queries, under this session's name."""
    at = app_v2("pages/workshop.py", deck="assessment_initiation", card="1")
    assert not at.exception
    assert any("no maturity assessment" in i.value for i in at.info)  # none yet in this workspace
    initiative = store.value("SELECT initiative_id FROM kb_initiative ORDER BY initiative_id LIMIT 1")
    aid = queries.create_assessment(store, "default", initiative, "2026-03-05", "Kick-off")
    at = app_v2("pages/workshop.py", deck="assessment_initiation", card="2", a=aid)
    assert not at.exception
    first = queries.assessment_statements(store).query("stage_code == 'initiation'").sort_values("seq")
    code = first.iloc[1].statement_code
    assert f"**{first.iloc[1].statement}**" in [m.value.replace("\\", "") for m in at.markdown]
    at.sidebar.text_input(key="_who_input").input("Group A").run()
    widget(at, "segmented_control", f"mat-ans-card-{code}").set_value("largely").run()
    assert not at.exception
    saved = queries.assessment_answers(store, "default", aid, "Group A")
    assert list(saved.statement_code) == [code] and list(saved.answer_code) == ["largely"]
    assert f"1 of {len(first)} answered" in " ".join(m.value for m in at.markdown)


def test_a_participant_resolves_a_note_conflict_with_keep_mine_and_keep_both(app_v2, store, monkeypatch):
    """Participants answer checklists (answering=True), so they may also keep their note when
    someone else saved the same note meanwhile — not only the facilitator."""
    from clusterdash import access

    monkeypatch.setenv(access.ENV_VAR, "facil")
    monkeypatch.setenv(access.OPEN_ENV_VAR, "1")  # answering open: participants without a code
    item = board(store).iloc[0]
    key = item.item_key
    anna = app_v2("pages/checklists.py", ws="default", who="Anna")
    ben = app_v2("pages/checklists.py", ws="default", who="Ben")  # both drawn from the empty note
    text_control(anna, "note", key).input("Anna's note").run()
    text_control(ben, "note", key).input("Ben's note").run()
    assert queries.checklist_answer(store, "default", key)["note"] == "Anna's note"  # not overwritten
    base = f"ans||default|note|{key}"
    keep_mine = ben.button(key=f"keep-mine|{base}")
    assert not keep_mine.disabled and not ben.button(key=f"keep-both|{base}").disabled
    keep_mine.click().run()
    assert not ben.exception
    row = queries.checklist_answer(store, "default", key)
    assert row["note"] == "Ben's note" and row["changed_by"] == "Ben"
    # a second conflict, resolved with Keep both: theirs, then mine
    anna.run()
    text_control(anna, "note", key).input("Anna again").run()
    text_control(ben, "note", key).input("Ben again").run()
    ben.button(key=f"keep-both|{base}").click().run()
    note = queries.checklist_answer(store, "default", key)["note"]
    assert "Anna again" in note and "Ben again" in note and note.index("Anna again") < note.index("Ben again")
