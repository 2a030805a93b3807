# vilka — two commands: `make run` (app on the embedded dataset) and `make test` (whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
WAREHOUSE ?= $(or $(VILKA_WAREHOUSE),data/warehouse.duckdb)

.PHONY: run test lint bench snapshot clean-warehouse scale-check

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(WAREHOUSE): $(VENV)/.runtime data/snapshot/raw_vacancies.parquet
	$(PY) -m pipelines load-snapshot --warehouse $(WAREHOUSE)

run: $(VENV)/.runtime $(WAREHOUSE)
	VILKA_WAREHOUSE=$(WAREHOUSE) $(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

test: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m ruff check .

# Issue #12's proof, run by .ci/run after `make test`: the Spark parity at 100 000 generated
# vacancies, then every page's browser tests on a Parquet lake that Spark built from the embedded snapshot.
SCALE := $(or $(TMPDIR),/tmp)/vilka-scale-check
scale-check: $(VENV)/.dev
	rm -rf $(SCALE) && mkdir -p $(SCALE)/raw
	VILKA_PARITY_ITEMS=100000 $(PY) -m pytest -q -p no:cacheprovider tests/test_spark.py
	$(PY) -m pipelines rebuild --engine spark --master 'local[2]' --raw $(SCALE)/raw --lake $(SCALE)/lake
	VILKA_E2E_WAREHOUSE=$(SCALE)/lake $(PY) -m pytest -q -p no:cacheprovider tests/e2e \
	  --ignore=tests/e2e/test_concurrency.py  # that one refreshes its own DuckDB file, not the served warehouse
	rm -rf $(SCALE)

bench: $(VENV)/.dev
	$(PY) -m benchmarks

snapshot: $(VENV)/.runtime
	$(PY) scripts/build_snapshot.py

clean-warehouse:
	rm -f $(WAREHOUSE) $(WAREHOUSE).wal $(basename $(WAREHOUSE)).v*$(suffix $(WAREHOUSE))* $(dir $(WAREHOUSE)).$(notdir $(WAREHOUSE)).lock
