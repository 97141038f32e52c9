"""book/_ext/preexecute.py: pages executed in parallel before Sphinx reads them, into the cache myst-nb reads.

The integration tests build a small Sphinx project of three notebook pages with myst-nb and the book's
``build_env``, ``package_cache`` and ``preexecute`` extensions, in a subprocess (as ``jupyter-book build`` runs).
``BOOK_JOBS`` is set, so the tests do not depend on the machine's number of cores; nothing is timed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "book" / "_ext"
sys.path.insert(0, str(EXT))
import preexecute  # noqa: E402

pytest.importorskip("myst_nb")
pytest.importorskip("jupyter_cache")

CONF = f"""
import sys
sys.path.insert(0, {str(EXT)!r})
extensions = ["myst_nb", "build_env", "package_cache", "preexecute"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
exclude_patterns = ["_build"]
"""

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {title}

```{{code-cell}} ipython3
import os
print("cwd", os.path.basename(os.getcwd()), "blas", os.environ.get("OPENBLAS_NUM_THREADS"))
```

```{{code-cell}} ipython3
{body}
```
"""


def make_project(src: Path, bad: bool = False) -> None:
    (src / "pages").mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text("# Index\n\n```{toctree}\npages/a\npages/b\n" + ("pages/bad\n" if bad else "")
                                  + "```\n")
    (src / "pages" / "a.md").write_text(PAGE.format(title="A", body="print(sum(range(10)))"))
    (src / "pages" / "b.md").write_text(PAGE.format(title="B", body="print(open('data.txt').read())"))
    (src / "pages" / "data.txt").write_text("read from the page's own folder")
    if bad:
        (src / "pages" / "bad.md").write_text(PAGE.format(title="Bad", body="raise ValueError('boom')"))


def sphinx(src: Path, jobs: int, out: str = "_build/html") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in build_env_keys()}
    env["BOOK_JOBS"] = str(jobs)
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", str(src),
                           str(src / out)], cwd=src, env=env, capture_output=True, text=True, timeout=600)


def build_env_keys() -> set:
    import build_env

    return set(build_env.DEFAULTS)


def test_jobs_env_then_config_then_cores():
    assert preexecute.jobs(None, {"BOOK_JOBS": "3"}) == 3
    assert preexecute.jobs(2, {"BOOK_JOBS": "1"}) == 1
    assert preexecute.jobs(2, {}) == 2
    assert preexecute.jobs(0, {"BOOK_JOBS": ""}) == len(os.sched_getaffinity(0))
    assert preexecute.jobs(-4, {}) == 1


def test_it_is_loaded_after_package_cache():
    config = (ROOT / "_config.yml").read_text()
    block = config.split("local_extensions:", 1)[1].split("config:", 1)[0]
    names = re.findall(r"^\s+(\w+): book/_ext", block, re.M)
    assert "preexecute" in names and names.index("package_cache") < names.index("preexecute")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = tmp_path_factory.mktemp("parallel") / "src"
    make_project(src)
    proc = sphinx(src, jobs=2)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return src, proc.stdout + proc.stderr


def test_pages_run_in_parallel_into_package_caches_folder(built):
    import package_cache

    src, log = built
    folder = src / "_build" / ".jupyter_cache" / f"pkg-{package_cache.package_hash()}"
    assert f"pre-executing 2 pages, 2 at a time, into {folder}" in log
    assert "pre-executed 2 of 2 pages" in log
    from jupyter_cache import get_cache

    uris = sorted(Path(r.uri).name for r in get_cache(folder).list_cache_records())
    assert uris == ["a.md", "b.md"]


def test_mystnb_finds_every_page_cached(built):
    _, log = built
    assert len(re.findall(r"pages/[ab]\.md: Using cached notebook", log)) == 2, log
    assert "Executing notebook" not in log


def cached(src: Path) -> dict:
    """The executed notebooks in the project's execution cache, by page (myst-nb writes the ones in
    ``jupyter_execute`` without outputs on a cache hit)."""
    from jupyter_cache import get_cache

    (folder,) = (src / "_build" / ".jupyter_cache").glob("pkg-*")
    cache = get_cache(folder)
    return {Path(r.uri).stem: cache.get_cache_bundle(r.pk).nb for r in cache.list_cache_records()}


def test_pages_run_in_their_folder_with_the_build_environment(built):
    src, _ = built
    nbs = cached(src)
    def text(page, i):  # the i-th code cell's printed text
        code = [c for c in nbs[page].cells if c.cell_type == "code"]
        return "".join(code[i].outputs[0]["text"])

    assert text("a", 0) == "cwd pages blas 1\n"  # local CWD, and build_env's one BLAS thread
    assert text("a", 1) == "45\n"
    assert text("b", 1) == "read from the page's own folder\n"
    html = (src / "_build" / "html" / "pages" / "b.html").read_text()
    assert "read from the page&#39;s own folder" in html or "read from the page's own folder" in html


def test_a_second_build_executes_nothing(built):
    src, _ = built
    proc = sphinx(src, jobs=2)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "pre-executing" not in proc.stdout and "Executing notebook" not in proc.stdout


def test_same_outputs_as_myst_nb_one_page_after_another(built, tmp_path):
    src, _ = built
    serial = tmp_path / "src"
    make_project(serial)
    proc = sphinx(serial, jobs=1)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "pre-executing" not in proc.stdout and proc.stdout.count("Executing notebook") == 2
    mine, theirs = cached(src), cached(serial)
    assert sorted(mine) == sorted(theirs) == ["a", "b"]
    for page in mine:
        for nb in (mine[page], theirs[page]):
            for cell in nb.cells:
                cell.pop("id", None)  # random ids from the reader, in either build
        assert mine[page] == theirs[page]


def test_a_failing_cell_fails_the_build_and_names_the_page(tmp_path):
    src = tmp_path / "src"
    make_project(src, bad=True)
    proc = sphinx(src, jobs=2)
    out = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)  # the traceback is coloured, as myst-nb's
    assert proc.returncode != 0
    assert re.search(r"pages/bad\.md: Executing notebook failed: CellExecutionError", out), out[-3000:]
    assert "ValueError: boom" in out
    assert "pre-executed 2 of 3 pages" in out  # the other pages finished and are cached for the next build
