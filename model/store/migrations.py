"""Schema migrations, append-only: an applied migration is never edited, only followed."""

from sqlite_utils import Migrations

from model.store.db import use_wal

migrations = Migrations("facereps")


@migrations()
def m001_create_users(db):
    """The users table, and the logins table (a row for each signed-in browser)."""
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
    """Put the file in WAL mode and apply every pending migration; applying twice is a no-op."""
    use_wal(db)
    migrations.apply(db)


@migrations()
def m002_create_enrollments(db):
    """Enrollments in programs, their pauses, and the screenings that cleared the user."""
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


@migrations()
def m003_create_sessions_and_ticks(db):
    """Sessions, ticks, each enrollment's plan versions and the one-time gate checks."""
    # A session is one routine on one local day; it is done when every step the user does is ticked.
    db.execute("""
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            routine_id TEXT NOT NULL,
            device_id TEXT NOT NULL,
            steps_total INTEGER NOT NULL CHECK (steps_total > 0),
            steps_done INTEGER NOT NULL DEFAULT 0 CHECK (steps_done >= 0),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
            updated_at TEXT NOT NULL,
            UNIQUE (user_id, day, routine_id)
        )""")
    db.execute("CREATE INDEX sessions_user_device_day ON sessions(user_id, device_id, day)")
    db.execute("CREATE INDEX sessions_user_routine_day ON sessions(user_id, routine_id, status, day)")
    # The tick's key is its identity, so ticking twice is one row and unticking deletes it.
    db.execute("""
        CREATE TABLE ticks (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            routine_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            ticked_at TEXT NOT NULL,
            PRIMARY KEY (user_id, day, routine_id, step_id)
        ) WITHOUT ROWID""")
    # The plan of an enrollment as it was from each effective day: later changes never rewrite
    # how earlier days are judged. `phases` NULL means the catalog program's phases.
    db.execute("""
        CREATE TABLE enrollment_versions (
            id INTEGER PRIMARY KEY,
            enrollment_id INTEGER NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            effective_day TEXT NOT NULL,
            phases TEXT,
            options TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            UNIQUE (enrollment_id, effective_day)
        )""")
    db.execute("CREATE INDEX enrollment_versions_user ON enrollment_versions(user_id)")
    db.execute("""
        INSERT INTO enrollment_versions (enrollment_id, user_id, effective_day, phases, options, created_at)
        SELECT id, user_id, start_day, NULL, options, created_at FROM enrollments""")
    # One-time gates such as a patch test, done on a day.
    db.execute("""
        CREATE TABLE gate_checks (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            device_id TEXT NOT NULL,
            gate_id TEXT NOT NULL,
            day TEXT NOT NULL,
            PRIMARY KEY (user_id, device_id, gate_id)
        ) WITHOUT ROWID""")


@migrations()
def m004_add_guided_sessions(db):
    """The guided player's place in a session, and each user's cue preferences."""
    # The guided player keeps its place on the server, so a reload or another tab resumes it.
    for column in [
        "started_at TEXT",
        "finished_at TEXT",
        "current_step TEXT",
        "skipped TEXT NOT NULL DEFAULT '[]'",
        "steps TEXT",
    ]:
        db.execute(f"ALTER TABLE sessions ADD COLUMN {column}")
    # Cue preferences for the guided player, remembered per user.
    for column in [
        "cue_beep INTEGER NOT NULL DEFAULT 1 CHECK (cue_beep IN (0, 1))",
        "cue_vibrate INTEGER NOT NULL DEFAULT 1 CHECK (cue_vibrate IN (0, 1))",
        "cue_voice INTEGER NOT NULL DEFAULT 0 CHECK (cue_voice IN (0, 1))",
        "auto_advance INTEGER NOT NULL DEFAULT 1 CHECK (auto_advance IN (0, 1))",
    ]:
        db.execute(f"ALTER TABLE users ADD COLUMN {column}")


