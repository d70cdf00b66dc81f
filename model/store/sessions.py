"""Ticks, the sessions they add up to, plan versions and one-time gate checks."""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from model.store.db import immediate


@dataclass(frozen=True)
class SessionState:
    routine_id: str
    device_id: str
    steps_done: int
    steps_total: int
    status: str
    routine_version: int | None = None  # an own routine's version the session ran
    ticked: frozenset = frozenset()  # the counted steps ticked (when just written)

    @property
    def started(self) -> bool:
        return self.steps_done > 0


def _refresh_session(db, key, device_id, counted_steps, now, routine_version=None):
    """Recount a session's ticked steps and store its state; returns the ticked step ids and status.

    A session is done when every counted step is ticked, or when the guided player finished it.
    A session with no ticks that was never started in the player is removed. The routine version
    (own routines) is the one the session began with.
    """
    marks = ",".join("?" * len(counted_steps))
    ticked = frozenset(
        row[0]
        for row in db.execute(
            f"SELECT step_id FROM ticks WHERE user_id = ? AND day = ? AND routine_id = ? AND step_id IN ({marks})",
            key + list(counted_steps),
        )
    )
    steps_done = len(ticked)
    total = len(counted_steps)
    row = db.execute(
        "SELECT started_at, finished_at FROM sessions WHERE user_id = ? AND day = ? AND routine_id = ?", key
    ).fetchone()
    started, finished = (row[0], row[1]) if row else (None, None)
    status = "done" if steps_done >= total or finished else "open"
    if not steps_done and not started:
        db.execute("DELETE FROM sessions WHERE user_id = ? AND day = ? AND routine_id = ?", key)
        return ticked, "open"
    db.execute(
        "INSERT INTO sessions (user_id, day, routine_id, device_id, steps_total, steps_done, status, "
        "updated_at, routine_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, day, routine_id) "
        "DO UPDATE SET steps_total = excluded.steps_total, steps_done = excluded.steps_done, "
        "status = excluded.status, updated_at = excluded.updated_at, "
        "routine_version = coalesce(sessions.routine_version, excluded.routine_version)",
        [*key, device_id, total, steps_done, status, now.isoformat(timespec="seconds"), routine_version],
    )
    return ticked, status


def _write_tick(db, key, step_id, done, now):
    if done:
        db.execute(
            "INSERT OR IGNORE INTO ticks (user_id, day, routine_id, step_id, ticked_at) VALUES (?, ?, ?, ?, ?)",
            [*key, step_id, now.isoformat(timespec="seconds")],
        )
    else:
        db.execute(
            "DELETE FROM ticks WHERE user_id = ? AND day = ? AND routine_id = ? AND step_id = ?", [*key, step_id]
        )


def first_time(db, user_id, client_id, now) -> bool:
    """Inside a write transaction: True the first time a phone's request id is seen (None: always)."""
    if not client_id:
        return True
    cursor = db.execute(
        "INSERT OR IGNORE INTO client_requests (user_id, client_id, applied_at) VALUES (?, ?, ?)",
        [user_id, client_id, now.isoformat(timespec="seconds")],
    )
    return cursor.rowcount == 1


def set_tick(
    db,
    user_id,
    day: date,
    routine_id,
    device_id,
    step_id,
    done: bool,
    counted_steps,
    now,
    client_id=None,
    routine_version=None,
):
    """Set one step's state (never a toggle) and bring the day's session up to date, atomically.

    `counted_steps` are the step ids the user does in this routine. A request replayed with the
    same `client_id` changes nothing. Returns the SessionState.
    """
    key = [user_id, day.isoformat(), routine_id]
    with immediate(db):
        if first_time(db, user_id, client_id, now):
            _write_tick(db, key, step_id, done, now)
        ticked, status = _refresh_session(db, key, device_id, counted_steps, now, routine_version)
    return SessionState(routine_id, device_id, len(ticked), len(counted_steps), status, routine_version, ticked)


