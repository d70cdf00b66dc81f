"""Issue 19, Mirror mode, on a phone: Chromium's fake front camera plays videos made from a public-domain photo
(tests/support/mirror.py): the face found and said, the step's outline following it across the picture, no face
pausing the timer when allowed, too dark said, reps counted from movement (on landmark runs the test makes, and on
a video whose brows are raised again and again), the camera stopped when Mirror goes off or the session ends,
nothing of the picture in any request, the choice remembered, the plain player (and why) when the camera is
refused or the browser cannot, axe with Mirror on, and the face mesh kept by the service worker for offline use."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible, register, watch_errors
from tests.browser.test_player_journey import open_player
from tests.support import mirror as videos
from tests.support.browser import controlled

pytestmark = pytest.mark.browser
FACE_FOUND_MS = 60_000  # the face mesh's first answer (its files from the server, WebAssembly compiled)
NO_FACE = "No face in view: hold the phone at arm’s length"


@pytest.fixture(scope="module")
def films(tmp_path_factory):
    """The fake camera's videos, made once for the module."""
    folder = tmp_path_factory.mktemp("films")
    return {
        "face": videos.moving_face(folder / "face.y4m"),
        "grass": videos.no_face(folder / "grass.y4m"),
        "dark": videos.dark(folder / "dark.y4m"),
        "brows": videos.brow_reps(folder / "brows.y4m"),
    }


def camera(playwright, film):
    """Chromium (the browser tests' flags: software WebGL) whose front camera plays `film`."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={film}"],
    )


@pytest.fixture(scope="module")
def cameras(playwright, films):
    """One browser per video, started when first asked for."""
    started = {}

    def get(name):
        if name not in started:
            started[name] = camera(playwright, films[name])
        return started[name]

    yield get
    for browser in started.values():
        browser.close()


@pytest.fixture
def phone_with(cameras, playwright, server):
    """A Pixel 7 tab in the browser whose camera plays a given video, camera allowed unless said otherwise;
    console errors fail the test, as for every phone."""
    opened = []

    def make(film="face", allow=True):
        context = cameras(film).new_context(**playwright.devices["Pixel 7"], base_url=server)
        if allow:
            context.grant_permissions(["camera"])
        page = context.new_page()
        errors = watch_errors(page)
        opened.append((context, errors))
        return page

    yield make
    for context, errors in opened:
        context.close()
        assert errors == [], f"browser console errors: {errors}"


def player_for(page, program="microcurrent-60-days"):
    """A new user's first guided session (the voice question answered "No"), Mirror's give-up rate off (this
    shared machine can be slower than any phone: the slow-phone test sets its own)."""
    register(page)
    open_player(page, program)
    page.get_by_role("button", name="No", exact=True).click()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    never_too_slow(page)
    return page


def never_too_slow(page):
    page.locator("[data-mirror]").evaluate("box => { box.dataset.mirrorMinFps = '0'; }")


def root(page, name):
    return page.locator("[data-player]").get_attribute(f"data-{name}")


def mirror_on(page, seen="face"):
    page.get_by_role("button", name="Mirror").click()
    expect(page.locator("[data-player]")).to_have_attribute("data-mirror-seen", seen, timeout=FACE_FOUND_MS)


def status(page):
    return page.locator("[data-mirror-status]")


def outline_centre(page):
    """The centre of the first outline drawn on the picture, in the picture's pixels."""
    return page.locator(".mirror-area").first.evaluate(
        "p => { const b = p.getBBox(); return [b.x + b.width / 2, b.y + b.height / 2]; }"
    )


def on_screen(page, nose):
    """Where a point of the camera frame (480 x 360) shows on the mirrored picture (object-fit: cover, flipped)."""
    box = page.locator("[data-mirror-overlay]").bounding_box()
    scale = max(box["width"] / 480, box["height"] / 360)
    left, top = (box["width"] - 480 * scale) / 2, (box["height"] - 360 * scale) / 2
    return box["width"] - (left + nose[0] * scale), top + nose[1] * scale, scale


