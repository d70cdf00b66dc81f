"""gunicorn settings for `make serve`: one worker per core, access log to stdout."""

import multiprocessing
import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# One sync worker per core (at least two, so a slow request never holds up everyone). A request waits on
# nothing but the CPU (SQLite is a local file), so gunicorn's usual 2 × cores + 1 only makes workers
# take turns on the same cores: on 2 cores, 5 workers answered 16% fewer ticks than 2 (bench/load.py).
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
accesslog = "-"
errorlog = "-"
# The access log with calendar secrets shown as /calendar/[redacted].ics (the feed's URL is its key).
logger_class = "views.logging_filters.GunicornLogger"
timeout = 30
graceful_timeout = 10
# Each worker opens its own SQLite connection on its first request; nothing is shared before the fork.
preload_app = False
# Login throttle counters live in each worker unless RATELIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379)
# points every worker, and every machine, at one store. Behind a reverse proxy set FACEREPS_PROXY_HOPS
# (deploy/facereps.service: 1) so limits apply to each client, not to the proxy's address.
