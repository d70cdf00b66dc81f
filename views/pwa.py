"""The installable app: manifest, service worker, offline page, calendar feed and health check.

Also the login signal the service worker and the outbox go by: every page says which login it was
made for (the `X-FaceReps-Login` header and the `facereps-login` meta tag), so what a phone keeps
for offline use belongs to one login and is dropped when another login, or none, shows up.
"""

import functools
import hashlib
import hmac
from pathlib import Path

from flask import Blueprint, abort, current_app, json, make_response, render_template, request, url_for
from flask_login import current_user

from model import calendar, store
from model.store import db as database
from views.web import context, get_db, me

bp = Blueprint("pwa", __name__)
LOGIN_HEADER = "X-FaceReps-Login"
SIGNED_OUT = "none"  # the signal's value when no one is signed in (an id is hex, never this)
SHELL_FILES = [
    "css/app.css",
    "css/player.css",
    "js/outbox.js",
    "js/app.js",
    "js/player.js",
    "vendor/htmx.min.js",
    "icons/icon-192.png",
]
# Files one page loads (through asset(), like the shell): not precached, but their version is the shell's, so
# a deploy that changes one of them changes every asset URL too.
PAGE_FILES = [
    "css/progress.css",
    "css/reminders.css",
    "css/welcome.css",
    "js/passkeys.js",
    "js/photo.js",
    "js/reminders.js",
    # Mirror mode: loaded only when Mirror is turned on, then kept by the service worker (never precached).
    "js/mirror.js",
    "js/mirror-rules.js",
    "js/mirror-worker.js",
]
# MediaPipe's face mesh for Mirror mode, copied from node_modules at setup (Makefile): its files are asked for
# with the package's version, and the service worker keeps them after first use in a cache named after it.
FACE_MESH = "vendor/face_mesh/"
LOCK = Path(__file__).resolve().parent.parent / "package-lock.json"


WORKER = Path(__file__).resolve().parent.parent / "templates" / "pwa" / "sw.js"


def static_version(app) -> str:
    """A hash of the app shell's files and of the worker's own code: a deploy that changes any of them
    changes the worker's version (and so its shell cache)."""
    digest = hashlib.sha256(WORKER.read_bytes())
    for name in SHELL_FILES + PAGE_FILES:
        path = Path(app.static_folder) / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


@functools.cache
def face_mesh_version() -> str:
    """The pinned @mediapipe/face_mesh version (package-lock.json), which names its files' cache."""
    try:
        packages = json.loads(LOCK.read_text(encoding="utf-8"))["packages"]
        return str(packages["node_modules/@mediapipe/face_mesh"]["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"


def login_id():
    """An opaque id of this browser's login, SIGNED_OUT, or None when it cannot be told.

    An HMAC of the login token under the app's secret key: the same for the whole login, different
    for every other login (another user, or the same user signed in again), and no use to anyone
    who sees it: it cannot be turned back into the token, and nothing accepts it as a credential.
    """
    if request.endpoint in (None, "static", "pwa.offline"):
        return None  # the offline page is kept for whoever uses the phone next: it names no one
    try:
        token = me().login_token if current_user.is_authenticated else None
    except Exception:  # the database is down (an error page): say nothing rather than "signed out"
        return None
    if not token:
        return SIGNED_OUT
    return _signal(current_app.config["SECRET_KEY"], token)


@functools.lru_cache(maxsize=4096)
def _signal(key: str | bytes, token: str) -> str:
    """The HMAC of a login token (a pure function of key and token: kept, as every page asks it twice)."""
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, b"facereps-login-id\0" + token.encode(), hashlib.sha256).hexdigest()[:32]


@bp.app_context_processor
def login_signal_for_pages():
    """Give every template the login signal (`login_id`) for its meta tag."""
    return {"login_id": login_id()}


@bp.after_app_request
def login_signal_header(response):
    """Tell the service worker whose page this is (it keeps pages per login, see sw.js)."""
    if request.endpoint not in (None, "static"):
        signal = login_id()
        if signal is not None:
            response.headers[LOGIN_HEADER] = signal
    return response


@bp.before_app_request
def refuse_another_logins_request():
    """A change sent by a page (htmx) or replayed from the phone's outbox says which login made it:
    never apply it for another login (the phone changed hands since, or that login ended)."""
    claimed = request.headers.get(LOGIN_HEADER)
    if claimed is None or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    current = login_id()
    if current in (None, SIGNED_OUT):
        return None  # signed out: the view's login check answers (401 or the login page), nothing is applied
    if not hmac.compare_digest(claimed.encode(), current.encode()):
        return (
            "This was made by another login on this phone, so it was not applied. Reload the page.",
            403,
            {"Content-Type": "text/plain; charset=utf-8"},
        )
    return None


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest (name, icons, colours, start URL)."""
    icons = [
        {"src": url_for("static", filename=f"icons/{name}"), "sizes": size, "type": "image/png", "purpose": purpose}
        for name, size, purpose in [
            ("icon-192.png", "192x192", "any"),
            ("icon-512.png", "512x512", "any"),
            ("icon-maskable-512.png", "512x512", "maskable"),
        ]
    ]
    body = {
        "id": "/",
        "name": "FaceReps",
        "short_name": "FaceReps",
        "start_url": "/today",
        "scope": "/",
        "display": "standalone",
        "background_color": "#faf7f5",
        "theme_color": "#7a3b5e",
        "description": "Guided, timed routines for at-home face devices and face workouts.",
        "icons": icons,
    }
    response = make_response(json.dumps(body))
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, versioned by the app shell it precaches."""
    version = current_app.config["STATIC_VERSION"]
    precache = [url_for("static", filename=name, v=version) for name in SHELL_FILES] + [url_for("pwa.offline")]
    response = make_response(
        render_template(
            "pwa/sw.js",
            version=version,
            precache=precache,
            outbox=url_for("static", filename="js/outbox.js", v=version),
            face_mesh=url_for("static", filename=FACE_MESH),
            face_mesh_version=face_mesh_version(),
        )
    )
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

    def day_url(day, routine_id):
        return url_for("today.show_day", day=day.isoformat(), _external=True) + f"#routine-{routine_id}"

    response = make_response(calendar.feed(context(user), day_url))
    response.mimetype = "text/calendar"
    response.headers["Cache-Control"] = "private, max-age=900"
    return response


# Why /healthz says "degraded", for whoever watches it (no path or other detail of the machine).
DEGRADED = {
    database.READ_ONLY: "the database is read-only: pages are served, changes are refused (503)",
    database.FULL: "the database's disk is full: pages are served, changes are refused (503)",
    database.IO_ERROR: "the database's disk cannot be checked: changes may be refused (503)",
    database.LOCKED: "another process holds the database: changes may be refused (503)",
}


@bp.get("/healthz")
def healthz():
    """For load balancers and monitors: 200 {"status": "ok"} when the database answers and can take writes;
    200 {"status": "degraded", "reason", "detail"} when it answers reads but cannot take writes (read-only,
    disk full: pages are served, changes answered 503); 503 {"status": "unavailable"} when it does not answer."""
    try:
        store.ping(get_db())
    except Exception:  # any failure to read means not healthy; say so without detail
        return {"status": "unavailable"}, 503
    problem = database.write_problem(current_app.config["DATABASE"])
    if problem is not None:
        return {"status": "degraded", "reason": problem.reason, "detail": DEGRADED[problem.reason]}
    return {"status": "ok"}
