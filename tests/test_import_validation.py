"""An import is checked whole before anything is written: a refused file names the field and why (422),
writes no row and no file, and leaves every page of the account working."""

import base64
import copy
import errno
import io
import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from app import create_app
from model.store import db as database
from model.store import migrations
from model.transfer import importing, reading, shape
from tests.conftest import Auth, Clock, text_of
from tests.support.history import seed
from tests.support.transfer import USER_TABLES, counts, enrich, exported, import_file

EMPTY = dict.fromkeys(USER_TABLES, 0)


@pytest.fixture(scope="module")
def rich_file(tmp_path_factory):
    """The export of test_transfer's rich history (made once: each test imports it into a fresh app)."""
    clock = Clock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    app = _app(tmp_path_factory.mktemp("rich"), clock)
    client = app.test_client()
    Auth(client).register()
    data = exported(enrich(seed(client, app, clock)))
    conn = database.connect(app.config["DATABASE"])
    rows = counts(conn, 1)
    conn.close()
    return data, rows


def _app(folder, clock):
    path = folder / "facereps.db"
    conn = database.connect(path)
    migrations.upgrade(conn)
    conn.close()
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(path),
            "SECRET_KEY": "test-only-secret",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,
        }
    )


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    """One new account for every refused file (a refused file leaves it as it was): (app, client, db)."""
    app = _app(tmp_path_factory.mktemp("target"), Clock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC)))
    client = newcomer(app)
    conn = database.connect(app.config["DATABASE"])
    yield app, client, conn
    conn.close()


@pytest.fixture
def rich(rich_file):
    """A fresh copy of the rich export (tests change it)."""
    return copy.deepcopy(rich_file[0])


def newcomer(app, email="new@example.com"):
    client = app.test_client()
    assert Auth(client).register(email=email, time_zone="UTC").status_code == 303
    return client


def pages_work(client, db, user_id):
    """Today, Progress, Programs and the calendar feed all answer 200."""
    for url in ("/today", "/progress", "/programs", "/account"):
        assert client.get(url).status_code == 200, url
    client.post("/account/calendar")
    token = db.execute("SELECT calendar_token FROM users WHERE id = ?", [user_id]).fetchone()[0]
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def settings_of(db, user_id):
    return db.execute(
        "SELECT time_zone, day_start_hour, week_start, reminder_time FROM users WHERE id = ?", [user_id]
    ).fetchone()


def step(**changes):
    base = {
        "id": "cheek-lifter",
        "title": "Cheek Lifter",
        "area": "cheeks",
        "side": "both",
        "seconds": 60,
        "reps": 12,
        "cue_seconds": 5,
        "instruction": "Smile.",
    }
    return base | changes


def phase(**changes):
    base = {
        "name": "Regular",
        "kind": "per_week",
        "count": 3,
        "days": 0,
        "weeks": 0,
        "length_weeks": None,
        "length_sessions": None,
        "rollover": False,
    }
    return base | changes


def set_(table, index, field, value):
    def change(data):
        data[table][index][field] = value

    return change


def settings(field, value):
    def change(data):
        data["settings"][field] = value

    return change


def as_json(value):
    return json.dumps(value)


def _repeat_session(data):
    data["sessions"].append(dict(data["sessions"][0]))


def _extra_field(data):
    data["sessions"][0]["evil"] = 1


def _missing_field(data):
    del data["sessions"][0]["day"]


def _on_microneedling(options):
    def change(data):
        data["enrollments"][0].update(program_id="microneedling-roller-twice-weekly", options=options)

    return change


def _photo_bytes(raw):
    return set_("photos", 0, "jpeg_base64", base64.b64encode(raw).decode())


