"""Reminders by Web Push: the VAPID keys, browsers' subscriptions, the settings, and the sender's pass.

Which reminders are due comes from Today's own judgement of the day (today.build_day) and the pure
rules in rules/reminders.py; each is claimed once in the store before it is sent, so several senders
at once send it once. Sends go out from a small pool of threads, each with a timeout, so a slow or
dead push service holds up only its own messages.
"""

import base64
import contextlib
import ipaddress
import json
import logging
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from model import store, wording
from model import today as days
from model.catalog import own as own_catalog
from model.context import Context
from model.identity.accounts import REMINDER_TIME
from model.identity.logins import browser_label
from model.refusals import INVALID, NotFound, Refused
from model.rules import reminders as rules
from model.rules.schedule import local_day, week_start_of
from model.store import db as database
from model.store import push

log = logging.getLogger("facereps.reminders")

MAX_SUBSCRIPTION_BYTES = 4096  # a PushSubscription's JSON is a few hundred bytes
MAX_ENDPOINT = 2048
TTL = 4 * 60 * 60  # a reminder still worth showing when a phone comes back within 4 hours
LOOPBACK_NAMES = {"localhost"}
BASE64URL = re.compile(r"[A-Za-z0-9_-]{1,200}={0,2}")


# --- VAPID keys -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    """The VAPID key pair: the signer, and the public key as the browser's applicationServerKey."""

    vapid: Vapid02
    public: str  # base64url of the uncompressed P-256 point (65 bytes)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_keys(private_key: str | None, key_file: Path) -> Keys:
    """The key pair from `private_key` (base64url of the raw 32-byte key or of its DER, as `vapid --gen`
    prints; or PEM), or else from `key_file`, made on first use (readable by this user only)."""
    if private_key:
        text = private_key.strip()
        vapid = Vapid02.from_pem(text.encode()) if text.startswith("-----") else Vapid02.from_string(text)
    else:
        if not key_file.exists():
            key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            made = Vapid02()
            made.generate_keys()
            try:
                with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
                    file.write(made.private_pem())
            except FileExistsError:
                pass  # another process made it first: use that one
        key_file.chmod(0o600)
        vapid = Vapid02.from_file(str(key_file))
    point = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return Keys(vapid, _b64(point))


# --- subscriptions ----------------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_subscription(raw: bytes, allow_loopback_http: bool) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from PushSubscription.toJSON(); Refused (422) for anything else."""

    def bad(why: str) -> Refused:
        return Refused(f"This browser's push subscription cannot be used: {why}.", "subscription", kind=INVALID)

    if len(raw) > MAX_SUBSCRIPTION_BYTES:
        raise bad("it is far larger than a subscription")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad("it is not JSON") from None
    keys = data.get("keys") if isinstance(data, dict) else None
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise bad("it needs an endpoint and keys")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if len(endpoint) > MAX_ENDPOINT or not endpoint.isascii() or any(ord(c) < 33 for c in endpoint):
        raise bad("its endpoint is not a URL")
    parts = urlsplit(endpoint)
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 (a malformed port raises)
    except ValueError:
        raise bad("its endpoint is not a URL") from None
    if not host or parts.username or parts.password:
        raise bad("its endpoint is not a URL")
    if parts.scheme != "https" and not (parts.scheme == "http" and allow_loopback_http and _loopback(host)):
        raise bad("its endpoint must be an https URL")
    if not all(isinstance(key, str) and BASE64URL.fullmatch(key) for key in (p256dh, auth)):
        raise bad("its keys are not base64url")
    if len(_unb64(str(p256dh))) != 65 or _unb64(str(p256dh))[0] != 4:
        raise bad("its p256dh key is not a P-256 public key")
    if len(_unb64(str(auth))) != 16:
        raise bad("its auth secret is not 16 bytes")
    return endpoint, str(p256dh), str(auth)


def subscribe(db, user, raw: bytes, user_agent: str, now: datetime, allow_loopback_http: bool) -> int:
    """Keep this browser's subscription for the user (422 and nothing stored when it is malformed)."""
    endpoint, p256dh, auth = read_subscription(raw, allow_loopback_http)
    return push.save_subscription(db, user.id, endpoint, p256dh, auth, browser_label(user_agent), now)


