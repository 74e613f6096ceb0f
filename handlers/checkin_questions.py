"""What each step of the check-in asks, and what it does with what the person typed (a text that
is no command): a function pair a step, named after it, returning where the person goes next
(handlers/checkin_moves.py says how)."""
from __future__ import annotations

from handlers import messages as m, phrases, report_views as views
from handlers.checkin_moves import (
    NUMBER_SHOWN,
    Hint,
    Next,
    Quietly,
    Step,
    answer,
    answered,
    edit,
    edit_to,
    next_feedback_kind,
)
from handlers.feedback import route as feedback_route
from handlers.session import Session
from models import Department, Feedback
from models.checkin import Refused, add_feedback, amount_limit, answer as answer_entry
from models.report import ROUTED_KINDS, EntryStatus

NOTE_SHOWN = 40             # a note or a part-three entry is quoted back at most this long
SHORTEST = 2                # characters a highlight, difficulty or suggestion has at least
NO_DEPARTMENT = ("0", "零", "不指定", "不用", "不转")


def departments() -> list[Department]:
    return list(Department.select().order_by(Department.id))


def item_question(s: Session) -> str:
    return m.HINT_CHOICE.format(position=s.conv.position, title=views.item_title(s.current))


def on_item(s: Session, text: str) -> Next:
    """An answer to the item (in digits or words); an edit or a note of another item in words; a
    note to the item answered last; anything unclear is asked about, never stored."""
    meaning = phrases.understand(text)
    if isinstance(meaning, phrases.Answer):
        return answer(s, s.current, meaning.status, meaning.amount, meaning.reason)
    if isinstance(meaning, phrases.Free):
        noted = s.entry_at(s.conv.last_answered)
        return note(s, noted, meaning.text) if noted else Hint(m.NOTE_WHERE)
    if isinstance(meaning, phrases.NotYet):
        return s.say(m.NOT_YET.format(position=s.conv.position))
    return about_items(s, meaning) or not_understood(text, meaning)


def about_items(s: Session, meaning: phrases.Meaning) -> Next:
    """An edit or a note that names its item, typed in any step that takes text: done, and the
    person stays where they were (None: the text was neither)."""
    if isinstance(meaning, phrases.Edit):
        return edit_to(s, meaning.position, meaning.answer)
    if isinstance(meaning, phrases.Note):
        entry = s.entry_at(meaning.position or s.conv.last_answered)
        if entry is None:
            s.say(m.NOTE_WHERE)
            return Quietly(s.conv.step)
        return note(s, entry, meaning.text)
    return None


def note(s: Session, entry, text: str) -> Next:
    """A note added to the item's own, echoed with how to take it back."""
    s.record(entry, note=f"{entry.note}\n{text}".strip())
    s.say(m.NOTE_ADDED.format(position=entry.position, text=views.quoted(text, NOTE_SHOWN)))
    return Quietly(s.conv.step)


def not_understood(text: str, meaning: phrases.Meaning) -> Next:
    """What cannot be read as anything here: said why, and asked again."""
    if isinstance(meaning, phrases.Ack):
        return Hint(m.ACK)
    if isinstance(meaning, phrases.Question):
        return Hint(m.ASK_HELP)
    if isinstance(meaning, phrases.Unclear) and meaning.position:
        return Hint(m.UNCLEAR_ITEM.format(position=meaning.position))
    if phrases.number(text) is not None:
        return Hint(m.HINT_NUMBER_RANGE.format(number=views.quoted(text, NUMBER_SHOWN)))
    return Hint(m.UNCLEAR.format(text=views.quoted(text, NUMBER_SHOWN)))


def reason_question(s: Session) -> str:
    return m.ASK_REASON.format(position=s.conv.position)


def on_reason(s: Session, text: str) -> Next:
    """Why the item is 不涉及; another answer instead (2, 推进中) changes the person's mind."""
    meaning = phrases.understand(text)
    if isinstance(meaning, phrases.Answer) and meaning.status != EntryStatus.NOT_APPLICABLE:
        s.conv.pending_status = None
        return answer(s, s.current, meaning.status, meaning.amount)
    if isinstance(meaning, (phrases.Ack, phrases.Question)):
        return not_understood(text, meaning)
    reason = meaning.reason if isinstance(meaning, phrases.Answer) else text
    try:
        s.undoable(change=answer_entry(s.current, s.person, s.at, EntryStatus.NOT_APPLICABLE, reason=reason))
    except Refused:
        return Hint(m.HINT_EMPTY)
    return answered(s, s.current)


