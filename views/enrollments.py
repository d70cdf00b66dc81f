"""The user's own programs: status, pause and resume, stop, and answering changed questions again."""

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import login_required

from model import programs as program_rules
from model import store
from model import today as days
from model.refusals import Refused
from model.rules import screening
from views.converters import ID
from views.errors import status_of
from views.web import catalog, context, get_db, me, see_other, user_today

bp = Blueprint("enrollments", __name__, url_prefix="/enrollments")


def _mine_or_404(enrollment_id):
    enrollment = store.enrollment_of(get_db(), me().id, enrollment_id)
    if enrollment is None or enrollment.program_id not in catalog().programs:
        abort(404)
    return enrollment


def _page(enrollment, status=200, problems=None, template="enrollments/show.html", **extra):
    program = catalog().programs[enrollment.program_id]
    device = catalog().device_of(program)
    latest = store.latest_screening(get_db(), me().id, device.id)
    return render_template(
        template,
        enrollment=enrollment,
        program=program,
        device=device,
        catalog=catalog(),
        today=user_today(),
        screening_current=screening.is_current(device, latest),
        said=screening.said(device, latest),
        answered_on=latest.answered_on if latest else None,
        card=days.card_of(context(), enrollment.id),
        problems=problems or {},
        form=request.form,
        **extra,
    ), status


@bp.get(f"/<{ID}:enrollment_id>")
@login_required
def show(enrollment_id):
    """One of the user's programs."""
    return _page(_mine_or_404(enrollment_id))


@bp.post(f"/<{ID}:enrollment_id>/pause")
@login_required
def pause(enrollment_id):
    """Pause for a date range (or until resumed)."""
    enrollment = _mine_or_404(enrollment_id)
    try:
        program_rules.pause(context(), enrollment, request.form)
    except Refused as refused:
        return _page(enrollment, status_of(refused), refused.problems)
    flash("Paused. Paused days never count as missed.")
    return see_other(url_for("enrollments.show", enrollment_id=enrollment_id))


@bp.post(f"/<{ID}:enrollment_id>/resume")
@login_required
def resume(enrollment_id):
    """End the current pause: the program is due again from today."""
    enrollment = _mine_or_404(enrollment_id)
    try:
        program_rules.resume(context(), enrollment)
    except Refused as refused:
        return _page(enrollment, status_of(refused), refused.problems)
    flash("Welcome back: the program is running again from today.")
    return see_other(url_for("enrollments.show", enrollment_id=enrollment_id))


@bp.post(f"/<{ID}:enrollment_id>/pauses/<{ID}:pause_id>/cancel")
@login_required
def cancel_pause(enrollment_id, pause_id):
    """Remove a planned pause that has not started."""
    enrollment = _mine_or_404(enrollment_id)
    program_rules.cancel_pause(context(), enrollment, pause_id)
    flash("Planned pause removed.")
    return see_other(url_for("enrollments.show", enrollment_id=enrollment_id))


@bp.post(f"/<{ID}:enrollment_id>/stop")
@login_required
def stop(enrollment_id):
    """Stop following the program (its history stays)."""
    enrollment = _mine_or_404(enrollment_id)
    if request.form.get("confirm") != "yes":
        return _page(enrollment, 422, {"stop": "Tick the box to confirm you want to stop this program."})
    store.stop_enrollment(get_db(), me().id, enrollment.id, user_today())
    flash(f"You stopped “{catalog().programs[enrollment.program_id].name}”.")
    return see_other(url_for("programs.index"))


@bp.route(f"/<{ID}:enrollment_id>/screening", methods=["GET", "POST"])
@login_required
def rescreen(enrollment_id):
    """Answer the device's safety questions again (asked when they have changed)."""
    enrollment = _mine_or_404(enrollment_id)
    if request.method == "GET":
        return _page(enrollment, template="enrollments/screening.html")
    try:
        program_rules.rescreen(context(), enrollment, request.form)
    except program_rules.ScreeningRefused as refused:
        if refused.blocked:
            program = catalog().programs[enrollment.program_id]
            return render_template("programs/blocked.html", program=program, verdict=refused.verdict, stopped=True)
        screening_page = "enrollments/screening.html"
        return _page(enrollment, status_of(refused), refused.problems, template=screening_page, verdict=refused.verdict)
    flash("Thank you: your answers are up to date.")
    return see_other(url_for("enrollments.show", enrollment_id=enrollment_id))
