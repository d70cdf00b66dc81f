"""The security log (rows kept 90 days, JSON log lines, never a secret) and the signed-in devices."""

import io
import json
import logging
import re
from datetime import timedelta

import pytest

from model import store
from model.identity import security_log
from tests.conftest import PASSWORD, Auth, text_of
from tests.smtp import smtp_server  # noqa: F401 (the fixture)
from tests.support.identity import NEW_PASSWORD, Authenticator, add_passkey, make_codes, read_link, sign_in, use_code

ACCOUNT = "/account"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0"


def events(db, user_id=None):
    sql = "SELECT event, user_id, address, detail FROM security_log"
    rows = db.execute(
        sql + (" WHERE user_id = ?" if user_id else "") + " ORDER BY id", [user_id] if user_id else []
    ).fetchall()
    return [(event, user, address, json.loads(detail)) for event, user, address, detail in rows]


# What views/auth.py and views/account.py log (tests of this feature's own events leave them out).
ELSEWHERE = {"sign_out", "password_changed", "data_exported", "data_imported", "account_deleted"}


def own_events(db, user_id):
    return [
        (event, detail)
        for event, _, _, detail in events(db, user_id)
        if event not in ELSEWHERE and detail.get("method") != "password"
    ]


def user_id(db, email="ana@example.com"):
    return store.user_by_email(db, email).id


def assert_no_secrets(db, caplog, *secrets):
    """Neither the rows nor the log lines hold any of `secrets`."""
    dump = "\n".join(db.conn.iterdump())
    table = [line for line in dump.splitlines() if "security_log" in line]
    lines = [record.getMessage() for record in caplog.records if record.name == "facereps.security"]
    for secret in secrets:
        assert secret and not any(secret in text for text in table + lines), secret


# --- the log itself ---------------------------------------------------------------------------


def test_record_keeps_a_row_and_writes_one_json_line(user, db, clock, caplog):
    caplog.set_level(logging.INFO, logger="facereps.security")
    security_log.record(db, "data_exported", user_id(db), "203.0.113.9", clock(), format="json")
    assert events(db)[-1] == ("data_exported", user_id(db), "203.0.113.9", {"format": "json"})
    line = json.loads(caplog.records[-1].getMessage())
    assert line == {
        "event": "data_exported",
        "user_id": user_id(db),
        "address": "203.0.113.9",
        "at": "2026-11-24T12:00:00+00:00",
        "detail": {"format": "json"},
    }


def test_log_lines_reach_stderr_as_json(app, db, clock):
    handler = security_log.logger.handlers[0]  # installed when the app was built
    stream = io.StringIO()
    old, handler.stream = handler.stream, stream
    try:
        security_log.record(db, "sign_in_failed", None, "198.51.100.4", clock(), method="password")
    finally:
        handler.stream = old
    assert json.loads(stream.getvalue().strip())["event"] == "sign_in_failed"


def test_record_refuses_secrets_and_unknown_events(user, db, clock):
    for detail in [{"password": "x"}, {"new_password": "x"}, {"token": "x"}, {"code": "x"}, {"reset_token": "x"}]:
        with pytest.raises(ValueError, match="never hold secrets"):
            security_log.record(db, "password_reset", user_id(db), "", clock(), **detail)
    with pytest.raises(ValueError, match="unknown"):
        security_log.record(db, "something_else", user_id(db), "", clock())
    assert events(db) == []


def test_rows_older_than_90_days_are_pruned_on_write(user, db, clock):
    start = clock()
    security_log.record(db, "data_exported", user_id(db), "", start)
    security_log.record(db, "data_exported", user_id(db), "", start + timedelta(days=89))
    security_log.record(db, "data_imported", user_id(db), "", start + timedelta(days=90, seconds=1))
    assert [row[0] for row in events(db)] == ["data_exported", "data_imported"]


def test_an_event_after_the_account_is_gone_keeps_only_the_former_id(user, db, clock):
    gone = user_id(db)
    store.delete_user(db, gone)
    security_log.record(db, "account_deleted", gone, "192.0.2.1", clock())
    assert events(db) == [("account_deleted", None, "192.0.2.1", {"former_user_id": gone})]
    assert store.count_rows_of_user(db, gone) == 0


def test_a_failed_sign_in_keeps_the_email_only_when_it_looks_like_one(user, db, clock):
    security_log.sign_in_failed(db, "Ana@Example.com", "192.0.2.1", clock())
    security_log.sign_in_failed(db, "correct horse battery", "192.0.2.1", clock())
    assert events(db) == [
        ("sign_in_failed", user_id(db), "192.0.2.1", {"email": "ana@example.com", "method": "password"}),
        ("sign_in_failed", None, "192.0.2.1", {"email": "(not an email address)", "method": "password"}),
    ]


