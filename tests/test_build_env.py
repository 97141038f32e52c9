"""book/_ext/build_env.py: a direct `jupyter-book build .` gets the environment `make book` sets."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import build_env  # noqa: E402


def test_defaults_fill_only_what_is_missing():
    env = {"OPENBLAS_NUM_THREADS": "2", "PYTHONHASHSEED": ""}
    added = build_env.apply(env)
    assert env["OPENBLAS_NUM_THREADS"] == "2"          # the caller's choice is kept
    assert env["PYTHONHASHSEED"] == "0" and added["PYTHONHASHSEED"] == "0"
    assert env["SOURCE_DATE_EPOCH"] == "1767225600"
    assert set(added) == set(build_env.DEFAULTS) - {"OPENBLAS_NUM_THREADS"}


def test_the_makefile_sets_the_same_values():
    make = (ROOT / "Makefile").read_text()
    for key, value in build_env.DEFAULTS.items():
        assert re.search(rf"^export {key} := {value}$", make, re.M), key


def test_it_is_the_first_local_extension():
    config = (ROOT / "_config.yml").read_text()
    block = config.split("local_extensions:", 1)[1]
    first = re.search(r"^\s+(\w+): book/_ext", block, re.M)
    assert first and first.group(1) == "build_env"
