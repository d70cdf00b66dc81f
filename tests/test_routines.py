"""Own routines and plans: copying, editing, versioning, plans with the device's safety, bad input, privacy."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from model import routines as rules
from model import store
from model.catalog import Step
from model.catalog import own as own_catalog
from model.context import Context
from model.refusals import CONFLICT, Refused
from model.rules import schedule
from tests.conftest import Auth, text_of
from tests.support.feeds import feed_url
from tests.support.programs import TODAY
from tests.support.routines import customise, plan, start

NECK = {"neck-left", "neck-right"}


def steps_of(db, routine_url, version=None):
    routine_id = routine_url.rsplit("/", 1)[1]
    if version is None:
        version = db.execute("SELECT version FROM routines WHERE id = ?", [routine_id]).fetchone()[0]
    row = db.execute(
        "SELECT steps FROM routine_versions WHERE routine_id = ? AND version = ?", [routine_id, version]
    ).fetchone()
    return json.loads(row[0])


def table_counts(db):
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("routines", "routine_versions", "plans")}


@pytest.fixture
def mine(user, client):
    """A signed-in user with a copy of the microcurrent routine; its URL."""
    return customise(client)


@pytest.fixture
def following(mine, client, app):
    """The copy with its neck steps removed, glides of 4 s, and a daily plan started today."""
    for step_id in sorted(NECK):
        assert client.post(f"{mine}/steps/{step_id}/remove").status_code == 303
    assert client.post(f"{mine}/glides", data={"glide_seconds": "4"}).status_code == 303
    response = plan(client, mine)
    assert response.status_code == 303
    enrolled = start(client, app, response.headers["Location"])
    assert enrolled.status_code == 303
    client.get("/routines")  # shows (and so clears) the messages of the edits
    return mine


# Pure edits ---------------------------------------------------------------------------------------


def _steps(n):
    return [
        {
            "id": f"s{i}",
            "title": f"Step {i}",
            "area": "face",
            "side": "none",
            "seconds": 10,
            "reps": 1,
            "cue_seconds": 0,
            "instruction": "",
        }
        for i in range(n)
    ]


def test_moves_keep_every_step_and_refuse_past_the_ends():
    steps = _steps(3)
    assert [s["id"] for s in rules.move(steps, "s1", "up")] == ["s1", "s0", "s2"]
    assert [s["id"] for s in rules.move(steps, "s1", "down")] == ["s0", "s2", "s1"]
    for step_id, direction in [("s0", "up"), ("s2", "down"), ("s1", "sideways")]:
        with pytest.raises(Refused):
            rules.move(steps, step_id, direction)


def test_a_routine_keeps_one_to_sixty_steps():
    with pytest.raises(Refused, match="at least one step"):
        rules.remove(_steps(1), "s0")
    with pytest.raises(Refused, match="at most 60"):
        rules.add(_steps(60), _steps(1)[0] | {"id": "new"})
    assert len(rules.add(_steps(59), _steps(1)[0])) == 60
    assert len({s["id"] for s in rules.add(_steps(2), _steps(1)[0])}) == 3  # a clashing id gets a new one


def test_retiming_glides_changes_only_glide_steps():
    steps = [*_steps(1), dict(_steps(1)[0], id="glide", seconds=15, reps=3, cue_seconds=5)]
    plain, glide = rules.retime_glides(steps, {"glide_seconds": "4"})
    assert plain == steps[0] and (glide["seconds"], glide["cue_seconds"], glide["reps"]) == (12, 4, 3)


def test_most_often_follows_the_spacing():
    rule = schedule.PhaseRule("p", "per_week", count=4)
    assert schedule.most_often(rule, 2) == "at most 3 a week"
    assert schedule.most_often(rule, 1) is None and schedule.most_often(rule, 0) is None
    assert schedule.most_often(schedule.PhaseRule("p", "every_days", days=3), 7) == "every 7 days at the most often"
    assert schedule.most_often(schedule.PhaseRule("p", "per_month", count=4), 7) is None
    assert (
        schedule.most_often(schedule.PhaseRule("p", "sessions_over_weeks", count=5, weeks=4), 7)
        == "at most 4 sessions over 4 weeks"
    )


def test_differences_name_what_the_copy_changed(app):
    source = app.extensions["catalog"].routines["microcurrent-standard"]
    steps = [s for s in source.steps if s.id not in NECK]
    steps = [Step(**(rules.asdict(s) | ({"seconds": 12, "cue_seconds": 4} if s.cue_seconds else {}))) for s in steps]
    mine = rules.Routine("my-1", source.device_id, "Mine", "", "", tuple(steps), owner=1, based_on=source.id)
    found = rules.differences(source, mine)
    assert found[0] == "Renamed from “Microcurrent toning routine”."
    assert found[1] == "Left out: Neck glides (left); Neck glides (right)."
    assert "Every glide step (6): 12 s instead of 15 s, a cue every 4 s instead of 5 s." in found
    steps[2] = Step(**(rules.asdict(steps[2]) | {"title": "Jaw", "seconds": 20}))
    found = rules.differences(source, rules.Routine("my-1", source.device_id, "Mine", "", "", tuple(steps), owner=1))
    assert "Jawline glides (left): called “Jaw”, 20 s instead of 15 s, a cue every 4 s instead of 5 s." in found
    assert (
        "Cheek glides (left); Brow and forehead glides (left); Jawline glides (right); Cheek glides (right); "
        "Brow and forehead glides (right): 12 s instead of 15 s, a cue every 4 s instead of 5 s." in found
    )
    assert rules.differences(source, source) == []


# Copying and editing through the pages ------------------------------------------------------------


def test_customise_copies_the_routine_with_a_link_to_it(mine, client, db):
    assert re.fullmatch(r"/routines/my-[0-9a-f]{10}", mine)
    page = text_of(client.get(mine))
    assert "My microcurrent toning routine" in page and "Based on “Microcurrent toning routine”" in page
    assert "Still the same as the catalog's routine" in page
    assert [s["id"] for s in steps_of(db, mine)][:3] == ["cleanse", "gel-left", "neck-left"]
    assert "My microcurrent toning routine" in text_of(client.get("/routines"))


def test_customise_is_offered_on_every_catalog_program(user, client):
    page = client.get("/programs/microcurrent-60-days").get_data(as_text=True)
    assert 'name="routine_id" value="microcurrent-standard"' in page and "Customise this routine" in page


def test_copy_of_an_unknown_or_own_routine_is_404(mine, client, db):
    assert client.post("/routines/copy", data={"routine_id": "nope"}).status_code == 404
    assert client.post("/routines/copy", data={"routine_id": mine.rsplit("/", 1)[1]}).status_code == 404
    assert table_counts(db)["routines"] == 1


def test_remove_move_retime_and_rename_show_what_differs(mine, client, db):
    client.post(f"{mine}/steps/neck-left/remove")
    client.post(f"{mine}/steps/neck-right/remove")
    client.post(f"{mine}/steps/cheek-left/move", data={"direction": "up"})
    client.post(f"{mine}/glides", data={"glide_seconds": "4"})
    client.post(f"{mine}/name", data={"name": "Morning lift"})
    ids = [s["id"] for s in steps_of(db, mine)]
    assert not NECK & set(ids) and ids.index("cheek-left") < ids.index("jaw-left")
    page = text_of(client.get(mine))
    assert "Morning lift" in page and "Renamed from “Microcurrent toning routine”" in page
    assert "Left out: Neck glides (left); Neck glides (right)." in page
    assert "Every glide step (6): 12 s instead of 15 s, a cue every 4 s instead of 5 s." in page
    assert "Steps in a different order" in page


def test_moving_with_htmx_swaps_the_list_in_place(mine, client):
    response = client.post(f"{mine}/steps/cheek-left/move", data={"direction": "down"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Moved “Cheek glides” down: now step 6 of" in text_of(response)


def test_add_a_catalog_step_or_your_own(mine, client, db):
    page = client.get(f"{mine}/steps/new").get_data(as_text=True)
    assert "microcurrent-brow-jaw/" in page  # steps of the device type's other routines
    response = client.post(
        f"{mine}/steps/new",
        data={"title": "Lip glides", "area": "mouth", "side": "both", "seconds": "20", "reps": "4", "cue_seconds": "5"},
    )
    assert response.status_code == 303
    added = steps_of(db, mine)[-1]
    assert (added["title"], added["area"], added["seconds"], added["cue_seconds"]) == ("Lip glides", "mouth", 20, 5)
    key = re.search(r'value="(microcurrent-brow-jaw/[^"]+)"', page).group(1)
    assert client.post(f"{mine}/steps/new", data={"from": key}).status_code == 303
    assert len(steps_of(db, mine)) == 14


def test_edit_one_step(mine, client, db):
    response = client.post(
        f"{mine}/steps/jaw-left",
        data={
            "title": "Jaw",
            "area": "jaw",
            "side": "left",
            "seconds": "20",
            "reps": "4",
            "cue_seconds": "5",
            "instruction": "Slowly.",
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("#step-jaw-left")
    jaw = next(s for s in steps_of(db, mine) if s["id"] == "jaw-left")
    assert (jaw["title"], jaw["seconds"], jaw["reps"], jaw["instruction"]) == ("Jaw", 20, 4, "Slowly.")


GOOD_STEP = {"title": "Press", "area": "cheeks", "side": "left", "seconds": "30", "reps": "1", "cue_seconds": "0"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"seconds": "0"}, "seconds", "from 1 second to an hour"),
        ({"seconds": "-5"}, "seconds", "from 1 second to an hour"),
        ({"seconds": "3601"}, "seconds", "from 1 second to an hour"),
        ({"seconds": "ten"}, "seconds", "whole number"),
        ({"title": "   "}, "title", "Give the step a title"),
        ({"title": "x" * 81}, "title", "under 80"),
        ({"area": "elbow"}, "area", "Choose where"),
        ({"side": "up"}, "side", "Choose left, right"),
        ({"cue_seconds": "45"}, "cue_seconds", "cannot be longer than the step"),
        ({"reps": "0"}, "reps", "between 1 and 100"),
        ({"instruction": "y" * 601}, "instruction", "under 600"),
    ],
)
def test_bad_step_values_are_refused_with_a_message_and_nothing_saved(mine, client, db, change, field, message):
    before = steps_of(db, mine)
    for url in (f"{mine}/steps/jaw-left", f"{mine}/steps/new"):
        response = client.post(url, data=GOOD_STEP | change)
        assert response.status_code == 422
        assert message in text_of(response) and f'id="{field}-problem"' in response.get_data(as_text=True)
    assert steps_of(db, mine) == before


def test_the_last_step_cannot_be_removed(user, client, db):
    response = client.post(
        "/routines/new", data={"name": "Gua sha", "device_id": "other", "device_name": "Jade tool"} | GOOD_STEP
    )
    url = response.headers["Location"]
    step_id = steps_of(db, url)[0]["id"]
    response = client.post(f"{url}/steps/{step_id}/remove")
    assert response.status_code == 422 and "A routine needs at least one step" in text_of(response)
    assert len(steps_of(db, url)) == 1


def test_a_sixty_first_step_is_refused(mine, client, db):
    routine_id = mine.rsplit("/", 1)[1]
    steps = [dict(s, id=f"x{i}") for i, s in enumerate(steps_of(db, mine) * 5)][:60]
    db.execute("UPDATE routine_versions SET steps = ? WHERE routine_id = ?", [json.dumps(steps), routine_id])
    response = client.post(f"{mine}/steps/new", data=GOOD_STEP)
    assert response.status_code == 422 and "at most 60 steps" in text_of(response)
    assert len(steps_of(db, mine)) == 60


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": ""}, "Give the routine a name"),
        ({"device_id": "toaster"}, "Choose your device type"),
        ({"device_id": "other", "device_name": ""}, "Name your device"),
        ({"seconds": "7200"}, "from 1 second to an hour"),
        ({"title": ""}, "Give the step a title"),
    ],
)
def test_new_routine_bad_input_saves_nothing(user, client, db, form, message):
    data = {"name": "Evening", "device_id": "gua_sha"} | GOOD_STEP | form
    response = client.post("/routines/new", data=data)
    assert response.status_code == 422 and message in text_of(response)
    assert table_counts(db) == {"routines": 0, "routine_versions": 0, "plans": 0}


def test_bad_glide_length_and_name_are_refused(mine, client, db):
    before = steps_of(db, mine)
    for value, message in [("0", "between 1 and 600"), ("abc", "whole number"), ("601", "between 1 and 600")]:
        response = client.post(f"{mine}/glides", data={"glide_seconds": value})
        assert response.status_code == 422 and message in text_of(response)
    response = client.post(f"{mine}/name", data={"name": " "})
    assert response.status_code == 422 and "Give the routine a name" in text_of(response)
    assert steps_of(db, mine) == before and "My microcurrent toning routine" in text_of(client.get(mine))


# A routine from scratch, for a device the catalog does not know ----------------------------------


def test_a_routine_from_scratch_for_an_unknown_device_runs_like_any_other(user, client, app, db):
    response = client.post(
        "/routines/new", data={"name": "Ice roll", "device_id": "other", "device_name": "Ice roller", **GOOD_STEP}
    )
    url = response.headers["Location"]
    page = text_of(client.get(url))
    assert "Ice roll" in page and "Ice roller" in page and "no safety facts for this device" in page
    start_page = plan(client, url, p1_per_week="3")
    assert start_page.status_code == 303
    assert start(client, app, start_page.headers["Location"], device_id="gua_sha").status_code == 303
    today = text_of(client.get("/today"))
    assert "Ice roll" in today and "Press" in today


# Plans ---------------------------------------------------------------------------------------------


def test_plan_form_starts_from_the_catalog_plan(mine, client):
    page = client.get(f"{mine}/plan").get_data(as_text=True)
    assert re.search(r'id="p1_per_week"[^>]*value="5"', page) and re.search(r'id="p1_length_weeks"[^>]*value="8"', page)
    assert re.search(r'id="p2_kind-per_week"[^>]*checked', page)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"p1_per_week": "8"}, "p1_per_week", "from 1 to 7"),
        ({"p1_per_week": "0"}, "p1_per_week", "from 1 to 7"),
        ({"p1_kind": "hourly"}, "p1_kind", "Choose how often"),
        ({"p1_kind": "every_days", "p1_every_days": "x"}, "p1_every_days", "whole number"),
        ({"p1_kind": "per_month", "p1_per_month": "9"}, "p1_per_month", "from 1 to 4"),
        ({"p1_kind": "sessions_over_weeks", "p1_sessions": "30", "p1_over_weeks": "4"}, "p1_sessions", "from 1 to 28"),
        ({"p1_length": "weeks", "p1_length_weeks": "500"}, "p1_length_weeks", "from 1 to 104"),
        ({"p2_kind": "per_week", "p2_per_week": "2"}, "p1_length", "Only the last phase goes on with no end"),
        ({"name": ""}, "name", "Give the plan a name"),
    ],
)
def test_bad_plans_are_refused_and_nothing_saved(mine, client, db, form, field, message):
    response = plan(client, mine, **form)
    assert response.status_code == 422
    assert message in text_of(response) and f'href="#{field}"' in response.get_data(as_text=True)
    assert table_counts(db)["plans"] == 0


def test_a_plan_keeps_the_devices_spacing(user, client, app, db):
    url = customise(client, "microneedling-roller-025")
    response = plan(client, url, p1_per_week="4")
    assert response.status_code == 422
    assert "At-home microneedling needs 2 days between sessions: at most 3 a week." in text_of(response)
    start_url = plan(client, url, p1_per_week="2").headers["Location"]
    # Safety questions and the patch test stay; a 0.5 mm needle needs a week between sessions.
    page = text_of(client.get(start_url))
    assert "Safety questions: at-home microneedling" in page
    response = start(client, app, start_url, device_id="microneedling", needle_length="0.5")
    assert response.status_code == 422 and "needs 7 days between sessions" in text_of(response)
    assert start(client, app, start_url, device_id="microneedling", q_isotretinoin="yes").status_code == 200
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 0
    assert start(client, app, start_url, device_id="microneedling", needle_length="0.25").status_code == 303
    assert "First: patch test on the forearm" in text_of(client.get("/today"))


def test_a_plan_for_a_catalog_routine(user, client, app):
    response = plan(client, "/routines/face-workout-5min", p1_kind="every_days", p1_every_days="2")
    assert response.status_code == 303
    assert start(client, app, response.headers["Location"], device_id="face_workout").status_code == 303
    assert "5-minute face workout" in text_of(client.get("/today"))
    assert "My lift 5-minute face workout · every other day" in text_of(client.get("/routines"))
    assert "Regular: every other day, ongoing" in text_of(client.get("/enrollments/1"))


# Everywhere like a catalog routine; the past keeps its steps -------------------------------------


def test_own_routine_on_today_in_the_player_and_in_progress(following, client, db):
    today = text_of(client.get("/today"))
    assert "My microcurrent toning routine" in today and "Neck glides" not in today and "12 s" in today
    session = client.post("/sessions", data={"day": TODAY.isoformat(), "routine": following.rsplit("/", 1)[1]})
    player = client.get(session.headers["Location"]).get_data(as_text=True)
    assert "Cleanse and dry" in player and "Neck glides" not in player
    snapshot = json.loads(db.execute("SELECT steps FROM sessions").fetchone()[0])
    assert len(snapshot) == 10 and {s["cue_seconds"] for s in snapshot} == {0, 4}
    client.post(f"{session.headers['Location']}/steps/cleanse", data={"outcome": "done"})
    client.post(f"{session.headers['Location']}/finish")
    progress = text_of(client.get("/progress"))
    assert "My lift" in progress and "1 of" in progress


def test_editing_never_rewrites_a_past_session(following, client, db, clock):
    routine_id = following.rsplit("/", 1)[1]
    client.post(f"/days/{TODAY}/routines/{routine_id}/steps/cleanse", data={"done": "1"})
    assert db.execute("SELECT routine_version FROM sessions").fetchone()[0] == 1
    client.post(f"{following}/steps/cleanse/remove")
    assert db.execute("SELECT version FROM routines").fetchone()[0] == 2
    assert next(s["id"] for s in steps_of(db, following, 1)) == "cleanse"
    clock.set(2026, 11, 25, 12)
    past = text_of(client.get(f"/days/{TODAY}"))
    assert "Cleanse and dry" in past and "1 of 10" in past
    assert "Cleanse and dry" not in text_of(client.get("/today"))


def test_edits_with_no_session_in_between_make_one_version(mine, client, db):
    for direction in ("down", "up", "down"):
        client.post(f"{mine}/steps/cleanse/move", data={"direction": direction})
    assert db.execute("SELECT count(*) FROM routine_versions").fetchone()[0] == 1


def test_delete_waits_until_no_program_follows_it(following, client, db):
    response = client.post(f"{following}/delete", data={"confirm": "yes"})
    assert response.status_code == 409 and "stop it first" in text_of(response)
    assert client.post(f"{following}/delete").status_code == 422
    client.post("/enrollments/1/stop", data={"confirm": "yes"})
    assert client.post(f"{following}/delete", data={"confirm": "yes"}).status_code == 303
    assert table_counts(db) == {"routines": 0, "routine_versions": 0, "plans": 0}
    assert client.get(following).status_code == 404


# Privacy -------------------------------------------------------------------------------------------


def test_another_users_routine_and_plan_are_404(following, app, db):
    routine_id = following.rsplit("/", 1)[1]
    plan_id = db.execute("SELECT id FROM plans").fetchone()[0]
    before = (steps_of(db, following), table_counts(db))
    intruder = app.test_client()
    Auth(intruder).register(email="intruder@example.com")
    for method, url, data in [
        ("GET", following, {}),
        ("POST", f"{following}/name", {"name": "Mine now"}),
        ("GET", f"{following}/steps/new", {}),
        ("POST", f"{following}/steps/new", GOOD_STEP),
        ("GET", f"{following}/steps/cleanse", {}),
        ("POST", f"{following}/steps/cleanse", GOOD_STEP),
        ("POST", f"{following}/steps/cleanse/move", {"direction": "down"}),
        ("POST", f"{following}/steps/cleanse/remove", {}),
        ("POST", f"{following}/glides", {"glide_seconds": "3"}),
        ("POST", f"{following}/delete", {"confirm": "yes"}),
        ("GET", f"{following}/plan", {}),
        ("POST", f"{following}/plan", {"p1_kind": "per_week", "p1_per_week": "3"}),
        ("POST", "/routines/copy", {"routine_id": routine_id}),
        ("GET", f"/programs/{plan_id}", {}),
        ("GET", f"/programs/{plan_id}/start", {}),
        ("POST", f"/programs/{plan_id}/start", {"start_day": TODAY.isoformat()}),
        ("GET", f"/programs/{plan_id}/edit", {}),
        ("POST", f"/programs/{plan_id}/edit", {"p1_per_week": "1"}),
        ("POST", "/sessions", {"day": TODAY.isoformat(), "routine": routine_id}),
        ("POST", f"/days/{TODAY}/routines/{routine_id}/steps/cleanse", {"done": "1"}),
    ]:
        response = intruder.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
    assert "My microcurrent toning routine" not in text_of(intruder.get("/routines"))
    assert (steps_of(db, following), table_counts(db)) == before


def test_changing_a_followed_plan_keeps_earlier_days_under_the_old_rules(following, client, db, clock):
    plan_id = db.execute("SELECT id FROM plans").fetchone()[0]
    form = client.get(f"/programs/{plan_id}/edit").get_data(as_text=True)
    assert re.search(r'id="p1_per_week"[^>]*value="7"', form)
    clock.set(2026, 12, 2, 12)
    response = client.post(
        f"/programs/{plan_id}/edit",
        data={"name": "Lighter", "p1_kind": "per_week", "p1_per_week": "3", "p1_length": "ongoing"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/enrollments/1"
    versions = db.execute("SELECT effective_day, phases FROM enrollment_versions ORDER BY effective_day").fetchall()
    assert [v[0] for v in versions] == ["2026-11-24", "2026-12-02"]
    assert [json.loads(v[1])[0]["count"] for v in versions] == [7, 3]
    page = text_of(client.get("/enrollments/1"))
    assert "Lighter" in page and "3 times a week, ongoing" in page


def test_a_bad_plan_change_changes_nothing_and_catalog_programs_cannot_be_edited(following, client, db):
    plan_id = db.execute("SELECT id FROM plans").fetchone()[0]
    before = db.execute("SELECT phases FROM plans").fetchone()[0]
    response = client.post(f"/programs/{plan_id}/edit", data={"name": "x", "p1_kind": "per_week", "p1_per_week": "9"})
    assert response.status_code == 422 and "from 1 to 7" in text_of(response)
    assert db.execute("SELECT phases FROM plans").fetchone()[0] == before
    assert db.execute("SELECT count(*) FROM enrollment_versions").fetchone()[0] == 1
    assert client.get("/programs/microcurrent-60-days/edit").status_code == 404


def test_the_calendar_feed_holds_own_routines(following, client, app):
    feed = app.test_client().get(feed_url(client))  # a calendar app has no session cookie
    events = Calendar.from_ical(feed.get_data()).walk("VEVENT")
    assert len(events) == 28 and str(events[0]["SUMMARY"]) == "FaceReps: My microcurrent toning routine"


def test_the_neck_rule_and_screened_areas_still_apply_to_an_own_routine(mine, client, app):
    start_url = plan(client, mine).headers["Location"]
    assert start(client, app, start_url, q_jaw_tension="yes").status_code == 303  # neck not allowed either
    today = text_of(client.get("/today"))
    assert "Cheek glides" in today and "Neck glides" not in today and "Jawline glides" not in today


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["up", "down", "remove", "add"]), st.integers(0, 70)), max_size=80))
def test_any_edits_keep_one_to_sixty_steps_with_distinct_ids(edits):
    steps = _steps(5)
    for action, index in edits:
        step_id = steps[index % len(steps)]["id"]
        try:
            if action in ("up", "down"):
                moved = rules.move(steps, step_id, action)
                assert sorted(s["id"] for s in moved) == sorted(s["id"] for s in steps)
                steps = moved
            elif action == "remove":
                steps = rules.remove(steps, step_id)
            else:
                steps = rules.add(steps, dict(steps[0]))
        except Refused:
            pass
        assert 1 <= len(steps) <= rules.MAX_STEPS and len({s["id"] for s in steps}) == len(steps)


def test_a_step_can_be_added_or_moved_to_any_position(mine, client, db):
    client.post(f"{mine}/steps/new", data=GOOD_STEP | {"title": "Lip press", "position": "2"})
    assert [s["title"] for s in steps_of(db, mine)][:3] == ["Cleanse and dry", "Lip press", "Gel on the left half"]
    edit = client.get(f"{mine}/steps/cleanse").get_data(as_text=True)
    assert '<option value="1" selected>Step 1</option>' in edit
    response = client.post(f"{mine}/steps/cleanse", data=GOOD_STEP | {"title": "Cleanse", "position": "13"})
    assert response.status_code == 303
    assert [s["id"] for s in steps_of(db, mine)][-1] == "cleanse"
    for bad in ("0", "14", "x"):
        response = client.post(f"{mine}/steps/cleanse", data=GOOD_STEP | {"position": bad})
        assert response.status_code == 422 and "Choose a position from the list." in text_of(response)
    assert [s["id"] for s in steps_of(db, mine)][-1] == "cleanse"


def test_an_edit_from_a_stale_page_never_undoes_a_newer_one(mine, client, app, db, clock):
    user = store.user_by_id(db, 1)
    stale = own_catalog.with_own(db, app.extensions["catalog"], user).routines[mine.rsplit("/", 1)[1]]
    client.post(f"{mine}/steps/neck-left/remove")  # another window
    device = app.extensions["catalog"].devices["microcurrent"]
    ctx = Context(db, app.extensions["catalog"], user, TODAY, clock())
    with pytest.raises(Refused, match="changed in another window") as refused:
        rules.save(ctx, stale, device, rules.move(rules.steps_of(stale), "cleanse", "down"))
    assert refused.value.kind == CONFLICT  # a 409: the page shows the routine as it is now
    assert "neck-left" not in [s["id"] for s in steps_of(db, mine)] and steps_of(db, mine)[0]["id"] == "cleanse"
    client.post(f"{mine}/name", data={"name": "Renamed"})
    assert "neck-left" not in [s["id"] for s in steps_of(db, mine)]  # renaming leaves the steps alone


def test_one_routine_follows_one_plan_at_a_time(user, client, app, db):
    assert start(client, app, "/programs/microcurrent-60-days/start").status_code == 303
    response = start(client, app, "/programs/microcurrent-clinic-series/start")
    assert response.status_code == 409
    assert "You already follow “60-day toning plan”, which has the same routine" in text_of(response)
    own_plan = plan(client, "/routines/microcurrent-standard").headers["Location"]
    assert start(client, app, own_plan).status_code == 409
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 1
    assert "which has the same routine" in text_of(client.get("/programs/microcurrent-clinic-series/start"))
