"""Formulas with no network and no third-party request: typeset at build time, or by MathJax served from the site.

MathJax 3 comes from the ``django-static-mathjax`` wheel on PyPI (the ``mathjax-full`` 3.2.2 package as static
files, no dependencies; Django is not needed).

* When ``node`` is on the PATH, every formula is typeset when the build has written the pages, by that same
  MathJax run in Node.js (``_SERVER`` below, fed one page at a time over a pipe; formulas in the tables of
  contents too, which MathJax in the browser would typeset): the page ships CommonHTML markup, the hidden
  MathML that screen readers read (MathJax's assistive-MathML, as the browser bundle adds it), and a small
  stylesheet for the characters it uses, so a reader's browser runs no MathJax at all. Display formulas are in
  the tab order (``tabindex="0"``), as MathJax's own menu puts them in a browser, because the theme lets a formula
  wider than the column scroll, and a region that scrolls must be reachable by keyboard (axe-core's
  ``scrollable-region-focusable``). This is the costliest
  thing a page would otherwise do when it opens (seconds of main-thread work on a phone for a chapter with a few
  hundred formulas).
* Without ``node``, or if a page's formulas cannot be typeset that way, the page loads MathJax from
  ``_static/mathjax`` as before and typesets in the browser.

Either way the parts a page can load (the browser bundle and the CommonHTML fonts) are copied into
``_static/mathjax`` at build time.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# What a page can load: the TeX-to-CommonHTML bundle, its fonts, TeX extensions that load on demand, and the
# accessibility pieces (speech and the menu's explorer) that load when a reader asks for them.
_PARTS = ["tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "a11y", "sre", "ui"]
_FONTS = "_static/mathjax/output/chtml/fonts/woff-v2"

# Node.js side: one JSON request per line on stdin ({"font": url, "math": [[tex, display], ...]}), one JSON reply
# per line on stdout ({"html": [...], "css": "..."} or {"error": "..."}). The TeX packages are those the browser
# bundle has or loads on first use (mhchem left out: it needs a parser that is not in the wheel).
_SERVER = r"""
const M = process.argv[1];
const {mathjax} = require(M + '/js/mathjax.js');
const {TeX} = require(M + '/js/input/tex.js');
const {CHTML} = require(M + '/js/output/chtml.js');
const {liteAdaptor} = require(M + '/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require(M + '/js/handlers/html.js');
const {AssistiveMmlHandler} = require(M + '/js/a11y/assistive-mml.js');
const CONFIGS = {base: 'Base', ams: 'Ams', newcommand: 'Newcommand', noundefined: 'NoUndefined', action: 'Action',
  amscd: 'AmsCd', bbox: 'Bbox', boldsymbol: 'Boldsymbol', braket: 'Braket', cancel: 'Cancel', cases: 'Cases',
  centernot: 'Centernot', color: 'Color', colortbl: 'Colortbl', empheq: 'Empheq', enclose: 'Enclose',
  extpfeil: 'Extpfeil', gensymb: 'Gensymb', html: 'Html', mathtools: 'Mathtools', upgreek: 'Upgreek',
  unicode: 'Unicode', verb: 'Verb'};
for (const [dir, name] of Object.entries(CONFIGS)) require(`${M}/js/input/tex/${dir}/${name}Configuration.js`);
const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const rl = require('readline').createInterface({input: process.stdin, terminal: false});
rl.on('line', (line) => {
  let reply;
  try {
    const req = JSON.parse(line);
    const doc = mathjax.document('', {
      InputJax: new TeX({packages: Object.keys(CONFIGS)}),
      OutputJax: new CHTML({fontURL: req.font, scale: req.scale}),
    });
    const out = req.math.map(([tex, display]) =>
      adaptor.outerHTML(doc.convert(tex, {display, em: 16, ex: 8, containerWidth: 1280})));
    reply = {html: out, css: adaptor.textContent(doc.outputJax.styleSheet(doc))};
  } catch (err) {
    reply = {error: String((err && err.stack) || err)};
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
"""

# Sphinx writes inline math as <span class="math ...">\(...\)</span> and display math as
# <div class="math ..." id=...><span class="eqno">...</span>\[...\]</div> (the number is Sphinx's, not MathJax's).
_INLINE = re.compile(r'(<span class="math notranslate nohighlight">)\\\((.*?)\\\)(</span>)', re.S)
_DISPLAY = re.compile(
    r'(<div class="math notranslate nohighlight"[^>]*>\s*(?:<span class="eqno">.*?</span>)?)\s*\\\[(.*?)\\\]\s*(</div>)',
    re.S)
# MathJax scales its formulas to the x-height of the text around them; the theme's text font is the reader's
# system sans-serif, whose x-height is about 1.13 times MathJax's (what the browser bundle measured here).
_SCALE = 1.13


def _source() -> Path:
    import mathjax  # provided by django-static-mathjax

    return Path(mathjax.__file__).resolve().parent / "static" / "mathjax"


def _config(app, config):
    config.mathjax_path = "mathjax/tex-chtml.js"


def _copy(app):
    if app.builder.format != "html":
        return
    src, dest = _source() / "es5", Path(app.outdir) / "_static" / "mathjax"
    stamp = dest / ".source"
    if stamp.exists() and stamp.read_text() == str(src):
        return
    shutil.rmtree(dest, ignore_errors=True)
    for part in _PARTS:
        s = src / part
        if s.is_dir():
            shutil.copytree(s, dest / part)
        elif s.is_file():
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, dest / part)
    stamp.write_text(str(src))


class _Typesetter:
    """One Node.js process for the whole build, started on first use; ``None`` answers mean "leave it to MathJax"."""

    def __init__(self):
        self.proc = None
        self.failed = False

    def __call__(self, math: list[tuple[str, bool]], font_url: str) -> dict | None:
        if self.failed:
            return None
        if self.proc is None:
            node = shutil.which("node")
            if node is None or not (_source() / "js" / "mathjax.js").is_file():
                logger.info("offline_math: no node (or no MathJax sources): formulas are typeset in the browser")
                self.failed = True
                return None
            self.proc = subprocess.Popen([node, "-e", _SERVER, str(_source())], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True, encoding="utf-8")
        try:
            self.proc.stdin.write(json.dumps({"font": font_url, "scale": _SCALE, "math": math}) + "\n")
            self.proc.stdin.flush()
            reply = json.loads(self.proc.stdout.readline())
        except (OSError, ValueError) as err:
            logger.info(f"offline_math: node failed ({err}): formulas are typeset in the browser")
            self.close()
            self.failed = True
            return None
        if "error" in reply or len(reply.get("html", [])) != len(math):
            logger.info(f"offline_math: a page's formulas are left to the browser: {reply.get('error', '')[:300]}")
            return None
        return reply

    def close(self):
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 - shutting down a helper process
                self.proc.kill()
            self.proc = None


_typeset = _Typesetter()


_MATHJAX_JS = re.compile(r'\s*<script>window\.MathJax = .*?</script>|\s*<script [^>]*src="[^"]*mathjax/tex-chtml\.js[^"]*"></script>')
_RAW = re.compile(r'class="math notranslate nohighlight"[^>]*>\s*(?:<span class="eqno">.*?</span>)?\s*\\[(\[]', re.S)


def _prerender_page(path: Path, outdir: Path) -> bool:
    """Typeset one written page's formulas (text, table of contents, navigation) and drop MathJax from it."""
    page = path.read_text(encoding="utf-8")
    found = [(m, False) for m in _INLINE.finditer(page)] + [(m, True) for m in _DISPLAY.finditer(page)]
    if len(found) != len(_RAW.findall(page)):
        logger.info(f"offline_math: {path.name}: math in a form this does not know; left to MathJax")
        return False
    found.sort(key=lambda item: item[0].start())
    depth = len(path.relative_to(outdir).parts) - 1
    reply = _typeset([(html.unescape(m.group(2)), display) for m, display in found], "../" * depth + _FONTS)
    if reply is None:
        return False
    parts, last = [], 0
    for (m, display), typeset in zip(found, reply["html"]):
        if display:  # the theme lets a wide equation scroll: focusable, as MathJax's menu makes it in a browser
            typeset = typeset.replace("<mjx-container ", '<mjx-container tabindex="0" ', 1)
        parts += [page[last:m.start()], m.group(1), typeset, m.group(3)]
        last = m.end()
    page = "".join(parts + [page[last:]])
    page = _MATHJAX_JS.sub("", page)
    page = page.replace("</head>", f'<style id="mathjax-chtml">{reply["css"]}</style>\n</head>', 1)
    path.write_text(page, encoding="utf-8")
    return True


def _prerender(app, exception):
    """After the build: typeset the formulas of every page written with raw TeX in it (pages done before are skipped)."""
    if exception is None and app.builder.format == "html":
        outdir = Path(app.outdir)
        for path in sorted(outdir.rglob("*.html")):
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            if _RAW.search(text):
                if not _prerender_page(path, outdir) and _typeset.failed:
                    break
    _typeset.close()


def setup(app):
    app.connect("config-inited", _config, priority=900)
    app.connect("builder-inited", _copy)
    app.connect("build-finished", _prerender, priority=400)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
