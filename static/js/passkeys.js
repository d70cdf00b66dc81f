// Passkeys: the two WebAuthn ceremonies, "Sign in with a passkey" and "Add a passkey".
// Keyed by data-* attributes:
//   [data-passkey-sign-in]  a button; data-options and data-verify are the server's URLs, data-next
//                           where to go after, data-remember the id of the "keep me logged in" box
//   form[data-passkey-add]  data-options is the URL that checks the password and returns the options;
//                           the form's action keeps the new passkey
//   data-status             the id of the element that says what went wrong
//   [data-passkey-only]     shown only where the browser can do passkeys; [data-passkey-missing] the other way
// The server speaks JSON with binary fields in base64url, as py_webauthn writes and reads them.
(function () {
  "use strict";
  var supported = !!(window.PublicKeyCredential && navigator.credentials && window.fetch);

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (item) { item.id = toBytes(item.id); return item; });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = withIds(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = withIds(options.allowCredentials);
    return options;
  }

  // A credential as JSON for py_webauthn: the common fields plus those of its ceremony's response.
  function asJson(credential, response) {
    return {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: response
    };
  }

  function made(credential) {
    var response = credential.response;
    return asJson(credential, {
      clientDataJSON: toText(response.clientDataJSON),
      attestationObject: toText(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : []
    });
  }

  function used(credential) {
    var response = credential.response;
    return asJson(credential, {
      clientDataJSON: toText(response.clientDataJSON),
      authenticatorData: toText(response.authenticatorData),
      signature: toText(response.signature),
      userHandle: response.userHandle ? toText(response.userHandle) : null
    });
  }

  function post(url, body) {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    var outbox = window.FaceOutbox;  // outbox.js: says which login this page is for (see views/pwa.py)
    if (outbox && outbox.isLogin(outbox.login())) headers[outbox.LOGIN_HEADER] = outbox.login();
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify(body) })
      .then(function (response) {
        // Sent to the login page instead: this page's login ended since it was shown.
        if (response.redirected) throw new Error("Your login has ended. Reload the page and log in again.");
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) throw new Error(data.error || "Something went wrong. Try again.");
          return data;
        });
      });
  }

  // Go where the server says; to this very page with another #fragment, that means loading it again
  // (a fragment alone would only scroll, and the page's news would not show).
  function go(url) {
    var target = new URL(url, window.location.href);
    var here = window.location;
    if (target.pathname === here.pathname && target.search === here.search) {
      here.hash = target.hash;
      here.reload();
    } else {
      here.assign(target.href);
    }
  }

  function say(element, text) {
    var status = document.getElementById(element.dataset.status);
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  }

  function failure(error) {
    // The person closed the prompt, or it timed out: nothing is wrong with their account.
    if (error && error.name === "NotAllowedError") return "No passkey was used. Try again when you are ready.";
    if (error && error.name === "InvalidStateError") return "This phone has a passkey for this account already.";
    return (error && error.message) || "Something went wrong. Try again.";
  }

  function signIn(button) {
    var remember = document.getElementById(button.dataset.remember);
    say(button, "");
    button.disabled = true;
    post(button.dataset.options, {}).then(function (options) {
      return navigator.credentials.get({ publicKey: requestOptions(options) });
    }).then(function (credential) {
      return post(button.dataset.verify, {
        credential: used(credential), next: button.dataset.next, remember: !!(remember && remember.checked)
      });
    }).then(function (answer) {
      go(answer.redirect);
    }).catch(function (error) {
      button.disabled = false;
      say(button, failure(error));
    });
  }

  function add(form) {
    var button = form.querySelector("button[type=submit]");
    var password = form.querySelector("input[type=password]");
    say(form, "");
    button.disabled = true;
    post(form.dataset.options, { password: password ? password.value : "" }).then(function (options) {
      return navigator.credentials.create({ publicKey: creationOptions(options) });
    }).then(function (credential) {
      return post(form.action, { credential: made(credential) });
    }).then(function (answer) {
      go(answer.redirect);
    }).catch(function (error) {
      button.disabled = false;
      say(form, failure(error));
    });
  }

  function reveal(root) {
    root.querySelectorAll("[data-passkey-only]").forEach(function (element) { element.hidden = !supported; });
    root.querySelectorAll("[data-passkey-missing]").forEach(function (element) { element.hidden = supported; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-passkey-sign-in]");
    if (button && supported) signIn(button);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-passkey-add]");
    if (!form || !supported) return;
    event.preventDefault();
    add(form);
  });
  document.addEventListener("htmx:load", function (event) { reveal(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  } else {
    reveal(document);
  }
})();
