"""Manifest, service worker, offline page, the private calendar feed and replayed offline requests."""

import json
import re
from pathlib import Path

from icalendar import Calendar
from PIL import Image

from model import store
from tests.conftest import Auth, text_of
from tests.support.feeds import feed_url
from tests.support.programs import start

STATIC = Path(__file__).resolve().parent.parent / "static"


def test_manifest_has_what_install_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert {k: manifest[k] for k in ("name", "short_name", "id", "start_url", "scope", "display")} == {
        "name": "FaceReps",
        "short_name": "FaceReps",
        "id": "/",
        "start_url": "/today",
        "scope": "/",
        "display": "standalone",
    }
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_icon_files_have_their_real_pixel_sizes(client):
    for icon in json.loads(client.get("/manifest.webmanifest").get_data())["icons"]:
        path = STATIC / icon["src"].removeprefix("/static/")
        width, height = (int(n) for n in icon["sizes"].split("x"))
        with Image.open(path) as image:
            assert image.size == (width, height) and image.format == "PNG"


def test_service_worker_is_served_at_the_root_with_a_version(client, app):
    response = client.get("/sw.js")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    version = app.config["STATIC_VERSION"]
    assert '"facereps-shell-" + VERSION' in body and f'"{version}"' in body
    assert f"/static/css/app.css?v={version}" in body and '"/offline"' in body


def test_pages_link_the_manifest_and_versioned_assets(user, client, app):
    page = client.get("/today").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert f"/static/js/app.js?v={app.config['STATIC_VERSION']}" in page


def test_offline_page_needs_no_login(client):
    response = client.get("/offline")
    assert response.status_code == 200 and "You are offline" in text_of(response)


def test_a_new_shell_file_changes_the_version(tmp_path):
    from types import SimpleNamespace

    from views.pwa import static_version

    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("a { }")
    before = static_version(SimpleNamespace(static_folder=str(tmp_path)))
    (tmp_path / "css" / "app.css").write_text("a { color: red }")
    assert static_version(SimpleNamespace(static_folder=str(tmp_path))) != before


