"""Prove that two clean builds of the book give the same bytes.

    python scripts/check_reproducible.py _build/html _build/repro/_build/html

Every file of the two HTML trees must be identical, with one documented exception: cells tagged ``measured``
time things on the build machine, so their outputs (and images that only they produce, and their outputs in the
downloadable notebooks) are left out of the comparison, and so is prose that quotes them (wrapped in a ```{container} measured``` block), as is the
execution-time table of the status page and the search index (which indexes those
outputs). Exits 1 and lists the differences otherwise.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

from bs4 import BeautifulSoup

# optimizers.pdf is not made by the Sphinx build: `make pdf` prints the built pages into it (scripts/print_pdf.py)
# after this comparison, and copies it into _build/html, where a later strict build leaves it; the second build
# makes none. It is the print of pages compared here (their `measured` outputs included), with SOURCE_DATE_EPOCH
# for its only dates. Chromium's PDF writer does not always give the same bytes for the same pages (two prints
# once differed in one byte of 25 MB), so tests/book/test_pdf.py compares two prints' pages, text and outline.
SKIP_FILES = {".buildinfo", "searchindex.js", "optimizers.pdf"}


def _normalize_html(path: Path) -> tuple[str, set[str]]:
    """The HTML with measured cells' outputs and the timing table removed, and the images those cells show."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    volatile_images: set[str] = set()
    for cell in soup.select("div.cell.tag_measured"):
        for out in cell.select("div.cell_output"):
            for img in out.find_all("img"):
                volatile_images.add(Path(img.get("src", "")).name)
            out.clear()
    for block in soup.select("div.measured"):
        block.clear()
    if path.name == "status.html":
        for table in soup.find_all("table"):
            table.clear()
    return str(soup), volatile_images


def _normalize_notebook(path: Path) -> str:
    """An executed notebook without the outputs of code cells tagged ``measured``, and without the text of
    Markdown cells tagged ``measured`` (the reader's notebook puts a ``{container} measured`` block's prose,
    with the timings glued into it, in a cell of its own with that tag)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "measured" in cell.get("metadata", {}).get("tags", []):
            if cell.get("cell_type") == "markdown":
                cell["source"] = ""
            else:
                cell["outputs"] = []
    return json.dumps(nb, indent=1, sort_keys=True)


def compare(a: Path, b: Path) -> list[str]:
    problems: list[str] = []
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    volatile: set[str] = set()
    html_texts: dict[str, tuple[str, str]] = {}
    for rel in sorted(files_a & files_b):
        if rel.endswith(".html"):
            ta, va = _normalize_html(a / rel)
            tb, vb = _normalize_html(b / rel)
            volatile |= va | vb
            html_texts[rel] = (ta, tb)
    only = (files_a ^ files_b) - {f for f in files_a ^ files_b if Path(f).name in volatile | SKIP_FILES}
    for rel in sorted(only):
        problems.append(f"only in {'first' if rel in files_a else 'second'} build: {rel}")
    for rel in sorted(files_a & files_b):
        name = Path(rel).name
        if name in SKIP_FILES or name in volatile:
            continue
        if rel in html_texts:
            ta, tb = html_texts[rel]
            if ta != tb:
                diff = list(difflib.unified_diff(ta.splitlines(), tb.splitlines(), lineterm="", n=0))[:12]
                problems.append(f"differs: {rel}\n    " + "\n    ".join(d[:200] for d in diff))
        elif rel.endswith(".ipynb"):
            if _normalize_notebook(a / rel) != _normalize_notebook(b / rel):
                problems.append(f"differs: {rel}")
        elif (a / rel).read_bytes() != (b / rel).read_bytes():
            problems.append(f"differs: {rel}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    a, b = Path(argv[0]), Path(argv[1])
    for d in (a, b):
        if not (d / "index.html").exists():
            print(f"not a built book: {d}")
            return 2
    problems = compare(a, b)
    n = sum(1 for p in a.rglob("*") if p.is_file())
    if problems:
        print(f"{len(problems)} differences between two clean builds ({n} files):")
        print("\n".join(problems[:50]))
        return 1
    print(f"reproducible: {n} files identical in both builds (outputs of cells tagged `measured` excepted)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
