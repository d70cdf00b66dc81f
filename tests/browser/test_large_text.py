"""Text at twice its size on a 360 px phone (a phone's largest font setting): nothing clipped or overlapping."""

import pytest

from tests.browser.conftest import assert_accessible, register, start_program

pytestmark = pytest.mark.browser

OVERFLOWING = """[...document.querySelectorAll('.tab-bar a, .button, .day-nav a, .week-days .day-mark')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.className + ' ' + e.textContent.trim().slice(0, 20))"""
OVERLAPPING_DAYS = """(() => {
    const boxes = [...document.querySelectorAll('.week-days .day-name')].map(e => e.getBoundingClientRect());
    return boxes.some((a, i) => boxes.slice(i + 1).some(b =>
        a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1));
})()"""


def test_pages_hold_text_at_twice_the_size(browser, server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=server, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    register(page, "large-text@example.com")
    start_program(page, "face-workout-daily")
    page.goto("/programs/microcurrent-60-days")
    page.get_by_role("button", name="Customise this routine").click()
    page.wait_for_url("**/routines/my-*")
    routine = page.url
    page.goto("/today")
    page.get_by_role("button", name="Start guided").click()
    page.wait_for_url("**/sessions/*")
    player = page.url
    for path in [
        "/today",
        "/progress",
        "/programs",
        "/programs/microcurrent-60-days",
        "/account",
        routine,
        "/routines/new",
        player,
    ]:
        page.goto(path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "34px"
        assert page.evaluate(OVERFLOWING) == [], path
        assert not page.evaluate(OVERLAPPING_DAYS), path
        assert_accessible(page)  # axe, and no sideways scroll
    context.close()
