"""Sessions seen per device type (for the rules every plan on it shares) and tool changes."""

from datetime import date

from model.store._sql import one, rows, value
from model.store.db import immediate

__all__ = ["change_tool", "device_uses", "session_started", "tool_uses_since_change"]

# A session under way (a step ticked) or done; a guided session opened but not begun is neither.
_IN_USE = "(steps_done > 0 OR status = 'done')"


def device_uses(db, user_id, since: date, until: date) -> list:
    """(day, routine_id, device_id, done) of sessions under way or done in [since, until]."""
    return [
        (date.fromisoformat(row["day"]), row["routine_id"], row["device_id"], row["status"] == "done")
        for row in rows(
            db,
            f"SELECT day, routine_id, device_id, status FROM sessions WHERE user_id = ? AND day BETWEEN ? AND ? "
            f"AND {_IN_USE} ORDER BY day",
            [user_id, since.isoformat(), until.isoformat()],
        )
    ]


def tool_uses_since_change(db, user_id, device_id, day: date) -> int:
    """Done sessions of the device before `day` since the tool was last changed (on or before `day`)."""
    changed = value(
        db,
        "SELECT max(day) FROM tool_changes WHERE user_id = ? AND device_id = ? AND day <= ?",
        [user_id, device_id, day.isoformat()],
    )
    return value(
        db,
        "SELECT count(*) FROM sessions WHERE user_id = ? AND device_id = ? AND status = 'done' "
        "AND day >= ? AND day < ?",
        [user_id, device_id, changed or "0000-00-00", day.isoformat()],
    )


def change_tool(db, user_id, device_id, day: date):
    """Record a new tool (or head) from `day` on; doing it twice a day changes nothing."""
    with immediate(db):
        # Plain SQL: sqlite-utils' insert(ignore=True) looks the existing row up by rowid, which a
        # WITHOUT ROWID table has not (OperationalError on the second change of a day).
        db.execute(
            "INSERT OR IGNORE INTO tool_changes (user_id, device_id, day) VALUES (?, ?, ?)",
            [user_id, device_id, day.isoformat()],
        )


def session_started(db, user_id, day: date, routine_id) -> bool:
    """True when the routine's session on the day has a step ticked (or is done)."""
    return (
        one(
            db,
            f"SELECT 1 AS started FROM sessions WHERE user_id = ? AND day = ? AND routine_id = ? AND {_IN_USE}",
            [user_id, day.isoformat(), routine_id],
        )
        is not None
    )
