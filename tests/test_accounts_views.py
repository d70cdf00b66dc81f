"""Registering, logging in and out, settings, password change and account deletion."""

import random

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from model import store
from model.identity import accounts
from tests.conftest import PASSWORD, text_of


def test_register_signs_in_and_asks_for_the_device_then_today_is_there(auth, client):
    response = auth.register()
    assert response.status_code == 303
    assert response.headers["Location"] == "/welcome"
    page = client.get("/today")
    assert page.status_code == 200
    assert "Today" in text_of(page)


def test_register_keeps_browser_time_zone(auth, db):
    auth.register(time_zone="America/New_York")
    assert store.user_by_email(db, "ana@example.com").time_zone == "America/New_York"


def test_register_without_javascript_or_with_a_bogus_zone_uses_utc(auth, db):
    auth.register(time_zone="Mars/Olympus")
    assert store.user_by_email(db, "ana@example.com").time_zone == "UTC"


def test_register_stores_email_lowercased_and_unique(auth, client, db):
    auth.register(email="  Ana@Example.COM ")
    auth.logout()
    again = auth.register(email="ana@example.com")
    assert again.status_code == 422
    assert "exists" in text_of(again)
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_register_refuses_short_long_and_common_passwords(auth, db):
    for password, message in [
        ("short", "at least 8"),
        ("x" * 257, "at most 256"),
        ("Password123", "easy to guess. This is a very common password."),
        ("sunshine1", "easy to guess. This is a very common password."),
        ("letmein123", "easy to guess. This is similar to a commonly used password."),
        ("qwertyuiop1", "easy to guess"),
        ("ana@example.com1", "easy to guess"),
        ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
    ]:
        response = auth.register(password=password)
        assert response.status_code == 422
        assert message in text_of(response), password
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_register_accepts_a_128_character_password(auth):
    password = (
        "tulip marble orbit canyon velvet lantern quarry pepper saddle harbor juniper cobalt "
        "thimble pocket wren ribbon meadow kettle ant"
    )
    assert len(password) == 128
    assert auth.register(password=password).status_code == 303


def test_passphrases_of_four_random_words_are_accepted(auth):
    words = [w for w in FREQUENCY_LISTS["english_wikipedia"][:5000] if w.isalpha() and 3 <= len(w) <= 8]
    chooser = random.Random(2026)
    phrases = []
    while len(phrases) < 100:
        phrase = " ".join(chooser.sample(words, 4))
        if len(phrase) >= 20:
            phrases.append(phrase)
    assert [p for p in phrases if accounts.password_problem(p, ["ana@example.com"])] == []
    assert auth.register(password=phrases[0]).status_code == 303


def test_register_refuses_bad_emails_with_a_message(auth):
    for email, message in [
        ("", "Enter your email"),
        ("not-an-email", "like name@example.com"),
        ("a@" + "b" * 260 + ".com", "at most 254"),
    ]:
        response = auth.register(email=email)
        assert response.status_code == 422
        assert message in text_of(response)


def test_login_with_right_password_goes_to_today(user, auth):
    auth.logout()
    response = auth.login()
    assert response.status_code == 303
    assert response.headers["Location"] == "/today"


def test_login_errors_are_the_same_for_unknown_email_and_wrong_password(user, auth, client):
    auth.logout()
    client.get("/login")  # shows (and so clears) the "logged out" notice
    unknown = auth.login(email="nobody@example.com")
    wrong = auth.login(password="wrong password here")
    assert unknown.status_code == wrong.status_code == 401
    assert "do not match" in text_of(unknown) and "do not match" in text_of(wrong)
    assert text_of(unknown).replace("nobody@example.com", "") == text_of(wrong).replace("ana@example.com", "")


def test_login_follows_a_local_next(user, auth):
    auth.logout()
    assert auth.login(next="/progress").headers["Location"] == "/progress"


def test_pages_need_login_and_come_back_after(client):
    for path in ["/today", "/programs", "/progress", "/account"]:
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"] == f"/login?next={path}"


def test_logout_is_a_post_and_ends_the_session(user, client):
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert client.get("/today").status_code == 303


