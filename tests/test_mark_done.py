"""Issue 16, the daily loop: Mark done records a whole session in one tap (and Undo), a done routine collapses
to one line, a done day says so with the streak and the week, a program can begin in the past and its days
be marked, skips are chosen ahead, and the weekly check-in is asked for."""

import re

import pytest

from tests.conftest import Auth, text_of
from tests.support.programs import MICROCURRENT_STEPS, start

DAY = "2026-11-24"  # a Tuesday; the test clock's day
ROUTINE = "microcurrent-standard"
MARK = f"/days/{DAY}/routines/{ROUTINE}/done"
FRAGMENT = {"HX-Request": "true", "HX-Target": "day-routines"}


def mark(client, day=DAY, routine=ROUTINE, done="1", htmx=True, **form):
    headers = FRAGMENT if htmx else {}
    return client.post(f"/days/{day}/routines/{routine}/done", data={"done": done, **form}, headers=headers)


def ticked(db, day=DAY, routine=ROUTINE):
    return [
        row[0]
        for row in db.execute(
            "SELECT step_id FROM ticks WHERE day = ? AND routine_id = ? ORDER BY step_id", [day, routine]
        )
    ]


def sessions(db):
    return db.execute("SELECT day, routine_id, status, steps_done FROM sessions ORDER BY day").fetchall()


@pytest.fixture
def enrolled(user, client, app):
    assert start(client, app).status_code == 303
    return client


def test_today_leads_with_next_up_its_length_and_both_ways_to_do_it(enrolled):
    html = enrolled.get("/today").get_data(as_text=True)
    page = text_of(enrolled.get("/today"))
    assert re.search(r"Next up Microcurrent toning routine \d+ min( \d+ s)? · 1st of \d this week", page), page
    assert "Start guided" in page and "Mark done" in page
    assert f'action="{MARK}"' in html and 'hx-target="#day-routines"' in html
    assert '<details class="steps">' in html  # the steps one by one are there, folded away


def test_mark_done_records_the_whole_session_in_one_request(enrolled, db):
    response = mark(enrolled)
    assert response.status_code == 200
    assert response.vary.find("HX-Request") >= 0
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="day-routines"') and "<html" not in html
    assert ticked(db) == sorted(MICROCURRENT_STEPS)
    assert sessions(db) == [(DAY, ROUTINE, "done", len(MICROCURRENT_STEPS))]
    text = text_of(response)
    assert "All done for today" in text
    assert "1 session in a row +1 , this one included" in text
    assert re.search(r"1/\d planned this week", text)
    assert "Next: tomorrow · Microcurrent toning routine" in text
    assert "Undo" in text and "Start guided" not in text and "Mark done" not in text


def test_a_done_routine_is_one_line_with_its_time_and_length(enrolled):
    mark(enrolled)
    page = text_of(enrolled.get("/today"))
    # Done at 12:00 UTC, 13:00 in Paris; the routine's planned length.
    assert re.search(r"Microcurrent toning routine · done 13:00 · \d+ min( \d+ s)?", page), page
    assert "Continue guided" not in page and "Start guided" not in page
    assert "Session done · 10 of 10 steps" in page  # behind the line, to open


def test_mark_done_twice_or_replayed_keeps_one_session(enrolled, db):
    assert mark(enrolled, client_id="phone-1").status_code == 200
    assert mark(enrolled, client_id="phone-1").status_code == 200  # the outbox sent it again
    assert mark(enrolled).status_code == 200  # a second tap
    assert sessions(db) == [(DAY, ROUTINE, "done", len(MICROCURRENT_STEPS))]
    assert db.execute("SELECT count(*) FROM ticks").fetchone()[0] == len(MICROCURRENT_STEPS)


def test_undo_puts_back_the_steps_ticked_before(enrolled, db):
    enrolled.post(f"/days/{DAY}/routines/{ROUTINE}/steps/cleanse", data={"done": "1"})
    response = mark(enrolled)
    keep = re.findall(r'name="keep" value="([^"]+)"', response.get_data(as_text=True))
    assert keep == ["cleanse"]
    undone = mark(enrolled, done="0", keep=keep)
    assert undone.status_code == 200
    assert ticked(db) == ["cleanse"]
    assert sessions(db) == [(DAY, ROUTINE, "open", 1)]
    assert "Mark done" in text_of(undone) and "All done" not in text_of(undone)


