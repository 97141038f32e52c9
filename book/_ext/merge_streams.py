"""Merge a cell's stream outputs correctly: the text a cell printed, once, whatever way the kernel split it.

A kernel sends what a cell prints in as many messages as its output buffer happened to flush, so the same cell
gives one stream output in one build and several in the next. ``nb_merge_streams`` is meant to hide that, but
myst-nb's ``coalesce_streams`` (myst-nb 1.4) strips the trailing white space of every piece and adds a newline, so
a line split between two messages (``print(a, b)`` writes ``a``, ``" "``, ``b`` and ``"\\n"`` separately) is shown
broken in two; and it appends the pieces to the first output in place, so the notebook written for download keeps
the later pieces as well and shows them twice. This extension puts in a merge that concatenates the pieces of each
stream exactly, on copies, and the reproducible-notebook step (``page_fixes``) applies the same merge to the
notebooks offered for download. No maintained extension does this; the fix belongs upstream in myst-nb.
"""

from __future__ import annotations

import re

_BACKSPACE = re.compile("[^\n]\x08")  # a character and the backspace after it (not r"\b", a word boundary)
_CARRIAGE_RETURN = re.compile(r"^.*\r(?!\n)", re.M)


def merge_streams(outputs: list) -> list:
    """One output per stream name, at the place of its first piece, with the pieces' text joined exactly.

    Carriage returns and backspaces are applied as a terminal would (a progress bar shows its last state), and
    stdout comes before stderr where the two are next to each other. ``outputs`` is not modified.
    """
    merged: list = []
    streams: dict = {}
    for output in outputs:
        if output.get("output_type") != "stream":
            merged.append(output)
            continue
        text = output.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
        name = output.get("name")
        if name in streams:
            streams[name]["text"] += text
        else:
            streams[name] = type(output)(output)  # a copy, of the same type (NotebookNode or dict)
            streams[name]["text"] = text
            merged.append(streams[name])
    for out in streams.values():
        text = out["text"]
        while True:
            shorter = _BACKSPACE.sub("", text)
            if shorter == text:
                break
            text = shorter
        out["text"] = _CARRIAGE_RETURN.sub("", text)
    for i in range(len(merged) - 1):
        a, b = merged[i], merged[i + 1]
        if (a.get("output_type"), a.get("name"), b.get("output_type"), b.get("name")) == \
                ("stream", "stderr", "stream", "stdout"):
            merged[i], merged[i + 1] = b, a
    return merged


def _install(app, config):
    if not config.nb_merge_streams:
        return
    from myst_nb.core import render

    render.coalesce_streams = merge_streams


def setup(app):
    app.connect("config-inited", _install)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
