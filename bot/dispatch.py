"""From an Inbound to what goes back: dedupe, one person at a time, the handlers, passive or outbox.

A callback is acted on once: its dedupe key is stored in the same transaction as everything the
handlers wrote and queued, and a WeCom retry gets the stored passive reply again. Messages of one
person are handled one at a time across processes (a Redis lock); when that person's previous
message is still being handled, this one is handed to a worker instead of keeping WeCom waiting.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import asdict

from peewee import IntegrityError, InterfaceError, OperationalError
from redis.exceptions import RedisError
from rq import Queue, Retry

from bot import outbound, render
from handlers import messages, router
from handlers.errors import UserError
from handlers.events import Inbound
from handlers.replies import Background, Card, CardUpdate, Markdown, Outgoing, Text
from models import DeferredMessage, InboundMessage, database
from models.checkin import sender
from models.db import one_at_a_time

log = logging.getLogger(__name__)

INBOUND_JOB = "jobs.inbound.process"
BACKGROUND_TIMEOUT = 900    # seconds: a year's export of thousands of orgs
UNAVAILABLE = (OperationalError, InterfaceError)    # the database is down, locked or gone mid-statement
# A job whose worker died or whose database was away runs again: about 9 minutes in all.
RETRY = Retry(max=5, interval=[10, 30, 60, 120, 300])
STALE_DEFERRED = datetime.timedelta(minutes=2)      # a job still alive has started by then, or is retrying
REQUEUES = 3        # then a handed-off callback that keeps failing (a bug, bad data) is given up


class Busy(Exception):
    """The person's previous message is still being handled."""


class AlreadyHandled(Exception):
    """A WeCom retry of a callback we acted on; carries the reply we gave."""

    def __init__(self, passive_reply: str | None):
        super().__init__("already handled")
        self.passive_reply = passive_reply


def context(services) -> router.Context:
    return router.Context(clock=services.clock, admin_userids=frozenset(services.config.admins.userids),
                          admin_chat_id=services.config.admin_group.chat_id, pages=services.config.pages.base,
                          publish_ranking=services.config.scores.publish_ranking,
                          sms=bool(services.config.sms.provider))


def _is_text(reply) -> bool:
    return isinstance(reply, (Text, Markdown))


def split_app(inbound: Inbound, replies: list, passive: bool, corp_id: str, timestamp: int):
    """(passive plaintext or None, [(key, recipient, reply)]) for the app's 1:1 chat."""
    first = replies[0] if replies and passive else None
    fits = isinstance(first, Text) or (
        isinstance(first, CardUpdate) and first.response_code == inbound.response_code)
    head = render.passive_app_xml(first, inbound.user, corp_id, str(timestamp)) if fits else None
    rest = replies[1:] if fits else replies
    return head, [_addressed(inbound, i, r, inbound.user) for i, r in enumerate(rest, 1)]


def split_robot(inbound: Inbound, replies: list, passive: bool):
    """Texts travel together as one stream message; a card takes the one-time response_url."""
    texts = "\n\n".join(r.content for r in replies if _is_text(r))
    others = [r for r in replies if not _is_text(r)]
    queued = []
    head = None
    if texts and passive:
        stream_id = hashlib.sha1(inbound.dedupe_key.encode()).hexdigest()[:16]
        head = json.dumps({"msgtype": "stream", "stream": {"id": stream_id, "finish": True,
                                                           "content": texts}}, ensure_ascii=False)
    elif texts:
        others.insert(0, Markdown(texts))
    for i, reply in enumerate(others, 1):
        if isinstance(reply, Outgoing) or not isinstance(reply, (Card, Markdown)):
            queued.append(_addressed(inbound, i, reply, inbound.user))
        elif inbound.response_url and not any(channel == "robot" for channel, *_ in queued):
            queued.append(("robot", f"reply:{inbound.dedupe_key}:{i}", inbound.response_url, reply))
        else:
            log.warning("robot reply %d to %s dropped: the response_url is used once", i, inbound.dedupe_key)
    return head, queued


