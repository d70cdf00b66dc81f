// Mirror mode's rules, pure (no page, no camera): what a face's landmarks measure, how reps and holds are
// counted from those measures, what the status line says, how fast landmarks come, and where a landmark shows
// on the mirrored picture. Landmarks are MediaPipe's 468 face mesh points as one flat list [x0, y0, x1, y1, ...]
// in the camera frame's pixels (not mirrored); the catalog (data/catalog/mirror.toml) names the points and rules.
(function (root) {
  "use strict";

  var WARM_UP = 5;          // measures before the resting value is known (the median of these)
  var RELEASE = 0.4;        // back below this share of the movement: released
  var ADAPT = 0.05;         // at rest, the resting value follows slow drift (the phone moving, the light)
  var FOLLOW = 0.5;         // ...and quickly follows a face more at rest than it (first seen mid-movement)
  var DARK = 40;            // mean light (0 to 255) under which the picture is too dark to find a face

  function at(lm, i) { return [lm[2 * i], lm[2 * i + 1]]; }

  function gap(lm, i, j) { return Math.hypot(lm[2 * i] - lm[2 * j], lm[2 * i + 1] - lm[2 * j + 1]); }

  // The unit of every measure: the width between the outer eye corners (33: the user's right, 263: left), which
  // none of the exercises moves, so a face nearer the camera measures the same.
  function span(lm) { return gap(lm, 33, 263) || 1; }

  // Each measure by name (mirror.toml's `metric`), in eye-corner widths.
  var METRICS = {
    // the brows' upper edge above the upper lids (105/159: right, 334/386: left)
    brow_raise: function (lm) { return (gap(lm, 105, 159) + gap(lm, 334, 386)) / 2 / span(lm); },
    // mouth corner to mouth corner: a smile widens it
    mouth_width: function (lm) { return gap(lm, 61, 291) / span(lm); },
    // mouth corners to the outer eye corners: lifting the cheeks shortens it
    cheek_lift: function (lm) { return (gap(lm, 61, 33) + gap(lm, 291, 263)) / 2 / span(lm); },
    // the lips apart (inner upper lip 13, inner lower lip 14)
    mouth_open: function (lm) { return gap(lm, 13, 14) / span(lm); },
    // how much lip shows, upper (0 to 13) and lower (14 to 17): pressing the lips thins it
    lip_height: function (lm) { return (gap(lm, 0, 13) + gap(lm, 14, 17)) / span(lm); },
    // the chin (152) beside the middle of the eyes, along the eye line towards the user's left
    jaw_shift: function (lm) {
      var left = at(lm, 263), right = at(lm, 33), chin = at(lm, 152);
      var ux = left[0] - right[0], uy = left[1] - right[1];
      var along = (chin[0] - (left[0] + right[0]) / 2) * ux + (chin[1] - (left[1] + right[1]) / 2) * uy;
      return along / (ux * ux + uy * uy || 1);
    },
    // the lids apart (159/145: right eye, 386/374: left)
    eye_opening: function (lm) { return (gap(lm, 159, 145) + gap(lm, 386, 374)) / 2 / span(lm); }
  };

  function measure(metric, lm) { return lm ? METRICS[metric](lm) : null; }

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var middle = sorted.length >> 1;
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  // A counter before its first measure.
  function counter() {
    return { moved: false, rest: null, warm: [], reps: 0, holds: 0, since: 0, heldMs: 0, held: false };
  }

  // The counter after one measure (`value`, null when no face is in view) at `t` ms: each movement past
  // `rule.move` from the resting value, in `rule.direction`, and back, is a rep; held `holdMs`, a hold.
  function count(rule, state, value, t, holdMs) {
    var next = {
      moved: state.moved, rest: state.rest, warm: state.warm, reps: state.reps, holds: state.holds,
      since: state.since, heldMs: state.heldMs, held: state.held
    };
    if (value === null || value === undefined) {  // the face went: a movement under way does not count
      next.moved = false;
      next.heldMs = 0;
      next.held = false;
      return next;
    }
    if (next.rest === null) {
      next.warm = state.warm.concat([value]);
      if (next.warm.length >= WARM_UP) {
        next.rest = median(next.warm);
        next.warm = [];
      }
      return next;
    }
    var away = (value - next.rest) * (rule.direction === "down" ? -1 : 1);
    if (!next.moved) {
      if (away >= rule.move) {
        next.moved = true;
        next.since = t;
        next.heldMs = 0;
        next.held = false;
      } else if (away < 0) {
        next.rest += (value - next.rest) * FOLLOW;  // more at rest than thought (it began mid-movement)
      } else if (away < rule.move * RELEASE) {
        next.rest += (value - next.rest) * ADAPT;
      }
      return next;
    }
    if (away <= rule.move * RELEASE) {
      next.moved = false;
      next.heldMs = 0;
      next.held = false;
      if (rule.count === "reps") next.reps += 1;
      return next;
    }
    next.heldMs = t - next.since;
    if (rule.count === "hold" && !next.held && next.heldMs >= holdMs) {
      next.held = true;
      next.holds += 1;
    }
    return next;
  }

  // A whole run of [t, landmarks] through one rule: the counter at its end (the tests' way in).
  function countAll(rule, frames, holdMs) {
    if (!rule) return counter();
    return frames.reduce(function (state, frame) {
      return count(rule, state, measure(rule.metric, frame[1]), frame[0], holdMs);
    }, counter());
  }

  // The count line: "Rep 3 of 12", "Hold 12 s", "Hold 1 of 3", or "counted by time" for an exercise the
  // mirror cannot judge.
  function countText(rule, state, of) {
    if (!rule) return "counted by time";
    if (rule.count === "hold") {
      return state.moved ? "Hold " + Math.floor(state.heldMs / 1000) + " s" : "Hold " + Math.min(state.holds, of) + " of " + of;
    }
    return "Rep " + Math.min(state.reps, of) + " of " + of;
  }

  // "face", "none" or "dark", from one frame: whether a face was found and its mean light.
  function seen(face, light) {
    if (face) return "face";
    return light !== null && light !== undefined && light < DARK ? "dark" : "none";
  }

  var WORDS = {
    face: "Face in view",
    none: "No face in view: hold the phone at arm’s length",
    dark: "Too dark",
    paused: "Paused: no face in view"
  };

  // Landmark frames a second over the last `windowMs` ms (`times`: when each came, oldest first).
  function rate(times, now, windowMs) {
    var since = now - windowMs, n = 0;
    for (var i = times.length - 1; i >= 0 && times[i] >= since; i -= 1) n += 1;
    return n * 1000 / windowMs;
  }

  // Where a point of a frame (`width` x `height` pixels) shows on the mirrored picture filling a box of
  // `boxW` x `boxH` (CSS object-fit: cover, then flipped left to right).
  function placer(width, height, boxW, boxH) {
    var scale = Math.max(boxW / width, boxH / height);
    var left = (boxW - width * scale) / 2, top = (boxH - height * scale) / 2;
    return function (x, y) { return [boxW - (left + x * scale), top + y * scale]; };
  }

  // A catalog point on the picture: a landmark, or [landmark, down]: that many face heights (forehead 10 to
  // chin 152) below it, along the face (the neck, which the mesh does not cover).
  function place(lm, point, to) {
    var i = typeof point === "number" ? point : point[0];
    var down = typeof point === "number" ? 0 : point[1];
    var x = lm[2 * i], y = lm[2 * i + 1];
    if (down) {
      x += (lm[2 * 152] - lm[2 * 10]) * down;
      y += (lm[2 * 152 + 1] - lm[2 * 10 + 1]) * down;
    }
    return to(x, y);
  }

  // An SVG path through the points (closed for an outline).
  function path(points, closed) {
    return points.map(function (p, i) {
      return (i ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1);
    }).join(" ") + (closed ? " Z" : "");
  }

  // Landmarks eased towards the newest (a steadier overlay): `share` of the way.
  function ease(previous, next, share) {
    if (!previous || previous.length !== next.length) return Float32Array.from(next);
    var out = new Float32Array(next.length);
    for (var i = 0; i < next.length; i += 1) out[i] = previous[i] + (next[i] - previous[i]) * share;
    return out;
  }

  root.MirrorRules = {
    METRICS: Object.keys(METRICS), DARK: DARK, WORDS: WORDS,
    measure: measure, counter: counter, count: count, countAll: countAll, countText: countText,
    seen: seen, rate: rate, placer: placer, place: place, path: path, ease: ease
  };
})(typeof self !== "undefined" ? self : this);
