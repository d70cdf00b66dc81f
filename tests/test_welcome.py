"""The first visit: what FaceReps is at `/`, then "Which device do you have?" after registering, the program
suggested for each answer and its safety questions; the catalog's device icons."""

import re

import pytest

from model import welcome
from tests.conftest import text_of

DEVICES = ["microcurrent", "microneedling", "led_mask", "gua_sha", "roller", "face_workout"]


def test_home_signed_out_says_what_facereps_is_with_a_drawn_picture_and_two_ways_in(client):
    response = client.get("/")
    assert response.status_code == 200
    html, page = response.get_data(as_text=True), text_of(response)
    for words in ["guided step by step", "A plan with safety rules", "Weekly progress", "Create an account", "Log in"]:
        assert words in page
    assert 'href="/register"' in html and 'href="/login"' in html
    # The picture is drawn in the page (an SVG with a text alternative), nothing fetched for it.
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="landing-picture-title"', html)
    assert "<img" not in html
    assert "style=" not in html and "<style" not in html  # the CSP allows no inline style


def test_home_signed_in_goes_to_today(user, client):
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/today"


def test_register_asks_which_device_next(auth, client):
    assert auth.register().headers["Location"] == "/welcome"
    page = text_of(client.get("/welcome"))
    assert "Which device do you have?" in page
    for name in ["Microcurrent toning", "At-home microneedling", "LED mask", "Gua sha", "Facial roller"]:
        assert name in page
    assert "None: face workout" in page
    assert page.index("Facial roller") < page.index("None: face workout")  # no device comes last


def test_the_question_offers_every_catalog_device_type_and_skipping(user, client):
    html = client.get("/welcome").get_data(as_text=True)
    for device in DEVICES:
        assert f'href="/welcome/{device}"' in html
        assert f'href="#device-{device}"' in html  # its drawn icon
    assert re.search(r'href="/today"[^>]*>I’ll look around<', html)


@pytest.mark.parametrize("device_id", DEVICES)
def test_each_answer_leads_to_a_program_of_that_device_and_its_screening(user, client, app, device_id):
    catalog = app.extensions["catalog"]
    program = catalog.programs[welcome.RECOMMENDED[device_id]]
    assert program.device_id == device_id and program.owner is None
    response = client.get(f"/welcome/{device_id}")
    assert response.status_code == 200
    assert f"Start with: {program.name}" in text_of(response)
    assert f'href="/programs/{program.id}/start"' in response.get_data(as_text=True)
    start = text_of(client.get(f"/programs/{program.id}/start"))
    assert "Before you start" in start and "Safety questions" in start


def test_the_suggestion_names_the_plan_and_the_one_time_test(user, client):
    page = text_of(client.get("/welcome/microneedling"))
    assert "The plan: 2 times a week." in page
    assert "Once, before the first session: patch test on the forearm, then a wait of 2 days." in page
    assert "12 safety questions" in page
    microcurrent = text_of(client.get("/welcome/microcurrent"))
    assert "The plan: 5 times a week for 8 weeks, then 3 times a week." in microcurrent


def test_an_unknown_device_is_not_found(user, client):
    assert client.get("/welcome/toaster").status_code == 404


def test_the_welcome_pages_need_a_login(client):
    for path in ["/welcome", "/welcome/microcurrent"]:
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/login")


def test_skipping_the_question_leaves_nothing_started(user, client, db):
    today = text_of(client.get("/today"))
    assert "Nothing planned yet" in today
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 0


def test_a_device_type_without_a_suggestion_gets_its_first_program(app, monkeypatch):
    catalog = app.extensions["catalog"]
    choices = welcome.choices(catalog)
    assert [choice.device.id for choice in choices][-1] == "face_workout"
    assert {choice.device.id for choice in choices} == set(DEVICES)
    monkeypatch.delitem(welcome.RECOMMENDED, "gua_sha")
    assert welcome.choice_for(catalog, "gua_sha").program == catalog.programs_of("gua_sha")[0]


def test_the_catalog_draws_each_device_type_and_puts_writing_a_routine_after_it(user, client):
    response = client.get("/programs")
    html, page = response.get_data(as_text=True), text_of(response)
    for device in DEVICES:
        assert f'<symbol id="device-{device}"' in html
        assert re.search(rf'id="device-{device}-title"[^>]*>\s*<svg class="device-icon"', html)
    assert page.rindex("Roller, most days") < page.index("Write a routine")  # the last program listed
    assert page.index("Browse by device") < page.index("Your routines")
    assert "css/welcome.css" in html
