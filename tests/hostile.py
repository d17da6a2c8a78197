"""Hostile text for the injection tests: a battery of payloads, and a loopback listener that
records every request it gets (a planted image or link that the browser follows shows up here).

``payloads(port)`` gives (name, text) pairs; every text carries the marker ``zq`` so the tests can
find where it was rendered, and the ones that point somewhere point at the listener."""

from __future__ import annotations

import http.server
import threading

MARK = "zq"  # in every payload: where it shows, the text is found by this


def payloads(port: int) -> list[tuple[str, str]]:
    here = f"http://127.0.0.1:{port}"
    return [
        ("img-onerror", f'{MARK}<img src=x onerror="window.__pwned=1;alert(1)">'),
        ("script", f"{MARK}<script>window.__pwned=2;alert(2)</script>"),
        ("md-image", f"{MARK}![planted]({here}/md-image.png)"),
        ("md-link", f"{MARK}[click me]({here}/md-link)"),
        ("md-ref-image", f"{MARK}![planted][r]\n\n[r]: {here}/md-ref.png"),
        ("autolink", f"{MARK} <{here}/autolink> {here}/bare.png www.example.invalid {MARK}@127.0.0.1"),
        ("js-link", f"{MARK}[js](javascript:window.__pwned=3) javascript:alert(3)"),
        ("html-link", f'{MARK}<a href="{here}/html-link">a</a><b>bold</b>'),
        ("entities", f"{MARK}&#x3C;img src=x onerror=alert(4)&#x3E; &#x202E;"),
        ("setext", f"{MARK} zqanna\n===\nzqben\n---"),
        ("blocks", f"{MARK}\n# zqheading\n> zqquote\n    zqcodeblock\n- zqitem\n1. zqone\n| zqa | zqb |\n|---|---|\n| 1 | 2 |"),
        ("streamlit-md", f"{MARK} :material/home: :red[zqred] $x^2$ **zqbold** ~~zqgone~~ `zqcode`"),
        ("rtl", f"{MARK} evil\u202etxt.exe \u2067isolate\u2069 An\u200bna \ufeffbom \u200dzwj"),
        ("plotly-template", f"{MARK} %{{x}} %{{customdata[0]}} <br> {{name}}"),
        ("long", MARK + "W" * 100_000),
        ("newlines", f"{MARK} line one\nline two\n\n\nline five\r\nline six"),
    ]


class Listener:
    """A loopback HTTP server (its own thread) that records the path of every request."""

    def __init__(self):
        hits: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 — the http.server API
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self.hits = hits
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Listener":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


# The browser side: what must never exist after rendering hostile text (run in the page).
DOM_CHECK = """(args) => {
  const [port, mark] = args;
  const found = [];
  const scope = [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"], '
                                          + '[data-testid="stToastContainer"], [data-baseweb="popover"]')];
  for (const root of scope) {
    for (const el of root.querySelectorAll('img, image, iframe, object, embed, video, audio, source')) {
      const src = el.getAttribute('src') || el.getAttribute('href') || el.getAttribute('xlink:href') || '';
      if (src.includes(String(port)) || src === 'x') found.push('media ' + el.tagName + ' ' + src);
    }
    for (const el of root.querySelectorAll('a')) {
      const href = el.getAttribute('href') || el.getAttribute('xlink:href') || '';
      if (href.startsWith('#')) continue;  // a heading's own anchor (its slug may spell the payload)
      if (href.includes(String(port)) || href.toLowerCase().startsWith('javascript') || href.startsWith('mailto')
          || href.includes('example.invalid') || href.includes('127.0.0.1'))
        found.push('link ' + href);
    }
    for (const el of root.querySelectorAll('[onerror], [onload], [onclick], script')) {
      if ((el.outerHTML || '').includes('pwned')) found.push('script ' + el.tagName);
    }
    // structure built from a payload: its words are unique to it (the app's own never hold them)
    const built = [['h1,h2,h3,h4,h5,h6', /^(zq )?(zqanna|zqben|zqheading)$/], ['blockquote', /^zqquote$/],
                   ['pre', /^zqcodeblock$/], ['code', /^zqcode$/], ['li', /^(zqitem|zqone)$/], ['th,td', /^zq(a|b)$/],
                   ['b,strong', /^zqbold$/], ['del,s', /^zqgone$/], ['[class*="red"], span[style*="color"]', /^zqred$/]];
    for (const [sel, re] of built) {
      for (const el of root.querySelectorAll(sel)) {
        const t = (el.innerText || '').trim();
        if (re.test(t)) found.push('built ' + el.tagName + ' ' + t.slice(0, 40));
      }
    }
    const text = root.innerText || '';
    if (/[\\u202a-\\u202e\\u2066-\\u2069\\u200b\\ufeff]/.test(text)) found.push('bidi/zero-width character shown');
  }
  if (window.__pwned) found.push('script ran: ' + window.__pwned);
  return found;
}"""


