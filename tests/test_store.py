"""The store on its own: what a write keeps is what a read gives back, whole rows and dataclasses at a time."""

import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from model import store
from model.store import db as database
from model.store import migrations, push
from model.store._sql import json_array, one, rows, stamp, value

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
NOW_STAMP = "2026-11-24T12:00:00+00:00"
DAY = date(2026, 11, 24)


def new_user(db, email="ana@example.com", now=NOW):
    return store.create_user(db, email, "hash", "Europe/Paris", now)


def table(db, sql, params=()):
    """The query's rows as plain dicts (the store's rows are sqlite3.Row: read by name, not equal to dicts)."""
    return [dict(row) for row in rows(db, sql, params)]


def fresh_database(path):
    conn = database.connect(path)
    migrations.upgrade(conn)
    return conn


# --- the shared helpers -----------------------------------------------------------------------


def test_a_moment_is_kept_to_the_second_with_its_offset():
    assert stamp(datetime(2026, 11, 24, 12, 0, 7, 999_999, tzinfo=UTC)) == "2026-11-24T12:00:07+00:00"


def test_rows_are_read_by_column_name(db):
    user_id = new_user(db)
    (row,) = rows(db, "SELECT id, email AS address FROM users")
    assert (row["id"], row["address"], dict(row)) == (
        user_id,
        "ana@example.com",
        {"id": user_id, "address": "ana@example.com"},
    )
    assert dict(one(db, "SELECT id, email FROM users WHERE id = ?", [user_id])) == {
        "id": user_id,
        "email": "ana@example.com",
    }
    assert one(db, "SELECT id FROM users WHERE id = ?", [user_id + 1]) is None
    assert value(db, "SELECT count(*) FROM users") == 1
    assert value(db, "SELECT id FROM users WHERE id = ?", [user_id + 1]) is None
    with pytest.raises(ValueError, match="too many values"):
        value(db, "SELECT id, email FROM users")


def test_a_list_is_bound_as_one_json_array(db):
    first, second, third = (new_user(db, f"{name}@example.com") for name in ("ana", "bo", "cy"))
    in_list = "SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"
    assert table(db, in_list, [json_array([third, first])]) == [{"id": first}, {"id": third}]
    assert table(db, in_list, [json_array([])]) == []
    assert table(db, in_list, [json_array(iter([second]))]) == [{"id": second}]


# --- users ------------------------------------------------------------------------------------


def test_a_user_reads_back_whole_by_id_email_and_calendar_token(db):
    user_id = new_user(db)
    expected = store.User(
        id=user_id,
        email="ana@example.com",
        password_hash="hash",
        time_zone="Europe/Paris",
        day_start_hour=3,
        week_start=0,
        created_at=NOW_STAMP,
        cue_beep=True,
        cue_vibrate=True,
        cue_voice=False,
        auto_advance=True,
        calendar_token=None,
        reminder_time="08:00",
        login_token=None,
        has_own=None,
    )
    assert store.user_by_id(db, user_id) == expected
    assert store.user_by_email(db, "ANA@example.com") == expected  # the email column is case-insensitive

    store.update_settings(db, user_id, "America/New_York", 5, 6)
    store.update_cues(db, user_id, beep=False, vibrate=False, voice=True, auto_advance=False)
    store.set_reminder_time(db, user_id, "19:30")
    store.set_calendar_token(db, user_id, "feed-token")
    store.rehash_password(db, user_id, "new-hash")
    changed = store.User(
        id=user_id,
        email="ana@example.com",
        password_hash="new-hash",
        time_zone="America/New_York",
        day_start_hour=5,
        week_start=6,
        created_at=NOW_STAMP,
        cue_beep=False,
        cue_vibrate=False,
        cue_voice=True,
        auto_advance=False,
        calendar_token="feed-token",
        reminder_time="19:30",
        voice_asked=True,  # saving the cues answers the player's "Speak each step?"
    )
    assert store.user_by_id(db, user_id) == changed
    assert store.user_by_calendar_token(db, "feed-token") == changed
    assert store.user_by_calendar_token(db, "other") is None
    assert store.user_by_email(db, "bo@example.com") is None


