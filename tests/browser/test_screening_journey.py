"""Issue 13.2 on a phone: what a yes means appears beside the question as it is chosen; the clinician
confirmation only with a clinician yes; a second plan on a device asks switch or both."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import answer_all, assert_accessible, start_program

pytestmark = pytest.mark.browser


def test_a_yes_shows_its_reason_in_place_and_the_clinician_box_only_then(signed_in):
    page = signed_in
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/programs/microcurrent-60-days/start")
    neck = page.get_by_role("group", name="carotid artery disease")
    means = neck.locator(".if-yes")
    answer_all(page)
    expect(means).to_be_hidden()
    expect(page.get_by_label("I have checked with a clinician", exact=False)).to_be_hidden()
    neck.get_by_text("Yes", exact=True).click()
    expect(means).to_be_visible()
    expect(means).to_contain_text("Yes means: the neck steps are left out.")
    surgery = page.get_by_role("group", name="recently had surgery")
    surgery.get_by_text("Yes", exact=True).click()
    confirm = page.get_by_label("I have checked with a clinician", exact=False)
    expect(confirm).to_be_visible()
    assert_accessible(page)
    surgery.get_by_text("No", exact=True).click()
    expect(confirm).to_be_hidden()
    # The answer takes effect and is said again where it does: Today.
    page.get_by_role("button", name="Start program").click()
    page.wait_for_url("**/enrollments/*")
    assert "Neck steps left out" in page.locator("main").inner_text()
    page.goto("/today")
    assert "Neck steps left out" in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_second_plan_on_the_device_offers_switch_or_both(signed_in):
    page = signed_in
    start_program(page, "microcurrent-60-days")
    page.goto("/programs/microcurrent-every-other-day/start")
    expect(page.get_by_text("Your answers from", exact=False)).to_be_visible()
    choice = page.get_by_role("group", name="You already follow")
    expect(choice).to_be_visible()
    assert_accessible(page)
    choice.get_by_text("Run both", exact=False).click()
    page.get_by_role("button", name="Start program").click()
    page.wait_for_url("**/enrollments/*")
    page.goto("/today")
    main = page.locator("main").inner_text()
    assert "at most one microcurrent toning session a day" not in main  # nothing done yet: both due
    region = page.get_by_role("region", name="Microcurrent toning routine")
    region.locator("details.steps > summary").click()  # the steps one by one, folded under the card
    region.get_by_role("checkbox").first.check()
    page.reload()
    assert "Started today with" in page.locator("main").inner_text()
    assert_accessible(page)


PROGRAMS = [
    "microcurrent-60-days",
    "microneedling-roller-twice-weekly",
    "led-red-intensive",
    "led-blue-intensive",
    "face-workout-daily",
    "gua-sha-weekly",
    "roller-most-days",
]


def test_every_start_page_passes_axe_with_every_answer_yes(signed_in):
    """Each device's screening page, with every reason and the clinician box shown."""
    page = signed_in
    for program_id in PROGRAMS:
        page.goto(f"/programs/{program_id}/start")
        assert_accessible(page)
        answer_all(page, "Yes")
        for reason in page.locator(".if-yes").all():
            expect(reason).to_be_visible()
        assert_accessible(page)
