"""The app shell: the store connection, the deep-link rerun into app.py, the workspace and
presentation mode from the URL, access (passcode, archived workspaces, :func:`can_edit`), the
participant's name, and the sidebar app.py runs before every page.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from clusterdash import config, queries, registry
from clusterdash.errors import UserError
from clusterdash.store import Store, open_store
from clusterdash.ui.output import flash_error, label_text, plain, show_flash

# ---- the store ---------------------------------------------------------------------------


@st.cache_resource(show_spinner="Opening the ClusterDash store…")
def _store_for(path: str) -> Store:
    return open_store(path)


def get_store() -> Store:
    """The server's one connection to the store (opened and, if needed, built on first use)."""
    _leave_legacy_multipage_mode()
    return _store_for(str(config.db_path()))


def repo_path(rel: str) -> Path:
    return config.REPO_ROOT / rel


# ---- navigation mode ----------------------------------------------------------------------

_RUN = threading.local()  # Streamlit runs each session's script in its own thread


RUN_NO, RUN_DONE = "_run_no", "_run_done"  # this session's runs through app.py: started, last one completed


@contextmanager
def app_run():
    """Wraps app.py's whole run: pages run inside it know they came through the app shell, and
    the session counts its runs and notes the last one that completed (a run cut short by the
    next interaction may not have reached the browser: see clusterdash.ui.autosave)."""
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    _RUN.through_app = True
    ss = st.session_state
    ss[RUN_NO] = this_run = ss.get(RUN_NO, 0) + 1
    try:
        yield
    except StopException:  # st.stop(): the page ended on purpose, what it drew is complete
        ss[RUN_DONE] = this_run
        raise
    else:
        ss[RUN_DONE] = this_run
    finally:
        _RUN.through_app = False


def enter_navigation_mode() -> None:
    """Called first thing by app.py: this run goes through st.navigation (not Streamlit's
    v1 ``pages/``-folder mode)."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def _leave_legacy_multipage_mode() -> None:
    """Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until app.py has
    called st.navigation once. A deep link as the first visit after a server start
    (``/sources?ws=...``, e.g. everyone reloading after a restart) then runs the page without
    app.py. Any run that did not come through app.py switches to st.navigation mode and reruns,
    so the same URL runs through app.py — for every session, not only the first one."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(_RUN, "through_app", False):
        return
    PagesManager.uses_pages_directory = False
    # AppTest resets the flag before every run and replays the last page directly; a rerun
    # there would only swallow the button click that started the run. A real server (a genuine
    # Runtime) reruns, through app.py.
    if type(Runtime._instance) is Runtime:
        st.rerun()
    # (AppTest only: the page runs without app.py's sidebar, which shows the callbacks' messages)
    show_flash()


def page_link(key: str, *, label: str | None = None, icon: str | None = None, query_params: dict | None = None,
              **kwargs) -> None:
    """A link to a registered page (by its registry key), labelled with its title and icon unless
    told otherwise."""
    spec = registry.page(key)
    st.page_link(spec.path, label=label or spec.title, icon=icon or spec.icon, query_params=query_params, **kwargs)


# ---- choosing by id ---------------------------------------------------------------------------

def select_id(label: str, ids, labels: dict, base_key: str, current, on_select, **kwargs):
    """A selectbox over ids (the value, in the URL and in the store, is always an id; the labels
    are only shown). Streamlit 1.67's selectbox sends back the *text* it displayed; when a label
    changes (a rename, live counts) the old text would come back as the value. So the widget's key
    carries a digest of the labels and of the current id: a changed label or another current id
    is a new widget, and a value that is not one of the ids is ignored. ``on_select(id)`` runs
    when the user picks another one."""
    from clusterdash.ui import autosave

    ids = list(ids)
    shown = {i: label_text(labels.get(i, i)) for i in ids}  # user names: no bidi/zero-width, shortened
    key = autosave.versioned_key(base_key, current, context=tuple(shown.items()))

    def changed() -> None:
        value = st.session_state.get(key)
        if value in shown and value != current:
            on_select(value)

    return st.selectbox(label, ids, index=ids.index(current) if current in ids else None, key=key,
                        format_func=lambda k: shown.get(k, str(k)), on_change=changed, **kwargs)


# ---- workspace (in the URL: ?ws=...) -------------------------------------------------------

