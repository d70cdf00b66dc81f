"""Load benchmark: gunicorn over a realistic database, driven by wrk on loopback.

Seeds 1,000 users with a year of history each, one user with five years and a fresh user, starts
gunicorn (deploy/gunicorn.conf.py), then runs wrk (32 connections, 5 s each) against /healthz,
Today, a tick and Progress, three rounds, and prints the median requests per second, p50 and p99,
and each endpoint's throughput as a share of /healthz in the same round (median of the rounds).
Run with `make bench` (it installs wrk from Debian's packages when root);
`python bench/load.py tick progress` runs /healthz and the endpoints whose names contain those words.
"""

import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import catalog
from model.enrolled import phase_rules, phase_snapshot
from model.identity import accounts
from model.rules import schedule
from model.store import db as database
from model.store import migrations
from tests.faults import Client, free_port

PASSWORD = "benchmark password"
PROGRAMS = ["face-workout-daily", "microcurrent-60-days"]
USERS = 1000
CONNECTIONS, DURATION, ROUNDS = 32, "5s", 3
LIGHT = 4  # connections of the latency table: a few phones at once, where p99 is the work, not the queue


def due_days(program, days, today):
    """The days a faithful user does the program, from `days` ago to yesterday."""
    start = today - timedelta(days=days)
    plan = schedule.Plan(start, (schedule.Version(start, phase_rules(program), 1),))
    done = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if schedule.evaluate(plan, schedule.History(tuple(done), tuple(done)), day).due:
            done.append(day)
    return start, done


def seed(path, today):
    conn = database.connect(path)
    migrations.upgrade(conn)
    cat = catalog.load(ROOT / "data" / "catalog")
    hashed = accounts.hash_password(PASSWORD)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    patterns = {(p, years): due_days(cat.programs[p], 365 * years, today) for p in PROGRAMS for years in (1, 5)}
    random.seed(7)
    conn.execute("BEGIN")
    for n in range(USERS + 2):
        email = {USERS: "fresh@bench.test", USERS + 1: "fiveyears@bench.test"}.get(n, f"user{n}@bench.test")
        years = 5 if n == USERS + 1 else 1
        user_id = conn.execute(
            "INSERT INTO users (email, password_hash, time_zone, created_at) VALUES (?, ?, ?, ?)",
            [email, hashed, "UTC", now],
        ).lastrowid
        for program_id in PROGRAMS:
            program = cat.programs[program_id]
            start, days = patterns[(program_id, years)]
            if n == USERS:
                start, days = today, []
            enrollment = conn.execute(
                "INSERT INTO enrollments (user_id, program_id, start_day, options, created_at) VALUES (?, ?, ?, ?, ?)",
                [user_id, program_id, start.isoformat(), '{"neck": false, "skip_areas": []}', now],
            ).lastrowid
            conn.execute(
                "INSERT INTO enrollment_versions (enrollment_id, user_id, effective_day, phases, options, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [enrollment, user_id, start.isoformat(), json.dumps(phase_snapshot(program)), "{}", now],
            )
            routine, device = cat.routine_of(program), cat.device_of(program)
            steps = [s.id for s in routine.steps_for(neck=False)]
            kept = [d for d in days if n >= USERS or random.random() < 0.85]
            conn.conn.executemany(
                "INSERT INTO sessions (user_id, day, routine_id, device_id, steps_total, steps_done, "
                "status, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'done', ?)",
                [(user_id, d.isoformat(), routine.id, device.id, len(steps), len(steps), now) for d in kept],
            )
            conn.conn.executemany(
                "INSERT INTO ticks (user_id, day, routine_id, step_id, ticked_at) VALUES (?, ?, ?, ?, ?)",
                [(user_id, d.isoformat(), routine.id, s, now) for d in kept for s in steps],
            )
    conn.execute("COMMIT")
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("users", "sessions", "ticks")}
    conn.close()
    return counts


def tick_script(folder):
    """A wrk script that ticks the daily face workout's cheek lifter as htmx does (done=1 every time)."""
    script = folder / "tick.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.body = "done=0&done=1"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        'wrk.headers["HX-Request"] = "true"\n'
        'wrk.headers["HX-Target"] = "step-face-workout-5min-cheek-lifter"\n'
    )
    return script