REFUSED = [
    (settings("time_zone", "Mars/Olympus"), "settings.time_zone: 'Mars/Olympus' is not a time zone"),
    (settings("day_start_hour", 9), "settings.day_start_hour: 9 is more than 5"),
    (settings("reminder_time", "25:00"), "settings.reminder_time: '25:00' is not a time of day (HH:MM)"),
    (settings("cue_beep", True), "settings.cue_beep: True is not a whole number"),
    (set_("enrollments", 0, "options", "not json"), "enrollments[0].options: is not JSON text"),
    (set_("enrollments", 0, "options", '["neck"]'), "enrollments[0].options: ['neck'] is not an object"),
    (
        set_("enrollments", 0, "options", '{"needle_length": "3.0"}'),
        "enrollments[0].options.needle_length: is not an option of",
    ),
    (
        _on_microneedling('{"needle_length": ["0.25"]}'),
        "enrollments[0].options.needle_length: ['0.25'] is not one of 0.25, 0.5",
    ),
    (
        _on_microneedling('{"needle_length": "3.0"}'),
        "enrollments[0].options.needle_length: '3.0' is not one of 0.25, 0.5",
    ),
    (
        set_("enrollments", 0, "options", '{"skip_areas": ["elbow"]}'),
        "enrollments[0].options.skip_areas: ['elbow'] is not a list of areas",
    ),
    (
        set_("enrollment_versions", 0, "options", '{"neck": "yes"}'),
        "enrollment_versions[0].options.neck: is not an option",
    ),
    (
        set_("enrollments", 0, "start_day", "yesterday"),
        "enrollments[0].start_day: 'yesterday' is not a date (YYYY-MM-DD)",
    ),
    (set_("sessions", 3, "day", "yesterday"), "sessions[3].day: 'yesterday' is not a date (YYYY-MM-DD)"),
    (set_("sessions", 3, "day", "2026-02-30"), "sessions[3].day: '2026-02-30' is not a date (YYYY-MM-DD)"),
    (
        set_("sessions", 3, "day", "1999-12-31"),
        "sessions[3].day: '1999-12-31' is not between 2000-01-01 and 2199-12-31",
    ),
    (set_("sessions", 3, "day", "２０２６-11-19"), "sessions[3].day: '２０２６-11-19' is not a date (YYYY-MM-DD)"),
    (
        set_("enrollment_versions", 0, "phases", '{"kind": "per_week"}'),
        "enrollment_versions[0].phases: {'kind': 'per_week'} is not a list",
    ),
    (
        set_("enrollment_versions", 0, "phases", as_json([phase(count=0)])),
        "enrollment_versions[0].phases[0].count: 0 is not from 1 to 7 for per_week",
    ),
    (
        set_("enrollment_versions", 0, "phases", as_json([phase(length_weeks=None), phase()])),
        "enrollment_versions[0].phases[0]: has no end",
    ),
    (set_("plans", 0, "phases", as_json([phase(kind="hourly")])), "plans[0].phases[0].kind: 'hourly' is not one of"),
    (set_("plans", 0, "phases", as_json([{"name": "Mine"}])), "plans[0].phases[0].kind: is missing"),
    (
        set_("ticks", 0, "step_id", "../../../../account/cues"),
        "ticks[0].step_id: '../../../../account/cues' is not an id (lower-case letters, digits, '-' and '_')",
    ),
    (set_("ticks", 0, "routine_id", "Face Workout"), "ticks[0].routine_id: 'Face Workout' is not an id"),
    (set_("sessions", 5, "current_step", "a/b"), "sessions[5].current_step: 'a/b' is not an id"),
    (
        set_("routine_versions", 0, "steps", as_json([step(id="../x")])),
        "routine_versions[0].steps[0].id: '../x' is not an id",
    ),
    (
        set_("routine_versions", 0, "steps", as_json([step(area="elbow")])),
        "routine_versions[0].steps[0].area: 'elbow' is not one of",
    ),
    (
        set_("routine_versions", 0, "steps", as_json([step(seconds=0)])),
        "routine_versions[0].steps[0].seconds: 0 is less than 1",
    ),
    (
        set_("routine_versions", 0, "steps", as_json([step(), step()])),
        "routine_versions[0].steps[1].id: 'cheek-lifter' names two steps",
    ),
    (set_("routine_versions", 0, "steps", "[]"), "routine_versions[0].steps: needs at least 1 item"),
    (set_("sessions", 5, "steps", as_json([step(title="")])), "sessions[5].steps[0].title: is empty"),
    (set_("sessions", 0, "skipped", '{"a": 1}'), "sessions[0].skipped: {'a': 1} is not a list"),
    (set_("routines", 0, "id", "evil"), "routines[0].id: 'evil' is not an own routine's id ('my-' then"),
    (
        set_("routines", 0, "device_id", "toaster"),
        "routines[0].device_id: 'toaster' is not a device type FaceReps knows",
    ),
    (set_("routines", 0, "version", 7), "routines[0].version: version 7 of"),
    (set_("plans", 0, "id", "my-routine"), "plans[0].id: 'my-routine' is not an own plan's id"),
    (
        set_("plans", 0, "routine_id", "my-gone"),
        "plans[0].routine_id: 'my-gone' is neither a catalog routine nor one in",
    ),
    (
        set_("enrollments", 0, "program_id", "no-such-program"),
        "enrollments[0].program_id: 'no-such-program' is neither a catalog program nor a plan in this file",
    ),
    (set_("enrollments", 1, "program_id", "my-plan-gone"), "enrollments[1].program_id: 'my-plan-gone' is neither"),
    (
        set_("enrollments", 1, "program_id", "face-workout-daily"),
        "enrollments[1].program_id: 'face-workout-daily' is followed by another active enrollment",
    ),
    (set_("enrollments", 0, "id", 2**70), "enrollments[0].id: 1180591620717411303424 is more than 9223372036854775807"),
    (set_("pauses", 0, "enrollment_id", 99), "pauses[0].enrollment_id: 99 is not an enrollment in this file"),
    (set_("pauses", 0, "last_day", "2026-11-01"), "pauses[0].last_day: is before the pause's first day"),
    (set_("screenings", 0, "answers", '{"palsy": "maybe"}'), "screenings[0].answers.palsy: 'maybe' is not one of"),
    (set_("screenings", 0, "device_id", "toaster"), "screenings[0].device_id: 'toaster' is not a device type"),
    (set_("checkins", 0, "note", "x" * 1001), "checkins[0].note: is longer than 1000 characters"),
    (set_("checkins", 0, "firmness", 9), "checkins[0].firmness: 9 is more than 5"),
    (set_("sessions", 0, "updated_at", "later"), "sessions[0].updated_at: 'later' is not a moment with its time zone"),
    (
        set_("sessions", 0, "updated_at", "2026-11-16T20:00:00"),
        "sessions[0].updated_at: '2026-11-16T20:00:00' is not a moment with its time zone",
    ),
    (set_("sessions", 0, "steps_done", 6), "sessions[0].steps_done: is more than steps_total"),
    (_repeat_session, "sessions[6]: repeats sessions[0] (the same day, routine_id)"),
    (_extra_field, "sessions[0].evil: is not a field of a FaceReps export"),
    (_missing_field, "sessions[0].day: is missing"),
    (set_("photos", 0, "jpeg_base64", "not base64!"), "photos[0].jpeg_base64: is not base64"),
    (
        _photo_bytes(b"<html><script>alert(1)</script></html>"),
        "photos[0].jpeg_base64: That file is not a photo we can read",
    ),
    (set_("photos", 0, "angle", "top"), "photos[0].angle: 'top' is not one of"),
    (set_("tool_changes", 0, "device_id", "toaster"), "tool_changes[0].device_id: 'toaster' is not a device type"),
]


