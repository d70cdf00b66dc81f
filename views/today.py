"""Today and the other days: what is due, ticked one step at a time."""

from datetime import date

from flask import Blueprint, abort, flash, make_response, render_template, request, url_for
from flask_login import login_required

from model import reward as rewards
from model import today as days
from model.day import viewable
from model.refusals import Refused
from views.errors import status_of
from views.web import context, see_other, user_today, wants_fragment

bp = Blueprint("today", __name__)


def _day_or_404(text):
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if len(text) != 10 or not viewable(day, user_today()):
        abort(404)
    return day


def _page(day):
    ctx = context()
    view = days.build_day(ctx, day)
    reward = rewards.for_day(ctx, view) if view.all_done else None
    checkin = rewards.checkin_due(ctx, day) if day == ctx.today else None
    response = make_response(render_template("today/show.html", view=view, reward=reward, checkin=checkin))
    response.vary.add("HX-Request")
    return response


def _routines(ctx, view, card, undo=None, status=200, message=None, focus=None):
    """The day's routines redrawn (a session done or undone changes the whole list), with what it gave back."""
    reward = rewards.for_day(ctx, view) if card.complete or view.all_done else None
    checkin = rewards.checkin_due(ctx, view.day) if view.day == ctx.today and reward is None else None
    page = render_template(
        "today/_routines.html",
        view=view,
        reward=reward,
        checkin=checkin,
        done_card=card,
        undo=undo,
        message=message,
        focus=focus,
    )
    response = make_response(page, status)
    response.vary.add("HX-Request")
    return response


@bp.get("/today")
@login_required
def show():
    """Today's routines and their steps."""
    return _page(user_today())


@bp.get("/days/<day>")
@login_required
def show_day(day):
    """Another day: the last week can be back-filled, later days only looked at."""
    return _page(_day_or_404(day))


@bp.post("/days/<day>/routines/<routine_id>/steps/<step_id>")
@login_required
def tick_step(day, routine_id, step_id):
    """Set one step done or not done (the form says which; never a toggle)."""
    day, fragment = _day_or_404(day), wants_fragment(f"step-{routine_id}-{step_id}")
    try:
        view, card, step = days.tick(context(replayable=True), day, routine_id, step_id, _done_field("step"))
    except Refused as refused:
        return _refused(refused, day, routine_id, step_id, fragment)
    if not fragment:
        return see_other(url_for("today.show_day", day=day.isoformat(), _anchor=f"routine-{routine_id}"))
    if card.changes_day:  # the whole day is redrawn (model.day.Card.changes_day says when)
        focus = None if card.complete or card.started else card.routine.id  # its steps fold: focus the card
        response = _routines(context(), days.build_day(context(), day), card, focus=focus)
        response.headers.update({"HX-Retarget": "#day-routines", "HX-Reswap": "outerHTML"})
        return response
    response = make_response(render_template("today/_tick.html", view=view, card=card, step=step))
    response.vary.add("HX-Request")
    return response


@bp.post("/days/<day>/routines/<routine_id>/done")
@login_required
def mark_done(day, routine_id):
    """Record a whole session in one tap (done=1), or undo it (done=0, with the steps to keep ticked)."""
    day, fragment = _day_or_404(day), wants_fragment("day-routines")
    done, ctx = _done_field("session"), context(replayable=True)
    try:
        view, card, before = days.mark_done(ctx, day, routine_id, done, request.form.getlist("keep"))
    except Refused as refused:
        return _mark_refused(ctx, refused, day, routine_id, fragment)
    if not fragment:
        flash(f"{card.routine.name}: {'done' if card.complete else 'not done'}.")
        return see_other(url_for("today.show_day", day=day.isoformat(), _anchor=f"routine-{routine_id}"))
    undo = before if card.flipped and card.complete else None
    return _routines(ctx, view, card, undo=undo, focus=None if card.complete else card.routine.id)


def _done_field(what) -> bool:
    """The form's done=1 or done=0 (the last one sent: a checkbox follows its hidden 0); 422 otherwise."""
    state = request.form.getlist("done")[-1:]
    if state not in (["0"], ["1"]):
        abort(422, f"Say whether the {what} is done (done=1) or not (done=0).")
    return state == ["1"]


def _mark_refused(ctx, refused, day, routine_id, fragment):
    if not fragment:
        flash(str(refused))
        return see_other(url_for("today.show_day", day=day.isoformat()), status=status_of(refused))
    view = days.build_day(ctx, day)
    card = next(c for c in view.due + view.other if c.routine.id == routine_id)
    return _routines(ctx, view, card, status=status_of(refused), message=str(refused))


def _refused(refused, day, routine_id, step_id, fragment):
    if not fragment:
        flash(str(refused))
        return see_other(url_for("today.show_day", day=day.isoformat(), _anchor=f"routine-{routine_id}"))
    view = days.build_day(context(), day)
    card = next(c for c in view.due + view.other if c.routine.id == routine_id)
    step = next(s for s in card.steps if s.id == step_id)
    response = make_response(
        render_template("today/_tick.html", view=view, card=card, step=step, message=str(refused)), status_of(refused)
    )
    response.vary.add("HX-Request")
    return response


@bp.post("/days/<day>/routines/<routine_id>/skip")
@login_required
def skip(day, routine_id):
    """Skip a due routine for the day (a chosen skip never counts as missed), or undo it."""
    day = _day_or_404(day)
    try:
        days.skip(context(), day, routine_id, request.form.get("undo") == "1")
    except Refused as refused:
        flash(str(refused))
        return see_other(url_for("today.show_day", day=day.isoformat()), status=status_of(refused))
    return see_other(url_for("today.show_day", day=day.isoformat()))


@bp.post("/days/<day>/gates/<device_id>/<gate_id>")
@login_required
def check_gate(day, device_id, gate_id):
    """Mark a one-time test (patch test, sensitivity test) as done today."""
    day = _day_or_404(day)
    if day != user_today():
        abort(404)
    days.check_gate(context(), device_id, gate_id)
    flash("Noted. Sessions start once the waiting time after the test is over.")
    return see_other(url_for("today.show"))


@bp.post("/days/<day>/tools/<device_id>")
@login_required
def change_tool(day, device_id):
    """A new tool (a fresh roller or head) from today: its use count starts again."""
    day = _day_or_404(day)
    if day != user_today():
        abort(404)
    days.change_tool(context(), device_id)
    flash("Noted: a new tool from today. FaceReps counts its uses from here.")
    return see_other(url_for("today.show"))
