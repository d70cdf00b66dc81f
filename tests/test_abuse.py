"""Hostile input: every id-carrying URL of another user gives 404, and random values never give a 5xx."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.store import db as database
from tests.conftest import Auth
from tests.support.photos import jpeg_with_gps


def export(client):
    data = json.loads(client.get("/account/export.json").get_data())
    data.pop("exported_at")
    return data


def owner_with_everything(app):
    """A user with an enrollment, a pause, a guided session and a photo; returns (client, urls)."""
    client = app.test_client()
    Auth(client).register(email="owner@example.com")
    device = app.extensions["catalog"].devices["face_workout"]
    form = {f"q_{q.id}": "no" for q in device.questions} | {"start_day": "2026-11-24"}
    enrollment = client.post("/programs/face-workout-daily/start", data=form).headers["Location"]
    client.post(f"{enrollment}/pause", data={"first_day": "2026-12-10", "last_day": "2026-12-12"})
    session = client.post("/sessions", data={"day": "2026-11-24", "routine": "face-workout-5min"}).headers["Location"]
    client.post(
        "/progress/weeks/2026-11-23/photos",
        content_type="multipart/form-data",
        data={"angle": "front", "photo": (io.BytesIO(jpeg_with_gps()), "p.jpg")},
    )
    return client, enrollment, session


def test_idor_matrix_every_id_url_is_404_for_another_user(make_app):
    app = make_app()
    owner, enrollment, session = owner_with_everything(app)
    before = export(owner)
    conn = database.connect(app.config["DATABASE"])
    pause_id = conn.execute("SELECT id FROM pauses").fetchone()[0]
    photo_id = conn.execute("SELECT id FROM photos").fetchone()[0]
    conn.close()
    intruder = app.test_client()
    Auth(intruder).register(email="intruder@example.com")
    matrix = [
        ("GET", enrollment, {}),
        ("POST", f"{enrollment}/pause", {"first_day": "2026-11-24"}),
        ("POST", f"{enrollment}/resume", {}),
        ("POST", f"{enrollment}/stop", {"confirm": "yes"}),
        ("GET", f"{enrollment}/screening", {}),
        ("POST", f"{enrollment}/screening", {"q_palsy": "yes"}),
        ("POST", f"{enrollment}/pauses/{pause_id}/cancel", {}),
        ("GET", session, {}),
        ("POST", f"{session}/steps/cheek-lifter", {"outcome": "done"}),
        ("POST", f"{session}/back", {}),
        ("POST", f"{session}/finish", {}),
        ("GET", f"/photos/{photo_id}", {}),
        ("POST", "/days/2026-11-24/routines/face-workout-5min/steps/cheek-lifter", {"done": "1"}),
        ("POST", "/days/2026-11-24/routines/face-workout-5min/skip", {}),
    ]
    for method, url, data in matrix:
        response = intruder.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
        response.close()
    assert export(owner) == before


fields = st.one_of(
    st.none(),
    st.text(max_size=50),
    st.text(min_size=5000, max_size=6000),
    st.integers().map(str),
    st.sampled_from(
        ["", "0", "-1", "yes", "no", "on", "1", "2026-11-24", "9999-99-99", "front", "done", "skip", "\x00", "💆"]
    ),
)
ENDPOINTS = [
    ("/account/settings", ["time_zone", "day_start_hour", "week_start"]),
    ("/account/password", ["current_password", "new_password"]),
    ("/account/cues", ["cue_beep", "cue_vibrate", "cue_voice", "auto_advance"]),
    ("/account/reminder", ["reminder_time"]),
    ("/programs/microcurrent-60-days/start", ["q_implant", "q_pregnancy", "neck", "start_day", "clinician_confirmed"]),
    ("/programs/microneedling-roller-twice-weekly/start", ["needle_length", "start_day", "q_isotretinoin"]),
    ("/enrollments/1/pause", ["first_day", "last_day", "reason"]),
    ("/enrollments/1/stop", ["confirm"]),
    ("/enrollments/1/screening", ["q_palsy", "q_jaw_pain", "clinician_confirmed"]),
    ("/days/2026-11-24/routines/face-workout-5min/steps/cheek-lifter", ["done", "client_id"]),
    ("/days/2026-11-24/routines/face-workout-5min/skip", ["undo"]),
    ("/sessions", ["day", "routine"]),
    ("/sessions/1/steps/happy-cheeks", ["outcome", "client_id"]),
    ("/progress/weeks/2026-11-23/checkin", ["firmness", "fine_lines", "glow", "note"]),
    ("/progress/weeks/2026-11-23/photos", ["angle"]),
    ("/login", ["email", "password", "next", "remember"]),
    ("/routines/new", ["name", "device_id", "device_name", "title", "area", "side", "seconds", "reps", "cue_seconds"]),
    ("/routines/copy", ["routine_id"]),
    (
        "/routines/{routine}/steps/jaw-release",
        ["title", "area", "side", "seconds", "reps", "cue_seconds", "instruction"],
    ),
    ("/routines/{routine}/steps/new", ["from", "title", "area", "seconds"]),
    ("/routines/{routine}/steps/cheek-lifter/move", ["direction"]),
    ("/routines/{routine}/glides", ["glide_seconds"]),
    ("/routines/{routine}/name", ["name", "device_name"]),
    (
        "/routines/face-workout-5min/plan",
        [
            "name",
            "p1_kind",
            "p1_per_week",
            "p1_sessions",
            "p1_over_weeks",
            "p1_length",
            "p1_length_weeks",
            "p2_kind",
            "p2_every_days",
        ],
    ),
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.sampled_from(ENDPOINTS), st.data())
def test_random_and_hostile_form_values_never_give_a_5xx(make_app, endpoint, data):
    app = fuzz_app(make_app)
    path, names = endpoint
    path = path.format(routine=app.routine)
    form = {name: value for name in names if (value := data.draw(fields, label=name)) is not None}
    response = app.client.post(path, data=form)
    assert response.status_code < 500, (path, form, response.status_code)
    response.close()
    assert export(app.other) == app.other_before


_apps = {}


def fuzz_app(make_app):
    """One app per test run (hypothesis calls the test many times): an owner, and a bystander."""
    if "app" not in _apps:
        app = make_app(RATELIMIT_ENABLED=False)
        app.client, _, _ = owner_with_everything(app)
        routine = app.client.post("/routines/copy", data={"routine_id": "face-workout-5min"})
        app.routine = routine.headers["Location"].rsplit("/", 1)[1]
        app.other = app.test_client()
        Auth(app.other).register(email="bystander@example.com")
        device = app.extensions["catalog"].devices["face_workout"]
        form = {f"q_{q.id}": "no" for q in device.questions} | {"start_day": "2026-11-24"}
        app.other.post("/programs/face-workout-daily/start", data=form)
        app.other_before = export(app.other)
        _apps["app"] = app
    return _apps["app"]


@pytest.mark.parametrize("value", ["0" * 5000, "9" * 40, "٣", "1_0", "", "-"])
def test_a_number_field_with_a_huge_or_foreign_value_gets_a_message(auth, client, value):
    auth.register()
    page = client.post(
        "/account/settings", data={"time_zone": "Europe/Paris", "day_start_hour": "3", "week_start": value}
    )
    assert page.status_code == 422 and "Choose a day of the week." in page.get_data(as_text=True)
