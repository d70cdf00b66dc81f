"""Issue 16: the guided player's voice question travels with the account's export and import."""

import json

from model import store
from tests.conftest import Auth, text_of
from tests.support.transfer import exported, import_file


def start_face_workout(client):
    return client.post("/sessions", data={"day": "2026-11-24", "routine": "face-workout-5min"}).headers["Location"]


def test_the_answered_voice_question_round_trips(seeded, app, db):
    player = start_face_workout(seeded)
    seeded.post(f"{player}/voice", data={"voice": "on"})
    data = exported(seeded)
    assert (data["settings"]["cue_voice"], data["settings"]["voice_asked"]) == (1, 1)
    other = app.test_client()
    Auth(other).register(email="new@example.com", time_zone="UTC")
    assert import_file(other, json.dumps(data).encode()).status_code == 303
    imported = store.user_by_email(db, "new@example.com")
    assert (imported.cue_voice, imported.voice_asked) == (True, True)
    assert "Speak each step?" not in text_of(other.get(start_face_workout(other)))


def test_an_export_from_before_the_voice_question_imports_and_asks_once(seeded, app, db):
    data = exported(seeded)
    data["settings"].pop("voice_asked")
    other = app.test_client()
    Auth(other).register(email="old@example.com", time_zone="UTC")
    assert import_file(other, json.dumps(data).encode()).status_code == 303
    assert store.user_by_email(db, "old@example.com").voice_asked is False
    assert "Speak each step?" in text_of(other.get(start_face_workout(other)))


def test_a_voice_question_answer_that_is_not_a_bit_imports_nothing(seeded, app, db):
    data = exported(seeded)
    data["settings"]["voice_asked"] = 2
    other = app.test_client()
    Auth(other).register(email="bad@example.com", time_zone="UTC")
    response = import_file(other, json.dumps(data).encode())
    assert response.status_code == 422 and "voice_asked" in text_of(response)
    assert db.execute("SELECT count(*) FROM enrollments WHERE user_id = 2").fetchone()[0] == 0
