"""TEMPORARY: the Account page with its sign-in and security sections, until views/account.py's
`_page` passes `security=account_security.overview(...)` itself. Then delete this file and its line
in views/__init__.py."""
from flask import Blueprint, current_app, render_template, request
from flask_login import login_required

from model import account_security, accounts
from views.web import get_db, me, now

bp = Blueprint("account_preview", __name__)


@bp.get("/account/security")
@login_required
def show():
    """The Account page as it will be."""
    return render_template("account/show.html", weekdays=accounts.WEEKDAYS, cues=accounts.CUE_LABELS,
                           hours=accounts.DAY_START_HOURS, form=request.form, problems={},
                           security=account_security.overview(get_db(), me(), now(), current_app.config))
