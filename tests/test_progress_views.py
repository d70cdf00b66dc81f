"""The weekly review through the Flask client: figures on a seeded history, check-ins, photos."""

import errno
import io
import re
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from model import store
from tests.conftest import Auth, text_of
from tests.support.photos import jpeg_with_gps, upload
from tests.support.programs import MICROCURRENT_STEPS, TODAY, start


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
    assert response.status_code == 503 and "could not be saved" in text_of(response)
    assert response.headers["Retry-After"] == "120"
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


# --- Issue 16: Progress that reads at a glance ------------------------------------------------------------


def html_of(response) -> str:
    return response.get_data(as_text=True)


def test_each_rating_scale_says_which_end_is_better(seeded):
    page = text_of(seeded.get("/progress"))
    assert "1 = soft and loose, 5 = firm" in page
    assert "1 = many fine lines, 5 = none" in page
    assert "1 = rough and dull, 5 = smooth and glowing" in page
    assert "5 is the best" in page and "1 low, 5 high" not in page
    html = html_of(seeded.get("/progress"))
    assert 'aria-describedby="fine_lines-scale"' in html  # the group is described by its scale
    assert '<span class="visually-hidden">5 = none</span>' in html  # and each end's button says it


def test_the_heatmap_names_its_months_and_weeks(seeded):
    html = html_of(seeded.get("/progress"))
    head = html.split('<table class="heatmap">')[1].split("</thead>")[0]
    # Twelve weeks to Monday 23 November: four in September, four in October, four in November.
    assert [m for m in ("Sep", "Oct", "Nov") if f"<span>{m}</span>" in head] == ["Sep", "Oct", "Nov"]
    assert head.count('colspan="4"') == 3
    assert "Week of 7 Sep" in head and "Week of 23 Nov" in head
    assert text_of(seeded.get("/progress")).count("Week of") >= 12


def test_the_trend_chart_has_axes_week_labels_and_a_legend(seeded):
    for week, (firmness, lines, glow) in {
        "2026-11-09": (2, 2, 1),
        "2026-11-16": (3, 2, 2),
        "2026-11-23": (4, 3, 3),
    }.items():
        data = {"firmness": firmness, "fine_lines": lines, "glow": glow}
        assert seeded.post(f"/progress/weeks/{week}/checkin", data=data).status_code == 303
    html = html_of(seeded.get("/progress"))
    chart = html.split('<figure class="trend">')[1].split("</figure>")[0]
    assert chart.count('class="axis-line"') >= 2  # the two axes (and a tick per week)
    assert all(f">{value}</text>" in chart for value in range(1, 6))  # the rating axis
    assert "9 Nov</text>" in chart and "23 Nov</text>" in chart  # the week axis
    assert 'class="trend-legend"' in chart and "Fine lines" in chart and "(5 = none)" in chart
    assert "higher is better" in chart
    assert " style=" not in html  # the CSP forbids inline styles


def test_strength_in_words_and_just_starting_early(seeded):
    page = text_of(seeded.get("/progress"))
    assert "Just starting" in page and "builds over weeks of sessions" in page
    html = html_of(seeded.get("/progress"))
    before, details = html.split("<summary><h2>How is this computed?</h2></summary>")
    assert "k = 0.5" not in before and "k = 0.5" in details.split("</details>")[0]


def test_strength_shows_its_figure_once_the_habit_is_three_weeks_old(seeded, clock):
    clock.set(2026, 12, 8, 12, 0)
    page = text_of(seeded.get("/progress"))
    assert "Just starting" not in page
    assert "Strength is how settled the habit is" in page
    assert 'meter class="strength"' in html_of(seeded.get("/progress"))


def test_a_gated_program_names_its_test_and_how_to_clear_it(user, client, app):
    assert start(client, app, "microneedling-roller-twice-weekly", "microneedling").status_code == 303
    response = client.get("/progress")
    page = text_of(response)
    assert "0 of 0" not in page and "No sessions yet" in page
    assert "Waiting for the patch test on the forearm" in page and "sessions start 2 days after" in page
    assert 'href="/today">Tick it on Today</a>' in html_of(response)
    assert "Tue 24 November waiting for a test" in page


def test_after_the_test_the_week_says_when_sessions_start(user, client, app):
    assert start(client, app, "microneedling-roller-twice-weekly", "microneedling").status_code == 303
    assert client.post("/days/2026-11-24/gates/microneedling/patch_test").status_code == 303
    page = text_of(client.get("/progress"))
    assert "Waiting for the patch test" not in page
    assert "Your one-time test is done: sessions start Thursday 26 November, after its wait." in page


