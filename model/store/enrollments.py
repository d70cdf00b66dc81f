"""Enrollments in programs, their pauses, and the screenings that cleared them."""

import json
from dataclasses import dataclass
from datetime import date

from model.store._sql import json_array, one, rows, stamp
from model.store.db import immediate

__all__ = [
    "Enrollment",
    "Pause",
    "Screening",
    "add_pause",
    "end_pause",
    "enrollment_of",
    "enrollments_of",
    "latest_screening",
    "save_screening",
    "start_enrollment",
    "stop_enrollment",
]


@dataclass(frozen=True)
class Pause:
    """A pause of an enrollment, from its first day to its last (None: until it is ended)."""

    id: int
    first_day: date
    last_day: date | None
    reason: str

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True)
class Enrollment:
    """A user's enrollment in a program: its start day, options, status and pauses."""

    id: int
    user_id: int
    program_id: str
    start_day: date
    options: dict
    status: str
    stopped_on: date | None
    pauses: tuple[Pause, ...] = ()

    def pause_on(self, day: date) -> Pause | None:
        return next((pause for pause in self.pauses if pause.covers(day)), None)

    def state_on(self, day: date) -> str:
        """'stopped', 'paused', 'upcoming' or 'active' on that day."""
        if self.status == "stopped":
            return "stopped"
        if self.pause_on(day):
            return "paused"
        return "upcoming" if day < self.start_day else "active"

    def planned_pauses(self, day: date) -> list:
        return [pause for pause in self.pauses if pause.first_day > day]


@dataclass(frozen=True)
class Screening:
    """A user's stored answers to one version of a device's safety questions."""

    id: int
    device_id: str
    questions_version: int
    answers: dict
    clinician_confirmed: bool
    answered_on: date


ENROLLMENT_COLUMNS = "id, user_id, program_id, start_day, options, status, stopped_on"


def _day(text):
    return date.fromisoformat(text) if text else None


def _pauses(db, enrollment_ids):
    by_enrollment: dict[int, list] = {enrollment_id: [] for enrollment_id in enrollment_ids}
    if enrollment_ids:
        for row in rows(
            db,
            "SELECT enrollment_id, id, first_day, last_day, reason FROM pauses "
            "WHERE enrollment_id IN (SELECT value FROM json_each(?)) ORDER BY first_day",
            [json_array(enrollment_ids)],
        ):
            by_enrollment[row["enrollment_id"]].append(
                Pause(
                    id=row["id"], first_day=_day(row["first_day"]), last_day=_day(row["last_day"]), reason=row["reason"]
                )
            )
    return by_enrollment


def _enrollments(db, where, params):
    found = rows(db, f"SELECT {ENROLLMENT_COLUMNS} FROM enrollments WHERE {where} ORDER BY start_day, id", params)
    pauses = _pauses(db, [row["id"] for row in found])
    return [
        Enrollment(
            id=row["id"],
            user_id=row["user_id"],
            program_id=row["program_id"],
            start_day=_day(row["start_day"]),
            options=json.loads(row["options"]),
            status=row["status"],
            stopped_on=_day(row["stopped_on"]),
            pauses=tuple(pauses[row["id"]]),
        )
        for row in found
    ]


def enrollments_of(db, user_id, status=None):
    """The user's enrollments, oldest first; only those with `status` when given."""
    if status:
        return _enrollments(db, "user_id = ? AND status = ?", [user_id, status])
    return _enrollments(db, "user_id = ?", [user_id])


def enrollment_of(db, user_id, enrollment_id):
    """The user's enrollment with that id, or None (also when it is someone else's)."""
    found = _enrollments(db, "user_id = ? AND id = ?", [user_id, enrollment_id])
    return found[0] if found else None


