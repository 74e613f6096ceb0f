"""Running a month by hand: publish and close."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from handlers.errors import UserError
from jobs.publish import publish_period
from models import database
from models.checkin import close
from models.periods import check


def _period(value: str | None) -> str:
    try:
        return check(value) if value else current_app.extensions["yuebao"].clock.period()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month like 2026-12") from None


@click.command("publish")
@click.argument("period", required=False)
@with_appcontext
def publish_command(period: str | None):
    """Publish PERIOD (default: this month): reports for every org, a card to each secretary and deputy."""
    with database.connection_context():
        try:
            result = publish_period(current_app.extensions["yuebao"], _period(period))
        except UserError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"published {result['period']}: {result['reports']} reports "
               f"({result['new_reports']} new), {result['cards']} cards queued")


@click.command("close")
@click.argument("period")
@with_appcontext
def close_command(period: str):
    """Close PERIOD: reports become read-only."""
    with database.connection_context():
        if not close(_period(period)):
            raise click.ClickException(f"{period} was never published")
    click.echo(f"closed {period}")


COMMANDS = (publish_command, close_command)
