"""The security log: one row per event (sign-ins, password and recovery changes, passkeys, data)."""

import json
from dataclasses import dataclass

from model.store._sql import one, rows, stamp
from model.store.db import immediate

__all__ = ["SecurityEvent", "add_security_event", "security_events_of"]


@dataclass(frozen=True)
class SecurityEvent:
    """One event of the security log: what happened, from which address, when, and its detail."""

    id: int
    user_id: int | None
    event: str
    address: str
    created_at: str
    detail: dict


def add_security_event(db, user_id, event, address, now, detail, keep_since) -> SecurityEvent:
    """Add an event and drop those older than `keep_since`. An event about an account that no longer
    exists (its deletion) is kept without a user, naming the former id in its detail."""
    with immediate(db):
        db.execute("DELETE FROM security_log WHERE created_at < ?", [stamp(keep_since)])
        if user_id is not None and one(db, "SELECT 1 AS found FROM users WHERE id = ?", [user_id]) is None:
            user_id, detail = None, {**detail, "former_user_id": user_id}
        row_id = (
            db.table("security_log")
            .insert(
                {
                    "user_id": user_id,
                    "event": event,
                    "address": address,
                    "created_at": stamp(now),
                    "detail": json.dumps(detail, sort_keys=True),
                }
            )
            .last_rowid
        )
    return SecurityEvent(id=row_id, user_id=user_id, event=event, address=address, created_at=stamp(now), detail=detail)


def security_events_of(db, user_id, limit=20) -> list:
    """The user's latest events, newest first."""
    return [
        SecurityEvent(
            id=row["id"],
            user_id=row["user_id"],
            event=row["event"],
            address=row["address"],
            created_at=row["created_at"],
            detail=json.loads(row["detail"]),
        )
        for row in rows(
            db,
            "SELECT id, user_id, event, address, created_at, detail FROM security_log WHERE user_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            [user_id, limit],
        )
    ]
