"""Error pages in the app's own style (no traceback outside debug)."""

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from model.refusals import CONFLICT, INVALID, NO_SPACE, TOO_LARGE, NotFound, Refused

# The model's refusals as HTTP, in one place.
REFUSED_STATUS = {CONFLICT: 409, INVALID: 422, TOO_LARGE: 413, NO_SPACE: 507}

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


def status_of(refused: Refused) -> int:
    """The HTTP status a refusal answers with: 409 for a rule, 422 for input that cannot be used, 413 too
    large, 507 not stored for want of space."""
    return REFUSED_STATUS[refused.kind]


def init_app(app):
    """Register the handlers for HTTP errors, server errors, and the model's NotFound and Refused."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(Refused, _refused)


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
