# Everyday commands; the logic lives in scripts/. Needs only Python 3.11+ and make.
#   make run [RUN_ARGS="web worker"]  the portal with demo data on http://127.0.0.1:8000/
#   make test [PYTEST_ARGS="-k x"]    the test suite, exit code = pytest's
# Both start embedded PostgreSQL and Redis (data in .data/) unless DATABASE_URL / REDIS_URL
# are set; see scripts/devservices.py for ports and the other variables.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

.PHONY: run test lint format messages stop clean

run: $(STAMP)
	$(PY) scripts/run.py $(RUN_ARGS)

test: $(STAMP)
	$(PY) scripts/run_tests.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext's xgettext; compiling (make run does it) needs nothing outside the venv.
messages: $(STAMP)
	$(PY) manage.py makemessages --locale bn --ignore '.venv/*' --ignore '.data/*'
	$(PY) manage.py compile_translations

# Stops embedded PostgreSQL/Redis left running (e.g. after `kill -9` of make run).
stop:
	if [ -x $(PY) ]; then $(PY) scripts/devservices.py stop; fi

clean: stop
	rm -rf .data

# The virtualenv, re-installed only when a requirements file changes.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	@echo "==> installing requirements-dev.txt into $(VENV) (first time: a few minutes)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@
