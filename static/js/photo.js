// The check-in photo picker (Progress only): the file input hides behind its "Add a photo" label, styled as a
// button, and the chosen picture shows before it is saved. Without this script the native input stays.
(function () {
  "use strict";

  function enhance(form) {
    if (form.dataset.photoReady) return;
    form.dataset.photoReady = "1";
    var input = form.querySelector("input[type=file]");
    var pick = form.querySelector(".photo-pick");
    var preview = form.querySelector(".photo-preview");
    var chosen = form.querySelector(".photo-chosen");
    if (!input || !pick || !preview || !chosen) return;
    var submit = form.querySelector("button[type=submit]");
    var url = null;
    form.classList.add("enhanced");
    // Nothing to upload until a photo is chosen: the one button on show is "Add a photo".
    if (submit && !(input.files && input.files.length)) submit.hidden = true;

    function clear() {
      if (url) URL.revokeObjectURL(url);
      url = null;
      preview.hidden = true;
      preview.removeAttribute("src");
      preview.alt = "";
    }

    input.addEventListener("change", function () {
      clear();
      var file = input.files && input.files[0];
      if (submit) submit.hidden = !file;
      if (!file) {
        pick.textContent = "Add a photo";
        chosen.textContent = "";
        return;
      }
      if (submit) submit.classList.add("primary");
      pick.textContent = "Choose another photo";
      chosen.textContent = "Chosen: " + file.name + ". Not saved yet: press Upload photo to keep it.";
      url = URL.createObjectURL(file);
      preview.onload = function () {
        preview.hidden = false;
        if (submit) submit.scrollIntoView({ block: "nearest" });  // the picture, then the button that keeps it
      };
      preview.onerror = function () {
        clear();
        chosen.textContent = "Chosen: " + file.name + ". No preview for this file; it is checked when you upload it.";
      };
      preview.alt = "Preview of the photo you chose";
      preview.src = url;
    });
  }

  function init(root) {
    (root || document).querySelectorAll("form[data-photo-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
