# GridGov — the two commands a new user needs:
#   make demo   set up, load the Jiaxing demo, run the web server and the worker
#   make test   set up and run the whole test suite (SQLite, and PostgreSQL when reachable)

VENV        := .venv
PY          := $(VENV)/bin/python
DEMO_SCALE  ?= small
DEMO_PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= gridgov.settings.development

.PHONY: demo test setup serve lint format migrate messages clean bench

demo: setup
	$(PY) manage.py migrate --noinput
	GRIDGOV_DEBUG=$${GRIDGOV_DEBUG:-false} $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo --scale $(DEMO_SCALE)
	GRIDGOV_DEBUG=$${GRIDGOV_DEBUG:-false} $(PY) manage.py run_stack --port $(DEMO_PORT)

test: setup
	scripts/run-tests

setup: $(VENV)/.installed gridgov/static/vendor/.installed
	$(PY) manage.py compile_translations

$(VENV)/.installed: pyproject.toml requirements.lock scripts/bootstrap-venv
	scripts/bootstrap-venv $(VENV)
	@touch $@

gridgov/static/vendor/.installed: scripts/fetch_assets.py $(VENV)/.installed
	$(PY) scripts/fetch_assets.py
	@touch $@

serve: setup
	$(PY) manage.py run_stack --port $(DEMO_PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: setup
	$(PY) manage.py migrate

# Developers with GNU gettext: refresh the catalogue after changing user-facing text.
messages: setup
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location
	$(PY) manage.py compile_translations

bench: setup
	$(PY) bench/locate.py
	$(PY) bench/events.py
	$(PY) bench/planner.py
	$(PY) bench/warnings.py
	$(PY) bench/roster.py
	$(PY) bench/ledgers.py
	$(PY) bench/faults.py
	$(PY) bench/faults.py --database postgres://postgres@127.0.0.1:5432/gridgov_faults
	$(PY) bench/booking.py
	$(PY) bench/duty.py

clean:
	rm -rf $(VENV) var gridgov/static/vendor
