"""What admins also do from the command line: the exports, and the audit of their commands."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from handlers import stats_views
from handlers.errors import UserError
from models import AuditEntry, database
from models.periods import check

FILE = click.Path(dir_okay=False, path_type=Path)


def _services():
    return current_app.extensions["yuebao"]


@click.command("export-month")
@click.argument("period")
@click.argument("file", type=FILE)
@click.option("--org", help="One organisation's code.")
@click.option("--window", help="The summary's months, as 统计 reads them: 近三个月, 2026Q4, 2026H2, 2026, "
                               "2026-10..2026-12 (default: PERIOD).")
@with_appcontext
def export_month_command(period: str, file: Path, org: str | None, window: str | None):
    """The answers of PERIOD (e.g. 2026-12), one row per org and item, part three, each org's progress
    and a summary (统计's figures), as an .xlsx FILE."""
    try:
        check(period)
    except ValueError:
        raise click.BadParameter(f"{period!r} is not a month like 2026-12") from None
    try:
        span = stats_views.window(window or period, period)
    except UserError as exc:
        raise click.BadParameter(str(exc), param_hint="--window") from None
    from jobs import exports  # xlsxwriter: imported by the export commands only

    with database.connection_context():
        rows = exports.month(period, file, org, _services().clock.local, span)
    click.echo(f"{file}: {rows} rows; summary: {span.label}")


@click.command("export-year")
@click.argument("year", type=click.IntRange(2000, 2999))
@click.argument("file", type=FILE)
@click.option("--org", help="One organisation's code.")
@with_appcontext
def export_year_command(year: int, file: Path, org: str | None):
    """The year overview (年度工作一览表) of YEAR as an .xlsx FILE: a summary, then a sheet per org."""
    from jobs import exports

    with database.connection_context():
        orgs = exports.year(year, file, org, _services().clock)
    click.echo(f"{file}: {orgs} organisations")


@click.command("audit")
@click.option("--last", default=50, show_default=True, help="How many of the latest commands.")
@with_appcontext
def audit_command(last: int):
    """The admin commands run: when, who, where, what, and the outcome."""
    local = _services().clock.local
    with database.connection_context():
        rows = AuditEntry.latest(last)
    for row in reversed(rows):
        click.echo(f"{local(row.at):%Y-%m-%d %H:%M:%S}  {row.userid:<14} {row.place:<24} {row.outcome:<8} {row.text}")


COMMANDS = (export_month_command, export_year_command, audit_command)
