"""Account recovery: single-use reset links by email, and recovery codes where there is no mail.

Links and codes are random, so their SHA-256 is all that is kept (a slow hash adds nothing to a
secret that cannot be guessed). Using either sets a new password and signs out every login.
"""

import hashlib
import secrets
from datetime import timedelta

from model import store
from model.identity import accounts, security_log

RESET_VALID = timedelta(minutes=30)
TOKEN_MAX = 128
CODE_COUNT = 10
# Codes are read off paper and typed on a phone: no 0/O or 1/I/L to confuse, case and dashes ignored.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10  # 10 of 31 symbols: about 50 bits each


def digest(secret: str) -> str:
    """The SHA-256 of a reset token or recovery code, in hex: all the store keeps of it."""
    return hashlib.sha256(secret.encode()).hexdigest()


def request_reset(db, email, now, address):
    """A new reset link for the account with `email`: (email, token), or None when there is none."""
    user = store.user_by_email(db, accounts.normalise_email(email))
    if user is None:
        # Logged too, so both answers cost about the same (the mail itself is sent in the background).
        security_log.record(db, "password_reset_requested", None, address, now)
        return None
    token = secrets.token_urlsafe(32)
    store.add_password_reset(db, user.id, digest(token), now, now + RESET_VALID)
    security_log.record(db, "password_reset_requested", user.id, address, now)
    return user.email, token


def reset_link_works(db, token, now) -> bool:
    """Whether a reset link's token is one the store has, unused and unexpired."""
    return len(token) <= TOKEN_MAX and store.password_reset_user(db, digest(token), now) is not None


def reset_password(db, token, password, now, address) -> dict:
    """Set a new password with a reset link; problems by field ('link' when the link does not work)."""
    if not reset_link_works(db, token, now):
        return {"link": "This link has expired or was used already."}
    problem = accounts.password_problem(password)
    if problem:
        return {"password": problem}
    user_id = store.use_password_reset(db, digest(token), accounts.hash_password(password), now)
    if user_id is None:  # used by another request in the meantime
        return {"link": "This link has expired or was used already."}
    security_log.record(db, "password_reset", user_id, address, now, method="email")
    return {}


def normalise_code(raw: str) -> str:
    """A typed recovery code as the store compares it: lower case, letters and digits only."""
    return "".join(ch for ch in (raw or "").lower() if ch.isalnum())[:64]


def new_codes() -> list:
    """Ten fresh codes, shown as 'xxxxx-xxxxx'."""
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(CODE_COUNT)]
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def make_codes(db, user, password, now, address):
    """Replace the user's recovery codes after checking their password: (codes, problems)."""
    if not accounts.password_matches(user.password_hash, password):
        return [], {"codes_password": "That is not your password."}
    codes = new_codes()
    store.replace_recovery_codes(db, user.id, [digest(normalise_code(code)) for code in codes], now)
    security_log.record(db, "recovery_codes_created", user.id, address, now, count=len(codes))
    return codes, {}


def codes_left(db, user_id) -> tuple:
    """(unused, made) recovery codes of the user."""
    return store.recovery_codes_count(db, user_id)


def use_code(db, email, code, password, now, address):
    """Set a new password with a recovery code: (codes left, problems). One answer for an unknown
    email and a wrong or used code."""
    problems = {}
    if not normalise_code(code):
        problems["code"] = "Enter one of your recovery codes."
    problem = accounts.password_problem(password)
    if problem:
        problems["password"] = problem
    if problems:
        return None, problems
    # Hashed first, whatever the email: an unknown one must not answer faster.
    password_hash = accounts.hash_password(password)
    user = store.user_by_email(db, accounts.normalise_email(email))
    left = None
    if user is not None:
        left = store.use_recovery_code(db, user.id, digest(normalise_code(code)), password_hash, now)
    if left is None:
        security_log.record(db, "recovery_code_failed", user.id if user else None, address, now)
        return None, {"code": "That email and recovery code do not match, or the code was used already."}
    security_log.record(db, "recovery_code_used", user.id, address, now, left=left)
    security_log.record(db, "password_reset", user.id, address, now, method="recovery code")
    return left, {}
