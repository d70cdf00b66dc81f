"""Programs: browse the catalog, screening, start and manage enrollments."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("programs", __name__)


@bp.get("/programs")
@login_required
def index():
    """The programs list."""
    return render_template("programs/index.html")
