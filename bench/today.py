"""Benchmark: server time of the Today page, a tick and the Progress page, fresh user vs five years.

Run with `make bench` (or `.venv/bin/python bench/today.py`). Builds a throw-away SQLite file, seeds a
fresh user, one with 3 programs followed for 2 years and one for 5, and times requests through the WSGI
app in-process: the request is built first (as a server would have parsed it), then only the app's call
and the reading of its answer are timed. Prints medians, 95th percentiles and the median CPU time of the
thread (which the other core's work does not change). Targets (issue 20): Today <= 1.0 ms, tick <= 0.6 ms,
Progress <= 1.2 ms for a fresh user, the five-year user within 1.3x of fresh.
"""

import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.test import EnvironBuilder

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


def follow_until_today(conn, catalog, user, start_day):
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


@dataclass
class Figures:
    median: float  # ms, wall clock
    p95: float
    cpu: float  # ms, the thread's CPU time (median)


def timed(clients, method, path, data=None, headers=None):
    """Figures per user, the users' requests interleaved so drift hits both alike."""
    samples: dict = {name: ([], []) for name in clients}
    for _ in range(REPEAT):
        for name, client in clients.items():
            wall, cpu = samples[name]
            cookie = client.get_cookie("session")
            environ = EnvironBuilder(
                path=path,
                method=method.upper(),
                data=data,
                headers={**(headers or {}), "Cookie": f"session={cookie.value}"},
            ).get_environ()
            status: list = []
            began, began_cpu = time.perf_counter(), time.thread_time()
            body = b"".join(
                client.application(environ, lambda line, _headers, _info=None, seen=status: seen.append(line))
            )
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.thread_time() - began_cpu) * 1000)
            assert status[0][:3] in ("200", "303") and body, (path, status)
    return {
        name: Figures(statistics.median(wall), sorted(wall)[int(len(wall) * 0.95)], statistics.median(cpu))
        for name, (wall, cpu) in samples.items()
    }


def main():
    folder = Path(tempfile.mkdtemp(prefix="facereps-bench-"))
    path = folder / "bench.db"
    conn = database.connect(path)
    migrations.upgrade(conn)
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench", "CLOCK": lambda: NOW, "RATELIMIT_ENABLED": False})
    catalog = app.extensions["catalog"]
    clients, seeded = {}, time.perf_counter()
    for name, start_day in [
        ("fresh", TODAY),
        ("two years", TODAY - timedelta(days=730)),
        ("five years", TODAY - timedelta(days=1826)),
    ]:
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
            follow_until_today(conn, catalog, user, start_day)
        clients[name] = client
    counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("sessions", "ticks")}
    per_routine = conn.execute("SELECT routine_id, count(*) FROM sessions GROUP BY routine_id").fetchall()
    print("sessions per routine:", dict(per_routine))
    print(f"seeded in {time.perf_counter() - seeded:.1f} s: {counts['sessions']} sessions, {counts['ticks']} ticks")
    print(f"{'user':<10} {'endpoint':<8} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>8}   ({REPEAT} requests each)")
    tick = "/days/2026-11-24/routines/face-workout-5min/steps/cheek-lifter"
    results = {
        "floor": timed(clients, "get", "/healthz"),  # /healthz in the same run: how fast the machine is now
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
            each = figures[name]
            print(f"{name:<10} {endpoint:<8} {each.median:>10.2f} {each.p95:>8.2f} {each.cpu:>8.2f}")
    for endpoint, figures in results.items():
        if endpoint == "floor":
            continue
        ratio = figures["five years"].median / figures["fresh"].median
        share = results["floor"]["fresh"].median / figures["fresh"].median
        print(f"{endpoint}: five years / fresh = {ratio:.2f}x (target <= 1.3x); /healthz / fresh = {share:.0%}")
    conn.close()


if __name__ == "__main__":
    main()
