"""Under load and faults, on a real gunicorn with several workers: nothing lost, nothing broken.

Bounded in time and loopback only.
"""

import http.client
import multiprocessing
import sqlite3
import threading
import time
import uuid

import pytest

from tests.faults import Client, Gunicorn, today_utc

STEPS = ["cheek-lifter", "happy-cheeks", "brow-lift", "jaw-release", "chin-lift"]
TICKS_PER_CLIENT = 250


def tick_path(step):
    return f"/days/{today_utc()}/routines/face-workout-5min/steps/{step}"


def hammer(port, cookies, steps, results):
    """One client: TICKS_PER_CLIENT ticks, each with its own id; report (id, status, step, done, locked)."""
    client = Client(port)
    client.cookies = dict(cookies)
    sent = []
    for n in range(TICKS_PER_CLIENT):
        step = steps[n % len(steps)]
        done = "1" if (n // len(steps)) % 2 == 0 else "0"
        client_id = uuid.uuid4().hex
        status, body = client.request("POST", tick_path(step), {"done": done, "client_id": client_id})
        sent.append((client_id, status, step, done, b"database is locked" in body))
    results.put(sent)


def run_clients(port, cookie_sets, steps_for):
    results = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=hammer, args=(port, cookies, steps_for(i), results))
        for i, cookies in enumerate(cookie_sets)
    ]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    return [row for rows in collected for row in rows]


@pytest.fixture
def server(tmp_path):
    gunicorn = Gunicorn(tmp_path / "load.db", workers=4).start()
    yield gunicorn
    gunicorn.stop()


def check_no_errors(server, sent):
    assert [row[1] for row in sent if row[1] >= 500] == []
    assert not any(row[4] for row in sent) and "database is locked" not in server.log_text()
    acknowledged = check_every_acknowledged_tick(server.database, sent)
    assert len(acknowledged) == 8 * TICKS_PER_CLIENT
    with sqlite3.connect(server.database) as conn:
        assert conn.execute("SELECT count(*) FROM client_requests").fetchone()[0] == 8 * TICKS_PER_CLIENT


def check_every_acknowledged_tick(database, sent):
    acknowledged = [row for row in sent if row[1] in (200, 303)]
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        applied = {row[0] for row in conn.execute("SELECT client_id FROM client_requests")}
    assert {row[0] for row in acknowledged} <= applied
    return acknowledged


def test_eight_clients_of_different_users_lose_nothing(server):
    cookie_sets = [Client(server.port).register(f"load{i}@example.com").start().cookies for i in range(8)]
    sent = run_clients(server.port, cookie_sets, lambda i: STEPS)
    check_no_errors(server, sent)
    with sqlite3.connect(server.database) as conn:
        # Each client's last request per step sets the final state: ticks left are exactly those.
        last = {}
        for index, row in enumerate(sent):
            last[(index // TICKS_PER_CLIENT, row[2])] = row[3]
        assert conn.execute("SELECT count(*) FROM ticks").fetchone()[0] == list(last.values()).count("1")


def test_eight_clients_of_one_user_lose_nothing(server):
    owner = Client(server.port).register("shared@example.com").start()
    sent = run_clients(server.port, [owner.cookies] * 8, lambda i: [STEPS[i % len(STEPS)]])
    check_no_errors(server, sent)
    with sqlite3.connect(server.database) as conn:
        ticks = conn.execute("SELECT step_id, count(*) FROM ticks GROUP BY step_id").fetchall()
    assert all(count == 1 for _, count in ticks)


def test_kill_9_under_write_load_keeps_every_acknowledged_tick(tmp_path):
    gunicorn = Gunicorn(tmp_path / "crash.db", workers=2).start()
    owner = Client(gunicorn.port).register("crash@example.com").start()
    sent, stop = [], threading.Event()

    def writer():
        client = Client(gunicorn.port)
        client.cookies = dict(owner.cookies)
        n = 0
        while not stop.is_set():
            client_id = uuid.uuid4().hex
            try:
                status, _ = client.request("POST", tick_path(STEPS[n % 5]), {"done": "1", "client_id": client_id})
            except (OSError, http.client.HTTPException):
                status = None  # the server died mid-request or mid-response: not acknowledged
            sent.append((client_id, status))
            n += 1

    try:
        for _ in range(10):
            stop.clear()
            thread = threading.Thread(target=writer)
            thread.start()
            time.sleep(0.4)
            gunicorn.kill()
            stop.set()
            thread.join(timeout=30)
            gunicorn.start()
    finally:
        gunicorn.stop()
    acknowledged = [row for row in sent if row[1] in (200, 303)]
    assert len(acknowledged) >= 10
    with sqlite3.connect(gunicorn.database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        applied = {row[0] for row in conn.execute("SELECT client_id FROM client_requests")}
    assert {row[0] for row in acknowledged} <= applied
