"""Run a page's visible code cells as a reader would, and compare what they print with the built page.

    .venv/bin/python scripts/reader_run.py _build/html/_sources/book/momentum.ipynb [...]

A reader installs the package from this repository with its ``plot`` and ``data`` extras (and IPython, as every
notebook has), copies the code cells the page shows, in order, into a fresh notebook and runs them. This script does
exactly that in the reader's environment, ``.venv-reader`` (``make reader-venv``; no Jupyter Book, no myst-nb): it
takes the executed notebook of a page, drops the cells the page does not show (tagged ``remove-cell``), runs the
rest one after another in a single IPython shell, and compares each cell's printed output and displayed value with
the outputs of the built page. Cells tagged ``measured`` (timings of the build machine) are run but not compared.

Exit status 1 and a report for every page with a failing cell or a different output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READER_PYTHON = ROOT / ".venv-reader" / "bin" / "python"
HIDDEN = {"remove-cell"}
NOT_COMPARED = {"measured"}

# Runs inside the reader's environment: a fresh IPython shell, one cell after another, as a notebook would.
DRIVER = r'''
import io, json, sys, contextlib, traceback
import matplotlib
matplotlib.use("Agg")
from IPython.core.interactiveshell import InteractiveShell
from IPython.lib.pretty import pretty

cells = json.load(open(sys.argv[1]))
shell = InteractiveShell.instance()
shell.displayhook.write_output_prompt = lambda: None
shown = []
shell.displayhook.write_format_data = lambda data, md=None: shown.append(data.get("text/plain", ""))
out = []
for src in cells:
    buf, shown[:] = io.StringIO(), []
    with contextlib.redirect_stdout(buf):
        res = shell.run_cell(src, store_history=True)
    err = None
    if not res.success:
        e = res.error_in_exec or res.error_before_exec
        err = "".join(traceback.format_exception(type(e), e, e.__traceback__))[-3000:]
    import matplotlib.pyplot as plt
    plt.close("all")
    out.append({"stdout": buf.getvalue(), "result": "\n".join(shown), "error": err})
    if err:
        break
json.dump(out, open(sys.argv[2], "w"))
'''


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def visible_cells(nb: dict) -> list[dict]:
    """The code cells a reader sees, each with its expected output (stdout and displayed value)."""
    cells = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN:
            continue
        stdout = "".join(_text(o.get("text")) for o in cell.get("outputs", [])
                         if o.get("output_type") == "stream" and o.get("name") == "stdout")
        result = "\n".join(_text(o.get("data", {}).get("text/plain")) for o in cell.get("outputs", [])
                           if o.get("output_type") == "execute_result")
        cells.append({"index": i, "source": _text(cell["source"]), "stdout": stdout, "result": result,
                      "compare": not (tags & NOT_COMPARED)})
    return cells


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def run_notebook(path: Path, python: Path = READER_PYTHON, timeout: float = 600) -> list[str]:
    """Problems found running the visible cells of the executed notebook ``path`` (empty: the reader gets the page)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = visible_cells(nb)
    with tempfile.TemporaryDirectory() as tmp:
        src, res, drv = Path(tmp) / "cells.json", Path(tmp) / "out.json", Path(tmp) / "driver.py"
        src.write_text(json.dumps([c["source"] for c in cells]))
        drv.write_text(DRIVER)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHONPATH"))}
        env.update(MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))
        # in a folder of its own, as a reader's fresh notebook would be (the page runs in book/)
        proc = subprocess.run([str(python), str(drv), str(src), str(res)], cwd=tmp, env=env,
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not res.exists():
            return [f"{path.name}: the reader's run crashed:\n{proc.stderr[-3000:]}"]
        got = json.loads(res.read_text())
    problems = []
    for cell, out in zip(cells, got):
        where = f"{path.name}, code cell {cell['index']} ({cell['source'].strip().splitlines()[0][:60]!r})"
        if out["error"]:
            problems.append(f"{where} raised:\n{out['error']}")
            break
        if not cell["compare"]:
            continue
        for what in ("stdout", "result"):
            if _norm(out[what]) != _norm(cell[what]):
                problems.append(f"{where}: {what} differs.\n--- page:\n{cell[what]}\n--- reader:\n{out[what]}")
    return problems


def main(paths: list[str]) -> int:
    if not READER_PYTHON.exists():
        print(f"no reader environment at {READER_PYTHON}: run `make reader-venv` first", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda p: (p, run_notebook(Path(p))), paths))
    failed = 0
    for p, problems in reports:
        print(f"{'FAIL' if problems else 'ok  '} {p}")
        for problem in problems:
            print("    " + problem.replace("\n", "\n    "))
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