def test_a_known_email_is_refused_and_nothing_is_written(db):
    new_user(db)
    with pytest.raises(store.EmailTaken):
        new_user(db, "Ana@Example.com")
    assert table(db, "SELECT email FROM users") == [{"email": "ana@example.com"}]


def test_a_login_names_its_user_with_the_token_and_whether_they_made_their_own(db):
    user_id = new_user(db)
    token = store.create_login(db, user_id, NOW)
    signed_in = store.user_for_login(db, token, NOW - timedelta(days=30))
    assert signed_in == store.User(
        id=user_id,
        email="ana@example.com",
        password_hash="hash",
        time_zone="Europe/Paris",
        day_start_hour=3,
        week_start=0,
        created_at=NOW_STAMP,
        login_token=token,
        has_own=False,
    )
    # What flask-login asks of it (it duck-types users: the store has no flask-login of its own).
    assert (signed_in.is_authenticated, signed_in.is_active, signed_in.is_anonymous) == (True, True, False)
    assert signed_in.get_id() == token

    store.create_routine(db, user_id, store.OwnRoutine("my-r", "roller", "", None, "Mine", 1, []), NOW)
    assert store.user_for_login(db, token, NOW - timedelta(days=30)).has_own is True
    assert store.user_for_login(db, token, NOW + timedelta(seconds=1)) is None  # started too long ago
    store.delete_login(db, token)
    assert store.user_for_login(db, token, NOW - timedelta(days=30)) is None


def test_the_store_does_not_import_flask_login():
    code = "import sys, model.store; print(sorted(m for m in sys.modules if m.startswith(('flask', 'werkzeug'))))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_logins_read_back_whole_and_a_password_change_keeps_only_this_one(db):
    user_id = new_user(db)
    old = store.create_login(db, user_id, NOW - timedelta(hours=2))
    this = store.create_login(db, user_id, NOW - timedelta(hours=1))
    store.note_login(db, old, "Firefox " + "x" * 500, "192.0.2.1", NOW)
    assert store.logins_of(db, user_id, NOW - timedelta(days=1)) == [
        store.LoginRow(
            token=old,
            created_at="2026-11-24T10:00:00+00:00",
            last_seen_at=NOW_STAMP,
            user_agent=("Firefox " + "x" * 500)[:400],
            address="192.0.2.1",
        ),
        store.LoginRow(
            token=this, created_at="2026-11-24T11:00:00+00:00", last_seen_at=None, user_agent="", address=""
        ),
    ]
    assert (store.login_last_seen(db, old), store.login_last_seen(db, this), store.login_last_seen(db, "x")) == (
        NOW_STAMP,
        "",
        None,
    )
    store.set_password(db, user_id, "new-hash", keep_token=this)
    assert [login.token for login in store.logins_of(db, user_id, NOW - timedelta(days=1))] == [this]
    assert store.revoke_login(db, user_id, this) is True
    assert store.revoke_login(db, user_id, this) is False


def test_a_deleted_user_leaves_no_row(db):
    user_id = new_user(db)
    store.create_login(db, user_id, NOW)
    store.add_security_event(db, user_id, "sign_in", "192.0.2.1", NOW, {}, NOW - timedelta(days=90))
    assert store.count_rows_of_user(db, user_id) == 3
    store.delete_user(db, user_id)
    assert store.count_rows_of_user(db, user_id) == 0
    assert store.ping(db) >= 1


# --- enrollments, pauses, screenings and plan versions ------------------------------------------


