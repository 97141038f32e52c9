"""The notebook a reader downloads: plain Jupyter, made for reading and running, not for building the book.

Every page's executed notebook is offered for download (``_sources/<page>.ipynb``) and is what Colab opens (from
the ``notebooks`` branch the workflow publishes; Binder opens the MyST page). As myst-nb writes it, it is the
page's source: hidden bookkeeping cells (``glue``), MyST roles and directives that no notebook renders, glue keys
where the page shows numbers, and no way to get the package on a machine without a clone. This extension rewrites
each of those notebooks, after the build, into the reader's notebook:

- cells tagged ``remove-cell`` are dropped (the page does not show them; the rest need nothing from them);
- glued values are filled in as the page shows them (``{glue:text}`key:.3f``` → ``0.123``);
- MyST becomes plain Markdown with the site's numbers: ``{eq}`` → "(7.1)", ``{numref}`` → "Fig. 7.2",
  ``{cite}`` → "(Duchi et al. 2011)", ``{doc}``/``{ref}`` → links to the site, ``{math}`` blocks → ``$$ ... \\tag{7.1} $$``,
  exercises, solutions, algorithm boxes and admonitions → quoted blocks with their numbered titles, targets and
  comments removed;
- a first Markdown cell says which page of the site this is, and a first code cell installs the package where it
  is missing (Colab has no clone), from the repository the site names (the theme's ``repository_url``, which
  ``site_home.py`` sets from the environment).

The block structure comes from markdown-it-py with the mdit-py-plugins MyST plugins, the parser MyST-Parser itself
is built on (so a directive inside a four-backtick fence, or a fence inside a directive, is found as the book's
build finds it); roles are a fixed inline syntax and are replaced by a regular expression outside code spans.
Numbers come from the Sphinx environment (``toc_fignumbers``, the title of each document, the bibliography), never
from counting again. The output is deterministic: two builds give the same bytes.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

_ROLE = re.compile(r"\{(?P<name>[a-zA-Z][\w:+-]*)\}`(?P<body>[^`]+)`")
# a role, or else a code span (left alone): at each position the role is tried first
_ROLE_OR_CODE = re.compile(r"\{(?P<name>[a-zA-Z][\w:+-]*)\}`(?P<body>[^`]+)`|(?P<ticks>`+)(?:.+?)(?P=ticks)", re.S)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")

ADMONITIONS = {"note", "warning", "tip", "important", "hint", "caution", "attention", "danger", "error",
               "seealso", "admonition"}
PROOF_KINDS = {"algorithm", "theorem", "lemma", "definition", "remark", "conjecture", "corollary", "criterion",
               "example", "property", "observation", "proposition", "assumption", "axiom", "notation"}


@dataclass
class Context:
    """What the conversion of one page needs to know about the built site."""

    docname: str
    glue: dict = field(default_factory=dict)          # key -> output dict (data: mime -> value)
    fignumbers: dict = field(default_factory=dict)    # docname -> {figtype: {id: (7, 1)}}
    titles: dict = field(default_factory=dict)        # docname -> title text
    labels: dict = field(default_factory=dict)        # label -> (docname, id, section title)
    citations: dict = field(default_factory=dict)     # bibtex key -> (authors text, year)
    numfig_format: dict = field(default_factory=dict)
    baseurl: str = ""
    references_doc: str = "book/references"
    substitutions: dict = field(default_factory=dict)  # MyST substitutions ({{ key }}), as the pages see them
    problems: list = field(default_factory=list)

    # --- lookups ---
    def url(self, docname: str, anchor: str = "") -> str:
        return f"{self.baseurl}{docname}.html" + (f"#{anchor}" if anchor else "")

    def number(self, ident: str) -> tuple[str, str, str] | None:
        """(docname, figtype, "7.1") of a numbered object with this id, looked up in this page first."""
        order = [self.docname] + sorted(d for d in self.fignumbers if d != self.docname)
        for doc in order:
            for figtype, ids in self.fignumbers.get(doc, {}).items():
                if ident in ids:
                    return doc, figtype, ".".join(map(str, ids[ident]))
        return None

    def link(self, text: str, docname: str, anchor: str = "") -> str:
        if docname == self.docname:
            return text
        return f"[{text}]({self.url(docname, anchor)})"

    def problem(self, message: str) -> str:
        self.problems.append(message)
        return ""

    # --- roles ---
    def glue_text(self, body: str, default_fmt: str) -> str:
        key, fmt = (body.rsplit(":", 1) + [None])[:2] if ":" in body else (body, None)
        if key not in self.glue:
            return self.problem(f"no glued value {key!r}")
        data = self.glue[key].get("data", {})
        if "text/plain" not in data:
            return self.problem(f"glued value {key!r} has no text/plain")
        from myst_nb.core.variables import format_plain_text

        text = data["text/plain"]
        text = "".join(text) if isinstance(text, list) else text
        return format_plain_text(text, fmt if fmt is not None else default_fmt)

    def glue_markdown(self, key: str) -> str:
        key = key.strip()
        if key not in self.glue:
            return self.problem(f"no glued value {key!r}")
        data = self.glue[key].get("data", {})
        for mime in ("text/markdown", "text/plain"):
            if mime in data:
                value = data[mime]
                return "".join(value) if isinstance(value, list) else value
        return self.problem(f"glued value {key!r} has no Markdown")

    def eq(self, label: str) -> str:
        found = self.number(f"equation-{label}")
        if not found:
            return self.problem(f"no equation {label!r}")
        doc, _, num = found
        return self.link(f"({num})", doc, f"equation-{label}")

    def numref(self, body: str, prf: bool = False) -> str:
        """``{numref}`` ("Fig. 7.2", in the site's numfig_format) or, with ``prf``, ``{prf:ref}`` ("Algorithm 7.1")."""
        m = _EXPLICIT.match(body)
        text, label = (m["text"], m["target"]) if m else (None, body)
        found = self.number(label)
        if not found:
            return self.problem(f"no numbered object {label!r}")
        doc, figtype, num = found
        if prf:
            shown = text or f"{figtype.capitalize()} {num}"
        else:
            fmt = text if text else self.numfig_format.get(figtype, "%s")
            shown = fmt.replace("%s", num).replace("{number}", num)
        return self.link(shown[:1].upper() + shown[1:], doc, label)

    def doc(self, body: str) -> str:
        m = _EXPLICIT.match(body)
        text, target = (m["text"], m["target"]) if m else (None, body)
        if target.startswith("/"):
            docname = target.lstrip("/")
        else:
            docname = posixpath.normpath(posixpath.join(posixpath.dirname(self.docname), target))
        if docname not in self.titles:
            return self.problem(f"no document {target!r}")
        return f"[{text or self.titles[docname]}]({self.url(docname)})"

    def ref(self, body: str) -> str:
        m = _EXPLICIT.match(body)
        text, label = (m["text"], m["target"]) if m else (None, body)
        if label not in self.labels:
            return self.problem(f"no label {label!r}")
        docname, anchor, title = self.labels[label]
        return f"[{text or title}]({self.url(docname, anchor)})"

    def cite(self, body: str, textual: bool) -> str:
        keys = [k.strip() for k in body.split(",") if k.strip()]
        parts = []
        for key in keys:
            if key not in self.citations:
                return self.problem(f"no bibliography entry {key!r}")
            authors, year = self.citations[key]
            parts.append(f"{authors} ({year})" if textual else f"{authors} {year}")
        refs = self.url(self.references_doc)
        if textual:
            return f"[{' and '.join(parts)}]({refs})"
        return f"([{'; '.join(parts)}]({refs}))"

    def role(self, name: str, body: str) -> str:
        if name in ("glue:text", "glue:", "glue:any", "glue"):
            return self.glue_text(body, "" if name != "glue:text" else "s")
        if name == "glue:md":
            return self.glue_markdown(body.rsplit(":", 1)[0] if ":" in body else body)
        if name == "eq":
            return self.eq(body)
        if name == "numref":
            return self.numref(body)
        if name == "doc":
            return self.doc(body)
        if name in ("ref", "std:ref"):
            return self.ref(body)
        if name == "prf:ref":
            return self.numref(body, prf=True)
        if name in ("cite", "cite:p", "cite:ps"):
            return self.cite(body, textual=False)
        if name in ("cite:t", "cite:ts"):
            return self.cite(body, textual=True)
        if name in ("math",):
            return f"${body}$"
        # Python objects and anything else: the name as code
        m = _EXPLICIT.match(body)
        target = m["target"] if m else body
        return f"`{target.lstrip('~').split('.')[-1] if target.startswith('~') else target}`"


_SUBSTITUTION = re.compile(r"\{\{\s*(?P<key>[\w.-]+)\s*\}\}")


def _roles(text: str, ctx: Context) -> str:
    """Replace MyST roles and substitutions; code spans are left as they are."""
    def one(m):
        if m["name"] is None:
            return m.group(0)
        return ctx.role(m["name"], m["body"])

    def substitute(m):
        key = m["key"]
        if key not in ctx.substitutions:
            return ctx.problem(f"no substitution {key!r}")
        return str(ctx.substitutions[key])

    return _ROLE_OR_CODE.sub(one, _SUBSTITUTION.sub(substitute, text))


def _split_options(content: str) -> tuple[dict, str]:
    """A directive's options (``:key: value`` lines or a YAML block first) and its body."""
    lines = content.split("\n")
    options: dict = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            import yaml

            options = yaml.safe_load("\n".join(lines[1:end])) or {}
            lines = lines[end + 1:]
    else:
        while lines and (m := _OPTION.match(lines[0])):
            options[m["key"]] = m["value"]
            lines = lines[1:]
    return options, "\n".join(lines).strip("\n")


def _quote(text: str) -> str:
    return "\n".join(("> " + line) if line.strip() else ">" for line in text.split("\n"))


def _directive(name: str, arg: str, content: str, ctx: Context) -> str:
    options, body = _split_options(content)
    if name == "math":
        label = options.get("label")
        tag = ""
        if label:
            found = ctx.number(f"equation-{label}")
            tag = f" \\tag{{{found[2]}}}" if found else ctx.problem(f"no equation {label!r}")
        return f"$$\n{body}{tag}\n$$"
    if name in ("exercise", "solution", "solution-start"):
        if name == "exercise":
            found = ctx.number(options.get("label", ""))
            num = found[2] if found else ctx.problem(f"no exercise {options.get('label')!r}")
            head = f"**Exercise {num}" + (f" ({_roles(arg, ctx)})" if arg else "") + "**"
        else:
            found = ctx.number(arg.strip())
            num = found[2] if found else ctx.problem(f"no exercise {arg!r}")
            head = f"**Solution to Exercise {num}**"
        if name == "solution-start":
            return head
        return _quote(head + ("\n\n" + convert_markdown(body, ctx) if body else ""))
    if name == "solution-end":
        return ""
    if name.startswith("prf:"):
        kind = name[4:]
        if kind == "proof":
            return _quote("*Proof.* " + convert_markdown(body, ctx))
        found = ctx.number(options.get("label", "")) if options.get("label") else None
        head = f"**{kind.capitalize()}" + (f" {found[2]}" if found else "") + \
            (f" ({_roles(arg, ctx)})" if arg else "") + "**"
        return _quote(head + "\n\n" + convert_markdown(body, ctx))
    if name in ADMONITIONS:
        title = _roles(arg, ctx) if (name == "admonition" and arg) else name.capitalize()
        return _quote(f"**{title}.** " + convert_markdown(body, ctx))
    if name == "glue:md":
        return ctx.glue_markdown(arg)
    if name in ("glue:figure", "glue:", "glue", "glue:any"):
        return ctx.problem(f"glued figure {arg!r} cannot be shown in a notebook")
    if name in ("code-block", "code", "sourcecode"):
        return f"```{arg or 'python'}\n{body}\n```"
    if name == "figure" or name == "image":
        return f"![{options.get('alt', '')}]({arg})"
    # containers and the rest: their content
    return convert_markdown(body, ctx)


def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.myst_blocks import myst_block_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    return (MarkdownIt("commonmark").use(myst_block_plugin).use(myst_role_plugin)
            .use(dollarmath_plugin, double_inline=True).use(colon_fence_plugin).enable("table"))


_MD = None


def convert_markdown(text: str, ctx: Context) -> str:
    """One Markdown cell (or a directive's body) of a MyST page as plain Markdown."""
    global _MD
    if _MD is None:
        _MD = _parser()
    lines = text.split("\n")
    replace: list[tuple[int, int, str]] = []   # top-level blocks: (first line, end line, new text)
    keep_verbatim: list[tuple[int, int]] = []  # code fences and math blocks: no role replacement
    for tok in _MD.parse(text):
        if tok.level != 0 or tok.map is None:
            continue
        start, end = tok.map
        if tok.type in ("fence", "colon_fence"):
            info = tok.info.strip()
            m = re.match(r"^\{(?P<name>[^}]+)\}\s*(?P<arg>.*)$", info)
            if m:
                replace.append((start, end, _directive(m["name"].strip(), m["arg"].strip(), tok.content, ctx)))
            else:
                keep_verbatim.append((start, end))
        elif tok.type in ("myst_target", "myst_line_comment", "myst_block_break"):
            replace.append((start, end, ""))
        elif tok.type in ("math_block", "math_block_label", "code_block"):
            keep_verbatim.append((start, end))
    out: list[str] = []
    i = 0
    blocks = sorted(replace + [(s, e, None) for s, e in keep_verbatim])
    for start, end, new in blocks:
        if start < i:
            continue
        out.append(_roles("\n".join(lines[i:start]), ctx) if start > i else None)
        out.append("\n".join(lines[start:end]) if new is None else new)
        i = end
    if i < len(lines):
        out.append(_roles("\n".join(lines[i:]), ctx))
    result = "\n".join(part for part in out if part is not None)
    return re.sub(r"\n{3,}", "\n\n", result).strip("\n")


def _split_measured(text: str) -> list[tuple[str, bool]]:
    """The cell's text in pieces, each ``{container} measured`` block a piece of its own marked True.

    Such a block quotes timings of the build machine; in the reader's notebook it becomes a Markdown cell tagged
    ``measured``, so that the reproducibility check leaves it out as it leaves out the block on the page.
    """
    global _MD
    if _MD is None:
        _MD = _parser()
    lines = text.split("\n")
    pieces, i = [], 0
    for tok in _MD.parse(text):
        if tok.level == 0 and tok.map and tok.type in ("fence", "colon_fence") \
                and re.match(r"^\{container\}\s+measured\s*$", tok.info.strip()):
            start, end = tok.map
            pieces.append(("\n".join(lines[i:start]), False))
            pieces.append(("\n".join(lines[start:end]), True))
            i = end
    pieces.append(("\n".join(lines[i:]), False))
    return [(t, m) for t, m in pieces if t.strip()]


def _install_cell(repository: str) -> dict:
    source = ("# Run this cell first: it installs the package where it is missing (on Colab, or in a fresh\n"
              "# environment). The distribution is optimizers-book; `pip install optimizers` is another project.\n"
              "try:\n"
              "    import optimizers\n"
              "except ModuleNotFoundError:\n"
              f'    %pip install --quiet "optimizers-book[plot,data] @ git+{repository}"')
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


def reader_notebook(nb: dict, ctx: Context, title: str, repository: str) -> dict:
    """The reader's notebook for one executed page notebook (a new dict; ``nb`` is not modified)."""
    cells = []
    intro = (f"# {title}\n\nThis notebook is the page [{title}]({ctx.url(ctx.docname)}) of *Optimizers*, an open "
             "textbook on the optimization algorithms of machine learning. Run the cells in order; the first one "
             "installs the book's package, `optimizers`, if it is missing.")
    cells.append({"cell_type": "markdown", "metadata": {}, "source": intro})
    cells.append(_install_cell(repository))
    for cell in nb.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"remove-cell", "remove_cell"}:
            continue
        cell = json.loads(json.dumps(cell))
        if cell.get("outputs"):  # glued values are bookkeeping, not outputs a reader sees
            cell["outputs"] = [o for o in cell["outputs"] if "scrapbook" not in o.get("metadata", {})]
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for part, measured in _split_measured(src):
                text = convert_markdown(part, ctx)
                if text.strip():
                    tags = {"tags": ["measured"]} if measured else {}
                    cells.append({**cell, "metadata": {**cell.get("metadata", {}), **tags}, "source": text})
            continue
        cells.append(cell)
    meta = {k: v for k, v in nb.get("metadata", {}).items() if k in ("kernelspec", "language_info")}
    meta["optimizers_reader_notebook"] = True
    return {"cells": cells, "metadata": meta, "nbformat": nb.get("nbformat", 4),
            "nbformat_minor": nb.get("nbformat_minor", 5)}


