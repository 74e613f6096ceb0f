"""The one way out: every outgoing message is an outbox row, delivered by an RQ job.

Enqueueing the same key twice sends once. Delivery keeps each recipient's messages in order,
paces them under WeCom's per-member limit, retries transient failures with backoff and records
permanent ones. A row a dead worker left behind is found again by `sweep`. A job delivers a batch
of rows, several recipients at a time (`[outbox] sends_in_flight`): a publish to thousands waits
on WeCom's latency, not on one send after another. Notices to the admin group go through its
robot's webhook (channel "group"), paced at 20 a minute and merged while they wait. SMS (channel
"sms") go through bot.sms's SmsDelivery: its provider, daily cap, quiet hours and lost answers.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor

from redis.exceptions import LockError, NoScriptError, RedisError
from rq import Queue

from bot import render
from bot.pacing import Pacer
from bot.wecom_client import TOKEN_ERRORS, WeComError
from models import OutboxMessage, database
from models.messaging import mask_mobile

log = logging.getLogger(__name__)

DELIVER_JOB = "jobs.outbox.deliver"
# system busy, API rate limit, too many concurrent calls; a token refused even after the client's refresh
RETRYABLE_ERRCODES = {-1, 45009, 45033} | TOKEN_ERRORS
UNKNOWN_RECIPIENT = {81013}                 # WeCom knows no such member
STALE_SENDING = datetime.timedelta(minutes=2)
OVERDUE = datetime.timedelta(seconds=30)
DUPLICATE_CHECK_SECONDS = 1800
BATCH = 50                                  # rows per delivery job
GROUP = "admin-group"                       # the recipient of channel "group": the admin group's webhook
GROUP_PER_MINUTE = 20                       # what a group robot may send
RECIPIENT_LOCK_SECONDS = 60                 # renewed before each send: a killed worker's lock frees within a minute
HELD_ELSEWHERE_RETRY = 5.0                  # seconds before a delivery that found its recipient busy looks again


def enqueue(key: str, channel: str, recipient: str, reply, at: datetime.datetime) -> OutboxMessage | None:
    """Add a message to the outbox (inside the caller's transaction). None if the key exists."""
    render_for = {"app": render.app_message, "robot": render.robot_message, "group": render.group_message}
    kind, body = render_for[channel](reply)
    inserted = (OutboxMessage.insert(key=key, channel=channel, recipient=recipient, kind=kind,
                                     payload=json.dumps(body, ensure_ascii=False), created_at=at,
                                     next_attempt_at=at)
                .on_conflict_ignore().returning(OutboxMessage.id).tuples().execute())
    row = next(iter(inserted), None)
    return OutboxMessage(id=row[0], key=key) if row else None


class Outbox:
    def __init__(self, redis, queue, client, outbox_config, clock, locks, webhook_key: str = "",
                 on_unknown_recipient=None, sms=None):
        """on_unknown_recipient(userid) -> outbox rows: called, inside the transaction that records
        the failure, when WeCom knows no such member. sms: a bot.sms.SmsDelivery."""
        self.redis = redis
        self.queue = queue
        self.client = client
        self.config = outbox_config
        self.clock = clock
        self.locks = locks
        self.webhook_key = webhook_key
        self.on_unknown_recipient = on_unknown_recipient
        self.sms = sms
        self.pacer = Pacer(redis, outbox_config.per_member_per_minute)
        self.group_pacer = Pacer(redis, GROUP_PER_MINUTE)

    def kick(self, rows, release=None) -> bool:
        """Start delivery jobs for freshly committed rows (if Redis is down, `sweep` will), and
        release `release` (a bot.locks.Held) in the same round trip. Returns whether it was released."""
        if not rows and release is None:
            return False
        try:
            with self.redis.pipeline() as pipe:
                if rows:
                    self.queue.enqueue_many([_delivery(batch) for batch in _batches([row.id for row in rows])],
                                            pipeline=pipe)
                if release is not None:
                    self.locks.release(release, pipeline=pipe)
                replies = pipe.execute()
        except NoScriptError:
            return False        # Redis lost the release script (restarted): the jobs went in; the caller releases
        except RedisError as exc:
            if rows:
                log.warning("outbox %s queued in the database only (%s)",
                            ", ".join(row.key for row in rows), type(exc).__name__)
            return False
        if release is None:
            return False
        if not replies[-1]:
            log.warning("lock %s expired before its release", release.name)
        return True

    def deliver_many(self, row_ids: list[int]) -> None:
        """Deliver to the recipients of these rows, up to sends_in_flight of them at a time."""
        recipients = sorted({recipient for (recipient,) in OutboxMessage.select(OutboxMessage.recipient)
                             .where(OutboxMessage.id.in_(row_ids)).tuples()})
        if len(recipients) == 1:
            return self.deliver_to(recipients[0])
        with ThreadPoolExecutor(max_workers=min(len(recipients), self.config.sends_in_flight)) as pool:
            for done in [pool.submit(self._deliver_in_thread, recipient) for recipient in recipients]:
                done.result()

    def _deliver_in_thread(self, recipient: str) -> None:
        with database.connection_context():
            self.deliver_to(recipient)

    def deliver(self, row_id: int) -> None:
        """Deliver to this row's recipient."""
        self.deliver_many([row_id])

    def deliver_to(self, recipient: str) -> None:
        """Send every pending row to the recipient, oldest first, stopping at one that must wait.
        One job at a time per recipient: a job that finds the recipient taken does not wait for
        it (a killed worker's lock would hold the whole worker up) but looks again shortly."""
        digest = hashlib.sha1(recipient.encode()).hexdigest()
        lock = self.redis.lock(f"yuebao:outbox:recipient:{digest}", timeout=RECIPIENT_LOCK_SECONDS)
        if not lock.acquire(blocking=False):
            return self._look_again(recipient)
        try:
            if recipient == GROUP:
                return self._deliver_group()
            pending = list(OutboxMessage.select()
                           .where(OutboxMessage.recipient == recipient, OutboxMessage.status == "pending")
                           .order_by(OutboxMessage.id))
            for row in pending:
                if not self._renew(lock, recipient):
                    break
                if row.next_attempt_at > self.clock.utcnow() or not self._deliver_one(row):
                    self._schedule(row, max(1.0, (row.next_attempt_at - self.clock.utcnow()).total_seconds()))
                    break
        finally:
            self._release(lock, recipient)

    def _look_again(self, recipient: str) -> None:
        first = (OutboxMessage.select().where(OutboxMessage.recipient == recipient, OutboxMessage.status == "pending")
                 .order_by(OutboxMessage.id).first())
        if first is not None:
            self._schedule(first, HELD_ELSEWHERE_RETRY)

    @staticmethod
    def _renew(lock, recipient: str) -> bool:
        """Another minute for the next send; False when the lock expired and someone else has it."""
        try:
            lock.reacquire()
            return True
        except LockError:
            log.warning("outbox lock of %s expired mid-delivery; its new holder goes on", _shown(recipient))
            return False

    @staticmethod
    def _release(lock, recipient: str) -> None:
        try:
            lock.release()
        except LockError:
            log.warning("outbox lock of %s expired before its release", _shown(recipient))

    def _deliver_group(self) -> None:
        """The admin group's waiting notices as one message (under the robot's size limit), paced
        at 20 a minute; what does not fit waits for the next slot."""
        pending = list(OutboxMessage.select()
                       .where(OutboxMessage.channel == "group", OutboxMessage.status == "pending",
                              OutboxMessage.next_attempt_at <= self.clock.utcnow())
                       .order_by(OutboxMessage.id))
        if not pending:
            return
        wait = self.group_pacer.take(GROUP)
        if wait:
            return self._schedule(pending[0], wait)
        batch = render.merge_group(pending)
        claimed = [row for row in batch if self._claim(row)]
        if not claimed:
            return
        try:
            self.client.webhook(self.webhook_key, render.group_body(claimed))
        except WeComError as exc:
            settled = [self._record_failure(row, exc) for row in claimed]
            if not all(settled):
                self._schedule(claimed[0], max(1.0, (claimed[0].next_attempt_at - self.clock.utcnow()).total_seconds()))
            return
        for row in claimed:
            self._mark_sent(row, {})
        if len(batch) < len(pending):
            self._schedule(pending[len(batch)], 1.0)

    def _deliver_one(self, row: OutboxMessage) -> bool:
        """True when the row is settled (sent or failed for good); False to stop and retry later."""
        if row.channel == "sms":
            return self.sms.deliver(row, self._claim)
        wait = self.pacer.take(row.recipient)
        if wait:
            row.next_attempt_at = self.clock.utcnow() + datetime.timedelta(seconds=wait)
            row.save(only=[OutboxMessage.next_attempt_at])
            return False
        if not self._claim(row):
            return True
        try:
            result = self._send(row, retry=row.attempts > 1)
        except WeComError as exc:
            return self._record_failure(row, exc)
        except OSError as exc:      # a file removed, or made on a machine whose files this one cannot see
            return self._failed(row, None, f"file not readable here ({type(exc).__name__}); is files_dir shared?")
        self._mark_sent(row, result)
        return True

    def _claim(self, row: OutboxMessage) -> bool:
        """Mark the row as being sent (one more attempt); False if another worker has it."""
        with database.atomic():
            claimed = (OutboxMessage.update(status="sending", claimed_at=self.clock.utcnow(),
                                            attempts=OutboxMessage.attempts + 1)
                       .where(OutboxMessage.id == row.id, OutboxMessage.status == "pending").execute())
        row.attempts += 1
        return bool(claimed)

    def _mark_sent(self, row: OutboxMessage, result: dict) -> None:
        with database.atomic():
            (OutboxMessage.update(status="sent", sent_at=self.clock.utcnow(), last_errcode=None,
                                  response_code=result.get("response_code") or None)
             .where(OutboxMessage.id == row.id).execute())
        log.info("outbox %s sent (%s, attempt %d)", row.key, row.channel, row.attempts)

    def _send(self, row: OutboxMessage, retry: bool) -> dict:
        body = json.loads(row.payload)
        if row.channel == "robot":
            return self.client.post_plain(row.recipient, body)
        agent = {"agentid": self.client.agent_id}
        if row.kind == "card_update":
            return self.client.api("message/update_template_card",
                                   {**body, **agent, "userids": [row.recipient]})
        if row.kind in ("file", "image"):
            with open(body["path"], "rb") as media:
                uploaded = self.client.api("media/upload", files={"media": media},
                                           params={"type": row.kind})
            body = {"msgtype": row.kind, row.kind: {"media_id": uploaded["media_id"]}}
        message = {**body, **agent, "touser": row.recipient}
        if retry:
            # The earlier attempt may have arrived: let WeCom drop an identical resend.
            message.update(enable_duplicate_check=1, duplicate_check_interval=DUPLICATE_CHECK_SECONDS)
        return self.client.api("message/send", message)

    def _record_failure(self, row: OutboxMessage, exc: WeComError) -> bool:
        transient = exc.errcode is None or exc.errcode in RETRYABLE_ERRCODES
        if transient and row.attempts < self.config.max_attempts:
            delay = self.config.backoff_seconds * 2 ** (row.attempts - 1)
            log.info("outbox %s attempt %d failed (%s), retrying in %ss",
                     row.key, row.attempts, exc.errcode or exc.errmsg, delay)
            row.next_attempt_at = self.clock.utcnow() + datetime.timedelta(seconds=delay)
            with database.atomic():
                (OutboxMessage.update(status="pending", last_errcode=exc.errcode, last_error=exc.errmsg[:255],
                                      next_attempt_at=row.next_attempt_at)
                 .where(OutboxMessage.id == row.id).execute())
            return False
        return self._failed(row, exc.errcode, exc.errmsg)

    def _failed(self, row: OutboxMessage, errcode: int | None, errmsg: str) -> bool:
        """Record a failure for good (True: the row is settled)."""
        log.warning("outbox %s to %s failed for good after %d attempt(s): errcode=%s %s",
                    row.key, row.recipient if row.channel == "app" else row.channel, row.attempts, errcode, errmsg)
        notices = []
        with database.atomic():
            (OutboxMessage.update(status="failed", last_errcode=errcode, last_error=errmsg[:255])
             .where(OutboxMessage.id == row.id).execute())
            if errcode in UNKNOWN_RECIPIENT and row.channel == "app" and self.on_unknown_recipient:
                notices = self.on_unknown_recipient(row.recipient)
        self.kick(notices)
        return True

    def _schedule(self, row: OutboxMessage, seconds: float) -> None:
        try:
            self.queue.enqueue_in(datetime.timedelta(seconds=seconds), DELIVER_JOB, [row.id],
                                  job_id=f"outbox-{row.id}-{row.attempts}")
        except RedisError as exc:
            log.warning("outbox %s retry left to the sweeper (%s)", row.key, type(exc).__name__)

    def sweep(self) -> dict:
        """Recover rows a dead worker or a Redis outage left behind, and queue them again at once;
        returns how many of each."""
        now = self.clock.utcnow()
        unsure = self.sms.give_up_unsure(now - STALE_SENDING) if self.sms else 0
        with database.atomic():
            stale = list(OutboxMessage.select(OutboxMessage.id, OutboxMessage.key)
                         .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STALE_SENDING))
            (OutboxMessage.update(status="pending", next_attempt_at=now)
             .where(OutboxMessage.id.in_([row.id for row in stale])).execute())
        overdue = list(OutboxMessage.select(OutboxMessage.id, OutboxMessage.key)
                       .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at < now - OVERDUE))
        self.kick(stale + overdue)
        return {"reclaimed": len(stale), "requeued": len(overdue), "unknown_outcome": unsure}


def _shown(recipient: str) -> str:
    """A recipient as a log line may show it: a mobile number masked."""
    return mask_mobile(recipient) if recipient.lstrip("+").isdigit() else recipient


def _batches(row_ids: list[int]) -> list[list[int]]:
    return [row_ids[i:i + BATCH] for i in range(0, len(row_ids), BATCH)]


def _delivery(batch: list[int]):
    name = f"outbox-{batch[0]}" + (f"-and-{len(batch) - 1}" if len(batch) > 1 else "")
    return Queue.prepare_data(DELIVER_JOB, (batch,), job_id=name, description=f"deliver {name}")
