"""Replication lag benchmark: how long an acknowledged write waits before it is in the Litestream replica.

Runs gunicorn (2 workers) under `litestream replicate` with deploy/litestream.yml to a file:// replica
in a temporary folder, and 4 client threads ticking on loopback for DURATION seconds. About every second (at random
moments) a sampler restores the replica (`litestream restore`) and looks for every tick acknowledged before it
started: the lag of that sample is the age of the oldest acknowledged tick not in the replica (0 when
all are). At the end the server and Litestream are killed with kill -9 together and the replica is
restored once more: the writes lost are those acknowledged in the last LOST seconds. Target: at most 1 s.
`python bench/replication.py [seconds]`.
"""

import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.store import replica
from tests.faults import Client
from tests.test_replication import Replicated, tick_writer

DURATION = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
CLIENTS = 4


def restored_ids(url, scratch):
    for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
        leftover.unlink(missing_ok=True)
    subprocess.run([str(replica.litestream()), "restore", "-o", str(scratch), url], check=True, capture_output=True)
    with sqlite3.connect(scratch) as conn:
        ids = {row[0] for row in conn.execute("SELECT client_id FROM client_requests")}
    conn.close()
    return ids


def lag(acknowledged, ids, at):
    """Seconds the oldest acknowledged tick missing from `ids` had waited at `at` (0: none missing)."""
    missing = [moment for client_id, moment in acknowledged if client_id not in ids]
    return at - min(missing) if missing else 0.0


def main():
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        server = Replicated(folder / "live" / "facereps.db", folder / "replica").start()
        acknowledged: list = []
        stop = threading.Event()
        samples, restore_ms = [], []
        try:
            owners = [Client(server.port).register(f"lag{i}@example.com").start() for i in range(CLIENTS)]
            writers = [
                threading.Thread(target=tick_writer, args=(server.port, owner.cookies, stop, acknowledged))
                for owner in owners
            ]
            for writer in writers:
                writer.start()
            started = time.monotonic()
            time.sleep(3)  # Litestream's first snapshot
            while time.monotonic() - started < DURATION:
                at = time.monotonic()
                seen = list(acknowledged)
                ids = restored_ids(server.url, folder / "sample.db")
                restore_ms.append((time.monotonic() - at) * 1000)
                samples.append(lag(seen, ids, at))
                # Random spacing: Litestream syncs on a 1 s ticker, and samples in step with it would see one phase.
                time.sleep(max(0.0, random.uniform(0.5, 1.5) - (time.monotonic() - at)))
            time.sleep(random.uniform(0, 1))
            killed_at = time.monotonic()
            server.kill()
            stop.set()
            for writer in writers:
                writer.join(timeout=30)
            ticks = len(acknowledged)
            elapsed = killed_at - started
        finally:
            stop.set()
            server.stop()
        ids = restored_ids(server.url, folder / "after-kill.db")
        lost = [moment for client_id, moment in acknowledged if client_id not in ids]
        samples.sort()
        print(f"{ticks} ticks acknowledged in {elapsed:.1f} s ({ticks / elapsed:.0f}/s) by {CLIENTS} clients")
        print(
            f"replication lag over {len(samples)} samples: median {statistics.median(samples) * 1000:.0f} ms, "
            f"p95 {samples[int(len(samples) * 0.95) - 1] * 1000:.0f} ms, max {samples[-1] * 1000:.0f} ms "
            f"(each sample's restore took {statistics.median(restore_ms):.0f} ms, median)"
        )
        window = killed_at - min(lost) if lost else 0.0
        print(
            f"after kill -9 of gunicorn and Litestream: {len(lost)} acknowledged ticks not in the replica, "
            f"those of the last {window * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