def test_the_face_is_found_said_and_outlined_and_the_outline_follows_it(phone_with):
    page = player_for(phone_with("face"))
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    switch = page.get_by_role("button", name="Mirror")
    expect(switch).to_have_attribute("aria-pressed", "false")  # off by default
    expect(page.get_by_text("The picture stays on this phone: nothing is sent or saved.")).to_be_visible()
    assert not [url for url in requested if "mirror" in url or "face_mesh" in url]  # nothing loaded before the tap
    mirror_on(page)
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(status(page)).to_have_text("Face in view")
    expect(status(page)).to_have_attribute("role", "status")
    assert_accessible(page)  # axe with Mirror on, light and dark
    page.emulate_media(color_scheme="dark")
    assert_accessible(page)
    assert (
        page.locator("[data-mirror-video]").evaluate("v => getComputedStyle(v).transform")
        == "matrix(-1, 0, 0, 1, 0, 0)"
    )
    # The video shows the face at two places in turn (as the camera sees it: left, then right). The whole face's
    # outline (step 1 lights the whole face) is drawn on each, mirrored: the camera's left is the picture's right.
    left_x, left_y, scale = on_screen(page, (170, 185))
    right_x, right_y, _ = on_screen(page, (310, 180))
    seen = {"left": 0, "right": 0}
    deadline = time.monotonic() + 12
    while time.monotonic() < deadline and not all(seen.values()):
        x, y = outline_centre(page)
        for side, (want_x, want_y) in {"left": (left_x, left_y), "right": (right_x, right_y)}.items():
            if abs(x - want_x) < 30 * scale and abs(y - want_y) < 45 * scale:
                seen[side] += 1
        time.sleep(0.1)
    assert all(seen.values()), (seen, outline_centre(page), (left_x, left_y), (right_x, right_y))
    assert left_x > right_x  # mirrored
    # A glide step draws its stroke as an arrow: the left jawline, chin to ear, on the picture's left.
    page.get_by_role("button", name="Skip").click()
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("heading", name="Jawline glides")).to_be_visible()
    track = page.locator(".mirror-stroke .mirror-stroke-track")
    expect(track).to_have_count(1)
    assert track.get_attribute("marker-end") == "url(#mirror-head)"
    points = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", track.get_attribute("d"))]
    (start_x, start_y), (end_x, end_y) = points[:2], points[-2:]
    assert end_y < start_y and end_x != start_x  # up from the chin towards the ear
    draw = page.locator(".mirror-stroke .mirror-stroke-draw")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "running", timeout=6_000)
    assert draw.evaluate("d => getComputedStyle(d).animationName") == "stroke-draw"  # drawn at the glide's pace
    page.emulate_media(reduced_motion="reduce")
    assert draw.evaluate("d => getComputedStyle(d).animationName") == "none"  # still, under reduced motion


def test_no_face_is_said_and_pauses_the_timer_only_when_allowed(phone_with):
    page = player_for(phone_with("grass"))
    mirror_on(page, seen="none")
    expect(status(page)).to_have_text(NO_FACE)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "running", timeout=6_000)
    time.sleep(3.5)  # no face for longer than the pause waits, but pausing is not allowed
    assert root(page, "state") == "running"
    page.get_by_label("Pause when I’m out of view").check()
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "paused", timeout=5_000)
    expect(status(page)).to_have_text("Paused: no face in view")
    expect(page.locator("[data-view-announce]")).to_have_text("Paused: no face in view.")
    clock = page.locator("[data-view-clock]").inner_text()
    time.sleep(1.5)
    assert page.locator("[data-view-clock]").inner_text() == clock  # the timer stopped
    # Resumed by hand: it runs again (and waits its few seconds before pausing again).
    page.get_by_role("button", name="Resume").click()
    assert root(page, "state") == "running"
    expect(status(page)).to_have_text(NO_FACE)


def test_a_dark_room_is_said(phone_with):
    page = player_for(phone_with("dark"))
    mirror_on(page, seen="dark")
    expect(status(page)).to_have_text("Too dark")


# The rep counter on landmark runs the test makes -----------------------------------------------------------

