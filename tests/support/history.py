"""A seeded history: a daily face workout done on some days and missed on others."""

from datetime import date, timedelta

from tests.support.programs import start

ROUTINE = "face-workout-5min"
STEPS = ["cheek-lifter", "happy-cheeks", "brow-lift", "jaw-release", "chin-lift"]


def do_session(client, day):
    """Tick every step of the face workout on `day`."""
    for step in STEPS:
        assert client.post(f"/days/{day}/routines/{ROUTINE}/steps/{step}", data={"done": ["0", "1"]}).status_code == 303


def seed(client, app, clock):
    """Daily face workout from Monday 16 November; done Mon to Thu, then nothing until today (Tue 24)."""
    clock.set(2026, 11, 16, 12, 0)
    start(client, app, "face-workout-daily", "face_workout", start_day="2026-11-16")
    for offset in range(4):
        clock.set(2026, 11, 16 + offset, 20, 0)
        do_session(client, (date(2026, 11, 16) + timedelta(days=offset)).isoformat())
    clock.set(2026, 11, 24, 12, 0)
    return client
