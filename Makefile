# Two commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
TEST_WORKERS ?= 2

.PHONY: run test setup browser migrate demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The web server (daphne, HTTP and WebSockets) on http://127.0.0.1:8000, the task
# worker and the scheduler, together; Ctrl-C stops all three.
run: demo
	VENV=$(VENV) bash scripts/run.sh

# Debian's Chromium and a CJK font for tests/browser/ (apt, only when missing)
browser:
	bash scripts/install-browser.sh

test: setup browser
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

clean:
	rm -rf var/ staticfiles/ .pytest_cache/
