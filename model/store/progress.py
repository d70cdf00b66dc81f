"""Weekly check-ins and progress photos."""

from dataclasses import dataclass
from datetime import date

from model.store.db import immediate


@dataclass(frozen=True)
class Checkin:
    week: date
    firmness: int
    fine_lines: int
    glow: int
    note: str


@dataclass(frozen=True)
class Photo:
    id: int
    week: date
    angle: str
    filename: str
    width: int
    height: int


def save_checkin(db, user_id, week: date, firmness, fine_lines, glow, note, now):
    with immediate(db):
        db.execute(
            "INSERT INTO checkins (user_id, week, firmness, fine_lines, glow, note, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, week) DO UPDATE SET firmness = excluded.firmness, "
            "fine_lines = excluded.fine_lines, glow = excluded.glow, note = excluded.note, "
            "updated_at = excluded.updated_at",
            [user_id, week.isoformat(), firmness, fine_lines, glow, note, now.isoformat(timespec="seconds")],
        )


def checkins_between(db, user_id, first: date, last: date) -> list:
    """Check-ins of the weeks from `first` to `last`, oldest first."""
    return [
        Checkin(date.fromisoformat(r[0]), *r[1:])
        for r in db.execute(
            "SELECT week, firmness, fine_lines, glow, note FROM checkins WHERE user_id = ? AND week BETWEEN ? AND ? "
            "ORDER BY week",
            [user_id, first.isoformat(), last.isoformat()],
        )
    ]


PHOTO_COLUMNS = "id, week, angle, filename, width, height"


def _photo(row):
    return Photo(row[0], date.fromisoformat(row[1]), *row[2:]) if row else None


def save_photo(db, user_id, week: date, angle, filename, width, height, now):
    """Store a photo's record, replacing the week's photo at that angle; return the replaced filename."""
    with immediate(db):
        old = db.execute(
            "SELECT filename FROM photos WHERE user_id = ? AND week = ? AND angle = ?",
            [user_id, week.isoformat(), angle],
        ).fetchone()
        db.execute(
            "DELETE FROM photos WHERE user_id = ? AND week = ? AND angle = ?", [user_id, week.isoformat(), angle]
        )
        db.execute(
            "INSERT INTO photos (user_id, week, angle, filename, width, height, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [user_id, week.isoformat(), angle, filename, width, height, now.isoformat(timespec="seconds")],
        )
    return old[0] if old else None


def photo_of(db, user_id, photo_id):
    """The user's photo with that id, or None (also when it is someone else's)."""
    return _photo(
        db.execute(f"SELECT {PHOTO_COLUMNS} FROM photos WHERE id = ? AND user_id = ?", [photo_id, user_id]).fetchone()
    )


def photos_of_week(db, user_id, week: date) -> list:
    return [
        _photo(r)
        for r in db.execute(
            f"SELECT {PHOTO_COLUMNS} FROM photos WHERE user_id = ? AND week = ? ORDER BY angle",
            [user_id, week.isoformat()],
        )
    ]


def first_and_latest_photo(db, user_id, angle="front"):
    rows = db.execute(
        f"SELECT {PHOTO_COLUMNS} FROM photos WHERE user_id = ? AND angle = ? ORDER BY week", [user_id, angle]
    ).fetchall()
    return (_photo(rows[0]), _photo(rows[-1])) if len(rows) >= 2 else (None, None)


def photo_files_of(db, user_id) -> list:
    return [row[0] for row in db.execute("SELECT filename FROM photos WHERE user_id = ?", [user_id])]


def sessions_between(db, user_id, first: date, last: date) -> dict:
    """day → number of done sessions, for the heatmap."""
    return {
        date.fromisoformat(r[0]): r[1]
        for r in db.execute(
            "SELECT day, count(*) FROM sessions WHERE user_id = ? AND status = 'done' AND day BETWEEN ? AND ? "
            "GROUP BY day",
            [user_id, first.isoformat(), last.isoformat()],
        )
    }
