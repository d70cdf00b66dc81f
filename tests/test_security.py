"""The security baseline, one behaviour per test."""

import io
import logging
import re
import stat
import threading
import urllib.request
from pathlib import Path

import pytest
from limits.errors import ConfigurationError
from PIL import Image
from werkzeug.serving import make_server

from app import create_app
from model import store
from model.store import db as database
from model.store import migrations
from tests.conftest import PASSWORD, Auth, text_of

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_passwords_are_hashed_with_argon2id_above_owasp_minimum(make_app):
    config = make_app().config  # the test settings, but without their cheap hasher: the app's own default
    app = create_app({key: config[key] for key in ("TESTING", "DATABASE", "SECRET_KEY", "CLOCK", "RATELIMIT_ENABLED")})
    Auth(app.test_client()).register()
    db = database.connect(app.config["DATABASE"])
    stored = store.user_by_email(db, "ana@example.com").password_hash
    db.close()
    assert PASSWORD not in stored
    match = re.match(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", stored)
    assert match, stored
    memory_kib, time_cost, _ = map(int, match.groups())
    assert memory_kib >= 19 * 1024 and time_cost >= 2


def test_session_cookie_is_httponly_and_lax(user, client):
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # development over plain http


def test_cookies_are_secure_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("FACEREPS_ENV", "production")
    monkeypatch.setenv("FACEREPS_SECRET_KEY", "from-the-environment")
    app = create_app({"DATABASE": str(tmp_path / "x.db")})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_production_refuses_to_start_without_a_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("FACEREPS_ENV", "production")
    monkeypatch.delenv("FACEREPS_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="FACEREPS_SECRET_KEY"):
        create_app({"DATABASE": str(tmp_path / "x.db")})


def test_production_cookies_use_the_host_prefix(monkeypatch, make_app):
    monkeypatch.setenv("FACEREPS_ENV", "production")
    monkeypatch.setenv("FACEREPS_SECRET_KEY", "from-the-environment")
    client = make_app().test_client()
    auth = Auth(client)
    auth.register()
    auth.logout()
    cookies = auth.login(remember=True).headers.getlist("Set-Cookie")
    for name in ("__Host-session", "__Host-remember_token"):
        header = next(cookie for cookie in cookies if cookie.startswith(f"{name}="))
        # What a browser demands of a __Host- cookie, or it drops it.
        assert "; Secure" in header and "; Path=/" in header and "Domain=" not in header, header
    assert client.get("/today").status_code == 200
    deleted = next(c for c in auth.logout().headers.getlist("Set-Cookie") if c.startswith("__Host-remember_token="))
    assert "; Secure" in deleted and "; Path=/" in deleted  # else the browser ignores the deletion
    assert client.get_cookie("__Host-remember_token") is None


def test_logout_deletes_the_remember_me_cookie_from_the_browser(user, auth, client):
    auth.logout()
    auth.login(remember=True)
    assert client.get_cookie("remember_token") is not None
    auth.logout()
    assert client.get_cookie("remember_token") is None
    assert client.get("/today").status_code == 303


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_secret_key_and_photos_are_private(monkeypatch, tmp_path, clock):
    monkeypatch.delenv("FACEREPS_SECRET_KEY", raising=False)
    monkeypatch.delenv("FACEREPS_ENV", raising=False)
    folder = tmp_path / "data"
    app = create_app(
        {"DATABASE": str(folder / "facereps.db"), "TESTING": True, "CLOCK": clock, "RATELIMIT_ENABLED": False}
    )  # no secret given: one is made in data/.secret_key
    conn = database.connect(app.config["DATABASE"])  # what `flask db upgrade` does on a new machine
    migrations.upgrade(conn)
    conn.close()
    client = app.test_client()
    Auth(client).register()
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 150)).save(image, "JPEG")
    image.seek(0)
    assert (
        client.post("/progress/weeks/2026-11-23/photos", data={"angle": "front", "photo": (image, "p.jpg")}).status_code
        == 303
    )
    photo_folder = folder / "photos"
    assert _mode(folder) == 0o700 and _mode(photo_folder) == 0o700
    for private in [
        folder / ".secret_key",
        folder / "facereps.db",
        folder / "facereps.db-wal",
        *photo_folder.rglob("*.*"),
    ]:
        assert _mode(private) == 0o600, private
    assert any(photo_folder.rglob("*.jpg"))


def test_the_development_server_log_hides_calendar_secrets(user, app, client, caplog):
    client.post("/account/calendar")
    page = client.get("/account").get_data(as_text=True)
    path, token = re.search(r'value="http://localhost(/calendar/([^"/]+)\.ics)"', page).groups()
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        with (
            caplog.at_level(logging.INFO, logger="werkzeug"),
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}") as response,
        ):
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    assert token not in caplog.text
    assert '"GET /calendar/[redacted].ics HTTP/1.1" 200' in caplog.text


