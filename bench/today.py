"""Benchmark: server time of the Today page, a tick and the Progress page, fresh user vs two years.

Run with `make bench` (or `.venv/bin/python bench/today.py`). Builds a throw-away SQLite file,
seeds a fresh user and a user with 3 programs followed for 2 years, and times requests through
the WSGI app in-process (server time only, no network), printing medians and 95th percentiles.
"""

import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from model import enrolled, store, today
from model.context import Context
from model.store import db as database
from model.store import migrations

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
PROGRAMS = ["microcurrent-60-days", "led-red-intensive", "face-workout-daily"]
REPEAT = 300


def enroll(conn, catalog, user_id, start_day):
    for program_id in PROGRAMS:
        program = catalog.programs[program_id]
        device = catalog.device_of(program)
        answers = {q.id: "no" for q in device.questions}
        store.start_enrollment(
            conn,
            user_id,
            program_id,
            start_day,
            {"neck": True, "skip_areas": []},
            (device.id, device.questions_version, answers, False, start_day),
            NOW,
            phases=enrolled.phase_snapshot(program),
        )
        for gate in device.gates:
            store.check_gate(conn, user_id, device.id, gate.id, start_day - timedelta(days=gate.wait_days))


def follow_for_two_years(conn, catalog, user, start_day):
    """Tick every step of every due routine, day by day, as a faithful user would."""
    day = start_day
    while day < TODAY:
        view = today.build_day(Context(conn, catalog, user, day, NOW), day)
        for card in view.due:
            if card.verdict.state == "due":
                for step in card.steps:
                    store.set_tick(
                        conn,
                        user.id,
                        day,
                        card.routine.id,
                        card.device.id,
                        step.id,
                        True,
                        [s.id for s in card.steps],
                        NOW,
                    )
        day += timedelta(days=1)


def timed(clients, method, path, **kwargs):
    """Median and 95th percentile per user, the users' requests interleaved so drift hits both alike."""
    samples = {name: [] for name in clients}
    for _ in range(REPEAT):
        for name, client in clients.items():
            began = time.perf_counter()
            response = getattr(client, method)(path, **kwargs)
            samples[name].append((time.perf_counter() - began) * 1000)
            assert response.status_code in (200, 303), (path, response.status_code)
    return {name: (statistics.median(s), sorted(s)[int(len(s) * 0.95)]) for name, s in samples.items()}


def main():
    folder = Path(tempfile.mkdtemp(prefix="facereps-bench-"))
    path = folder / "bench.db"
    conn = database.connect(path)
    migrations.upgrade(conn)
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench", "CLOCK": lambda: NOW, "RATELIMIT_ENABLED": False})
    catalog = app.extensions["catalog"]
    clients, seeded = {}, time.perf_counter()
    for name, start_day in [("fresh", TODAY), ("two years", TODAY - timedelta(days=730))]:
        client = app.test_client()
        client.post(
            "/register",
            data={
                "email": f"{name.replace(' ', '')}@bench.test",
                "password": "benchmark pass",
                "time_zone": "Europe/Paris",
            },
        )
        user = store.user_by_email(conn, f"{name.replace(' ', '')}@bench.test")
        enroll(conn, catalog, user.id, start_day)
        if start_day < TODAY:
            follow_for_two_years(conn, catalog, user, start_day)
        clients[name] = client
    counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("sessions", "ticks")}
    per_routine = conn.execute("SELECT routine_id, count(*) FROM sessions GROUP BY routine_id").fetchall()
    print("sessions per routine:", dict(per_routine))
    print(f"seeded in {time.perf_counter() - seeded:.1f} s: {counts['sessions']} sessions, {counts['ticks']} ticks")
    print(f"{'user':<10} {'endpoint':<8} {'median ms':>10} {'p95 ms':>8}   ({REPEAT} requests each)")
    tick = "/days/2026-11-24/routines/face-workout-5min/steps/cheek-lifter"
    results = {
        "today": timed(clients, "get", "/today"),
        "tick": timed(
            clients,
            "post",
            tick,
            data={"done": ["0", "1"]},
            headers={"HX-Request": "true", "HX-Target": "step-face-workout-5min-cheek-lifter"},
        ),
        "progress": timed(clients, "get", "/progress"),
    }
    for name in clients:
        for endpoint, figures in results.items():
            print(f"{name:<10} {endpoint:<8} {figures[name][0]:>10.2f} {figures[name][1]:>8.2f}")
    for endpoint, figures in results.items():
        ratio = figures["two years"][0] / figures["fresh"][0]
        print(f"{endpoint}: two years / fresh = {ratio:.2f}x (target <= 1.5x)")
    conn.close()


if __name__ == "__main__":
    main()
