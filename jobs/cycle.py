"""The month runs itself: a tick every minute (RQ cron) does each step that is due, once.

A step is done at most once per (period, step, org type): its CycleStep row is inserted before it
runs, so a second tick at the same instant (a second cron by mistake, a manual `cycle tick`) finds
the row and leaves the step alone. The steps themselves are safe to repeat (every message has a
unique outbox key), so a step whose process died (or that failed) is taken over by a tick after
STALE. What the tick decides:
- once the month is closing or closed, no reminder and no publish runs for it (the schedule pulls
  every reminder step before the close: models/schedule.py);
- when several reminder steps of one org type are due at once (the cron was down, or a short
  month pulled urge and supervise onto one moment), only the latest runs; none runs in the tick
  that publishes (the cards just went out);
- a step that runs more than LATE after it was due says so in the log and in its row.
After the months' steps, each tick sends the rectifications' letters that are due (jobs/letters.py,
exactly once by rows of their own); they show as one more outcome when any was due.
"""
from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass, field

from peewee import IntegrityError, fn

from handlers.errors import UserError
from jobs import close, letters, nudges, publish, runtime
from models import CycleStep, OutboxMessage, Period, database
from models.cycle import RunStatus, open_reports
from models.directory import PeriodStatus
from models.messaging import sms_counts
from models.periods import of_date, previous
from models.schedule import FOR_ALL, PER_GROUP, MonthStep

log = logging.getLogger(__name__)
STALE = datetime.timedelta(minutes=10)
LATE = datetime.timedelta(minutes=5)
SCHEDULE = "schedule"
LETTERS = "letters"         # the rectifications' letters, as a tick's outcome names them
NOTICES = (MonthStep.PREVIEW, MonthStep.REMIND, MonthStep.URGE, MonthStep.SUPERVISE)   # steps that only notify
OUTBOX_PREFIXES = {MonthStep.PUBLISH: "notice", MonthStep.PREVIEW: "preview", MonthStep.REMIND: "remind",
                   MonthStep.URGE: "urge", MonthStep.SUPERVISE: "supervise", MonthStep.CLOSE: "close",
                   "unknown members": "unknown"}


def _runner(services, period: str, step: str, group: str, dry_run: bool, force: bool = False,
            progress=None) -> dict:
    if step == MonthStep.PREVIEW:
        return publish.preview(services, period, dry_run)
    if step == MonthStep.PUBLISH:
        return publish.publish_period(services, period, force=force, dry_run=dry_run, progress=progress)
    if step == MonthStep.CLOSE:
        return close.close_period(services, period, dry_run)
    return nudges.nudge(services, period, step, group, dry_run)


@dataclass
class Outcome:
    period: str
    step: str
    group: str
    state: str                  # ran | skipped | busy | failed | would run | would skip
    counts: dict = field(default_factory=dict)
    note: str = ""
    to: dict[str, list[str]] = field(default_factory=dict)     # a dry run: kind of message → recipients


def tick(services, at: datetime.datetime | None = None, dry_run: bool = False) -> list[Outcome]:
    """Do what is due at `at` (default: now): for this month, and for last month if it was
    published and is not closed yet."""
    now = at or services.clock.now()
    this = of_date(now.astimezone(services.clock.zone).date())
    last = Period.get_or_none(Period.key == previous(this))
    periods = [last.key] if last is not None and last.status != PeriodStatus.CLOSED else []
    steps = [outcome for period in (*periods, this) for outcome in _tick_period(services, period, now, dry_run)]
    return steps + _letters(services, this, now, dry_run)


def _letters(services, period: str, now: datetime.datetime, dry_run: bool) -> list[Outcome]:
    """The letters due now, as an outcome under this month; none when no letter was due."""
    try:
        counts = letters.send_due(services, now, dry_run)
    except Exception:
        log.exception("the rectifications' letters failed; the next tick tries again")
        return [Outcome(period, LETTERS, FOR_ALL, "failed")]
    if not counts:
        return []
    return [Outcome(period, LETTERS, FOR_ALL, "would run" if dry_run else "ran", counts, to=counts.pop("to", {}))]


