# The README's two commands: `make demo` and `make test`. Both build the virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench wheel-smoke

$(BIN)/vnsearch: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/vnsearch
	$(BIN)/vnsearch demo

lint: $(BIN)/vnsearch
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest -q

# Build the sdist and the wheel, install the wheel in a fresh venv outside the checkout, try it.
wheel-smoke: $(BIN)/vnsearch
	scripts/wheel_smoke.sh $(BIN)/python

bench: $(BIN)/vnsearch
	$(BIN)/vnsearch bench --articles 10000
