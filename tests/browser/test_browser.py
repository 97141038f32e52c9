"""Real-browser checks of the built book: Debian's Chromium, headless, over every page served on 127.0.0.1.

For every HTML file the site ships (every ``*.html`` under ``_build/html``: the chapters and the generated
indexes, ``genindex``, ``prf-prf``, ``py-modindex`` and ``search``; a file that only redirects must land on one of
them): no console errors, no failed or third-party requests, every image loads, every formula is typeset by MathJax
(served from the site itself), code cells have working copy buttons, and axe-core finds no accessibility
violation in light or in dark mode.

Needs `_build/html` (`make test` builds it first), the `playwright` Python package (installed with the test
extras) and a Chromium executable (`/usr/bin/chromium`, or the path in $CHROMIUM). Without Chromium the tests
skip with a message saying so. axe-core is the npm package at the version the Makefile pins (``AXE_CORE``), which
`make test` installs into ``.venv/axe-core`` (or the file in $AXE_JS); without it the accessibility tests fail when
$BOOK_REQUIRED is set (as `make test` sets it) and skip otherwise, with a message saying which file is missing.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("no Chromium found (install Debian's `chromium` or set $CHROMIUM): browser tests skipped",
                allow_module_level=True)
if not (HTML / "index.html").exists():
    if os.environ.get("BOOK_REQUIRED"):
        raise RuntimeError("_build/html is missing: run `make book-strict` first")
    pytest.skip("the book is not built (run `make test`, which builds it first)", allow_module_level=True)
playwright_sync = pytest.importorskip("playwright.sync_api")


def _axe_core() -> tuple[str | None, str]:
    """The pinned axe-core's script, or None and why not."""
    pin = re.search(r"^AXE_CORE\s*:=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    path = Path(os.environ.get("AXE_JS") or ROOT / ".venv" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js")
    how = f"`make test` installs it, or: npm install --prefix .venv/axe-core -E axe-core@{pin}"
    if not path.is_file():
        return None, f"axe-core {pin} (the Makefile's AXE_CORE) is not installed: {path} is missing; {how}"
    js = path.read_text(encoding="utf-8")
    found = re.match(r"/\*! axe v(\S+)", js)
    if not found or found.group(1) != pin:
        return None, (f"{path} is axe-core {found.group(1) if found else '(unknown version)'}, "
                      f"but the Makefile pins AXE_CORE = {pin}; {how}")
    return js, f"axe-core {pin}"


AXE_JS, AXE_STATUS = _axe_core()

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


_REDIRECT = re.compile(r'<meta http-equiv="refresh" content="0;\s*url=([^"#?]+)[^"]*"', re.I)


def _html_files() -> tuple[list[str], dict[str, str]]:
    """Every HTML file the site ships, as pages and as redirects (file -> the page it sends the reader to)."""
    pages, redirects = [], {}
    for path in sorted(HTML.rglob("*.html")):
        rel = path.relative_to(HTML).as_posix()
        m = _REDIRECT.search(path.read_text(encoding="utf-8"))
        if m:
            redirects[rel] = (path.parent / m.group(1)).resolve().relative_to(HTML.resolve()).as_posix()
        else:
            pages.append(rel)
    return pages, redirects


PAGES, REDIRECTS = _html_files()


def test_every_toc_page_is_checked():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    missing = [f for f in files + ["genindex", "search"] if f"{f}.html" not in PAGES]
    assert not missing, f"pages of the table of contents not built: {missing}"


@pytest.mark.parametrize("page", sorted(REDIRECTS))
def test_redirects_land_on_a_checked_page(browser, server, page):
    assert REDIRECTS[page] in PAGES, f"{page} redirects to {REDIRECTS[page]}, which is not built"
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(f"{server}/{page}")
        tab.wait_for_url(lambda url: urlsplit(url).path == f"/{REDIRECTS[page]}", timeout=10_000)
    finally:
        context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageVisit:
    """Open a page, recording console errors, page errors, failed requests and requests that leave the site."""

    def __init__(self, browser, base: str, page: str, dark: bool = False):
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []
        self.loaded: set[str] = set()
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, color_scheme="dark" if dark else "light",
            permissions=["clipboard-read", "clipboard-write"],
        )
        if dark:  # the theme reads its mode from localStorage before first paint
            self.context.add_init_script("localStorage.setItem('theme', 'dark'); localStorage.setItem('mode', 'dark');")
        host = urlsplit(base).netloc
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", self._response)

        def route(r):
            if urlsplit(r.request.url).netloc in (host, "") or r.request.url.startswith(("data:", "blob:")):
                return r.continue_()
            self.foreign.append(r.request.url)
            return r.abort()

        self.page.route("**/*", route)
        self.page.goto(f"{base}/{page}", wait_until="load")
        self.wait_for_math()

    def _response(self, r):
        if r.status >= 400:
            self.failed.append(f"{r.url} (HTTP {r.status})")
        else:
            self.loaded.add(urlsplit(r.url).path)

    def wait_for_math(self):
        has_math = self.page.evaluate("() => !!document.querySelector('script[src*=\"mathjax\"]')")
        if has_math:
            self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                        timeout=30_000)
            self.page.evaluate("() => MathJax.startup.promise")

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def visits(browser, server):
    """One light-mode visit per page, shared by the checks below."""
    opened: dict[str, PageVisit] = {}

    def get(page: str) -> PageVisit:
        if page not in opened:
            opened[page] = PageVisit(browser, server, page)
        return opened[page]

    yield get
    for v in opened.values():
        v.close()