# A face at rest, as landmarks in camera pixels: only the points the measures use. Eye corners 100 px apart.
REST = {
    10: (150, 30),
    152: (150, 230),
    33: (100, 100),
    263: (200, 100),
    105: (108, 78),
    334: (192, 78),
    159: (112, 96),
    386: (188, 96),
    145: (112, 104),
    374: (188, 104),
    61: (122, 170),
    291: (178, 170),
    0: (150, 158),
    13: (150, 164),
    14: (150, 166),
    17: (150, 176),
}


def face(moved=None, scale=1.0):
    """The resting face with some points moved (index: (dx, dy)), all of it scaled (a face nearer the camera)."""
    points = [0.0] * 936
    for index, (x, y) in REST.items():
        dx, dy = (moved or {}).get(index, (0, 0))
        points[2 * index], points[2 * index + 1] = (x + dx) * scale, (y + dy) * scale
    return points


BROWS_UP = {105: (0, -8), 334: (0, -8)}  # 0.08 eye widths: past the rule's 0.05
SMILE = {61: (-5, -2), 291: (5, -2)}  # the mouth 10 px (0.1 eye widths) wider
RULES = {
    "brow": {"metric": "brow_raise", "direction": "up", "move": 0.05, "count": "reps"},
    "smile": {"metric": "mouth_width", "direction": "up", "move": 0.06, "count": "hold"},
    "jaw_left": {"metric": "jaw_shift", "direction": "up", "move": 0.06, "count": "reps"},
}


def frames(*runs, fps=10):
    """[t ms, landmarks] frames: each run is (seconds, landmarks or None for no face)."""
    out, t = [], 0.0
    for seconds, landmarks in runs:
        for _ in range(round(seconds * fps)):
            out.append([t, landmarks])
            t += 1000 / fps
    return out


@pytest.fixture
def rules(phone):
    """A page with the mirror's rules loaded (no camera needed: they are pure functions)."""
    phone.goto("/login")
    phone.add_script_tag(url="/static/js/mirror-rules.js")

    def count(rule, runs, hold_ms=10_000, of=12):
        return phone.evaluate(
            """([rule, frames, holdMs, of]) => { const state = MirrorRules.countAll(rule, frames, holdMs);
               return {reps: state.reps, holds: state.holds, text: MirrorRules.countText(rule, state, of)}; }""",
            [rule, runs, hold_ms, of],
        )

    return count


def test_raised_brows_count_one_rep_each(rules):
    rest, up = face(), face(BROWS_UP)
    three = frames((1, rest), (0.6, up), (0.8, rest), (0.6, up), (0.8, rest), (0.6, up), (0.8, rest))
    assert rules(RULES["brow"], three) == {"reps": 3, "holds": 0, "text": "Rep 3 of 12"}
    # A face nearer the camera (everything 1.5 times larger) counts the same.
    near = frames((1, face(scale=1.5)), (0.6, face(BROWS_UP, 1.5)), (0.8, face(scale=1.5)))
    assert rules(RULES["brow"], near)["reps"] == 1
    # Too small a movement is no rep, nor is one the face leaves the picture in the middle of.
    small = frames((1, rest), (0.6, face({105: (0, -2), 334: (0, -2)})), (0.8, rest))
    assert rules(RULES["brow"], small)["reps"] == 0
    lost = frames((1, rest), (0.3, up), (0.5, None), (0.8, rest))
    assert rules(RULES["brow"], lost)["reps"] == 0
    # First seen with the brows up (the step began mid-raise): the rest is found at the first lowering.
    late = frames((1, up), (0.8, rest), (0.6, up), (0.8, rest))
    assert rules(RULES["brow"], late)["reps"] == 1


def test_a_held_smile_counts_its_seconds_and_then_a_hold(rules):
    rest, smile = face(), face(SMILE)
    holding = frames((1, rest), (12.1, smile))  # held from 1 s to 13 s
    assert rules(RULES["smile"], holding, of=6) == {"reps": 0, "holds": 1, "text": "Hold 12 s"}
    released = frames((1, rest), (12, smile), (1, rest))
    assert rules(RULES["smile"], released, of=6)["text"] == "Hold 1 of 6"
    short = frames((1, rest), (6, smile), (1, rest))  # let go before the hold's 10 s
    assert rules(RULES["smile"], short, of=6)["holds"] == 0


