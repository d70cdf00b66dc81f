// FaceOutbox: requests made offline, kept in IndexedDB and replayed in order when the network returns
// (by the page, and by the service worker's Background Sync; both load this file, so it needs no page).
// Each carries a client id, so the server applies it once; each belongs to the login that made it: only
// ever sent for that login (in a header the server checks), and dropped once another login shows up.
(function (global) {
  "use strict";
  var DB_NAME = "facereps";
  var STORE = "outbox";
  var LOGIN_HEADER = "X-FaceReps-Login";
  var SIGNED_OUT = "none";

  // A login id: not SIGNED_OUT, not null (a page that cannot tell, like the offline page).
  function isLogin(login) { return typeof login === "string" && login !== "" && login !== SIGNED_OUT; }

  // The login this page was made for: its id, SIGNED_OUT, or null (the service worker has no page,
  // and a page may give no signal).
  function pageLogin() {
    var meta = global.document ? global.document.querySelector('meta[name="facereps-login"]') : null;
    return meta ? meta.getAttribute("content") : null;
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, 1);
      // An auto-increment key keeps requests in the order they were made, whatever the clock says.
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function newId() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  var replaying = null;

  var Outbox = {
    newId: newId,
    login: pageLogin,
    isLogin: isLogin,
    LOGIN_HEADER: LOGIN_HEADER,
    SIGNED_OUT: SIGNED_OUT,
    sent: 0,  // requests this page delivered, for the page to show (and tests to watch)

    // Keep a request for the login of this page (a page no one is signed in to keeps nothing).
    add: function (item) {
      item.login = pageLogin();
      if (!isLogin(item.login)) return Promise.resolve();
      item.created = Date.now();
      return run("readwrite", function (store) { return store.add(item); });
    },

    // Every kept request, whichever login made it.
    everything: function () {
      return run("readonly", function (store) { return store.getAll(); }).then(function (items) {
        return items || [];
      });
    },

    // The requests of `login` (by default this page's), oldest first.
    all: function (login) {
      if (arguments.length === 0) login = pageLogin();
      return Outbox.everything().then(function (items) {
        return isLogin(login) ? items.filter(function (item) { return item.login === login; }) : [];
      });
    },

    // Drop every request another login made (SIGNED_OUT: all of them; null, unknown: none).
    keepOnly: function (login) {
      if (typeof login !== "string" || login === "") return Promise.resolve();
      return run("readwrite", function (store) {
        var cursor = store.openCursor();
        cursor.onsuccess = function () {
          if (!cursor.result) return;
          if (cursor.result.value.login !== login) cursor.result.delete();
          cursor.result.continue();
        };
        return null;
      });
    },

    clear: function () {
      return run("readwrite", function (store) { return store.clear(); });
    },

    remove: function (seq) {
      return run("readwrite", function (store) { return store.delete(seq); });
    },

    // Send every waiting request of `login` (by default this page's), oldest first; stop at the first
    // network failure or 5xx answer (503: the server could not store it, nothing was applied), keeping
    // it and those after it for later. Resolves with how many were sent; a 4xx answer is final, so that
    // request is dropped too (the server answers 403 to a request another login kept).
    replay: function (login) {
      if (arguments.length === 0) login = pageLogin();
      if (!isLogin(login)) return Promise.resolve(0);
      if (replaying) return replaying;
      var sent = 0;
      replaying = Outbox.all(login).then(function next(items) {
        if (!items.length) return sent;
        var item = items[0];
        var headers = {};
        Object.keys(item.headers || {}).forEach(function (name) { headers[name] = item.headers[name]; });
        headers[LOGIN_HEADER] = item.login;
        return fetch(item.url, {
          method: "POST", body: item.body, credentials: "same-origin", headers: headers
        }).then(function (response) {
          if (response.status >= 500) throw new Error("server error " + response.status);
          sent += 1;
          Outbox.sent += 1;
          return Outbox.remove(item.seq).then(function () { return next(items.slice(1)); });
        });
      }).catch(function () { return sent; }).then(function (count) {
        replaying = null;
        return count;
      });
      return replaying;
    }
  };

  global.FaceOutbox = Outbox;
})(self);
