"""Issue 13.1: a device type's rules hold across every program, plan and routine a user has for it."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from model.catalog import load
from model.rules import device_rules
from model.store import db as database
from model.store import migrations
from tests.conftest import Auth, Clock, text_of
from tests.support.programs import MICROCURRENT_STEPS
from tests.support.programs import start as start_catalog
from tests.support.routines import customise, plan
from tests.support.routines import start as start_plan

DAY = "2026-11-24"
CATALOG_ROUTINE = "microcurrent-standard"


STEPS = {CATALOG_ROUTINE: MICROCURRENT_STEPS}


def _db(app):
    from model.store import db as database

    return database.connect(app.config["DATABASE"])


def _user(app):
    from model.store import user_by_id

    return user_by_id(_db(app), 1)


def own_plan(client, app, existing="both", per_week="3"):
    """The repro's second plan: customise the catalog routine, plan it 3 a week, start it."""
    url = customise(client, CATALOG_ROUTINE)
    location = plan(client, url, name="My toning", p1_per_week=per_week).headers["Location"]
    response = start_plan(client, app, location, existing=existing) if existing else start_plan(client, app, location)
    return url.rsplit("/", 1)[1], location, response


@pytest.fixture
def two_plans(user, client, app):
    """The catalog's 60-day program done today, then an own plan on the same device running too."""
    assert start_catalog(client, app).status_code == 303
    for step_id in STEPS[CATALOG_ROUTINE]:
        assert (
            client.post(f"/days/{DAY}/routines/{CATALOG_ROUTINE}/steps/{step_id}", data={"done": "1"}).status_code
            == 303
        )
    routine_id, _, response = own_plan(client, app)
    assert response.status_code == 303
    return routine_id


def test_a_second_plan_on_the_device_is_not_due_the_day_the_first_was_done(two_plans, client, app):
    page = text_of(client.get("/today"))
    name = app.extensions["catalog"].programs["microcurrent-60-days"].name
    assert f"Done today with {name}: at most one microcurrent toning session a day" in page
    assert "Next: Wednesday 25 November" in page
    refused = client.post(
        f"/days/{DAY}/routines/{two_plans}/steps/cleanse",
        data={"done": "1"},
        headers={"HX-Request": "true", "HX-Target": f"step-{two_plans}-cleanse"},
    )
    assert refused.status_code == 409
    assert f"Done today with {name}: at most one microcurrent toning session a day." in text_of(refused)
    db = _db(app)
    assert db.execute("SELECT count(*) FROM ticks WHERE routine_id = ?", [two_plans]).fetchone()[0] == 0
    # The guided player refuses to start it too, with the same reason.
    response = client.post("/sessions", data={"day": DAY, "routine": two_plans})
    assert response.status_code == 303
    assert f"Done today with {name}" in text_of(client.get(response.headers["Location"]))
    assert db.execute("SELECT count(*) FROM sessions WHERE routine_id = ?", [two_plans]).fetchone()[0] == 0


def test_the_next_day_the_second_plan_is_due(two_plans, client, clock):
    clock.set(2026, 11, 25, 12, 0)
    page = text_of(client.get("/today"))
    assert "Next up" in page and "My toning" in page and "1st of" in page
    assert client.post(f"/days/2026-11-25/routines/{two_plans}/steps/cleanse", data={"done": "1"}).status_code == 303


def test_a_guided_step_is_refused_when_another_plan_was_done_meanwhile(user, client, app):
    assert start_catalog(client, app).status_code == 303
    routine_id, _, response = own_plan(client, app)
    assert response.status_code == 303
    player = client.post("/sessions", data={"day": DAY, "routine": routine_id}).headers["Location"]
    for step_id in STEPS[CATALOG_ROUTINE]:  # in another tab, the catalog routine is done in full
        client.post(f"/days/{DAY}/routines/{CATALOG_ROUTINE}/steps/{step_id}", data={"done": "1"})
    first = app.extensions["catalog"].routines[CATALOG_ROUTINE].steps[0].id
    refused = client.post(f"{player}/steps/{first}", data={"outcome": "done"}, headers={"Accept": "application/json"})
    assert refused.status_code == 409 and "at most one microcurrent toning session a day" in refused.get_json()["error"]
    # Skipping every step (which would finish the session) and "End session now" are refused too.
    finished = client.post(f"{player}/finish", headers={"Accept": "application/json"})
    assert finished.status_code == 409
    db = _db(app)
    assert (
        db.execute("SELECT count(*) FROM sessions WHERE routine_id = ? AND status = 'done'", [routine_id]).fetchone()[0]
        == 0
    )


