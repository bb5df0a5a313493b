# Two commands set the project up: `make run` and `make test`. Each bootstraps .venv.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= python3
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_PASSWORD_FILE := $(VENV)/demo-officer-password

.PHONY: run test lint bench production-check install serve clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

# Development server with the demo data. The demo officer's password is made once and kept
# in .venv so every `make run` prints the same working login.
run: $(STAMP)
	@test -s $(DEMO_PASSWORD_FILE) || $(PY) -c "import secrets; print(secrets.token_urlsafe(12))" > $(DEMO_PASSWORD_FILE)
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py createcachetable
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --officer-password "$$(cat $(DEMO_PASSWORD_FILE))"
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Benchmarks: each prints its figures and a ratio against a baseline measured in the same run.
# The PostgreSQL ones use the local server (PG_URL); see README, "Benchmarks".
PG_URL ?= postgres://postgres@127.0.0.1:5432
bench: $(STAMP)
	$(PY) bench/bench_counting.py
	$(PY) bench/bench_simulation.py
	$(PY) bench/bench_member_import.py
	DATABASE_URL=$(PG_URL)/bench_import $(PY) bench/bench_member_import.py
	DATABASE_URL=$(PG_URL)/bench_results $(PY) bench/bench_results.py
	$(PY) bench/vote_load.py

# Faults under voting load (a worker killed, PostgreSQL restarted), then the invariants checked.
# Needs the local PostgreSQL and the right to restart it; .ci/run calls it after the tests.
production-check: $(STAMP)
	FAULT_RUN_SERVER=$(PG_URL) $(PY) bench/fault_run.py

# Production: gunicorn with production settings against DATABASE_URL. Needs SECRET_KEY and
# ALLOWED_HOSTS in the environment (see README, "Production").
serve: $(STAMP)
	@test -n "$$SECRET_KEY" || { echo "Set SECRET_KEY (and ALLOWED_HOSTS, DATABASE_URL) first: see README."; exit 2; }
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
