"""Signed-in devices: which browser each login is, when it was last seen, and signing one out."""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from model import store
from model.identity import security_log

# Last seen is written at most this often per login, so browsing costs no write per page.
SEEN_EVERY = timedelta(minutes=5)
# (pattern, name), the first match wins: Edge and Opera say "Chrome" too, Chrome says "Safari".
BROWSERS = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
]
SYSTEMS = [
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Android", "Android"),
    (r"CrOS", "ChromeOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Linux", "Linux"),
]


@dataclass(frozen=True)
class Device:
    """One signed-in login as the Account page lists it: its browser, address and when it was seen."""

    id: str
    browser: str
    address: str
    last_seen: datetime
    signed_in: datetime
    this_device: bool


def browser_label(user_agent: str) -> str:
    """'Chrome on Android' from a User-Agent header ('Unknown browser' when it says nothing we know)."""
    user_agent = user_agent or ""
    browser = next((name for pattern, name in BROWSERS if re.search(pattern, user_agent)), None)
    system = next((name for pattern, name in SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "Unknown browser")


def device_id(token: str) -> str:
    """The id a login shows on the page: derived from its token, and no use as one."""
    return hashlib.sha256(b"facereps-device\0" + token.encode()).hexdigest()[:20]


def seen(db, token, user_agent, address, now):
    """Note that the login is in use now (at most once every SEEN_EVERY)."""
    last = store.login_last_seen(db, token)
    if last is None:
        return  # signed out during this request
    if not last or datetime.fromisoformat(last) <= now - SEEN_EVERY:
        store.note_login(db, token, user_agent, address, now)


def devices(db, user, now, max_age) -> list:
    """The user's signed-in devices: this one, then the most recently seen first; times in the user's zone."""
    zone = ZoneInfo(user.time_zone)
    shown = []
    for row in store.logins_of(db, user.id, now - max_age):
        this_device = row.token == user.login_token  # seen right now, by this very request
        last_seen = now if this_device else datetime.fromisoformat(row.last_seen_at or row.created_at)
        shown.append(
            Device(
                device_id(row.token),
                browser_label(row.user_agent),
                row.address,
                last_seen.astimezone(zone),
                datetime.fromisoformat(row.created_at).astimezone(zone),
                this_device,
            )
        )
    return sorted(shown, key=lambda device: not device.this_device)  # this device first, then the latest seen


def sign_out(db, user, wanted_id, now, max_age, address) -> bool:
    """Sign out one of the user's other devices; False when the user has no such device."""
    for row in store.logins_of(db, user.id, now - max_age):
        if (
            hmac.compare_digest(device_id(row.token).encode(), str(wanted_id).encode())
            and row.token != user.login_token
        ) and store.revoke_login(db, user.id, row.token):
            security_log.record(db, "device_signed_out", user.id, address, now, browser=browser_label(row.user_agent))
            return True
    return False