@pytest.mark.parametrize("page", PAGES)
def test_no_console_errors_or_failed_requests(visits, page):
    v = visits(page)
    assert not v.errors, f"{page}: console errors: {v.errors}"
    assert not v.failed, f"{page}: failed requests: {v.failed}"
    assert not v.foreign, f"{page}: requests to other sites (the page must work offline): {v.foreign}"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads(visits, page):
    v = visits(page)
    broken = v.page.evaluate(
        """async () => {
            const imgs = Array.from(document.images);
            imgs.forEach(i => { i.loading = 'eager'; });
            const ok = await Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth > 0, () => false)));
            return imgs.filter((_, k) => !ok[k]).map(i => i.getAttribute('src'));
        }"""
    )
    assert not broken, f"{page}: images that do not load: {broken}"


@pytest.mark.parametrize("page", PAGES)
def test_every_formula_renders(visits, page):
    v = visits(page)
    counts = v.page.evaluate(
        """() => ({
            math: document.querySelectorAll('span.math, div.math').length,
            rendered: document.querySelectorAll('span.math mjx-container, div.math mjx-container').length,
            errors: document.querySelectorAll('mjx-merror, .MathJax_Error').length,
            raw: Array.from(document.querySelectorAll('span.math, div.math'))
                 .filter(e => !e.querySelector('mjx-container')).slice(0, 3).map(e => e.textContent.slice(0, 80)),
        })"""
    )
    assert counts["errors"] == 0, f"{page}: {counts['errors']} formulas failed to typeset"
    assert counts["rendered"] == counts["math"], f"{page}: formulas left untypeset: {counts['raw']}"


@pytest.mark.parametrize("page", PAGES)
def test_copy_buttons_copy_the_code(visits, page):
    v = visits(page)
    blocks = v.page.locator("div.cell_input div.highlight, div.highlight-python div.highlight")
    n = blocks.count()
    if n == 0:
        pytest.skip(f"{page} has no code cells")
    buttons = v.page.locator("div.cell_input button.copybtn, div.highlight-python button.copybtn")
    assert buttons.count() == n, f"{page}: {n} code blocks but {buttons.count()} copy buttons"
    first = blocks.first
    first.hover()
    buttons.first.click()
    copied = v.page.evaluate("() => navigator.clipboard.readText()")
    expected = first.locator("pre").inner_text()
    assert copied.strip() and copied.strip() == expected.strip().replace("\u00a0", " ")


TEXT_TYPES = {".html", ".css", ".js", ".svg", ".json", ".txt", ".map", ".xml"}
PAGE_WEIGHT_LIMIT = 800_000  # bytes served gzip-compressed, as GitHub Pages serves text


def _served_size(url_path: str) -> int:
    path = HTML / unquote(url_path.lstrip("/"))
    if path.is_dir():
        path = path / "index.html"
    data = path.read_bytes()
    return len(gzip.compress(data, compresslevel=6, mtime=0)) if path.suffix in TEXT_TYPES else len(data)


@pytest.mark.parametrize("page", PAGES)
def test_page_weight(visits, page):
    """Everything the page loads (all its images included), compressed as a web server would serve it."""
    v = visits(page)
    images = v.page.evaluate("() => Array.from(document.images).map(i => new URL(i.src).pathname)")
    paths = v.loaded | set(images)
    sizes = {p: _served_size(p) for p in paths}
    total = sum(sizes.values())
    biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    assert total <= PAGE_WEIGHT_LIMIT, f"{page}: {total / 1000:.0f} kB served (limit 800 kB); largest: {biggest}"


def _axe(page) -> list[dict]:
    page.add_script_tag(content=AXE_JS)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": r["id"], "impact": r["impact"], "help": r["help"],
         "nodes": [n["target"] for n in r["nodes"]][:5]}
        for r in result["violations"]
    ]


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("page", PAGES)
def test_accessibility_axe(browser, server, visits, page, mode):
    if AXE_JS is None:
        if os.environ.get("BOOK_REQUIRED"):
            pytest.fail(AXE_STATUS, pytrace=False)
        pytest.skip(AXE_STATUS)
    if mode == "light":
        violations = _axe(visits(page).page)
    else:
        v = PageVisit(browser, server, page, dark=True)
        try:
            assert v.page.evaluate("() => document.documentElement.dataset.theme") == "dark"
            violations = _axe(v.page)
        finally:
            v.close()
    assert not violations, f"{page} ({mode} mode): axe-core violations: {violations}"
