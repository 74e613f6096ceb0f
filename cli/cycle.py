"""Running the month by hand: `flask --app app cycle status|tick|publish|remind|urge|supervise|close`,
and `publish` / `close` as they were. Every command checks what it needs (the database, Redis)
before it writes anything, and fails with one line."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from peewee import PeeweeException
from redis.exceptions import RedisError
from tqdm import tqdm

from handlers import messages as m, plans
from handlers.errors import UserError
from handlers.report_views import month_label
from jobs import cycle
from jobs.publish import check_month
from models import Org, Period, database
from models.clock import parse_moment
from models.db import pending_migrations
from models.directory import PeriodStatus
from models.periods import check
from models.schedule import PER_GROUP, MonthStep
from settings import ConfigError

cycle_group = AppGroup("cycle", help="The monthly cycle: what is due, and each step by hand.")


def _services():
    return current_app.extensions["yuebao"]


def _period(value: str | None) -> str:
    try:
        return check(value) if value else _services().clock.period()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month like 2026-12") from None


def _ready(services, redis: bool = True) -> None:
    """The database must be reachable and up to date, and Redis must answer (a step's messages
    start from there), before anything is written."""
    try:
        pending = pending_migrations()
    except PeeweeException as exc:
        raise click.ClickException(f"the database does not answer ({type(exc).__name__}: {exc})") from None
    if pending:
        raise click.ClickException(f"the database lacks {', '.join(pending)}: run flask --app app init-db first")
    if not redis:
        return
    try:
        services.redis.ping()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except RedisError as exc:
        raise click.ClickException(
            f"Redis at {services.redis_url} does not answer ({type(exc).__name__}): start ./dev up, "
            "or point YUEBAO_REDIS_URL at a running Redis") from None


def _show(outcome: cycle.Outcome) -> str:
    counts = " ".join(f"{k}={v}" for k, v in outcome.counts.items())
    group = f" ({outcome.group})" if outcome.group else ""
    return f"{outcome.period} {outcome.step}{group}: {outcome.state}" + "".join(
        f" · {part}" for part in (counts, outcome.note) if part)


def _run(period: str, step: str, dry_run: bool, force: bool = False, group: str = "", yes: bool = False) -> None:
    services = _services()
    with database.connection_context():
        _ready(services)
        if not dry_run:
            _ask(services, period, step, group, force, yes)
        if step == "publish":
            outcome = _publish(services, period, dry_run, force)
        else:
            outcome = cycle.run_step(services, period, step, group, ran_by="cli", dry_run=dry_run, force=force)
    click.echo(_show(outcome))
    if outcome.state in ("skipped", "failed"):
        sys.exit(1)


def _ask(services, period: str, step: str, group: str, force: bool, yes: bool) -> None:
    """A step that messages the orgs, or closes the month, first says what it will do, in the words
    the admins' chat uses before its 确认, and goes on on y (or --yes)."""
    text = _plan(services, period, step, group, force)
    if not text:
        return
    click.echo(text)
    if not yes:
        click.confirm("Go ahead?", abort=True)


def _plan(services, period: str, step: str, group: str, force: bool) -> str:
    """What the step will do; "" when it will refuse anyway (it says why when run) or only tells admins."""
    month = Period.get_or_none(Period.key == period)
    if step == MonthStep.PUBLISH:
        if month is not None and month.status == PeriodStatus.CLOSED:
            return ""
        _check_month(services, period, force)
        return plans.publish(period) or m.PUBLISH_NOTHING_LEFT.format(month=month_label(period))
    if step == MonthStep.CLOSE:
        return plans.close(period) if month is not None else ""
    if step in PER_GROUP and month is not None and month.status == PeriodStatus.PUBLISHED:
        return plans.nudge(period, step, cycle.run_step(services, period, step, group, dry_run=True).counts)
    return ""


def _check_month(services, period: str, force: bool) -> None:
    try:
        check_month(services.clock, period, force)
    except UserError as exc:
        raise click.ClickException(f"{exc} (--force)") from None


def _publish(services, period: str, dry_run: bool, force: bool) -> cycle.Outcome:
    """Publishing by hand shows a progress bar over the orgs."""
    _check_month(services, period, force)
    orgs = Org.select().where(Org.active).count()
    with tqdm(total=orgs, unit="org", desc=f"publish {period}", disable=dry_run or not sys.stderr.isatty()) as bar:
        return cycle.run_step(services, period, "publish", ran_by="cli", dry_run=dry_run, force=force,
                              progress=bar.update)


