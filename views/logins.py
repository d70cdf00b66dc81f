"""Signed-in devices: each login's browser and last-seen time are noted, and one can be signed out."""

import logging
import sqlite3
import sys

from flask import Blueprint, abort, current_app, flash, g, request, url_for
from flask_login import login_required

from model.identity import logins, security_log
from model.store import db as database
from views.web import get_db, me, now, see_other

bp = Blueprint("logins", __name__)


@bp.record_once
def _security_log_lines(state):
    """Security events also go to stderr as one JSON line each (gunicorn and systemd keep them)."""
    if not security_log.logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        security_log.logger.addHandler(handler)
        security_log.logger.setLevel(logging.INFO)


@bp.after_app_request
def _note_login_in_use(response):
    """After a signed-in page, note that its login is in use (logins.seen); a failure never fails the page."""
    # Only when this request loaded its user anyway (flask-login keeps it in g): no extra query for
    # static files or the health check, and nothing at all when the database is down.
    user = g.get("_login_user")
    if user is not None and user.is_authenticated and request.endpoint not in (None, "static"):
        try:
            with database.no_wait(get_db()):  # nor make it wait for another writer
                logins.seen(get_db(), user.login_token, request.user_agent.string, request.remote_addr, now())
        except sqlite3.Error as error:  # a missed "last seen" must not fail the page it came with
            current_app.logger.warning("could not note the login in use: %s", error)
    return response


@bp.post("/account/devices/<device_id>/sign-out")
@login_required
def sign_out(device_id):
    """Sign out another device of yours: its cookies stop working at once."""
    if not logins.sign_out(get_db(), me(), device_id, now(), current_app.config["LOGIN_MAX_AGE"], request.remote_addr):
        abort(404)
    flash("That device is signed out.")
    return see_other(url_for("account.show") + "#devices-title")
