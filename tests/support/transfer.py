"""Export and import through the Flask client, the tables they cover, and a history with one of everything."""

import io
import json

from tests.support.photos import jpeg_with_gps, upload

USER_TABLES = [
    "enrollments",
    "enrollment_versions",
    "pauses",
    "screenings",
    "sessions",
    "ticks",
    "gate_checks",
    "checkins",
    "photos",
    "routines",
    "routine_versions",
    "plans",
    "tool_changes",
]


def exported(client):
    """Download the account's JSON export (checking it comes as an attachment); the parsed file."""
    response = client.get("/account/export.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data())


def import_file(client, raw):
    """Post `raw` bytes as an export file to import; the response."""
    return client.post(
        "/account/import", data={"file": (io.BytesIO(raw), "facereps-export.json")}, content_type="multipart/form-data"
    )


def counts(db, user_id):
    """How many rows of each of USER_TABLES belong to a user."""
    return {t: db.execute(f"SELECT count(*) FROM {t} WHERE user_id = ?", [user_id]).fetchone()[0] for t in USER_TABLES}


def enrich(seeded):  # a client, named like the fixture it is given
    """Add to a seeded history a pause, a guided session, a check-in, a photo, an own routine and plan."""
    seeded.post("/enrollments/1/pause", data={"first_day": "2026-12-01", "last_day": "2026-12-03", "reason": "trip"})
    seeded.post(
        "/progress/weeks/2026-11-16/checkin", data={"firmness": "2", "fine_lines": "3", "glow": "4", "note": "é ✓"}
    )
    upload(seeded, jpeg_with_gps())
    seeded.post("/sessions", data={"day": "2026-11-24", "routine": "face-workout-5min"})
    seeded.post("/sessions/5/steps/cheek-lifter", data={"outcome": "done"})
    # An own routine (edited after a session ran it: two versions) followed through an own plan.
    routine = seeded.post("/routines/copy", data={"routine_id": "face-workout-5min"}).headers["Location"]
    seeded.post(f"{routine}/steps/happy-cheeks/remove")
    start = seeded.post(
        f"{routine}/plan", data={"name": "Mine", "p1_kind": "per_week", "p1_per_week": "7", "p1_length": "ongoing"}
    ).headers["Location"]
    seeded.post(
        start,
        data={
            "q_recent_procedure": "no",
            "q_jaw_pain": "no",
            "q_palsy": "no",
            "start_day": "2026-11-24",
            "existing": "both",
        },
    )
    seeded.post(f"/days/2026-11-24/routines/{routine.rsplit('/', 1)[1]}/steps/cheek-lifter", data={"done": "1"})
    seeded.post(f"{routine}/steps/brow-lift/remove")
    return seeded
