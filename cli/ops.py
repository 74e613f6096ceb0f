"""Operating commands: init-db, worker, cron, standin, phone, up."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from cli import processes
from jobs import runtime
from models import database, migrate


def _services():
    return current_app.extensions["yuebao"]


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database schema (safe to run twice)."""
    with database.connection_context():
        applied = migrate()
    click.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--maintenance-seconds", default=30, show_default=True,
              help="How often the worker cleans up and restarts its scheduler if it died (e.g. with Redis).")
@with_appcontext
def worker_command(burst: bool, maintenance_seconds: int):
    """Run an RQ worker (with the scheduler for delayed retries)."""
    services = _services()
    runtime.use(services)
    processes.run_worker(services.redis, burst, maintenance_seconds)


@click.command("cron")
@with_appcontext
def cron_command():
    """Run the monthly schedule (RQ cron): a cycle tick and an outbox sweep every minute. Refuses
    to start when another one is alive; waits out Redis outages."""
    try:
        processes.run_cron(_services().redis)
    except processes.AlreadyRunning as exc:
        raise click.ClickException(f"a cron scheduler is already running: {exc}") from None


@click.command("standin")
@with_appcontext
def standin_command():
    """Run the local WeCom stand-in (demos and tests)."""
    from standin.server import serve  # development tooling: imported by its command only

    serve(current_app.config["YUEBAO"])


@click.command("phone")
@click.argument("userid")
@click.option("--group", is_flag=True, help="Speak in the admin group chat through the robot.")
@click.option("--chat", default="admin-group", show_default=True, help="The group chat id.")
@with_appcontext
def phone_command(userid: str, group: bool, chat: str):
    """A terminal phone on the stand-in: read USERID's messages, type answers, click buttons."""
    from standin.client import StandinClient
    from standin.phone import run_phone

    standin = current_app.config["YUEBAO"].standin
    run_phone(StandinClient(f"http://{standin.host}:{standin.port}"), userid, group=group, chatid=chat)


@click.command("up")
@click.option("--no-demo", is_flag=True, help="Do not load the demo data.")
@click.option("--port", type=click.IntRange(1, 65535), help="The web app's port (default: [web] port, 5000).")
@click.option("--standin-port", type=click.IntRange(1, 65535),
              help="The WeCom stand-in's port (default: [standin] port, 8090).")
@with_appcontext
def up_command(no_demo: bool, port: int | None, standin_port: int | None):
    """Run everything: Redis, database, demo data, stand-in, web, worker, cron. Ctrl-C stops it.
    The URLs that point at the web app or the stand-in follow --port and --standin-port."""
    from stack import up

    up.run(current_app.config["YUEBAO"], demo=not no_demo, web_port=port, standin_port=standin_port)


COMMANDS = (init_db_command, worker_command, cron_command, standin_command, phone_command, up_command)
