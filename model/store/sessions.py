"""Ticks, the sessions they add up to, plan versions and one-time gate checks (guided sessions: guided.py)."""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from model.store._sql import json_array, one, rows, stamp
from model.store.db import immediate

__all__ = [
    "SessionState",
    "add_version",
    "check_gate",
    "done_days",
    "first_time",
    "gate_checks",
    "sessions_on",
    "set_steps",
    "set_tick",
    "ticks_on",
    "versions_of",
]


@dataclass(frozen=True)
class SessionState:
    """A day's session of a routine: its steps done out of the total and its status."""

    routine_id: str
    device_id: str
    steps_done: int
    steps_total: int
    status: str
    routine_version: int | None = None  # an own routine's version the session ran
    ticked: frozenset = frozenset()  # the counted steps ticked (when just written)
    # When it was done (a guided finish, or the last tick) and how long a guided run took: shown, not
    # part of the session's identity.
    done_at: datetime | None = field(default=None, compare=False)
    seconds: int | None = field(default=None, compare=False)
    guided: bool = field(default=False, compare=False)  # a guided run under way (begun, not ended): it resumes

    @property
    def started(self) -> bool:
        return self.steps_done > 0


def refresh_session(db, key, device_id, counted_steps, now, routine_version=None):
    """Recount a session's ticked steps and store its state; returns the ticked step ids and status.

    A session is done when every counted step is ticked, or when the guided player finished it with at
    least one step done.
    A session with no ticks that was never started in the player is removed. The routine version
    (own routines) is the one the session began with.
    """
    ticked = frozenset(
        row["step_id"]
        for row in rows(
            db,
            "SELECT step_id FROM ticks WHERE user_id = ? AND day = ? AND routine_id = ? "
            "AND step_id IN (SELECT value FROM json_each(?))",
            [*key, json_array(counted_steps)],
        )
    )
    steps_done = len(ticked)
    total = len(counted_steps)
    row = one(db, "SELECT started_at, finished_at FROM sessions WHERE user_id = ? AND day = ? AND routine_id = ?", key)
    started, finished = (row["started_at"], row["finished_at"]) if row else (None, None)
    # A guided run ended before any step was done is no session: it neither counts nor keeps spacing.
    status = "done" if steps_done >= total or (finished and steps_done) else "open"
    if not steps_done and not started:
        db.execute("DELETE FROM sessions WHERE user_id = ? AND day = ? AND routine_id = ?", key)
        return ticked, "open"
    db.execute(
        "INSERT INTO sessions (user_id, day, routine_id, device_id, steps_total, steps_done, status, "
        "updated_at, routine_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, day, routine_id) "
        "DO UPDATE SET steps_total = excluded.steps_total, steps_done = excluded.steps_done, "
        "status = excluded.status, updated_at = excluded.updated_at, "
        "routine_version = coalesce(sessions.routine_version, excluded.routine_version)",
        [*key, device_id, total, steps_done, status, stamp(now), routine_version],
    )
    return ticked, status


