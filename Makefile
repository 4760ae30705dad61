# Trợ lý ảo TTHC Lạng Sơn — the two commands a newcomer needs are `make run` and `make test`.
#
# Two environments, both installed from lock files with uv:
#   .venv/         app env    (Python >= 3.10): actions (rasa-sdk), FastAPI, SQLAlchemy 2, Telegram
#   .venv-engine/  engine env (Python 3.10):    Rasa Open Source 3.6.21 + our Vietnamese NLU components
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
APP := .venv
ENGINE := .venv-engine
AXE_VERSION := 4.14.1
AXE := $(TOOLS)/axe/node_modules/axe-core/axe.min.js
APP_STAMP := $(APP)/.installed
ENGINE_STAMP := $(ENGINE)/.installed
export UV_CACHE_DIR ?= $(HOME)/.cache/uv
export UV_LINK_MODE ?= copy
# Rasa never phones home from here (a government intranet): no telemetry, no banner.
export RASA_TELEMETRY_ENABLED ?= false

.PHONY: help install install-app install-engine check-python test-prerequisites db train run cluster test check \
	bench lint eval-search eval-nlu eval-answers audit lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

check-python:  ## Stop early, before installing anything, when Python 3.10 or 3.10+ is missing
	@scripts/find-python310 >/dev/null
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "error: the app env needs Python >= 3.10 (set PYTHON=...)")'

$(UV): | check-python
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(APP_STAMP): requirements/app.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(APP)
	$(UV) pip sync --quiet --python $(APP)/bin/python requirements/app.lock
	$(UV) pip install --quiet --python $(APP)/bin/python --no-deps -C editable_mode=compat -e .
	touch $@

$(ENGINE_STAMP): requirements/engine.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python "$$(scripts/find-python310)" $(ENGINE)
	$(UV) pip sync --quiet --python $(ENGINE)/bin/python requirements/engine.lock
	$(UV) pip install --quiet --python $(ENGINE)/bin/python --no-deps -e .
	touch $@

install-app: check-python $(APP_STAMP)  ## Create the app env (.venv)
install-engine: check-python $(ENGINE_STAMP)  ## Create the engine env (.venv-engine)
install: install-app install-engine  ## Create both environments

audit: install-app  ## pip-audit over both lock files (needs a vulnerability database: see docs/security.md)
	$(UV) tool run pip-audit --disable-pip --require-hashes -r requirements/app.lock
	$(UV) tool run pip-audit --disable-pip --require-hashes -r requirements/engine.lock

lock:  ## Re-resolve the lock files (needs the package registry)
	$(UV) pip compile -q pyproject.toml --extra dev --universal --python-version 3.10 --generate-hashes -o requirements/app.lock
	$(UV) pip compile -q requirements/engine.in --python-version 3.10 --python-platform x86_64-manylinux_2_28 --generate-hashes -o requirements/engine.lock

db: install-app  ## Migrate the database and seed the knowledge base (idempotent)
	$(APP)/bin/trolyao db upgrade
	$(APP)/bin/trolyao kb seed

train: install  ## Train the model when its inputs changed
	$(APP)/bin/trolyao train

run: install db  ## Bring up the whole assistant (SQLite, embedded); Ctrl-C stops it
	$(APP)/bin/trolyao run

cluster: install train  ## Two of each part behind HAProxy on 127.0.0.1:8080, on the machine's PostgreSQL, Redis and RabbitMQ; Ctrl-C stops it
	@scripts/cluster-prerequisites
	$(APP)/bin/trolyao cluster

test-prerequisites:  ## What the tests need besides the envs: PostgreSQL, Redis, RabbitMQ (started), Chromium and HAProxy (installed)
	@scripts/test-prerequisites
	@scripts/cluster-prerequisites

$(AXE):  ## axe-core (npm registry) for the accessibility scans, served locally by the tests
	npm install --no-audit --no-fund --prefix $(TOOLS)/axe axe-core@$(AXE_VERSION)

# The check lane: no PostgreSQL, Redis, RabbitMQ, Chromium, HAProxy or trained model. PostgreSQL is
# pointed at a closed port and Python sockets to the service ports are refused, so a test that needs
# a service without its lane marker fails here (tests/conftest.py).
CHECK_LANES := not (engine or browser or postgres or services or cluster or slow)
check: lint  ## Lint, then the tests that need no service and no model (every change; under 3 minutes)
	TROLYAO_TEST_LANE=check TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:1/postgres \
		$(APP)/bin/python -m pytest -q -n 2 -m "$(CHECK_LANES)" -p no:cacheprovider $(PYTEST_ARGS)

test: test-prerequisites install train $(AXE)  ## Run the whole test suite (SQLite and PostgreSQL, app and engine envs)
	$(APP)/bin/python -m pytest $(PYTEST_ARGS)
	$(ENGINE)/bin/python -m pytest tests/engine --confcutdir=tests/engine -o addopts="-ra" \
		-p no:cacheprovider -W ignore::DeprecationWarning -W ignore::UserWarning

lint: install-app  ## ruff, mypy and the import rules of docs/architecture.md (lint-imports)
	$(APP)/bin/ruff check .
	$(APP)/bin/ruff format --check .
	$(APP)/bin/mypy
	$(APP)/bin/lint-imports

bench: install  ## Benchmarks (search latency, chat load vs stock Rasa, the citizen path under wrk); see docs/benchmarks.md
	@command -v wrk >/dev/null 2>&1 || { echo "» installing Debian's wrk (load generator)"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1 || sudo -n apt-get install -y -q wrk >/dev/null; }
	$(APP)/bin/trolyao bench search --procedures 10000
	$(APP)/bin/trolyao bench search-quality --procedures 2650
	$(APP)/bin/trolyao bench chat --senders 20 --messages 25
	$(APP)/bin/trolyao bench citizen-compare --connections 20 --seconds 30
	$(APP)/bin/trolyao bench webhook --updates 500 --concurrency 20
	$(APP)/bin/trolyao bench zalo --events 300 --concurrency 1 10 20
	$(APP)/bin/trolyao bench ingest --conversations 4000
	$(APP)/bin/trolyao bench summary --events 1000000
	$(APP)/bin/trolyao bench import --rows 10000
	$(APP)/bin/trolyao bench portal-import --records 2600

eval-search: install-app  ## Top-1 / top-3 / MRR of search on every evaluation file
	@for file in tests/data/search_dev.jsonl tests/data/search_team_heldout.jsonl tests/data/search_citizen_dev.jsonl \
		tests/data/portal_situations_citizen_dev.jsonl tests/data/portal_situations_team.jsonl; do \
		echo "== $$file"; \
		$(APP)/bin/trolyao eval search $$file || exit 1; \
	done

eval-answers: train db  ## Fact questions stated and bare situations reached, per kind and form
	@for file in tests/data/portal_facts_citizen_dev.jsonl tests/data/portal_facts_team.jsonl \
		tests/data/bare_situations_citizen_dev.jsonl tests/data/bare_situations_team2.jsonl; do \
		echo "== $$file"; \
		$(APP)/bin/trolyao eval answers $$file || exit 1; \
	done

eval-nlu: train  ## Intent accuracy and macro-F1 per form on every evaluation file
	@for file in tests/data/nlu_heldout.jsonl tests/data/nlu_team_stories.jsonl tests/data/nlu_citizen_dev.jsonl; do \
		echo "== $$file"; \
		$(APP)/bin/python scripts/eval_nlu.py $$file || exit 1; \
	done

clean:  ## Remove environments, models and local state
	rm -rf $(APP) $(ENGINE) $(TOOLS) var models
