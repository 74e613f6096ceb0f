"""What came in (for dedupe) and what goes out (the outbox)."""
from __future__ import annotations

from enum import StrEnum

from peewee import CharField, DateTimeField, IntegerField, TextField, fn

from models.db import BaseModel


class InboundMessage(BaseModel):
    """One callback acted on. A WeCom retry finds its row and gets the stored reply again."""

    dedupe_key = CharField(max_length=255, unique=True)
    source = CharField(max_length=16)          # app | robot
    userid = CharField(max_length=64, index=True)
    received_at = DateTimeField()
    passive_reply = TextField(null=True)       # plaintext reply body, replayed on a retry

    @classmethod
    def handled(cls, key: str) -> tuple[str | None] | None:
        """(the passive reply given,) if the callback with this key was acted on, else None."""
        row = cls.select(cls.passive_reply).where(cls.dedupe_key == key).tuples().first()
        return tuple(row) if row else None

    @classmethod
    def record(cls, dedupe_key: str, source: str, userid: str, passive_reply: str | None, at) -> None:
        """Remember a callback acted on; IntegrityError if it already was."""
        cls.insert(dedupe_key=dedupe_key, source=source, userid=userid, received_at=at,
                   passive_reply=passive_reply).execute()

    @classmethod
    def forget_before(cls, moment) -> int:
        """Drop the callbacks received before `moment`; returns how many."""
        return cls.delete().where(cls.received_at < moment).execute()


class DeferredMessage(BaseModel):
    """A callback handed to a worker, kept here until it is acted on: its job carries only the id,
    and a job that Redis lost (or that ran out of retries) is queued again by the sweep."""

    dedupe_key = CharField(max_length=255, unique=True)
    inbound = TextField()                      # the Inbound as JSON
    queued_at = DateTimeField(index=True)
    requeued = IntegerField(default=0)         # times the sweep queued it again

    @classmethod
    def keep(cls, dedupe_key: str, inbound: str, at) -> int:
        """The row's id, stored now or by an earlier attempt of the same callback."""
        cls.insert(dedupe_key=dedupe_key, inbound=inbound, queued_at=at).on_conflict_ignore().execute()
        return cls.select(cls.id).where(cls.dedupe_key == dedupe_key).scalar()

    @classmethod
    def queue_again(cls, queued_before, now, at_most: int) -> tuple[list, list]:
        """(rows to queue again, rows given up): those queued before `queued_before` and still not
        acted on; one queued again `at_most` times already is given up (deleted): it fails for good."""
        rows = list(cls.select(cls.id, cls.dedupe_key, cls.requeued).where(cls.queued_at < queued_before))
        again = [row for row in rows if row.requeued < at_most]
        given_up = [row for row in rows if row.requeued >= at_most]
        (cls.update(queued_at=now, requeued=cls.requeued + 1)
         .where(cls.id.in_([row.id for row in again])).execute())
        cls.delete().where(cls.id.in_([row.id for row in given_up])).execute()
        return again, given_up


class OutboxMessage(BaseModel):
    """One message to deliver. The unique key makes enqueueing the same message twice a no-op.

    status: pending → sending → sent | failed, or skipped (an SMS not sent, for the reason in
    last_error: a SmsSkip). A row left in `sending` by a dead worker is picked up again by the
    sweeper, with WeCom's duplicate check switched on for that attempt.
    """

    key = CharField(max_length=191, unique=True)
    channel = CharField(max_length=16)         # app | robot | group | sms
    recipient = CharField(max_length=512, index=True)   # userid, the robot's response_url, a mobile number
    kind = CharField(max_length=32)            # text | markdown | template_card | card_update | image | file
    payload = TextField()                      # JSON: the message body minus recipient fields
    status = CharField(max_length=16, default="pending", index=True)
    attempts = IntegerField(default=0)
    last_errcode = IntegerField(null=True)
    last_error = CharField(max_length=255, null=True)
    response_code = CharField(max_length=255, null=True)   # returned for interactive cards
    created_at = DateTimeField()
    next_attempt_at = DateTimeField(index=True)
    claimed_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)


class SmsPurpose(StrEnum):
    """What an SMS is for; each has its approved template (`[sms] templates`)."""

    PUBLISH = "publish"
    REMIND = "remind"
    URGE = "urge"
    SUPERVISE = "supervise"
    LETTER = "letter"           # a rectification's letter (提醒函, 催告函, 督办函)


class SmsSkip(StrEnum):
    """Why an SMS someone was due was not sent (an outbox row `skipped`, the reason in last_error)."""

    OPTED_OUT = "opted_out"     # 短信 = 否, or 不要短信 in the chat
    NO_MOBILE = "no_mobile"
    CAP = "cap"                 # the number had its daily cap of SMS already


def mask_mobile(number: str) -> str:
    """A mobile number as logs, chats and exports show it: the first three and last four digits
    (`138****1234`; `+86` and spaces dropped). Anything too short to mask shows as `****`."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def sms_key(period: str, purpose: SmsPurpose, *parts: str) -> str:
    """An SMS's outbox key: one per person and step, its month first so a month's SMS are counted by it."""
    return ":".join(("sms", period, purpose, *parts))


def sms_counts(period: str) -> dict[str, int]:
    """The month's SMS by outcome: {"sent": n, "failed": n, "pending": n, SmsSkip…: n} (absent: 0)."""
    rows = (OutboxMessage.select(OutboxMessage.status, OutboxMessage.last_error, fn.COUNT(OutboxMessage.id))
            .where(OutboxMessage.channel == "sms", OutboxMessage.key.startswith(f"sms:{period}:"))
            .group_by(OutboxMessage.status, OutboxMessage.last_error).tuples())
    counts: dict[str, int] = {}
    for status, reason, n in rows:
        name = reason if status == "skipped" else ("pending" if status == "sending" else status)
        counts[name] = counts.get(name, 0) + n
    return counts
