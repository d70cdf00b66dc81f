"""On a phone: customise the microcurrent routine, plan it, run it in the guided player, see it everywhere."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import answer_all, assert_accessible

pytestmark = pytest.mark.browser
COUNT_IN = 3_000
ROUTINE_MS = (60 + 30 + 12 * 3 + 30 + 12 * 3 + 60) * 1000  # no neck, glides of 4 s


def shot(page, name):
    """Screenshots for a person to look at, when FACEREPS_SHOTS names a folder."""
    if os.environ.get("FACEREPS_SHOTS"):
        page.screenshot(path=f"{os.environ['FACEREPS_SHOTS']}/{name}.png", full_page=True)


def steps(page):
    return page.locator("#steps .step-title").all_inner_texts()


def test_customise_plan_and_run_my_own_microcurrent_routine(signed_in):
    page = signed_in
    page.clock.install()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    page.get_by_role("link", name="60-day toning plan").click()
    page.get_by_role("button", name="Customise this routine").click()
    expect(page.get_by_role("heading", name="My microcurrent toning routine", level=1)).to_be_visible()
    assert_accessible(page)

    # Drop the neck: one tap each, the list swaps in place and says what happened.
    for _ in range(2):
        page.get_by_role("button", name=re.compile(r"Remove step \d+: Neck glides")).first.click()
        expect(page.locator("#flash")).to_contain_text("Removed “Neck glides”")
    expect(page.locator("#steps .step")).to_have_count(10)
    assert "Neck glides" not in steps(page)
    expect(page.locator("#steps")).to_be_focused()  # not lost with the removed button

    # Move a step with the keyboard: focus stays on the button that moved.
    page.get_by_role("button", name="Move step 4, Cheek glides, up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Moved “Cheek glides” up: now step 3 of 10.")
    expect(page.locator("#up-cheek-left")).to_be_focused()
    page.keyboard.press("Enter")  # and back down
    expect(page.locator("#flash")).to_contain_text("now step 2 of 10")
    page.get_by_role("button", name="Move step 2, Cheek glides, down").click()
    expect(page.locator("#flash")).to_contain_text("now step 3 of 10")
    page.get_by_role("button", name="Move step 3, Cheek glides, down").click()
    expect(page.locator("#flash")).to_contain_text("now step 4 of 10")

    # Glides of 4 s instead of 5 s, for every glide step.
    page.get_by_label("Seconds per glide").fill("4")
    page.get_by_role("button", name="Change every glide").click()
    expect(page.get_by_text("Every glide now lasts 4 s.")).to_be_visible()
    differs = page.get_by_role("region", name="Based on “Microcurrent toning routine”")
    expect(differs).to_contain_text("Left out: Neck glides (left); Neck glides (right).")
    expect(differs).to_contain_text("Every glide step (6): 12 s instead of 15 s, a cue every 4 s instead of 5 s.")
    expect(differs).not_to_contain_text("different order")
    shot(page, "routine")
    assert_accessible(page)

    # A bad value is explained on the form and changes nothing.
    page.get_by_role("link", name="Edit step 3: Jawline glides").click()
    page.get_by_label("Seconds", exact=True).fill("5000")
    page.get_by_role("button", name="Save step").click()
    expect(page.get_by_role("alert")).to_contain_text("A step lasts from 1 second to an hour")
    expect(page.get_by_label("Seconds", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_role("link", name="My microcurrent toning routine").click()

    # A plan of its own, starting from the catalog's, then the usual safety questions.
    page.get_by_role("link", name="Make a plan").click()
    expect(page.get_by_label("Sessions a week").first).to_have_value("5")
    page.locator("#p1_per_week").fill("8")
    page.get_by_role("button", name="Save plan and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("from 1 to 7")
    assert_accessible(page)
    page.locator("#p1_per_week").fill("6")
    page.get_by_role("button", name="Save plan and continue").click()
    page.wait_for_url("**/start")
    answer_all(page)
    page.get_by_role("button", name="Start program").click()
    page.wait_for_url("**/enrollments/*")

    # Today, then the guided player with 4-second glides and no neck.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    card = page.get_by_role("region", name=re.compile("My microcurrent toning routine"))
    expect(card).to_contain_text("Jawline glides")
    expect(card).not_to_contain_text("Neck glides")
    shot(page, "today")
    card.get_by_role("button", name="Start guided").click()
    page.wait_for_url("**/sessions/*")
    page.get_by_role("button", name="No", exact=True).click()  # the first session asks "Speak each step?"
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(COUNT_IN + 60_000 + 30_000 + 4_500)
    expect(page.get_by_role("heading", name="Jawline glides")).to_be_visible()
    assert page.locator("[data-player]").get_attribute("data-cues") == "1"
    shot(page, "player")
    page.clock.run_for(ROUTINE_MS - 60_000 - 60_000 - 30_000 - 4_500 - 1_000)  # into the last step
    expect(page.get_by_role("heading", name="Wipe off and care")).to_be_visible()
    assert page.locator("[data-player]").get_attribute("data-cues") == "18"  # 6 glide steps × 3 glides of 4 s
    page.clock.run_for(62_000)
    expect(page.get_by_role("heading", name="Session complete")).to_be_visible()
    assert "10/10\nsteps done" in page.locator(".reward-tiles").inner_text()

    page.get_by_role("link", name="Back to Today").click()
    expect(page.locator("[id^=progress-my-]")).to_contain_text("Session done")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    review = page.get_by_role("region", name=re.compile("My microcurrent toning routine"))
    expect(review).to_contain_text("1 of")
    expect(review.locator(".day-mark.done")).to_have_count(1)
    shot(page, "progress")
    assert_accessible(page)


def test_write_a_routine_for_another_device_and_add_catalog_steps(signed_in):
    page = signed_in
    page.goto("/programs")
    page.get_by_role("link", name="Write a routine").click()
    assert_accessible(page)
    page.get_by_role("link", name="Write a new routine").click()
    expect(page.get_by_label("Your device's name (for another device)")).to_be_hidden()
    page.get_by_label("Routine name").fill("Evening sculpt")
    page.get_by_label("Device type").select_option(label="Another device")
    page.get_by_label("Your device's name (for another device)").fill("Ice roller")
    page.get_by_label("Step title").fill("Roll the cheeks")
    page.get_by_label("Where").select_option(label="Cheeks")
    page.get_by_role("button", name="Save routine").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the seconds as a whole number.")  # left empty
    assert_accessible(page)
    page.get_by_label("Seconds", exact=True).fill("45")
    page.get_by_role("button", name="Save routine").click()
    expect(page.get_by_role("heading", name="Evening sculpt", level=1)).to_be_visible()
    expect(page.get_by_text("FaceReps has no safety facts for this device")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a step").click()
    expect(page.get_by_role("heading", name="From the catalog")).to_have_count(0)  # no catalog steps for it
    page.get_by_label("Step title").fill("Roll the forehead")
    page.get_by_label("Where").select_option(label="Forehead")
    page.get_by_label("Seconds", exact=True).fill("30")
    page.get_by_role("button", name="Add step").click()
    expect(page.locator("#steps .step-title")).to_have_text(["Roll the cheeks", "Roll the forehead"])
    page.goto("/routines")
    expect(page.get_by_role("link", name=re.compile("Evening sculpt"))).to_contain_text(
        "Ice roller · 2 steps · 1 min 15 s"
    )
    assert_accessible(page)

    page.goto("/programs/led-red-intensive")
    page.get_by_role("button", name="Customise this routine").click()
    page.get_by_role("link", name="Add a step").click()
    assert_accessible(page)
    page.get_by_label(re.compile("A step of the catalog's")).select_option(index=1)
    page.get_by_role("button", name="Add this step").click()
    expect(page.locator("#flash")).to_contain_text("as step 4 of 4.")
