"""The monthly check-in: a secretary (or deputy) answers this month's items one at a time in chat.

`handle` routes one message or event: a command (CHAT, below) where the step allows it, a photo,
a card's button, or what the person typed to the current step (handlers/checkin_steps.py). The
cursor is a Conversation row: a restart, another process or another device resumes exactly there.
"""
from __future__ import annotations

from handlers import messages as m
from handlers import report_views as views
from handlers.card_keys import CardKey, Tap, parse_card_key
from handlers.checkin_steps import (
    AMOUNT, CONFIRM, DEPARTMENT, FEEDBACK, ITEM, PHOTO, PICK, READING, REASON, STEPS, SUBMITTED, SUMMARY,
    answer, answered, begin_edit, cancel_edit, edit, edit_origin, go, hint, leave_follow_up, next_feedback_kind,
    next_item,
)
from handlers.events import EVENT, IMAGE, TEXT
from handlers.registry import Command, Registry
from handlers.replies import CardUpdate, Outgoing, Text
from handlers.session import Session
from models.checkin import add_evidence, current_report, notice_cards, submit as submit_report
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY

MAX_TEXT = 500
CHAT = Registry(m.CHAT_HELP_HEADER, free_args=False)


def handle(inbound, person, ctx) -> list:
    """The replies to one message or event of a secretary or deputy (inside the caller's transaction)."""
    if not (person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY)) or person.org_id is None:
        return [Text(m.NOT_A_SECRETARY.format(name=person.name))]
    found = current_report(person, ctx.clock.period(), ctx.clock.utcnow())
    if found is None:
        return [Text(m.NO_REPORT)]
    s = Session(inbound, person, *found, ctx)
    if s.submitted and s.conv.step not in (SUBMITTED, PICK) and s.conv.return_to is None:
        s.conv.step, s.conv.pending_status = SUBMITTED, None    # submitted meanwhile, by someone else
    if inbound.kind == EVENT:
        on_event(s)
    else:
        on_message(s)
    s.save()
    return s.replies


def on_message(s: Session) -> None:
    step = STEPS[s.conv.step]
    if s.inbound.kind == IMAGE:
        return on_photo(s)
    if s.inbound.kind != TEXT:
        return hint(s, m.HINT_UNSUPPORTED)
    text = s.inbound.text.strip()
    found = CHAT.find(text)
    if found:
        return run(s, *found)
    if s.closed:
        return s.say(m.MONTH_CLOSED.format(month=views.month_label(s.report.period)))
    if s.conv.paused:
        return s.say(m.PAUSED_HINT)
    if not text:
        return hint(s, m.HINT_EMPTY)
    if len(text) > MAX_TEXT:
        return hint(s, m.HINT_TOO_LONG.format(limit=MAX_TEXT))
    moved = step.on_text(s, text)
    if moved:
        go(s, moved)


def run(s: Session, command: Command, args: str) -> None:
    if s.closed and command.name not in READING:
        return s.say(m.MONTH_CLOSED.format(month=views.month_label(s.report.period)))
    if command.name not in STEPS[s.conv.step].commands:
        return hint(s, m.NOT_HERE.format(name=command.name))
    moved = command.func(s, args)
    if moved:
        go(s, moved)


def on_photo(s: Session) -> None:
    if s.closed:
        return s.say(m.MONTH_CLOSED.format(month=views.month_label(s.report.period)))
    entry = s.entry_at(s.conv.last_answered)
    if entry is None or PHOTO not in STEPS[s.conv.step].accepts:
        return hint(s, m.HINT_PHOTO_FIRST)
    add_evidence(entry, s.person, s.inbound.media_id, s.at)
    s.say(m.PHOTO_ADDED.format(position=entry.position))


def on_event(s: Session) -> None:
    if s.inbound.event == "enter_agent":
        return greet(s)
    if s.inbound.event != "template_card_event":
        return None
    key = parse_card_key(s.inbound.event_key)
    if key is not None and key.tap == Tap.START:
        return run(s, CHAT.by_name["继续"], "")
    if key is not None and key.tap == Tap.LIST:
        return run(s, CHAT.by_name["我的月历"], "")
    return on_card_answer(s, key)


def on_card_answer(s: Session, key: CardKey | None) -> None:
    """A button of an item card: answers that item, from whatever step (an edit if it was answered);
    any other key (None: no key of ours) is out of date."""
    entry = s.entry_by_id(key.of) if key is not None and key.tap == Tap.ANSWER else None
    code = s.inbound.response_code
    if entry is None:
        s.replies.append(CardUpdate(code, m.CARD_EXPIRED))
        return s.say(m.CARD_OUTDATED)
    if s.closed:
        s.replies.append(CardUpdate(code, m.CARD_CLOSED))
        return s.say(m.MONTH_CLOSED.format(month=views.month_label(s.report.period)))
    s.replies.append(CardUpdate(code, m.CARD_CHOSEN.format(label=m.STATUS_LABELS[key.status])))
    begin_edit(s, entry.position)
    moved = answer(s, entry, key.status)
    if moved:
        go(s, moved)


