# The two commands of the README: `make demo` and `make test`. Both set up what they need
# (venv, packages, Kafka jars) and reuse it on the next run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export ONETHING_STATE_DIR ?= $(CURDIR)/.onething

.PHONY: demo test lint typecheck pytest install broker-jars broker-stop clean

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

broker-stop:
	-$(BIN)/onething broker stop

clean: broker-stop
	rm -rf $(VENV) .onething .mypy_cache .ruff_cache .pytest_cache