def remove(db, user, subscription_id: int) -> None:
    """Remove one of the user's subscribed browsers (NotFound: not one of theirs)."""
    if not push.delete_subscription_of(db, user.id, subscription_id):
        raise NotFound("No such device.")


# --- settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutineSetting:
    """A routine the user follows, with its reminder: on or off, at its own time or the day's."""

    routine_id: str
    name: str
    enabled: bool
    time: str | None


@dataclass(frozen=True)
class Device:
    """A subscribed browser as the page lists it (times in the user's zone)."""

    id: int
    browser: str
    added: datetime
    last_sent: datetime | None


@dataclass(frozen=True)
class Overview:
    """What the Reminders section shows."""

    devices: list
    routines: list
    evening: str | None
    weekly: bool
    default_time: str


def _followed(ctx: Context) -> list:
    """The routines of the user's current programs, once each, in their order."""
    found: dict = {}
    for enrollment in store.enrollments_of(ctx.db, ctx.user.id):
        program = ctx.catalog.programs.get(enrollment.program_id)
        if program is None or (enrollment.stopped_on and enrollment.stopped_on <= ctx.today):
            continue
        routine = ctx.catalog.routine_of(program)
        found.setdefault(routine.id, routine)
    return list(found.values())


def overview(ctx: Context) -> Overview:
    """The user's subscribed browsers and reminder settings."""
    settings = push.reminder_settings(ctx.db, ctx.user.id)
    routines = [RoutineSetting(r.id, r.name, *settings.routines.get(r.id, (True, None))) for r in _followed(ctx)]
    zone = ZoneInfo(ctx.user.time_zone)
    devices = [
        Device(
            s.id,
            s.browser,
            datetime.fromisoformat(s.created_at).astimezone(zone),
            datetime.fromisoformat(s.last_sent_at).astimezone(zone) if s.last_sent_at else None,
        )
        for s in push.subscriptions_of(ctx.db, ctx.user.id)
    ]
    return Overview(devices, routines, settings.evening, settings.weekly, ctx.user.reminder_time)


def save_settings(ctx: Context, form) -> None:
    """Save each routine's reminder (`on_<id>`, `time_<id>`: empty for the day's time) and the evening
    (`evening` on, `evening_time`) and weekly (`weekly`) reminders; Refused names each bad time."""
    problems, routines = {}, {}
    for routine in _followed(ctx):
        raw = (form.get(f"time_{routine.id}") or "").strip()
        if raw and not REMINDER_TIME.fullmatch(raw):
            problems[f"time_{routine.id}"] = "Enter a time like 07:30, or leave it empty for your reminder time."
        routines[routine.id] = (form.get(f"on_{routine.id}") == "on", raw or None)
    evening = (form.get("evening_time") or "").strip()
    if form.get("evening") == "on" and not REMINDER_TIME.fullmatch(evening):
        problems["evening_time"] = "Enter a time like 20:00."
    if problems:
        raise Refused(problems=problems, kind=INVALID)
    push.save_reminder_settings(
        ctx.db, ctx.user.id, routines, evening if form.get("evening") == "on" else None, form.get("weekly") == "on"
    )


def routine_today(ctx: Context, routine_id: str) -> dict:
    """The page a reminder opens: today's card of that routine (NotFound: not in the user's programs)."""
    view = days.build_day(ctx, ctx.today)
    card = next((c for c in view.due + view.other if c.routine.id == routine_id), None)
    if card is None:
        raise NotFound("That routine is not in your programs today.")
    return {"view": view, "card": card, "minutes": minutes_of(card)}


# --- what is due ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A reminder to send: the claim's key, and the notification the service worker shows."""

    user_id: int
    reminder: rules.Reminder
    title: str
    body: str
    url: str

    def payload(self) -> dict:
        """What the service worker shows (it adds the app icon, badge and the Start / Later actions)."""
        reminder = self.reminder
        tag = f"facereps-{reminder.kind}-{reminder.routine_id or 'week'}-{reminder.day.isoformat()}"
        return {"kind": reminder.kind, "title": self.title, "body": self.body, "url": self.url, "tag": tag}