def test_the_jaw_glide_counts_to_its_own_side_only(rules):
    rest = face()
    to_left = face({152: (9, 0)})  # the chin towards the user's left (the camera's right)
    to_right = face({152: (-9, 0)})
    assert rules(RULES["jaw_left"], frames((1, rest), (0.6, to_left), (0.8, rest)))["reps"] == 1
    assert rules(RULES["jaw_left"], frames((1, rest), (0.6, to_right), (0.8, rest)))["reps"] == 0


def test_an_exercise_without_a_rule_is_counted_by_time(rules):
    assert rules(None, frames((2, face())))["text"] == "counted by time"


def test_the_mirror_counts_raised_brows_in_the_video(phone_with):
    page = player_for(phone_with("brows"), "face-workout-daily")
    for _ in range(2):  # Cheek Lifter, Happy Cheeks: to the Brow raise
        page.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("heading", name="Brow raise")).to_be_visible()
    mirror_on(page)
    count = page.locator("[data-mirror-count]")
    expect(count).to_have_text("Rep 0 of 12")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "running", timeout=6_000)
    began = time.monotonic()
    expect(count).to_have_text(re.compile(r"Rep [2-9] of 12"), timeout=20_000)
    reps = int(count.inner_text().split()[1])
    assert reps <= (time.monotonic() - began) / 1.6 + 1  # one rep per raise in the video, never more
    # Cheek Lifter is judged; a step with no rule says how it is counted.
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", name="Happy Cheeks Sculpting")).to_be_visible()
    expect(count).to_have_text(re.compile(r"Hold \d+ (of 3|s)"))


# Privacy: the camera stops, nothing is sent, nothing is kept --------------------------------------------------


def test_the_camera_stops_with_mirror_or_the_session_and_no_request_carries_the_picture(phone_with):
    page = player_for(phone_with("face"), "face-workout-daily")
    requests = []
    page.context.on("request", lambda request: requests.append(request))  # the page, its worker, the service worker
    mirror_on(page)
    track = "window.track = document.querySelector('[data-player]').mirror.stream.getVideoTracks()[0]"
    page.evaluate(track)
    assert page.evaluate("window.track.readyState") == "live"
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "running", timeout=6_000)
    page.wait_for_function("() => Number(document.querySelector('[data-player]').dataset.mirrorFrames) > 5")
    page.get_by_role("button", name="Done, next step").click()
    switch = page.get_by_role("button", name="Mirror")
    switch.focus()
    page.keyboard.press("Enter")  # off, by keyboard
    expect(switch).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.track.readyState") == "ended"  # the camera's light goes off
    assert page.evaluate("document.querySelector('[data-mirror-video]').srcObject") is None
    assert page.evaluate("document.querySelector('[data-player]').mirror.landmarks") is None  # nothing kept
    expect(page.locator("[data-mirror-view]")).to_be_hidden()
    mirror_on(page)
    page.evaluate(track)
    held = []
    page.route("**/finish", lambda route: held.append(route))  # the session's end, held on its way
    page.get_by_role("link", name="End").click()
    page.get_by_role("button", name="End session").click()
    page.wait_for_function("() => window.track.readyState === 'ended'", timeout=5_000)
    assert page.evaluate("document.querySelector('[data-player]').dataset.mirrorState") == "off"
    page.wait_for_timeout(200)
    for route in held:
        route.continue_()
    expect(page.get_by_role("heading", name=re.compile("Session"))).to_be_visible()
    # Every request: to this site, no picture in its address, and no body but the player's own small forms.
    origin = page.url.split("/sessions")[0]
    assert requests
    for request in requests:
        url = request.url
        assert url.startswith(origin) and "data:" not in url and "blob:" not in url, url
        body = request.post_data_buffer or b""
        if request.method == "GET":
            assert not body, url
            continue
        assert request.method == "POST" and len(body) < 200, (url, len(body))
        fields = dict(pair.split("=", 1) for pair in body.decode().split("&") if pair)
        assert set(fields) <= {"outcome", "client_id", "voice"}, (url, fields)


