# The two commands of the README: `make demo` and `make test`. Both set up what they need
# (venv, packages, Kafka jars) and reuse it on the next run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export ONETHING_STATE_DIR ?= $(CURDIR)/.onething

.PHONY: demo test lint typecheck pytest install broker-jars broker-stop clean mutation

demo: install broker-jars
	$(BIN)/onething demo

test: install broker-jars lint typecheck pytest

install: $(STAMP)

$(STAMP): pyproject.toml deploy/ensure-system.sh
	PYTHON=$(PYTHON) deploy/ensure-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,dev]"
	touch $(STAMP)

broker-jars: install
	$(BIN)/onething broker fetch

lint:
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/onething schemas check

typecheck:
	$(BIN)/mypy topology streams adapters deploy tests

# pytest's exit code 5 means no test ran: that is a failure here, not a pass.
pytest:
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

# Mutation testing, apart from `make test` (it takes long): mutmut mutates the case logic,
# certificate issuance and the adapter SDK (configured in pyproject.toml), runs the broker-free
# tests on each mutant, and the score per package is printed. MUTANTS='streams.case.*' runs
# only the mutants whose names match; mutants/ keeps the verdicts for the next run.
MUTATED_PACKAGES := streams.case streams.issuance adapters.sdk
MUTANTS ?=

mutation: install
	set -f; $(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results --all true | $(BIN)/python -m tests.support.mutation_score $(MUTATED_PACKAGES)

broker-stop:
	-$(BIN)/onething broker stop

clean: broker-stop
	rm -rf $(VENV) .onething .mypy_cache .ruff_cache .pytest_cache mutants