def test_remember_me_sets_a_bounded_cookie(user, auth, client):
    auth.logout()
    auth.login(remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    assert cookie.expires is not None


def test_without_remember_me_no_remember_cookie(user, auth, client):
    auth.logout()
    auth.login()
    assert client.get_cookie("remember_token") is None


def test_settings_save_zone_day_start_and_week_start(user, client, db):
    response = client.post(
        "/account/settings", data={"time_zone": "Asia/Tokyo", "day_start_hour": "5", "week_start": "6"}
    )
    assert response.status_code == 303
    saved = store.user_by_email(db, "ana@example.com")
    assert (saved.time_zone, saved.day_start_hour, saved.week_start) == ("Asia/Tokyo", 5, 6)
    assert "Settings saved" in text_of(client.get("/account"))


def test_settings_refuse_bad_values_and_keep_the_old_ones(user, client, db):
    for data, message in [
        ({"time_zone": "Nowhere/City", "day_start_hour": "3", "week_start": "0"}, "Unknown time zone"),
        ({"time_zone": "UTC", "day_start_hour": "9", "week_start": "0"}, "from 0 to 5"),
        ({"time_zone": "UTC", "day_start_hour": "x", "week_start": "0"}, "from 0 to 5"),
        ({"time_zone": "UTC", "day_start_hour": "3", "week_start": "7"}, "day of the week"),
        ({}, "Unknown time zone"),
    ]:
        response = client.post("/account/settings", data=data)
        assert response.status_code == 422
        assert message in text_of(response)
    assert store.user_by_email(db, "ana@example.com").time_zone == "Europe/Paris"


def test_settings_take_ascii_digits_only(user, client, db):
    response = client.post("/account/settings", data={"time_zone": "UTC", "day_start_hour": "٣", "week_start": "0"})
    assert response.status_code == 422 and "from 0 to 5" in text_of(response)
    assert store.user_by_email(db, "ana@example.com").time_zone == "Europe/Paris"


def test_reminder_time_takes_ascii_digits_only(user, client, db):
    for raw in ["٠٨:٠٠", "０８:００", "08:٣٠"]:  # Arabic-Indic, full-width, mixed
        response = client.post("/account/reminder", data={"reminder_time": raw})
        assert response.status_code == 422 and "like 07:30" in text_of(response), raw
    assert store.user_by_email(db, "ana@example.com").reminder_time == "08:00"
    assert client.post("/account/reminder", data={"reminder_time": "06:45"}).status_code == 303
    assert store.user_by_email(db, "ana@example.com").reminder_time == "06:45"


def test_today_is_the_users_local_day(user, client, clock):
    clock.set(2026, 11, 24, 23, 30)  # 00:30 on the 25th in Paris, before the 03:00 day start
    assert "Tuesday 24 November" in text_of(client.get("/today"))
    clock.set(2026, 11, 25, 2, 30)  # 03:30 in Paris
    assert "Wednesday 25 November" in text_of(client.get("/today"))


def test_change_password_needs_the_current_one(user, client, auth):
    wrong = client.post(
        "/account/password", data={"current_password": "nope nope nope", "new_password": "a brand new secret"}
    )
    assert wrong.status_code == 422
    assert "not your current password" in text_of(wrong)
    weak = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "12345678"})
    assert weak.status_code == 422 and "easy to guess" in text_of(weak)
    mine = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "ana@example.com"})
    assert mine.status_code == 422 and "easy to guess" in text_of(mine)  # the email counts as a known word
    ok = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "a brand new secret"})
    assert ok.status_code == 303
    auth.logout()
    assert auth.login().status_code == 401
    assert auth.login(password="a brand new secret").status_code == 303


def test_delete_account_asks_to_confirm_and_removes_every_row(user, client, db):
    user_id = store.user_by_email(db, "ana@example.com").id
    routine = client.post("/routines/copy", data={"routine_id": "face-workout-5min"}).headers["Location"]
    client.post(f"{routine}/plan", data={"name": "Mine", "p1_kind": "per_week", "p1_per_week": "3"})
    unconfirmed = client.post("/account/delete", data={"delete_password": PASSWORD})
    assert unconfirmed.status_code == 422
    assert "confirm" in text_of(unconfirmed)
    wrong = client.post("/account/delete", data={"confirm": "yes", "delete_password": "wrong one!"})
    assert wrong.status_code == 422
    assert store.count_rows_of_user(db, user_id) > 0
    done = client.post("/account/delete", data={"confirm": "yes", "delete_password": PASSWORD})
    assert done.status_code == 303
    assert store.count_rows_of_user(db, user_id) == 0
    assert db.execute("SELECT count(*) FROM routines").fetchone()[0] == 0  # own routines and plans went too
    assert client.get("/today").status_code == 303