def test_undo_cannot_tick_steps_that_were_not_done(enrolled, db):
    mark(enrolled)
    mark(enrolled, done="0", keep=["cleanse", "no-such-step"])
    assert ticked(db) == ["cleanse"]
    mark(enrolled, done="0")
    assert ticked(db) == [] and sessions(db) == []


def test_mark_done_without_javascript_answers_303_with_a_message(enrolled, db):
    response = mark(enrolled, htmx=False)
    assert response.status_code == 303 and response.headers["Location"] == f"/days/{DAY}#routine-{ROUTINE}"
    assert "Microcurrent toning routine: done." in text_of(enrolled.get("/today"))


@pytest.mark.parametrize(
    ("form", "status"),
    [({"done": "maybe"}, 422), ({}, 422)],
)
def test_mark_done_says_what_it_needs(enrolled, db, form, status):
    response = enrolled.post(MARK, data=form, headers=FRAGMENT)
    assert response.status_code == status and "done=1" in text_of(response)
    assert sessions(db) == []


def test_mark_done_refuses_the_future_and_another_users_routine(enrolled, db, app):
    future = mark(enrolled, day="2026-11-26")
    assert future.status_code == 409 and "Future days can be viewed but not ticked" in text_of(future)
    assert mark(enrolled, routine="led-blue").status_code == 404
    other = app.test_client()
    Auth(other).register(email="eve@example.com")
    assert mark(other).status_code == 404
    assert sessions(db) == []


def test_mark_done_keeps_a_devices_spacing(user, client, app, db, clock):
    start(client, app, "microneedling-roller-twice-weekly", "microneedling")
    clock.set(2026, 11, 20, 12, 0)
    client.post("/days/2026-11-20/gates/microneedling/patch_test")
    clock.set(2026, 11, 26, 12, 0)
    assert mark(client, day="2026-11-26", routine="microneedling-roller-025").status_code == 200
    refused = mark(client, day="2026-11-25", routine="microneedling-roller-025")
    assert refused.status_code == 409 and "2 days between sessions" in text_of(refused)
    assert [row[0] for row in sessions(db)] == ["2026-11-26"]


def test_a_program_begun_weeks_ago_has_its_days_marked_done_in_one_tap_each(user, client, app, db):
    assert start(client, app, start_day="2026-11-03").status_code == 303  # three weeks ago
    past = text_of(client.get("/days/2026-11-04"))
    assert "Did you do it that day? Mark it done" in past and "Mark done" in past and "Skip this day" not in past
    for day in ("2026-11-04", "2026-11-06", "2026-11-10"):
        assert mark(client, day=day).status_code == 200
    assert [row[0] for row in sessions(db)] == ["2026-11-04", "2026-11-06", "2026-11-10"]
    assert "Tue 10 November done" in text_of(client.get("/progress/weeks/2026-11-09"))


def test_a_start_more_than_eight_weeks_back_is_refused(user, client, app, db):
    response = start(client, app, start_day="2026-09-28")
    assert response.status_code == 422 and "Pick a day in the last 8 weeks" in text_of(response)
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 0


def test_a_wait_from_the_screening_still_forbids_a_start_in_the_past(user, client, app, db):
    device = app.extensions["catalog"].devices["led_mask"]
    wait = next(q for q in device.questions if q.outcome == "wait")
    program = next(p for p in app.extensions["catalog"].programs.values() if p.device_id == "led_mask")
    response = start(client, app, program.id, "led_mask", yes=(wait.id,), start_day="2026-11-10")
    assert response.status_code == 422 and "Because of your answers, start on" in text_of(response)


def test_a_missed_day_cannot_become_a_skip_but_a_later_day_can(enrolled, db, clock):
    clock.set(2026, 11, 26, 12, 0)
    Auth(enrolled).login()
    refused = enrolled.post(f"/days/2026-11-25/routines/{ROUTINE}/skip")
    assert refused.status_code == 422 and "A skip is chosen ahead" in text_of(refused)
    assert enrolled.post(f"/days/2026-11-27/routines/{ROUTINE}/skip").status_code == 303
    assert db.execute("SELECT first_day, last_day FROM pauses").fetchall() == [("2026-11-27", "2026-11-27")]


