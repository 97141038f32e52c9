"""What the checks over the built book share: where the book is, and what happens when a part of it is missing.

`make test` sets BOOK_REQUIRED, so a missing build is an error there; elsewhere (a plain `pytest`) the checks skip
with a message that says what to build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))


def need(present: bool, missing: str, hint: str) -> None:
    """Fail (under BOOK_REQUIRED) or skip the calling test module unless ``present``."""
    if present:
        return
    if os.environ.get("BOOK_REQUIRED"):
        raise RuntimeError(f"{missing}: {hint}")
    pytest.skip(f"{missing} ({hint})", allow_module_level=True)


def need_book() -> None:
    need((HTML / "index.html").exists(), f"the book is not built ({HTML} has no index.html)",
         "run `make book-strict`, or `make test`, which builds it first")