def _citations(env) -> dict:
    out = {}
    data = env.domaindata.get("cite", {})
    for citation in data.get("citations", []):
        entry = citation.entry
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [re.sub(r"[{}]", "", " ".join(p.last_names)) for p in persons]
        if not names:
            authors = re.sub(r"[{}]", "", entry.fields.get("organization", entry.fields.get("title", "?")))
        elif len(names) == 1:
            authors = names[0]
        elif len(names) == 2:
            authors = f"{names[0]} and {names[1]}"
        else:
            authors = f"{names[0]} et al."
        out[citation.key] = (authors, entry.fields.get("year", "n.d."))
    return out


def _with_cached_outputs(app, nb: dict) -> dict:
    """The notebook with its outputs, also when myst-nb took them from the execution cache.

    myst-nb writes ``jupyter_execute/<page>.ipynb`` from the notebook it read, but on a cache hit the outputs
    are merged into a copy (``merge_match_into_notebook``), so the file it writes has none, and neither has the
    copy the theme offers for download. The same merge, done here, gives them back.
    """
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    if not cells or any(c.get("outputs") for c in cells) or app.config.nb_execution_mode != "cache":
        return nb
    import nbformat
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(app.config.nb_execution_cache_path).merge_match_into_notebook(
            nbformat.from_dict(nb))
    except KeyError:                       # not in the cache: the page was not executed
        return nb
    return json.loads(nbformat.writes(merged))


