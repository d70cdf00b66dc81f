"""The installable app: manifest, service worker, offline page, calendar feed and health check."""
import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, json, make_response, render_template, url_for

from model import calendar, own_catalog, store
from model.schedule import local_day
from views.web import catalog, get_db, now

bp = Blueprint("pwa", __name__)
SHELL_FILES = ["css/app.css", "js/app.js", "js/player.js", "vendor/htmx.min.js", "icons/icon-192.png"]


def static_version(app) -> str:
    """A hash of the app shell's files: a deploy that changes any of them changes the worker."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = Path(app.static_folder) / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest (name, icons, colours, start URL)."""
    icons = [{"src": url_for("static", filename=f"icons/{name}"), "sizes": size, "type": "image/png",
              "purpose": purpose} for name, size, purpose in [("icon-192.png", "192x192", "any"),
                                                               ("icon-512.png", "512x512", "any"),
                                                               ("icon-maskable-512.png", "512x512", "maskable")]]
    body = {"id": "/", "name": "FaceReps", "short_name": "FaceReps", "start_url": "/today", "scope": "/",
            "display": "standalone", "background_color": "#faf7f5", "theme_color": "#7a3b5e",
            "description": "Guided, timed routines for at-home face devices and face workouts.", "icons": icons}
    response = make_response(json.dumps(body))
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, versioned by the app shell it precaches."""
    version = current_app.config["STATIC_VERSION"]
    precache = [url_for("static", filename=name, v=version) for name in SHELL_FILES] + [url_for("pwa.offline")]
    response = make_response(render_template("pwa/sw.js", version=version, precache=precache,
                                             outbox=url_for("static", filename="js/app.js", v=version)))
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker for a page that was never visited while online."""
    return render_template("pwa/offline.html")


@bp.get("/calendar/<token>.ics")
def calendar_feed(token):
    """A user's private calendar of upcoming sessions; the secret token is the only key."""
    user = store.user_by_calendar_token(get_db(), token) if len(token) <= 64 else None
    if user is None:
        abort(404)
    today = local_day(now(), user.time_zone, user.day_start_hour)
    own = own_catalog.with_own(get_db(), catalog(), user)
    response = make_response(calendar.feed(get_db(), own, user, today, now()))
    response.mimetype = "text/calendar"
    response.headers["Cache-Control"] = "private, max-age=900"
    return response


@bp.get("/healthz")
def healthz():
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        store.ping(get_db())
    except Exception:  # any failure to read means not healthy; say so without detail
        return {"status": "unavailable"}, 503
    return {"status": "ok"}
