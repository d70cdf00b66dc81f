"""When the server cannot store a change (503: here its database held by another process past the bounded
wait), a tick and a Mark done stay on the phone ("Saved on this phone: will sync") and are sent again, once,
after the Retry-After the server gave."""

import contextlib
import fcntl
import os
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import register
from tests.support.browser import show_steps, start_microcurrent

pytestmark = pytest.mark.browser
ROUTINE = "microcurrent-standard"


@contextlib.contextmanager
def database_held(path):
    """This test process holds the server's write gate and a BEGIN IMMEDIATE, as a second process would."""
    gate = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        fcntl.flock(gate, fcntl.LOCK_EX)
        conn.execute("BEGIN IMMEDIATE")
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        os.close(gate)  # lets go of the gate


def rows_of(db_path, email, sql):
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql, [email]).fetchall()


def wait_for(check, seconds=25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("not synced in time")


TICKS = "SELECT t.step_id FROM ticks t JOIN users u ON u.id = t.user_id WHERE u.email = ?"
DONE = "SELECT status FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?"


def test_a_tick_and_mark_done_the_server_cannot_store_stay_on_the_phone_and_sync_once(phone, server_db):
    page = phone
    email = register(page)
    start_microcurrent(page)
    show_steps(page)
    page.allow_console_errors = True  # the browser logs the 503 answers

    with database_held(server_db):
        page.get_by_role("checkbox", name="Cleanse and dry").click()
        step = page.locator(f"#step-{ROUTINE}-cleanse")
        expect(step).to_have_class("tick pending", timeout=15_000)  # after the server's bounded wait (5 s)
        expect(step.get_by_role("checkbox")).to_be_checked()
        expect(page.locator("#tick-status")).to_contain_text("Saved on this phone: will sync")
        assert len(page.evaluate("FaceOutbox.all()")) == 1 and rows_of(server_db, email, TICKS) == []

    # Released: the phone sends it again after the server's Retry-After (10 s), and it is stored once.
    wait_for(lambda: rows_of(server_db, email, TICKS) == [("cleanse",)])
    wait_for(lambda: page.evaluate("FaceOutbox.all()") == [])
    expect(page.locator(f"#progress-{ROUTINE}")).to_contain_text("1 of 10 steps", timeout=10_000)

    with database_held(server_db):
        page.locator(f"#routine-{ROUTINE}").get_by_role("button", name="Mark done").click()
        expect(page.locator("#tick-status")).to_contain_text("Saved on this phone: will sync", timeout=15_000)
        assert len(page.evaluate("FaceOutbox.all()")) == 1 and rows_of(server_db, email, DONE) == [("open",)]
    wait_for(lambda: rows_of(server_db, email, DONE) == [("done",)])
    wait_for(lambda: page.evaluate("FaceOutbox.all()") == [])
    expect(page.locator("#reward")).to_be_visible(timeout=10_000)
    assert rows_of(server_db, email, DONE) == [("done",)]
