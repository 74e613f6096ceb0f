"""The queries and writes behind the check-in: which report, its entries, answers and their history.

The rules of an answer, a feedback and a submission live here, for the chat and the pages alike:
what a person sends is checked by `answer` and `add_feedback` (Refused says what is missing), and
`submit` marks the report. What the people concerned are told is the handlers' part.
"""
from __future__ import annotations

import datetime

from peewee import JOIN, Case, chunked, fn

from models.directory import Action, Department, Org, Period, PeriodStatus, Person, Task
from models.items import Item
from models.messaging import OutboxMessage
from models.report import (
    ANSWERS,
    ROUTED_KINDS,
    Conversation,
    Entry,
    EntryChange,
    EntryStatus,
    Evidence,
    Feedback,
    FeedbackKind,
    Report,
    ReportStatus,
)

ENTRY_ROWS_PER_INSERT = 1000   # 6 values a row: well under SQLite's 32,766 variables a statement
HOUR_UNITS = ("学时", "小时")      # an action counted in hours takes larger numbers
NEEDS_REASON, NEEDS_AMOUNT, NEEDS_TEXT = "reason", "amount", "text"


class Refused(ValueError):
    """What a person sent does not make an answer (nothing was written): `needs` says what is
    missing (NEEDS_REASON, NEEDS_AMOUNT, NEEDS_TEXT), `limit` the largest number the item takes."""

    def __init__(self, needs: str, limit: int | None = None):
        super().__init__(needs)
        self.needs, self.limit = needs, limit


def create_reports(period: str, items_by_org: dict[int, list[Item]], at: datetime.datetime,
                   deadlines: dict[int, datetime.date] | None = None) -> list[Report]:
    """Freeze each org's items for the period (and its deadline, by org id); orgs that already have
    a report keep it."""
    existing = {org_id for (org_id,) in Report.select(Report.org).where(Report.period == period).tuples()}
    new = [org_id for org_id, items in items_by_org.items() if org_id not in existing and items]
    if not new:
        return []
    created = list(Report.insert_many([
        {"org": org_id, "period": period, "created_at": at, "deadline": (deadlines or {}).get(org_id)}
        for org_id in new]).returning(Report).execute())
    entries = [{
        "report": report.id, "position": position, "carried_over": item.carried_over,
        "action": item.action.id if item.action else None, "task": item.task.id if item.task else None,
        "prior_amount": item.tally,
    } for report in created for position, item in enumerate(items_by_org[report.org_id], 1)]
    for rows in chunked(entries, ENTRY_ROWS_PER_INSERT):
        Entry.insert_many(rows).execute()
    return created


def sender(userid: str) -> Person | None:
    """The person a message comes from (one who left WeCom, deactivated by the sync, is no one)."""
    return Person.get_or_none(Person.userid == userid, Person.active)


def current_report(person: Person, period: str, at: datetime.datetime) -> tuple[Report, Period, Conversation] | None:
    """The report a message of this person goes to (latest_report) and the person's conversation
    in it (read in the same query), started on their first message."""
    if person.org_id is None:
        return None
    mine = (Conversation.report == Report.id) & (Conversation.person == person.id)
    found = (_latest(person.org_id, period).select_extend(Conversation)
             .join_from(Report, Conversation, JOIN.LEFT_OUTER, on=mine, attr="conversation_row").first())
    if found is None:
        return None
    conv = found.conversation_row
    if conv is None:
        conv = Conversation.create(person=person, report=found, updated_at=at)
    return found, found.period_row, conv


def _reached(org_id: int, period: str):
    """The org's reports of the months published up to `period` (this month), each with its Period
    as `period_row`: a month published ahead of time is reached once it starts."""
    return (Report.select(Report, Period).join(Period, on=(Period.key == Report.period), attr="period_row")
            .where(Report.org == org_id, Period.key <= period,
                   Period.status.in_([PeriodStatus.PUBLISHED, PeriodStatus.CLOSED])))


def _latest(org_id: int, period: str):
    """_reached, the report latest_report picks first."""
    open_first = Case(None, [(Period.status == PeriodStatus.PUBLISHED, 0)], 1)
    return _reached(org_id, period).order_by(open_first, Report.period.desc())


def latest_report(org_id: int, period: str) -> Report | None:
    """The report the org's people fill in, decided by the month it is (`period`): that of the
    latest month that has started and is still open; when all of those are closed, the latest
    closed one (read-only)."""
    return _latest(org_id, period).first()


def report_of(org_id: int, period: str, month: str) -> Report | None:
    """The org's report of `month`, if that month was published and has started by `period`."""
    return _reached(org_id, period).where(Report.period == month).first()


def entries(report: Report) -> list[Entry]:
    """The report's entries in order, each with its action or task (and the task's department)."""
    return list(Entry.select(Entry, Action, Task, Department)
                .join(Action, JOIN.LEFT_OUTER).switch(Entry)
                .join(Task, JOIN.LEFT_OUTER).join(Department, JOIN.LEFT_OUTER)
                .where(Entry.report == report).order_by(Entry.position))


def record_answer(entry: Entry, person: Person, at: datetime.datetime, **answer) -> EntryChange:
    """Set status / amount / reason / note and keep the change with who and when (call it inside a
    transaction: the message's own); returns the change kept."""
    for field, value in answer.items():
        setattr(entry, field, value)
    entry.answered_by, entry.answered_at = person, at
    entry.save(only=[Entry.status, Entry.amount, Entry.note, Entry.reason, Entry.answered_by, Entry.answered_at])
    return EntryChange.create(entry=entry, status=entry.status, amount=entry.amount, note=entry.note,
                              reason=entry.reason, changed_by=person, changed_at=at)


