"""Password reset links and recovery codes, both kept only as SHA-256 hashes."""

from model.store._sql import rows, stamp, value
from model.store.db import immediate

__all__ = [
    "add_password_reset",
    "password_reset_user",
    "recovery_codes_count",
    "replace_recovery_codes",
    "use_password_reset",
    "use_recovery_code",
]


def add_password_reset(db, user_id, token_hash, now, expires_at):
    """Keep a new reset link (and forget every expired one, of anybody)."""
    with immediate(db):
        db.execute("DELETE FROM password_resets WHERE expires_at < ?", [stamp(now)])
        db.table("password_resets").insert(
            {"token_hash": token_hash, "user_id": user_id, "created_at": stamp(now), "expires_at": stamp(expires_at)}
        )


def password_reset_user(db, token_hash, now) -> int | None:
    """The user of an unused, unexpired reset link, or None."""
    return value(
        db,
        "SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        [token_hash, stamp(now)],
    )


def _set_password_and_sign_out(db, user_id, password_hash, now):
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])
    db.execute("DELETE FROM logins WHERE user_id = ?", [user_id])
    # Any other link sent before no longer works either.
    db.execute("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", [stamp(now), user_id])


def use_password_reset(db, token_hash, password_hash, now) -> int | None:
    """Use a reset link once: set the password and sign out every login. The user id, or None if the
    link is unknown, used or expired (then nothing changes)."""
    with immediate(db):
        user_id = value(
            db,
            "SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            [token_hash, stamp(now)],
        )
        if user_id is None:
            return None
        _set_password_and_sign_out(db, user_id, password_hash, now)
        return user_id


def replace_recovery_codes(db, user_id, code_hashes, now):
    """The user's recovery codes become these (the old ones stop working)."""
    with immediate(db):
        db.execute("DELETE FROM recovery_codes WHERE user_id = ?", [user_id])
        db.table("recovery_codes").insert_all(
            {"user_id": user_id, "code_hash": code_hash, "created_at": stamp(now)} for code_hash in code_hashes
        )


def recovery_codes_count(db, user_id) -> tuple:
    """(unused, total) recovery codes of the user."""
    (counts,) = rows(  # an aggregate answers exactly one row
        db,
        "SELECT count(*) FILTER (WHERE used_at IS NULL) AS unused, count(*) AS total FROM recovery_codes "
        "WHERE user_id = ?",
        [user_id],
    )
    return counts["unused"], counts["total"]


def use_recovery_code(db, user_id, code_hash, password_hash, now) -> int | None:
    """Use one unused code: set the password and sign out every login. How many codes are left, or None
    if the code is not one of the user's unused codes (then nothing changes)."""
    with immediate(db):
        used = db.execute(
            "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
            [stamp(now), user_id, code_hash],
        ).rowcount
        if used != 1:
            return None
        _set_password_and_sign_out(db, user_id, password_hash, now)
        return value(db, "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", [user_id])
