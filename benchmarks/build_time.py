"""How long the book takes to build, against a floor book measured in the same run.

    .venv/bin/python benchmarks/build_time.py

Measures, on copies of the repository in a temporary folder:

1. a cold build (empty cache, every page executed);
2. a rebuild with nothing changed (goal: under 10 s);
3. a rebuild after a change to the package (a comment added to ``optimizers/__init__.py``: the package hash
   changes, so every page re-executes);
4. the *floor*: a book with the same configuration and the same number of executed pages, each of which only
   imports NumPy and matplotlib and draws one line. Goal: the cold build at most 1.5 times the floor's.

Prints the times and the ratios. These are measurements of the machine that runs the script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
JB = ROOT / ".venv" / "bin" / "jupyter-book"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONHASHSEED": "0"}

FLOOR_PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Floor page {n}

```{{code-cell}} ipython3
import numpy as np
import matplotlib.pyplot as plt

x = np.linspace(0, 1, 50)
fig, ax = plt.subplots()
ax.plot(x, x ** 2)
plt.show()
```
"""


def copy_repo(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    for rel in files:
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def executed_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    out = []
    for f in files:
        text = (ROOT / f"{f}.md").read_text()
        if "```{code-cell}" in text:
            out.append(f)
    return out


def make_floor(dest: Path, n: int) -> None:
    (dest / "book").mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.pop("bibtex_bibfiles", None)
    config["sphinx"].pop("local_extensions", None)
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    pages = [f"book/page{i}" for i in range(n)]
    for i, p in enumerate(pages):
        (dest / f"{p}.md").write_text(FLOOR_PAGE.format(n=i))
    toc = {"format": "jb-book", "root": pages[0], "chapters": [{"file": p} for p in pages[1:]]}
    (dest / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))


def build(src: Path) -> float:
    env = dict(ENV)
    env["PYTHONPATH"] = str(src)  # the copy's own package (ahead of the editable install), as its pages see it
    start = time.perf_counter()
    proc = subprocess.run([str(JB), "build", str(src), "--builder", "html"], cwd=src, env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"build of {src} failed")
    return elapsed


def main() -> int:
    n = len(executed_pages())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book, floor = tmp / "book", tmp / "floor"
        copy_repo(book)
        make_floor(floor, n)
        floor_cold = build(floor)
        cold = build(book)
        nochange = build(book)
        init = book / "optimizers" / "__init__.py"
        init.write_text(init.read_text() + "\n# touched by benchmarks/build_time.py\n")
        touched = build(book)
    rows = [
        ("floor: cold build", floor_cold, 1.0),
        ("book: cold build", cold, cold / floor_cold),
        ("book: rebuild, nothing changed", nochange, nochange / floor_cold),
        ("book: rebuild after a package change", touched, touched / floor_cold),
    ]
    print(f"{n} executed pages in each book; times in seconds on this machine ({os.cpu_count()} cores)")
    print(f"{'build':<40}{'seconds':>10}{'x floor':>10}")
    for name, secs, ratio in rows:
        print(f"{name:<40}{secs:>10.1f}{ratio:>10.2f}")
    print(f"goals: cold build <= 1.5x floor: {'met' if cold <= 1.5 * floor_cold else 'MISSED'}; "
          f"no-change rebuild < 10 s: {'met' if nochange < 10 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
