"""SMS through the outbox: one row per person and step, channel "sms", the mobile number its recipient.

The row holds the purpose and the template's parameters; the template id and the provider are read
from `[sms]` when it is delivered. Someone due an SMS who cannot get one gets a row `skipped` with the
reason, so the month's figures count them and a rerun of the step decides nothing twice.
"""
from __future__ import annotations

import datetime
import json
import logging

from bot.sms_providers import Outcome, Result
from models import OutboxMessage, database
from models.messaging import SmsPurpose, SmsSkip, mask_mobile
from settings import OutboxSection, SmsSection

log = logging.getLogger(__name__)


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


NO_PROVIDER = "no provider ([sms] provider is empty)"
UNKNOWN_OUTCOME = "unknown outcome, not resent"


class SmsDelivery:
    """Delivers the outbox's rows of channel "sms" through the provider (bot.sms_providers), for
    bot.outbound.Outbox. Tencent Cloud has no idempotency key: a request that may have reached it
    (its answer lost, or its worker killed mid-call) is never sent again but recorded as failed
    with UNKNOWN_OUTCOME, so one person misses an SMS rather than gets it twice."""

    def __init__(self, provider, sms: SmsSection, outbox: OutboxSection, clock):
        self.provider = provider
        self.sms = sms
        self.outbox = outbox
        self.clock = clock

    def deliver(self, row: OutboxMessage, claim) -> bool:
        """True when the row is settled; False when it waits (its next_attempt_at says till when).
        `claim(row)` marks it sending, False if another worker has it."""
        if self.provider is None:
            return self._settle(row, "failed", NO_PROVIDER)
        after_quiet = self._after_quiet_hours()
        if after_quiet is not None:
            row.next_attempt_at = after_quiet
            row.save(only=[OutboxMessage.next_attempt_at])
            return False
        if self._sent_today(row.recipient) >= self.sms.daily_cap:
            return self._settle(row, "skipped", SmsSkip.CAP)
        if not claim(row):
            return True
        body = json.loads(row.payload)
        result = self.provider.send(row.recipient, self.sms.templates[body["purpose"]], body["params"],
                                    purpose=body["purpose"], reference=row.key)
        return self._record(row, result)

    def _record(self, row: OutboxMessage, result: Result) -> bool:
        if result.outcome == Outcome.SENT:
            log.info("sms %s to %s sent (attempt %d)", row.key, mask_mobile(row.recipient), row.attempts)
            return self._settle(row, "sent", None)
        if result.outcome == Outcome.RETRY and row.attempts < self.outbox.max_attempts:
            delay = self.outbox.backoff_seconds * 2 ** (row.attempts - 1)
            log.info("sms %s to %s attempt %d: %s, retrying in %ss",
                     row.key, mask_mobile(row.recipient), row.attempts, result.code, delay)
            row.next_attempt_at = self.clock.utcnow() + datetime.timedelta(seconds=delay)
            with database.atomic():
                (OutboxMessage.update(status="pending", last_error=result.code[:255],
                                      next_attempt_at=row.next_attempt_at)
                 .where(OutboxMessage.id == row.id).execute())
            return False
        reason = f"{UNKNOWN_OUTCOME} ({result.code})" if result.outcome == Outcome.UNKNOWN else result.code
        log.warning("sms %s to %s failed for good: %s: %s", row.key, mask_mobile(row.recipient), reason, result.advice)
        return self._settle(row, "failed", reason)

    def _settle(self, row: OutboxMessage, status: str, reason: str | None) -> bool:
        sent_at = self.clock.utcnow() if status == "sent" else None
        with database.atomic():
            (OutboxMessage.update(status=status, last_error=reason and reason[:255], sent_at=sent_at)
             .where(OutboxMessage.id == row.id).execute())
        return True

    def _after_quiet_hours(self) -> datetime.datetime | None:
        """When the quiet hours end (stored as naive UTC), if it is within them now; else None."""
        now = self.clock.now()
        start, end = self.sms.quiet_hours()
        quiet = (start <= now.time() or now.time() < end) if start > end else start <= now.time() < end
        if not quiet:
            return None
        ends = datetime.datetime.combine(now.date(), end, tzinfo=now.tzinfo)
        if ends <= now:
            ends += datetime.timedelta(days=1)
        return ends.astimezone(datetime.UTC).replace(tzinfo=None)

    def _sent_today(self, mobile: str) -> int:
        """SMS sent to this number since local midnight."""
        midnight = datetime.datetime.combine(self.clock.today(), datetime.time(), tzinfo=self.clock.zone)
        since = midnight.astimezone(datetime.UTC).replace(tzinfo=None)
        return (OutboxMessage.select()
                .where(OutboxMessage.channel == "sms", OutboxMessage.recipient == mobile,
                       OutboxMessage.status == "sent", OutboxMessage.sent_at >= since).count())

    def give_up_unsure(self, claimed_before: datetime.datetime) -> int:
        """Rows a dead worker left `sending`: their request may have reached the provider, so they
        are failed with UNKNOWN_OUTCOME rather than sent again. Returns how many."""
        with database.atomic():
            rows = list(OutboxMessage.select(OutboxMessage.id, OutboxMessage.key, OutboxMessage.recipient)
                        .where(OutboxMessage.channel == "sms", OutboxMessage.status == "sending",
                               OutboxMessage.claimed_at < claimed_before))
            (OutboxMessage.update(status="failed", last_error=f"{UNKNOWN_OUTCOME} (worker lost)")
             .where(OutboxMessage.id.in_([row.id for row in rows])).execute())
        for row in rows:
            log.warning("sms %s to %s failed for good: %s (its worker died mid-send; it may have arrived)",
                        row.key, mask_mobile(row.recipient), UNKNOWN_OUTCOME)
        return len(rows)
