"""The reader's notebook (book/_ext/reader_notebook.py): MyST in, plain Markdown with the site's numbers out."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("mdit_py_plugins")
pytest.importorskip("sphinx")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import reader_notebook as rn  # noqa: E402


@pytest.fixture
def ctx():
    return rn.Context(
        docname="book/adam",
        glue={"adam_lr": {"data": {"text/plain": "0.0031622776601683794"}},
              "adam_name": {"data": {"text/plain": "'AMSGrad'"}},
              "adam_n": {"data": {"text/plain": "4000"}},
              "adam_table": {"data": {"text/markdown": "| a |\n|---|\n| 1 |"}}},
        fignumbers={"book/adam": {"figure": {"fig-adam-path": (10, 2)}, "displaymath": {"equation-eq-adam": (10, 1)},
                                  "exercise": {"ex-adam-1": (10, 1)}, "algorithm": {"alg-adam": (10, 1)}},
                    "book/momentum": {"displaymath": {"equation-eq-mom": (6, 3)}}},
        titles={"book/adam": "Adam", "book/momentum": "Momentum", "book/references": "References"},
        labels={"momentum": ("book/momentum", "momentum", "Momentum")},
        citations={"kingma2015": ("Kingma and Ba", "2015"), "reddi2018": ("Reddi et al.", "2018")},
        numfig_format={"figure": "Fig. %s", "exercise": "Exercise %s", "algorithm": "algorithm %s"},
        baseurl="https://example.org/book/",
        substitutions={"pip_line": "```bash\npip install x\n```"},
    )


@pytest.mark.parametrize("source, expected", [
    ("rate {glue:text}`adam_lr:.3g` here", "rate 0.00316 here"),
    ("name {glue:text}`adam_name`", "name AMSGrad"),
    ("n = {glue:}`adam_n`", "n = 4000"),
    ("see {eq}`eq-adam`", "see (10.1)"),
    ("see {eq}`eq-mom`", "see [(6.3)](https://example.org/book/book/momentum.html#equation-eq-mom)"),
    ("{numref}`fig-adam-path` shows", "Fig. 10.2 shows"),
    ("{numref}`Figure %s <fig-adam-path>`", "Figure 10.2"),
    ("{prf:ref}`alg-adam`", "Algorithm 10.1"),
    ("as in {doc}`momentum`", "as in [Momentum](https://example.org/book/book/momentum.html)"),
    ("as in {doc}`the chapter <momentum>`", "as in [the chapter](https://example.org/book/book/momentum.html)"),
    ("{ref}`momentum`", "[Momentum](https://example.org/book/book/momentum.html#momentum)"),
    ("Adam {cite}`kingma2015`", "Adam ([Kingma and Ba 2015](https://example.org/book/book/references.html))"),
    ("{cite}`kingma2015,reddi2018`",
     "([Kingma and Ba 2015; Reddi et al. 2018](https://example.org/book/book/references.html))"),
    ("{cite:t}`reddi2018` show", "[Reddi et al. (2018)](https://example.org/book/book/references.html) show"),
    ("{func}`optimizers.run`", "`optimizers.run`"),
    ("code `{eq}` stays", "code `{eq}` stays"),
    ("(adam-target)=\n# Adam", "# Adam"),
])
def test_roles_and_targets(ctx, source, expected):
    assert rn.convert_markdown(source, ctx) == expected
    assert not ctx.problems


def test_math_block_gets_the_site_number(ctx):
    src = "```{math}\n:label: eq-adam\nx_{t+1} = x_t - \\eta g_t\n```"
    assert rn.convert_markdown(src, ctx) == "$$\nx_{t+1} = x_t - \\eta g_t \\tag{10.1}\n$$"


def test_exercise_and_solution_blocks(ctx):
    src = ("```{exercise} Bias correction\n:label: ex-adam-1\n\nShow {eq}`eq-adam`.\n```\n\n"
           "````{solution} ex-adam-1\n:class: dropdown\n\nIt is.\n\n```python\nprint(1)\n```\n````")
    out = rn.convert_markdown(src, ctx)
    assert out.startswith("> **Exercise 10.1 (Bias correction)**\n>\n> Show (10.1).")
    assert "> **Solution to Exercise 10.1**" in out
    assert "> ```python\n> print(1)\n> ```" in out
    assert "{" not in out.replace("{t+1}", "")


def test_gated_solution_and_algorithm(ctx):
    assert rn.convert_markdown("```{solution-start} ex-adam-1\n:class: dropdown\n```", ctx) == \
        "**Solution to Exercise 10.1**"
    assert rn.convert_markdown("Text\n\n```{solution-end}\n```\n\nMore", ctx) == "Text\n\nMore"
    out = rn.convert_markdown("```{prf:algorithm} Adam\n:label: alg-adam\n\n1. step\n```", ctx)
    assert out == "> **Algorithm 10.1 (Adam)**\n>\n> 1. step"


def test_glued_markdown_and_admonition(ctx):
    assert rn.convert_markdown("```{glue:md} adam_table\n:format: myst\n```", ctx) == "| a |\n|---|\n| 1 |"
    assert rn.convert_markdown("```{note}\nBe careful.\n```", ctx) == "> **Note.** Be careful."


def test_code_fences_are_left_alone(ctx):
    src = "```python\nx = {eq}`not-a-role`\n```"
    assert rn.convert_markdown(src, ctx) == src


def test_unknown_references_are_reported(ctx):
    rn.convert_markdown("{glue:text}`missing:.2f` and {eq}`nope`", ctx)
    assert ctx.problems == ["no glued value 'missing'", "no equation 'nope'"]


def test_reader_notebook_drops_hidden_cells_and_installs_first(ctx):
    nb = {"cells": [
        {"cell_type": "code", "metadata": {}, "source": "import optimizers as opt", "outputs": []},
        {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "source": "from myst_nb import glue",
         "outputs": []},
        {"cell_type": "markdown", "metadata": {}, "source": ["(t)=\n"]},
        {"cell_type": "markdown", "metadata": {}, "source": ["The rate is {glue:text}`adam_lr:.2e`."]},
    ], "metadata": {"kernelspec": {"name": "python3"}, "jupytext": {}, "source_map": [1]},
        "nbformat": 4, "nbformat_minor": 5}
    before = repr(nb)
    out = rn.reader_notebook(nb, ctx, "Adam", "https://github.com/o/r")
    assert repr(nb) == before                              # the input is not modified
    kinds = [c["cell_type"] for c in out["cells"]]
    assert kinds == ["markdown", "code", "code", "markdown"]  # intro, install, import, text (empty cell dropped)
    assert "git+https://github.com/o/r" in out["cells"][1]["source"]
    assert "optimizers-book[plot,data]" in out["cells"][1]["source"]
    assert out["cells"][3]["source"] == "The rate is 3.16e-03."
    assert set(out["metadata"]) == {"kernelspec", "optimizers_reader_notebook"}


def test_measured_prose_gets_a_cell_of_its_own(ctx):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source":
                     "Before.\n\n```{container} measured\nIt took {glue:text}`adam_n` s.\n```\n\nAfter."}],
          "metadata": {}}
    cells = rn.reader_notebook(nb, ctx, "Adam", "https://github.com/o/r")["cells"][2:]
    assert [c["source"] for c in cells] == ["Before.", "It took 4000 s.", "After."]
    assert [c["metadata"].get("tags") for c in cells] == [None, ["measured"], None]


def test_substitutions_are_filled_in(ctx):
    assert rn.convert_markdown("Install:\n\n{{ pip_line }}\n\nDone.", ctx) == \
        "Install:\n\n```bash\npip install x\n```\n\nDone."
    rn.convert_markdown("{{ nothing }}", ctx)
    assert ctx.problems == ["no substitution 'nothing'"]
