"""Checks over the PDF of the book (`make pdf`, which `make book` and `make test` run: _build/pdf/optimizers.pdf).

The whole book is in it: every chapter's title, every figure, algorithm, exercise and equation number the site
shows (the same numbers), a table of contents with page numbers, links inside the PDF that lead to their targets,
no unresolved reference, and no time of the build. Without Chromium no PDF is made and these tests skip; with one,
a missing PDF fails under BOOK_REQUIRED (as `make test` sets it) and skips otherwise.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
PDF = Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "pdf" / "optimizers.pdf"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from print_book import PDF_NAME, chromium  # noqa: E402

if chromium() is None:
    pytest.skip("no Chromium found (install Debian's `chromium` or set $CHROMIUM): no PDF is made, PDF checks skipped",
                allow_module_level=True)
if not PDF.exists() or not (HTML / "index.html").exists():
    if os.environ.get("BOOK_REQUIRED"):
        raise RuntimeError(f"{PDF} is missing: run `make pdf` (or `make book`) first")
    pytest.skip("the PDF is not built (run `make pdf`)", allow_module_level=True)

pypdf = pytest.importorskip("pypdf")
bs4 = pytest.importorskip("bs4")


def _pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"], *(c["file"] for part in toc["parts"] for c in part["chapters"])]


PAGES = _pages()


def _site(page):
    doc = bs4.BeautifulSoup((HTML / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    return doc.select_one("article.bd-article") or doc


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def reader():
    return pypdf.PdfReader(PDF)


@pytest.fixture(scope="module")
def text(reader):
    return _squash(" ".join(page.extract_text() or "" for page in reader.pages))


def test_page_count(reader):
    assert 100 <= len(reader.pages) <= 800, f"{len(reader.pages)} pages"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_title_is_in_the_pdf(page, text):
    h1 = _site(page).find("h1")
    for a in h1.select(".headerlink"):
        a.decompose()
    title = _squash(h1.get_text())
    assert title in text, f"the PDF lacks the title of {page}: {title!r}"


def test_the_site_numbers_every_figure_equation_and_exercise_as_the_pdf_does(text):
    """Every caption number the site shows (figures, algorithms, theorems, exercises) and every equation number."""
    numbers, equations, figures = [], [], 0
    for page in PAGES:
        site = _site(page)
        for a in site.select(".headerlink"):
            a.decompose()
        figures += len(site.select("figure"))
        numbers += [_squash(s.get_text()) for s in site.select("span.caption-number")]
        equations += [_squash(s.get_text()) for s in site.select("span.eqno")]
    assert figures >= 40 and numbers and equations
    missing = [n for n in numbers if n not in text]
    assert not missing, f"caption numbers of the site missing from the PDF: {missing[:10]}"
    missing = [e for e in equations if e not in text]
    assert not missing, f"equation numbers of the site missing from the PDF: {missing[:10]}"
    fig_numbers = {n for n in numbers if n.startswith("Fig.")}
    assert len(fig_numbers) == figures, f"{figures} figures on the site, {len(fig_numbers)} figure numbers"


def test_no_unresolved_reference(text):
    for bad in ("??", "Fig. ?", "undefined reference", "Traceback (most recent call last)"):
        assert bad not in text, f"the PDF shows {bad!r}"


def test_contents_with_page_numbers(reader):
    contents = _squash(reader.pages[1].extract_text())
    assert contents.startswith("Contents"), contents[:80]
    assert re.search(r"1\. Optimization and its challenges \d+", contents), contents[:400]
    assert len(reader.outline) >= len(PAGES), "the PDF's bookmarks lack chapters"


def test_internal_links_lead_somewhere(reader):
    names = set(reader.named_destinations)
    internal, files = 0, []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            if "/Dest" in a:
                dest = a["/Dest"]
                if isinstance(dest, str):
                    assert dest in names or "/" + dest.lstrip("/") in names, f"link to a missing target {dest}"
                internal += 1
            action = a.get("/A")
            if action is not None:
                uri = str(action.get_object().get("/URI", ""))
                if uri and not uri.startswith(("http://", "https://", "mailto:")):
                    files.append(uri)
    assert internal >= 500, f"only {internal} links inside the PDF"
    assert not files, f"links to local files: {files[:5]}"


def test_no_build_time_in_the_pdf():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))
    import datetime

    date = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("D:%Y%m%d%H%M%S")
    raw = PDF.read_bytes()
    stamps = re.findall(rb"/(?:CreationDate|ModDate) ?\((D:\d{14})", raw)
    assert stamps and all(s.decode() == date for s in stamps), stamps


def test_the_site_links_the_pdf():
    assert (HTML / PDF_NAME).read_bytes() == PDF.read_bytes(), "the site's optimizers.pdf is not make pdf's"
    for page in PAGES:
        hrefs = [a["href"] for a in bs4.BeautifulSoup((HTML / f"{page}.html").read_text(encoding="utf-8"),
                                                      "html.parser").find_all("a", href=True)]
        assert any(h.endswith(PDF_NAME) for h in hrefs), f"{page} has no link to the PDF"


def test_one_print_gives_the_same_book_as_another(tmp_path):
    """Two prints of the same pages have the same pages, text, outline and dates.

    Not the same bytes: Chromium's PDF writer (Skia) does not always write a print byte for byte the same (one
    run of make test found two prints differing in a single byte of a 25 MB file), which is why
    scripts/check_reproducible.py leaves the PDF out of its byte comparison of two builds.
    """
    again = tmp_path / "optimizers.pdf"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "print_pdf.py"), str(HTML), str(again)], check=True,
                   env={**os.environ, "BOOK_REQUIRED": "1"})
    first, second = pypdf.PdfReader(PDF), pypdf.PdfReader(again)
    assert len(first.pages) == len(second.pages)
    for i, (a, b) in enumerate(zip(first.pages, second.pages)):
        assert a.extract_text() == b.extract_text(), f"page {i + 1} of two prints differs"
    assert [o.title for o in first.outline if hasattr(o, "title")] == \
        [o.title for o in second.outline if hasattr(o, "title")]
    assert first.metadata.get("/CreationDate") == second.metadata.get("/CreationDate")
