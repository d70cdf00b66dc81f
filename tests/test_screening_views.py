"""Issue 13.2 and 13.3: every screening outcome explains itself, asks less, and the corrected catalog
outcomes reach the user (the text they see)."""

import re
from pathlib import Path

import pytest

from model import store
from tests.conftest import text_of
from tests.support.programs import answers, rows, start

START = "/programs/microcurrent-60-days/start"


def question(app, device_id, question_id):
    return next(q for q in app.extensions["catalog"].devices[device_id].questions if q.id == question_id)


def test_every_question_says_what_yes_means_next_to_it(user, client, app):
    html = client.get(START).get_data(as_text=True)
    page = text_of(client.get(START))
    for q in app.extensions["catalog"].devices["microcurrent"].questions:
        assert f'id="q_{q.id}-means"' in html and q.explain in page
    assert "Yes means: not for you." in page and "Yes means: ask a clinician first." in page
    assert "Yes means: the neck steps are left out." in page
    assert "Yes means: start in 14 days at the earliest." in page
    assert "device makers' own warnings" in page and "Answer honestly" not in page


def test_own_cautions_are_labelled_as_such(user, client, app):
    catalog = app.extensions["catalog"]
    html = client.get("/programs/face-workout-daily/start").get_data(as_text=True)
    own = [q for q in catalog.devices["face_workout"].questions if catalog.sources[q.source].own]
    assert own and html.count("FaceReps' own caution</p>") == len(own)


