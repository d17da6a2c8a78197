"""The facilitator's countdown timer (issue 13 item 4): the rules (pure), the stored end time
(migration v014) and the vote page (AppTest): start shows the time left, pause keeps it, reset
sets it back, a reload (a new session) shows the same timer, the projector shows it large."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from clusterdash import countdown as cd
from clusterdash import queries
from clusterdash.errors import UserError

T0 = datetime(2026, 3, 1, 10, 0, 0)


def test_start_pause_resume_reset_and_done():
    c = cd.fresh(300)
    assert cd.state(c, T0) == cd.IDLE and cd.remaining(c, T0) == 300
    run = cd.start(c, T0)
    assert run.ends_at == T0 + timedelta(seconds=300) and cd.state(run, T0) == cd.RUNNING
    assert cd.remaining(run, T0 + timedelta(seconds=10.2)) == 290  # rounded up
    assert cd.start(run, T0 + timedelta(seconds=5)) == run  # running stays running
    paused = cd.pause(run, T0 + timedelta(seconds=100))
    assert paused.ends_at is None and paused.left_s == 200 and cd.state(paused, T0 + timedelta(hours=1)) == cd.PAUSED
    assert cd.pause(paused, T0) == paused
    assert cd.state(cd.pause(run, T0 + timedelta(seconds=0.3)), T0) == cd.PAUSED  # paused at once: still paused
    assert cd.pause(run, T0 + timedelta(seconds=299.5)).left_s == 0
    resumed = cd.start(paused, T0 + timedelta(seconds=500))
    assert resumed.ends_at == T0 + timedelta(seconds=700)
    assert cd.remaining(resumed, T0 + timedelta(seconds=800)) == 0
    assert cd.state(resumed, T0 + timedelta(seconds=700)) == cd.DONE
    again = cd.start(resumed, T0 + timedelta(seconds=800))  # after the end: the whole duration again
    assert cd.remaining(again, T0 + timedelta(seconds=800)) == 300
    assert cd.reset(paused) == cd.fresh(300) and cd.reset(paused, 60) == cd.fresh(60)


def test_minutes_and_clock():
    assert cd.check_minutes(5) == 300 and cd.check_minutes("1.5") == 90
    for bad in (0, -1, "x", None, float("nan"), cd.MAX_MINUTES + 1):
        with pytest.raises(UserError):
            cd.check_minutes(bad)
    assert cd.clock(0) == "0:00" and cd.clock(65) == "1:05" and cd.clock(3723) == "1:02:03" and cd.clock(-3) == "0:00"


def test_the_end_time_is_stored_per_workspace(store):
    ws = queries.default_workspace(store)
    assert cd.state(queries.get_countdown(store, ws), queries.utcnow()) == cd.IDLE
    c = queries.start_countdown(store, ws, minutes=2, changed_by="Ann")
    assert c.duration_s == 120 and c.ends_at is not None
    stored = queries.get_countdown(store, ws)
    assert stored == c  # another device (or a reload) reads the same end
    assert queries.start_countdown(store, ws, minutes=9).duration_s == 120  # running: minutes do not restart it
    p = queries.pause_countdown(store, ws)
    assert p.ends_at is None and 90 <= p.left_s <= 120
    assert queries.reset_countdown(store, ws, minutes=3) == cd.fresh(180)
    other = queries.create_workspace(store, "Other")
    assert cd.state(queries.get_countdown(store, other), queries.utcnow()) == cd.IDLE


@pytest.mark.parametrize("pause", [False, True])
def test_a_duplicated_workspace_does_not_copy_a_running_timer(store, pause):
    """Issue 13: a copy of a workspace whose timer runs (or is paused) starts with its timer
    stopped at the full duration; the original's timer goes on."""
    ws = queries.default_workspace(store)
    running = queries.start_countdown(store, ws, minutes=5, changed_by="Ann")
    if pause:
        running = queries.pause_countdown(store, ws)
    copy = queries.duplicate_workspace(store, ws)
    assert queries.get_countdown(store, copy) == cd.fresh(300)
    assert cd.state(queries.get_countdown(store, copy), queries.utcnow()) == cd.IDLE
    assert queries.get_countdown(store, ws) == running


