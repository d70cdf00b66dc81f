"""Login limits on a real gunicorn (deploy/gunicorn.conf.py, one worker), clients at real addresses.

Each client socket is bound to its own loopback address (127.0.0.2, 127.0.0.3, ...), so the server
sees the peers it would see on the internet; behind a proxy (FACEREPS_PROXY_HOPS=1) every client
connects from 127.0.0.1, as nginx would, and only X-Forwarded-For tells them apart. Every test uses
its own accounts and addresses, so the counters of one never touch another.
"""

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

import pytest

from tests.faults import ROOT, free_port

PASSWORD = "correct horse battery"
WRONG = "not my password at all"
# Small numbers keep the tests short; the defaults are in app.py (5 and 30 a minute, 10 in 15 minutes,
# 30 s at most). As with the defaults, an account slows down only past what one address may try.
CONFIG = {
    "LOGIN_LIMIT": "5 per minute",
    "LOGIN_ADDRESS_LIMIT": "8 per minute",
    "LOGIN_SLOW_AFTER": 6,
    "LOGIN_SLOW_MAX": 2,
    "REGISTER_LIMIT": "100 per hour",
}


class Server:
    """gunicorn with the deploy settings (one worker: in-memory counters are per process)."""

    def __init__(self, folder, proxy_hops):
        self.port, self.log = free_port(), folder / "server.log"
        env = {
            **os.environ,
            "FACEREPS_DATABASE": str(folder / "facereps.db"),
            "FACEREPS_SECRET_KEY": "limit-tests",
            "FACEREPS_PROXY_HOPS": str(proxy_hops),
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "1",
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("FACEREPS_ENV", "RATELIMIT_STORAGE_URI"):
            env.pop(name, None)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    "deploy/gunicorn.conf.py",
                    f"app:create_app({CONFIG!r})",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Browser(self).get("/healthz")[0] == 200:
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.log.read_text()) from None
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