def test_a_partial_submit_marks_every_unanswered_question_and_stores_nothing(user, client, app, db):
    form = answers(app, "microcurrent")
    missing = ["q_implant", "q_pregnancy", "q_neck_conditions"]
    for name in missing:
        del form[name]
    response = client.post(START, data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html[html.index('class="problem-summary"') : html.index("</div>", html.index('class="problem-summary"'))]
    assert sorted(re.findall(r'href="#(q_[a-z0-9_]+)"', summary)) == sorted(missing)
    for name in missing:
        assert f'id="{name}-problem"' in html
    assert f"Answer yes or no: “{question(app, 'microcurrent', 'implant').text}”" in text_of(response)
    assert rows(db, "screenings") == 0 and rows(db, "enrollments") == 0
    empty = client.post(START, data={"start_day": "2026-11-24"})
    assert empty.get_data(as_text=True).count('class="problem"') >= len(form) - 1


def test_answers_carry_over_to_another_plan_on_the_device(user, client, app, db):
    assert start(client, app, yes=["jaw_tension"]).status_code == 303
    client.post("/enrollments/1/stop", data={"confirm": "yes"})
    html = client.get("/programs/microcurrent-every-other-day/start").get_data(as_text=True)
    assert "Your answers from Tuesday 24 November 2026 are filled in" in text_of(
        client.get("/programs/microcurrent-every-other-day/start")
    )
    assert re.search(r'id="q_jaw_tension-yes" name="q_jaw_tension" value="yes" required\s+checked', html)
    assert re.search(r'id="q_implant-no" name="q_implant" value="no" required\s+checked', html)
    # One tap: the form as shown starts the program.
    form = dict(re.findall(r'name="(q_[a-z0-9_]+)" value="(yes|no)" required\s+checked', html))
    started = client.post("/programs/microcurrent-every-other-day/start", data=form | {"start_day": "2026-11-24"})
    assert started.status_code == 303, text_of(started)


def test_clinician_confirmation_is_shown_only_with_a_clinician_yes(user, client, app):
    css = (Path(app.static_folder) / "css" / "app.css").read_text()
    assert ".clinician-confirm:not(.chosen) { display: none; }" in css
    assert 'form:has(.outcome-clinician input[value="yes"]:checked) .clinician-confirm' in css
    response = start(client, app, yes=["recent_procedure"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="check clinician-confirm chosen has-problem"' in html
    assert "Confirm that you have checked with a clinician." in text_of(response)


@pytest.mark.parametrize(
    ("device_id", "program_id", "question_id", "outcome", "extra"),
    [
        ("microcurrent", "microcurrent-60-days", "recent_procedure", "clinician", {}),
        ("microcurrent", "microcurrent-60-days", "metal_implants", "clinician", {}),
        ("microcurrent", "microcurrent-60-days", "implant", "block", {}),
        ("led_mask", "led-red-intensive", "isotretinoin", "block", {}),
        ("led_mask", "led-red-intensive", "skin_cancer", "block", {}),
        ("led_mask", "led-red-intensive", "photosensitising_drugs", "clinician", {}),
        ("led_mask", "led-red-intensive", "eye_sensitivity", "clinician", {}),
        ("led_mask", "led-blue-intensive", "pigmentation", "clinician", {}),
        (
            "microneedling",
            "microneedling-roller-twice-weekly",
            "cold_sore_history",
            "clinician",
            {"needle_length": "0.25"},
        ),
        (
            "microneedling",
            "microneedling-roller-twice-weekly",
            "recent_treatment",
            "clinician",
            {"needle_length": "0.25"},
        ),
        ("microneedling", "microneedling-roller-twice-weekly", "warts", "block", {"needle_length": "0.25"}),
        ("gua_sha", "gua-sha-weekly", "recent_procedure", "clinician", {}),
        ("roller", "roller-most-days", "recent_procedure", "clinician", {}),
    ],
)
def test_corrected_outcomes_reach_the_user(user, client, app, db, device_id, program_id, question_id, outcome, extra):
    q = question(app, device_id, question_id)
    assert q.outcome == outcome
    response = start(client, app, program_id, device_id, yes=[question_id], **extra)
    page = text_of(response)
    if outcome == "block":
        assert response.status_code == 200 and "This program is not safe for you to start" in page
    else:
        assert response.status_code == 422 and "Confirm that you have checked with a clinician." in page
        assert (
            start(client, app, program_id, device_id, yes=[question_id], clinician_confirmed="on", **extra).status_code
            == 303
        )
    assert q.explain in page


def test_a_wait_is_explained_on_the_answer_page_and_on_today(user, client, app, db):
    q = question(app, "led_mask", "isotretinoin_stopped")
    assert q.outcome == "wait" and q.wait_days == 5
    too_soon = start(client, app, "led-red-intensive", "led_mask", yes=["isotretinoin_stopped"])
    assert too_soon.status_code == 422
    assert "start on 29 November 2026 or later" in text_of(too_soon) and q.explain in text_of(too_soon)
    assert (
        start(
            client, app, "led-red-intensive", "led_mask", yes=["isotretinoin_stopped"], start_day="2026-11-29"
        ).status_code
        == 303
    )
    page = text_of(client.get("/today"))
    assert f"Starts on Sunday 29 November 2026 at the earliest: {q.explain}" in page
    assert f"Start no earlier than Sunday 29 November 2026: {q.explain}" in text_of(client.get("/enrollments/1"))


def test_the_neck_question_leaves_the_neck_out_even_where_the_manual_allows_it(user, client, app, db):
    assert question(app, "microcurrent", "neck_conditions").areas == ("neck",)
    assert start(client, app, yes=["neck_conditions"], neck="on").status_code == 303
    page = text_of(client.get("/today"))
    assert "Neck steps left out:" in page and "Neck glides" not in page
    assert store.enrollment_of(db, 1, 1).options["skip_areas"] == ["neck"]


def test_every_microcurrent_routine_warns_off_the_eyes_and_temples(app):
    catalog = app.extensions["catalog"]
    for routine in catalog.routines_of("microcurrent"):
        notes = " ".join(str(note) for note in catalog.notes_of(routine)).lower()
        assert "eye area" in notes and "temples" in notes


@pytest.mark.parametrize(("device_id", "program_id"), [("gua_sha", "gua-sha-weekly"), ("roller", "roller-most-days")])
def test_a_cold_sore_waits_for_gua_sha_and_rollers(user, client, app, db, device_id, program_id):
    q = question(app, device_id, "cold_sore")
    assert q.outcome == "wait" and q.wait_days == 10
    response = start(client, app, program_id, device_id, yes=["cold_sore"])
    assert response.status_code == 422 and "start on 4 December 2026 or later" in text_of(response)
    assert q.explain in text_of(response) and rows(db, "enrollments") == 0


@pytest.mark.parametrize("routine_id", ["gua-sha-5min", "roller-2min"])
def test_gua_sha_and_roller_routines_end_by_cleaning_the_tool(app, routine_id):
    last = app.extensions["catalog"].routines[routine_id].steps[-1]
    assert last.id == "clean-tool" and last.area == "tool"
