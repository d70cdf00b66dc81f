"""FaceReps: the application factory (config, extensions, blueprints, CLI, security headers)."""

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import Flask
from flask_compress import Compress
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from model import catalog
from model.identity import accounts
from model.store import db as database
from views import cli, errors, fragments, logging_filters, pwa, register_blueprints, security, web
from views.auth import limiter, login_manager

ROOT = Path(__file__).resolve().parent


def utc_now():
    """The one clock: every 'today' is derived from it (tests replace it in config)."""
    return datetime.now(UTC)


def _dev_secret(path: Path) -> str:
    """A random secret kept in a git-ignored file, so development sessions survive restarts."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
                file.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass  # another process made it first
    path.chmod(0o600)  # one made world-readable by an older version is narrowed too
    return path.read_text().strip()


def _config_from_env(production: bool) -> dict:
    config: dict[str, object] = {
        "DATABASE": os.environ.get("FACEREPS_DATABASE", str(ROOT / "data" / "facereps.db")),
        "CATALOG_DIR": os.environ.get("FACEREPS_CATALOG", str(ROOT / "data" / "catalog")),
    }
    if os.environ.get("FACEREPS_SECRET_KEY"):
        config["SECRET_KEY"] = os.environ["FACEREPS_SECRET_KEY"]
    if os.environ.get("FACEREPS_REGISTER_LIMIT"):  # e.g. "30 per hour" (the default) per address
        config["REGISTER_LIMIT"] = os.environ["FACEREPS_REGISTER_LIMIT"]
    if os.environ.get("RATELIMIT_STORAGE_URI"):  # e.g. redis://host:6379: counters shared by every worker
        config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    if os.environ.get("FACEREPS_REPLICA_URL"):  # Litestream's replica (deploy/litestream.yml): `flask restore`
        config["REPLICA_URL"] = os.environ["FACEREPS_REPLICA_URL"]
    if os.environ.get("FACEREPS_VAPID_PRIVATE_KEY"):  # Web Push's key pair (README: set and rotate it)
        config["VAPID_PRIVATE_KEY"] = os.environ["FACEREPS_VAPID_PRIVATE_KEY"]
    if os.environ.get("FACEREPS_VAPID_SUBJECT"):  # mailto: or https: address push services may contact
        config["VAPID_SUBJECT"] = os.environ["FACEREPS_VAPID_SUBJECT"]
    hops = (os.environ.get("FACEREPS_PROXY_HOPS") or "0").strip()
    if not hops.isascii() or not hops.isdigit():
        raise RuntimeError(f"FACEREPS_PROXY_HOPS must be a number of proxies (0 or more), not {hops!r}.")
    config["PROXY_HOPS"] = int(hops)
    if production:
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True
        # __Host-: the browser keeps them only if Secure, Path=/ and without Domain (no subdomain can set them).
        config["SESSION_COOKIE_NAME"] = "__Host-session"
        config["REMEMBER_COOKIE_NAME"] = "__Host-remember_token"
    return config


def create_app(config=None):
    """Build a FaceReps app; `config` overrides the environment (tests pass their own)."""
    os.umask(0o077)  # the database, photos, backups and the secret key: readable by this user only
    app = Flask(__name__)
    app.jinja_environment = web.TemplateEnvironment  # before app.jinja_env is first made
    production = os.environ.get("FACEREPS_ENV") == "production"
    app.config.from_mapping(
        CLOCK=utc_now,
        PRODUCTION=production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=False,
        REMEMBER_COOKIE_DURATION=timedelta(days=30),
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),
        LOGIN_MAX_AGE=timedelta(days=30),
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,
        PHOTO_MAX_BYTES=10 * 1024 * 1024,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        # Failed logins only (views/auth.py): one account from one address, one address overall, and
        # past LOGIN_SLOW_AFTER failures at an account from anywhere, a wait (seconds, doubling) for an
        # address that fails there again.
        LOGIN_LIMIT="5 per minute",
        LOGIN_ADDRESS_LIMIT="30 per minute",
        LOGIN_SLOW_AFTER=10,
        LOGIN_SLOW_WINDOW=timedelta(minutes=15),
        LOGIN_SLOW_MAX=30,
        PROXY_HOPS=0,
        # Text is sent compressed by the app itself (a proxy in front may do it instead).
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
            "text/calendar",
            "text/csv",
        ],
        COMPRESS_ALGORITHM=["br", "gzip"],
        REGISTER_LIMIT="30 per hour",
    )
    app.config.update(_config_from_env(production))
    app.config.update(config or {})
    accounts.use_hasher(app.config.setdefault("PASSWORD_HASHER", accounts.PRODUCTION_HASHER))
    app.config.setdefault("PHOTO_DIR", Path(app.config["DATABASE"]).parent / "photos")
    app.config["PHOTO_DIR"] = Path(app.config["PHOTO_DIR"])
    if not app.config.get("SECRET_KEY"):
        if app.config["PRODUCTION"]:
            raise RuntimeError("FACEREPS_SECRET_KEY must be set in production.")
        app.config["SECRET_KEY"] = _dev_secret(Path(app.config["DATABASE"]).parent / ".secret_key")

    # Web Push: without FACEREPS_VAPID_PRIVATE_KEY, a key pair made on first use, kept beside the secret key.
    app.config.setdefault("VAPID_KEY_FILE", Path(app.config["DATABASE"]).parent / ".vapid_private_key.pem")
    site = (os.environ.get("FACEREPS_BASE_URL") or "").rstrip("/")
    app.config.setdefault("VAPID_SUBJECT", site if site.startswith("https://") else "mailto:no-reply@localhost")

    # A broken catalog stops start-up with an error naming file, entry and field.
    app.extensions["catalog"] = catalog.load(app.config["CATALOG_DIR"])
    if app.config["PROXY_HOPS"]:
        # Behind N reverse proxies: the client is the address the Nth proxy from here saw.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"])  # type: ignore[method-assign]
    logging_filters.install()
    Htmx(app)
    Compress(app)
    web.init_app(app)
    fragments.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    register_blueprints(app)
    app.config["STATIC_VERSION"] = pwa.static_version(app)
    _check_storage(app)
    return app


def _check_storage(app):
    """At start, one line in the log when the database cannot take writes: the app still starts and serves
    pages, answers changes with 503, and /healthz says "degraded" with the reason. A `flask` command says
    so itself (`db upgrade`: one line, then exit 1), so it is not told twice."""
    if click.get_current_context(silent=True) is not None:
        return
    problem = database.write_problem(app.config["DATABASE"])
    if problem is not None:
        app.logger.warning(
            "The database at %s cannot take writes (%s: %s): serving pages, refusing changes with 503.",
            app.config["DATABASE"],
            problem.reason,
            problem.cause,
        )


app = create_app()