def test_an_enrollment_reads_back_with_its_pauses_versions_and_screening(db):
    user_id = new_user(db)
    options = {"needle_mm": 0.25, "areas": ["cheeks"]}
    screening = ("microneedle", 2, {"pregnant": "no", "acne": "no"}, True, date(2026, 11, 20))
    enrollment_id = store.start_enrollment(db, user_id, "needling-weekly", date(2026, 11, 23), options, screening, NOW)
    assert store.start_enrollment(db, user_id, "needling-weekly", DAY, {}, screening, NOW) is None  # one at a time

    holiday = store.add_pause(db, user_id, enrollment_id, date(2026, 12, 20), date(2026, 12, 27), "holiday")
    sick = store.add_pause(db, user_id, enrollment_id, date(2026, 12, 1), date(2026, 12, 5), "")
    assert store.add_pause(db, user_id, enrollment_id, date(2026, 12, 24), None, "overlaps") is None
    phases = [{"weeks": 4, "per_week": 1}]
    store.add_version(db, user_id, enrollment_id, date(2026, 12, 7), phases, {**options, "needle_mm": 0.5}, NOW)
    store.end_pause(db, user_id, sick, date(2026, 12, 3))

    expected = store.Enrollment(
        id=enrollment_id,
        user_id=user_id,
        program_id="needling-weekly",
        start_day=date(2026, 11, 23),
        options={"needle_mm": 0.5, "areas": ["cheeks"]},
        status="active",
        stopped_on=None,
        pauses=(
            store.Pause(id=sick, first_day=date(2026, 12, 1), last_day=date(2026, 12, 3), reason=""),
            store.Pause(id=holiday, first_day=date(2026, 12, 20), last_day=date(2026, 12, 27), reason="holiday"),
        ),
    )
    assert store.enrollments_of(db, user_id) == [expected]
    assert store.enrollment_of(db, user_id, enrollment_id) == expected
    assert store.enrollment_of(db, user_id + 1, enrollment_id) is None
    assert store.versions_of(db, user_id, [enrollment_id]) == {
        enrollment_id: [
            (date(2026, 11, 23), None, options),
            (date(2026, 12, 7), phases, {**options, "needle_mm": 0.5}),
        ]
    }
    assert store.versions_of(db, user_id, []) == {}
    assert store.latest_screening(db, user_id, "microneedle") == store.Screening(
        id=1,
        device_id="microneedle",
        questions_version=2,
        answers={"pregnant": "no", "acne": "no"},
        clinician_confirmed=True,
        answered_on=date(2026, 11, 20),
    )
    assert store.latest_screening(db, user_id, "roller") is None
    # JSON text is written with sorted keys, whoever writes it.
    assert table(db, "SELECT options, created_at FROM enrollments") == [
        {"options": '{"areas": ["cheeks"], "needle_mm": 0.5}', "created_at": NOW_STAMP}
    ]

    store.stop_enrollment(db, user_id, enrollment_id, date(2026, 12, 10))
    stopped = store.enrollments_of(db, user_id, status="stopped")
    assert stopped == [replace(expected, status="stopped", stopped_on=date(2026, 12, 10))]
    assert store.enrollments_of(db, user_id, status="active") == []


def test_pauses_and_versions_of_several_enrollments_go_each_to_its_own(db):
    user_id = new_user(db)
    screening = ("roller", 1, {}, False, DAY)
    first = store.start_enrollment(db, user_id, "a", DAY, {}, screening, NOW)
    second = store.start_enrollment(db, user_id, "b", DAY + timedelta(days=1), {"x": 1}, screening, NOW)
    pause = store.add_pause(db, user_id, second, DAY + timedelta(days=3), None, "away")
    assert [enrollment.pauses for enrollment in store.enrollments_of(db, user_id)] == [
        (),
        (store.Pause(id=pause, first_day=DAY + timedelta(days=3), last_day=None, reason="away"),),
    ]
    assert store.versions_of(db, user_id, (second, first)) == {
        first: [(DAY, None, {})],
        second: [(DAY + timedelta(days=1), None, {"x": 1})],
    }


# --- sessions and ticks -----------------------------------------------------------------------


