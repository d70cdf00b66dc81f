// FaceReps page behaviours, keyed by data-* attributes and run for every piece of content htmx loads.
// The outbox of ticks made offline is FaceOutbox (outbox.js, loaded first, shared with the service worker).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var outbox = window.FaceOutbox;

  function deviceTimeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  // Registration: send the browser's IANA zone (the server falls back to UTC without JavaScript).
  function fillTimeZones(root) {
    var zone = deviceTimeZone();
    root.querySelectorAll("input[data-timezone]").forEach(function (input) {
      if (zone) input.value = zone;
    });
    root.querySelectorAll("[data-use-device-timezone]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-use-device-timezone"));
      if (!zone || !target || target.value === zone) return;
      button.hidden = false;
      button.textContent = "Use this phone's time zone (" + zone + ")";
      button.addEventListener("click", function () { target.value = zone; target.focus(); });
    });
  }

  function announce(text) {
    var status = document.getElementById("tick-status");
    if (status) status.textContent = text;
  }

  // --- ticks made offline ---------------------------------------------------------------------
  var waiting = 0;

  // A form whose request may wait on the phone: a step's tick, or a form marked data-outbox (Mark done
  // and its Undo; the attribute names the element that shows it is waiting).
  function queuedForm(event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.closest) return null;
    var item = elt.closest("li.tick");
    if (item) return item.querySelector("form");
    return elt.closest("form[data-outbox]");
  }

  function holderOf(form) {
    return form.closest("li.tick") || document.getElementById(form.dataset.outbox) || form;
  }

  function keepOnPhone(form, why) {
    var holder = holderOf(form);
    var box = form.querySelector("input[type=checkbox]");
    var id = form.dataset.clientId || outbox.newId();
    var body = new URLSearchParams(new FormData(form));
    var target = (form.getAttribute("hx-target") || "#" + holder.id).slice(1);
    body.set("client_id", id);
    waiting += 1;
    holder.classList.add("pending");
    holder.classList.remove("unsaved");
    announce(why || "Saved on this phone: it will sync when you are back online.");
    return outbox.add({
      id: id, url: form.action, body: body.toString(), target: holder.id,
      done: box ? box.checked : null,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "HX-Target": target }
    }).then(function () {
      if (navigator.serviceWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) registration.sync.register("facereps-outbox").catch(function () {});
        });
      }
    });
  }

  function showWaiting(root) {
    return outbox.all().then(function (items) {
      waiting = items.length;
      items.forEach(function (item) {
        var element = item.target && root.querySelector("#" + CSS.escape(item.target));
        if (!element) return;
        element.classList.add("pending");
        var box = element.querySelector("input[type=checkbox]");
        if (box && item.done !== null && item.done !== undefined) box.checked = item.done;
      });
    });
  }

  // The server could not store a request (503: its disk is full, or busy past its wait): what is kept on
  // the phone is sent again after the Retry-After it gave (at least 5 s, at most 5 minutes), then less
  // and less often while it still cannot.
  var retryTimer = null;
  var retryDelay = 0;
  function retryLater(seconds) {
    if (retryTimer) return;
    retryDelay = Math.min(Math.max(seconds || retryDelay * 2, 5), 300);
    retryTimer = window.setTimeout(function () { retryTimer = null; sync(); }, retryDelay * 1000);
  }

  function sync() {
    if (!navigator.onLine) return;
    var before = waiting;
    outbox.replay().then(function (sent) {
      return outbox.all().then(function (items) {
        waiting = items.length;
        if (items.length) retryLater(0);  // still waiting (the server is storing nothing): try again later
        else retryDelay = 0;
        // Sent by this page, or meanwhile by the service worker (Background Sync): show the day as stored.
        sent = sent || (before > 0 && !items.length);
        if (sent && document.getElementById("day-routines")) {
          window.htmx.ajax("GET", window.location.pathname, { target: "#main", select: "#main", swap: "outerHTML" });
        }
        if (sent && !items.length) announce("Everything saved on this phone is now synced.");
      });
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    // Say which login this page is for: a page left open after its login ended (someone else has
    // signed in since) is refused rather than changing the other person's data.
    var login = outbox.login();
    if (outbox.isLogin(login)) event.detail.headers[outbox.LOGIN_HEADER] = login;
    var form = queuedForm(event);
    if (!form) return;
    form.dataset.clientId = outbox.newId();
    event.detail.parameters.client_id = form.dataset.clientId;
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = queuedForm(event);
    if (!form || (navigator.onLine && waiting === 0)) return;
    event.preventDefault();  // offline, or older ticks still waiting: keep the order, queue this one too
    keepOnPhone(form).then(sync);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = queuedForm(event);
    if (form) keepOnPhone(form);
  });
  document.addEventListener("htmx:responseError", function (event) {
    var form = queuedForm(event);
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 503) {  // nothing was stored (storage trouble, said in the answer): not lost
      if (form) {
        keepOnPhone(form, "Saved on this phone: will sync when the server can store it again.");
        retryLater(Number(xhr.getResponseHeader("Retry-After")) || 0);
      } else {
        showProblem(xhr.responseText);
      }
      return;
    }
    if (!form) return;
    var box = form.querySelector("input[type=checkbox]");
    if (box) box.checked = !box.checked;
    holderOf(form).classList.add("unsaved");
    announce("Not saved: something went wrong. Reload the page and try again.");
  });
  window.addEventListener("online", sync);
  if (navigator.serviceWorker) {
    // The service worker sent what waited (Background Sync): count again and redraw the day now.
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data === "facereps-synced") sync();
    });
  }

  // Any other change the server could not store: its answer in plain words, at the top of the page.
  function showProblem(html) {
    var main = document.getElementById("main");
    var text = new DOMParser().parseFromString(html || "", "text/html").body.textContent.trim();
    if (!main || !text) return;
    var shown = document.getElementById("storage-problem");
    if (!shown) {
      shown = document.createElement("p");
      shown.id = "storage-problem";
      shown.className = "storage-problem";
      shown.setAttribute("role", "alert");
      main.insertBefore(shown, main.firstChild);
    }
    shown.textContent = text;
  }

  // --- own routines: a step list swapped in place ---------------------------------------------
  document.addEventListener("htmx:afterSettle", function (event) {
    // htmx keeps focus on a button that still exists (one that moved); a removed step's button is
    // gone, so focus goes to the list, whose change the status message has announced.
    var list = document.getElementById("steps");
    if (list && event.detail.elt === list && (!document.activeElement || document.activeElement === document.body)) {
      list.focus();
    }
  });

  // --- the installed app --------------------------------------------------------------------
  // The pages kept for offline use are in a cache named after their login ("facereps-pages-<id>").
  function keepPagesOf(login) {
    if (!window.caches) return Promise.resolve();
    return window.caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return (key === "facereps-pages" || key.indexOf("facereps-pages-") === 0) && key !== "facereps-pages-" + login;
      }).map(function (key) { return window.caches.delete(key); }));
    });
  }

  // What this phone keeps belongs to the login this page was made for: drop anything another login
  // left (its session ended without Log out: expired, revoked, or someone else signed in). The
  // service worker does the same for every page it fetches; this covers a page it did not see.
  function keepOnlyThisLogin() {
    var login = outbox.login();
    if (!login) return Promise.resolve();  // the offline page cannot tell whose phone this is
    if (login === outbox.SIGNED_OUT && navigator.clearAppBadge) navigator.clearAppBadge().catch(function () {});
    return Promise.all([outbox.keepOnly(login), keepPagesOf(login)]);
  }

  function forgetThisPhone() {
    // Just logged out: nothing personal stays on this phone.
    outbox.clear();
    keepPagesOf(outbox.SIGNED_OUT);
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget");
    }
    if (navigator.clearAppBadge) navigator.clearAppBadge().catch(function () {});
  }

  function startServiceWorker() {
    var url = document.body.dataset.serviceWorker;
    if (url && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {});
    }
  }

  function updateBadge(root) {
    var holder = root.querySelector("[data-due-left]");
    if (!holder || !navigator.setAppBadge) return;
    var left = Number(holder.dataset.dueLeft);
    (left ? navigator.setAppBadge(left) : navigator.clearAppBadge()).catch(function () {});
  }

  // After Mark done (or a last tick): focus what it gave back, so it is read out, and offer Undo for a
  // few seconds only (a page loaded without JavaScript keeps it).
  var UNDO_SECONDS = 10;
  function showReward(root) {
    if (root.dataset && root.dataset.focus) {  // undone: back to the routine's own Mark done
      var card = document.getElementById(root.dataset.focus);
      var control = card && (card.querySelector("form.mark-done button") || card.querySelector("h2"));
      if (control) {
        if (control.tagName === "H2") control.setAttribute("tabindex", "-1");
        control.focus({ preventScroll: false });
      }
      return;
    }
    var reward = root.id === "reward" ? root : root.querySelector("#reward");
    if (!reward || !reward.hasAttribute("data-reward-new")) return;
    reward.focus({ preventScroll: true });
    reward.scrollIntoView({ block: "nearest" });
    reward.querySelectorAll("[data-undo]").forEach(function (form) {
      window.setTimeout(function () {
        if (!form.contains(document.activeElement)) form.hidden = true;
      }, UNDO_SECONDS * 1000);
    });
  }

  function init(root) {
    fillTimeZones(root);
    showReward(root);
    updateBadge(root);
    if (outbox) showWaiting(root);
  }

  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) init(document);
    startServiceWorker();
    if (document.body.hasAttribute("data-forget-offline")) forgetThisPhone();
    else keepOnlyThisLogin().then(sync, sync);
  });
})();