def greet(s: Session) -> None:
    if s.closed:
        then = m.GREETING_CLOSED
    elif s.submitted:
        then = m.GREETING_SUBMITTED.format(until=views.day_label(s.period.close_on))
    else:
        then = m.GREETING_NEXT
    s.say(m.GREETING.format(name=s.person.name, month=views.month_label(s.report.period),
                            progress=views.progress_text(s.entries).splitlines()[0], next=then))


# The chat commands. Each returns the step to move to (and ask), or None when it has answered.


@CHAT.command("继续", aliases=("填报", "月报", "开始", "开始填报"))
def resume(s: Session, args: str):
    """继续 · 接着填"""
    s.conv.paused = False
    if s.conv.step == ITEM and s.current.status is not None and s.conv.return_to is None:
        return next_item(s, after=s.conv.position - 1)      # answered meanwhile, e.g. on another device
    if s.conv.step == CONFIRM:
        s.conv.skipped = []
        return next_item(s, after=0)
    return s.conv.step


@CHAT.command("进度")
def progress(s: Session, args: str):
    """进度 · 还剩哪些"""
    s.say(views.progress_text(s.entries))


@CHAT.command("上一项")
def previous(s: Session, args: str):
    """上一项 · 回到上一项"""
    position = s.conv.position - 1 if s.conv.step in (ITEM, REASON, AMOUNT) else s.count
    return edit(s, str(max(1, position)))


@CHAT.command("跳过")
def skip(s: Session, args: str):
    """跳过 · 先跳过本项"""
    step = s.conv.step
    if step in (REASON, AMOUNT):
        return answered(s, leave_follow_up(s), announce=False)
    if step == FEEDBACK:
        return next_feedback_kind(s)
    if step == DEPARTMENT:
        s.conv.feedback, s.conv.step = None, FEEDBACK
        return s.say(m.FEEDBACK_MORE)
    if s.conv.return_to:
        return cancel_edit(s)
    entry = s.current
    if entry.status is None:
        s.conv.skipped = sorted({*s.conv.skipped, entry.position})
        s.say(m.ITEM_SKIPPED.format(position=entry.position))
    else:
        s.say(m.KEPT.format(position=entry.position, label=m.STATUS_LABELS[entry.status]))
    return next_item(s, after=entry.position)


@CHAT.command("改", args=r"\d+")
def change(s: Session, args: str):
    """改 N · 修改第 N 项"""
    if args:
        return edit(s, args)
    leave_follow_up(s)
    s.conv.return_to = edit_origin(s)
    return PICK


@CHAT.command("暂停")
def pause(s: Session, args: str):
    """暂停 · 稍后再填"""
    s.conv.paused = True
    s.say(m.PAUSED)


@CHAT.command("提交")
def submit(s: Session, args: str):
    """提交 · 提交月报"""
    leave_follow_up(s)
    if s.submitted:
        s.conv.return_to = None
        return SUBMITTED
    if s.conv.step == CONFIRM or (s.conv.step == SUMMARY and not s.unanswered()):
        return finish(s)
    s.conv.return_to = None
    return CONFIRM if s.unanswered() else SUMMARY


@CHAT.command("取消")
def cancel(s: Session, args: str):
    """取消 · 取消当前操作"""
    step = s.conv.step
    if step in (REASON, AMOUNT):
        s.conv.pending_status, s.conv.step = None, ITEM
        return hint(s, m.CANCELLED)
    if step == DEPARTMENT:
        s.conv.feedback, s.conv.step = None, FEEDBACK
        return hint(s, m.CANCELLED)
    if step == CONFIRM:
        s.conv.step = SUMMARY
        return s.say(m.CANCELLED + m.SUMMARY_ACTIONS)
    if step == PICK:
        back, s.conv.return_to = s.conv.return_to, None
        s.conv.step = back or ITEM
        return hint(s, m.CANCELLED)
    if s.conv.return_to:
        return cancel_edit(s)
    return hint(s, m.NOT_HERE.format(name="取消"))


@CHAT.command("我的月历", aliases=("月历", "查看清单"))
def calendar(s: Session, args: str):
    """我的月历 · 本月清单"""
    s.say(views.calendar_text(s.report, s.entries, s.closed))


@CHAT.command("帮助", aliases=("help", "?", "？"))
def help_(s: Session, args: str):
    """帮助 · 本说明"""
    s.say(CHAT.help_text())


def finish(s: Session) -> None:
    submit_report(s.report, s.period, s.entries, s.person, s.at, s.today)
    s.conv.step = SUBMITTED
    s.say(m.JUST_SUBMITTED.format(month=views.month_label(s.report.period), late=m.LATE if s.report.late else "",
                             until=views.day_label(s.period.close_on)))
    s.replies += submitted_cards(s.report)


def submitted_cards(report) -> list[Outgoing]:
    """The month's cards to the org's people, their buttons greyed out once the report is submitted."""
    return [Outgoing(to=row.recipient, reply=CardUpdate(row.response_code, m.CARD_SUBMITTED, (row.recipient,)),
                     key=f"submitted:{row.key}") for row in notice_cards(report) if row.response_code]