@pytest.mark.parametrize(
    ("change", "message"), REFUSED, ids=[m.split(":")[0] + f"-{i}" for i, (_, m) in enumerate(REFUSED)]
)
def test_a_refused_file_names_the_field_and_writes_nothing(rich, target, change, message):
    app, other, db = target
    data = rich
    data["tool_changes"] = [{"device_id": "microneedling", "day": "2026-11-20"}]
    change(data)
    photo_files = sorted(app.config["PHOTO_DIR"].glob("*"))
    response = import_file(other, json.dumps(data).encode())
    assert response.status_code == 422
    page = text_of(response)
    assert "That export is incomplete or damaged: " + message in page and "nothing was imported" in page
    assert counts(db, 1) == EMPTY
    assert settings_of(db, 1) == ("UTC", 3, 0, "08:00")
    assert sorted(app.config["PHOTO_DIR"].glob("*")) == photo_files


@pytest.mark.parametrize(
    "change",
    [
        settings("time_zone", "Mars/Olympus"),
        set_("enrollments", 0, "options", "not json"),
        set_("enrollments", 0, "start_day", "yesterday"),
        set_("enrollment_versions", 0, "phases", '{"kind": "per_week"}'),
    ],
)
def test_after_a_refused_file_every_page_still_works(rich, app, db, change):
    change(rich)
    other = newcomer(app)
    assert import_file(other, json.dumps(rich).encode()).status_code == 422
    pages_work(other, db, 1)


