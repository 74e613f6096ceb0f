"""The queries and writes behind the check-in: which report, its entries, answers and their history."""
from __future__ import annotations

import datetime

from peewee import JOIN, fn

from models.db import Prepared, now
from models.directory import Action, Department, Org, Period, Person, Task
from models.items import Item
from models.messaging import OutboxMessage
from models.report import NOT_DONE, Conversation, Entry, EntryChange, Evidence, Report

PUBLISHED = "published"
CLOSED = "closed"


def create_reports(period: str, items_by_org: dict[int, list[Item]]) -> list[Report]:
    """Freeze each org's items for the period; orgs that already have a report keep it."""
    existing = {org_id for (org_id,) in Report.select(Report.org).where(Report.period == period).tuples()}
    created = []
    for org_id, items in items_by_org.items():
        if org_id in existing or not items:
            continue
        report = Report.create(org=org_id, period=period)
        Entry.insert_many([{
            "report": report.id, "position": position, "carried_over": item.carried_over,
            "action": item.action.id if item.action else None, "task": item.task.id if item.task else None,
            "prior_amount": item.tally,
        } for position, item in enumerate(items, 1)]).execute()
        created.append(report)
    return created


def entry_counts(period: str) -> dict[int, int]:
    """Report id → number of entries, for one period."""
    return dict(Entry.select(Entry.report, fn.COUNT(Entry.id)).join(Report)
                .where(Report.period == period).group_by(Entry.report).tuples())


def close(period: str) -> bool:
    """Make a published period read-only; False if there is no such period."""
    return bool(Period.update(status=CLOSED).where(Period.key == period).execute())


def sender(userid: str) -> Person | None:
    """The person a message comes from, read with what every message of theirs needs next: their
    org's current report, its period and their conversation in it (see `current_report`)."""
    return _SENDER.first(userid)


def current_report(person: Person) -> tuple[Report, Period, Conversation] | None:
    """The person's org's report of the latest published (or closed) period, and where they are in
    it (the person as `sender` reads them)."""
    report = person.report_row
    if person.org_id is None or report is None:
        return None
    conv = getattr(report, "conversation_row", None)
    if conv is None:
        conv = Conversation.create(person=person, report=report)
    return report, report.period_row, conv


def _latest_report():
    """The id of the report of the person's org for its latest published or closed period."""
    report, period = Report.alias(), Period.alias()
    return (report.select(report.id).join(period, on=(period.key == report.period))
            .where(report.org == Person.org, period.status.in_([PUBLISHED, CLOSED]))
            .order_by(report.period.desc()).limit(1))


_SENDER = Prepared(lambda userid: (
    Person.select(Person, Report, Period, Conversation)
    .join(Report, JOIN.LEFT_OUTER, on=(Report.id == _latest_report()), attr="report_row")
    .join(Period, JOIN.LEFT_OUTER, on=(Period.key == Report.period), attr="period_row").switch(Report)
    .join(Conversation, JOIN.LEFT_OUTER, attr="conversation_row",
          on=(Conversation.report == Report.id) & (Conversation.person == Person.id))
    .where(Person.userid == userid).limit(1)))


ITEM_COLUMNS = (Action.id, Action.code, Action.category, Action.title, Action.requirement, Action.frequency,
                Action.target, Action.unit, Task.id, Task.code, Task.title, Task.details, Task.department,
                Task.due_date, Department.id, Department.name)


def entries(report: Report) -> list[Entry]:
    """The report's entries in order, with what the check-in shows of their action or task (the
    applicability lists are left out). Only the views that list every item read them all."""
    return _ENTRIES(report.id)


def entries_at(report_id: int, first: int, second: int) -> list[Entry]:
    """Entries at two positions (the same one twice for one), as `entries` gives them."""
    return _ENTRIES_AT(report_id, first, second)


def entry_statuses(report_id: int) -> list[tuple[int, int, str | None]]:
    """(id, position, status) of every entry, in order: what a message needs of the items it
    does not show."""
    return _STATUSES.execute(report_id)


def _with_items(query):
    return (query.join(Action, JOIN.LEFT_OUTER).switch(Entry)
            .join(Task, JOIN.LEFT_OUTER).join(Department, JOIN.LEFT_OUTER))


_ENTRIES = Prepared(lambda report: (
    _with_items(Entry.select(Entry, *ITEM_COLUMNS)).where(Entry.report == report).order_by(Entry.position)))
_ENTRIES_AT = Prepared(lambda report, first, second: (
    _with_items(Entry.select(Entry, *ITEM_COLUMNS)).where(Entry.report == report,
                                                          Entry.position.in_([first, second]))))
_STATUSES = Prepared(lambda report: (
    Entry.select(Entry.id, Entry.position, Entry.status).where(Entry.report == report)
    .order_by(Entry.position)))


def record_answer(entry: Entry, person: Person, **answer) -> Entry:
    """Set status / amount / reason / note and keep the change with who and when (call it inside a
    transaction: the message's own)."""
    for field, value in answer.items():
        setattr(entry, field, value)
    entry.answered_by, entry.answered_at = person, now()
    answered = (entry.status, entry.amount, entry.note, entry.reason, person.id, entry.answered_at)
    _SAVE_ANSWER.execute(*answered, entry.id)
    _KEEP_CHANGE.execute(entry.id, *answered)
    return entry


_SAVE_ANSWER = Prepared(lambda status, amount, note, reason, by, at, entry: Entry.update(
    status=status, amount=amount, note=note, reason=reason, answered_by=by, answered_at=at).where(Entry.id == entry))
_KEEP_CHANGE = Prepared(lambda entry, status, amount, note, reason, by, at: EntryChange.insert(
    entry=entry, status=status, amount=amount, note=note, reason=reason, changed_by=by, changed_at=at))


def save_conversation(conv: Conversation) -> None:
    """Write the cursor back (every message does: one prepared UPDATE)."""
    _SAVE_CONVERSATION.execute(conv.step, conv.position, conv.last_answered, conv.paused, conv.data,
                               conv.updated_at, conv.id)


_SAVE_CONVERSATION = Prepared(lambda step, position, last_answered, paused, data, at, conv: Conversation.update(
    step=step, position=position, last_answered=last_answered, paused=paused, data=data, updated_at=at)
    .where(Conversation.id == conv))


def add_evidence(entry: Entry, person: Person, media_id: str) -> None:
    Evidence.create(entry=entry, media_id=media_id, created_by=person)


def submit(report: Report, person: Person, today: datetime.date, deadline: datetime.date | None) -> list[Entry]:
    """Mark the report submitted (late after the deadline); unanswered entries become not done."""
    unanswered = [e for e in entries(report) if e.status is None]
    for entry in unanswered:
        record_answer(entry, person, status=NOT_DONE)
    report.status, report.submitted_at, report.submitted_by = "submitted", now(), person
    report.late = bool(deadline and today > deadline)
    report.save()
    return unanswered


def notice_cards(report: Report) -> list[OutboxMessage]:
    """The month's cards sent to this org's people (for updating them once submitted)."""
    org = Org.get_by_id(report.org_id)
    prefix = f"notice:{report.period}:{org.code}:"
    return list(OutboxMessage.select().where(OutboxMessage.key.startswith(prefix),
                                             OutboxMessage.status == "sent"))
