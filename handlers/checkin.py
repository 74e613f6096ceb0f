"""The monthly check-in: a secretary (or deputy) answers this month's items one at a time in chat.

`handle` routes one message or event to the row of the step the person is in (STEPS,
handlers/checkin_steps.py): a command (CHAT) to what the row says it does there, a photo, a card's
button, or what the person typed to the row's text handler; then moves the person where that
returned (`go`). The cursor is a Conversation row: a restart, another process or another device
resumes exactly there.
"""
from __future__ import annotations

from handlers import (
    checkin_rectifications,
    comments,
    messages as m,
    own_items,
    ranking_views,
    rectifications,
    report_views as views,
    score_views,
    sms_choice,
)
from handlers.card_keys import CardKey, Tap, parse_card_key
from handlers.checkin_commands import CHAT
from handlers.checkin_moves import Hint, Quietly, Step, answer, begin_edit
from handlers.checkin_steps import READING, STEPS, Input, go
from handlers.events import EVENT, IMAGE, TEXT
from handlers.registry import Command
from handlers.replies import CardUpdate, Text
from handlers.session import Session
from models import seen
from models.checkin import add_evidence, current_report
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY

MAX_TEXT = 500
ORG_COMMANDS = {own_items.NAME: own_items.chat, rectifications.NAME: rectifications.chat, comments.NAME: comments.chat,
                score_views.NAME: score_views.own, ranking_views.NAME: ranking_views.own,
                m.SMS_OFF_NAME: sms_choice.opt_out, m.SMS_ON_NAME: sms_choice.opt_in}


def handle(inbound, person, ctx) -> list:
    """The replies to one message or event of a secretary or deputy (inside the caller's transaction)."""
    if not (person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY)) or person.org_id is None:
        return [Text(m.NOT_A_SECRETARY.format(name=person.name))]
    found = current_report(person, ctx.clock.period(), ctx.clock.utcnow())
    if found is None:
        command = CHAT.find(inbound.text) if inbound.kind == TEXT else None
        if command and command[0].name in ORG_COMMANDS:     # the org's or the person's: no report needed
            return ORG_COMMANDS[command[0].name](person, command[1], ctx)
        return [Text(m.NO_REPORT)]
    s = Session(inbound, person, *found, ctx, STEPS)
    note_seen(s)
    if s.submitted and s.conv.step not in (Step.SUBMITTED, Step.PICK) and s.conv.return_to is None:
        s.conv.pending_status = None
        go(s, Quietly(Step.SUBMITTED))      # submitted meanwhile, by someone else
    if inbound.kind == EVENT:
        on_event(s)
    else:
        on_message(s)
    s.save()
    return s.replies


def note_seen(s: Session) -> None:
    """A message or a card's tap is a sign that the person saw the month (models.seen). Once it is
    recorded the conversation says so, and later messages cost no query; a closed month stays as it
    closed; opening the chat (enter_agent) is no sign."""
    if s.conv.seen or s.closed or (s.inbound.kind == EVENT and s.inbound.event != "template_card_event"):
        return
    how = seen.SeenHow.CARD if s.inbound.kind == EVENT else seen.SeenHow.REPLY
    seen.record(s.person, s.report.period, how, s.at)
    s.conv.seen = seen.has_seen(s.person, s.report.period)


def on_message(s: Session) -> None:
    if s.inbound.kind == IMAGE:
        return on_photo(s)
    if s.inbound.kind != TEXT:
        return go(s, Hint(m.HINT_UNSUPPORTED))
    text = s.inbound.text.strip()
    found = CHAT.find(text)
    if found:
        return run(s, *found)
    if s.closed:
        return s.say(m.MONTH_CLOSED.format(month=views.month_label(s.report.period)))
    if s.conv.paused:
        return s.say(m.PAUSED_HINT)
    if not text:
        return go(s, Hint(m.HINT_EMPTY))
    if len(text) > MAX_TEXT:
        return go(s, Hint(m.HINT_TOO_LONG.format(limit=MAX_TEXT)))
    go(s, s.here.on_text(s, text))


def run(s: Session, command: Command, args: str) -> None:
    """A chat command: what the row of the step says it does there."""
    if s.closed and command.name not in READING:
        return s.say(m.MONTH_CLOSED.format(month=views.month_label(s.report.period)))
    does = s.here.commands.get(command.name)
    go(s, does(s, args) if does else Hint(m.NOT_HERE.format(name=command.name)))


def on_photo(s: Session) -> None:
    """A photo: evidence of the rectification being asked about (or last moved on), else of the item
    answered last."""
    if s.closed:
        return s.say(m.MONTH_CLOSED.format(month=views.month_label(s.report.period)))
    rectification = checkin_rectifications.photo_target(s)
    if rectification is not None:
        return checkin_rectifications.photo(s, rectification)
    entry = s.entry_at(s.conv.last_answered)
    if entry is None or Input.PHOTO not in s.here.accepts:
        return go(s, Hint(m.HINT_PHOTO_FIRST))
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
    go(s, answer(s, entry, key.status))


def greet(s: Session) -> None:
    if s.closed:
        then = m.GREETING_CLOSED
    elif s.submitted:
        then = m.GREETING_SUBMITTED.format(until=views.day_label(s.period.close_on))
    else:
        then = m.GREETING_NEXT
    s.say(m.GREETING.format(name=s.person.name, month=views.month_label(s.report.period),
                            progress=views.progress_text(s.entries).splitlines()[0], next=then))
