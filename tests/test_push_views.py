"""Issue 17 through the Flask client: subscribing a browser (and every malformed subscription refused with 422
and nothing stored), the devices list, another user's device (404), the reminder settings, a test
reminder, the page a reminder opens, account deletion and the export."""

import json

import pytest

from model import reminders
from tests.conftest import Auth, text_of
from tests.support.programs import rows, start
from tests.support.push import b64, push_service
from tests.support.transfer import exported

URL = "/account/reminders/subscriptions"


@pytest.fixture
def service(app):
    with push_service(app) as running:
        yield running


def subscription(endpoint="https://push.example.net/send/abc123", p256dh=None, auth=None):
    good = {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": b64(b"\x04" + b"\x01" * 64)}}
    good["keys"]["auth"] = b64(b"\x02" * 16)
    if p256dh is not None:
        good["keys"]["p256dh"] = p256dh
    if auth is not None:
        good["keys"]["auth"] = auth
    return good


def test_a_browser_subscribes_once_per_endpoint(user, client, db):
    phone = {"User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Chrome/131.0 Mobile"}
    first = client.post(URL, json=subscription(), headers=phone)
    assert first.status_code == 201 and first.json == {"id": 1}
    assert client.post(URL, json=subscription(), headers=phone).json == {"id": 1}
    assert rows(db, "push_subscriptions") == 1
    page = text_of(client.get("/account"))
    assert "Devices that get reminders Chrome on Android Added 24 Nov 2026, 13:00" in page
    assert "Send a test reminder" in page


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"not json", "not JSON"),
        (b"[]", "needs an endpoint"),
        (json.dumps({"endpoint": "https://push.example.net/x"}).encode(), "needs an endpoint and keys"),
        (json.dumps(subscription("http://push.example.net/x")).encode(), "must be an https URL"),
        (json.dumps(subscription("ftp://push.example.net/x")).encode(), "must be an https URL"),
        (json.dumps(subscription("javascript:alert(1)")).encode(), "not a URL"),
        (json.dumps(subscription("https://user:pw@push.example.net/x")).encode(), "not a URL"),
        (json.dumps(subscription("https://push.example.net:99999/x")).encode(), "not a URL"),
        (json.dumps(subscription("https://push.example.net/" + "x" * 3000)).encode(), "not a URL"),
        (json.dumps(subscription(p256dh=b64(b"\x04" * 33))).encode(), "not a P-256 public key"),
        (json.dumps(subscription(p256dh="***")).encode(), "not base64url"),
        (json.dumps(subscription(p256dh=7)).encode(), "not base64url"),
        (json.dumps(subscription(auth=b64(b"\x02" * 8))).encode(), "not 16 bytes"),
        (json.dumps({**subscription(), "padding": "x" * 5000}).encode(), "far larger"),
    ],
)
def test_a_malformed_subscription_is_refused_and_nothing_stored(user, client, db, body, why):
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 422 and why in response.json["error"]
    assert rows(db, "push_subscriptions") == 0


def test_a_huge_body_is_refused_unread(user, client, db):
    response = client.post(URL, data=b"{" + b" " * 11_000_000 + b"}", content_type="application/json")
    assert response.status_code == 422 and rows(db, "push_subscriptions") == 0


def test_loopback_http_is_allowed_only_outside_production(make_app, db):
    endpoint = "http://127.0.0.1:8080/push/a"
    for production, status in ((False, 201), (True, 422)):
        client = make_app(PRODUCTION=production).test_client()
        Auth(client).register(email=f"p{production}@example.com")
        assert client.post(URL, json=subscription(endpoint)).status_code == status


def test_subscribing_needs_a_login(client, db):
    assert client.post(URL, json=subscription()).status_code in (303, 401)
    assert rows(db, "push_subscriptions") == 0


def test_a_phone_that_changes_hands_moves_to_its_new_user(user, client, app, db):
    client.post(URL, json=subscription())
    other = app.test_client()
    Auth(other).register(email="eve@example.com")
    assert other.post(URL, json=subscription()).status_code == 201
    assert db.execute("SELECT user_id FROM push_subscriptions").fetchall() == [(2,)]


def test_another_users_device_is_404_and_stays(user, client, app, db):
    client.post(URL, json=subscription())
    other = app.test_client()
    Auth(other).register(email="eve@example.com")
    assert other.post("/account/reminders/devices/1/remove").status_code == 404
    assert other.post(f"/account/reminders/devices/{2**63}/remove").status_code == 404
    assert rows(db, "push_subscriptions") == 1
    response = client.post("/account/reminders/devices/1/remove")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account#reminders-title")
    assert rows(db, "push_subscriptions") == 0


