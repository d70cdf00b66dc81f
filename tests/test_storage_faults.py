"""When storage fails (issue 18), on real files: a full disk (a small tmpfs filled up), another process
holding a write for 30 s (BEGIN IMMEDIATE and the write gate) under a real gunicorn, a read-only database.
What a user notices: 503 with Retry-After and what happened in plain words, nothing half-written, no
`.part` file, pages and /healthz still answering; and an operator: one clear line from `flask db upgrade`.

The tmpfs tests need root (mount); elsewhere they skip, saying so. The read-only tests use a tmpfs mounted
read-only as root (root writes through any file mode) and a chmod-ed copy otherwise.
"""

import contextlib
import errno
import http.client
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from app import create_app
from model.store import db as database
from tests.conftest import CHEAP_HASHER, Auth, text_of
from tests.faults import Client, free_port, today_utc
from tests.support.photos import jpeg_with_gps, upload
from tests.support.programs import start

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-24"  # the test clock's day for the Europe/Paris user
TICK = f"/days/{DAY}/routines/microcurrent-standard/steps/cleanse"
HTMX = {"HX-Request": "true", "HX-Target": "step-microcurrent-standard-cleanse"}
HOLD_SECONDS = 30  # the 30 s; the bounded write wait is 5 s at the gate (+ 5 s SQLite's own)

# A second process holding the database's write lock, as another tool (or a stuck writer) would: the write
# gate too unless told "no-gate", then BEGIN IMMEDIATE and a write it never commits.
HOLDER = """
import fcntl, os, sqlite3, sys, time
path, seconds, gate = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "gate"
if gate:
    lock = os.open(path + ".write-lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
conn = sqlite3.connect(path, isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE held_by_another_process (x)")
print("holding", flush=True)
time.sleep(seconds)
conn.execute("ROLLBACK")
"""


@contextlib.contextmanager
def held(path, seconds, gate=True):
    """Another process holds the write lock of the database at `path` for `seconds` (yields it)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds), "gate" if gate else "no-gate"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


def rows(path, sql):
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def close_this_threads_connection(path):
    """The test client's requests keep a connection in this thread: close it (its file too)."""
    database.release(database.kept_connection(path), failed=True)


# --- a small disk, filled up -------------------------------------------------------------------------


