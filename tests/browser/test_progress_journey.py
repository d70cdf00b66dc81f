"""On a phone: a week with some sessions done shows the right counts; chart and heatmap render."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, register, start_program

pytestmark = pytest.mark.browser


def test_a_week_with_sessions_done_and_a_check_in(signed_in):
    page = signed_in
    start_program(page, "face-workout-daily")
    page.goto("/today")
    boxes = page.locator("#routine-face-workout-5min").get_by_role("checkbox")
    for index in range(5):
        boxes.nth(index).click()
        expect(page.locator("#progress-face-workout-5min")).to_contain_text(f"{index + 1} of 5 steps")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    review = page.get_by_role("region", name="Daily 5 minutes: 8 weeks, then every other day")
    expect(review).to_contain_text("1 of")
    expect(review.locator(".day-mark.done")).to_have_count(1)
    expect(page.locator("table.heatmap td.heat-1")).to_have_count(1)
    assert_accessible(page)

    for name, value in [("firmness", 3), ("fine_lines", 2), ("glow", 4)]:
        page.locator(f"label[for={name}-{value}]").click()
    page.get_by_label("Note (optional)").fill("First week")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    expect(page.locator("#glow-4")).to_be_checked()
    page.get_by_role("link", name="Previous week").click()
    expect(page.get_by_role("heading", name="Week of")).to_be_visible()
    for name, value in [("firmness", 2), ("fine_lines", 2), ("glow", 3)]:
        page.locator(f"label[for={name}-{value}]").click()
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_role("link", name="This week").click()
    expect(page.locator(".trend polyline")).to_have_count(3)
    page.get_by_text("Show the numbers").click()
    expect(page.get_by_role("table", name="Weekly self-ratings, 1 to 5")).to_contain_text("4")
    assert_accessible(page)


def test_the_week_fits_a_narrow_phone(browser, server):
    """At 320 px the seven days keep one line each and their words move to a legend; at 412 px they stay."""
    context = browser.new_context(
        viewport={"width": 320, "height": 700}, base_url=server, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    register(page, "narrow-week@example.com")
    start_program(page, "face-workout-daily")
    page.goto("/progress")
    week = page.locator(".week-days").first
    names = week.locator(".day-name")
    heights = [names.nth(i).bounding_box()["height"] for i in range(7)]
    assert max(heights) < 1.5 * min(heights), heights  # no "Mo / n"
    widths = {round(week.locator(".day-mark").nth(i).bounding_box()["width"]) for i in range(7)}
    assert len(widths) == 1, widths  # seven equal columns
    legend = page.locator(".week-legend").first
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("planned")
    expect(week.locator(".today .day-kind")).to_have_text("still to do")  # still read out
    assert_accessible(page)
    page.get_by_role("link", name="Previous week").click()
    expect(page.get_by_role("link", name="This week")).to_be_visible()
    for name in ("Previous week", "This week", "Next week"):  # named in full, one line each (44 px targets)
        assert page.get_by_role("link", name=name).bounding_box()["height"] < 46, name
    page.set_viewport_size({"width": 412, "height": 800})
    page.get_by_role("link", name="This week").click()
    expect(legend).to_be_hidden()
    assert week.locator(".today .day-kind").bounding_box()["width"] > 1
    context.close()
