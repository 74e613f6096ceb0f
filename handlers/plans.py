"""What a mass action will do, in words, before it is done: the question an admin command asks before
its 确认 (handlers.admin) and the CLI's prompt before its y/N (cli/cycle.py) are the same text.
Each counts the people who will get a message, in how many orgs, for which month, and says when;
and the SMS that go with them, when SMS go out."""
from __future__ import annotations

from handlers import messages as m
from handlers.report_views import month_label
from models import Org, OutboxMessage, Period, Report, Task
from models.cycle import fillers
from models.directory import PeriodStatus, TaskStatus, sms_reach
from models.messaging import SmsPurpose, SmsSkip, sms_key
from models.report import ReportStatus
from models.tasks import pending


def publish(period: str, sms: bool = False) -> str:
    """Publishing `period`: the cards still to go (a second publish only finishes the first), with a
    warning first when the month has no tasks, and one when departments' tasks still wait for review
    (they would not go out); with `sms` (SMS go out), the SMS with them; "" when everyone has their
    card already."""
    orgs = list(Org.select().where(Org.active))
    people = fillers([org.id for org in orgs])
    sent = {key for (key,) in OutboxMessage.select(OutboxMessage.key)
            .where(OutboxMessage.key.startswith(f"notice:{period}:")).tuples()}
    waiting = [(org.id, person) for org in orgs for person in people.get(org.id, [])
               if f"notice:{period}:{org.code}:{person.userid}" not in sent]
    due = [org_id for org_id, _ in waiting]
    month = Period.get_or_none(Period.key == period)
    tasks = Task.select().where(Task.period == period, Task.status == TaskStatus.APPROVED).count()
    label = month_label(period)
    if month is not None and month.status == PeriodStatus.PUBLISHED:
        if not due:
            return ""
        text = m.PUBLISH_AGAIN_PLAN.format(month=label, people=len(due), orgs=len(set(due)))
    else:
        text = m.PUBLISH_PLAN.format(month=label, orgs=len(orgs), people=len(due), tasks=tasks)
    if sms:
        text += _sms_plan(period, [person for _, person in waiting])
    unreviewed = len(pending(period))
    warnings = ([m.PUBLISH_NO_TASKS.format(month=label)] if tasks == 0 else []) + (
        [m.PUBLISH_PENDING_TASKS.format(count=unreviewed)] if unreviewed else [])
    return "\n".join([*warnings, text])


def _sms_plan(period: str, people: list) -> str:
    """The publish SMS of these people not queued yet: how many go, how many are skipped and why."""
    queued = {key for (key,) in OutboxMessage.select(OutboxMessage.key)
              .where(OutboxMessage.key.startswith(sms_key(period, SmsPurpose.PUBLISH) + ":")).tuples()}
    reach = sms_reach(p for p in people if sms_key(period, SmsPurpose.PUBLISH, p.userid) not in queued)
    return m.SMS_PLAN.format(count=reach[None], no_mobile=reach[SmsSkip.NO_MOBILE],
                             opted_out=reach[SmsSkip.OPTED_OUT])


def unpublish(period: str) -> str:
    """Withdrawing `period`: its reports go, and whoever got a card is told."""
    told = (OutboxMessage.select(OutboxMessage.recipient).distinct()
            .where(OutboxMessage.key.startswith(f"notice:{period}:"), OutboxMessage.status == "sent").count())
    reports = Report.select().where(Report.period == period).count()
    return m.UNPUBLISH_PLAN.format(month=month_label(period), reports=reports, people=told)


def close(period: str) -> str:
    """Closing `period`: the orgs not submitted become 未报."""
    missing = Report.select().where(Report.period == period, Report.status == ReportStatus.OPEN).count()
    return m.CLOSE_PLAN.format(month=month_label(period), orgs=missing)


def nudge(period: str, step: str, counts: dict) -> str:
    """A reminder step run by hand, from its dry run's counts (orgs not submitted, messages)."""
    return m.STEP_PLAN.format(step=m.STEP_NAMES[step], month=month_label(period), orgs=counts.get("orgs", 0),
                              messages=counts.get("messages", 0)) + (
        m.SMS_STEP_PLAN.format(count=counts["sms"]) if "sms" in counts else "")
