"""Installable and offline on a phone: the cached shell, the offline page, ticks kept and synced once."""

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, register
from tests.support.browser import controlled, kept_pages, show_steps, start_microcurrent

pytestmark = pytest.mark.browser


def ticks_in(db_path, email):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT t.step_id FROM ticks t JOIN users u ON u.id = t.user_id WHERE u.email = ?", [email]
        ).fetchall()


def test_chromium_finds_the_app_installable(playwright, server, tmp_path):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=server
    )
    page = context.new_page()
    page.goto("/login")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")
    context.close()


def test_today_opens_offline_and_private_pages_show_the_offline_page(signed_in):
    page = signed_in
    start_microcurrent(page)
    controlled(page)
    # Opened online, but personal pages that need not work offline are never kept on the phone.
    page.goto("/progress")
    page.goto("/account")
    with page.expect_download():
        page.get_by_role("link", name="Download all (JSON)").click()
    page.goto("/today")
    assert kept_pages(page) == ["/today"]
    page.allow_console_errors = True  # offline requests fail in the console, by design
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Microcurrent toning routine")).to_be_visible()
    for path in ["/progress", "/account", "/account/export.json", "/programs"]:
        page.goto(path)
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.context.set_offline(False)


def test_offline_ticks_wait_on_the_phone_then_sync_exactly_once(phone, server_db):
    page = phone
    email = register(page)
    start_microcurrent(page)
    controlled(page)
    show_steps(page)
    page.allow_console_errors = True
    page.context.set_offline(True)
    page.get_by_role("checkbox", name="Cleanse and dry").click()
    step = page.locator("#step-microcurrent-standard-cleanse")
    expect(step).to_have_class("tick pending")  # shown as "Saved on this phone: will sync"
    expect(step.get_by_role("checkbox")).to_be_checked()
    expect(page.locator("#tick-status")).to_contain_text("Saved on this phone")
    waiting = page.evaluate("FaceOutbox.all()")
    assert len(waiting) == 1 and ticks_in(server_db, email) == []

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#progress-microcurrent-standard")).to_contain_text("1 of 10 steps")
    assert ticks_in(server_db, email) == [("cleanse",)]
    assert page.evaluate("FaceOutbox.all()") == []

    # The same request replayed (as Background Sync might) is applied once: still one tick.
    item = waiting[0]
    page.evaluate(
        """item => fetch(item.url, {method: 'POST', body: item.body, headers: item.headers})
                        .then(r => r.status)""",
        item,
    )
    page.get_by_role("checkbox", name="Cleanse and dry").click()  # untick, online
    expect(page.locator("#progress-microcurrent-standard")).to_contain_text("0 of 10 steps")
    page.evaluate(
        """item => fetch(item.url, {method: 'POST', body: item.body, headers: item.headers})
                        .then(r => r.status)""",
        item,
    )
    assert ticks_in(server_db, email) == []


def test_logout_leaves_nothing_personal_on_the_phone(signed_in):
    page = signed_in
    start_microcurrent(page)
    controlled(page)
    page.goto("/account")
    # A stand-in request made offline, so nothing replays it before it is counted. Once back online
    # the outbox may replay it before the logout (the server refuses it, 405, which the browser logs);
    # what matters is that nothing is left afterwards.
    page.allow_console_errors = True
    page.context.set_offline(True)
    page.evaluate("FaceOutbox.add({url: '/today', body: 'a tick made offline'})")
    assert kept_pages(page) == ["/today"] and len(page.evaluate("FaceOutbox.everything()")) == 1
    page.context.set_offline(False)
    page.get_by_role("button", name="Log out of this device").click()
    page.wait_for_url("**/login")
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    for _ in range(50):
        if kept_pages(page) == [] and page.evaluate("FaceOutbox.everything()") == []:
            break
        page.wait_for_timeout(100)
    assert kept_pages(page) == []
    assert page.evaluate("FaceOutbox.everything()") == []
