"""Who gets an SMS with a step's messages, when `[sms] provider` is set (issue 23): with the card on
the publish day and with the reminder on the remind day to those messaged; on the urge and supervise
days only to those of them who have not seen the month (models.seen); with a rectification's 提醒函
and 催告函 to the org's secretary and deputies.

Each SMS is queued (bot.sms) in the transaction of the step's app messages, under a key of one per
person and step (models.messaging.sms_key), so a rerun adds nothing. Someone without a number, or who
opted out, gets a `skipped` row with the reason instead: the month's figures count them. A dry run
writes nothing and counts the SMS that would go.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from bot import sms
from models import OutboxMessage, Person
from models.directory import once_each, sms_reach
from models.messaging import SmsPurpose


def enabled(config) -> bool:
    """Whether SMS go out at all: `[sms] provider` names one."""
    return bool(config.sms.provider)


def would_send(people: Iterable[Person]) -> int:
    """How many of these people an SMS would reach (a number, not opted out)."""
    return sms_reach(people)[None]


def queue(people: Iterable[Person], key: Callable[[Person], str], purpose: SmsPurpose,
          params: Callable[[Person], list[str]], at: datetime.datetime) -> list[OutboxMessage]:
    """Inside the caller's transaction: an SMS to each person who can get one, a skipped row with the
    reason for each who cannot; the rows new to the outbox (to kick)."""
    rows = []
    for person in once_each(people):
        reason = person.sms_skip
        if reason is not None:
            sms.skip(key(person), reason, at)
            continue
        row = sms.enqueue(key(person), person.mobile, purpose, params(person), at)
        rows += [row] if row else []
    return rows
