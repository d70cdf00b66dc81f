// Mirror mode's face landmarks, found off the page's thread (so the timer and the cues never wait for them):
// MediaPipe's face mesh (static/vendor/face_mesh, pinned in package-lock.json, served from this site) runs on
// each frame the page sends and answers with the 468 landmarks in the frame's pixels, or none, and the frame's
// mean light. Frames are closed as soon as they are read; nothing is kept, and nothing goes anywhere but back
// to the page. This file is served with its own Content-Security-Policy (views/security.py): the package's
// Emscripten glue makes functions from strings, which no page of the app allows.
"use strict";

var mesh = null;
var ready = false;
var busy = false;
var frame = { width: 0, height: 0, light: null };
var small = null;
var result = null;  // the answer to the frame under way (onResults comes before send() settles)

function fail(stage, error) {
  postMessage({ failed: stage, why: String((error && error.message) || error) });
}

// The package's worker path reads its Emscripten Module from this global (its loader's `Module`). Two fixes
// for that path, checked by the Mirror browser tests: Emscripten is asked for WebGL 2 (the package's own
// option was renamed by its minifier, so it asks for WebGL 1, which here loses the face every third frame),
// and the solution is given the context it made (the page path keeps it to upload frames; the worker path
// does not, and fails on the first frame).
function moduleFor(locate) {
  var module = { locateFile: locate };
  var gl;
  Object.defineProperty(module, "GL", {
    configurable: true, enumerable: true,
    get: function () { return gl; },
    set: function (value) {
      gl = value;
      if (!value || !value.createContext || value.createContext.webgl2) return;
      var create = value.createContext;
      value.createContext = function (canvas, attributes) {
        return create.call(this, canvas, Object.assign({}, attributes, { majorVersion: 2, minorVersion: 0 }));
      };
      value.createContext.webgl2 = true;
    }
  });
  return module;
}

function keepContext(solution) {
  Object.keys(solution).forEach(function (key) {
    var part = solution[key];
    if (!part || typeof part !== "object") return;
    Object.keys(part).forEach(function (name) {
      if (typeof OffscreenCanvas !== "undefined" && part[name] instanceof OffscreenCanvas && !part.J) {
        part.J = part[name].getContext("webgl2") || part[name].getContext("webgl");
      }
    });
  });
}

function answer(results) {
  if (results.image && results.image.close) results.image.close();
  var faces = results.multiFaceLandmarks || [];
  var points = null;
  if (faces.length) {
    var found = faces[0];
    points = new Float32Array(found.length * 2);
    for (var i = 0; i < found.length; i += 1) {
      points[2 * i] = found[i].x * frame.width;
      points[2 * i + 1] = found[i].y * frame.height;
    }
  }
  result = points;
}

// Every frame gets one answer, face or not, so the page knows it can send the next.
function reply(took) {
  var points = result;
  result = null;
  var message = { landmarks: points, width: frame.width, height: frame.height, light: frame.light, took: took };
  postMessage(message, points ? [points.buffer] : []);
}

// The mean light of the frame (0 to 255), from a 16 x 12 copy.
function lightOf(bitmap) {
  try {
    small = small || new OffscreenCanvas(16, 12);
    var context = small.getContext("2d", { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0, 16, 12);
    var pixels = context.getImageData(0, 0, 16, 12).data;
    var sum = 0;
    for (var i = 0; i < pixels.length; i += 4) sum += 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
    context.clearRect(0, 0, 16, 12);
    return sum / (pixels.length / 4);
  } catch (e) {
    return null;
  }
}

function start(options) {
  function locate(file) { return options.vendor + file + "?v=" + encodeURIComponent(options.version); }
  self.createMediapipeSolutionsPackedAssets = moduleFor(locate);
  try {
    importScripts(locate("face_mesh.js"));
  } catch (e) {
    return fail("load", e);
  }
  mesh = new self.FaceMesh({ locateFile: locate });
  // One face, the package's default confidences (setting them breaks this build's detector).
  mesh.setOptions({ maxNumFaces: 1, refineLandmarks: false });
  mesh.onResults(answer);
  mesh.initialize().then(function () {
    keepContext(mesh);
    ready = true;
    postMessage({ ready: true });
  }, function (e) { fail("start", e); });
}

function look(bitmap) {
  if (!ready || busy) {  // the page sends one frame at a time; anything else is dropped, not queued
    bitmap.close();
    return;
  }
  busy = true;
  frame = { width: bitmap.width, height: bitmap.height, light: lightOf(bitmap) };
  result = null;
  var began = performance.now();
  mesh.send({ image: bitmap }).then(function () {
    bitmap.close();
    busy = false;
    reply(performance.now() - began);
  }, function (e) {
    bitmap.close();
    busy = false;
    fail("frame", e);
  });
}

self.onmessage = function (event) {
  var data = event.data || {};
  if (data.start) start(data.start);
  else if (data.frame) look(data.frame);
};
