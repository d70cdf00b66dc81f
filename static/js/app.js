// FaceReps page behaviours, keyed by data-* attributes and run for every piece of content htmx loads.
(function () {
  "use strict";

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
      if (!zone || !target) return;
      button.hidden = false;
      button.textContent = "Use this phone's time zone (" + zone + ")";
      button.addEventListener("click", function () { target.value = zone; target.focus(); });
    });
  }

  function init(root) { fillTimeZones(root); }

  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) init(document);  // htmx fires htmx:load for the body itself when present
  });
})();