def amount_question(s: Session) -> str:
    entry = s.current
    tally = views.tally_line(entry)
    return m.ASK_AMOUNT.format(position=entry.position, unit=entry.action.unit or m.DEFAULT_UNIT,
                               tally=f"（{tally}）" if tally else "")


def on_amount(s: Session, text: str) -> Next:
    """The number: 8 · 八 · 两次 · 8学时 (or the answer again with it: 完成两次)."""
    count, given = phrases.amount(text), None
    if count is None:
        given = phrases.answer(text)
        count = given.amount if given else None
    if count is None or count > amount_limit(s.current):
        return s.say(m.HINT_AMOUNT.format(limit=amount_limit(s.current)))
    status = given.status if given else s.conv.pending_status or EntryStatus.DONE
    s.undoable(change=answer_entry(s.current, s.person, s.at, status, count))
    return answered(s, s.current)


def feedback_question(s: Session) -> str:
    return m.FEEDBACK_PROMPTS[s.conv.feedback_kind]


def on_feedback(s: Session, text: str) -> Next:
    """One more of this kind (a difficulty or a suggestion: to which department?), echoed; 没有了:
    the next kind. An acknowledgement or a word too short is not kept."""
    kind, meaning = s.conv.feedback_kind, phrases.understand(text)
    if isinstance(meaning, phrases.NoMore):
        return next_feedback_kind(s)
    done = about_items(s, meaning)
    if done:
        return done
    if isinstance(meaning, (phrases.Ack, phrases.Question)):
        return not_understood(text, meaning)
    if sum(ch.isalnum() for ch in text) < SHORTEST:
        return Hint(m.FEEDBACK_TOO_SHORT)
    try:
        feedback = add_feedback(s.report, kind, text, s.person, s.at)
    except Refused:
        return Hint(m.HINT_EMPTY)
    s.undoable(feedback=feedback)
    if kind in ROUTED_KINDS and departments():
        s.conv.feedback = feedback
        return Step.DEPARTMENT
    return s.say(m.FEEDBACK_SAVED.format(kind=m.FEEDBACK_KIND_LABELS[kind],
                                         text=views.quoted(text, NOTE_SHOWN)))


def department_question(s: Session) -> str:
    """The difficulty or suggestion just kept, and the departments to send it to."""
    feedback = s.conv.feedback
    choices = "\n".join(f"{i} {d.name}" for i, d in enumerate(departments(), 1))
    return m.ASK_DEPARTMENT.format(kind=m.FEEDBACK_KIND_LABELS[feedback.kind],
                                   text=views.quoted(feedback.text, NOTE_SHOWN), choices=choices)


def chosen_department(text: str, choices: list[Department]) -> Department | None | bool:
    """The department a text names: by number (3, 三) or by name (组织部, 组织); None: none (0,
    不指定); False: no one of them."""
    said = phrases.normal(text)
    if said in NO_DEPARTMENT or said in phrases.NO_MORE:
        return None
    position = phrases.number(said)
    if position is not None:
        return choices[position - 1] if 1 <= position <= len(choices) else False
    named = ([d for d in choices if d.name == said]
             or [d for d in choices if said and (said in d.name or d.name in said)])
    return named[0] if len(named) == 1 else False


def on_department(s: Session, text: str) -> Next:
    chosen = chosen_department(text, departments())
    if chosen is False:
        return s.say(m.HINT_DEPARTMENT)
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
    return about_items(s, phrases.understand(text)) or s.say(m.SUMMARY_ACTIONS)


def confirm_line(s: Session) -> str:
    left = s.unanswered()
    return m.CONFIRM_SUBMIT.format(count=len(left), positions=views.positions_text(left))


def confirm_question(s: Session) -> str:
    return summary_text(s) + "\n" + confirm_line(s)


def on_confirm(s: Session, text: str) -> Next:
    return about_items(s, phrases.understand(text)) or s.say(confirm_line(s))


def submitted_question(s: Session) -> str:
    return m.ALREADY_SUBMITTED.format(month=views.month_label(s.report.period),
                                      until=views.day_label(s.period.close_on))


def on_submitted(s: Session, text: str) -> Next:
    return about_items(s, phrases.understand(text)) or s.say(submitted_question(s))


def pick_question(s: Session) -> str:
    return m.ASK_WHICH_ITEM.format(count=s.count)


def on_pick(s: Session, text: str) -> Next:
    if phrases.number(text) is not None:
        return edit(s, phrases.normal(text))
    return s.say(pick_question(s))
