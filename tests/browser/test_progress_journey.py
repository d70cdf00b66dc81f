"""On a phone: a week with some sessions done shows the right counts; chart and heatmap render; the check-in
puts its problems beside its fields; the photo picker previews the chosen picture; light and dark pass axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, register, start_program
from tests.support.photos import jpeg_with_gps

pytestmark = pytest.mark.browser


def test_a_week_with_sessions_done_and_a_check_in(signed_in):
    page = signed_in
    start_program(page, "face-workout-daily")
    page.goto("/today")
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("button", name="Mark done").first.click()  # the whole session in one tap
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    review = page.get_by_role("region", name="Daily 5 minutes: 8 weeks, then every other day")
    expect(review).to_contain_text("1 of")
    expect(review.locator(".day-mark.done")).to_have_count(1)
    expect(page.locator("table.heatmap td.heat-1")).to_have_count(1)
    assert_accessible(page)

    for name, value in [("firmness", 3), ("fine_lines", 2), ("glow", 4)]:
        page.locator(f"label[for={name}-{value}]").click()
    page.get_by_label("Note (optional)").fill("First week")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    expect(page.locator("#glow-4")).to_be_checked()
    page.get_by_role("link", name="Previous week").click()
    expect(page.get_by_role("heading", name="Week of")).to_be_visible()
    for name, value in [("firmness", 2), ("fine_lines", 2), ("glow", 3)]:
        page.locator(f"label[for={name}-{value}]").click()
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_role("link", name="This week").click()
    expect(page.locator(".trend polyline")).to_have_count(3)
    page.get_by_text("Show the numbers").click()
    expect(page.get_by_role("table", name="Weekly self-ratings, 1 to 5")).to_contain_text("4")
    assert_accessible(page)


def test_the_week_fits_a_narrow_phone(browser, server):
    """At 320 px the seven days keep one line each and their words move to a legend; at 412 px they stay."""
    context = browser.new_context(
        viewport={"width": 320, "height": 700}, base_url=server, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    register(page, "narrow-week@example.com")
    start_program(page, "face-workout-daily")
    page.goto("/progress")
    week = page.locator(".week-days").first
    names = week.locator(".day-name")
    heights = [names.nth(i).bounding_box()["height"] for i in range(7)]
    assert max(heights) < 1.5 * min(heights), heights  # no "Mo / n"
    widths = {round(week.locator(".day-mark").nth(i).bounding_box()["width"]) for i in range(7)}
    assert len(widths) == 1, widths  # seven equal columns
    legend = page.locator(".week-legend").first
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("still to do")
    expect(week.locator(".today .day-kind")).to_have_text("still to do")  # still read out
    assert_accessible(page)
    page.get_by_role("link", name="Previous week").click()
    expect(page.get_by_role("link", name="This week")).to_be_visible()
    for name in ("Previous week", "This week", "Next week"):  # named in full, one line each (44 px targets)
        assert page.get_by_role("link", name=name).bounding_box()["height"] < 46, name
    page.set_viewport_size({"width": 412, "height": 800})
    page.get_by_role("link", name="This week").click()
    expect(legend).to_be_hidden()
    assert week.locator(".today .day-kind").bounding_box()["width"] > 1
    context.close()


# --- Issue 16 -----------------------------------------------------------------------------------------

# The lines a link's words take: the height of its text over the height of one line.
LINES = """(link) => {
    const range = document.createRange();
    range.selectNodeContents(link);
    return Math.round(range.getBoundingClientRect().height / parseFloat(getComputedStyle(link).lineHeight));
}"""


def check_in(page, ratings):
    for name, value in ratings.items():
        page.locator(f"label[for={name}-{value}]").click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved.")).to_be_visible()


def test_progress_reads_at_a_glance_in_light_and_dark(browser, playwright, server):
    """Labels on the heatmap and the chart, scales that say which end is better, axe clean in both schemes."""
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=server)
    page = context.new_page()
    register(page)
    start_program(page, "face-workout-daily")
    start_program(page, "microneedling-roller-twice-weekly")
    page.goto("/progress")
    check_in(page, {"firmness": 3, "fine_lines": 2, "glow": 4})
    page.get_by_role("link", name="Previous week").click()
    check_in(page, {"firmness": 2, "fine_lines": 2, "glow": 3})
    page.get_by_role("link", name="This week").click()
    expect(page.get_by_role("group", name="Fine lines")).to_contain_text("1 = many fine lines, 5 = none")
    expect(page.get_by_role("radio", name="5 = none", exact=True)).to_have_count(1)
    expect(page.locator(".heat-months")).to_contain_text(page.locator(".heat-months th").first.inner_text())
    assert page.locator(".heat-weeks th").count() == 12
    expect(page.locator(".trend svg text")).not_to_have_count(0)
    expect(page.locator(".trend-legend li")).to_have_count(3)
    gated = page.get_by_role("region", name="Roller 0.25 mm, twice a week")
    expect(gated).to_contain_text("Waiting for the patch test on the forearm")
    gated.get_by_role("link", name="Tick it on Today").click()
    page.wait_for_url("**/today")
    page.goto("/progress")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page)
        # The empty days of the heatmap are outlined at 3:1 or more against the card (WCAG 1.4.11).
        ring, card = page.evaluate("""() => {
            const cell = document.querySelector('.heatmap td.heat-0');
            return [getComputedStyle(cell, '::before').borderTopColor,
                    getComputedStyle(cell.closest('.card')).backgroundColor];
        }""")
        assert contrast(ring, card) >= 3, (scheme, ring, card)
    context.close()


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(css):
        channels = [int(part) / 255 for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("width", [320, 360, 412])
def test_week_links_and_days_keep_one_line_at_every_width(browser, server, width):
    context = browser.new_context(
        viewport={"width": width, "height": 740}, base_url=server, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    register(page)
    start_program(page, "face-workout-daily")
    page.goto("/progress")
    tops = {round(box["y"]) for box in (mark.bounding_box() for mark in page.locator(".week-days .day-mark").all())}
    assert len(tops) == 1, (width, tops)  # the seven days on one row
    assert page.locator(".heatmap-wrap").evaluate("box => box.scrollWidth <= box.clientWidth")  # no inner scroll
    page.get_by_role("link", name="Previous week").click()  # a past week: three links
    for name in ("Previous week", "This week", "Next week"):
        link = page.get_by_role("link", name=name)
        expect(link).to_be_visible()
        assert link.evaluate(LINES) == 1, (width, name)
        assert link.bounding_box()["height"] < 46, (width, name)  # one row: the 44 px target, no second line
    assert " ".join(page.get_by_role("link", name="Next week").text_content().split()) == "Next week ›"
    context.close()


def test_an_empty_check_in_shows_its_problems_at_the_fields(signed_in):
    page = signed_in
    start_program(page, "face-workout-daily")
    page.goto("/progress")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("#firmness-problem")).to_have_text("Rate firmness from 1 to 5.")
    assert page.evaluate("document.activeElement.id") == "firmness-1"  # focused on the first problem
    expect(page.locator("#firmness-problem")).to_be_in_viewport()
    expect(page.locator("#firmness-1")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("radio", name="1 = soft and loose")).to_have_accessible_description(
        "Rate firmness from 1 to 5."
    )
    assert_accessible(page)


def test_the_photo_picker_previews_the_chosen_picture(signed_in, tmp_path):
    page = signed_in
    page.goto("/progress")
    picker = page.locator("label.photo-pick")
    expect(picker).to_have_text("Add a photo")
    expect(picker).to_have_css("cursor", "pointer")  # the styled button, the native input hidden behind it
    assert page.locator("#photo").bounding_box()["width"] <= 1
    expect(page.locator(".photo-preview")).to_be_hidden()
    expect(page.get_by_role("button", name="Upload photo")).to_be_hidden()  # nothing to upload yet
    photo = tmp_path / "face.jpg"
    photo.write_bytes(jpeg_with_gps((480, 640)))
    page.locator("#photo").set_input_files(photo)
    preview = page.locator("img.photo-preview")
    expect(preview).to_be_visible()
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    assert preview.evaluate("img => img.naturalWidth") == 480
    expect(page.get_by_role("status").filter(has_text="face.jpg")).to_contain_text("Not saved yet")
    expect(picker).to_have_text("Choose another photo")
    assert_accessible(page)
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_text("Photo saved. Only you can see it.")).to_be_visible()
    expect(page.get_by_role("img", name="Front photo, week of")).to_be_visible()


def test_the_photo_picker_works_without_javascript(browser, playwright, server, tmp_path):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/register")
    page.get_by_label("Email").fill("no-js-photo@example.com")
    page.get_by_label("Password").fill("a long phone passphrase")
    page.get_by_role("button", name="Create account").click()
    page.goto("/progress")
    picker = page.get_by_label("Add a photo")
    assert picker.bounding_box()["width"] > 100  # the native input, visible
    photo = tmp_path / "face.jpg"
    photo.write_bytes(jpeg_with_gps())
    picker.set_input_files(photo)
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_text("Photo saved. Only you can see it.")).to_be_visible()
    context.close()
