"""Execute the pages that are not in the execution cache in parallel, before Sphinx reads them.

Jupyter Book 1 reads (and so executes) one page after another, and its ``-j`` is not offered. The pages are
independent notebooks, so this extension runs the ones that need executing at the same time, one kernel per core
(each with one BLAS thread, see ``build_env``), and puts their outputs into the execution cache. When Sphinx then
reads the pages, myst-nb finds every one of them cached ("Using cached notebook") and executes nothing itself.

What it does is myst-nb's own ``cache`` execution (``myst_nb/core/execute/cache.py``), step for step, only earlier
and several at a time:

* the notebook is read from the page by myst-nb's reader with the build's MyST configuration, the kernel name goes
  through ``nb_kernel_rgx_aliases`` and the page's own ``mystnb`` metadata overrides the configuration, so the
  notebook hashes to the same cache key myst-nb will look up;
* the cache is the folder myst-nb will open (``env.mystnb_config.execution_cache_path``, the ``pkg-<hash>`` folder
  that ``package_cache`` chose): nothing here computes a path of its own;
* a page runs in its own folder as working directory (or a temporary one with ``nb_execution_in_temp``), with
  ``nb_execution_timeout`` and ``nb_execution_allow_errors``, through jupyter-cache's ``single_nb_execution``, as
  myst-nb runs it, in a worker process that inherits the build's environment;
* the executed notebook is cached by the build process, one page at a time (the workers never write to the cache
  database), with the execution time myst-nb records.

Only pages in ``cache`` mode that are to be read and are not cached yet are run. Sphinx reads the other pages
first and then these in the order they were started (``env-before-read-docs`` may reorder the pages to read), and
each waits for its own outputs (``source-read``), so Sphinx reads while the kernels run. A page whose cell fails is
not cached; with ``nb_execution_raise_on_error`` the build stops when Sphinx comes to it, with the page named and
its traceback, after the other pages have finished (so their outputs are cached for the next build); without it,
myst-nb runs the page again and reports the failure as it always has. Under ``sphinx-build -j`` (forked readers)
every page is executed before reading starts.

``preexecute_jobs`` (``BOOK_JOBS`` in the environment wins) is the number of pages run at once; by default the
number of cores this process may use (so ``taskset -c 0 jupyter-book build .`` runs them one after another). With
1, or with fewer than two pages to run, this extension does nothing and myst-nb executes the pages one after
another, as without it. Pages start longest first, by the execution times of the last build that ran them (kept
in ``preexecute-times.json`` beside the cache folders, so a change to the package keeps them), else by size.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import suppress
from pathlib import Path, PurePosixPath

from sphinx.errors import SphinxError
from sphinx.util import logging

logger = logging.getLogger(__name__)

TIMES_FILE = "preexecute-times.json"


class PageExecutionError(SphinxError):
    category = "Notebook execution failed"


def jobs(config_value=None, environ=os.environ) -> int:
    """How many pages to run at once: ``BOOK_JOBS``, else ``preexecute_jobs``, else the usable cores."""
    value = environ.get("BOOK_JOBS") or config_value
    if value:
        return max(1, int(value))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def cache_path(env) -> str:
    """The execution cache myst-nb reads: the one this extension writes into."""
    return env.mystnb_config.execution_cache_path


def page_notebook(env, docname: str):
    """``(path, notebook, read_fmt, nb_config)`` for a page, exactly as myst-nb's parser would build them before
    executing it, or None if myst-nb would not execute it in ``cache`` mode."""
    from myst_nb.core.read import create_nb_reader
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    import re

    app = env.app
    path = Path(env.doc2path(docname))
    suffix = next((s for s in app.config.source_suffix if str(path).endswith(s)), None)
    if suffix is None or app.config.source_suffix[suffix] != "myst-nb" or not path.is_file():
        return None
    content = path.read_text(encoding=app.config.source_encoding)
    nb_config = env.mystnb_config
    reader = create_nb_reader(str(path), env.myst_config, nb_config, content)
    if reader is None:
        return None
    notebook = reader.read(content)
    kernel_name = notebook.metadata.get("kernelspec", {}).get("name", None)
    if kernel_name is not None and nb_config.kernel_rgx_aliases:
        for rgx, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(rgx, kernel_name):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        with suppress(Exception):  # myst-nb warns about it when it reads the page
            nb_config = nb_config.copy(**overrides)
    if nb_config.execution_mode != "cache":
        return None
    posix = PurePosixPath(path.as_posix())
    if any(posix.match(pattern) for pattern in nb_config.execution_excludepatterns or ()):
        return None
    return path, notebook, reader.read_fmt, nb_config


def _execute(notebook, cwd, in_temp: bool, timeout, allow_errors: bool):
    """In a worker process: run the notebook as myst-nb does; returns it executed, the seconds, the error."""
    from jupyter_cache.executors.utils import single_nb_execution

    if in_temp:
        with tempfile.TemporaryDirectory() as tmp:
            result = single_nb_execution(notebook, cwd=os.path.abspath(tmp), allow_errors=allow_errors,
                                         timeout=timeout, meta_override=True)
    else:
        result = single_nb_execution(notebook, cwd=os.path.abspath(cwd), allow_errors=allow_errors,
                                     timeout=timeout, meta_override=True)
    err = None if result.err is None else f"{result.err.__class__.__name__}"
    return result.nb, result.time, err, result.exc_string


def _warm() -> None:
    """In a worker process, while Sphinx starts up: import what executing a page needs."""
    import jupyter_cache.executors.utils  # noqa: F401
    import nbclient  # noqa: F401


def _pool(app, n_jobs: int) -> ProcessPoolExecutor:
    pool = getattr(app, "preexecute_pool", None)
    if pool is None:
        pool = app.preexecute_pool = ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("spawn"))
    return pool


def _start_early(app) -> None:
    """``builder-inited``: when the cache folder does not exist yet, every page will run, so start the worker
    processes now, while Sphinx loads the rest of the build."""
    n_jobs = jobs(app.config.preexecute_jobs)
    env = app.env
    if n_jobs < 2 or not getattr(env, "mystnb_config", None) or env.mystnb_config.execution_mode != "cache":
        return
    if not Path(cache_path(env)).exists():
        pool = _pool(app, n_jobs)
        for _ in range(n_jobs):
            pool.submit(_warm)


def _load_times(base: Path) -> dict:
    with suppress(OSError, ValueError):
        return json.loads((base / TIMES_FILE).read_text())
    return {}


def _save_times(base: Path, times: dict) -> None:
    with suppress(OSError):
        base.mkdir(parents=True, exist_ok=True)
        (base / TIMES_FILE).write_text(json.dumps(times, indent=1, sort_keys=True) + "\n")


class _Run:
    """The pages being executed: the pool, a future per page, and what the build process does with each result."""

    def __init__(self, app, env, todo, n_jobs):
        from jupyter_cache import get_cache

        self.cache = get_cache(cache_path(env))
        self.base = Path(cache_path(env)).parent
        self.times = _load_times(self.base)
        self.start = time.perf_counter()
        self.app = app
        self.pool = _pool(app, n_jobs)
        self.pending = {}   # docname -> future, until its result is cached
        self.pages = {}     # docname -> (path, read_fmt, nb_config)
        self.failed = []
        self.total = len(todo)
        for docname, path, notebook, read_fmt, nb_config in todo:
            self.pending[docname] = self.pool.submit(_execute, notebook, str(path.parent),
                                                     nb_config.execution_in_temp, nb_config.execution_timeout,
                                                     nb_config.execution_allow_errors)
            self.pages[docname] = (path, read_fmt, nb_config)

    def collect(self, until: str | None = None) -> None:
        """Cache the results of the pages that have finished, waiting until ``until`` has (None: every page)."""
        while self.pending and (until is None or until in self.pending):
            done, _ = wait(self.pending.values(), return_when=FIRST_COMPLETED)
            for docname in [d for d, f in self.pending.items() if f in done]:
                self._store(docname, self.pending.pop(docname))
        if until is not None and any(f[0] == self.pages[until][0] and f[3].execution_raise_on_error
                                     for f in self.failed):
            self.collect()  # the build stops at this page: first let the others finish, and cache them
        if not self.pending and self.pool is not None:
            self.close()
            logger.info(f"pre-executed {self.total - len(self.failed)} of {self.total} pages in "
                        f"{time.perf_counter() - self.start:.1f} s")
            _save_times(self.base, self.times)
            fatal = [f for f in self.failed if f[3].execution_raise_on_error]
            if fatal:
                raise PageExecutionError("\n".join(
                    f"{path}: Executing notebook failed: {err}" + (f"\n{exc}" if cfg.execution_show_tb else "")
                    for path, err, exc, cfg in fatal))

    def _store(self, docname, future) -> None:
        from jupyter_cache.base import CacheBundleIn
        from jupyter_cache.cache.db import NbProjectRecord

        path, read_fmt, nb_config = self.pages[docname]
        try:
            executed, seconds, err, exc_string = future.result()
        except Exception as exc:  # the kernel died, or could not start: as with myst-nb, the build stops
            self.close()
            raise PageExecutionError(f"{path}: {exc.__class__.__name__}: {exc}") from exc
        if read_fmt is not None:
            record = self.cache.add_nb_to_project(str(path), read_data=read_fmt)
        else:
            record = self.cache.add_nb_to_project(str(path))
        NbProjectRecord.remove_tracebacks([record.pk], self.cache.db)
        if err is not None:
            self.failed.append((path, err, exc_string, nb_config))
            NbProjectRecord.set_traceback(record.uri, exc_string, self.cache.db)
            logger.info(f"pre-executing {docname}: failed ({err}) after {seconds:.1f} s")
            return
        self.cache.cache_notebook_bundle(CacheBundleIn(executed, record.uri, data={"execution_seconds": seconds}),
                                         check_validity=False, overwrite=True)
        self.times[docname] = round(seconds, 2)
        logger.info(f"pre-executed {docname} in {seconds:.1f} s")

    def close(self) -> None:
        if self.pool is not None:
            _close(self.app)
            self.pool = None


def _close(app) -> None:
    pool = getattr(app, "preexecute_pool", None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
        app.preexecute_pool = None


def preexecute(app, env, docnames) -> None:
    """``env-before-read-docs``: start the pages that need executing, and read them in the order they were started,
    after the pages that need none, so Sphinx reads while the kernels run."""
    n_jobs = jobs(app.config.preexecute_jobs)
    if n_jobs < 2 or not getattr(env, "mystnb_config", None) or env.mystnb_config.execution_mode != "cache":
        return
    from jupyter_cache import get_cache

    if not docnames:
        _close(app)
        return
    cache = get_cache(cache_path(env))
    todo = []
    for docname in docnames:
        page = page_notebook(env, docname)
        if page is None:
            continue
        with suppress(KeyError):
            cache.match_cache_notebook(page[1])
            continue
        todo.append((docname, *page))
    if len(todo) < 2:
        _close(app)
        return
    times = _load_times(Path(cache_path(env)).parent)
    todo.sort(key=lambda t: (-times.get(t[0], 0.0), -t[1].stat().st_size, t[0]))
    n_jobs = min(n_jobs, len(todo))
    logger.info(f"pre-executing {len(todo)} pages, {n_jobs} at a time, into {cache_path(env)}")
    run = app.preexecute_run = _Run(app, env, todo, n_jobs)
    if app.parallel > 1 and app.is_parallel_allowed("read"):
        run.collect()  # Sphinx reads in forked processes: have every page cached before it starts
        return
    started = [t[0] for t in todo]
    docnames[:] = [d for d in docnames if d not in run.pages] + started


def _before_read(app, docname, source) -> None:
    """``source-read``: a page being pre-executed is read once its outputs are in the cache."""
    run = getattr(app, "preexecute_run", None)
    if run is not None and docname in run.pending:
        run.collect(until=docname)


def _finished(app, exception) -> None:
    _close(app)


def setup(app):
    app.add_config_value("preexecute_jobs", 0, "env", [int])
    app.connect("builder-inited", _start_early, priority=900)  # after myst-nb's configuration
    app.connect("env-before-read-docs", preexecute)
    app.connect("source-read", _before_read)
    app.connect("build-finished", _finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
