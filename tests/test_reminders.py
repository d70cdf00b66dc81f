"""Issue 17: push reminders sent by the sender's pass, through a real push service on loopback, judged with
the injectable clock: local times in far zones and across a DST change, nothing for a routine done or a
program paused, once per routine per day even with two senders, the evening and weekly reminders, and
what the sender does when a push service says 404, 410, 429, 5xx or answers too slowly."""

import threading
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from model import reminders
from model.rules import reminders as rules
from model.store import db as database
from tests.conftest import Auth
from tests.support.history import do_session
from tests.support.programs import start
from tests.support.push import push_service
from views import reminders as reminder_views

FAST = {"timeout": 0.5, "attempts": 3, "backoff": 0.01, "max_wait": 0.05}


@pytest.fixture
def app(make_app):
    return make_app(REMINDER_SENDER=FAST)


@pytest.fixture
def service(app):
    with push_service(app) as running:
        yield running


def one_pass(app) -> reminders.Report:
    """One pass of the sender, as `flask reminders run --once` makes it (in this thread)."""
    with app.test_request_context("/"):
        return reminders.run_pass(
            app.config["DATABASE"],
            app.extensions["catalog"],
            app.config["CLOCK"](),
            reminder_views.sender(),
            reminder_views.links(),
        )


def person(app, service, name, time_zone="Europe/Paris", program="face-workout-daily", device="face_workout", **form):
    """A registered user following a program, subscribed on a phone named `name`: their client."""
    client = app.test_client()
    assert Auth(client).register(email=f"{name}@example.com", time_zone=time_zone).status_code == 303
    if program:
        assert start(client, app, program, device, **form).status_code == 303
    response = client.post("/account/reminders/subscriptions", json=service.browser(name).json())
    assert response.status_code == 201
    return client


def at(clock, app, *moment):
    clock.set(*moment)
    return one_pass(app)


# --- the pure rules -----------------------------------------------------------------------------------


def test_two_routines_never_share_a_minute():
    routines = [
        rules.RoutineDay("a", True, 4),
        rules.RoutineDay("b", True, 5),
        rules.RoutineDay("c", True, 3, time="09:00"),
        rules.RoutineDay("d", True, 2, time="08:02"),
    ]
    assert rules.staggered(routines, "08:00") == {"a": "08:00", "b": "08:04", "d": "08:02", "c": "09:00"}


def test_a_time_skipped_by_the_spring_change_comes_an_hour_later_and_a_repeated_one_once():
    spring = rules.moment(date(2026, 3, 29), "02:30", "Europe/Paris", 0)
    assert spring.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    autumn = rules.moment(date(2026, 10, 25), "02:30", "Europe/Paris", 0)
    assert autumn.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30
    # Before the day's start hour: the next calendar date, still the same user day.
    assert rules.moment(date(2026, 11, 24), "01:00", "UTC", 3) == datetime(2026, 11, 25, 1, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("now", "expected"),
    [((7, 59), []), ((8, 0), ["routine"]), ((9, 59), ["routine"]), ((10, 0), []), ((20, 30), ["evening", "weekly"])],
)
def test_a_reminder_is_due_from_its_time_for_two_hours(now, expected):
    zone = ZoneInfo("Europe/Paris")
    found = rules.due_reminders(
        datetime(2026, 11, 29, *now, tzinfo=zone),
        date(2026, 11, 29),
        time_zone="Europe/Paris",
        day_start_hour=3,
        week_start=0,
        default_time="08:00",
        routines=[rules.RoutineDay("r", True, 5)],
        evening="20:00",
        weekly=True,
        checkin_due=True,
    )
    assert [r.kind for r in found] == expected


# --- the sender, through a push service on loopback ------------------------------------------------------


def test_a_due_routine_arrives_at_its_time_signed_encrypted_and_once(app, clock, service):
    person(app, service, "ana", program="microcurrent-60-days", device="microcurrent")
    assert at(clock, app, 2026, 11, 24, 6, 59).sent == 0  # 07:59 in Paris
    report = at(clock, app, 2026, 11, 24, 7, 0)
    assert report.sent == 1
    [message] = service.received
    assert message.payload == {
        "kind": "routine",
        "title": "Microcurrent toning routine",
        "body": "4 min · 1st of 4 this week",
        "url": "/reminders/start/microcurrent-standard",
        "tag": "facereps-routine-microcurrent-standard-2026-11-24",
    }
    assert (message.ttl, message.urgency) == ("14400", "normal")
    assert message.claims["sub"] == "mailto:no-reply@localhost"
    assert at(clock, app, 2026, 11, 24, 7, 1).sent == 0  # once per routine per day
    assert at(clock, app, 2026, 11, 24, 7, 2).sent == 0
    assert len(service.received) == 1


