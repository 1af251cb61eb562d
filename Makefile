# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: $(VENV)/.runtime
	$(BIN)/pip install -q -e '.[test,spark]'
	java -version 2>/dev/null || (apt-get update -q && apt-get install -y -q openjdk-17-jre-headless)
	# The browser tests drive Debian's Chromium through Playwright (no `playwright install`).
	test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium chromium-driver)
	touch $@

demo: $(VENV)/.runtime  ## the main job on bundled sample data, embedded store
	$(BIN)/sellerhealth demo

test: $(VENV)/.test  ## lint + the whole suite, PostgreSQL started and stopped around it
	scripts/test.sh

lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench && $(BIN)/ruff format --check src tests bench

bench: $(VENV)/.test
	$(BIN)/python bench/import_orders.py && $(BIN)/python bench/metrics.py && $(BIN)/python bench/triage.py

clean:
	rm -rf $(VENV) .pgdata test-artefacts
