"""Your own routines: customise a catalog routine or write one, edit its steps, and plan it."""

from dataclasses import asdict

from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import login_required
from htmx_flask import request  # flask's request, typed with its .htmx details

from model import plans as plan_rules
from model import routines as rules
from model import store
from model.catalog import AREAS, SIDES
from model.refusals import CONFLICT, Refused
from views.errors import status_of
from views.web import catalog, context, duration, get_db, me, see_other, user_today

bp = Blueprint("routines", __name__, url_prefix="/routines")


@bp.context_processor
def choices():
    """The choices of the step and routine forms."""
    return {
        "areas": list(AREAS.items()),
        "sides": [(key, text or "Neither") for key, text in SIDES.items()],
        "devices": [(device.id, device.name) for device in catalog().catalog_devices()],
    }


def _own_or_404(routine_id):
    routine = catalog().routines.get(routine_id)
    if routine is None or routine.owner != me().id:
        abort(404)
    return routine


def _page(routine, status=200, problems=None, **extra):
    mine = catalog()
    following = {e.program_id: e for e in store.enrollments_of(get_db(), me().id, "active")}
    return render_template(
        "routines/show.html",
        routine=routine,
        device=mine.devices[routine.device_id],
        source=mine.routines.get(routine.based_on) if routine.based_on else None,
        differences=rules.differences(mine.routines.get(routine.based_on or ""), routine),
        plans=mine.plans_of(routine.id),
        following=following,
        catalog=mine,
        problems=problems or {},
        form=request.form,
        today=user_today(),
        **extra,
    ), status


def _saved(routine, edit, message, anchor=None):
    """Apply `edit` (steps → steps) and store the result; the page again (htmx swaps the list in place),
    or a 303 back to it; a refused edit shows the page with its reason (422)."""
    try:
        steps = edit(rules.steps_of(routine))
        rules.save(context(), routine, catalog().devices[routine.device_id], steps)
    except Refused as problem:
        if problem.kind == CONFLICT:  # changed meanwhile in another window: show it as it is now
            catalog(fresh=True)
            return _page(_own_or_404(routine.id), status_of(problem), problem.problems)
        return _page(routine, status_of(problem), problem.problems)
    flash(message(steps) if callable(message) else message)
    if request.htmx:
        catalog(fresh=True)
        return _page(_own_or_404(routine.id))
    return see_other(url_for("routines.show", routine_id=routine.id) + (f"#{anchor}" if anchor else ""))


def _step_or_404(routine, step_id):
    step = next((s for s in routine.steps if s.id == step_id), None)
    if step is None:
        abort(404)
    return step


@bp.get("")
@login_required
def index():
    """Your routines, with their plans, and where to make a new one."""
    return render_template("routines/index.html", catalog=catalog())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """A routine from scratch: its name, the device, and a first step."""
    if request.method == "GET":
        return render_template(
            "routines/new.html", catalog=catalog(), form={"reps": "1", "cue_seconds": "0"}, problems={}
        )
    try:
        routine_id = rules.create(context(), request.form)
    except Refused as refused:
        page = render_template("routines/new.html", catalog=catalog(), form=request.form, problems=refused.problems)
        return page, status_of(refused)
    flash("Your routine is saved. Add its other steps below.")
    return see_other(url_for("routines.show", routine_id=routine_id))


@bp.post("/copy")
@login_required
def copy():
    """Make a catalog routine your own: a copy linked to it."""
    routine = catalog().routines.get(request.form.get("routine_id", ""))
    if routine is None or routine.owner is not None:
        abort(404)
    routine_id = rules.copy(context(), routine)
    flash(f"This is your copy of “{routine.name}”: change it as your device's manual says.")
    return see_other(url_for("routines.show", routine_id=routine_id))


@bp.get("/<routine_id>")
@login_required
def show(routine_id):
    """One of your routines: its steps to edit, what differs from the catalog, and its plans."""
    return _page(_own_or_404(routine_id))


@bp.post("/<routine_id>/name")
@login_required
def rename(routine_id):
    """A new name for the routine (and for your own device)."""
    routine = _own_or_404(routine_id)
    try:
        rules.rename(context(), routine, catalog().devices[routine.device_id], request.form)
    except Refused as refused:
        return _page(routine, status_of(refused), refused.problems)
    flash("Name saved.")
    return see_other(url_for("routines.show", routine_id=routine_id))


