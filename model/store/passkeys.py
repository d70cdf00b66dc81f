"""WebAuthn passkeys: credential id, public key, sign count, transports, when added and last used."""

import json
import sqlite3
from dataclasses import dataclass

from model.store._sql import one, rows, stamp
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
    """A user's registered passkey, as its row of `passkeys` holds it."""

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


def _passkey(row):
    if row is None:
        return None
    return Passkey(
        id=row["id"],
        user_id=row["user_id"],
        credential_id=row["credential_id"],
        public_key=row["public_key"],
        sign_count=row["sign_count"],
        transports=json.loads(row["transports"]),
        user_handle=row["user_handle"],
        name=row["name"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
    )


def passkeys_of(db, user_id) -> list:
    """The user's passkeys, the oldest first."""
    return [
        _passkey(row)
        for row in rows(db, f"SELECT {_COLUMNS} FROM passkeys WHERE user_id = ? ORDER BY created_at, id", [user_id])
    ]


def passkey_by_credential(db, credential_id):
    """The passkey with that credential id, or None."""
    return _passkey(one(db, f"SELECT {_COLUMNS} FROM passkeys WHERE credential_id = ?", [credential_id]))


def add_passkey(db, user_id, credential_id, public_key, sign_count, transports, user_handle, name, now) -> int:
    """Keep a new passkey and return its id; raise PasskeyKnown when the credential is registered."""
    try:
        with immediate(db):
            return (
                db.table("passkeys")
                .insert(
                    {
                        "user_id": user_id,
                        "credential_id": credential_id,
                        "public_key": public_key,
                        "sign_count": sign_count,
                        "transports": json.dumps(transports),
                        "user_handle": user_handle,
                        "name": name,
                        "created_at": stamp(now),
                    }
                )
                .last_rowid
            )
    except sqlite3.IntegrityError as error:
        raise PasskeyKnown(credential_id) from error


def passkey_used(db, passkey_id, sign_count, now):
    """Store a passkey's new sign count and that it was just used."""
    with immediate(db):
        db.execute(
            "UPDATE passkeys SET sign_count = ?, last_used_at = ? WHERE id = ?", [sign_count, stamp(now), passkey_id]
        )


def delete_passkey_if(db, user_id, passkey_id, may_remove) -> str:
    """Delete one of the user's passkeys if `may_remove(has_password, passkeys)` allows it, in one transaction.

    'removed', 'refused', or 'missing' (no such passkey of this user).
    """
    with immediate(db):
        account = one(
            db,
            "SELECT u.password_hash != '' AS has_password, "
            "(SELECT count(*) FROM passkeys WHERE user_id = u.id) AS passkeys "
            "FROM passkeys p JOIN users u ON u.id = p.user_id WHERE p.id = ? AND p.user_id = ?",
            [passkey_id, user_id],
        )
        if account is None:
            return "missing"
        if not may_remove(bool(account["has_password"]), account["passkeys"]):
            return "refused"
        db.execute("DELETE FROM passkeys WHERE id = ?", [passkey_id])
        return "removed"
