"""Web Push: browsers' subscriptions, reminders claimed once, and each user's reminder settings."""

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from model.store._sql import one, rows, stamp
from model.store.db import immediate

__all__ = [
    "ReminderSettings",
    "Subscription",
    "claim_reminder",
    "delete_subscription",
    "delete_subscription_of",
    "forget_endpoint",
    "note_sent",
    "prune_claims",
    "release_claim",
    "reminder_settings",
    "save_reminder_settings",
    "save_subscription",
    "subscribed_users",
    "subscription_of",
    "subscriptions_of",
]


@dataclass(frozen=True)
class Subscription:
    """A browser's push subscription: where to send, and the keys that encrypt for it."""

    id: int
    user_id: int
    endpoint: str
    p256dh: str
    auth: str
    browser: str
    created_at: str
    last_sent_at: str | None = None

    def info(self) -> dict:
        """As pywebpush takes it (PushSubscription.toJSON()'s shape)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass(frozen=True)
class ReminderSettings:
    """A user's reminder settings: routine id → (on, own time or None), the evening time (None: off),
    and whether the weekly check-in reminder is on."""

    routines: dict
    evening: str | None
    weekly: bool


_COLUMNS = "id, user_id, endpoint, p256dh, auth, browser, created_at, last_sent_at"


def _subscription(row) -> Subscription:
    return Subscription(**dict(row))


def save_subscription(db, user_id, endpoint, p256dh, auth, browser, now: datetime) -> int:
    """Keep a browser's subscription for the user; the same endpoint again (a phone subscribing anew,
    or one that changed hands) replaces the old row. Its id."""
    with immediate(db):
        db.execute(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, browser, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, "
            "p256dh = excluded.p256dh, auth = excluded.auth, browser = excluded.browser, "
            "created_at = excluded.created_at, last_sent_at = NULL",
            [user_id, endpoint, p256dh, auth, browser, stamp(now)],
        )
        row = one(db, "SELECT id FROM push_subscriptions WHERE endpoint = ?", [endpoint])
        assert row is not None
        return row["id"]


def subscriptions_of(db, user_id) -> list[Subscription]:
    """The user's subscribed browsers, newest first."""
    return [
        _subscription(row)
        for row in rows(db, f"SELECT {_COLUMNS} FROM push_subscriptions WHERE user_id = ? ORDER BY id DESC", [user_id])
    ]


def subscription_of(db, user_id, subscription_id) -> Subscription | None:
    """The user's subscription with that id (None: no such one of theirs)."""
    row = one(db, f"SELECT {_COLUMNS} FROM push_subscriptions WHERE id = ? AND user_id = ?", [subscription_id, user_id])
    return _subscription(row) if row else None


def delete_subscription_of(db, user_id, subscription_id) -> bool:
    """Remove one of the user's subscriptions; False when they have none with that id."""
    with immediate(db):
        return (
            db.execute(
                "DELETE FROM push_subscriptions WHERE id = ? AND user_id = ?", [subscription_id, user_id]
            ).rowcount
            > 0
        )


def delete_subscription(db, subscription_id) -> None:
    """Drop a subscription the push service says is gone (404 or 410)."""
    with immediate(db):
        db.execute("DELETE FROM push_subscriptions WHERE id = ?", [subscription_id])


def forget_endpoint(db, user_id, endpoint) -> None:
    """Drop the user's subscription for that endpoint (the browser unsubscribed)."""
    with immediate(db):
        db.execute("DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?", [user_id, endpoint])


def note_sent(db, subscription_id, now: datetime) -> None:
    """Remember when a subscription last took a message (shown beside the device)."""
    with immediate(db):
        db.execute("UPDATE push_subscriptions SET last_sent_at = ? WHERE id = ?", [stamp(now), subscription_id])


def subscribed_users(db) -> list[int]:
    """Ids of the users with at least one subscription (the only ones a sender looks at)."""
    return [row["user_id"] for row in rows(db, "SELECT DISTINCT user_id FROM push_subscriptions ORDER BY user_id")]


def claim_reminder(db, user_id, routine_id, day: date, kind, now: datetime) -> bool:
    """Claim a reminder for sending: True for the one caller that wrote the row, False when it was
    claimed already (by this sender earlier, or another sender at the same moment)."""
    try:
        with immediate(db):
            db.execute(
                "INSERT INTO push_claims (user_id, routine_id, day, kind, claimed_at) VALUES (?, ?, ?, ?, ?)",
                [user_id, routine_id, day.isoformat(), kind, stamp(now)],
            )
    except sqlite3.IntegrityError:
        return False
    return True


def release_claim(db, user_id, routine_id, day: date, kind) -> None:
    """Give a claim back: no browser took the message, so a later pass may try again."""
    with immediate(db):
        db.execute(
            "DELETE FROM push_claims WHERE user_id = ? AND routine_id = ? AND day = ? AND kind = ?",
            [user_id, routine_id, day.isoformat(), kind],
        )


def prune_claims(db, before: date) -> None:
    """Forget claims of days before `before` (they can never be claimed again anyway)."""
    with immediate(db):
        db.execute("DELETE FROM push_claims WHERE day < ?", [before.isoformat()])


def reminder_settings(db, user_id) -> ReminderSettings:
    """The user's reminder settings (a routine with no row is on, at the user's reminder time)."""
    user = one(db, "SELECT reminder_evening, reminder_weekly FROM users WHERE id = ?", [user_id])
    routines = {
        row["routine_id"]: (bool(row["enabled"]), row["time"])
        for row in rows(db, "SELECT routine_id, time, enabled FROM routine_reminders WHERE user_id = ?", [user_id])
    }
    if user is None:
        return ReminderSettings({}, None, False)
    return ReminderSettings(routines, user["reminder_evening"], bool(user["reminder_weekly"]))


def save_reminder_settings(db, user_id, routines: dict, evening: str | None, weekly: bool) -> None:
    """Store the settings: routine id → (on, own time or None), the evening time or None, weekly on/off."""
    with immediate(db):
        db.execute(
            "UPDATE users SET reminder_evening = ?, reminder_weekly = ? WHERE id = ?", [evening, int(weekly), user_id]
        )
        for routine_id, (enabled, time) in routines.items():
            db.execute(
                "INSERT INTO routine_reminders (user_id, routine_id, time, enabled) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user_id, routine_id) DO UPDATE SET time = excluded.time, enabled = excluded.enabled",
                [user_id, routine_id, time, int(enabled)],
            )
