"""Print the book, as the site shows it, to one PDF with Chromium (the browser the tests drive with Playwright).

    python scripts/print_pdf.py _build/html _build/pdf/optimizers.pdf

``make pdf`` runs it on the built site. The pages already have everything the PDF needs: formulas typeset at build
time (``book/_ext/offline_math.py``), the SVG figures, and the site's chapter, figure, algorithm, exercise and
equation numbers. This script

* puts the pages of ``_toc.yml`` one after the other in a single HTML file, ``_build/pdf/optimizers.html``: each
  page's article, its ids prefixed with the page's name (pages reuse ids such as ``summary``, ``exercises`` and
  ``id2``), its links to the other pages turned into links inside the file (which Chromium writes as links inside
  the PDF), other relative links into the site's address (``html.baseurl``), the formula stylesheets of all pages,
  and no scripts (nothing needs them once the formulas are typeset; the solutions are printed open). Sphinx's own
  ``singlehtml`` builder was tried first: it breaks on this book (it needs every extension's node handlers
  registered for it, writes the asset paths of a root page in ``book/`` one folder off, and repeats those ids
  across chapters, so "Summary" and citation links go to the first chapter's);
* adds a title page, a table of contents with page numbers (two passes: the page each heading lands on is read from
  the first print's named destinations), a title page for each part of ``_toc.yml``, and a print stylesheet: no
  navigation or buttons, each chapter on a new page, code wrapped at the page edge in a smaller font;
* prints A4 with page numbers, PDF bookmarks (the outline) and tags, and writes a PDF without the time of the build
  in it: its two dates are ``SOURCE_DATE_EPOCH`` (the Makefile's 2026-01-01), and the
  rest of the file depends only on the pages, so the same pages give the same bytes (Chromium writes no file
  identifier).

Exits 0 with a message and no PDF when there is no Chromium (``$CHROMIUM``, or ``chromium`` on the PATH) or no
Playwright; 1 instead when ``BOOK_REQUIRED`` is set.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from print_book import chromium  # noqa: E402

TITLE = "Optimizers"
SUBTITLE = "The gradient-based optimization algorithms of machine learning, with the NumPy code that runs them"

# Print stylesheet: the article alone, one chapter per page, code that fits the page.
CSS = r"""
@page { size: A4; margin: 16mm 15mm 16mm 15mm; }
html, body { background: #fff !important; }
#jb-print-docs-body, .headerlink, button.copybtn, .toggle-button, .prev-next-footer { display: none !important; }
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
.bd-main, .bd-content, .bd-article-container, article.bd-article {
  max-width: none !important; width: auto !important; padding: 0 !important; margin: 0 !important;
  display: block !important; overflow: visible !important; }
body { font-size: 10pt; line-height: 1.45; }
/* code: wrapped at the edge of the page, never cut off */
pre, div.highlight pre, .cell_output pre, .output pre {
  white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: normal;
  font-size: 7.6pt !important; line-height: 1.3 !important; overflow: visible !important; max-height: none !important; }
div.cell_output, .pst-scrollable-table-container, .table-wrapper { max-height: none !important; overflow: visible !important; }
div.cell, div.admonition, figure, table, mjx-container[display="true"] { break-inside: avoid-page; }
h1, h2, h3, h4, .admonition-title, figcaption { break-after: avoid-page; }
p, li { orphans: 3; widows: 3; }
figure img { max-width: 100% !important; height: auto !important; max-height: 150mm; }
mjx-container[display="true"] { overflow: visible !important; }
a { color: #0b4f8a !important; text-decoration: none !important; }
.print-chapter { break-before: page; }
.print-chapter h1 { font-size: 20pt; margin: 0 0 8mm; }
.print-chapter h2 { font-size: 15pt; margin-top: 7mm; }
.print-chapter h3 { font-size: 12pt; }
.print-title { height: 235mm; display: flex; flex-direction: column; justify-content: center; text-align: center; }
.print-title .t { font-size: 40pt; font-weight: 600; margin: 0 0 6mm; }
.print-title p { font-size: 13pt; margin: 2mm 0; }
.print-part { break-before: page; height: 200mm; display: flex; flex-direction: column; justify-content: center;
  text-align: center; font-size: 28pt; font-weight: 600; }
.print-toc { break-before: page; font-size: 10.5pt; }
.print-toc .t { font-size: 20pt; font-weight: 600; margin-bottom: 6mm; }
.print-toc ol { list-style: none; padding: 0; margin: 0; }
.print-toc li { display: flex; align-items: baseline; margin: 0.5mm 0; }
.print-toc li.part { font-weight: 700; margin-top: 4mm; }
.print-toc li.chapter { font-weight: 600; margin-top: 1.5mm; }
.print-toc li.section { padding-left: 8mm; font-size: 9.5pt; }
.print-toc li a { color: inherit !important; }
.print-toc li .fill { flex: 1; border-bottom: 1px dotted #999; margin: 0 2mm; }
.print-toc li .pg { min-width: 8mm; text-align: right; font-variant-numeric: tabular-nums; }
"""

# The table of contents, from the chapters' own headings (the site's numbers included).
TOC_JS = r"""
() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  document.querySelectorAll('[loading="lazy"]').forEach(i => i.loading = 'eager');
  const esc = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const text = h => { const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(x => x.remove());
    return c.textContent.replace(/\s+/g, ' ').trim(); };
  const list = document.querySelector('.print-toc ol');
  const entry = (cls, label, id) => {
    const li = document.createElement('li'); li.className = cls;
    li.innerHTML = `<a href="#${id}">${esc(label)}</a><span class="fill"></span><span class="pg" data-target="${id}"></span>`;
    list.appendChild(li);
  };
  for (const block of document.querySelectorAll('.print-part, .print-chapter')) {
    if (block.classList.contains('print-part')) { entry('part', block.textContent.trim(), block.id); continue; }
    const top = block.querySelector('section');
    entry('chapter', text(block.querySelector('h1')), block.id);
    for (const sub of top.querySelectorAll(':scope > section')) {
      const h = sub.querySelector(':scope > h2');
      if (h) entry('section', text(h), sub.id);
    }
  }
  return list.children.length;
}
"""


def _toc() -> tuple[list[tuple[str, str]], str]:
    """The pages in reading order, each with the caption of the part it opens (or ""), and the site's address."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [(toc["root"], "")]
    for part in toc["parts"]:
        for i, chapter in enumerate(part["chapters"]):
            pages.append((chapter["file"], part.get("caption", "") if i == 0 else ""))
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return pages, (config.get("html", {}) or {}).get("baseurl", "") or ""


def _slug(doc: str) -> str:
    return doc.replace("/", "-")


def assemble(html: Path, out: Path) -> Path:
    """One HTML file with every page of the book, its links and ids made unique and internal (see the docstring)."""
    from urllib.parse import unquote, urlsplit

    from bs4 import BeautifulSoup

    pages, baseurl = _toc()
    docs = {doc for doc, _ in pages}
    out.parent.mkdir(parents=True, exist_ok=True)
    body, css_rules, head = [], {}, None
    for doc, part in pages:
        path = html / f"{doc}.html"
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if head is None:
            head = soup.head
        for style in soup.select("style#mathjax-chtml"):
            for rule in style.get_text().split("\n"):
                css_rules.setdefault(rule, None)
        article = soup.select_one("article.bd-article")
        for tag in article.select("script, .headerlink, #jb-print-docs-body"):
            tag.decompose()
        prefix = _slug(doc) + "--"
        for tag in article.find_all(id=True):
            tag["id"] = prefix + tag["id"]
        for attr in ("for", "aria-labelledby", "aria-describedby", "aria-controls"):
            for tag in article.find_all(attrs={attr: True}):
                tag[attr] = " ".join(prefix + v for v in tag[attr].split()) if attr != "for" else prefix + tag[attr]
        for tag in article.find_all(["a", "img", "source", "link"]):
            attr = "href" if tag.has_attr("href") else "src" if tag.has_attr("src") else None
            if attr is None:
                continue
            url = tag[attr]
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "mailto:", "data:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path.resolve()
            rel = target.relative_to(html.resolve()).as_posix() if target.is_relative_to(html.resolve()) else None
            name = rel[:-5] if rel and rel.endswith(".html") else None
            if attr == "href" and name in docs:
                tag[attr] = "#" + _slug(name) + "--" + (parts.fragment or "top")
            elif attr == "src" or tag.name == "link":
                tag[attr] = os.path.relpath(target, out.parent)
            elif rel is not None and baseurl:  # a page or file of the site the PDF does not hold
                tag[attr] = baseurl.rstrip("/") + "/" + rel + (f"#{parts.fragment}" if parts.fragment else "")
        if part:
            body.append(f'<div class="print-part" id="print-part-{len(body)}">{part}</div>')
        body.append(f'<div class="print-chapter" id="{prefix}top">{article.decode_contents()}</div>')
    for tag in head.select("script, style#mathjax-chtml, link[rel=preload], meta[property], link[rel=canonical]"):
        tag.decompose()
    for tag in head.find_all("link", href=True):
        if not urlsplit(tag["href"]).scheme:
            tag["href"] = os.path.relpath((html / pages[0][0]).parent / urlsplit(tag["href"]).path, out.parent)
    head_html = head.decode_contents()
    doc_html = (
        '<!DOCTYPE html>\n<html lang="en" data-theme="light" data-mode="light">\n<head>\n'
        f'{head_html}\n<style id="mathjax-chtml">{chr(10).join(css_rules)}</style>\n<style>{CSS}</style>\n</head>\n'
        '<body><div class="bd-container"><div class="bd-container__inner"><main class="bd-main"><div class="bd-content">'
        '<div class="bd-article-container"><article class="bd-article">\n'
        f'<div class="print-title"><div class="t">{TITLE}</div><p>{SUBTITLE}</p></div>\n'
        '<nav class="print-toc" id="print-contents"><div class="t">Contents</div><ol></ol></nav>\n'
        + "\n".join(body) + "\n</article></div></div></main></div></div></body>\n</html>\n")
    out.write_text(doc_html, encoding="utf-8")
    return out


def _pdf_date(epoch: int) -> str:
    t = _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc)
    return t.strftime("D:%Y%m%d%H%M%S+00'00'")


_DATE = re.compile(rb"/(CreationDate|ModDate) ?\(D:[^)]*\)")


def _finish(data: bytes, epoch: int) -> bytes:
    """The PDF with ``SOURCE_DATE_EPOCH`` for the two dates Chromium writes (the print's time), in place.

    Chromium writes no other time and no file identifier, so the rest of the file depends only on the page.
    Each date is replaced by one of the same length, so no offset in the file moves."""
    date = _pdf_date(epoch).encode()

    def repl(m):
        new = b"/" + m.group(1) + b" (" + date + b")"
        if len(new) > len(m.group(0)):
            raise SystemExit(f"make pdf: the PDF's date {m.group(0)!r} is shorter than {new!r}")
        return new + b" " * (len(m.group(0)) - len(new))

    out, n = _DATE.subn(repl, data)
    if n == 0:
        raise SystemExit("make pdf: Chromium wrote no creation date where one was expected: check _finish")
    assert len(out) == len(data)
    return out


def _page_of_targets(data: bytes) -> dict[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    out = {}
    for name, dest in reader.named_destinations.items():
        ref = dest.page
        num = getattr(ref, "idnum", None)
        if num is None and hasattr(dest, "page") and isinstance(ref, int):
            out[str(name).lstrip("/")] = ref + 1
        elif num in index:
            out[str(name).lstrip("/")] = index[num] + 1
    return out


FOOTER = ('<div style="width:100%;font-size:8pt;color:#555;text-align:center;font-family:sans-serif">'
          '<span class="pageNumber"></span></div>')


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    html, out = Path(argv[0]), Path(argv[1])
    required = bool(os.environ.get("BOOK_REQUIRED"))
    exe = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if exe is None or sync_playwright is None:
        what = "no Chromium (install Debian's `chromium` or set $CHROMIUM)" if exe is None else "no Playwright"
        print(f"make pdf: {what}: the PDF of the book is not made; the rest of the book is built.")
        return 1 if required else 0
    if not (html / "index.html").exists():
        print(f"make pdf: {html} is not a built book (run `make book` first)")
        return 2
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))
    t0 = time.perf_counter()
    page_file = assemble(html, out.with_suffix(".html"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"])
        page = browser.new_page()
        page.goto(page_file.resolve().as_uri(), wait_until="load")
        page.emulate_media(media="print")
        entries = page.evaluate(TOC_JS)
        page.evaluate("document.fonts.ready")
        opts = dict(format="A4", print_background=True, prefer_css_page_size=True, display_header_footer=True,
                    header_template="<span></span>", footer_template=FOOTER, outline=True, tagged=True)
        where = _page_of_targets(page.pdf(**opts))
        missing = page.evaluate("""(where) => { let missing = 0;
            document.querySelectorAll('.print-toc .pg').forEach(s => {
              const n = where[s.dataset.target]; if (n) s.textContent = n; else missing += 1; });
            return missing; }""", where)
        data = page.pdf(**opts)
        browser.close()
    data = _finish(data, epoch)
    out.write_bytes(data)
    print(f"make pdf: {out} ({len(data) / 1e6:.1f} MB, {entries} entries in its contents"
          f"{f', {missing} without a page number' if missing else ''}) in {time.perf_counter() - t0:.0f} s")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
