"""The weekly review through the Flask client: figures on a seeded history, check-ins, photos."""

import errno
import io
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from model import store
from tests.conftest import Auth, text_of
from tests.support.photos import jpeg_with_gps, upload
from tests.support.programs import start


def test_fresh_user_sees_an_empty_review(user, client):
    assert "No program this week" in text_of(client.get("/progress"))


def test_this_week_counts_done_against_planned(seeded):
    page = text_of(seeded.get("/progress"))
    assert "This week" in page and "0 of 7 sessions" in page
    assert "Daily · week 2 of 8" in page
    assert "Mon 23 November missed" in page and "Tue 24 November still to do" in page
    assert "Wed 25 November planned" in page


def test_last_week_marks_done_and_missed_days(seeded):
    page = text_of(seeded.get("/progress/weeks/2026-11-16"))
    assert "4 of 7 sessions · 57% of the plan" in page
    assert "Mon 16 November done" in page and "Fri 20 November missed" in page


def test_streak_stops_at_a_miss_and_strength_forgives(seeded):
    page = text_of(seeded.get("/progress/weeks/2026-11-16"))
    assert "Streak 0 in a row" in page  # Friday to Sunday were missed
    assert "Strength" in page


def test_a_paused_day_is_drawn_as_paused_and_never_missed(seeded, db):
    enrollment = store.enrollments_of(db, 1)[0]
    seeded.post(f"/enrollments/{enrollment.id}/pause", data={"first_day": "2026-11-20", "last_day": "2026-11-23"})
    page = text_of(seeded.get("/progress/weeks/2026-11-16"))
    assert "Fri 20 November paused" in page and "November missed" not in page
    assert "4 of 4 sessions" in page
    assert "Streak 4 in a row" in text_of(seeded.get("/progress"))


def test_each_week_has_its_url_and_bad_weeks_are_404(seeded):
    assert seeded.get("/progress/weeks/2026-11-18").headers["Location"] == "/progress/weeks/2026-11-16"
    for bad in ["2026-13-01", "last-week", "2019-01-07", "2027-06-07", "2026-11-16x"]:
        assert seeded.get(f"/progress/weeks/{bad}").status_code == 404


def test_heatmap_has_a_text_alternative(seeded):
    page = text_of(seeded.get("/progress"))
    assert "Mon 16 Nov: 1 session" in page and "Fri 20 Nov: 0 sessions" in page


def test_checkin_saves_and_shows_a_trend(seeded, db):
    assert (
        seeded.post(
            "/progress/weeks/2026-11-16/checkin",
            data={"firmness": "2", "fine_lines": "3", "glow": "2", "note": "Started"},
        ).status_code
        == 303
    )
    assert (
        seeded.post(
            "/progress/weeks/2026-11-23/checkin", data={"firmness": "3", "fine_lines": "3", "glow": "4"}
        ).status_code
        == 303
    )
    page = seeded.get("/progress").get_data(as_text=True)
    assert "<polyline" in page and "Show the numbers" in page
    assert db.execute("SELECT week, firmness, note FROM checkins ORDER BY week").fetchall() == [
        ("2026-11-16", 2, "Started"),
        ("2026-11-23", 3, ""),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"firmness": "6", "fine_lines": "3", "glow": "3"}, "Rate firmness from 1 to 5"),
        ({"firmness": "0", "fine_lines": "3", "glow": "3"}, "Rate firmness from 1 to 5"),
        ({"firmness": "x", "fine_lines": "3", "glow": "3"}, "Rate firmness from 1 to 5"),
        ({"fine_lines": "3", "glow": "3"}, "Rate firmness from 1 to 5"),
        ({"firmness": "3", "fine_lines": "3", "glow": "3", "note": "x" * 1001}, "under 1000 characters"),
    ],
)
def test_bad_checkins_are_refused(seeded, db, data, message):
    response = seeded.post("/progress/weeks/2026-11-23/checkin", data=data)
    assert response.status_code == 422 and message in text_of(response)
    assert db.execute("SELECT count(*) FROM checkins").fetchone()[0] == 0


