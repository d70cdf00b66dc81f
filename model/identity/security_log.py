"""The security log: what happened to an account, when and from where, never a secret.

Each event is a row (kept 90 days, pruned on write) and one JSON line on the "facereps.security"
logger, for whoever watches the server's logs.
"""

import json
import logging
from datetime import timedelta

from model import store
from model.identity import accounts

logger = logging.getLogger("facereps.security")
KEEP = timedelta(days=90)
ADDRESS_MAX = 64
EVENTS = frozenset(
    {
        "sign_in",
        "sign_in_failed",
        "sign_out",
        "device_signed_out",
        "password_changed",
        "password_reset_requested",
        "password_reset",
        "recovery_codes_created",
        "recovery_code_used",
        "recovery_code_failed",
        "passkey_added",
        "passkey_removed",
        "data_exported",
        "data_imported",
        "account_deleted",
    }
)
# A detail key made of any of these words is refused: the log never holds a secret, even by mistake.
SECRET_WORDS = frozenset(
    {
        "password",
        "passphrase",
        "token",
        "code",
        "secret",
        "hash",
        "key",
        "challenge",
        "signature",
        "credential",
        "cookie",
        "session",
    }
)


def record(db, event, user_id, address, now, **detail):
    """Log `event` for the user (None when no account is known) from `address` at `now`."""
    if event not in EVENTS:
        raise ValueError(f"unknown security event {event!r}")
    secret = [key for key in detail if SECRET_WORDS & set(key.lower().split("_"))]
    if secret:
        raise ValueError(f"security log details never hold secrets: {secret}")
    address = (address or "")[:ADDRESS_MAX]
    row = store.add_security_event(db, user_id, event, address, now, detail, now - KEEP)
    logger.info(
        json.dumps(
            {"event": event, "user_id": user_id, "address": address, "at": row.created_at, "detail": row.detail},
            sort_keys=True,
        )
    )
    return row


def sign_in_failed(db, email, address, now, method="password"):
    """A failed sign-in with `email`: logged for its account when there is one.

    The email is kept only when it looks like one (people sometimes type a password there).
    """
    email = accounts.normalise_email(email)
    user = store.user_by_email(db, email) if email else None
    shown = email if not accounts.email_problem(email) else "(not an email address)"
    return record(db, "sign_in_failed", user.id if user else None, address, now, method=method, email=shown)


def recent(db, user_id, limit=20) -> list:
    """The user's latest events, newest first."""
    return store.security_events_of(db, user_id, limit)