@dataclass(frozen=True)
class Links:
    """The app's addresses a notification opens (views build them: the model knows no URLs)."""

    start: Callable[[str], str]  # routine id → the page that starts or resumes today's session
    checkin: Callable[[date], str]  # a week's first day → its check-in
    today: str


def minutes_of(card) -> int:
    """About how long a routine takes, in whole minutes (at least 1)."""
    return max(1, round(sum(step.seconds for step in card.steps) / 60))


def routine_days(view, settings: push.ReminderSettings) -> list[rules.RoutineDay]:
    """Today's routines (due or done) as the reminder rules read them."""
    return [
        rules.RoutineDay(
            card.routine.id,
            due=card.verdict.state == "due" and not card.complete,
            minutes=minutes_of(card),
            enabled=settings.routines.get(card.routine.id, (True, None))[0],
            time=settings.routines.get(card.routine.id, (True, None))[1],
        )
        for card in view.due
    ]


def due_now(ctx: Context, links: Links) -> list[Message]:
    """The user's reminders due at ctx.now, with their words; judged as Today judges the day."""
    db, user = ctx.db, ctx.user
    settings = push.reminder_settings(db, user.id)
    view = days.build_day(ctx, ctx.today, lookahead=False)
    week = week_start_of(ctx.today, user.week_start)
    follows = bool(view.due or view.other)
    found = rules.due_reminders(
        ctx.now,
        ctx.today,
        time_zone=user.time_zone,
        day_start_hour=user.day_start_hour,
        week_start=user.week_start,
        default_time=user.reminder_time,
        routines=routine_days(view, settings),
        evening=settings.evening,
        weekly=settings.weekly and follows,
        checkin_due=follows and not store.checkins_between(db, user.id, week, week),
    )
    cards = {card.routine.id: card for card in view.due}
    messages = []
    for reminder in found:
        if reminder.kind == "weekly":
            body = "How did this week go? Rate it and add a note in a minute."
            messages.append(Message(user.id, reminder, "Your weekly check-in", body, links.checkin(week)))
            continue
        card = cards[reminder.routine_id]
        body = f"{minutes_of(card)} min · {wording.verdict_reason(card.verdict)}"
        title = card.routine.name if reminder.kind == "routine" else f"Still to do today: {card.routine.name}"
        messages.append(Message(user.id, reminder, title, body, links.start(reminder.routine_id)))
    return messages


# --- sending ----------------------------------------------------------------------------------------


@dataclass
class Sender:
    """How messages go out: the keys, the VAPID subject (a mailto: or https: address), timeouts, retries
    and the pool's size."""

    keys: Keys
    subject: str
    timeout: float = 5.0  # seconds for each request (to connect, and to read the answer)
    attempts: int = 3  # 429 and 5xx are tried this many times in all
    backoff: float = 1.0  # seconds before the 2nd attempt, doubling; a Retry-After is followed up to MAX_WAIT
    max_wait: float = 10.0
    workers: int = 8
    sleep: Callable[[float], None] = field(default=time.sleep)


GONE = "gone"
SENT = "sent"
FAILED = "failed"  # still 429, 5xx or no answer after every attempt: a later pass may try again
REFUSED = "refused"


def _wait_for(error: WebPushException, sender: Sender, attempt: int) -> float:
    """Seconds before the next attempt: the push service's Retry-After (in seconds), or the backoff."""
    wait = sender.backoff * 2**attempt
    with contextlib.suppress(ValueError):  # an HTTP date: push services send seconds; keep the backoff
        wait = float(error.retry_after or wait)
    return min(max(0.0, wait), sender.max_wait)


