"""Schema migrations, append-only: an applied migration is never edited, only followed."""
from sqlite_utils import Migrations

migrations = Migrations("facereps")


@migrations()
def m001_create_users(db):
    db.execute("""
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            time_zone TEXT NOT NULL DEFAULT 'UTC',
            day_start_hour INTEGER NOT NULL DEFAULT 3 CHECK (day_start_hour BETWEEN 0 AND 5),
            week_start INTEGER NOT NULL DEFAULT 0 CHECK (week_start BETWEEN 0 AND 6),
            created_at TEXT NOT NULL
        )""")
    # One row per signed-in browser; the row's token is what the session cookie and the
    # remember-me cookie carry, so deleting the row revokes both.
    db.execute("""
        CREATE TABLE logins (
            token TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX logins_user ON logins(user_id)")


def upgrade(db):
    """Apply every pending migration; applying twice is a no-op."""
    migrations.apply(db)


@migrations()
def m002_create_enrollments(db):
    # Options (needle length, neck use, screened-out areas) are JSON: their keys come from the catalog.
    db.execute("""
        CREATE TABLE enrollments (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            program_id TEXT NOT NULL,
            start_day TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped')),
            stopped_on TEXT,
            created_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX enrollments_user ON enrollments(user_id, status)")
    db.execute("""
        CREATE TABLE pauses (
            id INTEGER PRIMARY KEY,
            enrollment_id INTEGER NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            first_day TEXT NOT NULL,
            last_day TEXT,
            reason TEXT NOT NULL DEFAULT '',
            CHECK (last_day IS NULL OR last_day >= first_day)
        )""")
    db.execute("CREATE INDEX pauses_enrollment ON pauses(enrollment_id, first_day)")
    db.execute("CREATE INDEX pauses_user ON pauses(user_id)")
    # A screening is stored only when it cleared the user; answers are JSON keyed by question id.
    db.execute("""
        CREATE TABLE screenings (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            device_id TEXT NOT NULL,
            questions_version INTEGER NOT NULL,
            answers TEXT NOT NULL,
            clinician_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (clinician_confirmed IN (0, 1)),
            answered_on TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX screenings_user_device ON screenings(user_id, device_id, id)")
