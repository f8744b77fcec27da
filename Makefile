# Two commands do all set-up: `make run` serves the app, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

NPM    := $(shell command -v npm 2>/dev/null)
WEB    := tests/web/node_modules/.package-lock.json

.PHONY: run test bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m uvicorn app.main:app --host $(HOST) --port $(PORT)

# reveal.js and axe-core for the deck and accessibility tests (skipped without npm, required when CI=true)
$(WEB): tests/web/package.json tests/web/package-lock.json
	cd tests/web && npm ci --no-audit --no-fund --loglevel=error

test: $(VENV)/.installed $(if $(NPM),$(WEB))
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) benchmarks/engine.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis tests/web/node_modules
