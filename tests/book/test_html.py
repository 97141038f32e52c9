"""Checks over the built HTML book (`make test` builds it strictly first, then runs these).

Every chapter page must have figures with captions and alt text that describes them, exercises with solutions,
citations, no error output, and no internal link that leads nowhere.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

bs4 = pytest.importorskip("bs4")

from built import HTML, ROOT, need_book

need_book()


def _toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters, back = [], []
    for part in toc["parts"]:
        files = [c["file"] for c in part["chapters"]]
        (back if part.get("caption", "").lower().startswith("back") else chapters).extend(files)
    return toc["root"], chapters, back


ROOT_PAGE, CHAPTERS, BACK = _toc_pages()
ALL_PAGES = [ROOT_PAGE, *CHAPTERS, *BACK]
_soups: dict[str, object] = {}


def soup(page: str):
    if page not in _soups:
        _soups[page] = bs4.BeautifulSoup((HTML / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    return _soups[page]


@functools.lru_cache(maxsize=None)
def anchors(path: Path) -> frozenset[str]:
    """The ids and names a built HTML file defines (parsed once per file)."""
    doc = bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return frozenset([t["id"] for t in doc.find_all(id=True)] + [t["name"] for t in doc.find_all(attrs={"name": True})])


def main(page: str):
    return soup(page).find("main") or soup(page)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_was_built(page):
    assert (HTML / f"{page}.html").exists()


@pytest.mark.parametrize("page", CHAPTERS)
def test_figures_have_captions_and_real_alt_text(page):
    figures = main(page).select("figure")
    assert figures, f"{page} has no figures"
    for fig in figures:
        img = fig.find("img")
        assert img is not None, f"{page}: a figure without an image"
        alt = (img.get("alt") or "").strip()
        assert len(alt.split()) >= 6, f"{page}: alt text too short to describe the figure: {alt!r}"
        assert not re.search(r"\.(png|svg|jpe?g)\b|^_?build|^image", alt, re.I), f"{page}: alt text is a file name: {alt!r}"
        cap = fig.find("figcaption")
        assert cap is not None and len(cap.get_text(strip=True)) > 20, f"{page}: figure without a real caption"


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_output_image_is_a_figure(page):
    """Images produced by code cells sit in captioned figures (no stray, unlabelled plots)."""
    for img in main(page).select("div.cell_output img"):
        assert img.find_parent("figure") is not None, f"{page}: a code-cell image outside a captioned figure"


@pytest.mark.parametrize("page", CHAPTERS)
def test_exercises_with_solutions(page):
    exercises = main(page).select("div.exercise")
    solutions = main(page).select("div.solution")
    assert len(exercises) >= 3, f"{page} has {len(exercises)} exercises (at least 3 wanted)"
    assert len(solutions) >= len(exercises), f"{page}: {len(exercises)} exercises but {len(solutions)} solutions"


@pytest.mark.parametrize("page", CHAPTERS)
def test_citations(page):
    links = [a.get("href", "") for a in main(page).find_all("a")]
    assert any("references.html#" in h for h in links), f"{page} cites nothing from the references"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_error_output(page):
    m = main(page)
    assert not m.select("div.output.stderr, div.output.traceback, div.output.error"), f"{page} shows error output"
    text = m.get_text()
    for marker in ("Traceback (most recent call last)", "CellExecutionError", "Error in callback"):
        assert marker not in text, f"{page} shows {marker!r}"
    assert not re.search(r"at 0x[0-9a-f]{6,}", text), f"{page} prints a memory address (an object repr)"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_internal_links_resolve(page):
    here = HTML / f"{page}.html"
    for a in soup(page).find_all("a", href=True):
        href = a["href"]
        parts = urlsplit(href)
        if parts.scheme or href.startswith(("mailto:", "//")):
            continue
        target = here if not parts.path else (here.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        assert target.exists(), f"{page}: link to a missing file: {href}"
        if parts.fragment and target.suffix == ".html":
            assert unquote(parts.fragment) in anchors(target), f"{page}: link to a missing anchor: {href}"


def test_status_page_lists_every_executed_page():
    text = main("book/status").get_text()
    for page in CHAPTERS:
        assert Path(page).name in text, f"the status page does not list {page}"


def test_api_reference_documents_the_optimizers():
    text = main("book/api").get_text()
    for name in ("SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "run", "schedules", "objectives",
                 "load_digits", "minibatches", "MLP", "train"):
        assert name in text
