"""Where the site lives: the repository and the Pages URL come from the repository that builds the site.

* ``GITHUB_REPOSITORY`` (``owner/name``, set by GitHub Actions), or ``OPTIMIZERS_REPOSITORY`` for a local build
  (``owner/name`` or ``https://github.com/owner/name``; it wins over ``GITHUB_REPOSITORY``), gives the repository
  ``https://github.com/owner/name`` and the site ``https://owner.github.io/name/`` (a user site,
  ``owner/owner.github.io``, is ``https://owner.github.io/``). At ``config-inited`` they become the theme's
  ``repository_url`` and ``html_baseurl``, so the repository, issue and launch buttons, the canonical links and the
  reader's notebooks (install line, link to the page) all follow. Without either variable, ``_config.yml``'s
  ``repository.url`` and ``html.baseurl`` stay: a local build.
* Colab opens the page's executed reader's notebook (``_sources/<page>.ipynb``), which the workflow publishes to the
  branch ``NOTEBOOKS_BRANCH`` of the repository at the same path; the theme can only point Colab at the page's
  source on the book's branch (a MyST ``.md`` file, which Colab cannot open), so the one URL is rewritten in the
  page context. Binder is left as the theme makes it (the MyST page, opened with jupytext).
* The ``.ipynb`` download button gets a ``download`` attribute (and loses ``target="_blank"``), so it saves the
  notebook instead of opening it in a tab. The theme's button macro takes no extra attributes, so the written pages
  are rewritten once at ``build-finished``.
* ``python book/_ext/site_home.py check <html dir>`` (standard library only; the deploy job runs it on the artifact
  it deploys) fails when the site does not name the repository in the environment, or still contains the
  ``_config.yml`` defaults where they differ from it.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

NOTEBOOKS_BRANCH = "notebooks"
CONFIG = Path(__file__).resolve().parents[2] / "_config.yml"
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


@dataclass(frozen=True)
class Home:
    owner: str
    name: str

    @property
    def repository(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    @property
    def site(self) -> str:
        host = f"{self.owner.lower()}.github.io"
        return f"https://{host}/" if self.name.lower() == host else f"https://{host}/{self.name}/"

    def colab(self, path: str, colab_url: str = "https://colab.research.google.com") -> str:
        """Colab's URL of the notebook at ``path`` on the notebooks branch."""
        return f"{colab_url.rstrip('/')}/github/{self.owner}/{self.name}/blob/{NOTEBOOKS_BRANCH}/{path.lstrip('/')}"


def parse(spec: str) -> Home:
    """``owner/name`` or ``https://github.com/owner/name[.git][/]`` as a :class:`Home`."""
    text = spec.strip()
    text = re.sub(r"^(https?://)?github\.com/", "", text).rstrip("/")
    text = re.sub(r"\.git$", "", text)
    parts = text.split("/")
    if len(parts) != 2 or not _NAME.match(parts[0]) or not _REPO.match(parts[1]) or parts[1] in (".", ".."):
        raise ValueError(f"not a GitHub repository (owner/name): {spec!r}")
    return Home(*parts)


def from_environment(environ=os.environ) -> Home | None:
    """The repository that builds the site: ``OPTIMIZERS_REPOSITORY``, else ``GITHUB_REPOSITORY``, else None."""
    for key in ("OPTIMIZERS_REPOSITORY", "GITHUB_REPOSITORY"):
        value = environ.get(key, "").strip()
        if value:
            try:
                return parse(value)
            except ValueError as err:
                raise ValueError(f"{key}: {err}") from None
    return None


def config_defaults(path: Path = CONFIG) -> tuple[str, str]:
    """``repository.url`` and ``html.baseurl`` of ``_config.yml`` (standard library only: the two keys)."""
    found, section = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        top = re.match(r"^([A-Za-z_]\w*):", line)
        if top:
            section = top.group(1)
            continue
        m = re.match(r"^\s+(url|baseurl):\s*['\"]?([^'\"#\s]+)", line)
        if m and (section, m.group(1)) in (("repository", "url"), ("html", "baseurl")):
            found[section] = m.group(2)
    return found.get("repository", ""), found.get("html", "")


# --- the Sphinx extension -------------------------------------------------------------------------------------


def _set_home(app, config):
    from sphinx.errors import ConfigError

    try:
        home = from_environment()
    except ValueError as err:
        raise ConfigError(str(err)) from None
    if home is not None:
        options = dict(config.html_theme_options or {})
        options["repository_url"] = home.repository
        config.html_theme_options = options
        config.html_baseurl = home.site
    repository = (config.html_theme_options or {}).get("repository_url", "")
    config.myst_substitutions = {**(config.myst_substitutions or {}), **substitutions(repository)}


def install_command(repository: str) -> str:
    """The line that installs the book's package, with its plot and data extras, from ``repository``."""
    return f'pip install "optimizers-book[plot,data] @ git+{repository}"'


