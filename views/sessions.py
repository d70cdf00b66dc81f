"""The guided player: one step per screen, recorded on the server as it happens."""

from datetime import date

from flask import Blueprint, abort, flash, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from model import guided
from model.refusals import Refused
from views.converters import ID
from views.errors import status_of
from views.web import catalog, client_id, get_db, now, see_other, user_today

bp = Blueprint("sessions", __name__, url_prefix="/sessions")


def _player_or_404(session_id):
    player = guided.load(get_db(), catalog(), current_user, session_id)
    if player is None:
        abort(404)
    return player


def _answer(session_id, refused=None):
    """JSON for the player's script, or back to the player page for a plain form."""
    if request.accept_mimetypes.best == "application/json":
        if refused:
            return jsonify(error=str(refused)), status_of(refused)
        return jsonify(_player_or_404(session_id).as_json())
    if refused:
        flash(str(refused))
    return see_other(url_for("sessions.show", session_id=session_id))


@bp.post("")
@login_required
def start():
    """Start or resume today's guided session of a routine."""
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        session_id = guided.start(
            get_db(), catalog(), current_user, day, user_today(), request.form.get("routine", ""), now()
        )
    except ValueError:
        abort(404)
    except Refused as refused:
        flash(str(refused))
        return see_other(url_for("today.show"))
    return see_other(url_for("sessions.show", session_id=session_id))


@bp.get(f"/<{ID}:session_id>")
@login_required
def show(session_id):
    """The player at the session's current step, or the summary once finished."""
    player = _player_or_404(session_id)
    template = "sessions/summary.html" if player.finished or player.current is None else "sessions/player.html"
    return render_template(template, player=player, user=current_user)


@bp.post(f"/<{ID}:session_id>/steps/<step_id>")
@login_required
def record_step(session_id, step_id):
    """A step done or skipped (form field `outcome`)."""
    outcome = request.form.get("outcome")
    if outcome not in ("done", "skip"):
        abort(422, "Say whether the step was done (outcome=done) or skipped (outcome=skip).")
    try:
        guided.record(
            get_db(), catalog(), current_user, _player_or_404(session_id), step_id, outcome, now(), client_id()
        )
    except Refused as refused:
        return _answer(session_id, refused)
    return _answer(session_id)


@bp.post(f"/<{ID}:session_id>/back")
@login_required
def back(session_id):
    """Go back one step."""
    try:
        guided.back(get_db(), _player_or_404(session_id), now(), client_id())
    except Refused as refused:
        return _answer(session_id, refused)
    return _answer(session_id)


@bp.post(f"/<{ID}:session_id>/finish")
@login_required
def finish(session_id):
    """End the session and show the summary."""
    try:
        guided.finish(get_db(), catalog(), current_user, _player_or_404(session_id), now())
    except Refused as refused:
        return _answer(session_id, refused)
    return _answer(session_id)
