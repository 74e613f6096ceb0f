"""Callbacks handled later, when the person's previous message was still being handled; and the
daily pruning of the callbacks remembered for deduplication."""
from __future__ import annotations

import datetime

from bot import dispatch
from handlers.events import Inbound
from jobs import runtime
from models import InboundMessage, database

REMEMBERED = datetime.timedelta(days=1)    # far beyond the 10-minute replay window and WeCom's retries


def process(inbound: dict) -> None:
    with database.connection_context():
        dispatch.handle(runtime.services(), Inbound(**inbound), passive=False, lock_wait=60)


def prune() -> int:
    """Forget callbacks older than any WeCom retry or accepted replay could be."""
    services = runtime.services()
    with database.connection_context():
        return InboundMessage.forget_before(services.clock.utcnow() - REMEMBERED)