@migrations()
def m005_add_offline_and_calendar(db):
    """Replayed offline requests (applied once), and the calendar feed's token and reminder time."""
    # Requests replayed from a phone's outbox carry the phone's id for them: applied once only.
    db.execute("""
        CREATE TABLE client_requests (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            client_id TEXT NOT NULL,
            applied_at TEXT NOT NULL,
            PRIMARY KEY (user_id, client_id)
        ) WITHOUT ROWID""")
    # The private calendar feed: a secret token in its URL, and the time of day reminders fire.
    db.execute("ALTER TABLE users ADD COLUMN calendar_token TEXT")
    db.execute("ALTER TABLE users ADD COLUMN reminder_time TEXT NOT NULL DEFAULT '08:00'")
    db.execute("CREATE UNIQUE INDEX users_calendar_token ON users(calendar_token)")


@migrations()
def m006_create_checkins_and_photos(db):
    """Weekly check-ins and progress photos."""
    # One check-in per user and week (keyed by the week's first day): self-ratings and a note.
    db.execute("""
        CREATE TABLE checkins (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            week TEXT NOT NULL,
            firmness INTEGER NOT NULL CHECK (firmness BETWEEN 1 AND 5),
            fine_lines INTEGER NOT NULL CHECK (fine_lines BETWEEN 1 AND 5),
            glow INTEGER NOT NULL CHECK (glow BETWEEN 1 AND 5),
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, week)
        ) WITHOUT ROWID""")
    # Progress photos: the files live outside static/ under random names; one per week and angle.
    db.execute("""
        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            week TEXT NOT NULL,
            angle TEXT NOT NULL CHECK (angle IN ('front', 'left', 'right')),
            filename TEXT NOT NULL UNIQUE,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (user_id, week, angle)
        )""")


@migrations()
def m007_create_own_routines_and_plans(db):
    """A user's own routines, their step versions and plans, and the version a session ran."""
    # A user's own routines: ids are "my-" and random hex, unique per user, so an export re-imports
    # as it is. device_id names a catalog device type, or is NULL for a device the catalog does not
    # know (its name is then device_name). based_on is the catalog routine it was copied from.
    db.execute("""
        CREATE TABLE routines (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            device_id TEXT,
            device_name TEXT NOT NULL DEFAULT '',
            based_on TEXT,
            name TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, id)
        ) WITHOUT ROWID""")
    # Every version of a routine's steps that a session ran (edits to an unused version replace it).
    db.execute("""
        CREATE TABLE routine_versions (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            routine_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            steps TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (user_id, routine_id, version)
        ) WITHOUT ROWID""")
    # A user's own plan for a routine (theirs or the catalog's): phases as the scheduler's rules.
    db.execute("""
        CREATE TABLE plans (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            routine_id TEXT NOT NULL,
            name TEXT NOT NULL,
            phases TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (user_id, id)
        ) WITHOUT ROWID""")
    # The version of an own routine a session ran (NULL for catalog routines).
    db.execute("ALTER TABLE sessions ADD COLUMN routine_version INTEGER")


@migrations()
def m008_create_tool_changes(db):
    """The days a user started on a new tool, for devices that count tool uses."""
    # The day a user started on a new tool (a fresh roller or head): its uses count from then.
    db.execute("""
        CREATE TABLE tool_changes (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            device_id TEXT NOT NULL,
            day TEXT NOT NULL,
            PRIMARY KEY (user_id, device_id, day)
        ) WITHOUT ROWID""")


