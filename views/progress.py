"""Progress: each week against the plan, with trends, check-ins and photos."""

import math
import time
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, make_response, render_template, request, send_file, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from model import photos, review, store
from model.refusals import Refused
from views.auth import limiter
from views.converters import ID
from views.errors import status_of
from views.web import context, get_db, me, now, see_other, user_today

bp = Blueprint("progress", __name__)
EARLIEST = timedelta(days=5 * 366)
LATEST = timedelta(days=28)
# Re-encoding a 40-megapixel upload takes about half a second of CPU: a user may do it this often
# (three angles a week, a few retakes, a back-fill of some weeks in a day). Config PHOTO_LIMIT overrides.
PHOTO_LIMIT = "6 per minute;60 per day"


def per_user() -> str:
    """The rate-limit key of costly work: the signed-in user (their address, were one not signed in)."""
    return f"user:{me().id}" if current_user.is_authenticated else get_remote_address()


def signed_out() -> bool:
    """Requests before sign-in are not counted: login_required sends them to the login page."""
    return not current_user.is_authenticated


def limit_message(error: RateLimitExceeded, one: str, many: str) -> str:
    """'You have made 6 photo uploads in a minute, the most FaceReps takes. Try again in 1 minute.'"""
    item = error.limit.limit
    what = one if item.amount == 1 else many
    unit = item.GRANULARITY.name
    span = f"{'an' if unit == 'hour' else 'a'} {unit}" if item.multiples == 1 else f"{item.multiples} {unit}s"
    current = limiter.current_limit
    wait = max(1, round((current.reset_at - time.time()) / 60)) if current else 1
    when = f"{wait} minute{'s' if wait != 1 else ''}" if wait < 120 else f"{math.ceil(wait / 60)} hours"
    return f"You have made {item.amount} {what} in {span}, the most FaceReps takes. Try again in {when}."


def photo_folder():
    """The folder the progress photo files are kept in (the app's PHOTO_DIR)."""
    return current_app.config["PHOTO_DIR"]


def _week_or_404(text):
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    today = user_today()
    if len(text) != 10 or not today - EARLIEST <= day <= today + LATEST:
        abort(404)
    return day


def _page(first, status=200, problems=None, form=None):
    if first != review.week_of(me(), first):
        return see_other(url_for("progress.week", first=review.week_of(me(), first).isoformat()))
    data = review.build(context(), first)
    return render_template(
        "progress/show.html",
        review=data,
        problems=problems or {},
        form=request.form if form is None else form,
        ratings=review.RATING_LABELS,
        ends=review.RATING_ENDS,
        angles=photos.ANGLES,
        WEEK=timedelta(days=7),
    ), status


@bp.get("/progress")
@login_required
def show():
    """This week's review."""
    return _page(review.week_of(me(), user_today()))


@bp.get("/progress/weeks/<first>")
@login_required
def week(first):
    """Another week's review; each week has its own address."""
    return _page(_week_or_404(first))


@bp.post("/progress/weeks/<first>/checkin")
@login_required
def checkin(first):
    """Save the week's self-ratings and note (only for a day that starts one of the user's weeks)."""
    first = _week_or_404(first)
    if first != review.week_of(me(), first):
        abort(404, "Check-ins belong to a week: use the first day of one of your weeks.")
    try:
        review.save_checkin(context(), first, request.form)
    except Refused as refused:
        return _page(first, status_of(refused), refused.problems)
    flash("Check-in saved.")
    return see_other(url_for("progress.week", first=first.isoformat()) + "#checkin-title")


@bp.post("/progress/weeks/<first>/photos")
@limiter.limit(lambda: current_app.config.get("PHOTO_LIMIT", PHOTO_LIMIT), key_func=per_user, exempt_when=signed_out)
@login_required
def upload_photo(first):
    """Add the week's photo at an angle (re-encoded; location and other metadata removed)."""
    first = _week_or_404(first)
    limit = current_app.config["PHOTO_MAX_BYTES"]
    try:
        upload = request.files.get("photo")
    except RequestEntityTooLarge:
        return _page(first, 413, {"photo": f"That photo is larger than {limit / (1024 * 1024):.2g} MB."}, {})
    try:
        photos.save(
            get_db(),
            photo_folder(),
            me().id,
            first,
            request.form.get("angle", ""),
            upload.read(limit + 1) if upload else b"",
            now(),
            limit,
            current_app.config.get("PHOTO_QUOTA_BYTES", photos.QUOTA_BYTES),
        )
    except photos.PhotoError as error:
        return _page(first, status_of(error), error.problems)
    flash("Photo saved. Only you can see it.")
    return see_other(url_for("progress.week", first=first.isoformat()) + "#photos-title")


@bp.errorhandler(RateLimitExceeded)
def too_many_uploads(error):
    """Too many uploads: the week's page says so (429), with the upload form."""
    try:
        first = _week_or_404((request.view_args or {}).get("first", ""))
    except HTTPException:
        first = user_today()
    first = review.week_of(me(), first)
    return _page(first, 429, {"photo": limit_message(error, "photo upload", "photo uploads")}, {})


@bp.get(f"/photos/<{ID}:photo_id>")
@login_required
def photo(photo_id):
    """A photo, for its owner only."""
    found = store.photo_of(get_db(), me().id, photo_id)
    if found is None:
        abort(404)
    response = make_response(send_file(photo_folder() / found.filename, mimetype="image/jpeg"))
    response.headers["Cache-Control"] = "private, no-store"
    return response
