"""What a mass action will do, in words, before it is done: the question an admin command asks before
its 确认 (handlers.admin) and the CLI's prompt before its y/N (cli/cycle.py) are the same text.
Each counts the people who will get a message, in how many orgs, for which month, and says when."""
from __future__ import annotations

from handlers import messages as m
from handlers.report_views import month_label
from models import Org, OutboxMessage, Period, Report, Task
from models.cycle import fillers
from models.directory import PeriodStatus, TaskStatus
from models.report import ReportStatus
from models.tasks import pending


def publish(period: str) -> str:
    """Publishing `period`: the cards still to go (a second publish only finishes the first), with a
    warning first when the month has no tasks, and one when departments' tasks still wait for review
    (they would not go out); "" when everyone has their card already."""
    orgs = list(Org.select().where(Org.active))
    people = fillers([org.id for org in orgs])
    sent = {key for (key,) in OutboxMessage.select(OutboxMessage.key)
            .where(OutboxMessage.key.startswith(f"notice:{period}:")).tuples()}
    due = [org.id for org in orgs for person in people.get(org.id, [])
           if f"notice:{period}:{org.code}:{person.userid}" not in sent]
    month = Period.get_or_none(Period.key == period)
    tasks = Task.select().where(Task.period == period, Task.status == TaskStatus.APPROVED).count()
    label = month_label(period)
    if month is not None and month.status == PeriodStatus.PUBLISHED:
        if not due:
            return ""
        text = m.PUBLISH_AGAIN_PLAN.format(month=label, people=len(due), orgs=len(set(due)))
    else:
        text = m.PUBLISH_PLAN.format(month=label, orgs=len(orgs), people=len(due), tasks=tasks)
    waiting = len(pending(period))
    warnings = ([m.PUBLISH_NO_TASKS.format(month=label)] if tasks == 0 else []) + (
        [m.PUBLISH_PENDING_TASKS.format(count=waiting)] if waiting else [])
    return "\n".join([*warnings, text])


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
                              messages=counts.get("messages", 0))
