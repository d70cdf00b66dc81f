"""Benchmark: does a worker's memory settle? RSS after 1,000 and after 10,000 Today loads (target: <= 1.1x).

Seeds the load benchmark's database (bench/load.py: 1,000 users with a year of history), starts gunicorn
with the production settings and one worker, signs in 50 users and loads their Today pages in turn (each
user's day and ticks differ, so what Today keeps, views/fragments.py, fills as it would), ticking a
step now and then, and reads the worker's resident memory from /proc after 1,000, 5,000 and 10,000 pages.
Run with `.venv/bin/python bench/memory.py` (about a minute).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import PASSWORD, seed
from tests.faults import Client, free_port

USERS = 50
CHECKPOINTS = (1_000, 5_000, 10_000)


def worker_rss_mb(server) -> float:
    """The resident memory of gunicorn's one worker, in MB (/proc/<pid>/status, VmRSS)."""
    pid = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()[0]
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def main():
    folder = Path(tempfile.mkdtemp(prefix="facereps-memory-"))
    path = folder / "memory.db"
    today = (datetime.now(UTC) - timedelta(hours=3)).date()
    seed(path, today)
    port = free_port()
    env = {**os.environ, "FACEREPS_DATABASE": str(path), "FACEREPS_SECRET_KEY": "bench", "PORT": str(port)}
    env.update({"WEB_CONCURRENCY": "1"})
    env.pop("FACEREPS_ENV", None)
    command = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "--access-logfile", "/dev/null"]
    server = subprocess.Popen(
        [*command, "app:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        clients = []
        for n in range(USERS):
            client = Client(port)
            status, _ = client.request("POST", "/login", {"email": f"user{n}@bench.test", "password": PASSWORD})
            assert status == 303, status
            clients.append(client)
        tick = f"/days/{today.isoformat()}/routines/face-workout-5min/steps/cheek-lifter"
        figures, began = {}, time.perf_counter()
        for n in range(1, CHECKPOINTS[-1] + 1):
            client = clients[n % USERS]
            status, _ = client.request("GET", "/today")
            assert status == 200, status
            if n % 97 == 0:  # now and then a tick, so Today's checklists change
                client.request("POST", tick, {"done": ["0", "1" if n % 2 else "0"]})
            if n in CHECKPOINTS:
                figures[n] = worker_rss_mb(server)
                print(
                    f"after {n:>6,} Today pages: worker RSS {figures[n]:.1f} MB ({time.perf_counter() - began:.0f} s)"
                )
        first, last = figures[CHECKPOINTS[0]], figures[CHECKPOINTS[-1]]
        print(f"10,000 / 1,000: {last / first:.3f}x (target <= 1.1x)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
