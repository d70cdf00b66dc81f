"""Issue 16 on a phone: a whole session logged in one tap (today, offline, or a day weeks ago), what it gives
back, Undo for a few seconds, and the done routine folded into one line."""

import sqlite3
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import answer_all, assert_accessible, register
from tests.support.browser import controlled, start_microcurrent

pytestmark = pytest.mark.browser


def sessions_of(db_path, email):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT s.day, s.status, s.steps_done FROM sessions s JOIN users u ON u.id = s.user_id "
            "WHERE u.email = ? ORDER BY s.day",
            [email],
        ).fetchall()


def test_one_tap_logs_the_session_and_says_what_it_gave_back(phone, server_db):
    page = phone
    page.clock.install()  # the Undo's few seconds, run on Playwright's clock
    email = register(page)
    start_microcurrent(page)
    expect(page.locator(".next-up")).to_contain_text("Next up")
    assert_accessible(page)

    taps = 0
    page.get_by_role("button", name="Mark done").click()
    taps += 1
    reward = page.locator("#reward")
    expect(reward.get_by_role("heading", name="All done for today")).to_be_visible()
    expect(reward).to_be_focused()  # read out by a screen reader, as a status would be
    expect(reward).to_contain_text("in a row")
    expect(reward).to_contain_text("planned this week")
    expect(page.locator(".done-line")).to_contain_text("Microcurrent toning routine · done")
    assert taps == 1 and sessions_of(server_db, email) == [(date.today().isoformat(), "done", 10)]
    assert_accessible(page)
    page.emulate_media(color_scheme="dark")
    assert_accessible(page)

    # Undo while it is offered: the session is gone, and Mark done is back.
    reward.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("button", name="Mark done")).to_be_focused()  # the place is kept for the keyboard
    assert sessions_of(server_db, email) == []

    # Mark done again, then let the seconds pass: Undo goes, the done line stays (and opens).
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator("#reward").get_by_role("button", name="Undo")).to_be_visible()
    page.clock.run_for(11_000)
    expect(page.locator("#reward").get_by_role("button", name="Undo")).to_be_hidden()
    page.locator(".done-line summary").click()
    expect(page.locator(".done-line").get_by_role("checkbox")).to_have_count(10)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_accessible(page)


def test_mark_done_offline_waits_on_the_phone_then_syncs_once(phone, server_db):
    page = phone
    email = register(page)
    start_microcurrent(page)
    controlled(page)
    page.allow_console_errors = True  # the failed fetch while offline
    page.context.set_offline(True)
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator("#routine-microcurrent-standard")).to_have_class("card routine next-up pending")
    expect(page.locator("#tick-status")).to_contain_text("Saved on this phone")
    assert len(page.evaluate("FaceOutbox.all()")) == 1 and sessions_of(server_db, email) == []

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_role("heading", name="All done for today")).to_be_visible()
    assert sessions_of(server_db, email) == [(date.today().isoformat(), "done", 10)]
    assert page.evaluate("FaceOutbox.all()") == []


def test_a_program_begun_weeks_ago_has_each_day_marked_in_one_tap(phone, server_db):
    page = phone
    email = register(page)
    began = date.today() - timedelta(days=20)
    page.goto("/programs/microcurrent-60-days/start")
    answer_all(page)
    page.get_by_label("Start on").fill(began.isoformat())
    page.get_by_role("button", name="Start program").click()
    page.wait_for_url("**/enrollments/*")

    day = began + timedelta(days=1)
    page.goto(f"/days/{day.isoformat()}")
    expect(page.get_by_text("Did you do it that day? Mark it done")).to_be_visible()
    expect(page.get_by_role("button", name="Skip this day")).to_have_count(0)  # a day gone by is not skipped
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator("#reward").get_by_role("heading")).to_contain_text(f"All done for {day:%A}")
    expect(page.locator("#reward")).to_contain_text("planned this week")  # this week's, as it stands today
    expect(page.locator(".done-line")).to_contain_text("Microcurrent toning routine · done")
    assert_accessible(page)
    assert sessions_of(server_db, email) == [(day.isoformat(), "done", 10)]
