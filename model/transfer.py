"""Export all of a user's data (JSON that re-imports, CSV to read) and import it into a new account."""
import base64
import csv
import io
import json
import secrets
import sqlite3

from model import device_rules, store

FORMAT = "facereps-export"
VERSION = 2          # 2 added own routines, their versions and plans
READABLE = (1, 2)
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportError_(ValueError):
    """The file cannot be imported; the message says why."""


def export_json(db, user, photo_folder, now) -> dict:
    data = store.rows_of_user(db, user.id)
    for photo in data["photos"]:
        path = photo_folder / photo.pop("filename")
        photo["jpeg_base64"] = base64.b64encode(path.read_bytes()).decode() if path.exists() else ""
    return {"format": FORMAT, "version": VERSION, "exported_at": now.isoformat(timespec="seconds"), **data}


def export_csv(db, user, catalog) -> str:
    """One spreadsheet: a row per session (routine by name) and per weekly check-in."""
    data = store.rows_of_user(db, user.id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "day", "routine", "status", "steps_done", "steps_total", "firmness", "fine_lines",
                     "glow", "note"])
    for s in data["sessions"]:
        routine = catalog.routines.get(s["routine_id"])
        writer.writerow(["session", s["day"], routine.name if routine else s["routine_id"], s["status"], s["steps_done"], s["steps_total"],
                         "", "", "", ""])
    for c in data["checkins"]:
        writer.writerow(["check-in", c["week"], "", "", "", "", c["firmness"], c["fine_lines"], c["glow"], c["note"]])
    return out.getvalue()


def _parse(raw: bytes) -> dict:
    if not raw:
        raise ImportError_("Choose the JSON file you exported from FaceReps.")
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportError_("That file is too large to be a FaceReps export.")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportError_("That file is not a FaceReps export (it is not valid JSON).") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportError_("That file is not a FaceReps export.")
    if data.get("version") not in READABLE:
        raise ImportError_("That export comes from a FaceReps version this one cannot read.")
    data.setdefault("tool_changes", [])  # files exported before tool changes were kept
    if data["version"] == 1:  # before own routines: none to import, sessions ran catalog routines
        for table in ("routines", "routine_versions", "plans"):
            data.setdefault(table, [])
        for row in data.get("sessions") or []:
            if isinstance(row, dict):
                row.setdefault("routine_version", None)
    if not isinstance(data.get("settings"), dict) or any(
            not isinstance(data.get(table), list) or not all(isinstance(row, dict) for row in data[table])
            for table in store.TABLES):
        raise ImportError_("That export is incomplete or damaged.")
    return data


def import_json(db, catalog, user, raw: bytes, photo_folder):
    """Import an export into this (empty) account: everything or, on any problem, nothing."""
    data = _parse(raw)
    try:
        broken = device_rules.history_problem(catalog, data["sessions"])
    except (ValueError, TypeError, AttributeError) as error:
        raise ImportError_("That export is incomplete or damaged (a session's day cannot be read).") from error
    if broken:
        raise ImportError_(f"That export breaks a device's safety rules ({broken}); nothing was imported.")
    if store.has_history(db, user.id):
        raise ImportError_("Import into a new, empty account: this one already has programs or history.")
    written = []
    try:
        images = [base64.b64decode(photo.pop("jpeg_base64", ""), validate=True) for photo in data["photos"]]
    except ValueError as error:
        raise ImportError_("That export is incomplete or damaged (a photo cannot be read).") from error
    for photo in data["photos"]:
        photo["filename"] = f"{secrets.token_hex(16)}.jpg"

    def write_photos():
        photo_folder.mkdir(parents=True, exist_ok=True)
        for photo, image in zip(data["photos"], images):
            (photo_folder / photo["filename"]).write_bytes(image)
            written.append(photo_folder / photo["filename"])
    try:
        store.import_rows(db, user.id, data, before_commit=write_photos)
    except (KeyError, TypeError, sqlite3.Error) as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise ImportError_("That export is incomplete or damaged; nothing was imported.") from error
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
