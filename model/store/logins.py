"""Signed-in browsers (rows of `logins`): what each said it was, when it was last seen, signing one out."""

from dataclasses import dataclass

from model.store._sql import rows, stamp, value
from model.store.db import immediate

__all__ = ["LoginRow", "login_last_seen", "logins_of", "note_login", "revoke_login"]

USER_AGENT_MAX = 400


@dataclass(frozen=True)
class LoginRow:
    """A signed-in browser of the user, as its row of `logins` holds it."""

    token: str
    created_at: str
    last_seen_at: str | None
    user_agent: str
    address: str


def logins_of(db, user_id, not_before) -> list:
    """The user's logins that started after `not_before`, the most recently seen first."""
    return [
        LoginRow(
            token=row["token"],
            created_at=row["created_at"],
            last_seen_at=row["last_seen_at"],
            user_agent=row["user_agent"],
            address=row["address"],
        )
        for row in rows(
            db,
            "SELECT token, created_at, last_seen_at, user_agent, address FROM logins "
            "WHERE user_id = ? AND created_at >= ? ORDER BY coalesce(last_seen_at, created_at) DESC, created_at DESC",
            [user_id, stamp(not_before)],
        )
    ]


def login_last_seen(db, token) -> str | None:
    """When the login was last seen ('' if never), or None when there is no such login."""
    return value(db, "SELECT coalesce(last_seen_at, '') AS last_seen FROM logins WHERE token = ?", [token])


def note_login(db, token, user_agent, address, now):
    """Record that the login was just used, from this browser and address."""
    with immediate(db):
        db.execute(
            "UPDATE logins SET user_agent = ?, address = ?, last_seen_at = ? WHERE token = ?",
            [(user_agent or "")[:USER_AGENT_MAX], address or "", stamp(now), token],
        )


def revoke_login(db, user_id, token) -> bool:
    """Delete one of the user's logins: its cookies stop working. False when there was none."""
    with immediate(db):
        return db.execute("DELETE FROM logins WHERE user_id = ? AND token = ?", [user_id, token]).rowcount == 1
