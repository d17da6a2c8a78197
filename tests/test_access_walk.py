"""Issue #15, item 7 (access): for a view-only session — a passcode is set and this session has
not unlocked — every page of the registry is walked with every enabled widget fired (each button
clicked; each selectbox, radio, segmented control, multiselect, text input, text area, number
input, checkbox and toggle changed; the page re-run after each), and:

* no write function of ``clusterdash.queries`` is called: every public function whose name starts
  with a write verb (tests/test_queries_package.WRITE_VERBS), plus the writers named otherwise
  (load_stats_demo, reload_stats_embedded, attach_stats_crosswalk, new_vote_round,
  aggregate_counties_to_economic_areas), is replaced by a spy that records the call and raises;
* the store's tables are unchanged (row count and a hash of every row, every table).

The workspace and an imported dataset are those of the hostile walk (tests/hostile.py): every
free-text field filled, so the pages show their rows, delete buttons and editors. Answering as a
participant is another role (tests/test_access.py); for the locked viewer nothing may write.
"""

from __future__ import annotations

import inspect

import pytest

from clusterdash import access, queries, registry
from clusterdash.store import Store
from tests.hostile import seed_dataset, seed_workspace
from tests.test_queries_package import WRITE_VERBS

OTHER_WRITERS = ("load_stats_demo", "reload_stats_embedded", "attach_stats_crosswalk", "new_vote_round",
                 "aggregate_counties_to_economic_areas")
MAX_ACTIONS = 60  # per page: every widget of the pages seen so far (the largest has ~40), a bound for safety
PASSCODE = "view-only-walk-2026"


def write_functions() -> list[str]:
    names = [n for n in dir(queries) if not n.startswith("_") and inspect.isfunction(getattr(queries, n))
             and (n.startswith(WRITE_VERBS) or n in OTHER_WRITERS)]
    return sorted(names)


class WriteAttempt(RuntimeError):
    pass


def table_fingerprint(store: Store) -> dict[str, tuple]:
    tables = store.df("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'")
    out = {}
    for t in tables["table_name"]:
        out[t] = tuple(store.conn.execute(f'SELECT count(*), coalesce(sum(hash(x)::HUGEINT), 0) FROM "{t}" x').fetchone())
    return out


KINDS = ("button", "selectbox", "radio", "segmented_control", "multiselect", "text_input", "text_area",
         "number_input", "checkbox", "toggle")


def act(kind: str, w) -> bool:
    """Fire ``w`` once (a change from its current value); False when there is nothing to change."""
    if kind == "button":
        w.click()
    elif kind == "selectbox":
        if not w.options:
            return False
        w.select_index(((w.index if w.index is not None else -1) + 1) % len(w.options))
    elif kind == "radio":
        options = list(w.options)
        if not options:
            return False
        current = w.index if getattr(w, "index", None) is not None else -1
        w.set_value(w.options[(current + 1) % len(options)] if current >= 0 else w.options[0])
    elif kind == "segmented_control":
        options = list(w.options)
        if not options:
            return False
        w.set_value(options[-1] if w.value != options[-1] else options[0])
    elif kind == "multiselect":
        options = list(w.options)
        if not options:
            return False
        if not w.value:
            return False  # AppTest lists the options formatted, and select() wants the values
        w.unselect(w.value[0])
    elif kind in ("text_input", "text_area"):
        w.input(f"view-only change {w.key}")
    elif kind == "number_input":
        w.increment() if w.value is not None else w.set_value(w.min_value if w.min_value is not None else 1)
    elif kind in ("checkbox", "toggle"):
        w.set_value(not w.value)
    return True


def widgets(at, kind: str) -> list:
    try:
        return list(getattr(at, kind))
    except Exception:  # noqa: BLE001 — an element kind this Streamlit's AppTest does not list
        return []


def identity(kind: str, w) -> tuple:
    return kind, w.key or getattr(w, "label", "")


# the sidebar's way to another workspace or to presentation mode: fired last, so the page's own
# widgets are fired on the seeded workspace as a viewer sees it
LAST = ("_ws_switch", "_present_toggle", "_exit_present")


def walk(at, restart) -> list[str]:
    """Fire every enabled widget of the page once; returns what was fired. When AppTest cannot send
    a value (it lists options formatted; a few setters want the raw value) the page is started
    again (``restart()``) and the walk goes on with the next widget."""
    fired: list[str] = []
    done: set[tuple] = set()
    for _ in range(MAX_ACTIONS):
        todo = None
        for kind, w in sorted(((k, w) for k in KINDS for w in widgets(at, k)),
                              key=lambda kw: str(kw[1].key or "").startswith(LAST)):
            ident = identity(kind, w)
            if ident in done or getattr(w, "disabled", False):
                continue
            if kind == "text_input" and w.key == "_passcode":
                continue  # the unlock form: typing a code is the way out of view-only, not a write
            todo = (kind, w, ident)
            break
        if todo is None:
            break
        kind, w, ident = todo
        done.add(ident)
        try:
            changed = act(kind, w)
        except Exception:  # noqa: BLE001 — a value AppTest cannot set (bounds, types): not a write
            continue
        if not changed:
            continue
        fired.append(f"{kind}:{ident[1]}")
        try:
            at.run()
        except (TypeError, ValueError):  # AppTest's own serialisation of a formatted option, not the app
            fired[-1] += " (not sendable by AppTest)"
            at = restart()
    return fired


@pytest.fixture
def seeded(store):
    wid, _ = seed_workspace(store, 9)  # port 9 (discard): nothing is fetched by AppTest anyway
    seed_dataset(store, 9)
    return wid


@pytest.mark.parametrize("spec", registry.enabled_pages(), ids=lambda s: s.key)
def test_a_locked_viewer_writes_nothing_on_any_page(spec, app_v2, monkeypatch, store, seeded):
    calls: list[str] = []

    def spy_for(name):
        def spy(*args, **kwargs):
            calls.append(name)
            raise WriteAttempt(f"{name} called by a view-only session")
        return spy

    writers = write_functions()
    assert {"import_stats", "load_stats_demo", "create_workspace", "archive_workspace"} <= set(writers), writers
    for name in writers:
        monkeypatch.setattr(queries, name, spy_for(name))
    before = table_fingerprint(store)
    monkeypatch.setenv(access.ENV_VAR, PASSCODE)

    def start():
        return app_v2(f"pages/{spec.key}.py", ws=seeded)

    at = start()
    assert not at.exception, at.exception
    fired = walk(at, start)

    print(f"{spec.key}: fired {len(fired)}: {fired}")
    assert calls == [], f"{spec.key}: a view-only session called {calls} (fired: {fired})"
    assert table_fingerprint(store) == before, f"{spec.key}: the store changed (fired: {fired})"
