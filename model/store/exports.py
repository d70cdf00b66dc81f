"""Every row of a user, out (export) and back in (import), in one transaction."""

from model.store._sql import one, rows
from model.store.db import immediate

__all__ = ["TABLES", "AccountNotEmpty", "has_history", "import_rows", "rows_of_user"]

# Table → columns exported (ids and user ids are not: an import gets new ones).
SETTINGS = (
    "time_zone",
    "day_start_hour",
    "week_start",
    "cue_beep",
    "cue_vibrate",
    "cue_voice",
    "auto_advance",
    "reminder_time",
    "voice_asked",
    "reminder_evening",
    "reminder_weekly",
)
# Settings added after the first export files: an older file without them imports with these values.
LATER_SETTINGS = {"voice_asked": 0, "reminder_evening": None, "reminder_weekly": 1}
TABLES = {
    "enrollments": ("id", "program_id", "start_day", "options", "status", "stopped_on", "created_at"),
    "enrollment_versions": ("enrollment_id", "effective_day", "phases", "options", "created_at"),
    "pauses": ("enrollment_id", "first_day", "last_day", "reason"),
    "screenings": ("device_id", "questions_version", "answers", "clinician_confirmed", "answered_on", "created_at"),
    "sessions": (
        "day",
        "routine_id",
        "device_id",
        "steps_total",
        "steps_done",
        "status",
        "updated_at",
        "started_at",
        "finished_at",
        "current_step",
        "skipped",
        "steps",
        "routine_version",
    ),
    "ticks": ("day", "routine_id", "step_id", "ticked_at"),
    "gate_checks": ("device_id", "gate_id", "day"),
    "checkins": ("week", "firmness", "fine_lines", "glow", "note", "updated_at"),
    "photos": ("week", "angle", "filename", "width", "height", "created_at"),
    # Own routines and plans keep their ids (random, unique per user): sessions and programs name them.
    "routines": ("id", "device_id", "device_name", "based_on", "name", "version", "created_at", "updated_at"),
    "routine_versions": ("routine_id", "version", "steps", "created_at"),
    "plans": ("id", "routine_id", "name", "phases", "created_at"),
    "tool_changes": ("device_id", "day"),
    "routine_reminders": ("routine_id", "time", "enabled"),
    # Not exported: push_subscriptions (a browser's endpoint and encryption keys are per-device secrets
    # that mean nothing in another account or on another server; a phone subscribes again in a tap) and
    # push_claims (which reminders went out). Deleting the account deletes both (ON DELETE CASCADE).
}
ORDER = {
    "enrollments": "id",
    "enrollment_versions": "enrollment_id, effective_day",
    "pauses": "enrollment_id, first_day",
    "screenings": "id",
    "sessions": "day, routine_id",
    "ticks": "day, routine_id, step_id",
    "gate_checks": "device_id, gate_id",
    "checkins": "week",
    "photos": "week, angle",
    "routines": "created_at, id",
    "routine_versions": "routine_id, version",
    "plans": "created_at, id",
    "tool_changes": "device_id, day",
    "routine_reminders": "routine_id",
}


def rows_of_user(db, user_id) -> dict:
    """{"settings": {...}, table: [row dicts]} for every table holding the user's data."""
    settings = one(db, f"SELECT {', '.join(SETTINGS)} FROM users WHERE id = ?", [user_id])
    data: dict[str, object] = {"settings": dict(settings) if settings else None}
    for table, columns in TABLES.items():
        found = rows(
            db, f"SELECT {', '.join(columns)} FROM {table} WHERE user_id = ? ORDER BY {ORDER[table]}", [user_id]
        )
        data[table] = [dict(row) for row in found]
    return data


class AccountNotEmpty(Exception):
    """An import into an account that already has programs or history: nothing was written."""


def has_history(db, user_id) -> bool:
    """True when the user has programs, sessions, ticks, check-ins, photos, routines or plans."""
    return any(
        one(db, f"SELECT 1 AS found FROM {table} WHERE user_id = ? LIMIT 1", [user_id])
        for table in ("enrollments", "sessions", "ticks", "checkins", "photos", "routines", "plans")
    )


def import_rows(db, user_id, data):
    """Insert an export's rows for the user, all or nothing; enrollment ids are mapped to new ones.
    (The import use case checks, in the same transaction, that the account is empty.)"""
    with immediate(db):
        settings = {column: data["settings"].get(column, LATER_SETTINGS.get(column)) for column in SETTINGS}
        # Named parameters, one per setting; the SET list is the module's own column names.
        db.execute(
            f"UPDATE users SET {', '.join(f'{column} = :{column}' for column in SETTINGS)} WHERE id = :user_id",
            {**settings, "user_id": user_id},
        )
        # JSON columns are the export's own text, so sqlite-utils writes every value as it is.
        new_ids: dict[int, int] = {}
        for row in data["enrollments"]:
            record = _record(user_id, row, TABLES["enrollments"][1:], new_ids)
            new_ids[row["id"]] = db.table("enrollments").insert(record).last_rowid
        for table, columns in TABLES.items():
            if table != "enrollments":
                db.table(table).insert_all(_record(user_id, row, columns, new_ids) for row in data[table])


def _record(user_id, row, columns, new_ids) -> dict:
    """What to insert for the user: the export row's `columns` (a missing one is a KeyError, one not listed is
    left out), its enrollment id mapped to the new one."""
    record = {"user_id": user_id}
    for column in columns:
        record[column] = new_ids[row[column]] if column == "enrollment_id" else row[column]
    return record
