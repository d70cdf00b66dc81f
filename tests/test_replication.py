"""Continuous replication with Litestream, on a real gunicorn, a real litestream and real SQLite files.

The restore drill: ticks under load with replication on to a file:// replica, kill -9 of the server and
of Litestream together, then `flask restore` to a new path. Also: restore refusing a live database, and
the photos' own copy. Loopback only, bounded in time.
"""

import http.client
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from model.store import replica
from tests.faults import ROOT, Client, Gunicorn, today_utc

STEPS = ["cheek-lifter", "happy-cheeks", "brow-lift", "jaw-release", "chin-lift"]
# The target: every tick acknowledged more than 1 s before a crash is in the replica (deploy/litestream.yml
# syncs every 0.5 s, so a sync and its write fit inside it on a busy 2-core machine).
TARGET_LAG = 1.0


def tick_path(step):
    return f"/days/{today_utc()}/routines/face-workout-5min/steps/{step}"


class Replicated(Gunicorn):
    """gunicorn under `litestream replicate -config deploy/litestream.yml -exec ...`, as `make serve` runs it
    with FACEREPS_REPLICA_URL set; kill() is a kill -9 of Litestream, gunicorn and its workers at once."""

    def __init__(self, database, replica_folder, workers=2):
        super().__init__(database, workers)
        self.url = Path(replica_folder).as_uri()
        self.env["FACEREPS_REPLICA_URL"] = self.url

    def start(self):
        gunicorn = f"{sys.executable} -m gunicorn --workers {self.workers} --bind 127.0.0.1:{self.port} app:app"
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [str(replica.litestream()), "replicate", "-config", str(replica.CONFIG), "-exec", gunicorn],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            return self.wait_until_healthy("litestream + gunicorn did not start")
        except RuntimeError as error:
            raise RuntimeError(f"{error}:\n{self.log_text()}") from None


