"""Command-line tasks: `db upgrade`, `catalog check`, `backup PATH`, `restore`, `photos sync` and `demo` (with
`flask --app app`)."""

import sqlite3
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from model import catalog, demo
from model.catalog import files as catalog_files
from model.refusals import Refused
from model.store import db as database
from model.store import migrations, replica

db_cli = AppGroup("db", help="Database tasks.")


@db_cli.command("upgrade")
def upgrade():
    """Create the database or apply pending migrations."""
    path = current_app.config["DATABASE"]
    try:
        problem = database.write_problem(path)
        if problem is not None and problem.reason == database.READ_ONLY:
            raise problem
        conn = database.connect(path)
        try:
            migrations.upgrade(conn)
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as error:  # one line naming the file and the cause, no traceback
        raise click.ClickException(f"Cannot upgrade the database at {path}: {_cause(error)}.") from None
    click.echo("Database is up to date.")


def _cause(error) -> str:
    problem = database.storage_error(error)
    if problem is None:
        return str(error.strerror if isinstance(error, OSError) and error.strerror else error)
    return {
        database.READ_ONLY: "it is read-only (its file, folder or disk cannot be written)",
        database.FULL: "its disk is full",
        database.LOCKED: "another process holds it locked",
        database.IO_ERROR: "its disk failed to read or write",
    }[problem.reason]


@click.command("backup")
@click.argument("target")
@with_appcontext
def backup(target):
    """Copy the live database to TARGET consistently (safe while the app runs)."""
    try:
        database.backup(current_app.config["DATABASE"], target)
    except FileExistsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {target}.")


@click.command("restore")
@click.option("--from", "source", envvar="FACEREPS_REPLICA_URL", help="The replica's URL [FACEREPS_REPLICA_URL].")
@click.option("--to", "target", help="A new path for the database (default: the app's, which must not exist).")
@with_appcontext
def restore(source, target):
    """Bring a Litestream replica back as the database (checked with PRAGMA integrity_check), with its photos.

    Never overwrites a database that exists or is open: restore to a new path with --to, then point
    FACEREPS_DATABASE at it (its photos go to photos/ beside it)."""
    config = current_app.config
    path = Path(target) if target else Path(config["DATABASE"])
    photos = path.parent / "photos" if target else config["PHOTO_DIR"]
    try:
        done = replica.restore(source or config.get("REPLICA_URL") or "", path, photos)
    except replica.RestoreError as error:
        raise click.ClickException(str(error)) from None
    lost = f"; {done.photos_missing} photos it names are missing" if done.photos_missing else ""
    click.echo(f"Restored {path} (integrity ok) and {done.photos} photos into {photos}{lost}.")


photos_cli = AppGroup("photos", help="Progress photo tasks.")


@photos_cli.command("sync")
@click.option("--to", "folder", help="The copy's folder (default: photos/ in a file:// FACEREPS_REPLICA_URL).")
@click.option("--every", type=click.FloatRange(min=1), help="Repeat every so many seconds until stopped.")
@with_appcontext
def sync_photos(folder, every):
    """Copy new progress photos into the replica (Litestream copies the database only)."""
    url = current_app.config.get("REPLICA_URL") or ""
    copy = Path(folder) if folder else replica.photo_copy_folder(url)
    if copy is None:
        raise click.ClickException(
            "photos are copied to a folder: set a file:// FACEREPS_REPLICA_URL or pass --to FOLDER (a second disk)."
        )
    while True:
        try:
            done = replica.sync_photos(current_app.config["PHOTO_DIR"], copy)
        except OSError as error:
            if not every:
                raise click.ClickException(f"photos not copied to {copy}: {error}") from None
            click.echo(f"photos not copied to {copy}: {error}", err=True)
        else:
            if done.copied or done.set_aside or not every:
                click.echo(f"Photos: {done.copied} copied, {done.set_aside} set aside, {done.purged} purged ({copy}).")
        if not every:
            return
        time.sleep(every)


catalog_cli = AppGroup("catalog", help="Routine catalog tasks.")


@catalog_cli.command("check")
@click.argument("folder", required=False)
def check(folder):
    """Validate the catalog files (the app's own, or those in FOLDER) strictly.

    Fails, naming file, entry and field, on any fact without a known source, a source without a known kind,
    a source no fact cites, a question without its explanation, a wait without days, or a skip_area question
    whose areas no routine of its device has.
    """
    try:
        loaded = catalog_files.check_folder(folder or current_app.config["CATALOG_DIR"])
    except catalog.CatalogError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Catalog OK: {len(loaded.devices)} device types, {len(loaded.routines)} routines, "
        f"{len(loaded.programs)} programs, {len(loaded.sources)} sources; every fact cites one."
    )


@click.command("demo")
@click.option("--email", default=demo.EMAIL, show_default=True, help="The demo account's email.")
@click.option("--time-zone", default="UTC", show_default=True, help="Its IANA time zone, e.g. Europe/Paris.")
@click.option("--replace", is_flag=True, help="Delete an account with that email first, and make it anew.")
@with_appcontext
def demo_account(email, time_zone, replace):
    """Create a demo account with six weeks of history (a microcurrent program, check-ins) and print how to
    sign in to it."""
    config = current_app.config
    conn = database.connect(config["DATABASE"])
    try:
        made = demo.create(
            conn, current_app.extensions["catalog"], config["CLOCK"](), email, time_zone, replace, config["PHOTO_DIR"]
        )
    except demo.DemoExists as exists:
        raise click.ClickException(f"{exists} Add --replace to delete it and make it anew.") from None
    except Refused as refused:
        raise click.ClickException(str(refused)) from None
    finally:
        conn.close()
    click.echo(
        f"Demo account made: {made.sessions_done} sessions done over six weeks, {made.missed} missed, "
        f"{made.skipped} skipped, {made.checkins} weekly check-ins.\n"
        f"Email:    {made.email}\nPassword: {made.password}"
    )


def init_app(app):
    """Add the db, catalog, backup, restore, photos and demo commands to the app's `flask` command."""
    app.cli.add_command(db_cli)
    app.cli.add_command(catalog_cli)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(photos_cli)
    from views import reminders  # the sender: `flask --app app reminders run [--once]`

    app.cli.add_command(reminders.cli)
    app.cli.add_command(demo_account)
