# The README's two commands: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

# Tests run with DEBUG off, a throwaway key and plain static storage (no collectstatic).
TEST_ENV := DEBUG=false SECRET_KEY=test-only-not-secret STATIC_MANIFEST=false
# Two workers: the suite runs in about half the time on a 2-core machine. Work stealing
# hands each worker a contiguous half of the tests (a test class's data is then built on
# one worker, not on both as round-robin chunks do) and lets an idle one take from the other.
PYTEST_ARGS ?= -n 2 --dist worksteal

.PHONY: run test serve backup restore bench loadtest prerequisites install install-dev assets messages catalogue migrate demo \
        lint migrations-check pytest clean

# Prints where the site answers (HOST), the staff sign-in and the demo logins, little else.
run: export DEBUG ?= true
run: install assets messages
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py load_demo --site "http://$(HOST)"
	@$(PY) manage.py runserver $(HOST)

test: install-dev assets messages lint migrations-check pytest

# The production configuration on this machine: gunicorn (gunicorn.conf.py), WhiteNoise,
# PostgreSQL, Redis, the task worker, DEBUG off (see README "Deployment").
serve: install assets messages
	bash scripts/serve.sh

# PostgreSQL dump + uploaded files into var/backups/<time>/; restore into a fresh database:
#   make restore BACKUP=var/backups/<time> DATABASE_URL=postgres://…/new_db
backup: install
	bash scripts/backup.sh

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time> DATABASE_URL=postgres://…"; exit 1; }
	bash scripts/restore.sh "$(BACKUP)"

prerequisites:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null \
	  || { echo "Missing prerequisite: Python 3.11 or newer as '$(PYTHON)' (set PYTHON=python3.12 to pick another)."; exit 1; }
	@command -v npm >/dev/null \
	  || { echo "Missing prerequisite: npm (Debian: apt-get install npm) for the front-end files."; exit 1; }
	@command -v msgfmt >/dev/null \
	  || { echo "Missing prerequisite: gettext's msgfmt (Debian: apt-get install gettext) for translations."; exit 1; }
	@{ ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so'; } \
	  || { echo "Missing prerequisite: Pango for WeasyPrint's PDFs (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)."; exit 1; }
	@command -v pg_config >/dev/null \
	  || { echo "Missing prerequisite: libpq headers for psycopg2 (Debian: apt-get install libpq-dev)."; exit 1; }

$(VENV)/.installed: requirements.txt | prerequisites
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json | prerequisites
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

messages: install
	@DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# Refresh the Arabic catalogue from the code; then translate its new entries. The tests run
# the same target on a copy of the tree and fail when it would add an untranslated entry.
catalogue:
	DEBUG=true $(PY) manage.py makemessages -l ar --no-obsolete --no-location \
	  --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=bench

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

migrations-check: install-dev
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# pytest's exit code 5 (no tests collected) fails the target like any other failure.
pytest: install-dev
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

# Public page cost at two data sizes, every demo page uncached in-process, and each public
# page's share of a bare Django view under production's gunicorn settings (bench/README.md).
bench: install-dev assets messages
	$(PY) bench/public_pages.py
	$(PY) bench/public_pages.py --demo --rounds 20
	$(PY) bench/public_load.py

# Load and fault tests on two gunicorn instances, PostgreSQL and a private Redis (loopback
# only, a few minutes; not part of `make test`). Figures in bench/README.md.
loadtest: install-dev messages
	$(PY) bench/loadtest.py

clean:
	rm -rf $(VENV) node_modules var
