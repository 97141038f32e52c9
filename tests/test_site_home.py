"""Where the site lives (book/_ext/site_home.py): repository and Pages URL from the repository that builds it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import site_home as sh  # noqa: E402


def test_project_site_from_github_repository():
    home = sh.from_environment({"GITHUB_REPOSITORY": "someone/optimizers"})
    assert home.repository == "https://github.com/someone/optimizers"
    assert home.site == "https://someone.github.io/optimizers/"
    assert home.colab("book/momentum.ipynb") == (
        "https://colab.research.google.com/github/someone/optimizers/blob/notebooks/book/momentum.ipynb")


def test_owner_is_lower_case_in_the_host_only():
    home = sh.from_environment({"GITHUB_REPOSITORY": "Some-One/Optimizers"})
    assert home.repository == "https://github.com/Some-One/Optimizers"
    assert home.site == "https://some-one.github.io/Optimizers/"


@pytest.mark.parametrize("repo", ["someone/someone.github.io", "SomeOne/someone.github.io"])
def test_user_site(repo):
    home = sh.from_environment({"GITHUB_REPOSITORY": repo})
    assert home.repository == f"https://github.com/{repo}"
    assert home.site == "https://someone.github.io/"


@pytest.mark.parametrize("value", ["me/fork", "https://github.com/me/fork", "github.com/me/fork/",
                                   "https://github.com/me/fork.git", "  me/fork\n"])
def test_override_wins_over_actions(value):
    home = sh.from_environment({"OPTIMIZERS_REPOSITORY": value, "GITHUB_REPOSITORY": "someone/optimizers"})
    assert (home.repository, home.site) == ("https://github.com/me/fork", "https://me.github.io/fork/")


@pytest.mark.parametrize("environ", [{}, {"GITHUB_REPOSITORY": ""}, {"OPTIMIZERS_REPOSITORY": " "},
                                     {"PATH": "/usr/bin"}])
def test_none_keeps_the_defaults(environ):
    assert sh.from_environment(environ) is None


@pytest.mark.parametrize("value", ["optimizers", "a/b/c", "https://gitlab.com/a/b", "-x/y", "a/..", "a b/c"])
def test_not_a_repository(value):
    with pytest.raises(ValueError, match="OPTIMIZERS_REPOSITORY"):
        sh.from_environment({"OPTIMIZERS_REPOSITORY": value})


def test_config_defaults_are_read_from_config_yml():
    repository, site = sh.config_defaults()
    assert repository.startswith("https://github.com/") and site.startswith("https://")


def test_download_attribute():
    page = ('<li><a href="../_sources/book/momentum.ipynb" target="_blank"\n'
            '   class="btn btn-sm btn-download-notebook-button dropdown-item"\n   title="Download notebook file">'
            '</a></li><a href="x.md" target="_blank" class="btn btn-download-source-button">')
    fixed = sh.download_attribute(page)
    assert '<a href="../_sources/book/momentum.ipynb" download="momentum.ipynb"\n' in fixed
    assert 'href="x.md" target="_blank"' in fixed              # other links untouched
    assert sh.download_attribute(fixed) == fixed                # idempotent


def _site(tmp_path, repo, site, colab):
    (tmp_path / "_sources" / "book").mkdir(parents=True)
    page = (f'<link rel="canonical" href="{site}book/momentum.html" />'
            f'<a href="{colab}" target="_blank" class="btn">Colab</a>'
            f'<a href="{repo}" target="_blank"\n   class="btn btn-sm btn-source-repository-button dropdown-item">')
    (tmp_path / "index.html").write_text(page)
    (tmp_path / "_sources" / "book" / "momentum.ipynb").write_text(f'{{"source": "git+{repo}"}}')
    return tmp_path


def test_check_site_passes_for_its_own_repository(tmp_path):
    home = sh.parse("someone/optimizers")
    html = _site(tmp_path, home.repository, home.site, home.colab("book/momentum.ipynb"))
    assert sh.check_site(html, home, ("https://github.com/placeholder/x", "https://placeholder.github.io/x/")) == []


def test_check_site_refuses_the_placeholder(tmp_path):
    placeholder = sh.parse("placeholder/x")
    html = _site(tmp_path, placeholder.repository, placeholder.site, placeholder.colab("book/momentum.ipynb"))
    problems = sh.check_site(html, sh.parse("someone/optimizers"), (placeholder.repository, placeholder.site))
    assert any("repository button" in p for p in problems)
    assert any("canonical link" in p for p in problems)
    assert any("Colab link" in p for p in problems)
    assert any("install cell" in p for p in problems)
    assert any("default of _config.yml" in p for p in problems)


def test_check_site_refuses_colab_on_the_source(tmp_path):
    home = sh.parse("someone/optimizers")
    html = _site(tmp_path, home.repository, home.site,
                 "https://colab.research.google.com/github/someone/optimizers/blob/main/book/momentum.md")
    assert [p for p in sh.check_site(html, home) if "Colab link" in p]


def test_check_site_needs_a_site(tmp_path):
    assert sh.check_site(tmp_path, sh.parse("someone/optimizers")) == [f"{tmp_path}/index.html is missing"]


def test_check_command_needs_a_repository(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("OPTIMIZERS_REPOSITORY", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    assert sh.main(["check", str(tmp_path)]) == 1
    monkeypatch.setenv("GITHUB_REPOSITORY", "someone/optimizers")
    home = sh.parse("someone/optimizers")
    _site(tmp_path, home.repository, home.site, home.colab("book/momentum.ipynb"))
    assert sh.main(["check", str(tmp_path)]) == 0
    assert sh.main(["notebooks-branch"]) == 0 and capsys.readouterr().out.endswith("notebooks\n")