def start_enrollment(db, user_id, program_id, start_day, options, screening, now, phases=None):
    """Store the screening that cleared the user, the enrollment and its first plan version; return its id.

    `screening` is (device_id, questions_version, answers, clinician_confirmed, answered_on).
    Returns None when the user already follows this program (nothing is written).
    """
    with immediate(db):
        if one(
            db,
            "SELECT 1 AS following FROM enrollments WHERE user_id = ? AND program_id = ? AND status = 'active'",
            [user_id, program_id],
        ):
            return None
        _insert_screening(db, user_id, screening, now)
        # JSON columns are written as text here (sorted keys): sqlite-utils would dump dicts itself, unsorted.
        enrollment_id = (
            db.table("enrollments")
            .insert(
                {
                    "user_id": user_id,
                    "program_id": program_id,
                    "start_day": start_day.isoformat(),
                    "options": json.dumps(options, sort_keys=True),
                    "created_at": stamp(now),
                }
            )
            .last_rowid
        )
        db.table("enrollment_versions").insert(
            {
                "enrollment_id": enrollment_id,
                "user_id": user_id,
                "effective_day": start_day.isoformat(),
                "phases": json.dumps(phases),
                "options": json.dumps(options, sort_keys=True),
                "created_at": stamp(now),
            }
        )
    return enrollment_id


def _insert_screening(db, user_id, screening, now):
    device_id, version, answers, confirmed, answered_on = screening
    db.table("screenings").insert(
        {
            "user_id": user_id,
            "device_id": device_id,
            "questions_version": version,
            "answers": json.dumps(answers, sort_keys=True),
            "clinician_confirmed": int(confirmed),
            "answered_on": answered_on.isoformat(),
            "created_at": stamp(now),
        }
    )


def save_screening(db, user_id, screening, now, enrollment_options=None):
    """Store a new clearing screening; optionally update one enrollment's options with it.

    `enrollment_options` is (enrollment_id, options).
    """
    with immediate(db):
        _insert_screening(db, user_id, screening, now)
        if enrollment_options:
            enrollment_id, options = enrollment_options
            db.execute(
                "UPDATE enrollments SET options = ? WHERE id = ? AND user_id = ?",
                [json.dumps(options, sort_keys=True), enrollment_id, user_id],
            )


def latest_screening(db, user_id, device_id):
    """The user's latest screening for the device, or None when there is none."""
    row = one(
        db,
        "SELECT id, device_id, questions_version, answers, clinician_confirmed, answered_on "
        "FROM screenings WHERE user_id = ? AND device_id = ? ORDER BY id DESC LIMIT 1",
        [user_id, device_id],
    )
    if row is None:
        return None
    return Screening(
        id=row["id"],
        device_id=row["device_id"],
        questions_version=row["questions_version"],
        answers=json.loads(row["answers"]),
        clinician_confirmed=bool(row["clinician_confirmed"]),
        answered_on=_day(row["answered_on"]),
    )


def stop_enrollment(db, user_id, enrollment_id, day):
    """Mark the user's active enrollment stopped on `day` (a stopped one stays as it is)."""
    with immediate(db):
        db.execute(
            "UPDATE enrollments SET status = 'stopped', stopped_on = ? "
            "WHERE id = ? AND user_id = ? AND status = 'active'",
            [day.isoformat(), enrollment_id, user_id],
        )


def add_pause(db, user_id, enrollment_id, first_day, last_day, reason):
    """Add a pause unless it overlaps another one; return the new pause id or None."""
    far = "9999-12-31"
    end = last_day.isoformat() if last_day else far
    with immediate(db):
        overlap = one(
            db,
            "SELECT 1 AS overlaps FROM pauses "
            "WHERE enrollment_id = ? AND first_day <= ? AND coalesce(last_day, ?) >= ?",
            [enrollment_id, end, far, first_day.isoformat()],
        )
        if overlap:
            return None
        return (
            db.table("pauses")
            .insert(
                {
                    "enrollment_id": enrollment_id,
                    "user_id": user_id,
                    "first_day": first_day.isoformat(),
                    "last_day": last_day.isoformat() if last_day else None,
                    "reason": reason,
                }
            )
            .last_rowid
        )


def end_pause(db, user_id, pause_id, last_day):
    """End a pause on `last_day`; a pause that would end before it began is removed."""
    with immediate(db):
        db.execute(
            "DELETE FROM pauses WHERE id = ? AND user_id = ? AND first_day > ?",
            [pause_id, user_id, last_day.isoformat()],
        )
        db.execute(
            "UPDATE pauses SET last_day = ? WHERE id = ? AND user_id = ? AND (last_day IS NULL OR last_day > ?)",
            [last_day.isoformat(), pause_id, user_id, last_day.isoformat()],
        )
