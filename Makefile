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

.PHONY: run dev test bench bench-record wrk check catalogs db chromium postgres nginx gettext screenshots fonts translations-extract translations-update translations-compile translations-check translations-status clean

run: $(VENV)/.installed instance/config.py catalogs db  ## serve the app with gunicorn at http://$(HOST):$(PORT)
	$(FLASK) sessions purge
	$(FLASK) sessions address --host $(HOST) --port $(PORT)
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) THREADS=$(THREADS) $(BIN)/gunicorn --config deploy/gunicorn.conf.py "quizapp:create_app()"

dev: $(VENV)/.installed instance/config.py catalogs db  ## Flask's debug server, reloading on change
	$(FLASK) --debug run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test instance/config.py chromium postgres nginx gettext wrk catalogs .wheelhouse/.built  ## every check and test
	$(BIN)/ruff check quizapp tests bench migrations
	$(FLASK) translate check
	$(FLASK) courses check
	$(BIN)/pytest -q

# Every figure of docs/PERFORMANCE.md beside its target, PASS or FAIL (at most 10 minutes on 2 cores). Exits 1
# on errors only (an error status, a lost answer), not on a FAIL: add BENCH_FLAGS=--strict for that.
bench: $(VENV)/.installed-test catalogs postgres wrk  ## measure every performance figure against its target
	WORKERS=$(WORKERS) THREADS=$(THREADS) $(BIN)/python -m bench $(BENCH_FLAGS)

# The same, and the figures written into docs/PERFORMANCE.md and one more line in bench/history.csv.
bench-record: $(VENV)/.installed-test catalogs postgres wrk  ## make bench, recording the figures
	WORKERS=$(WORKERS) THREADS=$(THREADS) $(BIN)/python -m bench --record $(BENCH_FLAGS)

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

# Wheels of every dependency and of the build tools, so that tests/test_packaging.py can build the app's own
# wheel and install it into a fresh venv without the network. Our own wheel is built too (pip cannot build
# only the dependencies of '.'), then removed: the test builds a fresh one from the working tree.
.wheelhouse/.built: setup.cfg pyproject.toml | $(VENV)/.installed catalogs
	rm -rf .wheelhouse
	$(BIN)/pip wheel -q -w .wheelhouse '.[postgres]' 'setuptools>=68' wheel
	rm -f .wheelhouse/quizapp-*.whl
	touch $@

# A secret key generated once and kept in the instance folder (never committed).
instance/config.py:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@

catalogs: $(VENV)/.installed instance/config.py
	$(FLASK) translate compile >/dev/null

db: $(VENV)/.installed instance/config.py
	$(FLASK) db upgrade

SCREENSHOTS ?= screenshots
# Every page type in English, Japanese and Arabic at 360 and 1280 px, into $(SCREENSHOTS)/ (git-ignored), to see
# a change as visitors will (PAGES=library,report LANGUAGES=ja WIDTHS=360 for a few).
screenshots: $(VENV)/.installed-test instance/config.py chromium fonts catalogs  ## full-page screenshots of every page type
	$(BIN)/python -m tests.browser.screenshots --out $(SCREENSHOTS) $(if $(PAGES),--pages $(PAGES)) $(if $(LANGUAGES),--languages $(LANGUAGES)) $(if $(WIDTHS),--widths $(WIDTHS))

# Japanese and Arabic fonts for Chromium's screenshots only: the pages never download a font (system fonts).
fonts:
	@dpkg -s fonts-noto-cjk fonts-noto-core >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk fonts-noto-core >/dev/null)

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null)

# Debian's wrk: the load generator of `make bench` (and of tests/test_bench.py).
wrk:
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null)

# Debian's PostgreSQL server: the tests start a throwaway cluster to prove the app runs on it.
postgres:
	@(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb) >/dev/null 2>&1 && command -v psql >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null)

# Debian's nginx: tests/test_deploy.py runs the shipped deploy/nginx.conf in front of gunicorn.
nginx:
	@test -x /usr/sbin/nginx || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null)

# Debian's GNU gettext: `translate update` merges with msgmerge (Babel's writer breaks fuzzy entries' #| lines),
# `translate check` and the tests open every catalog with msgfmt.
gettext:
	@command -v msgmerge >/dev/null && command -v msgattrib >/dev/null && command -v msgfmt >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null)

translations-extract: $(VENV)/.installed instance/config.py
	$(FLASK) translate extract
translations-update: translations-extract gettext
	$(FLASK) translate update
translations-compile: catalogs
translations-check: $(VENV)/.installed instance/config.py gettext
	$(FLASK) translate check
translations-status: $(VENV)/.installed instance/config.py
	$(FLASK) translate status

clean:
	rm -rf $(VENV) *.egg-info build .wheelhouse
	find translations -name '*.mo' -delete
