"""Users and their logins (one row per signed-in browser)."""

import secrets
import sqlite3
from dataclasses import dataclass

from model.store._sql import one, stamp, value
from model.store.db import immediate

__all__ = [
    "EmailTaken",
    "User",
    "count_rows_of_user",
    "create_login",
    "create_user",
    "delete_login",
    "delete_user",
    "ping",
    "rehash_password",
    "set_calendar_token",
    "set_password",
    "set_reminder_time",
    "set_voice",
    "update_cues",
    "update_settings",
    "user_by_calendar_token",
    "user_by_email",
    "user_by_id",
    "user_for_login",
]


class EmailTaken(Exception):
    """An account with that email exists already."""


@dataclass(frozen=True)
class User:
    """A user as the store reads it; also the signed-in user flask-login keeps for a request.

    flask-login only duck-types its user objects (`is_authenticated`, `is_active`, `is_anonymous`,
    `get_id`), so the store needs no flask-login of its own: a stored user is a real, active one.
    """

    id: int
    email: str
    password_hash: str
    time_zone: str
    day_start_hour: int
    week_start: int
    created_at: str
    cue_beep: bool = True
    cue_vibrate: bool = True
    cue_voice: bool = False
    auto_advance: bool = True
    voice_asked: bool = False  # the guided player asked once whether to speak each step
    calendar_token: str | None = None
    reminder_time: str = "08:00"
    login_token: str | None = None
    has_own: bool | None = None  # made own routines or plans (None: not looked up)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self):
        # flask-login keeps this in the session and the remember-me cookie: it names the
        # login row, not the user, so revoking the row signs that browser out.
        return self.login_token


USER_COLUMNS = (
    "id",
    "email",
    "password_hash",
    "time_zone",
    "day_start_hour",
    "week_start",
    "created_at",
    "cue_beep",
    "cue_vibrate",
    "cue_voice",
    "auto_advance",
    "voice_asked",
    "calendar_token",
    "reminder_time",
)
_SELECT_USER = f"SELECT {', '.join(USER_COLUMNS)} FROM users"


def _user(row, login_token=None, has_own=None):
    if row is None:
        return None
    return User(
        id=row["id"],
        email=row["email"],
        password_hash=row["password_hash"],
        time_zone=row["time_zone"],
        day_start_hour=row["day_start_hour"],
        week_start=row["week_start"],
        created_at=row["created_at"],
        cue_beep=bool(row["cue_beep"]),
        cue_vibrate=bool(row["cue_vibrate"]),
        cue_voice=bool(row["cue_voice"]),
        auto_advance=bool(row["auto_advance"]),
        voice_asked=bool(row["voice_asked"]),
        calendar_token=row["calendar_token"],
        reminder_time=row["reminder_time"],
        login_token=login_token,
        has_own=has_own,
    )


def create_user(db, email, password_hash, time_zone, now) -> int:
    """Insert a user and return its id; raise EmailTaken for a known email."""
    try:
        with immediate(db):
            return (
                db.table("users")
                .insert(
                    {"email": email, "password_hash": password_hash, "time_zone": time_zone, "created_at": stamp(now)}
                )
                .last_rowid
            )
    except sqlite3.IntegrityError as error:
        raise EmailTaken(email) from error


def user_by_email(db, email):
    """The user with that email, or None."""
    return _user(one(db, f"{_SELECT_USER} WHERE email = ?", [email]))


def user_by_id(db, user_id):
    """The user with that id, or None."""
    return _user(one(db, f"{_SELECT_USER} WHERE id = ?", [user_id]))


def create_login(db, user_id, now) -> str:
    """Record a new signed-in browser for the user and return its secret token."""
    token = secrets.token_urlsafe(32)
    with immediate(db):
        db.table("logins").insert({"token": token, "user_id": user_id, "created_at": stamp(now)})
    return token


