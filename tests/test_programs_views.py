"""Browsing programs, screening, and starting, pausing, resuming and stopping them."""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from model import store
from tests.conftest import Auth, text_of
from tests.support.programs import TODAY, answers, rows, start

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "catalog"


def enrollment_id(response):
    return int(re.search(r"/enrollments/(\d+)$", response.headers["Location"]).group(1))


def test_programs_page_lists_every_device_type(user, client):
    page = text_of(client.get("/programs"))
    for name in [
        "Microcurrent toning",
        "At-home microneedling",
        "LED mask",
        "Face workout",
        "Gua sha",
        "Facial roller",
    ]:
        assert name in page


def test_program_page_shows_phases_session_spacing_and_sources(user, client):
    page = text_of(client.get("/programs/microcurrent-60-days"))
    assert "Intensive: 5 times a week, for 8 weeks" in page
    assert "Maintenance: 3 times a week, ongoing" in page
    assert "One session: Microcurrent toning routine, 5 min" in page
    assert "Left neck · 15 s · 3 × 5 s" in page
    assert "At most one session a day" in page and "check your device's manual" in page
    assert "Not on the same day as at-home microneedling" in page
    assert "NuFACE Mini user manual" in page


def test_uncertain_figures_say_check_your_manual(user, client):
    page = text_of(client.get("/programs/led-red-intensive"))
    assert page.count("check your device's manual") >= 2


def test_unknown_program_is_404(user, client):
    assert client.get("/programs/no-such-program").status_code == 404
    assert client.post("/programs/no-such-program/start", data={}).status_code == 404


def test_start_page_asks_every_question(user, client, app):
    page = text_of(client.get("/programs/microcurrent-60-days/start"))
    for question in app.extensions["catalog"].devices["microcurrent"].questions:
        assert question.text in page


def test_all_no_starts_the_program(user, client, app, db):
    response = start(client, app, neck="on")
    assert response.status_code == 303
    enrollment = store.enrollment_of(db, 1, enrollment_id(response))
    assert (enrollment.program_id, enrollment.start_day, enrollment.status) == ("microcurrent-60-days", TODAY, "active")
    assert enrollment.options == {"neck": True, "skip_areas": []}
    screening = store.latest_screening(db, 1, "microcurrent")
    assert screening.questions_version == 2 and screening.answers["implant"] == "no"
    assert "Active since" in text_of(client.get(response.headers["Location"]))


def test_a_pacemaker_blocks_and_nothing_is_stored(user, client, app, db):
    response = start(client, app, yes=["implant"])
    assert response.status_code == 200
    page = text_of(response)
    assert "not safe for you to start" in page
    assert "implanted electronic device" in page
    assert "face workout" in page
    assert rows(db, "enrollments") == 0 and rows(db, "screenings") == 0


def test_clinician_questions_need_a_confirmation(user, client, app, db):
    unconfirmed = start(client, app, yes=["metal_implants"])
    assert unconfirmed.status_code == 422
    assert "Confirm that you have checked with a clinician" in text_of(unconfirmed)
    assert rows(db, "enrollments") == 0 and rows(db, "screenings") == 0
    confirmed = start(client, app, yes=["metal_implants"], clinician_confirmed="on")
    assert confirmed.status_code == 303
    assert store.latest_screening(db, 1, "microcurrent").clinician_confirmed


def test_skip_area_drops_those_steps(user, client, app, db):
    response = start(client, app, yes=["jaw_tension"])
    enrollment = store.enrollment_of(db, 1, enrollment_id(response))
    assert enrollment.options["skip_areas"] == ["jaw"]
    routine = app.extensions["catalog"].routines["microcurrent-standard"]
    kept = routine.steps_for(enrollment.options["skip_areas"], neck=enrollment.options["neck"])
    assert not any(step.area in ("jaw", "neck") for step in kept)
    explain = next(
        q.explain for q in app.extensions["catalog"].devices["microcurrent"].questions if q.id == "jaw_tension"
    )
    # The reason shows where it takes effect: the program's page and Today's card (issue 13.2).
    assert f"Jawline steps left out: {explain}" in text_of(client.get(response.headers["Location"]))
    assert f"Jawline steps left out: {explain}" in text_of(client.get("/today"))


