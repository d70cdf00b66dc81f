"""Command-line tasks: `db upgrade`, `catalog check`, `backup PATH` and `demo` (with `flask --app app`)."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from model import catalog, demo
from model.catalog import files as catalog_files
from model.refusals import Refused
from model.store import db as database
from model.store import migrations

db_cli = AppGroup("db", help="Database tasks.")


@db_cli.command("upgrade")
def upgrade():
    """Create the database or apply pending migrations."""
    conn = database.connect(current_app.config["DATABASE"])
    try:
        migrations.upgrade(conn)
    finally:
        conn.close()
    click.echo("Database is up to date.")


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
    """Add the db, catalog, backup and demo commands to the app's `flask` command."""
    app.cli.add_command(db_cli)
    app.cli.add_command(catalog_cli)
    app.cli.add_command(backup)
    from views import reminders  # the sender: `flask --app app reminders run [--once]`

    app.cli.add_command(reminders.cli)
    app.cli.add_command(demo_account)
