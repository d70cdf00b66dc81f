"""Passkeys: sign in with one, add one, remove one. The two WebAuthn ceremonies speak JSON to
static/js/passkeys.js; removing is a plain form."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, request, session, url_for
from flask_login import login_required

from model.identity import passkeys
from views.auth import _start_session, limiter
from views.converters import ID
from views.security import safe_next
from views.web import get_db, me, now, see_other

bp = Blueprint("passkeys", __name__)
CEREMONY = "passkey_ceremony"


def _relying_party() -> tuple[str, str]:
    """(RP id, origin): this site's host name without the port, and its URL."""
    return urlsplit(request.host_url).hostname or "", request.host_url.rstrip("/")


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _json(options_json, ceremony):
    session[CEREMONY] = ceremony
    return current_app.response_class(options_json, mimetype="application/json")


def _refused(response):
    return response.status_code in (401, 422)


@bp.post("/passkeys/sign-in/options")
def sign_in_options():
    """A challenge for any passkey of this site."""
    return _json(*passkeys.sign_in_options(_relying_party()[0], now()))


@bp.post("/passkeys/sign-in")
@limiter.limit("30 per minute", deduct_when=_refused)
def sign_in():
    """Sign in with the passkey that answered the challenge."""
    body = _body()
    try:
        user_id = passkeys.sign_in(
            get_db(), body.get("credential"), session.pop(CEREMONY, None), *_relying_party(), now(), request.remote_addr
        )
    except passkeys.PasskeyRefused as refused:
        return {"error": str(refused)}, 401
    _start_session(user_id, remember=body.get("remember") is True)
    return {
        "redirect": safe_next(body.get("next") if isinstance(body.get("next"), str) else None, url_for("today.show"))
    }


@bp.post("/account/passkeys/options")
@login_required
@limiter.limit("10 per hour", key_func=lambda: f"passkey:{getattr(me(), 'id', '')}", deduct_when=_refused)
def add_options():
    """After the password: what the browser needs to make a passkey for this account."""
    try:
        return _json(*passkeys.add_options(get_db(), me(), _body().get("password"), _relying_party()[0], now()))
    except passkeys.PasskeyRefused as refused:
        return {"error": str(refused)}, 422


@bp.post("/account/passkeys")
@login_required
def add():
    """Keep the passkey the browser made."""
    try:
        passkeys.add(
            get_db(),
            me(),
            _body().get("credential"),
            session.pop(CEREMONY, None),
            *_relying_party(),
            request.user_agent.string,
            now(),
            request.remote_addr,
        )
    except passkeys.PasskeyRefused as refused:
        return {"error": str(refused)}, 422
    flash("Passkey added. Next time, sign in with it: no password needed.")
    return {"redirect": url_for("account.show") + "#passkeys-title"}


@bp.post(f"/account/passkeys/<{ID}:passkey_id>/delete")
@login_required
def remove(passkey_id):
    """Remove a passkey, unless it is the last way to sign in."""
    outcome = passkeys.remove(get_db(), me(), passkey_id, now(), request.remote_addr)
    if outcome == "missing":
        abort(404)
    flash("Passkey removed." if outcome == "removed" else "That passkey is your last way to sign in, so it stays.")
    return see_other(url_for("account.show") + "#passkeys-title", status=409 if outcome == "refused" else None)