def test_wait_outcome_moves_the_earliest_start(user, client, app, db):
    too_soon = start(client, app, yes=["injectables"])
    assert too_soon.status_code == 422
    assert "start on 8 December 2026 or later" in text_of(too_soon)
    assert 'value="2026-12-08"' in too_soon.get_data(as_text=True)
    assert rows(db, "enrollments") == 0
    later = start(client, app, yes=["injectables"], start_day="2026-12-08")
    assert later.status_code == 303
    assert "Starts Tuesday 8 December 2026" in text_of(client.get(later.headers["Location"]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_day": "24/11/2026"}, "Enter the start day as YYYY-MM-DD"),
        ({"start_day": ""}, "Enter the start day as YYYY-MM-DD"),
        ({"start_day": "2026-09-28"}, "Pick a day in the last 8 weeks"),
        ({"start_day": "2030-01-01"}, "Start within the next year"),
    ],
)
def test_bad_start_days_get_a_clear_422(user, client, app, db, change, message):
    response = start(client, app, **change)
    assert response.status_code == 422
    assert message in text_of(response)
    assert rows(db, "enrollments") == 0


def test_unanswered_questions_get_a_422(user, client, app, db):
    form = answers(app, "microcurrent")
    del form["q_pregnancy"]
    response = client.post("/programs/microcurrent-60-days/start", data=form)
    assert response.status_code == 422
    assert "Answer yes or no:" in text_of(response)
    assert rows(db, "screenings") == 0


def test_a_needle_length_not_offered_is_refused(user, client, app, db):
    response = start(client, app, "microneedling-roller-twice-weekly", "microneedling", needle_length="0.5")
    assert response.status_code == 422
    assert "Choose one of the offered values" in text_of(response)
    ok = start(client, app, "microneedling-stamp-fortnightly", "microneedling", needle_length="0.5")
    assert ok.status_code == 303
    assert store.enrollments_of(db, 1)[0].options["needle_length"] == "0.5"


def test_starting_the_same_program_twice_is_refused(user, client, app, db):
    start(client, app)
    again = start(client, app)
    assert again.status_code == 409
    assert "already follow" in text_of(again)
    assert rows(db, "enrollments") == 1


def test_several_programs_at_once(user, client, app, db):
    start(client, app)
    start(client, app, "led-red-intensive", "led_mask")
    page = text_of(client.get("/programs"))
    assert "Your programs" in page and "60-day toning plan" in page and "Red light" in page


def test_pause_resume_and_stop(user, client, app, db, clock):
    location = start(client, app).headers["Location"]
    eid = int(location.rsplit("/", 1)[1])
    paused = client.post(f"{location}/pause", data={"first_day": "2026-11-24", "reason": "travel"})
    assert paused.status_code == 303
    assert "Paused until you resume" in text_of(client.get(location))
    clock.set(2026, 11, 27, 12, 0)
    assert client.post(f"{location}/resume").status_code == 303
    enrollment = store.enrollment_of(db, 1, eid)
    assert enrollment.pauses[0].last_day == date(2026, 11, 26)
    assert enrollment.state_on(date(2026, 11, 27)) == "active"
    assert client.post(f"{location}/resume").status_code == 409
    unconfirmed = client.post(f"{location}/stop")
    assert unconfirmed.status_code == 422
    assert client.post(f"{location}/stop", data={"confirm": "yes"}).status_code == 303
    assert store.enrollment_of(db, 1, eid).status == "stopped"