def test_ticks_add_up_to_a_session(db):
    user_id = new_user(db)
    steps = ["a", "b", "c"]
    state = store.set_tick(db, user_id, DAY, "face", "none", "a", True, steps, NOW)
    assert state == store.SessionState("face", "none", 1, 3, "open", None, frozenset({"a"}))
    store.set_tick(db, user_id, DAY, "face", "none", "b", True, steps, NOW)
    done = store.set_tick(db, user_id, DAY, "face", "none", "c", True, steps, NOW + timedelta(minutes=5))
    assert done == store.SessionState("face", "none", 3, 3, "done", None, frozenset(steps))
    assert store.set_tick(db, user_id, DAY, "face", "none", "x", True, steps, NOW).steps_done == 3  # not counted

    assert store.sessions_on(db, user_id, DAY) == {"face": store.SessionState("face", "none", 3, 3, "done")}
    assert store.ticks_on(db, user_id, DAY) == {("face", "a"), ("face", "b"), ("face", "c"), ("face", "x")}
    assert table(db, "SELECT * FROM ticks WHERE step_id = 'c'") == [
        {
            "user_id": user_id,
            "day": "2026-11-24",
            "routine_id": "face",
            "step_id": "c",
            "ticked_at": "2026-11-24T12:05:00+00:00",
        }
    ]
    assert store.done_days(db, user_id, DAY - timedelta(days=7), DAY) == ({"face": [DAY]}, {"none": [DAY]})
    assert store.sessions_between(db, user_id, DAY, DAY) == {DAY: 1}

    for step in steps:
        store.set_tick(db, user_id, DAY, "face", "none", step, False, steps, NOW)
    assert store.sessions_on(db, user_id, DAY) == {}  # no tick left and never started in the player: gone


def test_a_replayed_request_changes_nothing(db):
    user_id = new_user(db)
    first = store.set_tick(db, user_id, DAY, "face", "none", "a", True, ["a", "b"], NOW, client_id="phone-1")
    again = store.set_tick(db, user_id, DAY, "face", "none", "a", False, ["a", "b"], NOW, client_id="phone-1")
    assert first == again == store.SessionState("face", "none", 1, 2, "open", None, frozenset({"a"}))


def test_a_guided_session_reads_back_whole(db):
    user_id = new_user(db)
    steps = [{"id": "a", "title": "A", "seconds": 30}, {"id": "b", "title": "B", "seconds": 20}]
    session_id = store.start_guided(db, user_id, DAY, "face", "roller", steps, NOW)
    assert store.start_guided(db, user_id, DAY, "face", "roller", steps, NOW + timedelta(minutes=1)) == session_id
    started = store.Guided(
        id=session_id,
        user_id=user_id,
        day=DAY,
        routine_id="face",
        device_id="roller",
        steps=tuple(steps),
        current_step="a",
        skipped=(),
        done=frozenset(),
        started_at=NOW_STAMP,
        finished_at=None,
    )
    assert store.guided_session(db, user_id, session_id) == started
    assert store.guided_session(db, user_id + 1, session_id) is None

    store.record_step(db, started, "a", "skipped", "b", NOW)
    skipped = store.guided_session(db, user_id, session_id)
    assert skipped == replace(started, current_step="b", skipped=("a",))
    store.record_step(db, skipped, "b", "done", None, NOW)
    store.finish_guided(db, store.guided_session(db, user_id, session_id), NOW + timedelta(minutes=2))
    assert store.guided_session(db, user_id, session_id) == replace(
        started, current_step=None, skipped=("a",), done=frozenset({"b"}), finished_at="2026-11-24T12:02:00+00:00"
    )
    assert store.sessions_on(db, user_id, DAY) == {"face": store.SessionState("face", "roller", 1, 2, "done")}
    assert store.session_started(db, user_id, DAY, "face") is True
    assert store.device_uses(db, user_id, DAY, DAY) == [(DAY, "face", "roller", True)]


