"""The check-in's steps, declared in one table (STEPS, at the end): each step's question, what it
accepts besides commands, the chat commands that apply in it, and the function that takes what the
person typed and returns the next step (None: stay; it has said why).

    item ─3─→ reason ─→ item …        item ─1/2 of a counted action─→ amount ─→ item …
    item, none left ─→ feedback ⇄ department ─→ summary ─提交─→ submitted
    提交 with items left ─→ confirm ─提交─→ submitted
    改 N (or a card's button) from any step ─→ item ─→ back to that step (return_to)
    改 alone ─→ pick ─N─→ item
A status chosen before its reason or number is asked is kept when the person moves elsewhere;
取消 is the one way to drop it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from handlers import messages as m
from handlers import report_views as views
from handlers.feedback import route as feedback_route
from handlers.replies import Outgoing, Text
from handlers.session import Session
from models import Department, Feedback
from models.checkin import NEEDS_REASON, Refused, add_feedback, amount_limit, answer as answer_entry, meaningful
from models.report import ROUTED_KINDS, EntryStatus, ReportStatus

ITEM, REASON, AMOUNT, FEEDBACK, DEPARTMENT, SUMMARY, CONFIRM, SUBMITTED, PICK = (
    "item", "reason", "amount", "feedback", "department", "summary", "confirm", "submitted", "pick")
FEEDBACK_KINDS = ("highlight", "difficulty", "suggestion")
EDIT_RETURNS = {SUMMARY: SUMMARY, CONFIRM: CONFIRM, FEEDBACK: FEEDBACK, DEPARTMENT: FEEDBACK}
WORDS = "|".join(sorted(map(re.escape, m.ANSWER_WORDS), key=len, reverse=True))
UNIT = "|".join(m.UNITS)
ANSWER_WITH_AMOUNT = re.compile(rf"^({WORDS})\s*[,，\s]\s*(\d+)\s*({UNIT})?$")      # "推进中，8学时"
UNIT_SUFFIX = re.compile(rf"({UNIT})$")

# What a step accepts besides commands
ANSWER, TEXT, NUMBER, CARD, PHOTO = "an answer 1-4", "text", "a number", "a card's button", "a photo"
READING = frozenset({"帮助", "进度", "我的月历"})
NUMBER_SHOWN = 12           # a typed number is quoted back at most this long
POSITION_DIGITS = 4         # more digits name no item (and int() refuses over 4,300)
ALL = READING | {"继续", "暂停", "上一项", "跳过", "改", "提交", "取消"}


def go(s: Session, step: str) -> None:
    """Move to a step and ask its question."""
    s.conv.step = step
    if STEPS[step].card:
        s.send_item_card()
    else:
        s.say(STEPS[step].question(s))


def hint(s: Session, lead: str) -> None:
    """A short hint, then the current question again as text: the state is kept."""
    s.say(lead + STEPS[s.conv.step].question(s))


def parse_answer(text: str) -> tuple[str | None, int | None]:
    """"1", "已完成", "1 2" (done, twice), "推进中，8学时" → (status, amount)."""
    if text in m.ANSWER_WORDS:
        return m.ANSWER_WORDS[text], None
    match = ANSWER_WITH_AMOUNT.match(text)
    if match:
        return m.ANSWER_WORDS[match.group(1)], int(match.group(2))
    return None, None


def departments() -> list[Department]:
    return list(Department.select().order_by(Department.id))


# Moving between items


def answer(s: Session, entry, status: str, amount: int | None = None) -> str | None:
    """Record a status; ask for a reason or a number first when the item needs one."""
    s.conv.position = entry.position
    try:
        answer_entry(entry, s.person, s.at, status, amount)
    except Refused as refused:
        s.conv.pending_status = status
        if refused.needs == NEEDS_REASON:
            return REASON
        if amount is None:
            return AMOUNT
        s.conv.step = AMOUNT
        return s.say(m.HINT_AMOUNT.format(limit=refused.limit))
    return answered(s, entry)


def answered(s: Session, entry, announce: bool = True) -> str | None:
    """After an answer: back to where an edit started, or on to the next unanswered item."""
    s.conv.last_answered, s.conv.pending_status = entry.position, None
    back, s.conv.return_to = s.conv.return_to, None
    if back is None:
        return next_item(s, after=entry.position)
    if announce:
        s.say(m.CHANGED.format(position=entry.position, label=m.STATUS_LABELS[entry.status]))
    if back == SUBMITTED:
        s.replies += report_changed(s.report, s.person, entry)
        s.conv.step = SUBMITTED
        return None
    return back


def report_changed(report, person, entry) -> list[Outgoing]:
    """Whoever submitted the report is told when someone else changes an item of it."""
    if report.status != ReportStatus.SUBMITTED or report.submitted_by_id in (None, person.id):
        return []
    return [Outgoing(to=report.submitted_by.userid, reply=Text(m.REPORT_CHANGED.format(
        name=person.name, month=views.month_label(report.period), position=entry.position,
        label=m.STATUS_LABELS[entry.status])))]


def next_item(s: Session, after: int) -> str:
    """The next item waiting for an answer; none left: part three, or the summary if it was done."""
    position = s.next_waiting(after)
    if position:
        s.conv.position = position
        return ITEM
    if s.conv.feedback_kind is None:
        s.conv.feedback_kind = FEEDBACK_KINDS[0]
        return FEEDBACK
    return SUMMARY


def leave_follow_up(s: Session):
    """Moving away while a reason or a number is asked keeps the status chosen; returns its entry."""
    if s.conv.step not in (REASON, AMOUNT) or not s.conv.pending_status:
        return None
    entry = s.current
    s.record(entry, status=s.conv.pending_status)
    s.conv.last_answered, s.conv.pending_status = entry.position, None
    what = m.FOLLOW_UP_REASON if s.conv.step == REASON else m.FOLLOW_UP_AMOUNT
    s.say(m.FOLLOW_UP_LEFT.format(position=entry.position, label=m.STATUS_LABELS[entry.status], what=what))
    return entry


def edit_origin(s: Session) -> str | None:
    """The step an edit goes back to: where the person was (None: on to the next item)."""
    return s.conv.return_to or (SUBMITTED if s.submitted else EDIT_RETURNS.get(s.conv.step))


def begin_edit(s: Session, position: int) -> None:
    """Go to item `position`; once it is answered, come back to the step the person was in."""
    leave_follow_up(s)
    s.conv.paused, s.conv.position, s.conv.return_to = False, position, edit_origin(s)


def edit(s: Session, number: str) -> str | None:
    """Edit the item of `number` (its digits, as typed)."""
    entry = s.entry_at(int(number)) if len(number) <= POSITION_DIGITS else None
    if entry is None:
        return s.say(m.NO_SUCH_ITEM.format(position=views.clip(number, NUMBER_SHOWN), count=s.count))
    begin_edit(s, entry.position)
    return ITEM


def cancel_edit(s: Session) -> str | None:
    back, s.conv.return_to = s.conv.return_to, None
    s.say(m.EDIT_CANCELLED.format(position=s.conv.position))
    if back == SUBMITTED:
        s.conv.step = SUBMITTED
        return None
    return back


# The steps: what each asks, and what it does with what the person typed


def item_question(s: Session) -> str:
    return m.HINT_CHOICE.format(position=s.conv.position, title=views.item_title(s.current))


def on_item(s: Session, text: str) -> str | None:
    status, amount = parse_answer(text)
    if status:
        return answer(s, s.current, status, amount)
    if text.isdecimal():
        return hint(s, m.HINT_NUMBER_RANGE.format(number=views.clip(text, NUMBER_SHOWN)))
    noted = s.entry_at(s.conv.last_answered)
    if noted is None or not meaningful(text):
        return hint(s, "")
    s.record(noted, note=f"{noted.note}\n{text}".strip())
    return s.say(m.NOTE_ADDED.format(position=noted.position))


def reason_question(s: Session) -> str:
    return m.ASK_REASON.format(position=s.conv.position)


def on_reason(s: Session, text: str) -> str | None:
    try:
        answer_entry(s.current, s.person, s.at, EntryStatus.NOT_APPLICABLE, reason=text)
    except Refused:
        return hint(s, m.HINT_EMPTY)
    return answered(s, s.current)


def amount_question(s: Session) -> str:
    entry = s.current
    tally = views.tally_line(entry)
    return m.ASK_AMOUNT.format(position=entry.position, unit=entry.action.unit or m.DEFAULT_UNIT,
                               tally=f"（{tally}）" if tally else "")


def on_amount(s: Session, text: str) -> str | None:
    digits = UNIT_SUFFIX.sub("", text).strip()
    if not digits.isdecimal() or int(digits) > amount_limit(s.current):
        return s.say(m.HINT_AMOUNT.format(limit=amount_limit(s.current)))
    answer_entry(s.current, s.person, s.at, s.conv.pending_status or EntryStatus.DONE, int(digits))
    return answered(s, s.current)


def feedback_question(s: Session) -> str:
    return m.FEEDBACK_PROMPTS[s.conv.feedback_kind]


def on_feedback(s: Session, text: str) -> str | None:
    kind = s.conv.feedback_kind
    if text in m.NONE_WORDS:
        return next_feedback_kind(s)
    try:
        feedback = add_feedback(s.report, kind, text, s.person, s.at)
    except Refused:
        return hint(s, m.HINT_EMPTY)
    if kind in ROUTED_KINDS and departments():
        s.conv.feedback = feedback
        return DEPARTMENT
    return s.say(m.FEEDBACK_MORE)


def next_feedback_kind(s: Session) -> str:
    index = FEEDBACK_KINDS.index(s.conv.feedback_kind) + 1
    if index == len(FEEDBACK_KINDS):
        return SUMMARY
    s.conv.feedback_kind = FEEDBACK_KINDS[index]
    return FEEDBACK


def department_question(s: Session) -> str:
    choices = "\n".join(f"{i} {d.name}" for i, d in enumerate(departments(), 1))
    return m.ASK_DEPARTMENT.format(choices=choices)


def on_department(s: Session, text: str) -> str | None:
    choices = departments()
    if not text.isdecimal() or int(text) > len(choices):
        return s.say(m.HINT_DEPARTMENT)
    chosen = choices[int(text) - 1] if int(text) else None
    cards = []
    if chosen:
        Feedback.update(department=chosen).where(Feedback.id == s.conv.feedback_id).execute()
        cards = feedback_route(Feedback.get_by_id(s.conv.feedback_id), s.person.org.name, s.report.period, s.ctx)
    s.conv.feedback, s.conv.step = None, FEEDBACK
    s.say(m.DEPARTMENT_SET.format(department=chosen.name) if chosen else m.FEEDBACK_MORE)
    s.replies += cards


def summary_question(s: Session) -> str:
    feedback = Feedback.select().where(Feedback.report == s.report).count()
    return views.summary_text(s.report, s.entries, feedback)


def on_summary(s: Session, text: str) -> str | None:
    return s.say(m.SUMMARY_ACTIONS)


def confirm_line(s: Session) -> str:
    left = s.unanswered()
    return m.CONFIRM_SUBMIT.format(count=len(left), positions=views.positions_text(left))


def on_confirm(s: Session, text: str) -> str | None:
    return s.say(confirm_line(s))


def submitted_question(s: Session) -> str:
    return m.ALREADY_SUBMITTED.format(month=views.month_label(s.report.period),
                                      until=views.day_label(s.period.close_on))


def on_submitted(s: Session, text: str) -> str | None:
    return s.say(submitted_question(s))


def pick_question(s: Session) -> str:
    return m.ASK_WHICH_ITEM.format(count=s.count)


def on_pick(s: Session, text: str) -> str | None:
    if text.isdecimal():
        return edit(s, text)
    return s.say(pick_question(s))


@dataclass(frozen=True)
class Step:
    question: Callable[[Session], str]              # the question as text (also after a hint)
    on_text: Callable[[Session, str], str | None]   # what the person typed → the next step
    accepts: frozenset[str]                         # besides the commands
    commands: frozenset[str]                        # the chat commands that apply here
    card: bool = False                              # first asked with the item's card


STEPS = {
    ITEM: Step(item_question, on_item, frozenset({ANSWER, TEXT, CARD, PHOTO}), ALL, card=True),
    REASON: Step(reason_question, on_reason, frozenset({TEXT, CARD}), ALL),
    AMOUNT: Step(amount_question, on_amount, frozenset({NUMBER, CARD}), ALL),
    FEEDBACK: Step(feedback_question, on_feedback, frozenset({TEXT, CARD, PHOTO}), ALL),
    DEPARTMENT: Step(department_question, on_department, frozenset({NUMBER, CARD}), ALL),
    SUMMARY: Step(lambda s: summary_question(s) + "\n" + m.SUMMARY_ACTIONS, on_summary,
                  frozenset({CARD, PHOTO}), ALL - {"跳过", "取消"}),
    CONFIRM: Step(lambda s: summary_question(s) + "\n" + confirm_line(s), on_confirm,
                  frozenset({CARD, PHOTO}), ALL - {"跳过", "暂停"}),
    SUBMITTED: Step(submitted_question, on_submitted, frozenset({CARD, PHOTO}), READING | {"继续", "改", "提交"}),
    PICK: Step(pick_question, on_pick, frozenset({NUMBER, CARD}), READING | {"改", "提交", "取消"}),
}
