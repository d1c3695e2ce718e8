# The two commands a new user runs: `make run` and `make test`.
# Both create .venv in the repository with the Python found on the machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# pyproject.toml names compatible ranges; requirements.lock the exact versions every install
# takes (`make lock` renews it after a change of pyproject.toml; `make audit` checks it).
LOCK := requirements.lock

.PHONY: run test lint lock audit fuzz bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run the install whenever pyproject.toml or the lock changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade -e '.[dev,bench]'
	echo "# Exact versions of every dependency, from make lock; edit pyproject.toml, not this." > $(LOCK)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' >> $(LOCK)

# Known vulnerabilities in the locked versions (PyPI's advisory data); fails on any.
audit: $(VENV)/.installed-dev
	$(BIN)/pip-audit --requirement $(LOCK) --no-deps --disable-pip --progress-spinner off

run: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py end_expired_shares
	@# The webhook worker runs beside the server and stops with it, however the server ends.
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py deliver_webhooks & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/uvicorn portal.asgi:application --host $(HOST) --port $(PORT) --lifespan off --timeout-graceful-shutdown 10; \
	status=$$?; kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; exit $$status

# The suite in one process per core (TEST_WORKERS=0: in this process alone, e.g. to debug);
# a test file runs whole in one process, so its module fixtures (servers, browsers) start once.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Schemathesis against the running app: a fresh SQLite database in a temporary directory with
# the demo data, uvicorn on a free port, a liaison's write token; every operation and the
# stateful links of the schema, with a fixed seed (tests/fuzz/run_schemathesis.py).
fuzz: $(VENV)/.installed-dev
	$(BIN)/python -m tests.fuzz.run_schemathesis $(FUZZ_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The benchmark on PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL; defaults on
# 127.0.0.1): the full data set, or QUICK=1 for a tenth of it. Results in bench/results/.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run --size $(if $(QUICK),quick,full)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
