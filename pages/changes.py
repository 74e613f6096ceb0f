"""A page's change: one transaction, in which the messages the chat would send for it (the handlers'
Outgoing replies) are queued in the outbox, delivered once it is committed, as bot/dispatch does."""
from __future__ import annotations

import secrets
from contextlib import contextmanager

from flask import current_app

from bot import outbound
from models import database


@contextmanager
def change():
    """Yields a list to add Outgoing replies to; nothing is written or sent if the block raises."""
    services = current_app.extensions["yuebao"]
    outgoing: list = []
    with database.atomic():
        yield outgoing
        at, once = services.clock.utcnow(), secrets.token_hex(8)
        rows = [row for index, reply in enumerate(outgoing, 1)
                if (row := outbound.enqueue(reply.key or f"h5:{once}:{index}", "app", reply.to, reply.reply, at))]
    services.outbox.kick(rows)