@cycle_group.command("status")
@click.argument("period", required=False)
def status_command(period: str | None):
    """What is due when (after the workday shift), what ran, what was sent, who has not submitted."""
    services = _services()
    period = _period(period)
    with database.connection_context():
        _ready(services, redis=False)
        report = cycle.status(services, period)
    click.echo(f"{period}: step, for, due, state")
    for due, row in report["plan"]:
        state = "after close: does not run" if due.after_close else (
            f"{row.status} at {services.clock.local(row.finished_at or row.started_at):%m-%d %H:%M} by {row.ran_by}"
            + "".join(f" · {part}" for part in (_counts(row), row.note) if part) if row else "waiting")
        click.echo(f"  {due.step:<10}{due.group or 'all':<10}{due.at:%Y-%m-%d %H:%M}  {state}")
    for step, counts in report["outbox"].items():
        click.echo(f"  outbox {step}: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    left = report["open"]
    names = "、".join(r.org.name for r in left[:40]) + ("…" if len(left) > 40 else "")
    click.echo(f"  not submitted: {len(left)}" + (f" ({names})" if left else ""))
    for year in report["estimated_years"]:
        click.echo(f"  warning: chinese-calendar has no data for {year} yet; weekends and the holidays package "
                   "stand in (make-up workdays unknown): name them in schedule.extra_workdays")


def _counts(row) -> str:
    return " ".join(f"{k}={v}" for k, v in row.figures.items())


@cycle_group.command("tick")
@click.option("--at", "moment", help="Run as if it were this moment, e.g. 2026-12-07T09:30 (a rehearsal).")
@click.option("--dry-run", is_flag=True, help="Say what would be done, change nothing.")
def tick_command(moment: str | None, dry_run: bool):
    """Do what is due now (what the cron does every minute)."""
    services = _services()
    if moment:
        try:
            services.clock.set(parse_moment(moment, services.config.app.timezone))
        except ValueError:
            raise click.BadParameter(f"{moment!r} is not a moment like 2026-12-07T09:30") from None
    with database.connection_context():
        _ready(services)
        outcomes = cycle.tick(services, dry_run=dry_run)
    for outcome in outcomes:
        click.echo(_show(outcome))
    if not outcomes:
        click.echo(f"nothing due at {services.clock.now():%Y-%m-%d %H:%M}")


def _step_command(step: str):
    @click.argument("period")
    @click.option("--dry-run", is_flag=True, help="Say what would be sent, change nothing.")
    @click.option("--force", is_flag=True, help="publish: a month other than this one or the next.")
    @click.option("--type", "group", default="", help="remind/urge/supervise: the org type with its own day.")
    @click.option("--yes", is_flag=True, help="Do not ask before messaging the orgs or closing (for scripts).")
    def command(period: str, dry_run: bool, force: bool, group: str, yes: bool):
        _run(_period(period), step, dry_run, force, group, yes)
    command.__doc__ = f"Do the {step} step of PERIOD now (safe to repeat: nobody gets a message twice)."
    return cycle_group.command(step)(command)


for _step in MonthStep:
    _step_command(_step)


@click.command("publish")
@click.argument("period", required=False)
@click.option("--force", is_flag=True, help="A month other than this one or the next.")
@click.option("--dry-run", is_flag=True, help="Say what would be sent, change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before publishing (for scripts).")
@with_appcontext
def publish_command(period: str | None, force: bool, dry_run: bool, yes: bool):
    """Publish PERIOD (default: this month): reports for every org, a card to each secretary and deputy.
    Says first how many people in how many orgs get a card, and asks."""
    _run(_period(period), "publish", dry_run, force, yes=yes)


@click.command("close")
@click.argument("period")
@click.option("--yes", is_flag=True, help="Do not ask before closing (for scripts).")
@with_appcontext
def close_command(period: str, yes: bool):
    """Close PERIOD: reports become read-only, those not submitted are marked 未报. Says how many first, and asks."""
    _run(_period(period), "close", dry_run=False, yes=yes)


COMMANDS = (cycle_group, publish_command, close_command)