def _mount(folder, *options):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (run the tests as root to fill a real disk)")
    folder.mkdir(exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(["mode=0700", *options]), "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"mount is not allowed here: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB tmpfs of its own, unmounted afterwards."""
    disk = tmp_path / "disk"
    _mount(disk, "size=8m")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk):
    """Fill the disk to the last byte: a file grown until the kernel says ENOSPC."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * chunk)
        with pytest.raises(OSError, match="No space left on device") as full:
            os.write(fd, b"\0")
        assert full.value.errno == errno.ENOSPC
    finally:
        os.close(fd)


@pytest.fixture
def app_on_disk(small_disk, make_app, migrated):
    path = small_disk / "facereps.db"
    shutil.copyfile(migrated, path)
    app = make_app(DATABASE=str(path))
    yield app
    close_this_threads_connection(path)


def test_a_full_disk_answers_503_in_plain_words_and_keeps_nothing_half_written(app_on_disk, small_disk):
    client, path = app_on_disk.test_client(), small_disk / "facereps.db"
    Auth(client).register()
    assert start(client, app_on_disk).status_code == 303
    # An empty write-ahead log, so the next write needs new space on the disk (a WAL keeps its size). The
    # app's connection stays open, as a server's does: its -shm file stays (a new one would need space too).
    assert rows(path, "PRAGMA wal_checkpoint(TRUNCATE)")[0][0] == 0
    fill(small_disk)
    before = rows(path, "SELECT count(*) FROM client_requests")

    response = client.post(TICK, data={"done": "1", "client_id": "phone-1"}, headers=HTMX)
    assert response.status_code == 503 and response.headers["Retry-After"] == "120"
    assert "Not saved: the server's disk is full." in text_of(response)
    assert "Nothing was changed" in text_of(response)
    response = client.post(TICK, data={"done": "1"}, headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.get_json()["reason"] == "full"
    assert "run out of disk space" in response.get_json()["error"]

    response = client.post("/progress/weeks/2026-11-23/checkin", data={"firmness": "3", "fine_lines": "3", "glow": "4"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "120"
    page = text_of(response)
    assert "Not saved: the server's disk is full" in page and "Something went wrong" not in page

    response = upload(client, jpeg_with_gps())
    assert response.status_code == 503 and "short of space" in text_of(response)  # the photo form says so
    assert response.headers["Retry-After"] == "120"
    photos = app_on_disk.config["PHOTO_DIR"]
    assert not list(photos.glob("*")) if photos.exists() else True  # no photo, no .part file

    (small_disk / "filler").unlink()
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(path, "SELECT count(*) FROM ticks") == [(0,)]
    assert rows(path, "SELECT count(*) FROM checkins") == [(0,)]
    assert rows(path, "SELECT count(*) FROM client_requests") == before
    # Space again: the same tick (the phone sends it again) is stored, once.
    response = client.post(TICK, data={"done": "1", "client_id": "phone-1"}, headers=HTMX)
    assert response.status_code == 200
    assert rows(path, "SELECT step_id FROM ticks") == [("cleanse",)]
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_a_photo_on_a_full_disk_leaves_no_part_file(app_on_disk, small_disk):
    client = app_on_disk.test_client()
    Auth(client).register()
    rows(small_disk / "facereps.db", "PRAGMA wal_checkpoint(TRUNCATE)")
    photos = app_on_disk.config["PHOTO_DIR"]
    photos.mkdir()
    fill(small_disk)
    response = upload(client, jpeg_with_gps((1600, 1200)))
    assert response.status_code == 503  # the photo form, with its message (docs/security.md)
    assert "space" in text_of(response) and "Something went wrong" not in text_of(response)
    assert list(photos.iterdir()) == []
    assert rows(small_disk / "facereps.db", "SELECT count(*) FROM photos") == [(0,)]


def test_healthz_says_degraded_when_the_disk_is_full(app_on_disk, small_disk):
    client = app_on_disk.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    fill(small_disk)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded" and response.get_json()["reason"] == "full"


# --- another process holding the write lock ----------------------------------------------------------


def test_a_writer_that_skips_the_gate_gets_503_after_the_bounded_wait(make_app, monkeypatch):
    """Another tool holding BEGIN IMMEDIATE without the gate: SQLite's busy timeout bounds the wait."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 500)
    app = make_app()
    client = app.test_client()
    Auth(client).register()
    assert start(client, app).status_code == 303
    with held(app.config["DATABASE"], 20, gate=False):
        began = time.monotonic()
        response = client.post(TICK, data={"done": "1"}, headers=HTMX)
        waited = time.monotonic() - began
        assert response.status_code == 503 and response.headers["Retry-After"] == "10"
        assert "Not saved: the server is busy." in text_of(response)
        assert 0.4 < waited < 5
        assert client.get("/today").status_code == 200
    assert rows(app.config["DATABASE"], "SELECT count(*) FROM ticks") == [(0,)]
    close_this_threads_connection(app.config["DATABASE"])


class Server:
    """A real gunicorn with the production settings (deploy/gunicorn.conf.py: gthread, 2 workers)."""

    def __init__(self, database_path):
        self.database, self.port = database_path, free_port()
        self.log = database_path.with_suffix(".log")
        self.env = {
            **os.environ,
            "FACEREPS_DATABASE": str(database_path),
            "FACEREPS_SECRET_KEY": "storage-tests",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("FACEREPS_ENV", None)
        self.env.pop("WEB_THREADS", None)
        flask = [sys.executable, "-m", "flask", "--app", "app"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=self.env, check=True, capture_output=True)
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "app:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if fetch(self.port, "GET", "/healthz")[0] == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def fetch(port, method, path, form=None, headers=None, cookies=None):
    """(status, headers, body text, seconds taken) of one request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=40)
    all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    if cookies:
        all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    began = time.monotonic()
    try:
        connection.request(method, path, urlencode(form or {}) if method == "POST" else None, all_headers)
        response = connection.getresponse()
        body = response.read().decode()
        return response.status, response.headers, body, time.monotonic() - began
    finally:
        connection.close()


@pytest.fixture
def gunicorn(tmp_path):
    server = Server(tmp_path / "held.db")
    yield server
    server.stop()


def test_a_write_held_for_30_s_elsewhere_stalls_no_page_and_writers_get_503(gunicorn):
    owner = Client(gunicorn.port).register("held@example.com").start()
    tick = f"/days/{today_utc()}/routines/face-workout-5min/steps/cheek-lifter"
    # A login last seen long ago: the next page notes it, a write made on the side that must not wait.
    with contextlib.closing(sqlite3.connect(gunicorn.database)) as conn, conn:
        conn.execute("UPDATE logins SET last_seen_at = '2000-01-01T00:00:00+00:00'")
    writes, reads = [], []

    with held(gunicorn.database, HOLD_SECONDS):
        end = time.monotonic() + HOLD_SECONDS - 1

        def writer(n):
            # Each write waits within the hold (at most 10 s), so every one of them meets the held lock.
            while time.monotonic() + 11 < end:
                answer = fetch(
                    gunicorn.port, "POST", tick, {"done": "1", "client_id": f"w{n}-{len(writes)}"}, HTMX, owner.cookies
                )
                writes.append(answer)

        writers = [threading.Thread(target=writer, args=(n,)) for n in range(3)]  # 3 stuck writers at once
        for thread in writers:
            thread.start()
        while time.monotonic() < end:
            for path in ("/today", "/healthz"):
                reads.append((path, *fetch(gunicorn.port, "GET", path, cookies=owner.cookies)))
            time.sleep(0.2)
        for thread in writers:
            thread.join(timeout=30)

    slowest = max(read[4] for read in reads)
    assert all(read[1] == 200 for read in reads) and slowest < 2, [(r[0], r[1], r[4]) for r in reads if r[4] >= 2]
    assert {read[3] for read in reads if read[0] == "/healthz"} == {'{"status":"ok"}\n'}
    assert len(reads) > 50 and len(writes) >= 6
    for status, headers, body, seconds in writes:
        assert status == 503 and headers["Retry-After"] == "10"
        assert "Not saved: the server is busy." in body and 4.5 < seconds < 12
    assert rows(gunicorn.database, "SELECT count(*) FROM ticks") == [(0,)]
    assert rows(gunicorn.database, "SELECT count(*) FROM sqlite_master WHERE name = 'held_by_another_process'") == [
        (0,)
    ]
    # Released: the next write goes through at once.
    status, _, _, seconds = fetch(gunicorn.port, "POST", tick, {"done": "1"}, cookies=owner.cookies)
    assert status == 303 and seconds < 2
    assert rows(gunicorn.database, "SELECT step_id FROM ticks") == [("cheek-lifter",)]
    assert "Traceback" not in gunicorn.log.read_text()
    print(f"\nheld {HOLD_SECONDS} s: {len(reads)} reads, slowest {slowest:.3f} s; {len(writes)} writes answered 503")


# --- a read-only database ----------------------------------------------------------------------------


@contextlib.contextmanager
def made_read_only(folder):
    """The folder (and the database in it) read-only: a read-only mount as root, file modes otherwise."""
    if os.geteuid() == 0:
        done = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    else:
        for each in folder.iterdir():
            each.chmod(0o400)
        folder.chmod(0o500)
    try:
        yield folder
    finally:
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        else:
            folder.chmod(0o700)


@pytest.fixture
def read_only_home(tmp_path):
    """A folder for the database that can be made read-only: a tmpfs as root, a plain folder otherwise."""
    folder = tmp_path / "ro"
    if os.geteuid() == 0:
        _mount(folder, "size=16m")
    else:
        folder.mkdir()
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_database_serves_pages_refuses_changes_and_healthz_says_why(
    read_only_home, migrated, clock, make_app, caplog
):
    path = read_only_home / "facereps.db"
    shutil.copyfile(migrated, path)
    app = make_app(DATABASE=str(path))
    client = app.test_client()
    Auth(client).register()
    assert start(client, app).status_code == 303
    close_this_threads_connection(path)

    with made_read_only(read_only_home):
        with caplog.at_level(logging.WARNING):
            started = make_app(DATABASE=str(path))
        assert any("cannot take writes" in r.getMessage() and "read_only" in r.getMessage() for r in caplog.records)
        page = client.get("/today")
        assert page.status_code == 200 and "Microcurrent toning routine" in text_of(page)
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["status"] == "degraded" and health.get_json()["reason"] == "read_only"

        response = client.post(TICK, data={"done": "1"}, headers=HTMX)
        assert response.status_code == 503 and response.headers["Retry-After"] == "120"
        assert "Not saved: changes are paused." in text_of(response) and "read-only" in text_of(response)
        other = started.test_client()
        response = Auth(other).login()
        assert response.status_code == 503 and "cannot save changes right now" in text_of(response)
        close_this_threads_connection(path)

        upgrade = run_upgrade(path)
        assert upgrade.returncode == 1 and "Traceback" not in upgrade.stderr
        assert upgrade.stderr.strip().splitlines() == [
            f"Error: Cannot upgrade the database at {path}: it is read-only (its file, folder or disk cannot be "
            "written)."
        ]
    assert rows(path, "SELECT count(*) FROM ticks") == [(0,)]


def test_db_upgrade_names_an_unreachable_database_in_one_line(tmp_path):
    folder = tmp_path / "a-folder-not-a-file"
    folder.mkdir()
    upgrade = run_upgrade(folder)
    assert upgrade.returncode == 1 and "Traceback" not in upgrade.stderr
    assert upgrade.stderr.strip().splitlines() == [
        f"Error: Cannot upgrade the database at {folder}: unable to open database file."
    ]


def run_upgrade(path):
    env = {**os.environ, "FACEREPS_DATABASE": str(path), "FACEREPS_SECRET_KEY": "storage-tests"}
    env.pop("FACEREPS_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_app_starts_on_a_read_only_database_without_failing(read_only_home, migrated):
    """create_app itself opens nothing for writing: a read-only database still gives an app."""
    path = read_only_home / "facereps.db"
    shutil.copyfile(migrated, path)
    with made_read_only(read_only_home):
        app = create_app({"DATABASE": str(path), "SECRET_KEY": "x", "TESTING": True, "PASSWORD_HASHER": CHEAP_HASHER})
        assert app.test_client().get("/healthz").get_json()["reason"] == "read_only"
        close_this_threads_connection(path)