def test_logout_tells_the_phone_to_forget(user, client):
    response = client.post("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert "data-forget-offline" in client.get("/login").get_data(as_text=True)
    assert "data-forget-offline" not in client.get("/login").get_data(as_text=True)


def test_calendar_feed_lists_due_sessions_with_an_alarm(user, client, app):
    start(client, app)
    url = feed_url(client)
    response = app.test_client().get(url)  # a calendar app has no session cookie
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    events = calendar.walk("VEVENT")
    assert len(events) >= 10  # 5 a week for the four weeks ahead, minus rest days
    first = events[0]
    assert str(first["SUMMARY"]) == "FaceReps: Microcurrent toning routine"
    assert first.decoded("DTSTART").isoformat() == "2026-11-24T08:00:00+01:00"
    assert first.walk("VALARM")[0]["ACTION"] == "DISPLAY"


def test_calendar_events_keep_their_ids(user, client, app):
    start(client, app)
    url = feed_url(client)
    uids = [[str(e["UID"]) for e in Calendar.from_ical(client.get(url).get_data()).walk("VEVENT")] for _ in range(2)]
    assert uids[0] == uids[1] and len(set(uids[0])) == len(uids[0])


def test_reminder_time_moves_the_events(user, client, app):
    start(client, app)
    url = feed_url(client)
    assert client.post("/account/reminder", data={"reminder_time": "19:45"}).status_code == 303
    first = Calendar.from_ical(client.get(url).get_data()).walk("VEVENT")[0]
    assert first.decoded("DTSTART").strftime("%H:%M") == "19:45"
    for bad in ["7pm", "25:00", "", "07:5"]:
        response = client.post("/account/reminder", data={"reminder_time": bad})
        assert response.status_code == 422 and "like 07:30" in text_of(response)


def test_resetting_the_token_makes_the_old_url_404(user, client):
    old = feed_url(client)
    new = feed_url(client)
    assert old != new
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_another_users_token_never_shows_your_data(user, client, app):
    start(client, app)
    mine = feed_url(client)
    other = app.test_client()
    Auth(other).register(email="eve@example.com")
    theirs = feed_url(other)
    assert b"Microcurrent" not in other.get(theirs).get_data()
    assert b"Microcurrent" in other.get(mine).get_data()  # the link itself is the only key
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert client.get("/calendar/" + "x" * 200 + ".ics").status_code == 404


def test_a_replayed_offline_tick_is_applied_once(user, client, app, db):
    start(client, app)
    url = "/days/2026-11-24/routines/microcurrent-standard/steps/cleanse"
    for _ in range(2):
        assert client.post(url, data={"done": ["0", "1"], "client_id": "phone-1"}).status_code == 303
    client.post(url, data={"done": "0", "client_id": "phone-2"})
    client.post(url, data={"done": ["0", "1"], "client_id": "phone-1"})  # a late replay of the first
    assert db.execute("SELECT count(*) FROM ticks").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM client_requests").fetchone()[0] == 2
    bad = client.post(url, data={"done": "1", "client_id": "<script>"})
    assert bad.status_code == 422


def test_a_replayed_guided_step_is_applied_once(user, client, app, db):
    start(client, app)
    session = client.post("/sessions", data={"day": "2026-11-24", "routine": "microcurrent-standard"}).headers[
        "Location"
    ]
    client.post(f"{session}/steps/cleanse", data={"outcome": "done", "client_id": "a"})
    client.post(f"{session}/steps/gel-left", data={"outcome": "done", "client_id": "b"})
    for _ in range(2):
        client.post(f"{session}/back", data={"client_id": "c"})
    assert store.guided_session(db, 1, int(session.rsplit("/", 1)[1])).current_step == "gel-left"


def test_text_is_sent_compressed(user, client):
    response = client.get("/today", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]


LOGIN_META = re.compile(r'<meta name="facereps-login" content="([^"]*)">')
TICK = "/days/2026-11-24/routines/microcurrent-standard/steps/cleanse"


def login_signal(client, path="/today"):
    """What a page tells the phone about its login: (header, meta tag)."""
    response = client.get(path)
    meta = LOGIN_META.search(response.get_data(as_text=True))
    return response.headers.get("X-FaceReps-Login"), meta.group(1) if meta else None


def test_pages_say_which_login_they_are_for_without_giving_it_away(user, client, app, db):
    header, meta = login_signal(client)
    assert re.fullmatch(r"[0-9a-f]{32}", header) and meta == header
    assert login_signal(client, "/account") == (header, header)  # the same for the whole login
    token = db.execute("SELECT token FROM logins").fetchone()[0]
    cookie = client.get_cookie("session").value
    assert header not in token and token not in header and header not in cookie
    for page in ("/today", "/account", "/progress"):
        assert token not in client.get(page).get_data(as_text=True)

    # The same person on another phone, or signed in again here: another login, another id.
    other = app.test_client()
    Auth(other).login()
    assert login_signal(other)[0] not in (None, header)
    Auth(client).logout()
    assert login_signal(client, "/login") == ("none", "none")
    Auth(client).login()
    assert login_signal(client)[0] not in (None, header, "none")


def test_the_offline_page_names_no_login(user, client):
    # It is kept on the phone for whoever uses it next, so it cannot say whose phone it is.
    assert login_signal(client, "/offline") == (None, None)
    with client.get("/static/js/app.js") as script:
        assert "X-FaceReps-Login" not in script.headers


def test_a_change_kept_for_another_login_is_never_applied(user, client, app, db):
    start(client, app)
    first = login_signal(client)[0]
    Auth(client).logout()
    Auth(client).login()  # the phone's login changed: first's queued tick must not be applied now
    current = login_signal(client)[0]
    refused = client.post(
        TICK,
        data={"done": ["0", "1"], "client_id": "phone-1"},
        headers={"X-FaceReps-Login": first, "HX-Request": "true"},
    )
    assert refused.status_code == 403 and "another login" in refused.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM ticks").fetchone()[0] == 0
    applied = client.post(
        TICK, data={"done": ["0", "1"], "client_id": "phone-2"}, headers={"X-FaceReps-Login": current}
    )
    assert applied.status_code == 303
    assert db.execute("SELECT count(*) FROM ticks").fetchone()[0] == 1


def test_a_change_kept_after_the_login_ended_asks_to_log_in(user, client, app, db):
    start(client, app)
    first = login_signal(client)[0]
    Auth(client).logout()
    response = client.post(
        TICK,
        data={"done": ["0", "1"], "client_id": "phone-1"},
        headers={"X-FaceReps-Login": first, "HX-Request": "true"},
    )
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/login"
    assert db.execute("SELECT count(*) FROM ticks").fetchone()[0] == 0


def _events(client, url):
    return Calendar.from_ical(client.get(url).get_data()).walk("VEVENT")


def test_calendar_counts_each_days_session_as_if_the_ones_before_were_done(user, client, app):
    # Issue 17: consecutive days said "1st of 7", "1st of 6", "1st of 5", and a week's quota never ran out.
    start(client, app)
    events = _events(client, feed_url(client))
    week = [(e.decoded("DTSTART").date().isoformat(), str(e["DESCRIPTION"]).split("\n")[0]) for e in events[:5]]
    assert week == [
        ("2026-11-24", "60-day toning plan: 1st of 4 this week. About 4 min."),
        ("2026-11-25", "60-day toning plan: 2nd of 4 this week. About 4 min."),
        ("2026-11-26", "60-day toning plan: 3rd of 4 this week. About 4 min."),
        ("2026-11-27", "60-day toning plan: 4th of 4 this week. About 4 min."),
        ("2026-11-30", "60-day toning plan: 1st of 5 this week. About 4 min."),
    ]


def test_calendar_routines_never_share_a_minute_and_link_back_to_their_day(user, client, app):
    start(client, app)
    start(client, app, "face-workout-daily", "face_workout")
    events = _events(client, feed_url(client))
    starts = [e.decoded("DTSTART") for e in events]
    assert len(starts) == len(set(starts))
    first_two = [(e.decoded("DTSTART").strftime("%H:%M"), str(e["SUMMARY"])) for e in events[:2]]
    assert first_two == [
        ("08:00", "FaceReps: Microcurrent toning routine"),
        ("08:04", "FaceReps: 5-minute face workout"),
    ]
    assert str(events[1]["URL"]) == "http://localhost/days/2026-11-24#routine-face-workout-5min"
    assert str(events[1]["DESCRIPTION"]).endswith("\nhttp://localhost/days/2026-11-24#routine-face-workout-5min")
    assert client.get("/days/2026-11-24").status_code == 200


def test_a_routines_own_reminder_time_moves_its_events(user, client, app):
    start(client, app)
    url = feed_url(client)
    form = {"on_microcurrent-standard": "on", "time_microcurrent-standard": "18:30"}
    assert client.post("/account/reminders/settings", data=form).status_code == 303
    assert _events(client, url)[0].decoded("DTSTART").isoformat() == "2026-11-24T18:30:00+01:00"


def test_the_calendar_look_ahead_leaves_the_real_sessions_untouched(user, client, app, db):
    start(client, app)
    url = feed_url(client)
    client.get(url)
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    assert "1st of 4 this week" in text_of(client.get("/today"))


def test_the_service_worker_shows_reminders_and_opens_their_page(client):
    body = client.get("/sw.js").get_data(as_text=True)
    assert 'addEventListener("push"' in body and "showNotification" in body
    assert '"/static/icons/icon-192.png"' in body and '"/static/icons/badge-96.png"' in body
    assert '{ action: "start", title: open }, { action: "later", title: "Later" }' in body
    assert 'addEventListener("notificationclick"' in body and "openWindow" in body and "open.navigate(url)" in body
    assert "fetch(" not in body.split('addEventListener("push"')[1]  # the message is all it needs


def test_a_change_to_the_worker_changes_its_version(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from views import pwa

    worker = tmp_path / "sw.js"
    worker.write_text("// one")
    monkeypatch.setattr(pwa, "WORKER", worker)
    before = pwa.static_version(SimpleNamespace(static_folder=str(tmp_path)))
    worker.write_text("// two")
    assert pwa.static_version(SimpleNamespace(static_folder=str(tmp_path))) != before


def test_every_asset_a_page_loads_is_versioned_with_the_shell(app):
    """A stylesheet or script a page loads through asset() changes the version when it changes."""
    import re
    from pathlib import Path

    from views.pwa import PAGE_FILES, SHELL_FILES

    loaded = set()
    for template in Path(app.root_path, "templates").rglob("*.html"):
        loaded.update(re.findall(r"asset\('([^']+)'\)", template.read_text()))
    assert loaded <= set(SHELL_FILES + PAGE_FILES), loaded - set(SHELL_FILES + PAGE_FILES)
