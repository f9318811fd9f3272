# landcycle — `make demo` opens the sample county, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000
PG      = postgresql://postgres@127.0.0.1:5432
STAMP   = $(VENV)/.installed

.PHONY: demo check test test-sqlite test-postgres install browser-deps clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/landcycle demo --port $(PORT)

# The house rules, before any test (docs/contributing.md): formatting and lint (ruff, with the complexity
# threshold), the layers and the absence of import cycles (import-linter), the types of rules/ and of every
# service module (mypy). Each fails the build on its first breach.
check: $(STAMP)
	$(BIN)/ruff format --check --quiet src tests benchmarks
	$(BIN)/ruff check --quiet src tests benchmarks
	PYTHONPATH=src $(BIN)/lint-imports --no-cache
	PYTHONPATH=src $(BIN)/mypy

# The whole suite on SQLite and, when one answers on 127.0.0.1:5432, on PostgreSQL — side by side, each with its
# own LANDCYCLE_HOME and log (scripts/test-suites; CI sets LANDCYCLE_REQUIRE_POSTGRES=1 so that a missing server
# fails instead of skipping).
test: check
	BIN=$(BIN) scripts/test-suites

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q

test-postgres: $(STAMP)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) var test-artifacts
