"""The guided player on a phone, driven with Playwright's clock: cues, auto-advance, pause, resume; and
(issue 16) the focus player: full screen, Start in reach and never scrolling, each glide drawn, the
step's own count word, the voice asked once, ending early asked first."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, register, start_program

pytestmark = pytest.mark.browser
COUNT_IN = 3_000
ROUTINE_MS = (60 + 30 + 15 * 3 + 30 + 15 * 3 + 60) * 1000  # microcurrent toning routine without the neck
PHONES = [(360, 640), (375, 667)]


def open_player(page, program="microcurrent-60-days"):
    """Start a program and open its guided session from Today (the player asks about the voice first)."""
    start_program(page, program)
    page.goto("/today")
    page.get_by_role("button", name="Start guided").first.click()
    page.wait_for_url("**/sessions/*")


@pytest.fixture
def fresh(phone):
    """A signed-in phone on the first step of its first guided session, with a fake clock."""
    phone.clock.install()
    register(phone)
    open_player(phone)
    return phone


@pytest.fixture
def player(fresh):
    """The same, the voice question answered "No"."""
    fresh.get_by_role("button", name="No", exact=True).click()
    expect(fresh.get_by_role("button", name="Start", exact=True)).to_be_visible()
    return fresh


def state(page, name):
    return page.locator("[data-player]").get_attribute(f"data-{name}")


def start_by_tap(page):
    """Tap Start where it is on the screen, as a thumb would (no scrolling it into view first)."""
    box = page.locator("[data-action=start]").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def placement(page, selector):
    """Whether an element is wholly inside the viewport, and whether the element at its centre is it
    (or inside it), so nothing covers it."""
    return page.locator(selector).evaluate("""el => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {inView: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
                uncovered: hit !== null && (hit === el || el.contains(hit)),
                top: r.top, bottom: r.bottom, width: r.width, height: r.height};
    }""")


def in_view(page, selector):
    found = placement(page, selector)
    return found["inView"] and found["uncovered"]


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
    # The first glide cued, the second under way.
    assert player.locator("[data-view-reps]").inner_text() == "Glide 2 of 3"
    player.clock.run_for(ROUTINE_MS)
    expect(player.get_by_role("heading", name="Session complete")).to_be_visible()
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
    expect(player.get_by_text("Speak each step?")).to_have_count(0)  # answered once already


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


def test_a_step_skipped_before_starting_moves_on_without_reloading(player):
    player.evaluate("window.notReloaded = true")
    player.get_by_role("button", name="Skip").click()
    expect(player.get_by_role("heading", name="Gel on the left half")).to_be_visible()
    expect(player.locator("[data-player]")).to_have_attribute("data-sent", "1")
    assert player.evaluate("window.notReloaded === true")


def test_the_player_is_usable_by_keyboard(player):
    player.locator("[data-action=start]").focus()
    player.keyboard.press("Enter")
    # Pause takes Start's place, and the focus with it: Enter again pauses.
    assert player.evaluate("document.activeElement.dataset.action") == "pause"
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


# Issue 16: the focus player ---------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_start_is_in_reach_and_uncovered_and_starting_never_scrolls(player, width, height):
    player.set_viewport_size({"width": width, "height": height})
    expect(player.get_by_role("navigation", name="Main")).to_have_count(0)  # full screen: no tab bar
    for selector in ("[data-action=start]", ".face", "[data-view-clock]", "[data-action=done]"):
        assert in_view(player, selector), (selector, placement(player, selector))
    before = player.evaluate("scrollY")
    start_box = placement(player, "[data-action=start]")
    start_by_tap(player)
    assert state(player, "state") == "countdown"
    assert player.evaluate("scrollY") == before == 0
    # Pause now sits where Start was, the face and the clock still in view with it.
    for selector in ("[data-action=pause]", ".face", "[data-view-clock]", "[data-action=done]"):
        assert in_view(player, selector), (selector, placement(player, selector))
    pause_box = placement(player, "[data-action=pause]")
    assert [pause_box[k] for k in ("top", "width", "height")] == [start_box[k] for k in ("top", "width", "height")]
    player.clock.run_for(COUNT_IN + 60_000 + 30_000 + 1_000)  # into the first glides
    expect(player.get_by_role("heading", name="Jawline glides")).to_be_visible()
    assert player.evaluate("scrollY") == 0
    assert in_view(player, "[data-action=pause]") and placement(player, ".face .stroke.on")["inView"]


@pytest.mark.parametrize("program", ["microcurrent-60-days", "face-workout-daily"])
def test_every_step_fits_a_small_phone(phone, program):
    phone.set_viewport_size({"width": 360, "height": 640})
    phone.clock.install()
    register(phone)
    open_player(phone, program)
    phone.get_by_role("button", name="No", exact=True).click()
    phone.get_by_role("button", name="Start", exact=True).click()
    phone.clock.run_for(COUNT_IN + 500)
    steps = phone.locator("[data-steps] li")
    seconds = [int(s) for s in steps.evaluate_all("items => items.map(li => li.dataset.seconds)")]
    for number, length in enumerate(seconds, 1):
        expect(phone.locator("[data-view-step-count]")).to_have_text(f"Step {number} of {len(seconds)}")
        for selector in ("[data-action=pause]", ".face", "[data-view-clock]", "#player-title"):
            assert in_view(phone, selector), (number, selector, placement(phone, selector))
        assert phone.evaluate("scrollY") == 0
        phone.clock.run_for(length * 1000)


def test_back_and_skip_are_big_and_away_from_the_thumbs_buttons(player):
    player.set_viewport_size({"width": 360, "height": 640})
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + 500)
    boxes = {name: placement(player, f"[data-action={name}]") for name in ("back", "skip", "pause", "done", "end")}
    assert all(box["width"] >= 48 and box["height"] >= 48 for box in boxes.values()), boxes
    # Back and Skip sit beside the face; Pause and Done at the bottom, with the step's text between.
    gap = min(boxes["pause"]["top"], boxes["done"]["top"]) - max(boxes["back"]["bottom"], boxes["skip"]["bottom"])
    assert gap >= 120, gap


def test_each_step_counts_in_its_own_word(phone):
    phone.clock.install()
    register(phone)
    open_player(phone, "face-workout-daily")
    phone.get_by_role("button", name="No", exact=True).click()
    reps = phone.locator("[data-view-reps]")
    expect(reps).to_have_text("12 reps × 5 s")
    phone.get_by_role("button", name="Start", exact=True).click()
    phone.clock.run_for(COUNT_IN + 500)
    expect(reps).to_have_text("Rep 1 of 12")
    phone.clock.run_for(5_000)
    expect(reps).to_have_text("Rep 2 of 12")
    phone.clock.run_for(55_000)
    expect(phone.get_by_role("heading", name="Happy Cheeks Sculpting")).to_be_visible()
    expect(reps).to_have_text("Hold 1 of 3")
    phone.clock.run_for(20_000)
    expect(reps).to_have_text("Hold 2 of 3")
    assert "glide" not in phone.locator("[data-player]").inner_text().lower()


def test_the_face_draws_each_glide_and_animates_it_at_the_glide_pace(player):
    expect(player.locator(".face .stroke.on")).to_have_count(0)  # cleansing: no glide to draw
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + 60_000 + 30_000 + 500)
    expect(player.get_by_role("heading", name="Jawline glides")).to_be_visible()
    stroke = player.locator(".face .stroke.on")
    expect(stroke).to_have_count(1)
    expect(stroke).to_have_attribute("data-stroke-for", "jaw-left")
    expect(stroke).to_be_visible()
    expect(player.locator(".face .stroke:not(.on)").first).to_be_hidden()
    # From the chin along the jaw to the ear: on the face's left (as in a mirror), outward and upward.
    start, end = stroke.locator(".stroke-track").evaluate(
        "p => [p.getPointAtLength(0), p.getPointAtLength(p.getTotalLength())].map(q => [q.x, q.y])"
    )
    assert end[0] < start[0] < 100 and end[1] < start[1]
    draw = stroke.locator(".stroke-draw")

    def animation():
        return draw.evaluate(
            "d => { const s = getComputedStyle(d); return [s.animationName, s.animationDuration, s.animationPlayState]; }"
        )

    assert animation() == ["stroke-draw", "5s", "running"]  # once per 5-second glide
    player.get_by_role("button", name="Pause").click()
    assert animation()[2] == "paused"
    player.get_by_role("button", name="Resume").click()
    player.clock.run_for(15_000)  # the cheek: its own stroke, upward and outward
    expect(stroke).to_have_attribute("data-stroke-for", "cheek-left")
    player.emulate_media(reduced_motion="reduce")
    assert animation()[0] == "none"  # still: the whole stroke drawn, no movement
    expect(stroke).to_be_visible()


def test_the_first_session_asks_once_to_speak_each_step(fresh):
    question = fresh.get_by_text("Speak each step?")
    expect(question).to_be_visible()
    expect(fresh.get_by_role("button", name="Start", exact=True)).to_be_hidden()  # answered first, then Start
    assert_accessible(fresh)
    with fresh.expect_response("**/voice"):
        fresh.get_by_role("button", name="Yes", exact=True).click()
    expect(question).to_have_count(0)
    voice = fresh.get_by_role("button", name="Voice")
    expect(voice).to_have_attribute("aria-pressed", "true")
    assert in_view(fresh, "[data-action=start]")
    fresh.reload()
    expect(fresh.get_by_role("button", name="Start", exact=True)).to_be_visible()
    expect(question).to_have_count(0)
    expect(voice).to_have_attribute("aria-pressed", "true")
    with fresh.expect_response("**/voice"):
        voice.click()  # switched off in the player...
    expect(voice).to_have_attribute("aria-pressed", "false")
    fresh.goto("/account")
    expect(fresh.get_by_label("Speak each step aloud")).not_to_be_checked()  # ...and so in Account


def test_ending_early_asks_first_and_keep_going_carries_on(player):
    player.get_by_role("button", name="Start", exact=True).click()
    player.clock.run_for(COUNT_IN + 10_000)
    url = player.url
    player.get_by_role("link", name="End").click()
    question = player.get_by_role("dialog", name="End the session now?")
    expect(question).to_be_visible()
    expect(question.get_by_text("No step is done yet, so nothing is saved")).to_be_visible()
    assert state(player, "state") == "paused"  # the clock waits while you decide
    assert_accessible(player)
    question.get_by_role("link", name="Keep going").click()
    expect(question).to_be_hidden()
    expect(player.locator("[data-player]")).to_have_attribute("data-state", "running")
    player.get_by_role("link", name="End").click()
    expect(question).to_be_visible()
    player.keyboard.press("Escape")
    expect(question).to_be_hidden()
    expect(player.locator("[data-player]")).to_have_attribute("data-state", "running")
    assert player.url == url  # asked in place: no page to go back from
    player.get_by_role("link", name="End").click()
    question.get_by_role("button", name="End session").click()
    expect(player.get_by_role("heading", name="Session ended")).to_be_visible()  # nothing done: no session


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_player_passes_axe_in_light_and_dark(fresh, scheme):
    fresh.emulate_media(color_scheme=scheme)
    assert_accessible(fresh)  # the voice question
    fresh.get_by_role("button", name="No", exact=True).click()
    fresh.get_by_role("button", name="Start", exact=True).click()
    fresh.clock.run_for(COUNT_IN + 60_000 + 30_000 + 500)
    expect(fresh.get_by_role("heading", name="Jawline glides")).to_be_visible()
    assert_accessible(fresh)  # running, a stroke drawn
    fresh.get_by_role("link", name="End").click()
    assert_accessible(fresh)  # the question before ending