def current_workspace(store: Store) -> str:
    """The workspace of this browser tab: ``?ws=`` in the URL, else the one this session used,
    else the default workspace (created on a first visit). Always written back to the URL so a
    reload, a page change or a shared link lands on the same state (st.navigation drops query
    parameters when the user switches pages; the session's ``_ws`` puts it back). An archived
    workspace opened through its link is shown read-only (see :func:`can_edit`)."""
    wid = st.query_params.get("ws")
    if wid == "default" and not queries.get_workspace(store, wid):
        wid = queries.default_workspace(store)
    if wid and not queries.get_workspace(store, wid):
        st.warning(f"Workspace “{plain(wid)}” does not exist; showing the default workspace.")
        wid = None
    if not wid:
        wid = st.session_state.get("_ws")
        if wid and not queries.get_workspace(store, wid):
            wid = None
    if not wid:
        wid = queries.default_workspace(store)
    st.session_state["_ws"] = wid
    st.session_state["_ws_archived"] = queries.is_workspace_archived(store, wid)
    if st.query_params.get("ws") != wid:
        st.query_params["ws"] = wid
    return wid


def switch_workspace(workspace_id: str) -> None:
    """Open another workspace in this tab (usable as a widget callback)."""
    st.session_state["_ws"] = workspace_id
    st.query_params["ws"] = workspace_id


# ---- presentation mode (&present=1) ----------------------------------------------------------

def is_presenting() -> bool:
    """Presentation (workshop) mode: ``&present=1`` in the URL."""
    return st.query_params.get("present") == "1"


def set_presenting(on: bool) -> None:
    """Enter or leave presentation mode (usable as a widget callback)."""
    if on:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def link_params(workspace_id: str, **extra) -> dict:
    """Query parameters for a link that keeps this tab's workspace and presentation mode."""
    return {"ws": workspace_id, **({"present": "1"} if is_presenting() else {}), **extra}


# ---- access ----------------------------------------------------------------------------------

ROLE = "_role"  # this session's role once a code or token gave it (see clusterdash.access)
TOKEN_PARAM = "key"  # the facilitator's signed token in the URL: a reload keeps the role
JOIN_PARAM = "join"  # the participant link's signed token
# Without a passcode (local mode) everyone may manage; a session that joined through the Join page
# carries ``&as=participant``: the participant's view (answers, never manages). Not a lock: nothing
# is locked without a passcode; it keeps Reveal, Close and Delete off the room's phones.
VIEW_PARAM = "as"


def role() -> str:
    """This session's role: 'facilitator' (manages and answers), 'participant' (answers) or
    'viewer'. Without a passcode everyone is facilitator (single-user local mode), except a
    session that joined through the Join page (``&as=participant``: VIEW_PARAM). A valid token
    in the URL (``&key=`` facilitator, ``&join=`` participant link) gives its role on a reload;
    open answering makes everyone a participant."""
    from clusterdash import access

    ss = st.session_state
    if not access.passcode_configured():
        if st.query_params.get(VIEW_PARAM) == access.PARTICIPANT:
            ss[ROLE] = access.PARTICIPANT
        return access.PARTICIPANT if ss.get(ROLE) == access.PARTICIPANT else access.FACILITATOR
    if ss.get(ROLE) != access.FACILITATOR:
        for param in (TOKEN_PARAM, JOIN_PARAM):
            token = st.query_params.get(param)
            got = access.token_role(token)
            if got == access.FACILITATOR or (got and not ss.get(ROLE)):
                ss[ROLE] = got
                ss[f"_token|{param}"] = token
    if ss.get("_unlocked"):  # the facilitator flag (kept in step with the role; tests set it)
        return access.FACILITATOR
    if ss.get(ROLE):
        return ss[ROLE]
    return access.PARTICIPANT if access.answering_open() else "viewer"


def set_role(new_role: str | None) -> None:
    """Give this session a role (after a code) or none (lock): the facilitator's token goes into
    the URL, so a reload of this browser keeps it; locking removes it."""
    from clusterdash import access

    st.session_state[ROLE] = new_role
    st.session_state["_unlocked"] = new_role == access.FACILITATOR
    if not new_role:
        for param in (TOKEN_PARAM, JOIN_PARAM):
            st.session_state.pop(f"_token|{param}", None)
    if new_role == access.FACILITATOR:
        st.query_params[TOKEN_PARAM] = access.make_token(access.FACILITATOR)
    else:
        for param in (TOKEN_PARAM, JOIN_PARAM):
            if param in st.query_params and not (new_role and param == JOIN_PARAM):
                del st.query_params[param]


