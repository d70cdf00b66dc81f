"""Helpers for the fault tests: a gunicorn server on a free loopback port, and a tiny HTTP client."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn app:app` with N workers over a database file; kill() is a kill -9 of all of it."""

    def __init__(self, database, workers=4):
        self.database, self.workers, self.port, self.process = Path(database), workers, free_port(), None
        self.log = self.database.with_suffix(".log")
        self.env = {
            **os.environ,
            "FACEREPS_DATABASE": str(self.database),
            "FACEREPS_SECRET_KEY": "fault-tests",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("FACEREPS_ENV", None)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self):
        log = open(self.log, "a")  # noqa: SIM115 (the server process writes to it)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                "-",
                "app:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self.wait_until_healthy("gunicorn did not start")

    def wait_until_healthy(self, failure, seconds=30):
        """This server once /healthz answers 200; RuntimeError(failure) if it does not within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if Client(self.port).request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(failure)

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)

    def log_text(self):
        return self.log.read_text() if self.log.exists() else ""


class Client:
    """One user's browser, reduced to what the tests need: form posts and a session cookie."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            body = urlencode(form or {}, doseq=True)
            all_headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                **(headers or {}),
            }
            connection.request(method, path, body if method == "POST" else None, all_headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return response.status, data
        finally:
            connection.close()

    def register(self, email, password="fault test password"):
        status, _ = self.request("POST", "/register", {"email": email, "password": password, "time_zone": "UTC"})
        assert status == 303, status
        return self

    def start(self, program="face-workout-daily", questions=("recent_procedure", "jaw_pain", "palsy")):
        form = {f"q_{q}": "no" for q in questions}
        form["start_day"] = today_utc()
        status, _ = self.request("POST", f"/programs/{program}/start", form)
        assert status == 303, status
        return self


def today_utc():
    # The app's day for a UTC user with a 03:00 day start.
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() - 3 * 3600))