def test_gates_and_tool_changes_are_kept_once(db):
    user_id = new_user(db)
    store.check_gate(db, user_id, "peel", "patch-test", DAY)
    store.check_gate(db, user_id, "peel", "patch-test", DAY + timedelta(days=1))  # the first day stays
    assert store.gate_checks(db, user_id) == {("peel", "patch-test"): DAY}
    store.change_tool(db, user_id, "roller", DAY)
    store.change_tool(db, user_id, "roller", DAY)  # twice a day: one row (plain INSERT OR IGNORE)
    assert table(db, "SELECT * FROM tool_changes") == [{"user_id": user_id, "device_id": "roller", "day": "2026-11-24"}]
    store.set_tick(db, user_id, DAY, "rolling", "roller", "a", True, ["a"], NOW)
    assert store.tool_uses_since_change(db, user_id, "roller", DAY + timedelta(days=1)) == 1
    assert store.tool_uses_since_change(db, user_id, "roller", DAY) == 0


# --- own routines and plans -------------------------------------------------------------------


def test_a_routine_and_its_plan_read_back_whole(db):
    user_id = new_user(db)
    steps = [{"id": "s1", "title": "Roll", "seconds": 60}]
    routine = store.OwnRoutine("my-roll", "roller", "", "catalog-roll", "My roll", 1, steps)
    store.create_routine(db, user_id, routine, NOW)
    assert store.own_routines(db, user_id) == [routine]
    assert store.routine_version_steps(db, user_id, "my-roll", 1) == steps
    assert store.routine_version_steps(db, user_id, "my-roll", 2) is None

    # A version no session ran is replaced; one a session ran is kept and the edit becomes version 2.
    longer = [*steps, {"id": "s2", "title": "Press", "seconds": 30}]
    replaced = store.OwnRoutine("my-roll", "roller", "", "catalog-roll", "My roll", 1, longer)
    assert store.save_routine(db, user_id, replaced, NOW, expected_steps=steps) == 1
    assert store.save_routine(db, user_id, replaced, NOW, expected_steps=steps) is None  # stale edit
    store.set_tick(db, user_id, DAY, "my-roll", "roller", "s1", True, ["s1", "s2"], NOW, routine_version=1)
    edited = store.OwnRoutine("my-roll", "roller", "", "catalog-roll", "Evening roll", 2, steps)
    assert store.save_routine(db, user_id, edited, NOW) == 2
    assert store.own_routines(db, user_id) == [edited]
    assert store.routine_version_steps(db, user_id, "my-roll", 1) == longer
    store.rename_routine(db, user_id, "my-roll", "Night roll", "", NOW)
    assert store.own_routines(db, user_id) == [replace(edited, name="Night roll")]

    plan = store.OwnPlan("my-plan-roll", "my-roll", "Roll plan", [{"weeks": 2, "per_week": 3}])
    store.create_plan(db, user_id, plan, NOW)
    assert store.own_plans(db, user_id) == [plan]
    assert (store.plan_exists(db, user_id, plan.id), store.has_own(db, user_id)) == (True, True)

    enrollment_id = store.start_enrollment(db, user_id, plan.id, DAY, {}, ("roller", 1, {}, False, DAY), NOW)
    assert store.routine_in_use(db, user_id, [plan.id, "my-plan-other"]) is True
    assert store.routine_in_use(db, user_id, []) is False
    followed = store.enrollment_of(db, user_id, enrollment_id)
    changed = store.OwnPlan(plan.id, "my-roll", "Roll plan, gentler", [{"weeks": 2, "per_week": 2}])
    store.change_plan(db, user_id, changed, followed=(followed, DAY + timedelta(days=7)), now=NOW)
    assert store.own_plans(db, user_id) == [changed]
    assert store.versions_of(db, user_id, [enrollment_id])[enrollment_id][-1] == (
        DAY + timedelta(days=7),
        changed.phases,
        {},
    )

    store.delete_routine(db, user_id, "my-roll", [plan.id])
    assert (store.own_routines(db, user_id), store.own_plans(db, user_id), store.enrollments_of(db, user_id)) == (
        [],
        [],
        [],
    )
    assert store.has_own(db, user_id) is False
    assert store.sessions_on(db, user_id, DAY) == {"my-roll": store.SessionState("my-roll", "roller", 1, 2, "open", 1)}