def test_far_zones_get_their_own_eight_oclock(app, clock, service):
    # At noon UTC it is 02:00 on the 25th in Kiritimati (UTC+14; still the 24th with a 03:00 day start)
    # and 08:30 on the 24th in St John's (UTC-3:30).
    person(app, service, "kiri", time_zone="Pacific/Kiritimati")
    person(app, service, "john", time_zone="America/St_Johns")
    assert at(clock, app, 2026, 11, 24, 11, 29).sent == 0
    assert at(clock, app, 2026, 11, 24, 11, 30).sent == 1  # 08:00 in St John's
    assert [m["tag"] for m in service.delivered("john")] == ["facereps-routine-face-workout-5min-2026-11-24"]
    assert at(clock, app, 2026, 11, 24, 17, 59).sent == 0
    assert at(clock, app, 2026, 11, 24, 18, 0).sent == 1  # 08:00 on the 25th in Kiritimati
    assert [m["tag"] for m in service.delivered("kiri")] == ["facereps-routine-face-workout-5min-2026-11-25"]
    assert service.delivered("kiri")[0]["body"] == "5 min · 1st of 6 this week"  # the 24th was missed


def test_the_autumn_clock_change_keeps_eight_oclock_local(app, clock, service):
    clock.set(2026, 10, 20, 12, 0)
    person(app, service, "ana", start_day="2026-10-20")
    assert at(clock, app, 2026, 10, 24, 6, 0).sent == 1  # 08:00 CEST
    assert at(clock, app, 2026, 10, 25, 6, 0).sent == 0  # 07:00 CET: the clocks went back at 03:00
    assert at(clock, app, 2026, 10, 25, 7, 0).sent == 1  # 08:00 CET
    assert [m["tag"][-10:] for m in service.delivered()] == ["2026-10-24", "2026-10-25"]


def test_a_routine_done_before_its_time_sends_nothing(app, clock, service):
    ana = person(app, service, "ana")
    clock.set(2026, 11, 24, 6, 30)  # 07:30 in Paris
    do_session(ana, "2026-11-24")
    assert at(clock, app, 2026, 11, 24, 7, 0).sent == 0
    assert service.received == []


def test_a_paused_program_sends_nothing(app, clock, service):
    ana = person(app, service, "ana")
    response = ana.post("/enrollments/1/pause", data={"first_day": "2026-11-24", "last_day": "2026-11-30"})
    assert response.status_code == 303
    assert at(clock, app, 2026, 11, 24, 7, 0).sent == 0
    assert service.received == []


def test_two_senders_at_once_send_one_reminder(app, clock, service):
    for name in ("ana", "bea", "cleo"):
        person(app, service, name)
    clock.set(2026, 11, 24, 7, 0)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(one_pass(app))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(report.sent for report in reports) == 3
    assert sorted(r.name for r in service.received) == ["ana", "bea", "cleo"]


def test_the_evening_reminder_comes_when_a_routine_is_still_not_done(app, clock, service):
    ana = person(app, service, "ana")
    bea = person(app, service, "bea")
    for client in (ana, bea):
        form = {"on_face-workout-5min": "on", "evening": "on", "evening_time": "20:00"}
        assert client.post("/account/reminders/settings", data=form).status_code == 303
    assert at(clock, app, 2026, 11, 24, 7, 0).sent == 2
    clock.set(2026, 11, 24, 12, 0)
    do_session(bea, "2026-11-24")
    assert at(clock, app, 2026, 11, 24, 18, 59).sent == 0
    assert at(clock, app, 2026, 11, 24, 19, 0).sent == 1  # 20:00 in Paris, for Ana only
    evening = service.delivered("ana")[-1]
    assert evening["title"] == "Still to do today: 5-minute face workout"
    assert evening["kind"] == "evening" and evening["url"] == "/reminders/start/face-workout-5min"
    assert len(service.delivered("bea")) == 1


