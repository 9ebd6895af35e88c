# The habits of this project. A newcomer needs two: `make run` and `make test`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install migrate demo test test-fast lint typecheck format messages demo-code check-deploy clean bench backup restore restore-drill load load-reminders up openapi lock

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 or python3.13)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

## Serve the portal with demo data on http://$(HOST):$(PORT)
run: demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C stops)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite (browser tests need Debian's chromium; they skip without it outside CI)
test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory typecheck

## mypy with the Django plugin ([tool.mypy] in pyproject.toml); the cache is in var/mypy-cache
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Refresh the catalogues after changing strings (needs gettext); commit the .po and .mo
messages: install
	$(BIN)/python manage.py makemessages -l vi -l en --no-location --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

## The current two-factor code of the demo staff accounts
demo-code: install
	@$(BIN)/python manage.py demo_code

check-deploy: install
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-key-but-long-enough-for-django \
	ALLOWED_HOSTS=mrc.example EMAIL_HOST=smtp.example ALLOW_CONSOLE_SMS_IN_PRODUCTION=1 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var .pytest_cache

## A national-sized PostgreSQL database (1,000,000 workers, 5,000,000 events, 1,000,000 sessions)
## and page times; BENCH_RESET=1 drops it first to seed anew
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/mrc_bench
bench: install
	@if [ -n "$(BENCH_RESET)" ]; then dropdb --if-exists "$(BENCH_DATABASE_URL)" 2>/dev/null \
		|| psql "$(dir $(BENCH_DATABASE_URL))postgres" -qc "DROP DATABASE IF EXISTS $(notdir $(BENCH_DATABASE_URL))"; fi
	@psql "$(dir $(BENCH_DATABASE_URL))postgres" -qtc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_DATABASE_URL))'" | grep -q 1 \
		|| psql "$(dir $(BENCH_DATABASE_URL))postgres" -qc "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=0 SECRET_KEY=collect-only-$$(date +%s)-not-secret-at-all-but-long-enough-xxxxxx \
		ALLOWED_HOSTS=testserver EMAIL_HOST=localhost ALLOW_CONSOLE_SMS_IN_PRODUCTION=1 \
		$(BIN)/python manage.py collectstatic --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=0 SECRET_KEY=bench-only-$$(date +%s)-not-secret-at-all-xxxxxxxxxxxx \
		ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=0 EMAIL_HOST=localhost \
		ALLOW_CONSOLE_SMS_IN_PRODUCTION=1 $(BIN)/python manage.py bench $(BENCH_ARGS)

## The portal under load on this machine (gunicorn, Celery, PostgreSQL, Redis; locust headless):
## make load LOAD_USERS=80 LOAD_TIME=5m; LOAD_USERS=20,40,80 tries each in turn.
## Capacity: make load LOAD_MODE=saturate (closed loops, no think time: req/s of the trivial
## view, the anonymous and the counsellor mix, on make bench's database). See loadtest/run.py
LOAD_USERS ?= 80
LOAD_TIME ?= 5m
LOAD_MODE ?= mixed
load: install
	@$(BIN)/python -c 'import locust' 2>/dev/null || $(BIN)/python -m pip install --quiet ".[load]"
	LOAD_USERS=$(LOAD_USERS) LOAD_TIME=$(LOAD_TIME) LOAD_MODE=$(LOAD_MODE) $(BIN)/python loadtest/run.py

## A reminder job with 10,000 due messages, sent by 1 and then 2 Celery workers (PostgreSQL,
## Redis, a fake SMS sender); see loadtest/reminders.py
load-reminders: install
	$(BIN)/python loadtest/reminders.py

## PostgreSQL backup (pg_dump custom format) with the uploaded files; needs DATABASE_URL
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP_DIR),--to $(BACKUP_DIR))

## Restore into an empty database: make restore DUMP=var/backups/mrc-<stamp>.dump
restore: install
	@test -n "$(DUMP)" || { echo "Say which backup: make restore DUMP=var/backups/mrc-<stamp>.dump"; exit 1; }
	$(BIN)/python manage.py restore $(DUMP)

## Restore the newest backup into a scratch database and compare every table's row count
restore-drill: install
	$(BIN)/python manage.py restore_drill $(if $(BACKUP_DIR),--from $(BACKUP_DIR))

## Production without Docker: migrate once, then gunicorn, a Celery worker and beat (Procfile)
## against DATABASE_URL and REDIS_URL; put nginx in front (docs/deployment.md)
up: install
	@$(BIN)/python -c 'import honcho' 2>/dev/null || $(BIN)/python -m pip install --quiet ".[up]"
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || grep -qs '^DATABASE_URL=' .env \
		|| { echo "Set DATABASE_URL and REDIS_URL (and SECRET_KEY, ALLOWED_HOSTS), or put them in .env."; exit 1; }
	$(BIN)/honcho run $(BIN)/python manage.py migrate_locked
	$(BIN)/honcho run $(BIN)/python manage.py storage_prepare
	$(BIN)/honcho run $(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/honcho start -f Procfile

## Pin every production dependency (and honcho, for `make up`) with hashes into
## requirements.lock, which the image installs from; run after changing pyproject.toml
lock: install
	@$(BIN)/python -c 'import piptools' 2>/dev/null || $(BIN)/python -m pip install --quiet ".[dev]"
	$(BIN)/pip-compile --quiet --generate-hashes --extra up --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-trusted-host --no-emit-find-links \
		--output-file requirements.lock pyproject.toml

## Rewrite docs/openapi-v1.json from the code (tests/api fail until it matches)
openapi: install
	$(BIN)/python manage.py api_openapi