def test_account_shows_the_last_20_events_newest_first(user, client, db, clock):
    for minute in range(25):
        security_log.record(
            db, "data_exported", user_id(db), "192.0.2.7", clock() + timedelta(minutes=minute), format="csv"
        )
    security_log.record(db, "passkey_removed", user_id(db), "192.0.2.8", clock() + timedelta(hours=1))
    page = text_of(client.get(ACCOUNT))
    log = page.split("Security log", 1)[1]
    assert "The last 20 events, newest first." in log
    assert log.count("Data downloaded (CSV)") == 19
    assert log.index("Passkey removed") < log.index("Data downloaded")
    assert "24 Nov 2026, 14:00 from 192.0.2.8" in log  # Paris time


# --- the events this feature writes -----------------------------------------------------------


def test_reset_by_email_is_logged_without_the_link(make_app, smtp_server, caplog):  # noqa: F811
    caplog.set_level(logging.INFO, logger="facereps.security")
    app = make_app(SMTP_URL=smtp_server.url)
    Auth(app.test_client()).register()
    visitor = app.test_client()
    visitor.post("/password/forgot", data={"email": "ana@example.com"})
    visitor.post("/password/forgot", data={"email": "nobody@example.com"})
    _, _, _link, path, token = read_link(smtp_server)
    visitor.post(path, data={"password": NEW_PASSWORD})
    from model.store import db as database

    conn = database.connect(app.config["DATABASE"])
    assert [(e, u, d) for e, u, _, d in events(conn)] == [
        ("password_reset_requested", 1, {}),
        ("password_reset_requested", None, {}),
        ("password_reset", 1, {"method": "email"}),
    ]
    assert all(address == "127.0.0.1" for _, _, address, _ in events(conn))
    assert_no_secrets(conn, caplog, token, NEW_PASSWORD, PASSWORD)
    conn.close()


def test_recovery_codes_are_logged_without_the_codes(user, client, db, caplog):
    caplog.set_level(logging.INFO, logger="facereps.security")
    _, codes = make_codes(client)
    user.logout()
    use_code(client, "wrong-guess")
    use_code(client, codes[0])
    uid = user_id(db)
    assert own_events(db, uid) == [
        ("recovery_codes_created", {"count": 10}),
        ("recovery_code_failed", {}),
        ("recovery_code_used", {"left": 9}),
        ("password_reset", {"method": "recovery code"}),
    ]
    assert_no_secrets(db, caplog, NEW_PASSWORD, PASSWORD, *codes, *(c.replace("-", "") for c in codes))


def test_passkeys_are_logged(user, app, client, db, caplog):
    caplog.set_level(logging.INFO, logger="facereps.security")
    phone = Authenticator()
    client.post("/account/passkeys/options", json={"password": "wrong one"})
    add_passkey(client, phone)
    sign_in(app.test_client(), phone)
    phone.count = 0
    sign_in(app.test_client(), phone)  # a replayed counter: refused
    passkey_id = db.execute("SELECT id FROM passkeys").fetchone()[0]
    client.post(f"/account/passkeys/{passkey_id}/delete")
    uid = user_id(db)
    assert own_events(db, uid) == [
        ("passkey_added", {"name": "Unknown browser"}),
        ("sign_in", {"method": "passkey"}),
        ("sign_in_failed", {"method": "passkey"}),
        ("passkey_removed", {"name": "Unknown browser"}),
    ]
    credential = next(iter(phone.keys))
    public_key = db.execute("SELECT 1 FROM passkeys").fetchone()  # removed: nothing left to leak
    assert public_key is None
    assert_no_secrets(db, caplog, PASSWORD, "wrong one", credential)
    page = text_of(client.get(ACCOUNT))
    assert "Signed in with a passkey" in page and "A sign-in failed with a passkey" in page


# --- signed-in devices ------------------------------------------------------------------------


def test_signed_in_devices_list_browser_and_last_seen(user, app, client, clock, db):
    phone = app.test_client()
    clock.set(2026, 11, 24, 15, 30)
    phone.post(
        "/login", data={"email": "ana@example.com", "password": PASSWORD}, headers={"User-Agent": CHROME_ANDROID}
    )
    clock.set(2026, 11, 24, 16, 0)
    tablet = app.test_client()
    tablet.post("/login", data={"email": "ana@example.com", "password": PASSWORD}, headers={"User-Agent": FIREFOX_MAC})
    clock.set(2026, 11, 24, 16, 10)
    page = text_of(client.get(ACCOUNT))
    devices = page.split("Signed-in devices", 1)[1].split("Security log", 1)[0]
    assert devices.startswith(" Unknown browser (this device) Last seen 24 Nov 2026, 17:10 from 127.0.0.1 ")
    assert "Firefox on macOS Last seen 24 Nov 2026, 17:00 from 127.0.0.1 Sign out" in devices
    assert "Chrome on Android Last seen 24 Nov 2026, 16:30 from 127.0.0.1 Sign out" in devices
    assert devices.index("Firefox") < devices.index("Chrome")  # most recently seen first


