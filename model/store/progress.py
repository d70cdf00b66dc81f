"""Weekly check-ins and progress photos."""

from dataclasses import dataclass
from datetime import date

from model.store._sql import one, rows, stamp, value
from model.store.db import immediate

__all__ = [
    "Checkin",
    "Photo",
    "checkins_between",
    "first_and_latest_photo",
    "photo_files_of",
    "photo_of",
    "photos_of_week",
    "save_checkin",
    "save_photo",
    "sessions_between",
]


@dataclass(frozen=True)
class Checkin:
    """A week's check-in: the firmness, fine lines and glow ratings and a note."""

    week: date
    firmness: int
    fine_lines: int
    glow: int
    note: str


@dataclass(frozen=True)
class Photo:
    """A progress photo's record: its week, angle, file name and size."""

    id: int
    week: date
    angle: str
    filename: str
    width: int
    height: int


def save_checkin(db, user_id, week: date, firmness, fine_lines, glow, note, now):
    """Store the user's check-in of a week, replacing the one already there."""
    with immediate(db):
        db.execute(
            "INSERT INTO checkins (user_id, week, firmness, fine_lines, glow, note, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, week) DO UPDATE SET firmness = excluded.firmness, "
            "fine_lines = excluded.fine_lines, glow = excluded.glow, note = excluded.note, "
            "updated_at = excluded.updated_at",
            [user_id, week.isoformat(), firmness, fine_lines, glow, note, stamp(now)],
        )


def checkins_between(db, user_id, first: date, last: date) -> list:
    """Check-ins of the weeks from `first` to `last`, oldest first."""
    return [
        Checkin(
            week=date.fromisoformat(row["week"]),
            firmness=row["firmness"],
            fine_lines=row["fine_lines"],
            glow=row["glow"],
            note=row["note"],
        )
        for row in rows(
            db,
            "SELECT week, firmness, fine_lines, glow, note FROM checkins WHERE user_id = ? AND week BETWEEN ? AND ? "
            "ORDER BY week",
            [user_id, first.isoformat(), last.isoformat()],
        )
    ]


PHOTO_COLUMNS = "id, week, angle, filename, width, height"


def _photo(row):
    if row is None:
        return None
    return Photo(
        id=row["id"],
        week=date.fromisoformat(row["week"]),
        angle=row["angle"],
        filename=row["filename"],
        width=row["width"],
        height=row["height"],
    )


def save_photo(db, user_id, week: date, angle, filename, width, height, now):
    """Store a photo's record, replacing the week's photo at that angle; return the replaced filename."""
    with immediate(db):
        old = value(
            db,
            "SELECT filename FROM photos WHERE user_id = ? AND week = ? AND angle = ?",
            [user_id, week.isoformat(), angle],
        )
        db.execute(
            "DELETE FROM photos WHERE user_id = ? AND week = ? AND angle = ?", [user_id, week.isoformat(), angle]
        )
        db.table("photos").insert(
            {
                "user_id": user_id,
                "week": week.isoformat(),
                "angle": angle,
                "filename": filename,
                "width": width,
                "height": height,
                "created_at": stamp(now),
            }
        )
    return old


def photo_of(db, user_id, photo_id):
    """The user's photo with that id, or None (also when it is someone else's)."""
    return _photo(one(db, f"SELECT {PHOTO_COLUMNS} FROM photos WHERE id = ? AND user_id = ?", [photo_id, user_id]))


def photos_of_week(db, user_id, week: date) -> list:
    """The user's photos of a week, by angle."""
    return [
        _photo(row)
        for row in rows(
            db,
            f"SELECT {PHOTO_COLUMNS} FROM photos WHERE user_id = ? AND week = ? ORDER BY angle",
            [user_id, week.isoformat()],
        )
    ]


def first_and_latest_photo(db, user_id, angle="front"):
    """The user's first and latest photo at `angle`, or (None, None) when there are fewer than two."""
    found = rows(
        db, f"SELECT {PHOTO_COLUMNS} FROM photos WHERE user_id = ? AND angle = ? ORDER BY week", [user_id, angle]
    )
    return (_photo(found[0]), _photo(found[-1])) if len(found) >= 2 else (None, None)


def photo_files_of(db, user_id) -> list:
    """The file names of all the user's photos."""
    return [row["filename"] for row in rows(db, "SELECT filename FROM photos WHERE user_id = ?", [user_id])]


def sessions_between(db, user_id, first: date, last: date) -> dict:
    """day → number of done sessions, for the heatmap."""
    return {
        date.fromisoformat(row["day"]): row["done"]
        for row in rows(
            db,
            "SELECT day, count(*) AS done FROM sessions WHERE user_id = ? AND status = 'done' AND day BETWEEN ? AND ? "
            "GROUP BY day",
            [user_id, first.isoformat(), last.isoformat()],
        )
    }
