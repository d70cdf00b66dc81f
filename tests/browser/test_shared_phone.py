"""A shared phone: when one person's login ends without Log out, the next person sees nothing of theirs.

One persistent browser profile (like a real phone, its caches and IndexedDB survive between uses).
The first login ends the ways it does on a real phone: the password is changed on another device
(which revokes every other login), or the session cookie expires.
"""

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, register
from tests.support.browser import controlled, kept_pages, show_steps, start_microcurrent

pytestmark = pytest.mark.browser

NOTE = "Private: my skin reacted badly in week two"
OFFLINE = "You are offline"
PENDING = re.compile(r"\bpending\b")  # "Saved on this phone: will sync"


@pytest.fixture
def shared_phone(playwright, server, tmp_path):
    """A Pixel 7 browser with a profile on disk; uncaught script errors in any page fail the test."""
    device = dict(playwright.devices["Pixel 7"])
    device.pop("default_browser_type", None)
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=server,
        accept_downloads=True,
        **device,
    )
    errors = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert errors == [], f"script errors: {errors}"


def ticks_of(db_path, email):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT t.step_id FROM ticks t JOIN users u ON u.id = t.user_id WHERE u.email = ?", [email]
        ).fetchall()


def kept_text(page):
    """Everything this phone keeps outside the app shell: the saved pages' text and the outbox."""
    pages = page.evaluate("""caches.keys().then(keys => Promise.all(keys.filter(key => !key.startsWith('facereps-shell-'))
        .map(key => caches.open(key).then(cache => cache.matchAll()))))
        .then(lists => Promise.all(lists.flat().map(response => response.text())))""")
    return "\n".join(pages) + "\n" + str(page.evaluate("FaceOutbox.everything()"))


# The login a reminders subscription was made by (static/js/reminders.js writes it; sw.js drops it).
PUSH_OWNER = """caches.open('facereps-push').then(cache => cache.match('/push-owner'))
    .then(hit => hit ? hit.text() : null)"""
PUSH_OWNER_SET = """caches.open('facereps-push')
    .then(cache => cache.put('/push-owner', new Response(FaceOutbox.login())))"""


def wait_until(page, check, what):
    for _ in range(50):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError(what)


def change_password_elsewhere(playwright, server, email):
    """The first person changes their password on another device: this phone's login is revoked."""
    laptop = playwright.request.new_context(base_url=server)
    laptop.post("/login", form={"email": email, "password": PASSWORD})
    answer = laptop.post(
        "/account/password", form={"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    )
    assert "Your other devices have been signed out" in answer.text()
    laptop.dispose()


def use_privately(page):
    """The first person's private things: a check-in note, a calendar link, a download of everything."""
    start_microcurrent(page)
    controlled(page)
    page.goto("/progress")
    for name in ["firmness", "fine_lines", "glow"]:
        page.locator(f"label[for={name}-3]").click()
    page.get_by_label("Note (optional)").fill(NOTE)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    page.goto("/account")
    page.get_by_role("button", name="Create my calendar link").click()
    calendar = page.locator("#calendar-url").input_value()
    assert "/calendar/" in calendar
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all (JSON)").click()
    assert NOTE in Path(download.value.path()).read_text()
    page.goto("/today")
    return calendar.rsplit("/", 1)[1].removesuffix(".ics")


def test_a_login_revoked_elsewhere_leaves_nothing_for_the_next_person(shared_phone, playwright, server, server_db):
    first = shared_phone.new_page()
    email_a = register(first)
    calendar_a = use_privately(first)
    assert kept_pages(first) == ["/today"]  # Progress, Account and the download are never kept
    change_password_elsewhere(playwright, server, email_a)  # A's Today stays open in this tab

    # B picks up the phone and signs in (a new account) in another tab.
    second = shared_phone.new_page()
    second.goto("/today")
    expect(second.get_by_role("heading", name="Log in")).to_be_visible()  # A's login is over
    email_b = register(second)
    start_microcurrent(second)  # the same routine as A, so a tick of A's would land in B's day
    controlled(second)

    # A's tab, left open, is used again: what it sends is refused, not applied as B...
    show_steps(first)
    first.get_by_role("checkbox", name="Cleanse and dry").click()
    expect(first.locator("#tick-status")).to_contain_text("Not saved")
    # ...and what it keeps on the phone while offline is never replayed as B.
    shared_phone.set_offline(True)
    first.get_by_role("checkbox", name="Cleanse and dry").click()
    expect(first.locator("#step-microcurrent-standard-cleanse")).to_have_class(PENDING)

    # Offline, B sees only B's Today; every other page, whoever opened it before, is the offline page.
    second.reload()
    expect(second.locator("#progress-microcurrent-standard")).to_contain_text("0 of 10 steps")
    expect(second.locator("li.tick.pending")).to_have_count(0)
    show_steps(second)
    expect(second.get_by_role("checkbox", name="Cleanse and dry")).not_to_be_checked()
    for path in ["/progress", "/account", "/account/export.json"]:
        second.goto(path)
        expect(second.get_by_role("heading", name=OFFLINE)).to_be_visible()
        assert NOTE not in second.content() and email_a not in second.content()

    # Online again (both tabs sync): B's own pages, nothing of A's.
    shared_phone.set_offline(False)
    second.goto("/today")
    wait_until(second, lambda: second.evaluate("FaceOutbox.everything()") == [], "A's tick is still queued")
    second.reload()
    expect(second.locator("#progress-microcurrent-standard")).to_contain_text("0 of 10 steps")
    second.goto("/progress")
    expect(second.get_by_label("Note (optional)")).to_have_value("")
    second.goto("/account")
    expect(second.get_by_text(email_b)).to_be_visible()
    assert email_a not in second.content() and calendar_a not in second.content()
    expect(second.get_by_role("button", name="Create my calendar link")).to_be_visible()
    assert ticks_of(server_db, email_b) == [] and ticks_of(server_db, email_a) == []

    kept = kept_text(second)
    for secret in (NOTE, email_a, calendar_a):
        assert secret not in kept
    assert "Microcurrent toning routine" in kept  # B's own Today is kept, for B


def test_an_expired_session_leaves_nothing_on_the_phone(shared_phone, server_db):
    page = shared_phone.new_page()
    email = register(page)
    start_microcurrent(page)
    controlled(page)
    show_steps(page)
    shared_phone.set_offline(True)
    page.get_by_role("checkbox", name="Cleanse and dry").click()
    expect(page.locator("#step-microcurrent-standard-cleanse")).to_have_class("tick pending")
    # This login's reminders subscription, as Account → Reminders records it (headless Chromium cannot make
    # a real one): the phone must forget it with the login.
    page.evaluate(PUSH_OWNER_SET)
    assert page.evaluate(PUSH_OWNER) is not None

    page.close()
    shared_phone.clear_cookies()  # the session expires while the phone is put away, offline
    shared_phone.set_offline(False)
    page = shared_phone.new_page()  # later, the app is opened again
    page.goto("/today")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    wait_until(
        page,
        lambda: (
            kept_pages(page) == []
            and page.evaluate("FaceOutbox.everything()") == []
            and page.evaluate(PUSH_OWNER) is None
        ),
        "the ended login's pages, outbox or reminders subscription are still on the phone",
    )

    # Whoever has the phone next, offline, gets the offline page, not the last person's Today.
    shared_phone.set_offline(True)
    page.goto("/today")
    expect(page.get_by_role("heading", name=OFFLINE)).to_be_visible()
    assert "Microcurrent toning routine" not in page.content()
    shared_phone.set_offline(False)
    assert ticks_of(server_db, email) == []
