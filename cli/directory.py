"""The WeCom directory sync by hand: `flask --app app directory sync [--dry-run] [--yes]`.

Prints the difference (added, changed, left) before anything is written; asks y/N unless --yes;
--dry-run writes nothing. The same sync runs nightly (jobs/cron.py) and on WeCom's change events.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from bot import contacts
from models import database
from models.directory_sync import apply, compute, describe

directory_group = AppGroup("directory", help="People from the WeCom directory.")


@directory_group.command("sync")
@click.option("--dry-run", is_flag=True, help="Print the difference only; change nothing.")
@click.option("--yes", is_flag=True, help="Apply without asking (for scripts).")
def sync_command(dry_run: bool, yes: bool):
    """Read WeCom's departments, members and tags; print what changes; apply it."""
    services = current_app.extensions["yuebao"]
    with database.connection_context():
        try:
            diff = compute(contacts.read_directory(services))
        except contacts.DirectoryRefused as exc:
            raise click.ClickException(str(exc)) from None
        for line in describe(diff):
            click.echo(line)
        counts = diff.counts
        click.echo(f"added {counts['added']}, changed {counts['changed']}, left {counts['left']}")
        if dry_run or diff.empty:
            click.echo("dry run: nothing changed" if dry_run else "nothing to change")
            return
        if not yes:
            click.confirm("Apply?", abort=True)
        apply(diff)
        click.echo("applied")


COMMANDS = (directory_group,)
