// FaceReps service worker {{ version }}: the app shell from a versioned cache, pages network-first
// with the last copy (or the offline page) as fallback, and the outbox replayed by Background Sync.
"use strict";
importScripts({{ outbox|tojson }});

var VERSION = {{ version|tojson }};
var SHELL = "facereps-shell-" + VERSION;
var PAGES = "facereps-pages";
var PRECACHE = {{ precache|tojson }};
var OFFLINE = {{ url_for("pwa.offline")|tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // A new version takes over at once and drops the old shell, so a deploy needs no clearing.
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("facereps-shell-") === 0 && key !== SHELL;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(PAGES).then(function (cache) { return cache.match(request); }).then(function (hit) {
        return hit || caches.match(OFFLINE);
      });
    }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "facereps-outbox") event.waitUntil(self.FaceOutbox.replay());
});

self.addEventListener("message", function (event) {
  // Sent by the page after logging out: nothing personal stays on the phone.
  if (event.data === "forget") event.waitUntil(Promise.all([caches.delete(PAGES), self.FaceOutbox.clear()]));
});
