"""Which edition a built site is: its version in every page's footer, and the instructor's build without solutions.

* The version comes from one place, ``pyproject.toml`` (``[project] version``): it becomes Sphinx's ``version`` and
  ``release`` and is shown in the footer of every page, with links to the changelog, the errata page and the
  citation file. No build date is shown, so two builds of the same sources stay byte-identical.
* ``BOOK_EDITION=instructor`` in the environment (``make book-instructor``) builds the same book without the
  solutions to the exercises, for handing out to a class: every ``solution`` and every ``solution-start`` /
  ``solution-end`` pair is removed with its contents (the executed code cells between a gated pair included), the
  downloadable sources and notebooks (which hold the solutions) are not copied, and the launch buttons are off.
  sphinx-exercise's own ``hide_solutions`` is not used: it drops a ``solution-start`` but keeps the cells after it
  and the ``solution-end`` node, so the executed solutions would stay on the page. The instructor build reads the
  execution cache of ``make book`` (``_build/.jupyter_cache``, or the folder ``BOOK_CACHE`` names), so it
  re-executes nothing that build has run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
ERRATA = "book/errata"


def package_version(pyproject: Path = PYPROJECT) -> str:
    """The ``[project] version`` of ``pyproject.toml``."""
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib
    except ImportError:  # Python 3.10: the one line this file has
        project = text.split("[project]", 1)[1].split("\n[", 1)[0]
        return re.search(r'^version\s*=\s*"([^"]+)"', project, re.M).group(1)
    return tomllib.loads(text)["project"]["version"]


def instructor() -> bool:
    return os.environ.get("BOOK_EDITION", "").strip().lower() == "instructor"


class RemoveSolutions(SphinxTransform):
    """Remove every solution (gated pairs are merged into one solution node by sphinx-exercise at priority 10)."""

    default_priority = 20

    def apply(self):
        if not self.config.edition_instructor:
            return
        from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

        for cls in (solution_node, solution_start_node, solution_end_node):
            for node in list(self.document.findall(cls)):
                node.parent.remove(node)


def _configure(app, config):
    version = package_version()
    config.version = config.release = version
    config.edition_instructor = instructor()
    if not config.edition_instructor:
        return
    config.html_title = f"{config.html_title or config.project} (without solutions)"
    config.html_copy_source = False
    options = dict(config.html_theme_options or {})
    options["use_download_button"] = False
    options["launch_buttons"] = {}
    config.html_theme_options = options
    # package_cache (priority 900) names the hash folder under this base: make book's cache (or BOOK_CACHE's)
    if not config.nb_execution_cache_path:
        config.nb_execution_cache_path = os.environ.get("BOOK_CACHE") or str(ROOT / "_build" / ".jupyter_cache")


def _footer(app, pagename, templatename, context, doctree):
    repo = (app.config.html_theme_options or {}).get("repository_url", "").rstrip("/")
    branch = (app.config.html_theme_options or {}).get("repository_branch", "main")
    pathto = context.get("pathto")
    errata = pathto(ERRATA) if pathto else f"{ERRATA}.html"
    edition = " (without solutions)" if app.config.edition_instructor else ""
    parts = [f"Optimizers, version {app.config.release}{edition}.",
             f'<a href="{errata}">Errata</a>']
    if repo:
        parts += [f'<a href="{repo}/blob/{branch}/{CHANGELOG}">Changelog</a>',
                  f'<a href="{repo}/blob/{branch}/{CITATION}">How to cite</a>']
    context["theme_extra_footer"] = (
        '<p class="book-edition">' + parts[0] + " " + " · ".join(parts[1:]) + "</p>")


def setup(app):
    app.add_config_value("edition_instructor", False, "env")
    app.connect("config-inited", _configure, priority=800)
    app.connect("html-page-context", _footer)
    app.add_transform(RemoveSolutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
