"""Progress: each week against the plan, with trends, check-ins and photos."""
from datetime import date, timedelta

from flask import (Blueprint, abort, current_app, flash, make_response, render_template, request, send_file,
                   url_for)
from flask_login import current_user, login_required

from model import photos, review, store
from views.web import catalog, get_db, me, now, see_other, user_today

bp = Blueprint("progress", __name__)
EARLIEST = timedelta(days=5 * 366)
LATEST = timedelta(days=28)


def photo_folder():
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


def _page(first, status=200, problems=None):
    if first != review.week_of(me(), first):
        return see_other(url_for("progress.week", first=review.week_of(me(), first).isoformat()))
    data = review.build(get_db(), catalog(), me(), first, user_today())
    return render_template("progress/show.html", review=data, problems=problems or {}, form=request.form,
                           ratings=review.RATING_LABELS, angles=photos.ANGLES, WEEK=timedelta(days=7)), status


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
    """Save the week's self-ratings and note."""
    first = _week_or_404(first)
    problems = review.save_checkin(get_db(), current_user, first, request.form, now())
    if problems:
        return _page(first, 422, problems)
    flash("Check-in saved.")
    return see_other(url_for("progress.week", first=first.isoformat()) + "#checkin-title")


@bp.post("/progress/weeks/<first>/photos")
@login_required
def upload_photo(first):
    """Add the week's photo at an angle (re-encoded; location and other metadata removed)."""
    first = _week_or_404(first)
    upload, limit = request.files.get("photo"), current_app.config["PHOTO_MAX_BYTES"]
    try:
        photos.save(get_db(), photo_folder(), current_user.id, first, request.form.get("angle", ""),
                    upload.read(limit + 1) if upload else b"", now(), limit)
    except photos.PhotoError as error:
        return _page(first, 422, {"photo": str(error)})
    flash("Photo saved. Only you can see it.")
    return see_other(url_for("progress.week", first=first.isoformat()) + "#photos-title")


@bp.get("/photos/<int:photo_id>")
@login_required
def photo(photo_id):
    """A photo, for its owner only."""
    found = store.photo_of(get_db(), current_user.id, photo_id)
    if found is None:
        abort(404)
    response = make_response(send_file(photo_folder() / found.filename, mimetype="image/jpeg"))
    response.headers["Cache-Control"] = "private, no-store"
    return response