def test_a_rest_day_extra_session_keeps_the_devices_spacing(user, client, app, clock):
    """Microneedling twice a week needs 2 days between sessions, even for an extra session on a rest day."""
    clock.set(2026, 11, 20, 12, 0)
    client.post("/days/2026-11-20/gates/microneedling/patch_test")
    clock.set(2026, 11, 24, 12, 0)
    assert (
        start_catalog(
            client, app, "microneedling-roller-twice-weekly", "microneedling", needle_length="0.25"
        ).status_code
        == 303
    )
    steps = [s.id for s in app.extensions["catalog"].routines["microneedling-roller-025"].steps]
    for day in ("2026-11-24", "2026-11-26"):  # this week's two sessions
        clock.set(2026, 11, int(day[-2:]), 12, 0)
        for step_id in steps:
            client.post(f"/days/{day}/routines/microneedling-roller-025/steps/{step_id}", data={"done": "1"})
    clock.set(2026, 11, 27, 12, 0)
    page = text_of(client.get("/today"))
    assert "Rest day: 2 of 2 done this week" in page and "Do an extra session" not in page
    assert (
        "No extra session: too close to your session with Roller 0.25 mm, twice a week on Thursday 26 November" in page
    )
    refused = client.post("/days/2026-11-27/routines/microneedling-roller-025/steps/" + steps[0], data={"done": "1"})
    assert refused.status_code == 303  # without JavaScript: back to the day, with the reason
    assert "at-home microneedling needs 2 days between sessions" in text_of(client.get(refused.headers["Location"]))
    assert _db(app).execute("SELECT count(*) FROM ticks WHERE day = '2026-11-27'").fetchone()[0] == 0
    clock.set(2026, 11, 28, 12, 0)  # two days on, an extra session is fine again
    assert "Do an extra session" in text_of(client.get("/today"))


def test_starting_a_second_plan_on_the_device_asks_switch_or_both(user, client, app, db):
    assert start_catalog(client, app).status_code == 303
    url = customise(client, CATALOG_ROUTINE)
    location = plan(client, url, name="My toning", p1_per_week="3").headers["Location"]
    page = text_of(client.get(location))
    name = app.extensions["catalog"].programs["microcurrent-60-days"].name
    assert f"You already follow “{name}” on microcurrent toning" in page
    assert "Switch: stop" in page and "Run both, sharing the device's rules" in page
    # Both weeks are shown: switching gives only the new plan's sessions; both share one a day.
    assert "Tue 24: My toning" in page and f"Tue 24: {name}" in page
    response = start_plan(client, app, location)
    assert response.status_code == 422
    assert "choose whether to switch to this one or to run both" in text_of(response)
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 1


def test_switching_stops_the_running_plan_and_keeps_its_history(user, client, app, db):
    assert start_catalog(client, app).status_code == 303
    client.post(f"/days/{DAY}/routines/{CATALOG_ROUTINE}/steps/cleanse", data={"done": "1"})
    _routine_id, _, response = own_plan(client, app, existing="switch")
    assert response.status_code == 303
    assert db.execute(
        "SELECT status, stopped_on FROM enrollments WHERE program_id = 'microcurrent-60-days'"
    ).fetchone() == ("stopped", DAY)
    assert db.execute("SELECT count(*) FROM ticks WHERE routine_id = ?", [CATALOG_ROUTINE]).fetchone()[0] == 1
    page = text_of(client.get("/today"))
    # The stopped plan's session under way today still counts: the new one waits until tomorrow.
    assert "Started today with" in page and "My toning" in page