def test_the_apps_own_export_imports_with_tool_changes_and_every_page_works(rich_file, app, db):
    data, rows = copy.deepcopy(rich_file)
    data["tool_changes"] = [{"device_id": "microneedling", "day": "2026-11-20"}]
    other = newcomer(app)
    assert import_file(other, json.dumps(data).encode()).status_code == 303
    assert counts(db, 1) == rows | {"tool_changes": 1}
    pages_work(other, db, 1)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"format": "facereps-export", "version": 2, "settings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"[" * 100_000,
        b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    ],
)
def test_deeply_nested_brackets_are_refused(user, client, db, raw):
    response = import_file(client, raw)
    assert response.status_code == 422 and "nested too deeply" in text_of(response)
    assert counts(db, 1) == EMPTY


def test_nesting_inside_a_field_is_refused_by_the_schema(rich, app, db):
    data = rich
    deep = []
    for _ in range(25):
        deep = [deep]
    data["checkins"][0]["note"] = deep
    other = newcomer(app)
    response = import_file(other, json.dumps(data).encode())
    assert response.status_code == 422 and "checkins[0].note: [[[[" in text_of(response)
    assert counts(db, 1) == EMPTY


def test_text_that_is_not_unicode_is_refused(rich, app, db):
    raw = json.dumps(rich).replace('"trip"', '"\\ud800"').encode()
    assert b'"\\ud800"' in raw
    other = newcomer(app)
    response = import_file(other, raw)
    assert response.status_code == 422 and "not valid JSON" in text_of(response)
    assert counts(db, 1) == EMPTY


def test_a_file_over_the_size_limit_is_413(rich, app, db, monkeypatch):
    raw = json.dumps(rich).encode()
    monkeypatch.setattr(shape, "MAX_IMPORT_BYTES", len(raw) - 1)
    other = newcomer(app)
    response = import_file(other, raw)
    assert response.status_code == 413 and "That file is larger than" in text_of(response)
    assert counts(db, 1) == EMPTY


def test_a_request_over_the_servers_limit_shows_the_import_page(make_app, db):
    app = make_app(MAX_CONTENT_LENGTH=20_000)
    client = newcomer(app)
    response = import_file(client, b"{" + b" " * 30_000 + b"}")
    assert response.status_code == 413
    assert "That file is larger than" in text_of(response) and "Import your data" in text_of(response)


def photo_with_metadata():
    """A JPEG carrying a location (EXIF GPS), an XMP packet and a comment."""
    image = Image.new("RGB", (640, 480), (200, 120, 150))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>48,51.4N</exif:GPSLatitude></x:xmpmeta>'
    image.save(out, "JPEG", exif=exif, comment=b"taken at 12 Rue Example", xmp=xmp)
    return out.getvalue()


def test_imported_photos_are_reencoded_like_uploads(rich, app, db):
    data = rich
    original = photo_with_metadata()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825) and check.info.get("comment") and check.info.get("xmp")
    data["photos"][0]["jpeg_base64"] = base64.b64encode(original).decode()
    data["photos"][0]["width"], data["photos"][0]["height"] = 1, 1  # the stored size is the photo's own
    other = newcomer(app)
    assert import_file(other, json.dumps(data).encode()).status_code == 303
    filename, width, height = db.execute("SELECT filename, width, height FROM photos WHERE user_id = 1").fetchone()
    stored = (app.config["PHOTO_DIR"] / filename).read_bytes()
    assert stored != original and b"12 Rue Example" not in stored and b"GPSLatitude" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and "comment" not in image.info and "xmp" not in image.info
        assert (width, height) == image.size == (640, 480)