def _decide(month: Period | None, due: list, recorded: set) -> list[tuple]:
    """(due, reason to skip it or "") for each step due now; `recorded`: (step, group) done before."""
    closing = (month is not None and month.status == PeriodStatus.CLOSED) or any(d.step == MonthStep.CLOSE for d in due)
    publishing = any(d.step == MonthStep.PUBLISH for d in due)
    latest = {d.group: d for d in due if d.step in PER_GROUP}   # the last one due wins
    decided = []
    for d in due:
        if closing and d.step != MonthStep.CLOSE:
            reason = "the month is over"
        elif d.step == MonthStep.PREVIEW:
            reason = _skip_preview(publishing, recorded)
        elif d.step in PER_GROUP:
            reason = _skip_reminder(d, month, publishing, latest)
        elif d.step == MonthStep.CLOSE and month is None:
            reason = "the month was never published"
        else:
            reason = ""
        decided.append((d, reason))
    return decided


def _skip_preview(publishing: bool, recorded: set) -> str:
    if publishing:
        return "published in the same tick"
    if (MonthStep.PUBLISH, FOR_ALL) in recorded:
        return "published already"
    return ""


def _skip_reminder(d, month: Period | None, publishing: bool, latest: dict) -> str:
    """Why a reminder, urge or supervision notice due now is not sent, or ""."""
    if publishing:
        return "published late, in the same tick: the cards just went out"
    if month is None or month.status != PeriodStatus.PUBLISHED:
        return "the month was never published"
    if latest[d.group] is not d:
        return f"superseded by {latest[d.group].step}, due too"
    return ""


def _tick_period(services, period: str, now: datetime.datetime, dry_run: bool) -> list[Outcome]:
    rows = list(CycleStep.select(CycleStep.step, CycleStep.org_type, CycleStep.status, CycleStep.started_at)
                .where(CycleStep.period == period))
    recorded = {(s.step, s.org_type) for s in rows}
    abandoned = services.clock.utcnow() - STALE        # its process died (or it failed): due again
    settled = {(s.step, s.org_type) for s in rows if s.status != RunStatus.RUNNING or s.started_at > abandoned}
    due = [d for d in services.schedule.plan(period) if d.at <= now and (d.step, d.group) not in settled]
    if not due:
        return []
    outcomes = []
    for d, reason in _decide(Period.get_or_none(Period.key == period), due, recorded):
        if reason:
            outcomes.append(_skip(services, period, d, reason, dry_run))
        else:
            outcomes.append(run_step(services, period, d.step, d.group, SCHEDULE, dry_run=dry_run, due=d, now=now))
    return outcomes


def _skip(services, period: str, due, reason: str, dry_run: bool) -> Outcome:
    if not dry_run:
        at = services.clock.utcnow()
        try:
            with database.atomic():
                CycleStep.create(period=period, step=due.step, org_type=due.group, due_at=_stored(due.at),
                                 started_at=at, finished_at=at, ran_by=SCHEDULE, status=RunStatus.SKIPPED, note=reason)
        except IntegrityError:
            return Outcome(period, due.step, due.group, "busy")
        log.info("cycle %s %s%s skipped: %s", period, due.step, f" ({due.group})" if due.group else "", reason)
    return Outcome(period, due.step, due.group, "would skip" if dry_run else "skipped", note=reason)


