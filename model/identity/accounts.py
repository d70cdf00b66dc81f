"""Account rules: who may register, how passwords are checked and hashed, valid settings."""

import re
import secrets
from functools import lru_cache
from zoneinfo import available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from zxcvbn import zxcvbn

from model import photos, store
from model.refusals import INVALID, Refused, refuse_if
from model.rules.forms import whole_number
from model.store.db import immediate

PASSWORD_MIN = 8
PASSWORD_MAX = 256
# zxcvbn's score (0-4) a new password needs: 3 is "safely unguessable", about 10^10 guesses. It judges the
# first PASSWORD_SCORED characters (its matching grows steeply with length; 72 take about half a second).
PASSWORD_SCORE = 3
PASSWORD_SCORED = 72
EMAIL_MAX = 254
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_START_HOURS = range(0, 6)
# The guided player's cue switches, in the order the store takes them.
CUES = ("cue_beep", "cue_vibrate", "cue_voice", "auto_advance")
CUE_LABELS = {
    "cue_beep": "A beep at every glide, a tone at every new step",
    "cue_vibrate": "Vibrate at every glide (phones that can)",
    "cue_voice": "Speak each step aloud",
    "auto_advance": "Move to the next step when the time is up",
}

# argon2id with the RFC 9106 "low memory" profile (t=3, m=64 MiB, p=4): above OWASP's floor. This is the
# app's PASSWORD_HASHER unless its config names another (the tests' is cheap); `use_hasher` applies it.
PRODUCTION_HASHER = PasswordHasher()
hasher = PRODUCTION_HASHER
REMINDER_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")  # ASCII digits only


@lru_cache(maxsize=1)
def time_zones() -> frozenset:
    """Every time zone name this system knows (read once)."""
    return frozenset(available_timezones())


def normalise_email(raw: str) -> str:
    """An email address as the store keeps it: trimmed and in lower case."""
    return (raw or "").strip().lower()


def email_problem(email: str) -> str | None:
    """What is wrong with an email address in words, or None when it looks like one."""
    if not email:
        return "Enter your email address."
    if len(email) > EMAIL_MAX:
        return f"An email address has at most {EMAIL_MAX} characters."
    local, _, domain = email.partition("@")
    if not local or "." not in domain.strip(".") or " " in email or "@" in domain:
        return "Enter an email address like name@example.com."
    return None


def password_problem(password: str, user_inputs=()) -> str | None:
    """Why `password` may not be used, or None: 8-256 characters and hard to guess by zxcvbn (its lists
    of common passwords, words, names, dates, keyboard patterns, repeats; `user_inputs`, such as the
    email, count as known words). No composition rules: a passphrase of a few random words passes."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    inputs = [word for value in user_inputs if value for word in [value, *re.split(r"[@.+_-]", value)] if word]
    result = zxcvbn(password[:PASSWORD_SCORED], user_inputs=["facereps", *inputs])
    if result["score"] >= PASSWORD_SCORE:
        return None
    feedback = result["feedback"]  # e.g. "This is a very common password.", "Add another word or two. ..."
    advice = [part for part in [feedback["warning"], *feedback["suggestions"][:1]] if part]
    return " ".join(
        ["That password is easy to guess.", *(advice or ["Add another word or two. Uncommon words are better."])]
    )


def time_zone_or_utc(raw: str) -> str:
    """The browser's zone when we know it, else UTC (registration without JavaScript)."""
    raw = (raw or "").strip()
    return raw if raw in time_zones() else "UTC"


def hash_password(password: str) -> str:
    """A password's hash, by the hasher in use."""
    return hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether a password matches a stored hash (False for a hash that is not one)."""
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


# A hash to verify against when the email is unknown, so both failures take equally long (made by the
# hasher in use, so it costs what a real one does).
_dummy_hash: dict[PasswordHasher, str] = {}


def use_hasher(new: PasswordHasher) -> None:
    """Hash and check passwords with `new` from now on, in this process (the app's PASSWORD_HASHER)."""
    global hasher
    hasher = new


def _dummy() -> str:
    if hasher not in _dummy_hash:
        _dummy_hash[hasher] = hasher.hash("not a real password, only for timing")
    return _dummy_hash[hasher]


def register(db, email, password, time_zone, now) -> int:
    """Create an account; return its id (Refused: what is wrong with the email or password)."""
    email = normalise_email(email)
    problems = {
        k: v for k, v in {"email": email_problem(email), "password": password_problem(password, [email])}.items() if v
    }
    refuse_if(problems)
    try:
        return store.create_user(db, email, hash_password(password), time_zone_or_utc(time_zone), now)
    except store.EmailTaken:
        raise Refused("An account with this email exists. Log in instead.", "email", kind=INVALID) from None


def authenticate(db, email, password):
    """The user whose email and password match, or None (one answer for both failures)."""
    user = store.user_by_email(db, normalise_email(email))
    if user is None:
        password_matches(_dummy(), password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        store.rehash_password(db, user.id, hash_password(password))
    return user


def change_password(db, user, current, new) -> None:
    """Set a new password after checking the current one (Refused: which one is wrong, and why)."""
    if not password_matches(user.password_hash, current):
        raise Refused("That is not your current password.", "current_password", kind=INVALID)
    problem = password_problem(new, [user.email])
    if problem:
        raise Refused(problem, "new_password", kind=INVALID)
    store.set_password(db, user.id, hash_password(new), keep_token=user.login_token)


def settings_problems(time_zone, day_start_hour, week_start):
    """Parse the Account settings form; return (values, problems)."""
    problems = {}
    time_zone = (time_zone or "").strip()
    if time_zone not in time_zones():
        problems["time_zone"] = "Unknown time zone: use a name like Europe/Paris or America/New_York."
    hour = _int_in(day_start_hour, DAY_START_HOURS)
    if hour is None:
        problems["day_start_hour"] = "Choose an hour from 0 to 5."
    week = _int_in(week_start, range(7))
    if week is None:
        problems["week_start"] = "Choose a day of the week."
    return (time_zone, hour, week), problems


def update_settings(db, user, time_zone, day_start_hour, week_start) -> None:
    """Store the time zone, the hour a day starts and the first day of the week (Refused: which is wrong)."""
    values, problems = settings_problems(time_zone, day_start_hour, week_start)
    refuse_if(problems)
    store.update_settings(db, user.id, *values)


def delete_account(db, user_id, photo_folder):
    """Delete the user with every row of theirs (cascade) and their photo files."""
    with immediate(db):  # no photo can be added between listing the files and deleting the rows
        files = store.photo_files_of(db, user_id)
        store.delete_user(db, user_id)
    photos.remove_files(photo_folder, files)


def new_calendar_token() -> str:
    """A fresh random token for a user's calendar feed address."""
    return secrets.token_urlsafe(24)


def update_reminder(db, user, raw) -> None:
    """Set the reminder time (HH:MM, 24-hour)."""
    raw = (raw or "").strip()
    if not REMINDER_TIME.fullmatch(raw):
        raise Refused("Enter a time like 07:30.", "reminder_time", kind=INVALID)
    store.set_reminder_time(db, user.id, raw)


def _int_in(raw, allowed):
    value = whole_number(raw)
    return value if value in allowed else None
