"""Export everything, import it into a new account losslessly; broken files import nothing."""

import csv
import io
import json

import pytest

from tests.conftest import Auth, text_of
from tests.support.transfer import USER_TABLES, counts, enrich, exported, import_file


@pytest.fixture
def rich(seeded, db):
    """The seeded history plus a pause, a guided session, a check-in and a photo."""
    return enrich(seeded)


def test_export_holds_every_kind_of_row(rich, db):
    data = exported(rich)
    assert data["format"] == "facereps-export" and data["version"] == 2
    assert len(data["routine_versions"]) == 2 and data["sessions"][-1]["routine_version"] == 1
    for table in USER_TABLES:
        assert len(data[table]) == counts(db, 1)[table] > 0 or table in ("gate_checks", "tool_changes")
    assert data["photos"][0]["jpeg_base64"] and "filename" not in data["photos"][0]
    assert "password_hash" not in json.dumps(data) and "ana@example.com" not in json.dumps(data)


def test_export_then_import_round_trip_is_lossless(rich, app, db):
    original = exported(rich)
    other = app.test_client()
    Auth(other).register(email="new@example.com", time_zone="UTC")
    response = import_file(other, json.dumps(original).encode())
    assert response.status_code == 303
    again = exported(other)
    for export in (original, again):
        export.pop("exported_at")
        for enrollment_row in export["enrollments"]:
            enrollment_row.pop("id")
        for table in ("enrollment_versions", "pauses"):
            for row in export[table]:
                row.pop("enrollment_id")
    assert again == original
    assert counts(db, 2) == counts(db, 1)
    today = text_of(other.get("/today"))
    assert "Microcurrent" not in today and "5-minute face workout" in today and "My 5-minute face workout" in today


def test_import_refuses_an_account_with_history(rich):
    response = import_file(rich, json.dumps(exported(rich)).encode())
    assert response.status_code == 422 and "new, empty account" in text_of(response)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Choose the JSON file"),
        (b"not json", "not valid JSON"),
        (b'{"format": "other-app"}', "not a FaceReps export"),
        (b'{"format": "facereps-export", "version": 99}', "cannot read"),
        (b'{"format": "facereps-export", "version": 1, "settings": {}}', "incomplete or damaged"),
    ],
)
def test_broken_or_foreign_files_import_nothing(user, client, db, raw, message):
    response = import_file(client, raw)
    assert response.status_code == 422 and message in text_of(response)
    assert counts(db, 1) == dict.fromkeys(USER_TABLES, 0)


def test_a_damaged_row_late_in_the_file_leaves_nothing_half_imported(rich, app, db):
    data = exported(rich)
    data["checkins"][0]["firmness"] = 9  # breaks a CHECK constraint, after enrollments and sessions went in
    other = app.test_client()
    Auth(other).register(email="new@example.com")
    response = import_file(other, json.dumps(data).encode())
    assert response.status_code == 422 and "nothing was imported" in text_of(response)
    assert counts(db, 2) == dict.fromkeys(USER_TABLES, 0)
    assert len(list(app.config["PHOTO_DIR"].glob("*.jpg"))) == 1  # only the first account's photo


def test_csv_has_a_row_per_session_and_check_in(rich):
    response = rich.get("/account/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv"
    assert [r["kind"] for r in rows].count("session") == 6 and [r["kind"] for r in rows].count("check-in") == 1
    assert rows[-2]["routine"] == "My 5-minute face workout"
    assert rows[0] == {
        "kind": "session",
        "day": "2026-11-16",
        "routine": "5-minute face workout",
        "status": "done",
        "steps_done": "5",
        "steps_total": "5",
        "firmness": "",
        "fine_lines": "",
        "glow": "",
        "note": "",
    }


def test_exports_need_login(client):
    assert client.get("/account/export.json").status_code == 303
    assert client.get("/account/export.csv").status_code == 303


def test_an_export_from_before_own_routines_still_imports(seeded, app, db):
    data = exported(seeded)
    data["version"] = 1
    for table in ("routines", "routine_versions", "plans"):
        data.pop(table)
    for row in data["sessions"]:
        row.pop("routine_version")
    other = app.test_client()
    Auth(other).register(email="old@example.com", time_zone="UTC")
    assert import_file(other, json.dumps(data).encode()).status_code == 303
    assert counts(db, 2) == counts(db, 1)


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (
            {"routine_id": "microcurrent-every-other-day-routine", "device_id": "microcurrent"},
            "two microcurrent toning sessions on 2026-11-20 and 2026-11-20 are closer than its spacing allows",
        ),
        (
            {"routine_id": "microneedling-roller-025", "device_id": "microneedling"},
            "microcurrent toning and at-home microneedling on the same day (2026-11-20)",
        ),
    ],
)
def test_an_import_that_breaks_a_devices_rules_imports_nothing(seeded, app, db, second, message):
    """Issue 13.1: an imported history keeps the device rules the app keeps."""
    data = exported(seeded)
    session = {
        "day": "2026-11-20",
        "routine_id": "microcurrent-standard",
        "device_id": "microcurrent",
        "steps_total": 1,
        "steps_done": 1,
        "status": "done",
        "updated_at": "2026-11-20T10:00:00+00:00",
        "started_at": None,
        "finished_at": None,
        "current_step": None,
        "skipped": "[]",
        "steps": None,
        "routine_version": None,
    }
    data["sessions"] = [session, session | second]
    other = app.test_client()
    Auth(other).register(email="new@example.com", time_zone="UTC")
    response = import_file(other, json.dumps(data).encode())
    assert response.status_code == 422
    assert f"That export breaks a device's safety rules ({message}); nothing was imported." in text_of(response)
    assert counts(db, 2) == dict.fromkeys(USER_TABLES, 0)


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_start_with_a_quote(rich):
    """OWASP's CSV injection advice: =, +, -, @ (and tab, carriage return) at a cell's start are quoted."""
    routine_id = exported(rich)["routines"][0]["id"]
    assert rich.post(f"/routines/{routine_id}/name", data={"name": "@SUM(A1)"}).status_code == 303
    rich.post(
        "/progress/weeks/2026-11-23/checkin",
        data={"firmness": "3", "fine_lines": "3", "glow": "3", "note": '=HYPERLINK("http://evil.example","x")'},
    )
    rows = list(csv.DictReader(io.StringIO(rich.get("/account/export.csv").get_data(as_text=True))))
    assert rows[-3]["routine"] == "'@SUM(A1)"
    assert rows[-1]["note"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[-2]["note"] == "é ✓" and rows[0]["day"] == "2026-11-16"  # other cells as they were
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
