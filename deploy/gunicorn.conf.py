"""gunicorn settings for `make serve`: workers from the CPU count, access log to stdout."""
import multiprocessing
import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
accesslog = "-"
errorlog = "-"
timeout = 30
graceful_timeout = 10
# Each worker opens its own SQLite connection on its first request; nothing is shared before the fork.
preload_app = False
