# FaceReps: `make run` serves the app, `make test` runs every test (browser tests included).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HTMX := static/vendor/htmx.min.js

.PHONY: run serve test lint typecheck format setup chromium check bench clean lock

# The reminder sender runs beside the web server (never inside it) and stops with it.
run: setup
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app reminders run & sender=$$!; trap 'kill $$sender' EXIT INT TERM; \
	  $(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT)

# Production: gunicorn with FACEREPS_ENV=production (secure cookies; refuses to start without
# FACEREPS_SECRET_KEY) and the reminder sender beside it. Put it behind a TLS reverse proxy (README).
# With FACEREPS_REPLICA_URL set, gunicorn runs under Litestream (deploy/litestream.yml), which streams the
# database to the replica, and `flask photos sync` copies new photos beside it every 10 s.
GUNICORN := $(BIN)/gunicorn --config deploy/gunicorn.conf.py app:app
serve: export FACEREPS_DATABASE ?= $(CURDIR)/data/facereps.db
serve: setup
	FACEREPS_ENV=production $(BIN)/flask --app app db upgrade
	FACEREPS_ENV=production $(BIN)/flask --app app reminders run & sender=$$!; photos=; \
	  if [ -n "$$FACEREPS_REPLICA_URL" ]; then \
	    FACEREPS_ENV=production $(BIN)/flask --app app photos sync --every 10 & photos=$$!; fi; \
	  trap 'kill $$sender $$photos' EXIT INT TERM; \
	  if [ -n "$$FACEREPS_REPLICA_URL" ]; then \
	    FACEREPS_ENV=production $(BIN)/litestream replicate -config deploy/litestream.yml -exec "$(GUNICORN)"; \
	  else FACEREPS_ENV=production $(GUNICORN); fi

# Lint and type checks first, then every test on both cores (pytest-xdist; each worker has its own
# servers and browser).
test: setup chromium lint typecheck
	$(BIN)/python -m pytest -n 2

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

setup: $(VENV)/.installed $(HTMX)

# Every package, transitive ones included, is pinned with its hashes (requirements*.txt, made from
# requirements*.in by `make lock`); pip refuses anything that does not match.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

# Re-pin after changing requirements*.in (pip-tools runs from a throw-away venv).
lock:
	rm -rf .lock-venv && $(PY) -m venv .lock-venv && .lock-venv/bin/pip install --quiet pip-tools==7.6.2
	.lock-venv/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links -o requirements.txt requirements.in
	.lock-venv/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links -o requirements-dev.txt requirements-dev.in
	rm -rf .lock-venv

# htmx is pinned with its integrity hash in package-lock.json; npm ci verifies it.
$(HTMX): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu)."; exit 1; \
	  fi; }

bench: setup chromium
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "The load benchmark needs wrk: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python bench/today.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/tap.py
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/lighthouse.py

check: setup
	$(BIN)/flask --app app catalog check

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
