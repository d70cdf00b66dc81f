"""Issue 17 in Chromium on a phone: Account › Reminders asks for the notification permission only after the
tap; the service worker shows a pushed reminder (DevTools ServiceWorker.deliverPushMessage) and its click
opens the page that starts that routine's session in the player.

Headless Chromium here cannot reach a push service (Firebase Cloud Messaging), so
PushManager.subscribe() fails after the permission is granted: the test checks the page's flow up to
there (and that it says so), then posts a subscription JSON the test made, as the page would.
"""

import json

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, register
from tests.support.browser import controlled, start_microcurrent
from tests.support.push import Browser

# Counts the page's permission requests (an init script runs before the page's own, outside its CSP).
COUNT_PERMISSION_REQUESTS = """
window.permissionRequests = 0;
if (window.Notification) {
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => { window.permissionRequests += 1; return ask(...args); };
}
"""


# Chromium's own console line when PushManager.subscribe() runs in a browser context like these (incognito):
# the browser says it, not the page.
INCOGNITO_PUSH = "does not support the Push API in incognito mode"


def _phone(browser, playwright, server):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=server)
    context.grant_permissions(["notifications"], origin=server)
    context.add_init_script(COUNT_PERMISSION_REQUESTS)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and INCOGNITO_PUSH not in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def test_reminders_are_set_up_from_account_only_after_the_tap(browser, playwright, server):
    context, page, errors = _phone(browser, playwright, server)
    try:
        register(page)
        start_microcurrent(page)
        page.goto("/account")
        controlled(page)
        section = page.locator("section.reminders")
        button = section.get_by_role("button", name="Remind me on this phone")
        expect(button).to_be_visible()
        expect(section.locator("[data-push-missing]")).to_be_hidden()
        assert page.evaluate("window.permissionRequests") == 0  # never on page load
        assert_accessible(page)
        button.click()
        status = section.locator("[data-push-status]")
        expect(status).not_to_have_text("")
        expect(status).not_to_have_text("Asking your browser…")
        expect(status).not_to_have_text("Setting up this phone…", timeout=15_000)
        assert page.evaluate("window.permissionRequests") == 1
        assert page.evaluate("Notification.permission") == "granted"
        subscribed = page.evaluate("navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription())")
        if subscribed is None:  # no push service here: the page says so and keeps the button
            expect(status).to_contain_text("This browser could not set up reminders")
            expect(button).to_be_enabled()
        # What the page posts after PushManager.subscribe(): PushSubscription.toJSON().
        fake = Browser("phone", "https://fcm.googleapis.com/fcm/send/test-only")
        response = page.request.post(
            "/account/reminders/subscriptions",
            data=json.dumps(fake.json()),
            headers={"Content-Type": "application/json"},
        )
        assert response.status == 201
        page.reload()
        expect(section.locator("li.row", has_text="Chrome on Android")).to_be_visible()
        expect(section.get_by_role("button", name="Send a test reminder")).to_be_visible()
        assert_accessible(page)
        remove = section.get_by_role("button", name="Remove Chrome on Android")
        remove.click()
        expect(page.get_by_text("That device gets no more reminders.")).to_be_visible()
    finally:
        context.close()
    assert errors == []


def test_a_pushed_reminder_is_shown_and_its_click_opens_the_player(browser, playwright, server):
    context, page, errors = _phone(browser, playwright, server)
    try:
        register(page)
        start_microcurrent(page)
        controlled(page)
        cdp = context.new_cdp_session(page)
        registrations = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
        cdp.send("ServiceWorker.enable")
        page.wait_for_timeout(200)
        registration = next(r for r in registrations if not r.get("isDeleted"))
        payload = {
            "kind": "routine",
            "title": "Microcurrent toning routine",
            "body": "4 min · 1st of 4 this week",
            "url": "/reminders/start/microcurrent-standard",
            "tag": "facereps-routine-microcurrent-standard-2026-11-24",
        }
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": server, "registrationId": registration["registrationId"], "data": json.dumps(payload)},
        )
        shown = page.evaluate("""navigator.serviceWorker.ready.then(async r => {
            for (let i = 0; i < 50; i++) {
              const found = await r.getNotifications();
              if (found.length) return found.map(n => ({title: n.title, body: n.body, tag: n.tag, icon: n.icon,
                badge: n.badge, actions: n.actions.map(a => [a.action, a.title]), url: n.data.url}));
              await new Promise(done => setTimeout(done, 100));
            }
            return [];
          })""")
        assert shown == [
            {
                "title": "Microcurrent toning routine",
                "body": "4 min · 1st of 4 this week",
                "tag": "facereps-routine-microcurrent-standard-2026-11-24",
                "icon": f"{server}/static/icons/icon-192.png",
                "badge": f"{server}/static/icons/badge-96.png",
                "actions": [["start", "Start"], ["later", "Later"]],
                "url": f"{server}/reminders/start/microcurrent-standard",
            }
        ]
        # A real click on a system notification is out of reach: the click event is dispatched in the worker
        # (with the notification it showed), which then takes this open window to the routine's page.
        worker = context.service_workers[0]
        worker.evaluate("""self.registration.getNotifications().then(found => {
            self.dispatchEvent(new NotificationEvent("notificationclick", {notification: found[0], action: ""}));
          })""")
        page.wait_for_url("**/reminders/start/microcurrent-standard")
        expect(page.get_by_role("heading", name="Microcurrent toning routine")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Start guided").click()
        page.wait_for_url("**/sessions/*")
        assert page.evaluate("navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => n.length)") == 0
    finally:
        context.close()
    assert errors == []