def user_for_login(db, token, not_before):
    """The user signed in by `token`, if the login exists and started after `not_before`.

    The same query says whether the user has own routines or plans (most pages need to know).
    """
    row = one(
        db,
        f"SELECT {', '.join('u.' + column for column in USER_COLUMNS)}, "
        "EXISTS (SELECT 1 FROM routines r WHERE r.user_id = u.id) "
        "OR EXISTS (SELECT 1 FROM plans p WHERE p.user_id = u.id) AS has_own "
        "FROM logins l JOIN users u ON u.id = l.user_id WHERE l.token = ? AND l.created_at >= ?",
        [token, stamp(not_before)],
    )
    return _user(row, token, bool(row["has_own"])) if row else None


def delete_login(db, token):
    """Delete the login of `token`: that browser is signed out."""
    with immediate(db):
        db.execute("DELETE FROM logins WHERE token = ?", [token])


def set_password(db, user_id, password_hash, keep_token):
    """Store a new password hash and sign out every other browser of the user."""
    with immediate(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])
        db.execute("DELETE FROM logins WHERE user_id = ? AND token != ?", [user_id, keep_token])


def rehash_password(db, user_id, password_hash):
    """Store a new hash of the user's unchanged password; every browser stays signed in."""
    with immediate(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])


def update_settings(db, user_id, time_zone, day_start_hour, week_start):
    """Store the user's time zone, the hour their day starts and the day their week starts."""
    with immediate(db):
        db.execute(
            "UPDATE users SET time_zone = ?, day_start_hour = ?, week_start = ? WHERE id = ?",
            [time_zone, day_start_hour, week_start, user_id],
        )


def update_cues(db, user_id, beep, vibrate, voice, auto_advance):
    """Store the user's guided player cues (beep, vibrate, voice) and whether it moves on by itself."""
    with immediate(db):
        db.execute(
            # Saved in Account: the voice has been chosen, so the player need not ask.
            "UPDATE users SET cue_beep = ?, cue_vibrate = ?, cue_voice = ?, auto_advance = ?, voice_asked = 1 "
            "WHERE id = ?",
            [int(beep), int(vibrate), int(voice), int(auto_advance), user_id],
        )


def set_voice(db, user_id, voice):
    """Store whether the guided player speaks each step; the player asks no more once the user has said."""
    with immediate(db):
        db.execute("UPDATE users SET cue_voice = ?, voice_asked = 1 WHERE id = ?", [int(voice), user_id])


def user_by_calendar_token(db, token):
    """The user whose calendar feed has that token, or None."""
    return _user(one(db, f"{_SELECT_USER} WHERE calendar_token = ?", [token]))


def set_calendar_token(db, user_id, token):
    """Give the user a new calendar token: the old feed URL stops working at once."""
    with immediate(db):
        db.execute("UPDATE users SET calendar_token = ? WHERE id = ?", [token, user_id])


def set_reminder_time(db, user_id, reminder_time):
    """Store the user's reminder time: when their sessions start in the calendar feed."""
    with immediate(db):
        db.execute("UPDATE users SET reminder_time = ? WHERE id = ?", [reminder_time, user_id])


def delete_user(db, user_id):
    """Delete the user; every row of theirs goes with it (ON DELETE CASCADE)."""
    with immediate(db):
        db.execute("DELETE FROM users WHERE id = ?", [user_id])


def count_rows_of_user(db, user_id) -> int:
    """How many rows in the whole database still belong to the user (for checks and tests)."""
    total = 0
    for table in db.table_names():
        columns = {column.name for column in db[table].columns}
        if table == "users":
            total += value(db, "SELECT count(*) FROM users WHERE id = ?", [user_id])
        elif "user_id" in columns:
            total += value(db, f"SELECT count(*) FROM [{table}] WHERE user_id = ?", [user_id])
    return total


def ping(db):
    """Read something from the database (raises when it cannot answer): the health check."""
    return value(db, "SELECT count(*) FROM _sqlite_migrations")
