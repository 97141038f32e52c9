"""The build's own environment, so `jupyter-book build .` run directly gives the same site as `make book`.

The pages run in Jupyter kernels, which inherit the environment of the build. Three settings make their output the
same on every machine and in every build, and they used to live only in the Makefile:

- one BLAS thread (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``): multi-threaded BLAS sums in
  an order that depends on the thread count and timing, so results can differ in the last bits; on a 2-core
  machine running pages in parallel, one thread each is also faster;
- ``PYTHONHASHSEED=0`` for the kernels: a page that iterates over a set gets the same order every time;
- ``SOURCE_DATE_EPOCH``: figures and pages carry this date instead of the build's (matplotlib's SVG metadata,
  Sphinx's copyright year), so two builds give the same bytes.

Each is set only where the caller has not set it (a reader who wants all cores can still ask for them). This is
done when the extension is loaded, before any configuration is read or any kernel is started. The Sphinx process
itself runs with whatever hash seed Python gave it: the site does not depend on it (``make test`` builds the
second, compared copy of the book with another seed).
"""

from __future__ import annotations

import os

DEFAULTS = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "SOURCE_DATE_EPOCH": "1767225600",  # 2026-01-01T00:00:00Z
}


def apply(environ=os.environ) -> dict:
    """Set each default that ``environ`` lacks; returns what was set."""
    added = {k: v for k, v in DEFAULTS.items() if not environ.get(k)}
    environ.update(added)
    return added


def setup(app):
    apply()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
