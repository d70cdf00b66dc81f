// FaceReps service worker {{ version }}: the app shell from a versioned cache, pages network-first
// with the last copy (or the offline page) as fallback, the outbox replayed by Background Sync, and
// reminders shown from Web Push messages.
//
// A phone may be shared, and a login may end without Log out (expired, revoked by a password change
// elsewhere, or someone else signs in). So only the pages that must work offline are kept, in a
// cache named after the login they were made for (the server's X-FaceReps-Login header, an opaque
// id), and whenever a page shows another login, or none, everything of the old one is dropped:
// its pages and its outbox. Nothing else (Progress, Account, photos, downloads) is ever kept.
"use strict";
importScripts({{ outbox|tojson }});  // FaceOutbox (static/js/outbox.js), shared with the page

var VERSION = {{ version|tojson }};
var SHELL = "facereps-shell-" + VERSION;
var PAGES = "facereps-pages";  // + "-" + login id
var LOGIN_HEADER = "X-FaceReps-Login";
var SIGNED_OUT = "none";
var PRECACHE = {{ precache|tojson }};
var OFFLINE = {{ url_for("pwa.offline")|tojson }};
// Today, a day, the guided player: the pages kept for offline use (the offline page is in the shell).
var OFFLINE_PAGES = /^\/(today|days\/\d{4}-\d{2}-\d{2}|sessions\/\d+)$/;
// Mirror mode's files are never precached (most people never turn it on) but kept once used, so it works
// offline: the face mesh (10 MB and more) in a cache named after its pinned version, which outlives deploys;
// the mirror's own scripts with the shell. None of them is personal.
var MIRROR = "facereps-mirror-" + {{ face_mesh_version|tojson }};
var FACE_MESH = {{ face_mesh|tojson }};
var MIRROR_SCRIPTS = /^\/static\/js\/mirror(-rules|-worker)?\.js$/;

function keptOnceUsed(url) {
  if (url.pathname.indexOf(FACE_MESH) === 0) return MIRROR;
  return MIRROR_SCRIPTS.test(url.pathname) ? SHELL : null;
}

function fromShellOrKept(event, url) {
  return caches.match(event.request).then(function (hit) {
    if (hit) return hit;
    return fetch(event.request).then(function (response) {
      var keep = keptOnceUsed(url);
      if (keep && response.status === 200 && response.type === "basic") {
        var copy = response.clone();
        var kept = caches.open(keep).then(function (cache) { return cache.put(event.request, copy); }).catch(function () {});
        try { event.waitUntil(kept); } catch (e) { /* served either way */ }
      }
      return response;
    });
  });
}

function isPageCache(key) { return key === PAGES || key.indexOf(PAGES + "-") === 0; }

function pageCaches() {
  return caches.keys().then(function (keys) { return keys.filter(isPageCache); });
}

// Keep only what belongs to `login` (SIGNED_OUT: nothing): its pages, its outbox requests and its
// reminders (a subscription made by another login is unsubscribed: the push service then answers 410 and
// the server forgets it).
function keepOnly(login) {
  return pageCaches().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== PAGES + "-" + login; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.FaceOutbox.keepOnly(login); })
    .then(function () { return keepPushOf(login); });
}

// The login whose subscription this phone holds is written by the page that subscribed (reminders.js).
var PUSH = "facereps-push";
function keepPushOf(login) {
  return caches.open(PUSH).then(function (cache) {
    return cache.match("/push-owner").then(function (hit) { return hit ? hit.text() : null; }).then(function (owner) {
      if (owner === null || owner === login) return undefined;
      return self.registration.pushManager.getSubscription()
        .then(function (subscription) { return subscription && subscription.unsubscribe(); })
        .then(function () { return cache.delete("/push-owner"); });
    });
  }).catch(function () {});
}

// The login whose pages are kept: the one page cache there is (none, or several: no one's).
function keptLogin() {
  return pageCaches().then(function (keys) {
    return keys.length === 1 && keys[0] !== PAGES ? keys[0].slice(PAGES.length + 1) : null;
  });
}

