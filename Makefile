# `make run` scans the bundled example service; `make test` runs the whole test suite.
# Both create .venv when it is missing. PYTHON picks the interpreter (default: python3).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLE := examples/payments-service
PYTEST_ARGS ?=

.PHONY: run test lint typecheck test-versions bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	@# Exit status 1 means "findings fail the gate": expected for the deliberately flawed example.
	$(BIN)/prodgate check $(EXAMPLE) --no-cache || test $$? -eq 1

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# The suite on every installed CPython from 3.10 to 3.13 (one venv each under .venvs/).
test-versions:
	@for v in 3.10 3.11 3.12 3.13; do \
	  py=$$(ls $$HOME/.pyenv/versions/$$v*/bin/python$$v 2>/dev/null | head -1); \
	  [ -n "$$py" ] || py=$$(command -v python$$v || true); \
	  if [ -z "$$py" ] || ! "$$py" -c "import sys" 2>/dev/null; then echo "python$$v: not installed, skipped"; continue; fi; \
	  $(MAKE) --no-print-directory test PYTHON=$$py VENV=.venvs/$$v PYTEST_ARGS="$(PYTEST_ARGS)" || exit 1; \
	done

clean:
	rm -rf $(VENV) .venvs .prodgate_cache .pytest_cache .mypy_cache .ruff_cache