def _write_reader_notebooks(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    env = app.env
    sources = Path(app.outdir) / "_sources"
    glue_dir = Path(app.outdir).parent / "jupyter_execute"
    labels = {label: (doc, anchor, str(title)) for label, (doc, anchor, title)
              in env.domaindata.get("std", {}).get("labels", {}).items()}
    common = dict(fignumbers=env.toc_fignumbers, titles={d: t.astext() for d, t in env.titles.items()},
                  labels=labels, citations=_citations(env), numfig_format=dict(app.config.numfig_format),
                  baseurl=app.config.html_baseurl or "",
                  substitutions=dict(getattr(app.config, "myst_substitutions", None) or {}))
    repository = (app.config.html_theme_options or {}).get("repository_url", "")
    for docname in sorted(env.found_docs):
        path = sources / f"{docname}.ipynb"
        if not path.exists():
            continue
        # from the executed notebook itself (the theme copies it to _sources only when it writes the page, so
        # the copy there may already be a reader's notebook from an earlier build)
        executed = glue_dir / f"{docname}.ipynb"
        glue_file = glue_dir / f"{docname}.glue.json"
        glue = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.exists() else {}
        ctx = Context(docname=docname, glue=glue, **common)
        nb = json.loads((executed if executed.exists() else path).read_text(encoding="utf-8"))
        if nb.get("metadata", {}).get("optimizers_reader_notebook"):
            continue
        nb = _with_cached_outputs(app, nb)
        try:
            out = reader_notebook(nb, ctx, common["titles"].get(docname, docname), repository)
        except Exception as err:  # noqa: BLE001 - report it where the page is, and keep the build going
            logger.warning(f"reader notebook not written: {type(err).__name__}: {err}", location=docname,
                           type="reader_notebook")
            continue
        for problem in sorted(set(ctx.problems)):
            logger.warning(f"reader notebook: {problem}", location=docname, type="reader_notebook")
        path.write_text(json.dumps(out, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def setup(app):
    # before page_fixes' _stable_notebooks (priority 500), which numbers the cells that remain
    app.connect("build-finished", _write_reader_notebooks, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
