"""Roles: the optional facilitator passcode and participant code, where they come from,
constant-time comparison, throttling per session (never server-wide), signed expiring tokens,
failing closed on a broken secrets file — and the pages: a viewer sees disabled controls, a
wrong code is refused, the participant code lets a session answer but not manage, the passcode
unlocks this session, and a reload with the facilitator's token stays unlocked."""

from __future__ import annotations

import pytest

from clusterdash import access, checklists, queries


@pytest.fixture(autouse=True)
def no_configuration(monkeypatch, tmp_path):
    for var in (access.ENV_VAR, access.PARTICIPANT_ENV_VAR, access.OPEN_ENV_VAR):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(access, "SECRETS_FILE", tmp_path / "secrets.toml")


def test_unset_means_single_user_local_mode():
    assert access.configured_passcode() is None
    assert not access.passcode_configured()
    assert access.passcode_matches("anything")


def test_environment_variable(monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, " s3cret ")
    assert access.configured_passcode() == "s3cret"
    assert access.passcode_matches("s3cret") and access.passcode_matches(" s3cret\n")
    assert not access.passcode_matches("s3cre") and not access.passcode_matches("") and not access.passcode_matches("S3CRET")


def test_empty_environment_variable_is_unset(monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "  ")
    assert not access.passcode_configured()


@pytest.mark.parametrize("toml", ['passcode = "from-file"', '[clusterdash]\npasscode = "from-file"'])
def test_secrets_file(toml):
    access.SECRETS_FILE.write_text(toml, encoding="utf-8")
    assert access.configured_passcode() == "from-file"
    assert access.passcode_matches("from-file") and not access.passcode_matches("x")


def test_environment_wins_over_the_file(monkeypatch):
    access.SECRETS_FILE.write_text('passcode = "file"', encoding="utf-8")
    monkeypatch.setenv(access.ENV_VAR, "env")
    assert access.configured_passcode() == "env"


def test_secrets_file_without_passcode_is_unset():
    access.SECRETS_FILE.write_text('other = "x"', encoding="utf-8")
    assert not access.passcode_configured()


@pytest.mark.parametrize("content, reason", [('passcode = "unterminated', "cannot be read"),
                                             ("passcode = [1, 2]", "passcode must be a string")])
def test_broken_secrets_file_fails_closed(content, reason):
    access.SECRETS_FILE.write_text(content, encoding="utf-8")
    with pytest.raises(access.AccessConfigError):
        access.configured_passcode()
    assert access.passcode_configured()  # editing stays locked ...
    assert not access.passcode_matches("")  # ... and nothing unlocks it
    ok, msg = access.try_unlock("", access.Throttle())
    assert not ok
    assert reason in msg and "changes are locked" in msg, msg


def test_comparison_is_constant_time(monkeypatch):
    """hmac.compare_digest over fixed-length digests: neither content nor length of the
    passcode decides how long the comparison takes."""
    calls = []
    real = access.hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setenv(access.ENV_VAR, "correct horse")
    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    access.passcode_matches("x")
    access.passcode_matches("a much longer wrong attempt than the passcode")
    assert calls == [(32, 32), (32, 32)]


def test_session_throttle_locks_out_after_repeated_failures(monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "right")
    session = access.Throttle()
    t = 1000.0
    for i in range(access.MAX_FAILURES - 1):
        ok, msg = access.try_unlock("wrong", session, now=t + i)
        assert not ok and msg.startswith("Wrong code")
    ok, msg = access.try_unlock("wrong", session, now=t + 5)
    assert not ok and "Too many" in msg
    # locked out: even the right passcode is refused until the pause is over
    ok, msg = access.try_unlock("right", session, now=t + 10)
    assert not ok and "Try again in" in msg
    ok, _ = access.try_unlock("right", session, now=t + 5 + access.LOCKOUT_S + 1)
    assert ok


def test_failures_outside_the_window_are_forgotten(monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "right")
    session = access.Throttle()
    for i in range(10):  # one failure a minute never locks out
        ok, msg = access.try_unlock("wrong", session, now=1000.0 + i * (access.WINDOW_S + 1))
        assert "Too many" not in msg


