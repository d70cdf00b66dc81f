"""Tap to DOM: how long a tick and a Mark done take from the finger to the page showing it done.

Starts gunicorn (deploy/gunicorn.conf.py) over a fresh database on loopback, and Debian's Chromium at phone
size (Pixel 7). In the page, a capture-phase click listener notes the moment of the tap and a
MutationObserver the moment the DOM shows the answer (the step swapped in; the reward of a Mark done). The
page is warm, as on a phone in use: 20 ticks and unticks of one routine's steps, then 20 Mark done (each
undone between samples), every one a write. Prints the median and spread of each.
Run with `make bench` or `.venv/bin/python bench/tap.py`.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults import free_port

SAMPLES = int(os.environ.get("TAP_SAMPLES", "20"))
PASSWORD = "a long phone passphrase"

# Resolves with the milliseconds from the tap (capture phase, before htmx sees it) to the first DOM
# change that shows `selector`.
MEASURE = """([tap, selector]) => { window.tapToDom = new Promise(resolve => {
  let start = null;
  document.addEventListener("click", event => {
    if (event.target.closest(tap)) start = performance.now();
  }, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    if (start !== null && document.querySelector(selector)) {
      observer.disconnect();
      resolve(performance.now() - start);
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, attributes: true });
}); }"""


def serve(folder):
    port = free_port()
    env = {
        **os.environ,
        "FACEREPS_DATABASE": str(folder / "facereps.db"),
        "FACEREPS_SECRET_KEY": "bench",
        "FACEREPS_REGISTER_LIMIT": "1000 per hour",
        "PORT": str(port),
    }
    env.pop("FACEREPS_ENV", None)
    python = Path(sys.executable)
    subprocess.run([python, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [python.parent / "gunicorn", "--config", "deploy/gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            import urllib.request

            urllib.request.urlopen(url + "/healthz", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def new_user(page, email="tap@bench.test", program="microcurrent-60-days"):
    """A new account that has started `program` (every screening question answered no), on Today."""
    page.goto("/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    page.goto(f"/programs/{program}/start")
    for fieldset in page.locator("fieldset.question:has(.yes-no)").all():
        fieldset.get_by_text("No", exact=True).click()
    page.get_by_role("button", name="Start program").click()
    page.wait_for_url("**/enrollments/*")
    page.goto("/today")


def sample(page, tap, shows):
    """Milliseconds from tapping `tap` to a new element matching `shows` in the page."""
    page.evaluate("sel => document.querySelectorAll(sel).forEach(e => { e.dataset.old = '1'; })", shows)
    page.evaluate(MEASURE, [tap, shows + ":not([data-old])"])  # not awaited here: it waits on the page
    page.locator(tap).first.click()
    return page.evaluate("window.tapToDom")


def main():
    results = {"tick": [], "mark done": []}
    with tempfile.TemporaryDirectory() as folder:
        server, url = serve(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_context(**playwright.devices["Pixel 7"], base_url=url).new_page()
                new_user(page)
                page.locator("details.steps > summary").first.click()
                steps = page.locator("li.tick").evaluate_all("items => items.map(item => item.id)")
                for step in (steps + list(reversed(steps)))[:SAMPLES]:  # each tick, then each untick: all writes
                    if not page.locator(f"#{step} input[type=checkbox]").is_visible():  # folded in a done line
                        page.locator(f"details:has(#{step}) > summary").click()
                    results["tick"].append(sample(page, f"#{step} input[type=checkbox]", f"#{step}"))
                for _ in range(SAMPLES):  # Mark done, then Undo (not measured), on the warm page
                    results["mark done"].append(sample(page, "form.mark-done button", "#reward"))
                    page.locator("#reward form.undo button").click()
                    page.locator("form.mark-done button").wait_for()
                browser.close()
        finally:
            server.terminate()
            server.wait()
    for name, values in results.items():
        quartiles = statistics.quantiles(values, n=4)
        print(
            f"{name:10} median {statistics.median(values):5.1f} ms  (p25 {quartiles[0]:.1f}, p75 {quartiles[2]:.1f}, "
            f"max {max(values):.1f}; {len(values)} taps, gunicorn on loopback, Chromium at Pixel 7 size)"
        )


if __name__ == "__main__":
    main()