def test_reminder_settings_are_saved_and_bad_times_refused(user, client, app, db):
    start(client, app)
    page = text_of(client.get("/account"))
    assert "Microcurrent toning routine Remind me on days it is due At Empty: your usual reminder time, 08:00" in page
    form = {"on_microcurrent-standard": "on", "time_microcurrent-standard": "07:15", "evening": "on"}
    bad = client.post("/account/reminders/settings", data={**form, "evening_time": "8pm"})
    assert bad.status_code == 422 and "Enter a time like 20:00." in text_of(bad)
    bad = client.post("/account/reminders/settings", data={**form, "time_microcurrent-standard": "25:00"})
    assert bad.status_code == 422 and "Enter a time like 07:30" in text_of(bad)
    assert rows(db, "routine_reminders") == 0
    response = client.post("/account/reminders/settings", data={**form, "evening_time": "21:30"})
    assert response.status_code == 303
    assert db.execute("SELECT routine_id, time, enabled FROM routine_reminders").fetchall() == [
        ("microcurrent-standard", "07:15", 1)
    ]
    assert db.execute("SELECT reminder_evening, reminder_weekly FROM users").fetchall() == [("21:30", 0)]


def test_a_test_reminder_reaches_each_device(make_app, service, db):
    app = make_app(REMINDER_SENDER={"timeout": 0.5})
    client = app.test_client()
    Auth(client).register()
    assert "No device gets reminders yet" in text_of(client.post("/account/reminders/test", follow_redirects=True))
    client.post(URL, json=service.browser("phone").json())
    response = client.post("/account/reminders/test", follow_redirects=True)
    assert "Test reminder sent to 1 device." in text_of(response)
    assert service.delivered("phone")[0]["title"] == "FaceReps reminders work"
    service.answers = {"phone": [410]}
    client.post("/account/reminders/test")
    assert rows(db, "push_subscriptions") == 0


def test_the_page_a_reminder_opens_offers_one_start_and_changes_nothing(user, client, app, db):
    start(client, app)
    response = client.get("/reminders/start/microcurrent-standard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'action="/sessions"' in page
    assert 'name="routine" value="microcurrent-standard"' in page and 'name="day" value="2026-11-24"' in page
    assert "Start guided" in text_of(response) and "1st of 4 this week" in text_of(response)
    assert rows(db, "sessions") == 0
    assert client.get("/reminders/start/not-mine").status_code == 404
    assert app.test_client().get("/reminders/start/microcurrent-standard").status_code == 303  # to log in


def test_deleting_the_account_deletes_its_subscriptions_and_settings(user, client, app, db):
    start(client, app)
    client.post(URL, json=subscription())
    client.post("/account/reminders/settings", data={"time_microcurrent-standard": "07:00", "weekly": "on"})
    from tests.conftest import PASSWORD

    client.post("/account/delete", data={"confirm": "yes", "delete_password": PASSWORD})
    for table in ("push_subscriptions", "routine_reminders", "push_claims"):
        assert rows(db, table) == 0


def test_the_export_keeps_the_settings_and_never_a_subscription(user, client, app):
    start(client, app)
    client.post(URL, json=subscription())
    form = {"on_microcurrent-standard": "on", "time_microcurrent-standard": "07:15", "evening": "on"}
    client.post("/account/reminders/settings", data={**form, "evening_time": "21:00"})
    data = exported(client)
    assert data["routine_reminders"] == [{"routine_id": "microcurrent-standard", "time": "07:15", "enabled": 1}]
    assert (data["settings"]["reminder_evening"], data["settings"]["reminder_weekly"]) == ("21:00", 0)
    assert "push.example.net" not in json.dumps(data)
    other = app.test_client()
    Auth(other).register(email="new@example.com")
    from tests.support.transfer import import_file

    assert import_file(other, json.dumps(data).encode()).status_code == 303
    again = exported(other)
    assert again["routine_reminders"] == data["routine_reminders"]
    assert again["settings"] == data["settings"]


def test_the_account_page_loads_the_reminders_script_and_styles_only_there(user, client, app):
    version = app.config["STATIC_VERSION"]
    account = client.get("/account").get_data(as_text=True)
    assert f'src="/static/js/reminders.js?v={version}" defer' in account
    assert f'href="/static/css/reminders.css?v={version}"' in account
    key = reminders.load_keys(None, app.config["VAPID_KEY_FILE"]).public
    assert f'data-vapid-key="{key}"' in account and 'data-subscribe="/account/reminders/subscriptions"' in account
    assert "reminders.js" not in client.get("/today").get_data(as_text=True)
