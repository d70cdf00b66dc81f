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
