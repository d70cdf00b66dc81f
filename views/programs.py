"""Programs: browse the catalog by device type, read a program, and start one after screening."""

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import login_required

from model import overlap, store
from model import plans as plan_rules
from model import programs as program_rules
from model import today as days
from model.refusals import Refused
from views.errors import status_of
from views.web import catalog, context, get_db, me, see_other, user_today

bp = Blueprint("programs", __name__, url_prefix="/programs")


def _program_or_404(program_id):
    program = catalog().programs.get(program_id)
    if program is None:
        abort(404)
    return program


@bp.get("")
@login_required
def index():
    """Every device type with its programs, and the user's own programs first."""
    mine = store.enrollments_of(get_db(), me().id)
    return render_template("programs/index.html", catalog=catalog(), mine=mine, today=user_today())


@bp.get("/<program_id>")
@login_required
def show(program_id):
    """A program: its phases, one session's steps, spacing, safety notes and sources."""
    program = _program_or_404(program_id)
    following = next((e for e in store.enrollments_of(get_db(), me().id, "active") if e.program_id == program.id), None)
    card = days.card_of(context(), following.id) if following else None
    return render_template(
        "programs/show.html", program=program, catalog=catalog(), following=following, card=card, today=user_today()
    )


@bp.route("/<program_id>/start", methods=["GET", "POST"])
@login_required
def start(program_id):
    """Screening questions, device options and a start day; then the program is active."""
    program, today = _program_or_404(program_id), user_today()
    if request.method == "GET":
        taken = program_rules.routine_taken(context(), program)
        earlier = program_rules.earlier_answers(context(), program)
        return _start_page(
            program, earlier.form if earlier else {}, {"program": taken} if taken else {}, None, today, earlier=earlier
        )
    try:
        enrollment_id = program_rules.start(context(), program, request.form)
    except program_rules.ScreeningRefused as refused:
        if refused.blocked:
            return render_template("programs/blocked.html", program=program, verdict=refused.verdict)
        form, verdict, day = request.form, refused.verdict, refused.start_day or today
        return _start_page(program, form, refused.problems, verdict, day, status_of(refused))
    flash(f"You started “{program.name}”.")
    return see_other(url_for("enrollments.show", enrollment_id=enrollment_id))


def _start_page(program, form, problems, verdict, start_day, status=200, earlier=None):
    today = user_today()
    shared = overlap.overlap(get_db(), catalog(), me(), program, max(start_day, today))
    return render_template(
        "programs/start.html",
        program=program,
        catalog=catalog(),
        form=form,
        problems=problems,
        verdict=verdict,
        start_day=start_day,
        today=today,
        overlap=shared,
        earlier=earlier,
    ), status


@bp.route("/<program_id>/edit", methods=["GET", "POST"])
@login_required
def edit(program_id):
    """Change your own plan; a program following it keeps its past days under the old rules."""
    program = _program_or_404(program_id)
    if program.owner is None:
        abort(404)
    following = next((e for e in store.enrollments_of(get_db(), me().id, "active") if e.program_id == program.id), None)
    if request.method == "GET":
        return _plan_form(program, plan_rules.form_values(program), {})
    try:
        plan_rules.change(context(), program, following, request.form)
    except Refused as refused:
        return _plan_form(program, request.form, refused.problems, status_of(refused))
    flash("Plan saved." + (" It applies from today; earlier days keep the plan they had." if following else ""))
    return see_other(
        url_for("enrollments.show", enrollment_id=following.id)
        if following
        else url_for("programs.show", program_id=program.id)
    )


def _plan_form(program, form, problems, status=200):
    routine = catalog().routine_of(program)
    return render_template(
        "routines/plan.html",
        routine=routine,
        device=catalog().device_of(program),
        form=form,
        problems=problems,
        catalog=catalog(),
        kinds=plan_rules.KIND_LABELS,
        action=url_for("programs.edit", program_id=program.id),
    ), status
