"""Set-ups many tests share: the jobs queued, run in this process by a real RQ worker; and the demo
month, built once per run for each moment a test sets and kept (the database's rows and the stand-in's
memory), so that a later test starts from a copy instead of publishing it again."""
from __future__ import annotations

import sqlite3

from rq import SimpleWorker

from jobs.publish import publish_period
from models import ALL_MODELS, OutboxMessage, Person, database
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


_DEMO_MONTHS: dict[tuple, tuple[object, dict]] = {}     # what demo_month built, by _demo_key


def demo_month(services, phone, period: str, publish: bool = True) -> None:
    """The demo directory and lists, everyone in it a member on the stand-in, and `period` published
    with its cards delivered (unless `publish` is False). Built once per run for each set moment and
    kept (the database's rows and the stand-in's memory): a later test starts from a copy."""
    standin = STANDINS[phone.base_url].state
    key = _demo_key(services, standin, period, publish)
    if key in _DEMO_MONTHS:
        rows, memory = _DEMO_MONTHS[key]
        _restore(rows)
        standin.restore(memory)
        return
    load_demo_data(period, services.config.directory)
    phone.add_members([person.userid for person in Person.select()])
    if publish:
        publish_period(services, period)
        run_worker(services)
    if key is not None:
        _DEMO_MONTHS[key] = _save(), standin.snapshot()


def _demo_key(services, standin, period: str, publish: bool) -> tuple | None:
    """What a demo month depends on, None when it cannot be kept: built at the real time (its
    timestamps would be stale later), or on a database or stand-in that holds people already."""
    config = services.config
    if not services.clock.is_set or Person.select().exists() or standin.member_list():
        return None
    return (config.database.url.split(":", 1)[0], period, publish, services.clock.now(), config.pages.public_url,
            config.pages.secret_key, repr(config.directory))


def _save() -> object:
    """Every row of the database: a copy of the SQLite file in memory, PostgreSQL's tables as COPY text."""
    if isinstance(database.connection(), sqlite3.Connection):
        saved = sqlite3.connect(":memory:", check_same_thread=False)
        database.connection().backup(saved)
        return saved
    tables = {}
    with database.cursor() as cursor:
        for model in ALL_MODELS:
            with cursor.copy(f'COPY "{model._meta.table_name}" TO STDOUT') as copy:
                tables[model._meta.table_name] = b"".join(bytes(data) for data in copy)
    return tables


def _restore(saved: object) -> None:
    """Put the rows `_save` kept into this test's empty database, the ids going on from theirs."""
    if isinstance(saved, sqlite3.Connection):
        saved.backup(database.connection())
        return
    with database.atomic(), database.cursor() as cursor:
        for table, text in saved.items():
            with cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                copy.write(text)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f'coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)')
