"""What a reader cites and pins: CITATION.cff, the changelog and the version the site shows all agree.

The version lives in ``pyproject.toml``; the package repeats it (``optimizers.__version__``) and so must the
citation file and the changelog. The footer of the site reads it from ``pyproject.toml`` (``book/_ext/edition.py``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

import optimizers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
pytest.importorskip("sphinx")
import edition  # noqa: E402

VERSION = edition.package_version()


@pytest.fixture(scope="module")
def citation():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_package_version_is_the_pyproject_version():
    assert optimizers.__version__ == VERSION


def test_citation_is_cff_1_2_with_the_package_version(citation):
    for key in ("cff-version", "message", "title", "authors", "version", "license", "repository-code",
                "preferred-citation"):
        assert key in citation, f"CITATION.cff lacks {key}"
    assert citation["cff-version"] == "1.2.0"
    assert str(citation["version"]) == VERSION
    assert citation["authors"] == [{"name": "The Optimizers authors"}]


def test_citation_prefers_the_book_at_the_same_version(citation):
    book = citation["preferred-citation"]
    assert book["type"] == "book"
    assert book["authors"] == [{"name": "The Optimizers authors"}]
    assert str(book["edition"]) == VERSION and str(book["version"]) == VERSION


def test_citation_points_at_the_books_repository(citation):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    assert citation["repository-code"] == url
    assert citation["preferred-citation"]["repository-code"] == url
    assert config["html"]["baseurl"].rstrip("/") == citation["url"].rstrip("/")


def test_changelog_has_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    assert versions[0] == "Unreleased", "the changelog starts with an Unreleased section"
    assert VERSION in versions, f"the changelog has no section for {VERSION}"


def test_package_version_reads_the_project_table(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[build-system]\nrequires = []\n\n[project]\nname = "x"\nversion = "1.2.3"\n')
    assert edition.package_version(pyproject) == "1.2.3"