function keepable(url, response, login) {
  return login !== SIGNED_OUT && response.status === 200 && response.type === "basic" && !response.redirected &&
    OFFLINE_PAGES.test(url.pathname) &&
    !/attachment/i.test(response.headers.get("Content-Disposition") || "") &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

function fromNetwork(event, url) {
  return fetch(event.request).then(function (response) {
    var login = response.status === 401 ? SIGNED_OUT : response.headers.get(LOGIN_HEADER);
    // No signal (a redirect, the offline page, an error page the server could not sign): keep as is.
    if (!login) return response;
    var tidy = keepOnly(login);
    if (keepable(url, response, login)) {
      var copy = response.clone();
      var kept = tidy.then(function () { return caches.open(PAGES + "-" + login); })
        .then(function (cache) { return cache.put(event.request, copy); }).catch(function () {});
      try { event.waitUntil(kept); } catch (e) { /* the page is shown either way */ }
    }
    // The page shows once whatever another login left on the phone is gone.
    return tidy.then(function () { return response; }, function () { return response; });
  });
}

function fromPhone(event, url) {
  return keptLogin().then(function (login) {
    if (!login || !OFFLINE_PAGES.test(url.pathname)) return undefined;
    return caches.open(PAGES + "-" + login).then(function (cache) { return cache.match(event.request); });
  }).then(function (hit) { return hit || caches.match(OFFLINE); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // A new version takes over at once and drops the old shell, so a deploy needs no clearing; the
  // pages cache of earlier versions (one for every login) goes too.
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return (key.indexOf("facereps-shell-") === 0 && key !== SHELL) || key === PAGES ||
        (key.indexOf("facereps-mirror-") === 0 && key !== MIRROR);
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fromShellOrKept(event, url));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fromNetwork(event, url).catch(function () { return fromPhone(event, url); }));
  }
});

self.addEventListener("sync", function (event) {
  // Only the requests of the login whose pages are kept; the others wait for a page to judge them.
  if (event.tag === "facereps-outbox") {
    event.waitUntil(keptLogin().then(function (login) { return login ? self.FaceOutbox.replay(login) : 0; })
      .then(function (sent) {
        // Tell open pages, so a day shown as "saved on this phone" is redrawn as stored.
        if (!sent) return;
        return self.clients.matchAll({ type: "window" }).then(function (windows) {
          windows.forEach(function (page) { page.postMessage("facereps-synced"); });
        });
      }));
  }
});

self.addEventListener("message", function (event) {
  // Sent by the page after logging out: nothing personal stays on the phone, and it gets no more
  // reminders (the push service then answers 410 and the server forgets the subscription).
  if (event.data === "forget") {
    event.waitUntil(Promise.all([keepOnly(SIGNED_OUT), self.registration.pushManager.getSubscription()
      .then(function (subscription) { return subscription && subscription.unsubscribe(); })
      .catch(function () {})]));
  }
});

// Reminders (Web Push): the notification is all in the message (no fetch, so it shows offline too).
var TODAY = {{ url_for("today.show")|tojson }};
var ICON = {{ url_for("static", filename="icons/icon-192.png")|tojson }};
var BADGE = {{ url_for("static", filename="icons/badge-96.png")|tojson }};

// A path on this site, or Today: a message never sends the phone elsewhere.
function appUrl(url) {
  try {
    var target = new URL(url || TODAY, self.location.origin);
    return target.origin === self.location.origin ? target.href : new URL(TODAY, self.location.origin).href;
  } catch (e) {
    return new URL(TODAY, self.location.origin).href;
  }
}

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data ? event.data.text() : "" }; }
  var open = data.kind === "weekly" ? "Check in" : data.kind === "test" ? "Open" : "Start";
  event.waitUntil(self.registration.showNotification(data.title || "FaceReps", {
    body: data.body || "",
    tag: data.tag || "facereps",
    icon: ICON,
    badge: BADGE,
    data: { url: appUrl(data.url) },
    actions: [{ action: "start", title: open }, { action: "later", title: "Later" }]
  }));
});

// A tap (or "Start") opens the session's page in an open FaceReps window, or a new one; "Later" only closes.
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  if (event.action === "later") return;
  var url = appUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    var open = windows.filter(function (client) { return new URL(client.url).origin === self.location.origin; })[0];
    if (!open) return self.clients.openWindow(url);
    return open.focus().catch(function () { return open; })
      .then(function () { return open.navigate(url); })
      .catch(function () { return self.clients.openWindow(url); });
  }));
});
