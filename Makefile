# Two commands: `make book` builds the site, `make test` runs every check (the strict book build included).
# Both create .venv when it is missing and install what they need into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
JB     := $(BIN)/jupyter-book
# Figures and pages carry no build date or random ids, so two builds give the same bytes.
export SOURCE_DATE_EPOCH := 1767225600
export PYTHONHASHSEED := 0
# Pages run in their own kernels on a 2-core machine: one BLAS thread each is faster and gives the same bits every run.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: book pdf book-strict book-repro book-instructor test venv reader-venv page lighthouse clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The reader's environment: the package with only its plot and data extras, and IPython (as every notebook has).
# `make test` runs each page's visible cells in it (scripts/reader_run.py), without Jupyter Book or myst-nb.
READER := .venv-reader
READER_STAMP := $(READER)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

$(READER_STAMP): pyproject.toml
	$(PYTHON) -m venv $(READER)
	$(READER)/bin/python -m pip install --quiet --upgrade pip
	$(READER)/bin/python -m pip install --quiet -e ".[plot,data]" ipython
	rm -f $(READER)/.installed-*
	touch $(READER_STAMP)

reader-venv: $(READER_STAMP)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,book]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

## make book: build the HTML site into _build/html (executed outputs are cached; a change to optimizers/ re-executes)
book: $(STAMP)
	$(JB) build . --builder html
	$(MAKE) pdf
	@echo "Open _build/html/index.html in a browser."

## make pdf: the whole book as one PDF, _build/pdf/optimizers.pdf: the built site's pages printed by Chromium
## (scripts/print_pdf.py), copied into the site as optimizers.pdf, which every page's download menu links.
## Without Chromium (or Playwright) it says so, makes no PDF and exits 0 (the pages then carry no link to one).
pdf: $(STAMP)
	@test -f _build/html/index.html || $(JB) build . --builder html
	rm -f _build/pdf/optimizers.pdf _build/html/optimizers.pdf
	$(BIN)/python scripts/print_pdf.py _build/html _build/pdf/optimizers.pdf
	@if test -f _build/pdf/optimizers.pdf; then cp _build/pdf/optimizers.pdf _build/html/optimizers.pdf; fi

## the same build with warnings as errors, as `make test` runs it
book-strict: $(STAMP)
	$(JB) build . --builder html -W -n --keep-going

## make book-instructor: the book without the solutions to its exercises, into _build/instructor/_build/html
## (BOOK_EDITION is read by book/_ext/edition.py; the pages' outputs come from make book's execution cache)
book-instructor: $(STAMP)
	BOOK_EDITION=instructor $(JB) build . --builder html --path-output _build/instructor -W -n --keep-going
	INSTRUCTOR_HTML=_build/instructor/_build/html $(BIN)/python -m pytest -q -p no:cacheprovider \
	  tests/book/test_edition_html.py -k instructor
	@echo "Open _build/instructor/_build/html/index.html in a browser."

## two clean builds give the same bytes (outputs of cells tagged `measured` excepted). The second is a direct
## `jupyter-book build .` as a reader runs it: none of the variables above, and a random hash seed for Sphinx
## (book/_ext/build_env.py gives the kernels the same environment as make's)
book-repro: $(STAMP)
	rm -rf _build/repro
	env -u PYTHONHASHSEED -u SOURCE_DATE_EPOCH -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS -u MKL_NUM_THREADS \
	  $(JB) build . --builder html --path-output _build/repro -W -n --keep-going
	$(BIN)/python scripts/check_reproducible.py _build/html _build/repro/_build/html

# axe-core, the accessibility engine the browser tests run in every page, pinned: the npm package (Deque's own
# release; README: how to move the pin). Without npm the tests say it is missing and fail (`make test`) or skip.
AXE_CORE := 4.14.1
AXE_DIR  := $(VENV)/axe-core
AXE_STAMP := $(AXE_DIR)/.installed-$(AXE_CORE)

$(AXE_STAMP):
	@if command -v npm >/dev/null 2>&1; then \
	  rm -rf $(AXE_DIR) && npm install --prefix $(AXE_DIR) -E axe-core@$(AXE_CORE) --no-audit --no-fund --loglevel=error \
	  && touch $@; \
	else echo "npm not found: axe-core $(AXE_CORE) not installed, the browser tests' accessibility checks will fail"; fi

## make test: unit tests, doctests, property tests, the strict book build and the checks over the built HTML
test: $(STAMP) $(READER_STAMP) $(AXE_STAMP)
	$(BIN)/python -m pytest --ignore=tests/book --ignore=tests/browser
	$(MAKE) book-strict
	$(MAKE) book-repro
	$(MAKE) pdf
	BOOK_REQUIRED=1 $(BIN)/python -m pytest tests/book tests/browser

## Lighthouse (mobile) scores of every page: a measurement, not a test (needs npm; see benchmarks/lighthouse.py)
lighthouse: book
	test -x $(VENV)/lighthouse/node_modules/.bin/lighthouse || \
	  npm install --prefix $(VENV)/lighthouse -E lighthouse@12.2.3 --no-audit --no-fund --loglevel=error
	$(BIN)/python benchmarks/lighthouse.py

## make page PAGE=book/momentum.md: execute and build one page on its own (for writing a page)
page: $(STAMP) $(READER_STAMP)
	$(BIN)/python scripts/check_page.py $(PAGE)

clean:
	rm -rf _build .pytest_cache .hypothesis