def test_the_last_tick_of_a_session_redraws_the_day(enrolled):
    headers = {"HX-Request": "true"}
    for step in MICROCURRENT_STEPS[:-1]:
        response = enrolled.post(
            f"/days/{DAY}/routines/{ROUTINE}/steps/{step}",
            data={"done": "1"},
            headers={**headers, "HX-Target": f"step-{ROUTINE}-{step}"},
        )
        assert "HX-Retarget" not in response.headers
    last = MICROCURRENT_STEPS[-1]
    response = enrolled.post(
        f"/days/{DAY}/routines/{ROUTINE}/steps/{last}",
        data={"done": "1"},
        headers={**headers, "HX-Target": f"step-{ROUTINE}-{last}"},
    )
    assert response.headers["HX-Retarget"] == "#day-routines" and response.headers["HX-Reswap"] == "outerHTML"
    assert "All done for today" in text_of(response)


def test_the_weekly_check_in_is_asked_for_on_the_weeks_last_day_until_done(enrolled, clock):
    clock.set(2026, 11, 29, 12, 0)  # Sunday, the last day of a week starting Monday
    Auth(enrolled).login()
    assert "Weekly check-in" not in text_of(enrolled.get("/today"))  # nothing done this week yet: nothing asked
    mark(enrolled, day="2026-11-28")
    page = text_of(enrolled.get("/today"))
    assert "Your week ends today" in page and "Weekly check-in" in page
    clock.set(2026, 11, 30, 12, 0)  # Monday: the week just ended
    assert "Your week just ended" in text_of(enrolled.get("/today"))
    enrolled.post(
        "/progress/weeks/2026-11-23/checkin", data={"firmness": "3", "fine_lines": "3", "glow": "4", "note": ""}
    )
    assert "Weekly check-in" not in text_of(enrolled.get("/today"))
    clock.set(2026, 12, 2, 12, 0)  # mid-week: nothing asked
    assert "Weekly check-in" not in text_of(enrolled.get("/today"))


def test_a_one_time_test_names_the_program_waiting_for_it(user, client, app):
    start(client, app, "microneedling-roller-twice-weekly", "microneedling")
    name = app.extensions["catalog"].programs["microneedling-roller-twice-weekly"].name
    assert f"Before {name} can begin." in text_of(client.get("/today"))


def test_a_plan_starting_later_does_not_speak_of_rest_days(user, client, app):
    start(client, app, start_day="2026-11-27")
    page = text_of(client.get("/today"))
    assert "Your plan has not begun yet" in page and "Rest days" not in page
    assert "Starts Friday 27 November" in page and "Next:" not in page


def test_a_programs_pages_offer_a_guided_start_only_when_a_session_is_due(user, client, app):
    """Issue 16: "Start guided" on a gated program bounced to Today with "Not today"."""
    start(client, app, "microneedling-roller-twice-weekly", "microneedling")
    for path in ("/enrollments/1", "/programs/microneedling-roller-twice-weekly"):
        page = text_of(client.get(path))
        assert "Start guided" not in page and "Not today: do the one-time test first." in page, path
    start(client, app)
    assert "Start guided" in text_of(client.get("/enrollments/2"))
    mark(client)
    page = text_of(client.get("/enrollments/2"))
    assert "Done today." in page and "Start guided" not in page


def test_a_plan_begun_mid_week_says_why_its_week_is_shorter(user, client, app, clock):
    """Issue 16: "1st of 4 this week" for "5 times a week", without saying why."""
    start(client, app, start_day="2026-11-25")  # a Wednesday; the week starts on Monday
    clock.set(2026, 11, 25, 12, 0)
    Auth(client).login()
    page = text_of(client.get("/today"))
    assert re.search(r"1st of \d this week \(the plan began Wednesday 25 November\)", page), page
    clock.set(2026, 12, 1, 12, 0)  # the next week is a whole one: nothing to explain
    Auth(client).login()
    assert "the plan began" not in text_of(client.get("/today"))


def test_with_two_routines_the_reward_points_to_the_one_still_due(enrolled, app, db):
    start(enrolled, app, "face-workout-daily", "face_workout")
    text = text_of(mark(enrolled))
    assert "Still to do today: 5-minute face workout" in text and "Next:" not in text
    assert "sessions in a row" not in text.replace("session in a row", "")  # the routine just done: its streak only
    assert "planned this week (all plans)" in text


def test_a_done_routine_can_be_marked_not_done_and_undo_keeps_focus_in_the_card(enrolled, db):
    mark(enrolled)
    html = enrolled.get("/today").get_data(as_text=True)
    assert "Mark not done" in html
    mark(enrolled, done="0")
    assert sessions(db) == []
