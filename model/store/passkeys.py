"""WebAuthn passkeys: credential id, public key, sign count, transports, when added and last used."""

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from model.store.db import immediate

__all__ = [
    "Passkey",
    "PasskeyKnown",
    "add_passkey",
    "delete_passkey_if",
    "passkey_by_credential",
    "passkey_used",
    "passkeys_of",
]


class PasskeyKnown(Exception):
    """That credential is registered already."""


@dataclass(frozen=True)
class Passkey:
    id: int
    user_id: int
    credential_id: str
    public_key: bytes
    sign_count: int
    transports: list
    user_handle: str
    name: str
    created_at: str
    last_used_at: str | None


_COLUMNS = "id, user_id, credential_id, public_key, sign_count, transports, user_handle, name, created_at, last_used_at"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _passkey(row):
    if row is None:
        return None
    values = list(row)
    values[5] = json.loads(values[5])
    return Passkey(*values)


def passkeys_of(db, user_id) -> list:
    return [
        _passkey(row)
        for row in db.execute(f"SELECT {_COLUMNS} FROM passkeys WHERE user_id = ? ORDER BY created_at, id", [user_id])
    ]


def passkey_by_credential(db, credential_id):
    return _passkey(db.execute(f"SELECT {_COLUMNS} FROM passkeys WHERE credential_id = ?", [credential_id]).fetchone())


def add_passkey(db, user_id, credential_id, public_key, sign_count, transports, user_handle, name, now) -> int:
    """Keep a new passkey and return its id; raise PasskeyKnown when the credential is registered."""
    try:
        with immediate(db):
            return db.execute(
                "INSERT INTO passkeys (user_id, credential_id, public_key, sign_count, transports, user_handle, name, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [user_id, credential_id, public_key, sign_count, json.dumps(transports), user_handle, name, _iso(now)],
            ).lastrowid
    except sqlite3.IntegrityError as error:
        raise PasskeyKnown(credential_id) from error


def passkey_used(db, passkey_id, sign_count, now):
    with immediate(db):
        db.execute(
            "UPDATE passkeys SET sign_count = ?, last_used_at = ? WHERE id = ?", [sign_count, _iso(now), passkey_id]
        )


def delete_passkey_if(db, user_id, passkey_id, may_remove) -> str:
    """Delete one of the user's passkeys if `may_remove(has_password, passkeys)` allows it, in one transaction.

    'removed', 'refused', or 'missing' (no such passkey of this user).
    """
    with immediate(db):
        if db.execute("SELECT 1 FROM passkeys WHERE id = ? AND user_id = ?", [passkey_id, user_id]).fetchone() is None:
            return "missing"
        has_password, count = db.execute(
            "SELECT password_hash != '', (SELECT count(*) FROM passkeys WHERE user_id = users.id) "
            "FROM users WHERE id = ?",
            [user_id],
        ).fetchone()
        if not may_remove(bool(has_password), count):
            return "refused"
        db.execute("DELETE FROM passkeys WHERE id = ?", [passkey_id])
        return "removed"
