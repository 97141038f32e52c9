"""How long the book takes to build, against a floor book measured in the same run.

    .venv/bin/python benchmarks/build_time.py

    .venv/bin/python benchmarks/build_time.py --rounds 3 --skip-floor   # the parallel comparison, three times

Measures, on copies of the repository in a temporary folder:

1. cold builds (empty cache, every page executed) on one core and in parallel, ``--rounds`` times, alternating
   which goes first, with the build folder (execution cache included) deleted before each:

   * *one core*: the build pinned to one core (``taskset -c 0``), so ``book/_ext/preexecute.py`` sees one core
     and leaves the pages to myst-nb, one after another, as a book without that extension builds;
   * *parallel*: the same build on every core, where ``preexecute`` runs the pages two at a time (on 2 cores)
     before Sphinx reads them. Goal: at least 1.7 times faster than one core. Each parallel build is also checked
     to have found every page in the cache when Sphinx read it (myst-nb's "Using cached notebook", no
     "Executing notebook").

   For each, the execution time of every page (as jupyter-cache recorded it) and, for the parallel builds, the
   wall time of the pre-execution. Goal: no page over 60 s. The sites of the last one-core and the last
   parallel build are compared with ``scripts/check_reproducible.py``: they must be the same.
2. a rebuild with nothing changed (goal: under 10 s);
3. a rebuild after a change to the package (a comment added to ``optimizers/__init__.py``: the package hash
   changes, so every page re-executes);
4. the *floor*: a book with the same configuration and the same number of executed pages, each of which only
   imports NumPy and matplotlib and draws one line. Goal: the cold build at most 1.5 times the floor's.

Prints the times, the ratios and the load average of the machine before and after each build (other work on the
machine slows the builds down, and a parallel build more than a one-core one). These are measurements of the
machine that runs the script.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
JB = ROOT / ".venv" / "bin" / "jupyter-book"
if not JB.exists():  # a worktree without its own .venv: the jupyter-book next to the running Python
    JB = Path(sys.executable).parent / "jupyter-book"
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


def build(src: Path, *, pin: bool = False, env_extra: dict | None = None) -> tuple[float, str]:
    """Build ``src`` into its own ``_build``; returns the wall time and the build's log."""
    env = dict(ENV)
    env["PYTHONPATH"] = str(src)  # the copy's own package (ahead of the editable install), as its pages see it
    env.update(env_extra or {})
    cmd = [str(JB), "build", str(src), "--builder", "html"]
    if pin:
        cmd = ["taskset", "-c", "0", *cmd] if shutil.which("taskset") else cmd
        if not shutil.which("taskset"):
            env["BOOK_JOBS"] = "1"  # no taskset: at least run the pages one after another
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=src, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"build of {src} failed")
    return elapsed, proc.stdout + proc.stderr


def page_times(src: Path) -> dict[str, float]:
    """Execution seconds of each page, as recorded in the build's jupyter-cache."""
    from jupyter_cache import get_cache

    out = {}
    for folder in (src / "_build" / ".jupyter_cache").glob("pkg-*"):
        cache = get_cache(folder)
        for record in cache.list_cache_records():
            out[Path(record.uri).relative_to(src).with_suffix("").as_posix()] = record.data["execution_seconds"]
    return out


def cold(src: Path, pin: bool, keep: Path | None = None) -> dict:
    shutil.rmtree(src / "_build", ignore_errors=True)
    load_before = os.getloadavg()[0]
    cpu_before = os.times()
    secs, log = build(src, pin=pin)
    cpu_after = os.times()
    if keep is not None:  # the site, to compare the two kinds of build (scripts/check_reproducible.py)
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(src / "_build" / "html", keep)
    pre = re.search(r"pre-executed \d+ of \d+ pages in ([\d.]+) s", log)
    return {
        "seconds": secs,
        "pages": page_times(src),
        "preexec": float(pre.group(1)) if pre else None,
        "cached": len(re.findall(r"Using cached notebook", log)),
        "executed_by_mystnb": len(re.findall(r"Executing notebook using", log)),
        "load": (load_before, os.getloadavg()[0]),
        "cpu": (cpu_after.children_user - cpu_before.children_user)
        + (cpu_after.children_system - cpu_before.children_system),
    }


def parallel_comparison(book: Path, rounds: int, sites: Path) -> tuple[list, list]:
    serial, parallel = [], []
    for r in range(rounds):
        order = [True, False] if r % 2 == 0 else [False, True]
        for pin in order:
            result = cold(book, pin, keep=sites / ("one-core" if pin else "parallel"))
            (serial if pin else parallel).append(result)
            print(f"round {r + 1}: cold build, {'one core' if pin else 'parallel'}: {result['seconds']:.1f} s, "
                  f"CPU {result['cpu']:.1f} s (load {result['load'][0]:.1f} -> {result['load'][1]:.1f})",
                  flush=True)
    return serial, parallel