def test_an_imported_photo_larger_than_the_app_stores_is_refused(rich, app, db):
    data = rich
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), (10, 20, 30)).save(out, "PNG")
    data["photos"][0]["jpeg_base64"] = base64.b64encode(out.getvalue()).decode()
    other = newcomer(app)
    response = import_file(other, json.dumps(data).encode())
    assert response.status_code == 422
    assert "photos[0].jpeg_base64: That image is larger than 1600 pixels on a side" in text_of(response)
    assert counts(db, 1) == EMPTY


def test_photos_over_the_import_pixel_budget_are_refused(rich, app, db, monkeypatch):
    monkeypatch.setattr(reading, "MAX_IMPORT_PIXELS", 800 * 600 - 1)
    other = newcomer(app)
    response = import_file(other, json.dumps(rich).encode())
    assert response.status_code == 422 and "photos: hold more than" in text_of(response)
    assert counts(db, 1) == EMPTY


def just_started(data):
    """The export of an account that has only started a program (no row the database would refuse twice)."""
    started = {table: [] for table in USER_TABLES} | {key: data[key] for key in ("format", "version", "settings")}
    started["enrollments"] = data["enrollments"][:1]
    started["enrollment_versions"] = [v for v in data["enrollment_versions"] if v["enrollment_id"] == 1]
    started["screenings"] = data["screenings"][:1]
    return started


@pytest.mark.parametrize("kind", ["just started", "rich"])
def test_two_imports_racing_into_one_account_give_one_success_and_one_refusal(rich_file, app, db, monkeypatch, kind):
    """Both pass the early check; inside the write transaction only the first finds the account empty."""
    data, rows = rich_file
    if kind == "just started":
        data = just_started(data)
        rows = dict.fromkeys(USER_TABLES, 0) | {"enrollments": 1, "enrollment_versions": 1, "screenings": 1}
    raw = json.dumps(data).encode()
    first, second = newcomer(app), app.test_client()
    Auth(second).login(email="new@example.com")
    both_checked = threading.Barrier(2, timeout=10)
    images = importing.reencoded_photos  # read after the early check, before the write transaction

    def after_both_checked(*args, **kwargs):
        both_checked.wait()
        return images(*args, **kwargs)

    monkeypatch.setattr(importing, "reencoded_photos", after_both_checked)
    answers = []

    def run(client):
        response = import_file(client, raw)
        answers.append((response.status_code, text_of(response)))

    threads = [threading.Thread(target=run, args=(client,)) for client in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(status for status, _ in answers) == [303, 422]
    assert "new, empty account" in next(text for status, text in answers if status == 422)
    assert counts(db, 1) == rows  # one set of rows
    photo_dir = app.config["PHOTO_DIR"]
    assert len(list(photo_dir.glob("*.jpg"))) == rows["photos"] and not list(photo_dir.glob("*.part"))


def test_a_full_disk_during_an_import_leaves_no_file_and_no_row(rich, app, db, monkeypatch):
    real_write = Path.write_bytes

    def disk_full(path, data):
        real_write(path, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    other = newcomer(app)
    monkeypatch.setattr(Path, "write_bytes", disk_full)
    response = import_file(other, json.dumps(rich).encode())
    assert response.status_code == 503 and "could not be saved" in text_of(response)
    assert response.headers["Retry-After"] == "120"
    assert counts(db, 1) == EMPTY
    assert list(app.config["PHOTO_DIR"].iterdir()) == []


def test_rows_an_export_keeps_after_a_routine_was_deleted_still_import(rich_file, app, db):
    """Sessions and screenings of a deleted own routine (and its own device) stay in an account and its
    export; a photo whose file was lost is exported empty and left out."""
    data, rows = copy.deepcopy(rich_file)
    gone = {"routine_id": "my-0123456789", "device_id": "my-device-0123456789"}
    data["sessions"].append(data["sessions"][0] | gone | {"day": "2026-11-10"})
    data["screenings"].append(data["screenings"][0] | {"device_id": gone["device_id"], "answers": "{}"})
    data["photos"][0]["jpeg_base64"] = ""
    other = newcomer(app)
    assert import_file(other, json.dumps(data).encode()).status_code == 303
    assert counts(db, 1) == rows | {"sessions": rows["sessions"] + 1, "screenings": rows["screenings"] + 1, "photos": 0}
    pages_work(other, db, 1)
