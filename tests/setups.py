"""Set-ups many tests share: the jobs queued, run in this process by a real RQ worker; and the demo
month, built once per run for each moment a test sets and kept (the SQLite database and the stand-in's
memory), so that a later test starts from a copy instead of publishing it again."""
from __future__ import annotations

import sqlite3

from rq import SimpleWorker

from jobs.publish import publish_period
from models import OutboxMessage, Person, database
from models.demo import load_demo_data

STANDINS: dict[str, object] = {}        # URL → the stand-in a running test serves there (conftest's `standin`)


class _BurstWorker(SimpleWorker):
    """RQ's SimpleWorker without the thread that listens for commands: a burst in a test takes none,
    and stopping that thread costs RQ a one-second join at the end of every burst."""

    def subscribe(self) -> None:
        pass


def told(userid: str, key_prefix: str = "") -> str:
    """Every message queued for `userid` (whose outbox key starts with `key_prefix`), run together."""
    return "".join(row.payload for row in OutboxMessage.select().where(OutboxMessage.recipient == userid,
                                                                       OutboxMessage.key.startswith(key_prefix)))


def run_worker(services) -> None:
    """Run every queued job now, in this process, with a real RQ worker."""
    _BurstWorker([services.queue], connection=services.redis).work(burst=True, with_scheduler=False)


_DEMO_MONTHS: dict[tuple, tuple[sqlite3.Connection, dict]] = {}     # what demo_month built, by _demo_key


def demo_month(services, phone, period: str, publish: bool = True) -> None:
    """The demo directory and lists, everyone in it a member on the stand-in, and `period` published
    with its cards delivered (unless `publish` is False). Built once per run for each set moment and
    kept (the SQLite database and the stand-in's memory): a later test starts from a copy."""
    standin = STANDINS[phone.base_url].state
    key = _demo_key(services, standin, period, publish)
    if key in _DEMO_MONTHS:
        saved, memory = _DEMO_MONTHS[key]
        saved.backup(database.connection())
        standin.restore(memory)
        return
    load_demo_data(period, services.config.directory)
    phone.add_members([person.userid for person in Person.select()])
    if publish:
        publish_period(services, period)
        run_worker(services)
    if key is not None:
        saved = sqlite3.connect(":memory:", check_same_thread=False)
        database.connection().backup(saved)
        _DEMO_MONTHS[key] = saved, standin.snapshot()


def _demo_key(services, standin, period: str, publish: bool) -> tuple | None:
    """What a demo month depends on, None when it cannot be kept: built on PostgreSQL, at the real
    time (its timestamps would be stale later), or on a database or stand-in that holds people already."""
    config = services.config
    if (not config.database.url.startswith("sqlite") or not services.clock.is_set or Person.select().exists()
            or standin.member_list()):
        return None
    return (period, publish, services.clock.now(), config.pages.public_url, config.pages.secret_key,
            repr(config.directory))
