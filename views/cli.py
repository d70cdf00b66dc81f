"""Command-line tasks: `flask --app app db upgrade`."""
import click
from flask import current_app
from flask.cli import AppGroup

from model import db as database
from model import migrations

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


def init_app(app):
    app.cli.add_command(db_cli)
