"""After registering: which device do you have, then the program suggested for it and its screening."""

from flask import Blueprint, render_template
from flask_login import login_required

from model import welcome
from views.web import catalog

bp = Blueprint("welcome", __name__, url_prefix="/welcome")


@bp.get("")
@login_required
def question():
    """Which device do you have? Each answer is a link to the program suggested for it."""
    return render_template("welcome/question.html", choices=welcome.choices(catalog()))


@bp.get("/<device_id>")
@login_required
def suggestion(device_id):
    """The program suggested for a device type, with the way on to its safety questions."""
    choice = welcome.choice_for(catalog(), device_id)
    return render_template("welcome/suggestion.html", choice=choice, catalog=catalog())
