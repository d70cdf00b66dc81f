"""Page weight at phone size: the first visit of Today is small and few requests; a repeat visit is
served by the service worker. (Bytes and counts, not timings: these do not flake.)"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import register
from tests.support.browser import start_microcurrent

pytestmark = pytest.mark.browser
FIGURES = {}


def visit(page, path):
    """Load a page and return (requests, bytes on the wire, requests answered by the service worker)."""
    seen = []

    def finished(request):
        seen.append(request)

    page.on("requestfinished", finished)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", finished)
    wire = sum(max(0, r.sizes()["responseBodySize"]) + max(0, r.sizes()["responseHeadersSize"]) for r in seen)
    from_worker = sum(1 for r in seen if r.response() and r.response().from_service_worker)
    return len(seen), wire, from_worker


def test_first_visit_is_under_40_kb_in_6_requests_and_repeat_visits_come_from_the_phone(
    phone, browser, playwright, server
):
    register(phone)
    start_microcurrent(phone)
    cold = browser.new_context(**playwright.devices["Pixel 7"], base_url=server)
    cold.add_cookies(phone.context.cookies())
    page = cold.new_page()
    count, wire, _ = visit(page, "/today")
    expect(page.get_by_role("heading", name="Microcurrent toning routine")).to_be_visible()
    FIGURES["first"] = (count, wire)
    assert count <= 6, count
    assert wire <= 40 * 1024, wire
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    count, wire, from_worker = visit(page, "/today")
    FIGURES["repeat"] = (count, wire, from_worker)
    assert from_worker >= count - 1  # everything but the personal page itself comes from the phone
    print(f"\npage weight: first visit {FIGURES['first']}, repeat visit {FIGURES['repeat']}")
    cold.close()


def test_the_landing_page_is_a_first_visit_under_40_kb_in_6_requests(browser, playwright, server):
    cold = browser.new_context(**playwright.devices["Pixel 7"], base_url=server)
    page = cold.new_page()
    count, wire, _ = visit(page, "/")
    expect(page.get_by_role("link", name="Create an account")).to_be_visible()
    print(f"\npage weight: landing page {(count, wire)}")
    assert count <= 6, count
    assert wire <= 40 * 1024, wire
    cold.close()