def keep_role_in_url() -> None:
    """Write the role back into the URL (st.navigation drops query parameters on a page switch),
    like the participant's name: the facilitator's token, the participant link's token, or
    without a passcode the participant's view."""
    from clusterdash import access

    ss = st.session_state
    if not access.passcode_configured():
        if ss.get(ROLE) == access.PARTICIPANT and st.query_params.get(VIEW_PARAM) != access.PARTICIPANT:
            st.query_params[VIEW_PARAM] = access.PARTICIPANT
    elif ss.get(ROLE) == access.FACILITATOR:
        if access.token_role(st.query_params.get(TOKEN_PARAM)) != access.FACILITATOR:
            st.query_params[TOKEN_PARAM] = access.make_token(access.FACILITATOR)
    elif ss.get(ROLE) == access.PARTICIPANT and access.token_role(ss.get(f"_token|{JOIN_PARAM}")):
        if st.query_params.get(JOIN_PARAM) != ss[f"_token|{JOIN_PARAM}"]:  # a participant link's reload keeps it
            st.query_params[JOIN_PARAM] = ss[f"_token|{JOIN_PARAM}"]


def participant_params() -> dict:
    """The query parameters that make the page a participant is sent to (from the Join page)
    answer as a participant: the participant link's token when it came with one; without a
    passcode, the participant's view (VIEW_PARAM)."""
    from clusterdash import access

    if not access.passcode_configured():
        return {VIEW_PARAM: access.PARTICIPANT}
    token = st.query_params.get(JOIN_PARAM)
    return {JOIN_PARAM: token} if token else {}


def can_edit() -> bool:
    """Whether this browser session may manage and change data: not when the workspace is
    archived, and, when a facilitator passcode is configured, only as facilitator. Without a
    passcode ClusterDash runs in single-user local mode and everyone may edit."""
    if st.session_state.get("_ws_archived"):
        return False
    return is_unlocked()


def can_answer() -> bool:
    """Whether this session may answer (assessment answers, checklist answers): the facilitator
    or a participant, in a workspace that is not archived."""
    from clusterdash import access

    if st.session_state.get("_ws_archived"):
        return False
    return role() in (access.FACILITATOR, access.PARTICIPANT)


def is_unlocked() -> bool:
    """Whether this session is the facilitator (always, when no passcode is configured).
    Managing workspaces (create, rename, archive, restore) needs only this."""
    from clusterdash import access

    return role() == access.FACILITATOR


def locked_message() -> str:
    """The view-only message of a session that is not the facilitator."""
    from clusterdash import access

    where = "above" if is_presenting() else "in the sidebar"
    if role() == access.PARTICIPANT:
        if not access.passcode_configured():
            return "You joined as a participant: you can answer; the facilitator manages the workshop."
        return f"You can answer; only the facilitator can change this (facilitator passcode {where})."
    other = " or the participant code" if access.configured_participant_code() else ""
    return f"View only: enter the facilitator passcode{other} {where} to make changes."


def view_only_reason(*, answering: bool = False) -> str:
    """Why this session cannot change anything: the one "view only" message of the app (an
    archived workspace, or a session without the role). Empty when it can. ``answering``: for
    an answer (participants may), not a management change."""
    if st.session_state.get("_ws_archived"):
        return "This workspace is archived: it is shown read-only. Restore it on the Workspaces page to change it."
    if not (can_answer() if answering else is_unlocked()):
        return locked_message()
    return ""


def allowed(*, unlocked_only: bool = False, answering: bool = False) -> bool:
    """The check at the moment of writing, first thing in every write callback: True when this
    session may edit; else flash the view-only message and return False. ``unlocked_only``:
    managing workspaces needs only the passcode, not an active workspace. ``answering``: an
    answer, which participants may give."""
    if answering:
        if can_answer():
            return True
        flash_error(view_only_reason(answering=True))
        return False
    if is_unlocked() if unlocked_only else can_edit():
        return True
    flash_error(locked_message() if unlocked_only else view_only_reason())
    return False


def edit_notice(*, answering: bool = False) -> None:
    """A notice at the top of an editing page when this session may not edit (``answering``:
    a page where participants answer)."""
    reason = view_only_reason(answering=answering)
    if reason:
        st.info(reason, icon=":material/lock:")