def undo_change(entry: Entry, change_id: int, person: Person, at: datetime.datetime) -> bool:
    """Put the entry back as it was before its change `change_id`, kept in its history as one more
    change; False (nothing written) when the entry was changed again since (on the page, by a deputy)."""
    if EntryChange.select(fn.MAX(EntryChange.id)).where(EntryChange.entry == entry).scalar() != change_id:
        return False
    before = (EntryChange.select().where(EntryChange.entry == entry, EntryChange.id < change_id)
              .order_by(EntryChange.id.desc()).first() or EntryChange(status=None, amount=None, note="", reason=""))
    record_answer(entry, person, at, status=before.status, amount=before.amount, note=before.note,
                  reason=before.reason)
    if entry.status is None:
        entry.answered_by, entry.answered_at = None, None
        entry.save(only=[Entry.answered_by, Entry.answered_at])
    return True


def counted(entry: Entry) -> bool:
    """An action with a target: a number goes with its answer."""
    return bool(entry.action_id) and entry.action.target is not None


def amount_limit(entry: Entry) -> int:
    """A plausible monthly number: generous, but catches typos like 5000."""
    return 300 if entry.action_id and entry.action.unit in HOUR_UNITS else 100


def meaningful(text: str) -> bool:
    """Has a letter, a character or a digit (a lone emoji or control characters are no answer)."""
    return any(ch.isalnum() for ch in text)


def answer(entry: Entry, person: Person, at: datetime.datetime, status: str, amount: int | None = None,
           reason: str = "", note: str | None = None) -> EntryChange:
    """Answer an item, kept in its history: 不涉及 needs a reason, a counted item done or in progress
    its number (0 to amount_limit); a number stays only with a counted item, a reason only with
    不涉及; the note is left as it is unless one is given. Refused, with nothing written, otherwise."""
    if status not in ANSWERS:
        raise ValueError(f"not an answer: {status!r}")
    if status == EntryStatus.NOT_APPLICABLE and not meaningful(reason):
        raise Refused(NEEDS_REASON)
    numbered = counted(entry) and status != EntryStatus.NOT_APPLICABLE
    missing = amount is None and status in (EntryStatus.DONE, EntryStatus.IN_PROGRESS)
    if numbered and (missing or (amount is not None and not 0 <= amount <= amount_limit(entry))):
        raise Refused(NEEDS_AMOUNT, amount_limit(entry))
    given = {} if note is None else {"note": note}
    return record_answer(entry, person, at, status=status, amount=amount if numbered else None,
                         reason=reason if status == EntryStatus.NOT_APPLICABLE else "", **given)


def add_feedback(report: Report, kind: str, text: str, person: Person, at: datetime.datetime,
                 department: Department | None = None) -> Feedback:
    """A highlight, difficulty or suggestion of the report; only the last two go to a department."""
    if kind not in tuple(FeedbackKind):
        raise ValueError(f"not a kind of feedback: {kind!r}")
    if not meaningful(text):
        raise Refused(NEEDS_TEXT)
    return Feedback.create(report=report, kind=kind, text=text, created_by=person, created_at=at,
                           department=department if kind in ROUTED_KINDS else None)


def withdraw_feedback(feedback_id: int) -> Feedback | None:
    """Take back a highlight, difficulty or suggestion its department has not answered yet; returns
    it as it was (None: answered or gone, nothing changed)."""
    feedback = Feedback.get_or_none(Feedback.id == feedback_id)
    if feedback is None or not feedback.is_open:
        return None
    feedback.delete_instance()
    return feedback


def add_evidence(entry: Entry, person: Person, media_id: str, at: datetime.datetime) -> None:
    Evidence.create(entry=entry, media_id=media_id, created_by=person, created_at=at)


def deadline(report: Report, period: Period) -> datetime.date | None:
    """The day to submit by: the report's own (its org type's remind day), else the month's."""
    return report.deadline or period.remind_on


def submit(report: Report, period: Period, entries_: list[Entry], person: Person, at: datetime.datetime,
           today: datetime.date) -> list[Entry]:
    """Mark the report submitted, late after its deadline; its entries (`entries_`) still
    unanswered become not done. Returns those."""
    unanswered = [e for e in entries_ if e.status is None]
    for entry in unanswered:
        record_answer(entry, person, at, status=EntryStatus.NOT_DONE)
    due = deadline(report, period)
    report.status, report.submitted_at, report.submitted_by = ReportStatus.SUBMITTED, at, person
    report.late = bool(due and today > due)
    report.save(only=[Report.status, Report.submitted_at, Report.submitted_by, Report.late])
    return unanswered


def sent_under(prefix: str) -> list[OutboxMessage]:
    """The messages sent whose keys start with `prefix` (the cards to update later)."""
    return list(OutboxMessage.select().where(OutboxMessage.key.startswith(prefix), OutboxMessage.status == "sent"))


def notice_cards(report: Report) -> list[OutboxMessage]:
    """The month's cards sent to this org's people (for updating them once submitted)."""
    org = Org.get_by_id(report.org_id)
    return sent_under(f"notice:{report.period}:{org.code}:")