# --- the security log, passkeys, recovery -------------------------------------------------------


def test_a_security_event_reads_back_whole(db):
    user_id = new_user(db)
    keep_since = NOW - timedelta(days=90)
    store.add_security_event(db, user_id, "sign_in", "192.0.2.1", keep_since - timedelta(days=1), {}, keep_since)
    added = store.add_security_event(db, user_id, "passkey_added", "192.0.2.2", NOW, {"name": "Phone"}, keep_since)
    assert added == store.SecurityEvent(
        id=added.id,
        user_id=user_id,
        event="passkey_added",
        address="192.0.2.2",
        created_at=NOW_STAMP,
        detail={"name": "Phone"},
    )
    assert store.security_events_of(db, user_id) == [added]  # the old one is past the 90 days
    assert table(db, "SELECT id, event FROM security_log") == [{"id": added.id, "event": "passkey_added"}]

    store.delete_user(db, user_id)
    gone = store.add_security_event(db, user_id, "account_deleted", "192.0.2.2", NOW, {}, keep_since)
    assert gone == store.SecurityEvent(
        id=gone.id,
        user_id=None,
        event="account_deleted",
        address="192.0.2.2",
        created_at=NOW_STAMP,
        detail={"former_user_id": user_id},
    )
    assert table(db, "SELECT user_id, detail FROM security_log WHERE id = ?", [gone.id]) == [
        {
            "user_id": None,
            "detail": json.dumps({"former_user_id": user_id}),
        }
    ]


def test_a_passkey_reads_back_whole(db):
    user_id = new_user(db)
    passkey_id = store.add_passkey(
        db, user_id, "cred-1", b"\x01\x02", 0, ["internal", "hybrid"], "handle", "Phone", NOW
    )
    with pytest.raises(store.PasskeyKnown):
        store.add_passkey(db, user_id, "cred-1", b"\x03", 0, [], "handle", "Again", NOW)
    expected = store.Passkey(
        id=passkey_id,
        user_id=user_id,
        credential_id="cred-1",
        public_key=b"\x01\x02",
        sign_count=0,
        transports=["internal", "hybrid"],
        user_handle="handle",
        name="Phone",
        created_at=NOW_STAMP,
        last_used_at=None,
    )
    assert store.passkeys_of(db, user_id) == [expected]
    store.passkey_used(db, passkey_id, 7, NOW + timedelta(hours=1))
    used = replace(expected, sign_count=7, last_used_at="2026-11-24T13:00:00+00:00")
    assert store.passkey_by_credential(db, "cred-1") == used
    assert store.passkey_by_credential(db, "cred-2") is None

    asked = []
    assert store.delete_passkey_if(db, user_id, passkey_id + 1, lambda *args: True) == "missing"
    assert store.delete_passkey_if(db, user_id, passkey_id, lambda *args: asked.append(args)) == "refused"
    assert asked == [(True, 1)]  # (has a password, how many passkeys)
    assert store.delete_passkey_if(db, user_id, passkey_id, lambda *args: True) == "removed"
    assert store.passkeys_of(db, user_id) == []


