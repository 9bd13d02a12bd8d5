# Kizuna. `make run` and `make test` do all the set-up a fresh Debian machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app quizapp
# 127.0.0.1: this computer only (safe by default). HOST=0.0.0.0 make run lets phones on the room's network in.
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 3
THREADS ?= 4
CHROMIUM := /usr/lib/chromium/chromium

.PHONY: run dev test bench check catalogs db chromium postgres nginx translations-extract translations-update translations-compile translations-check translations-status clean

run: $(VENV)/.installed instance/config.py catalogs db  ## serve the app with gunicorn at http://$(HOST):$(PORT)
	$(FLASK) sessions purge
	$(FLASK) sessions address --host $(HOST) --port $(PORT)
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) THREADS=$(THREADS) $(BIN)/gunicorn --config deploy/gunicorn.conf.py "quizapp:create_app()"

dev: $(VENV)/.installed instance/config.py catalogs db  ## Flask's debug server, reloading on change
	$(FLASK) --debug run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test instance/config.py chromium postgres nginx catalogs  ## every check and test
	$(BIN)/ruff check quizapp tests bench migrations
	$(FLASK) translate check
	$(FLASK) courses check
	$(BIN)/pytest -q

bench: $(VENV)/.installed-test instance/config.py postgres catalogs  ## the classroom burst benchmark (1,000 learners, 33 sessions)
	$(BIN)/python bench/classroom_burst.py

check: $(VENV)/.installed instance/config.py  ## check course files
	$(FLASK) courses check

# Serving needs the app and its PostgreSQL driver only; the test tools (Playwright, axe, hypothesis…) come
# with `make test`.
$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq -e '.[postgres]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -qq -e '.[test,postgres]'
	touch $@

# A secret key generated once and kept in the instance folder (never committed).
instance/config.py:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@

catalogs: $(VENV)/.installed instance/config.py
	$(FLASK) translate compile >/dev/null

db: $(VENV)/.installed instance/config.py
	$(FLASK) db upgrade

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null)

# Debian's PostgreSQL server: the tests start a throwaway cluster to prove the app runs on it.
postgres:
	@(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb) >/dev/null 2>&1 && command -v psql >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null)

# Debian's nginx: tests/test_deploy.py runs the shipped deploy/nginx.conf in front of gunicorn.
nginx:
	@test -x /usr/sbin/nginx || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null)

translations-extract: $(VENV)/.installed instance/config.py
	$(FLASK) translate extract
translations-update: translations-extract
	$(FLASK) translate update
translations-compile: catalogs
translations-check: $(VENV)/.installed instance/config.py
	$(FLASK) translate check
translations-status: $(VENV)/.installed instance/config.py
	$(FLASK) translate status

clean:
	rm -rf $(VENV) *.egg-info
	find translations -name '*.mo' -delete