def _addressed(inbound: Inbound, index: int, reply, default_to: str):
    if isinstance(reply, Outgoing):
        return ("app", reply.key or f"reply:{inbound.dedupe_key}:{index}", reply.to, reply.reply)
    return ("app", f"reply:{inbound.dedupe_key}:{index}", default_to, reply)


def _not_seen(inbound: Inbound) -> None:
    seen = InboundMessage.handled(inbound.dedupe_key)
    if seen is not None:
        raise AlreadyHandled(*seen)


def _record(services, inbound: Inbound, replies: list, passive: bool):
    """Queue the replies and remember the callback; returns (passive plaintext, outbox rows, and
    the Background work to start once committed)."""
    clock = services.clock
    work = [r for r in replies if isinstance(r, Background)]
    ready = bool(work) and _queue_ready(services)
    replies = [(Text(r.note) if ready else Text(messages.JOB_NOT_STARTED)) if isinstance(r, Background) else r
               for r in replies]
    work = work if ready else []
    if inbound.source == "robot":
        head, queued = split_robot(inbound, replies, passive)
    else:
        head, queued = split_app(inbound, replies, passive, services.config.wecom.corp_id, clock.timestamp())
    at = clock.utcnow()
    rows = [row for channel, key, to, reply in queued
            if (row := outbound.enqueue(key, channel, to, reply, at)) is not None]
    try:
        InboundMessage.record(inbound.dedupe_key, inbound.source, inbound.user, head, at)
    except IntegrityError:
        raise AlreadyHandled(None) from None    # a racing duplicate (no Redis lock) got here first
    return head, rows, work


def _queue_ready(services) -> bool:
    """Whether Redis answers now, asked before the person is told their work is being made: when it
    does not, they are told at once that it cannot start (not 正在生成 now and 任务未能开始 later)."""
    try:
        services.redis.ping()
    except RedisError as exc:
        log.warning("background work refused at once: Redis unavailable (%s)", type(exc).__name__)
        return False
    return True


def _person(inbound: Inbound) -> str:
    """The name one person's messages take turns on: the Redis lock's key, and the database's."""
    return f"yuebao:user:{inbound.source}:{inbound.user}"


def _act_once(services, inbound: Inbound, passive: bool):
    """Everything a callback does, in one transaction. A handler that fails rolls back whole and
    the person gets its user error, or an apology (logged with the traceback), never a traceback.
    When the database itself is unavailable nothing is remembered: the message is acted on later.
    The sender is read before the transaction, which on SQLite holds the one write lock. The person's
    transactions also run one at a time in the database: the Redis lock is gone while Redis restarts
    (messages then go on without it), and two of one person's answers at once would both take the
    same item."""
    try:
        _not_seen(inbound)
        person = sender(inbound.user)
        with database.atomic():
            one_at_a_time(_person(inbound))
            replies = router.route(inbound, person, context(services))
            return _record(services, inbound, replies, passive)
    except (AlreadyHandled, *UNAVAILABLE):
        raise
    except UserError as exc:
        replies = [Text(str(exc))]
    except Exception:
        log.exception("handler failed for %s from %s", inbound.dedupe_key, inbound.user)
        replies = [Text(messages.APOLOGY)]
    with database.atomic():
        return _record(services, inbound, replies, passive)


def handle(services, inbound: Inbound, passive: bool = True, lock_wait: float | None = None):
    """Act on an inbound message once; returns the passive reply's plaintext, or None. Waits
    `lock_wait` seconds (default: services.passive_lock_wait) for the person's message before it."""
    lock_wait = services.passive_lock_wait if lock_wait is None else lock_wait
    try:
        held = services.locks.acquire(_person(inbound), lock_wait)
        if held is None:
            raise Busy(inbound.dedupe_key)
    except RedisError as exc:
        # Without Redis we lose per-person ordering, not correctness: the dedupe row still holds.
        log.warning("no per-user lock for %s (%s)", inbound.dedupe_key, type(exc).__name__)
        held = None
    released = False
    try:
        try:
            head, rows, work = _act_once(services, inbound, passive)
        except AlreadyHandled as seen:
            log.info("callback %s already handled; replaying its reply", inbound.dedupe_key)
            return seen.passive_reply if seen.passive_reply is not None else _stored_reply(inbound)
        released = services.outbox.kick(rows, release=held)
        _start(services, inbound, work)
        return head
    finally:
        if held and not released:
            try:
                if not services.locks.release(held):
                    log.warning("per-user lock for %s expired before release", inbound.dedupe_key)
            except RedisError:
                log.warning("per-user lock for %s left to expire (Redis unreachable)", inbound.dedupe_key)


def _start(services, inbound: Inbound, work: list) -> None:
    """Queue each Background job (once per callback); if Redis will not take it, tell the asker."""
    digest = hashlib.sha1(inbound.dedupe_key.encode()).hexdigest()
    for index, item in enumerate(work, 1):
        job_id = f"background-{digest}-{index}"
        try:
            queue_background(services, item, job_id)
        except RedisError as exc:
            log.warning("could not start %s for %s (%s)", item.job, inbound.user, type(exc).__name__)
            with database.atomic():
                row = outbound.enqueue(f"{job_id}:failed", "app", item.kwargs["to"], Text(messages.JOB_NOT_STARTED),
                                       services.clock.utcnow())
            services.outbox.kick([row] if row else [])


def queue_background(services, item: Background, job_id: str) -> None:
    """Queue a Background reply's job: up to BACKGROUND_TIMEOUT long, tried again when it fails or its
    worker dies. Raises RedisError when Redis will not take it."""
    services.queue.enqueue_many([Queue.prepare_data(item.job, kwargs=item.kwargs, job_id=job_id,
                                                    timeout=BACKGROUND_TIMEOUT, retry=RETRY)])


def _stored_reply(inbound: Inbound):
    seen = InboundMessage.handled(inbound.dedupe_key)
    return seen[0] if seen else None


def defer(services, inbound: Inbound) -> None:
    """Hand the message to a worker: kept in the database (the job carries its id) and queued once
    per callback, whatever WeCom's retries; tried again while its database is away, when its worker
    dies, and by the sweep when Redis lost the job. Only when the database is away does the job
    carry the message itself."""
    try:
        with database.atomic():
            kept = DeferredMessage.keep(inbound.dedupe_key, json.dumps(asdict(inbound), ensure_ascii=False),
                                        services.clock.utcnow())
        arguments = {"deferred_id": kept}
    except UNAVAILABLE:
        arguments = {"inbound": asdict(inbound)}
    _queue_inbound(services, inbound.dedupe_key, arguments)


def _queue_inbound(services, dedupe_key: str, arguments: dict) -> None:
    services.queue.enqueue(INBOUND_JOB, kwargs=arguments, retry=RETRY, description=f"handle {dedupe_key}",
                           job_id=f"inbound-{hashlib.sha1(dedupe_key.encode()).hexdigest()}")


def requeue_deferred(services) -> int:
    """Queue again the handed-off callbacks still waiting after STALE_DEFERRED (Redis lost their
    job, or its retries ran out), up to REQUEUES times each; returns how many were queued."""
    now = services.clock.utcnow()
    with database.atomic():
        rows, given_up = DeferredMessage.queue_again(queued_before=now - STALE_DEFERRED, now=now, at_most=REQUEUES)
    for row in given_up:
        log.error("handed-off callback %s given up: it failed every try (the worker's log says why)",
                  row.dedupe_key)
    for row in rows:
        _queue_inbound(services, row.dedupe_key, {"deferred_id": row.id})
    return len(rows)


def handle_deferred(services, deferred_id: int) -> None:
    """Act on a handed-off callback (once, whatever the job's retries) and forget it."""
    row = DeferredMessage.get_or_none(DeferredMessage.id == deferred_id)
    if row is None:
        return
    handle(services, Inbound(**json.loads(row.inbound)), passive=False, lock_wait=60)
    DeferredMessage.delete_by_id(deferred_id)


def later_reply(services, inbound: Inbound) -> str | None:
    """The passive reply to a message handed to a worker because the database was unavailable."""
    replies = [Text(messages.LATER)]
    if inbound.source == "robot":
        return split_robot(inbound, replies, passive=True)[0]
    return split_app(inbound, replies, True, services.config.wecom.corp_id, services.clock.timestamp())[0]