def test_the_weekly_check_in_reminder_comes_on_the_last_day_of_the_week(app, clock, service):
    ana = person(app, service, "ana")
    bea = person(app, service, "bea")
    form = {"firmness": "3", "fine_lines": "3", "glow": "3", "note": ""}
    assert bea.post("/progress/weeks/2026-11-23/checkin", data=form).status_code == 303
    assert ana.post("/account/reminders/settings", data={"weekly": "on"}).status_code == 303
    assert at(clock, app, 2026, 11, 28, 19, 0).sent == 0  # Saturday
    assert at(clock, app, 2026, 11, 29, 19, 0).sent == 1  # Sunday 20:00: Ana has not checked in
    [weekly] = service.delivered("ana")
    assert weekly["title"] == "Your weekly check-in"
    assert weekly["url"] == "/progress/weeks/2026-11-23#checkin-title"


def test_a_subscription_the_push_service_no_longer_knows_is_deleted(app, clock, service, db):
    person(app, service, "ana")
    person(app, service, "bea")
    person(app, service, "cleo")
    service.answers = {"ana": [410], "bea": [404]}
    report = at(clock, app, 2026, 11, 24, 7, 0)
    assert (report.sent, report.gone) == (1, 2)
    endpoints = [row[0] for row in db.execute("SELECT endpoint FROM push_subscriptions")]
    assert endpoints == [service.browsers["cleo"].endpoint]


def test_too_many_requests_and_server_errors_are_tried_again(app, clock, service, db):
    person(app, service, "ana")
    person(app, service, "bea")
    service.answers = {"ana": [429, 503], "bea": [503, 503, 503]}
    report = at(clock, app, 2026, 11, 24, 7, 0)
    assert (report.sent, report.failed) == (1, 1)
    assert [r.status for r in service.received if r.name == "ana"] == [429, 503, 201]
    # Bea's push service failed every attempt: the claim is given back and the next pass sends it.
    assert at(clock, app, 2026, 11, 24, 7, 1).sent == 1
    assert len(service.delivered("bea")) == 1 and len(service.delivered("ana")) == 1


def test_a_slow_push_service_does_not_hold_up_anyone_else(app, clock, service):
    for name in ("slow", "ana", "bea"):
        person(app, service, name)
    service.delays = {"slow": 3}
    clock.set(2026, 11, 24, 7, 0)
    began = time.monotonic()
    report = one_pass(app)
    took = time.monotonic() - began
    assert (report.sent, report.failed) == (2, 1)
    assert took < 2.5  # 3 attempts of 0.5 s and short waits, not the service's 3 s (or 9 s)
    quick = [r.at - began for r in service.received if r.name in ("ana", "bea")]
    assert len(quick) == 2 and max(quick) < 0.5


def test_the_cli_runs_one_pass(app, clock, service):
    person(app, service, "ana")
    clock.set(2026, 11, 24, 7, 0)
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output and len(service.delivered("ana")) == 1


def test_the_vapid_keys_are_made_once_and_kept_private(tmp_path):
    path = tmp_path / "keys" / ".vapid_private_key.pem"
    first = reminders.load_keys(None, path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert reminders.load_keys(None, path).public == first.public
    assert len(reminders.__dict__["_unb64"](first.public)) == 65


def test_vapid_keys_from_the_environment(tmp_path):
    made = reminders.load_keys(None, tmp_path / "k.pem")
    raw = made.vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    from_env = reminders.load_keys(reminders._b64(raw), tmp_path / "unused.pem")
    assert from_env.public == made.public and not (tmp_path / "unused.pem").exists()
    pem = (tmp_path / "k.pem").read_text()
    assert reminders.load_keys(pem, tmp_path / "unused.pem").public == made.public


def test_claims_are_keyed_by_user_routine_day_and_kind(app, db):
    conn = database.connect(app.config["DATABASE"])
    try:
        key = (1, "r", date(2026, 11, 24), "routine")
        now = datetime(2026, 11, 24, 7, tzinfo=UTC)
        Auth(app.test_client()).register()
        from model.store import push

        assert push.claim_reminder(conn, *key, now) is True
        assert push.claim_reminder(conn, *key, now) is False
        assert push.claim_reminder(conn, 1, "r", date(2026, 11, 24), "evening", now) is True
    finally:
        conn.close()


def test_a_refusal_like_a_wrong_key_is_not_tried_again(app, clock, service, db):
    person(app, service, "ana")
    service.answers = {"ana": [403, 403]}
    report = at(clock, app, 2026, 11, 24, 7, 0)
    assert (report.sent, report.failed) == (0, 1)
    assert at(clock, app, 2026, 11, 24, 7, 1).sent == 0  # the claim stands: no message every minute
    assert [r.status for r in service.received] == [403]
    assert db.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0] == 1