def test_an_empty_check_in_puts_each_problem_beside_its_field(seeded, db):
    response = seeded.post("/progress/weeks/2026-11-23/checkin", data={"note": ""})
    assert response.status_code == 422
    html = html_of(response)
    form = html.split('<section class="card" aria-labelledby="checkin-title">')[1].split("</section>")[0]
    assert 'action="/progress/weeks/2026-11-23/checkin"' in form
    for name in ("firmness", "fine_lines", "glow"):
        fieldset = form.split(f'id="{name}"')[1].split("</fieldset>")[0]
        assert f'<p class="problem" id="{name}-problem">Rate ' in fieldset
        assert fieldset.count('aria-invalid="true"') == 5
        assert fieldset.count(f'aria-describedby="{name}-problem"') == 5
    assert form.count("autofocus") == 1
    assert 'id="firmness-1" name="firmness" value="1"' in form.split("autofocus")[0][-400:]
    assert html.index('class="problem-summary"') > html.index('aria-labelledby="checkin-title"')
    assert db.execute("SELECT count(*) FROM checkins").fetchone()[0] == 0


def test_a_note_too_long_focuses_the_note(seeded):
    data = {"firmness": "3", "fine_lines": "3", "glow": "3", "note": "x" * 1001}
    html = html_of(seeded.post("/progress/weeks/2026-11-23/checkin", data=data))
    textarea = html.split('<textarea id="note"')[1].split(">")[0]
    assert 'aria-invalid="true"' in textarea and 'aria-describedby="note-problem"' in textarea
    assert "autofocus" in textarea and html.count("autofocus") == 1


def test_a_bad_photo_is_refused_beside_the_picker(seeded):
    response = upload(seeded, b"not an image at all")
    html = html_of(response)
    response.close()
    picker = html.split('<input id="photo"')[1].split(">")[0]
    assert 'aria-invalid="true"' in picker and 'aria-describedby="photo-problem"' in picker and "autofocus" in picker
    assert 'action="/progress/weeks/2026-11-23/photos"' in html


def test_the_photo_picker_opens_the_camera_and_loads_its_script_here_only(seeded):
    html = html_of(seeded.get("/progress"))
    picker = html.split('<input id="photo"')[1].split(">")[0]
    assert 'accept="image/*"' in picker and 'capture="user"' in picker
    assert '<label for="photo" class="photo-pick">Add a photo</label>' in html
    head = html.split("</head>")[0]
    assert "/static/js/photo.js?v=" in head and "defer" in head.split("photo.js")[1].split(">")[0]
    assert "/static/css/progress.css?v=" in head
    assert "photo.js" not in html_of(seeded.get("/today"))


def test_next_week_is_named_in_full(seeded):
    html = html_of(seeded.get("/progress"))
    nav = html.split('aria-label="Weeks"')[1].split("</nav>")[0]
    assert "Next week" in text_of_html(nav) and "Previous week" in text_of_html(nav)
    assert "narrow-hidden" not in nav


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_plan_stopped_by_a_switch_keeps_the_session_done_that_day(user, client, app, db):
    """Issue 16: a session done, then a switch to another plan on the device the same day."""
    assert start(client, app).status_code == 303
    for step in MICROCURRENT_STEPS:
        assert (
            client.post(f"/days/{TODAY}/routines/microcurrent-standard/steps/{step}", data={"done": "1"}).status_code
            == 303
        )
    switched = start(client, app, "microcurrent-every-other-day", "microcurrent", existing="switch")
    assert switched.status_code == 303
    assert db.execute("SELECT stopped_on FROM enrollments WHERE program_id = 'microcurrent-60-days'").fetchone() == (
        TODAY.isoformat(),
    )
    html = html_of(client.get("/progress"))
    stopped = text_of_html(html.split("60-day toning plan</h2>")[1].split("</section>")[0])
    assert "1 session done" in stopped and "0 of 0" not in stopped
    assert "Tue 24 November done" in stopped and "Stopped Tuesday 24 November" in stopped
    assert "Mon 23 November not started" in stopped
    assert "Wed 25 November stopped" in stopped and "Sun 29 November stopped" in stopped
    # The new plan: Today says it is not due today (one session a day on the device); Progress agrees.
    name = app.extensions["catalog"].programs["microcurrent-60-days"].name
    assert f"Done today with {name}: at most one microcurrent toning session a day" in text_of(client.get("/today"))
    new = text_of_html(html.split("Brow and jaw, every other day</h2>")[1].split("</section>")[0])
    assert "Tue 24 November still to do" not in new and "Tue 24 November rest day" in new
    assert f"Not today: done today with {name}: at most one microcurrent toning session a day." in new


def test_a_plan_started_mid_week_says_why_the_week_plans_fewer(user, client, app, clock):
    """Issue 16: "5 a week" from Wednesday plans 4 and marks 4 days, and says it started on Wednesday."""
    assert start(client, app, start_day="2026-11-25").status_code == 303
    clock.set(2026, 11, 25, 12, 0)
    page = text_of(client.get("/progress"))
    assert "0 of 4 sessions · on track" in page
    assert "4 this week: the plan started on Wednesday." in page
    assert "Wed 25 November still to do" in page
    assert "Thu 26 November planned" in page and "Sat 28 November planned" in page
    assert "Sun 29 November rest day" in page
    assert "Mon 23 November not started" in page and "Tue 24 November not started" in page
