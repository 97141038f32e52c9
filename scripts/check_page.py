"""Execute one page and build it strictly on its own, in a private folder, so several pages can be checked at once.

    .venv/bin/python scripts/check_page.py book/momentum.md

Builds the whole table of contents (so cross-references resolve) but executes only the page given; warnings are
reported for that page only (the other pages are not executed, so their glue keys are missing). Exits 1 when the page
has any warning or error. Prints the path of the HTML page to open in a browser. Then runs the page's visible cells
as a reader would, without Jupyter Book (``scripts/reader_run.py``, in ``.venv-reader``: ``make reader-venv``), and
exits 1 when one fails or prints something other than the page shows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(page: str) -> int:
    page_path = (ROOT / page).resolve()
    if not page_path.is_file():
        print(f"no such page: {page}", file=sys.stderr)
        return 2
    rel = page_path.relative_to(ROOT)
    stem = rel.with_suffix("").as_posix()
    work = Path("/tmp") / f"check_{rel.stem}"
    work.mkdir(parents=True, exist_ok=True)
    # A private source folder: links to the real book, optimizers and bib, with its own config and toc.
    for name in ("book", "optimizers"):
        link = work / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    others = [p.relative_to(ROOT).as_posix() for p in (ROOT / "book").glob("*.md") if p != page_path]
    config.setdefault("execute", {})["exclude_patterns"] = others
    (work / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())

    def readable(path: Path) -> bool:
        """Pages other people are editing may be half-written: leave out any that myst-nb cannot read."""
        if path == page_path:
            return True
        try:
            from myst_nb.core.read import read_myst_markdown_notebook

            text = path.read_text(encoding="utf-8")
            if text.lstrip().startswith("---") and "kernelspec" in text.split("---", 2)[1]:
                read_myst_markdown_notebook(text)
            return True
        except Exception as err:  # noqa: BLE001 - any failure means: not this build
            print(f"note: leaving out {path.relative_to(ROOT)} (cannot be read now: {type(err).__name__})")
            return False

    def exists(entry):
        path = ROOT / (entry["file"] + ".md")
        return path.is_file() and readable(path)

    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if exists(c)]
    toc["parts"] = [p for p in toc.get("parts", []) if p["chapters"]]
    if not (ROOT / (toc["root"] + ".md")).is_file():
        toc["root"] = stem
        for part in toc["parts"]:
            part["chapters"] = [c for c in part["chapters"] if c["file"] != stem]
        toc["parts"] = [p for p in toc["parts"] if p["chapters"]]
    (work / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    jb = ROOT / ".venv" / "bin" / "jupyter-book"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "SOURCE_DATE_EPOCH": "1767225600", "PYTHONHASHSEED": "0"}  # as the Makefile sets them
    proc = subprocess.run(
        [str(jb), "build", str(work), "--keep-going", "-n"], capture_output=True, text=True, cwd=work, env=env
    )
    out = proc.stdout + proc.stderr
    mine = [line for line in out.splitlines()
            if ("/" + rel.name in line or "/" + rel.stem + ".ipynb" in line or "Traceback" in line
                or "CellExecutionError" in line)
            and re.search(r"WARNING|ERROR|Error|Traceback", line)]
    html = work / "_build" / "html" / (stem + ".html")
    print("\n".join(mine) if mine else f"OK: no warnings for {rel}")
    if proc.returncode not in (0, 1) and not html.exists():
        print(out[-4000:])
        return 1
    print(f"HTML: {html}")
    print(f"full log: {work / 'build.log'}")
    (work / "build.log").write_text(out)
    if mine:
        return 1
    # the reader's copy: the visible cells, run without Jupyter Book, print what the page shows
    notebook = work / "_build" / "html" / "_sources" / (stem + ".ipynb")
    if not notebook.exists():  # a page without code cells is no notebook: nothing for a reader to run
        print(f"no code cells on {rel}: no reader's check")
        return 0
    sys.path.insert(0, str(ROOT / "scripts"))
    import reader_run

    return reader_run.main([str(notebook)])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
