# FaceReps: `make run` serves the app, `make test` runs every test (browser tests included).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HTMX := static/vendor/htmx.min.js
# Mirror mode's face landmarks (MediaPipe face mesh): its script, graph, model data and WebAssembly, the SIMD
# build and the one for phones without SIMD; loaded only when Mirror is turned on (static/js/mirror-worker.js).
FACE_MESH := static/vendor/face_mesh
FACE_MESH_FILES := face_mesh.js face_mesh.binarypb face_mesh_solution_packed_assets.data \
  face_mesh_solution_packed_assets_loader.js face_mesh_solution_simd_wasm_bin.js \
  face_mesh_solution_simd_wasm_bin.wasm face_mesh_solution_wasm_bin.js face_mesh_solution_wasm_bin.wasm
VENDOR := $(HTMX) $(addprefix $(FACE_MESH)/,$(FACE_MESH_FILES))

.PHONY: run serve test lint typecheck format setup chromium faces check bench clean lock

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
test: setup chromium faces lint typecheck
	$(BIN)/python -m pytest -n 2

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

setup: $(VENV)/.installed $(VENDOR)

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

# htmx and the face mesh are pinned with their integrity hashes in package-lock.json; npm ci verifies them.
# One rule makes every vendor file (a grouped target), so a clean clone, or one missing file, copies them all.
$(VENDOR) &: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor $(FACE_MESH)
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)
	cp $(addprefix node_modules/@mediapipe/face_mesh/,$(FACE_MESH_FILES)) $(FACE_MESH)/

# Mirror mode's tests and benchmark feed Chromium's fake camera with videos made from public-domain photos that
# scikit-image's wheel ships (taken out of the wheel and checked against their hashes; nothing is installed).
faces: setup
	$(BIN)/python tools/face_photos.py

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu)."; exit 1; \
	  fi; }

bench: setup chromium faces
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "The load benchmark needs wrk: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python bench/today.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/tap.py
	$(BIN)/python bench/mirror.py
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/lighthouse.py

check: setup
	$(BIN)/flask --app app catalog check

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