class Browser:
    """One browser at one address: form posts over a socket bound to `address`, and its cookies."""

    def __init__(self, server, address="127.0.0.1", forwarded_for=None):
        self.server, self.address, self.forwarded_for, self.cookies = server, address, forwarded_for, {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.server.port, timeout=30, source_address=(self.address, 0)
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        try:
            connection.request(method, path, urlencode(form) if form is not None else None, headers)
            response = connection.getresponse()
            body = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.headers, body
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def login(self, email, password=PASSWORD):
        return self.request("POST", "/login", {"email": email, "password": password})

    def register(self, email):
        status, _, _ = self.request("POST", "/register", {"email": email, "password": PASSWORD, "time_zone": "UTC"})
        assert status == 303, status
        self.request("POST", "/logout", {})
        return email


def text(body):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """Clients reach the server directly: each is known by its socket's address."""
    server = Server(tmp_path_factory.mktemp("direct"), proxy_hops=0)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """Behind one reverse proxy: every connection comes from 127.0.0.1 with X-Forwarded-For."""
    server = Server(tmp_path_factory.mktemp("proxied"), proxy_hops=1)
    yield server
    server.stop()


def test_wrong_passwords_at_one_address_do_not_lock_the_owner_out_elsewhere(direct):
    email = Browser(direct).register("ana@example.com")
    attacker, owner = Browser(direct, "127.0.0.2"), Browser(direct, "127.0.0.3")
    assert [attacker.login(email, f"{WRONG} {n}")[0] for n in range(6)] == [401] * 5 + [429]
    status, headers, body = attacker.login(email)  # strictly limited: even the right password waits there
    assert status == 429 and "Wait a minute" in text(body) and int(headers["Retry-After"]) <= 60
    status, _, _ = owner.login(email)
    assert status == 303
    assert owner.get("/today")[0] == 200


def test_many_wrong_logins_from_one_address_stop_only_that_address(direct):
    email = Browser(direct).register("ben@example.com")
    attacker, owner = Browser(direct, "127.0.0.4"), Browser(direct, "127.0.0.5")
    statuses = [attacker.login(f"guess{n}@example.com", WRONG)[0] for n in range(8)]
    assert statuses == [401] * 8
    assert attacker.login("one-more@example.com", WRONG)[0] == 429
    assert attacker.login(email)[0] == 429
    assert owner.login(email)[0] == 303


def test_an_account_under_attack_slows_failing_addresses_but_lets_the_owner_in(direct):
    email = Browser(direct).register("cleo@example.com")
    first, second = Browser(direct, "127.0.0.6"), Browser(direct, "127.0.0.7")
    assert [b.login(email, WRONG)[0] for b in (first, second) * 3] == [401] * 6
    # The sixth failure at the account (LOGIN_SLOW_AFTER): the address that made it waits 1 s.
    status, headers, body = second.login(email, WRONG)
    assert status == 429 and headers["Retry-After"] == "1"
    assert "Wait 1 second, then try again" in text(body)
    assert first.login(email, WRONG)[0] == 401  # the seventh: 2 s for that address
    status, headers, body = first.login(email)
    assert status == 429 and headers["Retry-After"] == "2" and "Wait 2 seconds" in text(body)
    # The owner, at an address that has not failed, signs in at once.
    started = time.monotonic()
    owner = Browser(direct, "127.0.0.9")
    assert owner.login(email)[0] == 303
    assert time.monotonic() - started < 1.5
    assert owner.get("/today")[0] == 200
    # Slowed, never refused: after the wait the right password works from the failing address too.
    time.sleep(2.1)
    assert first.login(email)[0] == 303


def test_the_owner_signs_in_while_someone_hammers_the_account(direct):
    email = Browser(direct).register("dana@example.com")
    stop, answers = threading.Event(), []

    def hammer():
        attacker = Browser(direct, "127.0.0.10")
        while not stop.is_set():
            answers.append(attacker.login(email, WRONG)[0])

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        while len(answers) < 8:
            time.sleep(0.05)
        owner = Browser(direct, "127.0.0.11")
        assert owner.login(email)[0] == 303
        assert owner.get("/today")[0] == 200
    finally:
        stop.set()
        thread.join()
    assert 429 in answers and answers.count(401) <= 5


def test_a_client_cannot_dodge_the_limit_by_sending_x_forwarded_for(direct):
    email = Browser(direct).register("eve@example.com")
    statuses = [Browser(direct, "127.0.0.12", forwarded_for=f"10.0.0.{n}").login(email, WRONG)[0] for n in range(6)]
    assert statuses == [401] * 5 + [429]


def test_behind_the_proxy_each_client_has_its_own_limits(proxied):
    email = Browser(proxied).register("fay@example.com")
    attacker, owner = Browser(proxied, forwarded_for="203.0.113.7"), Browser(proxied, forwarded_for="198.51.100.9")
    assert [attacker.login(f"guess{n}@example.com", WRONG)[0] for n in range(8)] == [401] * 8
    assert attacker.login(email)[0] == 429
    assert owner.login(email)[0] == 303


def test_behind_the_proxy_only_the_address_it_added_counts(proxied):
    # The proxy appends the address it saw; whatever the client wrote before it is not trusted.
    email = Browser(proxied).register("gus@example.com")
    statuses = [Browser(proxied, forwarded_for=f"10.1.1.{n}, 203.0.113.8").login(email, WRONG)[0] for n in range(6)]
    assert statuses == [401] * 5 + [429]
    assert Browser(proxied, forwarded_for="10.1.1.99, 198.51.100.10").login(email)[0] == 303


def test_the_access_log_never_shows_a_calendar_secret(direct):
    browser = Browser(direct)
    browser.request("POST", "/register", {"email": "hal@example.com", "password": PASSWORD, "time_zone": "UTC"})
    browser.request("POST", "/account/calendar", {})
    page = browser.get("/account")[2]
    path = re.search(r'id="calendar-url" type="text" value="http://[^/"]+(/calendar/([^"/]+)\.ics)"', page)
    status, _, _ = Browser(direct).get(path.group(1))
    assert status == 200
    time.sleep(0.2)
    log = direct.log.read_text()
    assert path.group(2) not in log
    assert '"GET /calendar/[redacted].ics HTTP/1.1" 200' in log
