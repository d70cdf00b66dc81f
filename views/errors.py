"""Error pages in the app's own style (no traceback outside debug)."""

from flask import render_template
from werkzeug.exceptions import HTTPException, InternalServerError

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


def init_app(app):
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)


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
