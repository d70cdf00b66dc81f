"""Benchmark: gunicorn's worker models side by side on the same database, rounds interleaved.

Seeds the load benchmark's database (bench/load.py), starts one gunicorn per model in WORKER_MODELS
(deploy/gunicorn.conf.py with the model's flags), and runs wrk (32 connections, 5 s) against /healthz,
Today and a tick of each server in turn, three rounds, so this machine's drift hits every model alike.
Prints the median req/s, p99 and server CPU per request. Run with `.venv/bin/python bench/workers.py`.
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import PASSWORD, ROUNDS, seed, tick_script, wrk
from tests.faults import Client, free_port

GTHREAD = "--worker-class gthread --workers 2 --threads 4"
WORKER_MODELS = {  # name: (gunicorn flags, environment: e.g. {"WEB_THREADS": "2"})
    "sync, 2 workers (reference)": ("--worker-class sync --workers 2", {}),  # a stuck write stalls reads
    "gthread, 2 x 4 threads": (GTHREAD, {}),
    "sync, 4 workers": ("--worker-class sync --workers 4", {}),
    "sync, 5 workers": ("--worker-class sync --workers 5", {}),
}


def start(path, flags, extra):
    port = free_port()
    env = {**os.environ, "FACEREPS_DATABASE": str(path), "FACEREPS_SECRET_KEY": "bench", "PORT": str(port)}
    env.update({"GUNICORN_CMD_ARGS": flags + " --access-logfile /dev/null", **extra})
    for name in ("FACEREPS_ENV", "WEB_CONCURRENCY", "WEB_THREADS"):
        env.pop(name, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def main():
    folder = Path(tempfile.mkdtemp(prefix="facereps-workers-"))
    path = folder / "load.db"
    today = (datetime.now(UTC) - timedelta(hours=3)).date()
    seed(path, today)
    tick = tick_script(folder)
    servers = {name: start(path, flags, extra) for name, (flags, extra) in WORKER_MODELS.items()}
    try:
        runs = {}
        for name, (_server, port) in servers.items():
            client = Client(port)
            assert client.request("POST", "/login", {"email": "fresh@bench.test", "password": PASSWORD})[0] == 303
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            base = f"http://127.0.0.1:{port}"
            tick_url = f"{base}/days/{today.isoformat()}/routines/face-workout-5min/steps/cheek-lifter"
            runs[name] = [
                ("/healthz", base + "/healthz", None, None),
                ("Today", base + "/today", cookie, None),
                ("tick", tick_url, cookie, str(tick)),
            ]
        figures: dict = {(name, label): [] for name in servers for label, *_ in runs[name]}
        for _ in range(ROUNDS):
            for name, (server, _port) in servers.items():
                for label, url, cookie, script in runs[name]:
                    figures[(name, label)].append(wrk(url, cookie, script, server))
        print(f"{'model':<32} {'endpoint':<9} {'req/s':>7} {'p99 ms':>7} {'CPU ms/req':>10}   (median of {ROUNDS})")
        for (name, label), rows in figures.items():
            rps, p99, cpu = (statistics.median(row[i] for row in rows) for i in (0, 2, 4))
            print(f"{name:<32} {label:<9} {rps:>7.0f} {p99:>7.1f} {cpu:>10.2f}")
    finally:
        for server, _port in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
