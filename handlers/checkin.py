"""The monthly check-in: a secretary (or deputy) answers this month's items one at a time in chat.

The steps are in checkin_steps.py; here are the entry point, card clicks and app events, and the
commands that work in every step (帮助, 进度, 上一项, 跳过, 改 N, 暂停, 继续, 提交, 取消, 我的月历).
The cursor is a Conversation row: a restart, another process or another device resumes exactly there.
"""
from __future__ import annotations

import re

from handlers import messages, report_views
from handlers.checkin_steps import (
    AMOUNT, DEPARTMENT, FEEDBACK, ITEM, REASON, STEPS, SUBMITTED, SUMMARY, Session, answer, ask,
    begin_edit, hint, next_feedback_kind, next_item, on_photo,
)
from handlers.events import EVENT, IMAGE, TEXT
from handlers.replies import CardUpdate, Outgoing, Text
from models.checkin import CLOSED, current_report, notice_cards, submit as submit_report
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY
from models.report import STATUS_LABELS

MAX_TEXT = 500
EDIT = re.compile(r"^改\s*(\d+)$")


def prepare(inbound, person, ctx):
    """Read the person's report, cursor and items; return the step that answers (see router.prepare)."""
    if not (person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY)) or person.org_id is None:
        return lambda: [Text(messages.NOT_A_SECRETARY.format(name=person.name))]
    found = current_report(person)
    if found is None:
        return lambda: [Text(messages.NO_REPORT)]
    s = Session(inbound, person, *found, today=ctx.today())
    s.read_ahead()
    return lambda: run(s)


def run(s: Session) -> list:
    if s.report.status == "submitted" and "return_to" not in s.data:
        s.conv.step = SUBMITTED          # e.g. a deputy who had not opened this report before
    if s.inbound.kind == EVENT:
        on_event(s)
    elif s.period.status == CLOSED:
        on_closed(s)
    else:
        on_message(s)
    s.save()
    return s.replies


def on_message(s: Session) -> None:
    if s.inbound.kind == IMAGE:
        return on_photo(s)
    if s.inbound.kind != TEXT:
        return hint(s, messages.HINT_UNSUPPORTED)
    text = s.inbound.text.strip()
    command = parse(text)
    if command:
        return command(s)
    if s.conv.paused:
        return s.say(messages.PAUSED_HINT)
    if not text:
        return hint(s, messages.HINT_EMPTY)
    if len(text) > MAX_TEXT:
        return hint(s, messages.HINT_TOO_LONG.format(limit=MAX_TEXT))
    STEPS[s.conv.step](s, text)


def on_event(s: Session) -> None:
    event, key = s.inbound.event, s.inbound.event_key
    if event == "enter_agent":
        return greet(s)
    if event != "template_card_event":
        return None
    if key.startswith("start:"):
        return resume(s)
    if key.startswith("list:"):
        return calendar(s)
    if key.startswith("ans:"):
        return on_card_answer(s, key)
    return None


def on_card_answer(s: Session, key: str) -> None:
    _, entry_id, status = (key.split(":") + ["", ""])[:3]
    entry = s.entry_by_id(int(entry_id)) if entry_id.isdigit() else None
    if entry is None or status not in STATUS_LABELS:
        return s.say(messages.NO_REPORT)
    if s.period.status == CLOSED:
        s.replies.append(CardUpdate(s.inbound.response_code, "已截止"))
        return on_closed(s)
    s.replies.append(CardUpdate(s.inbound.response_code, f"已选择：{STATUS_LABELS[status]}"))
    begin_edit(s, entry.position)
    answer(s, entry, status)


def on_closed(s: Session) -> None:
    command = parse(s.inbound.text.strip()) if s.inbound.kind == TEXT else None
    if command in (calendar, progress, help_):
        return command(s)
    s.say(messages.CLOSED.format(month=report_views.month_label(s.report.period)))


def greet(s: Session) -> None:
    submitted = s.report.status == "submitted"
    s.say(messages.GREETING.format(
        name=s.person.name, month=report_views.month_label(s.report.period),
        progress=report_views.progress_text(s.entries).splitlines()[0],
        next=messages.GREETING_SUBMITTED if submitted else messages.GREETING_NEXT))


# Commands that work in every step


def help_(s: Session) -> None:
    s.say(messages.CHECKIN_HELP)


def progress(s: Session) -> None:
    s.say(report_views.progress_text(s.entries))


def calendar(s: Session) -> None:
    s.say(report_views.calendar_text(s.report, s.entries))


def resume(s: Session) -> None:
    s.conv.paused = False
    if s.conv.step == ITEM and s.current is not None and s.current.status and "return_to" not in s.data:
        return next_item(s, after=s.conv.position - 1)    # answered meanwhile, e.g. on another device
    ask(s)


def pause(s: Session) -> None:
    s.conv.paused = True
    s.say(messages.PAUSED)


def previous(s: Session) -> None:
    position = s.conv.position - 1 if s.conv.step in (ITEM, REASON, AMOUNT) else s.count
    edit(s, max(1, position))


def skip(s: Session) -> None:
    step = s.conv.step
    if step in (ITEM, REASON, AMOUNT) and "return_to" not in s.data:
        s.data["skipped"] = sorted(set(s.data.get("skipped", [])) | {s.conv.position})
        s.say(messages.SKIPPED.format(position=s.conv.position))
        return next_item(s, after=s.conv.position)
    if step == FEEDBACK:
        return next_feedback_kind(s)
    if step == DEPARTMENT:
        s.goto(FEEDBACK, kind=s.data["kind"])
        return s.say(messages.FEEDBACK_MORE)
    cancel(s)


def edit(s: Session, position: int) -> None:
    entry = s.entry_at(position)
    if entry is None:
        return s.say(messages.NO_SUCH_ITEM.format(position=position, count=s.count))
    begin_edit(s, position)
    ask(s)


def cancel(s: Session) -> None:
    if s.conv.step in (REASON, AMOUNT):
        s.goto(ITEM)
    elif s.conv.step == DEPARTMENT:
        s.goto(FEEDBACK, kind=s.data["kind"])
    else:
        return s.say(messages.NOTHING_TO_CANCEL)
    s.say(messages.CANCELLED)
    ask(s, passive_only=True)


def submit(s: Session) -> None:
    if s.report.status == "submitted":
        s.goto(SUBMITTED)
        return ask(s)
    if s.conv.step != SUMMARY:
        s.goto(SUMMARY)
        return ask(s)
    submit_report(s.report, s.person, s.today, s.period.remind_on)
    s.goto(SUBMITTED)
    s.say(messages.SUBMITTED.format(month=report_views.month_label(s.report.period),
                                    late="（逾期提交）" if s.report.late else ""))
    for row in notice_cards(s.report):
        if row.response_code:
            update = CardUpdate(row.response_code, "已提交", (row.recipient,))
            s.replies.append(Outgoing(to=row.recipient, reply=update, key=f"submitted:{row.key}"))


COMMANDS = {
    "帮助": help_, "进度": progress, "上一项": previous, "跳过": skip, "暂停": pause, "继续": resume,
    "填报": resume, "月报": resume, "开始": resume, "开始填报": resume, "提交": submit, "取消": cancel,
    "我的月历": calendar, "月历": calendar, "查看清单": calendar,
}


def parse(text: str):
    """The command this text names, or None."""
    if text in COMMANDS:
        return COMMANDS[text]
    match = EDIT.match(text)
    if match:
        return lambda s: edit(s, int(match.group(1)))
    return None
