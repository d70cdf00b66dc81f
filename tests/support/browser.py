"""Browser journeys shared by several files: start microcurrent, and the service worker and its cache."""

from playwright.sync_api import expect

from tests.browser.conftest import start_program


def start_microcurrent(page):
    """Start the microcurrent program (every safety answer "No"), then go to Today through the menu and
    open its steps."""
    start_program(page, "microcurrent-60-days")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    page.wait_for_url("**/today")
    show_steps(page)


def controlled(page):
    """Wait for the service worker, then reload so it controls (and caches) the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def kept_pages(page):
    """The pages this phone keeps for offline use, as paths (whichever login's cache they are in)."""
    return page.evaluate("""caches.keys().then(keys => Promise.all(keys.filter(key => key.startsWith('facereps-pages'))
        .map(key => caches.open(key).then(cache => cache.keys()))))
        .then(lists => lists.flat().map(request => new URL(request.url).pathname))""")


def show_steps(page, routine_id="microcurrent-standard"):
    """Open a routine's steps one by one (folded under its card, behind "Show steps")."""
    steps = page.locator(f"#routine-{routine_id} details.steps")
    if steps.count() and not steps.evaluate("details => details.open"):
        steps.locator("summary").click()
