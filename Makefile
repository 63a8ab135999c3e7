# Calculus for Machine Learning: one entry point for readers, students, instructors and CI.
#   make book       build the whole HTML book into _build/html (creates .venv on first use)
#   make test       run the whole test suite (builds the book first; installs Chromium if root)
#   make exercises  regenerate the student notebooks in exercises/ from solutions/
#   make student-bundle  what students install (no answers): _build/student-bundle
#   make lint       ruff over the package, the autograder, the tests and the benchmarks
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# numpy's BLAS threads only spin on small matrices; one thread is faster on 2 cores
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: env book test exercises student-bundle lint bench clean system-deps

$(STAMP): requirements.txt pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -e .
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

env: $(STAMP)

# The execution cache is keyed by each page's code, not by the calcml it imports: when
# calcml changes, every page is read and executed again.
CALCML_HASH = $(shell cat $$(find calcml -type f \( -name '*.py' -o -name '*.json' \) | sort) | sha256sum | cut -c1-16)

# Sphinx rewrites a page only when its source, the configuration or a template changed,
# not when the book's own extension (scripts/static_assets.py: CSS, scripts, download
# links) did: then every page is written again (the execution cache is kept).
BOOK_EXT_HASH = $(shell cat scripts/static_assets.py | sha256sum | cut -c1-16)

book: env
	$(BIN)/python scripts/static_assets.py
	@if [ "$$(cat _build/.calcml-hash 2>/dev/null)" != "$(CALCML_HASH)" ]; then \
	  rm -rf _build/.jupyter_cache _build/.doctrees _build/jupyter_execute && mkdir -p _build && echo $(CALCML_HASH) > _build/.calcml-hash; fi
	@if [ "$$(cat _build/.book-ext-hash 2>/dev/null)" != "$(BOOK_EXT_HASH)" ]; then \
	  rm -rf _build/.doctrees _build/html && mkdir -p _build && echo $(BOOK_EXT_HASH) > _build/.book-ext-hash; fi
	$(BIN)/jupyter-book build . -W -n --keep-going

system-deps:
	bash scripts/system-deps.sh

exercises: env
	$(BIN)/python -m autograder.release

student-bundle: env
	$(BIN)/python -m autograder.cli release --all --to _build/student-bundle

lint: env
	$(BIN)/ruff check calcml autograder tests benchmarks scripts

test: env system-deps book
	$(BIN)/ruff check calcml autograder tests benchmarks scripts
	$(BIN)/python -m pytest

bench: env
	$(BIN)/python benchmarks/book_build.py

clean:
	rm -rf _build book_static
