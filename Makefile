# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint format docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Serve the app on the embedded SQLite default (home: COFFEECHAT_HOME or the platform's data dir).
run: $(STAMP)
	$(BIN)/coffeechat serve $(ARGS)

## The whole suite: on SQLite, then on PostgreSQL when COFFEECHAT_TEST_DATABASE_URL points at one.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest
	$(BIN)/python tests/run_postgres.py

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest

## The PostgreSQL run alone (skipped with a message unless COFFEECHAT_TEST_DATABASE_URL is set).
test-postgres: $(STAMP)
	$(BIN)/python tests/run_postgres.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Regenerate docs/cli.md (and the cached top-level help) from the commands' --help.
docs: $(STAMP)
	$(BIN)/python -m coffeechat.cli.docs > docs/cli.md

## Benchmarks at full scale (about a minute on SQLite); ARGS="--scale 0.05" for a quick run.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
