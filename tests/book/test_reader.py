"""A reader's copy of every page: its visible code cells, run in order without Jupyter Book, print what it shows.

The reader's environment is ``.venv-reader`` (``make reader-venv``, which ``make test`` runs first): the package
installed from this repository with its ``plot`` and ``data`` extras, and IPython, and nothing else, so a page that
needs myst-nb (``glue``) in a visible cell, or any other tool of the build, fails here. Each page's executed notebook
(``_sources/<page>.ipynb`` of the strict build) gives the cells and the outputs to compare; cells tagged
``remove-cell`` are the book's bookkeeping and are not run, cells tagged ``measured`` are run but not compared.
"""

from __future__ import annotations

import sys

import pytest
import yaml

from built import HTML, ROOT, need, need_book
sys.path.insert(0, str(ROOT / "scripts"))
import reader_run  # noqa: E402

need_book()
need(reader_run.READER_PYTHON.exists(), f"no reader environment at {reader_run.READER_PYTHON}",
     "run `make reader-venv`")


def _pages_with_code():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f for f in files if "```{code-cell}" in (ROOT / (f + ".md")).read_text(encoding="utf-8")]


PAGES = _pages_with_code()


def test_every_page_with_code_is_checked():
    assert len(PAGES) >= 11, PAGES


@pytest.mark.parametrize("page", PAGES)
def test_visible_cells_run_as_a_reader_runs_them(page):
    notebook = HTML / "_sources" / (page + ".ipynb")
    assert notebook.exists(), f"no executed notebook for {page} at {notebook}"
    problems = reader_run.run_notebook(notebook)
    assert not problems, "\n\n".join(problems)


def test_the_check_catches_a_page_that_needs_myst_nb(tmp_path):
    """The check can fail: a visible cell that imports myst_nb, as every page once did, is reported."""
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "from myst_nb import glue\nprint(1)",
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]}]}
    path = tmp_path / "page.ipynb"
    path.write_text(__import__("json").dumps(nb))
    problems = reader_run.run_notebook(path)
    assert problems and "myst_nb" in problems[0]


def test_the_check_compares_outputs(tmp_path):
    nb = {"cells": [
        {"cell_type": "code", "metadata": {}, "source": "x = 2\nprint(x)",
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "3\n"}]},
        {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "source": "raise SystemExit('hidden')",
         "outputs": []},
        {"cell_type": "code", "metadata": {}, "source": "x + 1",
         "outputs": [{"output_type": "execute_result", "data": {"text/plain": "3"}}]},
    ]}
    path = tmp_path / "page.ipynb"
    path.write_text(__import__("json").dumps(nb))
    problems = reader_run.run_notebook(path)
    assert len(problems) == 1 and "stdout differs" in problems[0]


MYST = ("{{", "{glue", "{eq}`", "{numref}`", "{cite", "{doc}`", "{ref}`", "{prf:", "```{", ":::{", ":label:")


@pytest.mark.parametrize("page", PAGES)
def test_downloaded_notebook_is_plain_jupyter(page):
    """What a reader downloads (or opens in Binder or Colab): no hidden cells, no MyST, the install cell first."""
    import json

    nb = json.loads((HTML / "_sources" / (page + ".ipynb")).read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "of *Optimizers*" in cells[0]["source"]
    install = cells[1]
    assert install["cell_type"] == "code" and "%pip install" in install["source"]
    assert "optimizers-book[plot,data] @ git+" in install["source"]
    for i, cell in enumerate(cells):
        assert "remove-cell" not in cell.get("metadata", {}).get("tags", []), f"hidden cell {i} kept"
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            left = [m for m in MYST if m in text]
            assert not left, f"cell {i} still has MyST {left}: {text[:300]!r}"
        else:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            assert "myst_nb" not in text, f"code cell {i} needs myst_nb"