def test_the_display_has_no_user_text_and_counts_from_the_end():
    run = cd.start(cd.fresh(300), T0)
    from clusterdash.ui.countdown import snippet

    html = snippet(run, T0 + timedelta(seconds=61), large=True)
    ends_ms = int(run.ends_at.replace(tzinfo=timezone.utc).timestamp() * 1000)
    assert 'data-state="running"' in html and f"var end = {ends_ms}," in html
    assert html == snippet(run, T0 + timedelta(seconds=62), large=True)  # the same on every refresh
    assert ">3:59<" in snippet(cd.pause(run, T0 + timedelta(seconds=61)), T0, large=True)
    assert "var end = 0," in snippet(cd.pause(run, T0), T0, large=False)  # paused: nothing counts down


def timer_html(at) -> list[str]:
    """The srcdoc of each countdown display of the page."""
    return [e.proto.srcdoc for e in at.get("iframe") if "cd-time" in getattr(e.proto, "srcdoc", "")]


def shown(at) -> tuple[str, str]:
    html = timer_html(at)
    assert html, "no countdown shown"
    m = re.search(r'data-state="(\w+)".*?>([0-9:]+)</div>', html[0], re.S)
    return m.group(1), m.group(2)


def test_the_facilitator_runs_the_timer_and_everyone_sees_it(app_v2, store):
    ws = queries.default_workspace(store)
    f = app_v2("pages/vote.py", ws=ws)
    assert not f.exception, [e.value for e in f.exception]
    assert shown(f) == ("idle", "5:00")
    f.number_input(key=f"_timer_min|{ws}").set_value(2).run()
    f.button(key="timer_start").click().run()
    assert shown(f) == ("running", "2:00")
    ends = queries.get_countdown(store, ws).ends_at
    ends_ms = f'data-ends="{int(ends.replace(tzinfo=timezone.utc).timestamp() * 1000)}"'
    assert ends_ms in timer_html(f)[0]
    # a reload (a new session) and the projector show the same running timer
    again = app_v2("pages/vote.py", ws=ws)
    assert shown(again)[0] == "running" and ends_ms in timer_html(again)[0]
    proj = app_v2("pages/vote.py", ws=ws, present="1")
    assert ends_ms in timer_html(proj)[0] and 'font-size:168px' in timer_html(proj)[0]
    f.button(key="timer_pause").click().run()
    state, left = shown(f)
    minutes, secs = map(int, left.split(":"))
    assert state == "paused" and 90 <= minutes * 60 + secs < 120, left  # some time has run (a slow machine: more)
    assert shown(app_v2("pages/vote.py", ws=ws))[0] == "paused"
    f.button(key="timer_start").click().run()  # resume
    assert shown(f)[0] == "running"
    f.button(key="timer_reset").click().run()
    assert shown(f) == ("idle", "2:00")
    assert queries.get_countdown(store, ws) == cd.fresh(120)


def test_the_checklists_page_and_its_projector_board_show_the_running_timer(app_v2, store):
    ws = queries.default_workspace(store)
    page = app_v2("pages/checklists.py", ws=ws)
    assert not timer_html(page)  # not started: nothing shown to participants
    queries.start_countdown(store, ws, minutes=4)
    page = app_v2("pages/checklists.py", ws=ws, who="Kim")
    assert shown(page) == ("running", "4:00")
    board = app_v2("pages/checklists.py", ws=ws, present="1")
    assert shown(board)[0] == "running" and "font-size:168px" in timer_html(board)[0]


def test_the_assessment_workshop_runs_the_timer_and_the_answer_page_shows_it(app_v2, store):
    ws = queries.default_workspace(store)
    aid = queries.create_assessment(store, ws, "ac_serbia", "2026-03-01", "room")
    f = app_v2("pages/assessment_workshop.py", ws=ws, a=aid)
    assert not f.exception, [e.value for e in f.exception]
    f.button(key="timer_start").click().run()
    assert shown(f)[0] == "running"
    assert shown(app_v2("pages/assessment_workshop.py", ws=ws, a=aid, present="1"))[0] == "running"
    assert shown(app_v2("pages/assessment.py", ws=ws, a=aid, who="Kim"))[0] == "running"
