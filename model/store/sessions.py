"""Ticks, the sessions they add up to, plan versions and one-time gate checks."""
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from model.db import immediate


@dataclass(frozen=True)
class SessionState:
    routine_id: str
    device_id: str
    steps_done: int
    steps_total: int
    status: str

    @property
    def started(self) -> bool:
        return self.steps_done > 0


def set_tick(db, user_id, day: date, routine_id, device_id, step_id, done: bool, counted_steps, now):
    """Set one step's state (never a toggle) and bring the day's session up to date, atomically.

    `counted_steps` are the step ids the user does in this routine; the session is done when
    all of them are ticked. Returns the session's SessionState.
    """
    key = [user_id, day.isoformat(), routine_id]
    with immediate(db):
        if done:
            db.execute("INSERT OR IGNORE INTO ticks (user_id, day, routine_id, step_id, ticked_at) "
                       "VALUES (?, ?, ?, ?, ?)", key + [step_id, now.isoformat(timespec="seconds")])
        else:
            db.execute("DELETE FROM ticks WHERE user_id = ? AND day = ? AND routine_id = ? AND step_id = ?",
                       key + [step_id])
        marks = ",".join("?" * len(counted_steps))
        steps_done = db.execute(f"SELECT count(*) FROM ticks WHERE user_id = ? AND day = ? AND routine_id = ? "
                                f"AND step_id IN ({marks})", key + list(counted_steps)).fetchone()[0]
        total = len(counted_steps)
        status = "done" if steps_done >= total else "open"
        if steps_done:
            db.execute("INSERT INTO sessions (user_id, day, routine_id, device_id, steps_total, steps_done, status, "
                       "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, day, routine_id) DO UPDATE "
                       "SET steps_total = excluded.steps_total, steps_done = excluded.steps_done, "
                       "status = excluded.status, updated_at = excluded.updated_at",
                       key + [device_id, total, steps_done, status, now.isoformat(timespec="seconds")])
        else:
            db.execute("DELETE FROM sessions WHERE user_id = ? AND day = ? AND routine_id = ?", key)
    return SessionState(routine_id, device_id, steps_done, total, status if steps_done else "open")


def ticks_on(db, user_id, day: date) -> set:
    """(routine_id, step_id) pairs ticked on the day."""
    return {(row[0], row[1]) for row in db.execute(
        "SELECT routine_id, step_id FROM ticks WHERE user_id = ? AND day = ?", [user_id, day.isoformat()])}


def sessions_on(db, user_id, day: date) -> dict:
    """routine_id → SessionState for the day's started or done sessions."""
    return {row[0]: SessionState(*row) for row in db.execute(
        "SELECT routine_id, device_id, steps_done, steps_total, status FROM sessions "
        "WHERE user_id = ? AND day = ?", [user_id, day.isoformat()])}


def done_days(db, user_id, since: date, until: date):
    """Days with a done session in [since, until], by routine and by device (sorted)."""
    by_routine, by_device = defaultdict(list), defaultdict(set)
    for routine_id, device_id, day in db.execute(
            "SELECT routine_id, device_id, day FROM sessions WHERE user_id = ? AND status = 'done' "
            "AND day BETWEEN ? AND ? ORDER BY day", [user_id, since.isoformat(), until.isoformat()]):
        parsed = date.fromisoformat(day)
        by_routine[routine_id].append(parsed)
        by_device[device_id].add(parsed)
    return by_routine, {device: sorted(days) for device, days in by_device.items()}


def device_days_after(db, user_id, device_id, day: date, until: date) -> list:
    """Days after `day` (up to `until`) with a done session of the device."""
    return [date.fromisoformat(row[0]) for row in db.execute(
        "SELECT day FROM sessions WHERE user_id = ? AND device_id = ? AND status = 'done' AND day > ? AND day <= ? "
        "ORDER BY day", [user_id, device_id, day.isoformat(), until.isoformat()])]


def versions_of(db, user_id, enrollment_ids) -> dict:
    """enrollment id → [(effective_day, phases or None, options)], oldest first."""
    found = defaultdict(list)
    if enrollment_ids:
        marks = ",".join("?" * len(enrollment_ids))
        for row in db.execute(f"SELECT enrollment_id, effective_day, phases, options FROM enrollment_versions "
                              f"WHERE user_id = ? AND enrollment_id IN ({marks}) ORDER BY effective_day",
                              [user_id, *enrollment_ids]):
            found[row[0]].append((date.fromisoformat(row[1]), json.loads(row[2]) if row[2] else None,
                                  json.loads(row[3])))
    return found


def add_version(db, user_id, enrollment_id, effective_day: date, phases, options, now):
    """Record the plan in force from `effective_day` (replacing one made the same day)."""
    with immediate(db):
        db.execute("INSERT INTO enrollment_versions (enrollment_id, user_id, effective_day, phases, options, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (enrollment_id, effective_day) DO UPDATE "
                   "SET phases = excluded.phases, options = excluded.options",
                   [enrollment_id, user_id, effective_day.isoformat(),
                    json.dumps(phases) if phases is not None else None, json.dumps(options, sort_keys=True),
                    now.isoformat(timespec="seconds")])
        db.execute("UPDATE enrollments SET options = ? WHERE id = ? AND user_id = ?",
                   [json.dumps(options, sort_keys=True), enrollment_id, user_id])


def gate_checks(db, user_id) -> dict:
    """(device_id, gate_id) → the day the user did that one-time test."""
    return {(row[0], row[1]): date.fromisoformat(row[2]) for row in db.execute(
        "SELECT device_id, gate_id, day FROM gate_checks WHERE user_id = ?", [user_id])}


def check_gate(db, user_id, device_id, gate_id, day: date):
    with immediate(db):
        db.execute("INSERT OR IGNORE INTO gate_checks (user_id, device_id, gate_id, day) VALUES (?, ?, ?, ?)",
                   [user_id, device_id, gate_id, day.isoformat()])
