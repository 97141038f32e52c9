"""Tie executed outputs to the exact source of the ``optimizers`` package, so no stale figure survives.

jupyter-cache keys a page's cached outputs on its code cells only: change the package and a page whose
cells are unchanged would be served from the cache with the old package's numbers. This extension

* hashes every file of ``optimizers/`` and points myst-nb's execution cache at a folder named after the
  hash, so a changed package starts from an empty cache (and the folders of older hashes are removed);
* marks every page outdated when the hash differs from the one the Sphinx environment was built with,
  so Sphinx re-reads (and myst-nb re-executes) them instead of reusing the pickled doctrees.

Every page of the book imports the package, so "the pages that use it" is every page.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "optimizers"


def package_hash(root: Path = PACKAGE) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()[:16]


def _set_cache_path(app, config):
    digest = package_hash()
    app.optimizers_package_hash = digest
    base = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    if base.name.startswith("pkg-"):
        base = base.parent
    config.nb_execution_cache_path = str(base / f"pkg-{digest}")
    if base.is_dir():
        for old in base.glob("pkg-*"):
            if old.name != f"pkg-{digest}":
                shutil.rmtree(old, ignore_errors=True)


def _outdated(app, env, added, changed, removed):
    digest = app.optimizers_package_hash
    if getattr(env, "optimizers_package_hash", None) != digest:
        env.optimizers_package_hash = digest
        return sorted(set(env.found_docs) - set(added) - set(removed))
    return []


def setup(app):
    app.connect("config-inited", _set_cache_path, priority=900)
    app.connect("env-get-outdated", _outdated)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