# ---- filling every free-text field of a workspace ---------------------------------------------------

def pieces(port: int) -> list[str]:
    """Short payloads, most telling first: a cocktail of them fits any field's length limit."""
    here = f"http://127.0.0.1:{port}"
    return [
        "![](/zz.png)",  # the 12 characters (an image from the app's own server)
        f"![p]({here}/i.png)",
        "zqanna\n===",
        '<img src=x onerror="window.__pwned=1">',
        f"[l]({here}/l)",
        f"{here}/bare.png",
        "evil\u202etxt",
        "[js](javascript:window.__pwned=3)",
        "<script>window.__pwned=2</script>",
        f"<{here}/auto>",
        "# zqheading",
        "**zqbold** `zqcode` :red[zqred]",
        "An\u200bna \u2067zq\u2069",
        f'<a href="{here}/h">h</a>',
        "%{x} {name}",
        "- zqitem",
        "> zqquote",
        "www.example.invalid zq@127.0.0.1",
    ]


def cocktail(port: int, limit: int | None = None) -> str:
    """The marker and as many payload pieces as fit into ``limit`` characters, one per line."""
    out = MARK
    for p in pieces(port):
        nxt = out + "\n" + p
        if limit is not None and len(nxt) > limit:
            continue
        out = nxt
    return out


FORMULA = '=HYPERLINK("http://127.0.0.1:1/zq","click")'


def formula_text(limit: int | None) -> str:
    """Spreadsheet-formula text (OWASP CSV injection) that fits ``limit``."""
    return FORMULA if limit is None or limit >= len(FORMULA) else "=1+1"


def fit(setter, make, limits=(None, 4000, 2000, 1000, 200, 100, 60, 40, 12)) -> str | None:
    """Call ``setter(text)`` with ``make(limit)`` for the largest limit the field takes; returns
    what was stored (None when even 12 characters are refused)."""
    from clusterdash.errors import UserError

    for n in limits:
        text = make(n)
        try:
            setter(text)
            return text
        except UserError:
            continue
    return None


