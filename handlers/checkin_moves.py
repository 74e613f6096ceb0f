"""The check-in's steps by name, what a handler returns, and the moves the steps share.

A handler (what a step does with a typed text, what a command does in a step) returns where the
person goes next; the dispatcher moves them there (checkin_steps.go, the one place the step is
set) and asks that step's question:

    a Step             go there and ask its question (an item's card, else text)
    Hint(lead)         stay, and ask again as text after `lead` (what was wrong);
                       Hint(lead, to=step): the same, in `step`
    Quietly(step)      go there without asking: the handler has said what the person needs
    None               stay, without asking: the handler has said why
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from handlers import messages as m, phrases, report_views as views
from handlers.replies import Outgoing, Text
from handlers.session import Session
from models import periods
from models.checkin import NEEDS_REASON, Refused, answer as answer_entry
from models.items import natural_key
from models.rectifications import to_ask
from models.report import FeedbackKind, ReportStatus

NUMBER_SHOWN = 12           # a typed number is quoted back at most this long


class Step(StrEnum):
    """Where a person is in their check-in (Conversation.step, Conversation.return_to)."""

    ITEM = "item"
    REASON = "reason"
    AMOUNT = "amount"
    FEEDBACK = "feedback"
    DEPARTMENT = "department"
    SUMMARY = "summary"
    CONFIRM = "confirm"
    SUBMITTED = "submitted"
    PICK = "pick"
    RECTIFY = "rectify"


@dataclass(frozen=True)
class Hint:
    lead: str
    to: Step | None = None


@dataclass(frozen=True)
class Quietly:
    to: Step


Next = Step | Hint | Quietly | None


# Answers


def answer(s: Session, entry, status: str, amount: int | None = None, reason: str = "") -> Next:
    """Record a status; ask for a reason or a number first when the item needs one."""
    s.conv.position = entry.position
    try:
        s.undoable(change=answer_entry(entry, s.person, s.at, status, amount, reason))
    except Refused as refused:
        s.conv.pending_status = status
        if refused.needs == NEEDS_REASON:
            return Step.REASON
        if amount is None:
            return Step.AMOUNT
        s.say(m.HINT_AMOUNT.format(limit=refused.limit))
        return Quietly(Step.AMOUNT)
    return answered(s, entry)


def answered(s: Session, entry, announce: bool = True) -> Next:
    """After an answer: back to where an edit started, or on to the next unanswered item."""
    s.conv.last_answered, s.conv.pending_status = entry.position, None
    back, s.conv.return_to = s.conv.return_to, None
    if back is None:
        return next_item(s, after=entry.position)
    if announce:
        s.say(m.CHANGED.format(position=entry.position, label=m.STATUS_LABELS[entry.status]) + m.UNDO_HINT)
    if back == Step.SUBMITTED:
        s.replies += report_changed(s.report, s.person, entry)
        return Quietly(Step.SUBMITTED)
    return Step(back)


def report_changed(report, person, entry) -> list[Outgoing]:
    """Whoever submitted the report is told when someone else changes an item of it."""
    if report.status != ReportStatus.SUBMITTED or report.submitted_by_id in (None, person.id):
        return []
    return [Outgoing(to=report.submitted_by.userid, reply=Text(m.REPORT_CHANGED.format(
        name=person.name, month=views.month_label(report.period), position=entry.position,
        label=m.STATUS_LABELS[entry.status])))]


def next_item(s: Session, after: int) -> Step:
    """The next item waiting for an answer; none left: part three, or the summary if it was done."""
    position = s.next_waiting(after)
    if position:
        s.conv.position = position
        return Step.ITEM
    if s.conv.feedback_kind is None:
        s.conv.feedback_kind = FeedbackKind.HIGHLIGHT
        return Step.FEEDBACK
    return Step.SUMMARY


def next_feedback_kind(s: Session) -> Step:
    """Part three asks for highlights, difficulties, suggestions in turn, then about the org's
    rectifications, then shows the summary."""
    kinds = list(FeedbackKind)
    index = kinds.index(s.conv.feedback_kind) + 1
    if index == len(kinds):
        return next_rectification(s)
    s.conv.feedback_kind = kinds[index]
    return Step.FEEDBACK


def rectifications_to_ask(s: Session) -> list:
    """The org's rectifications 整改中 that nobody of the org has reported on this month."""
    year, month = periods.split(s.report.period)
    since = datetime.datetime(year, month, 1, tzinfo=s.ctx.clock.zone).astimezone(datetime.UTC).replace(tzinfo=None)
    return to_ask(s.person.org_id, since)


