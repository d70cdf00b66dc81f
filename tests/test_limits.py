"""Costly work has limits per user: photo uploads, imports and exports (429 with the message on the page),
a photo quota per user (413), and ids past SQLite's INTEGER are simply not found (404)."""

import io
import json

import pytest

from model.store import db as database
from tests.conftest import Auth, text_of
from tests.support.photos import jpeg_with_gps, upload
from tests.support.programs import start
from tests.support.transfer import import_file


def signed_in(app, email="ana@example.com"):
    client = app.test_client()
    assert Auth(client).register(email=email).status_code == 303
    return client


def photo_count(app, user_id):
    conn = database.connect(app.config["DATABASE"])
    try:
        return conn.execute("SELECT count(*) FROM photos WHERE user_id = ?", [user_id]).fetchone()[0]
    finally:
        conn.close()


def test_photo_uploads_are_limited_per_user(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    ana, photo = signed_in(app), jpeg_with_gps()
    for angle in ("front", "left", "right", "front", "left", "right"):
        assert upload(ana, photo, angle).status_code == 303
    response = upload(ana, photo, "front")
    assert response.status_code == 429 and response.headers["Retry-After"]
    page = text_of(response)
    assert "You have made 6 photo uploads in a minute, the most FaceReps takes. Try again in 1 minute." in page
    assert "Upload photo" in page  # the week's page, with its form
    assert photo_count(app, 1) == 3
    eve = signed_in(app, "eve@example.com")  # another user is not held back
    assert upload(eve, photo).status_code == 303


def test_a_refused_upload_counts_too(make_app):
    """A loop of bad uploads costs CPU as well: it meets the same limit."""
    app = make_app(RATELIMIT_ENABLED=True, PHOTO_LIMIT="2 per minute")
    ana = signed_in(app)
    assert [upload(ana, b"junk").status_code for _ in range(3)] == [422, 422, 429]


def test_imports_are_limited_per_user(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    ana = signed_in(app)
    assert [import_file(ana, b"not json").status_code for _ in range(5)] == [422] * 5
    assert ana.get("/account/import").status_code == 200  # looking at the page is not an import
    response = import_file(ana, b"not json")
    assert response.status_code == 429
    assert "You have made 5 imports in an hour, the most FaceReps takes. Try again in 60 minutes." in text_of(response)
    assert import_file(signed_in(app, "eve@example.com"), b"not json").status_code == 422


def test_exports_are_limited_per_user(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    ana = signed_in(app)
    for url in ["/account/export.json", "/account/export.csv"] * 5:
        assert ana.get(url).status_code == 200
    response = ana.get("/account/export.json")
    assert response.status_code == 429 and "attachment" not in response.headers.get("Content-Disposition", "")
    page = text_of(response)
    assert "You have made 10 downloads of your data in an hour, the most FaceReps takes." in page
    assert "Delete account" in page or "Your data" in page  # the account page shows it
    assert signed_in(app, "eve@example.com").get("/account/export.csv").status_code == 200


def test_limits_are_off_unless_enabled(make_app):
    app = make_app()
    ana = signed_in(app)
    assert all(ana.get("/account/export.csv").status_code == 200 for _ in range(12))


def test_photos_have_a_quota_per_user(make_app):
    app = make_app()
    ana = signed_in(app)
    assert upload(ana, jpeg_with_gps()).status_code == 303
    used = sum(path.stat().st_size for path in app.config["PHOTO_DIR"].glob("*.jpg"))
    app.config["PHOTO_QUOTA_BYTES"] = used + 100
    response = upload(ana, jpeg_with_gps(), "left")
    assert response.status_code == 413
    assert "FaceReps keeps for one account, so this one was not saved" in text_of(response)
    assert photo_count(app, 1) == 1 and len(list(app.config["PHOTO_DIR"].glob("*"))) == 1
    assert upload(ana, jpeg_with_gps(), "front").status_code == 303  # replacing a photo is still possible
    assert photo_count(app, 1) == 1
    assert upload(signed_in(app, "eve@example.com"), jpeg_with_gps()).status_code == 303


def test_an_import_over_the_photo_quota_is_413(make_app):
    app = make_app()
    ana = signed_in(app)
    upload(ana, jpeg_with_gps())
    raw = ana.get("/account/export.json").get_data()
    app.config["PHOTO_QUOTA_BYTES"] = 100
    eve = signed_in(app, "eve@example.com")
    response = import_file(eve, raw)
    assert response.status_code == 413 and "the most FaceReps keeps for one account; nothing was imported" in text_of(
        response
    )
    assert photo_count(app, 2) == 0 and len(list(app.config["PHOTO_DIR"].glob("*"))) == 1


def test_a_photo_over_the_request_limit_shows_the_week(make_app):
    app = make_app(MAX_CONTENT_LENGTH=50_000, PHOTO_MAX_BYTES=40_000)
    ana = signed_in(app)
    response = upload(ana, b"\xff\xd8" + b"0" * 60_000)
    assert response.status_code == 413
    assert "That photo is larger than" in text_of(response) and "Upload photo" in text_of(response)


TOO_BIG = 2**63


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", f"/sessions/{TOO_BIG}"),
        ("POST", f"/sessions/{TOO_BIG}/steps/cheek-lifter"),
        ("POST", f"/sessions/{TOO_BIG}/back"),
        ("POST", f"/sessions/{TOO_BIG}/finish"),
        ("GET", f"/enrollments/{TOO_BIG}"),
        ("POST", f"/enrollments/{TOO_BIG}/pause"),
        ("POST", f"/enrollments/{TOO_BIG}/resume"),
        ("POST", f"/enrollments/{TOO_BIG}/stop"),
        ("GET", f"/enrollments/{TOO_BIG}/screening"),
        ("POST", f"/enrollments/1/pauses/{TOO_BIG}/cancel"),
        ("GET", f"/photos/{TOO_BIG}"),
        ("GET", f"/photos/{10**30}"),
        ("GET", f"/photos/{TOO_BIG - 1}"),
        ("GET", f"/sessions/{TOO_BIG - 1}"),
    ],
)
def test_ids_past_sqlites_integer_are_not_found(user, client, app, method, url):
    assert start(client, app, "face-workout-daily", "face_workout").status_code == 303  # enrollment 1 exists
    response = client.open(url, method=method, data={"outcome": "done", "first_day": "2026-11-24", "confirm": "yes"})
    assert response.status_code == 404
    assert "There is nothing at this address" in text_of(response)


def test_a_refused_import_is_counted_once_per_request(make_app):
    """The import page's own form posts once per import: a refused file uses one of the five."""
    app = make_app(RATELIMIT_ENABLED=True, IMPORT_LIMIT="1 per hour")
    ana = signed_in(app)
    assert import_file(ana, json.dumps({"format": "other"}).encode()).status_code == 422
    response = ana.post(
        "/account/import", data={"file": (io.BytesIO(b"{}"), "x.json")}, content_type="multipart/form-data"
    )
    assert response.status_code == 429 and "You have made 1 imports in an hour" not in text_of(response)
    assert "You have made 1 import in an hour" in text_of(response)
