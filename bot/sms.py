"""SMS through the outbox: one row per person and step, channel "sms", the mobile number its recipient.

The row holds the purpose and the template's parameters; the template id and the provider are read
from `[sms]` when it is delivered. Someone due an SMS who cannot get one gets a row `skipped` with the
reason, so the month's figures count them and a rerun of the step decides nothing twice.
"""
from __future__ import annotations

import datetime
import json

from models import OutboxMessage
from models.messaging import SmsPurpose, SmsSkip


def enqueue(key: str, mobile: str, purpose: SmsPurpose, params: list[str],
            at: datetime.datetime) -> OutboxMessage | None:
    """Add an SMS to the outbox (inside the caller's transaction). None if the key exists."""
    payload = json.dumps({"purpose": purpose, "params": [str(p) for p in params]}, ensure_ascii=False)
    return _insert(key, mobile, payload, "pending", None, at)


def skip(key: str, reason: SmsSkip, at: datetime.datetime) -> None:
    """Record that this SMS was due and not sent (no-op if the key exists)."""
    _insert(key, "", "{}", "skipped", reason, at)


def _insert(key: str, recipient: str, payload: str, status: str, reason: str | None,
            at: datetime.datetime) -> OutboxMessage | None:
    inserted = (OutboxMessage.insert(key=key, channel="sms", recipient=recipient, kind="sms", payload=payload,
                                     status=status, last_error=reason, created_at=at, next_attempt_at=at)
                .on_conflict_ignore().returning(OutboxMessage.id).tuples().execute())
    row = next(iter(inserted), None)
    return OutboxMessage(id=row[0], key=key) if row else None
