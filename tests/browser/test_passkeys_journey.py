"""On a phone: add a passkey, sign in with it, see it listed and remove it; sign out another device.

Chromium's DevTools virtual authenticator (CDP WebAuthn) plays the phone's fingerprint sensor. The
site is opened as http://localhost: WebAuthn takes a host name, never an IP address, as its RP id.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, assert_accessible, register, watch_errors

pytestmark = pytest.mark.browser
ACCOUNT = "/account"
SMALL_TARGETS = """[...document.querySelectorAll('a, button, input, select, summary')]
    .filter(e => e.offsetParent !== null && !e.closest('p'))
    .map(e => (['radio', 'checkbox'].includes(e.type) && e.labels.length
                ? (e.closest('.check') || e.labels[0]) : e).getBoundingClientRect())
    .filter(r => r.height < 44 && r.width > 0 && r.right > 0)
    .length"""  # as in test_accounts_journey.py


@pytest.fixture
def localhost(server):
    return server.replace("127.0.0.1", "localhost")


def new_phone(browser, playwright, localhost, errors):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=localhost)
    page = context.new_page()
    watch_errors(page, errors)
    return page


@pytest.fixture
def phones(browser, playwright, localhost):
    """Make phones on http://localhost; console errors (CSP violations included) fail the test."""
    errors, made = [], []

    def make():
        made.append(new_phone(browser, playwright, localhost, errors))
        return made[-1]

    yield make
    for page in made:
        page.context.close()
    assert errors == [], f"browser console errors: {errors}"


def fingerprint_sensor(page):
    """A platform authenticator that keeps passkeys and verifies the person, as a phone's does."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, found["authenticatorId"]


def log_in_with_password(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")


def test_add_a_passkey_sign_in_with_it_and_remove_it(phones):
    page = phones()
    cdp, authenticator = fingerprint_sensor(page)
    register(page)
    page.goto(ACCOUNT)
    passkeys = page.get_by_role("region", name="Passkeys")
    assert passkeys.get_by_text("No passkeys yet.").is_visible()
    assert not passkeys.get_by_text("Adding a passkey needs").is_visible()
    assert_accessible(page)
    assert page.evaluate(SMALL_TARGETS) == 0

    passkeys.get_by_label("Your password").fill("not my password")
    passkeys.get_by_role("button", name="Add a passkey").click()
    expect(passkeys.get_by_role("alert")).to_have_text("That is not your password.")
    passkeys.get_by_label("Your password").fill(PASSWORD)
    passkeys.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url("**/account#passkeys-title")
    expect(page.get_by_text("Passkey added. Next time, sign in with it")).to_be_visible()
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(stored) == 1 and stored[0]["isResidentCredential"] and stored[0]["rpId"] == "localhost"

    page.goto(ACCOUNT)
    assert passkeys.get_by_role("listitem").filter(has_text="Chrome on Android").count() == 1
    page.get_by_role("button", name="Log out of this device").click()
    page.wait_for_url("**/login")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url("**/today")
    assert page.get_by_role("heading", name="Today").is_visible()

    page.goto(ACCOUNT)
    assert "last used" in passkeys.inner_text()
    log = page.get_by_role("region", name="Security log")
    assert log.get_by_text("Signed in with a passkey").is_visible()
    assert log.get_by_text("Passkey added").is_visible()
    passkeys.get_by_role("button", name="Remove").click()
    page.wait_for_url("**/account#passkeys-title")
    assert page.get_by_text("Passkey removed.").is_visible()
    page.goto(ACCOUNT)
    assert passkeys.get_by_text("No passkeys yet.").is_visible()
    assert log.get_by_text("Passkey removed").is_visible()

    # The phone still holds the passkey, but the site no longer knows it.
    page.get_by_role("button", name="Log out of this device").click()
    page.wait_for_url("**/login")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("not one of this site's accounts")
    assert page.url.endswith("/login")


def test_sign_out_another_device_from_account(phones):
    phone, tablet = phones(), phones()
    email = register(phone)
    log_in_with_password(tablet, email)
    phone.goto(ACCOUNT)
    devices = phone.get_by_role("region", name="Signed-in devices")
    assert devices.get_by_text("(this device)").is_visible()
    assert devices.get_by_role("listitem").count() == 2
    devices.get_by_role("button", name="Sign out").click()
    phone.wait_for_url("**/account#devices-title")
    assert phone.get_by_text("That device is signed out.").is_visible()
    phone.goto(ACCOUNT)
    assert devices.get_by_role("listitem").count() == 1
    assert_accessible(phone)
    tablet.goto("/today")
    tablet.wait_for_url("**/login?next=/today")
    phone.goto("/today")
    assert phone.get_by_role("heading", name="Today").is_visible()


def test_forgot_password_and_recovery_codes_on_a_phone(phones):
    page = phones()
    email = register(page)
    page.goto(ACCOUNT)
    recovery = page.get_by_role("region", name="Recovery codes")
    assert recovery.get_by_text("You have no recovery codes yet.").is_visible()
    recovery.get_by_label("Your password").fill(PASSWORD)
    recovery.get_by_role("button", name="Make recovery codes").click()
    codes = page.get_by_role("list", name="Your recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("link", name="I have saved them").click()
    page.goto(ACCOUNT)
    page.get_by_role("button", name="Log out of this device").click()
    page.wait_for_url("**/login")

    page.get_by_role("link", name="Forgot password?").click()
    assert_accessible(page)
    page.get_by_role("link", name="Use a recovery code").click()
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_label("New password").fill("a brand new phone passphrase")
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url("**/login")
    assert page.get_by_text("You have 9 recovery codes left").is_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a brand new phone passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")
