# FaceReps: `make run` serves the app, `make test` runs every test (browser tests included).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HTMX := static/vendor/htmx.min.js

.PHONY: run serve test setup chromium check bench clean

run: setup
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT)

# Production: gunicorn with FACEREPS_ENV=production (secure cookies; refuses to start without
# FACEREPS_SECRET_KEY). Put it behind a TLS reverse proxy (README).
serve: setup
	FACEREPS_ENV=production $(BIN)/flask --app app db upgrade
	FACEREPS_ENV=production $(BIN)/gunicorn --config deploy/gunicorn.conf.py app:app

test: setup chromium
	$(BIN)/python -m pytest

setup: $(VENV)/.installed $(HTMX)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

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

bench: setup
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "The load benchmark needs wrk: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python bench/today.py
	$(BIN)/python bench/load.py
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/lighthouse.py

check: setup
	$(BIN)/flask --app app catalog check

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
