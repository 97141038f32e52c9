"""The link to the PDF of the book on every page of the site.

``make pdf`` prints the built pages, one after the other, with the Chromium the browser tests use
(``scripts/print_pdf.py``) into ``_build/pdf/optimizers.pdf``, and copies it into the site as ``optimizers.pdf``.
The theme's download menu of every page gets "Book (PDF)", a link to it, when the PDF can be made on this machine
(a Chromium is found, as ``scripts/print_pdf.py`` looks for it; ``print_book_link`` in the Sphinx configuration
overrides this); without one the link is left out rather than left dangling, and ``make book`` says so.
"""

from __future__ import annotations

import os
import shutil

PDF_NAME = "optimizers.pdf"


def chromium() -> str | None:
    """The Chromium executable the PDF is printed with: ``$CHROMIUM``, else ``chromium`` on the PATH."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if os.path.exists(env) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _pdf_button(app, pagename, templatename, context, doctree):
    if app.builder.name != "html" or not app.config.print_book_link:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].append({
                "type": "link",
                "url": context["pathto"](PDF_NAME, 1),
                "text": "Book (PDF)",
                "tooltip": "Download the whole book as one PDF",
                "icon": "fas fa-file-pdf",
                "label": "download-book-pdf-button",
            })


def _config(app, config):
    if config.print_book_link is None:
        config.print_book_link = chromium() is not None


def setup(app):
    app.add_config_value("print_book_link", None, "html")
    app.connect("config-inited", _config)
    app.connect("html-page-context", _pdf_button, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