@migrations()
def m009_add_account_recovery(db):
    """Signed-in devices' details, reset links, recovery codes, passkeys and the security log."""
    # Signed-in devices: what the browser said it was, where it came from, and when it was last seen.
    for column in ["user_agent TEXT NOT NULL DEFAULT ''", "address TEXT NOT NULL DEFAULT ''", "last_seen_at TEXT"]:
        db.execute(f"ALTER TABLE logins ADD COLUMN {column}")
    # Password reset links: only the SHA-256 of the token is kept, so a copy of the database
    # resets nobody's password. A link is used once (used_at) and expires.
    db.execute("""
        CREATE TABLE password_resets (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        )""")
    db.execute("CREATE INDEX password_resets_user ON password_resets(user_id)")
    db.execute("CREATE INDEX password_resets_expiry ON password_resets(expires_at)")
    # Recovery codes (for servers without mail): SHA-256 of each random code, each used once.
    db.execute("""
        CREATE TABLE recovery_codes (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            code_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            used_at TEXT,
            PRIMARY KEY (user_id, code_hash)
        ) WITHOUT ROWID""")
    # WebAuthn passkeys. user_handle is the random id the authenticator keeps for the account
    # (the same for all of a user's passkeys); credential_id is base64url, as browsers send it.
    db.execute("""
        CREATE TABLE passkeys (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            credential_id TEXT NOT NULL UNIQUE,
            public_key BLOB NOT NULL,
            sign_count INTEGER NOT NULL DEFAULT 0 CHECK (sign_count >= 0),
            transports TEXT NOT NULL DEFAULT '[]',
            user_handle TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            last_used_at TEXT
        )""")
    db.execute("CREATE INDEX passkeys_user ON passkeys(user_id)")
    # The security log, kept 90 days (pruned on write). A deleted user's rows go with the account;
    # detail is JSON and never holds a secret.
    db.execute("""
        CREATE TABLE security_log (
            id INTEGER PRIMARY KEY,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            event TEXT NOT NULL,
            address TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        )""")
    db.execute("CREATE INDEX security_log_user ON security_log(user_id, created_at)")
    db.execute("CREATE INDEX security_log_created ON security_log(created_at)")


@migrations()
def m010_create_push_subscriptions(db):
    """Web Push: each browser's subscription, the reminders claimed (sent once), and reminder settings."""
    # A browser's push subscription (PushSubscription.toJSON()): the endpoint is the push service's
    # URL for that browser, unique across accounts (a phone that changes hands moves to its new user);
    # p256dh and auth are the browser's keys that encrypt each message. Per-device secrets: not exported.
    db.execute("""
        CREATE TABLE push_subscriptions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            endpoint TEXT NOT NULL UNIQUE,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            browser TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            last_sent_at TEXT
        )""")
    db.execute("CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id)")
    # One row per reminder sent: the key is the claim, so several senders at once send it once.
    # kind: 'routine', 'evening' or 'weekly' (routine_id '' for the weekly check-in).
    db.execute("""
        CREATE TABLE push_claims (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            routine_id TEXT NOT NULL,
            day TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('routine', 'evening', 'weekly')),
            claimed_at TEXT NOT NULL,
            PRIMARY KEY (user_id, routine_id, day, kind)
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX push_claims_day ON push_claims(day)")
    # A routine's own reminder: on or off, at its own time (NULL: the user's reminder time).
    db.execute("""
        CREATE TABLE routine_reminders (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            routine_id TEXT NOT NULL,
            time TEXT,
            enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
            PRIMARY KEY (user_id, routine_id)
        ) WITHOUT ROWID""")
    # The evening reminder (NULL: off) and the weekly check-in reminder, for the whole account.
    db.execute("ALTER TABLE users ADD COLUMN reminder_evening TEXT")
    db.execute(
        "ALTER TABLE users ADD COLUMN reminder_weekly INTEGER NOT NULL DEFAULT 1 CHECK (reminder_weekly IN (0, 1))"
    )


@migrations()
def m011_add_voice_asked(db):
    """Whether the guided player has asked the user once if it should speak each step."""
    db.execute("ALTER TABLE users ADD COLUMN voice_asked INTEGER NOT NULL DEFAULT 0 CHECK (voice_asked IN (0, 1))")
