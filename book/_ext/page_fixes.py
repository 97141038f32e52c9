"""Small fixes to what the theme stack puts on every page.

* sphinx-thebe's inline configuration script is added twice by Jupyter Book 1, which makes the browser report
  ``Identifier 'THEBE_JS_URL' has already been declared`` on every page: keep one copy of each script.
* Every page gets a ``<meta name="description">`` made from its first paragraph.
* Accessibility fixes to the HTML the theme and docutils write, found by axe-core (see tests/browser):
  the primary sidebar's logo/title block sits outside any landmark, so the sidebar becomes a labelled
  ``complementary`` landmark; docutils marks bibliography entries with the deprecated ``doc-biblioentry`` role
  inside a ``role="list"``, so they become ``listitem``; the colour-mode button's icons carry titles ("Light",
  "Dark") that are not in the button's name, so icons become ``aria-hidden`` and lose those titles; the search
  field's ``aria-label`` ("Search") leaves out the shortcut it shows ("Ctrl+K"), so it goes and the button is
  named by its text.
* The theme copies two Jinja templates of its own (``webpack-macros.html``, ``sbt-webpack-macros.html``) into
  ``_static`` as if they were static files (pydata-sphinx-theme issue 1122); they are not pages, so they are removed.
* Page weight and speed (issue 6; measured with ``tests/browser`` and ``benchmarks/lighthouse.py``):

  - the theme loads Font Awesome twice, as a 540 kB (gzip) script that swaps every icon for an SVG and as a
    webfont the stylesheet already uses for the same icons: the script goes, and the webfont is cut down at build
    time to the icons the site uses (``_static/fa-subset/``, a few kB instead of 156 kB);
  - the theme's search-as-you-type scripts (Sphinx's search code and the whole search index) load, blocking the
    first paint, on every page although that option is off: only the search page keeps them;
  - figures load lazily, with their width and height, so the page does not jump when they arrive;
  - matplotlib writes SVG path coordinates as absolute numbers with six decimals: they are rewritten as relative
    moves rounded to 0.1 pt (invisible: a twentieth of a point at most), which makes contour plots 2 to 4 times
    smaller. Paths with curves (markers, glyphs) are left as they are.
* ``book/_static`` (favicon, ``lighter.css``) is added to the static files.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes

_REPLACEMENTS = [
    ('<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">',
     '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="complementary"'
     ' aria-label="Book navigation">'),
    ('role="doc-biblioentry"', 'role="listitem"'),
    # the search field shows "Search Ctrl+K" but its aria-label names it "Search" only: without the label its name
    # is what it shows (the icon is aria-hidden; the title stays as its description)
    ('<button class="btn search-button-field search-button__button pst-js-only" title="Search" aria-label="Search"',
     '<button class="btn search-button-field search-button__button pst-js-only" title="Search"'),
]


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        key = (getattr(js, "filename", None) or "", repr(sorted(getattr(js, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    scripts[:] = kept


def _nitpick_tuples(app, config):
    """YAML has no tuples: turn ``nitpick_ignore(_regex)`` entries from _config.yml into the pairs Sphinx compares with."""
    config.nitpick_ignore = {tuple(entry) for entry in config.nitpick_ignore}
    config.nitpick_ignore_regex = {tuple(entry) for entry in config.nitpick_ignore_regex}


def _describe(app, pagename, templatename, context, doctree):
    """A ``<meta name="description">`` from the page's first paragraph (search engines show it)."""
    if doctree is None or "meta name=\"description\"" in context.get("metatags", ""):
        return
    for para in doctree.findall(nodes.paragraph):
        text = " ".join(para.astext().split())
        if len(text) >= 40:
            if len(text) > 160:
                text = text[:157].rsplit(" ", 1)[0] + "..."
            context["metatags"] = context.get("metatags", "") + \
                f'\n    <meta name="description" content="{html.escape(text, quote=True)}" />'
            return


_STATIC = Path(__file__).resolve().parents[1] / "_static"
_FONTAWESOME_JS = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
_SEARCH_JS = re.compile(r'\s*<script src="[^"]*_static/searchtools\.js"></script>\s*'
                        r'<script src="[^"]*_static/language_data\.js"></script>\s*'
                        r'<script src="[^"]*searchindex\.js"></script>')
_ICON = re.compile(r'<i class="([^"]*\bfa[srb]?\b[^"]*|[^"]*\bfa-(?:solid|regular|brands)\b[^"]*)"([^>]*)>')
_IMG = re.compile(r'<img ([^>]*?)src="([^"]*_images/[^"]+\.svg)"([^>]*?)\s*/?>')
_SVG_SIZE = re.compile(r'<svg [^>]*?width="([\d.]+)pt" height="([\d.]+)pt"')


