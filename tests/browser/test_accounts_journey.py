"""A person on a phone registers, reaches Today, logs out and logs back in."""

import pytest

from tests.browser.conftest import PASSWORD, assert_accessible, register

pytestmark = pytest.mark.browser


def test_register_today_logout_login(phone):
    phone.goto("/")  # signed out: what FaceReps is, with "Create an account" and "Log in"
    assert_accessible(phone)
    phone.get_by_role("link", name="Create an account").click()
    assert_accessible(phone)
    register(phone, "journey@example.com")
    assert phone.get_by_role("heading", name="Today").is_visible()
    assert_accessible(phone)

    for tab in ["Programs", "Progress", "Account"]:
        phone.get_by_role("navigation", name="Main").get_by_role("link", name=tab).click()
        phone.wait_for_url(f"**/{tab.lower()}")
        assert (
            phone.get_by_role("navigation", name="Main").get_by_role("link", name=tab).get_attribute("aria-current")
            == "page"
        )
        assert_accessible(phone)

    phone.get_by_role("button", name="Log out of this device").click()
    phone.wait_for_url("**/login")
    assert phone.get_by_text("You are logged out.").is_visible()
    phone.goto("/today")
    phone.wait_for_url("**/login?next=/today")

    phone.get_by_label("Email").fill("journey@example.com")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url("**/today")
    assert phone.get_by_role("heading", name="Today").is_visible()


def test_registration_captures_the_phones_time_zone(browser, playwright, server):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=server, timezone_id="Asia/Tokyo")
    page = context.new_page()
    register(page, "tokyo@example.com")
    page.goto("/account")
    assert page.get_by_label("Time zone").input_value() == "Asia/Tokyo"
    context.close()


def test_form_problems_are_announced_and_linked(phone):
    phone.goto("/register")
    phone.get_by_label("Email").fill("someone@example.com")
    phone.get_by_label("Password").fill("short")
    phone.get_by_role("button", name="Create account").click()
    alert = phone.get_by_role("alert")
    assert "at least 8 characters" in alert.inner_text()
    assert phone.get_by_label("Password").get_attribute("aria-invalid") == "true"
    assert_accessible(phone)


def test_narrow_phone_has_no_sideways_scroll_and_big_targets(browser, server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=server, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    register(page, "narrow@example.com")
    for path in ["/today", "/account", "/programs", "/programs/microcurrent-60-days/start"]:
        page.goto(path)
        assert_accessible(page)
        small = page.evaluate("""[...document.querySelectorAll('a, button, input, select, summary')]
            .filter(e => e.offsetParent !== null && !e.closest('p'))
            .map(e => (['radio', 'checkbox'].includes(e.type) && e.labels.length
                        ? (e.closest('.check') || e.labels[0]) : e).getBoundingClientRect())
            .filter(r => r.height < 44 && r.width > 0 && r.right > 0)
            .length""")
        assert small == 0, f"{path}: {small} controls under 44 px high"
    context.close()


def test_dark_mode_pages_pass_axe_too(browser, playwright, server):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=server, color_scheme="dark")
    page = context.new_page()
    register(page, "dark@example.com")
    page.goto("/programs/microcurrent-60-days")
    page.get_by_role("button", name="Customise this routine").click()
    page.wait_for_url("**/routines/my-*")
    routine = page.url
    for path in [
        "/today",
        "/programs",
        "/programs/microcurrent-60-days/start",
        "/progress",
        "/account",
        routine,
        f"{routine}/plan",
        f"{routine}/steps/new",
        "/routines/new",
    ]:
        page.goto(path)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        assert_accessible(page)
    context.close()