# ---- the participant: the name this browser session answers and changes things under --------------

DEFAULT_PARTICIPANT = "Facilitator"
_NAME = "_who"  # the session's name (absent until the user gives one)
_URL_READ = "_who_url_read"  # the URL's &who= was taken in (once per session)


def _clean(name) -> str:
    from clusterdash import checklists

    return checklists.clean_person(name)


def current_participant() -> str:
    """The name stored with this session's changes and answers ('Facilitator' until the user
    gives one). A session's first run takes it from the URL (``&who=``), so a reload, a shared
    link or a page switch keeps it; :func:`keep_participant_in_url` writes it back on every page."""
    ss = st.session_state
    if not ss.get(_URL_READ):
        ss[_URL_READ] = True
        who = st.query_params.get("who")
        if who and not ss.get(_NAME):
            try:
                ss[_NAME] = _clean(who)
            except UserError:
                pass
    return ss.get(_NAME) or DEFAULT_PARTICIPANT


def participant_named() -> bool:
    """Whether this session has given a name (typed, or from the URL's ``&who=``), rather than
    answering under the default 'Facilitator'."""
    current_participant()
    return bool(st.session_state.get(_NAME))


def keep_participant_in_url() -> None:
    """Write the participant's name into the URL (``&who=``; run on every page by the sidebar),
    and the anonymous pseudonym's id (``&anon=``) once this tab has one: st.navigation drops query
    parameters when the user switches pages."""
    name = current_participant()
    if name != DEFAULT_PARTICIPANT:
        if st.query_params.get("who") != name:
            st.query_params["who"] = name
    elif "who" in st.query_params:
        del st.query_params["who"]
    anon = st.session_state.get(_ANON)  # the anonymous pseudonym's id, once this tab has one
    if _is_anonymous_id(anon) and st.query_params.get(ANON_PARAM) != anon:
        st.query_params[ANON_PARAM] = anon


ANON_PARAM = "anon"  # this tab's pseudonym in anonymous activities (a random id, never a name)
_ANON = "_anon_id"
_ANON_ID_CHARS = 12


def _is_anonymous_id(value) -> bool:
    return isinstance(value, str) and len(value) == _ANON_ID_CHARS and all(c in "0123456789abcdef" for c in value)


