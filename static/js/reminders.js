// Reminders on this phone (Account › Reminders): asks for the notification permission only after the
// tap on [data-push-subscribe], subscribes with the server's VAPID public key (data-vapid-key) through
// the service worker, and posts PushSubscription.toJSON() to data-subscribe. Without Push (or on an
// iPhone outside the home-screen app) it shows the matching guidance instead of the button.
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function sameKey(buffer, bytes) {
    if (!buffer) return false;
    var have = new Uint8Array(buffer);
    if (have.length !== bytes.length) return false;
    for (var i = 0; i < have.length; i += 1) if (have[i] !== bytes[i]) return false;
    return true;
  }

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window && !!window.fetch;
  }

  function appleOutsideHomeScreen() {
    var apple = /iPhone|iPad|iPod/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    return apple && !(navigator.standalone || window.matchMedia("(display-mode: standalone)").matches);
  }

  function show(section, name) {
    ["ready", "ios", "missing"].forEach(function (part) {
      var element = section.querySelector("[data-push-" + part + "]");
      if (element) element.hidden = part !== name;
    });
  }

  // This browser's subscription for the server's current key (a rotated key: subscribe again).
  function subscription(registration, key) {
    return registration.pushManager.getSubscription().then(function (existing) {
      if (existing && sameKey(existing.options && existing.options.applicationServerKey, key)) return existing;
      var ready = existing ? existing.unsubscribe() : Promise.resolve();
      return ready.then(function () {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      });
    });
  }

  // Which login this phone's subscription is for: when that login ends on this phone (another one signs
  // in, or it expires), the service worker unsubscribes, so no one else sees its reminders (sw.js).
  function rememberOwner(login) {
    if (!login || !window.caches) return Promise.resolve();
    return window.caches.open("facereps-push")
      .then(function (cache) { return cache.put("/push-owner", new Response(login)); })
      .catch(function () {});
  }

  function send(section, json) {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    var login = document.querySelector('meta[name="facereps-login"]');
    if (login) headers["X-FaceReps-Login"] = login.content;
    return fetch(section.dataset.subscribe, {
      method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify(json)
    }).then(function (response) {
      if (response.ok) return rememberOwner(login && login.content).then(function () { return response; });
      return response.json().catch(function () { return {}; }).then(function (body) {
        throw new Error(body.error || "The server did not keep this phone's subscription.");
      });
    });
  }

  function subscribe(section, button) {
    var status = section.querySelector("[data-push-status]");
    var say = function (text) { status.textContent = text; };
    button.disabled = true;
    say("Asking your browser…");
    // The permission prompt comes from this tap, never from loading the page.
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error("Notifications are not allowed for FaceReps. Allow them in your browser's site " +
          "settings, or use the calendar link below.");
      }
      say("Setting up this phone…");
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return subscription(registration, toBytes(section.dataset.vapidKey)).catch(function () {
        throw new Error("This browser could not set up reminders (a private window cannot, and it must reach " +
          "its push service). Try again later, or use the calendar link below.");
      });
    }).then(function (pushSubscription) {
      return send(section, pushSubscription.toJSON());
    }).then(function () {
      say("This phone will get your reminders.");
      window.location.reload();
    }).catch(function (error) {
      button.disabled = false;
      say(error && error.message ? error.message : "This phone could not be set up for reminders.");
    });
  }

  function init(section) {
    if (section.dataset.remindersOn) return;
    section.dataset.remindersOn = "1";
    if (!supported()) {
      show(section, appleOutsideHomeScreen() ? "ios" : "missing");
      return;
    }
    show(section, "ready");
    var button = section.querySelector("[data-push-subscribe]");
    button.addEventListener("click", function () { subscribe(section, button); });
    if (Notification.permission === "denied") {
      section.querySelector("[data-push-status]").textContent =
        "Notifications are blocked for FaceReps in this browser: allow them in its site settings first.";
    }
  }

  function start() {
    document.querySelectorAll("[data-reminders]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:load", start);
})();