def test_the_tool_use_limit_holds_and_a_new_tool_resets_it(user, client, app, clock, db):
    clock.set(2026, 11, 20, 12, 0)
    client.post("/days/2026-11-20/gates/microneedling/patch_test")
    clock.set(2026, 11, 24, 12, 0)
    assert (
        start_catalog(
            client, app, "microneedling-roller-twice-weekly", "microneedling", needle_length="0.25"
        ).status_code
        == 303
    )
    limit = app.extensions["catalog"].devices["microneedling"].tool_uses
    first = date(2026, 11, 24)
    for n in range(limit):  # sessions every third day, as the spacing allows
        day = first + timedelta(days=3 * n)
        db.execute(
            "INSERT INTO sessions (user_id, day, routine_id, device_id, steps_total, steps_done, status, "
            "updated_at) VALUES (1, ?, 'microneedling-roller-025', 'microneedling', 1, 1, 'done', ?)",
            [day.isoformat(), day.isoformat()],
        )
    db.conn.commit()
    day = first + timedelta(days=3 * limit)
    clock.set(day.year, day.month, day.day, 12, 0)
    page = text_of(client.get("/today"))
    assert f"tool has been used {limit} times: replace it (or its head) before the next session" in page
    step = app.extensions["catalog"].routines["microneedling-roller-025"].steps[0].id
    refused = client.post(
        f"/days/{day}/routines/microneedling-roller-025/steps/{step}",
        data={"done": "1"},
        headers={"HX-Request": "true", "HX-Target": f"step-microneedling-roller-025-{step}"},
    )
    assert refused.status_code == 409
    assert client.post(f"/days/{day}/tools/microneedling").status_code == 303
    page = text_of(client.get("/today"))
    assert f"use 1 of {limit} with this tool" in page
    assert (
        client.post(f"/days/{day}/routines/microneedling-roller-025/steps/{step}", data={"done": "1"}).status_code
        == 303
    )
    assert client.post(f"/days/{day}/tools/microcurrent").status_code == 404  # no use limit there


def test_pure_refusal_names_the_other_plan_and_spares_the_session_itself():
    catalog = load("data/catalog")
    device = catalog.devices["microcurrent"]
    day = date(2026, 11, 24)
    uses = [device_rules.Use(day, "a", "microcurrent", "Plan A", True)]
    assert device_rules.refusal(device, 1, uses, day, "a") is None
    refused = device_rules.refusal(device, 1, uses, day, "b")
    assert (refused.kind, refused.why, refused.program, refused.done) == ("spacing", "one_a_day", "Plan A", True)
    assert refused.next_day == day + timedelta(days=1)
    assert device_rules.refusal(device, 1, uses, day + timedelta(days=1), "b") is None
    needling = catalog.devices["microneedling"]
    later = [device_rules.Use(day + timedelta(days=1), "a", "microneedling", "Plan A", True)]
    close = device_rules.refusal(needling, 2, later, day, "a")
    assert (close.why, close.program, close.other_day, close.gap) == ("too_close", "Plan A", day + timedelta(days=1), 2)
    unfinished = [device_rules.Use(day - timedelta(days=1), "a", "microneedling", "Plan A", False)]
    assert device_rules.refusal(needling, 2, unfinished, day, "a") is None  # only done sessions space


# The property: any mix of plans, any order of ticks ----------------------------------------------

DEVICES = {
    "microcurrent": ("microcurrent-60-days", "microcurrent-standard"),
    "microneedling": ("microneedling-roller-twice-weekly", "microneedling-roller-025"),
}


