# Stepscope: `make run` serves the product, `make test` runs every check.
# Both set up everything they need from this repository's own files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps browser-deps lint typecheck pytest bench clean worker

setup: $(STAMP) system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's graphviz draws the graphs. Install it when `dot` is missing.
system-deps:
	@bash scripts/apt-ensure.sh dot graphviz

# Debian's chromium drives the browser tests.
browser-deps:
	@bash scripts/apt-ensure.sh chromium chromium

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py bootstrap
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	bash scripts/serve.sh $(HOST) $(PORT)

# A Celery worker with embedded beat (-B: the periodic sweep of lost steps); needs REDIS_URL.
worker: setup
	@test -n "$$REDIS_URL" || { echo "make worker: set REDIS_URL (without it tasks run in-process)" >&2; exit 1; }
	mkdir -p $${STEPSCOPE_VAR_DIR:-var}
	$(BIN)/celery -A config worker -B --schedule $${STEPSCOPE_VAR_DIR:-var}/celerybeat-schedule --loglevel=info

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup browser-deps
	$(BIN)/python -m pytest

test: setup browser-deps lint typecheck pytest

bench: setup
	$(BIN)/python bench/graph_layout.py
	$(BIN)/python bench/history_import.py
	$(BIN)/python bench/simulate_throughput.py
	$(BIN)/python bench/live_latency.py && $(BIN)/python bench/live_viewers.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
