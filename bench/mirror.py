"""Mirror mode: how many landmark frames a second the face mesh gives in headless Chromium on this machine, how
long each takes in its worker, and that the player's timer is not held up meanwhile.

Starts gunicorn over a fresh database on loopback and Debian's Chromium at phone size (Pixel 7) with a fake
front camera playing a still face (tests/support/mirror.py, from tools/face_photos.py's photo); opens a face
workout in the guided player, turns Mirror on (its own give-up rate switched off, so a slow run is measured
rather than abandoned), starts the step, waits out the first seconds, then counts landmark frames for
MIRROR_SECONDS (10) while a 50 ms interval in the page notes how late it fires (the timer's own ticks are 200 ms).
Chromium runs with the browser tests' flags (software WebGL, SwiftShader: no GPU here), so a phone's GPU does
better. Run with `make bench` or `.venv/bin/python bench/mirror.py`.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tap import new_user, serve
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support.mirror import still_face

SECONDS = float(os.environ.get("MIRROR_SECONDS", "10"))

LATENESS = """() => { window.late = []; let last = performance.now();
  window.lateTimer = setInterval(() => {
    const now = performance.now(); window.late.push(now - last - 50); last = now;
  }, 50); }"""
FRAMES = "() => Number(document.querySelector('[data-player]').dataset.mirrorFrames) > 0"


def open_player(page):
    new_user(page, "mirror@bench.test", "face-workout-daily")
    page.get_by_role("button", name="Start guided").first.click()
    page.wait_for_url("**/sessions/*")
    page.get_by_role("button", name="No", exact=True).click()


def player(page, name):
    return page.locator("[data-player]").get_attribute(f"data-{name}")


def main():
    with tempfile.TemporaryDirectory() as folder:
        video = still_face(Path(folder) / "face.y4m")
        server, url = serve(Path(folder))
        try:
            with sync_playwright() as playwright:
                flags = [flag for flag in CHROMIUM_ARGS if flag not in os.environ.get("MIRROR_DROP_FLAGS", "").split()]
                args = [*flags, "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
                context = browser.new_context(**playwright.devices["Pixel 7"], base_url=url)
                context.grant_permissions(["camera"])
                page = context.new_page()
                open_player(page)
                page.locator("[data-mirror]").evaluate("box => { box.dataset.mirrorMinFps = '0'; }")
                began = time.monotonic()
                page.get_by_role("button", name="Mirror").click()
                page.wait_for_function(FRAMES, timeout=60_000)
                first = time.monotonic() - began
                page.get_by_role("button", name="Start", exact=True).click()
                time.sleep(4)  # the count-in, and the first (slower) frames
                page.evaluate(LATENESS)
                frames = int(player(page, "mirror-frames"))
                time.sleep(SECONDS)
                frames = int(player(page, "mirror-frames")) - frames
                late = page.evaluate("clearInterval(window.lateTimer), window.late")
                work = player(page, "mirror-work-ms")
                browser.close()
        finally:
            server.terminate()
            server.wait()
    late.sort()
    print(
        f"mirror: {frames / SECONDS:.1f} landmark frames a second over {SECONDS:g} s (face mesh {work} ms a frame in "
        f"its worker; first landmarks {first:.1f} s after the tap, files from the server), headless Chromium at "
        f"Pixel 7 size, software WebGL, {os.cpu_count()} cores"
    )
    print(
        f"timer with Mirror on: a 50 ms interval fired {statistics.median(late):.1f} ms late at the median, "
        f"{late[int(len(late) * 0.99) - 1]:.1f} ms at p99, {late[-1]:.1f} ms at most ({len(late)} ticks)"
    )


if __name__ == "__main__":
    main()