@settings(max_examples=25, deadline=None)
@given(ticks=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=30), pause=st.booleans())
def test_no_two_sessions_break_the_devices_rules_whatever_order_ticks_arrive_in(tmp_path_factory, ticks, pause):
    """Three enrollments on microcurrent (the catalog program and two own plans on copies of its routine,
    run side by side) and one on microneedling, which never shares a day with microcurrent; whole
    sessions ticked on any day of the back-fill window, in any order, with or without a pause."""
    clock = Clock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    folder = tmp_path_factory.mktemp("property")
    conn = database.connect(folder / "facereps.db")
    migrations.upgrade(conn)
    conn.close()
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(folder / "facereps.db"),
            "SECRET_KEY": "test-only-secret",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,
        }
    )
    client = app.test_client()
    Auth(client).register()
    clock.set(2026, 11, 14, 12, 0)
    client.post("/days/2026-11-14/gates/microneedling/patch_test")
    clock.set(2026, 11, 17, 12, 0)
    assert start_catalog(client, app, start_day="2026-11-17").status_code == 303
    assert (
        start_catalog(
            client,
            app,
            "microneedling-roller-twice-weekly",
            "microneedling",
            needle_length="0.25",
            start_day="2026-11-17",
        ).status_code
        == 303
    )
    own = []
    for n in range(2):
        url = customise(client, CATALOG_ROUTINE)
        location = plan(client, url, name=f"Mine {n}", p1_per_week="7").headers["Location"]
        assert start_plan(client, app, location, existing="both", start_day="2026-11-17").status_code == 303
        own.append(url.rsplit("/", 1)[1])
    clock.set(2026, 11, 24, 12, 0)
    if pause:
        client.post("/enrollments/1/pause", data={"first_day": "2026-11-20", "last_day": "2026-11-21"})
    catalog = app.extensions["catalog"]
    routines = [CATALOG_ROUTINE, *own, "microneedling-roller-025"]
    for offset, which in ticks:
        day = (date(2026, 11, 24) - timedelta(days=offset)).isoformat()
        routine_id = routines[which]
        steps = [s.id for s in (catalog.routines.get(routine_id) or own_routine(app, routine_id)).steps]
        for step_id in steps:
            client.post(f"/days/{day}/routines/{routine_id}/steps/{step_id}", data={"done": "1"})
    db = _db(app)
    done = db.execute("SELECT day, routine_id, device_id FROM sessions WHERE status = 'done' ORDER BY day").fetchall()
    by_device = {}
    for day, _routine, device_id in done:
        by_device.setdefault(device_id, []).append(date.fromisoformat(day))
    for device_id, found in by_device.items():
        gap = 1 if device_id == "microcurrent" else 2
        assert all((b - a).days >= gap for a, b in itertools.pairwise(found)), (device_id, found)
    days_of = {d: set(v) for d, v in by_device.items()}
    assert not (days_of.get("microcurrent", set()) & days_of.get("microneedling", set()))


def own_routine(app, routine_id):
    from model.catalog import own as own_catalog

    return own_catalog.with_own(_db(app), app.extensions["catalog"], _user(app)).routines[routine_id]


def test_the_week_preview_keeps_a_session_already_done_today(user, client, app):
    assert start_catalog(client, app).status_code == 303
    for step_id in STEPS[CATALOG_ROUTINE]:
        client.post(f"/days/{DAY}/routines/{CATALOG_ROUTINE}/steps/{step_id}", data={"done": "1"})
    url = customise(client, CATALOG_ROUTINE)
    location = plan(client, url, name="My toning", p1_per_week="3").headers["Location"]
    html = client.get(location).get_data(as_text=True)
    name = app.extensions["catalog"].programs["microcurrent-60-days"].name
    switch, both = html.split('id="existing-both"')
    assert f"<li>Tue 24: {name} (done)</li>" in switch and "<li>Tue 24: My toning</li>" not in switch
    assert "<li>Wed 25: My toning</li>" in switch
    assert f"<li>Tue 24: {name} (done)</li>" in both and f"<li>Wed 25: {name}</li>" in both


def test_an_offline_replay_is_refused_like_a_tick(two_plans, client, app):
    """The outbox replays a tick made offline with its request id; it meets the same rule."""
    for _attempt in range(2):  # a replayed request is refused again, and nothing is written
        replayed = client.post(
            f"/days/{DAY}/routines/{two_plans}/steps/cleanse",
            data={"done": "1", "client_id": "phone-1-7"},
            headers={"HX-Request": "true", "HX-Target": f"step-{two_plans}-cleanse"},
        )
        assert replayed.status_code == 409 and "at most one microcurrent toning session a day" in text_of(replayed)
    db = _db(app)
    assert db.execute("SELECT count(*) FROM ticks WHERE routine_id = ?", [two_plans]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM client_requests").fetchone()[0] == 0


def test_a_first_tick_redraws_the_day_when_another_plan_shares_the_device(two_plans, client, clock):
    """Starting one plan's session makes the device's other plan wait: a first tick answers with the whole day."""
    clock.set(2026, 11, 25, 12, 0)
    page = client.get("/today").get_data(as_text=True)
    assert f'data-outbox="routine-{two_plans}"' in page and f'data-outbox="routine-{CATALOG_ROUTINE}"' in page
    answer = client.post(
        f"/days/2026-11-25/routines/{two_plans}/steps/cleanse",
        data={"done": ["0", "1"]},
        headers={"HX-Request": "true", "HX-Target": f"step-{two_plans}-cleanse"},
    )
    assert answer.status_code == 200 and answer.headers["HX-Retarget"] == "#day-routines"
    body = answer.get_data(as_text=True)
    assert f'data-outbox="routine-{CATALOG_ROUTINE}"' not in body  # its Mark done is gone
    assert "at most one microcurrent toning session a day" in text_of(answer)
