"""Serve MathJax from the site itself, so formulas render with no network and no third-party request.

MathJax 3 comes from the ``django-static-mathjax`` wheel on PyPI (static files only, no dependencies; Django is
not needed). At build time the parts a page can load are copied into ``_static/mathjax`` and Sphinx's
``mathjax_path`` points there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

# What a page can load: the TeX-to-CommonHTML bundle, its fonts, TeX extensions that load on demand, and the
# accessibility pieces (speech and the menu's explorer) that load when a reader asks for them.
_PARTS = ["tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "a11y", "sre", "ui"]


def _source() -> Path:
    import mathjax  # provided by django-static-mathjax

    return Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"


def _config(app, config):
    config.mathjax_path = "mathjax/tex-chtml.js"


def _copy(app):
    if app.builder.format != "html":
        return
    src, dest = _source(), Path(app.outdir) / "_static" / "mathjax"
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


def setup(app):
    app.connect("config-inited", _config, priority=900)
    app.connect("builder-inited", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
