# The two commands that matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
SAMPLE_DIR := data/sample
export DAGSTER_HOME := $(CURDIR)/data/dagster_home

.PHONY: run test test-spark setup setup-spark java browser dev lock bench bench-spark clean help

help:
	@echo "make run    - set up, generate the sample organisation if absent, run the nightly job"
	@echo "make test   - set up and run the test suite"
	@echo "make dev    - open the Dagster UI on the asset graph"
	@echo "make test-spark - install the Spark extra (and Java if missing), run the Spark parity tests"
	@echo "make bench  - time the nightly run at 58k, 18M and 100M sessions and the tests against the targets (about 40 min)"
	@echo "make lock   - re-resolve requirements.lock and requirements-spark.lock from pyproject.toml"

setup: $(VENV)/.installed

# The lock file is the single source of installed versions; uv installs exactly it. Bytecode is
# compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on these machines) every process
# would otherwise compile Dagster, dbt and pandas from source on import (12 s instead of 5 s).
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-spark
	touch $@

run: setup
	test -d $(SAMPLE_DIR) || $(BIN)/mkpi demo-data $(SAMPLE_DIR)
	$(BIN)/mkpi run --source-dir $(SAMPLE_DIR)

test: setup browser
	$(BIN)/python -m pytest -n auto --dist loadfile

# The same venv plus dbt-spark and PySpark (requirements-spark.lock is requirements.lock plus the spark extra).
setup-spark: $(VENV)/.installed-spark

$(VENV)/.installed-spark: $(VENV)/.installed requirements-spark.lock
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements-spark.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed  # the next `make setup` syncs the base lock again: without PySpark, whose
	touch $@                  # half-installed Connect module stops Great Expectations' import in test workers

# Spark runs on the JVM: Java 17 from the OS packages when none is installed.
java:
	@command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

test-spark: setup-spark java
	$(BIN)/python -m pytest -m spark

# The report tests render pages in Debian's Chromium, with a CJK font so Chinese labels show.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# Started from DAGSTER_HOME, where its dagster.yaml is (from the checkout Dagster warns that the
# checkout's copy is not the one in use). `dagster dev` is the entry point for a project that is not a
# `dg` project (the dg CLI is not installed); its notice that `dg dev` supersedes it is filtered.
dev: setup
	mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	cd $(DAGSTER_HOME) && PYTHONWARNINGS='ignore:Function `dev_command` is superseded' \
		$(CURDIR)/$(BIN)/dagster dev -m pipelines.orchestration.definitions

lock:
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --no-header -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --extra spark -c requirements.lock --python-version 3.11 --no-header -o requirements-spark.lock

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs

bench: setup
	$(BIN)/python benchmarks/bench.py --scales small,large,xlarge --repeat 3 --tests

bench-spark: setup-spark java
	$(BIN)/python benchmarks/engines.py --scale small --repeat 3
