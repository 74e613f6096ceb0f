"""What came in (for dedupe) and what goes out (the outbox)."""
from __future__ import annotations

from peewee import CharField, DateTimeField, IntegerField, TextField

from models.db import BaseModel, Prepared, now


class InboundMessage(BaseModel):
    """One callback acted on. A WeCom retry finds its row and gets the stored reply again."""

    dedupe_key = CharField(max_length=255, unique=True)
    source = CharField(max_length=16)          # app | robot
    userid = CharField(max_length=64, index=True)
    received_at = DateTimeField(default=now)
    passive_reply = TextField(null=True)       # plaintext reply body, replayed on a retry

    @classmethod
    def handled(cls, key: str) -> tuple[str | None] | None:
        """(the passive reply given,) if the callback with this key was acted on, else None."""
        rows = _PASSIVE_REPLY.execute(key)
        return rows[0] if rows else None

    @classmethod
    def record(cls, dedupe_key: str, source: str, userid: str, passive_reply: str | None) -> None:
        """Remember a callback acted on; IntegrityError if it already was."""
        _RECORD_INBOUND.execute(dedupe_key, source, userid, now(), passive_reply)


_PASSIVE_REPLY = Prepared(lambda key: (
    InboundMessage.select(InboundMessage.passive_reply).where(InboundMessage.dedupe_key == key)))


_RECORD_INBOUND = Prepared(lambda key, source, userid, at, reply: InboundMessage.insert(
    dedupe_key=key, source=source, userid=userid, received_at=at, passive_reply=reply))


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
    created_at = DateTimeField(default=now)
    next_attempt_at = DateTimeField(default=now, index=True)
    claimed_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
