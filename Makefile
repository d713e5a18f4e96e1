# The two commands: `make run` (the site on http://127.0.0.1:8000) and `make test` (the whole suite).
# Each sets up everything it needs on a fresh machine: virtualenv, pinned requirements, migrations, data.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test test-all venv venv-test migrate data clean bench

run: $(VENV)/.installed migrate
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python scripts/run.py

test: $(VENV)/.installed-test data
	$(BIN)/python scripts/check_services.py
	DJANGO_SETTINGS_MODULE=digitsite.settings.test $(BIN)/pytest $(PYTEST_ARGS)

# The slow tests too (full training runs); CI runs `make test`, this is for a release.
test-all: PYTEST_ARGS = --run-slow
test-all: test

venv: $(VENV)/.installed
venv-test: $(VENV)/.installed-test

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python scripts/check_database.py
	$(BIN)/python manage.py migrate --noinput -v 0

data: $(VENV)/.installed
	$(BIN)/python manage.py fetch_mnist

# The benchmarks that need nothing beyond the project (see bench/README.md for train_speed and learning_loop).
bench: $(VENV)/.installed-test data
	$(BIN)/python bench/infer_speed.py --threads 1
	$(BIN)/python bench/api_speed.py
	$(BIN)/python bench/facts_cost.py

clean:
	rm -rf $(VENV) var/static .pytest_cache