def server_cpu(server):
    """CPU seconds used so far by the gunicorn workers (user + system), from /proc."""
    pids = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(url, cookie=None, script=None, server=None, connections=CONNECTIONS):
    """wrk's req/s, p50, p99 and errors, and the server's CPU milliseconds per request."""
    cpu_before = server_cpu(server) if server else 0
    command = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    cpu_ms = (server_cpu(server) - cpu_before) * 1000 / requests if server else 0
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return rps, percentile(50), percentile(99), int(errors.group(1)) if errors else 0, cpu_ms


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="facereps-load-"))
    path = folder / "load.db"
    today = (datetime.now(UTC) - timedelta(hours=3)).date()
    began = time.perf_counter()
    counts = seed(path, today)
    print(f"seeded {counts} in {time.perf_counter() - began:.0f} s ({path.stat().st_size / 1e6:.0f} MB)")
    port = free_port()
    env = {**os.environ, "FACEREPS_DATABASE": str(path), "FACEREPS_SECRET_KEY": "bench", "PORT": str(port)}
    env.pop("FACEREPS_ENV", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "app:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(3)
        base = f"http://127.0.0.1:{port}"
        cookies = {}
        for name in ("fresh", "fiveyears"):
            client = Client(port)
            status, _ = client.request("POST", "/login", {"email": f"{name}@bench.test", "password": PASSWORD})
            assert status == 303, status
            cookies[name] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        tick = tick_script(folder)
        tick_url = f"{base}/days/{today.isoformat()}/routines/face-workout-5min/steps/cheek-lifter"
        runs = [
            ("/healthz", base + "/healthz", None, None),
            ("Today, fresh", base + "/today", cookies["fresh"], None),
            ("Today, 5 years", base + "/today", cookies["fiveyears"], None),
            ("tick", tick_url, cookies["fresh"], str(tick)),
            ("Progress, fresh", base + "/progress", cookies["fresh"], None),
            ("Progress, 5 years", base + "/progress", cookies["fiveyears"], None),
        ]
        # This machine's speed drifts (a shared VM): every endpoint runs once per round, each round
        # starting with /healthz, and each figure is the median over the rounds; a share of /healthz
        # is taken within its round.
        # The server's CPU time per request is steadier than req/s (wrk and neighbours share the cores).
        wanted = [word.lower() for word in sys.argv[1:]]
        runs = [run for run in runs if run[0] == "/healthz" or not wanted or any(w in run[0].lower() for w in wanted)]
        rounds = [
            [(label, *wrk(url, cookie, script, server)) for label, url, cookie, script in runs] for _ in range(ROUNDS)
        ]
        print(
            f"{'endpoint':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'of /healthz':>12} {'errors':>7}"
            f" {'CPU ms/req':>11}   (median of {ROUNDS} rounds of {DURATION})"
        )
        for index, (label, *_) in enumerate(runs):
            rows = [r[index] for r in rounds]
            shares = [r[index][1] / r[0][1] for r in rounds]
            rps, p50, p99, _, cpu = (statistics.median(row[i] for row in rows) for i in (1, 2, 3, 4, 5))
            errors = sum(row[4] for row in rows)
            print(
                f"{label:<18} {rps:>8.0f} {p50:>8.2f} {p99:>8.2f} {statistics.median(shares):>11.0%} {errors:>7}"
                f" {cpu:>11.2f}"
            )
        light = [
            [(label, *wrk(url, cookie, script, server, LIGHT)) for label, url, cookie, script in runs]
            for _ in range(ROUNDS)
        ]
        print(f"\nat {LIGHT} connections{'':<5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}   (median of {ROUNDS} rounds)")
        for index, (label, *_) in enumerate(runs):
            rps, p50, p99 = (statistics.median(r[index][i] for r in light) for i in (1, 2, 3))
            print(f"{label:<18} {rps:>8.0f} {p50:>8.2f} {p99:>8.2f}")
        with sqlite3.connect(path) as conn:
            print("integrity:", conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
