# Fresh clone: `make run` and `make test` install everything they need into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/baseline.yaml
STAMP := $(VENV)/.installed

.PHONY: help chromium install run test test-slow bench bench-sweep fit-baseline clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,distributed,web]'
	touch $(STAMP)

chromium:  ## Debian's chromium for the browser tests (they skip, saying so, where it cannot be installed)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "chromium could not be installed: the browser tests will skip"

install: $(STAMP)  ## create .venv and install the package with its test tools, Dask and the web extra

run: $(STAMP)  ## run SCENARIO (default the baseline) into outputs/<name>/
	$(BIN)/sufficiency run $(SCENARIO) --force

test: $(STAMP) chromium  ## the test suite on every core (about 7 minutes on two)
	$(BIN)/python -m pytest -q -n auto --dist loadfile

test-slow: $(STAMP)  ## long statistical checks (marked slow), on every core
	$(BIN)/python -m pytest -q -m slow -n auto --dist loadfile

bench: $(STAMP)  ## time per child against a bare SimPy loop, and memory as replications grow
	$(BIN)/python benchmarks/bench.py

bench-sweep: $(STAMP)  ## sweep throughput on 1 and 2 processes and Dask, and how time grows with the work
	$(BIN)/python benchmarks/sweep_bench.py

fit-baseline: $(STAMP)  ## refit the baseline's entries and trend to Surrey's published counts (outputs/baseline_fitted.yaml)
	$(BIN)/sufficiency fit scenarios/baseline.yaml --observed scenarios/observed/surrey.csv \
		--set demand.entries_per_year=445 --set demand.trend_per_year=0.01 \
		--free demand.entries_per_year=400..500 --free demand.trend_per_year=-0.02..0.05 \
		--replications 20 --uncertainty chance --out outputs/baseline_fitted.yaml --force

clean:  ## remove generated outputs
	rm -rf outputs .pytest_cache
