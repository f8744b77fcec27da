# Two commands do all set-up: `make run` serves the app, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

NPM    := $(shell command -v npm 2>/dev/null)
WEB    := tests/web/node_modules/.package-lock.json

# the tests cache their compiled modules (__pycache__, gitignored) even where the environment says not to:
# each xdist worker and each server a test starts would compile the app and the test modules anew
unexport PYTHONDONTWRITEBYTECODE

# both cores (pytest-xdist: one live server and one chromium per worker); the 20 slowest tests printed
PYTEST := $(PY) -m pytest -q -n auto --durations=20

.PHONY: run test test-fast bench lighthouse clean

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
	$(PYTEST)

# the inner loop, in-process: everything but the browser tests and the tests that start processes of their own
# (servers, the CLI, a wheel build, the benchmarks); make test runs them all
test-fast: $(VENV)/.installed
	$(PYTEST) -m "not browser and not process"

bench: $(VENV)/.installed
	$(PY) benchmarks/engine.py

# Lighthouse on /, /embed and /export.html, desktop and mobile (npm's lighthouse in tests/web, Debian's chromium)
lighthouse: $(VENV)/.installed $(WEB)
	$(PY) benchmarks/lighthouse.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis tests/web/node_modules