def ticks_on(db, user_id, day: date) -> set:
    """(routine_id, step_id) pairs ticked on the day."""
    return {
        (row[0], row[1])
        for row in db.execute(
            "SELECT routine_id, step_id FROM ticks WHERE user_id = ? AND day = ?", [user_id, day.isoformat()]
        )
    }


def sessions_on(db, user_id, day: date) -> dict:
    """routine_id → SessionState for the day's started or done sessions."""
    return {
        row[0]: SessionState(*row)
        for row in db.execute(
            "SELECT routine_id, device_id, steps_done, steps_total, status, routine_version FROM sessions "
            "WHERE user_id = ? AND day = ?",
            [user_id, day.isoformat()],
        )
    }


def done_days(db, user_id, since: date, until: date):
    """Days with a done session in [since, until], by routine and by device (sorted)."""
    by_routine, by_device = defaultdict(list), defaultdict(set)
    for routine_id, device_id, day in db.execute(
        "SELECT routine_id, device_id, day FROM sessions WHERE user_id = ? AND status = 'done' "
        "AND day BETWEEN ? AND ? ORDER BY day",
        [user_id, since.isoformat(), until.isoformat()],
    ):
        parsed = date.fromisoformat(day)
        by_routine[routine_id].append(parsed)
        by_device[device_id].add(parsed)
    return by_routine, {device: sorted(days) for device, days in by_device.items()}


def versions_of(db, user_id, enrollment_ids) -> dict:
    """enrollment id → [(effective_day, phases or None, options)], oldest first."""
    found = defaultdict(list)
    if enrollment_ids:
        marks = ",".join("?" * len(enrollment_ids))
        for row in db.execute(
            f"SELECT enrollment_id, effective_day, phases, options FROM enrollment_versions "
            f"WHERE user_id = ? AND enrollment_id IN ({marks}) ORDER BY effective_day",
            [user_id, *enrollment_ids],
        ):
            found[row[0]].append(
                (date.fromisoformat(row[1]), json.loads(row[2]) if row[2] else None, json.loads(row[3]))
            )
    return found


def add_version(db, user_id, enrollment_id, effective_day: date, phases, options, now):
    """Record the plan in force from `effective_day` (replacing one made the same day), and the
    enrollment's options."""
    with immediate(db):
        db.execute(
            "INSERT INTO enrollment_versions (enrollment_id, user_id, effective_day, phases, options, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (enrollment_id, effective_day) DO UPDATE "
            "SET phases = excluded.phases, options = excluded.options",
            [
                enrollment_id,
                user_id,
                effective_day.isoformat(),
                json.dumps(phases) if phases is not None else None,
                json.dumps(options, sort_keys=True),
                now.isoformat(timespec="seconds"),
            ],
        )
        db.execute(
            "UPDATE enrollments SET options = ? WHERE id = ? AND user_id = ?",
            [json.dumps(options, sort_keys=True), enrollment_id, user_id],
        )


def gate_checks(db, user_id) -> dict:
    """(device_id, gate_id) → the day the user did that one-time test."""
    return {
        (row[0], row[1]): date.fromisoformat(row[2])
        for row in db.execute("SELECT device_id, gate_id, day FROM gate_checks WHERE user_id = ?", [user_id])
    }


def check_gate(db, user_id, device_id, gate_id, day: date):
    with immediate(db):
        db.execute(
            "INSERT OR IGNORE INTO gate_checks (user_id, device_id, gate_id, day) VALUES (?, ?, ?, ?)",
            [user_id, device_id, gate_id, day.isoformat()],
        )


@dataclass(frozen=True)
class Guided:
    """A session as the guided player sees it: its steps as they were when it started."""

    id: int
    user_id: int
    day: date
    routine_id: str
    device_id: str
    steps: tuple  # dicts: id, title, area, side, seconds, reps, cue_seconds, instruction
    current_step: str | None
    skipped: tuple
    done: frozenset
    started_at: str | None
    finished_at: str | None

    @property
    def step_ids(self) -> list:
        return [step["id"] for step in self.steps]


GUIDED_COLUMNS = "id, user_id, day, routine_id, device_id, steps, current_step, skipped, started_at, finished_at"


