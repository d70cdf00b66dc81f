"""Register, log in and log out; the login manager and the login throttle.

The throttle counts failed logins only (a right password never counts), by the real client address
(`request.remote_addr`, corrected by ProxyFix for FACEREPS_PROXY_HOPS proxies), in Flask-Limiter's
storage (RATELIMIT_STORAGE_URI: shared by every worker and machine that points at the same one):

- one account from one address: LOGIN_LIMIT failures (5 a minute), then 429 for that address only;
- one address, any accounts: LOGIN_ADDRESS_LIMIT failures (30 a minute), then 429;
- one account from all addresses: past LOGIN_SLOW_AFTER failures in LOGIN_SLOW_WINDOW (10 in 15
  minutes), an address that fails again must wait before its next try at that account (1 s, doubling
  with each further failure at the account, LOGIN_SLOW_MAX at most) and is told so with a 429 and
  Retry-After. An address that has not failed there is never made to wait, so the owner still signs
  in while someone elsewhere guesses.
"""

import hashlib
import math
import time

from flask import Blueprint, current_app, flash, render_template, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from htmx_flask import request  # flask's request, typed with its .htmx details

from model import store
from model.identity import accounts, security_log
from model.refusals import Refused
from views.errors import status_of
from views.security import safe_next
from views.web import get_db, me, now, see_other

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)


@login_manager.user_loader
def load_user(token):
    """The user this login token signs in, or None when the login is gone or older than LOGIN_MAX_AGE."""
    return store.user_for_login(get_db(), token, now() - current_app.config["LOGIN_MAX_AGE"])


@login_manager.unauthorized_handler
def unauthorized():
    """Plain requests go to the login page; htmx requests get a client-side redirect."""
    if request.htmx:
        response = current_app.response_class("", 401)
        response.headers["HX-Redirect"] = url_for("auth.login")
        return response
    return see_other(url_for("auth.login", next=request.full_path.rstrip("?")))


def _failed(response):
    # Only a wrong email or password counts: a user who gets it right is never throttled, and
    # being told to wait (429) is no new failure.
    return response.status_code == 401


def _account():
    """The account a login names, as a short digest (storage keys stay small and plain)."""
    email = accounts.normalise_email(request.form.get("email", ""))
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def _login_key():
    return f"login:{_account()}:{get_remote_address()}"


def _wait_key(account):
    return f"facereps-login-wait/{account}/{get_remote_address()}"


def _throttled():
    return current_app.config.get("RATELIMIT_ENABLED", True)


def _wait_left():
    """Seconds this address must still wait before trying this account again (0: go ahead)."""
    if not _throttled():
        return 0
    key = _wait_key(_account())
    if not limiter.storage.get(key):
        return 0
    return max(1, math.ceil(limiter.storage.get_expiry(key) - time.time()))


def _note_failure():
    """Count a failed login at the account; past the threshold this address waits before its next."""
    if not _throttled():
        return
    config, account = current_app.config, _account()
    failures = limiter.storage.incr(
        f"facereps-login-failures/{account}", int(config["LOGIN_SLOW_WINDOW"].total_seconds())
    )
    if failures >= config["LOGIN_SLOW_AFTER"]:
        wait = min(config["LOGIN_SLOW_MAX"], 2 ** min(failures - config["LOGIN_SLOW_AFTER"], 20))
        limiter.storage.clear(_wait_key(account))
        limiter.storage.incr(_wait_key(account), int(wait))


def _slow_down(wait, next_url):
    """429 with the login form, how long to wait and a Retry-After of exactly that."""
    flash(
        f"Many wrong passwords were tried for this account. Wait {wait} second"
        f"{'' if wait == 1 else 's'}, then try again."
    )
    # Flask-Limiter would raise Retry-After to the end of its own minute: this answer is not its limit.
    limiter.context.view_rate_limit = None
    return (
        render_template("auth/login.html", next_url=next_url, failed=False, form=request.form),
        429,
        {"Retry-After": str(wait)},
    )


def _start_session(user_id, remember):
    """Sign in with a fresh login token (the old session's contents are dropped)."""
    session.clear()
    token = store.create_login(get_db(), user_id, now())
    user = store.user_for_login(get_db(), token, now() - current_app.config["LOGIN_MAX_AGE"])
    session.permanent = remember
    login_user(user, remember=remember)


def _forget_remember_cookie(response):
    """Delete the remember-me cookie with the attributes it was set with (a __Host- cookie needs Secure)."""
    config = current_app.config
    response.delete_cookie(
        config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        path=config.get("REMEMBER_COOKIE_PATH", "/"),
        domain=config.get("REMEMBER_COOKIE_DOMAIN"),
        secure=config["REMEMBER_COOKIE_SECURE"],
        httponly=True,
        samesite=config["REMEMBER_COOKIE_SAMESITE"],
    )


@bp.get("/")
def home():
    """The front door: Today when signed in, else what FaceReps is, with ways to register or log in."""
    if current_user.is_authenticated:
        return see_other(url_for("today.show"))
    return render_template("auth/home.html")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT"], methods=["POST"])
def register():
    """Create an account and sign in."""
    if request.method == "GET":
        return render_template("auth/register.html", problems={}, form={})
    form = request.form
    try:
        user_id = accounts.register(
            get_db(), form.get("email", ""), form.get("password", ""), form.get("time_zone", ""), now()
        )
    except Refused as refused:
        return render_template("auth/register.html", problems=refused.problems, form=form), status_of(refused)
    _start_session(user_id, remember=False)
    return see_other(url_for("welcome.question"))  # a new account has no program yet: which device?


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], key_func=_login_key, methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], methods=["POST"], deduct_when=_failed)
def login():
    """Sign in with email and password."""
    next_url = safe_next(request.values.get("next"), url_for("today.show"))
    if request.method == "GET":
        return render_template(
            "auth/login.html",
            next_url=next_url,
            failed=False,
            form={},
            forget_offline=session.pop("forget_offline", False),
        )
    wait = _wait_left()
    if wait:
        return _slow_down(wait, next_url)
    user = accounts.authenticate(get_db(), request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        _note_failure()
        security_log.sign_in_failed(get_db(), request.form.get("email", ""), request.remote_addr, now())
        return render_template("auth/login.html", next_url=next_url, failed=True, form=request.form), 401
    _start_session(user.id, remember=request.form.get("remember") == "on")
    security_log.record(get_db(), "sign_in", user.id, request.remote_addr, now(), method="password")
    return see_other(next_url)


@bp.post("/logout")
@login_required
def logout():
    """Sign this browser out and revoke its login, so a copied cookie stops working."""
    security_log.record(get_db(), "sign_out", me().id, request.remote_addr, now())
    store.delete_login(get_db(), me().login_token)
    logout_user()
    session.clear()
    session["forget_offline"] = True  # the next page clears this phone's saved pages and outbox
    flash("You are logged out.")
    response = see_other(url_for("auth.login"))
    _forget_remember_cookie(response)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response
