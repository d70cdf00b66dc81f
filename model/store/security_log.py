"""The security log: one row per event (sign-ins, password and recovery changes, passkeys, data)."""

import json
from dataclasses import dataclass
from datetime import datetime

from model.store.db import immediate

__all__ = ["SecurityEvent", "add_security_event", "security_events_of"]


@dataclass(frozen=True)
class SecurityEvent:
    id: int
    user_id: int | None
    event: str
    address: str
    created_at: str
    detail: dict


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def add_security_event(db, user_id, event, address, now, detail, keep_since) -> SecurityEvent:
    """Add an event and drop those older than `keep_since`. An event about an account that no longer
    exists (its deletion) is kept without a user, naming the former id in its detail."""
    with immediate(db):
        db.execute("DELETE FROM security_log WHERE created_at < ?", [_iso(keep_since)])
        if user_id is not None and db.execute("SELECT 1 FROM users WHERE id = ?", [user_id]).fetchone() is None:
            user_id, detail = None, {**detail, "former_user_id": user_id}
        row_id = db.execute(
            "INSERT INTO security_log (user_id, event, address, created_at, detail) VALUES (?, ?, ?, ?, ?)",
            [user_id, event, address, _iso(now), json.dumps(detail, sort_keys=True)],
        ).lastrowid
    return SecurityEvent(row_id, user_id, event, address, _iso(now), detail)


def security_events_of(db, user_id, limit=20) -> list:
    """The user's latest events, newest first."""
    return [
        SecurityEvent(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))
        for row in db.execute(
            "SELECT id, user_id, event, address, created_at, detail FROM security_log WHERE user_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            [user_id, limit],
        )
    ]
