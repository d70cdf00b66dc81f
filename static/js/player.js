// The guided player: times each step from timestamps (a throttled background tab keeps true time),
// cues every glide (beep, vibration), announces each step (screen reader, optional voice), keeps the
// screen awake, and records each step on the server as it happens, retrying when the network returns.
// It also asks once whether to speak each step, switches the voice, draws each glide's stroke at its pace
// (player.css animates it from the state set here), asks before ending a session early, and turns Mirror mode
// on and off (mirror.js, loaded on the first tap; the choice is remembered on this phone for this login).
(function () {
  "use strict";

  var COUNT_IN_MS = 3000;
  var TICK_MS = 200;

  function capital(word) { return word.charAt(0).toUpperCase() + word.slice(1); }

  // "3 glides × 5 s", "12 reps × 5 s", "10 minutes": what a timed step holds, before it runs.
  function countText(step) {
    if (!step.cue) return "";
    var words = (step.reps === 1 ? step.count : step.counts) || "";
    return step.reps + " " + words + (step.count === "minute" ? "" : " × " + step.cue + " s");
  }

  function clockText(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(total / 60);
    var seconds = total % 60;
    return minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function Player(root) {
    this.root = root;
    this.steps = Array.prototype.map.call(root.querySelectorAll("[data-steps] li"), function (li) {
      return {
        el: li, id: li.dataset.stepId, title: li.dataset.title, place: li.dataset.place,
        area: li.dataset.area, side: li.dataset.side, instruction: li.dataset.instruction,
        seconds: Number(li.dataset.seconds), cue: Number(li.dataset.cue), reps: Number(li.dataset.reps),
        count: li.dataset.count, counts: li.dataset.counts, state: li.dataset.state
      };
    });
    this.index = Number(root.dataset.index);
    this.prefs = {
      beep: root.dataset.beep === "1", vibrate: root.dataset.vibrate === "1",
      voice: root.dataset.voice === "1", autoAdvance: root.dataset.autoAdvance === "1"
    };
    this.timer = null;
    this.wakeLock = null;
    this.audio = null;
    this.dialog = root.querySelector("[data-end-dialog]");
    this.bind();
    this.show(this.index);
    this.setState("ready");
    this.asking = root.querySelector("[data-voice-ask]");
    if (this.asking) root.dataset.asking = "1";
    this.button("start").hidden = false;
    this.root.querySelector("[data-start-hint]").hidden = false;
    this.showVoice();
    this.setupMirror();
    // Opened as /sessions/<id>?end=1 (the link without the script): ask in place instead.
    if (this.dialog && this.dialog.open && this.dialog.showModal) {
      this.dialog.close();
      this.askToEnd();
    }
  }

  Player.prototype.button = function (action) { return this.root.querySelector("[data-action=" + action + "]"); };

  Player.prototype.el = function (name) { return this.root.querySelector("[data-view-" + name + "]"); };

  Player.prototype.setState = function (state) {
    this.state = state;
    this.root.dataset.state = state;
    var pause = this.button("pause");
    pause.textContent = state === "paused" ? "Resume" : "Pause";
    pause.setAttribute("aria-pressed", state === "paused" ? "true" : "false");
    pause.disabled = !(state === "countdown" || state === "running" || state === "paused" || state === "waiting");
  };

  Player.prototype.bind = function () {
    var self = this;
    this.root.addEventListener("submit", function (event) {
      var button = event.submitter || event.target.querySelector("button");
      var action = button && button.dataset.action;
      if (!action) return;
      event.preventDefault();
      self.act(action);
    });
    this.root.addEventListener("click", function (event) {
      var button = event.target.closest("button[type=button][data-action]");
      if (button) self.act(button.dataset.action);
      // "End" and "Keep going" are links for pages without the script; here they open and close the question.
      var link = event.target.closest("a[data-action]");
      if (link && self.dialog && self.dialog.showModal) {
        event.preventDefault();
        if (link.dataset.action === "end") self.askToEnd(); else self.keepGoing();
      }
    });
    if (this.dialog) {
      this.dialog.addEventListener("cancel", function (event) {
        event.preventDefault();
        self.keepGoing();
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && (self.state === "running" || self.state === "countdown")) {
        self.keepAwake();
      }
    });
    window.addEventListener("online", function () { self.flush(); });
    this.flush();
  };

  Player.prototype.act = function (action) {
    if (action === "start") return this.start();
    if (action === "pause") return this.state === "paused" ? this.resume() : this.pause();
    if (action === "done" || action === "skip") return this.complete(action === "done" ? "done" : "skip");
    if (action === "back") return this.back();
    if (action === "finish") return this.endNow();
    if (action === "voice") return this.setVoice(!this.prefs.voice);
    if (action === "voice-yes" || action === "voice-no") return this.answerVoice(action === "voice-yes");
    if (action === "mirror") return this.switchMirror();
  };

  // --- Mirror mode: off by default; once chosen, remembered on this phone for this login ---------------
  // The choice ({on, pause}) is kept in the login's own cache of pages ("facereps-pages-<login>"), so it goes
  // with everything else of the login when it ends (sw.js keepOnly, app.js keepPagesOf).
  var MIRROR_CHOICE = "/mirror-choice";

  function choiceCache() {
    var login = window.FaceOutbox && window.FaceOutbox.login();
    if (!window.caches || !window.FaceOutbox || !window.FaceOutbox.isLogin(login)) {
      return Promise.reject(new Error("no login to keep it for"));
    }
    return window.caches.open("facereps-pages-" + login);
  }

  Player.prototype.mirrorChoice = function () {
    var none = { on: false, pause: false };
    return choiceCache().then(function (cache) { return cache.match(MIRROR_CHOICE); })
      .then(function (kept) { return kept ? kept.json() : null; })
      .then(function (choice) { return choice || none; }, function () { return none; });
  };

  Player.prototype.rememberMirror = function (on) {
    var choice = JSON.stringify({ on: on, pause: this.root.querySelector("[data-mirror-pause]").checked });
    choiceCache().then(function (cache) {
      return cache.put(MIRROR_CHOICE, new Response(choice, { headers: { "Content-Type": "application/json" } }));
    }).catch(function () { /* no storage here: chosen for this page only */ });
  };

  Player.prototype.setupMirror = function () {
    var self = this;
    var box = this.root.querySelector("[data-mirror]");
    if (!box) return;
    box.hidden = false;
    var pause = this.root.querySelector("[data-mirror-pause]");
    pause.addEventListener("change", function () { self.rememberMirror(self.mirrorOn()); });
    this.mirrorChoice().then(function (choice) {
      pause.checked = !!choice.pause;
      // Chosen before: on again, but the camera is only ever asked for on a tap (so only if already allowed).
      if (!choice.on || !navigator.permissions || !navigator.permissions.query) return;
      navigator.permissions.query({ name: "camera" }).then(function (status) {
        if (status.state === "granted" && !self.mirrorOn()) self.switchMirror(true);
      }, function () {});
    });
  };

  Player.prototype.mirrorOn = function () { return this.button("mirror").getAttribute("aria-pressed") === "true"; };

  Player.prototype.switchMirror = function (on) {
    var self = this;
    if (on === undefined) on = !this.mirrorOn();
    if (!on) this.rememberMirror(false);
    this.loadMirror().then(function () { window.FaceMirror.toggle(self, on); }, function () {
      self.root.querySelector("[data-mirror-status]").textContent = "Mirror could not be loaded: the plain player is on.";
    });
  };

  // mirror-rules.js, then mirror.js: fetched the first time Mirror is turned on, never before.
  Player.prototype.loadMirror = function () {
    if (window.FaceMirror) return Promise.resolve();
    var box = this.root.querySelector("[data-mirror]");
    if (!this.mirrorLoading) {
      this.mirrorLoading = [box.dataset.mirrorRulesSrc, box.dataset.mirrorSrc].reduce(function (loaded, src) {
        return loaded.then(function () {
          return new Promise(function (resolve, reject) {
            var script = document.createElement("script");
            script.src = src;
            script.onload = resolve;
            script.onerror = reject;
            document.head.appendChild(script);
          });
        });
      }, Promise.resolve());
      var self = this;
      this.mirrorLoading.catch(function () { self.mirrorLoading = null; });
    }
    return this.mirrorLoading;
  };

  // --- voice: asked once, switched at the top; the server remembers it for the user -----------------
  Player.prototype.showVoice = function () {
    var on = this.prefs.voice;
    this.button("voice").setAttribute("aria-pressed", on ? "true" : "false");
    this.root.querySelector("[data-voice-value]").value = on ? "off" : "on";  // what the form would ask next
    this.root.dataset.voice = on ? "1" : "0";
  };

  Player.prototype.setVoice = function (on) {
    this.prefs.voice = on;
    this.showVoice();
    if (!on && window.speechSynthesis) window.speechSynthesis.cancel();
    this.say(on ? "Voice on: each step is read aloud." : "Voice off.");
    // A preference, not a step: sent once if the network is there (kept for this page either way).
    var headers = { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" };
    var login = window.FaceOutbox && window.FaceOutbox.login();
    if (window.FaceOutbox && window.FaceOutbox.isLogin(login)) headers[window.FaceOutbox.LOGIN_HEADER] = login;
    fetch(this.root.dataset.voiceUrl, {
      method: "POST", headers: headers, body: "voice=" + (on ? "on" : "off"), credentials: "same-origin"
    }).catch(function () {});
  };

  Player.prototype.answerVoice = function (on) {
    var start = this.button("start");
    var hadFocus = this.asking && this.asking.contains(document.activeElement);
    if (this.asking) this.asking.remove();
    this.asking = null;
    delete this.root.dataset.asking;
    this.setVoice(on);
    if (hadFocus) start.focus({ preventScroll: true });
  };

  // --- ending early: asked in place, the clock paused meanwhile ----------------------------------
  Player.prototype.askToEnd = function () {
    var done = this.steps.filter(function (s) { return s.state === "done"; }).length;
    this.el("end-done").textContent = String(done);
    this.dialog.querySelector("[data-end-some]").hidden = done === 0;
    this.dialog.querySelector("[data-end-none]").hidden = done !== 0;
    if (this.state === "countdown" || this.state === "running" || this.state === "waiting") {
      this.pause();
      this.pausedToAsk = true;
    }
    this.dialog.showModal();
  };

  // "Keep going": the question closes and the clock runs on at once (Escape closes it the same way).
  Player.prototype.keepGoing = function () {
    var resume = this.pausedToAsk && this.state === "paused";
    this.pausedToAsk = false;
    this.dialog.close();
    if (resume) this.resume();
  };

  Player.prototype.endNow = function () {
    this.pausedToAsk = false;
    if (this.dialog && this.dialog.open) this.dialog.close();
    this.finish();
  };

  // --- cues --------------------------------------------------------------------------------
  Player.prototype.tone = function (frequency, ms, when) {
    if (!this.prefs.beep || !this.audio) return;
    var start = this.audio.currentTime + (when || 0);
    var oscillator = this.audio.createOscillator();
    var gain = this.audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.25, start);
    gain.gain.exponentialRampToValueAtTime(0.001, start + ms / 1000);
    oscillator.connect(gain).connect(this.audio.destination);
    oscillator.start(start);
    oscillator.stop(start + ms / 1000);
  };

  Player.prototype.buzz = function (pattern) {
    if (this.prefs.vibrate && navigator.vibrate) navigator.vibrate(pattern);
  };

  Player.prototype.cue = function (number, of) {
    this.tone(880, 90);
    this.buzz(60);
    this.root.dataset.cues = String(Number(this.root.dataset.cues) + 1);
    if (number < of) this.showCount(number + 1);  // the glide just ended: the next one begins
  };

  // "Glide 2 of 3", "Rep 5 of 12", "Hold 1 of 3": the one under way, in the step's own word.
  Player.prototype.showCount = function (number) {
    var step = this.steps[this.index];
    if (step.cue) this.el("reps").textContent = capital(step.count || "rep") + " " + number + " of " + step.reps;
  };

  Player.prototype.stepTone = function () {
    this.tone(523, 160);
    this.tone(784, 220, 0.17);
    this.buzz([120, 60, 120]);
    this.root.dataset.stepChanges = String(Number(this.root.dataset.stepChanges || 0) + 1);
  };

  Player.prototype.say = function (text) {
    this.el("announce").textContent = text;
    if (this.prefs.voice && window.speechSynthesis && window.SpeechSynthesisUtterance) {
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
    }
  };

  Player.prototype.keepAwake = function () {
    var self = this;
    if (!("wakeLock" in navigator) || (this.wakeLock && !this.wakeLock.released)) return;
    navigator.wakeLock.request("screen").then(function (lock) { self.wakeLock = lock; }, function () {});
  };

  // --- showing a step ---------------------------------------------------------------------
  Player.prototype.show = function (index) {
    this.index = index;
    var step = this.steps[index];
    var total = this.steps.length;
    this.root.dataset.index = String(index);
    this.el("step-count").textContent = "Step " + (index + 1) + " of " + total;
    var progress = this.el("progress");
    progress.value = index;
    progress.textContent = index + " of " + total;
    this.el("title").textContent = step.title;
    this.el("place").textContent = step.place;
    this.el("instruction").textContent = step.instruction;
    this.el("clock").textContent = clockText(step.seconds * 1000);
    this.el("reps").textContent = countText(step);
    this.el("face-label").textContent = step.place;
    this.root.querySelectorAll(".face .stroke").forEach(function (stroke) {
      stroke.classList.toggle("on", stroke.dataset.strokeFor === step.id);
    });
    this.root.querySelectorAll(".face .region").forEach(function (region) {
      var areaMatches = region.dataset.area === step.area || (step.area === "face" && region.dataset.area !== "neck");
      var sideMatches = step.side === "both" || step.side === "none" || region.dataset.side === "both" ||
        region.dataset.side === step.side;
      region.classList.toggle("on", areaMatches && sideMatches);
    });
    this.steps.forEach(function (s, i) {
      if (i === index) s.el.setAttribute("aria-current", "step"); else s.el.removeAttribute("aria-current");
    });
    this.button("back").disabled = index === 0;
    var othersPending = this.steps.some(function (s, i) { return i !== index && s.state === "pending"; });
    this.button("done").setAttribute("aria-label", othersPending ? "Done, next step" : "Done, finish");
    document.title = step.title + " (" + (index + 1) + " of " + total + ") · FaceReps";
  };

  Player.prototype.announceStep = function () {
    var step = this.steps[this.index];
    this.say("Step " + (this.index + 1) + " of " + this.steps.length + ". " + step.place + ": " +
      step.title + ". " + step.instruction);
  };

  // --- the clock: remaining time always comes from timestamps ---------------------------
  Player.prototype.start = function () {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (Context && !this.audio) {
      try { this.audio = new Context(); } catch (e) { this.audio = null; }
    }
    // Pause takes Start's place (same size, same spot), so nothing moves and the page never scrolls;
    // focus goes with it for keyboard users.
    var start = this.button("start");
    var pause = this.button("pause");
    var hadFocus = document.activeElement === start;
    start.hidden = true;
    pause.hidden = false;
    this.root.querySelector("[data-start-hint]").hidden = true;
    this.keepAwake();
    this.setState("countdown");
    if (hadFocus) pause.focus({ preventScroll: true });
    this.countInEnds = Date.now() + COUNT_IN_MS;
    this.say("Get ready.");
    this.run();
  };

  Player.prototype.run = function () {
    var self = this;
    clearInterval(this.timer);
    this.timer = setInterval(function () { self.tick(); }, TICK_MS);
    this.tick();
  };

  Player.prototype.beginStep = function () {
    this.stepStarted = Date.now();
    this.pausedFor = 0;
    this.cuesGiven = 0;
    this.setState("running");
    this.showCount(1);
    this.stepTone();
    this.announceStep();
  };

  Player.prototype.tick = function () {
    var now = Date.now();
    if (this.state === "countdown") {
      var left = this.countInEnds - now;
      this.el("clock").textContent = String(Math.max(1, Math.ceil(left / 1000)));
      if (left <= 0) {
        this.show(this.index);
        this.beginStep();
      }
      return;
    }
    if (this.state !== "running") return;
    var step = this.steps[this.index];
    var elapsed = now - this.stepStarted - this.pausedFor;
    var duration = step.seconds * 1000;
    this.el("clock").textContent = clockText(duration - elapsed);
    if (step.cue) {
      // One cue as each glide ends: 15 s of 5 s glides cue at 5, 10 and 15 s.
      var due = Math.min(step.reps, Math.floor(elapsed / (step.cue * 1000)));
      while (this.cuesGiven < due) {
        this.cuesGiven += 1;
        this.cue(this.cuesGiven, step.reps);
      }
    }
    if (elapsed >= duration) {
      if (this.prefs.autoAdvance) {
        this.complete("done");
      } else {
        this.setState("waiting");
        this.el("clock").textContent = "0:00";
        this.tone(660, 300);
        this.say("Time is up. Tap Done for the next step.");
      }
    }
  };

  Player.prototype.pause = function () {
    if (this.state !== "running" && this.state !== "waiting" && this.state !== "countdown") return;
    this.pausedAt = Date.now();
    this.resumeTo = this.state;
    this.setState("paused");
    this.say("Paused.");
  };

  Player.prototype.resume = function () {
    var paused = Date.now() - this.pausedAt;
    if (this.resumeTo === "countdown") this.countInEnds += paused; else this.pausedFor += paused;
    this.setState(this.resumeTo || "running");
    this.say("Resumed.");
    this.keepAwake();
  };

  // --- moving between steps, recorded on the server ---------------------------------------
  Player.prototype.nextPending = function (from) {
    for (var offset = 1; offset <= this.steps.length; offset += 1) {
      var i = (from + offset) % this.steps.length;
      if (this.steps[i].state === "pending") return i;
    }
    return -1;
  };

  Player.prototype.markStep = function (step, state) {
    step.state = state;
    step.el.dataset.state = state;
    step.el.querySelector("[data-step-state]").textContent = state === "pending" ? "" : "· " + state;
  };

  Player.prototype.complete = function (outcome) {
    var step = this.steps[this.index];
    this.markStep(step, outcome === "done" ? "done" : "skipped");
    this.send(this.root.dataset.recordUrl.replace("STEP", encodeURIComponent(step.id)), "outcome=" + outcome);
    var next = this.nextPending(this.index);
    if (next < 0) return this.finish();
    this.show(next);
    if (this.state === "ready") return;
    this.beginStep();
  };

  Player.prototype.back = function () {
    if (this.index === 0) return;
    this.send(this.root.dataset.backUrl, "");
    this.show(this.index - 1);
    if (this.state !== "ready") this.beginStep();
  };

  Player.prototype.finish = function () {
    var self = this;
    clearInterval(this.timer);
    this.setState("finished");
    if (this.wakeLock) this.wakeLock.release().catch(function () {});
    this.say("Session complete. Saving.");
    this.send(this.root.dataset.finishUrl, "", function () { window.location.assign(self.root.dataset.doneUrl); });
  };

  // Every step goes through the outbox (IndexedDB): sent at once when online, kept on the phone
  // and replayed in order when not. Each carries a client id, so a replay is applied only once.
  Player.prototype.send = function (url, body, then) {
    var self = this;
    this.sentHere = true;
    var id = window.FaceOutbox.newId();
    window.FaceOutbox.add({
      id: id, url: url, body: (body ? body + "&" : "") + "client_id=" + encodeURIComponent(id),
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" }
    }).then(function () { self.flush(then); });
  };

  Player.prototype.showSync = function (waiting) {
    this.root.dataset.unsaved = String(waiting);
    var sync = this.el("sync");
    sync.hidden = waiting === 0;
    sync.textContent = waiting === 1 ? "1 step saved on this phone: it will be sent when you are back online." :
      waiting + " steps saved on this phone: they will be sent when you are back online.";
  };

  Player.prototype.flush = function (then) {
    var self = this;
    if (then) this.afterSync = then;
    window.FaceOutbox.replay().then(function (sent) {
      self.root.dataset.sent = String(window.FaceOutbox.sent);
      if (sent && self.state === "ready" && !self.afterSync && !self.sentHere && !self.root.dataset.reloaded) {
        // Steps saved on this phone by an earlier visit just reached the server: show where it stands.
        self.root.dataset.reloaded = "1";
        window.location.reload();
        return;
      }
      return window.FaceOutbox.all().then(function (items) {
        self.showSync(items.length);
        if (!items.length) {
          var callback = self.afterSync;
          self.afterSync = null;
          if (callback) callback();
        } else if (sent) {
          self.flush();
        } else {
          clearTimeout(self.retry);
          self.retry = setTimeout(function () { self.flush(); }, 5000);
        }
      });
    });
  };

  function init(root) {
    root.querySelectorAll("[data-player]").forEach(function (element) {
      if (!element.player) element.player = new Player(element);
    });
  }

  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) init(document);
  });
})();
