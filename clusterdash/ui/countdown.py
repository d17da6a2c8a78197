"""The workshop room's countdown timer: the facilitator's controls (minutes, Start, Pause,
Reset) and the display of the time left on the projector and the participants' pages.

The end time is stored (queries.start_countdown); the display re-reads it every REFRESH_S
seconds in a fragment and counts down in the browser each quarter second (a small HTML snippet
made of numbers and fixed words only, never user text), so it is live without reloads and a
reload shows the same time. The countdown trusts the device clock (phones and laptops are set
by the network)."""

from __future__ import annotations

from datetime import timezone

import streamlit as st
import streamlit.components.v1 as components

from clusterdash import countdown, queries
from clusterdash.store import Store
from clusterdash.ui import autosave, shell

REFRESH_S = 2
# A page showing nothing while the timer is not started looks again this often. The room watches
# the timer on the projector (the facilitator's page, which reruns when it is started); a
# participant's page shows it at their next click or within 30 s. Measured: at 5 s, 20 sessions
# answering on one server (tests/browser/test_load.py, 2 cores) left 3 of them never idle for 120 s;
# at 30 s all 20 answered (40 answers, none lost, 235 s).
IDLE_REFRESH_S = 30
_COLOURS = {countdown.IDLE: "#555", countdown.RUNNING: "#0b3d91", countdown.PAUSED: "#8a5a00",
            countdown.DONE: "#b00020"}


def snippet(c: countdown.Countdown, now, *, large: bool) -> str:
    """The HTML of the display: the time left and the state in words; while running, the browser
    counts down to the stored end. Numbers and fixed words only."""
    st_ = countdown.state(c, now)
    ends_ms = int(c.ends_at.replace(tzinfo=timezone.utc).timestamp() * 1000) if st_ == countdown.RUNNING else 0
    size = 168 if large else 56
    # running: the seconds left when it was started (the script shows the time left at once), so
    # the snippet stays the same on every refresh and the browser keeps it instead of reloading it
    shown = c.left_s if st_ == countdown.RUNNING else countdown.remaining(c, now)
    return f"""<div style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;text-align:center;margin:0">
<div id="cd-time" data-state="{st_}" data-ends="{ends_ms}" data-duration="{c.duration_s}"
 style="font-size:{size}px;font-weight:700;line-height:1.05;font-variant-numeric:tabular-nums;color:{_COLOURS[st_]}"
 role="timer" aria-live="off">{countdown.clock(shown)}</div>
<div id="cd-state" style="font-size:{max(14, size // 6)}px;color:#444">{countdown.STATE_LABELS[st_]}</div></div>
<script>
(function () {{
  var t = document.getElementById("cd-time"), s = document.getElementById("cd-state");
  var end = {ends_ms}, dur = {c.duration_s};
  if (!end) return;
  function clock(x) {{
    var h = Math.floor(x / 3600), m = Math.floor((x % 3600) / 60), sec = x % 60;
    var ss = (sec < 10 ? "0" : "") + sec;
    return h ? h + ":" + (m < 10 ? "0" : "") + m + ":" + ss : m + ":" + ss;
  }}
  function tick() {{
    var left = Math.min(dur, Math.max(0, Math.ceil((end - Date.now()) / 1000)));
    t.textContent = clock(left);
    if (left === 0) {{ t.style.color = "{_COLOURS[countdown.DONE]}"; s.textContent = "{countdown.STATE_LABELS[countdown.DONE]}"; }}
  }}
  tick();
  setInterval(tick, 250);
}})();
</script>"""


def display(store: Store, workspace_id: str, *, large: bool = False, hide_idle: bool = True) -> None:
    """The time left, live (``hide_idle``: nothing while the timer is not started; such a page
    re-reads an idle timer every IDLE_REFRESH_S seconds, a started one every REFRESH_S)."""
    idle = hide_idle and countdown.state(queries.get_countdown(store, workspace_id), queries.utcnow()) == countdown.IDLE

    @st.fragment(run_every=IDLE_REFRESH_S if idle else REFRESH_S)
    def live() -> None:
        c = queries.get_countdown(store, workspace_id)
        now = queries.utcnow()
        if hide_idle and countdown.state(c, now) == countdown.IDLE:
            return
        components.html(snippet(c, now, large=large), height=250 if large else 110)

    with st.container(key="room-timer"):
        live()


def controls(store: Store, workspace_id: str) -> None:
    """The facilitator's timer: minutes, Start (or Resume), Pause, Reset; then the display."""
    key = f"_timer_min|{workspace_id}"
    c = queries.get_countdown(store, workspace_id)
    now = queries.utcnow()
    state = countdown.state(c, now)
    if key not in st.session_state:
        st.session_state[key] = max(1, round(c.duration_s / 60))
    who = shell.current_participant()
    with st.container(border=True, key="room-timer-controls"):
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.number_input("Timer (minutes)", min_value=1, max_value=countdown.MAX_MINUTES, step=1,
                            key=key, disabled=not shell.can_edit(), width=160,
                            help="Start runs this long when the timer is not started; Reset sets it.")
            autosave.action_button("Resume" if state == countdown.PAUSED else "Start", "timer_start",
                                   lambda: queries.start_countdown(store, workspace_id,
                                                                   minutes=st.session_state.get(key), changed_by=who),
                                   toast=None, icon=":material/play_arrow:", type="primary")
            autosave.action_button("Pause", "timer_pause",
                                   lambda: queries.pause_countdown(store, workspace_id, changed_by=who),
                                   toast=None, icon=":material/pause:", disabled=state != countdown.RUNNING)
            autosave.action_button("Reset", "timer_reset",
                                   lambda: queries.reset_countdown(store, workspace_id,
                                                                   minutes=st.session_state.get(key), changed_by=who),
                                   toast=None, icon=":material/restart_alt:")
        display(store, workspace_id, hide_idle=False)