def test_other_sessions_failures_never_lock_this_session_out(monkeypatch):
    """Issue 13: 4 sessions x 5 wrong guesses locked the whole server out, the facilitator with
    the right code included. Throttling is per session now."""
    monkeypatch.setenv(access.ENV_VAR, "right")
    t = 5000.0
    for n in range(4):
        guesser = access.Throttle()
        for i in range(access.MAX_FAILURES):
            access.try_unlock("wrong", guesser, now=t + n + i * 0.1)
        assert not access.try_unlock("right", guesser, now=t + n + 0.6)[0]  # the guesser is locked out
    ok, msg = access.try_unlock("right", access.Throttle(), now=t + 5)
    assert ok, msg


def test_reloading_does_not_reset_a_clients_count(monkeypatch):
    """A reload is a new browser session with a fresh count: one client (address) guessing and
    reloading is stopped by its client count (MAX_CLIENT_FAILURES in WINDOW_S); another client,
    the facilitator with the right code, is never locked out by it."""
    monkeypatch.setenv(access.ENV_VAR, "right")
    clients = access.ClientThrottles()
    t = 9000.0
    refused = None
    for attempt in range(access.MAX_CLIENT_FAILURES + 1):
        if attempt % (access.MAX_FAILURES - 1) == 0:
            session = access.Throttle()  # the guesser reloads before its session locks
        ok, msg = access.try_unlock("wrong", session, now=t + attempt * 0.5, client=clients.get("10.0.0.66"))
        if "Too many" in msg or "Try again" in msg:
            refused = attempt
            break
    assert refused == access.MAX_CLIENT_FAILURES - 1, refused
    # even a fresh session from that address is refused now, the right code included
    ok, msg = access.try_unlock("right", access.Throttle(), now=t + 12, client=clients.get("10.0.0.66"))
    assert not ok and "Try again in" in msg
    # the facilitator's laptop (another address) unlocks at once
    ok, msg = access.try_unlock("right", access.Throttle(), now=t + 12, client=clients.get("10.0.0.5"))
    assert ok, msg
    # after the pause the guesser's address may try again
    ok, _ = access.try_unlock("right", access.Throttle(), now=t + 12 + access.LOCKOUT_S + 1,
                              client=clients.get("10.0.0.66"))
    assert ok


def test_client_counts_stay_bounded():
    clients = access.ClientThrottles(max_clients=50)
    for i in range(500):
        clients.get(f"10.1.{i // 250}.{i % 250}").record_failure(now=100.0 + i)
    assert len(clients) <= 50


def test_participant_code_gives_the_participant_role(monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "facil")
    monkeypatch.setenv(access.PARTICIPANT_ENV_VAR, "room42")
    assert access.code_role("room42") == access.PARTICIPANT
    assert access.code_role(" facil ") == access.FACILITATOR
    assert access.code_role("x") is None and access.code_role("") is None
    role, msg = access.try_code("room42", access.Throttle())
    assert role == access.PARTICIPANT and "answer" in msg
    ok, msg = access.try_unlock("room42", access.Throttle())  # not the facilitator's
    assert not ok and "participant code" in msg
    monkeypatch.delenv(access.PARTICIPANT_ENV_VAR)
    assert access.code_role("") is None  # no participant code: nothing but the passcode


def test_open_answering(monkeypatch):
    assert not access.answering_open()
    monkeypatch.setenv(access.OPEN_ENV_VAR, "1")
    assert access.answering_open()
    monkeypatch.delenv(access.OPEN_ENV_VAR)
    access.SECRETS_FILE.write_text('passcode = "p"\nopen_answering = true', encoding="utf-8")
    assert access.answering_open()


