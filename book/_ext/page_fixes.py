"""Small fixes to what the theme stack puts on every page.

* sphinx-thebe's inline configuration script is added twice by Jupyter Book 1, which makes the browser report
  ``Identifier 'THEBE_JS_URL' has already been declared`` on every page: keep one copy of each script.
* Every page gets a ``<meta name="description">`` made from its first paragraph.
* Accessibility fixes to the HTML the theme and docutils write, found by axe-core (see tests/browser):
  the primary sidebar's logo/title block sits outside any landmark, so the sidebar becomes a labelled
  ``complementary`` landmark; docutils marks bibliography entries with the deprecated ``doc-biblioentry`` role
  inside a ``role="list"``, so they become ``listitem``.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes

_REPLACEMENTS = [
    ('<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">',
     '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="complementary"'
     ' aria-label="Book navigation">'),
    ('role="doc-biblioentry"', 'role="listitem"'),
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


def _fix_html(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = text
        for old, new in _REPLACEMENTS:
            fixed = fixed.replace(old, new)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _nitpick_tuples)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _describe)
    app.connect("build-finished", _fix_html)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
