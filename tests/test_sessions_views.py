"""The guided player's state machine on the server: start, step done, skip, back, resume, finish."""

import re

import pytest

from model import store
from tests.conftest import Auth, text_of
from tests.support.programs import start as enroll

DAY = "2026-11-24"
ROUTINE = "microcurrent-standard"
JSON = {"Accept": "application/json"}


def begin(client, routine=ROUTINE, day=DAY):
    return client.post("/sessions", data={"day": day, "routine": routine})


def session_url(response):
    assert response.status_code == 303, response.status_code
    assert re.fullmatch(r"/sessions/\d+", response.headers["Location"])
    return response.headers["Location"]


def step(client, url, step_id, outcome="done", headers=None):
    return client.post(f"{url}/steps/{step_id}", data={"outcome": outcome}, headers=headers or {})


@pytest.fixture
def playing(user, client, app):
    enroll(client, app)
    return session_url(begin(client))


def ticks(db):
    return [row[0] for row in db.execute("SELECT step_id FROM ticks ORDER BY ticked_at, step_id")]


def test_today_offers_start_guided(user, client, app):
    enroll(client, app)
    page = client.get("/today").get_data(as_text=True)
    assert 'action="/sessions"' in page and "Start guided" in page


def test_start_opens_the_first_step(playing, client):
    page = text_of(client.get(playing))
    assert "Step 1 of 10" in page and "Cleanse and dry" in page and "1:00" in page


def test_starting_again_resumes_the_same_session(playing, client):
    step(client, playing, "cleanse")
    assert session_url(begin(client)) == playing
    assert "Step 2 of 10" in text_of(client.get(playing))


def test_a_done_step_is_a_today_tick(playing, client, db):
    response = step(client, playing, "cleanse")
    assert response.status_code == 303 and response.headers["Location"] == playing
    assert ticks(db) == ["cleanse"]
    assert "1 of 10 steps" in text_of(client.get("/today"))
    assert "Gel on the left half" in text_of(client.get(playing))


def test_json_answers_for_the_player_script(playing, client):
    response = step(client, playing, "cleanse", headers=JSON)
    assert response.status_code == 200
    assert response.get_json() == {"current": "gel-left", "done": ["cleanse"], "skipped": [], "finished": False}


def test_skip_back_and_out_of_order(playing, client, db):
    step(client, playing, "cleanse")
    assert step(client, playing, "gel-left", "skip", JSON).get_json()["current"] == "jaw-left"
    assert client.post(f"{playing}/back", headers=JSON).get_json()["current"] == "gel-left"
    out_of_order = step(client, playing, "finish", headers=JSON)
    assert out_of_order.status_code == 409 and "Out of order" in out_of_order.get_json()["error"]
    assert step(client, playing, "gel-left", headers=JSON).get_json() == {
        "current": "jaw-left",
        "done": ["cleanse", "gel-left"],
        "skipped": [],
        "finished": False,
    }
    assert ticks(db) == ["cleanse", "gel-left"]


def test_a_retried_step_counts_once(playing, client, db):
    step(client, playing, "cleanse")
    again = step(client, playing, "cleanse", headers=JSON)
    assert again.status_code == 200 and again.get_json()["current"] == "gel-left"
    assert ticks(db) == ["cleanse"]
    assert db.execute("SELECT steps_done FROM sessions").fetchone()[0] == 1


def test_finish_shows_a_summary_and_counts_as_done(playing, client, db, clock):
    step(client, playing, "cleanse")
    step(client, playing, "gel-left", "skip")
    clock.set(2026, 11, 24, 12, 6, 30)
    finished = client.post(f"{playing}/finish")
    assert finished.headers["Location"] == playing
    page = text_of(client.get(playing))
    assert "Session complete" in page and "6 min 30 s" in page and "1 of 10" in page and "Skipped 1" in page
    assert db.execute("SELECT status FROM sessions").fetchone()[0] == "done"
    assert "Session done" in text_of(client.get("/today"))
    assert client.post(f"{playing}/finish").status_code == 303  # twice: nothing changes
    assert step(client, playing, "jaw-left", headers=JSON).status_code == 409
    assert client.post(f"{playing}/back", headers=JSON).status_code == 409