def test_photo_is_reencoded_without_location_and_served_to_its_owner_only(seeded, app, db):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825)  # the test photo really carries a location
    assert upload(seeded, original).status_code == 303
    photo_id, filename = db.execute("SELECT id, filename FROM photos").fetchone()
    stored = app.config["PHOTO_DIR"] / filename
    assert stored.exists() and "static" not in stored.parts
    with Image.open(stored) as image:
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    response = seeded.get(f"/photos/{photo_id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "no-store" in response.headers["Cache-Control"]
    response.close()
    other = app.test_client()
    Auth(other).register(email="eve@example.com")
    assert other.get(f"/photos/{photo_id}").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an image at all", "not a photo we can read"),
        (b"", "Choose a photo"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(seeded, app, db, data, message):
    response = upload(seeded, data)
    assert response.status_code == 422 and message in text_of(response)
    response.close()
    assert db.execute("SELECT count(*) FROM photos").fetchone()[0] == 0
    assert not list(app.config["PHOTO_DIR"].glob("*.jpg")) if app.config["PHOTO_DIR"].exists() else True


def test_a_photo_over_the_size_limit_is_refused(make_app, db):
    app = make_app(PHOTO_MAX_BYTES=100_000)
    client = app.test_client()
    Auth(client).register()
    response = upload(client, b"\xff\xd8" + b"0" * 150_000)
    assert response.status_code == 422 and "larger than 0.095 MB" in text_of(response)
    assert db.execute("SELECT count(*) FROM photos").fetchone()[0] == 0
    assert app.config["PHOTO_MAX_BYTES"] < app.config["MAX_CONTENT_LENGTH"]


def test_a_decompression_bomb_is_refused(seeded, db):
    bomb = io.BytesIO()
    Image.new("L", (9000, 9000)).save(bomb, "PNG", optimize=True)  # 81 megapixels, a few kB
    response = upload(seeded, bomb.getvalue())
    assert response.status_code == 422 and "too many pixels" in text_of(response)
    assert db.execute("SELECT count(*) FROM photos").fetchone()[0] == 0


def test_bad_angle_is_refused(seeded, db):
    response = upload(seeded, jpeg_with_gps(), angle="top")
    assert response.status_code == 422 and "front, left or right" in text_of(response)


def test_first_and_latest_side_by_side(seeded, db):
    upload(seeded, jpeg_with_gps(), week="2026-11-16")
    upload(seeded, jpeg_with_gps(), week="2026-11-23")
    page = text_of(seeded.get("/progress"))
    assert "First and latest" in page and "First: 16 Nov 2026" in page and "Latest: 23 Nov 2026" in page


def test_deleting_the_account_deletes_the_photo_files(seeded, app, db):
    upload(seeded, jpeg_with_gps())
    folder = app.config["PHOTO_DIR"]
    assert len(list(folder.glob("*.jpg"))) == 1
    seeded.post("/account/delete", data={"confirm": "yes", "delete_password": "correct horse battery"})
    assert list(folder.glob("*.jpg")) == []


def test_this_week_without_a_miss_says_on_track(user, client, app):
    start(client, app, "face-workout-daily", "face_workout")
    page = text_of(client.get("/progress"))
    assert "0 of 6 sessions · on track" in page


def photo_with_text(kind):
    """A JPEG with a comment and an XMP packet (which can hold a location), or a PNG with a comment chunk."""
    image, out = Image.new("RGB", (640, 480), (200, 120, 150)), io.BytesIO()
    if kind == "png":
        info = PngImagePlugin.PngInfo()
        info.add_text("comment", "home: 12 Rue Example")
        image.save(out, "PNG", pnginfo=info)
    else:
        xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>48,51.4N</exif:GPSLatitude></x:xmpmeta>'
        image.save(out, "JPEG", comment=b"home: 12 Rue Example", xmp=xmp)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_comments_and_xmp_are_dropped_too(seeded, app, db, kind):
    original = photo_with_text(kind)
    with Image.open(io.BytesIO(original)) as check:
        assert check.info.get("comment")
    assert upload(seeded, original).status_code == 303
    stored = (app.config["PHOTO_DIR"] / db.execute("SELECT filename FROM photos").fetchone()[0]).read_bytes()
    assert b"12 Rue Example" not in stored and b"GPSLatitude" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info and "xmp" not in image.info and not image.getexif()


def test_a_full_disk_leaves_no_partial_file(seeded, app, db, monkeypatch):
    real_write = Path.write_bytes

    def disk_full(path, data):
        real_write(path, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    response = upload(seeded, jpeg_with_gps())
    assert response.status_code == 507 and "could not be saved" in text_of(response)
    assert list(app.config["PHOTO_DIR"].iterdir()) == []
    assert db.execute("SELECT count(*) FROM photos").fetchone()[0] == 0


def test_a_check_in_for_a_day_that_starts_no_week_is_404(user, client, db):
    """Issue 14 (low): check-ins belong to a week; a mid-week day saves nothing."""
    response = client.post(
        "/progress/weeks/2026-11-25/checkin", data={"firmness": "3", "fine_lines": "3", "glow": "3", "note": "x"}
    )
    assert response.status_code == 404
    assert db.execute("SELECT count(*) FROM checkins").fetchone()[0] == 0
    assert (
        client.post(
            "/progress/weeks/2026-11-23/checkin", data={"firmness": "3", "fine_lines": "3", "glow": "3"}
        ).status_code
        == 303
    )
