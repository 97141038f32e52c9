"""The edition a built site belongs to: the version in every page's footer, the errata page, and the instructor's
build without solutions (``make book-instructor``).

The instructor build is checked when it exists (``INSTRUCTOR_HTML``, by default ``_build/instructor/_build/html``);
``make test`` does not build it (see the README), so without it those checks are skipped and say so.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

bs4 = pytest.importorskip("bs4")

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
INSTRUCTOR = Path(os.environ.get("INSTRUCTOR_HTML", ROOT / "_build" / "instructor" / "_build" / "html"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))
pytest.importorskip("sphinx")
import edition  # noqa: E402

VERSION = edition.package_version()
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [c["file"] for part in TOC["parts"] if not part.get("caption", "").lower().startswith("back")
            for c in part["chapters"]]
PAGES = [TOC["root"], *CHAPTERS, *[c["file"] for part in TOC["parts"] for c in part["chapters"]
                                   if c["file"] not in CHAPTERS]]


def _soup(path: Path):
    return bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _built(html: Path, what: str):
    if not (html / "index.html").exists():
        if what == "book" and os.environ.get("BOOK_REQUIRED"):
            raise RuntimeError(f"{html} is missing: run `make book-strict` first")
        pytest.skip(f"the {what} is not built ({html} is missing)")


@pytest.mark.parametrize("page", PAGES)
def test_footer_shows_the_version(page):
    _built(HTML, "book")
    footer = _soup(HTML / f"{page}.html").select_one(".book-edition")
    assert footer is not None, f"{page}: no edition line in the footer"
    text = footer.get_text(" ", strip=True)
    assert f"version {VERSION}" in text and "without solutions" not in text
    errata = "#" if page == "book/errata" else "errata.html"   # Sphinx links a page to itself as "#"
    assert any(a["href"].endswith(errata) for a in footer.find_all("a", href=True)), f"{page}: no errata link"


def test_errata_page_covers_every_chapter():
    _built(HTML, "book")
    doc = _soup(HTML / "book" / "errata.html")
    headings = {h.get_text(" ", strip=True).rstrip("#").strip() for h in doc.select("main h2")}
    for page in [TOC["root"], *CHAPTERS]:
        title = _soup(HTML / f"{page}.html").select_one("main h1").get_text(" ", strip=True).rstrip("#").strip()
        title = title.split(". ", 1)[-1] if title[:1].isdigit() else title   # "3. Momentum" -> "Momentum"
        assert any(title in h for h in headings), f"the errata page has no section for {title!r}"
    links = [a["href"] for a in doc.select("main a[href]") if not a["href"].startswith(("http", "#"))]
    assert len({h.split("#")[0] for h in links}) >= len(CHAPTERS), "the errata should link to every chapter"


@pytest.mark.parametrize("page", CHAPTERS)
def test_instructor_build_has_exercises_and_no_solutions(page):
    _built(INSTRUCTOR, "instructor build (make book-instructor)")
    doc = _soup(INSTRUCTOR / f"{page}.html")
    main = doc.find("main")
    assert len(main.select("div.exercise")) >= 3, f"{page}: the instructor build lost its exercises"
    assert not main.select("div.solution"), f"{page}: the instructor build shows a solution"
    assert "Solution to" not in main.get_text(), f"{page}: the instructor build names a solution"
    assert "without solutions" in doc.select_one(".book-edition").get_text()


def test_instructor_build_offers_no_sources():
    """The downloadable notebooks and page sources hold the solutions, so the instructor build does not copy them."""
    _built(INSTRUCTOR, "instructor build (make book-instructor)")
    sources = INSTRUCTOR / "_sources"
    assert not sources.exists() or not any(sources.rglob("*.*")), "the instructor build copies the page sources"


@pytest.mark.parametrize("page", CHAPTERS)
def test_instructor_build_keeps_every_cell_outside_the_solutions(page):
    """The executed solutions' cells go with their solutions, and every other cell stays."""
    _built(INSTRUCTOR, "instructor build (make book-instructor)")
    _built(HTML, "book")
    full = _soup(HTML / f"{page}.html").find("main").select("div.cell")
    outside = [c for c in full if c.find_parent("div", class_="solution") is None]
    assert len(outside) < len(full), f"{page}: no executed solution to remove (the check would prove nothing)"
    assert len(_soup(INSTRUCTOR / f"{page}.html").find("main").select("div.cell")) == len(outside)