def _stored(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


def _claim(services, period: str, step: str, group: str, due_at, ran_by: str) -> CycleStep | None:
    """The step's row, now ours; None if another run has it (or it is done)."""
    at = services.clock.utcnow()
    try:
        with database.atomic():
            return CycleStep.create(period=period, step=step, org_type=group, due_at=due_at, started_at=at,
                                    ran_by=ran_by, status=RunStatus.RUNNING)
    except IntegrityError:
        pass
    row = CycleStep.get(CycleStep.period == period, CycleStep.step == step, CycleStep.org_type == group)
    if row.status != RunStatus.RUNNING or row.started_at > at - STALE:
        return None
    taken = (CycleStep.update(started_at=at, ran_by=ran_by)
             .where(CycleStep.id == row.id, CycleStep.started_at == row.started_at).execute())
    log.warning("cycle %s %s: taking over a run that started at %s and never finished", period, step, row.started_at)
    return row if taken else None


def run_step(services, period: str, step: str, group: str = FOR_ALL, ran_by: str = "cli", dry_run: bool = False,
             force: bool = False, due=None, now: datetime.datetime | None = None, progress=None) -> Outcome:
    """Run one step. By the schedule (`due` given) it runs once; by hand it runs even when done
    before (nobody gets a message twice) and records itself only if it is the first run."""
    label = f"{period} {step}" + (f" ({group})" if group else "")
    if dry_run:
        try:
            counts = _runner(services, period, step, group, True, force)
        except UserError as exc:
            return Outcome(period, step, group, "would skip", note=str(exc))
        return Outcome(period, step, group, "would run", counts, to=counts.pop("to", {}))
    row = _claim(services, period, step, group, _stored(due.at) if due else None, ran_by)
    if row is None and due is not None:
        return Outcome(period, step, group, "busy")
    note = ""
    if due is not None and now - due.at > LATE:
        note = f"ran {_duration(now - due.at)} late"
        log.warning("cycle %s ran %s after it was due (was the cron down?)", label, _duration(now - due.at))
    try:
        counts = _runner(services, period, step, group, False, force, progress)
    except UserError as exc:
        if row is not None:
            _finish(services, row, RunStatus.SKIPPED, {}, str(exc))
        return Outcome(period, step, group, "skipped", note=str(exc))
    except Exception:
        log.exception("cycle %s failed; the next tick after %s tries again", label, STALE)
        return Outcome(period, step, group, "failed")
    if row is not None:
        _finish(services, row, RunStatus.DONE, counts, note)
    log.info("cycle %s done by %s: %s", label, ran_by, counts)
    return Outcome(period, step, group, "ran", counts, note)


def early(services, period: str, step: str, group: str = FOR_ALL):
    """The step's Due if it is a notice timed by the schedule (NOTICES) due later than now: run by
    hand now, it would send today's texts and spend the scheduled run. Else None: publishing
    ahead and closing early are what their commands are for."""
    due = services.schedule.plan_of(period, MonthStep(step), group) if step in NOTICES else None
    return due if due is not None and due.at > services.clock.now() else None


def _finish(services, row: CycleStep, status: str, counts: dict, note: str) -> None:
    with database.atomic():
        (CycleStep.update(status=status, finished_at=services.clock.utcnow(), counts=json.dumps(counts),
                          note=note[:255])
         .where(CycleStep.id == row.id).execute())


def _duration(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 1440}d {minutes // 60 % 24}h {minutes % 60}m" if minutes >= 1440 else \
        f"{minutes // 60}h {minutes % 60}m"


def status(services, period: str) -> dict:
    """What is due when, what ran (by whom, with what counts), what the outbox did (the month's SMS
    by outcome too: models.messaging.sms_counts), who is left."""
    rows = {(s.step, s.org_type): s for s in CycleStep.select().where(CycleStep.period == period)}
    plan = [(due, rows.get((due.step, due.group))) for due in services.schedule.plan(period)]
    sent = {}
    for step, prefix in OUTBOX_PREFIXES.items():
        counts = dict(OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
                      .where(OutboxMessage.key.startswith(f"{prefix}:{period}:"))
                      .group_by(OutboxMessage.status).tuples())
        if counts:
            retried = (OutboxMessage.select().where(OutboxMessage.key.startswith(f"{prefix}:{period}:"),
                                                    OutboxMessage.attempts > 1).count())
            sent[step] = {**counts, **({"retried": retried} if retried else {})}
    return {"plan": plan, "outbox": sent, "sms": sms_counts(period), "open": open_reports(period),
            "estimated_years": sorted(services.schedule.workdays.estimated_years)}


def scheduled_tick() -> list[str]:
    """The job RQ's cron enqueues every minute."""
    with database.connection_context():
        return [f"{o.period} {o.step} {o.group} {o.state} {o.note}".strip() for o in tick(runtime.services())]