def test_planned_pause_can_be_removed(user, client, app, db):
    location = start(client, app).headers["Location"]
    client.post(f"{location}/pause", data={"first_day": "2026-12-20", "last_day": "2027-01-03"})
    assert "Planned pauses" in text_of(client.get(location))
    pause_id = store.enrollments_of(db, 1)[0].pauses[0].id
    assert client.post(f"{location}/pauses/{pause_id}/cancel").status_code == 303
    assert store.enrollments_of(db, 1)[0].pauses == ()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"first_day": "tomorrow"}, "Enter the first day as YYYY-MM-DD"),
        ({"first_day": "2026-12-10", "last_day": "2026-12-01"}, "cannot be before the first day"),
        ({"first_day": "2026-10-01"}, "at most a week ago"),
        ({"first_day": "2026-12-01", "reason": "x" * 201}, "under 200 characters"),
    ],
)
def test_bad_pauses_get_a_clear_422(user, client, app, db, form, message):
    location = start(client, app).headers["Location"]
    response = client.post(f"{location}/pause", data=form)
    assert response.status_code == 422
    assert message in text_of(response)
    assert rows(db, "pauses") == 0


def test_overlapping_pauses_are_refused(user, client, app, db):
    location = start(client, app).headers["Location"]
    client.post(f"{location}/pause", data={"first_day": "2026-12-01", "last_day": "2026-12-10"})
    overlap = client.post(f"{location}/pause", data={"first_day": "2026-12-05"})
    assert overlap.status_code == 422
    assert "overlap" in text_of(overlap)
    assert rows(db, "pauses") == 1


def test_another_users_enrollment_is_404_and_untouched(user, client, app, db):
    location = start(client, app).headers["Location"]
    other = app.test_client()
    Auth(other).register(email="eve@example.com")
    assert other.get(location).status_code == 404
    for action, data in [
        ("pause", {"first_day": "2026-11-24"}),
        ("resume", {}),
        ("stop", {"confirm": "yes"}),
        ("screening", answers(app, "microcurrent")),
    ]:
        assert other.post(f"{location}/{action}", data=data).status_code == 404
    assert other.get(f"{location}/screening").status_code == 404
    assert other.get("/enrollments/99999").status_code == 404
    enrollment = store.enrollments_of(db, 1)[0]
    assert enrollment.status == "active" and enrollment.pauses == ()


@pytest.fixture
def new_questions(tmp_path):
    """A copy of the catalog whose microcurrent questions have a new version."""
    folder = tmp_path / "catalog"
    shutil.copytree(SHIPPED, folder)
    path = folder / "microcurrent.toml"
    path.write_text(path.read_text().replace("questions_version = 2", "questions_version = 3"))
    return folder


def test_changed_questions_are_asked_again(user, client, app, make_app, new_questions, db):
    location = start(client, app).headers["Location"]
    updated = make_app(CATALOG_DIR=str(new_questions))
    phone = updated.test_client()
    Auth(phone).login()
    assert "The safety questions have changed" in text_of(phone.get(location))
    saved = phone.post(f"{location}/screening", data=answers(updated, "microcurrent", yes=["jaw_tension"]))
    assert saved.status_code == 303
    assert "The safety questions have changed" not in text_of(phone.get(location))
    assert store.latest_screening(db, 1, "microcurrent").questions_version == 3
    assert store.enrollments_of(db, 1)[0].options["skip_areas"] == ["jaw"]


def test_answering_again_with_a_block_stops_the_program(user, client, app, db):
    location = start(client, app).headers["Location"]
    response = client.post(f"{location}/screening", data=answers(app, "microcurrent", yes=["pregnancy"]))
    assert "We stopped this program" in text_of(response)
    assert store.enrollments_of(db, 1)[0].status == "stopped"


def test_an_ongoing_phase_says_ongoing_once(user, client):
    """Issue 16: "Ongoing: every other day, ongoing" said it twice."""
    page = text_of(client.get("/programs/microcurrent-every-other-day"))
    assert re.search(r"Ongoing: [a-z0-9 ]+\.", page) and "ongoing, ongoing" not in page.lower()
    assert not re.search(r"Ongoing: [^.]*, ongoing", page)
