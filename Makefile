# SafeGrid — the single entry point for developers and CI (STYLE.md, Tooling).
#
#   make run    set up everything needed and serve the demo county on http://127.0.0.1:8000/
#   make test   lint, then the whole test suite on SQLite (browser tests skip without Chromium)
#   make help   every target
#
# Every recipe calls the virtualenv's interpreter by path; nothing relies on an activated venv.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Playwright's artifacts (traces, failure screenshots) go under test-results/playwright, which
# pytest-playwright wipes at the start of each session; our own screenshots stay beside it in
# test-results/screenshots (both gitignored).
PYTEST := $(PY) -m pytest --output=test-results/playwright
PYTEST_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/safegrid
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv migrate demo run lint test test-pg test-browser bench clean distclean

help:
	@echo "SafeGrid make targets:"
	@echo "  run           venv + migrate + demo data, then the development server on http://$(HOST):$(PORT)/"
	@echo "  test          lint, then pytest -n 2 on SQLite (browser tests skip if Chromium is missing)"
	@echo "  test-pg       the same test suite on PostgreSQL ($(PG_URL))"
	@echo "  test-browser  only the Playwright/Chromium tests; a missing browser is a failure"
	@echo "  lint          ruff, ruff format --check, Django checks (incl. --deploy), migrations, OpenAPI"
	@echo "  venv          create $(VENV) and install requirements.lock (re-run when the lock changes)"
	@echo "  migrate       apply database migrations"
	@echo "  demo          load the demo county if the database is empty"
	@echo "  bench         benchmarks: the risk map data for the demo county (province scale comes later)"
	@echo "  clean         remove caches and test artifacts (keeps $(VENV), db.sqlite3 and uploads)"
	@echo "  distclean     clean, and remove $(VENV) and the SQLite demo database"
	@echo "Extra pytest arguments: make test PYTEST_ARGS='-k scope -x'"

venv: $(STAMP)

# Re-installs whenever requirements.lock changes; a no-op otherwise.
$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements.lock
	@touch $@

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --if-empty

# Development settings: SAFEGRID_ENV defaults to "development", so DEBUG is on and Django serves
# the static files itself (no collectstatic needed).
run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	@echo "--- ruff check"
	$(VENV)/bin/ruff check .
	@echo "--- ruff format --check"
	$(VENV)/bin/ruff format --check .
	@echo "--- manage.py check"
	$(PY) manage.py check --fail-level WARNING
	@echo "--- makemigrations --check"
	$(PY) manage.py makemigrations --check --dry-run
	@echo "--- OpenAPI schema (drf-spectacular, warnings are errors)"
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	@echo "--- manage.py check --deploy with production settings"
	SAFEGRID_ENV=production DJANGO_DEBUG=0 SAFEGRID_HTTPS=1 DJANGO_ALLOWED_HOSTS=safegrid.example \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	SAFEGRID_AUDIT_KEY="$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')" \
	SAFEGRID_PII_KEY="$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')" \
	SAFEGRID_BLIND_INDEX_KEY="$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')" \
	$(PY) manage.py check --deploy --fail-level WARNING

test: lint
	$(PYTEST) -n 2 $(PYTEST_ARGS)

# Lint does not depend on the database, so it is not repeated here; CI runs `make test` first.
test-pg: venv
	DATABASE_URL=$(PG_URL) $(PYTEST) -n 2 $(PYTEST_ARGS)

test-browser: venv
	SAFEGRID_REQUIRE_BROWSER=1 $(PYTEST) -m browser $(PYTEST_ARGS)

# Not tests: timings printed for a human (each script builds its own throw-away SQLite database).
bench: venv
	$(PY) bench/map_data.py
	@echo "Province-scale benchmarks arrive with the province-scale issue (docs/architecture.md, Scale path)."

clean:
	rm -rf test-results staticfiles .ruff_cache .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm
