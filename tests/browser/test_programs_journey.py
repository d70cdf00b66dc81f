"""On a phone: browse programs, get blocked by a safety answer, then start a program and pause it."""

import pytest

from tests.browser.conftest import answer_all, assert_accessible

pytestmark = pytest.mark.browser


def test_a_pacemaker_blocks_microcurrent(signed_in):
    page = signed_in
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    assert_accessible(page)
    page.get_by_role("link", name="60-day toning plan").click()
    assert page.get_by_role("heading", name="The plan").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start this program").click()
    assert_accessible(page)
    answer_all(page)
    page.get_by_role("group", name="implanted electronic device").get_by_text("Yes", exact=True).click()
    page.get_by_role("button", name="Start program").click()
    assert page.get_by_role("heading", name="This program is not safe for you to start").is_visible()
    assert "implanted electronic device" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.goto("/programs")
    assert page.get_by_role("heading", name="Your programs").count() == 0


def test_start_microcurrent_then_pause_and_resume(signed_in):
    page = signed_in
    page.goto("/programs/microcurrent-60-days/start")
    answer_all(page)
    page.get_by_label("My device's manual allows use on the neck").check()
    page.get_by_role("button", name="Start program").click()
    page.wait_for_url("**/enrollments/*")
    assert page.get_by_text("You started “60-day toning plan”.").is_visible()
    assert page.get_by_role("heading", name="Active since").is_visible()
    assert_accessible(page)
    page.get_by_text("Pause", exact=True).click()  # opens the disclosure
    page.get_by_label("Reason (optional)").fill("Travelling")
    page.get_by_role("button", name="Pause program").click()
    assert page.get_by_role("heading", name="Paused until you resume").is_visible()
    page.get_by_role("button", name="Resume from today").click()
    assert page.get_by_role("heading", name="Active since").is_visible()
    page.goto("/programs")
    assert page.get_by_role("heading", name="Your programs").is_visible()
    assert_accessible(page)


def test_missing_answers_are_pointed_out(signed_in):
    page = signed_in
    page.goto("/programs/led-red-intensive/start")
    page.get_by_role("button", name="Start program").click()
    assert "Answer yes or no" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
