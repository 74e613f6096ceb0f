"""What came in (for dedupe) and what goes out (the outbox)."""
from __future__ import annotations

from peewee import CharField, DateTimeField, IntegerField, TextField

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


class OutboxMessage(BaseModel):
    """One message to deliver. The unique key makes enqueueing the same message twice a no-op.

    status: pending → sending → sent | failed. A row left in `sending` by a dead worker is
    picked up again by the sweeper, with WeCom's duplicate check switched on for that attempt.
    """

    key = CharField(max_length=191, unique=True)
    channel = CharField(max_length=16)         # app | robot
    recipient = CharField(max_length=512, index=True)   # userid, or the robot's response_url
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