def guided_session(db, user_id, session_id):
    """The user's session with that id (None for someone else's or a checklist-only one)."""
    row = db.execute(
        f"SELECT {GUIDED_COLUMNS} FROM sessions WHERE id = ? AND user_id = ? AND steps IS NOT NULL",
        [session_id, user_id],
    ).fetchone()
    if row is None:
        return None
    done = frozenset(
        r[0]
        for r in db.execute(
            "SELECT step_id FROM ticks WHERE user_id = ? AND day = ? AND routine_id = ?", [user_id, row[2], row[3]]
        )
    )
    return Guided(
        row[0],
        row[1],
        date.fromisoformat(row[2]),
        row[3],
        row[4],
        tuple(json.loads(row[5])),
        row[6],
        tuple(json.loads(row[7])),
        done,
        row[8],
        row[9],
    )


def start_guided(db, user_id, day: date, routine_id, device_id, steps, now, routine_version=None) -> int:
    """Start the day's guided session of a routine, or return the one already started."""
    key = [user_id, day.isoformat(), routine_id]
    stamp = now.isoformat(timespec="seconds")
    with immediate(db):
        db.execute(
            "INSERT INTO sessions (user_id, day, routine_id, device_id, steps_total, steps_done, status, "
            "updated_at, started_at, steps, routine_version) VALUES (?, ?, ?, ?, ?, 0, 'open', ?, ?, ?, ?) "
            "ON CONFLICT (user_id, day, routine_id) DO UPDATE SET started_at = coalesce(started_at, "
            "excluded.started_at), steps = coalesce(steps, excluded.steps), "
            "routine_version = coalesce(sessions.routine_version, excluded.routine_version)",
            [*key, device_id, len(steps), stamp, stamp, json.dumps(list(steps)), routine_version],
        )
        session_id, stored = db.execute(
            "SELECT id, steps FROM sessions WHERE user_id = ? AND day = ? AND routine_id = ?", key
        ).fetchone()
        counted = [step["id"] for step in json.loads(stored)]
        _refresh_session(db, key, device_id, counted, now)
        ticked = {
            r[0] for r in db.execute("SELECT step_id FROM ticks WHERE user_id = ? AND day = ? AND routine_id = ?", key)
        }
        db.execute(
            "UPDATE sessions SET current_step = ? WHERE id = ? AND current_step IS NULL AND finished_at IS NULL",
            [next((step for step in counted if step not in ticked), None), session_id],
        )
    return session_id


def record_step(db, session: Guided, step_id, outcome, next_step, now, client_id=None):
    """Record a step done (a tick, as on Today) or skipped, and move the player to `next_step`."""
    key = [session.user_id, session.day.isoformat(), session.routine_id]
    with immediate(db):
        if not first_time(db, session.user_id, client_id, now):
            return
        skipped = [s for s in session.skipped if s != step_id]
        if outcome == "done":
            _write_tick(db, key, step_id, True, now)
        else:
            skipped.append(step_id)
        db.execute(
            "UPDATE sessions SET skipped = ?, current_step = ? WHERE id = ? AND finished_at IS NULL",
            [json.dumps(skipped), next_step, session.id],
        )
        _refresh_session(db, key, session.device_id, session.step_ids, now)


def move_guided(db, session: Guided, step_id, now, client_id=None):
    with immediate(db):
        if first_time(db, session.user_id, client_id, now):
            db.execute(
                "UPDATE sessions SET current_step = ? WHERE id = ? AND finished_at IS NULL", [step_id, session.id]
            )


def finish_guided(db, session: Guided, now):
    """Mark the session finished (once): it then counts as done."""
    key = [session.user_id, session.day.isoformat(), session.routine_id]
    with immediate(db):
        db.execute(
            "UPDATE sessions SET finished_at = ?, current_step = NULL WHERE id = ? AND finished_at IS NULL",
            [now.isoformat(timespec="seconds"), session.id],
        )
        _refresh_session(db, key, session.device_id, session.step_ids, now)
