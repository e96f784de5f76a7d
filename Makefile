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

# bandit's JSON report in one line (and any high finding or unreadable file, which fail lint).
define BANDIT_SUMMARY
import json, sys
report = json.load(open("test-results/bandit.json"))
totals = report["metrics"]["_totals"]
high = [i for i in report["results"] if i["issue_severity"] == "HIGH"]
for issue in high:
    print("{filename}:{line_number} {test_id} {issue_text}".format(**issue))
for error in report["errors"]:
    print("cannot scan {filename}: {reason}".format(**error))
print("bandit: {} high, {} medium, {} low, {} marked nosec, {} files unreadable; {} lines".format(
    len(high), int(totals["SEVERITY.MEDIUM"]), int(totals["SEVERITY.LOW"]),
    int(totals["skipped_tests"]), len(report["errors"]), int(totals["loc"])))
sys.exit(1 if high or report["errors"] else 0)
endef
export BANDIT_SUMMARY

.PHONY: help venv migrate demo run lint test test-pg test-browser bench bench-smoke clean distclean

help:
	@echo "SafeGrid make targets:"
	@echo "  run           venv + migrate + demo data, then the development server on http://$(HOST):$(PORT)/"
	@echo "  test          lint, then pytest -n 2 on SQLite (browser tests skip if Chromium is missing)"
	@echo "  test-pg       the same test suite on PostgreSQL ($(PG_URL))"
	@echo "  test-browser  only the Playwright/Chromium tests; a missing browser is a failure"
	@echo "  lint          ruff, ruff format --check, Django checks (incl. --deploy), migrations, OpenAPI, bandit"
	@echo "  venv          create $(VENV) and install requirements.lock (re-run when the lock changes)"
	@echo "  migrate       apply database migrations"
	@echo "  demo          load the demo county if the database is empty"
	@echo "  bench         province-scale benchmarks on PostgreSQL ($(BENCH_URL)), JSON report in bench/results/"
	@echo "  bench-smoke   the same at scale 0.001 in a throw-away database (CI; no thresholds)"
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
	@echo "--- bandit (offline static security scan of safegrid and config; a high finding fails)"
	@# pip-audit is not run: it needs the online advisory database (SECURITY.md G2: only where the
	@# registry is reachable). Configuration in pyproject.toml [tool.bandit]; the report is kept in
	@# test-results/bandit.json. stderr is dropped: bandit warns there about every multi-line
	@# statement carrying a `# nosec`; unreadable files are in the report and fail below.
	@mkdir -p test-results && rm -f test-results/bandit.json
	$(VENV)/bin/bandit -c pyproject.toml -r safegrid config --severity-level high --quiet --format json \
		--output test-results/bandit.json --exit-zero 2>/dev/null
	@$(PY) -c "$$BANDIT_SUMMARY"
	@echo "--- manage.py check --deploy with production settings"
	@# A throw-away empty database, as in tests/contracts/test_deploy.py: the account checks
	@# (safegrid/accounts/checks.py) judge a real deployment's users, not the local demo's.
	DATABASE_URL=sqlite://:memory: \
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

# Not tests: the benchmarks of issue 9 (bench/run.py). `make bench` generates the province into
# $(BENCH_URL) if it is empty (scale: BENCH_ARGS='--scale 0.1'; default the scale already there, else
# 1.0) and writes bench/results/<date>-scale-<S>.json. bench-smoke drops and recreates its database,
# scale 0.001, 3 runs, 5 s of load; it fails only if a benchmark crashes. (bench/map_data.py, the
# demo county's map on SQLite, still runs by hand.)
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/safegrid_bench
BENCH_SMOKE_URL ?= postgres://postgres@127.0.0.1:5432/safegrid_bench_smoke
BENCH_ARGS ?=
bench: venv
	$(PY) -m bench.run --database-url $(BENCH_URL) $(BENCH_ARGS)

bench-smoke: venv
	@mkdir -p test-results
	$(PY) -m bench.run --smoke --database-url $(BENCH_SMOKE_URL) --out test-results/bench-smoke.json $(BENCH_ARGS)

clean:
	rm -rf test-results staticfiles .ruff_cache .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm
