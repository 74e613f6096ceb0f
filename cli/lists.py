"""The lists from the command line: import / export of the admins' Excel files, the demo data.

    flask --app app import orgs 组织.xlsx
    flask --app app export tasks tasks.csv
    flask --app app demo-data --period 2026-11
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from models import database, periods
from models.demo import DemoDataError, load_demo_data
from models.lists_io import KINDS, TableError, export_file, import_file

FILE = click.Path(dir_okay=False, path_type=Path)
SHOWN_ERRORS = 50               # a file with thousands of bad rows needs the first few, not a flood


def _settings():
    return current_app.config["YUEBAO"]


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


@click.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=FILE)
@with_appcontext
def import_command(kind: str, file: Path):
    """Import KIND (orgs, people, departments, actions, tasks, rectifications, indicators) from a .xlsx or .csv FILE.

    Nothing is changed unless every row is right; each problem is printed with its row and
    column. Fresh lists go in this order: departments, orgs, people, actions, tasks, rectifications.
    Indicators (考评指标) are one document: their import replaces the whole tree.
    """
    with database.connection_context():
        try:
            services = current_app.extensions["yuebao"]
            result = import_file(kind, file, _settings().directory, deadline=services.schedule.deadline,
                                 clock=services.clock)
        except TableError as exc:
            _fail([str(exc)])
    if not result.ok:
        shown = [str(error) for error in result.errors[:SHOWN_ERRORS]]
        more = len(result.errors) - len(shown)
        _fail([*shown, *([f"……另有 {more} 处错误未列出"] if more else []), result.summary()])
    for warning in result.warnings:
        click.echo(f"提醒：{warning}")
    click.echo(result.summary())


@click.command("export")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=FILE)
@with_appcontext
def export_command(kind: str, file: Path):
    """Export KIND to a .xlsx or .csv FILE with the same headers the import reads."""
    with database.connection_context():
        try:
            count = export_file(kind, file)
        except TableError as exc:
            _fail([str(exc)])
    click.echo(f"已导出{KINDS[kind].LABEL} {count} 行到 {file}")


def _check_period(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return periods.check(value)
    except ValueError:
        raise click.BadParameter(f"应为 2026-11 这样的月份,不是 {value!r}") from None


@click.command("demo-data")
@click.option("--period", callback=_check_period, help="The month of the demo tasks (default: this month).")
@with_appcontext
def demo_data_command(period: str | None):
    """Load the demo organisations, people, departments, actions and the month's tasks (safe to repeat)."""
    period = period or current_app.extensions["yuebao"].clock.period()
    with database.connection_context():
        try:
            results = load_demo_data(period, _settings().directory)
        except DemoDataError as exc:
            _fail([f"演示数据未能导入:{exc}"])
    for result in results.values():
        click.echo(result.summary())
    click.echo(f"演示数据已就绪,月度任务月份 {period}")
