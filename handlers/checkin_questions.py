"""What each step of the check-in asks, and what it does with what the person typed (a text that
is no command): a function pair a step, named after it, returning where the person goes next
(handlers/checkin_moves.py says how)."""
from __future__ import annotations

import re

from handlers import messages as m, report_views as views
from handlers.checkin_moves import NUMBER_SHOWN, Hint, Next, Quietly, Step, answer, answered, edit, next_feedback_kind
from handlers.feedback import route as feedback_route
from handlers.session import Session
from models import Department, Feedback
from models.checkin import Refused, add_feedback, amount_limit, answer as answer_entry, meaningful
from models.report import ROUTED_KINDS, EntryStatus

WORDS = "|".join(sorted(map(re.escape, m.ANSWER_WORDS), key=len, reverse=True))
UNIT = "|".join(m.UNITS)
ANSWER_WITH_AMOUNT = re.compile(rf"^({WORDS})\s*[,，\s]\s*(\d+)\s*({UNIT})?$")      # "推进中，8学时"
UNIT_SUFFIX = re.compile(rf"({UNIT})$")


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


def item_question(s: Session) -> str:
    return m.HINT_CHOICE.format(position=s.conv.position, title=views.item_title(s.current))


def on_item(s: Session, text: str) -> Next:
    """An answer to the item; other words are a note to the item answered last."""
    status, amount = parse_answer(text)
    if status:
        return answer(s, s.current, status, amount)
    if text.isdecimal():
        return Hint(m.HINT_NUMBER_RANGE.format(number=views.clip(text, NUMBER_SHOWN)))
    noted = s.entry_at(s.conv.last_answered)
    if noted is None or not meaningful(text):
        return Hint("")
    s.record(noted, note=f"{noted.note}\n{text}".strip())
    return s.say(m.NOTE_ADDED.format(position=noted.position))


def reason_question(s: Session) -> str:
    return m.ASK_REASON.format(position=s.conv.position)


def on_reason(s: Session, text: str) -> Next:
    try:
        answer_entry(s.current, s.person, s.at, EntryStatus.NOT_APPLICABLE, reason=text)
    except Refused:
        return Hint(m.HINT_EMPTY)
    return answered(s, s.current)


def amount_question(s: Session) -> str:
    entry = s.current
    tally = views.tally_line(entry)
    return m.ASK_AMOUNT.format(position=entry.position, unit=entry.action.unit or m.DEFAULT_UNIT,
                               tally=f"（{tally}）" if tally else "")


def on_amount(s: Session, text: str) -> Next:
    digits = UNIT_SUFFIX.sub("", text).strip()
    if not digits.isdecimal() or int(digits) > amount_limit(s.current):
        return s.say(m.HINT_AMOUNT.format(limit=amount_limit(s.current)))
    answer_entry(s.current, s.person, s.at, s.conv.pending_status or EntryStatus.DONE, int(digits))
    return answered(s, s.current)


def feedback_question(s: Session) -> str:
    return m.FEEDBACK_PROMPTS[s.conv.feedback_kind]


def on_feedback(s: Session, text: str) -> Next:
    """One more of this kind (a difficulty or a suggestion: to which department?), or 无: the next kind."""
    kind = s.conv.feedback_kind
    if text in m.NONE_WORDS:
        return next_feedback_kind(s)
    try:
        feedback = add_feedback(s.report, kind, text, s.person, s.at)
    except Refused:
        return Hint(m.HINT_EMPTY)
    if kind in ROUTED_KINDS and departments():
        s.conv.feedback = feedback
        return Step.DEPARTMENT
    return s.say(m.FEEDBACK_MORE)


def department_question(s: Session) -> str:
    choices = "\n".join(f"{i} {d.name}" for i, d in enumerate(departments(), 1))
    return m.ASK_DEPARTMENT.format(choices=choices)


def on_department(s: Session, text: str) -> Next:
    choices = departments()
    if not text.isdecimal() or int(text) > len(choices):
        return s.say(m.HINT_DEPARTMENT)
    chosen = choices[int(text) - 1] if int(text) else None
    cards = []
    if chosen:
        Feedback.update(department=chosen).where(Feedback.id == s.conv.feedback_id).execute()
        cards = feedback_route(Feedback.get_by_id(s.conv.feedback_id), s.person.org.name, s.report.period, s.ctx)
    s.conv.feedback = None
    s.say(m.DEPARTMENT_SET.format(department=chosen.name) if chosen else m.FEEDBACK_MORE)
    s.replies += cards
    return Quietly(Step.FEEDBACK)


def summary_text(s: Session) -> str:
    feedback = Feedback.select().where(Feedback.report == s.report).count()
    return views.summary_text(s.report, s.entries, feedback)


def summary_question(s: Session) -> str:
    return summary_text(s) + "\n" + m.SUMMARY_ACTIONS


def on_summary(s: Session, text: str) -> Next:
    return s.say(m.SUMMARY_ACTIONS)


def confirm_line(s: Session) -> str:
    left = s.unanswered()
    return m.CONFIRM_SUBMIT.format(count=len(left), positions=views.positions_text(left))


def confirm_question(s: Session) -> str:
    return summary_text(s) + "\n" + confirm_line(s)


def on_confirm(s: Session, text: str) -> Next:
    return s.say(confirm_line(s))


def submitted_question(s: Session) -> str:
    return m.ALREADY_SUBMITTED.format(month=views.month_label(s.report.period),
                                      until=views.day_label(s.period.close_on))


def on_submitted(s: Session, text: str) -> Next:
    return s.say(submitted_question(s))


def pick_question(s: Session) -> str:
    return m.ASK_WHICH_ITEM.format(count=s.count)


def on_pick(s: Session, text: str) -> Next:
    if text.isdecimal():
        return edit(s, text)
    return s.say(pick_question(s))
