# Two commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
TEST_WORKERS ?= 2

.PHONY: run test setup browser migrate demo clean bench bench-quick bench-tools prod-smoke

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

# Benchmarks of issue 9 (not part of CI): every scenario one after the other on PostgreSQL and Redis,
# results in bench/results/ and docs/performance.md. The first full run makes a 1,000,000-ticket database
# (about 4 minutes); `make bench-quick` is a laptop-sized run (50,000 tickets, short loads).
bench-tools:
	bash scripts/install-bench-tools.sh

bench: setup bench-tools
	$(PY) bench/run_all.py $(BENCH_ARGS)

bench-quick: setup bench-tools
	$(PY) bench/run_all.py --quick $(BENCH_ARGS)

# The production topology on one machine (docs/deploy.md): PostgreSQL (started if it is not running), Redis,
# gunicorn, two uvicorn, two task workers and the scheduler, with DEBUG off; checks live events across
# the ASGI processes, a worker killed mid-send and Redis stopped for a moment, then stops everything.
prod-smoke: setup
	$(PY) scripts/prod_smoke.py $(PROD_SMOKE_ARGS)

clean:
	rm -rf var/ staticfiles/ .pytest_cache/
