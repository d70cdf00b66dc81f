"""Progress: the week against the plan."""
from flask import Blueprint, render_template
from flask_login import login_required

from views.web import user_today

bp = Blueprint("progress", __name__)


@bp.get("/progress")
@login_required
def show():
    """This week's progress."""
    return render_template("progress/show.html", day=user_today())
