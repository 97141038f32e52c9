"""Screenshot a page of the built book with the same browser tooling as the tests (Playwright + Chromium).

    .venv/bin/python scripts/screenshot.py [book/momentum] [out.png] [figure index, default 1]

Serves _build/html on 127.0.0.1, opens the page at a laptop-sized viewport in light mode, waits for MathJax where the page typesets in the browser,
scrolls to the chosen figure and writes a PNG (default: .github/readme-screenshot.png, shown in README).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(page: str = "book/momentum", out: str = ".github/readme-screenshot.png", figure: str = "1") -> int:
    handler = functools.partial(_Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/{page}.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        ctx = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1,
                                  color_scheme="light")
        pg = ctx.new_page()
        pg.goto(url, wait_until="load")
        if pg.evaluate("() => !!document.querySelector('script[src*=\"mathjax\"]')"):  # else typeset at build time
            pg.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            pg.evaluate("() => MathJax.startup.promise")
        fig = pg.locator("figure").nth(int(figure))
        if fig.count():
            pg.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 260)",
                        fig.element_handle())
        target = ROOT / out
        target.parent.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(target))
        browser.close()
    httpd.shutdown()
    print(f"wrote {out} from {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
