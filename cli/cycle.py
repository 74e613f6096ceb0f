"""Running the month by hand: `flask --app app cycle status|tick|publish|remind|urge|supervise|close`,
and `publish` / `close` as they were. Every command checks what it needs (the database, Redis)
before it writes anything, and fails with one line."""
from __future__ import annotations

import contextlib
import sys
import textwrap

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from peewee import PeeweeException
from redis.exceptions import RedisError
from tqdm import tqdm

from handlers import messages as m, plans
from handlers.errors import UserError
from handlers.report_views import month_label
from jobs import cycle, sms_recipients
from jobs.publish import check_month
from models import Org, Period, database
from models.clock import parse_moment
from models.db import pending_migrations
from models.directory import PeriodStatus
from models.messaging import SmsSkip
from models.periods import check
from models.schedule import PER_GROUP, MonthStep
from settings import ConfigError

RECIPIENTS_WIDTH = 110         # a dry run's recipient lists, wrapped at this width
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
    """One line per step; under a dry run's, who would get each kind of message."""
    counts = " ".join(f"{k}={v}" for k, v in outcome.counts.items())
    group = f" ({outcome.group})" if outcome.group else ""
    line = f"{outcome.period} {outcome.step}{group}: {outcome.state}" + "".join(
        f" · {part}" for part in (counts, outcome.note) if part)
    return "\n".join([line, *(textwrap.fill(", ".join(people), RECIPIENTS_WIDTH, initial_indent=f"  {kind} → "
                                             f"{len(people)}: ", subsequent_indent="    ", break_on_hyphens=False)
                             for kind, people in outcome.to.items())])


def _run(period: str, step: str, dry_run: bool, force: bool = False, group: str = "", yes: bool = False) -> None:
    services = _services()
    with database.connection_context():
        _ready(services)
        if step != "publish":
            _not_yet(services, period, step, group, dry_run, force)
        if not dry_run:
            _ask(services, period, step, group, force, yes)
        if step == "publish":
            outcome = _publish(services, period, dry_run, force)
        else:
            outcome = cycle.run_step(services, period, step, group, ran_by="cli", dry_run=dry_run, force=force)
    click.echo(_show(outcome))
    if outcome.state in ("skipped", "failed"):
        sys.exit(1)


def _not_yet(services, period: str, step: str, group: str, dry_run: bool, force: bool) -> None:
    """A notice step due later than now is refused (its texts would be today's, and the schedule
    would not run it when due), unless forced; forced, it says so (cycle.early)."""
    due = cycle.early(services, period, step, group)
    if due is None or dry_run:
        return
    label = f"{period} {step}" + (f" ({group})" if group else "")
    if not force:
        raise click.ClickException(
            f"{label} is due {due.at:%Y-%m-%d %H:%M}, later than now: the schedule runs it then. "
            "Rehearse it with --dry-run (or cycle tick --at), or send it now with --force")
    click.echo(f"--force: {label} is due {due.at:%Y-%m-%d %H:%M}; its messages go now "
               f"({services.clock.now():%Y-%m-%d %H:%M}) with texts built now, and the schedule will not "
               "run it again when due")


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
        return (plans.publish(period, sms_recipients.enabled(services.config))
                or m.PUBLISH_NOTHING_LEFT.format(month=month_label(period)))
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
        state = "waiting" if row is None else (
            f"{row.status} at {services.clock.local(row.finished_at or row.started_at):%m-%d %H:%M} by {row.ran_by}"
            + "".join(f" · {part}" for part in (_counts(row), row.note) if part))
        click.echo(f"  {due.step:<10}{due.group or 'all':<10}{due.at:%Y-%m-%d %H:%M}  {state}"
                   + "".join(f" · {part}" for part in _moved(services, period, due)))
    for step, counts in report["outbox"].items():
        click.echo(f"  outbox {step}: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    if report["sms"]:
        click.echo("  " + _sms(report["sms"]))
    left = report["open"]
    names = "、".join(r.org.name for r in left[:40]) + ("…" if len(left) > 40 else "")
    click.echo(f"  not submitted: {len(left)}" + (f" ({names})" if left else ""))
    for year in report["estimated_years"]:
        click.echo(f"  warning: chinese-calendar has no data for {year} yet; weekends and the holidays package "
                   "stand in (make-up workdays unknown): name them in schedule.extra_workdays")


def _sms(counts: dict[str, int]) -> str:
    """sms: sent 70, failed 1, pending 0, skipped 16 (opted out 1, no mobile 10, cap 5)."""
    skipped = {reason: counts.get(reason, 0) for reason in SmsSkip}
    reasons = ", ".join(f"{reason.replace('_', ' ')} {n}" for reason, n in skipped.items())
    return (f"sms: sent {counts.get('sent', 0)}, failed {counts.get('failed', 0)}, pending {counts.get('pending', 0)}, "
            f"skipped {sum(skipped.values())} ({reasons})")


def _moved(services, period: str, due) -> list[str]:
    """Why a step is due where it is: pulled before the close, or sharing a moment with a later step."""
    parts = []
    if due.pulled_from:
        parts.append(f"pulled before the close from {due.pulled_from:%m-%d %H:%M}")
    later = services.schedule.shares_moment(period, due)
    if later:
        parts.append(f"same moment as {later.step}: only {later.step} runs")
    return parts


def _counts(row) -> str:
    return " ".join(f"{k}={v}" for k, v in row.figures.items())


@cycle_group.command("tick")
@click.option("--at", "moment", help="Run as if it were this moment, e.g. 2026-12-07T09:30; a moment later "
              "than now is only rehearsed (--dry-run).")
@click.option("--dry-run", is_flag=True, help="Say what would be done and sent to whom, change nothing.")
def tick_command(moment: str | None, dry_run: bool):
    """Do what is due now (what the cron does every minute), or rehearse a moment to come."""
    services = _services()
    now = services.clock.now()
    at = _moment(services, moment) if moment else now
    if at > now:
        dry_run = True
        click.echo(f"rehearsal: {at:%Y-%m-%d %H:%M} is later than now ({now:%Y-%m-%d %H:%M}), so --dry-run: "
                   "nothing is written or sent; the texts would be built from the reports as they stand")
    with services.clock.moved_to(at) if moment else contextlib.nullcontext(), database.connection_context():
        _ready(services)
        outcomes = cycle.tick(services, dry_run=dry_run)
    for outcome in outcomes:
        click.echo(_show(outcome))
    if not outcomes:
        click.echo(f"nothing due at {at:%Y-%m-%d %H:%M}")


def _moment(services, text: str):
    try:
        return parse_moment(text, services.config.app.timezone).astimezone(services.clock.zone)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a moment like 2026-12-07T09:30") from None


def _step_command(step: str):
    @click.argument("period")
    @click.option("--dry-run", is_flag=True, help="Say what would be sent, change nothing.")
    @click.option("--force", is_flag=True, help="publish: a month other than this one or the next; "
                  "the other steps: now, before they are due.")
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