def test_last_seen_is_written_at_most_every_five_minutes(user, client, clock, db):
    client.get("/today")
    first = db.execute("SELECT last_seen_at FROM logins").fetchone()[0]
    clock.set(2026, 11, 24, 12, 4)
    client.get("/today")
    assert db.execute("SELECT last_seen_at FROM logins").fetchone()[0] == first
    clock.set(2026, 11, 24, 12, 5)
    client.get("/today")
    assert db.execute("SELECT last_seen_at FROM logins").fetchone()[0] == "2026-11-24T12:05:00+00:00"


def test_signing_out_a_device_stops_its_cookies(user, app, client, db):
    phone = app.test_client()
    Auth(phone).login(remember=True)
    remembered = phone.get_cookie("remember_token").value
    html = client.get(ACCOUNT).get_data(as_text=True)
    action = re.search(r'action="(/account/devices/[0-9a-f]+/sign-out)"', html).group(1)
    assert len(re.findall(r'action="/account/devices/', html)) == 1  # not this device: Log out does that
    done = client.post(action)
    assert done.status_code == 303 and done.headers["Location"] == "/account#devices-title"
    assert "That device is signed out." in text_of(client.get(ACCOUNT))
    assert phone.get("/today").status_code == 303
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert fresh.get("/today").status_code == 303
    assert client.get("/today").status_code == 200
    assert client.post(action).status_code == 404  # gone already
    assert [e for e, *_ in events(db)][-1] == "device_signed_out"


def test_another_users_device_and_this_device_cannot_be_signed_out_there(user, app, client, db):
    from model.identity import logins

    own_token = db.execute("SELECT token FROM logins").fetchone()[0]
    assert client.post(f"/account/devices/{logins.device_id(own_token)}/sign-out").status_code == 404
    intruder = app.test_client()
    Auth(intruder).register(email="intruder@example.com")
    assert intruder.post(f"/account/devices/{logins.device_id(own_token)}/sign-out").status_code == 404
    assert intruder.post("/account/devices/%E2%9C%93/sign-out").status_code == 404
    assert client.get("/today").status_code == 200


def test_device_ids_on_the_page_are_not_login_tokens(user, client, db):
    token = db.execute("SELECT token FROM logins").fetchone()[0]
    assert token not in client.get(ACCOUNT).get_data(as_text=True)


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_ANDROID, "Chrome on Android"),
        (FIREFOX_MAC, "Firefox on macOS"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
            "Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 "
            "Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_browser_names(agent, label):
    from model.identity import logins

    assert logins.browser_label(agent) == label


# --- the events views/auth.py and views/account.py write (their calls are listed in the report) --


def test_sign_ins_and_sign_outs_are_logged(user, auth, db, caplog):
    caplog.set_level(logging.INFO, logger="facereps.security")
    auth.logout()
    auth.login(password="a wrong password")
    auth.login(email="nobody@example.com")
    auth.login()
    assert [(e, d) for e, _, _, d in events(db)] == [
        ("sign_out", {}),
        ("sign_in_failed", {"email": "ana@example.com", "method": "password"}),
        ("sign_in_failed", {"email": "nobody@example.com", "method": "password"}),
        ("sign_in", {"method": "password"}),
    ]
    assert_no_secrets(db, caplog, PASSWORD, "a wrong password")


def test_password_change_export_import_and_delete_are_logged(user, client, db, caplog):
    caplog.set_level(logging.INFO, logger="facereps.security")
    uid = user_id(db)
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    exported = client.get("/account/export.json").get_data()
    client.get("/account/export.csv")
    client.post(
        "/account/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(exported), "facereps-export.json")},
    )
    client.post("/account/delete", data={"confirm": "yes", "delete_password": NEW_PASSWORD})
    assert [(e, u, d) for e, u, _, d in events(db)] == [
        ("account_deleted", None, {"former_user_id": uid})
    ]  # the account's own rows went with it
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "facereps.security"]
    assert [(line["event"], line["detail"].get("format")) for line in lines] == [
        ("password_changed", None),
        ("data_exported", "json"),
        ("data_exported", "csv"),
        ("data_imported", None),
        ("account_deleted", None),
    ]
    assert_no_secrets(db, caplog, PASSWORD, NEW_PASSWORD)
