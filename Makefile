# One command to run, one to test; both set everything up on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: setup run test lint typecheck contracts pytest schema bench clean

$(STAMP): pyproject.toml
	$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "kinerja needs Python 3.11+"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/kinerja migrate
	exec $(BIN)/kinerja serve

test: setup lint typecheck contracts pytest

lint: setup
	$(BIN)/ruff check domain service schema projections tests bench examples
	$(BIN)/ruff format --check domain service schema projections tests bench examples

typecheck: setup
	$(BIN)/mypy

contracts: setup
	$(BIN)/lint-imports

pytest: setup
	$(BIN)/pytest -q $(PYTEST_ARGS)

schema: setup
	$(BIN)/kinerja schema > schema/schema.graphql

bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
