"""`flask --app app demo`: a demo account with six weeks of history, written through the use cases."""

import re
from datetime import date, timedelta

from model import demo, store
from tests.conftest import Auth, text_of

FIRST = date(2026, 10, 12)  # six whole weeks before the test clock's week (Monday 23 November)


def make(app, *args):
    """Run the demo command; (exit code, output)."""
    result = app.test_cli_runner().invoke(args=["demo", *args])
    return result.exit_code, result.output


def signed_in(app, output):
    """A client signed in with the email and password the command printed."""
    email = re.search(r"Email: +(\S+)", output).group(1)
    password = re.search(r"Password: +(\S+)", output).group(1)
    client = app.test_client()
    assert Auth(client).login(email, password).headers["Location"] == "/today"
    return client


def test_demo_prints_how_to_sign_in_and_six_weeks_of_history(app, db):
    code, output = make(app)
    assert code == 0, output
    assert f"Email:    {demo.EMAIL}" in output
    user = store.user_by_email(db, demo.EMAIL)
    done = db.execute("SELECT day FROM sessions WHERE user_id = ? AND status = 'done' ORDER BY day", [user.id])
    days = [date.fromisoformat(row[0]) for row in done.fetchall()]
    assert days[0] == FIRST and days[-1] == date(2026, 11, 23)
    assert len(days) >= 28  # five a week planned, a few missed
    assert f"{len(days)} sessions done over six weeks, 2 missed, 1 skipped, 6 weekly check-ins" in output
    # Every week has sessions, and no day has two (the device's spacing held).
    assert {(day - FIRST).days // 7 for day in days} == set(range(7))
    assert len(set(days)) == len(days)
    checkins = db.execute("SELECT week, firmness, note FROM checkins WHERE user_id = ? ORDER BY week", [user.id])
    rows = checkins.fetchall()
    assert [row[0] for row in rows] == [(FIRST + timedelta(weeks=week)).isoformat() for week in range(6)]
    assert rows[0][1] < rows[-1][1] and all(row[2] for row in rows)
    skips = db.execute("SELECT first_day FROM pauses WHERE first_day = last_day").fetchall()
    assert skips == [("2026-11-12",)]  # the chosen skip: Thursday of the fifth week


def test_demo_account_shows_today_and_progress_filled_in(app, db):
    client = signed_in(app, make(app)[1])
    today = text_of(client.get("/today"))
    assert "Microcurrent toning routine" in today
    assert "Intensive · week 7 of 8" in today
    progress = text_of(client.get("/progress"))
    assert "60-day toning plan" in progress
    assert "Streak" in progress
    # The heatmap (a text per day): one session on each day done, all of them within its 12 weeks.
    done = db.execute("SELECT count(*) FROM sessions WHERE status = 'done'").fetchone()[0]
    assert len(re.findall(r"12 Oct\w*: 1 session\b", progress)) == 1
    assert len(re.findall(r": 1 session\b", progress)) == done
    last_week = text_of(client.get("/progress/weeks/2026-11-16"))
    assert "Six weeks in." in last_week  # that week's check-in note
    missed = text_of(client.get("/progress/weeks/2026-10-19"))
    assert "missed" in missed


def test_demo_refuses_a_second_account_unless_replaced(app, db):
    assert make(app)[0] == 0
    code, output = make(app)
    assert code != 0
    assert "exists" in output and "--replace" in output
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    old = store.user_by_email(db, demo.EMAIL).password_hash
    code, output = make(app, "--replace")
    assert code == 0, output
    assert store.user_by_email(db, demo.EMAIL).password_hash != old  # a new account, with a new password
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 1
    signed_in(app, output)


def test_demo_takes_another_email_and_zone(app, db):
    code, output = make(app, "--email", "Try@Example.com", "--time-zone", "Europe/Paris")
    assert code == 0, output
    assert "Email:    try@example.com" in output
    assert store.user_by_email(db, "try@example.com").time_zone == "Europe/Paris"
    assert store.user_by_email(db, demo.EMAIL) is None
