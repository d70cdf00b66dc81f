"""A newcomer on a phone: what FaceReps is, registering, "Which device do you have?", the program suggested
for it and its safety questions; light and dark at 360 x 640 and 412 x 915, a 320 px phone, no JavaScript."""

import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, answer_all, assert_accessible, watch_errors
from tests.browser.test_large_text import OVERFLOWING

pytestmark = pytest.mark.browser
_accounts = itertools.count(1)


@pytest.fixture
def open_phone(browser, server):
    """Open a phone of a given size and colour scheme; console errors (CSP violations too) fail the test."""
    opened = []

    def phone(width, height, scheme="light", javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            color_scheme=scheme,
            java_script_enabled=javascript,
            base_url=server,
        )
        page = context.new_page()
        errors = watch_errors(page)
        opened.append((context, errors))
        return page

    yield phone
    for context, errors in opened:
        context.close()
        assert errors == [], f"browser console errors: {errors}"


def fully_in_view(page, locator):
    """The element is inside the viewport without scrolling."""
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0


def create_account(page):
    page.get_by_label("Email").fill(f"newcomer{next(_accounts)}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/welcome")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("width", "height"), [(360, 640), (412, 915)])
def test_landing_register_device_question_program_and_its_screening(open_phone, width, height, scheme):
    page = open_phone(width, height, scheme)
    page.goto("/")
    # One screen says what FaceReps is, shows it, and offers both ways in.
    expect(page.get_by_role("heading", level=1)).to_contain_text("guided step by step")
    picture = page.get_by_role("img", name="A phone guiding a step")
    for thing in [picture, page.get_by_role("link", name="Create an account"), page.get_by_role("link", name="Log in")]:
        assert fully_in_view(page, thing)
    assert_accessible(page)

    page.get_by_role("link", name="Create an account").click()
    page.wait_for_url("**/register")
    create_account(page)
    expect(page.get_by_role("heading", name="Which device do you have?")).to_be_visible()
    choices = page.get_by_role("list", name="Which device do you have?").get_by_role("link")
    expect(choices).to_have_count(6)
    expect(choices.last).to_contain_text("None: face workout")
    assert_accessible(page)

    page.get_by_role("link", name="Microcurrent toning").click()
    page.wait_for_url("**/welcome/microcurrent")
    expect(page.get_by_role("heading", name="Start with: 60-day toning plan")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Answer the safety questions").click()
    page.wait_for_url("**/programs/microcurrent-60-days/start")
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    assert_accessible(page)
    answer_all(page)
    page.get_by_role("button", name="Start program").click()
    page.wait_for_url("**/enrollments/*")


def test_every_answer_reaches_its_screening_and_nothing_scrolls_sideways_at_320_px(open_phone):
    page = open_phone(320, 640)
    page.goto("/")
    assert_accessible(page)
    page.goto("/register")
    create_account(page)
    assert_accessible(page)
    names = page.get_by_role("list", name="Which device do you have?").get_by_role("link").all_inner_texts()
    for index in range(len(names)):
        page.goto("/welcome")
        page.get_by_role("list", name="Which device do you have?").get_by_role("link").nth(index).click()
        page.wait_for_url("**/welcome/*")
        assert_accessible(page)
        page.get_by_role("link", name="Answer the safety questions").click()
        page.wait_for_url("**/programs/*/start")
        expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    page.goto("/programs")
    assert_accessible(page)


def test_the_catalog_with_its_icons_passes_axe_in_dark_mode(open_phone):
    page = open_phone(412, 915, "dark")
    page.goto("/register")
    create_account(page)
    page.get_by_role("link", name="look around").click()
    page.wait_for_url("**/today")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    page.wait_for_url("**/programs")
    icons = page.locator(".device-title svg.device-icon")
    expect(icons).to_have_count(6)
    assert all(box and box["width"] >= 32 for box in (icon.bounding_box() for icon in icons.all()))
    assert_accessible(page)


def test_the_first_visit_works_without_javascript(open_phone):
    page = open_phone(360, 640, javascript=False)
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    create_account(page)
    page.get_by_role("link", name="LED mask").click()
    page.get_by_role("link", name="Answer the safety questions").click()
    page.wait_for_url("**/programs/led-red-intensive/start")
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()


def test_the_first_visit_holds_text_at_twice_the_size(open_phone):
    page = open_phone(360, 740)
    for path in ["/", "/register", "/welcome", "/welcome/microneedling", "/welcome/face_workout", "/programs"]:
        if path == "/welcome":
            create_account(page)
        page.goto(path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate(OVERFLOWING) == [], path
        assert_accessible(page)  # axe, and no sideways scroll