def test_reset_links_and_recovery_codes_are_used_once(db):
    user_id = new_user(db)
    store.create_login(db, user_id, NOW)
    store.add_password_reset(db, user_id, "link-hash", NOW, NOW + timedelta(hours=1))
    assert store.password_reset_user(db, "link-hash", NOW) == user_id
    assert store.use_password_reset(db, "link-hash", "new-hash", NOW + timedelta(minutes=5)) == user_id
    assert store.use_password_reset(db, "link-hash", "other", NOW) is None
    assert table(db, "SELECT * FROM password_resets") == [
        {
            "token_hash": "link-hash",
            "user_id": user_id,
            "created_at": NOW_STAMP,
            "expires_at": "2026-11-24T13:00:00+00:00",
            "used_at": "2026-11-24T12:05:00+00:00",
        }
    ]
    assert store.user_by_id(db, user_id).password_hash == "new-hash"
    assert store.logins_of(db, user_id, NOW - timedelta(days=1)) == []

    store.replace_recovery_codes(db, user_id, ["c1", "c2", "c3"], NOW)
    assert store.recovery_codes_count(db, user_id) == (3, 3)
    assert store.use_recovery_code(db, user_id, "c2", "hash-2", NOW) == 2
    assert store.use_recovery_code(db, user_id, "c2", "hash-3", NOW) is None
    assert table(db, "SELECT code_hash, created_at, used_at FROM recovery_codes ORDER BY code_hash") == [
        {"code_hash": "c1", "created_at": NOW_STAMP, "used_at": None},
        {"code_hash": "c2", "created_at": NOW_STAMP, "used_at": NOW_STAMP},
        {"code_hash": "c3", "created_at": NOW_STAMP, "used_at": None},
    ]
    store.replace_recovery_codes(db, user_id, [], NOW)
    assert store.recovery_codes_count(db, user_id) == (0, 0)


# --- progress ---------------------------------------------------------------------------------


def test_checkins_and_photos_read_back_whole(db):
    user_id = new_user(db)
    week = date(2026, 11, 23)
    store.save_checkin(db, user_id, week, 3, 4, 2, "first", NOW)
    store.save_checkin(db, user_id, week, 4, 4, 3, "better", NOW)
    assert store.checkins_between(db, user_id, week, week) == [
        store.Checkin(week=week, firmness=4, fine_lines=4, glow=3, note="better")
    ]
    assert store.save_photo(db, user_id, week, "front", "a.jpg", 640, 480, NOW) is None
    assert store.save_photo(db, user_id, week, "front", "b.jpg", 800, 600, NOW) == "a.jpg"  # replaced
    store.save_photo(db, user_id, week + timedelta(days=7), "front", "c.jpg", 800, 600, NOW)
    photos = store.photos_of_week(db, user_id, week)
    assert photos == [store.Photo(id=photos[0].id, week=week, angle="front", filename="b.jpg", width=800, height=600)]
    assert store.photo_of(db, user_id, photos[0].id) == photos[0]
    assert store.photo_of(db, user_id + 1, photos[0].id) is None
    first, latest = store.first_and_latest_photo(db, user_id)
    assert (first, latest.filename) == (photos[0], "c.jpg")
    assert store.first_and_latest_photo(db, user_id, "left") == (None, None)
    assert sorted(store.photo_files_of(db, user_id)) == ["b.jpg", "c.jpg"]


# --- export and import ------------------------------------------------------------------------


def history_of(db, user_id):
    """A bit of everything an export holds."""
    screening = ("roller", 1, {"q": "no"}, False, DAY)
    enrollment_id = store.start_enrollment(db, user_id, "rolling", DAY, {"areas": ["neck"]}, screening, NOW)
    store.add_pause(db, user_id, enrollment_id, DAY + timedelta(days=5), None, "away")
    store.add_version(db, user_id, enrollment_id, DAY + timedelta(days=2), [{"weeks": 1}], {"areas": []}, NOW)
    store.set_tick(db, user_id, DAY, "rolling", "roller", "a", True, ["a", "b"], NOW)
    store.start_guided(db, user_id, DAY, "guided", "roller", [{"id": "g"}], NOW)
    store.check_gate(db, user_id, "peel", "patch-test", DAY)
    store.save_checkin(db, user_id, DAY, 3, 3, 3, "=fine", NOW)
    store.save_photo(db, user_id, DAY, "front", "f.jpg", 10, 10, NOW)
    store.create_routine(db, user_id, store.OwnRoutine("my-r", None, "Gua sha", None, "Mine", 1, [{"id": "x"}]), NOW)
    store.create_plan(db, user_id, store.OwnPlan("my-plan-r", "my-r", "Plan", [{"weeks": 1}]), NOW)
    store.change_tool(db, user_id, "roller", DAY)
    store.update_cues(db, user_id, beep=False, vibrate=True, voice=True, auto_advance=False)
    push.save_reminder_settings(db, user_id, {"rolling": (True, "07:30")}, "20:00", False)


