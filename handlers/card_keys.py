"""The keys of the cards' buttons: what WeCom sends back when a button is tapped.

Built by `card_key` and read by `parse_card_key`, nowhere else. A card already on a phone keeps
the key it was sent with, so these strings never change:

    start:2026-11           开始填报 (publish day's card), 继续填报 (a reminder's)
    list:2026-11            查看清单 (publish day's card)
    ans:<entry id>:done     an item card's answer (done, in_progress, not_applicable, deferred)
    fb-reply:<feedback id>  回复 on a department's feedback card
    fb-ack:<feedback id>    已知悉 on it
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from models import periods
from models.report import ANSWERS, EntryStatus

ROW_ID = re.compile(r"[0-9]{1,18}")         # an id the database can hold, in ASCII digits as card_key writes it
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")     # the shape of a month as card_key writes it; periods.check the rest


class Tap(StrEnum):
    START = "start"
    LIST = "list"
    ANSWER = "ans"
    REPLY = "fb-reply"
    ACKNOWLEDGE = "fb-ack"


MONTH_TAPS = (Tap.START, Tap.LIST)
FEEDBACK_TAPS = (Tap.REPLY, Tap.ACKNOWLEDGE)


@dataclass(frozen=True)
class CardKey:
    tap: Tap
    of: str | int                           # the month (START, LIST), else the entry's or the feedback's id
    status: EntryStatus | None = None       # ANSWER: the answer chosen


def card_key(tap: Tap, of: str | int, status: EntryStatus | None = None) -> str:
    """The key of a button: its tap, the month or row it is about, and for an answer the status."""
    return f"{tap}:{of}:{status}" if tap == Tap.ANSWER else f"{tap}:{of}"


def parse_card_key(key: str) -> CardKey | None:
    """What a tapped button's key says; None for a key that card_key cannot have made (a forged
    or mangled one: the person is told the card is out of date)."""
    tap, *rest = key.split(":")
    if tap not in tuple(Tap):
        return None
    if tap in MONTH_TAPS:
        return CardKey(Tap(tap), rest[0]) if len(rest) == 1 and _is_month(rest[0]) else None
    if tap == Tap.ANSWER:
        if len(rest) != 2 or not ROW_ID.fullmatch(rest[0]) or rest[1] not in ANSWERS:
            return None
        return CardKey(Tap.ANSWER, int(rest[0]), EntryStatus(rest[1]))
    return CardKey(Tap(tap), int(rest[0])) if len(rest) == 1 and ROW_ID.fullmatch(rest[0]) else None


def _is_month(text: str) -> bool:
    try:
        return bool(MONTH.fullmatch(text)) and periods.check(text) == text
    except ValueError:
        return False
