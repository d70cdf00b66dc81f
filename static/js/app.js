// FaceReps page behaviours, keyed by data-* attributes and run for every piece of content htmx loads.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

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

  // A tick that could not reach the server: put the box back and say so, never pretend it saved.
  function tickFailed(event, text) {
    var form = event.detail.elt;
    if (!form || !form.closest || !form.closest("li.tick")) return;
    var box = form.querySelector("input[type=checkbox]");
    if (box) box.checked = !box.checked;
    form.closest("li.tick").classList.add("unsaved");
    announce(text);
  }

  document.addEventListener("htmx:sendError", function (event) {
    tickFailed(event, "Not saved: no connection. Try again when you are back online.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    tickFailed(event, "Not saved: something went wrong. Reload the page and try again.");
  });

  function init(root) { fillTimeZones(root); }

  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) init(document);  // htmx fires htmx:load for the body itself when present
  });
})();
