"""On a phone: start a program, tick steps with one tap each, reload, finish the routine."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.support.browser import show_steps, start_microcurrent

pytestmark = pytest.mark.browser


def test_tick_three_reload_then_finish_the_routine(signed_in):
    page = signed_in
    start_microcurrent(page)
    card = page.locator("#routine-microcurrent-standard")
    show_steps(page)
    boxes = card.get_by_role("checkbox")
    assert boxes.count() == 10
    assert_accessible(page)

    for index in range(3):
        boxes.nth(index).click()
        expect(page.locator("#progress-microcurrent-standard")).to_contain_text(f"{index + 1} of 10 steps")
    assert "Wipe off" not in page.locator("#tick-status").inner_text()
    assert "done" in page.locator("#tick-status").inner_text()
    assert page.url.endswith("/today")  # no navigation: htmx swapped the steps in place
    expect(card.get_by_role("button", name="Skip today")).to_have_count(0)  # a started session is not skipped
    expect(card.get_by_role("button", name="Start guided")).to_be_visible()  # no guided run yet to continue

    page.reload()  # a started session's steps stay open
    boxes = page.locator("#routine-microcurrent-standard").get_by_role("checkbox")
    assert [boxes.nth(i).is_checked() for i in range(4)] == [True, True, True, False]

    for index in range(3, 9):
        boxes.nth(index).click()
        expect(page.locator("#progress-microcurrent-standard")).to_contain_text(f"{index + 1} of 10 steps")
    boxes.nth(9).click()  # the last step: the card folds into one line and the day says it is done
    expect(page.get_by_role("heading", name="All done for today")).to_be_visible()
    expect(page.locator("#reward")).to_be_focused()
    expect(page.locator(".done-line")).to_contain_text("Microcurrent toning routine · done")
    # A finished session offers neither a guided start nor a skip, without a reload.
    expect(page.get_by_role("button", name="Start guided")).to_have_count(0)
    expect(page.get_by_role("button", name="Skip today")).to_have_count(0)
    assert_accessible(page)


def test_unticking_is_one_tap_too(signed_in):
    page = signed_in
    start_microcurrent(page)
    show_steps(page)
    box = page.get_by_role("checkbox", name="Cleanse and dry")
    box.click()
    expect(page.locator("#progress-microcurrent-standard")).to_contain_text("1 of 10 steps")
    page.get_by_role("checkbox", name="Cleanse and dry").click()
    expect(page.locator("#progress-microcurrent-standard")).to_contain_text("0 of 10 steps")
    page.reload()
    show_steps(page)  # no step ticked: the steps are folded again
    assert not page.get_by_role("checkbox", name="Cleanse and dry").is_checked()


def test_yesterday_and_other_days_are_one_tap_away(signed_in):
    page = signed_in
    start_microcurrent(page)
    page.get_by_role("link", name="(next day)").click()
    assert page.get_by_role("heading", name="Tomorrow").is_visible()
    expect(page.get_by_role("button", name="Mark done")).to_have_count(0)  # later days are only looked at
    show_steps(page)
    assert page.get_by_role("checkbox").first.is_disabled()
    assert_accessible(page)
    page.get_by_role("link", name="Back to today").click()
    expect(page.locator("h1")).to_contain_text("Today")
