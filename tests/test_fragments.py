"""What Today keeps between requests (views/fragments.py): a kept drawing never shows one user's state to
another, never outlives a change, and a kept URL is the URL Flask would build where the app is mounted."""

import re

from tests.conftest import Auth, text_of
from tests.faults import Client, Gunicorn, today_utc
from tests.support.programs import start

DAY = "2026-11-24"
ROUTINE = "microcurrent-standard"


def tick(client, step, done="1"):
    return client.post(f"/days/{DAY}/routines/{ROUTINE}/steps/{step}", data={"done": ["0", done]})


def checked_steps(client) -> set:
    html = client.get("/today").get_data(as_text=True)
    return set(re.findall(rf'id="cb-step-{ROUTINE}-([\w-]+)" name="done" value="1" checked', html))


def test_two_people_on_the_same_routine_each_see_only_their_own_ticks(app):
    ana, ben = app.test_client(), app.test_client()
    for client, email in ((ana, "ana@example.com"), (ben, "ben@example.com")):
        assert Auth(client).register(email=email).status_code == 303
        assert start(client, app).status_code == 303
    assert checked_steps(ana) == checked_steps(ben) == set()  # the same drawing serves both
    tick(ana, "cleanse")
    assert checked_steps(ana) == {"cleanse"} and checked_steps(ben) == set()
    tick(ben, "gel-left")
    assert checked_steps(ana) == {"cleanse"} and checked_steps(ben) == {"gel-left"}
    tick(ana, "cleanse", done="0")
    assert checked_steps(ana) == set() and checked_steps(ben) == {"gel-left"}


def test_a_day_that_can_no_longer_change_is_drawn_without_ticks(app, clock):
    client = app.test_client()
    Auth(client).register()
    start(client, app, start_day="2026-09-29")  # 8 weeks back ("Already started?")
    first = "/days/2026-09-29"
    assert client.post(f"{first}/routines/{ROUTINE}/steps/cleanse", data={"done": ["0", "1"]}).status_code == 303
    assert "Save" in text_of(client.get(first))
    clock.set(2026, 11, 25, 12, 0)  # a day later the same checklist can no longer change
    page = client.get(first).get_data(as_text=True)
    assert "Save" not in text_of(client.get(first))
    assert re.search(r'id="cb-step-[\w-]+-cleanse" name="done" value="1" checked\s+disabled', page)


def test_urls_follow_where_the_app_is_mounted(app):
    client = app.test_client()
    Auth(client).register()
    start(client, app)
    at_root = client.get("/today").get_data(as_text=True)
    mounted = client.get("/today", base_url="http://localhost/facereps").get_data(as_text=True)
    assert f'action="/days/{DAY}/routines/{ROUTINE}/steps/cleanse"' in at_root
    assert f'action="/facereps/days/{DAY}/routines/{ROUTINE}/steps/cleanse"' in mounted
    assert 'href="/facereps/progress"' in mounted and 'href="/progress"' not in mounted


def test_each_person_sees_their_own_week_on_the_same_routine_card(app, clock):
    ana, ben = app.test_client(), app.test_client()
    clock.set(2026, 11, 23, 12, 0)  # Monday: both start the same plan
    for client, email in ((ana, "ana@example.com"), (ben, "ben@example.com")):
        assert Auth(client).register(email=email).status_code == 303
        assert start(client, app, start_day="2026-11-23").status_code == 303
    assert ana.post(f"/days/2026-11-23/routines/{ROUTINE}/done", data={"done": "1"}).status_code == 303
    clock.set(2026, 11, 24, 12, 0)
    assert "2nd of 5 this week" in text_of(ana.get("/today"))
    ben_today = text_of(ben.get("/today"))
    assert "1st of 5 this week" in ben_today and "2nd of 5" not in ben_today
    assert "2nd of 5 this week" in text_of(ana.get("/today"))


def test_every_worker_draws_a_change_from_the_next_request_on(tmp_path):
    """Four gunicorn workers, each keeping its own drawings: after each change, eight page loads (spread
    over the workers) all show it."""
    server = Gunicorn(tmp_path / "workers.db", workers=4).start()
    try:
        owner = Client(server.port).register("workers@example.com").start()
        day = today_utc()
        tick = f"/days/{day}/routines/face-workout-5min/steps/cheek-lifter"
        for done, shown in (("1", True), ("0", False), ("1", True)):
            assert owner.request("POST", tick, {"done": ["0", done]})[0] == 303
            for _ in range(8):
                page = owner.request("GET", "/today")[1].decode()
                assert bool(re.search(r'id="cb-step-face-workout-5min-cheek-lifter"[^>]*checked', page)) is shown
        assert owner.request("POST", f"/days/{day}/routines/face-workout-5min/done", {"done": "1"})[0] == 303
        for _ in range(8):
            assert "All done for today" in owner.request("GET", "/today")[1].decode()
    finally:
        server.stop()