def test_an_export_imports_into_an_empty_account_row_for_row(db, tmp_path):
    user_id = new_user(db)
    history_of(db, user_id)
    exported = store.rows_of_user(db, user_id)
    assert {name: len(found) for name, found in exported.items() if name != "settings"} == dict.fromkeys(
        store.TABLES, 1
    ) | {"enrollment_versions": 2, "sessions": 2}
    assert exported["settings"] == {
        "time_zone": "Europe/Paris",
        "day_start_hour": 3,
        "week_start": 0,
        "cue_beep": 0,
        "cue_vibrate": 1,
        "cue_voice": 1,
        "auto_advance": 0,
        "reminder_time": "08:00",
        "reminder_evening": "20:00",
        "reminder_weekly": 0,
        "voice_asked": 1,
    }
    assert store.has_history(db, user_id) is True

    other = fresh_database(tmp_path / "other.db")
    other.execute("INSERT INTO users (id, email, password_hash, created_at) VALUES (7, 'x', 'h', 'now')")
    other.execute("INSERT INTO enrollments (user_id, program_id, start_day, created_at) VALUES (7, 'p', 'd', 'now')")
    newcomer = new_user(other, "bo@example.com")
    assert store.has_history(other, newcomer) is False
    store.import_rows(other, newcomer, json.loads(json.dumps(exported)))
    imported = store.rows_of_user(other, newcomer)
    # Only the enrollment ids are new (the other database had one already); every other value is the export's.
    (enrollment,) = exported["enrollments"]
    assert imported["enrollments"] == [{**enrollment, "id": 2}]
    for name in ("enrollment_versions", "pauses"):
        assert imported[name] == [{**row, "enrollment_id": 2} for row in exported[name]]
    for name in {*store.TABLES, "settings"} - {"enrollments", "enrollment_versions", "pauses"}:
        assert imported[name] == exported[name], name
    other.close()


def test_an_import_missing_a_column_writes_nothing(db):
    user_id = new_user(db)
    history_of(db, user_id)
    exported = store.rows_of_user(db, user_id)
    newcomer = new_user(db, "bo@example.com")
    del exported["pauses"][0]["reason"]  # pauses are written before photos, whose file names are unique
    with pytest.raises(KeyError, match="reason"):
        store.import_rows(db, newcomer, exported)
    assert store.count_rows_of_user(db, newcomer) == 1  # the user row alone
    assert store.user_by_id(db, newcomer).cue_beep is True  # the settings were rolled back too


# --- transactions -----------------------------------------------------------------------------


def test_sqlite_utils_writes_stay_in_the_callers_transaction(app, db):
    """The table API's inserts run in a SAVEPOINT inside an open BEGIN IMMEDIATE: they never commit on their own."""
    reader = sqlite3.connect(app.config["DATABASE"])

    def interrupted():
        with database.immediate(db):
            user_id = new_user(db)
            store.replace_recovery_codes(db, user_id, ["c1", "c2"], NOW)
            assert reader.execute("SELECT count(*) FROM users").fetchone() == (0,)  # nothing committed yet
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        interrupted()
    assert value(db, "SELECT count(*) FROM users") == 0
    assert value(db, "SELECT count(*) FROM recovery_codes") == 0
    assert not db.conn.in_transaction

    with database.immediate(db):
        user_id = new_user(db)
        with pytest.raises(store.EmailTaken):  # a nested failure undoes only its own part
            new_user(db, "ANA@example.com")
    assert reader.execute("SELECT id, email FROM users").fetchall() == [(user_id, "ana@example.com")]
    reader.close()
