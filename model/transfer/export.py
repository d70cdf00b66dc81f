"""Export all of a user's data: JSON that re-imports, CSV to read (cells never start a formula)."""

import base64
import csv
import io

from model import store
from model.transfer.format import (
    CSV_TRIGGERS,
    FORMAT,
    VERSION,
)


def export_json(db, user, photo_folder, now) -> dict:
    """All of the user's data as the JSON export: settings, every table's rows, each photo's JPEG in base64."""
    data = store.rows_of_user(db, user.id)
    for photo in data["photos"]:
        path = photo_folder / photo.pop("filename")
        photo["jpeg_base64"] = base64.b64encode(path.read_bytes()).decode() if path.exists() else ""
    return {"format": FORMAT, "version": VERSION, "exported_at": store.stamp(now), **data}


def _cell(value):
    """A value a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS):
        return "'" + value
    return value


def export_csv(db, user, catalog) -> str:
    """One spreadsheet: a row per session (routine by name) and per weekly check-in."""
    data = store.rows_of_user(db, user.id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["kind", "day", "routine", "status", "steps_done", "steps_total", "firmness", "fine_lines", "glow", "note"]
    )
    rows = []
    for s in data["sessions"]:
        routine = catalog.routines.get(s["routine_id"])
        rows.append(
            [
                "session",
                s["day"],
                routine.name if routine else s["routine_id"],
                s["status"],
                s["steps_done"],
                s["steps_total"],
                "",
                "",
                "",
                "",
            ]
        )
    for c in data["checkins"]:
        rows.append(["check-in", c["week"], "", "", "", "", c["firmness"], c["fine_lines"], c["glow"], c["note"]])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()
