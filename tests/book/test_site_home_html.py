"""The built site's links to its home (book/_ext/site_home.py): repository, Colab, Binder, notebook download.

Colab must open the page's executed reader's notebook on the branch the workflow publishes (``notebooks``: the
files of ``_sources`` at the same paths), never the page's MyST source; Binder opens the MyST page on the book's
branch (jupytext); the ``.ipynb`` button downloads the notebook instead of opening a tab. When the environment
names the repository (``GITHUB_REPOSITORY`` in Actions, or ``OPTIMIZERS_REPOSITORY``), every link names it.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re

import pytest
import yaml

bs4 = pytest.importorskip("bs4")

from built import HTML, ROOT, need_book

need_book()

_toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [_toc["root"]] + [c["file"] for part in _toc["parts"] for c in part["chapters"]]
NOTEBOOK_PAGES = [p for p in PAGES if (HTML / "_sources" / f"{p}.ipynb").exists()]


@functools.lru_cache(maxsize=None)
def _soup(page):
    return bs4.BeautifulSoup((HTML / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def _repository(doc) -> tuple[str, str]:
    href = doc.select_one("a.btn-source-repository-button")["href"]
    m = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)/?", href)
    assert m, f"repository button {href} is not a GitHub repository"
    return m.group(1), m.group(2)


def _launch(doc, text):
    return [a["href"] for a in doc.select(".dropdown-launch-buttons a") if a.get_text(strip=True) == text]


def test_chapters_have_notebooks():
    assert len(NOTEBOOK_PAGES) >= 5, NOTEBOOK_PAGES


def test_repository_is_the_one_in_the_environment():
    spec = os.environ.get("OPTIMIZERS_REPOSITORY", "").strip() or os.environ.get("GITHUB_REPOSITORY", "").strip()
    if not spec:
        pytest.skip("the environment names no repository (a local build keeps _config.yml's)")
    owner, name = re.sub(r"^(https?://)?github\.com/", "", spec).removesuffix(".git").strip("/").split("/")
    assert _repository(_soup(_toc["root"])) == (owner, name)
    canonical = _soup(_toc["root"]).find("link", rel="canonical")["href"]
    host = f"{owner.lower()}.github.io"
    assert canonical.startswith(f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/")


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_colab_opens_the_executed_notebook(page):
    doc = _soup(page)
    owner, name = _repository(doc)
    assert _launch(doc, "Colab") == [
        f"https://colab.research.google.com/github/{owner}/{name}/blob/notebooks/{page}.ipynb"]
    # the notebooks branch holds _sources at the same paths, and that copy is the reader's notebook
    assert '"optimizers_reader_notebook": true' in (HTML / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_binder_opens_the_myst_page(page):
    doc = _soup(page)
    owner, name = _repository(doc)
    [url] = _launch(doc, "Binder")
    assert re.fullmatch(rf"https://mybinder\.org/v2/gh/{owner}/{name}/[\w.-]+\?urlpath=tree/{page}\.md", url), url


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_link_downloads(page):
    [link] = _soup(page).select("a.btn-download-notebook-button")
    assert link.has_attr("download") and link.get("target") != "_blank", link
    assert link["download"] == posixpath.basename(link["href"]) == f"{posixpath.basename(page)}.ipynb"
    assert (HTML / posixpath.dirname(page) / link["href"]).resolve() == (HTML / "_sources" / f"{page}.ipynb").resolve()
