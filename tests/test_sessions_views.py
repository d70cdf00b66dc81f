"""The guided player's state machine on the server: start, step done, skip, back, resume, finish."""

import re

import pytest

from model import guided, store
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


def button_name(html, action):
    """The name a screen reader gives the player's button for `action`: its label, or else its text."""
    found = re.search(rf'data-action="{action}"([^>]*)>(.*?)</button>', html, re.S)
    assert found, action
    label = re.search(r'aria-label="([^"]*)"', found[1])
    return label[1] if label else " ".join(re.sub(r"<[^>]+>", "", found[2]).split())


def text_of_html(html):
    """The text of an HTML string, tags stripped and spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


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
    assert "Session complete" in page and "6:30 time taken" in page and "1/10 steps done, 1 skipped" in page
    assert "1 session in a row +1" in page and "Back to Today" in page
    assert db.execute("SELECT status FROM sessions").fetchone()[0] == "done"
    assert "Session done" in text_of(client.get("/today"))
    assert client.post(f"{playing}/finish").status_code == 303  # twice: nothing changes
    assert step(client, playing, "jaw-left", headers=JSON).status_code == 409
    assert client.post(f"{playing}/back", headers=JSON).status_code == 409


def test_the_whole_routine_without_javascript(playing, client, app, db):
    routine = app.extensions["catalog"].routines[ROUTINE]
    steps = routine.steps_for(neck=False)
    for number, s in enumerate(steps, 1):
        html = client.get(playing).get_data(as_text=True)
        assert button_name(html, "done") == ("Done, finish" if number == len(steps) else "Done, next step")
        assert step(client, playing, s.id).status_code == 303
        page = client.get(playing)
        assert page.status_code == 200
    assert "Session complete" in text_of(page) and "10/10 steps done" in text_of(page)
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


# Issue 16: the focus player ---------------------------------------------------------------------------


def test_the_player_is_full_screen_with_its_own_styles(playing, client):
    html = client.get(playing).get_data(as_text=True)
    assert 'class="tab-bar"' not in html and 'aria-label="Main"' not in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/player\.css\?v=\w+">', html)
    assert "player.css" not in client.get("/today").get_data(as_text=True)  # only the player loads it


def test_the_first_session_asks_once_whether_to_speak_each_step(playing, client, db):
    assert "Speak each step?" in text_of(client.get(playing))
    answer = client.post(f"{playing}/voice", data={"voice": "on"})
    assert answer.status_code == 303 and answer.headers["Location"] == playing
    saved = store.user_by_email(db, "ana@example.com")
    assert (saved.cue_voice, saved.voice_asked) == (True, True)
    html = client.get(playing).get_data(as_text=True)
    assert "Speak each step?" not in html
    # The switch at the top shows the voice on, and its form would turn it off.
    assert re.search(r'name="voice" value="off" data-voice-value', html)
    assert re.search(r'data-action="voice" aria-pressed="true"', html)
    assert "Speak each step?" not in text_of(client.get(session_url(begin(client))))  # asked once, not per session


def test_the_voice_switch_answers_the_script_and_refuses_nonsense(playing, client, app, db):
    assert client.post(f"{playing}/voice", data={"voice": "off"}, headers=JSON).get_json() == {"voice": False}
    assert store.user_by_email(db, "ana@example.com").voice_asked
    assert client.post(f"{playing}/voice", data={"voice": "loud"}).status_code == 422
    assert client.post(f"{playing}/voice", data={}).status_code == 422
    other = app.test_client()
    Auth(other).register(email="eve@example.com")
    assert other.post(f"{playing}/voice", data={"voice": "on"}).status_code == 404
    assert store.user_by_email(db, "ana@example.com").cue_voice is False
    assert store.user_by_email(db, "eve@example.com").voice_asked is False


def test_choosing_cues_in_account_counts_as_answering_the_voice_question(playing, client, db):
    client.post("/account/cues", data={"cue_beep": "on"})
    assert store.user_by_email(db, "ana@example.com").voice_asked
    assert "Speak each step?" not in text_of(client.get(playing))


def test_ending_early_without_javascript_asks_on_the_page_first(playing, client, db):
    assert not re.search(r"<dialog[^>]*\bopen\b", client.get(playing).get_data(as_text=True))
    step(client, playing, "cleanse")
    html = client.get(f"{playing}?end=1").get_data(as_text=True)
    assert re.search(r"<dialog[^>]*\bopen\b", html)
    assert "End the session now? It is saved as done, with 1 of 10 steps." in text_of_html(html)
    assert f'action="{playing}/finish"' in html and f'href="{playing}" data-action="keep"' in html
    assert db.execute("SELECT finished_at FROM sessions").fetchone()[0] is None  # asking changes nothing


def test_each_device_counts_its_steps_in_its_own_word(app):
    devices = app.extensions["catalog"].devices
    counts = {device_id: devices[device_id].counts for device_id in devices}
    assert counts == {
        "microcurrent": "glide",
        "gua_sha": "glide",
        "roller": "pass",
        "microneedling": "pass",
        "led_mask": "minute",
        "face_workout": "rep",
    }


def test_a_face_workout_counts_reps_and_holds_not_glides(user, client, app):
    enroll(client, app, "face-workout-daily", "face_workout")
    url = session_url(begin(client, "face-workout-5min"))
    html = client.get(url).get_data(as_text=True)
    assert "12 reps × 5 s" in text_of_html(html) and "glide" not in html.lower()
    words = dict(re.findall(r'data-step-id="([\w-]+)".*?data-count="(\w+)"', html, re.S))
    assert words == {
        "cheek-lifter": "rep",
        "happy-cheeks": "hold",  # 3 × 20 s: "Hold 20 seconds"
        "brow-lift": "rep",
        "jaw-release": "rep",
        "chin-lift": "hold",  # 6 × 10 s: "Hold, then relax"
    }
    assert "data-stroke-for" not in html  # exercises do not glide over the skin: no stroke to draw
    step(client, url, "cheek-lifter")
    assert "3 holds × 20 s" in text_of(client.get(url))


def test_glide_steps_draw_their_stroke_from_start_to_end(playing, client):
    html = client.get(playing).get_data(as_text=True)
    strokes = dict(re.findall(r'data-stroke-for="([\w-]+)" data-pace="(\d+)"', html))
    # Every glide step has a stroke at its glide pace; cleansing and gel steps have none.
    assert strokes == {f"{area}-{side}": "5" for side in ("left", "right") for area in ("jaw", "cheek", "forehead")}
    jaw_left = re.search(r'data-stroke-for="jaw-left".*?d="([^"]+)"', html, re.S)[1]
    jaw_right = re.search(r'data-stroke-for="jaw-right".*?d="([^"]+)"', html, re.S)[1]
    assert (jaw_left, jaw_right) == ("M92 180 Q60 166 46 126", "M108 180 Q140 166 154 126")  # chin → ear
    assert not re.search(r'class="stroke on"', html)  # the first step, cleansing, draws none
    step(client, playing, "cleanse")
    step(client, playing, "gel-left")
    assert re.search(r'class="stroke on" data-stroke-for="jaw-left"', client.get(playing).get_data(as_text=True))


@pytest.mark.parametrize(
    ("device", "area", "side", "paths"),
    [
        ("microcurrent", "forehead", "left", ("M74 76 L74 38",)),  # brow up to the hairline
        ("microcurrent", "forehead", "both", ("M74 76 L74 38", "M126 76 L126 38")),
        ("gua_sha", "neck", "both", ("M100 200 L100 232",)),  # down the front of the neck
        ("gua_sha", "neck", "right", ("M118 200 L118 232",)),
        ("roller", "forehead", "right", ("M106 54 Q130 50 150 62",)),  # out to the temple
        ("microneedling", "cheeks", "left", ()),  # four directions: no single arrow
        ("face_workout", "cheeks", "both", ()),
    ],
)
def test_stroke_paths_per_device_area_and_side(device, area, side, paths):
    assert guided.strokes(device, area, side) == paths


def test_a_session_ended_before_any_step_is_no_session_and_starts_afresh(playing, client, db):
    """Issue 16 (found trying it): End after five seconds saved "Session complete" and grew the streak."""
    assert "No step is done yet, so nothing is saved" in text_of(client.get(f"{playing}?end=1"))
    step(client, playing, "cleanse", outcome="skip")
    assert client.post(f"{playing}/finish").status_code == 303
    page = text_of(client.get(playing))
    assert "Session ended" in page and "nothing is saved" in page and "in a row" not in page
    assert db.execute("SELECT status FROM sessions").fetchall() == [("open",)]
    today = text_of(client.get("/today"))
    assert "Start guided" in today and "All done" not in today and "Continue guided" not in today
    # Started again from Today: a fresh run from the first step, not the ended one's summary.
    again = client.post("/sessions", data={"day": "2026-11-24", "routine": "microcurrent-standard"})
    assert again.headers["Location"] == playing
    page = text_of(client.get(playing))
    assert "Step 1 of 10" in page and "Session ended" not in page
    step(client, playing, "cleanse")
    client.post(f"{playing}/finish")
    assert db.execute("SELECT status, steps_done FROM sessions").fetchall() == [("done", 1)]


def test_an_ended_run_with_nothing_done_is_not_drawn_as_a_win(playing, client):
    client.post(f"{playing}/finish")
    html = client.get(playing).get_data(as_text=True)
    assert "<title>Session ended" in html and "reward-ring" not in html and 'class="card summary"' in html
