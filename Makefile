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

# The whole suite on SQLite, then again on PostgreSQL when one answers on 127.0.0.1:5432
# (CI sets LANDCYCLE_REQUIRE_POSTGRES=1 so that a missing server fails instead of skipping).
test: check
	$(BIN)/python -m pytest -q
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG)/test', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL =="; \
		DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest -q; \
	elif $(BIN)/python -c "import psycopg; psycopg.connect('$(PG)/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "PostgreSQL answers on 127.0.0.1:5432 but has no database 'test': create it with" \
		     "psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE test'" >&2; \
		if [ -n "$$LANDCYCLE_REQUIRE_POSTGRES" ]; then exit 1; fi; \
	elif [ -n "$$LANDCYCLE_REQUIRE_POSTGRES" ]; then echo "PostgreSQL is required but not reachable on 127.0.0.1:5432" >&2; exit 1; \
	else echo "== PostgreSQL not reachable on 127.0.0.1:5432: skipped (CI requires it) =="; fi

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q

test-postgres: $(STAMP)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) var test-artifacts
