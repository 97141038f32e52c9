"""Look at a built page as readers see it: desktop and phone width, light and dark, one PNG each.

    .venv/bin/python scripts/look.py HTML_ROOT PAGE [SELECTOR] [OUT_DIR]
    .venv/bin/python scripts/look.py /tmp/check_adam/_build/html book/adam "#fig-adam-digits" /tmp/look

Serves HTML_ROOT on 127.0.0.1 and writes OUT_DIR/<page>-<desktop|phone>-<light|dark>.png (1280 and 390 px wide).
With SELECTOR (a CSS selector, e.g. a figure's id, or ".solution"), each shot is scrolled to the first element it
matches and shows one screen from there; without it, the top of the page. Dropdowns (exercise solutions) are shown
open. Ids with a slash need it escaped: "#book\\/adam-solution-3". Open the PNGs with an image viewer.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from screenshot import ARGS, _Quiet

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def main(root: str, page: str, selector: str = "", out_dir: str = "/tmp/look") -> int:
    handler = functools.partial(_Quiet, directory=str(Path(root)))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/{page}.html"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = page.replace("/", "_")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for size, viewport in VIEWPORTS.items():
            for mode in ("light", "dark"):
                ctx = browser.new_context(viewport=viewport, device_scale_factor=1, color_scheme=mode)
                pg = ctx.new_page()
                pg.goto(url, wait_until="load")
                pg.evaluate(f"() => document.documentElement.setAttribute('data-theme', '{mode}')")
                # open every dropdown (sphinx-togglebutton hides a solution's body behind its title)
                pg.evaluate("() => document.querySelectorAll('.dropdown, .toggle-hidden').forEach("
                            "e => e.classList.remove('dropdown', 'toggle-hidden'))")
                if selector:
                    el = pg.locator(selector).first
                    if el.count():
                        el.scroll_into_view_if_needed()
                        pg.evaluate("(e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 20)",
                                    el.element_handle())
                    else:
                        print(f"no element matches {selector!r}")
                target = out / f"{stem}-{size}-{mode}.png"
                pg.wait_for_timeout(300)
                pg.screenshot(path=str(target))
                print(f"wrote {target}")
                ctx.close()
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