def write_tick(db, key, step_id, done, now):
    if done:
        db.execute(
            "INSERT OR IGNORE INTO ticks (user_id, day, routine_id, step_id, ticked_at) VALUES (?, ?, ?, ?, ?)",
            [*key, step_id, stamp(now)],
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
        [user_id, client_id, stamp(now)],
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
            write_tick(db, key, step_id, done, now)
        ticked, status = refresh_session(db, key, device_id, counted_steps, now, routine_version)
    return SessionState(routine_id, device_id, len(ticked), len(counted_steps), status, routine_version, ticked)


def set_steps(
    db, user_id, day: date, routine_id, device_id, ticked_ids, counted_steps, now, client_id=None, routine_version=None
):
    """Make exactly `ticked_ids` the routine's ticked steps on the day, atomically (Mark done ticks every
    step; its Undo puts back the steps ticked before). A replayed `client_id` changes nothing."""
    key = [user_id, day.isoformat(), routine_id]
    with immediate(db):
        if first_time(db, user_id, client_id, now):
            wanted = set(ticked_ids) & set(counted_steps)
            for step_id in counted_steps:
                write_tick(db, key, step_id, step_id in wanted, now)
        ticked, status = refresh_session(db, key, device_id, counted_steps, now, routine_version)
    return SessionState(routine_id, device_id, len(ticked), len(counted_steps), status, routine_version, ticked)


def _done_at(row) -> datetime | None:
    """When a done session was done: its guided finish, or the write that ticked its last step."""
    return datetime.fromisoformat(row["finished_at"] or row["updated_at"]) if row["status"] == "done" else None


def _seconds_between(started: str | None, finished: str | None) -> int | None:
    if not started or not finished:
        return None
    return max(0, round((datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()))


def ticks_on(db, user_id, day: date) -> set:
    """(routine_id, step_id) pairs ticked on the day."""
    return {
        (row["routine_id"], row["step_id"])
        for row in rows(
            db, "SELECT routine_id, step_id FROM ticks WHERE user_id = ? AND day = ?", [user_id, day.isoformat()]
        )
    }


def sessions_on(db, user_id, day: date) -> dict:
    """routine_id → SessionState for the day's started or done sessions."""
    return {
        row["routine_id"]: SessionState(
            routine_id=row["routine_id"],
            device_id=row["device_id"],
            steps_done=row["steps_done"],
            steps_total=row["steps_total"],
            status=row["status"],
            routine_version=row["routine_version"],
            done_at=datetime.fromisoformat(row["finished_at"] or row["updated_at"])
            if row["status"] == "done"
            else None,
            seconds=_seconds_between(row["started_at"], row["finished_at"]),
            guided=row["started_at"] is not None and row["finished_at"] is None,
        )
        for row in rows(
            db,
            "SELECT routine_id, device_id, steps_done, steps_total, status, routine_version, updated_at, "
            "started_at, finished_at FROM sessions WHERE user_id = ? AND day = ?",
            [user_id, day.isoformat()],
        )
    }


def done_days(db, user_id, since: date, until: date):
    """Days with a done session in [since, until], by routine and by device (sorted)."""
    by_routine, by_device = defaultdict(list), defaultdict(set)
    for row in rows(
        db,
        "SELECT routine_id, device_id, day FROM sessions WHERE user_id = ? AND status = 'done' "
        "AND day BETWEEN ? AND ? ORDER BY day",
        [user_id, since.isoformat(), until.isoformat()],
    ):
        day = date.fromisoformat(row["day"])
        by_routine[row["routine_id"]].append(day)
        by_device[row["device_id"]].add(day)
    return by_routine, {device: sorted(days) for device, days in by_device.items()}


def versions_of(db, user_id, enrollment_ids) -> dict:
    """enrollment id → [(effective_day, phases or None, options)], oldest first."""
    found = defaultdict(list)
    if enrollment_ids:
        for row in rows(
            db,
            "SELECT enrollment_id, effective_day, phases, options FROM enrollment_versions "
            "WHERE user_id = ? AND enrollment_id IN (SELECT value FROM json_each(?)) ORDER BY effective_day",
            [user_id, json_array(enrollment_ids)],
        ):
            found[row["enrollment_id"]].append(
                (
                    date.fromisoformat(row["effective_day"]),
                    json.loads(row["phases"]) if row["phases"] else None,
                    json.loads(row["options"]),
                )
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
                stamp(now),
            ],
        )
        db.execute(
            "UPDATE enrollments SET options = ? WHERE id = ? AND user_id = ?",
            [json.dumps(options, sort_keys=True), enrollment_id, user_id],
        )


def gate_checks(db, user_id) -> dict:
    """(device_id, gate_id) → the day the user did that one-time test."""
    return {
        (row["device_id"], row["gate_id"]): date.fromisoformat(row["day"])
        for row in rows(db, "SELECT device_id, gate_id, day FROM gate_checks WHERE user_id = ?", [user_id])
    }


def check_gate(db, user_id, device_id, gate_id, day: date):
    """Record the day the user did a device's one-time test; an earlier record is kept."""
    with immediate(db):
        db.execute(
            "INSERT OR IGNORE INTO gate_checks (user_id, device_id, gate_id, day) VALUES (?, ?, ?, ?)",
            [user_id, device_id, gate_id, day.isoformat()],
        )
