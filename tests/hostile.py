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
