# The two commands of the README: `make demo` runs the main job on the bundled data,
# `make test` runs the tests. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench clean-venv

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/scraper demo --out demo-output.jsonl

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q -n auto

clean-venv:
	rm -rf $(VENV)
