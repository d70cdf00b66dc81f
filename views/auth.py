"""Register, log in and log out; the login manager and the login throttle."""
from flask import (Blueprint, current_app, flash, render_template, request, session,
                   url_for)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from model import accounts, store
from views.security import safe_next
from views.web import get_db, now, see_other

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)


@login_manager.user_loader
def load_user(token):
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
    # Only failed attempts count toward the limit: a user who gets it right is never throttled.
    return response.status_code != 303


def _login_key():
    return "login:" + accounts.normalise_email(request.form.get("email", ""))


def _start_session(user_id, remember):
    """Sign in with a fresh login token (the old session's contents are dropped)."""
    session.clear()
    token = store.create_login(get_db(), user_id, now())
    user = store.user_for_login(get_db(), token, now() - current_app.config["LOGIN_MAX_AGE"])
    session.permanent = remember
    login_user(user, remember=remember)


@bp.get("/")
def home():
    """The front door: Today when signed in, else the login page."""
    return see_other(url_for("today.show" if current_user.is_authenticated else "auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT"], methods=["POST"])
def register():
    """Create an account and sign in."""
    if request.method == "GET":
        return render_template("auth/register.html", problems={}, form={})
    user_id, problems = accounts.register(get_db(), request.form.get("email", ""),
                                          request.form.get("password", ""),
                                          request.form.get("time_zone", ""), now())
    if problems:
        return render_template("auth/register.html", problems=problems, form=request.form), 422
    _start_session(user_id, remember=False)
    flash("Welcome to FaceReps. Pick a program to start your routine.")
    return see_other(url_for("today.show"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], key_func=_login_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit("30 per minute", methods=["POST"], deduct_when=_failed)
def login():
    """Sign in with email and password."""
    next_url = safe_next(request.values.get("next"), url_for("today.show"))
    if request.method == "GET":
        return render_template("auth/login.html", next_url=next_url, failed=False, form={},
                               forget_offline=session.pop("forget_offline", False))
    user = accounts.authenticate(get_db(), request.form.get("email", ""),
                                 request.form.get("password", ""))
    if user is None:
        return render_template("auth/login.html", next_url=next_url, failed=True,
                               form=request.form), 401
    _start_session(user.id, remember=request.form.get("remember") == "on")
    return see_other(next_url)


@bp.post("/logout")
@login_required
def logout():
    """Sign this browser out and revoke its login, so a copied cookie stops working."""
    store.delete_login(get_db(), current_user.login_token)
    logout_user()
    session.clear()
    session["forget_offline"] = True  # the next page clears this phone's saved pages and outbox
    flash("You are logged out.")
    response = see_other(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache"'
    return response