def rectifications_after(s: Session, asked) -> list:
    """Those to ask about after `asked` (by code; None: all)."""
    return [r for r in rectifications_to_ask(s) if asked is None or natural_key(r.code) > natural_key(asked.code)]


def next_rectification(s: Session) -> Step:
    """The next rectification to ask about (by code, after the one asked last), else the summary.
    The one asked last stays in the conversation, so a person passing by again is not asked twice."""
    waiting = rectifications_after(s, s.conv.rectification)
    if not waiting:
        return Step.SUMMARY
    s.conv.rectification = waiting[0]
    return Step.RECTIFY


def leave_follow_up(s: Session):
    """Moving away from a step that asks for a status's reason or number (its row's follow_up)
    keeps the status chosen, and says so; returns its entry."""
    if not s.here.follow_up or not s.conv.pending_status:
        return None
    entry = s.current
    s.record(entry, status=s.conv.pending_status)
    s.conv.last_answered, s.conv.pending_status = entry.position, None
    s.say(m.FOLLOW_UP_LEFT.format(position=entry.position, label=m.STATUS_LABELS[entry.status],
                                  what=s.here.follow_up))
    return entry


# Edits: one item, then back where the person was


def edit_origin(s: Session) -> Step | None:
    """The step an edit goes back to: where an edit already begun goes back to, the submitted
    report, or what the row of this step says (None: on to the next item)."""
    return s.conv.return_to or (Step.SUBMITTED if s.submitted else s.here.after_edit)


def begin_edit(s: Session, position: int) -> None:
    """Go to item `position`; once it is answered, come back to the step the person was in."""
    leave_follow_up(s)
    s.conv.paused, s.conv.position, s.conv.return_to = False, position, edit_origin(s)


def edit(s: Session, number: str) -> Next:
    """Edit the item of `number` (as typed: 3, 三)."""
    entry = s.entry_at(phrases.number(number))
    if entry is None:
        return s.say(m.NO_SUCH_ITEM.format(position=views.clip(number, NUMBER_SHOWN), count=s.count))
    begin_edit(s, entry.position)
    return Step.ITEM


def edit_to(s: Session, position: int, to: phrases.Answer) -> Next:
    """An edit in words (第3项改成推进中): the item answered anew, then back where the person was."""
    entry = s.entry_at(position)
    if entry is None:
        s.say(m.NO_SUCH_ITEM.format(position=position, count=s.count))
        return Quietly(s.conv.step)
    origin = s.conv.position
    begin_edit(s, entry.position)
    if s.conv.return_to is not None:
        return answer(s, entry, to.status, to.amount, to.reason)     # answered() says what changed
    next_ = answer(s, entry, to.status, to.amount, to.reason)
    if s.conv.pending_status is not None:
        return next_
    s.say(m.CHANGED.format(position=entry.position, label=m.STATUS_LABELS[entry.status]) + m.UNDO_HINT)
    return next_item(s, after=origin - 1) if next_ == Step.ITEM else next_


def cancel_edit(s: Session) -> Next:
    """The item being edited stays as it was; back where the edit began."""
    back, s.conv.return_to = s.conv.return_to, None
    s.say(m.EDIT_CANCELLED.format(position=s.conv.position))
    return Quietly(Step.SUBMITTED) if back == Step.SUBMITTED else Step(back)
