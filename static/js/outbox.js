// The outbox: requests made while offline, kept in IndexedDB and replayed in order when the network
// returns (by the page on `online` and on open, and by the service worker's Background Sync).
// Each carries a client id, so the server applies it once however often it is replayed.
(function (global) {
  "use strict";
  var DB_NAME = "facereps";
  var STORE = "outbox";

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
    sent: 0,  // requests this page delivered, for the page to show (and tests to watch)

    add: function (item) {
      item.created = Date.now();
      return run("readwrite", function (store) { return store.add(item); });
    },

    all: function () {
      return run("readonly", function (store) { return store.getAll(); }).then(function (items) {
        return items || [];
      });
    },

    clear: function () {
      return run("readwrite", function (store) { return store.clear(); });
    },

    remove: function (seq) {
      return run("readwrite", function (store) { return store.delete(seq); });
    },

    // Send every waiting request, oldest first; stop at the first network failure.
    // Resolves with how many were sent; a 4xx answer is final, so that request is dropped too.
    replay: function () {
      if (replaying) return replaying;
      var sent = 0;
      replaying = Outbox.all().then(function next(items) {
        if (!items.length) return sent;
        var item = items[0];
        return fetch(item.url, {
          method: "POST", body: item.body, credentials: "same-origin", headers: item.headers || {}
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
