"""The 1:1 chat of an admin or a liaison who fills in no report: the admin commands, and for a
department's liaison the feedback cards and the answer being written."""
from __future__ import annotations

from handlers import admin, checkin, feedback, messages as m
from handlers.card_keys import FEEDBACK_TAPS, parse_card_key
from handlers.events import EVENT, TEXT
from handlers.replies import Text
from models.audit import APP_PLACE


def handle(inbound, person, ctx) -> list:
    if inbound.kind == EVENT:
        if inbound.event == "enter_agent":
            return [Text(m.DESK_GREETING.format(name=person.name))]
        key = parse_card_key(inbound.event_key)
        if inbound.event == "template_card_event" and (key is None or key.tap in FEEDBACK_TAPS):
            return feedback.on_card(inbound, key, person, ctx)      # no key of ours: out of date, said there
        return []
    if inbound.kind != TEXT:
        return [Text(m.HINT_UNSUPPORTED)]
    if admin.confirming(inbound.text, person, APP_PLACE):
        return admin.run(inbound.text, person, ctx, APP_PLACE)
    cancelled = admin.drop_pending(person, ctx, APP_PLACE)         # any other text cancels a command asked for
    return admin.told_first(cancelled, _text(inbound.text, person, ctx))


def _text(text: str, person, ctx) -> list:
    answered = feedback.on_text(text, person, ctx)
    if answered is not None:
        return answered
    if admin.GROUP.find(text) is None and checkin.CHAT.find(text) is not None:
        return [Text(m.NOT_A_SECRETARY.format(name=person.name) + m.DESK_HELP)]       # e.g. 填报
    return admin.run(text, person, ctx, APP_PLACE)
