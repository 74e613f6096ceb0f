"""Callbacks handled later, when the person's previous message was still being handled; and the
daily pruning of the callbacks remembered for deduplication."""
from __future__ import annotations

import datetime

from bot import dispatch
from handlers.events import Inbound
from jobs import runtime
from models import InboundMessage, database

REMEMBERED = datetime.timedelta(days=1)    # far beyond the 10-minute replay window and WeCom's retries


def process(deferred_id: int | None = None, inbound: dict | None = None) -> None:
    """A handed-off callback: kept in the database (by id), or carried whole when the database was
    away at hand-off time."""
    services = runtime.services()
    with database.connection_context():
        if deferred_id is not None:
            dispatch.handle_deferred(services, deferred_id)
        else:
            dispatch.handle(services, Inbound(**inbound), passive=False, lock_wait=60)


def prune() -> int:
    """Forget callbacks older than any WeCom retry or accepted replay could be."""
    services = runtime.services()
    with database.connection_context():
        return InboundMessage.forget_before(services.clock.utcnow() - REMEMBERED)
