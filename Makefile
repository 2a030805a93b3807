# vilka — two commands: `make run` (app on the embedded dataset) and `make test` (whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
WAREHOUSE ?= $(or $(VILKA_WAREHOUSE),data/warehouse.duckdb)

.PHONY: run test lint bench snapshot clean-warehouse

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

bench: $(VENV)/.dev
	$(PY) -m benchmarks

snapshot: $(VENV)/.runtime
	$(PY) scripts/build_snapshot.py

clean-warehouse:
	rm -f $(WAREHOUSE) $(WAREHOUSE).wal $(basename $(WAREHOUSE)).v*$(suffix $(WAREHOUSE))* $(dir $(WAREHOUSE)).$(notdir $(WAREHOUSE)).lock
