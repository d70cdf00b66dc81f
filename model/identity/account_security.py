"""The Account page's sign-in and security part: passkeys, recovery, signed-in devices, the log."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from model.identity import logins, mail, passkeys, recovery, security_log

LOG_SHOWN = 20


@dataclass(frozen=True)
class Event:
    """One security log entry as the Account page shows it, its time in the user's zone."""

    event: str
    at: datetime
    address: str
    detail: dict


@dataclass(frozen=True)
class Passkey:
    """One of the user's passkeys as the Account page lists it, its times in the user's zone."""

    id: int
    name: str
    added: datetime
    last_used: datetime | None


@dataclass(frozen=True)
class Overview:
    """Everything the Account page shows about signing in: passkeys, recovery, devices and the log."""

    passkeys: list  # Passkey, oldest first
    may_remove_passkey: bool
    mail_ready: bool  # reset links go by email, so no recovery codes are offered
    codes_left: int
    codes_made: int
    devices: list  # logins.Device, most recently seen first
    events: list  # Event, newest first


def overview(db, user, now, config) -> Overview:
    """Everything the Account page shows about signing in; `config` is the app's (SMTP_URL, LOGIN_MAX_AGE)."""
    zone = ZoneInfo(user.time_zone)

    def local(stamp):
        return datetime.fromisoformat(stamp).astimezone(zone) if stamp else None

    keys = [Passkey(p.id, p.name, local(p.created_at), local(p.last_used_at)) for p in passkeys.of(db, user.id)]
    left, made = recovery.codes_left(db, user.id)
    events = [
        Event(row.event, local(row.created_at), row.address, row.detail)
        for row in security_log.recent(db, user.id, LOG_SHOWN)
    ]
    return Overview(
        keys,
        passkeys.may_remove(bool(user.password_hash), len(keys)),
        mail.server_from(config.get("SMTP_URL")) is not None,
        left,
        made,
        logins.devices(db, user, now, config["LOGIN_MAX_AGE"]),
        events,
    )
