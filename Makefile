# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Exact versions with hashes, written from pyproject.toml by `make lock`: what runs the app
# (run.txt), and that plus the test tools and the PostgreSQL driver (dev.txt).
RUN_LOCK := requirements/run.txt
DEV_LOCK := requirements/dev.txt
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# Test processes at once: one per core by default; WORKERS=0 runs the suite in this process.
WORKERS ?= auto
# Whole modules to one worker: a module-scoped server (browser tests) starts once, not per worker.
PYTEST_ARGS := -n $(WORKERS) --dist loadfile --durations=20

# Some environments set PYTHONDONTWRITEBYTECODE=1: then every test process (and every CLI run
# it starts) compiles each module again and pytest rewrites every test module's asserts again,
# and collecting the suite takes 30 s instead of 9. Let Python keep its caches (git ignores them).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-sqlite test-postgres test-random lint format docs bench lock clean

$(BIN)/python:
	@echo "==> Creating the virtual environment $(VENV)"
	$(PYTHON) -m venv $(VENV)

# Only what running needs: no test tools, no PostgreSQL driver.
$(RUN_STAMP): $(RUN_LOCK) pyproject.toml | $(BIN)/python
	@echo "==> Installing what coffeechat needs to run (exact versions from $(RUN_LOCK))"
	$(BIN)/pip install --disable-pip-version-check --require-hashes -r $(RUN_LOCK)
	@echo "==> Installing coffeechat itself from this checkout"
	$(BIN)/pip install --disable-pip-version-check --no-deps -e .
	touch $@

$(DEV_STAMP): $(DEV_LOCK) pyproject.toml | $(BIN)/python
	@echo "==> Installing coffeechat's tools for tests (exact versions from $(DEV_LOCK))"
	$(BIN)/pip install --disable-pip-version-check --require-hashes -r $(DEV_LOCK)
	@echo "==> Installing coffeechat itself from this checkout"
	$(BIN)/pip install --disable-pip-version-check --no-deps -e .
	touch $@

## Serve the app on the embedded SQLite default (home: COFFEECHAT_HOME or the platform's data dir).
run: $(RUN_STAMP)
	@echo "==> Starting coffeechat"
	$(BIN)/coffeechat serve $(ARGS)

## The whole suite: lint, types, then the tests on SQLite and (when COFFEECHAT_TEST_DATABASE_URL
## points at a server) on PostgreSQL, each listing its 20 slowest tests; then the total time.
test: $(DEV_STAMP)
	@started=$$(date +%s); \
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy \
	&& $(BIN)/python -m pytest $(PYTEST_ARGS) $(ARGS) \
	&& $(BIN)/python tests/run_postgres.py $(PYTEST_ARGS) $(ARGS); \
	code=$$?; took=$$(( $$(date +%s) - started )); \
	echo "make test $$( [ $$code -eq 0 ] && echo passed || echo FAILED ) in $$((took / 60)) min $$((took % 60)) s"; \
	exit $$code

test-sqlite: $(DEV_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS) $(ARGS)

## The PostgreSQL run alone (skipped with a message unless COFFEECHAT_TEST_DATABASE_URL is set).
test-postgres: $(DEV_STAMP)
	$(BIN)/python tests/run_postgres.py $(PYTEST_ARGS) $(ARGS)

## The SQLite run in a shuffled order, to catch tests that lean on each other. It prints
## "Using --randomly-seed=N"; SEED=N repeats that order.
test-random: $(DEV_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS) -p randomly $(if $(SEED),--randomly-seed=$(SEED)) $(ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Regenerate docs/cli.md (and the cached top-level help) from the commands' --help.
docs: $(DEV_STAMP)
	$(BIN)/python -m coffeechat.cli.docs > docs/cli.md

## Benchmarks at full scale (about a minute on SQLite); ARGS="--scale 0.05" for a quick run.
bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py $(ARGS)

## Pin every dependency again (newest versions pyproject.toml allows, with hashes), after a
## change to pyproject.toml's dependencies or to pick up fixes. Commit both files.
lock: $(DEV_STAMP)
	$(BIN)/pip-compile --upgrade --allow-unsafe --generate-hashes --strip-extras \
		--extra dev --extra postgres --extra server -o $(DEV_LOCK) pyproject.toml
	$(BIN)/pip-compile --upgrade --allow-unsafe --generate-hashes --strip-extras \
		-c $(DEV_LOCK) -o $(RUN_LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