def test_tokens_are_signed_expiring_and_revoked_with_the_passcode(monkeypatch):
    assert access.make_token(access.FACILITATOR) is None  # no passcode: no tokens (everyone edits)
    monkeypatch.setenv(access.ENV_VAR, "one")
    t = 1_800_000_000.0
    tok = access.make_token(access.FACILITATOR, now=t, ttl=3600)
    assert access.token_role(tok, now=t + 10) == access.FACILITATOR
    assert access.token_role(tok, now=t + 3601) is None  # expired
    part = access.make_token(access.PARTICIPANT, now=t)
    assert access.token_role(part, now=t + 10) == access.PARTICIPANT
    forged = "f" + part[1:]  # a participant token relabelled as the facilitator's
    assert access.token_role(forged, now=t + 10) is None
    later = tok.replace(tok[1:tok.index(".")], str(int(t) + 99_999))  # a longer expiry, same signature
    assert access.token_role(later, now=t + 10) is None
    for junk in ("", "x", "f.", "f12.abc", "f" + "9" * 80, None):
        assert access.token_role(junk, now=t) is None
    monkeypatch.setenv(access.ENV_VAR, "two")  # a new passcode revokes every token
    assert access.token_role(tok, now=t + 10) is None


# ---- the pages -----------------------------------------------------------------------------------

def status_controls(at):
    return [w for w in at.segmented_control if w.key and w.key.startswith("ans|")]


def test_without_passcode_everyone_may_edit(app_v2):
    at = app_v2("pages/checklists.py")
    assert not at.exception
    assert status_controls(at) and not any(w.disabled for w in status_controls(at))
    assert not [t for t in at.sidebar.text_input if t.key == "_passcode"]
    assert not [i for i in at.info if "View only" in i.value]


def unlock_button(at):
    return next(b for b in at.sidebar.button if b.label == "Unlock")


def test_viewer_sees_disabled_controls_and_a_wrong_passcode_is_refused(app_v2, monkeypatch, store):
    monkeypatch.setenv(access.ENV_VAR, "workshop-2026")
    at = app_v2("pages/checklists.py")
    assert not at.exception
    controls = status_controls(at)
    assert controls and all(w.disabled for w in controls)
    assert all(t.disabled for t in at.text_input if t.key and t.key.startswith("ans|"))
    assert any("View only" in i.value for i in at.info)

    at.sidebar.text_input(key="_passcode").input("wrong")
    unlock_button(at).click().run()
    assert any("Wrong code" in e.value for e in at.sidebar.error)
    assert all(w.disabled for w in status_controls(at))

    at.sidebar.text_input(key="_passcode").input("workshop-2026")
    unlock_button(at).click().run()
    assert not at.exception
    controls = status_controls(at)
    assert controls and not any(w.disabled for w in controls)
    # now a change is saved
    controls[0].set_value("done").run()
    wid = at.query_params["ws"][0] if isinstance(at.query_params["ws"], list) else at.query_params["ws"]
    board = checklists.prepare_board(queries.checklist_board(store, wid))
    assert (board.status == "done").sum() == 1


def test_a_crafted_change_from_a_viewer_is_not_saved(app_v2, monkeypatch, store):
    """A crafted websocket message can send a value for a disabled widget: Streamlit 1.67 drops
    it server-side, and our save callback checks ui.can_edit() again before writing."""
    monkeypatch.setenv(access.ENV_VAR, "workshop-2026")
    at = app_v2("pages/checklists.py")
    control = status_controls(at)[0]
    control.proto.disabled = False  # what a crafted message amounts to
    control.set_value("done").run()
    assert not at.exception
    assert store.value("SELECT count(*) FROM checklist_answer") == 0
    assert status_controls(at)[0].value is None


def test_lock_again(app_v2, monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "pw")
    at = app_v2("pages/checklists.py")
    at.sidebar.text_input(key="_passcode").input("pw")
    unlock_button(at).click().run()
    assert not any(w.disabled for w in status_controls(at))
    at.sidebar.button(key="_lock").click().run()
    assert all(w.disabled for w in status_controls(at))


def test_workspace_management_needs_the_passcode(app_v2, monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "pw")
    at = app_v2("pages/workspaces.py")
    assert not at.exception
    assert at.button(key="ws-duplicate").disabled and at.button(key="ws-archive").disabled
    submits = [b for b in at.get("form_submit_button") if b.label != "Unlock"]
    assert {b.label for b in submits} == {"Save name and occasion", "Create and open"}
    assert all(b.disabled for b in submits)


