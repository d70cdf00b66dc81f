"""Account: settings (time zone, day start, week start), password, log out, delete."""

import json

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import login_required, logout_user
from werkzeug.exceptions import RequestEntityTooLarge

from model import photos, store, transfer
from model.identity import account_security, accounts, security_log
from model.refusals import Refused
from views.auth import limiter
from views.errors import status_of
from views.progress import limit_message, per_user, signed_out
from views.web import catalog, get_db, me, now, see_other

bp = Blueprint("account", __name__, url_prefix="/account")
# An export reads every photo, an import parses, checks and re-encodes a whole file (about half a
# second of CPU for a large one): per user, this often. Config EXPORT_LIMIT and IMPORT_LIMIT override.
EXPORT_LIMIT = "10 per hour"
IMPORT_LIMIT = "5 per hour;20 per day"


def _page(status=200, **problems):
    return render_template(
        "account/show.html",
        weekdays=accounts.WEEKDAYS,
        cues=accounts.CUE_LABELS,
        hours=accounts.DAY_START_HOURS,
        form=request.form,
        problems=problems,
        security=account_security.overview(get_db(), me(), now(), current_app.config),
    ), status


@bp.get("")
@login_required
def show():
    """The account page."""
    return _page()


@bp.post("/settings")
@login_required
def update_settings():
    """Save time zone, day-start hour and week start."""
    form = request.form
    try:
        accounts.update_settings(
            get_db(), me(), form.get("time_zone"), form.get("day_start_hour"), form.get("week_start")
        )
    except Refused as refused:
        return _page(status_of(refused), **refused.problems)
    flash("Settings saved.")
    return see_other(url_for("account.show"))


@bp.post("/cues")
@login_required
def update_cues():
    """Save the guided player's cues: beep, vibration, voice, auto-advance."""
    form = request.form
    store.update_cues(get_db(), me().id, *(form.get(name) == "on" for name in accounts.CUES))
    flash("Cue settings saved.")
    return see_other(url_for("account.show") + "#cues-title")


@bp.post("/calendar")
@login_required
def reset_calendar():
    """Create the private calendar link, or replace it (the old link stops working)."""
    store.set_calendar_token(get_db(), me().id, accounts.new_calendar_token())
    flash("Your new calendar link is ready. Any old link no longer works.")
    return see_other(url_for("account.show") + "#calendar-title")


@bp.post("/reminder")
@login_required
def update_reminder():
    """The time of day calendar reminders fire."""
    try:
        accounts.update_reminder(get_db(), me(), request.form.get("reminder_time"))
    except Refused as refused:
        return _page(status_of(refused), **refused.problems)
    flash("Reminder time saved.")
    return see_other(url_for("account.show") + "#calendar-title")


def _export_limit():
    return limiter.shared_limit(
        lambda: current_app.config.get("EXPORT_LIMIT", EXPORT_LIMIT),
        scope="export",
        key_func=per_user,
        exempt_when=signed_out,
    )


@bp.get("/export.json")
@_export_limit()
@login_required
def export_json():
    """Everything of yours, as JSON that imports back."""
    data = transfer.export_json(get_db(), me(), current_app.config["PHOTO_DIR"], now())
    security_log.record(get_db(), "data_exported", me().id, request.remote_addr, now(), format="json")
    response = current_app.response_class(json.dumps(data, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="facereps-export.json"'
    return response


@bp.get("/export.csv")
@_export_limit()
@login_required
def export_csv():
    """Sessions and check-ins, for a spreadsheet."""
    security_log.record(get_db(), "data_exported", me().id, request.remote_addr, now(), format="csv")
    response = current_app.response_class(transfer.export_csv(get_db(), me(), catalog()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="facereps.csv"'
    return response


@bp.route("/import", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("IMPORT_LIMIT", IMPORT_LIMIT),
    key_func=per_user,
    methods=["POST"],
    exempt_when=signed_out,
)
@login_required
def import_data():
    """Import an export into this new account."""
    if request.method == "GET":
        return render_template("account/import.html", problem=None)
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return render_template("account/import.html", problem=transfer.TOO_LARGE_FILE), 413
    try:
        transfer.import_json(
            get_db(),
            catalog(),
            me(),
            upload.read(transfer.MAX_IMPORT_BYTES + 1) if upload else b"",
            current_app.config["PHOTO_DIR"],
            current_app.config.get("PHOTO_QUOTA_BYTES", photos.QUOTA_BYTES),
        )
    except transfer.ImportRefused as error:
        return render_template("account/import.html", problem=str(error)), status_of(error)
    security_log.record(get_db(), "data_imported", me().id, request.remote_addr, now())
    flash("Your data is imported.")
    return see_other(url_for("today.show"))


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    """Too many imports or exports: the import page, or the account page, says so (429)."""
    if request.endpoint == "account.import_data":
        return render_template("account/import.html", problem=limit_message(error, "import", "imports")), 429
    flash(limit_message(error, "download of your data", "downloads of your data"))
    return _page(429)


@bp.post("/password")
@login_required
def change_password():
    """Change the password (needs the current one); other browsers are signed out."""
    try:
        accounts.change_password(
            get_db(), me(), request.form.get("current_password", ""), request.form.get("new_password", "")
        )
    except Refused as refused:
        return _page(status_of(refused), **refused.problems)
    security_log.record(get_db(), "password_changed", me().id, request.remote_addr, now())
    flash("Password changed. Your other devices have been signed out.")
    return see_other(url_for("account.show"))


@bp.post("/delete")
@login_required
def delete():
    """Delete the account and every row of it, after confirmation and the password."""
    if request.form.get("confirm") != "yes":
        return _page(422, confirm="Tick the box to confirm you want everything deleted.")
    if not accounts.password_matches(me().password_hash, request.form.get("delete_password", "")):
        return _page(422, delete_password="That is not your password.")  # noqa: S106 (a message, not a password)
    accounts.delete_account(get_db(), me().id, current_app.config["PHOTO_DIR"])
    security_log.record(get_db(), "account_deleted", me().id, request.remote_addr, now())
    logout_user()
    flash("Your account and all its data have been deleted.")
    return see_other(url_for("auth.login"))
