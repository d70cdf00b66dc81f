"""Request plumbing shared by the views: the database connection, the user's day, htmx replies."""

from datetime import timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import abort, current_app, g, make_response, redirect, render_template
from flask.templating import Environment
from flask_login import current_user
from htmx_flask import request  # flask's request, typed with its .htmx details

from model import wording
from model.catalog import AREAS
from model.catalog import own as own_catalog
from model.context import Context
from model.rules.schedule import local_day
from model.store import db as database
from views import fragments  # (fragments imports this module: names are read at call time)


class TemplateEnvironment(Environment):
    """Flask's Jinja environment, with each template's globals in one dict rather than a ChainMap over the
    environment's: Jinja reads them on every render and every `{% from ... import %}`, and a ChainMap
    looks each name up map by map (a quarter of a tick's answer went there, bench/today.py). The
    globals are all set when the app is made (init_app below, blueprints), before any template loads,
    as Jinja asks; a template loaded earlier would not see a global added later."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def init_app(app):
    """Register the connection's teardown and the templates' filters."""
    app.teardown_appcontext(_close_db)
    app.add_template_filter(duration)
    app.add_template_filter(clock_time)
    app.add_template_filter(sentence)
    app.add_template_filter(area_name)
    app.add_template_filter(path_part)
    app.add_template_filter(local_time)
    # The English for the core's facts (model/wording.py).
    for words in (
        wording.verdict_reason,
        wording.refusal_reason,
        wording.phase_label,
        wording.day_mark,
        wording.day_long,
        wording.day_label,
        wording.day_short,
        wording.day_month,
        wording.day_month_short,
        wording.date_long,
        wording.date_short,
        wording.date_time,
    ):
        app.add_template_filter(words)
    app.jinja_env.globals["timedelta"] = timedelta
    app.jinja_env.globals["asset"] = asset


def local_time(moment) -> str:
    """A stored moment as the signed-in user's wall-clock time: '08:12'."""
    return f"{moment.astimezone(ZoneInfo(me().time_zone)):%H:%M}"


def asset(filename: str) -> str:
    """A static file's URL with the shell version, the same URL the service worker precaches."""
    return fragments.kept_url_for("static", filename=filename, v=current_app.config.get("STATIC_VERSION", "dev"))


def duration(seconds: int) -> str:
    """45 → '45 s', 300 → '5 min', 290 → '4 min 50 s'."""
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def clock_time(seconds: int) -> str:
    """A countdown-style m:ss."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def sentence(text: str) -> str:
    """Upper-case the first letter only (Jinja's capitalize lowers the rest: 'thursday')."""
    return text[:1].upper() + text[1:]


def path_part(value: str) -> str:
    """One URL path segment, every reserved character escaped ('/' too), as url_for would build it."""
    return quote(str(value), safe="")


def area_name(area: str) -> str:
    """'jaw' → 'Jawline': a catalog area as the user reads it."""
    return AREAS.get(area, area)


def get_db():
    """This request's connection: the one this worker thread keeps open (see db.kept_connection)."""
    if "db" not in g:
        g.db = database.kept_connection(current_app.config["DATABASE"])
    return g.db


def _close_db(exc):
    conn = g.pop("db", None)
    if conn is not None:
        database.release(conn, failed=exc is not None)


def catalog(fresh=False):
    """The routine catalog loaded at start-up, with the signed-in user's own routines and plans.

    `fresh` reads the user's own ones again (after this request changed them).
    """
    if fresh or "catalog" not in g:
        base = current_app.extensions["catalog"]
        g.catalog = own_catalog.with_own(get_db(), base, me()) if current_user.is_authenticated else base
    return g.catalog


def me():
    """The signed-in user object itself: flask-login's `current_user` proxy looks the user up again
    on every attribute read, and the day and review code read the user's fields many times."""
    return current_user._get_current_object()


def now():
    """The app clock's moment, read once per request."""
    if "now" not in g:
        g.now = current_app.config["CLOCK"]()
    return g.now


def context(user=None, replayable: bool = False) -> Context:
    """What the use cases need, for the signed-in user (or `user`, e.g. a calendar feed's owner);
    `replayable`: a request a phone may send again from its outbox, whose client id is read from the form."""
    if user is None:
        return Context(get_db(), catalog(), me(), user_today(), now(), client_id() if replayable else None)
    day = local_day(now(), user.time_zone, user.day_start_hour)
    own = own_catalog.with_own(get_db(), current_app.extensions["catalog"], user)
    return Context(get_db(), own, user, day, now())


def user_today():
    """The signed-in user's local day, computed once per request from the app clock."""
    user = me()
    return local_day(now(), user.time_zone, user.day_start_hour)


def wants_fragment(target_id: str) -> bool:
    """True when htmx asked for exactly this element (not merely any htmx request)."""
    return bool(request.htmx) and request.htmx.target == target_id


def client_id():
    """The id a phone gave a request it may replay later (None when absent); 422 when malformed."""
    value = request.form.get("client_id") or None
    if value is not None and (len(value) > 64 or not value.replace("-", "").isalnum()):
        abort(422, "The request id from this phone is not valid.")
    return value


def see_other(location, status=None):
    """After a POST: 303 back to a page for plain forms, a client-side redirect for htmx.

    `status` (a 4xx) answers a refused request with its message flashed on the page it links to.
    """
    if request.htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    if status:
        response = make_response(render_template("errors/refused.html", location=location), status)
        return response
    return redirect(location, 303)
