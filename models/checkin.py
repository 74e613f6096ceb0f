"""The queries and writes behind the check-in: which report, its entries, answers and their history."""
from __future__ import annotations

import datetime

from peewee import JOIN, Case

from models.directory import Action, Department, Org, Period, Person, Task
from models.items import Item
from models.messaging import OutboxMessage
from models.report import NOT_DONE, SUBMITTED, Conversation, Entry, EntryChange, Evidence, Report

PUBLISHED = "published"
CLOSED = "closed"


def create_reports(period: str, items_by_org: dict[int, list[Item]], at: datetime.datetime,
                   deadlines: dict[int, datetime.date] | None = None) -> list[Report]:
    """Freeze each org's items for the period (and its deadline, by org id); orgs that already have
    a report keep it."""
    existing = {org_id for (org_id,) in Report.select(Report.org).where(Report.period == period).tuples()}
    created = []
    for org_id, items in items_by_org.items():
        if org_id in existing or not items:
            continue
        report = Report.create(org=org_id, period=period, created_at=at, deadline=(deadlines or {}).get(org_id))
        Entry.insert_many([{
            "report": report.id, "position": position, "carried_over": item.carried_over,
            "action": item.action.id if item.action else None, "task": item.task.id if item.task else None,
            "prior_amount": item.tally,
        } for position, item in enumerate(items, 1)]).execute()
        created.append(report)
    return created


def sender(userid: str) -> Person | None:
    """The person a message comes from."""
    return Person.get_or_none(Person.userid == userid)


def current_report(person: Person, period: str, at: datetime.datetime) -> tuple[Report, Period, Conversation] | None:
    """The report a message of this person goes to, decided by the month it is (`period`): their
    org's report of the latest month that has started and is still open; when all of those are
    closed, the latest closed one (read-only). A month published ahead of time is reached once it
    starts. The person's conversation in it is started on their first message."""
    if person.org_id is None:
        return None
    open_first = Case(None, [(Period.status == PUBLISHED, 0)], 1)
    found = (Report.select(Report, Period).join(Period, on=(Period.key == Report.period), attr="period_row")
             .where(Report.org == person.org_id, Period.key <= period, Period.status.in_([PUBLISHED, CLOSED]))
             .order_by(open_first, Report.period.desc()).first())
    if found is None:
        return None
    conv = Conversation.get_or_none(Conversation.person == person, Conversation.report == found)
    if conv is None:
        conv = Conversation.create(person=person, report=found, updated_at=at)
    return found, found.period_row, conv


def entries(report: Report) -> list[Entry]:
    """The report's entries in order, each with its action or task (and the task's department)."""
    return list(Entry.select(Entry, Action, Task, Department)
                .join(Action, JOIN.LEFT_OUTER).switch(Entry)
                .join(Task, JOIN.LEFT_OUTER).join(Department, JOIN.LEFT_OUTER)
                .where(Entry.report == report).order_by(Entry.position))


def record_answer(entry: Entry, person: Person, at: datetime.datetime, **answer) -> Entry:
    """Set status / amount / reason / note and keep the change with who and when (call it inside a
    transaction: the message's own)."""
    for field, value in answer.items():
        setattr(entry, field, value)
    entry.answered_by, entry.answered_at = person, at
    entry.save(only=[Entry.status, Entry.amount, Entry.note, Entry.reason, Entry.answered_by, Entry.answered_at])
    EntryChange.create(entry=entry, status=entry.status, amount=entry.amount, note=entry.note,
                       reason=entry.reason, changed_by=person, changed_at=at)
    return entry


def add_evidence(entry: Entry, person: Person, media_id: str, at: datetime.datetime) -> None:
    Evidence.create(entry=entry, media_id=media_id, created_by=person, created_at=at)


def submit(report: Report, person: Person, entries_: list[Entry], at: datetime.datetime, late: bool) -> list[Entry]:
    """Mark the report submitted; entries still unanswered become not done. Returns those."""
    unanswered = [e for e in entries_ if e.status is None]
    for entry in unanswered:
        record_answer(entry, person, at, status=NOT_DONE)
    report.status, report.submitted_at, report.submitted_by, report.late = SUBMITTED, at, person, late
    report.save(only=[Report.status, Report.submitted_at, Report.submitted_by, Report.late])
    return unanswered


def notice_cards(report: Report) -> list[OutboxMessage]:
    """The month's cards sent to this org's people (for updating them once submitted)."""
    org = Org.get_by_id(report.org_id)
    prefix = f"notice:{report.period}:{org.code}:"
    return list(OutboxMessage.select().where(OutboxMessage.key.startswith(prefix),
                                             OutboxMessage.status == "sent"))