@bp.route("/<routine_id>/steps/new", methods=["GET", "POST"])
@login_required
def add_step(routine_id):
    """Add a step: one of the catalog's for this device type, or one you write."""
    routine = _own_or_404(routine_id)
    offered = dict(rules.catalog_steps(catalog(), routine.device_id))
    if request.method == "GET":
        return _step_page(routine, None, {"reps": "1", "cue_seconds": "0", "side": "none"}, {}, offered)
    step, problems = rules.step_to_add(request.form, offered)
    if problems or step is None:
        return _step_page(routine, None, request.form, problems, offered, 422)
    return _saved(
        routine,
        lambda steps: rules.add(steps, step, rules.read_position(request.form, len(steps) + 1)),
        lambda steps: (
            f"Added “{step['title']}” as step "
            f"{rules.read_position(request.form, len(steps)) or len(steps)} of {len(steps)}."
        ),
        "steps",
    )


@bp.route("/<routine_id>/steps/<step_id>", methods=["GET", "POST"])
@login_required
def edit_step(routine_id, step_id):
    """Change a step's title, place, seconds, repetitions, cue interval or instruction."""
    routine = _own_or_404(routine_id)
    step = _step_or_404(routine, step_id)
    if request.method == "GET":
        return _step_page(routine, step, asdict(step), {})
    changed, problems = rules.read_step(request.form, step_id)
    if problems or changed is None:
        return _step_page(routine, step, request.form, problems, status=422)
    return _saved(
        routine,
        lambda steps: rules.update(steps, step_id, changed, rules.read_position(request.form, len(steps))),
        f"Saved “{changed['title']}”.",
        f"step-{step_id}",
    )


def _step_page(routine, step, form, problems, offered=None, status=200):
    choices = [
        (key, f"{s.title} · {s.place or 'no side'} · {duration(s.seconds)}") for key, s in (offered or {}).items()
    ]
    return render_template(
        "routines/step.html",
        routine=routine,
        step=step,
        form=form,
        problems=problems,
        offered=[("", "Choose…"), *choices] if choices else [],
        catalog=catalog(),
    ), status


@bp.post("/<routine_id>/steps/<step_id>/move")
@login_required
def move_step(routine_id, step_id):
    """Move a step one place up or down."""
    routine = _own_or_404(routine_id)
    step, direction = _step_or_404(routine, step_id), request.form.get("direction")

    def moved(steps):
        place = next(i for i, s in enumerate(steps, 1) if s["id"] == step_id)
        return f"Moved “{step.title}” {direction}: now step {place} of {len(steps)}."

    return _saved(routine, lambda steps: rules.move(steps, step_id, direction), moved, f"step-{step_id}")


@bp.post("/<routine_id>/steps/<step_id>/remove")
@login_required
def remove_step(routine_id, step_id):
    """Remove a step (a routine keeps at least one)."""
    routine = _own_or_404(routine_id)
    step = _step_or_404(routine, step_id)
    return _saved(
        routine,
        lambda steps: rules.remove(steps, step_id),
        f"Removed “{step.title}” ({step.place.lower() or 'no side'}).",
        "steps",
    )


@bp.post("/<routine_id>/glides")
@login_required
def glides(routine_id):
    """Give every timed glide a new length in seconds."""
    routine = _own_or_404(routine_id)
    return _saved(
        routine,
        lambda steps: rules.retime_glides(steps, request.form),
        lambda steps: f"Every glide now lasts {request.form['glide_seconds'].strip()} s.",
        "steps",
    )


@bp.post("/<routine_id>/delete")
@login_required
def delete(routine_id):
    """Delete a routine no active program follows (sessions you logged stay in your history)."""
    routine = _own_or_404(routine_id)
    if request.form.get("confirm") != "yes":
        return _page(routine, 422, {"confirm": "Tick the box to confirm you want to delete this routine."})
    try:
        rules.delete(context(), routine, catalog().plans_of(routine.id))
    except Refused as refused:
        return _page(routine, status_of(refused), refused.problems)
    flash(f"Deleted “{routine.name}”.")
    return see_other(url_for("routines.index"))


@bp.route("/<routine_id>/plan", methods=["GET", "POST"])
@login_required
def plan(routine_id):
    """Your own plan for a routine (yours or the catalog's): then start it like any program."""
    routine = catalog().routines.get(routine_id)
    if routine is None or routine.owner not in (None, me().id):
        abort(404)
    if request.method == "GET":
        return _plan_page(routine, plan_rules.defaults(catalog(), routine), {})
    try:
        plan_id = plan_rules.create(context(), routine, request.form)
    except Refused as refused:
        return _plan_page(routine, request.form, refused.problems, status_of(refused))
    flash("Your plan is saved. Answer the safety questions to start it.")
    return see_other(url_for("programs.start", program_id=plan_id))


def _plan_page(routine, form, problems, status=200):
    return render_template(
        "routines/plan.html",
        routine=routine,
        device=catalog().devices[routine.device_id],
        form=form,
        problems=problems,
        catalog=catalog(),
        kinds=plan_rules.KIND_LABELS,
        action=url_for("routines.plan", routine_id=routine.id),
    ), status
