"""Colour-contrast fixes to the theme, as a stylesheet of our own (see static/contrast.css)."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


def _static_path(app, config):
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", _static_path)
    app.add_css_file("contrast.css", priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