def _static_path(app, config):
    config.html_static_path = [*config.html_static_path, str(_STATIC)]


def _icon(m):
    cls, rest = m.group(1), m.group(2)
    if "theme-switch" in cls:
        rest = re.sub(r'\s*title="[^"]*"', "", rest)
    if "aria-hidden" not in rest:
        rest += ' aria-hidden="true"'
    return f'<i class="{cls}"{rest}>'


def _img(m, outdir: Path, page: Path):
    before, src, after = m.group(1), m.group(2), m.group(3)
    attrs = before + after
    extra = ""
    if "loading=" not in attrs:
        extra += ' loading="lazy" decoding="async"'
    if "width=" not in attrs:
        svg = (page.parent / src).resolve()
        try:
            with open(svg, encoding="utf-8") as fh:
                size = _SVG_SIZE.search(fh.read(2000))
        except OSError:
            size = None
        if size:  # matplotlib sizes its SVG in points; CSS pixels are 4/3 of a point
            extra += f' width="{round(float(size.group(1)) * 4 / 3)}" height="{round(float(size.group(2)) * 4 / 3)}"'
    return f'<img {before}src="{src}"{after}{extra} />'


def _fix_html(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for template in ("webpack-macros.html", "sbt-webpack-macros.html"):
        (outdir / "_static" / template).unlink(missing_ok=True)
    for path in outdir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = text
        for old, new in _REPLACEMENTS:
            fixed = fixed.replace(old, new)
        fixed = _FONTAWESOME_JS.sub("", fixed)
        if path.relative_to(outdir).as_posix() != "search.html":
            fixed = _SEARCH_JS.sub("", fixed)
        fixed = _ICON.sub(_icon, fixed)
        fixed = _IMG.sub(lambda m: _img(m, outdir, path), fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
    _minify_svgs(outdir / "_images")
    _subset_fontawesome(outdir)


# --- SVG figures -------------------------------------------------------------------------------------------------

_PATH_D = re.compile(r'(?<=\s)d="([^"]*)"')
_PATH_TOKEN = re.compile(r"[A-Za-z]|-?\d+(?:\.\d+)?(?:e-?\d+)?")
_USE_XY = re.compile(r'(<use [^>]*?\b[xy]=")(-?\d+\.\d+)(")')


def _num(tenths: int) -> str:
    """A length in tenths of a point, written as short as SVG allows (``-.5``, ``12``, ``3.4``)."""
    sign, tenths = ("-" if tenths < 0 else ""), abs(tenths)
    whole, frac = divmod(tenths, 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{frac}"


def _relative_path(d: str) -> str | None:
    """matplotlib's ``M x y L x y ... z`` as relative moves in tenths of a point; ``None`` for anything else."""
    tokens = _PATH_TOKEN.findall(d)
    if not tokens or any(t.isalpha() and t not in ("M", "L", "z") for t in tokens):
        return None
    out, last, i = [], "", 0
    x = y = sx = sy = 0
    try:
        while i < len(tokens):
            cmd = tokens[i]
            if cmd == "z":
                out.append("z")
                x, y, last, i = sx, sy, "z", i + 1
                continue
            nx, ny = round(float(tokens[i + 1]) * 10), round(float(tokens[i + 2]) * 10)
            i += 3
            rel = "m" if cmd == "M" else "l"
            dx, dy = _num(nx - x), _num(ny - y)
            pair = dx + ("" if dy.startswith("-") else " ") + dy
            if rel == "l" and last in ("l", "m"):  # more pairs after m or l are lines
                out.append(("" if pair.startswith("-") else " ") + pair)
            else:
                out.append(rel + pair)
            last, x, y = rel, nx, ny
            if cmd == "M":
                sx, sy = nx, ny
    except (IndexError, ValueError):
        return None
    return "".join(out)


def minify_svg(svg: str) -> str:
    def path(m):
        rel = _relative_path(m.group(1))
        return m.group(0) if rel is None else f'd="{rel}"'

    svg = _PATH_D.sub(path, svg)
    return _USE_XY.sub(lambda m: f"{m.group(1)}{float(m.group(2)):.1f}{m.group(3)}", svg)


def _minify_svgs(folder: Path):
    if not folder.is_dir():
        return
    for path in folder.glob("*.svg"):
        text = path.read_text(encoding="utf-8")
        if "\nL " not in text:  # not matplotlib's layout, or done already
            continue
        path.write_text(minify_svg(text), encoding="utf-8")


# --- Font Awesome ------------------------------------------------------------------------------------------------

_FA_RULE = re.compile(r'((?:\.fa-[\w-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
_FA_NAME = re.compile(r"\bfa-([a-z0-9-]+)")
_CSS_ESCAPE = re.compile(r'\\((?:f|e)[0-9a-f]{3})\b')
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_FA_FONTS = {"fa-solid-900": ("Font Awesome 6 Free", 900), "fa-regular-400": ("Font Awesome 6 Free", 400),
             "fa-brands-400": ("Font Awesome 6 Brands", 400)}


def _subset_fontawesome(outdir: Path):
    """Cut the theme's Font Awesome webfonts down to the icons the site uses; ``_static/fa-subset.css`` loads them.

    Icons used: the ``fa-*`` classes in the pages and the theme's scripts, and the icons the stylesheets name
    outside Font Awesome's own table of icons (admonition and link icons, as escapes or as characters). Without fontTools, or when the
    theme's fonts are not where Font Awesome 6 puts them, the stylesheet stays empty and the theme's fonts serve.
    """
    static = outdir / "_static"
    css_out = static / "fa-subset.css"
    webfonts = static / "vendor" / "fontawesome" / "webfonts"
    theme_css = static / "styles" / "pydata-sphinx-theme.css"
    if not webfonts.is_dir() or not theme_css.is_file():
        css_out.write_text("/* no Font Awesome fonts found: the theme's own serve */\n")
        return
    table, rest = {}, []
    for css in static.rglob("*.css"):
        if css.name == "fa-subset.css" or "mathjax" in css.parts:
            continue
        text = css.read_text(encoding="utf-8", errors="replace")
        for names, code in _FA_RULE.findall(text):
            for name in re.findall(r"\.fa-([\w-]+):before", names):
                table[name] = int(code, 16)
        rest.append(_FA_RULE.sub("", text))
    names = set()
    for page in outdir.rglob("*.html"):
        names.update(_FA_NAME.findall(page.read_text(encoding="utf-8")))
    for js in (static / "scripts").glob("*.js"):
        if js.name != "fontawesome.js":
            names.update(_FA_NAME.findall(js.read_text(encoding="utf-8", errors="replace")))
    codes = {table[n] for n in names if n in table}
    codes |= {int(c, 16) for text in rest for c in _CSS_ESCAPE.findall(text)}
    codes |= {ord(c) for text in rest for c in _PRIVATE_USE.findall(text)}  # icons written as characters
    stamp = static / "fa-subset" / ".codes"
    key = ",".join(f"{c:x}" for c in sorted(codes))
    if stamp.is_file() and stamp.read_text() == key and css_out.is_file():
        return
    try:
        from fontTools import subset
    except ImportError:
        css_out.write_text("/* fontTools is not installed: the theme's own Font Awesome fonts serve */\n")
        return
    (static / "fa-subset").mkdir(exist_ok=True)
    rules = []
    for stem, (family, weight) in _FA_FONTS.items():
        src = webfonts / f"{stem}.ttf"
        if not src.is_file():
            continue
        options = subset.Options()
        options.flavor = "woff"  # zlib; woff2 would need brotli
        options.layout_features = ["*"]
        font = subset.load_font(str(src), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codes)
        subsetter.subset(font)
        subset.save_font(font, str(static / "fa-subset" / f"{stem}.woff"), options)
        rules.append(f'@font-face{{font-display:block;font-family:"{family}";font-style:normal;'
                     f'font-weight:{weight};src:url(fa-subset/{stem}.woff) format("woff")}}')
    css_out.write_text("/* Font Awesome Free (SIL OFL 1.1), cut down to the icons this site uses */\n"
                       + "\n".join(rules) + "\n")
    stamp.write_text(key)


def _stable_notebooks(app, exception):
    """Make the executed notebooks offered for download (``_sources/*.ipynb``) the same in every build.

    jupytext gives each cell a random id when it reads a MyST page, and nbclient stamps each cell with the time
    it ran; neither means anything to a reader. Cells get ids from their position and lose the time stamps.

    With ``nb_merge_streams``, each cell's stream outputs are merged as the page shows them (``merge_streams``),
    so how the kernel happened to split its messages does not show.
    """
    if exception is not None or app.builder.format != "html":
        return
    import json

    from merge_streams import merge_streams

    merge = bool(getattr(app.config, "nb_merge_streams", False))
    for path in (Path(app.outdir) / "_sources").rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            if "id" in cell:
                cell["id"] = f"cell-{i}"
            cell.get("metadata", {}).pop("execution", None)
            if merge and cell.get("outputs"):
                cell["outputs"] = merge_streams(cell["outputs"])
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def setup(app):
    app.connect("config-inited", _nitpick_tuples)
    app.connect("config-inited", _static_path)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _describe)
    app.connect("build-finished", _fix_html)
    app.connect("build-finished", _stable_notebooks)
    app.add_css_file("fa-subset.css", priority=900)
    app.add_css_file("lighter.css", priority=900)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