def tick_writer(port, cookies, stop, acknowledged):
    """Ticks until `stop`; appends (client_id, monotonic time the answer arrived) for each 200 or 303."""
    client = Client(port)
    client.cookies = dict(cookies)
    n = 0
    while not stop.is_set():
        client_id = uuid.uuid4().hex
        try:
            status, _ = client.request(
                "POST", tick_path(STEPS[n % 5]), {"done": str(n // 5 % 2), "client_id": client_id}
            )
        except (OSError, http.client.HTTPException):
            status = None  # the server died mid-request: not acknowledged
        if status in (200, 303):
            acknowledged.append((client_id, time.monotonic()))
        n += 1


def flask(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_restore_drill_after_kill_9_of_server_and_litestream(tmp_path):
    server = Replicated(tmp_path / "live" / "facereps.db", tmp_path / "replica").start()
    acknowledged: list = []
    stop = threading.Event()
    try:
        owners = [Client(server.port).register(f"drill{i}@example.com").start() for i in range(2)]
        writers = [
            threading.Thread(target=tick_writer, args=(server.port, owner.cookies, stop, acknowledged))
            for owner in owners
        ]
        for writer in writers:
            writer.start()
        time.sleep(6)  # past Litestream's first snapshot and several syncs, under load
        killed_at = time.monotonic()
        server.kill()
        stop.set()
        for writer in writers:
            writer.join(timeout=30)
    finally:
        stop.set()
        server.stop()

    env = {**server.env, "FACEREPS_DATABASE": str(server.database)}
    refused = flask("restore", env=env)  # the live path: it exists
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"Error: {server.database} exists: a live database is never overwritten; restore to a new path with --to."
    )
    restored_path = tmp_path / "restored" / "facereps.db"
    done = flask("restore", "--to", str(restored_path), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Restored {restored_path} (integrity ok)")

    with sqlite3.connect(restored_path) as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [row[0] for row in restored.execute("SELECT client_id FROM client_requests")]
        emails = [row[0] for row in restored.execute("SELECT email FROM users")]
    with sqlite3.connect(server.database) as live:
        live_ids = {row[0] for row in live.execute("SELECT client_id FROM client_requests")}
    well_before = {client_id for client_id, at in acknowledged if at < killed_at - TARGET_LAG}
    assert len(well_before) > 50  # the drill really ran under load
    assert well_before <= set(ids), f"{len(well_before - set(ids))} acknowledged ticks lost"
    assert len(ids) == len(set(ids)) and set(ids) <= live_ids  # nothing duplicated, nothing invented
    assert sorted(emails) == ["drill0@example.com", "drill1@example.com"]


HOLD_OPEN = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM t").fetchone()
print("open", flush=True)
sys.stdin.read()
conn.close()
"""


def test_restore_refuses_an_open_database_and_a_left_wal(tmp_path):
    database = tmp_path / "open.db"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    # Another process holds it open (SQLite's locks are per process, as the app's workers are).
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(database)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "open\n"
    replicated = tmp_path / "replica"
    subprocess.run(
        [str(replica.litestream()), "replicate", "-once", "-force-snapshot", str(database), replicated.as_uri()],
        check=True,
        capture_output=True,
        timeout=60,
    )
    with pytest.raises(replica.RestoreError, match=r"open\.db is open by a running process \(the app or Litestream\)"):
        replica.restore(replicated.as_uri(), database)
    holder.communicate("", timeout=10)  # it closes the database and exits
    with pytest.raises(replica.RestoreError, match=r"open\.db exists: a live database is never overwritten"):
        replica.restore(replicated.as_uri(), database)

    stale = tmp_path / "new.db-wal"
    stale.write_bytes(b"left over")
    with pytest.raises(replica.RestoreError, match=r"new\.db-wal is left from an earlier database"):
        replica.restore(replicated.as_uri(), tmp_path / "new.db")
    stale.unlink()
    with pytest.raises(replica.RestoreError, match="no matching backup files"):
        replica.restore((tmp_path / "nothing").as_uri(), tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()
    done = replica.restore(replicated.as_uri(), tmp_path / "new.db")
    assert done.path == tmp_path / "new.db" and replica.integrity(done.path) == "ok"
    # No scratch file left (.open.db-litestream is Litestream's own working folder beside the database).
    assert sorted(os.listdir(tmp_path)) == [".open.db-litestream", "new.db", "open.db", "replica"]


def test_photos_have_their_own_copy_and_come_back_with_a_restore(tmp_path):
    photos, copy = tmp_path / "photos", tmp_path / "replica" / "photos"
    photos.mkdir()
    (photos / "a.jpg").write_bytes(b"first")
    (photos / "b.jpg").write_bytes(b"second")
    (photos / "c.jpg.part").write_bytes(b"half-written")
    assert replica.sync_photos(photos, copy) == replica.Synced(copied=2, set_aside=0, purged=0)
    assert sorted(os.listdir(copy)) == ["a.jpg", "b.jpg"] and (copy / "b.jpg").read_bytes() == b"second"
    assert replica.sync_photos(photos, copy) == replica.Synced(0, 0, 0)

    (photos / "a.jpg").unlink()  # replaced or its account deleted: kept aside for 30 days, then purged
    now = time.time()
    assert replica.sync_photos(photos, copy, now) == replica.Synced(0, 1, 0)
    assert sorted(os.listdir(copy)) == [".removed", "b.jpg"]
    later = now + replica.KEEP_REMOVED_SECONDS + 1
    assert replica.sync_photos(photos, copy, later) == replica.Synced(0, 0, 1)
    assert sorted(os.listdir(copy / ".removed")) == []

    # A photo folder wiped by a dead disk never empties the copy at once.
    (photos / "b.jpg").unlink()
    assert replica.sync_photos(photos, copy, later) == replica.Synced(0, 1, 0)
    assert (copy / ".removed" / "b.jpg").read_bytes() == b"second"


def test_cli_photo_sync_and_restore_bring_photos_back(tmp_path):
    live = tmp_path / "live" / "facereps.db"
    folder = tmp_path / "replica"
    env = {
        **os.environ,
        "FACEREPS_DATABASE": str(live),
        "FACEREPS_SECRET_KEY": "replication-tests",
        "FACEREPS_REPLICA_URL": folder.as_uri(),
    }
    env.pop("FACEREPS_ENV", None)
    assert flask("db", "upgrade", env=env).returncode == 0
    with sqlite3.connect(live) as conn:
        conn.execute(
            "INSERT INTO users (email, password_hash, time_zone, created_at) VALUES ('p@example.com', 'x', 'UTC', '2026-01-01')"
        )
        user = conn.execute("SELECT id FROM users").fetchone()[0]
        conn.execute(
            "INSERT INTO photos (user_id, week, angle, filename, width, height, created_at) "
            "VALUES (?, '2026-01-05', 'front', 'f00d.jpg', 1, 1, '2026-01-05')",
            [user],
        )
    (live.parent / "photos").mkdir()
    (live.parent / "photos" / "f00d.jpg").write_bytes(b"jpeg bytes")
    subprocess.run(
        [str(replica.litestream()), "replicate", "-once", "-force-snapshot", str(live), folder.as_uri()],
        check=True,
        capture_output=True,
        timeout=60,
    )
    synced = flask("photos", "sync", env=env)
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.strip() == f"Photos: 1 copied, 0 set aside, 0 purged ({folder / 'photos'})."

    target = tmp_path / "second-disk" / "facereps.db"
    done = flask("restore", "--to", str(target), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Restored {target} (integrity ok) and 1 photos into {target.parent / 'photos'}."
    assert (target.parent / "photos" / "f00d.jpg").read_bytes() == b"jpeg bytes"

    s3 = flask("photos", "sync", env={**env, "FACEREPS_REPLICA_URL": "s3://bucket/facereps"})
    assert s3.returncode == 1
    assert "set a file:// FACEREPS_REPLICA_URL or pass --to FOLDER" in s3.stderr
