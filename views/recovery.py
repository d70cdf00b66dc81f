"""Forgot password: a reset link by email, or a recovery code where the server sends no mail."""

import os

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_login import login_required

from model.identity import accounts, mail, recovery
from views.auth import limiter
from views.web import get_db, me, now, see_other

bp = Blueprint("recovery", __name__)
SUBJECT = "Reset your FaceReps password"


@bp.record_once
def _settings(state):
    """Mail settings from the environment, unless the app's config gives them."""
    config = state.app.config
    for key in ("SMTP_URL", "MAIL_FROM", "BASE_URL"):
        config.setdefault(key, os.environ.get(f"FACEREPS_{key}") or None)
    config.setdefault("RESET_LIMIT", "5 per hour")
    config.setdefault("RECOVERY_LIMIT", "5 per minute")
    mail.server_from(config["SMTP_URL"])  # a malformed URL stops start-up, not a user's request


def _server():
    return mail.server_from(current_app.config["SMTP_URL"], current_app.config["MAIL_FROM"])


def _email_key():
    return "recovery:" + accounts.normalise_email(request.form.get("email", ""))


def _failed(response):
    return response.status_code != 303


def _refused(response):
    return response.status_code == 422


def _send_link(server, email, token):
    """Mail the reset link (its host from BASE_URL when set: a forged Host header must not choose it)."""
    path = url_for("recovery.reset", token=token)
    base = current_app.config["BASE_URL"]
    link = base.rstrip("/") + path if base else url_for("recovery.reset", token=token, _external=True)
    body = render_template("auth/reset_email.txt", link=link, minutes=int(recovery.RESET_VALID.total_seconds() // 60))
    mail.send_later(server, mail.message(server.sender, email, SUBJECT, body))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT"], key_func=_email_key, methods=["POST"])
@limiter.limit("20 per hour", methods=["POST"])
def forgot():
    """Ask for a reset link; the answer is the same whether or not the email has an account."""
    server = _server()
    if request.method == "GET" or server is None:
        return render_template("auth/forgot.html", mail_ready=server is not None)
    found = recovery.request_reset(get_db(), request.form.get("email", ""), now(), request.remote_addr)
    if found:
        _send_link(server, *found)
    return see_other(url_for("recovery.forgot_sent"))


@bp.get("/password/forgot/sent")
def forgot_sent():
    """Where to look for the link."""
    return render_template("auth/forgot_sent.html", minutes=int(recovery.RESET_VALID.total_seconds() // 60))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token):
    """Set a new password with a reset link (once, within 30 minutes); every login is signed out."""
    if request.method == "GET":
        works = recovery.reset_link_works(get_db(), token, now())
        return render_template("auth/reset.html", token=token, works=works, problems={}), 200 if works else 410
    problems = recovery.reset_password(get_db(), token, request.form.get("password", ""), now(), request.remote_addr)
    if problems:
        return render_template(
            "auth/reset.html", token=token, works="link" not in problems, problems=problems
        ), 410 if "link" in problems else 422
    flash("Your new password is set, and every device is signed out. Log in with your new password.")
    return see_other(url_for("auth.login"))


@bp.route("/password/recover", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RECOVERY_LIMIT"], key_func=_email_key, methods=["POST"], deduct_when=_failed)
@limiter.limit("30 per minute", methods=["POST"], deduct_when=_failed)
def recover():
    """Set a new password with a recovery code (each code works once)."""
    if request.method == "GET":
        return render_template("auth/recover.html", problems={}, form={})
    form = request.form
    left, problems = recovery.use_code(
        get_db(), form.get("email", ""), form.get("code", ""), form.get("password", ""), now(), request.remote_addr
    )
    if problems:
        return render_template("auth/recover.html", problems=problems, form=form), 422
    flash(
        f"Your new password is set, and every device is signed out. You have {left} recovery "
        f"code{'' if left == 1 else 's'} left. Log in with your new password."
    )
    return see_other(url_for("auth.login"))


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@login_required
@limiter.limit(
    "10 per hour", key_func=lambda: f"codes:{getattr(me(), 'id', '')}", methods=["POST"], deduct_when=_refused
)
def make_codes():
    """Make ten new recovery codes (after the password), shown once; the old ones stop working."""
    if request.method == "GET":
        return render_template("account/recovery_codes.html", codes=[], problems={})
    codes, problems = recovery.make_codes(
        get_db(), me(), request.form.get("codes_password", ""), now(), request.remote_addr
    )
    return render_template("account/recovery_codes.html", codes=codes, problems=problems), 422 if problems else 200