def test_the_whole_routine_without_javascript(playing, client, app, db):
    routine = app.extensions["catalog"].routines[ROUTINE]
    steps = routine.steps_for(neck=False)
    for number, s in enumerate(steps, 1):
        page = text_of(client.get(playing))
        assert ("Done, finish" in page) == (number == len(steps))  # the last step's button says it ends
        assert step(client, playing, s.id).status_code == 303
        page = client.get(playing)
        assert page.status_code == 200
    assert "Session complete" in text_of(page) and "10 of 10" in text_of(page)
    assert db.execute("SELECT status, steps_done FROM sessions").fetchone() == ("done", 10)
    assert "Session done · 10 of 10 steps" in text_of(client.get("/today"))


def test_steps_left_out_by_screening_are_not_in_the_player(user, client, app):
    enroll(client, app, yes=["jaw_tension"])
    url = session_url(begin(client))
    page = text_of(client.get(url))
    assert "Step 1 of 8" in page and "Jawline glides" not in page


def test_neck_steps_follow_the_users_choice(user, client, app):
    enroll(client, app, neck="on")
    page = text_of(client.get(session_url(begin(client))))
    assert "Step 1 of 12" in page and "Neck glides" in page


@pytest.mark.parametrize(
    ("data", "status"),
    [({"day": DAY, "routine": "led-blue"}, 404), ({"day": "yesterday", "routine": ROUTINE}, 404), ({}, 404)],
)
def test_bad_starts_are_refused(user, client, app, db, data, status):
    enroll(client, app)
    assert client.post("/sessions", data=data).status_code == status
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_guided_sessions_run_on_today_only(user, client, app, db, clock):
    enroll(client, app)
    clock.set(2026, 11, 25, 12, 0)
    response = begin(client, day=DAY)
    assert response.headers["Location"] == "/today"
    assert "Guided sessions run on today's page" in text_of(client.get("/today"))


def test_unknown_step_and_bad_outcome(playing, client, db):
    assert step(client, playing, "no-such-step").status_code == 404
    assert client.post(f"{playing}/steps/cleanse", data={"outcome": "maybe"}).status_code == 422
    assert ticks(db) == []


def test_another_users_session_is_404(playing, app, db):
    other = app.test_client()
    Auth(other).register(email="eve@example.com")
    assert other.get(playing).status_code == 404
    assert step(other, playing, "cleanse").status_code == 404
    assert other.post(f"{playing}/back").status_code == 404
    assert other.post(f"{playing}/finish").status_code == 404
    assert ticks(db) == [] and db.execute("SELECT finished_at FROM sessions").fetchone()[0] is None


def test_cue_settings_are_remembered(user, client, db):
    assert client.post("/account/cues", data={"cue_beep": "on", "cue_voice": "on"}).status_code == 303
    saved = store.user_by_email(db, "ana@example.com")
    assert (saved.cue_beep, saved.cue_vibrate, saved.cue_voice, saved.auto_advance) == (True, False, True, False)
    page = client.get("/account").get_data(as_text=True)
    assert re.search(r'id="cue_voice" name="cue_voice" type="checkbox"\s+checked', page)


def test_start_guided_from_the_program_and_enrollment_pages(user, client, app):
    location = enroll(client, app).headers["Location"]
    for page in ("/programs/microcurrent-60-days", location):
        html = client.get(page).get_data(as_text=True)
        assert 'action="/sessions"' in html and 'name="routine" value="microcurrent-standard"' in html
    assert "Start this program" in text_of(client.get("/programs/led-blue-intensive"))


def test_the_players_script_gets_its_refusals_as_json(playing, client):
    as_script = {"Accept": "application/json"}
    missing = step(client, playing, "no-such-step", headers=as_script)
    assert missing.status_code == 404 and missing.get_json() == {"error": "That step is not part of this session."}
    out_of_order = step(client, playing, "jaw-left", headers=as_script)
    assert out_of_order.status_code == 409
    assert out_of_order.get_json() == {"error": "Out of order: that is not the current step."}
    page = step(client, playing, "no-such-step")  # a plain form gets the 404 page
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