def seed_workspace(store, port: int, name_suffix: str = "", make=None) -> tuple[str, dict[str, str | None]]:
    """A workspace whose every free-text field holds hostile text (``make(limit)``, default the
    cocktail of :func:`pieces`); returns (id, field -> text stored)."""
    from clusterdash import checklists, queries

    if make is None:
        def make(n):
            return cocktail(port, n) if n != 12 else "![](/zz.png)"
    stored: dict[str, str | None] = {}
    w = queries.create_workspace(store, "Hostile workspace" + name_suffix)
    stored["workspace.name"] = fit(lambda t: queries.rename_workspace(store, w, t), make)
    stored["workspace.occasion"] = fit(lambda t: queries.rename_workspace(store, w, "zq ws", occasion=t), make)
    stored["workspace.name"] = fit(lambda t: queries.rename_workspace(store, w, t, occasion=stored["workspace.occasion"]),
                                   make)
    participant = fit(lambda t: queries.check_participant(t), make, limits=(60, 40, 12))
    stored["participant"] = participant
    # checklists
    board = checklists.prepare_board(queries.checklist_board(store, w))
    items = list(board.item_key)
    stored["checklist.note"] = fit(lambda t: queries.save_checklist_answer(store, w, items[0], "note", t,
                                                                           changed_by=participant), make)
    stored["checklist.owner"] = fit(lambda t: queries.save_checklist_answer(store, w, items[0], "owner", t,
                                                                            changed_by=participant), make)
    queries.save_checklist_answer(store, w, items[0], "status", "done", changed_by=participant)
    # maturity
    ini = "ac_serbia"
    aid = None

    def assessment(t):
        nonlocal aid
        aid = queries.create_assessment(store, w, ini, "2026-01-01", label=t)

    stored["assessment.label"] = fit(assessment, make)
    statements = queries.assessment_statements(store)
    for code in list(statements["statement_code"])[:3]:
        queries.save_assessment_answer(store, w, aid, code, participant, "fully")
    # toolkit
    sid = queries.add_stakeholder(store, w, "zq stakeholder")
    stored["stakeholder.name"] = fit(lambda t: queries.update_stakeholder(store, w, sid, name=t), make)
    stored["stakeholder.description"] = fit(lambda t: queries.update_stakeholder(store, w, sid, description=t), make)
    stored["stakeholder.measure"] = fit(lambda t: queries.update_stakeholder(store, w, sid, measure=t), make)
    for q in ("strength", "weakness", "opportunity", "threat"):
        stored[f"swot.{q}"] = fit(lambda t, q=q: queries.add_swot_item(store, w, q, t), make)
    for block in list(queries.canvas_blocks(store).block_code)[:9]:
        stored[f"canvas.{block}"] = fit(lambda t, b=block: queries.save_canvas_entry(store, w, b, t), make)
    for f in queries.CANVAS_HEADER_FIELDS:
        stored[f"canvas_header.{f}"] = fit(lambda t, f=f: queries.save_canvas_header(store, w, **{f: t}), make)
    svc = queries.add_cluster_service(store, w, "zq service")
    stored["service.service_name"] = fit(lambda t: queries.update_cluster_service(store, w, svc, service_name=t), make)
    for f in ("note", "frequency", "beneficiaries"):
        stored[f"service.{f}"] = fit(lambda t, f=f: queries.update_cluster_service(store, w, svc, **{f: t}), make)
    mid = queries.add_team_member(store, w, "zq member")
    stored["team.member_name"] = fit(lambda t: queries.update_team_member(store, w, mid, member_name=t), make)
    stored["team.role"] = fit(lambda t: queries.update_team_member(store, w, mid, role=t), make)
    queries.save_team_skill_score(store, w, mid, 1, 3)
    # financing
    stored["financing.currency"] = fit(lambda t: queries.set_financing_profile(store, w, "currency", t), make,
                                       limits=(12,))
    queries.set_financing_entry(store, w, 2024, "income", "membership_fees", 1000)
    queries.set_financing_entry(store, w, 2024, "income", "public_local", 500)
    queries.set_financing_entry(store, w, 2024, "cost", "personnel", 1200)
    # value chains
    stage = queries.add_value_chain_stage(store, w, ini, "zq stage")
    for f in ("stage_name", "local_actors", "notes"):
        stored[f"value_chain.{f}"] = fit(lambda t, f=f: queries.update_value_chain_stage(store, w, stage, f, t), make)
    # a user initiative (shown on the map, in profiles and lists)
    record = {"name": "zq initiative", "country": "Austria", "country_code": "AT", "latitude": 48.3,
              "longitude": 14.3}
    iid = queries.add_user_initiative(store, dict(record))
    for f in ("name", "country", "place", "sector", "notes", "source"):
        def update(t, f=f):
            queries.update_user_initiative(store, iid, {**record, f: t})
            record[f] = t
        stored[f"initiative.{f}"] = fit(update, make)
    stored["initiative_id"] = iid
    return w, stored


def seed_dataset(store, port: int, code: str = "zq_hostile") -> dict[str, str]:
    """An imported statistics dataset (long format) whose title, source, region and industry names
    are hostile; one region name is 100,000 characters long (the CSV reader takes fields up to
    131,072 characters)."""
    import csv
    import io

    from clusterdash import queries
    from clusterdash.stats.importer import ImportSpec
    from clusterdash.stats.readers import SourceFile

    names = {"R1": cocktail(port), "R2": MARK + "W" * 100_000, "R3": "evil\u202etxt zq"}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["region_code", "region_name", "industry_code", "industry_name", "year", "employment"])
    for r, name in names.items():
        for ind, emp in (("11", 100), ("21", 40), ("31", 7)):
            w.writerow([r, name, ind, cocktail(port, 200) if ind == "11" else f"zq industry {ind}", 2019, emp])
            w.writerow([r, name, ind, cocktail(port, 200) if ind == "11" else f"zq industry {ind}", 2020, emp + 5])
    title = cocktail(port, 200)
    queries.import_stats(store, ImportSpec(format="long", dataset_code=code, title=title, source=cocktail(port, 200),
                                           files=[SourceFile("zq<img src=x>.csv", buf.getvalue().encode())]))
    return {"dataset.title": title, **{f"region.{k}": v for k, v in names.items()}}
