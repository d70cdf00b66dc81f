"""The guided player on a phone, driven with Playwright's clock: cues, auto-advance, pause, resume."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, register, start_program

pytestmark = pytest.mark.browser
COUNT_IN = 3_000
ROUTINE_MS = (60 + 30 + 15 * 3 + 30 + 15 * 3 + 60) * 1000  # microcurrent toning routine without the neck


@pytest.fixture
def player(phone):
    """A signed-in phone on the first step of a guided microcurrent session, with a fake clock."""
    phone.clock.install()
    register(phone)
    start_program(phone, "microcurrent-60-days")
    phone.goto("/today")
    phone.get_by_role("button", name="Start guided").click()
    phone.wait_for_url("**/sessions/*")
    return phone


def state(page, name):
    return page.locator("[data-player]").get_attribute(f"data-{name}")


def test_a_whole_routine_runs_by_itself_with_a_cue_every_glide(player):
    assert_accessible(player)
    player.get_by_role("button", name="Start", exact=True).click()
    assert state(player, "state") == "countdown"
    player.clock.run_for(COUNT_IN + 500)
    expect(player.get_by_role("heading", name="Cleanse and dry")).to_be_visible()
    assert state(player, "state") == "running"
    assert_accessible(player)
    player.clock.run_for(60_000 + 30_000 + 5_500)
    expect(player.get_by_role("heading", name="Jawline glides")).to_be_visible()
    assert state(player, "cues") == "1"
    assert player.locator("[data-view-reps]").inner_text() == "Glide 1 of 3"
    player.clock.run_for(ROUTINE_MS)
    expect(player.get_by_role("heading", name="Session complete")).to_be_visible()
    assert "10 of 10" in player.locator(".figures").inner_text()
    assert_accessible(player)
    player.get_by_role("link", name="Back to Today").click()
    expect(player.locator("#progress-microcurrent-standard")).to_contain_text("Session done")


def test_every_glide_cues_once(player):
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + ROUTINE_MS - 61_000)  # up to the last step, "Wipe off and care"
    expect(player.get_by_role("heading", name="Wipe off and care")).to_be_visible()
    expect(player.get_by_role("button", name="Done, finish")).to_be_visible()  # the last step says so
    assert state(player, "cues") == "18"  # 6 glide steps × 3 glides
    assert state(player, "step-changes") == "10"  # a tone at each of the 10 steps so far


def test_pause_stops_the_clock(player):
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + 10_000)
    player.get_by_role("button", name="Pause").click()
    assert state(player, "state") == "paused"
    shown = player.locator("[data-view-clock]").inner_text()
    player.clock.run_for(120_000)
    assert player.locator("[data-view-clock]").inner_text() == shown
    expect(player.get_by_role("heading", name="Cleanse and dry")).to_be_visible()
    player.get_by_role("button", name="Resume").click()
    player.clock.run_for(51_000)
    expect(player.get_by_role("heading", name="Gel on the left half")).to_be_visible()


def test_reload_resumes_at_the_same_step(player):
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + 60_000 + 30_000 + 1_000)
    expect(player.get_by_role("heading", name="Jawline glides")).to_be_visible()
    expect(player.locator("[data-steps] li[data-step-id=gel-left]")).to_have_attribute("data-state", "done")
    expect(player.locator("[data-player]")).to_have_attribute("data-sent", "2")
    player.reload()
    expect(player.get_by_text("Step 3 of 10")).to_be_visible()
    expect(player.get_by_role("heading", name="Jawline glides")).to_be_visible()
    expect(player.get_by_role("button", name="Start from step 3")).to_be_visible()


def test_skip_back_and_done_buttons(player):
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + 500)
    player.get_by_role("button", name="Skip").click()
    expect(player.get_by_role("heading", name="Gel on the left half")).to_be_visible()
    player.get_by_role("button", name="Back").click()
    expect(player.get_by_role("heading", name="Cleanse and dry")).to_be_visible()
    player.get_by_role("button", name="Done, next step").click()
    expect(player.get_by_role("heading", name="Gel on the left half")).to_be_visible()
    assert "Step 2 of 10" in player.locator("[data-view-announce]").inner_text()


def test_the_player_is_usable_by_keyboard(player):
    player.locator("[data-action=start]").focus()
    player.keyboard.press("Enter")
    player.clock.run_for(COUNT_IN + 500)
    player.locator("[data-action=done]").focus()
    player.keyboard.press("Enter")
    expect(player.get_by_role("heading", name="Gel on the left half")).to_be_visible()


def test_without_auto_advance_the_step_waits_for_done(player):
    session = player.url
    player.goto("/account")
    player.get_by_label("Move to the next step when the time is up").uncheck()
    player.get_by_role("button", name="Save cue settings").click()
    expect(player.get_by_text("Cue settings saved.")).to_be_visible()
    player.goto(session)
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + 65_000)
    assert state(player, "state") == "waiting"
    expect(player.get_by_role("heading", name="Cleanse and dry")).to_be_visible()


def test_losing_the_network_keeps_the_player_running_and_saves_later(player):
    player.allow_console_errors = True  # the browser logs the failed requests; that is the point here
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + 500)
    player.context.set_offline(True)
    player.clock.run_for(60_000 + 30_000)
    expect(player.get_by_role("heading", name="Jawline glides")).to_be_visible()
    expect(player.locator("[data-player]")).to_have_attribute("data-unsaved", re.compile("^[1-9]"))
    expect(player.locator("[data-view-sync]")).to_be_visible()
    expect(player.locator("[data-view-sync]")).to_contain_text("saved on this phone")
    player.context.set_offline(False)
    player.evaluate("window.dispatchEvent(new Event('online'))")
    expect(player.locator("[data-player]")).to_have_attribute(
        "data-sent", "2"
    )  # cleanse and gel-left, sent once back online
    expect(player.locator("[data-view-sync]")).to_be_hidden()
    player.reload()
    expect(player.get_by_text("Step 3 of 10")).to_be_visible()