def test_participant_code_answers_but_does_not_manage(app_v2, monkeypatch, store):
    monkeypatch.setenv(access.ENV_VAR, "facil")
    monkeypatch.setenv(access.PARTICIPANT_ENV_VAR, "room42")
    at = app_v2("pages/checklists.py")
    at.sidebar.text_input(key="_passcode").input("room42")
    unlock_button(at).click().run()
    assert not at.exception
    controls = status_controls(at)
    assert controls and not any(w.disabled for w in controls)
    assert "key" not in at.query_params  # no facilitator token for a participant
    controls[0].set_value("done").run()
    assert store.value("SELECT count(*) FROM checklist_answer") == 1
    # managing stays the facilitator's: the workspace page's buttons are disabled
    at.switch_page("pages/workspaces.py").run()
    assert at.button(key="ws-archive").disabled


def test_open_answering_lets_everyone_answer_without_a_code(app_v2, monkeypatch, store):
    monkeypatch.setenv(access.ENV_VAR, "facil")
    monkeypatch.setenv(access.OPEN_ENV_VAR, "1")
    at = app_v2("pages/checklists.py")
    controls = status_controls(at)
    assert controls and not any(w.disabled for w in controls)
    controls[0].set_value("done").run()
    assert store.value("SELECT count(*) FROM checklist_answer") == 1


def test_facilitator_stays_unlocked_across_a_reload(app_v2, monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, "pw")
    at = app_v2("pages/checklists.py")
    at.sidebar.text_input(key="_passcode").input("pw")
    unlock_button(at).click().run()
    token = at.query_params["key"]
    token = token[0] if isinstance(token, list) else token
    assert access.token_role(token) == access.FACILITATOR
    # a reload: a new session with the same URL
    again = app_v2("pages/checklists.py", key=token)
    assert not again.exception
    assert not any(w.disabled for w in status_controls(again))
    assert not [t for t in again.sidebar.text_input if t.key == "_passcode"]
    # a forged or stale token does not unlock
    stale = app_v2("pages/checklists.py", key="f1." + "0" * 32)
    assert all(w.disabled for w in status_controls(stale))
    # locking removes the token from the URL
    again.sidebar.button(key="_lock").click().run()
    assert "key" not in again.query_params
    assert all(w.disabled for w in status_controls(again))


def test_a_guesser_reloading_the_page_is_stopped_by_the_client_count(app_v2, monkeypatch, store):
    """The unlock form counts per client address too: a reload (a new session) used to start a
    fresh count of 5 every time."""
    import streamlit.runtime.context as context

    monkeypatch.setenv(access.ENV_VAR, "workshop-2026")
    monkeypatch.setattr(access, "CLIENTS", access.ClientThrottles())
    monkeypatch.setattr(context.ContextProxy, "ip_address", property(lambda self: "10.0.0.66"))
    messages = []
    for reload in range(access.MAX_CLIENT_FAILURES // (access.MAX_FAILURES - 1) + 1):
        at = app_v2("pages/checklists.py")
        for _ in range(access.MAX_FAILURES - 1):
            at.sidebar.text_input(key="_passcode").input("wrong")
            unlock_button(at).click().run()
            messages.append(at.sidebar.error[0].value)
    assert "Try again in" in messages[-1] and "Try again in" not in messages[access.MAX_CLIENT_FAILURES - 2]
    at.sidebar.text_input(key="_passcode").input("workshop-2026")  # the right code from that address
    unlock_button(at).click().run()
    assert all(w.disabled for w in status_controls(at))
    # the facilitator's laptop, another address, unlocks at once
    monkeypatch.setattr(context.ContextProxy, "ip_address", property(lambda self: "10.0.0.5"))
    laptop = app_v2("pages/checklists.py")
    laptop.sidebar.text_input(key="_passcode").input("workshop-2026")
    unlock_button(laptop).click().run()
    assert not any(w.disabled for w in status_controls(laptop))
