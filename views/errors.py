"""Error pages in the app's own style (no traceback outside debug)."""

import sqlite3

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from model.refusals import CONFLICT, INVALID, NO_SPACE, TOO_LARGE, NotFound, Refused
from model.store import db as database

# The model's refusals as HTTP, in one place.
REFUSED_STATUS = {CONFLICT: 409, INVALID: 422, TOO_LARGE: 413, NO_SPACE: 503}
NO_SPACE_RETRY_AFTER = "120"  # seconds: the disk is full, as for a database write (STORAGE)

TITLES = {
    400: "That request could not be read",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed here",
    413: "That upload is too large",
    429: "Too many attempts",
}
MESSAGES = {
    404: "There is nothing at this address. It may have moved, or it belongs to someone else.",
    429: "Too many tries in a short time. Wait a minute, then try again.",
    413: "The file is larger than FaceReps accepts.",
}


# Storage that cannot take a write (model/store/db.py StorageUnavailable), by its reason: a title, what
# happened in plain words, and the seconds to wait before trying again (Retry-After; the phone's outbox
# waits that long before it sends what it kept).
STORAGE = {
    database.FULL: (
        "Not saved: the server's disk is full",
        "FaceReps could not save this because the server has run out of disk space. Nothing was changed, and "
        "what you saved before is safe. Try again later.",
        120,
    ),
    database.LOCKED: (
        "Not saved: the server is busy",
        "Another change was taking too long to finish, so FaceReps stopped waiting. Nothing was changed. "
        "Try again in a moment.",
        10,
    ),
    database.READ_ONLY: (
        "Not saved: changes are paused",
        "FaceReps can show your data but cannot save changes right now: its storage is read-only. Nothing "
        "was changed. Try again later.",
        120,
    ),
    database.IO_ERROR: (
        "Not saved: the server's disk failed",
        "The server's disk could not be written. Nothing was changed. Try again later.",
        120,
    ),
}


def status_of(refused: Refused) -> int:
    """The HTTP status a refusal answers with: 409 for a rule, 422 for input that cannot be used, 413 too
    large, 503 (with Retry-After) not stored for want of space."""
    return REFUSED_STATUS[refused.kind]


def init_app(app):
    """Register the handlers for HTTP errors, server errors, and the model's NotFound and Refused."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(Refused, _refused)
    app.register_error_handler(database.StorageUnavailable, _storage_unavailable)
    app.register_error_handler(sqlite3.OperationalError, _sqlite_error)
    app.after_request(_retry_after)


def _retry_after(response):
    """Every 503 says when to try again (a form refused for want of space is answered 503 by its view)."""
    if response.status_code == 503 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = NO_SPACE_RETRY_AFTER
    return response


def _storage_unavailable(error):
    """Storage that could not take a write: 503 with Retry-After and what happened in plain words; a
    page, a fragment for htmx (the page's script shows it, or keeps a tick on the phone), or JSON."""
    title, message, retry_after = STORAGE.get(error.reason, STORAGE[database.IO_ERROR])
    headers = {"Retry-After": str(retry_after)}
    if _wants_json():
        return jsonify(error=message, reason=error.reason), 503, headers
    if request.headers.get("HX-Request") == "true":
        return render_template("errors/storage.html", title=title, message=message), 503, headers
    return render_template("errors/error.html", title=title, message=message, code=503), 503, headers


def _sqlite_error(error):
    """A SQLite error raised outside the store's transactions: storage trouble is answered as above, any
    other error is a bug (the 500 page, logged)."""
    problem = database.storage_error(error)
    if problem is None:
        raise error
    return _storage_unavailable(problem)


def _not_found(error):
    """The model's NotFound: the same 404 page as any unknown address (someone else's data looks missing);
    a script asking for JSON gets {"error": why}."""
    if _wants_json():
        return jsonify(error=str(error) or MESSAGES[404]), 404
    return _page(404, TITLES[404], MESSAGES[404])


def _refused(refused):
    """A refusal no view answered itself: the error page with its reason and status."""
    status = status_of(refused)
    if _wants_json():
        return jsonify(error=str(refused)), status
    return _page(status, "That cannot be done" if status == 409 else "That could not be used", str(refused))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _page(code, title, message):
    return render_template("errors/error.html", title=title, message=message, code=code), code


def _http_error(error):
    if error.code is None or error.code < 400:
        return error
    title = TITLES.get(error.code, error.name)
    message = MESSAGES.get(error.code) or error.description
    response = render_template("errors/error.html", title=title, message=message, code=error.code)
    return response, error.code


def _server_error(_error):
    return render_template(
        "errors/error.html",
        title="Something went wrong on our side",
        message="Your data is safe. Try again in a moment.",
        code=500,
    ), 500
