"""The guided player: one step per screen, recorded on the server as it happens."""

from datetime import date

from flask import Blueprint, abort, flash, jsonify, make_response, render_template, request, url_for
from flask_login import login_required

from model import guided
from model import reward as rewards
from model.refusals import Refused
from views.converters import ID
from views.errors import status_of
from views.pwa import face_mesh_version
from views.security import CAMERA_HERE
from views.web import context, me, see_other

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
# Mirror mode gives up (the plain player, saying why) below this many landmark frames a second.
MIRROR_MIN_FPS = 4


def _player(session_id):
    """The user's session as the player shows it (another user's, or none: NotFound, a 404)."""
    return guided.load(context(), session_id)


@bp.errorhandler(Refused)
def _refused(refused):
    """A step, back or finish the player's rules refuse: said in JSON to the script, or on the player."""
    return _answer((request.view_args or {})["session_id"], refused)


def _answer(session_id, refused=None):
    """JSON for the player's script, or back to the player page for a plain form."""
    if request.accept_mimetypes.best == "application/json":
        if refused:
            return jsonify(error=str(refused)), status_of(refused)
        return jsonify(_player(session_id).as_json())
    if refused:
        flash(str(refused))
    return see_other(url_for("sessions.show", session_id=session_id))


@bp.post("")
@login_required
def start():
    """Start or resume today's guided session of a routine."""
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        session_id = guided.start(context(), day, request.form.get("routine", ""))
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
    player = _player(session_id)
    if player.finished or player.current is None:
        reward, card, view = rewards.after_session(context(), player.session.day, player.session.routine_id)
        return render_template("sessions/summary.html", player=player, reward=reward, done_card=card, view=view)
    # ?end=1: "End" without JavaScript asks to confirm on the page (the script asks in place).
    page = render_template(
        "sessions/player.html",
        player=player,
        user=me(),
        ending=request.args.get("end") == "1",
        face_mesh_version=face_mesh_version(),
        mirror_min_fps=MIRROR_MIN_FPS,
    )
    response = make_response(page)
    response.headers["Permissions-Policy"] = CAMERA_HERE  # Mirror mode: the front camera, asked for on its tap
    return response


@bp.post(f"/<{ID}:session_id>/steps/<step_id>")
@login_required
def record_step(session_id, step_id):
    """A step done or skipped (form field `outcome`)."""
    outcome = request.form.get("outcome")
    if outcome not in ("done", "skip"):
        abort(422, "Say whether the step was done (outcome=done) or skipped (outcome=skip).")
    guided.record(context(replayable=True), _player(session_id), step_id, outcome)
    return _answer(session_id)


@bp.post(f"/<{ID}:session_id>/back")
@login_required
def back(session_id):
    """Go back one step."""
    guided.back(context(replayable=True), _player(session_id))
    return _answer(session_id)


@bp.post(f"/<{ID}:session_id>/finish")
@login_required
def finish(session_id):
    """End the session and show the summary."""
    guided.finish(context(), _player(session_id))
    return _answer(session_id)


@bp.post(f"/<{ID}:session_id>/voice")
@login_required
def voice(session_id):
    """Speak each step or not (form field `voice`: on or off): the player's first question, or its switch."""
    _player(session_id)  # someone else's session: a 404, and nothing changes
    choice = request.form.get("voice")
    if choice not in ("on", "off"):
        abort(422, "Say whether to speak each step (voice=on) or not (voice=off).")
    guided.set_voice(context(), choice == "on")
    if request.accept_mimetypes.best == "application/json":
        return jsonify(voice=choice == "on")
    return see_other(url_for("sessions.show", session_id=session_id))
