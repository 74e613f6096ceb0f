"""The month's steps as they ran (one row per period, step and org type), and the figures kept
when a month closes."""
from __future__ import annotations

import json
from enum import StrEnum

from peewee import Case, CharField, DateTimeField, TextField, fn

from models.db import BaseModel
from models.directory import ROLE_DEPUTY, ROLE_LIAISON, ROLE_SECRETARY, Department, Org, Person
from models.report import Entry, Feedback, Report, ReportStatus


class RunStatus(StrEnum):
    """How a step of a month went (CycleStep.status)."""

    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"


class CycleStep(BaseModel):
    """One step of one month, done once: when it was due, when it ran, by whom, what it did."""

    period = CharField(max_length=7)
    step = CharField(max_length=16)                  # a models.schedule.MonthStep
    org_type = CharField(max_length=32, default="")  # "" for all org types, else the type it was for
    due_at = DateTimeField(null=True)
    started_at = DateTimeField()
    finished_at = DateTimeField(null=True)
    ran_by = CharField(max_length=64)                # "schedule", "cli", or an admin's userid
    status = CharField(max_length=16)                # a RunStatus
    note = CharField(max_length=255, default="")     # e.g. why it was skipped, or how late it ran
    counts = TextField(default="{}")                 # JSON: what it did (cards, reminders …)

    class Meta:
        indexes = ((("period", "step", "org_type"), True),)

    @property
    def figures(self) -> dict:
        return json.loads(self.counts or "{}")


class PeriodSnapshot(BaseModel):
    """A month's figures frozen when it closed (for the statistics)."""

    period = CharField(max_length=7, unique=True)
    taken_at = DateTimeField()
    figures = TextField()                            # JSON, see jobs/close.py


def fillers(org_ids: list[int]) -> dict[int, list[Person]]:
    """Org id → its secretaries and deputies, the people who fill in its report."""
    people: dict[int, list[Person]] = {}
    for person in Person.select().where(Person.org.in_(org_ids), Person.active).order_by(Person.id):
        if person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY):
            people.setdefault(person.org_id, []).append(person)
    return people


def area_liaisons() -> dict[str, list[Person]]:
    """Area → the liaisons (片区联络员) who watch its organisations."""
    liaisons: dict[str, list[Person]] = {}
    for person in Person.select().where(Person.area != "", Person.active).order_by(Person.id):
        if person.has_role(ROLE_LIAISON):
            liaisons.setdefault(person.area, []).append(person)
    return liaisons


def open_reports(period: str, org_types: list[str] | None = None, other_than: list[str] = ()) -> list[Report]:
    """The period's reports not yet submitted (of these org types, or of any type but `other_than`),
    each with its `org` and `left`, the number of items still unanswered; by area, then org code."""
    left = fn.SUM(Case(None, [(Entry.status.is_null(), 1)], 0)).alias("left")
    query = (Report.select(Report, Org, left).join(Org).switch(Report).join(Entry)
             .where(Report.period == period, Report.status == ReportStatus.OPEN, Org.active)
             .group_by(Report.id, Org.id).order_by(Org.area, Org.code))
    if org_types is not None:
        query = query.where(Org.type.in_(org_types))
    if other_than:
        query = query.where(Org.type.not_in(list(other_than)))
    return list(query)


def item_counts(report_ids: list[int]) -> dict[int, dict[str, int]]:
    """Report id → how many baseline actions, monthly tasks and carried-over items it has."""
    def count(condition):
        return fn.SUM(Case(None, [(condition, 1)], 0))
    rows = (Entry.select(Entry.report, count(Entry.action.is_null(False) & ~Entry.carried_over),
                         count(Entry.task.is_null(False) & ~Entry.carried_over), count(Entry.carried_over))
            .where(Entry.report.in_(report_ids)).group_by(Entry.report).tuples())
    return {report: {"actions": int(a or 0), "tasks": int(t or 0), "carried": int(c or 0)}
            for report, a, t, c in rows}


def figures(period: str) -> dict:
    """The month's figures as the statistics start from them: organisations submitted (on time or
    late) and missing, how often each status was given, and the same for each item."""
    reports = list(Report.select(Report.status, Report.late).where(Report.period == period).tuples())
    submitted = [late for status, late in reports if status == ReportStatus.SUBMITTED]
    rows = (Entry.select(Entry.action, Entry.task, Entry.status, fn.COUNT(Entry.id)).join(Report)
            .where(Report.period == period).group_by(Entry.action, Entry.task, Entry.status).tuples())
    statuses: dict[str, int] = {}
    items: dict[tuple, dict[str, int]] = {}
    for action, task, status, count in rows:
        status = status or "unanswered"
        statuses[status] = statuses.get(status, 0) + count
        items.setdefault((action, task), {})[status] = count
    return {
        "orgs": len(reports), "submitted": len(submitted), "late": sum(1 for late in submitted if late),
        "missing": len(reports) - len(submitted), "statuses": statuses,
        "items": [{"action": action, "task": task, "statuses": counts}
                  for (action, task), counts in sorted(items.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or 0))],
    }


def stale_feedback(before) -> dict[str, int]:
    """Department name → difficulties and suggestions routed to it before `before`, still unanswered."""
    rows = (Feedback.select(Department.name, fn.COUNT(Feedback.id)).join(Department)
            .where(Feedback.created_at < before, Feedback.open_in_sql())
            .group_by(Department.name).tuples())
    return dict(rows)