def anonymous_voter() -> str:
    """Who this browser tab is in an anonymous activity: 'anonymous-<random id>', no name. The id
    is made once and written into the URL (``&anon=``), so a reload of the tab keeps it (and with it
    the tab's dot budget); :func:`keep_participant_in_url` keeps it on every page."""
    import secrets

    ss = st.session_state
    if not _is_anonymous_id(ss.get(_ANON)):
        given = st.query_params.get(ANON_PARAM)
        ss[_ANON] = given if _is_anonymous_id(given) else secrets.token_hex(_ANON_ID_CHARS // 2)
    if st.query_params.get(ANON_PARAM) != ss[_ANON]:
        st.query_params[ANON_PARAM] = ss[_ANON]
    return "anonymous-" + ss[_ANON]


def _shown_name(blank_default: bool) -> str:
    name = current_participant()
    return "" if blank_default and name == DEFAULT_PARTICIPANT else name


def _on_participant_change(key: str, blank_default: bool = False) -> None:
    try:
        name = _clean(st.session_state.get(key))
    except UserError as exc:
        st.session_state[key] = _shown_name(blank_default)
        flash_error(str(exc))
        return
    st.session_state[_NAME] = name
    st.session_state[key] = name
    st.query_params["who"] = name


PARTICIPANT_HELP = "Shown with every change you make, so others see who changed what and when."


def participant_input(key: str = "_who_input", *, help: str = PARTICIPANT_HELP, blank_default: bool = False) -> str:
    """The "Your name" field (in the sidebar, or on a page that asks for it: see
    ``PageSpec.asks_participant``). Returns the current name. ``blank_default``: the field starts
    empty (placeholder "Your name") until this session gives a name, instead of showing
    'Facilitator' (the join page: a participant types their own name, nothing to overwrite)."""
    from clusterdash import checklists

    name = current_participant()
    st.session_state[key] = _shown_name(blank_default)  # session-local: no other browser writes this value
    st.text_input("Your name", key=key, on_change=_on_participant_change, args=(key, blank_default),
                  max_chars=checklists.MAX_NAME_LENGTH, help=help, placeholder="Your name" if blank_default else None)
    return name


# ---- sidebar shared by every page -----------------------------------------------------------

def sidebar(store: Store, page: registry.PageSpec | None = None) -> None:
    """Run by app.py before every page: the workspace switcher, the participant's name (unless
    the page has its own field), the presentation toggle and, when a passcode is configured, the
    unlock form. In presentation mode: no sidebar and chrome, large type, and a slim bar with
    'Exit presentation'."""
    wid = current_workspace(store)
    keep_participant_in_url()
    keep_role_in_url()
    show_flash()
    if is_presenting():
        presentation_bar()
        return
    with st.sidebar:
        workspace_switcher(store, wid)
        if page is None or not page.asks_participant:
            participant_input()
        st.toggle(
            "Presentation mode", value=False, key="_present_toggle", on_change=set_presenting, args=(True,),
            help="For a projector: no sidebar, large type, high contrast. Also in the URL as &present=1.",
        )
        unlock_form()


def workspace_switcher(store: Store, wid: str) -> None:
    """A compact selectbox of the active workspaces (plus this one, when it is archived)."""
    from clusterdash import workspaces

    active = queries.list_workspaces(store).to_dict("records")
    by_id = {w["workspace_id"]: w for w in active}
    if wid not in by_id:
        ws = queries.get_workspace(store, wid)
        if ws:
            by_id = {wid: ws, **by_id}
    labels = {k: workspaces.label(w) + (" (archived)" if pd.notna(w.get("archived_at")) else "") for k, w in by_id.items()}
    select_id("Workspace", list(by_id), labels, "_ws_switch", wid, switch_workspace,
              help="Everything you answer is saved in this workspace. Its link (?ws=…) opens it again.")
    page_link("workspaces", label="Manage workspaces", query_params={"ws": wid})


def unlock_form(*, in_main: bool = False) -> None:
    """The code form (when a passcode is configured and this session is not the facilitator):
    the participant code lets this session answer, the facilitator passcode manage; or a 'Lock'
    button once unlocked. Attempts are throttled per browser session and per client address
    (never server-wide: clusterdash.access)."""
    from clusterdash import access

    if not access.passcode_configured():
        return
    try:
        access.configured_passcode()
    except access.AccessConfigError as exc:
        st.error(str(exc), icon=":material/lock:")
        return
    current = role()
    if current == access.FACILITATOR:
        if not in_main and st.button("Lock (view only)", key="_lock", icon=":material/lock:",
                                     help="Stop editing in this browser session; the passcode unlocks again."):
            set_role(None)
            st.rerun()
        return
    throttle = st.session_state.setdefault("_throttle", access.Throttle())
    with st.form("unlock", border=False):
        st.caption(locked_message())
        given = st.text_input("Code", type="password", key="_passcode",
                              help="The participant code (to answer) or the facilitator passcode (to manage).")
        if st.form_submit_button("Unlock", icon=":material/lock_open:"):
            address = st.context.ip_address  # None for the machine's own browser (localhost)
            got, msg = access.try_code(given, throttle, client=access.CLIENTS.get(address) if address else None)
            if got:
                set_role(got)
                st.rerun()
            else:
                st.error(msg)


# ---- presentation (workshop) mode ---------------------------------------------------------------

PRESENTATION_CSS = config.REPO_ROOT / "clusterdash" / "assets" / "present.css"
PHONE_CSS = config.REPO_ROOT / "clusterdash" / "assets" / "phone.css"


def page_style() -> None:
    """Our static stylesheet for small screens, on every page (see assets/phone.css)."""
    st.html(PHONE_CSS)


def presentation_bar() -> None:
    """Presentation mode: our static stylesheet (hides Streamlit's header, toolbar and sidebar;
    large type, high contrast), an 'Exit presentation' button (Esc) and, while locked, the
    passcode form."""
    st.html(PRESENTATION_CSS)
    with st.container(horizontal=True, horizontal_alignment="right", key="present-bar"):
        st.button("Exit presentation", key="_exit_present", icon=":material/close_fullscreen:", shortcut="Esc",
                  on_click=set_presenting, args=(False,), help="Exit presentation (Esc)")
    if not is_unlocked() and not st.session_state.get("_ws_archived"):
        with st.expander("Unlock with a code", icon=":material/lock:"):
            unlock_form(in_main=True)
