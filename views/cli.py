"""Command-line tasks: `db upgrade`, `catalog check` and `backup PATH` (with `flask --app app`)."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from model import catalog
from model.catalog import files as catalog_files
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


def init_app(app):
    """Add the db, catalog and backup commands to the app's `flask` command."""
    app.cli.add_command(db_cli)
    app.cli.add_command(catalog_cli)
    app.cli.add_command(backup)
