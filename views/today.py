"""Today: what is due on the user's local day."""
from flask import Blueprint, render_template
from flask_login import login_required

from views.web import user_today

bp = Blueprint("today", __name__)


@bp.get("/today")
@login_required
def show():
    """Today's page."""
    return render_template("today/show.html", day=user_today())
