"""Fixtures: an app on a real SQLite file per test, a client, a settable clock, an auth helper, a seeded history."""

import html as html_module
import os
import re
import shutil
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from hypothesis import settings

from app import create_app
from model.store import db as database
from model.store import migrations
from tests.support.history import seed

PASSWORD = "correct horse battery"
# Tests hash passwords with argon2's cheapest settings (a full-cost hash takes about 100 ms per register or
# login); test_security checks that an app given no hasher uses the production profile.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

# Property tests: a quick default; HYPOTHESIS_PROFILE=thorough runs many more examples.
settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


class Clock:
    """The app's injectable clock, set by tests."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment

    def set(self, *args, tz=UTC):
        self.moment = datetime(*args, tzinfo=tz)


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """A database file with every migration applied, made once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "facereps.db"
    conn = database.connect(path)
    migrations.upgrade(conn)
    conn.close()  # the last connection: SQLite checkpoints the WAL into the file
    return path


@pytest.fixture
def make_app(tmp_path, clock, migrated):
    """Build an app over a migrated database file of its own; keyword arguments override config."""
    path = tmp_path / "facereps.db"
    shutil.copyfile(migrated, path)

    def build(**config):
        settings = {
            "PASSWORD_HASHER": CHEAP_HASHER,
            "TESTING": True,
            "DATABASE": str(path),
            "SECRET_KEY": "test-only-secret",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,
        }
        settings.update(config)
        return create_app(settings)

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    conn = database.connect(app.config["DATABASE"])
    yield conn
    conn.close()


class Auth:
    def __init__(self, client):
        self.client = client

    def register(self, email="ana@example.com", password=PASSWORD, time_zone="Europe/Paris"):
        return self.client.post("/register", data={"email": email, "password": password, "time_zone": time_zone})

    def login(self, email="ana@example.com", password=PASSWORD, remember=False, **extra):
        data = {"email": email, "password": password, **extra}
        if remember:
            data["remember"] = "on"
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def user(auth):
    """A registered, signed-in user."""
    response = auth.register()
    assert response.status_code == 303
    return auth


@pytest.fixture
def seeded(user, client, app, clock):
    """Daily face workout from Monday 16 November; done Mon to Thu, then nothing until today (Tue 24)."""
    return seed(client, app, clock)


def text_of(response) -> str:
    """The page's visible text, tags stripped and spaces folded, for readable assertions."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))
