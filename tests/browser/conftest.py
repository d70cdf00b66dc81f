"""Browser fixtures: a real server process on a free loopback port, Debian's Chromium, a phone."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A form answered with its problems (422) or a failed login (401) is an expected status.
EXPECTED_STATUS = re.compile(r"status of (401|422) ")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url, process, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "/login", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start in time")


@pytest.fixture(scope="session")
def server(server_process):
    """The base URL of the app served by a real server process."""
    return server_process[0]


@pytest.fixture(scope="session")
def server_db(server_process):
    """The server's SQLite file, to check what it stored."""
    return server_process[1]


@pytest.fixture(scope="session")
def server_process(tmp_path_factory):
    """The app served by a real server process over a fresh database file: (url, database path)."""
    folder = tmp_path_factory.mktemp("server")
    env = {
        **os.environ,
        "FACEREPS_DATABASE": str(folder / "facereps.db"),
        "FACEREPS_SECRET_KEY": "browser-tests-only",
        "PYTHONUNBUFFERED": "1",
        # Every browser test registers its own account from 127.0.0.1: more than a person would.
        "FACEREPS_REGISTER_LIMIT": "1000 per hour",
    }
    env.pop("FACEREPS_ENV", None)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 (the server writes to it until the session ends)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url, folder / "facereps.db"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}: run 'make test' as root, or 'sudo apt-get install chromium'."
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def watch_errors(page, errors=None) -> list:
    """The page's console errors (CSP violations included) and uncaught exceptions, as they come; the
    answers a test expects (401, 422) are not errors."""
    errors = [] if errors is None else errors
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not EXPECTED_STATUS.search(message.text)
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def phone(browser, playwright, server):
    """A fresh Pixel 7 browser tab; console errors (CSP violations included) fail the test."""
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=server)
    page = context.new_page()
    errors = watch_errors(page)
    page.allow_console_errors = False
    yield page
    context.close()
    if not page.allow_console_errors:
        assert errors == [], f"browser console errors: {errors}"


_axe = Axe()


def assert_accessible(page):
    """axe-core with the WCAG 2.2 AA tags finds nothing, and nothing scrolls sideways."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    summary = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert summary == [], f"{page.url}: {summary}"
    # The layout viewport (clientWidth), not innerWidth: on a phone innerWidth grows to fit wide content.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        f"{page.url} scrolls sideways"
    )


PASSWORD = "a long phone passphrase"
_accounts = iter(range(1, 1_000_000))


def register(page, email=None):
    """Create an account through the real form; return its email."""
    email = email or f"person{next(_accounts)}@example.com"
    page.goto("/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/welcome")  # "Which device do you have?", skipped here
    page.get_by_role("link", name="look around").click()
    page.wait_for_url("**/today")
    return email


def answer_all(page, value="No"):
    """Answer every yes/no safety question of a start page."""
    for fieldset in page.locator("fieldset.question:has(.yes-no)").all():
        fieldset.get_by_text(value, exact=True).click()


def start_program(page, program_id):
    """Start a program through its start page, every safety answer "No"."""
    page.goto(f"/programs/{program_id}/start")
    answer_all(page)
    page.get_by_role("button", name="Start program").click()
    page.wait_for_url("**/enrollments/*")


@pytest.fixture
def signed_in(phone):
    """A phone with a freshly registered user."""
    register(phone)
    return phone
