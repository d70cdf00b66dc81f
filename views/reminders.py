"""Reminders: this browser's push subscription, the account's devices and settings, a test message,
and the page a reminder opens (one big Start button: starting is a POST, never a GET)."""

import time

import click
from flask import Blueprint, current_app, flash, jsonify, render_template, request, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required

from model import reminders
from model.refusals import Refused
from views.account import _page as account_page
from views.converters import ID
from views.errors import status_of
from views.web import context, get_db, me, now, see_other

bp = Blueprint("reminders", __name__)
ANCHOR = "#reminders-title"


def keys() -> reminders.Keys:
    """The VAPID key pair, loaded (or made) once per process."""
    app = current_app
    if "vapid_keys" not in app.extensions:
        found = reminders.load_keys(app.config.get("VAPID_PRIVATE_KEY"), app.config["VAPID_KEY_FILE"])
        app.extensions["vapid_keys"] = found
    return app.extensions["vapid_keys"]


def sender(**settings) -> reminders.Sender:
    """How this app sends: its keys and subject (config REMINDER_SENDER overrides timeouts and retries)."""
    options = {**current_app.config.get("REMINDER_SENDER", {}), **settings}
    return reminders.Sender(keys(), current_app.config["VAPID_SUBJECT"], **options)


def links() -> reminders.Links:
    """The addresses a notification opens."""
    return reminders.Links(
        start=lambda routine_id: url_for("reminders.start", routine_id=routine_id),
        checkin=lambda week: url_for("progress.week", first=week.isoformat()) + "#checkin-title",
        today=url_for("today.show"),
    )


@bp.app_context_processor
def reminders_section():
    """The Account page's Reminders section reads its facts through `reminders_overview()` (only when shown)."""
    if not current_user.is_authenticated:
        return {}
    return {"reminders_overview": lambda: reminders.overview(context()), "vapid_public_key": lambda: keys().public}


@bp.post("/account/reminders/subscriptions")
@login_required
def subscribe():
    """Keep this browser's push subscription (JSON from PushSubscription.toJSON())."""
    size = request.content_length
    if size is not None and size > reminders.MAX_SUBSCRIPTION_BYTES:
        raw = b"x" * (reminders.MAX_SUBSCRIPTION_BYTES + 1)  # refused unread
    else:
        raw = request.stream.read(reminders.MAX_SUBSCRIPTION_BYTES + 1)
    try:
        subscription_id = reminders.subscribe(
            get_db(), me(), raw, request.user_agent.string, now(), not current_app.config["PRODUCTION"]
        )
    except Refused as refused:
        return jsonify(error=str(refused)), status_of(refused)
    return jsonify(id=subscription_id), 201


@bp.post(f"/account/reminders/devices/<{ID}:subscription_id>/remove")
@login_required
def remove_device(subscription_id):
    """Stop reminders to one of this account's browsers (another user's: 404)."""
    reminders.remove(get_db(), me(), subscription_id)
    flash("That device gets no more reminders.")
    return see_other(url_for("account.show") + ANCHOR)


@bp.post("/account/reminders/settings")
@login_required
def save_settings():
    """Each routine's reminder time, and the evening and weekly reminders."""
    try:
        reminders.save_settings(context(), request.form)
    except Refused as refused:
        return account_page(status_of(refused), **refused.problems)
    flash("Reminder settings saved.")
    return see_other(url_for("account.show") + ANCHOR)


@bp.post("/account/reminders/test")
@login_required
def send_test():
    """Send a test reminder to each of this account's browsers now."""
    sent, missed = reminders.send_test(get_db(), me(), sender(), url_for("today.show"), now())
    if not sent and not missed:
        flash("No device gets reminders yet: tap “Remind me on this phone” first.")
    elif missed:
        flash(f"Test reminder sent to {sent} of {sent + missed} devices; the others' push service did not take it.")
    else:
        flash(f"Test reminder sent to {sent} device{'s' if sent > 1 else ''}.")
    return see_other(url_for("account.show") + ANCHOR)


@bp.get("/reminders/start/<routine_id>")
@login_required
def start(routine_id):
    """What a reminder opens: today's session of that routine, one tap from starting (or resuming)."""
    return render_template("reminders/start.html", **reminders.routine_today(context(), routine_id))


cli = AppGroup("reminders", help="Web Push reminders.")


@cli.command("run")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
def run(once):
    """Send reminders as they fall due: a pass at the start of every minute (never inside a web worker)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    while True:
        with app.test_request_context("/"):  # url_for for the addresses a notification opens
            report = reminders.run_pass(
                app.config["DATABASE"], app.extensions["catalog"], app.config["CLOCK"](), sender(), links()
            )
        if report.sent or report.gone or report.failed or once:
            click.echo(f"Reminders: {report.sent} sent, {report.gone} gone, {report.failed} failed.")
        if once:
            return
        time.sleep(60 - time.time() % 60 + 1)  # a second past the next minute: times are whole minutes