def substitutions(repository: str) -> dict[str, str]:
    """MyST substitutions for pages that name the repository (``{{ pip_install_from_repository }}`` on a line of
    its own is a code block), so no page types the address."""
    return {"pip_install_from_repository": f"```bash\n{install_command(repository)}\n```"}


def _colab_button(app, pagename, templatename, context, doctree):
    repository = (app.config.html_theme_options or {}).get("repository_url", "")
    launch = (app.config.html_theme_options or {}).get("launch_buttons") or {}
    notebook = context.get("ipynb_source")
    if not (notebook and launch.get("colab_url") and repository):
        return
    try:
        home = parse(repository)
    except ValueError:                     # not on GitHub: Colab cannot open it from there
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = home.colab(notebook, launch["colab_url"])


_NOTEBOOK_LINK = re.compile(r"<a\s[^>]*\bbtn-download-notebook-button\b[^>]*>")


def download_attribute(page: str) -> str:
    """The page's HTML with its notebook download link made a download (idempotent)."""
    def fix(m):
        tag = m.group(0)
        if re.search(r"\sdownload[\s=>]", tag):
            return tag
        href = re.search(r'\shref="([^"]*)"', tag)
        name = _basename(href.group(1)) if href else ""
        attr = f' download="{name}"' if name else " download"
        if ' target="_blank"' in tag:
            return tag.replace(' target="_blank"', attr, 1)
        return tag[:2] + attr + tag[2:]
    return _NOTEBOOK_LINK.sub(fix, page)


def _basename(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _download_links(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    for path in sorted(Path(app.outdir).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "btn-download-notebook-button" not in text:
            continue
        fixed = download_attribute(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
        if any(not re.search(r"\sdownload[\s=>]", tag) for tag in _NOTEBOOK_LINK.findall(fixed)):
            logger.warning(f"{path.relative_to(app.outdir)}: notebook download link without a download attribute",
                           type="site_home")


def setup(app):
    app.connect("config-inited", _set_home, priority=100)      # before the others read repository_url
    app.connect("html-page-context", _colab_button, priority=600)   # after the theme's launch buttons (501)
    app.connect("build-finished", _download_links)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


# --- the deploy check (standard library only) -----------------------------------------------------------------


def check_site(html: Path, home: Home, defaults: tuple[str, str] = ("", "")) -> list[str]:
    """What is wrong with the built site at ``html`` for a site of ``home`` (empty: nothing)."""
    problems = []
    pages = sorted(html.rglob("*.html"))
    if not (html / "index.html").exists():
        return [f"{html}/index.html is missing"]
    seen = {"repository button": 0, "canonical link": 0, "Colab link": 0, "reader's notebook": 0}
    placeholders = [d.rstrip("/") for d in defaults
                    if d and d.rstrip("/") not in (home.repository, home.site.rstrip("/"))]
    for path in pages:
        rel = path.relative_to(html).as_posix()
        text = path.read_text(encoding="utf-8")
        for href in re.findall(r'<a href="([^"]*)"[^>]*\s+class="[^"]*btn-source-repository-button', text):
            seen["repository button"] += 1
            if href.rstrip("/") != home.repository:
                problems.append(f"{rel}: repository button {href}, not {home.repository}")
        for href in re.findall(r'<link rel="canonical" href="([^"]*)"', text):
            seen["canonical link"] += 1
            if not href.startswith(home.site):
                problems.append(f"{rel}: canonical link {href}, not under {home.site}")
        for href in re.findall(r'href="(https://colab\.research\.google\.com/[^"]*)"', text):
            seen["Colab link"] += 1
            if not (href.startswith(home.colab("")) and href.endswith(".ipynb")):
                problems.append(f"{rel}: Colab link {href}, not a notebook under {home.colab('')}")
        for placeholder in placeholders:
            if placeholder in text:
                problems.append(f"{rel}: names {placeholder} (the default of _config.yml)")
    for path in sorted((html / "_sources").rglob("*.ipynb")):
        rel = path.relative_to(html).as_posix()
        text = path.read_text(encoding="utf-8")
        seen["reader's notebook"] += 1
        if f"git+{home.repository}" not in text:
            problems.append(f"{rel}: the install cell does not install from {home.repository}")
        for placeholder in placeholders:
            if placeholder in text:
                problems.append(f"{rel}: names {placeholder} (the default of _config.yml)")
    problems += [f"no {what} in the site" for what, n in seen.items() if n == 0]
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["notebooks-branch"]:
        print(NOTEBOOKS_BRANCH)
        return 0
    if len(argv) != 2 or argv[0] != "check":
        print("usage: site_home.py check <html dir> | notebooks-branch", file=sys.stderr)
        return 2
    home = from_environment()
    if home is None:
        print("neither OPTIMIZERS_REPOSITORY nor GITHUB_REPOSITORY is set: which repository is this site's?",
              file=sys.stderr)
        return 1
    problems = check_site(Path(argv[1]), home, config_defaults())
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s): this is not the site of {home.repository} at {home.site}",
              file=sys.stderr)
        return 1
    print(f"the site names {home.repository} and lives at {home.site}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
