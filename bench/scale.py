"""Benchmark: do Today, a tick and Progress cost the same with 100,000 users in the database as with 1,000?

Builds two throw-away SQLite files that differ only in how many other users they hold (1,000 and
100,000, each with an enrollment, its plan version and a month of done sessions, bulk-inserted), adds
the same measured user to both (three programs followed for a year, as bench/today.py does), and times
that user's requests through the WSGI app in-process, the two databases interleaved so drift hits both
alike. Prints the medians and the ratio large / small (target: about 1, i.e. indexes, not scans).
Run with `.venv/bin/python bench/scale.py` (about two minutes and 400 MB of temporary disk).
"""

import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from bench.today import NOW, REPEAT, TODAY, enroll, follow_until_today, timed
from model import store
from model.store import db as database
from model.store import migrations

SIZES = {"1,000 users": 1_000, "100,000 users": 100_000}
SESSIONS_EACH = 30  # a month of a daily face workout for every other user
ROUTINE = "face-workout-5min"


def seed_others(conn, count):
    """`count` users, each following the daily face workout with a month of done sessions."""
    stamp = NOW.isoformat(timespec="seconds")
    start = TODAY - timedelta(days=SESSIONS_EACH)
    days = [(start + timedelta(days=d)).isoformat() for d in range(SESSIONS_EACH)]
    options = json.dumps({"skip_areas": []})
    conn.execute("BEGIN")
    first = conn.execute("SELECT coalesce(max(id), 0) FROM users").fetchone()[0] + 1
    conn.executemany(
        "INSERT INTO users (id, email, password_hash, time_zone, created_at) VALUES (?, ?, 'x', 'UTC', ?)",
        ((first + n, f"other{n}@scale.test", stamp) for n in range(count)),
    )
    conn.executemany(
        "INSERT INTO enrollments (id, user_id, program_id, start_day, options, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ((first + n, first + n, "face-workout-daily", start.isoformat(), options, stamp) for n in range(count)),
    )
    conn.executemany(
        "INSERT INTO enrollment_versions (enrollment_id, user_id, effective_day, options, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        ((first + n, first + n, start.isoformat(), options, stamp) for n in range(count)),
    )
    conn.executemany(
        "INSERT INTO sessions (user_id, day, routine_id, device_id, steps_total, steps_done, status, updated_at) "
        "VALUES (?, ?, ?, 'face_workout', 5, 5, 'done', ?)",
        ((first + n, day, ROUTINE, stamp) for n in range(count) for day in days),
    )
    conn.execute("COMMIT")


def build(folder, name, others):
    path = folder / f"{others}.db"
    conn = database.connect(path)
    migrations.upgrade(conn)
    began = time.perf_counter()
    seed_others(conn.conn, others)
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench", "CLOCK": lambda: NOW, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    client.post("/register", data={"email": "me@scale.test", "password": "benchmark pass", "time_zone": "Europe/Paris"})
    user = store.user_by_email(conn, "me@scale.test")
    catalog = app.extensions["catalog"]
    enroll(conn, catalog, user.id, TODAY - timedelta(days=365))
    follow_until_today(conn, catalog, user, TODAY - timedelta(days=365))
    conn.execute("ANALYZE")
    sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    size = path.stat().st_size / 1e6
    print(f"{name}: {sessions:,} sessions, {size:.0f} MB, seeded in {time.perf_counter() - began:.0f} s")
    conn.close()
    return client


def main():
    with tempfile.TemporaryDirectory(prefix="facereps-scale-") as folder:
        measure({name: build(Path(folder), name, others) for name, others in SIZES.items()})


def measure(clients):
    tick = f"/days/{TODAY.isoformat()}/routines/{ROUTINE}/steps/cheek-lifter"
    results = {
        "Today": timed(clients, "get", "/today"),
        "tick": timed(
            clients,
            "post",
            tick,
            data={"done": ["0", "1"]},
            headers={"HX-Request": "true", "HX-Target": f"step-{ROUTINE}-cheek-lifter"},
        ),
        "Progress": timed(clients, "get", "/progress"),
    }
    small, large = SIZES
    print(f"{'endpoint':<9} {small:>12} {large:>14}   ratio   ({REPEAT} requests each, medians, ms)")
    for endpoint, figures in results.items():
        few, many = figures[small].median, figures[large].median
        print(f"{endpoint:<9} {few:>12.2f} {many:>14.2f}   {many / few:.2f}x")


if __name__ == "__main__":
    main()
