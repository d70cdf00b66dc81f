"""Operations: the health check, consistent backups, and migrations that keep every row."""

import sqlite3

from model.store import db as database
from model.store import migrations
from tests.conftest import Auth


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(make_app, tmp_path):
    broken = tmp_path / "not-a-db"
    broken.mkdir()
    response = make_app(DATABASE=str(broken)).test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}


def test_backup_copies_a_live_database_consistently(user, app, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "backups" / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT email FROM users").fetchall() == [("ana@example.com",)]
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output


def test_a_restored_backup_serves_the_same_account(user, app, make_app, tmp_path):
    target = tmp_path / "restore.db"
    app.test_cli_runner().invoke(args=["backup", str(target)])
    restored = make_app(DATABASE=str(target)).test_client()
    assert Auth(restored).login().status_code == 303


def test_migrations_from_the_first_one_keep_every_row(tmp_path):
    conn = database.connect(tmp_path / "old.db")
    migrations.migrations.apply(conn, stop_before="m002_create_enrollments")
    assert conn.table_names() == ["_sqlite_migrations", "users", "logins"]
    conn.execute("INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'a@b.co', 'h', 'then')")
    conn.execute("INSERT INTO logins (token, user_id, created_at) VALUES ('t', 1, 'then')")
    migrations.upgrade(conn)
    assert conn.execute("SELECT email, time_zone, cue_beep, reminder_time FROM users").fetchall() == [
        ("a@b.co", "UTC", 1, "08:00")
    ]
    assert conn.execute("SELECT token FROM logins").fetchall() == [("t",)]
    applied = [m.name for m in migrations.migrations.applied(conn)]
    migrations.upgrade(conn)
    assert [m.name for m in migrations.migrations.applied(conn)] == applied
    assert applied == [m.name for m in migrations.migrations._migrations]


def test_enrollments_made_before_plan_versions_get_one(tmp_path):
    conn = database.connect(tmp_path / "old.db")
    migrations.migrations.apply(conn, stop_before="m003_create_sessions_and_ticks")
    conn.execute("INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'a@b.co', 'h', 'then')")
    conn.execute(
        "INSERT INTO enrollments (user_id, program_id, start_day, options, created_at) "
        "VALUES (1, 'microcurrent-60-days', '2026-11-01', '{\"neck\": true}', 'then')"
    )
    migrations.upgrade(conn)
    assert conn.execute("SELECT enrollment_id, effective_day, phases, options FROM enrollment_versions").fetchall() == [
        (1, "2026-11-01", None, '{"neck": true}')
    ]
