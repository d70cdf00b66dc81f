"""gunicorn settings for `make serve`: one worker per core with a few threads each, access log to stdout."""

import multiprocessing
import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# One worker per core (at least two). A request mostly waits on the CPU (SQLite is a local file), so
# gunicorn's usual 2 × cores + 1 only makes workers take turns on the same cores: on 2 cores, 5 workers
# answered 16% fewer ticks than 2 (bench/load.py). But a write can wait for another writer (at most
# 10 s, model/store/db.py: then 503), and a sync worker waiting holds every request behind it: with
# threads, the worker's other threads go on serving pages and /healthz (readers never wait for the
# writer in WAL mode), so a stuck write elsewhere never stalls reads (tests/test_storage_faults.py).
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
# Four threads: with two, two writes waiting in one worker left its reads waiting 5 s (the storage test
# failed one run in two). Threads of a worker take turns on one interpreter, so this costs every request
# CPU (bench/load.py on 2 cores, ticks a second: sync workers 950, 2 threads 744, 4 threads 497-632).
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
accesslog = "-"
errorlog = "-"
# The access log with calendar secrets shown as /calendar/[redacted].ics (the feed's URL is its key).
logger_class = "views.logging_filters.GunicornLogger"
timeout = 30  # a silent worker is restarted after this; a waiting write gives up (503) long before, at 10 s
graceful_timeout = 10
# Each worker opens its own SQLite connection on its first request; nothing is shared before the fork.
preload_app = False
# Login throttle counters live in each worker unless RATELIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379)
# points every worker, and every machine, at one store. Behind a reverse proxy set FACEREPS_PROXY_HOPS
# (deploy/facereps.service: 1) so limits apply to each client, not to the proxy's address.