def send_one(sender: Sender, subscription: push.Subscription, payload: dict, attempts: int | None = None) -> str:
    """Send one message to one browser: SENT, GONE (the push service no longer knows it), FAILED or REFUSED."""
    data = json.dumps(payload)
    tries = attempts or sender.attempts
    for attempt in range(tries):
        try:
            webpush(
                subscription.info(),
                data,
                vapid_private_key=sender.keys.vapid,
                vapid_claims={"sub": sender.subject},  # a new dict each time: pywebpush writes `aud` into it
                ttl=TTL,
                headers={"Urgency": "normal"},
                timeout=sender.timeout,
            )
            return SENT
        except WebPushException as error:
            status = error.status_code or 0
            if status in (404, 410):
                return GONE
            if not (status == 429 or status >= 500):
                log.warning("push to subscription %s refused: %s", subscription.id, status)
                return REFUSED  # 400, 403 (a key this subscription was not made for), 413: trying again won't help
            if attempt + 1 == tries:
                return FAILED
            sender.sleep(_wait_for(error, sender, attempt))
        except requests.RequestException as error:  # a timeout, a refused connection: try again later
            log.warning("push to subscription %s failed: %s", subscription.id, type(error).__name__)
            if attempt + 1 == tries:
                return FAILED
            sender.sleep(min(sender.backoff * 2**attempt, sender.max_wait))
    return FAILED


@dataclass
class Report:
    """What one pass did."""

    sent: int = 0
    gone: int = 0
    failed: int = 0
    messages: list = field(default_factory=list)


def _deliver(sender: Sender, message: Message, subscriptions: list) -> list[tuple[push.Subscription, str]]:
    payload = message.payload()
    return [(subscription, send_one(sender, subscription, payload)) for subscription in subscriptions]


def run_pass(database_path, base_catalog, now: datetime, sender: Sender, links: Links) -> Report:
    """One pass: every subscribed user's reminders due at `now`, each claimed then sent once.

    Claims and the day's judgement run here, one user after another (milliseconds each); the sends run
    in the pool, every user's message its own job, so one slow push service delays no one else's.
    """
    db = database.connect(database_path)
    report = Report()
    try:
        jobs = []
        for user_id in push.subscribed_users(db):
            user = store.user_by_id(db, user_id)
            if user is None:
                continue
            ctx = Context(
                db,
                own_catalog.with_own(db, base_catalog, user),
                user,
                local_day(now, user.time_zone, user.day_start_hour),
                now,
            )
            for message in due_now(ctx, links):
                reminder = message.reminder
                if push.claim_reminder(db, user.id, reminder.routine_id, reminder.day, reminder.kind, now):
                    jobs.append((message, push.subscriptions_of(db, user.id)))
        with ThreadPoolExecutor(max_workers=sender.workers, thread_name_prefix="push") as pool:
            futures = [(message, pool.submit(_deliver, sender, message, subs)) for message, subs in jobs]
            for message, future in futures:
                outcomes = future.result()
                _settle(db, message, outcomes, now, report)
        push.prune_claims(db, now.date() - timedelta(days=3))
    finally:
        db.close()
    return report


def _settle(db, message: Message, outcomes, now: datetime, report: Report) -> None:
    """Forget browsers that are gone; a message no browser took is unclaimed, so the next pass tries again."""
    for subscription, outcome in outcomes:
        if outcome == GONE:
            push.delete_subscription(db, subscription.id)
            report.gone += 1
        elif outcome == SENT:
            push.note_sent(db, subscription.id, now)
            report.sent += 1
        else:  # FAILED or REFUSED
            report.failed += 1
    if any(outcome == FAILED for _, outcome in outcomes) and not any(outcome == SENT for _, outcome in outcomes):
        reminder = message.reminder
        push.release_claim(db, message.user_id, reminder.routine_id, reminder.day, reminder.kind)
    report.messages.append(message)


def send_test(db, user, sender: Sender, url: str, now: datetime) -> tuple[int, int]:
    """A test message to each of the user's browsers, one attempt each: (sent, not sent)."""
    subscriptions = push.subscriptions_of(db, user.id)
    payload = {
        "kind": "test",
        "title": "FaceReps reminders work",
        "body": "This is how a reminder looks on this device.",
        "url": url,
        "tag": "facereps-test",
    }
    with ThreadPoolExecutor(max_workers=min(sender.workers, max(1, len(subscriptions)))) as pool:
        outcomes = list(pool.map(lambda s: (s, send_one(sender, s, payload, attempts=1)), subscriptions))
    sent = 0
    for subscription, outcome in outcomes:
        if outcome == GONE:
            push.delete_subscription(db, subscription.id)
        elif outcome == SENT:
            push.note_sent(db, subscription.id, now)
            sent += 1
    return sent, len(outcomes) - sent
