# One command to run, one to test; both set everything up on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
PIP := $(BIN)/python -m pip -q --disable-pip-version-check
# The exact versions, with hashes: runtime (the image) and runtime + embedded + dev (make).
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
COMPILE := $(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

.PHONY: setup run test lint typecheck contracts pytest schema bench bench-national clean lock

# Installs only what the lock file pins (hash-checked), then kinerja itself without resolving.
$(STAMP): pyproject.toml $(DEV_LOCK)
	$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "kinerja needs Python 3.11+"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install --require-hashes -r $(DEV_LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $(STAMP)

# After changing dependencies in pyproject.toml: pin them again (both files), then commit them.
lock: setup
	$(COMPILE) --build-deps-for wheel -o $(LOCK) pyproject.toml
	$(COMPILE) --build-deps-for editable --extra dev --extra embedded -c $(LOCK) \
		-o $(DEV_LOCK) pyproject.toml

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

# The benchmark's peers are no dependency of the service: the eventsourcing library's own
# PostgreSQL persistence comes from pip here, PostGraphile from npm on first use (bench/.peers).
bench: setup
	$(PIP) install 'eventsourcing[postgres]>=9.4,<10'
	$(BIN)/python -m bench.run

# 10,000,000 events and 1,000,000 employees against 10,000 events (bench/NATIONAL.md); about
# 10 GB of disk while it runs, dropped afterwards. Smaller: make bench-national EVENTS=1000000
EVENTS ?= 10000000
bench-national: setup
	$(BIN)/python -m bench.national --events $(EVENTS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
