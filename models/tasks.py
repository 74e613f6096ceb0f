"""A month's tasks as the departments follow them: which month is being gathered, whether they may
still change its tasks, and what each organisation answered to one of their tasks."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from models.cycle import CycleStep, RunStatus
from models.directory import Org, Period, PeriodStatus, Person, Task, TaskStatus
from models.periods import shift
from models.report import Entry, Report
from models.schedule import MonthStep


def gathering(this: str) -> str:
    """The month whose tasks are being gathered: this month until it is published (the office
    updates the list before publish day), then the next."""
    month = Period.get_or_none(Period.key == this)
    return this if month is None or month.status == PeriodStatus.DRAFT else shift(this, 1)


def open_to_departments(period: str) -> bool:
    """Departments raise and change a month's tasks until its preview went to the admins (the
    admins review what they raised by the preview's list, then publish)."""
    return not CycleStep.select().where(CycleStep.period == period, CycleStep.step == MonthStep.PREVIEW,
                                        CycleStep.status != RunStatus.SKIPPED).exists()


def pending(period: str) -> list[Task]:
    """The month's tasks raised by departments and not yet reviewed, in the order raised."""
    return list(Task.select().where(Task.period == period, Task.status == TaskStatus.PENDING).order_by(Task.id))


@dataclass(frozen=True)
class Answer:
    """What one organisation answered to a task in the month (status None: not answered yet)."""

    org: Org
    status: str | None
    amount: int | None
    note: str
    reason: str
    by: str
    at: object


def answers(task: Task, period: str) -> list[Answer]:
    """Each organisation that has the task in its report of the period, with its answer; by org code."""
    rows = (Entry.select(Entry, Report, Org, Person).join(Report).join(Org).switch(Entry)
            .join(Person, on=(Entry.answered_by == Person.id), join_type=JOIN.LEFT_OUTER)
            .where(Entry.task == task, Report.period == period).order_by(Org.code))
    return [Answer(entry.report.org, entry.status, entry.amount, entry.note, entry.reason,
                   entry.answered_by.name if entry.answered_by_id else "", entry.answered_at) for entry in rows]
