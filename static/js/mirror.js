// Mirror mode: the front camera as the guided player's mirror, with the step's area outlined on the user's face
// and its stroke drawn as an arrow. Loaded by player.js when Mirror is turned on. Face landmarks are found on
// this phone by a worker (mirror-worker.js, MediaPipe's face mesh); frames go to it one at a time and are never
// drawn, stored or sent anywhere; turning Mirror off, ending the session or leaving the page stops the camera
// and forgets every landmark and count. Rules and geometry: mirror-rules.js; the map of the face: the catalog.
(function () {
  "use strict";

  var Rules = window.MirrorRules;
  var SVG = "http://www.w3.org/2000/svg";
  var NO_FACE_PAUSE_MS = 3000;   // no face this long: the timer pauses, if the user allows it
  var STEADY_MS = 1500;          // a new status shows (and is read out) once it has held this long
  var SLOW_AFTER_MS = 6000;      // the landmark rate is judged after this long (the first frames are slow)
  var SLOW_FOR_MS = 4000;        // ...and gives up when it stays under the minimum this long
  var START_LIMIT_MS = 60000;    // the face finder must be ready within this (its first download included)
  var STALL_MS = 20000;          // ...and answer its first frame within this once ready
  var LONG_SIDE = 480;           // frames are sent at most this many pixels long

  function Mirror(player) {
    this.player = player;
    this.root = player.root;
    this.box = this.root.querySelector("[data-mirror]");
    this.view = this.root.querySelector("[data-mirror-view]");
    this.video = this.root.querySelector("[data-mirror-video]");
    this.overlay = this.root.querySelector("[data-mirror-overlay]");
    this.shapes = this.root.querySelector("[data-mirror-shapes]");
    this.countLine = this.root.querySelector("[data-mirror-count]");
    this.statusLine = this.root.querySelector("[data-mirror-status]");
    this.pauseBox = this.root.querySelector("[data-mirror-pause]");
    this.plan = JSON.parse(this.box.dataset.mirrorPlan || "{}");
    this.on = false;
    this.run = 0;  // each start gets its own number: late answers of an earlier one are ignored
    this.watch();
  }

  // --- on and off ------------------------------------------------------------------------------------
  Mirror.prototype.toggle = function (on) {
    if (on === undefined) on = !this.on;
    if (on) this.start(); else this.stop("", false);
  };

  Mirror.prototype.unsupported = function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return "This browser cannot use the camera here";
    if (!window.Worker || !window.WebAssembly || !window.createImageBitmap || !window.OffscreenCanvas) {
      return "This browser is too old for Mirror";
    }
    var canvas = new OffscreenCanvas(1, 1);
    if (!canvas.getContext("webgl2")) return "This phone cannot draw the face finder (no WebGL 2)";
    return "";
  };

  Mirror.prototype.start = function () {
    if (this.on) return;
    var why = this.unsupported();
    if (why) return this.stop(why + ": the plain player is on.", true);
    var self = this;
    var run = this.run += 1;
    this.on = true;
    this.player.rememberMirror(true);
    this.showSwitch(true);
    this.root.dataset.mirrorState = "starting";
    this.setStatus("starting", "Starting the camera…");
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } }, audio: false
    }).then(function (stream) {
      if (run !== self.run) return stream.getTracks().forEach(function (track) { track.stop(); });
      self.stream = stream;
      stream.getVideoTracks().forEach(function (track) {  // taken by another app, permission withdrawn...
        track.addEventListener("ended", function () {
          if (run === self.run) self.stop("The camera stopped: the plain player is on.", true);
        });
      });
      self.video.srcObject = stream;
      self.video.play().catch(function () {});
      self.view.hidden = false;
      self.startWorker(run);
    }, function (error) {
      if (run !== self.run) return;
      var name = error && error.name;
      self.stop(name === "NotAllowedError" || name === "SecurityError" ?
        "Camera permission refused: the plain player is on." :
        "No front camera could be used: the plain player is on.", true);
    });
  };

  Mirror.prototype.startWorker = function (run) {
    var self = this;
    this.setStatus("starting", "Loading the face finder (it stays on this phone)…");
    try {
      this.worker = new Worker(this.box.dataset.mirrorWorker);
    } catch (e) {
      return this.stop("Mirror could not start on this phone: the plain player is on.", true);
    }
    this.worker.onmessage = function (event) { if (run === self.run) self.hear(event.data); };
    this.worker.onerror = function () {
      if (run === self.run) self.stop("Mirror could not start on this phone: the plain player is on.", true);
    };
    this.worker.postMessage({ start: { vendor: this.box.dataset.mirrorVendor, version: this.box.dataset.mirrorVersion } });
    this.startLimit = setTimeout(function () {
      if (run === self.run && !self.ready) self.stop("Mirror took too long to start: the plain player is on.", true);
    }, START_LIMIT_MS);
  };

  // Everything stops and is forgotten: the camera (its light goes off), the worker, the landmarks, the counts.
  // `why`: the one line saying why the plain player is back (a failure), or "" (turned off).
  Mirror.prototype.stop = function (why, failed) {
    this.run += 1;
    this.on = false;
    this.ready = false;
    clearTimeout(this.startLimit);
    clearTimeout(this.stallCheck);
    if (this.frameRequest) {
      if (this.video.cancelVideoFrameCallback) this.video.cancelVideoFrameCallback(this.frameRequest);
      else cancelAnimationFrame(this.frameRequest);
    }
    this.frameRequest = null;
    if (this.worker) this.worker.terminate();
    this.worker = null;
    if (this.stream) this.stream.getTracks().forEach(function (track) { track.stop(); });
    this.stream = null;
    this.video.removeAttribute("src");
    this.video.srcObject = null;
    this.view.hidden = true;
    this.waiting = false;
    this.grabbing = false;
    if (this.pending) this.pending.close();
    this.pending = null;
    this.landmarks = null;
    this.times = [];
    this.work = [];
    this.counter = null;
    this.status = null;
    this.candidate = null;
    this.noFaceSince = null;
    this.slowSince = null;
    this.clearShapes();
    this.countLine.textContent = "";
    this.showSwitch(false);
    delete this.root.dataset.mirrorFps;
    delete this.root.dataset.mirrorFrames;
    delete this.root.dataset.mirrorSeen;
    delete this.root.dataset.mirrorWorkMs;
    this.root.dataset.mirrorState = failed ? "failed" : "off";
    if (failed) this.player.rememberMirror(false);
    this.statusLine.textContent = why || "";
    this.pausedByMirror = false;  // a timer it paused stays paused: Resume is the user's
  };

  Mirror.prototype.showSwitch = function (on) {
    this.player.button("mirror").setAttribute("aria-pressed", on ? "true" : "false");
    this.root.querySelector("[data-mirror-pause-label]").hidden = !on;
    if (on) this.root.dataset.mirrorOn = ""; else delete this.root.dataset.mirrorOn;
  };

  // --- frames out, landmarks back ---------------------------------------------------------------
  Mirror.prototype.hear = function (message) {
    if (message.failed) {
      return this.stop("Mirror could not start on this phone: the plain player is on.", true);
    }
    if (message.ready) {
      this.ready = true;
      this.readyAt = performance.now();
      clearTimeout(this.startLimit);
      this.root.dataset.mirrorState = "on";
      this.times = [];
      this.frames = 0;
      this.stepChanged();
      this.next();
      var run = this.run, self = this;
      this.stallCheck = setTimeout(function () {  // ready, but no frame ever answered
        if (run === self.run && !self.frames) self.stop("Mirror could not start on this phone: the plain player is on.", true);
      }, STALL_MS);
      return;
    }
    if (!("landmarks" in message)) return;
    this.waiting = false;
    this.sendPending();  // the worker starts on the next frame while this one is shown
    var now = performance.now();
    this.times.push(now);
    if (this.times.length > 120) this.times.shift();
    this.frames += 1;
    this.root.dataset.mirrorFrames = String(this.frames);
    this.work = (this.work || []).concat([message.took]).slice(-30);
    this.root.dataset.mirrorWorkMs = this.work.slice().sort(function (a, b) { return a - b; })[this.work.length >> 1].toFixed(0);
    var fps = Rules.rate(this.times, now, 2000);
    this.root.dataset.mirrorFps = fps.toFixed(1);
    var face = message.landmarks;
    this.landmarks = face ? Rules.ease(this.landmarks, face, 0.6) : null;
    this.frameSize = [message.width, message.height];
    this.judge(Rules.seen(!!face, message.light), now);
    this.countMovement(face, now);
    this.draw();
    this.checkRate(fps, now);
  };

  // Each new camera frame is copied (at most LONG_SIDE pixels long) and sent when the worker is free; while it
  // is busy the newest copy waits (older ones are dropped), so the worker never waits for the camera and the
  // rate is whatever this phone manages.
  Mirror.prototype.next = function () {
    var self = this;
    var run = this.run;
    if (!this.on || !this.ready) return;
    var take = function () {
      self.frameRequest = null;
      if (run !== self.run) return;
      var video = self.video;
      if (!self.grabbing && video.readyState >= 2 && video.videoWidth) {
        var scale = Math.min(1, LONG_SIDE / Math.max(video.videoWidth, video.videoHeight));
        self.grabbing = true;
        var size = {
          resizeWidth: Math.round(video.videoWidth * scale), resizeHeight: Math.round(video.videoHeight * scale),
          resizeQuality: "low"
        };
        // A browser that cannot resize a copy sends it whole.
        createImageBitmap(video, size).catch(function () { return createImageBitmap(video); }).then(function (bitmap) {
          self.grabbing = false;
          if (run !== self.run || !self.worker) return bitmap.close();
          if (!self.waiting) return self.send(bitmap);
          if (self.pending) self.pending.close();
          self.pending = bitmap;
        }, function () { self.grabbing = false; });
      }
      self.next();
    };
    if (this.video.requestVideoFrameCallback) this.frameRequest = this.video.requestVideoFrameCallback(take);
    else this.frameRequest = requestAnimationFrame(take);
  };

  Mirror.prototype.send = function (bitmap) {
    this.waiting = true;
    this.worker.postMessage({ frame: bitmap }, [bitmap]);
  };

  Mirror.prototype.sendPending = function () {
    var bitmap = this.pending;
    this.pending = null;
    if (bitmap) this.send(bitmap);
  };

  // Under the minimum rate for a while (after the first seconds): this phone is too slow, back to the plain player.
  Mirror.prototype.checkRate = function (fps, now) {
    // The server sets the minimum (data-mirror-min-fps); the two waits can be set there too (the tests do).
    var least = Number(this.box.dataset.mirrorMinFps) || 0;
    var after = Number(this.box.dataset.mirrorSlowAfter) || SLOW_AFTER_MS;
    if (!least || now - this.readyAt < after) return;
    if (fps >= least) { this.slowSince = null; return; }
    if (this.slowSince === null || this.slowSince === undefined) this.slowSince = now;
    if (now - this.slowSince >= (Number(this.box.dataset.mirrorSlowFor) || SLOW_FOR_MS)) {
      this.stop("This phone is too slow for Mirror (" + fps.toFixed(0) + " frames a second): the plain player is on.", true);
    }
  };

  // --- the status line, and pausing when no face is in view ------------------------------------------
  Mirror.prototype.setStatus = function (kind, text) {
    this.status = kind;
    this.root.dataset.mirrorSeen = kind;
    if (this.statusLine.textContent !== text) this.statusLine.textContent = text;  // read out on change only
  };

  Mirror.prototype.judge = function (kind, now) {
    if (kind === "face") this.noFaceSince = null;
    else if (this.noFaceSince === null || this.noFaceSince === undefined) this.noFaceSince = now;
    if (kind !== this.candidate) { this.candidate = kind; this.candidateSince = now; }
    var first = this.status === "starting";
    if (kind !== this.status && this.status !== "paused" && (first || now - this.candidateSince >= STEADY_MS)) {
      this.setStatus(kind, Rules.WORDS[kind]);
    }
    var state = this.player.state;
    if (kind !== "face" && this.pauseBox.checked && now - this.noFaceSince >= NO_FACE_PAUSE_MS &&
        (state === "running" || state === "countdown" || state === "waiting")) {
      this.player.pause();
      this.pausedByMirror = true;
      this.setStatus("paused", Rules.WORDS.paused);
      this.player.say("Paused: no face in view.");
    } else if (kind === "face" && this.status === "paused") {
      if (this.pausedByMirror && state === "paused") {
        this.player.resume();
        this.player.say("Resumed: face in view.");
      }
      this.pausedByMirror = false;
      this.setStatus("face", Rules.WORDS.face);
    }
  };

  // --- the step: its outline and stroke on the face, and its reps or holds ----------------------------
  Mirror.prototype.stepPlan = function () {
    var step = this.player.steps[this.player.index];
    return { step: step, plan: (this.plan.steps || {})[step.id] || { areas: [], strokes: [], rule: null } };
  };

  Mirror.prototype.clearShapes = function () {
    while (this.shapes.firstChild) this.shapes.removeChild(this.shapes.firstChild);
    this.drawn = [];
  };

  Mirror.prototype.stepChanged = function () {
    if (!this.on) return;
    var here = this.stepPlan();
    var shapes = this.plan.shapes || [];
    var self = this;
    this.counter = Rules.counter();
    this.clearShapes();
    here.plan.areas.forEach(function (place) {
      var outline = document.createElementNS(SVG, "path");
      outline.setAttribute("class", "mirror-area");
      self.shapes.appendChild(outline);
      self.drawn.push({ element: outline, points: shapes[place], closed: true });
    });
    here.plan.strokes.forEach(function (place) {
      var group = document.createElementNS(SVG, "g");
      group.setAttribute("class", "mirror-stroke");
      group.setAttribute("data-pace", String(here.step.cue));
      var track = document.createElementNS(SVG, "path");
      track.setAttribute("class", "mirror-stroke-track");
      track.setAttribute("marker-end", "url(#mirror-head)");
      var line = document.createElementNS(SVG, "path");
      line.setAttribute("class", "mirror-stroke-draw");
      line.setAttribute("pathLength", "100");
      group.appendChild(track);
      group.appendChild(line);
      self.shapes.appendChild(group);
      self.drawn.push({ element: track, points: shapes[place], closed: false });
      self.drawn.push({ element: line, points: shapes[place], closed: false });
    });
    this.showCount();
    this.draw();
  };

  Mirror.prototype.countMovement = function (face, now) {
    var here = this.stepPlan();
    var rule = here.plan.rule;
    if (!rule || !this.counter) return;
    // Counted only while the step's clock runs (not in the count-in, not paused).
    if (this.player.state !== "running") return;
    this.counter = Rules.count(rule, this.counter, Rules.measure(rule.metric, face), now, here.step.cue * 1000);
    this.showCount();
  };

  Mirror.prototype.showCount = function () {
    var here = this.stepPlan();
    // Exercises (reps and holds) say how they are counted; glides, passes and minutes go by the timer anyway.
    var exercise = here.step.cue && (here.step.count === "rep" || here.step.count === "hold");
    var text = here.plan.rule || exercise ? Rules.countText(here.plan.rule, this.counter || Rules.counter(), here.step.reps) : "";
    if (this.countLine.textContent !== text) this.countLine.textContent = text;
  };

  Mirror.prototype.draw = function () {
    var box = this.overlay.getBoundingClientRect();
    if (!box.width || !box.height) return;
    this.overlay.setAttribute("viewBox", "0 0 " + box.width.toFixed(0) + " " + box.height.toFixed(0));
    var lm = this.landmarks;
    this.shapes.classList.toggle("lost", !lm);
    if (!lm) return;
    var to = Rules.placer(this.frameSize[0], this.frameSize[1], box.width, box.height);
    this.drawn.forEach(function (shape) {
      var points = shape.points.map(function (point) { return Rules.place(lm, point, to); });
      shape.element.setAttribute("d", Rules.path(points, shape.closed));
    });
  };

  // --- following the player: its step, and its end -------------------------------------------------
  Mirror.prototype.watch = function () {
    var self = this;
    var index = this.root.dataset.index;
    new MutationObserver(function () {
      var state = self.root.dataset.state;
      if (state === "finished" && self.on) return self.stop("", false);  // the session ended
      if (self.status === "paused" && state !== "paused") {
        // Resumed by hand while out of view: the mirror waits its few seconds again before pausing.
        self.pausedByMirror = false;
        self.noFaceSince = self.noFaceSince === null ? null : performance.now();
        self.setStatus(self.candidate || "none", Rules.WORDS[self.candidate || "none"]);
      }
      if (self.root.dataset.index !== index) {
        index = self.root.dataset.index;
        self.stepChanged();
      }
    }).observe(this.root, { attributes: true, attributeFilter: ["data-index", "data-state"] });
    window.addEventListener("pagehide", function () { if (self.on) self.stop("", false); });
    window.addEventListener("resize", function () { if (self.on) self.draw(); });
  };

  window.FaceMirror = {
    // The player's mirror (made on first use): turned on, off, or switched.
    toggle: function (player, on) {
      if (!player.root.mirror) player.root.mirror = new Mirror(player);
      player.root.mirror.toggle(on);
      return player.root.mirror;
    }
  };
})();