def test_session_lifetime_is_bounded(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"].days <= 30
    assert app.config["REMEMBER_COOKIE_DURATION"].days <= 30


def test_login_older_than_the_limit_is_refused(user, client, clock):
    clock.set(2026, 12, 25, 12, 0)  # 31 days later
    assert client.get("/today").status_code == 303


def test_session_id_changes_at_login(user, auth, client, db):
    first = db.execute("SELECT token FROM logins").fetchall()
    auth.logout()
    auth.login()
    second = db.execute("SELECT token FROM logins").fetchall()
    assert len(first) == len(second) == 1 and first != second


def test_logout_revokes_a_copied_session_cookie(user, app, client):
    stolen = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/today").status_code == 303


def test_logout_revokes_the_remember_me_cookie(user, auth, app, client):
    auth.logout()
    auth.login(remember=True)
    remembered = client.get_cookie("remember_token").value
    auth.logout()
    other = app.test_client()
    other.set_cookie("remember_token", remembered)
    assert other.get("/today").status_code == 303


def test_remember_me_cookie_alone_signs_in(user, auth, app, client):
    auth.logout()
    auth.login(remember=True)
    other = app.test_client()
    other.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert other.get("/today").status_code == 200


def test_password_change_signs_out_other_devices_but_not_this_one(user, app, client):
    phone = app.test_client()
    Auth(phone).login(remember=True)
    remembered = phone.get_cookie("remember_token").value
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": "another good secret"})
    assert client.get("/today").status_code == 200
    assert phone.get("/today").status_code == 303
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert fresh.get("/today").status_code == 303


def test_account_deletion_signs_out_other_devices(user, app, client):
    phone = app.test_client()
    Auth(phone).login()
    client.post("/account/delete", data={"confirm": "yes", "delete_password": PASSWORD})
    assert phone.get("/today").status_code == 303


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil.test"}]
)
def test_cross_site_posts_are_refused(user, client, db, headers):
    response = client.post(
        "/account/settings", headers=headers, data={"time_zone": "Asia/Tokyo", "day_start_hour": "3", "week_start": "0"}
    )
    assert response.status_code == 403
    assert "another site" in text_of(response)
    assert store.user_by_email(db, "ana@example.com").time_zone == "Europe/Paris"


def test_same_origin_posts_are_accepted(user, client):
    response = client.post(
        "/account/settings",
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
        data={"time_zone": "Asia/Tokyo", "day_start_hour": "3", "week_start": "0"},
    )
    assert response.status_code == 303


def test_cross_site_login_is_refused(user, auth, client):
    auth.logout()
    response = client.post(
        "/login", headers={"Sec-Fetch-Site": "cross-site"}, data={"email": "ana@example.com", "password": PASSWORD}
    )
    assert response.status_code == 403


def test_repeated_wrong_passwords_for_one_account_get_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    auth = Auth(client)
    auth.register()
    Auth(client).register(email="ben@example.com")
    statuses = [auth.login(password=f"wrong guess {n}").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    limited = auth.login()
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) <= 60
    assert "Wait a minute" in text_of(limited)
    # Another account is not locked by someone guessing at the first one.
    assert auth.login(email="ben@example.com").status_code == 303
    # Nor is the owner, signing in from another address.
    owner = app.test_client()
    assert (
        owner.post(
            "/login",
            data={"email": "ana@example.com", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "192.0.2.10"},
        ).status_code
        == 303
    )
    assert owner.get("/today").status_code == 200


def test_login_throttle_storage_comes_from_the_environment(monkeypatch, tmp_path):
    # RATELIMIT_STORAGE_URI (e.g. redis://...) shares the counters between workers and machines.
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    assert create_app({"DATABASE": str(tmp_path / "x.db")}).config["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:1/0")
    with pytest.raises(ConfigurationError, match="redis"):  # Flask-Limiter was handed that store
        create_app({"DATABASE": str(tmp_path / "x.db")})


def test_proxy_hops_must_be_a_number(monkeypatch, tmp_path):
    monkeypatch.setenv("FACEREPS_PROXY_HOPS", "yes")
    with pytest.raises(RuntimeError, match="FACEREPS_PROXY_HOPS"):
        create_app({"DATABASE": str(tmp_path / "x.db")})


def test_successful_logins_do_not_count_toward_the_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    auth = Auth(app.test_client())
    auth.register()
    for _ in range(8):
        auth.logout()
        assert auth.login().status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "//evil.test",
        "https://evil.test",
        "/\\evil.test",
        "http:/evil.test",
        "/%5Cevil.test\\",
        " //evil.test",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_site(user, auth, target):
    auth.logout()
    location = auth.login(next=target).headers["Location"]
    assert location == "/today"


@pytest.mark.parametrize("path", ["/login", "/today", "/nope", "/static/css/app.css"])
def test_security_headers_on_every_response(user, client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    response.close()


def test_personal_pages_are_not_cached(user, client):
    assert client.get("/today").headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script_style_or_handlers():
    for template in TEMPLATES.rglob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template
        assert not re.search(r"<style", html), template
        assert not re.search(r"\sstyle=", html), template
        assert not re.search(r"\son[a-z]+=", html), template
        assert "hx-on" not in html, template


def test_htmx_request_without_login_gets_a_client_redirect(client):
    response = client.post("/account/settings", headers={"HX-Request": "true", "HX-Target": "x"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"
    assert "<html" not in response.get_data(as_text=True)


def test_not_found_page_is_in_the_app_style(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert "FaceReps" in text_of(response)


def test_server_error_page_shows_no_traceback(make_app):
    app = make_app(TESTING=False)

    @app.get("/boom")
    def boom():
        raise ValueError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_oversized_request_gets_413(user, client):
    response = client.post("/account/settings", data={"time_zone": "x" * (13 * 1024 * 1024)})
    assert response.status_code == 413
