# Two commands set the project up: `make run` and `make test`. Each bootstraps .venv.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= python3
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_PASSWORD_FILE := $(VENV)/demo-officer-password

.PHONY: run test lint messages lock lock-check bench production-check install serve worker clean

# .venv is installed from the lock, every package pinned and checked against its hash, so
# every machine runs exactly the same code. requirements*.txt are the readable lists the
# locks are made from (`make lock`).
$(STAMP): requirements.lock requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "The project needs Python 3.11 (requires-python in pyproject.toml): make PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $(STAMP)

install: $(STAMP)

# Remakes both locks from requirements.txt and requirements-dev.txt, keeping every pin that
# still fits; `make lock LOCK_ARGS=--upgrade` (or `--upgrade-package NAME`) moves them on.
# uv reads no pip configuration and --no-config keeps out any of its own, so the locks come
# from the public index alone, whatever local mirrors, caches or pip settings a machine has.
# --universal writes markers rather than one machine's answers, so one lock serves every OS.
# The dev lock is constrained by the runtime lock: the two always agree on shared packages.
LOCK_COMPILE := env -u UV_INDEX_URL -u UV_EXTRA_INDEX_URL -u UV_DEFAULT_INDEX -u UV_INDEX \
	-u UV_FIND_LINKS -u UV_CONSTRAINT -u UV_OVERRIDE \
	$(VENV)/bin/uv pip compile --quiet --no-config --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
lock: $(STAMP)
	$(LOCK_COMPILE) requirements.txt -o requirements.lock
	$(LOCK_COMPILE) requirements-dev.txt -c requirements.lock -o requirements-dev.lock

# Every pin in requirements*.txt must be in its lock at the same version: a list edited
# without `make lock` fails here rather than installing something other than what it says.
LOCK_HAS_PINS := awk 'FNR == NR { if ($$0 ~ /^[a-z0-9]/) locked[$$1] = 1; next } \
	/^[A-Za-z0-9]/ { split($$0, pin, "=="); name = tolower(pin[1]); sub(/\[.*\]/, "", name); \
	gsub(/[-_.]+/, "-", name); version = pin[2]; sub(/[ \t;\#].*/, "", version); \
	if (!((name "==" version) in locked)) { print FILENAME ": " $$0 " is not in the lock: run make lock"; bad = 1 } } \
	END { exit bad }'
lock-check:
	@$(LOCK_HAS_PINS) requirements.lock requirements.txt
	@$(LOCK_HAS_PINS) requirements-dev.lock requirements-dev.txt

# Development server with the demo data. The demo officer's password is made once and kept
# in .venv so every `make run` prints the same working login. SITE_URL (the address in
# emailed voting links) follows HOST and PORT, so `make run PORT=8100` links to 8100.
# The demo logs in without an authenticator app (OFFICER_TWO_FACTOR=0, unless set otherwise);
# production settings refuse that (`check --deploy`).
# `migrate` also makes the cache table (ballots/migrations/0004_cache_table.py).
run: RUN_ENV = DEBUG=$${DEBUG:-1} SITE_URL=http://$(HOST):$(PORT) OFFICER_TWO_FACTOR=$${OFFICER_TWO_FACTOR:-0}
run: $(STAMP)
	@test -s $(DEMO_PASSWORD_FILE) || $(PY) -c "import secrets; print(secrets.token_urlsafe(12))" > $(DEMO_PASSWORD_FILE)
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo --officer-password "$$(cat $(DEMO_PASSWORD_FILE))"
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/ with a task worker beside it (Ctrl-C stops both)"
	@$(RUN_ENV) $(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The task worker for queued work (emailing voting codes): `task_worker` runs the database
# backend's `db_worker`, or RQ's worker when TASKS_BACKEND=rq, and beats the heartbeat that
# /healthz reports (README, "Task queue"). `make run` starts one itself;
# in production run `make worker` beside `make serve`, under the same settings.
WORKER = $(PY) manage.py task_worker
worker: $(STAMP)
	$(WORKER)

test: $(STAMP)
	$(VENV)/bin/pytest

# ruff's rules and format, no model change without its migration, then mypy on the modules
# listed under [tool.mypy] in pyproject.toml.
lint: $(STAMP) lock-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy

# The Welsh and English catalogues (locale/): extract every marked message, keep the translations
# already made, and compile. The .mo files are committed, so `make run` and `make test` need no
# gettext tools; this target (and the catalogue test) needs GNU gettext. README, "Welsh".
MESSAGES_IGNORE = -i ".venv/*" -i "tests/*" -i "bench/*" -i "docs/*" -i "staticfiles/*"
messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l cy -l en_GB --no-obsolete --no-location $(MESSAGES_IGNORE)
	DEBUG=1 $(PY) manage.py compilemessages -l cy -l en_GB $(MESSAGES_IGNORE)

# Benchmarks: each prints its figures and a ratio against a baseline measured in the same run.
# The PostgreSQL ones use the local server (PG_URL); see README, "Benchmarks".
PG_URL ?= postgres://postgres@127.0.0.1:5432
bench: $(STAMP)
	$(PY) bench/bench_counting.py
	$(PY) bench/bench_simulation.py
	$(PY) bench/bench_flip.py
	$(PY) bench/bench_member_import.py
	DATABASE_URL=$(PG_URL)/bench_import $(PY) bench/bench_member_import.py
	DATABASE_URL=$(PG_URL)/bench_results $(PY) bench/bench_results.py
	$(PY) bench/bench_exports.py
	DATABASE_URL=$(PG_URL)/bench_exports $(PY) bench/bench_exports.py
	$(PY) bench/vote_load.py
	DATABASE_URL=$(PG_URL)/bench_codes $(PY) bench/bench_code_email.py
	DATABASE_URL=$(PG_URL)/bench_round $(PY) bench/round_load.py
	$(PY) bench/round_forecast.py

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