# Asked on the tap only, remembered, and the plain player when it cannot be ---------------------------------


def test_the_camera_is_asked_for_on_the_tap_only_and_the_choice_is_remembered(phone_with):
    page = phone_with("face")
    page.add_init_script(
        """(() => { window.asked = 0; const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
           navigator.mediaDevices.getUserMedia = c => { window.asked += 1; return ask(c); }; })()"""
    )
    player_for(page)
    assert page.evaluate("window.asked") == 0
    mirror_on(page)
    assert page.evaluate("window.asked") == 1
    page.reload()
    never_too_slow(page)
    # Chosen before, and the camera already allowed: on again by itself.
    expect(page.locator("[data-player]")).to_have_attribute("data-mirror-seen", "face", timeout=FACE_FOUND_MS)
    expect(page.get_by_role("button", name="Mirror")).to_have_attribute("aria-pressed", "true")
    assert choice(page) == {"on": True, "pause": False}
    page.get_by_role("button", name="Mirror").click()
    page.reload()
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name="Mirror")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.asked") == 0
    # The choice belongs to the login: logging out of this phone leaves nothing of it.
    assert choice(page) == {"on": False, "pause": False}
    page.goto("/account")
    page.get_by_role("button", name="Log out of this device").click()
    page.wait_for_url("**/login*")
    assert choice(page) is None


def choice(page):
    """Mirror's remembered choice, wherever this phone keeps it (None: nowhere)."""
    return page.evaluate(
        """caches.keys().then(keys => Promise.all(keys.map(key => caches.open(key).then(c => c.match('/mirror-choice')))))
           .then(found => found.find(Boolean)).then(hit => hit ? hit.json() : null)"""
    )


def test_a_refused_camera_leaves_the_plain_player_saying_why(phone_with):
    page = player_for(phone_with("face", allow=False))
    page.get_by_role("button", name="Mirror").click()
    expect(status(page)).to_have_text("Camera permission refused: the plain player is on.")
    expect(page.get_by_role("button", name="Mirror")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-mirror-view]")).to_be_hidden()


def test_an_old_browser_leaves_the_plain_player_saying_why(phone_with):
    page = phone_with("face")
    page.add_init_script("delete window.OffscreenCanvas")
    player_for(page)
    page.get_by_role("button", name="Mirror").click()
    expect(status(page)).to_have_text("This browser is too old for Mirror: the plain player is on.")
    expect(page.get_by_role("button", name="Mirror")).to_have_attribute("aria-pressed", "false")


def test_a_phone_too_slow_for_the_face_mesh_leaves_the_plain_player_saying_why(phone_with):
    page = player_for(phone_with("face"))
    page.locator("[data-mirror]").evaluate(
        "box => { box.dataset.mirrorMinFps = '1000'; box.dataset.mirrorSlowAfter = '500'; box.dataset.mirrorSlowFor = '500'; }"
    )
    mirror_on(page)
    expect(status(page)).to_have_text(
        re.compile(r"This phone is too slow for Mirror \(\d+ frames a second\): the plain player is on\.")
    )
    expect(page.get_by_role("button", name="Mirror")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("document.querySelector('[data-player]').mirror.stream") is None


# Offline -----------------------------------------------------------------------------------------------------


def test_the_face_mesh_is_kept_after_first_use_and_mirror_works_offline(phone_with):
    page = player_for(phone_with("face"))
    controlled(page)
    never_too_slow(page)
    mirror_on(page)
    kept = page.evaluate(
        """caches.keys().then(keys => keys.filter(k => k.startsWith('facereps-mirror-')))
           .then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.keys()))))
           .then(lists => lists.flat().map(r => new URL(r.url).pathname))"""
    )
    assert {
        "/static/vendor/face_mesh/face_mesh.js",
        "/static/vendor/face_mesh/face_mesh_solution_packed_assets.data",
    } <= set(kept)
    page.get_by_role("button", name="Mirror").click()
    page.context.set_offline(True)
    page.reload()
    never_too_slow(page)
    mirror_on(page)  # every file from the phone
    page.context.set_offline(False)
