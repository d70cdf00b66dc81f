"""Starting catalog programs through the Flask client, and counting the rows they store."""

from datetime import date

TODAY = date(2026, 11, 24)  # the test clock's day (noon UTC, Europe/Paris)


def answers(app, device_id, yes=(), **extra):
    """A start form for a device's program: every safety question "no" (but those in `yes`), starting today."""
    device = app.extensions["catalog"].devices[device_id]
    form = {f"q_{q.id}": "yes" if q.id in yes else "no" for q in device.questions}
    form.setdefault("start_day", TODAY.isoformat())
    form.update(extra)
    return form


def start(client, app, program_id="microcurrent-60-days", device_id="microcurrent", yes=(), **extra):
    """Post a catalog program's start form, answered by `answers`; the response."""
    return client.post(f"/programs/{program_id}/start", data=answers(app, device_id, yes, **extra))


def rows(db, table):
    """How many rows a table holds."""
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# The microcurrent routine's steps as a user who did not allow the neck does them (the manual's default).
MICROCURRENT_STEPS = [
    "cleanse",
    "gel-left",
    "jaw-left",
    "cheek-left",
    "forehead-left",
    "gel-right",
    "jaw-right",
    "cheek-right",
    "forehead-right",
    "finish",
]