def same_site(sites: Path) -> bool:
    """The one-core and the parallel build give the same site (cells tagged measured excepted)."""
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_reproducible.py"),
                           str(sites / "one-core"), str(sites / "parallel")], capture_output=True, text=True)
    print("one-core and parallel builds give the same site: "
          + ("yes" if proc.returncode == 0 else "NO\n" + proc.stdout[-3000:] + proc.stderr[-2000:]))
    return proc.returncode == 0


def report_parallel(serial: list, parallel: list, n: int) -> bool:
    med = statistics.median
    pages = sorted(set().union(*(r["pages"] for r in serial + parallel)))
    print(f"\nper-page execution seconds (median of {len(serial)} one-core and {len(parallel)} parallel builds)")
    print(f"{'page':<28}{'one core':>10}{'parallel':>10}")
    for p in pages:
        s = med([r["pages"][p] for r in serial if p in r["pages"]])
        q = med([r["pages"][p] for r in parallel if p in r["pages"]])
        print(f"{p:<28}{s:>10.1f}{q:>10.1f}")
    sums_s = [sum(r["pages"].values()) for r in serial]
    sums_p = [sum(r["pages"].values()) for r in parallel]
    print(f"{'sum of the pages':<28}{med(sums_s):>10.1f}{med(sums_p):>10.1f}")
    print(f"{'slowest page':<28}{med([max(r['pages'].values()) for r in serial]):>10.1f}"
          f"{med([max(r['pages'].values()) for r in parallel]):>10.1f}")
    pre = [r["preexec"] for r in parallel if r["preexec"] is not None]
    if pre:
        print(f"{'pre-execution (wall)':<28}{'':>10}{med(pre):>10.1f}")
    print(f"\n{'cold build (wall seconds)':<40}{'one core':>10}{'parallel':>10}{'ratio':>8}"
          f"{'CPU one core':>14}{'CPU parallel':>14}")
    for i, (s, q) in enumerate(zip(serial, parallel)):
        print(f"{'round ' + str(i + 1):<40}{s['seconds']:>10.1f}{q['seconds']:>10.1f}"
              f"{s['seconds'] / q['seconds']:>8.2f}{s['cpu']:>14.1f}{q['cpu']:>14.1f}")
    ratio = med([s["seconds"] for s in serial]) / med([q["seconds"] for q in parallel])
    print(f"{'median':<40}{med([s['seconds'] for s in serial]):>10.1f}"
          f"{med([q['seconds'] for q in parallel]):>10.1f}{ratio:>8.2f}")
    misses = [(q["cached"], q["executed_by_mystnb"]) for q in parallel]
    ok_cache = all(c == n and e == 0 for c, e in misses)
    print(f"parallel builds: myst-nb found every page cached: {'yes' if ok_cache else 'NO ' + str(misses)}")
    slowest = max(max(r["pages"].values()) for r in serial + parallel)
    print(f"goals: parallel >= 1.7x one core: {'met' if ratio >= 1.7 else 'MISSED'} ({ratio:.2f}); "
          f"no page over 60 s: {'met' if slowest <= 60 else 'MISSED'} (slowest {slowest:.1f} s)")
    return ok_cache


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="pairs of cold builds, one core and parallel")
    parser.add_argument("--skip-floor", action="store_true", help="leave out the floor book")
    parser.add_argument("--skip-touch", action="store_true", help="leave out the rebuild after a package change")
    args = parser.parse_args()
    n = len(executed_pages())
    print(f"{n} executed pages; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start",
          flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book, floor = tmp / "book", tmp / "floor"
        copy_repo(book)
        serial, parallel = parallel_comparison(book, args.rounds, tmp)
        same = same_site(tmp)
        nochange, log = build(book)
        rows = [("book: rebuild, nothing changed", nochange)]
        if not args.skip_touch:
            init = book / "optimizers" / "__init__.py"
            init.write_text(init.read_text() + "\n# touched by benchmarks/build_time.py\n")
            rows.append(("book: rebuild after a package change", build(book)[0]))
        if not args.skip_floor:
            make_floor(floor, n)
            floor_cold = build(floor)[0]
            rows.insert(0, ("floor: cold build", floor_cold))
    ok = report_parallel(serial, parallel, n)
    cold_par = statistics.median([q["seconds"] for q in parallel])
    rows.insert(1 if not args.skip_floor else 0, ("book: cold build, parallel (median)", cold_par))
    print(f"\n{'build':<40}{'seconds':>10}" + (f"{'x floor':>10}" if not args.skip_floor else ""))
    for name, secs in rows:
        print(f"{name:<40}{secs:>10.1f}" + (f"{secs / floor_cold:>10.2f}" if not args.skip_floor else ""))
    goals = f"no-change rebuild < 10 s: {'met' if nochange < 10 else 'MISSED'}"
    if not args.skip_floor:
        goals = f"cold build <= 1.5x floor: {'met' if cold_par <= 1.5 * floor_cold else 'MISSED'}; " + goals
    print("goals: " + goals)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
